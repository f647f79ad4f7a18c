"""OpenAlex works in JSON: API answers (``{"results": [...]}`` or one work), lists, snapshot JSON Lines.

Each work becomes one :class:`~citegraph.model.Record`:

* the work: ``ids`` (doi, pmid, pmcid: their URLs normalized to the bare
  identifier), title (``title``, else ``display_name``), ``authorships``,
  ``publication_year`` and the month of ``publication_date``, ``biblio``
  (volume, issue, first and last page), the venue (``primary_location.source``,
  else the older ``host_venue``), the abstract rebuilt from
  ``abstract_inverted_index``, keywords, type; ``url`` holds the work's
  OpenAlex id, ``https://openalex.org/W...``;
* its references: every ``referenced_works`` entry, a work known only by its
  OpenAlex id, which goes in ``url``.

Reading, and what happens to broken JSON, are those of :mod:`citegraph.formats.crossref`
(:mod:`citegraph.formats._json`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..model import Author, Record, Skipped, Source, Work
from ..references import expand_page_range, parse_author
from ..resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from ._json import iter_json_records, looks_like_json, plain_text, read_json_text
from .pubmed_xml import month_name

__all__ = ["NAME", "sniff", "read", "parse", "openalex_url"]

NAME = "openalex-json"

_SIGNS = re.compile(r'openalex\.org/[Ww]\d|"(?:authorships|referenced_works|publication_year|'
                    r'abstract_inverted_index)"\s*:')
_CROSSREF = re.compile(r'"(?:date-parts|message-type)"\s*:')
_WORK_ID = re.compile(r"(?:^|/)(W\d+)/?$", re.I)


def sniff(head: str) -> bool:
    """Whether a file starts as OpenAlex JSON.

    Examples
    --------
    >>> sniff('{"meta": {"count": 2}, "results": [{"id": "https://openalex.org/W2741809807"')
    True
    >>> sniff('{"message-type": "work", "message": {"issued": {"date-parts": [[2012]]}}}')
    False
    """
    return looks_like_json(head) and _SIGNS.search(head) is not None and _CROSSREF.search(head) is None


def read(stream: BinaryIO, path: str = "<stream>") -> Iterator[Record | Skipped]:
    """The works of an OpenAlex JSON (or JSON Lines) file, read whole, from a binary stream."""
    return parse(read_json_text(stream), path)


def parse(text: str, path: str = "<string>") -> Iterator[Record | Skipped]:
    """The works of OpenAlex JSON held in a string.

    Examples
    --------
    >>> text = '''{"id": "https://openalex.org/W2741809807", "title": "The state of OA",
    ...   "ids": {"doi": "https://doi.org/10.7717/PEERJ.4375", "pmid": "https://pubmed.ncbi.nlm.nih.gov/29456894"},
    ...   "publication_year": 2018, "authorships": [{"author": {"display_name": "Heather Piwowar"}}],
    ...   "referenced_works": ["https://openalex.org/W1491283149"]}'''
    >>> record = next(parse(text))
    >>> record.work.doi, record.work.pmid, record.work.url, record.work.authors[0].family
    ('10.7717/peerj.4375', '29456894', 'https://openalex.org/W2741809807', 'Piwowar')
    >>> record.references[0].url
    'https://openalex.org/W1491283149'
    """
    return iter_json_records(text, path, NAME, _items, _read_work, ("results",))


def openalex_url(value: Any) -> str | None:
    """An OpenAlex work id in its canonical URL form.

    Examples
    --------
    >>> openalex_url("W123"), openalex_url("https://openalex.org/works/w123"), openalex_url("x")
    ('https://openalex.org/W123', 'https://openalex.org/W123', None)
    """
    if not isinstance(value, str):
        return None
    m = _WORK_ID.search(value.strip())
    return f"https://openalex.org/{m.group(1).upper()}" if m else None


def _items(document: Any) -> list | None:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("results"), list):
        return document["results"]
    if "id" in document or "ids" in document or "display_name" in document:
        return [document]
    return None


def _last_part(value: Any) -> str | None:
    """``https://pubmed.ncbi.nlm.nih.gov/29456894`` → ``29456894``."""
    if value is None:
        return None
    return str(value).strip().rstrip("/").rsplit("/", 1)[-1] or None


def _string(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return " ".join(str(value).split()) or None


def _read_work(item: dict, source: Source) -> Record | Skipped:
    work = _work(item)
    if work.title is None and work.doi is None and work.url is None:
        return Skipped(source, "a work with no title, DOI or OpenAlex id")
    references = tuple(Work(url=url) for url in map(openalex_url, item.get("referenced_works") or ()) if url)
    return Record(work=work, source=source, references=references)


def _work(item: dict) -> Work:
    ids = item.get("ids") if isinstance(item.get("ids"), dict) else {}
    biblio = item.get("biblio") if isinstance(item.get("biblio"), dict) else {}
    first, last = _string(biblio.get("first_page")), _string(biblio.get("last_page"))
    pages = expand_page_range(f"{first}-{last}") if first and last and last != first else first
    date = _string(item.get("publication_date")) or ""
    return Work(
        title=plain_text(item.get("title")) or plain_text(item.get("display_name")),
        authors=tuple(a for a in map(_author, item.get("authorships") or ()) if a),
        year=_year(item.get("publication_year")),
        month=month_name(date[5:7]) if re.match(r"\d{4}-\d\d", date) else None,
        journal=_venue(item),
        volume=_string(biblio.get("volume")),
        issue=_string(biblio.get("issue")),
        pages=pages,
        doi=normalize_doi(_string(ids.get("doi") or item.get("doi"))),
        pmid=normalize_pmid(_last_part(ids.get("pmid"))),
        pmcid=normalize_pmcid(_last_part(ids.get("pmcid"))),
        url=openalex_url(item.get("id") or ids.get("openalex")),
        abstract=_abstract(item.get("abstract_inverted_index")),
        keywords=_keywords(item.get("keywords")),
        publication_types=(kind,) if (kind := _string(item.get("type"))) else (),
        publisher=_publisher(item),
    )


def _year(value: Any) -> int | None:
    """``publication_year``: a number, or a string of ASCII digits ("19²0" is none: int() refuses "²").

    Examples
    --------
    >>> _year(2018), _year("2018"), _year("19\u00b20"), _year(True), _year(None)
    (2018, 2018, None, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


def _author(authorship: Any) -> Author | None:
    if not isinstance(authorship, dict):
        return None
    person = authorship.get("author") if isinstance(authorship.get("author"), dict) else {}
    name = _string(person.get("display_name")) or _string(authorship.get("raw_author_name"))
    return parse_author(name) if name else None


def _source(item: dict) -> dict:
    location = item.get("primary_location")
    if isinstance(location, dict) and isinstance(location.get("source"), dict):
        return location["source"]
    venue = item.get("host_venue")  # the older API
    return venue if isinstance(venue, dict) else {}


def _venue(item: dict) -> str | None:
    return _string(_source(item).get("display_name"))


def _publisher(item: dict) -> str | None:
    source = _source(item)
    return _string(source.get("host_organization_name") or source.get("publisher"))


def _abstract(index: Any) -> str | None:
    """The abstract from OpenAlex's inverted index ``{"word": [positions]}``."""
    if not isinstance(index, dict) or not index:
        return None
    placed = sorted((p, word) for word, positions in index.items() if isinstance(positions, list)
                    for p in positions if isinstance(p, int))
    return " ".join(word for _, word in placed) or None


def _keywords(keywords: Any) -> tuple[str, ...]:
    found = []
    for keyword in keywords or ():
        name = keyword.get("display_name") or keyword.get("keyword") if isinstance(keyword, dict) else keyword
        if isinstance(name, str) and name.strip():
            found.append(name.strip())
    return tuple(dict.fromkeys(found))
