"""``citegraph build`` and ``parse`` on real broken files, run as a user runs them.

The folder holds good files, files with broken records in them (the ones in
``tests/data`` were written with one each), files cut short (an XML document
cut inside its second record, a gzip cut in half), an empty file, a file
holding only a BOM, binary junk, and an XML bomb.  ``build`` must read every
good record, name every file and record it skipped on stderr, never print a
traceback, and exit 0 (1 with ``--strict``, 1 when nothing could be read).
"""

from __future__ import annotations

import gzip
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from citegraph.formats import read_records
from citegraph.model import Record, Skipped

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
SEED = REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "citegraph", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env=env)


def _bomb() -> bytes:
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [{entities}]><PubmedArticleSet><PubmedArticle>'
            f"<MedlineCitation><PMID>1</PMID><Article><ArticleTitle>&a9;</ArticleTitle></Article>"
            f"</MedlineCitation></PubmedArticle></PubmedArticleSet>").encode()


@pytest.fixture(scope="module")
def broken_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("broken-inputs")
    (folder / "a-seed-page.txt").write_bytes(SEED.read_bytes())
    xml = (DATA / "xml-pubmed-cases.xml").read_bytes()
    (folder / "b-pubmed.xml").write_bytes(xml)
    second = xml.index(b"<PubmedArticle>", xml.index(b"</PubmedArticle>"))
    (folder / "c-pubmed-cut-in-record-2.xml").write_bytes(xml[:second + 200])
    for name in ("text-ris-cited-references.ris", "text-medline-cp1252.txt", "text-scopus-2023-layout.csv",
                 "text-wos-cited-references.bib", "json-openalex-works.json"):
        (folder / f"d-{name}").write_bytes((DATA / name).read_bytes())
    works = (DATA / "json-openalex-works.json").read_bytes()
    second = works.index(b'"id": "https://openalex.org/W', works.index(b'"id": "https://openalex.org/W') + 10)
    (folder / "e-openalex-cut-in-work-2.json").write_bytes(works[:second + 100])
    (folder / "f-empty.txt").write_bytes(b"")
    (folder / "g-only-a-bom.txt").write_bytes(b"\xef\xbb\xbf\r\n")
    (folder / "h-junk.bin").write_bytes(bytes(random.Random(9).randrange(256) for _ in range(4096)))
    (folder / "i-cut.ris.gz").write_bytes(gzip.compress((DATA / "text-ris-cited-references.ris").read_bytes())[:150])
    (folder / "j-bomb.xml").write_bytes(_bomb())
    return folder


def _expected(folder: Path) -> tuple[list[Record], list[Skipped]]:
    items = list(read_records([str(folder)]))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Skipped)]


def test_build_reads_every_good_record_and_names_every_skipped_one(broken_folder, tmp_path):
    records, skipped = _expected(broken_folder)
    assert len(records) >= 10 and len(skipped) >= 10
    result = run("build", str(broken_folder), "-o", str(tmp_path / "out"), "--name", "broken",
                 "--format", "graphml,csv,json", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.startswith("citegraph: skipped ")]
    assert len(lines) == len(skipped), result.stderr
    for item, line in zip(skipped, lines):
        assert str(item) in line  # file, record or line, and reason
        assert item.source.path.startswith(str(broken_folder))
    named = {Path(i.source.path).name for i in skipped}
    assert {"c-pubmed-cut-in-record-2.xml", "d-text-ris-cited-references.ris", "f-empty.txt",
            "g-only-a-bom.txt", "h-junk.bin", "i-cut.ris.gz", "j-bomb.xml", "e-openalex-cut-in-work-2.json"} <= named
    assert "e-openalex-cut-in-work-2.json" in {Path(r.source.path).name for r in records}  # its first work
    assert f"read      {len(records)} records from" in result.stdout
    assert f"skipped   {len(skipped)}:" in result.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "broken-edges.csv", "broken-nodes.csv", "broken.graphml", "broken.json"]


def test_build_strict_exits_1_and_writes_nothing(broken_folder, tmp_path):
    result = run("build", str(broken_folder), "-o", str(tmp_path / "out"), "--strict", "-q", cwd=tmp_path)
    assert result.returncode == 1
    assert "--strict" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_exits_1_when_nothing_could_be_read(broken_folder, tmp_path):
    bad = [str(broken_folder / n) for n in ("f-empty.txt", "g-only-a-bom.txt", "h-junk.bin", "i-cut.ris.gz",
                                            "j-bomb.xml")]
    result = run("build", *bad, "-o", str(tmp_path / "out"), "-q", cwd=tmp_path)
    assert result.returncode == 1
    assert "nothing could be read" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("citegraph: skipped ") == len(bad)
    assert not (tmp_path / "out").exists()


def test_parse_prints_every_good_record_and_exits_0(broken_folder, tmp_path):
    records, skipped = _expected(broken_folder)
    result = run("parse", str(broken_folder), cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == len(records)
    assert result.stderr.count("citegraph: skipped ") == len(skipped)
