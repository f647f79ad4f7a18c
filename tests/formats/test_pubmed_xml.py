"""The PubMed XML reader: the real fixtures counted and checked against the files, invented cases, safety."""

from __future__ import annotations

import gzip
import http.server
import io
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import fixture_files, shared_file  # noqa: E402

from citegraph.errors import InputError  # noqa: E402
from citegraph.formats import detect_format, jats, open_input, pubmed_xml, read_records, sniff_encoding  # noqa: E402
from citegraph.formats._xmlfields import collapse_space  # noqa: E402
from citegraph.model import Author, Record, Skipped, Source  # noqa: E402
from citegraph.resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
CASES = DATA / "xml-pubmed-cases.xml"
FILES = fixture_files("pubmed_xml", "*.xml")
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def fixture(name: str) -> Path:
    return shared_file(f"fixtures/pubmed_xml/{name}")


def manifest_counts(relative: str) -> tuple[int, int]:
    """(records, references) of a fixture, as ../shared/fixtures/MANIFEST.md states them."""
    text = shared_file("fixtures/MANIFEST.md").read_text(encoding="utf-8")
    m = re.search(rf"^\| `{re.escape(relative)}` \| \d+ \| (\d+) \| (\d+) \|", text, re.M)
    assert m, f"{relative} is not in MANIFEST.md"
    return int(m.group(1)), int(m.group(2))


def read_all(path: Path) -> list[Record | Skipped]:
    return list(read_records([str(path)]))


def records_of(path: Path) -> list[Record]:
    out = read_all(path)
    assert not [x for x in out if isinstance(x, Skipped)], [str(x) for x in out if isinstance(x, Skipped)]
    return out  # type: ignore[return-value]


def file_records(path: Path) -> list[etree._Element]:
    """The record elements of a file, found with a plain lxml parse (not the reader)."""
    root = etree.parse(str(path), _SAFE).getroot()
    return [e for e in root if e.tag in ("PubmedArticle", "PubmedBookArticle")]


def file_references(record: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """A record's ``Reference`` elements (nested lists too) and its new ``Cites`` entries."""
    references = list(record.iter("Reference"))
    listed = {(r.findtext("ArticleIdList/ArticleId[@IdType='pubmed']") or "").strip() for r in references}
    cites = [c for c in record.iter("CommentsCorrections") if c.get("RefType") == "Cites"
             and (c.findtext("PMID") or "").strip() not in listed]
    return references, cites


# -- the real fixtures -------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_record_and_reference_counts_match_the_manifest_and_the_file(path):
    records = records_of(path)
    manifest_records, manifest_references = manifest_counts(f"pubmed_xml/{path.name}")
    in_file = file_records(path)
    assert len(records) == manifest_records == len(in_file)
    listed = cited = 0
    for record, element in zip(records, in_file):
        references, cites = file_references(element)
        listed += len(references)
        cited += len(cites)
        # ReferenceList entries first, in order, raw = the Citation; then the Cites, raw = RefSource
        assert [w.raw for w in record.references] == \
            [" ".join("".join(r.find("Citation").itertext()).split()) for r in references] + \
            [" ".join(c.findtext("RefSource").split()) for c in cites]
    assert listed == manifest_references
    assert sum(len(r.references) for r in records) == manifest_references + cited


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_identifier_a_reference_carries_is_kept(path):
    records = records_of(path)
    expected: dict[str, set[str]] = {"doi": set(), "pmid": set(), "pmcid": set()}
    for record, element in zip(records, file_records(path)):
        references, cites = file_references(element)
        for work, reference in zip(record.references, references):
            for article_id in reference.iterfind("ArticleIdList/ArticleId"):
                kind = article_id.get("IdType")
                value = (article_id.text or "").strip()
                if kind == "doi":
                    assert work.doi == normalize_doi(value)
                    expected["doi"].add(normalize_doi(value))
                elif kind == "pubmed" and normalize_pmid(value):
                    assert work.pmid == value
                    expected["pmid"].add(value)
                elif kind == "pubmed":  # "0": no PMID, never "0"
                    assert work.pmid != value
                elif kind == "pmc":
                    assert work.pmcid == normalize_pmcid(value)
                    expected["pmcid"].add(normalize_pmcid(value))
        for work, cite in zip(record.references[len(references):], cites):
            assert work.pmid == normalize_pmid(cite.findtext("PMID"))
            expected["pmid"].add(work.pmid)
    found = {kind: {getattr(w, kind) for r in records for w in r.references} - {None} for kind in expected}
    for kind in expected:
        assert expected[kind] <= found[kind], kind
    assert "0" not in found["pmid"]


def test_an_article_with_cites_reads_every_field():
    record, = records_of(fixture("biopython__Tests_Entrez_pubmed4.xml"))
    work = record.work
    assert work.title == ("Leucocyte telomere length, genetic variants at the TERT gene region "
                          "and risk of pancreatic cancer")
    assert (work.journal, work.year, work.month, work.volume, work.issue, work.pages) == \
        ("Gut", 2017, "Jun", "66", "6", "1116-1122")
    assert (work.doi, work.pmid, work.pmcid) == ("10.1136/gutjnl-2016-312510", "27797938", "PMC5442267")
    assert work.authors[0] == Author("Ying Bao", "Bao", "Ying")
    assert len(work.authors) == 22
    assert work.abstract.startswith("OBJECTIVE: Telomere shortening occurs")
    assert "DESIGN: We measured" in work.abstract
    assert work.publication_types[0] == "Journal Article"
    assert record.source == Source(str(fixture("biopython__Tests_Entrez_pubmed4.xml")), "pubmed-xml",
                                   index=1, line=record.source.line)
    first = record.references[0]
    assert (first.journal, first.year, first.volume, first.issue, first.pmid, first.title) == \
        ("Stat Med", 1989, "8", "5", "2657958", None)


def test_a_book_chapter_reads_its_book_editors_and_references():
    record, = records_of(fixture("shapiromatron__hawc__TestPubMedFetch.test_book_chapter__i0.xml"))
    work = record.work
    assert work.title == "Single Large-Scale Mitochondrial DNA Deletion Syndromes"
    assert work.journal == "GeneReviews®"
    assert [a.family for a in work.authors] == ["Goldstein", "Falk"]
    assert len(work.editors) == 8 and work.editors[0] == Author("Margaret P Adam", "Adam", "Margaret P")
    assert (work.pmid, work.publisher, work.place, work.year) == \
        ("20301382", "University of Washington, Seattle", "Seattle (WA)", 1993)
    assert work.keywords.count("SLSMDS") == 1  # listed twice in the file
    assert record.references[0].pmid == "29594260" and record.references[0].pmcid == "PMC5865537"


@pytest.mark.parametrize("name, title", [
    ("shapiromatron__hawc__TestPubMedFetch.test_title_with_child_text__i0.xml",
     "Phoenix dactylifera mediated green synthesis of Cu2O particles for arsenite uptake from water"),
    ("shapiromatron__hawc__TestPubMedFetch.test_multiquery__i1.xml",
     "Design logic of a cannabinoid receptor signaling network that triggers neurite outgrowth"),
], ids=["inline-markup-flattened", "closing-period-dropped"])
def test_titles_are_text_without_markup_or_closing_period(name, title):
    assert records_of(fixture(name))[0].work.title == title


def test_a_collective_author_is_a_group_author():
    record, = records_of(fixture("shapiromatron__hawc__TestPubMedFetch.test_collective_author__i0.xml"))
    assert record.work.title == "Nitrofen"
    group = [a for a in record.work.authors if a.is_group]
    assert group and group[0].name == "National Toxicology Program"


def test_medline_pages_are_expanded_and_labelled_abstracts_kept():
    records = records_of(fixture("shapiromatron__hawc__TestPubMedFetch.test_utf8__i0.xml"))
    first = records[0].work
    assert (first.pages, first.doi, first.pmid) == ("793-798", "10.3290/j.qi.a30176", "23878845")
    assert first.abstract.startswith("OBJECTIVES: Evaluation of postoperative sensitivity")
    assert "METHOD AND MATERIALS: Thirty participants" in first.abstract
    assert "(α = .05)" in first.abstract
    structured = records_of(fixture("shapiromatron__hawc__TestPubMedFetch.test_structured_abstract__i0.xml"))
    assert structured[0].work.authors[1] == Author("Verónica M Vieira", "Vieira", "Verónica M")


# -- invented cases the fixtures lack ----------------------------------------

@pytest.fixture(scope="module")
def cases() -> list[Record]:
    out = list(read_records([str(CASES)]))
    assert all(isinstance(x, Record) for x in out), out
    return out  # type: ignore[return-value]


def test_cases_medline_date_collective_name_invalid_author_and_elocation_doi(cases):
    work = cases[0].work
    assert work.title == "Ca2+ signalling in Escherichia coli under stress"
    assert (work.year, work.month) == (1998, "Dec")  # MedlineDate "1998 Dec-1999 Jan"
    assert work.journal == "Journal of Invented Results"  # no ISOAbbreviation: the Title
    assert (work.volume, work.issue, work.pages) == ("12", "4", "1499-1502")
    assert (work.doi, work.pmid, work.pmcid) == ("10.9999/citegraph.xml.0101", "99000101", "PMC9900101")
    assert work.authors == (Author("Marta Kowalska", "Kowalska", "Marta"), Author("J Berg Jr", "Berg", "J"),
                            Author("Invented Calcium Study Group", None, None))
    assert work.abstract == "BACKGROUND: Calcium is everywhere. RESULTS: It is also in E. coli."
    assert work.keywords == ("calcium", "E. coli")
    assert work.publication_types == ("Journal Article", "Review")
    assert cases[0].source == Source(str(CASES), "pubmed-xml", index=1, line=5)


def test_cases_nested_reference_lists_zero_pmid_and_cites(cases):
    references = cases[0].references
    assert [w.raw for w in references] == [
        "Boyer LA, et al. Nature. 2006 May 18;441:349.",
        "Lee TI, et al. Cell. 2006 Apr 21;125:301.",
        "Smith J, Jones K. A nested reference. J Biol Chem. 1999;274(25):17789-93.",  # in a nested list
        "Deeply nested only by its text. Proc Invented Soc. 2001;3:4-9.",  # two lists deep
        "Gone G. A reference whose PMID is zero. Lancet. 2005;366:643-8.",
        "J Natl Cancer Inst. 2014 Sep 17;106(10):null",  # the Cites not already listed
    ]
    assert [w.pmid for w in references] == ["16625203", None, "10364160", None, None, "99000109"]
    assert references[1].doi == "10.9999/citegraph.xml.ref2"
    assert references[2].pmcid == "PMC1234567"
    assert references[5].year == 2014 and references[5].pages != "null"


def test_cases_book_article(cases):
    book = cases[1]
    work = book.work
    assert (work.title, work.journal) == ("An Invented Chapter", "Invented Reviews®")
    assert work.authors == (Author("Marni J Falk", "Falk", "Marni J"),)
    assert work.editors == (Author("Margaret P Adam", "Adam", "Margaret P"),)
    assert (work.year, work.month, work.volume) == (2020, "Aug", "3")
    assert (work.publisher, work.place) == ("Invented University Press", "Seattle (WA)")
    assert (work.pmid, work.doi, work.publication_types) == ("99000102", "10.9999/citegraph.xml.book", ("Review",))
    assert [w.pmid for w in book.references] == ["25035260", None]
    assert book.source.index == 2


def test_cases_translated_title_season_and_start_end_pages(cases):
    work = cases[2].work
    assert work.title == "Translated title of an invented article"
    assert (work.year, work.month, work.journal, work.pages) == (2001, "Spring", "Rev Invent", "45-51")


def test_without_reference_parsing_references_keep_raw_and_identifiers():
    record = next(pubmed_xml.parse(CASES.read_text(encoding="utf-8"), str(CASES), parse_references=False))
    assert [(w.raw is not None, w.title, w.pmid) for w in record.references][:3] == \
        [(True, None, "16625203"), (True, None, None), (True, None, "10364160")]


def test_parse_honours_text_whatever_its_encoding_declaration_says():
    text = ('<?xml version="1.0" encoding="ISO-8859-1"?><PubmedArticleSet><PubmedArticle><MedlineCitation>'
            '<PMID>99000104</PMID><Article><ArticleTitle>Müller’s ß</ArticleTitle></Article></MedlineCitation>'
            '</PubmedArticle></PubmedArticleSet>')
    record, = pubmed_xml.parse(text)
    assert record.work.title == "Müller’s ß"


def test_a_record_that_cannot_be_read_is_skipped_and_the_others_read():
    text = ("<PubmedArticleSet>"
            "<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>One</ArticleTitle>"
            "</Article></MedlineCitation></PubmedArticle>"
            "<PubmedArticle><PubmedData/></PubmedArticle>"
            "<PubmedArticle><MedlineCitation><PMID>3</PMID><Article><ArticleTitle>Three</ArticleTitle>"
            "</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>")
    out = list(pubmed_xml.parse(text, "x.xml"))
    assert [type(x).__name__ for x in out] == ["Record", "Skipped", "Record"]
    assert out[1].source.index == 2 and "MedlineCitation" in out[1].reason
    assert out[2].work.pmid == "3" and out[2].source.index == 3


def test_an_empty_set_reads_nothing_and_other_xml_is_refused():
    assert list(pubmed_xml.parse("<PubmedArticleSet></PubmedArticleSet>")) == []
    with pytest.raises(InputError, match="root element is <dataset>"):
        list(pubmed_xml.parse("<dataset><sequence/></dataset>"))


# -- sniffing ------------------------------------------------------------------

def head_of(path: Path) -> str:
    with open_input(str(path)) as stream:
        data = stream.read(64 * 1024)
    return data.decode(sniff_encoding(data), errors="replace")


OTHERS = [p for folder in ("pmc_jats", "crossref_json", "medline", "ris_bibtex", "wos_scopus",
                           "reference_strings", "pubmed_page/legacy_html", "pubmed_page/legacy_text")
          for p in fixture_files(folder)]


@pytest.mark.parametrize("path", FILES + [CASES], ids=lambda p: p.name)
def test_sniff_accepts_pubmed_xml_and_detection_picks_it(path):
    assert pubmed_xml.sniff(head_of(path))
    assert detect_format(head_of(path)).NAME == "pubmed-xml"


@pytest.mark.parametrize("path", OTHERS + [p for p in sorted(DATA.glob("*")) if p != CASES], ids=lambda p: p.name)
def test_sniff_rejects_other_formats(path):
    assert not pubmed_xml.sniff(head_of(path))


# -- gzip, truncation ------------------------------------------------------------

def test_a_file_cut_in_a_record_yields_the_records_before_and_one_skipped(tmp_path):
    data = fixture("shapiromatron__hawc__TestPubmed.test_import__i0.xml").read_bytes()
    starts = [m.start() for m in re.finditer(rb"<PubmedArticle>", data)]
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[:starts[10] + 300])  # in the 11th record
    out = list(read_records([str(cut)]))
    assert [type(x).__name__ for x in out] == ["Record"] * 10 + ["Skipped"]
    skipped = out[-1]
    assert skipped.source.index == 11 and skipped.source.line is not None
    assert "not well-formed XML" in skipped.reason
    packed = tmp_path / "cut.xml.gz"  # a gzip stream cut short as well
    packed.write_bytes(gzip.compress(data)[: len(gzip.compress(data)) // 2])
    out = list(read_records([str(packed)]))
    assert isinstance(out[-1], Skipped) and all(isinstance(x, Record) for x in out[:-1]) and len(out) > 1


@pytest.mark.parametrize("hiding", ["<!-- <PubmedArticle> -->", "<![CDATA[ <PubmedArticle> ]]>"])
def test_a_record_tag_in_a_comment_or_cdata_is_not_a_record(hiding):
    # the byte scan that finds where records start, to resume after damage, must not count
    # a start tag written in a comment: every later record would be one place off
    def article(pmid, title):
        return (f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><ArticleTitle>{title}"
                "</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n")
    wrapped = hiding if hiding.startswith("<!--") else f"<x>{hiding}</x>"
    doc = ('<?xml version="1.0"?>\n<PubmedArticleSet>\n' + article(1, "One") + wrapped + "\n"
           + article(2, "Two") + article(3, "Broken <<") + article(4, "Four") + "</PubmedArticleSet>\n")
    out = list(pubmed_xml.read(io.BytesIO(doc.encode()), "hidden.xml"))
    assert [x.work.pmid if isinstance(x, Record) else "skipped" for x in out] == ["1", "2", "skipped", "4"]
    assert out[2].source.index == 3 and out[2].source.line == 6


def test_a_gz_cut_after_a_damaged_record_says_so(tmp_path):
    # record 2 is broken, and the .gz ends inside it: the damage is reported, and so is the
    # end of the stream, which used to pass in silence
    import random

    def article(pmid, title, abstract=""):
        return (f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><ArticleTitle>{title}"
                f"</ArticleTitle><Abstract><AbstractText>{abstract}</AbstractText></Abstract></Article>"
                "</MedlineCitation></PubmedArticle>\n")
    rng = random.Random(1)
    noise = " ".join(f"{rng.getrandbits(32):x}" for _ in range(40000))  # does not compress away
    doc = ('<?xml version="1.0"?>\n<PubmedArticleSet>\n' + article(1, "One") + article(2, "Broken <<", noise)
           + article(3, "Three") + "</PubmedArticleSet>\n").encode()
    packed = gzip.compress(doc)
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    out = list(read_records([str(cut)]))
    assert isinstance(out[0], Record) and out[0].work.pmid == "1"
    assert [type(x).__name__ for x in out[1:]] == ["Skipped", "Skipped"]
    assert out[1].source.index == 2 and "not well-formed XML" in out[1].reason
    assert out[2].source.index == 3 and out[2].reason.startswith("cannot be read further (")


@pytest.mark.parametrize("chunk", [None, 700])
def test_an_undefined_entity_costs_its_record_only(chunk, monkeypatch):
    # with no DTD, "&lol;" breaks the XML; libxml2 then also logs "Start tag expected" at line 1,
    # and lxml raised that one: taken for the place of the break, it stopped the reading there
    if chunk:
        monkeypatch.setattr(pubmed_xml, "_CHUNK", chunk)

    def article(pmid, title):
        return (f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><ArticleTitle>{title}"
                f"</ArticleTitle><Abstract><AbstractText>{'Words of an abstract. ' * 30}</AbstractText>"
                "</Abstract></Article></MedlineCitation></PubmedArticle>\n")
    records = [article(n, "Broken &lol; title" if n == 150 else f"Title {n}") for n in range(1, 201)]
    doc = '<?xml version="1.0"?>\n<PubmedArticleSet>\n' + "".join(records) + "</PubmedArticleSet>\n"
    assert len(doc) > 2 * pubmed_xml._CHUNK  # the break comes in a later chunk than the first
    with pytest.raises(InputError):  # errors logged by an earlier parser are not this one's
        list(pubmed_xml.parse("<PubmedArticleSet><PubmedArticle>&x;</PubmedArticleSet>"))
    out = list(pubmed_xml.parse(doc, "entity.xml"))
    assert [x.work.pmid for x in out if isinstance(x, Record)] == [str(n) for n in range(1, 201) if n != 150]
    (skipped,) = [x for x in out if isinstance(x, Skipped)]
    assert skipped.source.index == 150 and skipped.source.line == 152  # declaration, set, 149 records
    assert "Entity 'lol' not defined" in skipped.reason


def test_a_file_broken_before_its_first_record_is_unusable(tmp_path):
    data = fixture("biopython__Tests_Entrez_pubmed1.xml").read_bytes()
    head = data[: data.index(b"</PubmedArticle>") - 50]
    with pytest.raises(InputError, match="not well-formed XML"):
        list(pubmed_xml.read(io.BytesIO(head), "cut.xml"))
    cut = tmp_path / "cut.xml"
    cut.write_bytes(head)
    out = list(read_records([str(cut)]))
    assert len(out) == 1 and isinstance(out[0], Skipped) and "not well-formed XML" in out[0].reason


# -- entities are never expanded, nothing is fetched --------------------------------

_LOL = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))


def _doc(doctype: str, title: str) -> str:
    return (f'<?xml version="1.0"?>\n{doctype}\n<PubmedArticleSet><PubmedArticle><MedlineCitation>'
            f"<PMID>99000105</PMID><Article><ArticleTitle>A {title} b</ArticleTitle></Article>"
            "</MedlineCitation></PubmedArticle></PubmedArticleSet>")


@pytest.fixture
def http_server():
    """A server on the loopback address that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY remote "FETCHED-REMOTELY">')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("case", ["billion-laughs", "external-file-entity", "external-http-entity",
                                  "external-http-dtd", "external-parameter-entity"])
def test_entities_are_never_expanded_and_nothing_is_fetched(case, http_server, tmp_path):
    url, hits = http_server
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FROM-DISK")
    doctype, title = {
        "billion-laughs": (f"<!DOCTYPE PubmedArticleSet [{_LOL}]>", "&lol9;"),
        "external-file-entity": (f'<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "{secret.as_uri()}">]>', "&x;"),
        "external-http-entity": (f'<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "{url}/e">]>', "&x;"),
        "external-http-dtd": (f'<!DOCTYPE PubmedArticleSet SYSTEM "{url}/dtd">', "&remote;"),
        "external-parameter-entity": (f'<!DOCTYPE PubmedArticleSet [<!ENTITY % p SYSTEM "{url}/p"> %p;]>',
                                      "&remote;"),
    }[case]
    result: list = []

    def run() -> None:
        try:
            result.extend(pubmed_xml.parse(_doc(doctype, title), "evil.xml"))
        except InputError as exc:  # refusing the file is fine too
            result.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "reading hung"
    assert hits == []
    assert len(result) == 1
    if isinstance(result[0], Record):
        assert result[0].work.title == "A b"
    else:
        assert isinstance(result[0], (InputError, Skipped))
    text = repr(result)
    assert "lollol" not in text and "SECRET-FROM-DISK" not in text and "FETCHED-REMOTELY" not in text


# -- memory stays bounded --------------------------------------------------------

_PEAK = """
import resource, sys
from citegraph.formats import open_input, pubmed_xml
n = 0
with open_input(sys.argv[1]) as stream:
    for record in pubmed_xml.read(stream, sys.argv[1], parse_references=False):
        n += 1
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_memory_stays_bounded_however_large_the_file(tmp_path):
    record = file_records(fixture("shapiromatron__hawc__TestPubMedFetch.test_standard_query__i0.xml"))[0]
    one = etree.tostring(record)
    peaks = {}
    for megabytes in (8, 48):
        path = tmp_path / f"big-{megabytes}.xml"
        copies = megabytes * 1_000_000 // len(one) + 1
        with open(path, "wb") as out:
            out.write(b"<PubmedArticleSet>\n")
            for _ in range(copies):
                out.write(one)
            out.write(b"</PubmedArticleSet>\n")
        result = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True,
                                cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=600)
        assert result.returncode == 0, result.stderr
        count, peak_mb = map(int, result.stdout.split())
        assert count == copies
        peaks[megabytes] = peak_mb
    # six times the input, and the peak grows by less than a fifth of the difference (a tree kept
    # whole would take several times the file's size)
    assert peaks[48] - peaks[8] < 8, peaks


# -- elements never read are cut before parsing ---------------------------------

_XML_INPUTS = (fixture_files("pubmed_xml", "*.xml") + fixture_files("pmc_jats", "*.nxml")
               + [DATA / "xml-pubmed-cases.xml", DATA / "xml-jats-articleset.xml"])


def _read_with(monkeypatch, path: Path, *, cut: bool, chunk: int | None = None) -> list:
    module = jats if path.suffix == ".nxml" or "jats" in path.name else pubmed_xml
    with monkeypatch.context() as patch:
        if not cut:
            patch.setattr(module, "_UNREAD", ())
        if chunk:
            patch.setattr(pubmed_xml, "_CHUNK", chunk)
        with open(path, "rb") as stream:
            return list(module.read(stream, str(path)))


@pytest.mark.parametrize("path", _XML_INPUTS, ids=lambda p: p.name)
def test_cutting_unread_elements_changes_nothing_that_is_read(path, monkeypatch):
    whole = _read_with(monkeypatch, path, cut=False)
    assert whole and all(isinstance(x, Record) for x in whole)
    assert _read_with(monkeypatch, path, cut=True) == whole
    # small chunks: elements open at a chunk's end are held back, start tags split between chunks
    for chunk in (997, 4096):
        assert _read_with(monkeypatch, path, cut=True, chunk=chunk) == whole, chunk


def test_the_fixtures_do_lose_most_of_their_unread_bytes():
    # without this, the test above could pass with a cutter that never cuts
    paths = fixture_files("pmc_jats", "*.nxml")
    if not paths:
        pytest.skip("../shared/fixtures/pmc_jats is absent")
    before = after = 0
    for path in paths:
        data = path.read_bytes()
        cutter = pubmed_xml._Cutter(jats._UNREAD, ("article",), jats._GUARDS)
        fed = b"".join(cutter.feed(data[i:i + 4096]) for i in range(0, len(data), 4096)) + cutter.close()
        assert fed.count(b"\n") == data.count(b"\n"), path.name
        before, after = before + len(data), after + len(fed)
    assert after < 0.6 * before, (before, after)


def _cut_whole(names, data: bytes, record_tags=("article",), guards=()) -> bytes:
    cutter = pubmed_xml._Cutter(names, record_tags, guards)
    return cutter.feed(data) + cutter.close()


@pytest.mark.parametrize("inside", [
    "<!-- </body> -->", "<![CDATA[ </body> ]]>", "<!-- a comment -->",
    "<ref-list><ref id='r1'/></ref-list>", "<ref id='r1'>x</ref>",
    "<article>", "</article>", "<article\n>", "<body>",
], ids=["comment-with-end-tag", "cdata-with-end-tag", "comment", "ref-list", "ref",
        "record-start", "record-end", "record-start-newline", "same-start-tag"])
def test_an_element_holding_what_could_mislead_is_fed_whole(inside):
    data = f"<article><front/><body><p>a</p>{inside}<p>b</p></body><back/></article>".encode()
    out = _cut_whole(("body",), data, guards=("ref", "ref-list"))
    if inside == "<body>":  # the inner one is a plain element, and may go; the outer stays
        assert out == b"<article><front/><body><p>a</p><back/></article>"
    else:
        assert out == data


@pytest.mark.parametrize("tag, cut", [
    ("<body>", True), ('<body id="b1">', True), ("<body\n>", True), ("<bodyx>", False), ("<body/>", False),
])
def test_only_a_whole_start_tag_opens_an_element_to_cut(tag, cut):
    end = "" if tag.endswith("/>") else "</body>"
    data = f"<article><front/>{tag}\n<p>x</p>\n{end}<back/></article>".encode()
    out = _cut_whole(("body",), data)
    assert (out == b"<article><front/>" + b"\n" * data.count(b"\n") + b"<back/></article>") is cut
    assert out == data or cut


def test_an_element_never_closed_or_too_long_is_fed_whole(monkeypatch):
    open_ended = b"<article><body><p>x</p>\n<p>y</p></article>"
    assert _cut_whole(("body",), open_ended) == open_ended
    cutter = pubmed_xml._Cutter(("body",), ("article",))
    held = cutter.feed(b"<article><body><p>x</p>")  # its end may come later: held back
    assert held == b"<article>" and cutter.close() == b"<body><p>x</p>"
    monkeypatch.setattr(pubmed_xml, "_CUT_LIMIT", 20)
    long = b"<article><body>" + b"<p>x</p>" * 5 + b"</body></article>"
    assert _cut_whole(("body",), long) == long


def test_damage_inside_a_cut_body_spares_its_article_and_lines_stay_the_files():
    def article(pmcid, body, back=""):
        return (f"<article><front><article-meta><article-id pub-id-type='pmc'>{pmcid}</article-id>"
                f"<title-group><article-title>Article {pmcid}</article-title></title-group></article-meta>"
                f"</front>\n<body>\n{body}\n</body>\n<back>{back}</back></article>\n")
    doc = ('<?xml version="1.0"?>\n<pmc-articleset>\n'
           + article(1, "<p>a</q>\n<p>b</p>")  # a body that is not well-formed: never read
           + article(2, "<p>fine</p>\n" * 3)
           + article(3, "<p>fine</p>", "<ref-list><ref id='r'>broken <</ref></ref-list>")
           + article(4, "<p>fine</p>") + "</pmc-articleset>\n")
    out = list(jats.read(io.BytesIO(doc.encode()), "set.xml"))
    assert [x.work.pmcid if isinstance(x, Record) else "skipped" for x in out] == ["PMC1", "PMC2", "skipped", "PMC4"]
    lines = doc.splitlines()
    broken = next(i for i, line in enumerate(lines, 1) if "broken <" in line)
    assert out[2].source.index == 3 and out[2].source.line == broken
    # without the cut, the first article is lost to its body
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jats, "_UNREAD", ())
        uncut = list(jats.read(io.BytesIO(doc.encode()), "set.xml"))
    assert isinstance(uncut[0], Skipped) and [x.work.pmcid for x in uncut[1:] if isinstance(x, Record)] == [
        "PMC2", "PMC4"]


def test_a_break_seen_only_when_the_file_ends_is_reported_as_before():
    # the whole set is one chunk, and libxml2 reports the undefined entity only when the feed
    # ends: the cutter must not then feed an empty string, which lxml takes for an empty document
    data = (DATA / "xml-jats-articleset.xml").read_bytes()
    at = data.index(b"<journal-id ")
    out = list(jats.read(io.BytesIO(data[:at] + b"&lol;\n" + data[at:]), "set.xml"))
    assert [type(x).__name__ for x in out] == ["Skipped", "Record"]
    assert out[0].source.index == 1 and "not well-formed XML" in out[0].reason and out[1].work.pmcid == "PMC9900202"


def test_a_ref_list_in_a_body_section_is_read():
    doc = (b"<article><front><article-meta><title-group><article-title>T</article-title></title-group>"
           b"</article-meta></front><body><sec><p>x</p><ref-list><ref id='r1'><mixed-citation>"
           b"<pub-id pub-id-type='pmid'>10937178</pub-id></mixed-citation></ref></ref-list></sec></body>"
           b"</article>")
    (record,) = jats.read(io.BytesIO(doc), "in-body.nxml")
    assert [r.pmid for r in record.references] == ["10937178"]


# -- the shortcuts of the hot path answer as the general code does ------------------

@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab. ,\t\n\r\x0b\x0c\x1c\x1f\xa0\u2003\u2013")), max_size=300))
def test_collapsing_white_space_answers_as_split_and_join(text):
    assert collapse_space(text) == " ".join(text.split())
    assert collapse_space("x" * 120 + text) == " ".join(("x" * 120 + text).split())


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.text(alphabet="0123456789", min_size=1, max_size=6), st.text(min_size=1, max_size=8)))
def test_a_plain_year_is_read_as_the_search_reads_it(value):
    m = pubmed_xml._YEAR.search(value)
    assert pubmed_xml.year_of(value) == (int(m.group(1)) if m else None)


# -- what every reader must take: empty input, CRLF, a BOM ------------------------

def test_empty_input_is_unusable():
    with pytest.raises(InputError):
        list(pubmed_xml.parse(""))
