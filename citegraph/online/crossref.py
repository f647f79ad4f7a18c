"""Crossref's REST API: a reference string searched, and metadata for DOIs in batches.

* :meth:`Crossref.search`: ``/works?query.bibliographic=...`` with the
  reference as it was written; a candidate is accepted only when
  :func:`~citegraph.online.match.candidate_verdict` finds that it agrees with
  the parsed year, first author and title.  Crossref's relevance score is
  never enough on its own.
* :meth:`Crossref.by_dois`: ``/works?filter=doi:A,doi:B,...`` (filters of one
  name are OR-ed), up to :data:`DOI_BATCH` DOIs a request.

Answers are read by :mod:`citegraph.formats.crossref`, the reader of Crossref
JSON files.  ``mailto`` (from ``CITEGRAPH_EMAIL``) puts the requests in
Crossref's polite pool.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from ..formats import crossref as crossref_json
from ..model import Record, Work
from ..references import clean_reference
from ..resolve.identifiers import normalize_doi
from .eutils import batches
from .match import Verdict, candidate_verdict
from .session import SKIPPED, Http

__all__ = ["Crossref", "query_text", "DOI_BATCH", "SEARCH_ROWS", "SELECT"]

log = logging.getLogger(__name__)

#: DOIs per metadata request.
DOI_BATCH = 50
#: Candidates read per search.
SEARCH_ROWS = 5
#: The fields asked for: enough to compare and to fill, not the reference lists.
SELECT = ("DOI,title,author,issued,published-print,published-online,container-title,"
          "short-container-title,volume,issue,page,article-number,type,publisher")


def query_text(work: Work) -> str | None:
    """What to search for: the reference as written, else its fields joined.

    Examples
    --------
    >>> query_text(Work(raw="Chang SY (2020) Treatment strategy. Asian Spine J 14(4):513 - PubMed - PMC"))
    'Chang SY (2020) Treatment strategy. Asian Spine J 14(4):513'
    >>> from citegraph.model import Author
    >>> query_text(Work(title="A study", year=1999, authors=(Author("Smith J", "Smith", "J"),)))
    'Smith J A study 1999'
    """
    if work.raw:
        text = clean_reference(work.raw)
        if text:
            return text[:500]
    parts = [work.first_author.name if work.first_author else None, work.title, work.journal,
             str(work.year) if work.year else None, work.volume, work.first_page]
    text = " ".join(p for p in parts if p)
    return text[:500] or None


def _works(text: str, path: str) -> list[Work]:
    from ..errors import InputError

    try:
        return [item.work for item in crossref_json.parse(text, path) if isinstance(item, Record)]
    except InputError as exc:
        log.info("%s", exc)
        return []


class Crossref:
    """Crossref's REST API through one :class:`~citegraph.online.session.Http`."""

    def __init__(self, http: Http) -> None:
        self.http = http

    def candidates(self, work: Work, rows: int = SEARCH_ROWS) -> list[Work]:
        """The works Crossref ranks first for a reference, best first."""
        query = query_text(work)
        if not query:
            return []
        try:
            response = self.http.get("works", {"query.bibliographic": query, "rows": rows,
                                               "select": SELECT})
        except SKIPPED as exc:
            log.info("%s", exc)
            return []
        return _works(response.text, "Crossref search")

    def search(self, work: Work, rows: int = SEARCH_ROWS) -> tuple[Work | None, Verdict | None]:
        """The first candidate that agrees with ``work``, and the verdict on it.

        When none agrees: ``None`` and the verdict on the best-ranked candidate
        (``None`` too when there was none).
        """
        first: Verdict | None = None
        for candidate in self.candidates(work, rows):
            verdict = candidate_verdict(work, candidate)
            if verdict:
                return candidate, verdict
            if first is None:
                first = verdict
                log.debug("Crossref candidate %s refused: %s", candidate.doi, verdict.reason)
        return None, first

    def by_dois(self, dois: Iterable[str]) -> dict[str, Work]:
        """``{doi: work}`` for the DOIs Crossref knows (DOIs in lower case)."""
        wanted = list(dict.fromkeys(d for d in map(normalize_doi, dois) if d and "," not in d))
        found: dict[str, Work] = {}
        for batch in batches(wanted, DOI_BATCH):
            try:
                response = self.http.get("works", {"filter": ",".join(f"doi:{d}" for d in batch),
                                                   "rows": len(batch), "select": SELECT})
            except SKIPPED as exc:
                log.info("%s", exc)
                continue
            for work in _works(response.text, "Crossref works"):
                if work.doi:
                    found[work.doi] = work
        return found
