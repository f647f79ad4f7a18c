"""When an answer from a service is the work a reference meant, and what it adds.

Small pure functions with names, as in :mod:`citegraph.resolve.match`:

* :func:`candidate_verdict` decides whether a bibliographic search result
  (Crossref ``query.bibliographic``) is the work a parsed reference describes.
  A relevance score alone never decides: the candidate must agree on the
  year, the first author and the title, and must not contradict the volume or
  the first page.
* :func:`confirms` checks that a record found by identifier lookup (a PMID
  from ECitMatch) does not contradict the reference it was found for.
* :func:`fill` puts what a service knows into the fields a work leaves empty:
  it never overwrites what the record or the reference said.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from ..model import Work
from ..resolve.normalize import family_fold, fold, normalize_title

__all__ = ["Verdict", "candidate_verdict", "confirms", "fill", "FILLED_FIELDS", "TITLE_AT",
           "work_keys"]

#: Title similarity (rapidfuzz token sort ratio over significant words, 0..1) needed to accept.
TITLE_AT = 0.9

#: The fields :func:`fill` may fill, identifiers first.
FILLED_FIELDS: tuple[str, ...] = ("doi", "pmid", "pmcid", "title", "authors", "year", "month",
                                  "journal", "volume", "issue", "pages", "publication_types",
                                  "publisher")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a candidate is accepted, by which rule or for which reason not."""

    accepted: bool
    reason: str
    score: float = 0.0

    def __bool__(self) -> bool:
        return self.accepted


def _family(work: Work) -> str | None:
    author = work.first_author
    if author is None:
        return None
    return family_fold(author.family or author.name) or None


def _first_page(work: Work) -> str | None:
    page = work.first_page
    return fold(page).replace(" ", "") or None if page else None


def _volume(work: Work) -> str | None:
    return fold(work.volume).replace(" ", "") or None if work.volume else None


def title_similarity(a: str | None, b: str | None) -> float:
    """How alike two titles are, 0..1, over their significant words.

    A title that is the start of the other (a subtitle left out), five
    significant words or longer, counts as alike.

    Examples
    --------
    >>> title_similarity("Treatment strategy for metastatic spinal tumors: a narrative review",
    ...                  "Treatment Strategy for Metastatic Spinal Tumors: A Narrative Review")
    1.0
    >>> title_similarity("Spinal metastases", "Cardiac arrest") < 0.5
    True
    """
    x, y = normalize_title(a), normalize_title(b)
    if not x or not y:
        return 0.0
    short, long = sorted((x, y), key=len)
    if len(short) >= 5 and long[:len(short)] == short:
        return 1.0
    return fuzz.token_sort_ratio(" ".join(x), " ".join(y)) / 100


def candidate_verdict(parsed: Work, candidate: Work) -> Verdict:
    """Whether a search result is the work a parsed reference describes.

    Rules, all required:

    * ``year``: both known and equal, or one apart when volume and first page
      are both known and agree (print and online years differ);
    * ``first author``: both known, family names equal once folded;
    * ``title``: both known, similarity at least :data:`TITLE_AT`;
    * ``volume`` and ``first page``: not different where both are known.

    Examples
    --------
    >>> from citegraph.model import Author
    >>> ref = Work(title="Treatment strategy for metastatic spinal tumors: a narrative review",
    ...            authors=(Author("Chang SY", "Chang", "SY"),), year=2020, volume="14", pages="513")
    >>> hit = ref.replace(title="Treatment Strategy for Metastatic Spinal Tumors: A Narrative Review",
    ...                   authors=(Author("Sam Yeol Chang", "Chang", "Sam Yeol"),), pages="513-525")
    >>> candidate_verdict(ref, hit).accepted
    True
    >>> candidate_verdict(ref, hit.replace(year=2014)).reason
    'year 2014 is not 2020'
    """
    if parsed.year is None or candidate.year is None:
        return Verdict(False, "no year to compare")
    volume_a, volume_b = _volume(parsed), _volume(candidate)
    page_a, page_b = _first_page(parsed), _first_page(candidate)
    if volume_a and volume_b and volume_a != volume_b:
        return Verdict(False, f"volume {candidate.volume} is not {parsed.volume}")
    if page_a and page_b and page_a != page_b:
        return Verdict(False, f"first page {candidate.first_page} is not {parsed.first_page}")
    gap = abs(parsed.year - candidate.year)
    if gap > 1 or (gap == 1 and not (volume_a and volume_b and page_a and page_b)):
        return Verdict(False, f"year {candidate.year} is not {parsed.year}")
    family_a, family_b = _family(parsed), _family(candidate)
    if not family_a or not family_b:
        return Verdict(False, "no first author to compare")
    if family_a != family_b:
        return Verdict(False, f"first author {candidate.first_author.family or candidate.first_author.name} "
                              f"is not {parsed.first_author.family or parsed.first_author.name}")
    if not parsed.title or not candidate.title:
        return Verdict(False, "no title to compare")
    similarity = title_similarity(parsed.title, candidate.title)
    if similarity < TITLE_AT:
        return Verdict(False, f"titles differ (similarity {similarity:.2f})", similarity)
    return Verdict(True, "year, first author and title agree", similarity)


def confirms(reference: Work, found: Work) -> Verdict:
    """Whether a record found by lookup does not contradict the reference it was found for.

    Year (at most one apart), first author, volume and first page must not
    disagree where both sides know them; the title, where both know it, must
    not be plainly another (similarity under 0.5).

    Examples
    --------
    >>> confirms(Work(year=2020, volume="14", pages="513"), Work(year=2020, volume="14", pages="513-525")).accepted
    True
    >>> confirms(Work(year=2020, volume="14"), Work(year=2020, volume="41")).reason
    'volume 41 is not 14'
    """
    if reference.year and found.year and abs(reference.year - found.year) > 1:
        return Verdict(False, f"year {found.year} is not {reference.year}")
    volume_a, volume_b = _volume(reference), _volume(found)
    if volume_a and volume_b and volume_a != volume_b:
        return Verdict(False, f"volume {found.volume} is not {reference.volume}")
    page_a, page_b = _first_page(reference), _first_page(found)
    if page_a and page_b and page_a != page_b:
        return Verdict(False, f"first page {found.first_page} is not {reference.first_page}")
    family_a, family_b = _family(reference), _family(found)
    if family_a and family_b and family_a != family_b:
        return Verdict(False, "first authors differ")
    if reference.title and found.title and title_similarity(reference.title, found.title) < 0.5:
        return Verdict(False, "titles differ")
    return Verdict(True, "nothing contradicts")


def fill(work: Work, found: Work) -> Work:
    """``work`` with its empty fields filled from ``found``; what it says is kept.

    Authors are filled only when the work has none (an author list cut short
    with "et al." is kept as it is).

    Examples
    --------
    >>> w = fill(Work(title="A", year=2020), Work(title="B", year=2021, doi="10.1/x", pmid="5"))
    >>> w.title, w.year, w.doi, w.pmid
    ('A', 2020, '10.1/x', '5')
    >>> fill(w, Work()) is w
    True
    """
    changes = {}
    for name in FILLED_FIELDS:
        mine = getattr(work, name)
        if mine is None or mine == ():
            theirs = getattr(found, name)
            if theirs is not None and theirs != ():
                changes[name] = theirs
    if "authors" in changes:
        changes["et_al"] = found.et_al
    return work.replace(**changes) if changes else work


def work_keys(work: Work) -> tuple[str, ...]:
    """The identifiers of a work as ``"doi:..."``, ``"pmid:..."``, ``"pmcid:..."``, ``"openalex:W..."``.

    Examples
    --------
    >>> work_keys(Work(doi="10.1/X", pmid="12", url="https://openalex.org/W5"))
    ('doi:10.1/x', 'pmid:12', 'openalex:W5')
    """
    keys = []
    if work.doi:
        keys.append(f"doi:{work.doi.lower()}")
    if work.pmid:
        keys.append(f"pmid:{work.pmid}")
    if work.pmcid:
        keys.append(f"pmcid:{work.pmcid}")
    if work.url and work.url.startswith("https://openalex.org/W"):
        keys.append(f"openalex:{work.url.rsplit('/', 1)[1]}")
    return tuple(keys)
