"""GraphML as Gephi reads it: keys named by attribute, one type each, text escaped."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from citegraph.export.graphml import write_graphml

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}
HOSTILE = '<img src=x onerror=alert(1)> & "quotes" </graphml>'


@pytest.fixture()
def graph():
    g = nx.DiGraph(name="test")
    g.add_node("doi:10.1000/a", label="Li 2025", title=HOSTILE, year=2025, kind="record", cited_by=0,
               authors="Müller M; Ø Åberg", et_al=True)
    g.add_node("ref:abc", label="Yahanda 2019", title="Bell\x07 and\x0b tab", year=2019, kind="reference",
               cited_by=1)
    g.add_edge("doi:10.1000/a", "ref:abc", position=1, citation="Yahanda AT (2019) ...")
    return g


def test_round_trip_through_networkx(tmp_path, graph):
    path = write_graphml(graph, tmp_path / "g.graphml")
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(graph.nodes) and set(back.edges) == set(graph.edges)
    assert back.nodes["doi:10.1000/a"]["title"] == HOSTILE  # escaped on the way out, intact on the way in
    assert back.nodes["doi:10.1000/a"]["year"] == 2025
    assert back.nodes["ref:abc"]["title"] == "Bell and tab"  # control characters XML cannot carry: dropped
    assert back.edges["doi:10.1000/a", "ref:abc"] == {"position": 1, "citation": "Yahanda AT (2019) ..."}


def test_keys_have_their_names_as_ids_and_one_type(tmp_path, graph):
    root = etree.parse(str(write_graphml(graph, tmp_path / "g.graphml"))).getroot()
    keys = root.findall("g:key", NS)
    assert keys and all(k.get("id") == k.get("attr.name") for k in keys)
    node_keys = [k.get("id") for k in keys if k.get("for") == "node"]
    assert len(node_keys) == len(set(node_keys))
    types = {k.get("id"): k.get("attr.type") for k in keys if k.get("for") == "node"}
    assert types["label"] == "string" and types["year"] in {"int", "long"} and types["et_al"] == "boolean"
    # the hostile title is text of a data element, not markup
    assert root.find(".//g:data[@key='title']", NS).text == HOSTILE
    assert not root.findall(".//img")


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path, graph, monkeypatch):
    import citegraph.export.graphml as module

    path = tmp_path / "g.graphml"
    write_graphml(graph, path)
    before = path.read_bytes()

    def dies_halfway(g):
        yield "<?xml version='1.0'?><graphml>"
        raise RuntimeError("killed mid-write")

    monkeypatch.setattr(module, "generate_graphml", dies_halfway)
    with pytest.raises(RuntimeError):
        write_graphml(graph, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["g.graphml"]  # no temporary file left behind


def test_mixed_and_odd_values_get_one_type_each(tmp_path):
    g = nx.DiGraph()
    g.add_node("a", volume=34, score=1, flag=True, tags=["x", "y"], missing=None, nan=float("nan"))
    g.add_node("b", volume="34A", score=0.5, flag=1)
    back = nx.read_graphml(write_graphml(g, tmp_path / "g.graphml"))
    assert back.nodes["a"] == {"volume": "34", "score": 1.0, "flag": "true", "tags": "x; y"}
    assert back.nodes["b"] == {"volume": "34A", "score": 0.5, "flag": "1"}


def test_an_edge_attribute_named_like_a_node_attribute_gets_its_own_key(tmp_path):
    g = nx.DiGraph(name="n")
    g.add_node("a", weight="heavy")
    g.add_edge("a", "b", weight=2)
    root = etree.parse(str(write_graphml(g, tmp_path / "g.graphml"))).getroot()
    ids = [k.get("id") for k in root.findall("g:key", NS)]
    assert len(ids) == len(set(ids))
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.nodes["a"]["weight"] == "heavy" and back.edges["a", "b"]["weight"] == 2


# -- every fixture group, built and written as a user would, read as Gephi and igraph read it --

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from _gephi import gephi_issues  # noqa: E402
from _shared import FIXTURES, REPO  # noqa: E402

FIXTURE_GROUPS = {
    "seed": [REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt"],
    "pubmed-page": [FIXTURES / "pubmed_page"],
    "pubmed-xml": [FIXTURES / "pubmed_xml"],
    "pmc-jats": [FIXTURES / "pmc_jats"],
    "crossref": [FIXTURES / "crossref_json"],
    "medline": [FIXTURES / "medline"],
    "ris-bibtex": [FIXTURES / "ris_bibtex"],
    "wos-scopus": [FIXTURES / "wos_scopus" / "networks-lab__metaknowledge__metaknowledge_tests_testFile.isi",
                   FIXTURES / "wos_scopus" / "NLeSC__litstudy__tests_resources_scopus.csv"],
}


def _written_graph(tmp_path, group):
    from citegraph.analysis import add_metrics
    from citegraph.formats import read_records
    from citegraph.graph import build_graph
    from citegraph.model import Record
    from citegraph.resolve import resolve_records

    paths = FIXTURE_GROUPS[group]
    if not all(p.exists() for p in paths):
        pytest.skip(f"{paths[0]} is absent: the fixtures live in ../shared beside the repository")
    records = [r for r in read_records([str(p) for p in paths]) if isinstance(r, Record)]
    graph = add_metrics(build_graph(resolve_records(records), name=group))
    try:
        from citegraph.visual import apply_visuals
    except ImportError:
        pass
    else:
        apply_visuals(graph)
    return graph, write_graphml(graph, tmp_path / f"{group}.graphml")


@pytest.mark.parametrize("group", list(FIXTURE_GROUPS))
def test_fixture_graphs_pass_a_gephi_style_import_check(tmp_path, group):
    graph, path = _written_graph(tmp_path, group)
    assert graph.number_of_nodes() > 0
    assert gephi_issues(path) == []


@pytest.mark.parametrize("group", ["seed", "pubmed-xml", "wos-scopus"])
def test_fixture_graphs_read_back_alike_in_networkx_and_igraph(tmp_path, group):
    igraph = pytest.importorskip("igraph", reason="igraph is a test extra (pip install igraph)")
    graph, path = _written_graph(tmp_path, group)
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(graph.nodes) and set(back.edges) == set(graph.edges)
    for node, attrs in graph.nodes(data=True):
        assert back.nodes[node] == pytest.approx({k: v for k, v in attrs.items() if v is not None}), node
    ig = igraph.Graph.Read_GraphML(str(path))
    assert ig.is_directed() and ig.vcount() == graph.number_of_nodes() and ig.ecount() == graph.number_of_edges()
    by_id = {v["id"]: v.attributes() for v in ig.vs}
    for node, attrs in graph.nodes(data=True):
        for key, value in attrs.items():
            got = by_id[node][key]
            assert got == pytest.approx(value) if isinstance(value, float) else got == value, (node, key)
