"""The seed record through read → resolve → build: the graph the user gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from citegraph.formats import read_records
from citegraph.graph import NODE_ATTRIBUTES, build_graph
from citegraph.model import Record
from citegraph.resolve import resolve_records

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).resolve().parents[1] / "examples" / "pubmed-page-eur-spine-j-2025.txt"
SEED_DOI = "doi:10.1007/s00586-025-09078-3"


def graph_of(*paths: Path):
    records = [r for r in read_records([str(p) for p in paths]) if isinstance(r, Record)]
    return build_graph(resolve_records(records), name="test")


@pytest.fixture(scope="module")
def seed_graph():
    return graph_of(SEED)


def test_seed_graph_has_six_nodes_and_five_edges_from_the_article(seed_graph):
    assert seed_graph.number_of_nodes() == 6
    assert seed_graph.number_of_edges() == 5
    assert sorted(v for _, v in seed_graph.out_edges(SEED_DOI)) == sorted(
        n for n in seed_graph if n != SEED_DOI)
    assert [seed_graph.edges[SEED_DOI, v]["position"] for _, v in seed_graph.out_edges(SEED_DOI)] == [1, 2, 3, 4, 5]


def test_seed_record_node_attributes(seed_graph):
    attrs = seed_graph.nodes[SEED_DOI]
    assert attrs == {
        "label": "Li 2025",
        "title": "Thoracic spine metastases from lung cancer with incomplete paralysis treated by "
                 "endoscopic spinal surgery: a case report",
        "authors": "Ningdao Li", "et_al": True, "year": 2025, "journal": "Eur Spine J",
        "volume": "34", "issue": "8", "pages": "3549-3556",
        "doi": "10.1007/s00586-025-09078-3", "kind": "record", "cited_by": 0,
        "sources": str(SEED),
    }


def test_seed_reference_nodes(seed_graph):
    refs = [seed_graph.nodes[v] for _, v in seed_graph.out_edges(SEED_DOI)]
    assert [r["label"] for r in refs] == ["Yahanda 2019", "Chang 2020", "Müller 2020", "Schoenfeld 2016", "Choi 2015"]
    assert {r["kind"] for r in refs} == {"reference"} and {r["cited_by"] for r in refs} == {1}
    assert refs[1]["authors"] == "Chang SY; Mok S; Park SC" and refs[1]["et_al"] is True
    assert "et_al" not in refs[0]  # Yahanda's list of three is complete
    assert [r.get("pages") for r in refs] == [None, "513", "e498-e502", "E503-E509", "698-708"]
    citation = seed_graph.edges[SEED_DOI, next(iter(seed_graph.successors(SEED_DOI)))]["citation"]
    assert citation.startswith("Yahanda AT, Buchowski JM, Wegner AM (2019) Treatment")


def test_unknown_values_are_left_out_never_empty(seed_graph):
    for _, attrs in seed_graph.nodes(data=True):
        for key, value in attrs.items():
            assert key in NODE_ATTRIBUTES
            assert value not in (None, "", "None", "nan")
            assert isinstance(value, NODE_ATTRIBUTES[key]), key


def test_the_same_work_read_in_two_files_is_one_node():
    """The seed is a record in one file and a reference in the other; Chang 2020 is cited by both."""
    graph = graph_of(SEED, DATA / "citing-seed-page.txt")
    assert graph.number_of_nodes() == 8  # 6 from the seed + the citing record + Patchell 2005
    assert graph.nodes[SEED_DOI]["kind"] == "record"
    assert graph.nodes[SEED_DOI]["cited_by"] == 1
    assert graph.has_edge("doi:10.9999/citegraph.test.2026.001", SEED_DOI)
    chang = [n for n, a in graph.nodes(data=True) if a["label"] == "Chang 2020"]
    assert len(chang) == 1 and graph.nodes[chang[0]]["cited_by"] == 2


def test_repeated_labels_get_letters():
    from citegraph.model import Author, Source, Work
    a = Work(title="Spinal cord compression in metastatic cancer", authors=(Author("Li N", "Li", "N"),), year=2025)
    b = a.replace(title="Lung cancer bone metastases: a cohort of survivors")
    graph = build_graph(resolve_records([Record(a, Source("x", "t")), Record(b, Source("y", "t"))]))
    assert sorted(nx for _, nx in graph.nodes(data="label")) == ["Li 2025a", "Li 2025b"]


def test_capitalised_family_names_are_labelled_in_title_case():
    """Web of Science cites "HOROWITZ P, 1971, ...": the label reads "Horowitz 1971"; short names stay."""
    from citegraph.model import Author, Source, Work
    cited = (Work(title="Amplification in electronics", authors=(Author("HOROWITZ P", "HOROWITZ", "P"),), year=1971),
             Work(title="Bone metastases: a cohort", authors=(Author("LI N", "LI", "N"),), year=2020))
    record = Record(Work(title="A review", authors=(Author("Li N", "Li", "N"),), year=2025), Source("x", "t"),
                    references=cited)
    graph = build_graph(resolve_records([record]))
    assert sorted(label for _, label in graph.nodes(data="label")) == ["Horowitz 1971", "LI 2020", "Li 2025"]
