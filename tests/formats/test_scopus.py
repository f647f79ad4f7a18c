"""The Scopus CSV reader and the Scopus reference parser."""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import FIXTURES, fixture_files, shared_file  # noqa: E402

from citegraph.formats import detect_format, scopus  # noqa: E402
from citegraph.model import Record, Skipped  # noqa: E402
from citegraph.resolve.identifiers import normalize_doi, normalize_pmid  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
LITSTUDY = "fixtures/wos_scopus/NLeSC__litstudy__tests_resources_scopus.csv"
METAKNOWLEDGE = "fixtures/wos_scopus/networks-lab__metaknowledge__metaknowledge_tests_scopus_testing.csv.scopus"
csv.field_size_limit(2**31 - 1)

# records and references.  MANIFEST.md gives 58 and 476 for the litstudy file: 56 of its
# rows hold one column more than its header (a "Funding Text 2" the header lacks), so a
# reader that takes "References" by position reads the funding text there.  Realigned,
# the References column holds 2452 references.
COUNTS = {LITSTUDY: (58, 2452), METAKNOWLEDGE: (220, 10412)}


def read(path: Path) -> list[Record | Skipped]:
    with open(path, "rb") as stream:
        return list(scopus.read(stream, str(path)))


def raw_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    return [h.lower() for h in rows[0]], rows[1:]


def raw_column(header: list[str], row: list[str], name: str) -> str:
    """A column counted from the right: the extra cells stand left of it (after "Funding Text 1")."""
    row = row[:len(row) - 1] if len(row) > len(header) and not row[-1] else row
    at = header.index(name)
    funding = header.index("funding text 1") if "funding text 1" in header else len(header)
    return row[at - len(header)] if at > funding else row[at]


@pytest.mark.parametrize("name", COUNTS, ids=["litstudy", "metaknowledge"])
def test_counts_and_identifiers_match_the_file(name):
    path = shared_file(name)
    header, rows = raw_rows(path)
    items = read(path)
    records = [r for r in items if isinstance(r, Record)]
    assert len(records) == len(items) == len(rows) == COUNTS[name][0]
    cells = [raw_column(header, row, "references") for row in rows]
    expected_references = sum(len([p for p in c.split("; ") if p.strip()]) for c in cells)
    assert sum(len(r.references) for r in records) == expected_references == COUNTS[name][1]
    # every DOI a reference carries
    dois = {normalize_doi(m.group()) for c in cells for part in c.split("; ")
            if (m := re.search(r"(?<!\w)10\.\d{4,9}/[^\s,]+", part))} - {None}
    assert {w.doi for r in records for w in r.references if w.doi} == dois
    # the records' own identifiers
    assert {r.work.doi for r in records if r.work.doi} == \
        {normalize_doi(raw_column(header, row, "doi")) for row in rows} - {None}
    assert {r.work.pmid for r in records if r.work.pmid} == \
        {normalize_pmid(raw_column(header, row, "pubmed id")) for row in rows} - {None}


def test_fields_of_a_record_old_layout():
    first = read(shared_file(LITSTUDY))[0]
    w = first.work
    assert w.title == "Scalable molecular dynamics with NAMD"
    assert [(a.family, a.given) for a in w.authors[:2]] == [("Phillips", "J.C."), ("Braun", "R.")]
    assert w.authors[8].family == "Kalé"
    assert (w.year, w.journal, w.volume, w.issue, w.pages, w.doi) == (
        2005, "Journal of Computational Chemistry", "26", "16", "1781-1802", "10.1002/jcc.20289")
    assert w.keywords[:3] == ("Biomolecular simulation", "Molecular dynamics", "Parallel computing")
    assert w.publication_types == ("Review",) and w.publisher == "John Wiley and Sons Inc."
    assert first.source.line == 2
    ref = first.references[0]
    assert [a.family for a in ref.authors][:3] == ["Kalé", "Skeel", "Bhandarkar"]
    assert (ref.year, ref.title, ref.journal, ref.volume, ref.pages) == (1999, None, "J Comp Phys", "151", "283")


def test_a_row_wider_than_the_header_is_realigned():
    third = read(shared_file(LITSTUDY))[2]
    w = third.work
    assert (w.year, w.journal, w.pmid, w.publication_types) == (2022, "Scientific Reports", "35064163", ("Article",))
    assert third.references[0].raw.startswith("Edelstein-Keshet, L., (2005) Mathematical Models in Biology")


def test_article_number_stands_for_pages():
    first = read(shared_file(METAKNOWLEDGE))[0]
    assert (first.work.pages, first.work.doi) == ("7433444", "10.1109/tasc.2016.2541670")


def test_new_layout_full_names_year_last_references_and_a_short_row():
    first, editorial, short = read(DATA / "text-scopus-2023-layout.csv")
    w = first.work
    assert [(a.name, a.family, a.given) for a in w.authors] == [
        ("Lindqvist, Anna", "Lindqvist", "Anna"), ("Okafor, Chinedu N.", "Okafor", "Chinedu N.")]
    assert (w.pmid, w.pages, w.publisher) == ("33000001", "101-109", "Test Press")
    namd, book, lancet = first.references
    assert (namd.title, namd.journal, namd.volume, namd.issue, namd.pages, namd.year) == (
        "Scalable molecular dynamics with NAMD", "J. Comput. Chem.", "26", "16", "1781-1802", 2005)
    assert (book.title, book.journal, book.year) == ("Physics of Semiconductor Devices", None, 1981)
    assert (lancet.doi, lancet.issue, [a.family for a in lancet.authors]) == (
        "10.1016/s0140-6736(05)66954-1", "9486", ["Patchell", "Tibbs"])
    assert editorial.work.authors == () and editorial.work.abstract is None  # "[No ... available]"
    assert editorial.work.pages == "e1002"
    assert isinstance(short, Skipped) and short.source.line == 4 and "6 columns" in short.reason


def test_a_quote_that_opens_a_cell_by_mistake_takes_no_row_with_it():
    header = '"Authors","Title","Year","Source title","Abstract"\n'
    rows = ['"Kim S.","A title","2020","J One","An abstract\nover two lines"\n',  # a line break in a cell
            '"Lee J.","Its last quote lost","2021","J Two","None\n',  # the quote runs into the next row
            '"Roe R.","The next row","2022","J Three",""\n',
            '"\n',  # a lone quote just before a row: what is left of a damaged one
            '"Doe J.","After a lone quote","2023","J Four",""\n']
    items = list(scopus.parse(header + "".join(rows), "x.csv"))
    assert [(i.source.line, i.work.title if isinstance(i, Record) else "skipped") for i in items] == [
        (2, "A title"), (4, "skipped"), (5, "The next row"), (6, "skipped"), (7, "After a lone quote")]
    assert items[0].work.abstract == "An abstract over two lines"
    assert "line 4" in items[1].reason and "line 5" in items[1].reason


SCOPUS_REFERENCES = [
    pytest.param("Nomura, S., Demonstration of the stress-minimized force-balanced coil concept for SMES (2003) "
                 "IEEE Trans. Appl. Supercond., 13 (2), pp. 1852-1855. , Jun",
                 dict(families=["Nomura"], year=2003, title="Demonstration of the stress-minimized force-balanced "
                      "coil concept for SMES", journal="IEEE Trans. Appl. Supercond.", volume="13", issue="2",
                      pages="1852-1855"), id="title-year-source-volume-issue-pages-extra"),
    pytest.param("Obradors, X., Puig, T., (2014) Supercond. Sci. Technol., 27, p. 044003",
                 dict(families=["Obradors", "Puig"], year=2014, title=None, journal="Supercond. Sci. Technol.",
                      volume="27", pages="044003"), id="no-title"),
    pytest.param("Althuis, M.D., Dozier, J.M., Global trends in breast cancer incidence and mortality 1973-1997 "
                 "(2005) International Journal of Epidemiology, 34 (2), pp. 405-412. , DOI 10.1093/ije/dyh414",
                 dict(year=2005, journal="International Journal of Epidemiology", pages="405-412",
                      doi="10.1093/ije/dyh414"), id="doi-in-the-extra-part"),
    pytest.param("Martin, J.J.D., Trends in childhood and adolescent obesity prevalence in Oviedo (Asturias, Spain) "
                 "1992-2006 (2008) Acta Paediatrica, International Journal of Paediatrics, 97 (7), pp. 955-958",
                 dict(families=["Martin"], year=2008, journal="Acta Paediatrica, International Journal of "
                      "Paediatrics", volume="97", issue="7"), id="comma-in-source"),
    pytest.param("Laan Der Van, D.C., YBCO coated conductor cabling (2009) Supercond. Sci. Technol., 22 (6). , Apr",
                 dict(families=["Laan Der Van"], volume="22", issue="6", pages=None), id="compound-family-no-pages"),
    pytest.param("Sze, S.M., (1981) Physics of Semiconductor Devices, , Wiley, New York",
                 dict(title="Physics of Semiconductor Devices", journal=None, year=1981), id="book"),
    pytest.param("(1990) Treatment of Early Breast Cancer, Vol 1: Worldwide Evidence 1985-1990, 1. , Oxford",
                 dict(families=[], year=1990), id="no-author"),
    pytest.param("Reich, S.", dict(families=["Reich"], year=None, title=None), id="author-only"),
]


@pytest.mark.parametrize("text, expected", SCOPUS_REFERENCES)
def test_scopus_reference_parser(text, expected):
    work = scopus.parse_scopus_reference(text)
    assert work.raw == text
    for key, value in expected.items():
        if key == "families":
            assert [a.family for a in work.authors] == value
        else:
            assert getattr(work, key) == value, key


# -- sniffing ---------------------------------------------------------------------------

ALL_FIXTURES = sorted(p for p in FIXTURES.glob("*/*") if p.is_file() and p.name != "MANIFEST.md") + \
    sorted(FIXTURES.glob("pubmed_page/*/*"))


def _head(path: Path) -> str:
    return path.read_bytes()[:65536].decode("utf-8-sig", errors="replace")


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name.split('__')[-1]}")
def test_sniff_claims_only_scopus(path):
    is_scopus = path.name.endswith(("resources_scopus.csv", "scopus_testing.csv.scopus"))
    assert scopus.sniff(_head(path)) is is_scopus


@pytest.mark.parametrize("name", ["ieee.csv", "springer.csv", "openalex_sample.csv"])
def test_other_vendors_csv_is_not_scopus(name):
    paths = fixture_files("wos_scopus", f"*{name}")
    if not paths:
        pytest.skip("the fixtures live in ../shared beside the repository")
    assert not scopus.sniff(_head(paths[0]))


def test_sniff_rejects_the_pubmed_page_seed_and_accepts_the_new_layout():
    seed = Path(__file__).resolve().parents[2] / "examples" / "pubmed-page-eur-spine-j-2025.txt"
    if not seed.exists():
        seed = shared_file("seed/pubmed-page-eur-spine-j-2025.txt")
    assert not scopus.sniff(seed.read_text(encoding="utf-8"))
    new = (DATA / "text-scopus-2023-layout.csv").read_text(encoding="utf-8-sig")
    assert scopus.sniff(new) and detect_format(new).NAME == "scopus-csv"


# -- encodings ---------------------------------------------------------------------------

