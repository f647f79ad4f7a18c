"""Reference strings into :class:`~citegraph.model.Work` fields.

``parse_reference`` reads one reference as a citing article printed it.  This
first parser knows the two styles that PubMed pages carry most:

* author-year with the year in parentheses (Springer, Harvard)::

      Yahanda AT, Buchowski JM, Wegner AM (2019) Title. Annals Translational Med. 7(10)

* Vancouver / NLM::

      Patchell RA, Tibbs PA, et al. Title. Lancet. 2005;366(9486):643-648. doi:10.1016/...

It works in steps, each a small function: clean the string (numbering, link
labels, dashes), take out identifiers, find the year, split off the authors,
then split what remains into title, journal and the volume/issue/pages tail.
A field it cannot find is left ``None``: it never guesses.
"""

from __future__ import annotations

import re
import unicodedata

from .model import Author, Work
from .resolve.identifiers import normalize_doi

__all__ = ["parse_reference", "clean_reference", "parse_authors", "parse_author",
           "expand_page_range", "normalize_doi"]

# -- cleaning ----------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"',
           ord("\u00a0"): " ", ord("\u2009"): " ", ord("\u202f"): " "}
_LEADING_NUMBER = re.compile(r"^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)](?=\s)|\d{1,4}\s(?=[A-Z]))\s*")
# Link labels that web pages print after a reference: "- PubMed - PMC", "CrossRef", ...
_LINK_LABELS = re.compile(
    r"(?:\s*(?:-\s*)?\[?(?:PubMed|PMC(?: free article)?|Free PMC article|DOI|CrossRef|Crossref|"
    r"Google Scholar|Web of Science|Scopus|Article|Full Text|Abstract|Free Full Text|"
    r"PubMed Central|Europe PMC)\]?)+\s*$")


def clean_reference(text: str) -> str:
    """Normalize a reference string for parsing.

    Folds compatibility characters (ligatures), Unicode dashes and quotes, joins
    lines, and strips leading list numbers and trailing link labels.

    Examples
    --------
    >>> clean_reference("1. Chang SY (2020) T. Asian Spine J 14(4):513 - PubMed - PMC")
    'Chang SY (2020) T. Asian Spine J 14(4):513'
    """
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES)
    text = " ".join(text.split())
    text = _LEADING_NUMBER.sub("", text, count=1)
    text = _LINK_LABELS.sub("", text)
    return text.strip()


# -- identifiers -------------------------------------------------------------

_DOI = re.compile(r"(?:doi\s*[:.]?\s*|https?://(?:dx\.)?doi\.org/|\bDOI\s+)?(10\.\d{4,9}/\S+)", re.I)
_PMID = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b", re.I)
_PMCID = re.compile(r"\b(?:PMCID\s*:?\s*)?(PMC\d{3,9})\b", re.I)
_URL = re.compile(r"(?:Available (?:from|at)\s*:?\s*)?(https?://\S+)", re.I)


def _take_identifiers(text: str) -> tuple[str, dict[str, str]]:
    found: dict[str, str] = {}
    m = _DOI.search(text)
    if m:
        doi = normalize_doi(m.group(1))
        if doi:
            found["doi"] = doi
        text = text[:m.start()] + text[m.end():]
    m = _PMID.search(text)
    if m and int(m.group(1)) > 0:
        found["pmid"] = str(int(m.group(1)))
        text = text[:m.start()] + text[m.end():]
    m = _PMCID.search(text)
    if m:
        found["pmcid"] = m.group(1).upper()
        text = text[:m.start()] + text[m.end():]
    m = _URL.search(text)
    if m:
        found["url"] = m.group(1).rstrip(".,;")
        text = text[:m.start()] + text[m.end():]
    text = re.sub(r"\s*\[?(?:Epub|Published online)[^.\]]*\]?\.?\s*$", "", text, flags=re.I)
    return " ".join(text.split()).strip(" .;,"), found


# -- authors -----------------------------------------------------------------

_INITIALS = r"(?:[A-Z]\.?(?:-?[A-Z]\.?){0,3})"
# "Yahanda AT", "Steiger H-J", "Li N", "van der Berg JC"
_NAME_INITIALS = re.compile(
    rf"^(?P<family>(?:(?:van|von|der|den|de|del|della|di|da|dos|du|la|le|ten|ter|bin|al|el)\s+)*"
    rf"[^\W\d_][\w'\u2019-]*(?:[\s-][A-Z][\w'-]+)??)\s+(?P<given>{_INITIALS}(?:\s+{_INITIALS})?)$")
# "Ningdao Li", "J. Smith"
_GIVEN_FIRST = re.compile(r"^(?P<given>(?:[A-Z][\w'-]*\.?\s+)+)(?P<family>[^\W\d_][\w'-]+)$")
# "Smith, J." / "Smith, John"
_FAMILY_COMMA = re.compile(r"^(?P<family>[^,]+),\s*(?P<given>.+)$")
_ET_AL = re.compile(r"[,;]?\s*\bet\.?\s*al\b\.?", re.I)


def parse_author(name: str) -> Author:
    """One author name into family and given parts.

    Examples
    --------
    >>> parse_author("Steiger H-J")
    Author(name='Steiger H-J', family='Steiger', given='H-J')
    >>> parse_author("Ningdao Li")
    Author(name='Ningdao Li', family='Li', given='Ningdao')
    >>> parse_author("WHO Collaborative Study Group").is_group
    True
    """
    name = " ".join(name.split()).strip(" ,;")
    m = _NAME_INITIALS.match(name)
    if m:
        return Author(name, m.group("family"), m.group("given"))
    m = _FAMILY_COMMA.match(name)
    if m:
        return Author(name, m.group("family").strip(), m.group("given").strip())
    words = name.split()
    if len(words) > 4 or any(w.lower() in {"group", "collaboration", "consortium", "committee",
                                           "society", "association", "organization",
                                           "investigators", "team", "network"} for w in words):
        return Author(name, None, None)
    m = _GIVEN_FIRST.match(name)
    if m:
        return Author(name, m.group("family"), m.group("given").strip())
    if len(words) == 1:
        return Author(name, name, None)
    return Author(name, None, None)


def parse_authors(text: str) -> tuple[tuple[Author, ...], bool]:
    """An author list into authors and an "et al." flag.

    Examples
    --------
    >>> authors, et_al = parse_authors("Chang SY, Mok S, Park SC et al")
    >>> [a.family for a in authors], et_al
    (['Chang', 'Mok', 'Park'], True)
    """
    et_al = bool(_ET_AL.search(text))
    text = _ET_AL.sub("", text)
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text)
    authors = tuple(parse_author(p) for p in parts if p.strip(" .,;"))
    return authors, et_al


# -- year, tail, title / journal ---------------------------------------------

# "Name AB, Name C (2019) ..."  -> authors end where the parenthesized year is
_AUTHOR_YEAR = re.compile(r"^(?P<authors>.+?)\s*\((?P<year>(?:1[6-9]|20)\d{2})[a-z]?\)\.?\s*(?P<rest>.*)$")
# Vancouver: "Journal. 2005;366(9486):643-648" or "Journal. 2005 Mar;366:643"
_VANCOUVER_TAIL = re.compile(
    r"(?P<journal>[^.]+(?:\.[^.]+)*?)\.?\s+(?P<year>(?:1[6-9]|20)\d{2})[a-z]?"
    r"(?:\s+(?P<month>[A-Z][a-z]{2}(?:-[A-Z][a-z]{2})?)(?:\s+\d{1,2}(?:-\d{1,2})?)?)?"
    r"\s*(?:;\s*(?P<volume>[\w.-]+)?\s*(?:\((?P<issue>[^)]+)\))?)?"
    r"(?:\s*:\s*(?P<pages>[\w.-]+))?\s*\.?\s*$")
# "Annals Translational Med. 7(10)" / "Spine 41(8):E503-E9" / "World Neurosurg 133:e498-e502"
_VOLUME_TAIL = re.compile(
    r"[\s.,]+(?P<volume>\d+[A-Za-z]?)\s*(?:\((?P<issue>[^)]+)\))?"
    r"(?:\s*[:,]\s*(?:pp?\.?\s*)?(?P<pages>[A-Za-z]?\d+[A-Za-z]?(?:-[A-Za-z]?\d+[A-Za-z]?)?))?\s*\.?\s*$")
_AUTHOR_LIST_END = re.compile(
    rf"^(?P<authors>(?:[^.,;()]+?\s{_INITIALS}(?:,\s*|;\s*|\s+and\s+|\s*&\s*))*[^.,;()]+?\s{_INITIALS}"
    rf"(?:,?\s*et\.?\s*al)?)\.\s+(?P<rest>.+)$")


def expand_page_range(pages: str) -> str:
    """``"643-8"`` → ``"643-648"``, ``"E503-E9"`` → ``"E503-E509"``.

    Examples
    --------
    >>> expand_page_range("E503-E9"), expand_page_range("789-96"), expand_page_range("e498-e502")
    ('E503-E509', '789-796', 'e498-e502')
    """
    m = re.fullmatch(r"([A-Za-z]*)(\d+)([A-Za-z]*)-([A-Za-z]*)(\d+)([A-Za-z]*)", pages)
    if not m:
        return pages
    prefix, first, suffix, prefix2, last, suffix2 = m.groups()
    if prefix2 and prefix2 != prefix:
        return pages
    if len(last) < len(first) and int(first[-len(last):]) <= int(last) or \
            len(last) < len(first) and int(first[:len(first) - len(last)] + last) > int(first):
        last = first[:len(first) - len(last)] + last
    return f"{prefix}{first}{suffix}-{prefix}{last}{suffix2 or suffix}"


_JOURNAL_WORD = re.compile(r"^(?:[A-Z][\w'&-]*\.?|of|the|and|in|for|on|de|la|und|&|[A-Z]{2,}|\([A-Z][\w ]+\))$")


def _looks_like_journal(text: str) -> bool:
    words = text.replace(". ", " ").split()
    if not words or len(words) > 12:
        return False
    return all(_JOURNAL_WORD.match(w.rstrip(".,")) for w in words) and bool(re.match(r"[A-Z]", words[0]))


def _split_title_journal(text: str) -> tuple[str | None, str | None]:
    """Split "Title. Journal" at the earliest ". " whose remainder reads as a journal."""
    text = text.strip(" .")
    if not text:
        return None, None
    for m in re.finditer(r"[.?!]\s+", text):
        head, tail = text[:m.start() + 1], text[m.end():]
        if _looks_like_journal(tail):
            return head.rstrip(".").strip() or None, tail.rstrip(".").strip() or None
    return text, None


def _pages(value: str | None) -> str | None:
    return expand_page_range(value) if value else None


def parse_reference(text: str) -> Work:
    """Parse one reference string into a :class:`~citegraph.model.Work`.

    Examples
    --------
    >>> w = parse_reference("1. Choi D, Fox Z, Albert T et al (2015) Prediction of quality of life. "
    ...                     "Neurosurgery 77(5):698–708 - PubMed")
    >>> w.authors[0].family, w.et_al, w.year, w.title, w.journal, w.volume, w.issue, w.pages
    ('Choi', True, 2015, 'Prediction of quality of life', 'Neurosurgery', '77', '5', '698-708')
    >>> w = parse_reference("Patchell RA, Tibbs PA, et al. Direct decompressive surgical resection. "
    ...                     "Lancet. 2005;366(9486):643-648. doi:10.1016/S0140-6736(05)66954-1")
    >>> w.year, w.journal, w.volume, w.issue, w.pages, w.doi
    (2005, 'Lancet', '366', '9486', '643-648', '10.1016/s0140-6736(05)66954-1')
    """
    raw = text
    text = clean_reference(text)
    text, ids = _take_identifiers(text)
    fields: dict = {"raw": raw.strip(), **ids}

    m = _AUTHOR_YEAR.match(text)
    if m:
        fields["authors"], fields["et_al"] = parse_authors(m.group("authors"))
        fields["year"] = int(m.group("year"))
        rest = m.group("rest")
        tail = _VOLUME_TAIL.search(rest)
        if tail:
            fields.update(volume=tail.group("volume"), issue=tail.group("issue"),
                          pages=_pages(tail.group("pages")))
            rest = rest[:tail.start()]
        fields["title"], fields["journal"] = _split_title_journal(rest)
        return Work(**fields)

    m = _AUTHOR_LIST_END.match(text)
    rest = text
    if m:
        fields["authors"], fields["et_al"] = parse_authors(m.group("authors"))
        rest = m.group("rest")
    tail = _VANCOUVER_TAIL.search(rest)
    if tail:
        fields.update(year=int(tail.group("year")), month=tail.group("month"),
                      volume=tail.group("volume"), issue=tail.group("issue"),
                      pages=_pages(tail.group("pages")))
        title, journal = _split_title_journal(rest[:tail.start("year")])
        fields["title"], fields["journal"] = title, journal
        return Work(**fields)
    year = re.search(r"\b((?:1[6-9]|20)\d{2})\b", rest)
    if year:
        fields["year"] = int(year.group(1))
    fields["title"] = rest.strip(" .") or None
    return Work(**fields)
