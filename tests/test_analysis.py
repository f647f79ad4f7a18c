"""Views and measures on small graphs whose answers can be worked out by hand."""

from __future__ import annotations

import networkx as nx
import pytest

from citegraph import analysis


@pytest.fixture()
def graph() -> nx.DiGraph:
    """Three records (r1..r3) citing references a..d; r3 also cites r1."""
    g = nx.DiGraph(name="toy")
    for node, kind, year in [("r1", "record", 2020), ("r2", "record", 2021), ("r3", "record", 2022),
                             ("a", "reference", 2001), ("b", "reference", 2005),
                             ("c", "reference", 2010), ("ref:d", "reference", None)]:
        g.add_node(node, kind=kind, label=node, **({"year": year} if year else {}))
    g.nodes["a"]["doi"] = "10.1000/a"
    g.nodes["b"]["pmid"] = "42"
    g.add_edges_from([("r1", "a"), ("r1", "b"), ("r2", "a"), ("r2", "b"), ("r2", "c"),
                      ("r3", "a"), ("r3", "c"), ("r3", "r1"), ("r1", "ref:d")])
    return g


def test_records_only_keeps_records_and_their_citations(graph):
    view = analysis.records_only(graph)
    assert set(view) == {"r1", "r2", "r3"} and list(view.edges) == [("r3", "r1")]
    assert view.graph["name"] == "toy" and graph.number_of_nodes() == 7  # input untouched


def test_cocitation_counts_citing_works(graph):
    co = analysis.cocitation(graph, min_weight=2)
    assert sorted((min(u, v), max(u, v), w) for u, v, w in co.edges(data="weight")) == [
        ("a", "b", 2), ("a", "c", 2)]
    assert co.nodes["a"]["doi"] == "10.1000/a"  # attributes carried over
    assert not co.is_directed()


def test_coupling_counts_shared_references(graph):
    cp = analysis.coupling(graph, min_weight=2)
    assert sorted((min(u, v), max(u, v), w) for u, v, w in cp.edges(data="weight")) == [
        ("r1", "r2", 2), ("r2", "r3", 2)]
    assert sorted(analysis.coupling(graph, min_weight=1).edges) != sorted(cp.edges)


@pytest.mark.parametrize("ident, expected", [
    ("r1", "r1"), ("10.1000/A", "a"), ("https://doi.org/10.1000/a", "a"), ("42", "b"), ("pmid:42", "b")],
    ids=["node-id", "doi-upper-case", "doi-url", "pmid", "pmid-prefixed"])
def test_find_node_by_any_identifier(graph, ident, expected):
    assert analysis.find_node(graph, ident) == expected


def test_find_node_names_what_it_could_not_find(graph):
    with pytest.raises(KeyError, match="10.9999/none"):
        analysis.find_node(graph, "10.9999/none")


def test_around_follows_citations_both_ways(graph):
    assert set(analysis.around(graph, "c", 1)) == {"c", "r2", "r3"}
    assert set(analysis.around(graph, "c", 2)) == {"c", "r2", "r3", "a", "b", "r1"}


def test_filters(graph):
    assert set(analysis.min_citations(graph, 2)) == {"r1", "r2", "r3", "a", "b", "c"}
    assert set(analysis.years(graph, 2005, 2020)) == {"b", "c", "r1"}
    assert set(analysis.years(graph, None, 2004)) == {"a"}


def test_metrics(graph):
    analysis.add_metrics(graph)
    assert graph.nodes["a"]["cited_by"] == 3 and graph.nodes["r3"]["cites"] == 3
    assert abs(sum(a["pagerank"] for _, a in graph.nodes(data=True)) - 1) < 1e-6
    assert max(graph.nodes, key=lambda n: graph.nodes[n]["pagerank"]) == "a"
    # r1 cites a (cited thrice), b (cited twice), ref:d (a lone reference string): 2 of 3 tie it
    assert graph.nodes["r1"]["resolved"] == pytest.approx(2 / 3, abs=1e-4)
    assert "resolved" not in graph.nodes["a"]
    assert {a["community"] for _, a in graph.nodes(data=True)} <= set(range(7))


def test_communities_are_reproducible_and_numbered_by_size():
    g = nx.connected_caveman_graph(4, 5)
    first, second = analysis.communities(g, seed=3), analysis.communities(g, seed=3)
    assert first == second
    sizes = [list(first.values()).count(c) for c in sorted(set(first.values()))]
    assert sizes == sorted(sizes, reverse=True)


def test_pagerank_matches_networkx_on_a_random_graph():
    g = nx.gnp_random_graph(60, 0.05, seed=4, directed=True)
    ours, theirs = analysis.pagerank(g), nx.pagerank(g)
    assert max(abs(ours[n] - theirs[n]) for n in g) < 1e-5


def test_main_path_runs_from_the_oldest_through_the_best_connected(graph):
    records = analysis.records_only(graph)
    records.add_edges_from([("r2", "r1")])  # r1 <- r2, r1 <- r3
    path = analysis.main_path(records)
    assert path[0] == "r1" and len(path) == 2
    assert records.nodes[path[1]]["main_path"] is True
    assert records.edges[path[1], "r1"]["main_path"] is True


def test_main_path_survives_a_cycle():
    g = nx.DiGraph([("b", "a"), ("a", "b"), ("c", "b")])
    assert analysis.main_path(g)  # some path, no exception


def test_summary(graph):
    data = analysis.summary(graph, top=2)
    assert data["nodes"] == 7 and data["edges"] == 9
    assert data["kinds"] == {"record": 3, "reference": 4}
    assert data["components"] == {"count": 1, "largest": 7}
    assert data["years"] == {"first": 2001, "last": 2022, "known": 6}
    assert [(m["id"], m["count"]) for m in data["most_cited"]] == [("a", 3), ("b", 2)]
    assert [m["id"] for m in data["most_citing_records"]] == ["r1", "r2"]  # 3 each: ties by id
    assert sum(c["size"] for c in analysis.summary(graph, top=99)["communities"]) == 7
