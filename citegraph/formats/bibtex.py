"""BibTeX and BibLaTeX files, read with bibtexparser 2.

bibtexparser splits the file into blocks and keeps the line and raw text of
each; a block it cannot parse becomes a failed block, which this reader turns
into :class:`~citegraph.model.Skipped` naming its line, and the other entries
are still read.  Names are split into parts ("Family, Given" and "Given
Family", "von" and "Jr" parts) and LaTeX (accents, braces) is decoded by
bibtexparser's middlewares; identifiers and URLs are read as written.

Cited references come where the export carries them:

* Web of Science BibTeX: ``Cited-References``, one WoS cited reference per
  line, read by :func:`citegraph.formats.wos.parse_cited_reference`;
* Scopus BibTeX: ``references``, separated by "; ", read by
  :func:`citegraph.formats.scopus.parse_scopus_reference`.

A BibTeX file is read whole: ``@string`` macros and ``crossref`` parents may
stand anywhere in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import (LatexDecodingMiddleware, NormalizeFieldKeys, SeparateCoAuthors,
                                      SplitNameParts)
from bibtexparser.middlewares.names import NameParts
from bibtexparser.middlewares.parsestack import default_parse_stack
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

from ..model import Author, Record, Skipped, Source, Work
from ..references import expand_page_range
from ..resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from .scopus import parse_scopus_reference
from .wos import _CitedReferences, month_abbrev

__all__ = ["NAME", "sniff", "read", "parse"]

NAME = "bibtex"

#: Fields whose LaTeX is decoded: the ones read into a Work.  Identifiers and URLs
#: are read as written (LaTeX would take the "%" of a URL for a comment), and
#: fields nobody reads are not decoded at all.
DECODED_FIELDS = frozenset({"title", "subtitle", "journal", "journaltitle", "booktitle", "volume", "number",
                            "issue", "pages", "year", "date", "month", "abstract", "keywords", "keyword",
                            "author_keywords", "author-keywords", "keywords-plus", "type", "document_type",
                            "author", "editor", "publisher", "address", "location"})
_ENTRY_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.M)


class _DecodeLatex(LatexDecodingMiddleware):
    """bibtexparser's LaTeX decoding, on the fields of :data:`DECODED_FIELDS`.

    Names split into parts are decoded part by part (bibtexparser 2.1 decodes one
    ``NameParts`` but passes over the list that ``SplitNameParts`` makes), after the
    split, so that braces still protect "{World Health Organization}" from it.  A
    value that LaTeX cannot decode is kept as written rather than losing the entry.
    """

    def transform_entry(self, entry, library):
        decoded = [f for f in entry.fields if f.key in DECODED_FIELDS]
        names = [f for f in decoded if isinstance(f.value, list)]
        everything = entry.fields
        entry.fields = [f for f in decoded if not isinstance(f.value, list)]
        try:
            block = super().transform_entry(entry, library)
        finally:
            entry.fields = everything
        errors: list[str] = []
        for field in names:
            for parts in field.value:
                if isinstance(parts, NameParts):
                    for attribute in ("first", "von", "last", "jr"):
                        setattr(parts, attribute, self._transform_all_strings(getattr(parts, attribute), errors))
        return block

    def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
        text, _error = super()._transform_python_value_string(python_string)
        return text, ""


def _parse_stack() -> list:
    """bibtexparser's default stack (strings resolved, braces off), then keys lowercased, names
    split, LaTeX decoded."""
    return [*default_parse_stack(allow_inplace_modification=True),
            NormalizeFieldKeys(), SeparateCoAuthors(), SplitNameParts(), _DecodeLatex()]


def _with_repeated_keys(library: Library) -> Library:
    """The split blocks, an entry whose key was seen before given a key of its own.

    bibtexparser sets such an entry aside in a ``DuplicateBlockKeyBlock``, which
    every step of the parse stack passes over: its strings would stay unresolved,
    its braces on, its names unsplit, its LaTeX undecoded.  Merged exports repeat
    keys; their entries are read like the others.  The first entry keeps the key,
    so that a ``crossref`` names it.
    """
    if not any(isinstance(b, DuplicateBlockKeyBlock) for b in library.failed_blocks):
        return library
    keys = {entry.key for entry in library.entries}
    blocks = []
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, Entry):
            block = block.ignore_error_block
            n = 2
            while f"{block.key} ({n})" in keys:
                n += 1
            block.key = f"{block.key} ({n})"
            keys.add(block.key)
        blocks.append(block)
    return Library(blocks=blocks, fail_on_duplicate_key=False)


def sniff(head: str) -> bool:
    """Whether the start of a file holds a BibTeX entry (``@article{``, ``@string(`` ...)."""
    return bool(_ENTRY_START.search(head))


def read(stream: BinaryIO, path: str = "<stream>") -> Iterator[Record | Skipped]:
    """Read the entries of a BibTeX file from a binary stream."""
    from . import text_stream

    return parse(text_stream(stream).read(), path)


def parse(text: str, path: str = "<string>") -> Iterator[Record | Skipped]:
    """Read the entries of a BibTeX file held in a string.

    Examples
    --------
    >>> text = '''@article{Cesar2013,
    ...   author = {Jean C{\\\\'e}sar and Doe, John and others},
    ...   title = {An {Amazing} Title},
    ...   year = 2013, month = jan, volume = {12}, pages = {12--23},
    ...   journal = {Nice Journal}, doi = {10.1000/XYZ_1},
    ... }'''
    >>> [record] = parse(text)
    >>> w = record.work
    >>> [(a.family, a.given) for a in w.authors], w.et_al, w.title, w.pages, w.doi, w.month
    ([('César', 'Jean'), ('Doe', 'John')], True, 'An Amazing Title', '12-23', '10.1000/xyz_1', 'Jan')
    """
    library = bibtexparser.parse_string(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"),
                                        parse_stack=[])
    library = _with_repeated_keys(library)
    for step in _parse_stack():
        library = step.transform(library)
    entries: dict[str, Entry] = {e.key.lower(): e for e in library.entries}
    cited = _CitedReferences()
    index = 0
    for block in library.blocks:
        if isinstance(block, Entry):
            index += 1
            source = Source(path, NAME, index=index, line=_line(block))
            yield _record(block, entries, source, cited)
        elif isinstance(block, ParsingFailedBlock):
            index += 1
            line = _line(block)
            yield Skipped(Source(path, NAME, index=index, line=line),
                          f"bibtexparser cannot read the block at line {line}: {_reason(block)}")


def _line(block) -> int | None:
    return block.start_line + 1 if block.start_line is not None else None


def _reason(block: ParsingFailedBlock) -> str:
    error = block.error
    text = getattr(error, "abort_reason", None) or getattr(error, "message", None) or str(error)
    return " ".join(str(text).split()) or type(error).__name__


# -- fields ---------------------------------------------------------------------

def _value(entry: Entry, *keys: str) -> str | None:
    fields = {f.key.lower(): f.value for f in entry.fields}
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def _verbatim(text: str | None) -> str | None:
    """A field read as written, with BibTeX's protective braces and escapes taken off."""
    if text is None:
        return None
    return re.sub(r"\\([&%_$#{}])", r"\1", text).replace("{", "").replace("}", "").strip() or None


def _inherited(entry: Entry, entries: dict[str, Entry]) -> Entry | None:
    parent_key = _value(entry, "crossref")
    return entries.get(parent_key.lower()) if parent_key else None


def _record(entry: Entry, entries: dict[str, Entry], source: Source, cited: _CitedReferences) -> Record:
    parent = _inherited(entry, entries)

    def get(*keys: str) -> str | None:
        return _value(entry, *keys) or (_value(parent, *keys) if parent is not None else None)

    authors, et_al = _names(entry, "author")
    editors, _ = _names(entry, "editor")
    title = _value(entry, "title")
    if title and (subtitle := _value(entry, "subtitle")):
        title = f"{title}: {subtitle}"
    # a part (@inproceedings, @incollection) is published in its parent's title
    journal = _value(entry, "journal", "journaltitle", "booktitle") or (
        _value(parent, "journal", "journaltitle", "booktitle", "title") if parent is not None else None)
    date = get("date")
    year_text = get("year") or date or ""
    year = re.search(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)", year_text)
    month = month_abbrev(get("month"))
    if month is None and date and (m := re.match(r"\d{4}-(\d{2})", date)):
        month = month_abbrev(m.group(1))
    pages = _value(entry, "pages")
    if pages:
        pages = expand_page_range(re.sub(r"\s*[-\u2010-\u2015]+\s*", "-", pages))
    eprint = _verbatim(_value(entry, "eprint"))
    eprint_type = (_value(entry, "eprinttype", "archiveprefix") or "").lower()
    pmid = normalize_pmid(_verbatim(_value(entry, "pmid", "pubmed_id", "pubmed")))
    pmcid = normalize_pmcid(_verbatim(_value(entry, "pmcid")))
    url = _verbatim(_value(entry, "url"))
    arxiv = None
    if eprint:
        if eprint_type in ("pubmed", "pmid"):
            pmid = pmid or normalize_pmid(eprint)
        elif eprint_type in ("pmc", "pmcid"):
            pmcid = pmcid or normalize_pmcid(eprint)
        elif eprint_type == "arxiv":
            arxiv = re.sub(r"^arxiv:\s*", "", eprint, flags=re.I)
    doi = normalize_doi(_verbatim(_value(entry, "doi"))) or (
        normalize_doi(eprint) if eprint and eprint_type == "doi" else None)
    kind = _value(entry, "type", "document_type")
    work = Work(
        title=title,
        authors=authors,
        et_al=et_al,
        year=int(year.group(1)) if year else None,
        month=month,
        journal=journal,
        volume=get("volume"),
        issue=_value(entry, "number", "issue"),
        pages=pages,
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        url=url,
        abstract=_value(entry, "abstract"),
        keywords=_keywords(entry),
        publication_types=(kind,) if kind else (entry.entry_type.lower(),),
        editors=editors,
        publisher=get("publisher"),
        place=get("address", "location"),
        arxiv=arxiv,
    )
    return Record(work=work, source=source, references=_references(entry, cited))


def _keywords(entry: Entry) -> tuple[str, ...]:
    found: list[str] = []
    for key in ("keywords", "keyword", "author_keywords", "author-keywords", "keywords-plus"):
        text = _value(entry, key)
        if not text:
            continue
        separator = ";" if ";" in text else ","
        for keyword in text.split(separator):
            keyword = keyword.strip()
            if keyword and keyword not in found:
                found.append(keyword)
    return tuple(found)


def _references(entry: Entry, cited: _CitedReferences) -> tuple[Work, ...]:
    fields = {f.key.lower(): f.value for f in entry.fields}
    wos = fields.get("cited-references")
    if isinstance(wos, str) and wos.strip():
        # one reference a line; exports end each with a period
        return tuple(cited(line) for raw in wos.split("\n") if (line := _verbatim(raw.strip().rstrip("."))))
    scopus = fields.get("references")
    if isinstance(scopus, str) and scopus.strip():
        return tuple(parse_scopus_reference(part) for part in scopus.split("; ") if part.strip())
    return ()


_AFFILIATION_MARKS = re.compile(r"(?<=\.)[a-z](?:\s+[a-z])*$")


def _names(entry: Entry, key: str) -> tuple[tuple[Author, ...], bool]:
    """The persons of a name field, and whether the list ends in "and others"."""
    field = next((f for f in entry.fields if f.key == key), None)
    if field is None or not isinstance(field.value, list):
        return (), False
    authors: list[Author] = []
    et_al = False
    for parts in field.value:
        if not isinstance(parts, NameParts):
            continue
        if parts.last == ["others"] and not parts.first:
            et_al = True
            continue
        authors.append(_author(parts))
    return tuple(authors), et_al


def _author(parts: NameParts) -> Author:
    first = " ".join(parts.first)
    # Scopus BibTeX glues affiliation letters to the initials: "Li, L.Z.a  b"
    first = _AFFILIATION_MARKS.sub("", " ".join(w for w in first.split() if not re.fullmatch(r"[a-z]", w)))
    family = " ".join(parts.von + parts.last)
    if parts.jr:
        family = f"{family} {' '.join(parts.jr)}"
    name = " ".join(x for x in (first, family) if x)
    if not first and len(family.split()) > 1:
        return Author(family, None, None)  # "{World Health Organization}": a group
    return Author(name, family or None, first or None)
