"""Reference text before tagging: character folding, cleaning, identifiers, tokens.

Everything here is a pure function of a string.  :func:`fold_characters` works
character by character, so that labelled training text can be folded segment
by segment and keep its offsets.
"""

from __future__ import annotations

import re
import unicodedata

from ..resolve.identifiers import normalize_doi

__all__ = ["fold_characters", "clean_reference", "find_identifiers", "tokenize",
           "normalize_doi"]

# -- characters --------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201a"): "'", ord("\u201b"): "'",
           ord("\u201c"): '"', ord("\u201d"): '"', ord("\u201e"): '"', ord("\u201f"): '"',
           ord("\u00ab"): '"', ord("\u00bb"): '"', ord("\u2032"): "'", ord("\u2033"): '"',
           ord("\u00a0"): " ", ord("\u2009"): " ", ord("\u202f"): " ", ord("\u2002"): " ",
           ord("\u2003"): " ", ord("\u200b"): "", ord("\u00ad"): "", ord("\ufeff"): "",
           ord("\u21b5"): "ff",  # "a↵ects": a PDF's lost ff ligature
           ord("\t"): " ", ord("\r"): " ", ord("\n"): " "}
_FOLD = {**_DASHES, **_QUOTES}
_SURROGATE = re.compile("[\ud800-\udfff]")
# inline markup of web pages and XML sources: <i>, <italic>, </b>, <sup>...
_MARKUP = re.compile(r"</?(?:i|b|u|em|strong|italic|bold|underline|sup|sub|span|font|sc|"
                     r"smallcaps|a|tt)(?:\s[^<>]{0,200})?/?>", re.I)


def fold_characters(text: str) -> str:
    """Fold ligatures and compatibility forms, Unicode dashes, quotes and spaces.

    Examples
    --------
    >>> fold_characters("\ufb01rst \u201cquoted\u201d 643\u20138 <i>Nature</i>")
    'first "quoted" 643-8 Nature'
    """
    if "<" in text:
        text = _MARKUP.sub("", text)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    if _SURROGATE.search(text):  # lone surrogates, as a stray JSON "\ud800" gives them
        text = _SURROGATE.sub("\ufffd", text)
    return text


# -- cleaning ----------------------------------------------------------------

_LEADING_NUMBER = re.compile(
    r"^\s*(?:\[\s*\d{1,4}[a-z]?\s*\]|\(\d{1,4}\)|\d{1,4}[.)](?=\s)|\d{1,4}\s(?=[A-Z\u00c0-\u024f]))\s*")
# Link labels that web pages print after a reference: "- PubMed - PMC", "CrossRef", ...
_LINK_LABELS = re.compile(
    r"(?:\s*(?:-\s*)?[\[(]?(?:PubMed|PMC(?: free article)?|Free PMC article|CrossRef|Crossref|"
    r"Google Scholar|Web of Science(?: ®)?|ISI|Scopus|Article|Full Text|Abstract|Free Full Text|"
    r"PubMed Central|Europe PMC|CAS|MathSciNet|zbMATH|Medline|View Article|Find this article online)"
    r"[\])]?)+\s*$")


_NUMBER_START = frozenset("0123456789[(")
_LINK_WORD = re.compile(r"(?:PubMed|PMC|article|CrossRef|Scholar|Science|Scopus|Text|Abstract|"
                        r"Central|CAS|ISI|MathSciNet|zbMATH|Medline|online)\W*$", re.I)


def clean_reference(text: str) -> str:
    """Normalize a reference string for parsing.

    Folds compatibility characters (ligatures), Unicode dashes and quotes, joins
    lines, and strips leading list numbers and trailing link labels.

    Examples
    --------
    >>> clean_reference("1. Chang SY (2020) T. Asian Spine J 14(4):513 - PubMed - PMC")
    'Chang SY (2020) T. Asian Spine J 14(4):513'
    >>> clean_reference("[12]  A. Smith,\\nTitle. Nature 1 (2001) 2. CrossRef Google Scholar")
    'A. Smith, Title. Nature 1 (2001) 2.'
    """
    text = " ".join(fold_characters(text).split())
    if text[:1] in _NUMBER_START:
        text = _LEADING_NUMBER.sub("", text, count=1)
    if _LINK_WORD.search(text, max(0, len(text) - 40)):
        text = _LINK_LABELS.sub("", text)
    return text.strip()


# -- identifiers -------------------------------------------------------------

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
_DOI_SPACED = re.compile(r"\bdoi\s*[:.]?\s*(10\.\s?\d{4,9}\s?/\s?[^\s\"<>]+)", re.I)
# what follows a DOI without a space: "[doi]", ".URL http...", ".PMID:1", ",doi", "(2019)"
_DOI_TAIL = re.compile(r"(?:[\[,].*|\.(?:url|pmid|pmcid|arxiv|http|available|accessed)\b.*|"
                       r"\((?:19|20)\d\d\)\.?)$", re.I)
_PMID = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b", re.I)
_PMCID = re.compile(r"\b(PMC\s?\d{3,9})\b")
_ARXIV = re.compile(
    r"\barXiv\s*[:.]?\s*(?:org\s*:\s*)?((?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?)"
    r"|\b((?:astro-ph|hep-th|hep-ph|hep-ex|hep-lat|gr-qc|nucl-th|nucl-ex|cond-mat(?:\.[a-z-]+)?|"
    r"quant-ph|math(?:\.[A-Z]{2})?|math-ph|physics(?:\.[a-z-]+)?|cs(?:\.[A-Z]{2})?|nlin(?:\.[A-Z]{2})?|"
    r"q-bio(?:\.[A-Z]{2})?)/\d{7}(?:v\d+)?)", re.I)
_URL = re.compile(r"\b((?:https?|ftp)://[^\s<>\"]+|www\.[^\s<>\"]+\.[a-z]{2,}[^\s<>\"]*)", re.I)


def find_identifiers(text: str) -> dict[str, str]:
    """DOI, PMID, PMCID, arXiv id and URL found in a reference string.

    A DOI inside a ``doi.org`` URL is the DOI; the URL is kept only when it is
    not a DOI resolver link.

    Examples
    --------
    >>> find_identifiers("Lancet. 2005;366:643. doi:10.1016/S0140-6736(05)66954-1. PMID: 16112300")
    {'doi': '10.1016/s0140-6736(05)66954-1', 'pmid': '16112300'}
    >>> find_identifiers("Preprint, arXiv:1706.03762v5 [cs.CL]; https://example.org/x.")
    {'arxiv': '1706.03762v5', 'url': 'https://example.org/x'}
    """
    found: dict[str, str] = {}
    low = text.lower()
    if "10." in text:
        m = _DOI.search(text) or _DOI_SPACED.search(text)
        if m:
            doi = normalize_doi(_DOI_TAIL.sub("", m.group(1).replace(" ", "")))
            if doi:
                found["doi"] = doi
    if "pmid" in low:
        m = _PMID.search(text)
        if m and int(m.group(1)) > 0:
            found["pmid"] = str(int(m.group(1)))
    if "pmc" in low:
        m = _PMCID.search(text)
        if m:
            found["pmcid"] = m.group(1).replace(" ", "").upper()
    if "arxiv" in low or "/" in text:
        m = _ARXIV.search(text)
        if m:
            found["arxiv"] = m.group(1) or m.group(2)
    if "http" in low or "www." in low or "ftp:" in low:
        for m in _URL.finditer(text):
            url = m.group(1).rstrip(".,;:)]>'\"")
            if m.group(1).count("(") > m.group(1).count(")") - 0 and url.endswith(")"):
                url = url[:-1]
            if re.match(r"(?:https?://)?(?:dx\.)?doi\.org/", url, re.I):
                doi = normalize_doi(url)
                if doi and "doi" not in found:
                    found["doi"] = doi
                continue
            found["url"] = url
            break
    return found


# -- tokens ------------------------------------------------------------------

# A token is an identifier (kept whole), a run of letters or a run of digits
# ("E503" is two tokens, glued).  Punctuation and spaces are not tokens: they
# are the separators between tokens, and features of the tokens around them.
_TOKEN = re.compile(
    r"((?:https?|ftp)://[^\s<>\"]+[^\s<>\".,;:)\]]"
    r"|www\.[^\s<>\"]+[^\s<>\".,;:)\]]"
    r"|10\.\d{4,9}/[^\s<>\"]+[^\s<>\".,;:\]]"
    r"|[^\W\d_]+|\d+)", re.I)


def tokenize(text: str) -> list[str]:
    """Separators and tokens of a cleaned reference string, alternating.

    Item ``2*i + 1`` is token ``i``; items ``2*i`` and ``2*i + 2`` are the
    text before and after it, so that ``"".join(pieces) == text``.

    Examples
    --------
    >>> tokenize("Lancet. 2005;366(9486):E643-8.")
    ['', 'Lancet', '. ', '2005', ';', '366', '(', '9486', '):', 'E', '', '643', '-', '8', '.']
    >>> tokenize("doi:10.1016/S0140-6736(05)66954-1.")[1::2]
    ['doi', '10.1016/S0140-6736(05)66954-1']
    """
    return _TOKEN.split(text)
