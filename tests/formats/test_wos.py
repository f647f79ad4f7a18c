"""The Web of Science reader: plain text and tab-delimited exports, and the cited reference parser."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import FIXTURES, fixture_files, shared_file  # noqa: E402

from citegraph.formats import wos  # noqa: E402
from citegraph.model import Record, Skipped  # noqa: E402
from citegraph.resolve.identifiers import normalize_doi, normalize_pmid  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
WOS = "fixtures/wos_scopus/networks-lab__metaknowledge__"


def read(path: Path) -> list[Record | Skipped]:
    with open(path, "rb") as stream:
        return list(wos.read(stream, str(path)))


def records_of(items):
    return [item for item in items if isinstance(item, Record)]


def skipped_of(items):
    return [item for item in items if isinstance(item, Skipped)]


# -- an independent reading of the raw file: records end at "ER", CR entries are
#    the CR line and the three-space lines right after it

def raw_records(text: str) -> list[list[str]]:
    """The lines of each record of a plain text export, split at its ER lines."""
    records, current = [], []
    for line in text.lstrip("\ufeff").splitlines():
        if line.rstrip() == "ER":
            records.append(current)
            current = []
        elif line[:2] not in ("FN", "VR", "EF") or current:
            if line.strip():
                current.append(line)
    return records


def raw_cited(lines: list[str]) -> list[str]:
    cited, inside = [], False
    for line in lines:
        if line.startswith("CR "):
            inside = True
            cited.append(line[3:].strip())
        elif inside and line.startswith("   "):
            cited.append(line[3:].strip())
        else:
            inside = False
    return cited


def raw_dois(entry: str) -> list[str]:
    """The DOIs after ", DOI ": one, or a bracketed list ("DOI [10.1/a, DOI 10.1/b]")."""
    if ", DOI " not in entry:
        return []
    part = re.sub(r"^(?:DOI )+", "", entry.split(", DOI ", 1)[1])
    pieces = part[1:].rstrip("]").split(", ") if part.startswith("[") else [part.split(", ")[0]]
    return [d for p in pieces if (d := normalize_doi(re.sub(r"^(?:DOI )+", "", p)))]


def raw_field(lines: list[str], tag: str) -> str | None:
    return next((line[3:].strip() for line in lines if line.startswith(tag + " ")), None)


# -- counts: the MANIFEST's, and the file's own -------------------------------------

# file → records and references per MANIFEST.md, then the record numbers this reader
# reports as Skipped (the MANIFEST counts them: its numbers are the file's raw counts)
MANIFEST = {
    "docs_examples_savedrecs.txt": (32, 958, set()),
    "metaknowledge_tests_ManyAuthors.isi": (500, 40321, set()),
    "metaknowledge_tests_OnePaper.isi": (1, 45, set()),
    "metaknowledge_tests_OnePaper2.isi": (1, 23, set()),
    "metaknowledge_tests_OnePaperNoCites.isi": (1, 0, set()),
    "metaknowledge_tests_SimplePaper.isi": (1, 1, set()),
    "metaknowledge_tests_TwoPaper.isi": (2, 27, set()),
    # record 1: its CR tag line was lost, so 104 references stand under C1 and CR holds 1
    "metaknowledge_tests_badFile.isi": (32, 855, {1}),
    # the same record 1, and record 6, whose line "AUGilles, H" is no field line
    "metaknowledge_tests_testFile.isi": (34, 883, {1, 6}),
    "tests_data_example_wos.ris": (2, 145, set()),  # a WoS plain text export named .ris
}
FILES = [p for p in fixture_files("wos_scopus", "*.isi") + fixture_files("wos_scopus", "*savedrecs.txt")
         + fixture_files("ris_bibtex", "*example_wos.ris")]


def _short(path: Path) -> str:
    return path.name.split("__")[-1]


@pytest.mark.parametrize("path", FILES, ids=_short)
def test_counts_match_the_manifest_and_the_file(path):
    manifest_records, manifest_references, damaged = MANIFEST[_short(path)]
    text = path.read_text(encoding="utf-8-sig")
    raw = raw_records(text)
    per_record = [len(raw_cited(lines)) for lines in raw]
    assert (len(raw), sum(per_record)) == (manifest_records, manifest_references)

    items = read(path)
    records = records_of(items)
    skipped_records = {s.source.index for s in skipped_of(items) if s.source.index is not None}
    assert skipped_records == damaged
    assert len(records) == manifest_records - len(damaged)
    assert sum(len(r.references) for r in records) == \
        sum(n for i, n in enumerate(per_record, 1) if i not in damaged)
    assert [r.source.index for r in records] == [i for i in range(1, len(raw) + 1) if i not in damaged]


@pytest.mark.parametrize("path", FILES, ids=_short)
def test_every_doi_and_pmid_is_kept(path):
    text = path.read_text(encoding="utf-8-sig")
    items = read(path)
    damaged = {s.source.index for s in skipped_of(items)}
    raw = [lines for i, lines in enumerate(raw_records(text), 1) if i not in damaged]
    records = records_of(items)
    references = [w for r in records for w in r.references]

    # the first DOI of each cited reference is its doi; a DOI list's others stay readable
    first_dois, all_dois = set(), set()
    for lines in raw:
        for entry in raw_cited(lines):
            found = raw_dois(entry)
            if found:
                first_dois.add(found[0])
                all_dois.update(found)
    assert {w.doi for w in references if w.doi} == first_dois
    kept = {w.doi for w in references if w.doi} | {d for w in references for d in wos.cited_reference_dois(w.raw)}
    assert all_dois <= kept

    # the records' own identifiers
    assert {r.work.doi for r in records if r.work.doi} == \
        {normalize_doi(d) for lines in raw if (d := raw_field(lines, "DI"))} - {None}
    assert {r.work.pmid for r in records if r.work.pmid} == \
        {normalize_pmid(p) for lines in raw if (p := raw_field(lines, "PM"))} - {None}


# -- exact fields ---------------------------------------------------------------------

def test_two_paper_fields():
    first, second = records_of(read(shared_file(WOS + "metaknowledge_tests_TwoPaper.isi")))
    w = first.work
    assert w.title == "Supervenience and causation: A probabilistic approach"
    assert [(a.name, a.family, a.given) for a in w.authors] == [("Kim, S", "Kim", "S")]
    assert (w.journal, w.year, w.month, w.volume, w.issue, w.pages) == ("SYNTHESE", 2000, "Mar", "122", "3", "245-259")
    assert w.doi == "10.1023/a:1005282128866"
    assert w.publication_types == ("Article",)
    assert (w.publisher, w.place) == ("KLUWER ACADEMIC PUBL", "DORDRECHT")
    assert w.abstract.startswith("It is often argued that if a mental property supervenes")
    assert first.source.line == 3 and first.source.format == "wos"
    assert len(first.references) == 13
    enc = first.references[1]
    assert (enc.raw, enc.authors[0].family, enc.year, enc.journal, enc.volume, enc.pages, enc.doi) == (
        "ENC B, 1983, J PHILOS, V80, P279, DOI 10.2307/2026499", "ENC", 1983, "J PHILOS", "80", "279",
        "10.2307/2026499")
    # "DOI DOI 10.2307/3130081": the doubled label WoS sometimes prints
    assert first.references[8].doi == "10.2307/3130081"
    assert second.work.keywords == ("CAUSALITY",)
    assert second.work.title == "Physical process theories and token-probabilistic causation"


def test_simple_paper_without_header_lines():
    [record] = records_of(read(shared_file(WOS + "metaknowledge_tests_SimplePaper.isi")))
    w = record.work
    assert (w.title, w.journal, w.year, w.month) == ("Example Paper", "TOPICS IN COGNITIVE SCIENCE", 2015, "Apr")
    assert [(a.family, a.given) for a in w.authors] == [("John", "Doe")]  # AF is preferred to AU
    assert w.keywords == ("Example", "testing", "REAL", "TIME")
    assert [r.raw for r in record.references] == ["John D., 1999, TOPICS IN COGNITIVE SCIENCE"]


def test_many_authors_first_record():
    first = records_of(read(shared_file(WOS + "metaknowledge_tests_ManyAuthors.isi")))[0]
    assert [a.family for a in first.work.authors[:2]] == ["Roach", "Hanks"]
    assert first.source.index == 1 and first.source.line == 3


# -- the cited reference parser, on real CR strings --------------------------------------

CITED = [
    pytest.param("Patchell RA, 2005, LANCET, V366, P643, DOI 10.1016/S0140-6736(05)66954-1",
                 dict(family="Patchell", given="RA", year=2005, journal="LANCET", volume="366", pages="643",
                      doi="10.1016/s0140-6736(05)66954-1"), id="plain"),
    pytest.param("Holmes DR, 2010, J AM COLL CARDIOL, V56, P1357, "
                 "DOI [10.1016/j.jacc.2010.07.016, 10.1016/j.jacc.2009.07.016]",
                 dict(family="Holmes", year=2010, journal="J AM COLL CARDIOL", volume="56", pages="1357",
                      doi="10.1016/j.jacc.2010.07.016"), id="doi-list"),
    pytest.param("Kovacic JC, 2011, CATHETER CARDIOVASC, DOI [10.1002/ccd.22929, DOI 10.1002/CCD.22929]",
                 dict(family="Kovacic", year=2011, journal="CATHETER CARDIOVASC", volume=None, pages=None,
                      doi="10.1002/ccd.22929"), id="doi-list-same-doi-twice"),
    pytest.param("Kim J., 1989, P ADDRESSES AM PHILO, V63, P31, DOI DOI 10.2307/3130081",
                 dict(family="Kim", given="J.", year=1989, volume="63", pages="31", doi="10.2307/3130081"),
                 id="doi-label-doubled"),
    pytest.param("[Anonymous], 1968, PHYS REV, V171, P1385",
                 dict(family=None, year=1968, journal="PHYS REV", volume="171", pages="1385"), id="anonymous"),
    pytest.param("[Anonymous], PROTECT 2 PROSPECTIV",
                 dict(family=None, year=None, journal="PROTECT 2 PROSPECTIV"), id="anonymous-no-year"),
    pytest.param("Fodor J.A., 1997, PHILOS PERSPECTIVES, P149",
                 dict(family="Fodor", year=1997, journal="PHILOS PERSPECTIVES", volume=None, pages="149"),
                 id="no-volume"),
    pytest.param("Eells E, 1991, PROBABILISTIC CAUSAL",
                 dict(family="Eells", given="E", year=1991, journal="PROBABILISTIC CAUSAL", volume=None, pages=None),
                 id="book"),
    pytest.param("Hausman Daniel, 1998, CAUSAL ASYMMETRIES",
                 dict(family="Hausman", given="Daniel", year=1998, journal="CAUSAL ASYMMETRIES"),
                 id="book-full-given-name"),
    pytest.param("1988, J AM COLL CARDIOL, V12, P529",
                 dict(family=None, year=1988, journal="J AM COLL CARDIOL", volume="12", pages="529"), id="no-author"),
    pytest.param("POSTMES T, REDISCOVERI IN PRESS",
                 dict(family="POSTMES", year=None, journal="REDISCOVERI IN PRESS"), id="in-press-no-year"),
    pytest.param("EuroQol Group, 1990, HLTH POLICY, V16, P199, DOI DOI 10.1016/0168-8510(90)90421-9",
                 dict(group="EuroQol Group", year=1990, journal="HLTH POLICY", volume="16", pages="199",
                      doi="10.1016/0168-8510(90)90421-9"), id="group-author"),
    pytest.param("DOI K, 1990, HEARING RES, V45, P157, DOI 10.1016/0378-5955(90)90192-R",
                 dict(family="DOI", given="K", year=1990, journal="HEARING RES", volume="45", pages="157",
                      doi="10.1016/0378-5955(90)90192-r"), id="author-named-doi"),
    pytest.param("Adams HP, 2007, CIRCULATION, V115, pE478, DOI 10.1161/CIRCULATIONAHA.107.181486",
                 dict(family="Adams", year=2007, volume="115", pages="E478",
                      doi="10.1161/circulationaha.107.181486"), id="electronic-page"),
    pytest.param("THORNBER KK, 1973, PHYS LETT A, VA 43, P501, DOI 10.1016/0375-9601(73)90012-1",
                 dict(family="THORNBER", journal="PHYS LETT A", volume="A 43", pages="501"), id="lettered-volume"),
    pytest.param("Levetan Claresa S, 2004, Endocr Pract, V10 Suppl 2, P34",
                 dict(family="Levetan", given="Claresa S", journal="Endocr Pract", volume="10 Suppl 2", pages="34"),
                 id="supplement-volume"),
    pytest.param("Costa de Beauregard O., 1972, Comptes Rendus Hebdomadaires des Seances de l'Academie des "
                 "Sciences, Serie B (Sciences Physiques), V274",
                 dict(family="Costa de Beauregard", given="O.", year=1972, volume="274",
                      journal="Comptes Rendus Hebdomadaires des Seances de l'Academie des Sciences, "
                              "Serie B (Sciences Physiques)"), id="particle-surname-and-comma-in-source"),
    pytest.param("Cox D, 1984, ANAL SURVIVAL DATA, DOI Boca Raton, FL",
                 dict(family="Cox", year=1984, journal="ANAL SURVIVAL DATA", doi=None), id="doi-label-without-doi"),
]


@pytest.mark.parametrize("text, expected", CITED)
def test_cited_reference_parser(text, expected):
    work = wos.parse_cited_reference(text)
    assert work.raw == text and work.title is None
    author = work.first_author
    for key, value in expected.items():
        if key == "family":
            assert (author.family if author else None) == value
        elif key == "given":
            assert author.given == value
        elif key == "group":
            assert author.is_group and author.name == value
        else:
            assert getattr(work, key) == value, key


def test_fast_and_general_readings_agree_on_every_real_cited_reference():
    """The one-pattern fast path reads every CR string of the fixtures as the slot parser does."""
    if not FILES:
        pytest.skip("the fixtures live in ../shared beside the repository")
    seen = 0
    for path in FILES:
        for lines in raw_records(path.read_text(encoding="utf-8-sig")):
            for entry in raw_cited(lines):
                body = " ".join(entry.split())
                assert wos._cited_reference_fields(entry, wos._cr_author) == \
                    wos._general_fields(entry.strip(), body, wos._cr_author), entry
                seen += 1
    assert seen > 40000


# -- damaged files ------------------------------------------------------------------------

def test_bad_file_reads_every_good_record_and_names_the_bad_lines():
    path = shared_file(WOS + "metaknowledge_tests_badFile.isi")
    items = read(path)
    records, skipped = records_of(items), skipped_of(items)
    assert len(records) == 31 and [r.source.index for r in records] == list(range(2, 33))
    damaged, no_end = skipped
    assert (damaged.source.index, damaged.source.line) == (1, 3)
    assert "NR says 104" in damaged.reason and "line 118" in damaged.reason
    assert no_end.source.index is None and no_end.source.line == len(path.read_text().splitlines())
    assert "without EF" in no_end.reason
    assert items[0] is damaged  # reported where it stands


def test_a_line_that_is_no_field_skips_its_record_only():
    items = read(shared_file(WOS + "metaknowledge_tests_testFile.isi"))
    bad = [s for s in skipped_of(items) if s.source.index == 6]
    assert len(bad) == 1 and bad[0].source.line == 415
    assert "line 416" in bad[0].reason and "AUGilles" in bad[0].reason
    assert len(records_of(items)) == 32


@pytest.mark.parametrize("text, reason", [
    pytest.param("PT J\nAU Kim, S\nTI One\nTI Two\nER\n", "field TI appears twice (lines 3 and 4)", id="tag-twice"),
    pytest.param("PT J\nTI One\n", "the file ends inside this record", id="no-er-at-end"),
    pytest.param("PT J\nTI One\nPT J\nTI Two\nER\n", "no ER before line 3", id="no-er-before-next-record"),
    pytest.param("PT J\nTI One\nCR A B, 2000, X\nNR 2\nER\n", "NR says 2 cited references but CR (line 3) holds 1",
                 id="nr-contradicts-cr"),
])
def test_broken_records_are_skipped_with_a_reason(text, reason):
    items = list(wos.parse(text, "t.isi"))
    assert reason in skipped_of(items)[0].reason


def test_cited_reference_count_without_cr_is_not_damage():
    # an export without cited references keeps NR: OnePaperNoCites
    [record] = records_of(read(shared_file(WOS + "metaknowledge_tests_OnePaperNoCites.isi")))
    assert record.references == ()


def test_empty_input_reads_nothing():
    assert list(wos.parse("", "empty.isi")) == []
    assert list(wos.parse("\n\n", "blank.isi")) == []


# -- the tab-delimited export -----------------------------------------------------------------

def test_tab_delimited_utf16_export():
    items = read(DATA / "text-wos-tab-delimited-utf16.txt")
    first, second = records_of(items)
    w = first.work
    assert [(a.family, a.given) for a in w.authors] == [("Lindqvist", "Anna"), ("Okafor", "Chinedu N.")]
    assert (w.year, w.month, w.pages, w.doi, w.pmid) == (2021, "Mar", "101-109", "10.5555/test.2021.001", "33000001")
    assert w.keywords == ("citation analysis", "test data", "NETWORKS")
    assert [r.doi for r in first.references] == ["10.1016/s0140-6736(05)66954-1", None, "10.1016/j.jacc.2010.07.016"]
    assert first.source.line == 2 and second.source.line == 3
    assert second.work.authors[0].given == "Jörg" and second.work.pages == "e1002"


def test_tab_delimited_row_with_missing_columns_is_skipped():
    text = "PT\tAU\tTI\tPY\tUT\nJ\tKim, S\tOne\t2000\tWOS:1\nJ\tLee, J\tcut short\n"
    items = list(wos.parse(text, "t.txt"))
    assert len(records_of(items)) == 1
    assert skipped_of(items)[0].source.line == 3 and "3 columns" in skipped_of(items)[0].reason


# -- sniffing ------------------------------------------------------------------------------

ALL_FIXTURES = sorted(p for p in FIXTURES.glob("*/*") if p.is_file() and p.suffix != ".gz") + \
    sorted(FIXTURES.glob("pubmed_page/*/*"))


def _head(path: Path) -> str:
    data = path.read_bytes()[:65536]
    return data.decode("utf-8-sig", errors="replace")


@pytest.mark.parametrize("path", [p for p in ALL_FIXTURES if p.name != "MANIFEST.md"],
                         ids=lambda p: f"{p.parent.name}/{_short(p)}")
def test_sniff_claims_only_web_of_science_exports(path):
    is_wos = path.suffix == ".isi" or path.name.endswith(("savedrecs.txt", "example_wos.ris"))
    assert wos.sniff(_head(path)) is is_wos


def test_sniff_accepts_the_tab_delimited_header():
    assert wos.sniff((DATA / "text-wos-tab-delimited-utf16.txt").read_text(encoding="utf-16"))


# -- encodings, line ends, gzip, detection ---------------------------------------------------------

