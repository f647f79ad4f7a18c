"""Web of Science exports: the tagged plain text and the tab-delimited table.

The plain text export ("Other file formats" → "Plain text") is a list of
two-letter fields::

    FN Clarivate Analytics Web of Science
    VR 1.0
    PT J
    AU Patchell, RA
       Tibbs, PA
    TI Direct decompressive surgical resection ...
    CR Bhatt DL, 2007, NEW ENGL J MED, V357, P2001, DOI 10.1056/NEJMoa0706482
       [Anonymous], 2005, LANCET, V366, P643
    ER

    EF

A continuation line starts with three spaces; ``ER`` ends a record and ``EF``
the file.  The tab-delimited export carries the same fields as columns under
a header row ``PT<TAB>AU<TAB>...``, with the lines of a list field joined by
"; ".

Each entry of ``CR`` (cited references) is WoS's terse form of a reference,
read by :func:`parse_cited_reference`.  Other readers use it too: WoS also
exports RIS and BibTeX files whose cited references are in this form.

A record whose structure is broken (a line that is neither a field nor a
continuation, a field given twice, a ``CR`` list whose length contradicts
``NR``, no ``ER``) is reported as :class:`~citegraph.model.Skipped`, naming
its lines, and the records after it are still read.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from ..model import Author, Record, Skipped, Source, Work
from ..references import expand_page_range
from ..resolve.identifiers import normalize_doi, normalize_pmid

__all__ = ["NAME", "sniff", "read", "parse", "parse_lines", "parse_cited_reference",
           "cited_reference_dois", "family_given", "month_abbrev"]

NAME = "wos"

# -- small shared helpers (RIS, BibTeX and Scopus readers use them too) ------

_MONTHS = {m.lower(): m for m in "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()}
_MONTH_NUMBERS = {i: m for i, m in enumerate(_MONTHS.values(), 1)}
_SEASONS = {"spr": "Spring", "spring": "Spring", "sum": "Summer", "summer": "Summer",
            "fal": "Fall", "fall": "Fall", "autumn": "Autumn", "win": "Winter", "winter": "Winter"}


def month_abbrev(value: str | int | None) -> str | None:
    """A month as its English three-letter abbreviation (seasons spelled out).

    Reads names in any case (``"MAR"``, ``"march"``, ``"Mar."``), numbers
    (``3``, ``"03"``) and the first month of a range (``"JAN-FEB"``).

    Examples
    --------
    >>> month_abbrev("MAR 15"), month_abbrev("07"), month_abbrev("september"), month_abbrev("WIN")
    ('Mar', 'Jul', 'Sep', 'Winter')
    >>> month_abbrev("2019") is None
    True
    """
    if value is None:
        return None
    text = str(value).strip().lower()
    m = re.match(r"([a-z]+|\d{1,2})\b", text)
    if not m:
        return None
    word = m.group(1)
    if word.isascii() and word.isdigit():
        return _MONTH_NUMBERS.get(int(word))
    if word[:3] in _MONTHS:
        return _MONTHS[word[:3]]
    return _SEASONS.get(word)


def family_given(name: str) -> Author:
    """A name written "Family, Given" (the form WoS, Scopus and RIS use).

    A name without a comma is a group author (``family`` is ``None``) when it
    has several words, else a family name alone.

    Examples
    --------
    >>> family_given("Patchell, Roy A.")
    Author(name='Patchell, Roy A.', family='Patchell', given='Roy A.')
    >>> family_given("WHO Study Group").is_group, family_given("Aristotle").family
    (True, 'Aristotle')
    """
    name = " ".join(name.split()).strip(" ;")
    family, comma, given = name.partition(",")
    if comma:
        return Author(name, family.strip() or None, given.strip() or None)
    if " " in name:
        return Author(name, None, None)
    return Author(name, name, None)


def _pages(first: str | None, last: str | None = None) -> str | None:
    first = (first or "").strip()
    last = (last or "").strip()
    if not first:
        return None
    if last and last != first:
        return expand_page_range(f"{first}-{last}")
    return expand_page_range(first)


def _year(text: str | None) -> int | None:
    m = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", text or "")
    return int(m.group(1)) if m else None


# -- the cited reference parser ----------------------------------------------
#
# A WoS cited reference is a comma-separated list of slots in a fixed order:
#
#     author, year, source, V<volume>, P<page>, DOI <doi>
#
# every slot optional.  The table below says how each slot at the end is
# recognized and read; the author and the year are read from the front, and
# what is left between them is the source (a journal abbreviation, or the
# first 20 characters of a book title).

_GROUP_WORDS = frozenset("""group task force committee society association organization organisation
consortium collaboration council institute agency department ministry bureau office commission board
working team network investigators center centre foundation federation union administration service
""".split())
_PARTICLES = frozenset("de da di del della der den van von la le du dos das ten ter al el bin ibn st".split())
_ANONYMOUS = frozenset({"[anonymous]", "anonymous", "anon", "[anon]"})

# The slots at the end, tried from the right: name, pattern of one comma-separated token.
_PAGE = r"[Pp]\s?([A-Za-z]{0,3}\d[\w.+-]*)|(?:ARTN|UNSP)\s+(\S+)"
_VOLUME = r"V\s?([A-Za-z]{0,3}\s?\d[\w.()/+-]*(?: (?i:suppl|pt|part|spec|iss|si)\.?(?: ?\w+)?)?|[IVXLC]+)"
_TAIL_SLOTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pages", re.compile(_PAGE)),
    ("volume", re.compile(_VOLUME)),
)
_YEAR = r"(?:1[5-9]|20)\d\d"
_YEAR_TOKEN = re.compile(_YEAR)
# The common case in one pattern (same slots, same readings): tried first, for speed.
_COMMON = re.compile(rf"(?:([^,]+), )?({_YEAR}), ([^,]+)(?:, {_VOLUME})?(?:, (?:{_PAGE}))?"
                     rf"(?:, DOI (10\.[^\s,\[\]]+))?")


def _cr_author(text: str) -> Author | None:
    text = " ".join(text.split())
    if not text or text.lower() in _ANONYMOUS:
        return None
    if text.startswith("*"):  # WoS marks corporate authors with a star
        return Author(text.lstrip("* ") or text, None, None)
    words = text.split(" ")
    if len(words) > 4 or "/" in text or "&" in text or not _GROUP_WORDS.isdisjoint(text.lower().split()):
        return Author(text, None, None)
    if len(words) == 1:
        return Author(text, text, None)
    # family first: "KIM JW", "Salmon W. C.", "Vaitkus Paul T", "Costa de Beauregard O."
    family = [words[0]]
    i = 1
    if len(words) > 2 and words[1].rstrip(".").lower() in ("jr", "sr", "ii", "iii", "iv"):
        family.append(words[1])  # "Smith Jr. SC"
        i = 2
    if words[0].lower() in _PARTICLES:
        while i < len(words) - 1 and words[i - 1].lower() in _PARTICLES:
            family.append(words[i])
            i += 1
    while i < len(words) - 1 and words[i].lower() in _PARTICLES:
        family.extend(words[i:i + 2])
        i += 2
    given = " ".join(words[i:]) or None
    return Author(text, " ".join(family), given)


def cited_reference_dois(text: str) -> tuple[str, ...]:
    """Every valid DOI of a WoS cited reference, in order, without repeats.

    WoS lists several DOIs in brackets when it knows more than one
    (``DOI [10.1/a, 10.1/b]``); :func:`parse_cited_reference` keeps the first
    in ``Work.doi``, the others are read here.

    Examples
    --------
    >>> cited_reference_dois("Drury J., 1999, GROUP PROCESS INTERG, V2, P381, "
    ...                      "DOI [10.1177/1368430299024005, DOI 10.1177/1368430299024005]")
    ('10.1177/1368430299024005',)
    >>> cited_reference_dois("Holmes DR, 2010, J AM COLL CARDIOL, V56, P1357, "
    ...                      "DOI [10.1016/j.jacc.2010.07.016, 10.1016/j.jacc.2009.07.016]")
    ('10.1016/j.jacc.2010.07.016', '10.1016/j.jacc.2009.07.016')
    """
    at = _doi_start(text)
    return _dois(text[at:]) if at >= 0 else ()


def _doi_start(text: str) -> int:
    if text.startswith(("DOI 10.", "DOI [")):  # a reference that is only a DOI ("Doi K" is an author)
        return 0
    at = text.find(", DOI ")
    return at + 2 if at >= 0 else -1


def _dois(part: str) -> tuple[str, ...]:
    part = part.strip().strip("[]")
    found: list[str] = []
    for piece in re.split(r",\s*|\s+(?=DOI\b)|\]\s*\[", part):
        piece = re.sub(r"^(?:DOI\s+)+", "", piece.strip(" []")).strip(" []")
        doi = normalize_doi(piece)
        if doi and doi not in found:
            found.append(doi)
    return tuple(found)


def parse_cited_reference(text: str) -> Work:
    """Read one WoS cited reference into a :class:`~citegraph.model.Work`.

    The source (journal abbreviation or truncated book title) goes to
    ``journal``; there is never a title.  ``raw`` keeps the string.  Of a
    list of DOIs the first valid one is kept (:func:`cited_reference_dois`
    gives them all).

    Examples
    --------
    >>> w = parse_cited_reference("Patchell RA, 2005, LANCET, V366, P643, DOI 10.1016/S0140-6736(05)66954-1")
    >>> w.authors[0].family, w.year, w.journal, w.volume, w.pages, w.doi
    ('Patchell', 2005, 'LANCET', '366', '643', '10.1016/s0140-6736(05)66954-1')
    >>> w = parse_cited_reference("[Anonymous], 1968, PHYS REV, V171, P1385")
    >>> w.authors, w.year, w.journal
    ((), 1968, 'PHYS REV')
    >>> parse_cited_reference("Eells E, 1991, PROBABILISTIC CAUSAL").journal
    'PROBABILISTIC CAUSAL'
    """
    return Work(**_cited_reference_fields(text, _cr_author))


class _CitedReferences:
    """:func:`parse_cited_reference` for one file, remembering what it read.

    A file cites the same works and authors again and again; works are
    immutable, so one ``Work`` serves every mention of the same string.
    """

    __slots__ = ("works", "authors")

    def __init__(self) -> None:
        self.works: dict[str, Work] = {}
        self.authors: dict[str, Author | None] = {}

    def author(self, text: str) -> Author | None:
        if text in self.authors:
            return self.authors[text]
        author = self.authors[text] = _cr_author(text)
        return author

    def __call__(self, text: str) -> Work:
        work = self.works.get(text)
        if work is None:
            work = self.works[text] = Work(**_cited_reference_fields(text, self.author))
        return work


def _cited_reference_fields(text: str, read_author) -> dict:
    raw = text.strip()
    body = raw if "  " not in raw and "\t" not in raw else " ".join(raw.split())
    m = _COMMON.fullmatch(body)
    if m is None:
        return _general_fields(raw, body, read_author)
    author, year, source, volume, page, article, doi = m.groups()
    # the pattern's guesses that the slots would not make: "1999, 2000, X" (no author),
    # a source that reads as a volume or a page
    if not (author and len(author) == 4 and _YEAR_TOKEN.fullmatch(author)) and not (
            source[0] in "VPpAU" and (_TAIL_SLOTS[0][1].fullmatch(source) or _TAIL_SLOTS[1][1].fullmatch(source))):
        fields: dict = {"raw": raw, "year": int(year), "journal": source}
        if author:
            found = read_author(author)
            if found:
                fields["authors"] = (found,)
        if volume:
            fields["volume"] = volume.strip()
        if page or article:
            fields["pages"] = (page or article).strip()
        if doi:
            fields["doi"] = normalize_doi(doi)
        return fields
    return _general_fields(raw, body, read_author)


def _general_fields(raw: str, body: str, read_author) -> dict:
    fields: dict = {"raw": raw}
    at = _doi_start(body)
    if at >= 0:
        dois = _dois(body[at:])
        if dois:
            fields["doi"] = dois[0]
        body = body[:at].rstrip(", ")
    tokens = [t.strip() for t in body.split(", ")] if body else []
    # the tail: page, then volume, each at most once, from the right
    for slot, pattern in _TAIL_SLOTS:
        if len(tokens) > 1 and (m := pattern.fullmatch(tokens[-1])):
            fields[slot] = next(g for g in m.groups() if g is not None).strip()
            tokens.pop()
    # the front: author, then year
    author = None
    if tokens and _YEAR_TOKEN.fullmatch(tokens[0]):
        fields["year"] = int(tokens.pop(0))
    elif len(tokens) > 1 and _YEAR_TOKEN.fullmatch(tokens[1]):
        author = read_author(tokens[0])
        fields["year"] = int(tokens[1])
        del tokens[:2]
    elif len(tokens) > 1 or (tokens and tokens[0].lower() in _ANONYMOUS):
        author = read_author(tokens.pop(0))  # no year: "POSTMES T, REDISCOVERI IN PRESS"
    if author:
        fields["authors"] = (author,)
    if tokens:
        fields["journal"] = ", ".join(tokens)
    return fields


# -- sniffing ----------------------------------------------------------------

_FIELD_LINE = re.compile(r"^(?:AU|AF|TI|SO|UT|CR|PY|DT|ER)(?: |$)", re.M)


def sniff(head: str) -> bool:
    """Whether the start of a file is a WoS plain text or tab-delimited export."""
    text = head.lstrip("\ufeff \t\r\n")
    first = text.split("\n", 1)[0].rstrip("\r")
    if re.match(r"FN (?:Clarivate|Thomson|ISI)\b", first):
        return True
    if first.startswith("PT\t") and re.search(r"\t(?:TI|UT|SO)\t", first + "\t"):
        return True
    # a file without the FN header: "PT J" then two-letter fields
    return bool(re.fullmatch(r"PT [A-Z]\s*", first)) and len(_FIELD_LINE.findall(text[:20000])) >= 2


# -- reading -----------------------------------------------------------------

def read(stream: BinaryIO, path: str = "<stream>") -> Iterator[Record | Skipped]:
    """Read a WoS export from a binary stream, one record at a time."""
    from . import text_stream

    return parse_lines(text_stream(stream), path)


def parse(text: str, path: str = "<string>") -> Iterator[Record | Skipped]:
    """Read a WoS export held in a string.

    Examples
    --------
    >>> text = '''FN Clarivate Analytics Web of Science
    ... VR 1.0
    ... PT J
    ... AU Kim, S
    ... TI Supervenience and causation
    ... SO SYNTHESE
    ... PY 2000
    ... CR Eells E, 1991, PROBABILISTIC CAUSAL
    ...    ENC B, 1983, J PHILOS, V80, P279, DOI 10.2307/2026499
    ... NR 2
    ... ER
    ...
    ... EF'''
    >>> [record] = parse(text)
    >>> record.work.title, record.work.year, [r.year for r in record.references]
    ('Supervenience and causation', 2000, [1991, 1983])
    """
    return parse_lines(io.StringIO(text.lstrip("\ufeff"), newline=None), path)


def parse_lines(lines: Iterable[str], path: str = "<string>") -> Iterator[Record | Skipped]:
    """Read a WoS export from its lines (plain text or tab-delimited, told apart by the first line)."""
    lines = iter(lines)
    number = 0
    for line in lines:
        number += 1
        if line.strip("\ufeff \t\r\n"):
            first = line.lstrip("\ufeff")
            break
    else:
        return
    if first.startswith("PT\t"):
        yield from _parse_table(first, lines, path, number)
    else:
        yield from _parse_tagged(first, lines, path, number)


# -- the plain text export -----------------------------------------------------

class _Draft:
    """The fields of one record as it is read: tag → lines, and what is wrong with it."""

    __slots__ = ("start", "fields", "tag_lines", "problem", "last")

    def __init__(self, start: int) -> None:
        self.start = start
        self.fields: dict[str, list[str]] = {}
        self.tag_lines: dict[str, int] = {}
        self.problem: str | None = None
        self.last: list[str] | None = None

    def add_field(self, tag: str, value: str, number: int) -> None:
        if tag in self.fields:
            if self.problem is None:
                self.problem = (f"field {tag} appears twice (lines {self.tag_lines[tag]} and {number}): "
                                f"the record is damaged")
            self.last = self.fields[tag]
        else:
            self.last = self.fields[tag] = []
            self.tag_lines[tag] = number
        if value:
            self.last.append(value)


def _parse_tagged(first: str, lines: Iterable[str], path: str, number: int
                  ) -> Iterator[Record | Skipped]:
    cited = _CitedReferences()
    index = 0
    draft: _Draft | None = None
    header = False  # an FN line promises an EF line
    ended = False
    for line in _numbered(first, lines, number):
        number, text = line
        if text.startswith("   "):  # continuation
            if draft is not None and draft.last is not None:
                value = text.strip()
                if value:
                    draft.last.append(value)
            elif text.strip():
                yield Skipped(Source(path, NAME, line=number),
                              f"line {number} continues no field: {_show(text)}")
            continue
        tag = text[:2]
        if len(text) >= 2 and tag.isalnum() and tag.isupper() and (len(text) == 2 or text[2] == " "):
            value = text[3:].strip()
            if draft is None:
                if tag in ("FN", "VR"):
                    header = header or tag == "FN"
                    ended = False
                    continue
                if tag == "EF":
                    ended = True
                    continue
                if tag == "ER":
                    yield Skipped(Source(path, NAME, line=number), f"line {number}: ER ends no record")
                    continue
                index += 1
                draft = _Draft(number)
                draft.add_field(tag, value, number)
            elif tag == "ER":
                yield _finish(draft, path, index, cited)
                draft = None
            elif tag == "PT" or tag in ("EF", "FN"):
                draft.problem = f"no ER before line {number}: the record is cut short"
                yield _finish(draft, path, index, cited)
                draft = None
                if tag == "PT":
                    index += 1
                    draft = _Draft(number)
                    draft.add_field(tag, value, number)
                else:
                    ended = tag == "EF"
                    header = header or tag == "FN"
            else:
                draft.add_field(tag, value, number)
            continue
        if not text.strip():
            continue
        if draft is not None:
            if draft.problem is None:
                draft.problem = f"line {number} is neither a field nor a continuation: {_show(text)}"
        else:
            yield Skipped(Source(path, NAME, line=number),
                          f"line {number} stands outside any record: {_show(text)}")
    if draft is not None:
        draft.problem = "the file ends inside this record (no ER)"
        yield _finish(draft, path, index, cited)
    elif header and not ended:
        yield Skipped(Source(path, NAME, line=number),
                      "the file ends without EF: it may have been cut short")


def _numbered(first: str, lines: Iterable[str], number: int) -> Iterator[tuple[int, str]]:
    yield number, first.rstrip("\r\n")
    for line in lines:
        number += 1
        yield number, line.rstrip("\r\n")


def _show(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _finish(draft: _Draft, path: str, index: int, cited: _CitedReferences) -> Record | Skipped:
    source = Source(path, NAME, index=index, line=draft.start)
    fields = draft.fields
    if draft.problem is None and "CR" in fields and "NR" in fields:
        stated = "".join(fields["NR"]).strip()
        if stated.isascii() and stated.isdigit() and int(stated) != len(fields["CR"]):
            draft.problem = (f"NR says {int(stated)} cited references but CR (line "
                             f"{draft.tag_lines['CR']}) holds {len(fields['CR'])}: the record is damaged")
    if draft.problem is not None:
        return Skipped(source, draft.problem)
    try:
        return _record(_tagged_values(fields), source, cited)
    except (ValueError, TypeError) as exc:  # a field no reader expects; keep the rest of the file
        return Skipped(source, f"cannot be read: {exc}")


# Fields whose lines are items of a list; other fields' lines are one text.
_LIST_TAGS = frozenset({"AU", "AF", "CA", "GP", "BA", "BF", "BE", "CR", "C1", "EM", "RI", "OI"})
_KEYWORD_TAGS = frozenset({"DE", "ID", "WC", "SC", "DT"})


def _tagged_values(fields: dict[str, list[str]]) -> dict[str, list[str] | str]:
    values: dict[str, list[str] | str] = {}
    for tag, lines in fields.items():
        if tag in _LIST_TAGS:
            values[tag] = lines
        elif tag in _KEYWORD_TAGS:
            values[tag] = [k.strip() for k in " ".join(lines).split(";") if k.strip()]
        else:
            values[tag] = " ".join(lines)
    return values


# -- the tab-delimited export -------------------------------------------------

def _parse_table(first: str, lines: Iterable[str], path: str, number: int
                 ) -> Iterator[Record | Skipped]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    header = [h.strip().lstrip("\ufeff") for h in first.rstrip("\r\n").split("\t")]
    while header and not header[-1]:
        header.pop()
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    cited = _CitedReferences()
    index = 0
    while True:
        start = number + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            index += 1
            yield Skipped(Source(path, NAME, index=index, line=start), f"row cannot be read: {exc}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        index += 1
        source = Source(path, NAME, index=index, line=start)
        while len(row) > len(header) and not row[-1].strip():
            row.pop()
        if len(row) != len(header):
            yield Skipped(source, f"row has {len(row)} columns where the header has {len(header)}")
            continue
        values: dict[str, list[str] | str] = {}
        for tag, cell in zip(header, row):
            cell = cell.strip()
            if not cell:
                continue
            if tag in _LIST_TAGS or tag in _KEYWORD_TAGS:
                values[tag] = [item.strip() for item in cell.split(";") if item.strip()] \
                    if tag in _KEYWORD_TAGS else [item.strip() for item in cell.split("; ") if item.strip()]
            else:
                values[tag] = cell
        try:
            yield _record(values, source, cited)
        except (ValueError, TypeError) as exc:
            yield Skipped(source, f"cannot be read: {exc}")


# -- fields to a Work ---------------------------------------------------------

def _text(values: dict, tag: str) -> str | None:
    value = values.get(tag)
    if isinstance(value, list):
        value = " ".join(value)
    return value.strip() if value else None


def _record(values: dict[str, list[str] | str], source: Source,
            cited: _CitedReferences | None = None) -> Record:
    names = values.get("AF") or values.get("AU") or []
    authors = [family_given(n) for n in names if n.strip() and n.strip().lower() not in _ANONYMOUS]
    authors += [Author(n.strip(), None, None) for n in values.get("CA", []) if n.strip()]
    keywords: list[str] = []
    for tag in ("DE", "ID"):
        for k in values.get(tag, []):
            if k not in keywords:
                keywords.append(k)
    pages = _pages(_text(values, "BP"), _text(values, "EP")) or _text(values, "AR")
    work = Work(
        title=_text(values, "TI"),
        authors=tuple(authors),
        year=_year(_text(values, "PY")) or _year(_text(values, "EY")),
        month=month_abbrev(_text(values, "PD")),
        journal=_text(values, "SO") or _text(values, "JI") or _text(values, "J9"),
        volume=_text(values, "VL"),
        issue=_text(values, "IS"),
        pages=pages,
        doi=normalize_doi(_text(values, "DI")),
        pmid=normalize_pmid(_text(values, "PM")),
        abstract=_text(values, "AB"),
        keywords=tuple(keywords),
        publication_types=tuple(values.get("DT", [])),
        editors=tuple(family_given(n) for n in values.get("BE", []) if n.strip()),
        publisher=_text(values, "PU"),
        place=_text(values, "PI"),
    )
    cited = cited or _CitedReferences()
    references = tuple(cited(cr) for cr in values.get("CR", []) if cr.strip())
    return Record(work=work, source=source, references=references)
