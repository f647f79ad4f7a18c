"""RIS files (EndNote, Zotero, Mendeley, IEEE Xplore, Embase, Web of Science "RIS" exports).

A record runs from ``TY  - `` to ``ER  - ``; each line is a two-letter tag,
two spaces, a dash, a space and a value::

    TY  - JOUR
    AU  - Shannon, Claude E.
    PY  - 1948/07//
    TI  - A Mathematical Theory of Communication
    JF  - Bell System Technical Journal
    SP  - 379
    EP  - 423
    ER  -

`rispy <https://github.com/MrTango/rispy>`_ reads the lines: its tables map
tags to its keys (``"T1"`` → ``"primary_title"``), and :data:`FIELDS` below
maps its keys to ours, so that a variant is a change of table, not of code.
This module finds where each record starts and ends, so that records stream
one at a time and every record knows its line, and hands each one to rispy.

Cited references come in ``CR`` lines where an export carries them (Web of
Science writes its terse form there); each is read by
:func:`citegraph.formats.wos.parse_cited_reference`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import rispy

from ..model import Author, Record, Skipped, Source, Work
from ..references import expand_page_range
from ..resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from .wos import _CitedReferences, family_given, month_abbrev

__all__ = ["NAME", "FIELDS", "TAGS", "sniff", "read", "parse", "parse_lines"]

NAME = "ris"

#: rispy's tag table, plus the tags it does not know that carry something we read.
TAGS: dict[str, str] = {
    **rispy.TAG_KEY_MAPPING,
    "CR": "cited_references",  # Web of Science: one cited reference per line
    "VO": "volume_alternate",  # IEEE Xplore writes the volume twice, as VL and VO
    "DI": "doi_alternate",
    "PM": "pubmed_id",
    "PMID": "pubmed_id",
}
_LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "CR"]

#: Our field ← rispy's keys, the first one present wins.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("primary_title", "title", "translated_title", "short_title"),  # T1, TI
    "authors": ("authors", "first_authors"),  # AU, A1
    "date": ("year", "publication_year", "date"),  # PY, Y1, DA
    "journal": ("journal_name", "alternate_title3", "secondary_title", "alternate_title2",
                "alternate_title1"),  # JO, JF, T2, JA, J2
    "volume": ("volume", "volume_alternate"),  # VL, VO
    "issue": ("number",),  # IS
    "start_page": ("start_page",),  # SP
    "end_page": ("end_page",),  # EP
    "doi": ("doi", "doi_alternate"),  # DO, DI
    "abstract": ("abstract", "notes_abstract"),  # AB, N2
    "keywords": ("keywords",),  # KW
    "accession": ("accession_number",),  # AN
    "pmid": ("pubmed_id",),
    "urls": ("urls",),  # UR
    "type": ("type_of_reference",),  # TY
    "publisher": ("publisher",),  # PB
    "place": ("place_published",),  # CY
    "references": ("cited_references",),  # CR
}

_PUBMED_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d{1,9})\b")
_PMC_URL = re.compile(r"ncbi\.nlm\.nih\.gov/pmc/articles/(PMC\d+)", re.I)


def sniff(head: str) -> bool:
    """Whether the start of a file holds RIS records (a ``TY  - `` line)."""
    return bool(re.search(r"^\ufeff?TY  -", head, re.M))


def read(stream: BinaryIO, path: str = "<stream>") -> Iterator[Record | Skipped]:
    """Read RIS records from a binary stream, one at a time."""
    from . import text_stream

    return parse_lines(text_stream(stream), path)


def parse(text: str, path: str = "<string>") -> Iterator[Record | Skipped]:
    """Read RIS records held in a string.

    Examples
    --------
    >>> text = '''TY  - JOUR
    ... AU  - Shannon, Claude E.
    ... PY  - 1948/07//
    ... TI  - A Mathematical Theory of Communication
    ... JF  - Bell System Technical Journal
    ... SP  - 379
    ... EP  - 423
    ... ER  -
    ... '''
    >>> [record] = parse(text)
    >>> w = record.work
    >>> w.authors[0].family, w.year, w.month, w.journal, w.pages
    ('Shannon', 1948, 'Jul', 'Bell System Technical Journal', '379-423')
    """
    return parse_lines(io.StringIO(text.lstrip("\ufeff"), newline=None), path)


def parse_lines(lines: Iterable[str], path: str = "<string>") -> Iterator[Record | Skipped]:
    """Read RIS records from lines of text."""
    parser = rispy.RisParser(mapping=TAGS, list_tags=_LIST_TAGS)
    cited = _CitedReferences()
    index = 0
    chunk: list[str] = []
    start = 0
    number = 0
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n").lstrip("\ufeff")
        tag = parser.parse_line(line)[0]
        if tag == "TY":
            if chunk:
                index += 1
                yield Skipped(Source(path, NAME, index=index, line=start),
                              f"no ER before the next record (line {number}): the record is cut short")
            chunk, start = [line], number
        elif chunk:
            chunk.append(line)
            if tag == "ER":
                index += 1
                yield _read_record(parser, chunk, Source(path, NAME, index=index, line=start), cited)
                chunk = []
        # lines outside records (export banners, "Record #1 of 2") are not ours to read
    if chunk:
        index += 1
        yield Skipped(Source(path, NAME, index=index, line=start), "the file ends inside this record (no ER)")


def _read_record(parser: rispy.RisParser, chunk: list[str], source: Source,
                 cited: _CitedReferences) -> Record | Skipped:
    try:
        [entry] = parser.parse_lines(iter(chunk))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return Skipped(source, f"rispy cannot read this record: {exc}")
    return _record(entry, source, cited)


def _get(entry: dict, field: str) -> str | None:
    for key in FIELDS[field]:
        value = entry.get(key)
        if isinstance(value, list):
            value = next((v for v in value if v and v.strip()), None)
        if value and value.strip():
            return value.strip()
    return None


def _list(entry: dict, field: str) -> list[str]:
    for key in FIELDS[field]:
        value = entry.get(key)
        if value:
            values = value if isinstance(value, list) else [value]
            return [v.strip() for v in values if v and v.strip()]
    return []


def _record(entry: dict, source: Source, cited: _CitedReferences) -> Record:
    date = _get(entry, "date")
    year = re.search(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)", date or "")
    month = None
    if date:
        numeric = re.match(r"\s*\d{4}/(\d{1,2})\b", date)
        month = month_abbrev(numeric.group(1)) if numeric else next(
            (m for word in re.findall(r"[A-Za-z]+", date) if (m := month_abbrev(word))), None)
    first, last = _get(entry, "start_page"), _get(entry, "end_page")
    pages = None
    if first:
        pages = expand_page_range(f"{first}-{last}" if last and last != first and "-" not in first
                                  else first.replace("--", "-"))
    urls = _list(entry, "urls")
    pmid = normalize_pmid(_get(entry, "pmid")) or _accession_pmid(entry) or next(
        (m.group(1) for u in urls if (m := _PUBMED_URL.search(u))), None)
    pmcid = next((normalize_pmcid(m.group(1)) for u in urls if (m := _PMC_URL.search(u))), None)
    doi = normalize_doi(_get(entry, "doi")) or next(
        (d for u in urls if "doi.org/" in u and (d := normalize_doi(u))), None)
    kind = _get(entry, "type")
    work = Work(
        title=_get(entry, "title"),
        authors=tuple(_author(a) for a in _list(entry, "authors")),
        year=int(year.group(1)) if year else None,
        month=month,
        journal=_get(entry, "journal"),
        volume=_get(entry, "volume"),
        issue=_get(entry, "issue"),
        pages=pages,
        doi=doi,
        pmid=normalize_pmid(pmid),
        pmcid=pmcid,
        url=urls[0] if urls else None,
        abstract=_get(entry, "abstract"),
        keywords=tuple(dict.fromkeys(_list(entry, "keywords"))),
        publication_types=(rispy.TYPE_OF_REFERENCE_MAPPING.get(kind, kind),) if kind else (),
        publisher=_get(entry, "publisher"),
        place=_get(entry, "place"),
    )
    references = tuple(cited(cr) for cr in _list(entry, "references"))
    return Record(work=work, source=source, references=references)


def _accession_pmid(entry: dict) -> str | None:
    """``AN`` is a PMID in exports from MEDLINE/PubMed databases (Ovid, EBSCO), or when it says so."""
    accession = _get(entry, "accession")
    if not accession:
        return None
    m = re.fullmatch(r"(?:PMID|MEDLINE|PubMed)\s*:?\s*(\d{1,9})", accession, re.I)
    if m:
        return m.group(1)
    database = " ".join(str(entry.get(k) or "") for k in ("name_of_database", "database_provider"))
    if re.search(r"medline|pubmed", database, re.I) and accession.isascii() and accession.isdigit():
        return accession
    return None


_FAMILY_INITIALS = re.compile(r"(?P<family>[^\d,]+?)\s+(?P<given>(?:[A-Z]\.?[ -]?){1,4})")
_GIVEN_FAMILY = re.compile(r"(?P<given>(?:[^\W\d][\w'-]*\.?\s+)+)(?P<family>[^\W\d][\w'-]*)")


def _author(name: str) -> Author:
    """"Family, Given" (most exports), "Family I." or "I. Family" (IEEE)."""
    name = " ".join(name.split())
    if "," in name:
        return family_given(name)
    if m := _FAMILY_INITIALS.fullmatch(name):
        return Author(name, m.group("family"), m.group("given").strip())
    if " " not in name:
        return Author(name, name, None)
    if (m := _GIVEN_FAMILY.fullmatch(name)) and len(name.split()) <= 4:
        return Author(name, m.group("family"), m.group("given").strip())
    return Author(name, None, None)
