"""Stages 2 and 3 of resolution: blocking keys and named match rules.

Blocking decides which mentions are ever compared: only mentions that share
a key (first author + year, year + volume + first page, the title's first
words).  Matching compares two :class:`~citegraph.resolve.normalize.Normalized`
mentions and says, with a named rule and a score, whether they are one work.

Every rule starts from the same vetoes: two mentions whose identifiers of one
kind differ, whose years are more than one apart, whose volumes or first pages
differ, whose first authors differ, or of which exactly one is a notice
(erratum, retraction, reply) are never one work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from .normalize import Normalized, journals_compatible

__all__ = ["MERGE_AT", "REVIEW_AT", "Match", "BLOCKING_KEYS", "compare", "veto"]

#: A pair at or above this score is merged.
MERGE_AT = 0.92
#: A pair at or above this score, and below MERGE_AT, is written for review.
REVIEW_AT = 0.80
#: Largest block compared pair by pair; a larger block is too generic a key
#: (an author with hundreds of papers in one year) and is left to the others.
MAX_BLOCK = 400


@dataclass(frozen=True, slots=True)
class Match:
    """The verdict on one pair: which rule spoke, and how sure it is (0..1)."""

    rule: str
    score: float


def _by_author_year(n: Normalized) -> tuple | None:
    return ("author-year", n.family, n.year) if n.family and n.year else None


def _by_year_volume_page(n: Normalized) -> tuple | None:
    return ("year-volume-page", n.year, n.volume, n.first_page) if n.year and n.volume and n.first_page else None


def _by_title_start(n: Normalized) -> tuple | None:
    return ("title-start", n.title[:4]) if len(n.title) >= 4 else None


#: Named blocking keys, in the order they are tried.
BLOCKING_KEYS: tuple[tuple[str, Callable[[Normalized], tuple | None]], ...] = (
    ("author-year", _by_author_year),
    ("year-volume-page", _by_year_volume_page),
    ("title-start", _by_title_start),
)


def _same_author(a: Normalized, b: Normalized) -> bool | None:
    if not a.family or not b.family:
        return None
    if a.family == b.family:
        return True
    # a typo in a long name ("Schoenfield"/"Schoenfeld"), with the same initial;
    # short names differ in one letter between different people (Li, Liu)
    return (min(len(a.family), len(b.family)) >= 6 and a.initial == b.initial is not None
            and JaroWinkler.similarity(a.family, b.family) >= 0.92)


def veto(a: Normalized, b: Normalized, *, identifiers: bool = True) -> str | None:
    """Why two mentions cannot be one work, or ``None`` when nothing forbids it.

    ``identifiers=False`` leaves different identifiers to the caller (the
    resolver's groups refuse those joins themselves, and count them).
    """
    for field in ("doi", "pmid", "pmcid") if identifiers else ():
        x, y = getattr(a, field), getattr(b, field)
        if x and y and x != y:
            return f"different {field}"
    if a.year and b.year and abs(a.year - b.year) > 1:
        return "years apart"
    if a.volume and b.volume and a.volume != b.volume:
        return "different volume"
    if a.first_page and b.first_page and a.first_page != b.first_page:
        return "different first page"
    if _same_author(a, b) is False:
        return "different first author"
    if a.notice != b.notice:
        return "a notice about a work is not the work"
    return None


def compare(a: Normalized, b: Normalized) -> Match | None:
    """The best rule's verdict on a pair, or ``None`` when a veto forbids it.

    Rules, each with its own evidence:

    * ``title``: titles similar (rapidfuzz token sort ratio), first author and
      year agree; volume, page and journal agreement add to the score, a year
      off by one takes from it;
    * ``citation``: no title on one side, so first author, year, volume and
      first page must all agree (the Web of Science form), journal not against;
    * ``journal-page``: no author on one side: year, volume, first page and a
      compatible journal.
    """
    if veto(a, b) is not None:
        return None
    journal = journals_compatible(a.journal, b.journal)
    same_author = _same_author(a, b)
    year_gap = abs(a.year - b.year) if a.year and b.year else None
    if a.title and b.title:
        similarity = fuzz.token_sort_ratio(a.title_text, b.title_text) / 100
        if min(len(a.title), len(b.title)) < 3 and similarity < 1:
            return None  # short titles ("Editorial", "Reply") say too little
        score = similarity
        score += 0.02 * (a.volume is not None and a.volume == b.volume)
        score += 0.02 * (a.first_page is not None and a.first_page == b.first_page)
        score += 0.02 * bool(journal)
        score -= 0.06 * (year_gap == 1)
        score -= 0.10 * (year_gap is None)
        score -= 0.05 * (same_author is None)
        return Match("title", round(min(score, 1.0), 4))
    if same_author and year_gap == 0 and a.volume and a.first_page and \
            a.volume == b.volume and a.first_page == b.first_page and journal is not False:
        return Match("citation", 0.97 if journal else 0.94)
    if year_gap == 0 and a.volume and a.first_page and a.volume == b.volume and \
            a.first_page == b.first_page and journal:
        return Match("journal-page", 0.93 if same_author is None else 0.96)
    if same_author and year_gap == 0 and journal and (a.volume == b.volume or not (a.volume and b.volume)):
        return Match("author-year-journal", 0.84)  # plausible, not enough: for review
    return None
