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
4. ``network``: a ``networkx.DiGraph`` with a node per distinct reference
   string and record, and an edge per citation, no attributes.

Each step includes the ones before it; the median of ``--runs`` CPU times is
printed, with the cyclic garbage collector off, as citegraph runs.

Usage::

    PYTHONPATH=. python bench/floor_wos.py [PATH] [--runs 9]
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
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


def match(path: Path) -> list[tuple[dict, list[tuple | None]]]:
    seen: dict[str, tuple | None] = {}
    out = []
    for record in group(path):
        cited = []
        for text in record.get("CR", ()):
            fields = seen.get(text)
            if fields is None and text not in seen:
                m = _CR.match(text)
                fields = seen[text] = m.groups() if m else None
            cited.append(fields)
        out.append((record, record.get("CR", [])))
    return out


def network(path: Path):
    import networkx as nx
    graph = nx.DiGraph()
    for record, cited in match(path):
        citing = (record.get("UT") or ["?"])[0]
        graph.add_node(citing)
        graph.add_edges_from((citing, text) for text in cited)
    return graph


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
    gc.disable()
    print(f"{args.path.name}: pure-Python floor, median CPU of {args.runs} runs, each step"
          " including those before it")
    for step in (split, group, match, network):
        times = []
        for _ in range(args.runs):
            start = time.process_time()
            step(args.path)
            times.append(time.process_time() - start)
        print(f"  {step.__name__:<8} {statistics.median(times) * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
