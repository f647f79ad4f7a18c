"""Mentions of works into nodes: one node per distinct work.

Every work the records mention (the citing article of a record, each entry of
its reference list, each entry under "Cited by") is a *mention*.  Resolution
groups mentions in explicit stages:

1. **identifiers**: mentions that share a DOI, PMID or PMCID are one work;
2. **keys**: mentions without a shared identifier that share a match key
   (first author + year + the title's first words, or first author + year +
   volume + first page) are one work.

A merge never joins two groups that hold different identifiers of one kind
(two DOIs, two PMIDs): such a pair is left apart, whatever else agrees.  Each
group becomes a :class:`Node` that keeps every identifier it was seen with,
the best value of each field (a record beats a reference string), and how each
of its mentions joined it.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from ..model import Record, Source, Work
from .identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from .keys import citation_key, fold, short_hash, title_key

__all__ = ["Mention", "Node", "Citation", "Resolution", "resolve_records", "mentions_of"]

log = logging.getLogger(__name__)

#: The roles a mention can have, best first: a record's own description of
#: itself beats a line under "Cited by", which beats a reference string.
ROLES: tuple[str, ...] = ("record", "citing", "reference")
_ID_FIELDS: tuple[str, ...] = ("doi", "pmid", "pmcid")
_NORMALIZE = {"doi": normalize_doi, "pmid": normalize_pmid, "pmcid": normalize_pmcid}


@dataclass(frozen=True, slots=True)
class Mention:
    """One appearance of a work in the input."""

    work: Work
    role: str  # one of ROLES
    source: Source
    record: int  # index of the record it appears in
    position: int | None = None  # place in the reference list, from 1


@dataclass(frozen=True, slots=True)
class Node:
    """One distinct work: its id, best fields, every identifier, and its history."""

    id: str
    work: Work
    kind: str  # "record", "reference" or "citing"
    ids: dict[str, tuple[str, ...]]
    mentions: tuple[int, ...]  # indices into Resolution.mentions
    merges: tuple[tuple[int, str], ...]  # (mention index, rule that joined it)


@dataclass(frozen=True, slots=True)
class Citation:
    """One edge: ``citing`` cites ``cited`` (node ids)."""

    citing: str
    cited: str
    position: int | None = None  # place in the citing record's reference list
    citation: str | None = None  # the reference as the citing record wrote it


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the resolver found: nodes, citations and counts for the summary."""

    nodes: dict[str, Node]
    citations: tuple[Citation, ...]
    mentions: tuple[Mention, ...]
    merged_by: dict[str, int] = field(default_factory=dict)  # rule -> mentions joined by it
    conflicts: int = 0  # pairs kept apart because their identifiers differ

    def count(self, role: str) -> int:
        return sum(1 for m in self.mentions if m.role == role)


def mentions_of(records: Iterable[Record]) -> list[Mention]:
    """Every mention in ``records``, with identifiers normalized."""
    out: list[Mention] = []
    for index, record in enumerate(records):
        out.append(Mention(_clean_ids(record.work), "record", record.source, index))
        for position, ref in enumerate(record.references, 1):
            out.append(Mention(_clean_ids(ref), "reference", record.source, index, position))
        for citing in record.cited_by:
            out.append(Mention(_clean_ids(citing), "citing", record.source, index))
    return out


def _clean_ids(work: Work) -> Work:
    changes = {}
    for name in _ID_FIELDS:
        value = getattr(work, name)
        if value is not None:
            clean = _NORMALIZE[name](value)
            if clean != value:
                changes[name] = clean
    return work.replace(**changes) if changes else work


class _Groups:
    """Union-find over mentions that refuses unions of conflicting identifiers."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.parent = list(range(len(mentions)))
        self.ids: list[dict[str, str]] = [
            {name: getattr(m.work, name) for name in _ID_FIELDS if getattr(m.work, name)}
            for m in mentions]
        self.rule: dict[int, str] = {}  # absorbed root -> rule that joined its group
        self.conflicts: set[frozenset[int]] = set()  # pairs of groups kept apart

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int, rule: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ids_a, ids_b = self.ids[ra], self.ids[rb]
        if any(ids_a[k] != ids_b[k] for k in ids_a.keys() & ids_b.keys()):
            self.conflicts.add(frozenset((ra, rb)))
            return False
        if ra > rb:  # keep the earliest mention as the root: stable output
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.ids[ra] = {**ids_b, **ids_a}
        self.rule[rb] = rule  # the group rooted at rb joined by this rule
        return True


def _best_work(mentions: list[Mention]) -> Work:
    """Each field from the best mention that has it: records first, then longer values."""
    ranked = sorted(mentions, key=lambda m: ROLES.index(m.role))
    values = {}
    for f in fields(Work):
        if f.name == "raw":
            continue
        for m in ranked:
            value = getattr(m.work, f.name)
            if value not in (None, (), False):
                values[f.name] = value
                break
    return Work(**values)


def _node_id(work: Work, mentions: list[Mention]) -> str:
    for name in _ID_FIELDS:
        value = getattr(work, name)
        if value:
            return f"{name}:{value}"
    for m in sorted(mentions, key=lambda m: ROLES.index(m.role)):
        key = title_key(m.work) or citation_key(m.work)
        if key:
            return f"ref:{short_hash(key)}"
    text = work.title or (mentions[0].work.raw or "")
    return f"ref:{short_hash(fold(text))}"


def resolve_records(records: Iterable[Record]) -> Resolution:
    """Resolve the works mentioned in ``records`` into nodes and citations.

    Examples
    --------
    >>> from citegraph.model import Author, Source
    >>> a = Work(title="Spinal metastases: a narrative review of care", year=2020,
    ...          authors=(Author("Chang SY", "Chang", "SY"),), journal="Asian Spine J")
    >>> src = Source("x.txt", "test")
    >>> r1 = Record(Work(title="One", doi="10.1/one"), src, references=(a,))
    >>> r2 = Record(Work(title="Two", pmid="2"), src, references=(a.replace(journal=None),))
    >>> res = resolve_records([r1, r2])
    >>> len(res.nodes), len(res.citations), res.merged_by
    (3, 2, {'key': 1})
    """
    mentions = mentions_of(records)
    groups = _Groups(mentions)
    merged_by: Counter[str] = Counter()

    # stage 1: shared identifiers
    for name in _ID_FIELDS:
        by_value: dict[str, list[int]] = defaultdict(list)
        for i, m in enumerate(mentions):
            value = getattr(m.work, name)
            if value:
                by_value[value].append(i)
        for members in by_value.values():
            for other in members[1:]:
                if groups.find(other) != groups.find(members[0]) and groups.union(members[0], other, "id"):
                    merged_by["id"] += 1

    # stage 2: match keys, for what identifiers left apart
    for key_of in (title_key, citation_key):
        by_key: dict[tuple, list[int]] = defaultdict(list)
        for i, m in enumerate(mentions):
            key = key_of(m.work)
            if key is not None:
                by_key[key].append(i)
        for members in by_key.values():
            for other in members[1:]:
                if groups.find(other) != groups.find(members[0]) and groups.union(members[0], other, "key"):
                    merged_by["key"] += 1

    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        clusters[groups.find(i)].append(i)

    nodes: dict[str, Node] = {}
    node_of: dict[int, str] = {}
    for root, members in clusters.items():
        cluster = [mentions[i] for i in members]
        work = _best_work(cluster)
        node_id = _node_id(work, cluster)
        if node_id in nodes:  # two clusters hashed alike: keep them apart
            node_id = f"{node_id}-{root}"
        kind = min((m.role for m in cluster), key=ROLES.index)
        ids = {name: tuple(dict.fromkeys(getattr(m.work, name) for m in cluster
                                         if getattr(m.work, name)))
               for name in _ID_FIELDS}
        nodes[node_id] = Node(
            id=node_id, work=work, kind=kind,
            ids={k: v for k, v in ids.items() if v},
            mentions=tuple(members),
            merges=tuple((i, groups.rule[i]) for i in members if i in groups.rule))
        for i in members:
            node_of[i] = node_id

    citations: list[Citation] = []
    seen: set[tuple[str, str]] = set()
    record_node = {m.record: node_of[i] for i, m in enumerate(mentions) if m.role == "record"}
    for i, m in enumerate(mentions):
        if m.role == "reference":
            edge = (record_node[m.record], node_of[i])
            citation = Citation(*edge, position=m.position, citation=m.work.raw)
        elif m.role == "citing":
            edge = (node_of[i], record_node[m.record])
            citation = Citation(*edge)
        else:
            continue
        if edge[0] == edge[1]:
            log.warning("%s: a work cites itself (%s); edge left out", m.source, edge[0])
            continue
        if edge not in seen:
            seen.add(edge)
            citations.append(citation)

    return Resolution(nodes=nodes, citations=tuple(citations), mentions=tuple(mentions),
                      merged_by=dict(merged_by), conflicts=len(groups.conflicts))

