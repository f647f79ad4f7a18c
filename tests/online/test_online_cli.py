"""Online use from the command line: build --online, --depth, --offline, cache info|clear.

The tests marked ``needs_wiring`` run ``citegraph.cli.main`` as a user runs
it; they are skipped (saying so) until ``citegraph/cli.py`` adds the online
options.  The others call the functions ``citegraph/cli.py`` calls.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from fake_services import FakeServices

from citegraph import cli as citegraph_cli
from citegraph.formats import read_records
from citegraph.model import Record
from citegraph.online.cli import (_Bar, add_cache_command, apply_online,
                                  online_requested, online_usage_problem)

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt"


def _wired() -> bool:
    build = citegraph_cli.make_parser()._subparsers._group_actions[0].choices["build"]
    return any("--online" in action.option_strings for action in build._actions)


needs_wiring = pytest.mark.skipif(not _wired(), reason="citegraph/cli.py does not offer --online yet")


def online_args(*argv: str) -> argparse.Namespace:
    """The options of ``citegraph build`` as the command line parses them."""
    from citegraph.cli import make_parser

    return make_parser().parse_args(["build", "input.txt", *argv])


@pytest.fixture
def env(monkeypatch, server):
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    return server


@pytest.fixture(scope="module")
def seed() -> list[Record]:
    return [r for r in read_records([str(SEED)]) if isinstance(r, Record)]


# -- the functions citegraph/cli.py calls ---------------------------------------------------

def test_options_and_their_defaults():
    args = online_args()
    assert (args.online, args.offline, args.depth, args.direction, args.max_nodes, args.cache_dir) == \
        (False, False, 0, "refs", None, "cache")  # growth stops at 1000 works unless --max-nodes says
    assert not online_requested(args) and online_usage_problem(args) is None
    args = online_args("--online", "--depth", "2", "--direction", "both", "--max-nodes", "2000",
                       "--cache-dir", "elsewhere")
    assert online_requested(args) and (args.depth, args.direction, args.max_nodes) == (2, "both", 2000)
    assert online_requested(online_args("--offline"))
    assert "--depth needs --online" in online_usage_problem(online_args("--depth", "1"))
    with pytest.raises(SystemExit):
        online_args("--depth", "-1")


def test_apply_online_returns_records_and_summary_lines(env, seed, tmp_path, capsys):
    args = online_args("--online", "--cache-dir", str(tmp_path / "cache"))
    records, lines = apply_online(seed, args)
    assert all(r.pmid and r.doi for r in records[0].references)
    assert lines == [
        "online    filled 6 PMIDs, 5 DOIs, 2 PMCIDs; completed 1 description",
        "requests  NCBI E-utilities 2, Crossref 1, OpenAlex 1 (0 answered by the cache)",
    ]
    assert capsys.readouterr().err == ""
    _, lines = apply_online(seed, args)
    assert lines[-1] == "requests  NCBI E-utilities 0, Crossref 0, OpenAlex 0 (4 answered by the cache)"
    assert env.count() == 4


def test_apply_online_grows_and_says_so(env, seed, tmp_path):
    args = online_args("--online", "--depth", "2", "--max-nodes", "14", "--cache-dir", str(tmp_path))
    records, lines = apply_online(seed, args)
    assert lines[1] == ("grown     2 rounds of refs: +8 works from 11 works looked up "
                        "(stopped at --max-nodes 14)")
    assert any(r.source.format == "online" for r in records)


def test_apply_online_offline_with_an_empty_cache(env, seed, tmp_path):
    args = online_args("--offline", "--cache-dir", str(tmp_path))
    records, lines = apply_online(seed, args)
    assert records[0] is seed[0] and env.count() == 0
    assert lines[0] == "online    filled no identifiers"
    assert lines[-1].endswith("(0 answered by the cache, 7 not in it)")


def test_an_unreachable_service_is_named_once_on_stderr(monkeypatch, env, seed, tmp_path, capsys):
    dead = FakeServices().start()
    monkeypatch.setenv("CITEGRAPH_CROSSREF_URL", dead.env()["CITEGRAPH_CROSSREF_URL"])
    dead.stop()
    records, _ = apply_online(seed, online_args("--online", "--cache-dir", str(tmp_path)))
    err = capsys.readouterr().err.splitlines()
    assert err == [f"citegraph: Crossref is unavailable (connection refused at "
                   f"{dead.env()['CITEGRAPH_CROSSREF_URL']}); the graph is built from what is known"]
    assert records[0].references[1].doi == "10.5555/citegraph.asj.2020.0379"  # from PubMed
    assert records[0].references[0].doi is None  # only Crossref could find this one


def test_an_unusable_cache_folder_is_one_clear_error(env, seed, tmp_path):
    from citegraph.errors import CitegraphError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CitegraphError, match="cannot keep the HTTP cache in"):
        apply_online(seed, online_args("--online", "--cache-dir", str(blocker / "cache")))


class Recorder:
    def __init__(self):
        self.lines = []
        self.finished = False

    def update(self, message, force=False):
        self.lines.append(message)

    def done(self):
        self.finished = True


def test_the_progress_bar(env, seed, tmp_path):
    progress = Recorder()
    apply_online(seed, online_args("--online", "--depth", "1", "--cache-dir", str(tmp_path)), progress)
    assert "online: matching 5 citations at NCBI" in progress.lines
    bars = [line for line in progress.lines if line.startswith("growing:")]
    assert bars[-1] == "growing: round 1/1 [" + "." * 24 + "] 12/1000 works, done"
    assert progress.finished
    bar = Recorder()
    from citegraph.online.growth import GrowthStatus

    _Bar(bar).growth(GrowthStatus(2, 2, 1500, 2000, "fetching"))
    assert bar.lines == ["growing: round 2/2 [" + "#" * 18 + "." * 6 + "] 1500/2000 works, fetching"]


def test_cache_commands(env, seed, tmp_path, capsys):
    apply_online(seed, online_args("--online", "--cache-dir", str(tmp_path)))
    parser = argparse.ArgumentParser()
    add_cache_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["cache", "info", "--cache-dir", str(tmp_path)])
    assert args.func(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"cache     {tmp_path / 'http.sqlite'} (")
    assert out[1] == "answers   4 (0 expired)"
    assert out[2:] == ["  crossref         1", "  eutils           2", "  openalex         1"]
    args = parser.parse_args(["cache", "info", "--json", "--cache-dir", str(tmp_path)])
    args.func(args)
    assert '"responses": 4' in capsys.readouterr().out
    args = parser.parse_args(["cache", "clear", "--cache-dir", str(tmp_path)])
    assert args.func(args) == 0
    assert capsys.readouterr().out == f"removed   4 answers from {tmp_path / 'http.sqlite'}\n"
    args = parser.parse_args(["cache", "info", "--cache-dir", str(tmp_path / "none")])
    args.func(args)
    assert "empty" in capsys.readouterr().out


# -- citegraph build, as a user runs it ---------------------------------------------------------

def build(tmp_path, capsys, *options: str):
    code = citegraph_cli.main(["build", str(SEED), "-o", str(tmp_path / "out"), "--format", "graphml",
                               "--cache-dir", str(tmp_path / "cache"), *options])
    out, err = capsys.readouterr()
    graph = nx.read_graphml(tmp_path / "out" / "pubmed-page-eur-spine-j-2025.graphml") if code == 0 else None
    return code, out, err, graph


@needs_wiring
def test_build_online_fills_every_reference_then_runs_from_the_cache(env, tmp_path, capsys):
    code, out, err, graph = build(tmp_path, capsys, "--online")
    assert code == 0 and err == ""
    assert "online    filled 6 PMIDs, 5 DOIs, 2 PMCIDs" in out
    assert "requests  NCBI E-utilities 2, Crossref 1, OpenAlex 1 (0 answered by the cache)" in out
    assert graph.number_of_nodes() == 6
    assert all(attrs.get("pmid") and attrs.get("doi") for _, attrs in graph.nodes(data=True))
    sent = env.count()
    code, out, err, again = build(tmp_path, capsys, "--online")
    assert code == 0 and env.count() == sent
    assert "requests  NCBI E-utilities 0, Crossref 0, OpenAlex 0 (4 answered by the cache)" in out
    assert nx.utils.graphs_equal(graph, again)
    code, out, err, offline = build(tmp_path, capsys, "--offline")
    assert code == 0 and env.count() == sent and nx.utils.graphs_equal(graph, offline)


@needs_wiring
def test_build_depth_2(env, tmp_path, capsys):
    code, out, err, graph = build(tmp_path, capsys, "--online", "--depth", "2")
    assert code == 0, err
    assert "grown     2 rounds of refs: +10 works from 11 works looked up" in out
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (16, 19)


@needs_wiring
def test_build_depth_without_online_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        citegraph_cli.main(["build", str(SEED), "-o", str(tmp_path), "--depth", "1"])
    assert caught.value.code == 2
    assert "--depth needs --online" in capsys.readouterr().err


@needs_wiring
def test_build_without_online_asks_nothing(env, tmp_path, capsys):
    code, out, err, graph = build(tmp_path, capsys)
    assert code == 0 and env.count() == 0
    assert not any(line.startswith(("online ", "requests ")) for line in out.splitlines())
    assert not (tmp_path / "cache").exists()


@needs_wiring
def test_build_with_ncbi_down_says_so_once_and_builds_the_graph(monkeypatch, env, tmp_path, capsys):
    dead = FakeServices().start()
    monkeypatch.setenv("CITEGRAPH_EUTILS_URL", dead.env()["CITEGRAPH_EUTILS_URL"])
    dead.stop()
    code, out, err, graph = build(tmp_path, capsys, "--online", "--depth", "1")
    assert code == 0
    assert err.count("NCBI E-utilities is unavailable (connection refused") == 1
    assert err.endswith("the graph is built from what is known\n")
    assert graph.number_of_nodes() >= 6


@needs_wiring
def test_cache_command_through_main(env, tmp_path, capsys):
    build(tmp_path, capsys, "--online")
    assert citegraph_cli.main(["cache", "info", "--cache-dir", str(tmp_path / "cache")]) == 0
    assert "answers   4 (0 expired)" in capsys.readouterr().out
    assert citegraph_cli.main(["cache", "clear", "--cache-dir", str(tmp_path / "cache")]) == 0
    assert "removed   4 answers" in capsys.readouterr().out


@needs_wiring
def test_build_online_in_a_subprocess_reaches_only_the_local_server(server, tmp_path):
    env = {**os.environ, **server.env(), "PYTHONPATH": str(REPO),
           # any request to another host would go to a proxy that is not there, and fail
           "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "ALL_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1"}
    result = subprocess.run([sys.executable, "-m", "citegraph", "build", str(SEED), "--online", "-o",
                             str(tmp_path), "--cache-dir", str(tmp_path / "cache"), "--format", "graphml"],
                            capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress: stderr is not a terminal
    assert "online    filled 6 PMIDs, 5 DOIs" in result.stdout
    assert server.counts() == {"eutils": 2, "crossref": 1, "openalex": 1}
