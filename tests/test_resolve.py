"""The resolver's stages, on a truth table of pairs that must and must not merge."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citegraph.model import Author, Record, Source, Work
from citegraph.resolve import resolve_records
from citegraph.resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from citegraph.resolve.keys import citation_key, title_key
from citegraph.resolve.normalize import fold, normalize_work

SRC = Source("test.txt", "test")
LI = (Author("Li N", "Li", "N"), Author("Gao S", "Gao", "S"))
TITLE = "Thoracic spine metastases from lung cancer treated by endoscopic surgery"


def ref(**fields) -> Work:
    base = dict(title=TITLE, authors=LI, year=2025, journal="Eur Spine J", volume="34",
                pages="3549-3556")
    base.update(fields)
    return Work(**base)


def resolve_pair(a: Work, b: Work):
    """Two records, each citing one work: do the two cited works become one node?"""
    r1 = Record(Work(title="Citing one", doi="10.1000/citing-one"), SRC, references=(a,))
    r2 = Record(Work(title="Citing two", doi="10.1000/citing-two"), SRC, references=(b,))
    res = resolve_records([r1, r2])
    return res, len(res.nodes) == 3


# (id, a, b, should merge)
TRUTH_TABLE = [
    ("same-doi-different-case-and-prefix", ref(doi="10.1007/ABC"), ref(doi="https://doi.org/10.1007/abc"), True),
    ("same-pmid-different-titles", ref(pmid="123", title="A"), ref(pmid="0123", title="B"), True),
    ("same-pmcid-with-and-without-prefix", ref(pmcid="PMC42"), ref(pmcid="42"), True),
    ("two-different-dois-same-everything-else", ref(doi="10.1000/a"), ref(doi="10.1000/b"), False),
    ("two-different-pmids-same-title", ref(pmid="1"), ref(pmid="2"), False),
    ("same-title-years-apart", ref(), ref(year=2021), False),
    ("same-title-next-year-other-volume-and-pages", ref(), ref(year=2024, volume="33", pages="12-19"), False),
    ("epub-year-vs-print-year-same-volume-and-pages", ref(), ref(year=2024), True),
    ("erratum-of-the-work", ref(), ref(title="Erratum: " + TITLE, pages=None, volume=None), False),
    ("preprint-vs-journal-version-with-their-own-dois", ref(doi="10.1101/2024.01.01.000001"),
     ref(doi="10.1007/s00586-025-09078-3"), False),
    ("reference-string-with-a-typo-in-the-title", ref(), ref(title=TITLE.replace("metastases", "metastasis")), True),
    ("reference-string-missing-a-title-word", ref(title=None), ref(title=TITLE.replace(" endoscopic", "")), True),
    ("same-author-year-journal-but-different-papers", ref(title="Bone cement leakage after kyphoplasty in 300 cases"),
     ref(title="Quality of life after radiotherapy for spinal cord compression", volume=None, pages=None), False),
    ("abbreviated-vs-full-journal-title-no-article-title", ref(title=None, journal="European Spine Journal"),
     ref(title=None, journal="Eur Spine J"), True),
    ("transliterated-family-name", ref(authors=(Author("Mueller M", "Mueller", "M"),)),
     ref(authors=(Author("Müller M", "Müller", "M"),)), True),
    ("same-title-different-first-author", ref(), ref(authors=(Author("Gao S", "Gao", "S"),)), False),
    ("et-al-variant-of-the-author-list", ref(), ref(authors=LI[:1], et_al=True), True),
    ("initials-vs-full-given-names", ref(), ref(authors=(Author("Ningdao Li", "Li", "Ningdao"),)), True),
    ("title-case-and-punctuation", ref(), ref(title=TITLE.upper() + "."), True),
    ("accented-vs-plain-family-name",
     ref(authors=(Author("Müller M", "Müller", "M"),)), ref(authors=(Author("Muller M", "Muller", "M"),)), True),
    ("no-title-same-volume-and-first-page", ref(title=None), ref(title=None, pages="3549"), True),
    ("no-title-different-first-page", ref(title=None), ref(title=None, pages="3550-3556"), False),
    ("doi-on-one-side-only", ref(doi="10.1000/x"), ref(), True),
    ("reprint-in-another-journal-years-later", ref(),
     ref(year=2029, journal="Spine Surg Relat Res", volume="3", pages="101-108"), False),
    ("reprint-same-year-other-journal-other-pages", ref(),
     ref(journal="J Spine Surg", volume="11", pages="20-27"), False),
]


@pytest.mark.parametrize("a, b, merge", [t[1:] for t in TRUTH_TABLE], ids=[t[0] for t in TRUTH_TABLE])
def test_truth_table(a, b, merge):
    res, merged = resolve_pair(a, b)
    assert merged is merge


def test_conflicting_dois_are_counted_and_never_share_a_node():
    res, merged = resolve_pair(ref(doi="10.1000/a"), ref(doi="10.1000/b"))
    assert not merged
    assert res.conflicts == 1
    assert all(len(node.ids.get("doi", ())) <= 1 for node in res.nodes.values())


def test_no_chaining_through_a_mention_without_identifiers():
    """a (doi 1) ~ b (no id) ~ c (doi 2): b may join one of them, a and c stay apart."""
    records = [Record(Work(title=f"Citing {i}", doi=f"10.1000/citing-{i}"), SRC, references=(w,))
               for i, w in enumerate([ref(doi="10.1000/one"), ref(), ref(doi="10.1000/two")])]
    res = resolve_records(records)
    dois = [node.ids.get("doi", ()) for node in res.nodes.values()]
    assert ("10.1000/one",) in dois and ("10.1000/two",) in dois
    assert not any(len(d) > 1 for d in dois)


def test_a_record_and_a_reference_to_it_are_one_node_and_the_record_wins():
    record = Record(ref(journal="European Spine Journal", abstract="Full text"), SRC)
    citing = Record(Work(title="Later", doi="10.1000/later"), SRC, references=(ref(journal="Eur Spine J"),))
    res = resolve_records([record, citing])
    assert len(res.nodes) == 2
    node = next(n for n in res.nodes.values() if n.kind == "record" and n.work.title == TITLE)
    assert node.work.journal == "European Spine Journal"
    assert res.merged_by == {"key": 1}
    assert [(c.citing, c.cited) for c in res.citations] == [("doi:10.1000/later", node.id)]


def test_cited_by_entries_cite_the_record():
    record = Record(Work(title="Seed", pmid="5"), SRC, cited_by=(Work(title="Citer", pmid="9"),))
    res = resolve_records([record])
    assert res.nodes["pmid:9"].kind == "citing"
    assert [(c.citing, c.cited, c.position) for c in res.citations] == [("pmid:9", "pmid:5", None)]


def test_node_id_prefers_doi_then_pmid_then_pmcid_then_hash():
    works = [ref(doi="10.1000/D", pmid="7", pmcid="PMC7"),
             ref(title="Other work on spines", pmid="8", pmcid="PMC8", pages="1"),
             ref(title="Third work on spines", pmcid="PMC9", pages="2"), ref(title="Fourth work on spines", pages="3")]
    res = resolve_records([Record(Work(title="Citing", doi="10.1000/c"), SRC, references=tuple(works))])
    ids = sorted(res.nodes)
    assert ids[:4] == ["doi:10.1000/c", "doi:10.1000/d", "pmcid:PMC9", "pmid:8"]
    assert ids[4].startswith("ref:") and len(ids[4]) == len("ref:") + 12


def test_positions_and_citation_text_are_kept_and_repeated_references_count_once():
    refs = (ref(raw="first as written"), ref(title="Another spine study entirely", pages="10", raw="second"),
            ref(raw="dup"))
    res = resolve_records([Record(Work(title="Citing", doi="10.1000/c"), SRC, references=refs)])
    assert [(c.position, c.citation) for c in res.citations] == [(1, "first as written"), (2, "second")]


def test_a_work_citing_itself_gets_no_edge():
    res = resolve_records([Record(ref(doi="10.1000/self"), SRC, references=(ref(doi="10.1000/SELF"),))])
    assert len(res.nodes) == 1 and res.citations == ()


@pytest.mark.parametrize("raw, clean", [
    ("doi:10.1000/XYZ.", "10.1000/xyz"), ("https://dx.doi.org/10.1000/a(b)c).", "10.1000/a(b)c"),
    ("10.1000", None), ("", None)], ids=["doi-prefix-case-dot", "doi-url-parentheses", "doi-no-suffix", "doi-empty"])
def test_normalize_doi(raw, clean):
    assert normalize_doi(raw) == clean


def test_normalize_pmid_and_pmcid():
    assert [normalize_pmid(x) for x in ("42", "0", "-3", "4x", 17)] == ["42", None, None, None, "17"]
    assert [normalize_pmcid(x) for x in ("pmc1", "PMC0", "12", "PMC 3")] == ["PMC1", None, "PMC12", "PMC3"]


def test_keys_need_enough_to_tell_works_apart():
    assert title_key(normalize_work(ref(title="On spines"))) is None  # two significant words: too few
    assert title_key(normalize_work(ref(year=None))) is None
    assert citation_key(normalize_work(ref(volume=None))) is None
    assert title_key(normalize_work(ref())) == title_key(normalize_work(ref(title=TITLE.upper() + ".")))
    assert fold("Ærøskøbing – Ça va?") == "ærøskøbing ca va"


def uncertain_records():
    """Two records citing what may be one work: same author, year and journal, nothing else."""
    a = ref(title=None, volume=None, pages=None)
    b = ref(title=None, volume=None, pages=None, journal="European Spine Journal")
    return [Record(Work(title="Citing one", doi="10.1000/c1"), Source("one.txt", "t", index=1), references=(a,)),
            Record(Work(title="Citing two", doi="10.1000/c2"), Source("two.txt", "t", index=1), references=(b,))]


def test_uncertain_pairs_are_reviewed_and_a_person_decides(tmp_path):
    from citegraph.resolve.review import read_decisions, write_review

    res = resolve_records(uncertain_records())
    assert len(res.nodes) == 4 and len(res.reviews) == 1
    assert 0.80 <= res.reviews[0].score < 0.92 and res.reviews[0].rule == "author-year-journal"
    path = write_review(res, tmp_path / "review.csv")
    rows = path.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("decision,score,rule,left,right")
    assert "one.txt#1/reference/1" in rows[1] and "two.txt#1/reference/1" in rows[1]

    path.write_text(rows[0] + "\n" + "same" + rows[1] + "\n", encoding="utf-8")
    merged = resolve_records(uncertain_records(), decisions=read_decisions(path))
    assert len(merged.nodes) == 3 and merged.merged_by.get("manual") == 1 and merged.reviews == ()

    path.write_text(rows[0] + "\n" + "different" + rows[1] + "\n", encoding="utf-8")
    kept = resolve_records(uncertain_records(), decisions=read_decisions(path))
    assert len(kept.nodes) == 4


def test_a_different_verdict_outranks_a_key_match(tmp_path):
    """A person who says two mentions differ is obeyed even where an exact key would join them."""
    records = [Record(Work(title=f"Citing {i}", doi=f"10.1000/c{i}"), Source(f"{i}.txt", "t", index=1),
                      references=(ref(),)) for i in (1, 2)]
    assert len(resolve_records(records).nodes) == 3
    decisions = {("1.txt#1/reference/1", "2.txt#1/reference/1"): False}
    assert len(resolve_records(records, decisions=decisions).nodes) == 4


def test_a_review_file_with_a_bad_decision_names_the_line(tmp_path):
    from citegraph.errors import InputError
    from citegraph.resolve.review import read_decisions

    path = tmp_path / "r.csv"
    path.write_text("decision,left,right\nsame,a,b\nmaybe,c,d\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"r\.csv, line 3: decision 'maybe'"):
        read_decisions(path)


def test_fuzzy_merges_do_not_chain():
    """b is close to a and to c, but a and c differ: b may join one of them, never both."""
    base = "Outcomes of surgery for spinal metastases in a cohort of patients with lung cancer"
    a = ref(title=base, volume=None, pages=None)
    b = ref(title=base + " treated", volume=None, pages=None)
    c = ref(title=base + " treated by endoscopy at four centres in Europe", volume=None, pages=None)
    records = [Record(Work(title=f"Citing {i}", doi=f"10.1000/c{i}"), SRC, references=(w,))
               for i, w in enumerate([a, b, c])]
    res = resolve_records(records)
    groups = [sorted(n.mentions) for n in res.nodes.values() if n.kind == "reference"]
    assert len(groups) >= 2  # a and c never share a node


def test_block_pairs_are_exactly_those_the_volume_veto_allows():
    # a block's pairs are enumerated by volume, not all against all: the same
    # pairs as the brute force that skips different known volumes, in its order
    import itertools
    import random

    from citegraph.resolve import _pairs_to_compare

    rng = random.Random(5)
    for _ in range(300):
        volumes = [rng.choice([None, "1", "2", "3", "12a"]) for _ in range(rng.randint(0, 25))]
        brute = [(x, y) for x, y in itertools.combinations(range(len(volumes)), 2)
                 if volumes[x] is None or volumes[y] is None or volumes[x] == volumes[y]]
        assert list(_pairs_to_compare(volumes)) == brute


def test_a_big_author_year_block_still_finds_its_pair():
    # 300 works by one author in one year, each in its own volume, and one of them
    # cited twice with a misspelt title and no volume: the pair is found
    works = [Work(title=f"Study number {k} of the lumbar spine in adults", year=2001, volume=str(k),
                  pages=f"{k}-{k + 9}", authors=(Author("Smith J", "Smith", "J"),), journal="Spine")
             for k in range(1, 301)]
    typo = works[150].replace(title="Study numbr 151 of the lumbar spine in adults", volume=None,
                              pages=None)
    src = Source("x.txt", "test")
    records = [Record(Work(title="Citing one", doi="10.1000/a"), src, references=tuple(works)),
               Record(Work(title="Citing two", doi="10.1000/b"), src, references=(typo,))]
    res = resolve_records(records)
    assert len(res.nodes) == 2 + 300
    assert res.merged_by.get("fuzzy") == 1


_DIGITS = st.text(alphabet="0123456789", max_size=12)
_ID_TEXT = st.one_of(_DIGITS, st.builds(lambda p, d: p + d, st.sampled_from(["PMC", "pmc", "PMC ", " PMC"]), _DIGITS),
                     st.text(alphabet="0123456789 PMCpmc\u00b2\u0663\t", max_size=14), st.text(max_size=8))


@settings(max_examples=600, deadline=None)
@given(_ID_TEXT)
def test_the_identifier_shortcuts_answer_as_the_general_rules(text):
    # normalize_pmid and normalize_pmcid give the usual form back at once; whatever the
    # text, the answer is the general rule's, written here on its own
    digits = text.strip()
    general_pmid = (str(int(digits)) if len(digits) <= 10 and digits.isascii() and digits.isdigit()
                    and int(digits) > 0 else None)
    m = re.fullmatch(r"(?:PMC)?\s*(\d{1,10})", text.strip(), re.I) if text else None
    general_pmcid = f"PMC{int(m.group(1))}" if m and int(m.group(1)) > 0 else None
    assert normalize_pmid(text) == general_pmid
    assert normalize_pmcid(text) == general_pmcid
