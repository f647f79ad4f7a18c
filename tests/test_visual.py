"""Tests for citegraph.visual: layouts, clusters, colours, sizes and trimming."""

from __future__ import annotations

import math
import random
import re
import time
from itertools import combinations

import networkx as nx
import pytest

from citegraph import visual

HEX = re.compile(r"^#[0-9a-f]{6}$")


def two_topics(n: int = 60, seed: int = 3) -> nx.DiGraph:
    """Two groups of records citing references of their own group, one bridge."""
    rng = random.Random(seed)
    graph = nx.DiGraph()
    for group in (0, 1):
        records = [f"rec:{group}:{i}" for i in range(n // 6)]
        refs = [f"ref:{group}:{i}" for i in range(n // 2 - n // 6)]
        for i, node in enumerate(records):
            graph.add_node(node, kind="record", year=2010 + i % 8)
        for i, node in enumerate(refs):
            graph.add_node(node, kind="reference", year=1990 + i % 20 if i % 7 else None)
        for record in records:
            for ref in rng.sample(refs, 6):
                graph.add_edge(record, ref)
    graph.add_edge("rec:0:0", "rec:1:0")
    for node, degree in graph.in_degree():
        graph.nodes[node]["cited_by"] = degree
    return graph


def structured(n_nodes: int, groups: int = 20, seed: int = 1) -> nx.DiGraph:
    """About 3n edges, mostly within ``groups`` equal groups."""
    size = n_nodes // groups
    p_in = 3 * n_nodes * 0.95 / (groups * size * (size - 1))
    p_out = 3 * n_nodes * 0.05 / (n_nodes * (n_nodes - size))
    graph = nx.random_partition_graph([size] * groups, p_in, p_out, seed=seed, directed=True)
    graph.graph.pop("partition", None)
    return graph


# Layouts ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["force", "year"])
def test_layout_gives_every_node_a_finite_position_in_graph_order(mode: str) -> None:
    graph = two_topics()
    positions = visual.layout(graph, mode)
    assert list(positions) == list(graph)
    assert all(len(p) == 2 and all(math.isfinite(v) for v in p) for p in positions.values())


@pytest.mark.parametrize("mode", ["force", "year"])
def test_layout_is_repeatable_for_a_seed(mode: str) -> None:
    graph = two_topics()
    assert visual.layout(graph, mode, seed=5) == visual.layout(graph, mode, seed=5)
    if mode == "force":
        assert visual.layout(graph, mode, seed=5) != visual.layout(graph, mode, seed=6)


def test_layout_leaves_random_generators_as_they_were() -> None:
    import igraph

    random.seed(42)
    expected = random.random()
    random.seed(42)
    visual.layout(structured(2_000))
    assert random.random() == expected
    # igraph draws from Python's random module again afterwards.
    random.seed(7)
    first = igraph.Graph.Erdos_Renyi(n=30, m=40).get_edgelist()
    random.seed(7)
    assert igraph.Graph.Erdos_Renyi(n=30, m=40).get_edgelist() == first


@pytest.mark.parametrize(("graph", "count"), [
    pytest.param(nx.DiGraph(), 0, id="empty"),
    pytest.param(nx.DiGraph([("a", "a")]), 1, id="self-loop"),
    pytest.param(nx.DiGraph([("a", "b")]), 2, id="one-edge"),
    pytest.param(nx.DiGraph([("a", "b"), ("b", "a")]), 2, id="mutual"),
    pytest.param(nx.empty_graph(50, create_using=nx.DiGraph), 50, id="isolated-nodes"),
])
def test_layout_of_degenerate_graphs(graph: nx.DiGraph, count: int) -> None:
    for mode in ("force", "year"):
        positions = visual.layout(graph, mode)
        assert len(positions) == count
        assert len(set(positions.values())) == count  # nobody on top of anybody


def test_components_are_packed_apart() -> None:
    graph = nx.disjoint_union_all([nx.path_graph(5, create_using=nx.DiGraph),
                                   nx.star_graph(30, create_using=nx.DiGraph),
                                   nx.cycle_graph(8, create_using=nx.DiGraph)])
    positions = visual.layout(graph)
    boxes = []
    for component in nx.weakly_connected_components(graph):
        xs = [positions[n][0] for n in component]
        ys = [positions[n][1] for n in component]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    for a, b in combinations(boxes, 2):
        assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1], (a, b)


def test_force_layout_keeps_nodes_apart_and_clusters_together() -> None:
    graph = two_topics(120)
    positions = visual.layout(graph)
    points = list(positions.values())
    nearest = sorted(min(math.dist(p, q) for q in points if q is not p) for p in points)
    assert nearest[len(nearest) // 2] > 20  # most nodes have room (radius 12 and up)
    centres = []
    for group in ("0", "1"):
        members = [positions[n] for n in graph if n.split(":")[1] == group]
        centres.append((sum(x for x, _ in members) / len(members),
                        sum(y for _, y in members) / len(members)))
    spread = max(math.dist(p, centres[0]) for p in points)
    assert math.dist(*centres) > 0.3 * spread


@pytest.mark.parametrize("graph", [
    pytest.param(nx.disjoint_union_all([nx.path_graph(4, create_using=nx.DiGraph)] * 3000),
                 id="3000-small-components"),
    pytest.param(nx.star_graph(5000, create_using=nx.DiGraph), id="one-record-5000-references"),
    pytest.param(nx.empty_graph(20_000, create_using=nx.DiGraph), id="20000-isolated-nodes"),
])
def test_force_layout_of_awkward_shapes_is_quick_and_overlap_free(graph: nx.DiGraph) -> None:
    started = time.process_time()
    positions = visual.layout(graph)
    assert time.process_time() - started < 5  # well under a second on a free core
    assert len(set(positions.values())) == graph.number_of_nodes()


def test_force_layout_is_fast_on_large_graphs() -> None:
    graph = structured(10_000)
    started = time.process_time()
    positions = visual.layout(graph)
    assert time.process_time() - started < 8  # about 1 s on one free core
    assert len(positions) == graph.number_of_nodes()


def test_year_layout_puts_time_on_the_x_axis() -> None:
    graph = two_topics(120)
    positions = visual.layout(graph, "year")
    by_year: dict[int | None, list[float]] = {}
    for node in graph:
        by_year.setdefault(visual.node_year(graph, node), []).append(positions[node][0])
    years = sorted(year for year in by_year if year is not None)
    for earlier, later in zip(years, years[1:]):
        assert max(by_year[earlier]) < min(by_year[later])
    assert max(by_year[None]) < min(by_year[years[0]])  # no year: a band at the left
    # Within a year's column, nodes are at least a row apart.
    columns: dict[float, list[float]] = {}
    for x, y in positions.values():
        columns.setdefault(x, []).append(y)
    for ys in columns.values():
        ys.sort()
        assert all(b - a >= 29.9 for a, b in zip(ys, ys[1:]))


def test_year_layout_keeps_the_force_layouts_vertical_order() -> None:
    graph = nx.DiGraph()
    for i in range(10):
        graph.add_node(i, year=2000 + i % 2)
    force = {i: (0.0, float(i * 100)) for i in range(10)}  # a vertical line
    positions = visual.layout(graph, "year", force=force)
    for year in (0, 1):
        members = [i for i in range(10) if i % 2 == year]
        ys = [positions[i][1] for i in members]
        assert ys == sorted(ys) or ys == sorted(ys, reverse=True)


def test_unknown_layout_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="force or year"):
        visual.layout(nx.DiGraph(), "circle")  # type: ignore[arg-type]


# Communities --------------------------------------------------------------------


def test_communities_find_the_groups_and_number_them_by_size() -> None:
    graph = nx.DiGraph()
    graph.add_edges_from(combinations(range(6), 2))  # a clique of 6
    graph.add_edges_from(combinations(range(10, 14), 2))  # a clique of 4
    graph.add_edge(5, 10)
    membership = visual.communities(graph)
    assert list(membership) == list(graph)
    assert {membership[n] for n in range(6)} == {0}
    assert {membership[n] for n in range(10, 14)} == {1}


def test_communities_are_repeatable() -> None:
    graph = two_topics(120)
    first = visual.communities(graph, seed=4)
    assert visual.communities(graph, seed=4) == first
    sizes = [list(first.values()).count(c) for c in sorted(set(first.values()))]
    assert sizes == sorted(sizes, reverse=True)


# Colours and sizes ---------------------------------------------------------------


def test_kind_colours_are_the_page_legends() -> None:
    from citegraph.export.html import _KINDS

    assert {kind.name: kind.color for kind in _KINDS} == visual.KIND_COLORS
    graph = nx.DiGraph()
    for kind in ("record", "reference", "citing", "mystery"):
        graph.add_node(kind, kind=kind)
    graph.add_node("none")
    assert visual.colors(graph) == {
        "record": "#2563eb", "reference": "#94a3b8", "citing": "#f97316",
        "mystery": "#a855f7", "none": "#a855f7"}


def test_community_colours_follow_the_communities() -> None:
    graph = nx.DiGraph()
    for c in range(14):  # 14 separate pairs: 14 communities
        graph.add_edge(f"a{c}", f"b{c}")
    membership = visual.communities(graph)
    colors = visual.colors(graph, "community", communities=membership)
    assert all(HEX.match(color) for color in colors.values())
    assert colors == {n: visual.community_color(membership[n]) for n in graph}
    assert sum(c == visual.OTHER_COMMUNITY_COLOR for c in colors.values()) == 4
    assert visual.colors(graph, "community") == colors  # computed when not given


def test_year_colours_run_from_first_to_last_year() -> None:
    graph = nx.DiGraph()
    graph.add_node("old", year=1990)
    graph.add_node("mid", year="2005")
    graph.add_node("new", year=2020)
    graph.add_node("undated")
    colors = visual.colors(graph, "year")
    assert colors["old"] == visual.YEAR_COLORS[0]
    assert colors["new"] == visual.YEAR_COLORS[-1]
    assert colors["undated"] == visual.UNKNOWN_YEAR_COLOR
    assert HEX.match(colors["mid"]) and colors["mid"] not in (colors["old"], colors["new"])


def test_unknown_colour_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="kind, community or year"):
        visual.colors(nx.DiGraph(), "size")  # type: ignore[arg-type]


def test_sizes_grow_with_local_citations() -> None:
    graph = nx.DiGraph([("a", "b"), ("c", "b")])
    graph.add_node("d", cited_by=16)  # the whole graph's count, kept by trimming
    graph.add_node("e", cited_by=True)  # not a count: the in-degree stands
    assert visual.sizes(graph) == {"a": 12.0, "b": 19.1, "c": 12.0, "d": 32.0, "e": 12.0}
    assert visual.node_size(10_000) == 60.0


# Keeping the most cited ----------------------------------------------------------


def test_keep_most_cited() -> None:
    graph = two_topics(120)
    graph.graph["name"] = "g"
    kept = visual.keep_most_cited(graph, 25)
    assert kept.number_of_nodes() == 25
    threshold = min(visual.local_citations(graph, n) for n in kept)
    assert all(visual.local_citations(graph, n) <= threshold for n in graph if n not in kept)
    assert list(kept) == [n for n in graph if n in kept]  # the graph's order
    assert kept.graph == {"name": "g", "full_node_count": 120,
                          "full_edge_count": graph.number_of_edges()}
    for node in kept:
        assert kept.nodes[node] == graph.nodes[node]
    assert set(kept.edges()) == {(u, v) for u, v in graph.edges() if u in kept and v in kept}
    assert "full_node_count" not in graph.graph  # the input is left alone


def test_keep_most_cited_breaks_ties_for_records_then_graph_order() -> None:
    graph = nx.DiGraph()
    graph.add_node("ref", kind="reference")
    graph.add_node("rec", kind="record")
    graph.add_node("other")
    graph.add_node("rec2", kind="record")
    assert list(visual.keep_most_cited(graph, 2)) == ["rec", "rec2"]


def test_keep_most_cited_of_a_small_graph_is_a_plain_copy() -> None:
    graph = nx.DiGraph([("a", "b")])
    kept = visual.keep_most_cited(graph, 5)
    assert kept is not graph and nx.utils.graphs_equal(kept, graph)
    assert "full_node_count" not in kept.graph
    assert visual.keep_most_cited(graph, 0).number_of_nodes() == 0
    with pytest.raises(ValueError):
        visual.keep_most_cited(graph, -1)
