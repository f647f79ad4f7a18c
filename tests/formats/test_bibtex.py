"""The BibTeX reader (bibtexparser 2 underneath)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import FIXTURES, fixture_files, shared_file  # noqa: E402

from citegraph.formats import bibtex  # noqa: E402
from citegraph.model import Record, Skipped  # noqa: E402
from citegraph.resolve.identifiers import normalize_doi, normalize_pmid  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
BIB = "fixtures/ris_bibtex/sciunto-org__python-bibtexparser__"
GARFIELD = "fixtures/wos_scopus/massimoaria__bibliometrix__garfield.bib"
FILES = fixture_files("ris_bibtex", "*.bib") + fixture_files("wos_scopus", "*.bib")
# MANIFEST.md: records, references
MANIFEST = {
    "bibtexparser_tests_data_article_missing_coma.bib": (4, 0),
    "bibtexparser_tests_data_article_with_special_characters.bib": (1, 0),
    "bibtexparser_tests_data_biber-examples.bib": (118, 0),
    "bibtexparser_tests_data_crossref_entries.bib": (14, 0),
    "bibtexparser_tests_data_features.bib": (1, 0),
    "bibtexparser_tests_data_multiple_entries_and_comments.bib": (3, 0),
    "bibtexparser_tests_data_traps.bib": (1, 0),
    "examples_bibtex.bib": (1, 0),
    "garfield.bib": (219, 1382),
}
_ENTRY = re.compile(r"^\s*@\s*(?!string\b|comment\b|preamble\b)[a-z]+\s*[{(]", re.I | re.M)


def read(path: Path) -> list[Record | Skipped]:
    with open(path, "rb") as stream:
        return list(bibtex.read(stream, str(path)))


def _short(path: Path) -> str:
    return path.name.split("__")[-1]


def raw_field(text: str, name: str) -> list[str]:
    """The values of ``name = {...},`` fields, one a line as Scopus writes them."""
    return re.findall(rf"^{name}=\{{(.*)\}},?$", text, re.M | re.I)


@pytest.mark.parametrize("path", FILES, ids=_short)
def test_counts_match_the_manifest_and_the_file(path):
    text = path.read_text(encoding="utf-8")
    items = read(path)
    assert all(isinstance(item, Record) for item in items)
    assert (len(items), sum(len(r.references) for r in items)) == MANIFEST[_short(path)]
    starts = [text.count("\n", 0, m.start() + len(m.group()) - len(m.group().lstrip())) + 1
              for m in _ENTRY.finditer(text)]
    assert [r.source.line for r in items] == starts
    references = sum(len([p for p in v.split("; ") if p.strip()]) for v in raw_field(text, "references"))
    assert sum(len(r.references) for r in items) == references


def test_garfield_identifiers_are_kept():
    path = shared_file(GARFIELD)
    text = path.read_text(encoding="utf-8")
    records = read(path)
    assert {r.work.doi for r in records if r.work.doi} == {normalize_doi(d) for d in raw_field(text, "doi")}
    assert {r.work.pmid for r in records if r.work.pmid} == {normalize_pmid(p) for p in raw_field(text, "pubmed_id")}
    cited = {normalize_doi(m.group()) for v in raw_field(text, "references") for part in v.split("; ")
             if (m := re.search(r"(?<!\w)10\.\d{4,9}/[^\s,]+", part))} - {None}
    assert {w.doi for r in records for w in r.references if w.doi} == cited


def test_garfield_scopus_fields_and_duplicate_keys():
    records = read(shared_file(GARFIELD))
    w = records[0].work
    # Scopus glues affiliation letters to the initials: "Li, L.Z.a  b"
    assert [(a.family, a.given) for a in w.authors] == [
        ("Li", "L.Z."), ("Leydesdorff", "L."), ("Nioka", "S."), ("Sun", "N."), ("Garfield", "E.")]
    assert (w.year, w.journal, w.volume, w.issue, w.doi) == (
        2014, "Journal of Innovative Optical Health Sciences", "7", "2", "10.1142/s1793545814300031")
    assert w.keywords[:2] == ("Biochemistry", "Biographies") and w.publication_types == ("Article",)
    ref = records[0].references[2]
    assert (ref.year, ref.journal, ref.volume, ref.pages, [a.family for a in ref.authors]) == (
        1940, "Science", "92", "455", ["Chance", "Brainerd", "Cajori", "Millikan"])
    # entries whose key repeats (Garfield1998 ...) are all read
    keys = [r.source.line for r in records]
    assert len(keys) == len(set(keys)) == 219


def test_entries_whose_key_repeats_are_read_like_the_others():
    """Garfield's export repeats 68 keys (Garfield1998 ...): those entries were read raw, braces on, names unsplit."""
    records = read(shared_file(GARFIELD))
    repeated = next(r.work for r in records if r.work.title == "Long-term vs. Short-term impact: Part II")
    assert (repeated.journal, repeated.volume, repeated.publication_types) == ("Scientist", "12", ("Article",))
    assert [(a.family, a.given) for a in repeated.authors] == [("Garfield", "E.")]
    assert all(r.work.authors and "{" not in r.work.title + r.work.journal for r in records)
    text = ('@string{j = "Journal of X"}\n@article{k, title = {Caf{\\\'e}}, journal = j, year = 2001}\n'
            '@article{k, title = {Caf{\\\'e} bis}, journal = j, year = 2002}\n@article{c, crossref = {k}}\n')
    first, second, child = bibtex.parse(text)
    assert [(r.work.title, r.work.journal) for r in (first, second)] == [("Café", "Journal of X"),
                                                                         ("Café bis", "Journal of X")]
    assert child.work.year == 2001  # a crossref names the first entry of its key


def test_latex_names_accents_and_braces():
    [record] = read(shared_file(BIB + "bibtexparser_tests_data_article_with_special_characters.bib"))
    w = record.work
    assert [(a.family, a.given) for a in w.authors] == [("Césarü", "Jean")]
    assert (w.title, w.year, w.month, w.pages) == ("An amazing title", 2013, "Jan", "12-23")
    assert "érudit" in w.abstract and w.keywords == ("keyword1", "keyword2")
    [trap] = read(shared_file(BIB + "bibtexparser_tests_data_traps.bib"))
    assert trap.work.title == "An amazing title" and trap.work.volume == "n.s. 2"  # {An} amazing {title}, n.s.~2
    assert trap.work.authors[0].family == "Jean Laidé"  # "Laid{\'e},\n Ben Loaeb": a comma, so Family, Given


def test_string_macros_crossref_and_key_case():
    [features] = read(shared_file(BIB + "bibtexparser_tests_data_features.bib"))
    assert (features.work.journal, features.work.year) == ("My International Conference", 2014)  # @string
    first = read(shared_file(BIB + "bibtexparser_tests_data_crossref_entries.bib"))[0].work
    assert (first.title, first.journal, first.year) == ("Great and Good Graphs", "Graphs of the Continent", 1974)
    yablon, wigner, toto = read(shared_file(BIB + "bibtexparser_tests_data_multiple_entries_and_comments.bib"))
    assert yablon.work.authors[0].family == "Yablon"  # "Author =" in capitals
    assert (wigner.work.doi, wigner.work.pages) == ("10.1039/tf9383400029", "29-41")
    assert [a.family for a in toto.work.authors] == ["Toto", "Titi"]


def test_biber_examples_identifiers():
    records = read(shared_file(BIB + "bibtexparser_tests_data_biber-examples.bib"))
    by_line = {r.source.line: r.work for r in records}
    assert any(w.arxiv == "math/0307200v3" for w in by_line.values())  # eprint + eprinttype = arxiv
    assert any(w.doi == "10.1002/(sici)1096-987x(199803)19:4<377::aid-jcc1>3.0.co;2-p" for w in by_line.values())


def test_wos_cited_references_a_failed_block_and_groups():
    first, broken, book = read(DATA / "text-wos-cited-references.bib")
    w = first.work
    assert (w.title, w.journal, w.month, w.pages, w.publisher, w.place) == (
        "Citation graphs of a small test corpus", "JOURNAL OF INVENTED RESULTS", "Mar", "101-109", "TEST PRESS",
        "OXFORD")
    assert w.keywords == ("citation analysis", "test data", "NETWORKS")
    assert [(r.year, r.journal, r.doi) for r in first.references] == [
        (1968, "PHYS REV", None), (2005, "LANCET", "10.1016/s0140-6736(05)66954-1"),
        (2010, "J AM COLL CARDIOL", "10.1016/j.jacc.2010.07.016")]
    assert first.references[0].authors == ()  # {[}Anonymous]
    assert isinstance(broken, Skipped) and (broken.source.index, broken.source.line) == (2, 26)
    assert "line 26" in broken.reason and "closing" in broken.reason
    b = book.work
    assert [(a.family, a.given) for a in b.authors][0] == ("Quispe", "Rosa")
    assert b.authors[1].is_group and b.authors[1].name == "World Health Organization"
    assert (b.title, b.arxiv, b.publisher, b.place) == ("A Book with Ümlauts and an arXiv id", "2101.00001",
                                                        "Invented Press", "Lima")
    assert [a.family for a in b.editors] == ["Smith"]


def test_and_others_is_et_al():
    [record] = bibtex.parse("@article{k, author = {Doe, John and others}, title = {T}, year = 2000}")
    assert [a.family for a in record.work.authors] == ["Doe"] and record.work.et_al


def test_empty_input_reads_nothing():
    assert list(bibtex.parse("")) == [] and list(bibtex.parse("@comment{nothing}\n")) == []


# -- sniffing ---------------------------------------------------------------------------

ALL_FIXTURES = sorted(p for p in FIXTURES.glob("*/*") if p.is_file() and p.name != "MANIFEST.md") + \
    sorted(FIXTURES.glob("pubmed_page/*/*"))


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: f"{p.parent.name}/{_short(p)}")
def test_sniff_claims_only_bibtex(path):
    head = path.read_bytes()[:65536].decode("utf-8-sig", errors="replace")
    assert bibtex.sniff(head) is (path.suffix == ".bib")


# -- encodings ---------------------------------------------------------------------------

