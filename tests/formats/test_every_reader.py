"""The checks every reader gets alike: encodings, line ends, gzip, empty files, the seed page.

One representative real file per format is re-encoded and re-packed; each
variant must give exactly the records of the plain file, read through the
same entry point a user goes through (``read_records``).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import REPO, shared_file  # noqa: E402

from citegraph.formats import formats, read_records  # noqa: E402
from citegraph.model import Record, Skipped  # noqa: E402

DATA = REPO / "tests" / "data"
SEED = REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt"

#: format name -> a real file of that format (../shared/fixtures unless in tests/data)
REPRESENTATIVE = {
    "pubmed-page": "fixtures/pubmed_page/legacy_text/mekentosj__doiscraper__test_fixtures_pubmed.lynx.txt",
    "pubmed-xml": "fixtures/pubmed_xml/biopython__Tests_Entrez_pubmed7.xml",
    "pmc-jats": "fixtures/pmc_jats/titipata__pubmed_parser__data_pone.0000217.nxml",
    "crossref-json": "fixtures/crossref_json/sckott__habanero__test_works_with_one_id__i0.json",
    "openalex-json": DATA / "json-openalex-works.json",
    "medline": "fixtures/medline/biopython__Tests_Medline_pubmed_result2.txt",
    "wos": "fixtures/wos_scopus/networks-lab__metaknowledge__metaknowledge_tests_TwoPaper.isi",
    "ris": "fixtures/ris_bibtex/MrTango__rispy__tests_data_example_full.ris",
    "bibtex": "fixtures/ris_bibtex/sciunto-org__python-bibtexparser__examples_bibtex.bib",
    "scopus-csv": "fixtures/wos_scopus/NLeSC__litstudy__tests_resources_scopus.csv",
}
VARIANTS = ["crlf", "cr", "utf-8-bom", "utf-16", "cp1252", "gzip", "gzip-crlf"]


def test_every_format_has_a_representative():
    assert {module.NAME for module in formats()} == set(REPRESENTATIVE)


def _path(name: str) -> Path:
    where = REPRESENTATIVE[name]
    return where if isinstance(where, Path) else shared_file(where)


def _content(items) -> list:
    return [(r.work, r.references, r.cited_by) if isinstance(r, Record) else ("skipped", r.reason)
            for r in items]


def _variant(text: str, variant: str) -> bytes | None:
    if variant == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if variant == "cr":
        return text.replace("\n", "\r").encode("utf-8")
    if variant == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if variant == "utf-16":
        return text.encode("utf-16")
    if variant == "cp1252":
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            return None
    if variant == "gzip":
        return gzip.compress(text.encode("utf-8"))
    return gzip.compress(text.replace("\n", "\r\n").encode("utf-8"))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", list(REPRESENTATIVE))
def test_encodings_line_ends_and_gzip_read_the_same_records(tmp_path, name, variant):
    source = _path(name)
    text = source.read_bytes().decode("utf-8-sig")
    if variant == "cr" and name in ("scopus-csv",) and "\r" in text:
        pytest.skip("CSV cells hold line breaks of their own")
    data = _variant(text, variant)
    if data is None:
        pytest.skip(f"{source.name} holds characters cp1252 cannot encode")
    plain = tmp_path / f"plain{source.suffix}"
    plain.write_bytes(text.encode("utf-8"))
    expected = _content(read_records([str(plain)]))
    assert any(isinstance(r, tuple) and r[0] != "skipped" for r in expected)
    changed = tmp_path / f"changed{source.suffix}"
    changed.write_bytes(data)
    assert _content(read_records([str(changed)])) == expected


@pytest.mark.parametrize("name", list(REPRESENTATIVE))
def test_a_file_cut_to_nothing_is_skipped_with_its_name(tmp_path, name):
    empty = tmp_path / f"empty{_path(name).suffix}"
    empty.write_bytes(b"\xef\xbb\xbf  \n")
    [skipped] = list(read_records([str(empty)]))
    assert isinstance(skipped, Skipped) and skipped.source.path == str(empty)
    assert skipped.reason == "file is empty"


@pytest.mark.parametrize("module", formats(), ids=lambda m: m.NAME)
def test_only_the_pubmed_page_reader_claims_the_seed(module):
    assert module.sniff(SEED.read_text(encoding="utf-8")) is (module.NAME == "pubmed-page")


def test_no_reader_claims_citegraphs_own_outputs_or_other_vendors_exports(tmp_path):
    """Our HTML view is named after the input ("pubmed-page-...") and links to PubMed: not a PubMed page."""
    from citegraph.formats import detect_format
    from citegraph.errors import FormatError

    out = tmp_path / "out"
    from citegraph.cli import main
    assert main(["build", str(SEED), "-o", str(out), "-q", "--format", "html,graphml,gexf,csv,json"]) == 0
    others = sorted(out.iterdir()) + [shared_file("fixtures/wos_scopus/" + name) for name in (
        "massimoaria__bibliometrix__tests_testthat_fixtures_openalex_sample.csv",
        "NLeSC__litstudy__tests_resources_ieee.csv", "NLeSC__litstudy__tests_resources_springer.csv")]
    for path in others:
        with pytest.raises(FormatError):
            detect_format(path.read_text(encoding="utf-8", errors="replace")[:65536], str(path))
