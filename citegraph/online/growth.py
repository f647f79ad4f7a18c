"""Snowballing: the graph grown along references and citations, round by round.

:func:`grow` starts from the records read (enriched first, so that their
references carry identifiers) and runs ``depth`` rounds.  Each round looks up,
for the works at the edge of the graph, the works they cite
(``direction="refs"``), the works citing them (``"citedby"``), or both:

* a work with a PMID: NCBI ELink (``pubmed_pubmed_refs``,
  ``pubmed_pubmed_citedin``), batched; the works found are then fetched with
  EFetch, 200 a request;
* a work with a DOI or an OpenAlex id and no links from PubMed: OpenAlex
  (its ``referenced_works``, or ``filter=cites:``), batched; the works found
  are then fetched by OpenAlex id, 50 a request.

The edge of the graph is, in round 1, the references of the records (and the
records without a reference list) for ``refs``, and the records themselves
for ``citedby``; in each later round, the works the round before added.
A work already in the graph (same DOI, PMID, PMCID or OpenAlex id) is linked,
not added again.  No more works are added once the graph holds
``max_nodes``: links to works already there are still kept.

Every work whose references or citing works were found becomes a
:class:`~citegraph.model.Record` whose source format is :data:`ONLINE_FORMAT`;
for a record that was read from a file, the works citing it are added to its
``cited_by`` instead (and the references found, when the file gave none).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..model import Record, Source, Work
from ..resolve.normalize import fold
from .clients import Clients
from .eutils import CITED_IN, FETCH_BATCH, REFS
from .match import fill, work_keys
from .openalex import referenced_ids, work_id

__all__ = ["grow", "GrowthStatus", "DIRECTIONS", "ONLINE_FORMAT", "ONLINE_PATH"]

log = logging.getLogger(__name__)

#: ``--direction`` values and the lookups each makes.
DIRECTIONS: dict[str, tuple[str, ...]] = {"refs": ("refs",), "citedby": ("citedby",),
                                          "both": ("refs", "citedby")}
#: ``Source.format`` of the records growth adds.
ONLINE_FORMAT = "online"
#: ``Source.path`` of the records growth adds.
ONLINE_PATH = "online"


@dataclass(frozen=True, slots=True)
class GrowthStatus:
    """Where growth is, for a progress bar."""

    round: int
    depth: int
    nodes: int
    max_nodes: int
    stage: str


class _Nodes:
    """The works of the graph, found again by any of their identifiers."""

    def __init__(self) -> None:
        self.works: list[Work] = []
        self.by_key: dict[str, int] = {}
        self.unkeyed: set[str] = set()  # works known by no identifier: counted, never looked up

    def __len__(self) -> int:
        return len(self.works) + len(self.unkeyed)

    def find(self, work: Work) -> int | None:
        for key in work_keys(work):
            node = self.by_key.get(key)
            if node is not None:
                return node
        return None

    def add(self, work: Work) -> int | None:
        """The node of ``work``, new or known (then filled from it); ``None`` without identifier."""
        keys = work_keys(work)
        if not keys:
            label = fold(work.raw or work.title or "")
            if label:
                self.unkeyed.add(label)
            return None
        node = self.find(work)
        if node is None:
            node = len(self.works)
            self.works.append(work)
        else:
            self.works[node] = fill(self.works[node], work)
        for key in (*keys, *work_keys(self.works[node])):
            self.by_key.setdefault(key, node)
        return node


def _unique(items) -> list:
    return list(dict.fromkeys(items))


class _Growth:
    """One growth run: the works so far, the links found, and the lookups that find them."""

    def __init__(self, clients: Clients, max_nodes: int, depth: int,
                 progress: Callable[[GrowthStatus], None] | None) -> None:
        self.clients = clients
        self.report = clients.report
        self.max_nodes = max_nodes
        self.depth = depth
        self.progress = progress
        self.nodes = _Nodes()
        self.edges: dict[str, dict[int, list[int]]] = {"refs": {}, "citedby": {}}
        self.round = 0

    # -- progress ------------------------------------------------------------

    def say(self, stage: str) -> None:
        if self.progress is not None:
            self.progress(GrowthStatus(self.round, self.depth, len(self.nodes), self.max_nodes, stage))

    def room(self) -> int:
        return max(0, self.max_nodes - len(self.nodes))

    # -- OpenAlex ids and records ----------------------------------------------

    def _openalex_records(self, nodes: list[int]) -> dict[int, Record]:
        """OpenAlex's record of each node it knows (by OpenAlex id or DOI), batched."""
        openalex = self.clients.openalex
        by_id: dict[int, str] = {}
        need_doi: dict[int, str] = {}
        for n in nodes:
            work = self.nodes.works[n]
            wid = next((k.split(":", 1)[1] for k in work_keys(work) if k.startswith("openalex:")), None)
            wid = wid or (self.clients.openalex_ids.get(work.doi) if work.doi else None)
            if wid:
                by_id[n] = wid
            elif work.doi:
                need_doi[n] = work.doi
        found: dict[int, Record] = {}
        cached = self.clients.openalex_records
        missing = [w for w in by_id.values() if w not in cached]
        if missing:
            cached.update(openalex.by_ids(missing))
        if need_doi:
            for doi, record in openalex.by_dois(need_doi.values()).items():
                wid = work_id(record.work.url)
                if wid:
                    self.clients.openalex_ids[doi] = wid
                    cached[wid] = record
            for n, doi in need_doi.items():
                if (wid := self.clients.openalex_ids.get(doi)):
                    by_id[n] = wid
        for n, wid in by_id.items():
            if wid in cached:
                found[n] = cached[wid]
                self.nodes.works[n] = fill(self.nodes.works[n], cached[wid].work)
                self.nodes.by_key.setdefault(f"openalex:{wid}", n)
        return found

    # -- one direction of one round --------------------------------------------

    def links(self, direction: str, todo: list[int]) -> dict[int, list[Work]]:
        """``{node: [works it cites, or works citing it]}``: stubs (PMID or OpenAlex id only) or full works."""
        clients = self.clients
        out: dict[int, list[Work]] = {}
        with_pmid = [n for n in todo if self.nodes.works[n].pmid]
        if with_pmid and clients.usable(clients.eutils):
            self.say(f"asking PubMed for {'references' if direction == 'refs' else 'citing works'} "
                     f"of {len(with_pmid)} works")
            with clients.guard(clients.eutils):
                found = clients.eutils.links([self.nodes.works[n].pmid for n in with_pmid],
                                             REFS if direction == "refs" else CITED_IN)
                for n in with_pmid:
                    pmids = found.get(self.nodes.works[n].pmid)
                    if pmids:
                        out[n] = [Work(pmid=p) for p in pmids]
        rest = [n for n in todo if n not in out and any(
            k.startswith(("doi:", "openalex:")) for k in work_keys(self.nodes.works[n]))]
        if rest and clients.usable(clients.openalex):
            self.say(f"asking OpenAlex for {'references' if direction == 'refs' else 'citing works'} "
                     f"of {len(rest)} works")
            with clients.guard(clients.openalex):
                records = self._openalex_records(rest)
                if direction == "refs":
                    for n, record in records.items():
                        ids = referenced_ids(record)
                        if ids:
                            out[n] = [Work(url=f"https://openalex.org/{w}") for w in ids]
                else:
                    ids = {work_id(r.work.url): n for n, r in records.items()}
                    citing = clients.openalex.citing(list(ids), limit=max(2 * self.room(), 200))
                    for wid, found_records in citing.items():
                        for record in found_records:
                            clients.openalex_records.setdefault(work_id(record.work.url), record)
                        out.setdefault(ids[wid], []).extend(r.work for r in found_records)
        return out

    def _metadata(self, stubs: list[Work]) -> dict[str, Work]:
        """``{first key: full work}`` for stubs known only by a PMID or an OpenAlex id."""
        clients = self.clients
        full: dict[str, Work] = {}
        pmids = [w.pmid for w in stubs if w.pmid and not w.title]
        wids = [wid for w in stubs if not w.pmid and not w.title and (wid := work_id(w.url))]
        for w in stubs:
            if w.title:
                full[work_keys(w)[0]] = w
        if pmids:
            if clients.usable(clients.eutils):
                self.say(f"fetching {len(pmids)} PubMed records")
                with clients.guard(clients.eutils):
                    for pmid, work in clients.eutils.fetch(pmids).items():
                        full[f"pmid:{pmid}"] = work
            if not clients.usable(clients.eutils):  # known links, no metadata: keep the identifiers
                for pmid in pmids:
                    full.setdefault(f"pmid:{pmid}", Work(pmid=pmid))
        if wids:
            cached = clients.openalex_records
            missing = [w for w in wids if w not in cached]
            if missing and clients.usable(clients.openalex):
                self.say(f"fetching {len(missing)} works from OpenAlex")
                with clients.guard(clients.openalex):
                    cached.update(clients.openalex.by_ids(missing))
            for wid in wids:
                if wid in cached:
                    full[f"openalex:{wid}"] = cached[wid].work
        return full

    def place(self, direction: str, found: dict[int, list[Work]]) -> list[int]:
        """Link each node to the works found for it, adding new works while there is room."""
        resolved: dict[str, int] = {}
        pending: list[Work] = []
        seen: set[str] = set()
        for stubs in found.values():
            for stub in stubs:
                keys = work_keys(stub)
                if not keys or keys[0] in resolved or keys[0] in seen:
                    continue
                node = self.nodes.find(stub)
                if node is not None:
                    resolved[keys[0]] = node
                    if stub.title:
                        self.nodes.add(stub)  # a full work (OpenAlex citing): fills the node
                else:
                    pending.append(stub)
                    seen.add(keys[0])
        added: list[int] = []
        while pending and self.room() > 0:
            # a batch at a time (one EFetch, or a few OpenAlex requests), so the bar moves
            size = min(self.room(), FETCH_BATCH)
            take, pending = pending[:size], pending[size:]
            full = self._metadata(take)
            for stub in take:
                key = work_keys(stub)[0]
                work = full.get(key)
                if work is None:
                    continue  # the service knows no such work
                node = self.nodes.find(work)
                if node is None:
                    if self.room() <= 0:
                        pending.insert(0, stub)
                        break
                    node = self.nodes.add(work)
                    added.append(node)
                else:
                    self.nodes.add(work)
                resolved[key] = node
        if pending:
            self.report.capped = True
        edges = self.edges[direction]
        for node, stubs in found.items():
            targets = [resolved[k[0]] for s in stubs if (k := work_keys(s)) and k[0] in resolved]
            targets = [t for t in targets if t != node]
            if targets:
                edges[node] = _unique([*edges.get(node, ()), *targets])
        return added


def grow(records: Sequence[Record], clients: Clients, *, depth: int, direction: str = "refs",
         max_nodes: int = 1000,
         progress: Callable[[GrowthStatus], None] | None = None) -> list[Record]:
    """The records with ``depth`` rounds of references and/or citing works added.

    Parameters
    ----------
    records : sequence of Record
        What was read, best enriched first
        (:func:`~citegraph.online.enrich.enrich_records`).
    clients : Clients
        The services to ask; what growth did goes to ``clients.report``.
    depth : int
        Rounds of growth; 0 returns the records as they are.
    direction : {"refs", "citedby", "both"}
    max_nodes : int
        No works are added once the graph holds this many.
    progress : callable, optional
        Called with a :class:`GrowthStatus` as growth goes.

    Returns
    -------
    list of Record
        The records given (with citing works added to their ``cited_by``),
        then one record per work found to cite or be cited.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if depth <= 0:
        return list(records)
    state = _Growth(clients, max_nodes, depth, progress)
    nodes = state.nodes
    record_of: dict[int, int] = {}
    refs_edge: list[int] = []
    citedby_edge: list[int] = []
    for r, record in enumerate(records):
        node = nodes.add(record.work)
        if node is not None:
            record_of.setdefault(node, r)
            citedby_edge.append(node)
            if not record.references:
                refs_edge.append(node)
        for work in record.references:
            if (node := nodes.add(work)) is not None:
                refs_edge.append(node)
        for work in record.cited_by:
            nodes.add(work)
    start = len(nodes)
    frontier = {"refs": _unique(refs_edge), "citedby": _unique(citedby_edge)}
    expanded: dict[str, set[int]] = {"refs": set(), "citedby": set()}
    for round_ in range(1, depth + 1):
        state.round = clients.report.rounds = round_
        added: list[int] = []
        for d in DIRECTIONS[direction]:
            todo = [n for n in frontier.get(d, ()) if n not in expanded[d]]
            if not todo:
                continue
            expanded[d].update(todo)
            added += state.place(d, state.links(d, todo))
        state.say("done" if state.round == depth else "next round")
        added = _unique(added)
        if not added:
            break
        frontier = {d: added for d in DIRECTIONS[direction]}
    clients.report.added += len(nodes) - start
    clients.report.expanded += len(expanded["refs"] | expanded["citedby"])
    return _records(records, state, record_of)


def _records(records: Sequence[Record], state: _Growth, record_of: dict[int, int]) -> list[Record]:
    works = state.nodes.works
    out = list(records)
    grown: list[Record] = []
    refs, citedby = state.edges["refs"], state.edges["citedby"]
    for node in sorted(set(refs) | set(citedby)):
        references = tuple(works[t] for t in refs.get(node, ()))
        citing = tuple(works[t] for t in citedby.get(node, ()))
        if node in record_of:
            r = record_of[node]
            record = out[r]
            known = {k for w in record.cited_by for k in work_keys(w)}
            more = tuple(w for w in citing if not known.intersection(work_keys(w)))
            out[r] = replace(record, references=record.references or references,
                             cited_by=record.cited_by + more)
        else:
            grown.append(Record(work=works[node], references=references, cited_by=citing,
                                source=Source(ONLINE_PATH, ONLINE_FORMAT, index=len(grown) + 1)))
    return out + grown
