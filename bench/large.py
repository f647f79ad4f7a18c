"""A 1 GB PubMed XML file read in bounded memory: peak memory and time of the reader.

The ``PubmedArticle`` and ``PubmedBookArticle`` records of the fixture files
(``../shared/fixtures/pubmed_xml``, else ``tests/data/xml-pubmed-cases.xml``)
are repeated inside one ``PubmedArticleSet`` until the file holds
``--size-mb`` megabytes.  It is written to a temporary folder and deleted
afterwards.  Each mode reads it in a child process, which reports its records,
references and skipped items, its time, its peak memory (maximum resident set
size, ``getrusage``) and its resident memory as the reading goes on (flat when
the reader streams):

* ``no-ref-parse``: ``pubmed_xml.read(stream, parse_references=False)``:
  references kept as their raw strings and identifiers;
* ``full``: ``read_records([path])``, what ``citegraph build`` does: the format
  detected, every reference string read by the reference parser.

Examples::

    PYTHONPATH=. python bench/large.py                       # 1 GB, both modes
    PYTHONPATH=. python bench/large.py --size-mb 100 --modes no-ref-parse
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# bench/ is sys.path[0] when this runs as a script: a bench/html.py would shadow the standard library's html
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
FIXTURES = REPO.parent / "shared" / "fixtures" / "pubmed_xml"
FALLBACK = REPO / "tests" / "data" / "xml-pubmed-cases.xml"
LIMIT_MB = 500

_RECORD = re.compile(rb"<(PubmedArticle|PubmedBookArticle)>.*?</\1>", re.S)

# Runs in the child: argv = mode, path, records between two progress lines.
_CHILD = r"""
import json, os, sys, time
from bench._peak import peak_mb  # the child runs in the repository's root
from citegraph.formats import pubmed_xml, read_records
from citegraph.model import Record

mode, path, step = sys.argv[1], sys.argv[2], int(sys.argv[3])
page = os.sysconf("SC_PAGE_SIZE")

def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * page / 2**20

start, cpu = time.perf_counter(), time.process_time()
records = references = skipped = 0
with open(path, "rb") as stream:
    items = pubmed_xml.read(stream, path, parse_references=False) if mode == "no-ref-parse" \
        else read_records([path])
    for item in items:
        if isinstance(item, Record):
            records += 1
            references += len(item.references)
            if records % step == 0:
                print(f"progress {records} {rss_mb():.1f} {time.perf_counter() - start:.1f}", flush=True)
        else:
            skipped += 1
print(json.dumps({"records": records, "references": references, "skipped": skipped,
                  "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "maxrss_mb": peak_mb()}), flush=True)
"""


def record_pieces() -> list[bytes]:
    files = sorted(FIXTURES.glob("*.xml")) if FIXTURES.is_dir() else [FALLBACK]
    pieces = [m.group(0) for f in files for m in _RECORD.finditer(f.read_bytes())]
    if not pieces:
        raise SystemExit("no PubMed records found to repeat")
    return pieces


def write_big_file(path: Path, size_mb: int) -> tuple[int, int]:
    """One PubmedArticleSet of the fixture records, repeated; returns (bytes, records)."""
    pieces = record_pieces()
    unit = b"\n".join(pieces) + b"\n"
    target = size_mb * 2**20
    count = 0
    with open(path, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
                 b'PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/'
                 b'pubmed_250101.dtd">\n<PubmedArticleSet>\n')
        block = unit * max(1, (8 * 2**20) // len(unit))  # write 8 MB at a time
        per_block = len(pieces) * max(1, (8 * 2**20) // len(unit))
        while fh.tell() < target:
            fh.write(block)
            count += per_block
        fh.write(b"</PubmedArticleSet>\n")
        return fh.tell(), count


def run_mode(mode: str, path: Path, count: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    step = max(count // 10, 1)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, mode, str(path), str(step)], env=env,
                            stdout=subprocess.PIPE, text=True, cwd=REPO)
    progress = []
    result = None
    for line in proc.stdout:
        if line.startswith("progress "):
            done, rss, seconds = line.split()[1:]
            progress.append((int(done), float(rss), float(seconds)))
            print(f"    {mode}: {int(done) / count:4.0%} of the records read, resident {float(rss):.0f} MB, "
                  f"{float(seconds):.0f} s", flush=True)
        elif line.startswith("{"):
            result = json.loads(line)
    proc.wait()
    if proc.returncode != 0 or result is None:
        raise SystemExit(f"{mode}: the reader failed (exit {proc.returncode})")
    result.update(wall=time.perf_counter() - started, progress=progress)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--modes", default="no-ref-parse,full")
    parser.add_argument("--tmp", help="folder for the temporary file (default: the system's)")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="citegraph-large-", dir=args.tmp))
    try:
        path = folder / "pubmed-large.xml"
        started = time.perf_counter()
        size, count = write_big_file(path, args.size_mb)
        print(f"wrote {path}: {size / 2**20:.0f} MB, {count} records, in {time.perf_counter() - started:.0f} s",
              flush=True)
        failed = False
        for mode in args.modes.split(","):
            print(f"  reading: {mode}", flush=True)
            r = run_mode(mode, path, count)
            ok = r["maxrss_mb"] < LIMIT_MB and r["records"] == count and r["skipped"] == 0
            failed |= not ok
            rss = [p[1] for p in r["progress"]]
            flat = f", resident {min(rss):.0f}-{max(rss):.0f} MB along the way" if rss else ""
            print(f"  {mode}: {r['records']} records, {r['references']} references, {r['skipped']} skipped; "
                  f"{r['seconds']:.0f} s ({size / 2**20 / r['seconds']:.1f} MB/s, {r['records'] / r['seconds']:.0f} "
                  f"records/s, CPU {r['cpu']:.0f} s); peak memory (max RSS) {r['maxrss_mb']:.0f} MB{flat} "
                  f"-> {'PASS' if ok else 'FAIL'} (limit {LIMIT_MB} MB)", flush=True)
        return 1 if failed else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
