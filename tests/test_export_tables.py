"""GEXF, CSV and JSON written from one graph read back with the same content."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
from lxml import etree

from citegraph.export import write_graph

HOSTILE = '<img src=x onerror=alert(1)> & "q"'


@pytest.fixture()
def graph() -> nx.DiGraph:
    g = nx.DiGraph(name="tables <test>")
    g.add_node("doi:10.1000/a", label="Li 2025", title=HOSTILE, year=2025, kind="record", cited_by=0,
               color="#2563eb", size=14.5, x=-10.0, y=3.25, et_al=True)
    g.add_node("ref:b", label="Müller 2020", year=2020, kind="reference", cited_by=1, color="#94a3b8",
               size=17.0, x=5.0, y=-1.0)
    g.add_edge("doi:10.1000/a", "ref:b", position=1, citation="Müller M (2020) ...")
    return g


def test_gexf_round_trip_with_viz(tmp_path, graph):
    [path] = write_graph(graph, "gexf", tmp_path / "g.gexf")
    back = nx.read_gexf(path)
    a = back.nodes["doi:10.1000/a"]
    assert a["label"] == "Li 2025" and a["title"] == HOSTILE and a["year"] == 2025 and a["et_al"] is True
    assert a["viz"]["color"] == {"r": 37, "g": 99, "b": 235, "a": 1.0}
    assert a["viz"]["size"] == 14.5 and a["viz"]["position"] == {"x": -10.0, "y": 3.25, "z": 0.0}
    assert "color" not in a and "x" not in a  # visual values are viz elements, not columns
    assert back.edges["doi:10.1000/a", "ref:b"]["position"] == 1


def test_gexf_declares_version_1_3_and_the_viz_namespace(tmp_path, graph):
    [path] = write_graph(graph, "gexf", tmp_path / "g.gexf")
    root = etree.parse(str(path)).getroot()
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    assert root.nsmap["viz"] == "http://gexf.net/1.3/viz"
    types = {a.get("id"): a.get("type") for a in root.iter("{http://gexf.net/1.3}attribute")}
    assert types["year"] == "long" and types["title"] == "string" and types["et_al"] == "boolean"


def test_csv_tables_for_gephi_spreadsheet_import(tmp_path, graph):
    nodes_path, edges_path = write_graph(graph, "csv", tmp_path / "g.csv")
    assert (nodes_path.name, edges_path.name) == ("g-nodes.csv", "g-edges.csv")
    nodes = list(csv.DictReader(nodes_path.open(encoding="utf-8")))
    edges = list(csv.DictReader(edges_path.open(encoding="utf-8")))
    assert [n["Id"] for n in nodes] == ["doi:10.1000/a", "ref:b"]
    assert nodes[0]["Label"] == "Li 2025" and nodes[0]["title"] == HOSTILE and nodes[1]["title"] == ""
    assert nodes[0]["et_al"] == "true" and nodes[1]["et_al"] == ""
    assert edges == [{"Source": "doi:10.1000/a", "Target": "ref:b", "Type": "Directed", "Weight": "1",
                      "position": "1", "citation": "Müller M (2020) ..."}]


def test_node_link_json(tmp_path, graph):
    [path] = write_graph(graph, "json", tmp_path / "g.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["directed"] is True and data["graph"]["name"] == "tables <test>"
    assert [n["id"] for n in data["nodes"]] == ["doi:10.1000/a", "ref:b"]
    assert data["nodes"][0]["title"] == HOSTILE
    assert data["edges"] == [{"source": "doi:10.1000/a", "target": "ref:b", "position": 1,
                              "citation": "Müller M (2020) ..."}]
    back = nx.node_link_graph(data, edges="edges")
    assert set(back.edges) == set(graph.edges)
