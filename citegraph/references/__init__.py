"""Reference strings into :class:`~citegraph.model.Work` fields, whatever their style.

``parse_reference`` reads one reference as a citing article, a web page or a
citation index printed it: Vancouver/NLM and AMA, author-year (Springer,
Harvard, APA), Elsevier, IEEE and other numbered styles, Chicago and other
humanities styles, and the terse forms of Web of Science and Scopus.

It works in steps, each a small pure function or a table:

1. **clean** (:func:`clean_reference`): fold ligatures, dashes and quotes, join
   lines, strip list numbers and trailing link labels ("- PubMed - PMC");
2. **identifiers** (:func:`~citegraph.references.text.find_identifiers`): DOI,
   PMID, PMCID, arXiv id and URL, by pattern;
3. **index forms** (:mod:`~citegraph.references.rules`): the Web of Science
   and Scopus forms, read by rule;
4. **tag**: every other string is cut into tokens (runs of letters, runs of
   digits, identifiers) and a linear-chain CRF (python-crfsuite, trained by
   ``bench/train_references.py`` on labelled reference sets) labels each
   token: author, editor, title, container, volume, pages, date, publisher,
   place, edition, ident, note or other;
5. **fields** (:mod:`~citegraph.references.fields`): each labelled span into
   its value: names into family and given names, "et al." into a flag,
   "366(9486)" into volume and issue, "643-8" into "643-648".

A field that is not found is ``None``: the parser never guesses.
``Work.confidence`` (0..1) is the tagger's probability of the labelling it
chose (0.95 for a string read by an index-form rule); on held-out strings it is
well calibrated: the higher it is, the likelier every field is right.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from ..model import Author, Work
from .features import FeatureCache, sequence_features
from .fields import (_is_group, clean_container, clean_phrase, clean_title, expand_page_range,
                     find_year, parse_author, parse_authors, parse_editors, parse_pages,
                     parse_volume_issue)
from .rules import read_scopus, read_web_of_science
from .text import clean_reference, find_identifiers, normalize_doi, tokenize

__all__ = ["parse_reference", "clean_reference", "parse_authors", "parse_author",
           "expand_page_range", "normalize_doi", "ReferenceParser", "MODEL_PATH"]

#: The tagger model shipped with citegraph.
MODEL_PATH = Path(__file__).with_name("model.crfsuite")

_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b\.?", re.I)
_YEAR_FIRST = re.compile(r"^\s*((?:1[5-9]|20)\d\d)[a-z]?(?:\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{1,2})?)?\s*[;:]\s*(.+)$")
_VOLUME_PAGE = re.compile(r"^\s*([A-Za-z]?\d+[A-Za-z]?)\s*[,:]\s*"
                          r"([A-Za-z]?\d+[A-Za-z]?(?:\s*-+\s*[A-Za-z]?\d+[A-Za-z]?)?)\s*[.,;]?\s*$")
_OPENERS = "(\"'["
_CLOSERS = ")\"']?!"


class ReferenceParser:
    """A reference parser bound to one tagger model; use one per thread.

    Parameters
    ----------
    model_path : path, optional
        A CRF model written by :func:`citegraph.references.train.train_model`;
        the shipped model by default.

    Examples
    --------
    >>> parser = ReferenceParser()
    >>> parser.parse("Smith J, Jones K. A title. Nature. 2001;409:860-921.").pages
    '860-921'
    """

    def __init__(self, model_path: str | Path | None = None) -> None:
        import pycrfsuite

        self.model_path = Path(model_path) if model_path else MODEL_PATH
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(self.model_path))
        self._cache = FeatureCache()

    def tag(self, text: str) -> list[tuple[str, str]]:
        """``(token, label)`` pairs of a cleaned reference string."""
        pieces = tokenize(text)
        if len(pieces) < 2:
            return []
        labels = self._tagger.tag(sequence_features(pieces, self._cache))
        return list(zip(pieces[1::2], labels))

    def parse(self, text: str) -> Work:
        """Parse one reference string; see :func:`parse_reference`."""
        raw = text.strip()
        text = clean_reference(text)
        fields: dict = find_identifiers(text)
        if text[:1].isupper() and (", V" in text or "(" in text and ") " in text):
            ruled = read_web_of_science(text) or read_scopus(text)
            if ruled is not None:
                fields.update({k: v for k, v in ruled.items() if v is not None and v != ()})
                fields["confidence"] = 0.95
                return Work(raw=raw, **fields)
        pieces = tokenize(text)
        if len(pieces) < 2:
            return Work(raw=raw or None, **fields)
        tagger = self._tagger
        labels = tagger.tag(sequence_features(pieces, self._cache))
        spans = _spans(labels)
        if "volume" in labels:
            spans = _names_keep_their_numbers(pieces, spans)
        fields.update(_fields_from_spans(pieces, spans))
        if fields.get("issue") and not fields.get("volume"):
            # a serial numbered by issue alone ("Formes, n° 20", "2000;(3):218"): that number is
            # its volume, as all four labelled sets say (167 such references against 26)
            fields["volume"] = fields.pop("issue")
        # the tagger's probability of its labelling: on held-out strings, 97% of those
        # above 0.9 have all six scored fields right, 21% of those below 0.1
        fields["confidence"] = round(tagger.probability(labels), 3)
        return Work(raw=raw, **fields)


def _spans(labels: list[str]) -> list[tuple[str, int, int]]:
    """Runs of one label as ``(label, first token, last token)``."""
    spans: list[tuple[str, int, int]] = []
    start = 0
    n = len(labels)
    for i in range(1, n + 1):
        if i == n or labels[i] != labels[start]:
            spans.append((labels[start], start, i - 1))
            start = i
    return spans


def _names_keep_their_numbers(pieces: list[str], spans: list[tuple[str, int, int]]
                              ) -> list[tuple[str, int, int]]:
    """A number glued to the word before it ("IJCAI-89", "CHI'90") is part of a
    title or container name, not a volume."""
    out: list[tuple[str, int, int]] = []
    for label, s, e in spans:
        if label == "volume" and out and out[-1][0] in ("container", "title") and \
                pieces[2 * s] in ("-", "'") and len(pieces[2 * s - 1]) > 1 and \
                pieces[2 * s - 1].isalpha() and \
                pieces[2 * s + 1].isdigit():
            out[-1] = (out[-1][0], out[-1][1], e)
            continue
        if out and out[-1][0] == label and out[-1][2] == s - 1:
            out[-1] = (label, out[-1][1], e)
            continue
        out.append((label, s, e))
    return out


def _span_text(pieces: list[str], first: int, last: int, hug: bool = True) -> str:
    """The text of tokens ``first..last`` with the brackets, quotes, final "?"/"!"
    and the dot of a final initial that hug it."""
    text = "".join(pieces[2 * first + 1:2 * last + 2])
    if not hug:
        return text
    before, after = pieces[2 * first], pieces[2 * last + 2]
    if before and before[-1] in _OPENERS:
        k = len(before)
        while k and before[k - 1] in _OPENERS:
            k -= 1
        text = before[k:] + text
    if after:
        k = 0
        while k < len(after) and after[k] in _CLOSERS:
            k += 1
        if k < len(after) and after[k] == "." and len(pieces[2 * last + 1]) == 1 and \
                pieces[2 * last + 1].isalpha():
            k += 1  # "J." "A.": keep the dot of an initial
        text += after[:k]
    return text


def _fields_from_spans(pieces: list[str], spans: list[tuple[str, int, int]]) -> dict:
    first: dict[str, tuple[int, int]] = {}
    volume_spans: list[tuple[int, int]] = []
    author_spans: list[tuple[int, int]] = []
    for label, s, e in spans:
        if label == "volume":
            volume_spans.append((s, e))
        if label == "author":
            author_spans.append((s, e))
        first.setdefault(label, (s, e))
    out: dict = {}
    if author_spans:
        # the author list is the first author span; a later one joins it when only
        # punctuation or "other" tokens came between
        s, e = author_spans[0]
        idx = spans.index(("author", s, e))
        for label, s2, e2 in spans[idx + 1:]:
            if label == "author":
                e = e2
            elif label != "other":
                break
        out["authors"], out["et_al"] = parse_authors(_span_text(pieces, s, e))
    if "editor" in first:
        out["editors"] = parse_editors(_span_text(pieces, *first["editor"]))
    if "title" in first:
        title = _span_text(pieces, *first["title"])
        if not author_spans and spans[0][0] == "title":
            # "World Health Organization. Global tuberculosis report": a group author
            # the tagger took for the start of the title
            head, dot, rest = title.partition(". ")
            if dot and rest and _is_group(head) and len(head.split()) <= 12:
                out["authors"] = (Author(head.strip(), None, None),)
                title = rest
        out["title"] = clean_title(title)
    if "container" in first:
        out["journal"] = clean_container(_span_text(pieces, *first["container"]))
    year_in_volume = None
    pages_text = _span_text(pieces, *first["pages"]) if "pages" in first else None
    if volume_spans:
        volume_text = _span_text(pieces, *volume_spans[0])
        m = _YEAR_FIRST.match(volume_text)
        if m:  # "2005;366(9486)": the year of a Vancouver tail, tagged with the volume
            year_in_volume, volume_text = int(m.group(1)), m.group(2)
        m = _VOLUME_PAGE.match(volume_text) if pages_text is None else None
        if m:  # "60, 82": volume and page, as physics journals print them
            volume_text, pages_text = m.group(1), m.group(2)
        volume, issue = parse_volume_issue(volume_text)
        if len(volume_spans) > 1 and issue is None and volume is not None:
            issue = parse_volume_issue(_span_text(pieces, *volume_spans[1]))[0]
        out["volume"], out["issue"] = volume, issue
    if pages_text is not None:
        m = _VOLUME_PAGE.match(pages_text)
        if m and ":" in pages_text:  # "1053:156-161": the volume tagged with the pages
            if out.get("volume") is None:
                out["volume"] = m.group(1)
            pages_text = m.group(2)
        out["pages"] = parse_pages(pages_text)
    year = None
    for label, s, e in spans:
        if label == "date":
            date = _span_text(pieces, s, e, hug=False)
            year = find_year(date)
            if year:
                month = _MONTH.search(date)
                if month:
                    out["month"] = month.group(1).title()
                break
    if year is None:
        for label, s, e in spans:
            if label in ("other", "note", "volume", "publisher", "place", "edition"):
                if any(len(t) == 4 and t.isdigit() for t in pieces[2 * s + 1:2 * e + 2:2]):
                    year = find_year(_span_text(pieces, s, e, hug=False))
                    if year:
                        break
    out["year"] = year or year_in_volume
    if "publisher" in first:
        out["publisher"] = clean_phrase(_span_text(pieces, *first["publisher"], hug=False))
    if "place" in first:
        out["place"] = clean_phrase(_span_text(pieces, *first["place"], hug=False))
    return {k: v for k, v in out.items() if v is not None}


_PER_THREAD = threading.local()


def default_parser() -> ReferenceParser:
    """The parser with the shipped model, made once per thread (a CRF tagger is not
    thread-safe); the model is read on first use."""
    parser = getattr(_PER_THREAD, "parser", None)
    if parser is None:
        parser = _PER_THREAD.parser = ReferenceParser()
    return parser


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

    A serial numbered by issue alone gives that number as the volume:

    >>> w = parse_reference("Bazin G. Bibliographie. Formes, n° 20, décembre 1931, p. 107.")
    >>> w.volume, w.issue, w.pages
    ('20', None, '107')
    """
    return default_parser().parse(text)
