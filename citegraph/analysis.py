"""Views of a citation graph and the measures bibliometricians take of it.

Every function takes a ``networkx.DiGraph`` built by :func:`citegraph.graph.build_graph`
(edges citing → cited) and returns a new graph or a mapping; none changes its
input unless its name says so (``add_metrics``).

Views:

* :func:`records_only`: the citation network among the works read as records;
* :func:`cocitation` and :func:`coupling`: weighted undirected networks,
  built sparsely (only pairs that reach the minimum weight are ever counted);
* :func:`around`: the neighbourhood of one work;
* :func:`min_citations`, :func:`years`: filters.

Measures: :func:`add_metrics` (degrees, PageRank, community, the share of a
record's references that resolved), :func:`main_path` (search path count),
:func:`summary` (what ``citegraph stats`` prints).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from itertools import combinations
from typing import Any

import networkx as nx

__all__ = ["records_only", "cocitation", "coupling", "around", "find_node", "min_citations",
           "years", "add_metrics", "communities", "pagerank", "main_path", "summary"]


# -- views -------------------------------------------------------------------

def _subgraph(graph: nx.DiGraph, nodes: Iterable[Hashable]) -> nx.DiGraph:
    view = graph.subgraph(nodes).copy()
    view.graph.update(graph.graph)
    return view


def records_only(graph: nx.DiGraph) -> nx.DiGraph:
    """The citation network among the works read as records (kind ``record``)."""
    return _subgraph(graph, (n for n, kind in graph.nodes(data="kind") if kind == "record"))


def _pairs_network(groups: Iterable[list[Hashable]], graph: nx.DiGraph, min_weight: int,
                   relation: str) -> nx.Graph:
    """Count how many groups each pair of members shares; keep pairs with ``min_weight``.

    A member that appears in fewer than ``min_weight`` groups cannot reach the
    weight with anyone: it is dropped before any pair is counted.  The counts
    are a sparse matrix product (groups x members, transposed times itself),
    so the work follows the size of the answer, not of all pairs.
    """
    import numpy as np
    from scipy import sparse

    groups = [g for g in groups if len(g) > 1]
    appearances = Counter(member for group in groups for member in group)
    keep = [m for m, n in appearances.items() if n >= max(min_weight, 1)]
    column = {m: i for i, m in enumerate(keep)}
    rows, cols = [], []
    for row, group in enumerate(groups):
        for member in group:
            if member in column:
                rows.append(row)
                cols.append(column[member])
    out = nx.Graph(name=f"{graph.graph.get('name', 'graph')} ({relation})", relation=relation)
    if not cols:
        return out
    incidence = sparse.csr_matrix((np.ones(len(cols), dtype=np.int32), (rows, cols)),
                                  shape=(len(groups), len(keep)))
    shared = sparse.triu(incidence.T @ incidence, k=1).tocoo()
    strong = shared.data >= min_weight
    a, b, w = shared.row[strong], shared.col[strong], shared.data[strong]
    for i in np.unique(np.concatenate([a, b])):
        out.add_node(keep[i], **graph.nodes[keep[i]])
    out.add_weighted_edges_from(zip([keep[i] for i in a.tolist()], [keep[i] for i in b.tolist()],
                                    w.tolist()))
    return out


def cocitation(graph: nx.DiGraph, min_weight: int = 2) -> nx.Graph:
    """Works cited together: weight = how many works cite both.

    Examples
    --------
    >>> g = nx.DiGraph([("p", "a"), ("p", "b"), ("q", "a"), ("q", "b"), ("q", "c")])
    >>> sorted(cocitation(g, 2).edges(data="weight"))
    [('a', 'b', 2)]
    """
    return _pairs_network((list(graph.successors(n)) for n in graph), graph, min_weight,
                          "co-citation")


def coupling(graph: nx.DiGraph, min_weight: int = 2) -> nx.Graph:
    """Bibliographic coupling: weight = how many references two works share.

    Examples
    --------
    >>> g = nx.DiGraph([("p", "a"), ("p", "b"), ("q", "a"), ("q", "b"), ("r", "a")])
    >>> sorted(coupling(g, 2).edges(data="weight"))
    [('p', 'q', 2)]
    """
    return _pairs_network((list(graph.predecessors(n)) for n in graph), graph, min_weight,
                          "bibliographic coupling")


def find_node(graph: nx.Graph, ident: str) -> Hashable:
    """The node a user means by ``ident``: a node id, a DOI, a PMID or a PMCID.

    Raises ``KeyError`` naming ``ident`` when no node matches.
    """
    if ident in graph:
        return ident
    from .resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid

    candidates = []
    if (doi := normalize_doi(ident)):
        candidates.append(("doi", doi))
    if (pmid := normalize_pmid(ident.removeprefix("pmid:"))):
        candidates.append(("pmid", pmid))
    if (pmcid := normalize_pmcid(ident.removeprefix("pmcid:"))):
        candidates.append(("pmcid", pmcid))
    for field, value in candidates:
        if f"{field}:{value}" in graph:
            return f"{field}:{value}"
        for node, attr in graph.nodes(data=field):
            if attr is not None and str(attr).lower() == value.lower():
                return node
    raise KeyError(f"no work in the graph matches {ident!r} (give a node id, DOI, PMID or PMCID)")


def around(graph: nx.DiGraph, ident: str, radius: int = 1) -> nx.DiGraph:
    """The works within ``radius`` citation steps of one work, in either direction."""
    center = find_node(graph, ident)
    nodes = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), center,
                                                  cutoff=radius)
    view = _subgraph(graph, nodes)
    view.graph["center"] = center
    return view


def min_citations(graph: nx.DiGraph, n: int) -> nx.DiGraph:
    """Works cited at least ``n`` times in the graph, and the records (which cite)."""
    return _subgraph(graph, (node for node in graph
                             if graph.in_degree(node) >= n or graph.nodes[node].get("kind") == "record"))


def years(graph: nx.DiGraph, first: int | None, last: int | None) -> nx.DiGraph:
    """Works published from ``first`` to ``last`` (inclusive); works with no year are left out."""
    def inside(year: Any) -> bool:
        return isinstance(year, int) and (first is None or year >= first) and (last is None or year <= last)
    return _subgraph(graph, (n for n, year in graph.nodes(data="year") if inside(year)))


# -- measures ----------------------------------------------------------------

def communities(graph: nx.Graph, *, seed: int = 1) -> dict[Hashable, int]:
    """Louvain communities of the undirected graph, numbered by size, 0 the largest.

    Communities of equal size are numbered by their first node in the graph's
    order.  Seeded: the same graph and seed give the same numbers, in every
    export and in the HTML view.

    Examples
    --------
    >>> g = nx.DiGraph([(1, 2), (2, 3), (3, 1), (4, 5), (5, 6), (6, 4), (7, 8)])
    >>> communities(g)
    {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1, 7: 2, 8: 2}
    """
    if graph.number_of_nodes() == 0:
        return {}
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    order = {node: index for index, node in enumerate(graph)}
    parts = nx.community.louvain_communities(undirected, seed=seed)
    parts.sort(key=lambda part: (-len(part), min(order[node] for node in part)))
    membership = {node: index for index, part in enumerate(parts) for node in part}
    return {node: membership[node] for node in graph}


def pagerank(graph: nx.DiGraph, *, alpha: float = 0.85, tol: float = 1.0e-6,
             max_iter: int = 100) -> dict[Hashable, float]:
    """PageRank, as ``networkx.pagerank`` computes it.

    Small graphs are computed here in plain Python: importing numpy and scipy,
    which networkx's version needs, costs more than the whole computation.
    Large graphs go to networkx.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])
    >>> ours, theirs = pagerank(g), nx.pagerank(g)
    >>> all(abs(ours[n] - theirs[n]) < 1e-6 for n in g)
    True
    """
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    if graph.number_of_edges() > 20_000:
        return nx.pagerank(graph, alpha=alpha, tol=tol, max_iter=max_iter)
    nodes = list(graph)
    out_degree = {u: graph.out_degree(u) for u in nodes}
    dangling = [u for u in nodes if out_degree[u] == 0]
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        previous = rank
        leak = alpha * sum(previous[u] for u in dangling) / n
        rank = dict.fromkeys(nodes, leak + (1.0 - alpha) / n)
        for u in nodes:
            if out_degree[u]:
                share = alpha * previous[u] / out_degree[u]
                for v in graph.successors(u):
                    rank[v] += share
        if sum(abs(rank[u] - previous[u]) for u in nodes) < n * tol:
            return rank
    raise nx.PowerIterationFailedConvergence(max_iter)


def add_metrics(graph: nx.DiGraph, *, seed: int = 1) -> nx.DiGraph:
    """Add ``cited_by``, ``cites``, ``pagerank``, ``community`` and, for records, ``resolved``.

    ``resolved`` is the share of a record's references whose work is known by
    an identifier or is mentioned more than once in the input: the references
    that tie the record to the rest of the graph.
    """
    ranks = pagerank(graph)
    community = communities(graph, seed=seed)
    for node, attrs in graph.nodes(data=True):
        attrs["cited_by"] = graph.in_degree(node)
        attrs["cites"] = graph.out_degree(node)
        attrs["pagerank"] = round(ranks.get(node, 0.0), 8)
        attrs["community"] = community.get(node, 0)
        if attrs.get("kind") == "record" and attrs["cites"]:
            tied = sum(1 for ref in graph.successors(node)
                       if not str(ref).startswith("ref:") or graph.in_degree(ref) > 1)
            attrs["resolved"] = round(tied / attrs["cites"], 4)
    return graph


def main_path(graph: nx.DiGraph) -> list[Hashable]:
    """The local main path by search path count (SPC), marked on ``graph``.

    Knowledge flows from a cited work to the work citing it; SPC counts, for
    each citation, the paths from any source to any sink that run through it.
    The path starts at the citation with the highest count that leaves a
    source, and follows the highest count forward (Hummon and Doreian's local
    main path, as in Pajek and CitNetExplorer).  Cycles (rare, from errata and
    simultaneous publication) are broken by dropping the edges that close them.
    Nodes and edges of the path get ``main_path=True``; the path is returned.
    Ties go to the node whose id sorts last, so that the path is reproducible.

    Examples
    --------
    >>> g = nx.DiGraph([("c", "b"), ("b", "a"), ("d", "b"), ("d", "a")])  # citing -> cited
    >>> main_path(g)  # a -> b carries 2 paths (a-b-c, a-b-d), a -> d only 1
    ['a', 'b', 'd']
    """
    flow = nx.DiGraph()
    flow.add_nodes_from(graph)
    flow.add_edges_from((v, u) for u, v in graph.edges())  # cited -> citing
    while not nx.is_directed_acyclic_graph(flow):
        cycle = nx.find_cycle(flow)
        flow.remove_edge(*cycle[-1][:2])
    order = list(nx.topological_sort(flow))
    from_sources: dict[Hashable, int] = {}
    for node in order:
        preds = list(flow.predecessors(node))
        from_sources[node] = sum(from_sources[p] for p in preds) if preds else 1
    to_sinks: dict[Hashable, int] = {}
    for node in reversed(order):
        succs = list(flow.successors(node))
        to_sinks[node] = sum(to_sinks[s] for s in succs) if succs else 1
    spc = {(u, v): from_sources[u] * to_sinks[v] for u, v in flow.edges()}
    starts = [(w, e) for e, w in spc.items() if flow.in_degree(e[0]) == 0]
    if not starts:
        return []
    _, (first, node) = max(starts, key=lambda item: (item[0], str(item[1])))
    path = [first, node]
    while flow.out_degree(node):
        node = max(flow.successors(node), key=lambda s: (spc[node, s], str(s)))
        path.append(node)
    for a, b in zip(path, path[1:]):
        graph.edges[b, a]["main_path"] = True
    for node in path:
        graph.nodes[node]["main_path"] = True
    return path


def summary(graph: nx.DiGraph, *, top: int = 10, seed: int = 1) -> dict[str, Any]:
    """What ``citegraph stats`` reports, as plain data (JSON-ready)."""
    kinds = Counter(kind for _, kind in graph.nodes(data="kind"))
    components = sorted((len(c) for c in nx.weakly_connected_components(graph)), reverse=True)
    year_values = [y for _, y in graph.nodes(data="year") if isinstance(y, int)]

    def describe(node: Hashable, count: int) -> dict[str, Any]:
        attrs = graph.nodes[node]
        return {"id": node, "label": attrs.get("label", str(node)), "title": attrs.get("title"),
                "year": attrs.get("year"), "count": count}

    by_cited = sorted(graph.nodes, key=lambda n: (-graph.in_degree(n), str(n)))
    records = [n for n in graph if graph.nodes[n].get("kind") == "record"]
    by_citing = sorted(records, key=lambda n: (-graph.out_degree(n), str(n)))
    community = ({n: c for n, c in graph.nodes(data="community") if c is not None}
                 if all("community" in a for _, a in graph.nodes(data=True)) else
                 communities(graph, seed=seed))
    members: dict[int, list[Hashable]] = defaultdict(list)
    for node, c in community.items():
        members[int(c)].append(node)
    groups = sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return {
        "name": graph.graph.get("name"),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "kinds": dict(sorted(kinds.items(), key=lambda kv: str(kv[0]))),
        "components": {"count": len(components), "largest": components[0] if components else 0},
        "years": {"first": min(year_values), "last": max(year_values),
                  "known": len(year_values)} if year_values else None,
        "most_cited": [describe(n, graph.in_degree(n)) for n in by_cited[:top]
                       if graph.in_degree(n)],
        "most_citing_records": [describe(n, graph.out_degree(n)) for n in by_citing[:top]],
        "communities": [{"community": c, "size": len(nodes),
                         "top": [describe(n, graph.in_degree(n)) for n in
                                 sorted(nodes, key=lambda n: (-graph.in_degree(n), str(n)))[:3]]}
                        for c, nodes in groups[:top]],
    }
