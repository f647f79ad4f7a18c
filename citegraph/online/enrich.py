"""Identifiers and metadata filled into records from NCBI, Crossref and OpenAlex.

:func:`enrich_records` takes every work the records mention (each record's
own work, its references, the works under "Cited by") and runs five batched
steps, each asking only about the works the earlier steps left incomplete:

1. **citmatch** (NCBI ECitMatch): a PMID for each work without PMID or DOI
   that gives a journal, a year and a volume or first page;
2. **search** (Crossref ``query.bibliographic``): a DOI for each work still
   without identifier, accepted only when the candidate agrees with the
   parsed year, first author and title
   (:func:`~citegraph.online.match.candidate_verdict`);
3. **by DOI** (OpenAlex): PMID, PMCID and metadata for works with a DOI and
   no PMID;
4. **fetch** (NCBI EFetch): DOI, PMCID and metadata for works with a PMID;
   a PMID found by ECitMatch is kept only when its record does not
   contradict the reference (:func:`~citegraph.online.match.confirms`);
5. **DOI metadata** (Crossref ``filter=doi:``): metadata for works with a DOI
   that still lack a title, year, journal or authors.

Mentions that read alike are asked about once.  Fields are only ever filled,
never overwritten (:func:`~citegraph.online.match.fill`); records are frozen,
so new ones are returned.  A service that cannot be reached is skipped and
noted in the report; the others still run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..model import Record, Work
from ..resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from .clients import Clients
from .crossref import query_text
from .eutils import citation_line
from .match import confirms, fill
from .openalex import work_id

__all__ = ["enrich_records"]

log = logging.getLogger(__name__)

_CORE = ("title", "year", "journal", "authors")


def _clean(work: Work) -> Work:
    """Identifiers in their normal form, so that lookups and comparisons agree."""
    changes = {}
    for name, norm in (("doi", normalize_doi), ("pmid", normalize_pmid), ("pmcid", normalize_pmcid)):
        value = getattr(work, name)
        if value is not None and norm(value) != value:
            changes[name] = norm(value)
    return work.replace(**changes) if changes else work


def _lacks_core(work: Work) -> bool:
    return any(getattr(work, f) in (None, ()) for f in _CORE)


def enrich_records(records: Sequence[Record], clients: Clients,
                   progress: Callable[[str], None] | None = None) -> list[Record]:
    """Records with identifiers and metadata filled in from the online services.

    Parameters
    ----------
    records : sequence of Record
    clients : Clients
        The services to ask; what they did goes to ``clients.report``.
    progress : callable, optional
        Called with a short phrase as each step starts.

    Returns
    -------
    list of Record
        New records where anything was filled, the same objects elsewhere.
    """
    say = progress or (lambda message: None)
    report = clients.report
    slots: list[tuple[int, str, int]] = []  # (record, "work" | "references" | "cited_by", position)
    current: list[Work] = []
    for r, record in enumerate(records):
        slots.append((r, "work", 0))
        current.append(_clean(record.work))
        for role in ("references", "cited_by"):
            for p, work in enumerate(getattr(record, role)):
                slots.append((r, role, p))
                current.append(_clean(work))
    original = list(current)

    # 1. ECitMatch: PMIDs from journal, year, volume, page, author
    from_citmatch: set[int] = set()
    if clients.usable(clients.eutils):
        groups: dict[str, list[int]] = {}
        for i, work in enumerate(current):
            if not work.pmid and not work.doi and (line := citation_line(work, "")):
                groups.setdefault(line, []).append(i)
        if groups:
            say(f"matching {len(groups)} citations at NCBI")
            keyed = {f"c{n}": members for n, members in enumerate(groups.values(), 1)}
            with clients.guard(clients.eutils):
                found = clients.eutils.citmatch((key, current[m[0]]) for key, m in keyed.items())
                for key, pmid in found.items():
                    for i in keyed.get(key, ()):
                        current[i] = current[i].replace(pmid=pmid)
                        from_citmatch.add(i)

    # 2. Crossref search: a DOI for works still without any identifier
    if clients.usable(clients.crossref):
        groups = {}
        for i, work in enumerate(current):
            if not (work.pmid or work.doi or work.pmcid) and work.title and work.year \
                    and work.first_author and (query := query_text(work)):
                groups.setdefault(query, []).append(i)
        if groups:
            with clients.guard(clients.crossref):
                for n, members in enumerate(groups.values(), 1):
                    say(f"searching Crossref: reference {n} of {len(groups)}")
                    hit, verdict = clients.crossref.search(current[members[0]])
                    if hit is None:
                        if verdict is not None:
                            report.refused["crossref"] += 1
                            log.info("Crossref: no candidate accepted for %r (%s)",
                                     (current[members[0]].raw or current[members[0]].title or "")[:80],
                                     verdict.reason)
                        continue
                    for i in members:
                        current[i] = fill(current[i], hit)

    # 3. OpenAlex by DOI: PMID, PMCID and metadata
    if clients.usable(clients.openalex):
        wanted = sorted({w.doi for w in current if w.doi and not w.pmid})
        if wanted:
            say(f"looking up {len(wanted)} DOIs at OpenAlex")
            with clients.guard(clients.openalex):
                found_records = clients.openalex.by_dois(wanted)
                for i, work in enumerate(current):
                    if work.doi and not work.pmid and (hit := found_records.get(work.doi)):
                        current[i] = fill(work, hit.work)
                for doi, record in found_records.items():
                    if (wid := work_id(record.work.url)):
                        clients.openalex_ids[doi] = wid
                        clients.openalex_records[wid] = record

    # 4. EFetch: DOI, PMCID and metadata for works with a PMID
    if clients.usable(clients.eutils):
        wanted = sorted({w.pmid for i, w in enumerate(current) if w.pmid and (
            i in from_citmatch or not w.doi or not w.pmcid or _lacks_core(w))}, key=int)
        if wanted:
            say(f"fetching {len(wanted)} PubMed records")
            with clients.guard(clients.eutils):
                fetched = clients.eutils.fetch(wanted)
                refused: set[str] = set()
                for i, work in enumerate(current):
                    hit = fetched.get(work.pmid) if work.pmid else None
                    if i in from_citmatch:
                        verdict = confirms(original[i], hit) if hit is not None else None
                        if verdict is None or not verdict:
                            if work.pmid not in refused and verdict is not None:
                                report.refused["citmatch"] += 1
                                log.info("ECitMatch PMID %s refused: %s", work.pmid, verdict.reason)
                            refused.add(work.pmid)
                            current[i] = original[i]
                            continue
                    if hit is not None:
                        current[i] = fill(work, hit)

    # 5. Crossref metadata for DOIs still lacking the core fields
    if clients.usable(clients.crossref):
        wanted = sorted({w.doi for w in current if w.doi and _lacks_core(w)})
        if wanted:
            say(f"fetching {len(wanted)} DOIs from Crossref")
            with clients.guard(clients.crossref):
                found_works = clients.crossref.by_dois(wanted)
                for i, work in enumerate(current):
                    if work.doi and (hit := found_works.get(work.doi)):
                        current[i] = fill(work, hit)

    return _rebuild(records, slots, original, current, clients)


def _rebuild(records, slots, original, current, clients: Clients) -> list[Record]:
    report = clients.report
    changed: dict[int, dict[str, object]] = {}
    for (r, role, p), before, after in zip(slots, original, current):
        if after is before:
            continue
        for name in ("pmid", "doi", "pmcid"):
            if getattr(after, name) and not getattr(before, name):
                report.filled[name] += 1
        if any(getattr(after, f) != getattr(before, f) for f in
               ("title", "authors", "year", "journal", "volume", "issue", "pages")):
            report.filled["metadata"] += 1
        parts = changed.setdefault(r, {})
        if role == "work":
            parts["work"] = after
        else:
            items = parts.get(role)
            if items is None:
                items = parts[role] = list(getattr(records[r], role))
            items[p] = after
    out = list(records)
    for r, parts in changed.items():
        out[r] = replace(records[r], **{k: tuple(v) if isinstance(v, list) else v for k, v in parts.items()})
    return out
