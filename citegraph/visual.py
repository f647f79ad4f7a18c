"""How a citation graph looks: node positions, clusters, colours and sizes.

The HTML view and the Gephi exports (GraphML, GEXF) take their visual values
from here, so that a graph opened in Gephi shows what the page shows.  Every
function is pure: it reads a ``networkx.DiGraph`` (citing → cited) and returns
plain values; nothing is cached and no module state changes.

Layouts
    :func:`layout` places nodes by a force layout (clusters of works that cite
    each other lie together) or by year (time on the x axis, as in
    CitNetExplorer).  The force layout is multilevel: each connected component
    is split into communities, each community is laid out on its own, the
    communities are placed by a layout of the graph between them, and a short
    pass of the whole component settles the result; the components are then
    packed in rows.  It uses python-igraph's C implementation of
    Fruchterman-Reingold and takes about two seconds for 20,000 nodes and
    60,000 edges.
Clusters
    :func:`communities`: networkx's Louvain method on the undirected graph,
    seeded, community 0 the largest.
Colours and sizes
    :func:`colors` by kind, community or year (``"#rrggbb"``); :func:`sizes`,
    a node's radius from its local citations.  :data:`KIND_COLORS` is the
    legend's palette.
"""

from __future__ import annotations

import contextlib
import math
import random
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import networkx as nx

if TYPE_CHECKING:
    import igraph

__all__ = [
    "KIND_COLORS", "COMMUNITY_COLORS", "OTHER_COMMUNITY_COLOR", "YEAR_COLORS",
    "UNKNOWN_YEAR_COLOR", "LayoutMode", "ColorMode",
    "layout", "communities", "colors", "sizes", "keep_most_cited", "apply_visuals",
    "local_citations", "node_year", "year_color", "community_color",
]

LayoutMode = Literal["force", "year"]
ColorMode = Literal["kind", "community", "year"]

#: Fill colour of each node kind; any other kind is drawn as ``"other"``.
KIND_COLORS: dict[str, str] = {
    "record": "#2563eb",
    "reference": "#94a3b8",
    "citing": "#f97316",
    "other": "#a855f7",
}
#: Fill colours of the largest communities, in order (community 0 first).
COMMUNITY_COLORS: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#edc948",
    "#76b7b2", "#ff9da7", "#9c755f", "#d37295", "#8cd17d", "#499894",
)
#: Fill colour of every community past those of :data:`COMMUNITY_COLORS`.
OTHER_COMMUNITY_COLOR = "#cbd5e1"
#: Colour stops from the earliest year to the latest (viridis, its palest end left out).
YEAR_COLORS: tuple[str, ...] = (
    "#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39",
)
#: Fill colour of a node whose year is unknown.
UNKNOWN_YEAR_COLOR = "#d1d5db"

# Pixels between a node and its nearest neighbour, typically, in the force
# layout: room for labels in small graphs, less in large ones (read zoomed in).
_SPACING_SMALL, _SPACING_LARGE = 110.0, 42.0
_SMALL_GRAPH, _LARGE_GRAPH = 50, 1000
# Up to this many nodes a component gets the exact (all pairs) force layout;
# its cost grows with the square of the nodes: about a second for 1,000.
_EXACT_NODES = 1000
# The year layout's grid: vertical spacing of nodes and width of a sub-column.
_ROW = 30.0
_COLUMN = 32.0
_BAND_GAP = 90.0
# Leaves set in rings around their hub: how many make a fan, the first ring's
# radius and the spacing, in units of the force layout.
_FAN_MIN = 3
_FAN_RADIUS = 1.2
_FAN_SPACING = 0.75
# The last pass of the force layout over a large component: iterations, and how
# far (in units) a node may move in the first.
_SETTLE_ITERATIONS = 100
_SETTLE_TEMPERATURE = 1.0


# Sizes, years, colours ---------------------------------------------------------------------


def local_citations(graph: nx.Graph, node: Hashable) -> int:
    """How often ``node`` is cited in the graph: its ``cited_by``, else its in-degree.

    (In an undirected graph, such as a co-citation view, its degree.)

    ``cited_by`` is set by :func:`citegraph.graph.build_graph`, and
    :func:`keep_most_cited` keeps it, so a trimmed graph still shows the
    counts of the whole one.
    """
    value = graph.nodes[node].get("cited_by")
    if isinstance(value, int) and not isinstance(value, bool):
        return max(value, 0)
    return graph.in_degree(node) if graph.is_directed() else graph.degree(node)


def node_size(cited_by: int) -> float:
    """A node's radius in pixels: 12, growing with the square root of its citations, up to 60.

    Examples
    --------
    >>> node_size(0), node_size(4), node_size(1000)
    (12.0, 22.0, 60.0)
    """
    return round(min(12 + 5 * math.sqrt(max(cited_by, 0)), 60.0), 1)


def sizes(graph: nx.DiGraph) -> dict[Hashable, float]:
    """Each node's radius in pixels, from its local citations (see :func:`node_size`).

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("c", "b")])
    >>> sizes(g)
    {'a': 12.0, 'b': 19.1, 'c': 12.0}
    """
    return {node: node_size(local_citations(graph, node)) for node in graph}


def node_year(graph: nx.DiGraph, node: Hashable) -> int | None:
    """The node's ``year`` as an int (a string of digits is read), or None.

    Examples
    --------
    >>> g = nx.DiGraph(); g.add_node("a", year="2019"); g.add_node("b", year="n.d.")
    >>> node_year(g, "a"), node_year(g, "b")
    (2019, None)
    """
    year = graph.nodes[node].get("year")
    if isinstance(year, bool):
        return None
    if isinstance(year, int):
        return year
    if isinstance(year, str) and year.strip().isdigit():
        return int(year.strip())
    return None


def _mix(start: str, end: str, share: float) -> str:
    a = [int(start[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(end[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b))


def year_color(year: int | None, first: int, last: int) -> str:
    """The colour of ``year`` on a scale from ``first`` (dark) to ``last`` (light green).

    Examples
    --------
    >>> year_color(2000, 2000, 2020), year_color(2020, 2000, 2020), year_color(None, 1, 2)
    ('#440154', '#a0da39', '#d1d5db')
    """
    if year is None:
        return UNKNOWN_YEAR_COLOR
    if last <= first:
        return YEAR_COLORS[len(YEAR_COLORS) // 2]
    share = min(max((year - first) / (last - first), 0.0), 1.0) * (len(YEAR_COLORS) - 1)
    step = min(int(share), len(YEAR_COLORS) - 2)
    return _mix(YEAR_COLORS[step], YEAR_COLORS[step + 1], share - step)


def community_color(index: int) -> str:
    """The colour of community ``index`` (0 is the largest).

    Examples
    --------
    >>> community_color(0), community_color(99)
    ('#4e79a7', '#cbd5e1')
    """
    return COMMUNITY_COLORS[index] if 0 <= index < len(COMMUNITY_COLORS) else OTHER_COMMUNITY_COLOR


def colors(graph: nx.DiGraph, by: ColorMode = "kind", *,
           communities: Mapping[Hashable, int] | None = None,
           seed: int = 1) -> dict[Hashable, str]:
    """Each node's fill colour, ``"#rrggbb"``.

    Parameters
    ----------
    graph : networkx.DiGraph
    by : {"kind", "community", "year"}
        ``kind``: :data:`KIND_COLORS` by the ``kind`` attribute;
        ``community``: :data:`COMMUNITY_COLORS` for the twelve largest
        communities, :data:`OTHER_COMMUNITY_COLOR` for the rest;
        ``year``: :func:`year_color` between the graph's first and last year.
    communities : mapping, optional
        Node → community, as :func:`communities` returns it; computed (with
        ``seed``) when needed and not given.
    seed : int
        The seed of :func:`communities`.

    Examples
    --------
    >>> g = nx.DiGraph(); g.add_node("a", kind="record", year=2001)
    >>> g.add_node("b", kind="mystery", year=2011); g.add_edge("a", "b")
    >>> colors(g)
    {'a': '#2563eb', 'b': '#a855f7'}
    >>> colors(g, "year")
    {'a': '#440154', 'b': '#a0da39'}
    """
    if by == "kind":
        return {node: KIND_COLORS.get(graph.nodes[node].get("kind"), KIND_COLORS["other"])
                for node in graph}
    if by == "community":
        if communities is None:
            communities = globals()["communities"](graph, seed=seed)
        return {node: community_color(communities.get(node, -1)) for node in graph}
    if by == "year":
        years = {node: node_year(graph, node) for node in graph}
        known = [year for year in years.values() if year is not None]
        first, last = (min(known), max(known)) if known else (0, 0)
        return {node: year_color(year, first, last) for node, year in years.items()}
    raise ValueError(f"unknown colour mode {by!r}: choose kind, community or year")


# Communities ---------------------------------------------------------------------------------


def communities(graph: nx.DiGraph, *, seed: int = 1) -> dict[Hashable, int]:
    """Each node's community: :func:`citegraph.analysis.communities`, the one definition.

    The page, the GraphML and GEXF files and ``citegraph stats`` all number
    clusters alike because they all come from there.
    """
    from .analysis import communities as louvain

    # the links without direction, weights or self-loops: clusters of who cites whom
    links = nx.Graph()
    links.add_nodes_from(graph)
    links.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    return louvain(links, seed=seed)


# Keeping the most cited ----------------------------------------------------------------------

_KIND_RANK = {"record": 0, "citing": 1, "reference": 2}


def keep_most_cited(graph: nx.DiGraph, n: int) -> nx.DiGraph:
    """The subgraph of the ``n`` most cited nodes, for views that cannot show them all.

    Nodes are ranked by :func:`local_citations`; ties go to records, then
    citing works, then references, then to the earlier node in the graph.
    Every node keeps its attributes (``cited_by`` still counts the whole
    graph's citations), and the new graph's ``full_node_count`` and
    ``full_edge_count`` say how large the graph was, so that a view can say
    what it leaves out.  A graph of at most ``n`` nodes comes back as a copy,
    without those two attributes.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "c"), ("b", "c"), ("a", "d"), ("b", "a")])
    >>> kept = keep_most_cited(g, 2)
    >>> list(kept), kept.graph["full_node_count"], kept.graph["full_edge_count"]
    (['a', 'c'], 4, 4)
    """
    if n < 0:
        raise ValueError("n must be zero or more")
    if graph.number_of_nodes() <= n:
        return graph.copy()
    order = {node: index for index, node in enumerate(graph)}
    ranked = sorted(graph, key=lambda node: (
        -local_citations(graph, node),
        _KIND_RANK.get(graph.nodes[node].get("kind"), 3), order[node]))
    keep = set(ranked[:n])
    kept = graph.__class__()
    kept.graph.update(graph.graph)
    kept.add_nodes_from((node, dict(attrs)) for node, attrs in graph.nodes(data=True)
                        if node in keep)
    kept.add_edges_from((u, v, dict(attrs)) for u, v, attrs in graph.edges(data=True)
                        if u in keep and v in keep)
    kept.graph["full_node_count"] = graph.number_of_nodes()
    kept.graph["full_edge_count"] = graph.number_of_edges()
    return kept


# Layouts -------------------------------------------------------------------------------------


def layout(graph: nx.DiGraph, mode: LayoutMode = "force", *, seed: int = 1,
           communities: Mapping[Hashable, int] | None = None,
           force: Mapping[Hashable, Sequence[float]] | None = None,
           ) -> dict[Hashable, tuple[float, float]]:
    """Each node's position, in pixels at zoom 1 (y grows downwards, as on a screen).

    Parameters
    ----------
    graph : networkx.DiGraph
    mode : {"force", "year"}
        ``force``: a multilevel force layout (see the module's notes); nodes
        that cite each other lie close, components are packed in rows, the
        largest first.  ``year``: x from the node's year, one band per year
        with the unknown years in a band of their own at the left; within a
        band, nodes keep the vertical order of the force layout (community by
        community, when ``communities`` is given), so a cluster stays at one
        height across the years, and spread into sub-columns where a year has
        many works.
    seed : int
        The same graph and seed give the same layout.
    communities : mapping, optional
        Node → community (as :func:`communities` returns it): the force layout
        lays the graph out community by community (by default python-igraph's
        Louvain method finds them), the year layout keeps each community at
        one height.
    force : mapping, optional
        For ``mode="year"``: a force layout already computed, whose vertical
        order the year layout keeps; computed when not given.

    Returns
    -------
    dict
        Node → ``(x, y)``, in the graph's node order.

    Examples
    --------
    >>> g = nx.DiGraph(); g.add_node("a", year=2001); g.add_node("b", year=2003)
    >>> g.add_node("c"); g.add_edges_from([("b", "a"), ("c", "a")])
    >>> pos = layout(g, "year")
    >>> pos["a"][0] < pos["b"][0], pos["c"][0] < pos["a"][0]
    (True, True)
    >>> layout(g) == layout(g)
    True
    """
    if mode == "force":
        return _force_layout(graph, seed=seed, communities=communities)
    if mode == "year":
        if force is None:
            force = _force_layout(graph, seed=seed, communities=communities)
        return _year_layout(graph, force, communities)
    raise ValueError(f"unknown layout mode {mode!r}: choose force or year")


@contextlib.contextmanager
def _igraph_random(seed: int) -> Iterator[None]:
    """Give igraph's C code a generator of its own for the duration, then its default back.

    python-igraph draws its random numbers from Python's ``random`` module
    unless told otherwise; this makes its layouts and community detection
    repeatable without seeding (and so changing) that module's generator.
    """
    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


def _force_layout(graph: nx.DiGraph, *, seed: int,
                  communities: Mapping[Hashable, int] | None
                  ) -> dict[Hashable, tuple[float, float]]:
    try:
        import igraph
    except ImportError as error:  # a dependency of citegraph: say which
        raise ImportError("citegraph's force layout needs python-igraph "
                          "(pip install igraph)") from error

    nodes = list(graph)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {(min(index[u], index[v]), max(index[u], index[v]))
             for u, v in graph.edges() if u != v}
    edges = sorted(pairs)
    whole = igraph.Graph(n=len(nodes), edges=edges, directed=False)
    membership = None if communities is None else [communities.get(node, -1) for node in nodes]
    rng = random.Random(seed)
    placed: list[tuple[list[int], list[tuple[float, float]]]] = []
    with _igraph_random(seed):
        components = list(whole.connected_components())
        # Each component's own graph, from one pass over the edges (asking
        # igraph for thousands of induced subgraphs costs a pass each).
        component_of = [0] * len(nodes)
        local = [0] * len(nodes)
        for c, members in enumerate(components):
            for j, vertex in enumerate(members):
                component_of[vertex], local[vertex] = c, j
        component_edges: list[list[tuple[int, int]]] = [[] for _ in components]
        for u, v in edges:
            component_edges[component_of[u]].append((local[u], local[v]))
        for members, own in zip(components, component_edges):
            part = igraph.Graph(n=len(members), edges=own) if len(members) > 1 else None
            groups = None if membership is None else [membership[i] for i in members]
            placed.append((members, _component_layout(part, len(members), groups, rng)))
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * len(nodes)
    unit = _spacing(len(nodes))
    for members, coords in _pack(placed):
        for i, (x, y) in zip(members, coords):
            positions[i] = (round(x * unit, 1), round(y * unit, 1))
    return {node: positions[i] for i, node in enumerate(nodes)}


def _spacing(count: int) -> float:
    """Pixels per unit of the force layout for a graph of ``count`` nodes.

    Examples
    --------
    >>> _spacing(10), _spacing(20_000)
    (110.0, 42.0)
    """
    share = (math.log(_LARGE_GRAPH) - math.log(max(count, 1))) / (
        math.log(_LARGE_GRAPH) - math.log(_SMALL_GRAPH))
    return round(_SPACING_LARGE + (_SPACING_SMALL - _SPACING_LARGE) * min(max(share, 0.0), 1.0), 1)


def _component_layout(part: igraph.Graph | None, size: int, groups: list[int] | None,
                      rng: random.Random) -> list[tuple[float, float]]:
    """One connected component, centred on 0, nodes about one unit apart."""
    if size == 1:
        return [(0.0, 0.0)]
    assert part is not None
    if size == 2:
        return [(-0.5, 0.0), (0.5, 0.0)]
    if size <= _EXACT_NODES:
        return _fruchterman_reingold(part, rng, niter=500 if size > 12 else 150)
    if groups is None or len(set(groups)) < 2:
        groups = part.community_multilevel().membership
    return _multilevel(part, groups, rng)


def _random_start(count: int, rng: random.Random, radius: float) -> list[list[float]]:
    return [[rng.uniform(-radius, radius), rng.uniform(-radius, radius)] for _ in range(count)]


def _fruchterman_reingold(part: igraph.Graph, rng: random.Random, *,
                          niter: int = 500) -> list[tuple[float, float]]:
    """A force layout of a connected graph, spaced by :func:`_spaced`."""
    count = part.vcount()
    start = _random_start(count, rng, math.sqrt(count))
    if count > 300:  # fewer iterations where each costs more
        niter = min(niter, 200)
    coords = part.layout_fruchterman_reingold(
        seed=start, niter=niter, grid=count > _EXACT_NODES).coords
    return _spaced([(x, y) for x, y in coords], count)


def _spaced(coords: list[tuple[float, float]], count: int) -> list[tuple[float, float]]:
    """``coords`` scaled so that the median distance from one of the first ``count``
    points to its nearest neighbour among them is one unit.

    A force layout of a dense graph packs its nodes much closer than its edges
    are long; spacing by the nearest neighbour keeps most nodes from covering
    each other when drawn.
    """
    points = coords[:count]
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    nearest = []
    if len(points) < 2:
        pass
    elif len(points) <= 64:  # few: every pair
        for i, (x, y) in enumerate(points):
            nearest.append(min(math.hypot(px - x, py - y)
                               for j, (px, py) in enumerate(points) if j != i))
    else:  # many: a grid of cells holding about one point each, for a sample
        width, height = max(xs) - min(xs), max(ys) - min(ys)
        cell = max(math.sqrt(width * height / len(points)), max(width, height) / len(points),
                   1e-9)
        grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (x, y) in enumerate(points):
            grid[(int(x // cell), int(y // cell))].append(i)
        step = max(1, len(points) // 2000)
        for i in range(0, len(points), step):
            x, y = points[i]
            gx, gy = int(x // cell), int(y // cell)
            best = math.inf
            reach = 1
            while best == math.inf and reach <= 64:
                for cx in range(gx - reach, gx + reach + 1):
                    for cy in range(gy - reach, gy + reach + 1):
                        for j in grid.get((cx, cy), ()):
                            if j != i:
                                best = min(best, math.hypot(points[j][0] - x, points[j][1] - y))
                reach *= 2
            if best < math.inf:
                nearest.append(best)
    median = statistics.median(nearest) if nearest else 1.0
    scale = 1.0 / median if median > 1e-9 else 1.0
    cx, cy = statistics.fmean(xs), statistics.fmean(ys)
    return [((x - cx) * scale, (y - cy) * scale) for x, y in coords]


def _radius(coords: Sequence[tuple[float, float]]) -> float:
    """How far from its centre a laid-out group reaches (most of it: the 90th percentile)."""
    if len(coords) < 2:
        return 0.5
    cx = statistics.fmean(x for x, _ in coords)
    cy = statistics.fmean(y for _, y in coords)
    distances = sorted(math.hypot(x - cx, y - cy) for x, y in coords)
    return max(distances[int(0.9 * (len(distances) - 1))], 0.5)


def _multilevel(part: igraph.Graph, groups: list[int], rng: random.Random
                ) -> list[tuple[float, float]]:
    """A large connected component: fans for the leaves, communities for the rest.

    Citation graphs are full of works cited once: a reference hangs from the
    one record that cites it.  Such leaves are set aside ("fans"): each hub
    with at least :data:`_FAN_MIN` of them gets, in their stead, about the
    square root of their number of stand-ins, which reserve room around it.
    The rest (the core) starts with each community in a disc of its own,
    placed by a force layout of the graph between communities, and a cool
    pass of the grid Fruchterman-Reingold over the core pulls linked works
    together and pushes crowds apart.  Then the leaves are set in rings
    around their hub, starting on the side where its stand-ins went.
    """
    count = part.vcount()
    degree = part.degree()
    neighbours = part.get_adjlist()
    fans: dict[int, list[int]] = defaultdict(list)
    for vertex in range(count):
        if degree[vertex] == 1 and degree[neighbours[vertex][0]] > 1:
            fans[neighbours[vertex][0]].append(vertex)
    fans = {hub: leaves for hub, leaves in fans.items() if len(leaves) >= _FAN_MIN}
    in_fan = {leaf for leaves in fans.values() for leaf in leaves}
    core = [vertex for vertex in range(count) if vertex not in in_fan]
    core_index = {vertex: i for i, vertex in enumerate(core)}
    edges = [(core_index[u], core_index[v]) for u, v in part.get_edgelist()
             if u in core_index and v in core_index]
    core_groups = [groups[vertex] for vertex in core]
    stand_ins: dict[int, list[int]] = {}
    next_vertex = len(core)
    for hub, leaves in fans.items():
        extra = max(1, round(math.sqrt(len(leaves))))
        stand_ins[hub] = list(range(next_vertex, next_vertex + extra))
        edges += [(core_index[hub], v) for v in stand_ins[hub]]
        core_groups += [groups[hub]] * extra
        next_vertex += extra
    import igraph

    graph = igraph.Graph(n=next_vertex, edges=edges, directed=False)
    coords = _spaced(_communities_then_whole(graph, core_groups, rng), len(core))
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * count
    for vertex, i in core_index.items():
        positions[vertex] = coords[i]
    for hub, leaves in fans.items():
        hx, hy = coords[core_index[hub]]
        sx = statistics.fmean(coords[v][0] for v in stand_ins[hub]) - hx
        sy = statistics.fmean(coords[v][1] for v in stand_ins[hub]) - hy
        for leaf, (x, y) in zip(leaves, _rings(len(leaves), math.atan2(sy, sx))):
            positions[leaf] = (hx + x, hy + y)
    return positions


def _rings(count: int, angle: float) -> list[tuple[float, float]]:
    """``count`` points in rings around 0, the first at ``angle``, about 0.7 unit apart."""
    points: list[tuple[float, float]] = []
    radius = _FAN_RADIUS
    while len(points) < count:
        capacity = max(int(2 * math.pi * radius / _FAN_SPACING), 1)
        ring = min(capacity, count - len(points))
        step = 2 * math.pi / ring
        offset = angle if len(points) == 0 else angle + step / 2
        points += [(radius * math.cos(offset + k * step), radius * math.sin(offset + k * step))
                   for k in range(ring)]
        radius += _FAN_SPACING
    return points


def _communities_then_whole(graph: igraph.Graph, groups: list[int], rng: random.Random
                            ) -> list[tuple[float, float]]:
    """Seed each community in a disc of its own, placed by the graph between them; settle."""
    count = graph.vcount()
    if count <= _EXACT_NODES:
        return _fruchterman_reingold(graph, rng)
    labels = {group: i for i, group in enumerate(dict.fromkeys(groups))}
    membership = [labels[group] for group in groups]
    if len(labels) < 2:
        membership = graph.community_multilevel().membership
    k = max(membership) + 1
    sizes = [0] * k
    for group in membership:
        sizes[group] += 1
    radii = [math.sqrt(size / math.pi) for size in sizes]
    quotient = graph.copy()
    quotient.contract_vertices(membership, combine_attrs=None)
    quotient.es["weight"] = [1] * quotient.ecount()
    quotient.simplify(combine_edges="sum", loops=True)
    coarse = quotient.layout_fruchterman_reingold(
        seed=_random_start(k, rng, math.sqrt(k)), niter=500,
        weights="weight" if quotient.ecount() else None, grid=k > _EXACT_NODES).coords
    factor = _disc_scale(coarse, radii)
    start = []
    for group in membership:
        radius = radii[group] * math.sqrt(rng.random())
        turn = rng.random() * 2 * math.pi
        start.append([coarse[group][0] * factor + radius * math.cos(turn),
                      coarse[group][1] * factor + radius * math.sin(turn)])
    coords = graph.layout_fruchterman_reingold(seed=start, niter=_SETTLE_ITERATIONS,
                                               start_temp=_SETTLE_TEMPERATURE, grid=True).coords
    return [(x, y) for x, y in coords]


def _disc_scale(centres: Sequence[Sequence[float]], radii: Sequence[float]) -> float:
    """How much to spread ``centres`` for discs of ``radii`` around them not to overlap."""
    k = len(centres)
    if k < 2:
        return 1.0
    if k > 600:  # too many pairs to check: fill about half the area instead
        spread = _radius([(x, y) for x, y in centres])
        return math.sqrt(sum(r * r for r in radii) / 0.5) / spread if spread > 1e-9 else 1.0
    factor = 0.0
    for i in range(k):
        xi, yi = centres[i]
        for j in range(i + 1, k):
            distance = math.hypot(centres[j][0] - xi, centres[j][1] - yi)
            factor = max(factor, 1.1 * (radii[i] + radii[j]) / max(distance, 1e-9))
    return factor


def _pack(placed: list[tuple[list[int], list[tuple[float, float]]]]
          ) -> list[tuple[list[int], list[tuple[float, float]]]]:
    """Place laid-out components in rows, largest first, left to right.

    The rows are about as wide as the square root of the components' total
    area times 1.6, so the whole is a landscape rectangle.
    """
    margin = 1.5
    boxes = []
    for members, coords in placed:
        xs = [x for x, _ in coords]
        ys = [y for _, y in coords]
        boxes.append((members, coords, min(xs), min(ys),
                      max(xs) - min(xs) + margin, max(ys) - min(ys) + margin))
    boxes.sort(key=lambda box: (-len(box[0]), -box[5], box[0][0]))
    area = sum(width * height for *_, width, height in boxes)
    row_width = max(max(box[4] for box in boxes), math.sqrt(area * 1.6))
    packed = []
    x = y = row_height = 0.0
    for members, coords, left, top, width, height in boxes:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        dx, dy = x - left, y - top
        packed.append((members, [(cx + dx, cy + dy) for cx, cy in coords]))
        x += width
        row_height = max(row_height, height)
    # Centre the whole on 0.
    xs = [cx for _, coords in packed for cx, _ in coords]
    ys = [cy for _, coords in packed for _, cy in coords]
    mx, my = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return [(members, [(cx - mx, cy - my) for cx, cy in coords]) for members, coords in packed]


def _principal_order(force: Mapping[Hashable, Sequence[float]], nodes: list[Hashable],
                     communities: Mapping[Hashable, int] | None = None
                     ) -> dict[Hashable, float]:
    """Each node's rank along the force layout's longest axis, from 0 to 1.

    With ``communities``, each community's nodes stay together: communities
    in the order of their mean place on the axis, nodes in theirs within.
    """
    points = [(float(force[node][0]), float(force[node][1])) if node in force else (0.0, 0.0)
              for node in nodes]
    if len(points) < 2:
        return {node: 0.5 for node in nodes}
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    syy = sum((y - my) ** 2 for _, y in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    angle = 0.5 * math.atan2(2 * sxy, sxx - syy)  # of the largest variance
    ux, uy = math.cos(angle), math.sin(angle)
    along = [(x - mx) * ux + (y - my) * uy for x, y in points]
    group = [communities.get(node, -1) if communities else 0 for node in nodes]
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    for g, value in zip(group, along):
        sums[g][0] += value
        sums[g][1] += 1
    mean = {g: total / count for g, (total, count) in sums.items()}
    order = sorted(range(len(nodes)), key=lambda i: (mean[group[i]], group[i], along[i], i))
    last = max(len(points) - 1, 1)
    return {nodes[i]: rank / last for rank, i in enumerate(order)}


def _year_layout(graph: nx.DiGraph, force: Mapping[Hashable, Sequence[float]],
                 communities: Mapping[Hashable, int] | None = None
                 ) -> dict[Hashable, tuple[float, float]]:
    nodes = list(graph)
    if not nodes:
        return {}
    rank = _principal_order(force, nodes, communities)
    bands: dict[int | None, list[Hashable]] = defaultdict(list)
    for node in nodes:
        bands[node_year(graph, node)].append(node)
    years = [year for year in bands if year is not None]
    span = (max(years) - min(years) + 1) if years else 0
    # Rows: as many as make the whole about 1.4 times as wide as it is tall
    # (the view beside the page's side panel), with no fewer than the fullest
    # year needs up to 12, so that small graphs still spread out vertically.
    fullest = max(len(members) for members in bands.values())
    band_count = span + (2 if None in bands else 0)

    def misfit(rows: int) -> float:
        band = math.ceil(fullest / rows) * _COLUMN + _BAND_GAP
        return abs(math.log(band_count * band / (rows * _ROW) / 1.4))

    rows = min(range(min(fullest, 12), fullest + 1), key=misfit) if fullest > 1 else 1
    columns = {year: max(1, math.ceil(len(members) / rows)) for year, members in bands.items()}
    band = max(columns.values()) * _COLUMN + _BAND_GAP
    # Years with few works: spread them taller than their rows need, with gaps.
    height = max(rows * _ROW, band_count * band / 1.4)
    first = min(years) if years else 0
    positions: dict[Hashable, tuple[float, float]] = {}
    for year, members in bands.items():
        centre = (year - first) * band if year is not None else -2 * band
        count = columns[year]
        members.sort(key=lambda node: rank[node])
        for column in range(count):
            stack = members[column::count]
            x = centre + (column - (count - 1) / 2) * _COLUMN
            for node, y in zip(stack, _spread([rank[node] * height for node in stack], height)):
                positions[node] = (round(x, 1), round(y - height / 2, 1))
    return {node: positions[node] for node in nodes}


def _spread(wanted: list[float], height: float) -> list[float]:
    """Sorted heights moved apart to at least one row each, kept within ``[0, height]``."""
    placed = []
    floor = 0.0
    for y in wanted:
        y = max(y, floor)
        placed.append(y)
        floor = y + _ROW
    ceiling = height
    for i in range(len(placed) - 1, -1, -1):
        placed[i] = min(placed[i], ceiling)
        ceiling = placed[i] - _ROW
    return placed


# Visual attributes for the files Gephi reads -----------------------------------------------

def apply_visuals(graph: nx.Graph, *, color_by: ColorMode = "kind", seed: int = 1) -> nx.Graph:
    """Write the view's force layout, colors and sizes into the nodes, in place.

    Each node gets ``x``, ``y`` (the force layout), ``size``, ``color``
    ("#rrggbb") and ``r``, ``g``, ``b`` (integers, as Gephi reads colors):
    the values the HTML view shows, so that GraphML and GEXF open in Gephi
    looking as the page does.  Communities already on the nodes (from
    :func:`citegraph.analysis.add_metrics`) are used, not computed again.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("a", "c")])
    >>> _ = apply_visuals(g)
    >>> sorted(g.nodes["a"]), isinstance(g.nodes["a"]["r"], int)
    (['b', 'color', 'g', 'r', 'size', 'x', 'y'], True)
    """
    if graph.number_of_nodes() == 0:
        return graph
    given = dict(graph.nodes(data="community"))
    membership = given if all(isinstance(c, int) for c in given.values()) else communities(graph, seed=seed)
    positions = layout(graph, "force", seed=seed, communities=membership)
    color_of = colors(graph, color_by, communities=membership)
    size_of = sizes(graph)
    for node, attrs in graph.nodes(data=True):
        x, y = positions[node]
        color = color_of[node]
        attrs.update(x=round(float(x), 2), y=round(float(y), 2), size=round(float(size_of[node]), 2),
                     color=color, r=int(color[1:3], 16), g=int(color[3:5], 16), b=int(color[5:7], 16))
    return graph

