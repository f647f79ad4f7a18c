"""How fast citegraph reads a large Web of Science export, and how that compares with metaknowledge.

Reads ``ManyAuthors.isi`` (500 records, 40,321 cited references, from
``../shared/fixtures``) five times with :mod:`citegraph.formats.wos`, every
reference parsed into a ``Work``, and prints records/s and references/s of the
median run.

When ``METAKNOWLEDGE_PYTHON`` names a Python interpreter that has
``metaknowledge`` installed (kept out of citegraph's own environment, e.g.
``python3 -m venv /tmp/mk-venv && /tmp/mk-venv/bin/pip install metaknowledge``),
the same file is read there in a subprocess, ``metaknowledge.RecordCollection(path)``
plus every record's parsed citations, and the ratio is printed.

Usage::

    PYTHONPATH=. python bench/formats_text.py [PATH] [--runs 5]
    METAKNOWLEDGE_PYTHON=/tmp/mk-venv/bin/python PYTHONPATH=. python bench/formats_text.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "fixtures" / "wos_scopus" / \
    "networks-lab__metaknowledge__metaknowledge_tests_ManyAuthors.isi"

# Run by the metaknowledge interpreter: the same work, timed the same way.
_METAKNOWLEDGE_SCRIPT = """
import json, statistics, sys, time
import metaknowledge
path, runs = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(runs):
    start = time.perf_counter()
    records = references = 0
    for record in metaknowledge.RecordCollection(path):
        records += 1
        references += len(record.get("citations") or [])
    times.append(time.perf_counter() - start)
print(json.dumps({"records": records, "references": references, "seconds": statistics.median(times)}))
"""


def bench_citegraph(path: Path, runs: int) -> dict:
    """Median time of reading ``path`` with the WoS reader, every reference parsed."""
    sys.path.insert(0, str(REPO))
    from citegraph.formats import wos
    from citegraph.model import Record

    times = []
    records = references = 0
    for _ in range(runs):
        start = time.perf_counter()
        records = references = 0
        with open(path, "rb") as stream:
            for item in wos.read(stream, str(path)):
                if isinstance(item, Record):
                    records += 1
                    references += len(item.references)
        times.append(time.perf_counter() - start)
    return {"records": records, "references": references, "seconds": statistics.median(times)}


def bench_metaknowledge(python: str, path: Path, runs: int) -> dict:
    """The same measure with metaknowledge, in its own interpreter."""
    done = subprocess.run([python, "-c", _METAKNOWLEDGE_SCRIPT, str(path), str(runs)],
                          capture_output=True, text=True, check=True, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _line(name: str, result: dict) -> str:
    seconds = result["seconds"]
    return (f"{name:<14} {result['records']:>6} records {result['references']:>7} references "
            f"in {seconds:.3f} s: {result['records'] / seconds:>9,.0f} records/s "
            f"{result['references'] / seconds:>11,.0f} references/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"{args.path} is absent (the fixtures live in ../shared beside the repository)",
              file=sys.stderr)
        return 1
    ours = bench_citegraph(args.path, args.runs)
    print(f"{args.path.name}, median of {args.runs} runs")
    print(_line("citegraph", ours))
    python = os.environ.get("METAKNOWLEDGE_PYTHON")
    if not python:
        print("metaknowledge: not measured (set METAKNOWLEDGE_PYTHON to an interpreter that has it)")
        return 0
    theirs = bench_metaknowledge(python, args.path, args.runs)
    print(_line("metaknowledge", theirs))
    if theirs["references"] != ours["references"]:
        print(f"note: metaknowledge read {theirs['references']} references, citegraph {ours['references']}")
    ratio = theirs["seconds"] / ours["seconds"]
    print(f"citegraph is {ratio:.2f}x as fast as metaknowledge (target: at least 5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
