"""Scopus CSV exports.

Columns are found by their header name, case-insensitively, so that the old
layout ("Authors", "Title", "Year", "Source title", ...) and the new one
("Author full names", "Author(s) ID", ...) read alike and a column moved or
added changes nothing.  The ``References`` column holds the article's
reference list, separated by "; ", each in Scopus's form::

    Nomura, S., Demonstration of the force-balanced coil concept (2003) IEEE Trans. Appl. Supercond.,
    13 (2), pp. 1852-1855. , Jun

or, in exports since about 2020, with the year last::

    Phillips J.C., Braun R., Scalable molecular dynamics with NAMD, J. Comput. Chem., 26, 16,
    pp. 1781-1802, (2005)

:func:`parse_scopus_reference` reads both (the general reference parser reads
"Family, I., Family, I.," author lists as one author per comma).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from ..errors import InputError
from ..model import Author, Record, Skipped, Source, Work
from ..references import expand_page_range
from ..resolve.identifiers import normalize_doi, normalize_pmid

__all__ = ["NAME", "COLUMNS", "sniff", "read", "parse", "parse_lines", "parse_scopus_reference"]

NAME = "scopus-csv"

#: Our field ← the Scopus columns that carry it (lowercase), the first present wins.
COLUMNS: dict[str, tuple[str, ...]] = {
    "full_names": ("author full names",),
    "authors": ("authors",),
    "title": ("title",),
    "year": ("year",),
    "journal": ("source title",),
    "volume": ("volume",),
    "issue": ("issue",),
    "article": ("art. no.",),
    "page_start": ("page start",),
    "page_end": ("page end",),
    "doi": ("doi",),
    "pmid": ("pubmed id",),
    "url": ("link",),
    "abstract": ("abstract",),
    "author_keywords": ("author keywords",),
    "index_keywords": ("index keywords",),
    "type": ("document type",),
    "publisher": ("publisher",),
    "references": ("references",),
}
_NO_VALUE = re.compile(r"\[No (?:author name|abstract|title) available\]", re.I)


def _header(line: str) -> list[str]:
    return [h.strip().lstrip("\ufeff").lower() for h in next(csv.reader([line]), [])]


def sniff(head: str) -> bool:
    """Whether the start of a file is a Scopus CSV export (judged by its header row)."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if "," not in first:
        return False
    try:
        names = set(_header(first))
    except csv.Error:
        return False
    return "title" in names and ("source title" in names or "eid" in names) and \
        bool(names & {"authors", "author full names"})


def read(stream: BinaryIO, path: str = "<stream>") -> Iterator[Record | Skipped]:
    """Read a Scopus CSV export from a binary stream, one row at a time."""
    from . import text_stream

    return parse_lines(text_stream(stream), path)


def parse(text: str, path: str = "<string>") -> Iterator[Record | Skipped]:
    """Read a Scopus CSV export held in a string.

    Examples
    --------
    >>> text = ('Authors,Title,Year,Source title,Volume,Issue,Page start,Page end,DOI,References\\n'
    ...         '"Kim S., Lee J.",A title,2016,Some Journal,26,4,10,19,10.1109/X.1,'
    ...         '"Nomura, S., A study (2003) IEEE Trans. Appl. Supercond., 13 (2), pp. 1852-1855"\\n')
    >>> [record] = parse(text)
    >>> record.work.authors[1].family, record.work.pages, record.references[0].volume
    ('Lee', '10-19', '13')
    """
    return parse_lines(io.StringIO(text.lstrip("\ufeff"), newline=None), path)


class _Lines:
    """The lines of a file as the CSV reader takes them: counted, those of the row being read
    kept, and lines given back to be read again."""

    __slots__ = ("lines", "back", "taken", "number")

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = iter(lines)
        self.back: list[str] = []  # to be read again, the next one last
        self.taken: list[str] = []
        self.number = 0  # of the last line taken

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.back.pop() if self.back else next(self.lines)
        self.number += 1
        self.taken.append(line)
        return line

    def give_back(self, lines: list[str]) -> None:
        self.back.extend(reversed(lines))
        self.number -= len(lines)


def _fitted(row: list[str], header: list[str]) -> list[str]:
    """A row with the empty cells past the header's last column taken off, realigned if still wider."""
    while len(row) > len(header) and not row[-1].strip():
        row.pop()  # a comma after the last column
    return _realign(row, header) if len(row) > len(header) else row


def _runs_into_the_next_row(lines: list[str], fits: bool, header: list[str]) -> bool:
    """Whether a row read over several lines began with a quote that opened a cell by mistake.

    So it is when a quote of the row does not close where a cell ends, and the
    row does not fit the header, or its lines after the first make a row that
    does (its first line is then what is left of a damaged row).  A row that
    fits, and whose later lines make no row by themselves, is one row with a
    line break in a cell (and a stray quote inside it).
    """
    try:
        if len(list(csv.reader(lines, strict=True))) == 1:
            return False
    except csv.Error:
        pass
    if not fits:
        return True
    try:
        rows = [row for row in csv.reader(lines[1:]) if row]
    except csv.Error:
        return False
    return len(rows) == 1 and len(_fitted(rows[0], header)) == len(header)


def parse_lines(lines: Iterable[str], path: str = "<string>") -> Iterator[Record | Skipped]:
    """Read a Scopus CSV export from its lines.

    A quoted cell may hold line breaks (abstracts do).  A stray or a lost quote
    opens a cell that runs on into the rows after it: a row over several lines
    that reads so (see :func:`_runs_into_the_next_row`) is reported at its first
    line, and reading goes on from its second line, so that the rows it took in
    are read.
    """
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    source_lines = _Lines(lines)
    reader = csv.reader(source_lines)
    try:
        header = [h.strip().lstrip("\ufeff").lower() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(path, f"the header row cannot be read: {exc}", line=1) from None
    columns = {field: next((header.index(n) for n in names if n in header), None)
               for field, names in COLUMNS.items()}
    if columns["title"] is None and columns["doi"] is None:
        raise InputError(path, "no Title or DOI column: not a Scopus export", line=1)
    index = 0
    while True:
        start = source_lines.number + 1
        source_lines.taken = []
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
        row = _fitted(row, header)
        taken = source_lines.taken
        if len(taken) > 1 and _runs_into_the_next_row(taken, len(row) == len(header), header):
            yield Skipped(source, f"a quote on line {start} opens a cell that does not close where a cell "
                                  f"ends (the row ran on to line {start + len(taken) - 1}): read again from "
                                  f"line {start + 1}")
            source_lines.give_back(taken[1:])
            reader = csv.reader(source_lines)
            continue
        if len(row) != len(header):
            yield Skipped(source, f"row has {len(row)} columns where the header has {len(header)}")
            continue
        yield _record(row, columns, source)


def _realign(row: list[str], header: list[str]) -> list[str]:
    """A row wider than the header, when the header names fewer "Funding Text N" columns than it holds.

    Scopus numbers its funding text columns "Funding Text 1", "Funding Text 2", ...; a
    header that lost some has the rows' extra cells just after its last one.  The row
    is realigned only when its last columns then read as Scopus wrote them (an EID in
    "EID"); else it is left as it is, and reported.
    """
    funding = [i for i, name in enumerate(header) if name.startswith("funding text")]
    if not funding:
        return row
    extra = len(row) - len(header)
    cut = funding[-1] + 1
    aligned = row[:cut] + row[cut + extra:]
    if "eid" in header and aligned[header.index("eid")].startswith("2-s2.0-") and \
            not row[header.index("eid")].startswith("2-s2.0-"):
        return aligned
    return row


def _cell(row: list[str], columns: dict[str, int | None], field: str) -> str | None:
    at = columns[field]
    if at is None:
        return None
    value = " ".join(row[at].split())
    return None if not value or _NO_VALUE.fullmatch(value) else value


def _record(row: list[str], columns: dict[str, int | None], source: Source) -> Record:
    def cell(field: str) -> str | None:
        return _cell(row, columns, field)

    full_names = cell("full_names")
    if full_names:
        # "Phillips, James C. (57202138757); Braun, Rosemary (7402220509)"
        authors = tuple(_family_given(re.sub(r"\s*\(\d+\)$", "", n.strip()))
                        for n in full_names.split(";") if n.strip())
    else:
        authors = _author_list(cell("authors") or "")
    first, last = cell("page_start"), cell("page_end")
    pages = (expand_page_range(f"{first}-{last}") if first and last and last != first else first) \
        or cell("article")
    year = re.search(r"(?:1[5-9]|20)\d\d", cell("year") or "")
    keywords: list[str] = []
    for field in ("author_keywords", "index_keywords"):
        for keyword in (cell(field) or "").split(";"):
            keyword = keyword.strip()
            if keyword and keyword not in keywords:
                keywords.append(keyword)
    kind = cell("type")
    work = Work(
        title=cell("title"),
        authors=authors,
        year=int(year.group()) if year else None,
        journal=cell("journal"),
        volume=cell("volume"),
        issue=cell("issue"),
        pages=pages,
        doi=normalize_doi(cell("doi")),
        pmid=normalize_pmid(cell("pmid")),
        url=cell("url"),
        abstract=cell("abstract"),
        keywords=tuple(keywords),
        publication_types=(kind,) if kind else (),
        publisher=cell("publisher"),
    )
    at = columns["references"]
    text = row[at] if at is not None else ""
    references = tuple(parse_scopus_reference(part) for part in text.split("; ") if part.strip())
    return Record(work=work, source=source, references=references)


# -- names ---------------------------------------------------------------------

_INITIALS = r"(?:[A-Z][a-z]{0,2}\.(?:\s?-?\s?[A-Z][a-z]{0,2}\.)*)"
_FAMILY_INITIALS = re.compile(rf"(?P<family>[^\d,;()]+?)\s+(?P<given>{_INITIALS})")
_FAMILY = re.compile(r"[^\d,;()\[\]]{1,60}")
_INITIALS_TOKEN = re.compile(_INITIALS)


def _family_given(name: str) -> Author:
    family, comma, given = name.partition(",")
    if comma:
        return Author(name, family.strip() or None, given.strip() or None)
    return Author(name, name, None) if " " not in name else Author(name, None, None)


def _author_list(text: str) -> tuple[Author, ...]:
    """The "Authors" column: "Phillips J.C., Braun R." (old) or "Phillips J.C.; Braun R." (new)."""
    names = text.split(";") if ";" in text else text.split(",")
    authors = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        m = _FAMILY_INITIALS.fullmatch(name)
        if m:
            authors.append(Author(name, m.group("family"), m.group("given")))
        else:
            authors.append(Author(name, name, None) if " " not in name else Author(name, None, None))
    return tuple(authors)


# -- references -------------------------------------------------------------------

_YEAR = re.compile(r"\((1[5-9]\d\d|20\d\d)[a-z]?\)")
_DOI = re.compile(r"(?:,\s*)?\bDOI:?\s*(10\.\d{4,9}/\S+?)(?=,?\s|,|$)|(?<!\w)(10\.\d{4,9}/[^\s,]+)", re.I)
_PMID = re.compile(r"(?:,\s*)?\bPMID:?\s*(\d{1,9})\b", re.I)
_EXTRA = re.compile(r"\.?\s*,\s*,|\.\s+,")  # where Scopus starts the unparsed rest: ". , " or ", , "
_TAIL = re.compile(
    r"(?P<source>.*?)(?:,\s*(?P<volume>[A-Z]?\d[\w.-]*|\(\d+\))(?:\s*\((?P<issue>[^)]*)\))?)?"
    r"(?:,\s*pp?\.\s*(?P<pages>[A-Za-z]?\d+[A-Za-z]?(?:\s*-\s*[A-Za-z]?\d+[A-Za-z]?)?))?\s*\.?\s*$")
_NEW_TAIL = re.compile(r",\s*pp?\.\s*(?P<pages>[A-Za-z]?\d+[A-Za-z]?(?:\s*-\s*[A-Za-z]?\d+[A-Za-z]?)?)\s*$")


def _take_authors(tokens: list[str]) -> tuple[list[Author], bool, int]:
    """The leading authors of a split reference: "Family, I.," pairs or "Family I.," tokens."""
    authors: list[Author] = []
    et_al = False
    i = 0
    paired: bool | None = None  # the style the first author set
    while i < len(tokens):
        token = tokens[i].strip()
        if token.lower().rstrip(".") in ("et al", "et. al"):
            et_al = True
            i += 1
            continue
        if paired is not False and i + 1 < len(tokens) and _FAMILY.fullmatch(token) \
                and _INITIALS_TOKEN.fullmatch(tokens[i + 1].strip()):
            authors.append(Author(f"{token}, {tokens[i + 1].strip()}", token, tokens[i + 1].strip()))
            paired = True
            i += 2
            continue
        if paired is not True and (m := _FAMILY_INITIALS.fullmatch(token)):
            authors.append(Author(token, m.group("family"), m.group("given")))
            paired = False
            i += 1
            continue
        break
    return authors, et_al, i


def _pages(text: str | None) -> str | None:
    return expand_page_range(re.sub(r"\s+", "", text)) if text else None


def parse_scopus_reference(text: str) -> Work:
    """Read one reference of a Scopus export into a :class:`~citegraph.model.Work`.

    Examples
    --------
    >>> w = parse_scopus_reference("Goldacker, W., Frank, A., ROEBEL assembled coated conductors (RACC): "
    ...                            "Preparation, properties and progress (2007) IEEE Trans. Appl. Supercond., "
    ...                            "17 (2), pp. 3398-3401. , Jun")
    >>> [a.family for a in w.authors], w.year, w.title
    (['Goldacker', 'Frank'], 2007, 'ROEBEL assembled coated conductors (RACC): Preparation, properties and progress')
    >>> w.journal, w.volume, w.issue, w.pages
    ('IEEE Trans. Appl. Supercond.', '17', '2', '3398-3401')
    >>> w = parse_scopus_reference("Phillips J.C., Braun R., Scalable molecular dynamics with NAMD, "
    ...                            "J. Comput. Chem., 26, 16, pp. 1781-1802, (2005)")
    >>> w.authors[1].family, w.title, w.journal, w.volume, w.issue, w.pages, w.year
    ('Braun', 'Scalable molecular dynamics with NAMD', 'J. Comput. Chem.', '26', '16', '1781-1802', 2005)
    """
    raw = text.strip()
    body = " ".join(raw.split()).replace(",,", ",")
    fields: dict = {"raw": raw}
    m = _DOI.search(body)
    if m:
        fields["doi"] = normalize_doi(m.group(1) or m.group(2))
        body = (body[:m.start()] + body[m.end():]).strip()
    m = _PMID.search(body)
    if m:
        fields["pmid"] = normalize_pmid(m.group(1))
        body = (body[:m.start()] + body[m.end():]).strip()
    body = re.sub(r"\s*\bCited \d+ times?\.?\s*$", "", body)
    tokens = body.split(", ")
    authors, et_al, used = _take_authors(tokens)
    if authors:
        fields["authors"] = tuple(authors)
    fields["et_al"] = et_al
    rest = ", ".join(tokens[used:]).strip()
    year = _YEAR.search(rest)
    if year is None:
        fields["title"] = rest.strip(" ,.") or None
        return Work(**fields)
    fields["year"] = int(year.group(1))
    before, after = rest[:year.start()].strip(" ,"), rest[year.end():].strip(" ,")
    if after:  # "Title (Year) Source, Volume (Issue), pp. x-y. , extra"
        fields["title"] = before.rstrip(".") or None
        extra = _EXTRA.search(after)
        main = after[:extra.start()] if extra else after
        tail = _TAIL.fullmatch(main.strip())
        if tail:
            fields.update(journal=tail.group("source").strip(" ,") or None,
                          volume=(tail.group("volume") or "").strip("()") or None,
                          issue=tail.group("issue"), pages=_pages(tail.group("pages")))
        else:
            fields["journal"] = main.strip(" ,") or None
        if not fields["title"] and not fields.get("volume") and not fields.get("pages"):
            # "Sze, S.M., (1981) Physics of Semiconductor Devices, , Wiley, New York": a book
            fields["title"], fields["journal"] = fields.get("journal"), None
        return Work(**fields)
    # "Title, Source, Volume, Issue, pp. x-y, (Year)"
    if (pages := _NEW_TAIL.search(before)):
        fields["pages"] = _pages(pages.group("pages"))
        before = before[:pages.start()]
    parts = [p.strip() for p in before.split(", ")]
    numbers = []
    while len(parts) > 1 and re.fullmatch(r"[A-Z]?\d[\w.-]*", parts[-1]) and len(numbers) < 2:
        numbers.insert(0, parts.pop())
    if numbers:
        fields["volume"] = numbers[0]
        if len(numbers) > 1:
            fields["issue"] = numbers[1]
    if len(parts) > 1:
        fields["journal"] = parts.pop()
    fields["title"] = ", ".join(parts).strip(" .") or None
    return Work(**fields)
