"""Crossref works in JSON: what the Crossref REST API returns, and files of its works.

Accepted shapes: one work, a list of works, an API response
(``{"message": {...work...}}`` or ``{"message": {"items": [...]}}``), the
``{"items": [...]}`` files of Crossref's public data file, and JSON Lines (one
work per line).  Each work becomes one :class:`~citegraph.model.Record`:

* the work: title (markup such as ``<i>`` flattened), authors (an
  organisation as a group author), editors, container (``short-container-title``,
  else ``container-title``), year and month (``issued``, else
  ``published-print``, ``published-online``, ``published``), volume, issue,
  page (else ``article-number``), DOI, abstract (its JATS tags flattened),
  subjects as keywords, type, publisher;
* its ``reference`` entries: the ``unstructured`` string read by
  :func:`~citegraph.references.parse_reference`, then what the structured keys
  say (``DOI``, ``author``, ``year``, ``article-title``, ``volume-title``,
  ``journal-title``, ``volume``, ``issue``, ``first-page``) put over the parse.
  ``raw`` keeps the ``unstructured`` string.

The whole file is read into memory (``json.loads``).  In broken JSON, only
what the damage touches is lost: the work it falls in (or the line of JSON
Lines) becomes a ``Skipped`` naming its line, and reading resumes at the next
work.  The JSON plumbing (:func:`iter_json_records`, :func:`plain_text`) lives
in :mod:`citegraph.formats._json`, shared with :mod:`citegraph.formats.openalex`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..model import Author, Record, Skipped, Source, Work
from ..references import expand_page_range, parse_author, parse_reference
from ..resolve.identifiers import normalize_doi
from ._json import iter_json_records, looks_like_json, plain_text, read_json_text
from .pubmed_xml import month_name, year_of

__all__ = ["NAME", "sniff", "read", "parse", "iter_json_records", "plain_text", "looks_like_json",
           "read_json_text"]

NAME = "crossref-json"

# -- the format --------------------------------------------------------------

_CROSSREF_SIGNS = re.compile(r'"(?:message-type|date-parts|reference-count|references-count|'
                             r'container-title|is-referenced-by-count)"\s*:')
_OPENALEX_SIGNS = re.compile(r'openalex\.org/W|"authorships"\s*:|"referenced_works"\s*:')


def sniff(head: str) -> bool:
    """Whether a file starts as Crossref JSON (keys only Crossref writes; not OpenAlex).

    Examples
    --------
    >>> sniff('{"status":"ok","message-type":"work-list","message":{"items":[')
    True
    >>> sniff('{"id": "https://openalex.org/W1", "authorships": []}'), sniff("<html>date-parts")
    (False, False)
    """
    return (looks_like_json(head) and _CROSSREF_SIGNS.search(head) is not None
            and _OPENALEX_SIGNS.search(head) is None)


def read(stream: BinaryIO, path: str = "<stream>") -> Iterator[Record | Skipped]:
    """The works of a Crossref JSON file (read whole) from a binary stream."""
    return parse(read_json_text(stream), path)


def parse(text: str, path: str = "<string>") -> Iterator[Record | Skipped]:
    """The works of Crossref JSON held in a string.

    Examples
    --------
    >>> text = '''{"message-type": "work", "message": {"DOI": "10.1371/journal.pone.0033693",
    ...   "title": ["Methylphenidate exposure"], "container-title": ["PLoS ONE"],
    ...   "issued": {"date-parts": [[2012, 3, 21]]}, "author": [{"given": "Shankar", "family": "Sadasivan"}],
    ...   "reference": [{"key": "ref1", "DOI": "10.1038/sj.npp.1301164", "author": "AF Arnsten",
    ...                  "year": "2006", "journal-title": "Neuropsychopharmacology", "first-page": "2376"}]}}'''
    >>> record = next(parse(text))
    >>> record.work.title, record.work.year, record.work.month, record.work.authors[0].family
    ('Methylphenidate exposure', 2012, 'Mar', 'Sadasivan')
    >>> ref = record.references[0]
    >>> ref.doi, ref.authors[0].family, ref.year, ref.journal, ref.pages
    ('10.1038/sj.npp.1301164', 'Arnsten', 2006, 'Neuropsychopharmacology', '2376')
    """
    return iter_json_records(text, path, NAME, _items, _read_work, ("items",))


def _items(document: Any) -> list | None:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        return None
    kind = document.get("message-type")
    if kind is not None and kind not in ("work", "work-list"):
        return None  # a Crossref answer about members, funders, journals...
    message = document.get("message", document)
    if isinstance(message, dict) and isinstance(message.get("items"), list):
        return message["items"]
    return [message]


# -- one work ----------------------------------------------------------------

def _read_work(item: dict, source: Source) -> Record | Skipped:
    work = _work(item)
    if work.title is None and work.doi is None:
        return Skipped(source, "a work with no title and no DOI")
    references = tuple(_reference(r) for r in item.get("reference") or () if isinstance(r, dict))
    return Record(work=work, source=source, references=references)


def _string(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, (dict, list)):
        return None
    return " ".join(str(value).split()) or None


def _authors(people: Any) -> tuple[Author, ...]:
    authors = []
    for person in people or ():
        if not isinstance(person, dict):
            continue
        family = _string(person.get("family"))
        given = _string(person.get("given"))
        if family:
            suffix = _string(person.get("suffix"))
            authors.append(Author(" ".join(p for p in (given, family, suffix) if p), family, given))
        elif (name := _string(person.get("name"))):
            authors.append(Author(name, None, None))  # an organisation
    return tuple(authors)


def _date(item: dict) -> tuple[int | None, str | None]:
    for key in ("issued", "published-print", "published-online", "published"):
        parts = (item.get(key) or {}).get("date-parts") if isinstance(item.get(key), dict) else None
        if parts and isinstance(parts, list) and parts[0] and isinstance(parts[0], list):
            first = parts[0]
            year = first[0] if isinstance(first[0], int) else year_of(str(first[0] or ""))
            if year:
                month = month_name(str(first[1])) if len(first) > 1 and first[1] else None
                return int(year), month
    return None, None


def _title(title: str | None) -> str | None:
    """A title without a closing period, as every reader gives titles."""
    if title and title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    return title or None


def _pages(value: Any) -> str | None:
    pages = _string(value)
    if not pages:
        return None
    return expand_page_range(re.sub(r"\s*[-\u2013]\s*", "-", pages))


def _work(item: dict) -> Work:
    year, month = _date(item)
    kind = _string(item.get("type"))
    return Work(
        title=_title(plain_text(item.get("title"))),
        authors=_authors(item.get("author")),
        editors=_authors(item.get("editor")),
        year=year,
        month=month,
        journal=plain_text(item.get("short-container-title")) or plain_text(item.get("container-title")),
        volume=_string(item.get("volume")),
        issue=_string(item.get("issue")),
        pages=_pages(item.get("page")) or _string(item.get("article-number")),
        doi=normalize_doi(_string(item.get("DOI"))),
        abstract=plain_text(item.get("abstract")),
        keywords=tuple(dict.fromkeys(s for s in map(_string, item.get("subject") or ()) if s)),
        publication_types=(kind,) if kind else (),
        publisher=_string(item.get("publisher")),
    )


_INITIAL = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def _first_author(name: str) -> Author:
    """Crossref's ``author`` of a reference: one person, most often "AF Arnsten" or "J.-P Baudry"."""
    words = name.split()
    if len(words) >= 2 and all(_INITIAL.match(w) for w in words[:-1]) and words[-1][:1].isupper():
        return Author(name, words[-1], " ".join(words[:-1]))
    return parse_author(name)


def _reference(entry: dict) -> Work:
    text = _string(entry.get("unstructured"))
    work = parse_reference(plain_text(text) or text).replace(raw=text) if text else Work()
    structured: dict = {}
    article_title = plain_text(entry.get("article-title"))
    volume_title = plain_text(entry.get("volume-title"))
    journal = plain_text(entry.get("journal-title"))
    if article_title:
        structured["title"] = _title(article_title)
        structured["journal"] = journal or volume_title  # a chapter's container is its book
    elif volume_title:
        structured["title"] = _title(volume_title)  # a book
        structured["journal"] = journal or plain_text(entry.get("series-title"))
    else:
        structured["journal"] = journal
    structured.update(
        year=year_of(_string(entry.get("year"))),
        volume=_string(entry.get("volume")),
        issue=_string(entry.get("issue")),
        doi=normalize_doi(_string(entry.get("DOI"))),
    )
    first_page = _string(entry.get("first-page"))
    if first_page and not (work.pages and work.pages.split("-")[0] == first_page):
        structured["pages"] = first_page  # the parse's range is kept when it starts there
    author = _string(entry.get("author"))
    if author:
        first = _first_author(author)
        same = work.authors and first.family and work.authors[0].family and \
            work.authors[0].family.lower() == first.family.lower()
        if not same:  # Crossref names the first author only: the parse's list is kept when it agrees
            structured["authors"] = (first,)
            structured["et_al"] = False
    return work.replace(**{k: v for k, v in structured.items() if v is not None})
