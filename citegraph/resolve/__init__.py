"""Mentions of works into nodes: one node per distinct work.

Every work the records mention (the citing article of a record, each entry of
its reference list, each entry under "Cited by") is a *mention*.  Resolution
runs in explicit stages, each in its own module:

1. **normalize** (:mod:`.normalize`): identifiers cleaned, names, titles and
   journals folded;
2. **identifiers**: mentions that share a DOI, PMID or PMCID are one work;
3. **keys** (:mod:`.keys`): mentions that share an exact match key (first
   author + year + title words, or first author + year + volume + first page);
4. **match** (:mod:`.match`): inside blocks of mentions that share a blocking
   key, named rules score each pair (rapidfuzz for titles); a pair at or above
   ``MERGE_AT`` is merged, a pair between ``REVIEW_AT`` and ``MERGE_AT`` is
   kept for a person to review;
5. **merge**: each group becomes a :class:`Node` holding every identifier, the
   best value of each field (a record beats a reference string), and the rule
   and score that joined each part.

Two groups holding different identifiers of one kind never merge, whatever
else agrees.  A fuzzy merge needs direct evidence between the two groups: the
pair that matched, and the groups' first mentions must not contradict each
other, so that weak matches do not chain.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from heapq import merge
from operator import attrgetter

from .._gc import collector_paused
from .._slots import quick_init
from ..model import WORK_FIELDS, Record, Source, Work
from .identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from .keys import citation_key, short_hash, title_key
from .match import BLOCKING_KEYS, MAX_BLOCK, MERGE_AT, REVIEW_AT, compare, veto
from .normalize import Normalized, Normalizer, fold

__all__ = ["Mention", "Node", "Citation", "Review", "Resolution", "resolve_records", "mentions_of",
           "mention_key", "MERGE_AT", "REVIEW_AT"]

log = logging.getLogger(__name__)

#: The roles a mention can have, best first: a record's own description of
#: itself beats a line under "Cited by", which beats a reference string.
ROLES: tuple[str, ...] = ("record", "citing", "reference")
_ID_FIELDS: tuple[str, ...] = ("doi", "pmid", "pmcid")
_NORMALIZE = {"doi": normalize_doi, "pmid": normalize_pmid, "pmcid": normalize_pmcid}
#: The fields a node takes from its best mention: all but the raw reference string.
_MERGED_FIELDS: tuple[str, ...] = tuple(name for name in WORK_FIELDS if name != "raw")
_merged_values = attrgetter(*_MERGED_FIELDS)
_EMPTY = (None, (), False)  # an unknown value, whatever the field's type


@quick_init
@dataclass(frozen=True, slots=True)
class Mention:
    """One appearance of a work in the input."""

    work: Work
    role: str  # one of ROLES
    source: Source
    record: int  # index of the record it appears in
    position: int | None = None  # place in the reference list, from 1


@quick_init
@dataclass(frozen=True, slots=True)
class Node:
    """One distinct work: its id, best fields, every identifier, and its history."""

    id: str
    work: Work
    kind: str  # "record", "reference" or "citing"
    ids: dict[str, tuple[str, ...]]
    mentions: tuple[int, ...]  # indices into Resolution.mentions
    merges: tuple[tuple[int, str, float], ...]  # (mention, rule that joined its group, score)


@quick_init
@dataclass(frozen=True, slots=True)
class Citation:
    """One edge: ``citing`` cites ``cited`` (node ids)."""

    citing: str
    cited: str
    position: int | None = None  # place in the citing record's reference list
    citation: str | None = None  # the reference as the citing record wrote it


@quick_init
@dataclass(frozen=True, slots=True)
class Review:
    """A pair the rules found plausible but not sure: for a person to decide."""

    left: int  # mention indices
    right: int
    rule: str
    score: float


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the resolver found: nodes, citations and counts for the summary."""

    nodes: dict[str, Node]
    citations: tuple[Citation, ...]
    mentions: tuple[Mention, ...]
    merged_by: dict[str, int] = field(default_factory=dict)  # stage -> groups joined by it
    conflicts: int = 0  # pairs of groups kept apart because their identifiers differ
    reviews: tuple[Review, ...] = ()  # uncertain pairs left apart

    def node_of(self) -> dict[int, str]:
        """Mention index -> node id."""
        return {i: node.id for node in self.nodes.values() for i in node.mentions}

    def count(self, role: str) -> int:
        return sum(1 for m in self.mentions if m.role == role)


def mentions_of(records: Iterable[Record]) -> list[Mention]:
    """Every mention in ``records``, with identifiers normalized."""
    out: list[Mention] = []
    # readers hand the same Work object for a reference string that repeats
    # (Web of Science does): it is cleaned once, and stays one object
    clean: dict[int, tuple[Work, Work]] = {}

    def cleaned(work: Work) -> Work:
        seen = clean.get(id(work))
        if seen is None or seen[0] is not work:
            seen = clean[id(work)] = (work, _clean_ids(work))
        return seen[1]

    for index, record in enumerate(records):
        source = record.source
        out.append(Mention(cleaned(record.work), "record", source, index))
        for position, ref in enumerate(record.references, 1):
            out.append(Mention(cleaned(ref), "reference", source, index, position))
        for position, citing in enumerate(record.cited_by, 1):
            out.append(Mention(cleaned(citing), "citing", source, index, position))
    return out


def mention_key(m: Mention) -> str:
    """A stable name for a mention, the same on every run over the same inputs.

    Examples
    --------
    >>> mention_key(Mention(Work(), "reference", Source("a.txt", "t", index=1), 0, 3))
    'a.txt#1/reference/3'
    """
    where = f"{m.source.path}#{m.source.index if m.source.index is not None else m.record + 1}"
    return f"{where}/{m.role}" + (f"/{m.position}" if m.position is not None else "")


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
    """Union-find over mentions that refuses to join groups that must stay apart.

    Groups stay apart when they hold different identifiers of one kind, or
    when a person said that two of their mentions are different works.
    """

    def __init__(self, norms: list[Normalized], apart: dict[int, set[int]]) -> None:
        self.parent = list(range(len(norms)))
        self.ids: list[dict[str, str] | None] = [
            {k: v for k in _ID_FIELDS if (v := getattr(n, k))} or None for n in norms]
        self.members: dict[int, list[int]] = {}  # only for groups of two or more
        self.apart = apart  # mention -> mentions a person said are other works
        self.rule: dict[int, tuple[str, float]] = {}  # absorbed root -> (rule, score)
        self.conflicts: set[frozenset[int]] = set()  # pairs of groups kept apart

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def group(self, root: int) -> list[int]:
        return self.members.get(root, [root])

    def _kept_apart(self, ra: int, rb: int) -> bool:
        ids_a, ids_b = self.ids[ra], self.ids[rb]
        if ids_a and ids_b and any(ids_a[k] != ids_b[k] for k in ids_a.keys() & ids_b.keys()):
            self.conflicts.add(frozenset((ra, rb)))
            return True
        if self.apart:
            for m in self.group(ra):
                if any(self.find(x) == rb for x in self.apart.get(m, ())):
                    return True
        return False

    def union(self, a: int, b: int, rule: str, score: float = 1.0) -> bool:
        """Join the groups of ``a`` and ``b``; False when they must stay apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self._kept_apart(ra, rb):
            return False
        if ra > rb:  # keep the earliest mention as the root: stable output
            ra, rb = rb, ra
        self.parent[rb] = ra
        ids_a, ids_b = self.ids[ra], self.ids[rb]
        if ids_b:
            self.ids[ra] = {**ids_b, **(ids_a or {})}
        # the smaller member list joins the larger, in place: a work cited ten
        # thousand times is not copied once per citation
        small, large = self.members.pop(rb, None) or [rb], self.members.get(ra) or [ra]
        if len(small) > len(large):
            small, large = large, small
        large.extend(small)
        self.members[ra] = large
        self.rule[rb] = (rule, score)
        return True


def _best_work(mentions: list[Mention]) -> Work:
    """Each field from the first mention that has it, by role (see ROLES), then in input order."""
    if len(mentions) == 1:
        return mentions[0].work
    ranked = sorted(mentions, key=lambda m: ROLES.index(m.role))
    # each Work object once: a reference string repeated in many records is one object
    works = list({id(m.work): m.work for m in ranked}.values())
    # the best mention's fields, then each field it lacks from the next mention that has it
    values = dict(zip(_MERGED_FIELDS, _merged_values(works[0])))
    for name, value in values.items():
        if value in _EMPTY:
            for work in works[1:]:
                other = getattr(work, name)
                if other not in _EMPTY:
                    values[name] = other
                    break
    return Work(**values)


def _node_id(work: Work, members: list[int], mentions: list[Mention], norms: list[Normalized]) -> str:
    for name in _ID_FIELDS:
        value = getattr(work, name)
        if value:
            return f"{name}:{value}"
    for i in sorted(members, key=lambda i: ROLES.index(mentions[i].role)) if len(members) > 1 else members:
        key = title_key(norms[i]) or citation_key(norms[i])
        if key:
            return f"ref:{short_hash(key)}"
    text = work.title or (mentions[members[0]].work.raw or "")
    return f"ref:{short_hash(fold(text))}"


def resolve_records(records: Iterable[Record], *,
                    decisions: dict[tuple[str, str], bool] | None = None) -> Resolution:
    """Resolve the works mentioned in ``records`` into nodes and citations.

    Parameters
    ----------
    records : iterable of Record
    decisions : dict, optional
        A person's verdicts on pairs of mentions, keyed by the two mentions'
        :func:`mention_key`: ``True`` (one work) or ``False`` (two works), as
        read back from a review file.

    Examples
    --------
    >>> from citegraph.model import Author, Source
    >>> a = Work(title="Spinal metastases: a narrative review of care", year=2020,
    ...          authors=(Author("Chang SY", "Chang", "SY"),), journal="Asian Spine J")
    >>> src = Source("x.txt", "test")
    >>> r1 = Record(Work(title="One", doi="10.1000/one"), src, references=(a,))
    >>> r2 = Record(Work(title="Two", pmid="2"), src, references=(a.replace(journal=None),))
    >>> res = resolve_records([r1, r2])
    >>> len(res.nodes), len(res.citations), res.merged_by
    (3, 2, {'key': 1})
    """
    with collector_paused():
        return _resolve(records, decisions or {})


def _resolve(records: Iterable[Record], decisions: dict[tuple[str, str], bool]) -> Resolution:
    mentions = mentions_of(records)
    normalize = Normalizer()
    norms = [normalize(m.work) for m in mentions]
    same, apart = _decisions(mentions, decisions)
    groups = _Groups(norms, apart)
    merged_by: Counter[str] = Counter()

    # a person's "same" verdicts first: they outrank every rule but identifiers
    for a, b in same:
        if groups.union(a, b, "manual"):
            merged_by["manual"] += 1

    # shared identifiers
    for name in _ID_FIELDS:
        first_with: dict[str, int] = {}
        for i, n in enumerate(norms):
            value = getattr(n, name)
            if value:
                if value in first_with:
                    merged_by["id"] += groups.union(first_with[value], i, "id")
                else:
                    first_with[value] = i

    # exact match keys, under the same vetoes as every rule: a title reprinted in another
    # volume, or cited with other pages, is another work
    for key_of in (title_key, citation_key):
        with_key: dict[tuple, list[int]] = {}
        for i, n in enumerate(norms):
            key = key_of(n)
            if key is None:
                continue
            firsts = with_key.get(key)
            if firsts is None:
                with_key[key] = [i]
                continue
            first = next((j for j in firsts if veto(norms[j], n, identifiers=False) is None), None)
            if first is None:
                firsts.append(i)
            else:
                merged_by["key"] += groups.union(first, i, "key")

    # fuzzy matching inside blocks
    reviews = _match_blocks(norms, groups, merged_by)

    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        clusters[groups.find(i)].append(i)

    nodes: dict[str, Node] = {}
    node_of: dict[int, str] = {}
    for root, members in clusters.items():
        if len(members) == 1:  # most works are mentioned once: nothing to merge
            mention, norm = mentions[root], norms[root]
            work, kind = mention.work, mention.role
            ids = {name: (value,) for name in _ID_FIELDS if (value := getattr(norm, name))}
            merges: tuple[tuple[int, str, float], ...] = ()
        else:
            cluster = [mentions[i] for i in members]
            work = _best_work(cluster)
            kind = min((m.role for m in cluster), key=ROLES.index)
            ids = {}
            for name in _ID_FIELDS:
                values = [v for i in members if (v := getattr(norms[i], name))]
                if values:
                    ids[name] = tuple(dict.fromkeys(values))
            merges = tuple((i, *groups.rule[i]) for i in members if i in groups.rule)
        node_id = _node_id(work, members, mentions, norms)
        if node_id in nodes:  # two clusters hashed alike: keep them apart
            node_id = f"{node_id}-{root}"
        nodes[node_id] = Node(id=node_id, work=work, kind=kind, ids=ids, mentions=tuple(members),
                              merges=merges)
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
            citation = Citation(*edge)  # no position: "Cited by" is not a reference list
        else:
            continue
        if edge[0] == edge[1]:
            log.info("%s: a work cites itself (%s); edge left out", m.source, edge[0])
            continue
        if edge not in seen:
            seen.add(edge)
            citations.append(citation)

    reviews = tuple(r for r in reviews if groups.find(r.left) != groups.find(r.right))
    return Resolution(nodes=nodes, citations=tuple(citations), mentions=tuple(mentions),
                      merged_by={k: v for k, v in merged_by.items() if v},
                      conflicts=len(groups.conflicts), reviews=reviews)


def _decisions(mentions: list[Mention], decisions: dict[tuple[str, str], bool]
               ) -> tuple[list[tuple[int, int]], dict[int, set[int]]]:
    """A person's verdicts, from mention keys to mention indices."""
    if not decisions:
        return [], {}
    index = {mention_key(m): i for i, m in enumerate(mentions)}
    same: list[tuple[int, int]] = []
    apart: dict[int, set[int]] = defaultdict(set)
    for (left, right), verdict in decisions.items():
        if left in index and right in index:
            a, b = index[left], index[right]
            if verdict:
                same.append((a, b))
            else:
                apart[a].add(b)
                apart[b].add(a)
        else:
            log.warning("review decision for %s and %s: no such mentions in this input", left, right)
    return same, dict(apart)


def _match_blocks(norms: list[Normalized], groups: _Groups, merged_by: Counter[str]) -> list[Review]:
    """Compare the groups that share a blocking key; merge the sure pairs, keep the plausible ones."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    key_functions = [key_of for _name, key_of in BLOCKING_KEYS]
    for i, n in enumerate(norms):
        for key_of in key_functions:
            if (key := key_of(n)) is not None:
                blocks[key].append(i)
    compared: set[tuple[int, int]] = set()
    reviews: list[Review] = []
    for block in blocks.values():
        if len(block) < 2:
            continue
        # one mention per group: the first, which is the group's best-known form
        heads: dict[int, int] = {}
        for i in block:
            heads.setdefault(groups.find(i), i)
        if len(heads) < 2 or len(heads) > MAX_BLOCK:
            continue
        items = list(heads.values())
        for x, y in _pairs_to_compare([norms[i].volume for i in items]):
            a, b = items[x], items[y]
            ra, rb = groups.find(a), groups.find(b)
            if ra == rb:
                continue
            pair = (ra, rb) if ra < rb else (rb, ra)
            if pair in compared:
                continue
            compared.add(pair)
            verdict = compare(norms[a], norms[b])
            if verdict is None or verdict.score < REVIEW_AT:
                continue
            if verdict.score >= MERGE_AT and _no_contradiction(norms, ra, rb) and \
                    groups.union(a, b, verdict.rule, verdict.score):
                merged_by["fuzzy"] += 1
            else:
                reviews.append(Review(a, b, verdict.rule, verdict.score))
    return reviews


def _pairs_to_compare(volumes: list[str | None]) -> Iterator[tuple[int, int]]:
    """The pairs ``x < y`` of a block whose volumes allow one work, in the block's order.

    Two mentions with different volumes are never one work (a veto), so a
    big block is not compared pair by pair: each mention meets only those of
    its own volume and those whose volume is unknown.  A block grows with the
    corpus (more works by one author in one year), and its pairs as the
    square of its size.

    Examples
    --------
    >>> list(_pairs_to_compare(["1", "2", None, "1"]))
    [(0, 2), (0, 3), (1, 2), (2, 3)]
    """
    unknown = [y for y, volume in enumerate(volumes) if volume is None]
    by_volume: dict[str, list[int]] = defaultdict(list)
    for y, volume in enumerate(volumes):
        if volume is not None:
            by_volume[volume].append(y)
    for x, volume in enumerate(volumes):
        if volume is None:
            later: Iterable[int] = range(x + 1, len(volumes))
        elif not unknown:
            same = by_volume[volume]
            later = same[bisect_right(same, x):]
        else:
            same = by_volume[volume]
            later = merge(same[bisect_right(same, x):], unknown[bisect_right(unknown, x):])
        for y in later:
            yield x, y


def _no_contradiction(norms: list[Normalized], ra: int, rb: int) -> bool:
    """The two groups' first mentions must agree too, so that matches do not chain."""
    if ra == rb:
        return True
    verdict = compare(norms[ra], norms[rb])
    return verdict is not None and verdict.score >= REVIEW_AT

