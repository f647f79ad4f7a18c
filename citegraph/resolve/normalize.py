"""Stage 1 of resolution: every mention reduced to the fields that decide identity.

A :class:`Normalized` holds what matching compares, already folded: the
identifiers, the first author's family name and initial, the year, the
title's significant words (case, accents, punctuation and British spellings
folded away), the journal's words, the volume and the first page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .._slots import quick_init
from ..model import Work
from .identifiers import normalize_doi, normalize_pmcid, normalize_pmid

__all__ = ["fold", "Normalized", "Normalizer", "normalize_work", "normalize_title", "journal_words",
           "journals_compatible", "family_fold", "NOTICE_WORDS"]

_STOPWORDS = frozenset("a an the of and in on for to with by from at as or is are its".split())
_JOURNAL_STOPWORDS = frozenset("of the and for in on de la des der und &".split())

# British spellings folded to American, so that "randomised" meets "randomized".
# Patterns over whole words; kept short and general, not a dictionary.
_SPELLING = (
    (re.compile(r"(\w{3,})is(e|es|ed|ing|ation|ations)\b"), r"\1iz\2"),  # randomised, organisation
    (re.compile(r"(\w{2,})ys(e|es|ed|ing)\b"), r"\1yz\2"),  # analyse, paralysed
    (re.compile(r"(\w{2,})our(s|ed|ing|ite|ites|able)?\b"), r"\1or\2"),  # tumour, behaviour, colour
    (re.compile(r"(\w{2,})([tb])re(s)?\b"), r"\1\2er\3"),  # centre, litre, fibre
    # Greek-derived ae/oe, by stem: oesophagus, haemorrhage, paediatric, aetiology...
    (re.compile(r"^(?:(orthop|p|h|an|leuk|isch|gyn|septic|)ae(d|m|c|t))"), r"\1e\2"),
    (re.compile(r"^(?:(|f)oe(soph|dem|str|t|nolog))"), r"\1e\2"),
    (re.compile(r"rrhoea"), "rrhea"),
)
_OUR_KEEP = frozenset({"our", "four", "hour", "hours", "pour", "your", "tour", "tours", "flour",
                       "sour", "contour", "contours", "fours", "yours", "ours", "detour"})

#: First words of titles that describe a notice about another work, not the work.
NOTICE_WORDS = frozenset({"erratum", "errata", "correction", "corrigendum", "retraction",
                          "retracted", "reply", "response", "comment", "commentary", "expression"})


_NOT_WORD = re.compile(r"[^\w\s]|_")
_ASCII_PUNCTUATION = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})


def fold(text: str) -> str:
    """Lowercase, accents and punctuation removed, whitespace collapsed.

    Examples
    --------
    >>> fold("Müller–Lüdenscheidt: The  Rôle!")
    'muller ludenscheidt the role'
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        return " ".join(_NOT_WORD.sub(" ", text.lower()).split())
    return " ".join(text.lower().translate(_ASCII_PUNCTUATION).split())


def _americanize(word: str) -> str:
    if len(word) < 5 or word in _OUR_KEEP:
        return word
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return word


def normalize_title(title: str | None) -> tuple[str, ...]:
    """A title's significant words: folded, British spellings made American.

    Examples
    --------
    >>> normalize_title("Randomised trial of tumour centres: the Oesophagus")
    ('randomized', 'trial', 'tumor', 'centers', 'esophagus')
    """
    if not title:
        return ()
    return tuple(_americanize(w) for w in fold(title).split() if w not in _STOPWORDS)


def journal_words(journal: str | None) -> tuple[str, ...]:
    """A journal's words, folded, without "of", "the", "and".

    Examples
    --------
    >>> journal_words("The Journal of Biological Chemistry"), journal_words("J. Biol. Chem.")
    (('journal', 'biological', 'chemistry'), ('j', 'biol', 'chem'))
    """
    if not journal:
        return ()
    return tuple(w for w in fold(journal).split() if w not in _JOURNAL_STOPWORDS)


def journals_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool | None:
    """Whether two journal names can name one journal; ``None`` when one is unknown.

    An abbreviation matches a full title when each of its words begins the
    word at the same place in the other (ISO 4 abbreviates by truncation):
    "Eur Spine J" matches "European Spine Journal", "J Biol Chem" matches
    "Journal of Biological Chemistry"; "Spine" does not match "Spine J".

    Examples
    --------
    >>> journals_compatible(journal_words("Eur Spine J"), journal_words("European Spine Journal"))
    True
    >>> journals_compatible(journal_words("Spine"), journal_words("Spine J"))
    False
    """
    if not a or not b:
        return None
    if len(a) != len(b):
        return False
    return all(x.startswith(y) or y.startswith(x) for x, y in zip(a, b))


def family_fold(name: str) -> str:
    """A family name folded for comparison: accents, spaces, hyphens, German digraphs.

    "Müller", "Mueller" and "Muller" fold alike, as do "García-López" and
    "Garcia Lopez".

    Examples
    --------
    >>> family_fold("Müller"), family_fold("Mueller"), family_fold("García-López"), family_fold("O'Neill")
    ('muller', 'muller', 'garcialopez', 'oneill')
    """
    name = fold(name).replace(" ", "")
    return name.replace("ue", "u").replace("oe", "o").replace("ae", "a")


def _first_page(pages: str | None) -> str | None:
    if not pages:
        return None
    first = fold(pages.split("-", 1)[0]).replace(" ", "")
    return first or None


@quick_init
@dataclass(frozen=True, slots=True)
class Normalized:
    """What matching compares of one mention."""

    doi: str | None
    pmid: str | None
    pmcid: str | None
    family: str | None  # first author's family name, folded, spaces removed
    initial: str | None  # first author's first initial, lower case
    year: int | None
    title: tuple[str, ...]  # significant title words
    journal: tuple[str, ...]
    volume: str | None
    first_page: str | None
    notice: bool  # the title announces an erratum, retraction, reply...

    @property
    def title_text(self) -> str:
        return " ".join(self.title)


class Normalizer:
    """Normalizes many works, folding each distinct name, journal and title once.

    Reference lists repeat themselves (the same journal thousands of times, the
    same reference string in many records); one ``Normalizer`` per resolution
    remembers what it folded, and is dropped with it.
    """

    def __init__(self) -> None:
        self._works: dict[int, tuple[Work, Normalized]] = {}
        self._journals: dict[str, tuple[str, ...]] = {}
        self._families: dict[str, str] = {}
        self._initials: dict[str | None, str | None] = {}  # given names -> first initial
        self._volumes: dict[str, str | None] = {}
        self._pages: dict[str, str | None] = {}

    def __call__(self, work: Work) -> Normalized:
        seen = self._works.get(id(work))
        if seen is not None and seen[0] is work:
            return seen[1]
        author = work.first_author
        family = initial = None
        if author is not None:
            name = author.family or author.name
            family = self._families.get(name)
            if family is None:
                family = self._families[name] = family_fold(name)
            family = family or None
            given = author.given
            if given in self._initials:
                initial = self._initials[given]
            else:
                initial = self._initials[given] = (author.initials[:1] or "").lower() or None
        journal = ()
        if work.journal:
            journal = self._journals.get(work.journal)
            if journal is None:
                journal = self._journals[work.journal] = journal_words(work.journal)
        volume = first_page = None
        if work.volume:
            if work.volume in self._volumes:
                volume = self._volumes[work.volume]
            else:
                volume = self._volumes[work.volume] = fold(work.volume).replace(" ", "") or None
        if work.pages:
            if work.pages in self._pages:
                first_page = self._pages[work.pages]
            else:
                first_page = self._pages[work.pages] = _first_page(work.pages)
        title = normalize_title(work.title)
        normalized = Normalized(
            doi=normalize_doi(work.doi) if work.doi else None,
            pmid=normalize_pmid(work.pmid) if work.pmid else None,
            pmcid=normalize_pmcid(work.pmcid) if work.pmcid else None,
            family=family, initial=initial, year=work.year, title=title, journal=journal,
            volume=volume, first_page=first_page,
            notice=bool(title) and title[0] in NOTICE_WORDS,
        )
        self._works[id(work)] = (work, normalized)  # the work is kept: its id stays its own
        return normalized


def normalize_work(work: Work) -> Normalized:
    """Reduce a work to what decides its identity.

    Examples
    --------
    >>> from citegraph.model import Author
    >>> n = normalize_work(Work(title="Erratum: Spine care", authors=(Author("Müller M", "Müller", "M"),),
    ...                         year=2020, volume="133", pages="e498-e502", doi="DOI:10.1/X"))
    >>> n.family, n.initial, n.first_page, n.notice, n.doi
    ('muller', 'm', 'e498', True, None)
    """
    return Normalizer()(work)
