"""How fast pure Python can go on a Web of Science export: a floor, not a reader.

``bench/formats_text.py`` and ``bench/resolve.py`` compare citegraph with
metaknowledge on ``ManyAuthors.isi`` (500 records, 40,321 cited references).
This script times the least that any pure-Python reader and network builder
must do on that file, and nothing more, so that targets can be judged against
what the language allows:

1. ``split``: read the bytes, decode, split into lines;
2. ``group``: walk the lines once, gathering each record's tags and lines;
3. ``match``: one regular expression per distinct cited reference, its groups
   kept as a tuple (no authors, no DOI checks, no objects);
4. ``model``: ``match``, then its groups made into citegraph's data model, which
   every reader hands on: one ``Work`` per distinct reference (its first
   author an ``Author`` with no parsing of the name) and one ``Record`` per
   record, its ``UT`` as the work's only field;
5. ``network``: a ``networkx.DiGraph`` with a node per distinct reference
   string and record, and an edge per citation, no attributes (from ``match``,
   without ``model``);
6. ``model_network``: the same graph from ``model``'s records, each node
   keyed by its work's ``raw`` string: the least that reading into citegraph's
   model and building a graph costs, with nothing resolved.

Each step includes the one before it, except that ``network`` builds on
``match`` and ``model_network`` on ``model``.  The median of ``--runs`` CPU
times is printed, with the cyclic garbage collector off, as citegraph runs.

When ``METAKNOWLEDGE_PYTHON`` names an interpreter that has metaknowledge (see
``bench/formats_text.py``), the same file is also timed there, by CPU time, in
a subprocess: its reader (``RecordCollection`` and every record's citations,
as ``formats_text.py`` times it) and its file-to-network
(``RecordCollection(path).networkCitation()``, as ``bench/resolve.py`` times
it).  Each floor step is then printed with the ratio to metaknowledge that a
program doing only that step would reach: the ceiling of what any pure-Python
reader or network builder can show against those targets (5x and 3x).

Usage::

    PYTHONPATH=. python bench/floor_wos.py [PATH] [--runs 9]
    METAKNOWLEDGE_PYTHON=/tmp/mk-venv/bin/python PYTHONPATH=. python bench/floor_wos.py
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "fixtures" / "wos_scopus" / \
    "networks-lab__metaknowledge__metaknowledge_tests_ManyAuthors.isi"

# author, year, source, volume, page, DOI: the common shape of a CR line, nothing checked
_CR = re.compile(r"([^,]*), (\d{4}), ([^,]*)(?:, V(\w+))?(?:, P(\w+))?(?:, DOI (.*))?")


def split(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8-sig").splitlines()


def group(path: Path) -> list[dict[str, list[str]]]:
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] = {}
    tag = None
    for line in split(path):
        head = line[:2]
        if head == "ER":
            records.append(current)
            current, tag = {}, None
        elif head != "  ":
            tag = head
            current.setdefault(tag, []).append(line[3:])
        elif tag:
            current[tag].append(line[3:])
    return records


def match(path: Path) -> tuple[list[tuple[dict, list[str]]], dict[str, tuple | None]]:
    """Each record with its cited references, and the groups of each distinct reference (``None``: no match)."""
    seen: dict[str, tuple | None] = {}
    out = []
    for record in group(path):
        cited = record.get("CR", [])
        for text in cited:
            if text not in seen:
                m = _CR.match(text)
                seen[text] = m.groups() if m else None
        out.append((record, cited))
    return out, seen


def model(path: Path):
    from citegraph.model import Author, Record, Source, Work

    records, seen = match(path)
    works = {text: _work(text, groups, Work, Author) for text, groups in seen.items()}
    return [Record(Work(raw=(record.get("UT") or [None])[0]), Source(str(path), "wos", number),
                   tuple(works[text] for text in cited))
            for number, (record, cited) in enumerate(records, 1)]


def _work(text: str, groups: tuple | None, work_type, author_type):
    if groups is None:
        return work_type(raw=text)
    author, year, source, volume, page, doi = groups
    return work_type(raw=text, authors=(author_type(author, author, None),) if author else (), year=int(year),
                     journal=source, volume=volume, pages=page, doi=doi)


def network(path: Path):
    import networkx as nx
    graph = nx.DiGraph()
    for record, cited in match(path)[0]:
        citing = (record.get("UT") or ["?"])[0]
        graph.add_node(citing)
        graph.add_edges_from((citing, text) for text in cited)
    return graph


def model_network(path: Path):
    import networkx as nx
    graph = nx.DiGraph()
    for record in model(path):  # keyed by text: a Work's own hash reads all 22 fields, every time
        citing = record.work.raw or f"record {record.source.index}"  # a record with no UT
        graph.add_node(citing)
        graph.add_edges_from((citing, work.raw) for work in record.references)
    return graph


# Run by the metaknowledge interpreter: argv = path, runs; CPU times, as the floor is timed.
_METAKNOWLEDGE_SCRIPT = r"""
import json, statistics, sys, time
import metaknowledge
path, runs = sys.argv[1], int(sys.argv[2])
read, network = [], []
for _ in range(runs):
    start = time.process_time()
    for record in metaknowledge.RecordCollection(path):
        record.get("citations")
    read.append(time.process_time() - start)
    start = time.process_time()
    metaknowledge.RecordCollection(path).networkCitation()
    network.append(time.process_time() - start)
print(json.dumps({"read": statistics.median(read), "network": statistics.median(network)}))
"""


def metaknowledge_times(python: str, path: Path, runs: int) -> dict | None:
    """metaknowledge's median CPU seconds, ``{"read": ..., "network": ...}``; ``None`` when it fails."""
    done = subprocess.run([python, "-c", _METAKNOWLEDGE_SCRIPT, str(path), str(runs)],
                          check=False, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        print(f"metaknowledge failed ({python}): {done.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


#: What each step is a floor of, and the target it is held against: (metaknowledge's time, target ratio).
_TARGETS = {"split": ("read", 5), "group": ("read", 5), "match": ("read", 5), "model": ("read", 5),
            "network": ("network", 3), "model_network": ("network", 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"{args.path} is absent (the fixtures live in ../shared beside the repository)",
              file=sys.stderr)
        return 1
    import networkx  # noqa: F401  (imported before timing, as the other benches do)

    sys.path.insert(0, str(REPO))
    import citegraph.model  # noqa: F401
    other = os.environ.get("METAKNOWLEDGE_PYTHON")
    theirs = metaknowledge_times(other, args.path, args.runs) if other else None
    gc.disable()
    print(f"{args.path.name}: pure-Python floor, median CPU of {args.runs} runs, each step"
          " including the one before it (network: match; model_network: model)")
    for step in (split, group, match, model, network, model_network):
        times = []
        for _ in range(args.runs):
            start = time.process_time()
            step(args.path)
            times.append(time.process_time() - start)
        seconds = statistics.median(times)
        line = f"  {step.__name__:<13} {seconds * 1000:8.1f} ms"
        if theirs:
            kind, target = _TARGETS[step.__name__]
            line += (f"   metaknowledge's {kind} over this floor: {theirs[kind] / seconds:5.2f}x"
                     f" (target {target}x)")
        print(line)
    if theirs:
        print(f"metaknowledge, median CPU of {args.runs} runs: read with citations "
              f"{theirs['read'] * 1000:.1f} ms, file to citation network {theirs['network'] * 1000:.1f} ms")
    elif not other:
        print("(set METAKNOWLEDGE_PYTHON to time metaknowledge beside the floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
