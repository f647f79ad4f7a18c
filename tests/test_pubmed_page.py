"""The PubMed page reader, on every form a user saves a page in.

Inputs:

* the user's seed, text copied from a browser (``examples/``);
* the real pre-2020 pages in ``../shared/fixtures/pubmed_page/``: each saved
  HTML page and its bs4, html2text, lynx and w3m renderings;
* our own current-layout page in ``tests/data/``: the saved HTML
  (``pubmed-page-modern.html``, an invented article), the same page copied
  from a browser, and ``lynx -dump`` / ``w3m -dump`` of the HTML at 80
  columns and at another width (made with lynx 2.9.0dev.12 and w3m 0.5.3 in a
  UTF-8 locale, not by hand).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from _shared import REPO, shared_file

from citegraph.formats.pubmed_page import ids_from_urls, parse, read, sniff
from citegraph.model import Record, Skipped, Work

DATA = Path(__file__).resolve().parent / "data"
SEED = REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt"


def parse_one(text: str, path: str = "page") -> Record:
    items = list(parse(text, path))
    assert len(items) == 1, items
    assert isinstance(items[0], Record), items[0]
    return items[0]


def read_one(path: Path) -> Record:
    return parse_one(path.read_text(encoding="utf-8"), path.name)


def works(record: Record) -> list[Work]:
    return [record.work, *record.references, *record.cited_by]


# -- the seed: text copied from a browser -------------------------------------

@pytest.fixture(scope="module")
def seed() -> Record:
    return read_one(SEED)


def test_seed_article(seed):
    work = seed.work
    assert work.title == ("Thoracic spine metastases from lung cancer with incomplete paralysis "
                          "treated by endoscopic spinal surgery: a case report")
    assert (work.journal, work.year, work.month) == ("Eur Spine J", 2025, "Aug")
    assert (work.volume, work.issue, work.pages) == ("34", "8", "3549-3556")
    assert work.doi == "10.1007/s00586-025-09078-3"
    assert (work.pmid, work.pmcid) == (None, None)  # the copied page shows neither
    assert [(a.name, a.family) for a in work.authors] == [("Ningdao Li", "Li")]
    assert work.et_al is True
    assert work.publication_types == ("Case Reports",)
    assert work.keywords == ("Endoscopic spine surgery", "Incomplete paralysis", "Lung cancer",
                             "Spinal metastases", "Transpedicular approach")


def test_seed_abstract_stops_before_the_page_furniture(seed):
    abstract = seed.work.abstract
    assert abstract.startswith("Study design: A case report.")
    assert abstract.endswith("ESS is ideal for patients with end-stage spinal metastases.")
    for furniture in ("PubMed Disclaimer", "Conflict of interest", "Competing interests", "Keywords"):
        assert furniture not in abstract


def test_seed_references(seed):
    refs = seed.references
    assert [r.year for r in refs] == [2019, 2020, 2020, 2016, 2015]
    assert [r.authors[0].family for r in refs] == ["Yahanda", "Chang", "Müller", "Schoenfeld", "Choi"]
    assert [r.journal for r in refs] == ["Annals Translational Med", "Asian Spine J", "World Neurosurg",
                                         "Spine", "Neurosurgery"]
    assert [r.volume for r in refs] == ["7", "14", "133", "41", "77"]
    assert [r.issue for r in refs] == ["10", "4", None, "8", "5"]
    assert [r.pages for r in refs] == [None, "513", "e498-e502", "E503-E509", "698-708"]
    assert [r.title for r in refs] == [
        "Treatment, complications, and outcomes of metastatic disease of the spine: "
        "from Patchell to PROMIS",
        "Treatment strategy for metastatic spinal tumors: a narrative review",
        "The role of stabilization-free microsurgical decompression in the surgical treatment "
        "of spinal metastases",
        "Predictors of 30-and 90-day survival following surgical intervention for spinal metastases: "
        "a prognostic study conducted at four academic centers",
        "Prediction of quality of life and survival after surgery for symptomatic spinal metastases: "
        "a multicenter cohort study to determine suitability for surgical treatment",
    ]
    assert seed.cited_by == ()


@pytest.mark.parametrize("variant", [
    pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
    pytest.param(lambda text: text.replace("\n", "\r"), id="cr-only"),
    pytest.param(lambda text: "\ufeff" + text, id="bom"),
    pytest.param(lambda text: "\ufeff" + text.replace("\n", "\r\n"), id="bom-and-crlf"),
])
def test_seed_line_endings_and_bom_give_the_same_record(variant):
    text = SEED.read_text(encoding="utf-8")
    assert parse_one(variant(text)) == parse_one(text)


def test_seed_read_from_bytes_with_bom_and_crlf_gives_the_same_record():
    data = SEED.read_bytes()
    stream = io.BytesIO(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"))
    assert list(read(stream, "page")) == [parse_one(data.decode("utf-8"))]


# -- the real pre-2020 pages (../shared) ---------------------------------------

LEGACY = {
    "Consiliance__pyscholar__tests_data_pubmed": dict(
        id="acta-biochim-pol-2005",
        title="Isolation and characterization of pigeon breast muscle cytosolic "
              "5'-nucleotidase-I (cN-I)",
        family="Tkacz-Stachowska", journal="Acta Biochim Pol", year=2005, pmid="15940349", doi=None),
    "keepcosmos__readability__test_fixtures_pubmed": dict(
        id="clin-drug-investig-2012",
        title="Antihypertensive efficacy of the losartan/hydrochlorothiazide combination and its "
              "effect on plasma B-type natriuretic peptide in hypertensive patients uncontrolled by "
              "angiotensin II type 1 receptor antagonist-based therapy: a multicentre prospective "
              "observational study",
        family="Meno", journal="Clin Drug Investig", year=2012, pmid="22188593",
        doi="10.2165/11597620-000000000-00000"),
    "mekentosj__doiscraper__test_fixtures_pubmed": dict(
        id="psychoneuroendocrinology-2015",
        title="Circadian cortisol and fatigue severity in relapsing-remitting multiple sclerosis",
        family="Powell", journal="Psychoneuroendocrinology", year=2015, pmid="25817406",
        doi="10.1016/j.psyneuen.2015.03.010"),
}
RENDERINGS = {
    "saved-html": "legacy_html/{}.html",
    "bs4-text": "legacy_text/{}.bs4.txt",
    "html2text": "legacy_text/{}.html2text.md",
    "lynx-nolist": "legacy_text/{}.lynx.txt",
    "w3m": "legacy_text/{}.w3m.txt",
}


def legacy_record(page: str, rendering: str) -> Record:
    return read_one(shared_file("fixtures/pubmed_page/" + RENDERINGS[rendering].format(page)))


@pytest.mark.parametrize("page, rendering", [
    pytest.param(page, rendering, id=f"{info['id']}-{rendering}")
    for page, info in LEGACY.items() for rendering in RENDERINGS])
def test_legacy_page_reads_to_its_article(page, rendering):
    expected = LEGACY[page]
    record = legacy_record(page, rendering)
    work = record.work
    assert work.title == expected["title"]
    assert work.authors[0].family == expected["family"]
    assert (work.journal, work.year) == (expected["journal"], expected["year"])
    assert (work.pmid, work.doi) == (expected["pmid"], expected["doi"])
    assert work.et_al is False
    assert len(work.abstract) > 300
    # the old layout lists no references and no citing works ("Related articles" are neither)
    assert (record.references, record.cited_by) == ((), ())


FIELDS = ("title", "authors", "et_al", "year", "month", "journal", "volume", "issue", "pages",
          "doi", "pmid", "pmcid", "abstract", "keywords", "publication_types")


@pytest.mark.parametrize("page, rendering", [
    pytest.param(page, rendering, id=f"{info['id']}-{rendering}-as-saved-html")
    for page, info in LEGACY.items() for rendering in RENDERINGS if rendering != "saved-html"])
def test_legacy_text_rendering_reads_as_its_html_page(page, rendering):
    html = legacy_record(page, "saved-html").work
    text = legacy_record(page, rendering).work
    assert {f: getattr(text, f) for f in FIELDS} == {f: getattr(html, f) for f in FIELDS}


def test_legacy_publication_types_are_read_from_every_rendering():
    for rendering in RENDERINGS:
        work = legacy_record("keepcosmos__readability__test_fixtures_pubmed", rendering).work
        assert work.publication_types == ("Clinical Trial", "Multicenter Study",
                                          "Research Support, Non-U.S. Gov't"), rendering


# -- our current-layout page, in four forms ------------------------------------

MODERN = {
    "saved-html": "pubmed-page-modern.html",
    "copied-text": "pubmed-page-modern-copied.txt",
    "lynx-dump": "pubmed-page-modern.lynx.txt",
    "w3m-dump": "pubmed-page-modern.w3m.txt",
    # the same dumps at other widths: lynx wraps a superscript away from its
    # mark ("Hanna Schmidt^" / "1 2"), w3m leaves a reference's year alone on a line
    "lynx-dump-60-columns": "pubmed-page-modern.lynx-w60.txt",
    "w3m-dump-200-columns": "pubmed-page-modern.w3m-w200.txt",
}
# the forms whose text keeps the links' targets (HTML, lynx's list of links)
LINKED = {"saved-html", "lynx-dump", "lynx-dump-60-columns"}


@pytest.fixture(scope="module", params=list(MODERN))
def modern(request) -> tuple[str, Record]:
    return request.param, read_one(DATA / MODERN[request.param])


def test_modern_page_is_recognised(modern):
    form, _ = modern
    assert sniff((DATA / MODERN[form]).read_text(encoding="utf-8")[:65536])


def test_modern_article(modern):
    _, record = modern
    work = record.work
    assert work.title == ("Vertebral bone quality score predicts cage subsidence after oblique "
                          "lumbar interbody fusion: a retrospective cohort study")
    assert (work.journal, work.year, work.month) == ("Spine J", 2024, "Mar")
    assert (work.volume, work.issue, work.pages) == ("24", "3", "412-421")
    assert (work.doi, work.pmid, work.pmcid) == ("10.1016/j.spinee.2023.11.004", "37984521",
                                                 "PMC10872215")
    assert work.publication_types == ("Observational Study", "Research Support, Non-U.S. Gov't")
    assert work.keywords == ("Cage subsidence", "Magnetic resonance imaging",
                             "Oblique lumbar interbody fusion", "Osteoporosis",
                             "Vertebral bone quality")


def test_modern_authors_as_shown_without_et_al(modern):
    _, record = modern
    work = record.work
    assert [(a.name, a.family, a.given) for a in work.authors] == [
        ("Jonas Müller", "Müller", "Jonas"),
        ("Hanna Schmidt", "Schmidt", "Hanna"),
        ("Wei Zhang", "Zhang", "Wei"),
        ("María José García-López", "García-López", "María José"),
        ("Lucas van Dijk", "van Dijk", "Lucas"),
        ("Stefan Weiß", "Weiß", "Stefan"),
    ]
    assert work.et_al is False  # the short citation's "Jonas Müller et al." abbreviates this list


def test_modern_abstract(modern):
    _, record = modern
    paragraphs = record.work.abstract.split("\n")
    assert [p.split(":")[0] for p in paragraphs] == [
        "Background context", "Purpose", "Study design", "Methods", "Results", "Conclusions"]
    assert paragraphs[0].startswith("Background context: Cage subsidence is a common complication")
    assert "A VBQ score above 3.1 predicted subsidence with an area under the curve of 0.79" \
        in paragraphs[4]
    assert paragraphs[-1].endswith("without additional cost or radiation.")


# each reference as the page prints it: the reader joins a dump's wrapped
# lines back into this one string, the same from every form
MODERN_REFERENCE_STRINGS = [
    "Okafor CN, Lindqvist P, Haddad R. Vertebral bone quality score as a surrogate for bone mineral "
    "density in lumbar fusion candidates. Spine J. 2021;21(6):1012-1020. - DOI - PubMed - PMC",
    "Tanaka H, Okuda S, Fernández-Ruiz M, Berg K, Salo J, Imai T, et al. Cage subsidence after lateral "
    "lumbar interbody fusion: incidence and risk factors. Eur Spine J. 2019;28(9):2041\u20139. - PubMed",
    "Kowalski J, Nguyen TT. Endplate preparation and subsidence risk in oblique lateral interbody "
    "fusion. J Spine Surg. 2020;6(1):88-96.",
    "Østergaard L, Müller-Lenz K, Petersen AB. Bone mineral density and interbody cage subsidence: "
    "a cadaveric study. Clin Biomech (Bristol). 2018;55:36-42. - DOI - PubMed",
    "Lee JH, Park SW (2018) MRI-based assessment of bone quality in the degenerative lumbar spine. "
    "Global Spine J 8(5):477\u201384 - PubMed - PMC",
    "World Health Organization. Assessment of fracture risk and its application to screening for "
    "postmenopausal osteoporosis. WHO Technical Report Series 843. Geneva: World Health Organization; "
    "1994.",
]
# family, number of authors, et al., year, volume, issue, pages, title
MODERN_REFERENCES = [
    ("Okafor", 3, False, 2021, "21", "6", "1012-1020",
     "Vertebral bone quality score as a surrogate for bone mineral density in lumbar fusion candidates"),
    ("Tanaka", 6, True, 2019, "28", "9", "2041-2049",
     "Cage subsidence after lateral lumbar interbody fusion: incidence and risk factors"),
    ("Kowalski", 2, False, 2020, "6", "1", "88-96",
     "Endplate preparation and subsidence risk in oblique lateral interbody fusion"),
    ("Østergaard", 3, False, 2018, "55", None, "36-42",
     "Bone mineral density and interbody cage subsidence: a cadaveric study"),
    ("Lee", 2, False, 2018, "8", "5", "477-484",
     "MRI-based assessment of bone quality in the degenerative lumbar spine"),
]
# what the links of each reference carry: DOI, PMID, PMCID (reference 3 and 6 have none)
MODERN_REFERENCE_LINKS = [
    ("10.1016/j.spinee.2021.02.007", "33610805", "PMC8012345"),
    (None, "31203456", None),
    (None, None, None),
    ("10.1016/s0268-0033(18)30117-5", "29655072", None),
    (None, "29980987", "PMC6125931"),
    (None, None, None),
]


def test_modern_references(modern):
    _, record = modern
    refs = record.references
    assert [r.raw for r in refs] == MODERN_REFERENCE_STRINGS
    got = [(r.authors[0].family, len(r.authors), r.et_al, r.year, r.volume, r.issue, r.pages, r.title)
           for r in refs[:5]]
    assert got == MODERN_REFERENCES
    journals = [r.journal for r in refs[:5]]
    assert journals[:3] + journals[4:] == ["Spine J", "Eur Spine J", "J Spine Surg", "Global Spine J"]
    # the NLM abbreviation is "Clin Biomech (Bristol)"; whether the place in
    # parentheses stays in the journal is the reference parser's call
    assert journals[3].startswith("Clin Biomech")
    assert refs[5].year == 1994  # a group author's report: only what is certain


def test_modern_reference_ids_come_from_links(modern):
    form, record = modern
    got = [(r.doi, r.pmid, r.pmcid) for r in record.references]
    if form in LINKED:
        assert got == MODERN_REFERENCE_LINKS
    else:  # the link labels ("- DOI - PubMed - PMC") carry no identifier
        assert got == [(None, None, None)] * 6


def test_reference_links_listed_apart_from_their_reference_keep_its_ids():
    """The newer markup lists a reference's links in a list of their own (``ul.reference-links``)."""
    page = """<html><body><main>
      <div class="article-source"><button class="journal-actions-trigger">Spine J</button>
        <span class="period">. </span><span class="cit">2024 Mar;24(3):412-421.</span></div>
      <h1 class="heading-title">A study of cage subsidence</h1>
      <div class="authors-list"><span class="authors-list-item"><a class="full-name"
        href="/?term=Li+N">Ningdao Li</a></span></div>
      <div class="references" id="references"><h2 class="title">References</h2>
        <ol class="references-list">
          <li>Tanaka H, Okuda S. Cage subsidence after lateral fusion. Eur Spine J. 2019;28(9):2041-9.
            <ul class="reference-links">
              <li><a class="reference-link" href="https://doi.org/10.1007/s00586-019-05970-x">DOI</a></li>
              <li><a class="reference-link" href="https://pubmed.ncbi.nlm.nih.gov/31203456/">PubMed</a></li>
            </ul></li>
          <li>Kowalski J, Nguyen TT. Endplate preparation. J Spine Surg. 2020;6(1):88-96.
            <ul class="reference-links">
              <li><a class="reference-link" href="https://pmc.ncbi.nlm.nih.gov/articles/PMC7154372/">PMC</a></li>
            </ul></li>
        </ol></div>
    </main></body></html>"""
    refs = parse_one(page).references
    assert [(r.authors[0].family, r.year, r.journal) for r in refs] == [
        ("Tanaka", 2019, "Eur Spine J"), ("Kowalski", 2020, "J Spine Surg")]
    assert [(r.doi, r.pmid, r.pmcid) for r in refs] == [
        ("10.1007/s00586-019-05970-x", "31203456", None), (None, None, "PMC7154372")]


@pytest.mark.parametrize("url, pmid", [
    ("https://pubmed.ncbi.nlm.nih.gov/31728223/", "31728223"),
    ("/pubmed/0031728223", "31728223"),
    ("https://pubmed.ncbi.nlm.nih.gov/0/", None),
    ("https://pubmed.ncbi.nlm.nih.gov/" + "1" * 5000 + "/", None),
], ids=["plain", "leading-zeros", "zero", "longer-than-int-reads"])
def test_a_link_gives_a_pmid_only_when_it_holds_one(url, pmid):
    assert ids_from_urls([url]).get("pmid") == pmid


# the three works under "Cited by"
MODERN_CITED_BY = [
    dict(pmid="39356781", title="Opportunistic bone quality assessment on routine lumbar MRI: "
                                "a narrative review",
         family="Okonkwo", authors=3, journal="Eur Spine J", year=2025, month="Jan", volume="34",
         issue="1", pages="55-68", doi="10.1007/s00586-024-08512-7", publication_types=("Review",)),
    dict(pmid="38376543", title="Endplate morphology and subsidence after lateral lumbar interbody fusion",
         family="Tanaka", authors=7, journal="Global Spine J", year=2025, month="Mar", volume="15",
         issue="2", pages="701-710", doi="10.1177/21925682241234567", publication_types=()),
    dict(pmid="38743210", title="Vertebral bone quality score versus DXA for predicting mechanical "
                                "complications after lumbar fusion",
         family="Schmidt", authors=3, journal="Spine (Phila Pa 1976)", year=2024, month="Dec",
         volume="49", issue="23", pages="1650-1657", doi="10.1097/brs.0000000000005012",
         publication_types=()),
]


def test_modern_cited_by_are_citing_works(modern):
    _, record = modern
    got = [dict(pmid=w.pmid, title=w.title, family=w.authors[0].family, authors=len(w.authors),
                journal=w.journal, year=w.year, month=w.month, volume=w.volume, issue=w.issue,
                pages=w.pages, doi=w.doi, publication_types=w.publication_types)
           for w in record.cited_by]
    assert got == MODERN_CITED_BY
    assert not any(w.et_al for w in record.cited_by)  # full author lists; "X, et al." is their short form
    # a citing work is never taken for a reference
    assert not {w.pmid for w in record.cited_by} & {w.pmid for w in record.references}


# Text that stands on the page around the article and must never reach a field
FURNITURE = [
    # Similar articles
    "Similar articles", "Cage subsidence in osteoporotic", "finite element", "Kaya", "Neurospine",
    "meta-analysis", "Show more similar",
    # LinkOut, MeSH terms, grants
    "LinkOut", "Full Text Sources", "Elsevier Science", "Europe PubMed Central", "MedlinePlus",
    "MeSH", "Humans", "Bone Density", "Retrospective Studies", "diagnostic imaging", "adverse effects",
    "Grants and funding", "Deutsche Forschungsgemeinschaft", "Natural Science Foundation", "MU 4411",
    # the article's own furniture
    "PubMed Disclaimer", "Conflict of interest", "competing interest", "Copyright", "Elsevier Inc",
    "Affiliation", "Department of", "Electronic address", "Fig. 1", "Receiver operating",
    # banner, navigation, buttons, dialogs, footer
    "official website", "Search in PubMed", "Add to Search", "Show details", "See all", "Expand",
    "Page navigation", "Title & authors", "Full text links", "Free PMC article", "Download .nbib",
    "Save citation", "Display options", "National Library of Medicine", "Web Policies", "trademarks",
    "Visible links", "file://",
]


def field_texts(work: Work) -> list[str]:
    """Every text a work's fields hold, except ``raw`` (the reference string as printed)."""
    texts = [work.title, work.journal, work.abstract, work.volume, work.issue, work.pages, work.doi,
             work.pmid, work.pmcid, *work.keywords, *work.publication_types,
             *(a.name for a in work.authors), *(a.family or "" for a in work.authors)]
    return [t for t in texts if t]


def test_modern_page_furniture_never_leaks(modern):
    _, record = modern
    texts = [t for w in works(record) for t in field_texts(w)]
    leaked = sorted({f for f in FURNITURE for t in texts if f in t})
    assert leaked == []
    similar_pmids = {"34697543", "37798998"}
    assert not similar_pmids & {w.pmid for w in works(record)}


# -- every input: "et al." is a flag, never an author ---------------------------

def all_inputs():
    yield pytest.param(lambda: read_one(SEED), id="seed-copied-text")
    for form, name in MODERN.items():
        yield pytest.param(lambda name=name: read_one(DATA / name), id=f"modern-{form}")
    for page, info in LEGACY.items():
        for rendering in ("saved-html", "lynx-nolist"):
            yield pytest.param(lambda page=page, rendering=rendering: legacy_record(page, rendering),
                               id=f"legacy-{info['id']}-{rendering}")


@pytest.mark.parametrize("load", list(all_inputs()))
def test_et_al_is_never_an_author(load):
    record = load()
    names = [a.name for w in works(record) for a in w.authors]
    assert names  # the test looks at authors that are there
    assert not [n for n in names if re.search(r"\bet\.?\s*al\b", n, re.I)]


# -- no article ----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    pytest.param("", id="empty"),
    pytest.param("Papers to read on spine surgery.\nAsk Hanna about the VBQ score.\n",
                 id="prose-without-citation-line"),
    pytest.param("Skip to main page content\nU.S. flag\n\nAn official website of the United States "
                 "government\n\nAccess keys NCBI Homepage MyNCBI Homepage Main Content Main Navigation\n"
                 "Search: Search\nAdvanced Clipboard\nUser Guide\n", id="pubmed-banner-only"),
    pytest.param("<html><head><title>Page not found - PubMed</title></head><body><h1>Page not found"
                 "</h1><p>The page you requested cannot be found.</p></body></html>",
                 id="html-page-not-found"),
])
def test_no_article_yields_one_skipped_with_a_clear_reason(text):
    items = list(parse(text, "saved.txt"))
    assert len(items) == 1
    skipped = items[0]
    assert isinstance(skipped, Skipped)
    assert skipped.source.path == "saved.txt"
    assert "no PubMed article found" in skipped.reason
    assert "citation line" in skipped.reason
