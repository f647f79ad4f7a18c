"""When a service's answer is the work a reference meant: the rules as a truth table."""

from __future__ import annotations

import pytest

from citegraph.model import Author, Work
from citegraph.online.match import candidate_verdict, confirms, fill, title_similarity, work_keys


def person(family, given="A"):
    return Author(f"{family} {given}", family, given)


REF = Work(title="Treatment strategy for metastatic spinal tumors: a narrative review",
           authors=(person("Chang", "SY"),), year=2020, journal="Asian Spine J", volume="14", pages="513")
HIT = Work(title="Treatment Strategy for Metastatic Spinal Tumors: A Narrative Review",
           authors=(person("Chang", "Sam Yeol"), person("Mok", "Sujung")), year=2020,
           journal="Asian Spine Journal", volume="14", issue="4", pages="513-525", doi="10.5555/a")

CANDIDATES = [
    ("same-work", REF, HIT, True),
    ("accents-folded", REF.replace(authors=(person("Muller"),)), HIT.replace(authors=(person("Müller"),)), True),
    ("subtitle-left-out", REF, HIT.replace(title="Treatment Strategy for Metastatic Spinal Tumors"), True),
    ("online-year-one-off-with-volume-and-page", REF, HIT.replace(year=2019), True),
    ("year-one-off-without-page", REF.replace(pages=None), HIT.replace(year=2019), False),
    ("year-far", REF, HIT.replace(year=2014), False),
    ("other-first-author", REF, HIT.replace(authors=(person("Park"),)), False),
    ("other-title-same-author-year", REF, HIT.replace(title="Spinal cord injury after trauma in the young"), False),
    ("other-volume", REF, HIT.replace(volume="41"), False),
    ("other-first-page", REF, HIT.replace(pages="600-610"), False),
    ("no-year-in-reference", REF.replace(year=None), HIT, False),
    ("no-author-in-candidate", REF, HIT.replace(authors=()), False),
    ("no-title-in-reference", REF.replace(title=None), HIT, False),
]


@pytest.mark.parametrize("parsed,candidate,accepted", [c[1:] for c in CANDIDATES],
                         ids=[c[0] for c in CANDIDATES])
def test_candidate_verdict(parsed, candidate, accepted):
    verdict = candidate_verdict(parsed, candidate)
    assert verdict.accepted is accepted, verdict.reason


def test_a_refusal_says_why():
    assert candidate_verdict(REF, HIT.replace(authors=(person("Park"),))).reason == \
        "first author Park is not Chang"


CONFIRMS = [
    ("agrees", Work(year=2016, volume="41", pages="E503", authors=(person("Schoenfeld"),)),
     Work(year=2016, volume="41", pages="E503-E509", authors=(person("Schoenfeld", "Andrew"),)), True),
    ("says-less", Work(journal="Spine", year=2016), Work(year=2016, volume="41", title="Predictors"), True),
    ("year-one-off", Work(year=2015), Work(year=2016), True),
    ("years-apart", Work(year=2012), Work(year=2016), False),
    ("other-page", Work(pages="E503"), Work(pages="E603-E609"), False),
    ("other-author", Work(authors=(person("Choi"),)), Work(authors=(person("Fox"),)), False),
    ("other-title", Work(title="Prediction of quality of life after surgery for spinal metastases"),
     Work(title="Nitrogen mustards in carcinoma"), False),
]


@pytest.mark.parametrize("reference,found,accepted", [c[1:] for c in CONFIRMS], ids=[c[0] for c in CONFIRMS])
def test_confirms(reference, found, accepted):
    assert confirms(reference, found).accepted is accepted


def test_fill_fills_only_what_is_missing():
    ref = Work(title="As cited", authors=(person("Chang", "SY"),), et_al=True, year=2020, raw="raw")
    filled = fill(ref, HIT.replace(pmid="9", pmcid="PMC9"))
    assert filled.title == "As cited" and filled.authors == ref.authors and filled.et_al
    assert (filled.doi, filled.pmid, filled.pmcid, filled.issue, filled.pages) == ("10.5555/a", "9", "PMC9", "4", "513-525")
    assert filled.raw == "raw"
    assert ref.doi is None  # frozen: a new work, the old one untouched
    bare = fill(Work(doi="10.5555/a"), HIT)
    assert bare.authors == HIT.authors and bare.et_al is False


def test_title_similarity_and_keys():
    assert title_similarity("A", None) == 0.0
    assert work_keys(Work(pmcid="PMC5", url="https://example.org/x")) == ("pmcid:PMC5",)
