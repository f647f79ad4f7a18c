"""Outputs are written atomically: a run that dies mid-write leaves the previous files whole.

Two ways to die, for every export format (html, graphml, gexf, csv, json):

* in this process: the file being written fails half-way (a full disk, or
  Ctrl-C), through the writer's own code path;
* a real ``citegraph`` child process writing a large graph in a loop, killed
  with SIGKILL at the moment its temporary file exists (a write in progress):
  the file it was replacing must still parse, complete.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest

from citegraph import analysis, fsutil
from citegraph.export import EXPORTS, write_graph
from citegraph.formats import read_records
from citegraph.graph import build_graph
from citegraph.model import Record
from citegraph.resolve import resolve_records

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
INPUTS = ("xml-pubmed-cases.xml", "json-openalex-works.json", "text-ris-cited-references.ris")
FORMATS = list(EXPORTS)


def small_graph(name: str = "robust", copies: int = 1) -> nx.DiGraph:
    records = [r for r in read_records([str(DATA / n) for n in INPUTS]) if isinstance(r, Record)]
    base = build_graph(resolve_records(records), name=name)
    graph = nx.union_all([nx.relabel_nodes(base, {n: f"{n}#{i}" for n in base}) for i in range(copies)]) \
        if copies > 1 else base
    graph.graph.update(base.graph)
    analysis.add_metrics(graph)
    return graph


def written_files(folder: Path, fmt: str, stem: str) -> list[Path]:
    if fmt == "csv":
        return [folder / f"{stem}-nodes.csv", folder / f"{stem}-edges.csv"]
    return [folder / f"{stem}{EXPORTS[fmt][0]}"]


def temporary_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp"))


class _FailingFile:
    """A file that writes ``limit`` bytes (characters), then fails as ``error`` says."""

    def __init__(self, real, limit: int, error: BaseException) -> None:
        self._real = real
        self._left = limit
        self._error = error

    def write(self, data):
        if len(data) > self._left:
            self._real.write(data[:self._left])
            self._real.flush()
            raise self._error
        self._left -= len(data)
        return self._real.write(data)

    def __getattr__(self, name):
        return getattr(self._real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._real.__exit__(*exc)


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_write_that_fails_half_way_leaves_the_previous_file_whole(fmt, error, tmp_path, monkeypatch):
    graph = small_graph()
    target = tmp_path / f"robust{EXPORTS[fmt][0]}"
    first = write_graph(graph, fmt, target)
    before = {p: p.read_bytes() for p in first}
    assert all(before.values())

    bigger = small_graph(copies=3)
    real_fdopen = os.fdopen

    def failing_fdopen(fd, *args, **kwargs):
        real = real_fdopen(fd, *args, **kwargs)
        return _FailingFile(real, limit=max(1, min(len(b) for b in before.values()) // 2), error=error)

    monkeypatch.setattr(fsutil.os, "fdopen", failing_fdopen)
    with pytest.raises(type(error)):
        write_graph(bigger, fmt, target)
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in first} == before, "a previous file changed"
    assert temporary_files(tmp_path) == [], "a temporary file was left behind"


_CHILD = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[5])
from test_robust_outputs import small_graph
from citegraph.export import write_graph
fmt, path, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
graph = small_graph("killed", copies)
print(graph.number_of_nodes(), graph.number_of_edges(), flush=True)
generation = 0
while True:
    write_graph(graph, fmt, path)
    generation += 1
    print(generation, flush=True)
"""

#: copies of the small graph: each write takes a few tenths of a second (HTML lays the graph out: fewer)
COPIES = {"html": 60, "graphml": 400, "gexf": 400, "csv": 400, "json": 400}


def _complete(fmt: str, files: list[Path], nodes: int, edges: int) -> None:
    """Each file parses whole and holds the whole graph."""
    if fmt == "graphml":
        graph = nx.read_graphml(files[0])
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    elif fmt == "gexf":
        graph = nx.read_gexf(files[0])
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    elif fmt == "json":
        data = json.loads(files[0].read_text(encoding="utf-8"))
        assert (len(data["nodes"]), len(data["edges"])) == (nodes, edges)
    elif fmt == "csv":
        with open(files[0], newline="", encoding="utf-8") as fh:
            assert sum(1 for _ in csv.reader(fh)) == nodes + 1
        with open(files[1], newline="", encoding="utf-8") as fh:
            assert sum(1 for _ in csv.reader(fh)) == edges + 1
    elif fmt == "html":
        text = files[0].read_text(encoding="utf-8")
        assert text.rstrip().endswith("</html>")
        assert text.count("killed") >= 1


@pytest.fixture(scope="module")
def children(tmp_path_factory):
    """One child per format, all started at once (they wait for their first whole file in parallel)."""
    started = {}
    for fmt in FORMATS:
        folder = tmp_path_factory.mktemp(f"killed-{fmt}")
        target = folder / f"killed{EXPORTS[fmt][0]}"
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen([sys.executable, "-c", _CHILD, fmt, str(target), str(COPIES[fmt]), "x",
                                 str(Path(__file__).parent)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env)
        started[fmt] = (proc, folder)
    yield started
    for proc, _ in started.values():
        if proc.poll() is None:
            proc.kill()
        proc.wait()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_process_killed_mid_write_leaves_the_previous_file_whole(fmt, children):
    proc, folder = children[fmt]
    nodes, edges = map(int, proc.stdout.readline().split())
    assert proc.stdout.readline().strip() == "1", proc.stderr.read()  # one whole file is there
    files = written_files(folder, fmt, "killed")
    deadline = time.monotonic() + 60
    while not temporary_files(folder):  # the next write has begun
        assert time.monotonic() < deadline, "never caught a write in progress"
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.0005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    _complete(fmt, files, nodes, edges)
    # SIGKILL leaves the temporary file: hidden (citegraph reads no hidden file), never the output's name
    assert all(p.name.startswith(".killed") for p in temporary_files(folder))
