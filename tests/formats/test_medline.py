"""The MEDLINE (.nbib) reader."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import FIXTURES, fixture_files, shared_file  # noqa: E402

from citegraph.formats import medline  # noqa: E402
from citegraph.model import Author, Record, Skipped  # noqa: E402
from citegraph.resolve.identifiers import normalize_doi  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = fixture_files("medline", "*.txt")
# MANIFEST.md: records, references (MEDLINE carries no reference lists)
MANIFEST = {"pubmed_result1.txt": (1, 0), "pubmed_result2.txt": (4, 0), "pubmed_result3.txt": (1, 0)}


def read(path: Path) -> list[Record | Skipped]:
    with open(path, "rb") as stream:
        return list(medline.read(stream, str(path)))


def _short(path: Path) -> str:
    return path.name.split("__")[-1].replace("Tests_Medline_", "")


@pytest.mark.parametrize("path", FILES, ids=_short)
def test_counts_match_the_manifest_and_the_file(path):
    text = path.read_text(encoding="utf-8")
    items = read(path)
    assert all(isinstance(item, Record) for item in items)
    assert (len(items), sum(len(r.references) for r in items)) == MANIFEST[_short(path)]
    assert len(items) == len(re.findall(r"^PMID- ", text, re.M))
    # each record starts at its PMID line
    pmid_lines = [i for i, line in enumerate(text.splitlines(), 1) if line.startswith("PMID- ")]
    assert [r.source.line for r in items] == pmid_lines
    assert [r.source.index for r in items] == list(range(1, len(items) + 1))


@pytest.mark.parametrize("path", FILES, ids=_short)
def test_every_pmid_doi_and_pmcid_is_kept(path):
    text = path.read_text(encoding="utf-8")
    works = [r.work for r in read(path)]
    assert [w.pmid for w in works] == re.findall(r"^PMID- (\d+)", text, re.M)
    assert {w.doi for w in works if w.doi} == {normalize_doi(d) for d in
                                               re.findall(r"^(?:AID|LID) - (\S+) \[doi\]", text, re.M)}
    assert {w.pmcid for w in works if w.pmcid} == set(re.findall(r"^PMC - (PMC\d+)", text, re.M))


def test_fields_of_a_record():
    items = read(shared_file("fixtures/medline/biopython__Tests_Medline_pubmed_result2.txt"))
    w = items[0].work
    assert w.title == "A high level interface to SCOP and ASTRAL implemented in python"
    assert [(a.name, a.family, a.given) for a in w.authors] == [
        ("Casbon, James A", "Casbon", "James A"), ("Crooks, Gavin E", "Crooks", "Gavin E"),
        ("Saqi, Mansoor A S", "Saqi", "Mansoor A S")]
    assert (w.journal, w.year, w.month, w.volume, w.issue, w.pages) == ("BMC Bioinformatics", 2006, None, "7", None, "10")
    assert (w.doi, w.pmid, w.pmcid) == ("10.1186/1471-2105-7-10", "16403221", "PMC1373603")
    assert w.publication_types == ("Evaluation Studies", "Journal Article")
    assert w.abstract.startswith("BACKGROUND: Benchmarking algorithms") and w.abstract.endswith("more principled.")
    assert "\n" not in w.abstract and "  " not in w.abstract
    assert w.keywords[0] == "Database Management Systems"  # MeSH, the major-topic star taken off
    second = items[1].work
    assert (second.year, second.month, second.pages) == (2006, "Mar", "616-617")  # "616-7" expanded
    assert items[2].work.authors[0] == Author("de Hoon, M J L", "de Hoon", "M J L")


def test_continuation_lines_join_and_lid_gives_the_doi():
    [record] = read(shared_file("fixtures/medline/biopython__Tests_Medline_pubmed_result3.txt"))
    w = record.work
    assert w.doi == "10.1118/1.4748329" and w.pages == "5795-5813"
    assert "High-Intensity Focused Ultrasound Ablation/adverse effects/instrumentation/methods" in w.keywords


def test_own_data_authors_groups_keywords_and_a_broken_record():
    items = read(DATA / "text-medline-cp1252.txt")  # written in cp1252
    first, broken, third = items
    w = first.work
    assert [(a.family, a.given) for a in w.authors[:2]] == [("Müller", "Jörg"), ("Niño", "Ana María")]
    assert w.authors[2].is_group and w.authors[2].name == "Invented Study Group"
    assert w.title == "A record written for citegraph's tests, with a title long enough to wrap onto a second line"
    assert (w.month, w.pages, w.doi, w.pmcid) == ("Winter", "123-129", "10.5555/medline.0001", "PMC9000001")
    assert w.keywords == ("citation graphs", "test data", "Bibliometrics")  # OT, then MeSH
    assert isinstance(broken, Skipped) and (broken.source.index, broken.source.line) == (2, 27)
    assert "line 29" in broken.reason
    assert isinstance(third, Record) and third.work.pmid == "90000003" and third.work.month == "Jan"
    assert third.work.authors[0] == Author("de Souza JP", "de Souza", "JP")  # AU without FAU


def test_records_without_blank_lines_between_them():
    text = "PMID- 1\nTI  - One.\nPMID- 2\nTI  - Two.\n"
    assert [r.work.title for r in medline.parse(text)] == ["One", "Two"]


def test_lines_just_before_a_pmid_are_no_part_of_its_record():
    """PubMed writes the PMID first: a stray field or junk just before it stands on its own."""
    text = "MH  - Humans\nPMID- 1\nTI  - One.\n\nPMID- 2\nTI  - Two.\nnot a field\nPMID- 3\nTI  - Three.\n"
    stray, one, two, three = medline.parse(text)
    assert isinstance(stray, Skipped) and stray.source.line == 1 and "neither a PMID nor a title" in stray.reason
    assert (one.work.pmid, one.work.keywords, one.source.line) == ("1", (), 2)
    assert isinstance(two, Skipped) and two.source.line == 5 and "line 7" in two.reason
    assert (three.work.title, three.source.line) == ("Three", 8)


def test_empty_input_reads_nothing():
    assert list(medline.parse("")) == [] and list(medline.parse("\n\n\n")) == []


# -- sniffing ---------------------------------------------------------------------------

ALL_FIXTURES = sorted(p for p in FIXTURES.glob("*/*") if p.is_file() and p.name != "MANIFEST.md") + \
    sorted(FIXTURES.glob("pubmed_page/*/*"))


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name.split('__')[-1]}")
def test_sniff_claims_only_medline(path):
    head = path.read_bytes()[:65536].decode("utf-8-sig", errors="replace")
    assert medline.sniff(head) is (path.parent.name == "medline")


# -- encodings ---------------------------------------------------------------------------

