"""The RIS reader (rispy underneath)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import rispy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import FIXTURES, fixture_files, shared_file  # noqa: E402

from citegraph.formats import ris  # noqa: E402
from citegraph.model import Record, Skipped  # noqa: E402
from citegraph.resolve.identifiers import normalize_doi  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
RIS = "fixtures/ris_bibtex/"
# example_wos.ris is a Web of Science plain text export with a .ris name: the WoS reader's
FILES = [p for p in fixture_files("ris_bibtex", "*.ris") if not p.name.endswith("example_wos.ris")]
# MANIFEST.md: records, references.  example.ris holds 25 records, not the 1 the MANIFEST
# says: its records are apart by "\r\n\n\r", so a count of lines starting "TY" sees one.
MANIFEST = {
    "tests_data_example_empty_tag.ris": (1, 0),
    "tests_data_example_extraneous_data.ris": (2, 0),
    "tests_data_example_full.ris": (2, 0),
    "tests_data_example_multiline.ris": (3, 0),
    "tests_data_example_urls.ris": (4, 0),
    "tests_data_example_utf_chars.ris": (1, 0),
    "notebooks_data_exclude.ris": (1, 0),
    "tests_resources_example.ris": (25, 0),
}


def read(path: Path) -> list[Record | Skipped]:
    with open(path, "rb") as stream:
        return list(ris.read(stream, str(path)))


def _short(path: Path) -> str:
    return path.name.split("__")[-1]


def raw_lines(path: Path) -> list[str]:
    """The file's lines as any reader of text sees them: BOM off, CR, LF and CRLF alike."""
    return path.read_bytes().decode("utf-8-sig").splitlines()


@pytest.mark.parametrize("path", FILES, ids=_short)
def test_counts_match_the_manifest_and_the_file(path):
    items = read(path)
    assert all(isinstance(item, Record) for item in items)
    assert (len(items), sum(len(r.references) for r in items)) == MANIFEST[_short(path)]
    starts = [i for i, line in enumerate(raw_lines(path), 1) if line.startswith("TY  -")]
    assert [r.source.line for r in items] == starts


@pytest.mark.parametrize("path", FILES, ids=_short)
def test_every_doi_is_kept(path):
    dois = {normalize_doi(line[6:]) for line in raw_lines(path) if line.startswith("DO  -")} - {None}
    assert {r.work.doi for r in read(path) if r.work.doi} == dois


def test_fields_of_a_full_record():
    first, second = read(shared_file(RIS + "MrTango__rispy__tests_data_example_full.ris"))
    w = first.work
    assert w.title == "Title of reference"
    assert [(a.family, a.given) for a in w.authors] == [("Marx", "Karl"), ("Lindgren", "Astrid")]  # A1
    assert (w.year, w.journal, w.volume, w.issue, w.pages) == (2014, "Lorem", "9", "3", "e0815")  # JF before JA
    assert w.keywords == ("Pippi", "Nordwind", "Piraten")
    assert w.abstract.startswith("BACKGROUND: Lorem ipsum")  # N2
    assert (w.url, w.publisher, w.place) == ("http://example_url.com", "Fun Factory", "United States")
    assert w.publication_types == (rispy.TYPE_OF_REFERENCE_MAPPING["JOUR"],)
    assert first.source.line == 2 and second.source.line == 27


def test_ieee_export_names_and_dates():
    items = read(shared_file(RIS + "NLeSC__litstudy__tests_resources_example.ris"))
    w = items[1].work
    assert w.title == "Reference Exascale Architecture"
    assert [(a.family, a.given) for a in w.authors[:3]] == [("Bobák", "M."), ("Hluchy", "L."), ("Belloum", "A. S. Z.")]
    assert (w.year, w.journal, w.pages, w.doi) == (2019, "2019 15th International Conference on eScience (eScience)",
                                                   "479-487", "10.1109/escience.2019.00063")
    exclude = read(shared_file(RIS + "NLeSC__litstudy__notebooks_data_exclude.ris"))[0].work
    assert (exclude.year, exclude.volume, exclude.issue) == (2013, None, None)  # "VL  - " is absent, not ""


def test_dates_urls_and_empty_tags():
    items = read(shared_file(RIS + "MrTango__rispy__tests_data_example_urls.ris"))
    assert {(r.work.year, r.work.month, r.work.pages) for r in items} == {(1948, "Jul", "379-423")}
    assert [a.family for a in items[0].work.authors] == ["Shannon"]  # "Shannon,Claude E."
    [empty] = read(shared_file(RIS + "MrTango__rispy__tests_data_example_empty_tag.ris"))
    assert empty.work.pages is None and empty.work.doi == "10.1177/2325967120950040"
    assert empty.work.authors[0].family == "Fanning" and empty.work.authors[0].given == "E."


def test_an_er_inside_a_value_does_not_end_the_record():
    items = read(shared_file(RIS + "MrTango__rispy__tests_data_example_multiline.ris"))
    assert len(items) == 3 and [r.source.line for r in items] == [1, 8, 17]


def test_cited_references_in_cr_lines_and_a_record_cut_short():
    first, cut, book = read(DATA / "text-ris-cited-references.ris")
    assert [(r.authors[0].family if r.authors else None, r.year, r.journal, r.volume, r.pages, r.doi)
            for r in first.references] == [
        ("Patchell", 2005, "LANCET", "366", "643", "10.1016/s0140-6736(05)66954-1"),
        (None, 1968, "PHYS REV", "171", "1385", None),
        ("Eells", 1991, "PROBABILISTIC CAUSAL", None, None, None)]
    assert first.work.journal == "JOURNAL OF INVENTED RESULTS" and first.work.pmid is None  # AN is a WoS id
    assert isinstance(cut, Skipped) and (cut.source.index, cut.source.line) == (2, 24)
    assert "line 29" in cut.reason
    assert (book.work.pmid, book.work.month, book.work.publisher, book.work.place) == (
        "31000001", "Nov", "Invented Press", "Lima")


def test_an_accession_number_with_a_superscript_digit_is_no_pmid():
    """"³".isdigit() is true and int("³") raises: the record was lost."""
    text = "TY  - JOUR\nTI  - One\nAN  - 12345\u00b3\nDB  - MEDLINE\nER  - \n" \
           "TY  - JOUR\nTI  - Two\nAN  - 12345\nDB  - MEDLINE\nER  - \n"
    assert [(r.work.title, r.work.pmid) for r in ris.parse(text)] == [("One", None), ("Two", "12345")]


def test_file_ending_inside_a_record():
    items = list(ris.parse("TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - Two\n", "t.ris"))
    assert isinstance(items[0], Record) and isinstance(items[1], Skipped)
    assert items[1].source.line == 4 and "no ER" in items[1].reason


def test_empty_input_reads_nothing():
    assert list(ris.parse("")) == [] and list(ris.parse("Provider: nobody\n\n")) == []


def test_field_table_keeps_rispy_tags():
    assert ris.TAGS["T1"] == rispy.TAG_KEY_MAPPING["T1"] and ris.TAGS["CR"] == "cited_references"
    assert all(key in ris.TAGS.values() for keys in ris.FIELDS.values() for key in keys)


# -- sniffing ---------------------------------------------------------------------------

ALL_FIXTURES = sorted(p for p in FIXTURES.glob("*/*") if p.is_file() and p.name != "MANIFEST.md") + \
    sorted(FIXTURES.glob("pubmed_page/*/*"))


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: f"{p.parent.name}/{_short(p)}")
def test_sniff_claims_only_ris(path):
    head = path.read_bytes()[:65536].decode("utf-8-sig", errors="replace")
    assert ris.sniff(head) is (path.suffix == ".ris" and not path.name.endswith("example_wos.ris"))


# -- encodings ---------------------------------------------------------------------------

