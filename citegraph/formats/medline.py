"""MEDLINE text (PubMed's "MEDLINE" and ".nbib" downloads).

A record is a list of tagged lines, records apart by blank lines::

    PMID- 16403221
    TI  - A high level interface to SCOP and ASTRAL implemented in python.
    AB  - BACKGROUND: Benchmarking algorithms in structural bioinformatics often
          involves the construction of datasets ...
    FAU - Casbon, James A
    AU  - Casbon JA
    DP  - 2006
    AID - 10.1186/1471-2105-7-10 [doi]

The tag takes four characters, then "- "; a continuation line is indented by
six spaces.  MEDLINE carries no reference lists: every record has none.

A ``PMID`` line always begins a record, as PubMed writes it first: what stands
just before it without a blank line between (a record whose blank line was
lost, junk, stray fields) is read or reported on its own and cannot take the
record with it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from ..model import Author, Record, Skipped, Source, Work
from ..references import expand_page_range
from ..resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from .wos import month_abbrev

__all__ = ["NAME", "sniff", "read", "parse", "parse_lines"]

NAME = "medline"

_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3}) {0,3}- ?(.*)")


def sniff(head: str) -> bool:
    """Whether the start of a file is MEDLINE text: a ``PMID- `` line, then tagged lines."""
    return bool(re.search(r"^PMID- *\d", head, re.M)) and bool(re.search(r"^(?:TI|AU|DP)  - ", head, re.M))


def read(stream: BinaryIO, path: str = "<stream>") -> Iterator[Record | Skipped]:
    """Read MEDLINE records from a binary stream, one at a time."""
    from . import text_stream

    return parse_lines(text_stream(stream), path)


def parse(text: str, path: str = "<string>") -> Iterator[Record | Skipped]:
    """Read MEDLINE records held in a string.

    Examples
    --------
    >>> text = '''PMID- 12230038
    ... TI  - The Bio* toolkits--a brief overview.
    ... PG  - 296-302
    ... DP  - 2002 Sep
    ... FAU - Mangalam, Harry
    ... AU  - Mangalam H
    ... TA  - Brief Bioinform
    ... '''
    >>> [record] = parse(text)
    >>> record.work.pmid, record.work.title, record.work.year, record.work.month, record.work.authors[0].given
    ('12230038', 'The Bio* toolkits--a brief overview', 2002, 'Sep', 'Harry')
    """
    return parse_lines(io.StringIO(text.lstrip("\ufeff"), newline=None), path)


def parse_lines(lines: Iterable[str], path: str = "<string>") -> Iterator[Record | Skipped]:
    """Read MEDLINE records from lines of text."""
    index = 0
    fields: list[tuple[str, list[str]]] = []
    is_open = False  # a record has begun (it may hold only a broken line)
    start = 0
    problem: str | None = None
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n").lstrip("\ufeff")
        if not line.strip():
            if is_open:
                index += 1
                yield _finish(fields, problem, Source(path, NAME, index=index, line=start))
                fields, problem, is_open = [], None, False
            continue
        m = None if line.startswith(" ") else _TAG.match(line)
        if m is not None and m.group(1) == "PMID" and is_open:
            # PubMed writes the PMID first: a record without a blank line before it, or one
            # after lines that are no record (junk, a stray field), which must not take it
            index += 1
            yield _finish(fields, problem, Source(path, NAME, index=index, line=start))
            fields, problem, is_open = [], None, False
        if not is_open:
            is_open, start = True, number
        if m is not None:
            value = m.group(2).strip()
            fields.append((m.group(1), [value] if value else []))
        elif line.startswith(" ") and fields:
            fields[-1][1].append(line.strip())
        elif problem is None:
            problem = f"line {number} is neither a MEDLINE field nor a continuation: {line.strip()[:60]!r}"
    if is_open:
        index += 1
        yield _finish(fields, problem, Source(path, NAME, index=index, line=start))


def _finish(fields: list[tuple[str, list[str]]], problem: str | None, source: Source) -> Record | Skipped:
    if problem is not None:
        return Skipped(source, problem)
    if not any(tag == "PMID" for tag, _ in fields) and not any(tag == "TI" for tag, _ in fields):
        return Skipped(source, "record has neither a PMID nor a title")
    return Record(work=_work(fields), source=source)


def _work(fields: list[tuple[str, list[str]]]) -> Work:
    values: dict[str, list[str]] = {}
    authors: list[Author] = []
    pending_full: str | None = None  # an FAU waits for its AU
    for tag, lines in fields:
        value = " ".join(lines)
        if tag == "FAU":
            authors.append(_full_author(value))
            pending_full = value
            continue
        if tag == "AU":
            if pending_full is None:
                authors.append(_short_author(value))
            pending_full = None
            continue
        if tag == "CN":  # a collective (group) author, in its place among the authors
            authors.append(Author(value, None, None))
            pending_full = None
            continue
        pending_full = None
        values.setdefault(tag, []).append(value)

    def first(*tags: str) -> str | None:
        for tag in tags:
            for value in values.get(tag, []):
                if value:
                    return value
        return None

    doi = None
    for value in values.get("LID", []) + values.get("AID", []):
        if value.endswith("[doi]") and (doi := normalize_doi(value[:-5])):
            break
    date = first("DP") or ""
    year = re.match(r"(?:1[5-9]|20)\d\d", date)
    keywords: list[str] = []
    for value in values.get("OT", []) + [v.replace("*", "") for v in values.get("MH", [])]:
        if value and value not in keywords:
            keywords.append(value)
    pages = first("PG")
    return Work(
        title=_title(first("TI", "BTI")),
        authors=tuple(authors),
        year=int(year.group()) if year else None,
        month=month_abbrev(date[year.end():]) if year else None,
        journal=first("TA", "JT"),
        volume=first("VI"),
        issue=first("IP"),
        pages=expand_page_range(pages) if pages else None,
        doi=doi,
        pmid=normalize_pmid(first("PMID")),
        pmcid=normalize_pmcid(first("PMC")),
        abstract=first("AB"),
        keywords=tuple(keywords),
        publication_types=tuple(dict.fromkeys(v for v in values.get("PT", []) if v)),
    )


def _title(text: str | None) -> str | None:
    """MEDLINE ends every title with a period; a title in brackets is a translation."""
    if not text:
        return None
    text = text.strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return text


def _full_author(value: str) -> Author:
    family, comma, given = value.partition(",")
    if comma:
        return Author(value, family.strip() or None, given.strip() or None)
    return Author(value, value, None) if " " not in value else Author(value, None, None)


def _short_author(value: str) -> Author:
    """An ``AU`` line without its ``FAU``: "Mangalam H", "de Hoon MJ"."""
    m = re.fullmatch(r"(.+?)\s+([A-Z]{1,4})", value)
    if m:
        return Author(value, m.group(1), m.group(2))
    return Author(value, value, None) if " " not in value else Author(value, None, None)
