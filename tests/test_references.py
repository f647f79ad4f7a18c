"""citegraph.references: reference strings into Work fields, whatever their style.

* the five references of the seed page, field by field;
* one case per style, each a real reference of the labelled sets in
  ``../shared/fixtures/reference_strings/`` checked against its own gold labels
  (read from there, never copied; skipped when ``../shared`` is absent);
* the forms no labelled set has (Web of Science, Scopus), cleaning, names,
  pages, volume and issue;
* the ``parse-refs`` command as a user runs it, and the bench's scores on two
  whole sets.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from _shared import REPO, shared_file
from citegraph.model import Author, Work
from citegraph.references import (ReferenceParser, clean_reference, expand_page_range,
                                  parse_author, parse_authors, parse_reference)
from citegraph.references.corpora import gold_fields, read_labelled
from citegraph.references.fields import parse_pages, parse_volume_issue
from citegraph.references.text import find_identifiers, tokenize

SETS = "fixtures/reference_strings/"
ANYSTYLE_CORE = SETS + "inukshuk__anystyle__res_parser_core.xml"
ANYSTYLE_GOOD = SETS + "inukshuk__anystyle__res_parser_good.xml"
CORA = SETS + "knmnyn__ParsCit__crfpp_taggeddata_cora.tagged.txt"
GROBID = SETS + "kermitt2__grobid__citation_training_corpus.tar.gz"


# -- the seed page -------------------------------------------------------------

def _seed_lines() -> list[str]:
    text = (REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if re.match(r"\s+1\. [A-Z]", line)]


SEED_EXPECTED = [
    dict(authors=[("Yahanda", "AT"), ("Buchowski", "JM"), ("Wegner", "AM")], et_al=False,
         year=2019, title="Treatment, complications, and outcomes of metastatic disease of the "
                          "spine: from Patchell to PROMIS",
         journal="Annals Translational Med", volume="7", issue="10", pages=None),
    dict(authors=[("Chang", "SY"), ("Mok", "S"), ("Park", "SC")], et_al=True, year=2020,
         title="Treatment strategy for metastatic spinal tumors: a narrative review",
         journal="Asian Spine J", volume="14", issue="4", pages="513"),
    dict(authors=[("Müller", "M"), ("Abusabha", "Y"), ("Steiger", "H-J")], et_al=True, year=2020,
         title="The role of stabilization-free microsurgical decompression in the surgical "
               "treatment of spinal metastases",
         journal="World Neurosurg", volume="133", issue=None, pages="e498-e502"),
    dict(authors=[("Schoenfeld", "AJ"), ("Leonard", "DA"), ("Saadat", "E")], et_al=True, year=2016,
         title="Predictors of 30-and 90-day survival following surgical intervention for spinal "
               "metastases: a prognostic study conducted at four academic centers",
         journal="Spine", volume="41", issue="8", pages="E503-E509"),
    dict(authors=[("Choi", "D"), ("Fox", "Z"), ("Albert", "T")], et_al=True, year=2015,
         title="Prediction of quality of life and survival after surgery for symptomatic spinal "
               "metastases: a multicenter cohort study to determine suitability for surgical "
               "treatment",
         journal="Neurosurgery", volume="77", issue="5", pages="698-708"),
]


def test_the_seed_page_has_five_references():
    assert len(_seed_lines()) == 5


@pytest.mark.parametrize("index", range(5), ids=["yahanda-2019-no-pages", "chang-2020-pubmed-pmc",
                                                  "mueller-2020-e-pages", "schoenfeld-2016-E9",
                                                  "choi-2015-en-dash"])
def test_seed_references_parse_exactly(index):
    work = parse_reference(_seed_lines()[index])
    expected = SEED_EXPECTED[index]
    assert [(a.family, a.given) for a in work.authors] == expected["authors"]
    assert work.et_al is expected["et_al"]
    for field in ("year", "title", "journal", "volume", "issue", "pages"):
        assert getattr(work, field) == expected[field], field
    assert work.doi is None and work.editors == ()
    assert 0.8 <= work.confidence <= 1.0


# -- one real reference per style, against its gold labels -----------------------

STYLE_CASES = [
    ("vancouver-nlm", ANYSTYLE_GOOD, "#647"),
    ("springer-author-year", ANYSTYLE_GOOD, "#226"),
    ("harvard", ANYSTYLE_GOOD, "#202"),
    ("apa-journal", ANYSTYLE_GOOD, "#833"),
    ("apa-chapter-with-editors", ANYSTYLE_GOOD, "#574"),
    ("elsevier-numbered", ANYSTYLE_GOOD, "#2490"),
    ("ieee", ANYSTYLE_CORE, "#676"),
    ("chicago-notes-bibliography", ANYSTYLE_GOOD, "#351"),
    ("chicago-author-date-book", ANYSTYLE_GOOD, "#517"),
    ("french-humanities", ANYSTYLE_CORE, "#736"),
    ("german-hrsg-chapter", ANYSTYLE_CORE, "#861"),
    ("wikipedia-doi", ANYSTYLE_CORE, "#574"),
    ("cs-proceedings-cora", CORA, ":420"),
    ("physics-terse", GROBID, "11-s0217751x17501329.training.references.tei.xml#18"),
    ("astronomy-terse", GROBID, "stx486.training.references.tei.xml#12"),
    ("korean", GROBID, "kisti_test_kr.tei.xml#5"),
]

_LABELLED: dict[str, dict[str, object]] = {}


def _labelled(relative: str, source: str):
    """The labelled reference of ``relative`` whose source is ``source`` ("#647": the 647th)."""
    path = shared_file(relative)
    if relative not in _LABELLED:
        _LABELLED[relative] = {ref.source: ref for ref in read_labelled(path)}
    if source.startswith(("#", ":")):
        source = path.name + source
    return _LABELLED[relative][source]


def _tokens(text: str | None, stop: frozenset[str] = frozenset()) -> Counter[str]:
    found = re.findall(r"[^\W_]+", (text or "").lower())
    return Counter(t for t in found if len(t) >= 2 and t not in stop)


def _first_page(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"[A-Za-z]?\d+", re.sub(r"^\W*(?:pp?|pages?|s)\b\.?", "", text.strip(), flags=re.I))
    return m.group() if m else None


def _volume(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"^\s*(?:1[5-9]|20)\d\d\s*[;:]", "", text)
    text = re.sub(r"^\W*(?:vol(?:ume)?|v)\b\.?\s*", "", text.strip(), flags=re.I)
    m = re.match(r"\W*([A-Za-z]?\d+)", text)
    return m.group(1) if m else None


@pytest.mark.parametrize("relative,source", [(r, s) for _, r, s in STYLE_CASES],
                         ids=[style for style, _, _ in STYLE_CASES])
def test_one_reference_per_style_matches_its_gold_labels(relative, source):
    ref = _labelled(relative, source)
    gold = gold_fields(ref)
    work = parse_reference(ref.text)
    author_stop = frozenset("and et al ed eds in".split())
    names = " ".join(" ".join(a.as_json().values()) for a in work.authors)
    assert _tokens(names, author_stop) == _tokens(gold["authors"], author_stop)
    assert _tokens(work.title) == _tokens(gold["title"])
    journal = re.sub(r"^\s*in\b:?", "", gold["journal"] or "", flags=re.I)
    assert _tokens(work.journal) == _tokens(journal)
    assert work.year == (int(gold["year"]) if gold["year"] else None)
    assert _volume(work.volume) == _volume(gold["volume"])
    assert _first_page(work.pages) == _first_page(gold["pages"])
    assert work.doi == gold["doi"]


# -- forms no labelled set has ------------------------------------------------

def test_web_of_science_form():
    work = parse_reference("Patchell RA, 2005, LANCET, V366, P643, DOI 10.1016/S0140-6736(05)66954-1")
    assert [(a.family, a.given) for a in work.authors] == [("Patchell", "RA")]
    assert (work.year, work.journal, work.volume, work.pages, work.doi) == (
        2005, "LANCET", "366", "643", "10.1016/s0140-6736(05)66954-1")
    assert work.title is None


def test_scopus_form():
    work = parse_reference("Patchell, R.A., Tibbs, P.A., Regine, W.F., Direct decompressive surgical "
                           "resection in the treatment of spinal cord compression caused by "
                           "metastatic cancer: A randomised trial, (2005) Lancet, 366 (9486), "
                           "pp. 643-648.")
    assert [(a.family, a.given) for a in work.authors] == [
        ("Patchell", "R.A."), ("Tibbs", "P.A."), ("Regine", "W.F.")]
    assert work.title.startswith("Direct decompressive") and work.title.endswith("randomised trial")
    assert (work.year, work.journal, work.volume, work.issue, work.pages) == (
        2005, "Lancet", "366", "9486", "643-648")


def test_an_apa_list_with_an_ampersand_is_not_read_as_scopus():
    work = parse_reference("Aspy, D. N., Aspy, C. B., Russel, G., & Wedel, M. (2000). Carkhuff's human "
                           "technology: A verification. Journal of Counseling and Development, "
                           "78(1), 29-37.")
    assert [a.family for a in work.authors] == ["Aspy", "Aspy", "Russel", "Wedel"]
    assert (work.year, work.volume, work.issue, work.pages) == (2000, "78", "1", "29-37")


@pytest.mark.parametrize("text", [
    "1. Patchell RA, Tibbs PA, Regine WF, et al. Direct decompressive surgical resection in the "
    "treatment of spinal cord compression caused by metastatic cancer: a randomised trial. Lancet. "
    "2005;366(9486):643-8. doi:10.1016/S0140-6736(05)66954-1. PMID: 16112300",
    "[12] Patchell RA, Tibbs PA, Regine WF, et al. Direct decompressive surgical resection in the\n"
    "treatment of spinal cord compression caused by metastatic cancer: a randomised trial. Lancet.\n"
    "2005;366(9486):643\u20138. doi:10.1016/S0140-6736(05)66954-1. PMID: 16112300 - PubMed - PMC",
    "12) Patchell RA, Tibbs PA, Regine WF, et al. Direct decompressive surgical resection in the "
    "treatment of spinal cord compression caused by metastatic cancer: a randomised trial. LANCET. "
    "2005;366(9486):643-8. doi:10.1016/S0140-6736(05)66954-1. PMID: 16112300 CrossRef Google Scholar",
], ids=["numbered-with-dot", "bracketed-line-breaks-en-dash-pubmed-labels", "paren-caps-crossref"])
def test_vancouver_with_numbering_labels_and_line_breaks(text):
    work = parse_reference(text)
    assert [a.family for a in work.authors] == ["Patchell", "Tibbs", "Regine"] and work.et_al
    assert work.journal.upper() == "LANCET"
    assert (work.year, work.volume, work.issue, work.pages) == (2005, "366", "9486", "643-648")
    assert (work.doi, work.pmid) == ("10.1016/s0140-6736(05)66954-1", "16112300")
    assert work.title.startswith("Direct decompressive") and work.title.endswith("randomised trial")


def test_ieee_with_an_arxiv_id_and_a_ligature():
    work = parse_reference('[3] A. Vaswani, N. Shazeer, and N. Parmar, "Attention is all you need," '
                           'in Advances in Neural Information Processing Systems, vol. 30, 2017, '
                           'pp. 5998\u20136008, arXiv:1706.03762. \ufb01nal')
    assert [a.family for a in work.authors] == ["Vaswani", "Shazeer", "Parmar"]
    assert work.title == "Attention is all you need"
    assert (work.year, work.volume, work.pages, work.arxiv) == (2017, "30", "5998-6008", "1706.03762")
    assert "Neural Information Processing Systems" in work.journal


def test_a_book_with_publisher_and_place():
    work = parse_reference("Kuhn, Thomas S. 1962. The Structure of Scientific Revolutions. Chicago: "
                           "University of Chicago Press.")
    assert (work.authors[0].family, work.authors[0].given) == ("Kuhn", "Thomas S.")
    assert (work.year, work.title) == (1962, "The Structure of Scientific Revolutions")
    assert (work.place, work.publisher, work.journal) == ("Chicago", "University of Chicago Press", None)


def test_a_chapter_has_editors_and_a_book_title():
    work = parse_reference("Mercer, C. (1993). The Vitality and Importance of Early Modern "
                           "Aristotelianism. In T. Sorell (Ed.), The Rise Of Modern Philosophy "
                           "(pp. 33-67). Oxford: Oxford University Press.")
    assert [(e.family, e.given) for e in work.editors] == [("Sorell", "T.")]
    assert work.journal == "The Rise Of Modern Philosophy"
    assert (work.pages, work.place, work.publisher) == ("33-67", "Oxford", "Oxford University Press")


def test_a_group_author_is_kept_whole():
    work = parse_reference("World Health Organization. Global tuberculosis report 2020. Geneva: World "
                           "Health Organization; 2020.")
    assert work.authors[0] == Author("World Health Organization", None, None)
    assert work.year == 2020


def test_absent_fields_are_none_and_nothing_is_guessed():
    work = parse_reference("Smith J. A title without anything else.")
    assert (work.year, work.volume, work.pages, work.doi, work.journal) == (None,) * 5
    assert parse_reference("") == Work()
    assert parse_reference("   ").raw is None


# -- the small steps ---------------------------------------------------------

def test_clean_reference_folds_and_strips():
    assert clean_reference("12)  Smith J.\n  \ufb01sh \u201cx\u201d 1\u20132 - PubMed - PMC") == \
        'Smith J. fish "x" 1-2'
    assert clean_reference("[4] <i>Nature</i> 1. CrossRef Google Scholar") == "Nature 1."


def test_tokenize_keeps_identifiers_whole():
    pieces = tokenize("Lancet. 2005;366:643. doi:10.1016/S0140-6736(05)66954-1. https://x.org/a?b=1.")
    assert pieces[1::2] == ["Lancet", "2005", "366", "643", "doi", "10.1016/S0140-6736(05)66954-1",
                            "https://x.org/a?b=1"]
    assert "".join(pieces).startswith("Lancet. 2005;")


@pytest.mark.parametrize("text,expected", [
    ("doi:10.1103/PhysRevD.90.014508.URL https://x.org/", {"doi": "10.1103/physrevd.90.014508",
                                                         "url": "https://x.org/"}),
    ("https://doi.org/10.1000/XYZ.", {"doi": "10.1000/xyz"}),
    ("PMID: 123; PMCID: PMC4567", {"pmid": "123", "pmcid": "PMC4567"}),
    ("hep-th/9711200", {"arxiv": "hep-th/9711200"}),
    ("Available from: http://www.who.int/x.html.", {"url": "http://www.who.int/x.html"}),
], ids=["doi-glued-url", "doi-url", "pmid-pmcid", "old-arxiv", "url"])
def test_find_identifiers(text, expected):
    assert find_identifiers(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Romero, C., Paunesku, D., & Dweck, C.", [("Romero", "C."), ("Paunesku", "D."), ("Dweck", "C.")]),
    ("D. Georgakopoulos, M. Rusinkiewicz, and A. Sheth", [("Georgakopoulos", "D."),
                                                        ("Rusinkiewicz", "M."), ("Sheth", "A.")]),
    ("Naveed, Nasir, Thomas Gottron, and Arifah Che Alhadi", [("Naveed", "Nasir"), ("Gottron", "Thomas"),
                                                            ("Alhadi", "Arifah Che")]),
    ("Pérez-Higueras JJ, Arias A, de la Macorra JC", [("Pérez-Higueras", "JJ"), ("Arias", "A"),
                                                     ("de la Macorra", "JC")]),
    ("J. P. COLLMAN et J. L. SESSLER", [("COLLMAN", "J. P."), ("SESSLER", "J. L.")]),
    ("ALY (M.I.), NAGEB (R.)", [("ALY", "M.I."), ("NAGEB", "R.")]),
    ("Smith, J.; Jones, K.", [("Smith", "J."), ("Jones", "K.")]),
    # a particle inside an NLM family name (PMC prints these): it had been read as given first
    ("Gerhardsson de Verdier M, London S", [("Gerhardsson de Verdier", "M"), ("London", "S")]),
    ("Jansen van Vuren P, Van Dijk AA, Jean-Paul de la Fontaine", [("Jansen van Vuren", "P"),
                                                                 ("Van Dijk", "AA"), ("de la Fontaine", "Jean-Paul")]),
    ("Jean-Paul de la FOX, Marc de Vos", [("de la FOX", "Jean-Paul"), ("de Vos", "Marc")]),
], ids=["apa", "given-first", "chicago-mixed", "nlm-particles", "caps-french-et",
        "french-parenthesized", "semicolons", "nlm-particle-inside", "nlm-particle-inside-and-given-first",
        "given-first-capital-family"])
def test_parse_authors_styles(text, expected):
    assert [(a.family, a.given) for a in parse_authors(text)[0]] == expected


def test_parse_author_keeps_groups_whole():
    assert parse_author("WHO Collaborative Study Group").is_group
    assert parse_author("S. L. Peyton Jones") == Author("S. L. Peyton Jones", "Peyton Jones", "S. L.")


@pytest.mark.parametrize("text,expected", [
    ("643-8", "643-648"), ("E503-E9", "E503-E509"), ("1761-1800", "1761-1800"), ("245-51", "245-251"),
    ("e498-e502", "e498-e502"), ("S12-9", "S12-S19"),
])
def test_expand_page_range(text, expected):
    assert expand_page_range(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("pp. 1761\u20131800).", "1761-1800"), ("p. 1", "1"), ("S. 12 f.", "12"), ("pages 266-273.", "266-273"),
])
def test_parse_pages(text, expected):
    assert parse_pages(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("366(9486):", ("366", "9486")), ("Vol. 45, No. 3", ("45", "3")), ("(2),", (None, "2")),
    ("25, no. 4", ("25", "4")), ("v. 441", ("441", None)), ("n° 54", (None, "54")),
])
def test_parse_volume_issue(text, expected):
    assert parse_volume_issue(text) == expected


def test_a_parser_with_an_explicit_model():
    from citegraph.references import MODEL_PATH
    parser = ReferenceParser(MODEL_PATH)
    assert parser.parse("Smith J (2001) A title. Nature 409:860-921").pages == "860-921"


# -- the command -------------------------------------------------------------

def test_parse_refs_prints_one_json_object_per_line_with_the_issue_keys(tmp_path):
    lines = _seed_lines()[:2] + [
        "Patchell RA, 2005, LANCET, V366, P643, DOI 10.1016/S0140-6736(05)66954-1",
        "Mercer, C. (1993). The Vitality of Aristotelianism. In T. Sorell (Ed.), The Rise Of Modern "
        "Philosophy (pp. 33-67). Oxford: Oxford University Press. PMID: 123 arXiv:1706.03762 "
        "http://example.org/x",
    ]
    path = tmp_path / "refs.txt"
    path.write_text("\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:]) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "citegraph", "parse-refs", str(path)],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 5 and out[2] == {}  # the blank input line keeps its place, as {}
    del out[2]
    assert out[0]["authors"][0] == {"family": "Yahanda", "given": "AT"}
    assert out[0]["year"] == 2019 and isinstance(out[0]["year"], int)
    assert "pages" not in out[0] and "raw" not in out[0] and "doi" not in out[0]
    assert out[1]["et_al"] is True and out[1]["pages"] == "513"
    assert out[2]["doi"] == "10.1016/s0140-6736(05)66954-1" and out[2]["volume"] == "366"
    chapter = out[3]
    assert chapter["editors"] == [{"family": "Sorell", "given": "T."}]
    assert (chapter["publisher"], chapter["place"]) == ("Oxford University Press", "Oxford")
    assert (chapter["pmid"], chapter["arxiv"], chapter["url"]) == ("123", "1706.03762",
                                                                    "http://example.org/x")
    for work in out:
        assert 0 <= work["confidence"] <= 1
        assert set(work) <= {"authors", "et_al", "editors", "title", "journal", "year", "month",
                             "volume", "issue", "pages", "publisher", "place", "doi", "pmid",
                             "pmcid", "arxiv", "url", "confidence"}
    group = parse_reference("World Health Organization. Report. Geneva: WHO; 2020.").as_json()
    assert group["authors"][0] == {"literal": "World Health Organization"}


# -- the bench, on two whole sets ------------------------------------------------

def _bench():
    spec = importlib.util.spec_from_file_location("bench_references", REPO / "bench" / "references.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("relative", [CORA, ANYSTYLE_CORE], ids=["cora", "anystyle-core"])
def test_bench_scores_a_whole_set_above_the_targets(relative):
    bench = _bench()
    refs = list(read_labelled(shared_file(relative)))
    score, rate, _ = bench.score_with(ReferenceParser(), refs)
    targets = {"year": 0.98, "authors": 0.90, "title": 0.85, "journal": 0.80, "volume": 0.90,
               "first page": 0.90}
    for field, target in targets.items():
        assert score.prf(field)[2] >= target, field
    assert rate > 500  # strings per second; the bench measures the real figure
