"""How fast citegraph reads PubMed XML and PMC JATS, beside pubmed_parser when it is there.

The fixture files of ``../shared/fixtures/pubmed_xml`` and ``pmc_jats`` are
repeated into a temporary folder until each format has about ``--size-mb``
megabytes: one big ``PubmedArticleSet`` (plain and gzipped: pubmed_parser only
opens ``.gz``) and as many copies of the ``.nxml`` articles as it takes.  Each
reader reads them ``--runs`` times, the readers' runs interleaved; the median
run is reported as records/s and MB/s of (uncompressed) XML.  Times are the CPU
time of the reading process (``time.process_time``): on a shared machine the
wall clock also counts the time other processes held the CPU.

citegraph is measured twice:

* ``full``: what ``citegraph build`` does, every reference string read by the
  reference parser;
* ``no-ref-parse``: ``parse_references=False``, references kept as their raw
  string and identifiers, which is what pubmed_parser returns (it reads the
  citation string, it does not parse it): the like-for-like figure.

A third row, ``floor (XML only)``, runs the readers' XML plumbing with a record
reader that reads nothing: the bytes scanned, unread elements cut, lxml's parse,
each record element handed over and released.  It is what any reader built on
lxml pays before it reads a field, and its ratio to pubmed_parser is the
ceiling of what such a reader can show.

pubmed_parser is never a dependency of citegraph.  To compare, install it in a
separate virtual environment and name that interpreter::

    python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install pubmed-parser
    PUBMED_PARSER_PYTHON=/tmp/bench-venv/bin/python PYTHONPATH=. python bench/formats_xml.py

pubmed_parser runs in a subprocess on the same files: ``parse_medline_xml(gz,
author_list=True, reference_list=True)`` for PubMed XML (it skips
``PubmedBookArticle``), ``parse_pubmed_xml`` + ``parse_pubmed_references`` for
each JATS article.

CPU time on a shared virtual machine moves by 10-20% from run to run, and the
two readers do not always move together.  ``--instructions`` adds a figure
that does not move: the instructions each reader executes for one pass over the
files (no-ref-parse for citegraph), counted by valgrind's callgrind as the
difference between two passes and one, so that start-up and imports cancel.
It takes some minutes, and needs ``valgrind`` on the PATH.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from citegraph.formats import jats, open_input, pubmed_xml  # noqa: E402
from citegraph.model import Record  # noqa: E402

FIXTURES = REPO.parent / "shared" / "fixtures"

# Runs inside the pubmed_parser interpreter: argv = kind, runs, paths...
_PUBMED_PARSER_SCRIPT = r"""
import json, sys, time
import pubmed_parser as pp
kind, runs, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
times, records, references = [], 0, 0
for _ in range(runs):
    records = references = 0
    start = time.process_time()
    if kind == "pubmed":
        for path in paths:
            for article in pp.parse_medline_xml(path, author_list=True, reference_list=True):
                records += 1
                references += len(article.get("references") or ())
    else:
        for path in paths:
            article = pp.parse_pubmed_xml(path)
            refs = pp.parse_pubmed_references(path) or []
            records += 1
            references += len(refs)
    times.append(time.process_time() - start)
print(json.dumps({"times": times, "records": records, "references": references,
                  "version": getattr(pp, "__version__", "?")}))
"""


def build_inputs(folder: Path, size_mb: float) -> dict[str, list[Path]]:
    """Write the repeated fixture files; returns the files of each kind."""
    from lxml import etree

    target = int(size_mb * 1e6)
    # PubMed XML: every record of every fixture, repeated in one PubmedArticleSet
    records = []
    for path in sorted((FIXTURES / "pubmed_xml").glob("*.xml")):
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
        for element in tree.getroot():
            if element.tag in ("PubmedArticle", "PubmedBookArticle"):
                element.tail = "\n"
                records.append(etree.tostring(element, encoding="utf-8"))
    if not records:
        raise SystemExit(f"no PubMed XML fixtures under {FIXTURES}")
    plain = folder / "pubmed-big.xml"
    with open(plain, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n')
        written = 0
        while written < target:
            for record in records:
                out.write(record)
                written += len(record)
        out.write(b"</PubmedArticleSet>\n")
    packed = folder / "pubmed-big.xml.gz"
    with open(plain, "rb") as source, gzip.open(packed, "wb", compresslevel=6) as out:
        shutil.copyfileobj(source, out)
    # JATS: one article per file, as PMC ships them
    articles = sorted((FIXTURES / "pmc_jats").glob("*.nxml"))
    if not articles:
        raise SystemExit(f"no JATS fixtures under {FIXTURES}")
    (folder / "jats").mkdir()
    copies, written = [], 0
    while written < target:
        for article in articles:
            copy = folder / "jats" / f"{len(copies):05d}-{article.name}"
            shutil.copyfile(article, copy)
            copies.append(copy)
            written += copy.stat().st_size
    return {"pubmed-xml": [plain], "pubmed-xml.gz": [packed], "pmc-jats": copies}


def time_citegraph(module, paths: list[Path], runs: int, parse_references: bool) -> tuple[list[float], int, int]:
    times, records, references = [], 0, 0
    for _ in range(runs):
        records = references = 0
        start = time.process_time()
        for path in paths:
            with open_input(str(path)) as stream:
                for item in module.read(stream, str(path), parse_references=parse_references):
                    if isinstance(item, Record):
                        records += 1
                        references += len(item.references)
        times.append(time.process_time() - start)
    return times, records, references


def time_floor(module, paths: list[Path]) -> float:
    """CPU time of the XML plumbing of ``module``'s reader over ``paths``, no field read (see the module doc).

    The reader runs as it is, with its reading of one record swapped for one
    that reads nothing: the plumbing stays the reader's own.
    """
    with mock.patch.object(module, "_read_record", _read_nothing):
        start = time.process_time()
        for path in paths:
            with open_input(str(path)) as stream:
                for _ in module.read(stream, str(path), parse_references=False):
                    pass
        return time.process_time() - start


def _read_nothing(element, source, parse_strings: bool = True) -> None:
    return None


def time_pubmed_parser(python: str, kind: str, paths: list[Path], runs: int) -> dict | None:
    result = subprocess.run([python, "-c", _PUBMED_PARSER_SCRIPT, kind, str(runs), *map(str, paths)],
                            capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        print(f"pubmed_parser failed ({python}):\n{result.stderr.strip()[-2000:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


# Runs inside citegraph's interpreter under callgrind: argv = kind, runs, paths...
_CITEGRAPH_SCRIPT = r"""
import sys
from citegraph.formats import jats, open_input, pubmed_xml
kind, runs, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
module = pubmed_xml if kind == "pubmed" else jats
for _ in range(runs):
    for path in paths:
        with open_input(path) as stream:
            for _ in module.read(stream, path, parse_references=False):
                pass
"""


def instructions(python: str, script: str, kind: str, paths: list[Path]) -> int | None:
    """Instructions executed by one pass of ``script`` over ``paths``: two passes less one, under callgrind."""
    counts = []
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for runs in (1, 2):
        result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, "-c",
                                 script, kind, str(runs), *map(str, paths)],
                                capture_output=True, text=True, env=env, timeout=7200)
        m = re.search(r"Collected : (\d+)", result.stderr)
        if result.returncode != 0 or not m:
            print(f"callgrind failed ({python}):\n{result.stderr.strip()[-2000:]}", file=sys.stderr)
            return None
        counts.append(int(m.group(1)))
    return counts[1] - counts[0]


def print_instructions(inputs: dict[str, list[Path]], other: str | None) -> None:
    print("\ninstructions per pass (valgrind callgrind; two passes less one), citegraph no-ref-parse")
    for kind, label, mine, theirs in (("pubmed", "PubMed XML", inputs["pubmed-xml"], inputs["pubmed-xml.gz"]),
                                      ("jats", "PMC JATS", inputs["pmc-jats"], inputs["pmc-jats"])):
        ours = instructions(sys.executable, _CITEGRAPH_SCRIPT, kind, mine)
        line = f"  {label:<11} citegraph {ours / 1e9:6.3f} G" if ours else f"  {label:<11} citegraph failed"
        if other and ours:
            base = instructions(other, _PUBMED_PARSER_SCRIPT, kind, theirs)
            if base:
                line += f"   pubmed_parser {base / 1e9:6.3f} G   ratio {base / ours:.2f}x"
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=20.0, help="MB of XML per format (default 20)")
    parser.add_argument("--runs", type=int, default=5, help="runs; the median is reported (default 5)")
    parser.add_argument("--instructions", action="store_true",
                        help="also count each reader's instructions under callgrind (minutes; needs valgrind)")
    args = parser.parse_args(argv)
    other = os.environ.get("PUBMED_PARSER_PYTHON")

    with tempfile.TemporaryDirectory(prefix="citegraph-bench-") as tmp:
        inputs = build_inputs(Path(tmp), args.size_mb)
        xml_bytes = {"pubmed": sum(p.stat().st_size for p in inputs["pubmed-xml"]),
                     "jats": sum(p.stat().st_size for p in inputs["pmc-jats"])}
        cases = [
            ("pubmed", "PubMed XML", pubmed_xml, inputs["pubmed-xml"], inputs["pubmed-xml.gz"]),
            ("jats", "PMC JATS", jats, inputs["pmc-jats"], inputs["pmc-jats"]),
        ]
        print(f"python {sys.version.split()[0]}, median of {args.runs} runs, "
              f"{xml_bytes['pubmed'] / 1e6:.1f} MB PubMed XML in 1 file, "
              f"{xml_bytes['jats'] / 1e6:.1f} MB JATS in {len(inputs['pmc-jats'])} files")
        header = f"{'format':<11} {'reader':<34} {'records':>8} {'refs':>8} {'records/s':>10} {'MB/s':>7}"
        print(header)
        print("-" * len(header))
        for kind, label, module, plain, same_as_other in cases:
            size = xml_bytes[kind]
            variants = [("citegraph full", plain, True), ("citegraph no-ref-parse", plain, False)]
            if same_as_other != plain:  # pubmed_parser reads .gz only: the same input for both
                variants.append(("citegraph no-ref-parse, .gz", same_as_other, False))
            times: dict[str, list[float]] = {name: [] for name, _, _ in variants}
            counts: dict[str, tuple[int, int]] = {}
            floor: list[float] = []
            theirs: dict | None = None
            # runs interleaved, so that a busy machine slows every reader alike
            for _ in range(args.runs):
                for name, paths, parse_refs in variants:
                    seconds, records, references = time_citegraph(module, paths, 1, parse_refs)
                    times[name].extend(seconds)
                    counts[name] = (records, references)
                floor.append(time_floor(module, plain))
                if other:
                    run = time_pubmed_parser(other, kind, same_as_other, 1)
                    if run is None:
                        other = None
                    else:
                        theirs = theirs or {**run, "times": []}
                        theirs["times"].extend(run["times"])
            rows = [(name, *counts[name], statistics.median(times[name])) for name, _, _ in variants]
            rows.append(("floor (XML only)", *counts["citegraph no-ref-parse"], statistics.median(floor)))
            if theirs:
                rows.append((f"pubmed_parser {theirs['version']}", theirs["records"], theirs["references"],
                             statistics.median(theirs["times"])))
            for name, records, references, seconds in rows:
                print(f"{label:<11} {name:<34} {records:>8} {references:>8} {records / seconds:>10.0f} "
                      f"{size / 1e6 / seconds:>7.1f}")
            if theirs:
                baseline = statistics.median(theirs["times"])
                for name, _, _, seconds in rows[:-1]:
                    print(f"{'':<11} {name + ' vs pubmed_parser':<52} {baseline / seconds:>5.2f}x")
            elif kind == "pubmed":
                print(f"{'':<11} (set PUBMED_PARSER_PYTHON to compare with pubmed_parser)")
        if args.instructions:
            print_instructions(inputs, other)
    return 0


if __name__ == "__main__":
    sys.exit(main())
