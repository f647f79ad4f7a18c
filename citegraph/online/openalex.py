"""OpenAlex: works by DOI or OpenAlex id in batches, their references, the works citing them.

* :meth:`OpenAlex.by_dois`: ``/works?filter=doi:A|B|...`` (values OR-ed with
  ``|``, at most :data:`BATCH` a request, as OpenAlex documents);
* :meth:`OpenAlex.by_ids`: ``/works?filter=openalex:W1|W2|...``;
* :meth:`OpenAlex.citing`: ``/works?filter=cites:W1|W2|...``, paged with
  ``cursor``; each citing work says which of the batch it cites through its
  own ``referenced_works``.

Answers are read by :mod:`citegraph.formats.openalex`: a work's OpenAlex id
is in ``Work.url`` (``https://openalex.org/W...``) and its
``referenced_works`` become references known only by that id.  ``mailto``
(``CITEGRAPH_EMAIL``) and ``api_key`` (``OPENALEX_API_KEY``) are sent with
every request.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator

from ..formats import openalex as openalex_json
from ..model import Record
from ..resolve.identifiers import normalize_doi
from .eutils import batches
from .session import SKIPPED, Http

__all__ = ["OpenAlex", "work_id", "BATCH", "PAGE", "SELECT"]

log = logging.getLogger(__name__)

#: Values OR-ed in one filter.
BATCH = 50
#: Results per page (OpenAlex allows up to 200).
PAGE = 200
#: The fields asked for.
SELECT = ("id,doi,ids,title,display_name,publication_year,publication_date,authorships,biblio,"
          "primary_location,type,referenced_works")


def work_id(value: str | None) -> str | None:
    """``"W123"`` from an OpenAlex id in any form.

    Examples
    --------
    >>> work_id("https://openalex.org/W2741809807"), work_id("w5"), work_id("10.1/x")
    ('W2741809807', 'W5', None)
    """
    url = openalex_json.openalex_url(value)
    return url.rsplit("/", 1)[1] if url else None


def referenced_ids(record: Record) -> list[str]:
    """The OpenAlex ids of the works a record cites, in order."""
    return [w for w in (work_id(r.url) for r in record.references) if w]


class OpenAlex:
    """OpenAlex's API through one :class:`~citegraph.online.session.Http`."""

    def __init__(self, http: Http) -> None:
        self.http = http

    def _pages(self, filter_: str, *, per_page: int, limit: int | None = None) -> Iterator[Record]:
        """The works matching a filter, page after page (``cursor``), at most ``limit``."""
        cursor: str | None = "*"
        read = 0
        while cursor:
            params = {"filter": filter_, "per-page": per_page, "select": SELECT}
            if limit is None or limit > per_page:
                params["cursor"] = cursor
            try:
                response = self.http.get("works", params)
            except SKIPPED as exc:
                log.info("%s", exc)
                return
            try:
                meta = json.loads(response.text).get("meta") or {}
            except (ValueError, AttributeError):
                meta = {}
            records = [r for r in _records(response.text) if work_id(r.work.url)]
            for record in records:
                yield record
                read += 1
                if limit is not None and read >= limit:
                    return
            cursor = meta.get("next_cursor") if "cursor" in params and records else None

    def by_dois(self, dois: Iterable[str]) -> dict[str, Record]:
        """``{doi: record}`` for the DOIs OpenAlex knows (DOIs in lower case)."""
        wanted = list(dict.fromkeys(d for d in map(normalize_doi, dois) if d and "|" not in d
                                    and "," not in d))
        found: dict[str, Record] = {}
        for batch in batches(wanted, BATCH):
            for record in self._pages("doi:" + "|".join(batch), per_page=min(PAGE, 2 * len(batch)),
                                      limit=2 * len(batch)):
                if record.work.doi and record.work.doi in batch:
                    found.setdefault(record.work.doi, record)
        return found

    def by_ids(self, ids: Iterable[str]) -> dict[str, Record]:
        """``{"W...": record}`` for OpenAlex ids."""
        wanted = list(dict.fromkeys(w for w in map(work_id, ids) if w))
        found: dict[str, Record] = {}
        for batch in batches(wanted, BATCH):
            for record in self._pages("openalex:" + "|".join(batch), per_page=min(PAGE, len(batch)),
                                      limit=len(batch)):
                found.setdefault(work_id(record.work.url), record)
        return found

    def citing(self, ids: Iterable[str], limit: int | None = None) -> dict[str, list[Record]]:
        """``{"W...": [records of the works citing it]}``, at most ``limit`` citing works in all."""
        wanted = list(dict.fromkeys(w for w in map(work_id, ids) if w))
        found: dict[str, list[Record]] = {}
        read = 0
        for batch in batches(wanted, BATCH):
            members = set(batch)
            left = None if limit is None else limit - read
            if left is not None and left <= 0:
                break
            for record in self._pages("cites:" + "|".join(batch), per_page=PAGE, limit=left):
                read += 1
                for cited in referenced_ids(record):
                    if cited in members:
                        found.setdefault(cited, []).append(record)
        return found


def _records(text: str) -> list[Record]:
    from ..errors import InputError

    try:
        return [r for r in openalex_json.parse(text, "OpenAlex works") if isinstance(r, Record)]
    except InputError as exc:
        log.info("%s", exc)
        return []
