"""Readers for labelled reference strings, for training and scoring the parser.

Each reader yields :class:`LabelledReference` objects: the reference text (the
concatenation of its segments, characters folded as the parser folds them)
and its labelled segments as character spans, with labels mapped onto one
shared set, :data:`LABELS`.  :func:`gold_fields` turns the segments into the
field values a parse is scored against.

Formats read:

* AnyStyle's XML (``<dataset><sequence><author>...</author>...``),
* the tagged CORA lines of ParsCit (``<author> ... </author> <title> ...``),
* GROBID's citation training TEI (``<bibl>`` with ``<author>``,
  ``<title level="a|j|m|s">``, ``<date>``, ``<biblScope>``, ``<idno>``...),
  from its files or from a ``.tar.gz`` of them.

The data sets themselves are never part of the package.
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .text import find_identifiers, fold_characters

__all__ = ["LABELS", "TAGGER_LABEL", "LabelledReference", "read_anystyle", "read_cora", "read_grobid",
           "read_labelled", "gold_fields"]

#: The labels of the data sets, mapped onto one set.  Only GROBID tells the
#: issue apart; the tagger learns ``volume`` for both ("366(9486)", "Vol. 3,
#: no. 2"), see :data:`TAGGER_LABEL`.  ``other`` is untagged text and list numbers.
LABELS: tuple[str, ...] = ("author", "editor", "title", "container", "volume", "pages", "date",
                           "publisher", "place", "edition", "ident", "note", "other", "issue")

#: The label the tagger learns for each label of :data:`LABELS`.
TAGGER_LABEL: dict[str, str] = {label: label for label in LABELS} | {"issue": "volume"}

_ANYSTYLE = {
    "author": "author", "editor": "editor", "translator": "note", "director": "author",
    "producer": "note", "title": "title", "container-title": "container", "journal": "container",
    "collection-title": "note", "volume": "volume", "pages": "pages", "date": "date",
    "publisher": "publisher", "location": "place", "edition": "edition", "doi": "ident",
    "url": "ident", "isbn": "ident", "citation-number": "other", "note": "note", "genre": "note",
    "medium": "note", "source": "note",
}
_CORA = {
    "author": "author", "editor": "editor", "title": "title", "booktitle": "container",
    "journal": "container", "volume": "volume", "pages": "pages", "date": "date",
    "publisher": "publisher", "institution": "publisher", "location": "place", "tech": "note",
    "note": "note",
}


@dataclass(frozen=True, slots=True)
class LabelledReference:
    """A reference string with labelled character spans ``(start, end, label)``."""

    text: str
    spans: tuple[tuple[int, int, str], ...]
    source: str

    def segments(self, label: str) -> list[str]:
        """The text of every span with this label, in order."""
        return [self.text[s:e] for s, e, lab in self.spans if lab == label]

    def label_at(self, position: int) -> str:
        for s, e, lab in self.spans:
            if s <= position < e:
                return lab
        return "other"


def _build(parts: Iterable[tuple[str | None, str]], source: str) -> LabelledReference | None:
    """Join ``(label, text)`` parts into one labelled reference (folded, spaces collapsed)."""
    text = ""
    spans: list[tuple[int, int, str]] = []
    for label, part in parts:
        part = " ".join(fold_characters(part).split())
        if not part:
            continue
        if text:
            text += " "
        start = len(text)
        text += part
        if label:
            spans.append((start, len(text), label))
    if not spans:
        return None
    return LabelledReference(text, tuple(spans), source)


def read_anystyle(path: str | Path) -> Iterator[LabelledReference]:
    """References of an AnyStyle parser data set (``core.xml``, ``good.xml``)."""
    root = etree.parse(str(path), etree.XMLParser(recover=True, huge_tree=True)).getroot()
    for i, seq in enumerate(root.iter("sequence")):
        parts = [(_ANYSTYLE.get(child.tag, "note"), child.text or "") for child in seq
                 if isinstance(child.tag, str)]
        ref = _build(parts, f"{Path(path).name}#{i + 1}")
        if ref is not None:
            yield ref


_CORA_SEGMENT = re.compile(r"<(\w+)>(.*?)</\1>", re.S)


def read_cora(path: str | Path) -> Iterator[LabelledReference]:
    """References of ParsCit's tagged CORA file: one reference a line."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for n, line in enumerate(handle, 1):
            parts = [(_CORA.get(m.group(1), "note"), _unescape(m.group(2)))
                     for m in _CORA_SEGMENT.finditer(line)]
            ref = _build(parts, f"{Path(path).name}:{n}")
            if ref is not None:
                yield ref


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _grobid_label(el: etree._Element, has_article_title: bool) -> str | None:
    tag = _local(el.tag)
    kind = (el.get("type") or el.get("unit") or "").lower()
    if tag == "author":
        return "author"
    if tag == "editor":
        return "editor"
    if tag == "title":
        level = el.get("level", "a")
        if level == "j":
            return "container"
        if level == "m":
            return "container" if has_article_title else "title"
        if level == "a":
            return "title"
        return "note"  # series
    if tag == "date" or tag == "year":
        return "date"
    if tag == "biblScope":
        if kind in ("vol", "volume"):
            return "volume"
        if kind in ("issue", "number"):
            return "issue"
        if kind in ("pp", "page", "pages"):
            return "pages"
        return "note"
    if tag == "publisher":
        return "publisher"
    if tag.lower() == "pubplace":
        return "place"
    if tag == "orgName":
        return "author" if kind == "collaboration" else "publisher"
    if tag in ("idno", "ptr"):
        return "ident" if kind in ("doi", "arxiv", "arxive", "pmid", "pmc", "isbn", "issn", "web",
                                   "pii", "") else "note"
    if tag == "note":
        return "note"
    return None


def _grobid_parts(bibl: etree._Element) -> list[tuple[str | None, str]]:
    has_a = any(_local(t.tag) == "title" and t.get("level", "a") == "a"
                for t in bibl.iter() if t is not bibl)
    parts: list[tuple[str | None, str]] = []

    def walk(el: etree._Element, label: str | None) -> None:
        if el is not bibl:
            own = _grobid_label(el, has_a)
            label = own if own is not None and label is None else label
        if _local(el.tag) == "lb":
            parts.append((None, " "))
        if el.text:
            parts.append((label, el.text))
        for child in el:
            if isinstance(child.tag, str):
                walk(child, label)
            if child.tail:
                parts.append((label if el is not bibl else None, child.tail))

    walk(bibl, None)
    # merge neighbouring parts of one label so that a span is not cut by inner tags
    merged: list[tuple[str | None, str]] = []
    for label, text in parts:
        if merged and merged[-1][0] == label:
            merged[-1] = (label, merged[-1][1] + text)
        else:
            merged.append((label, text))
    return merged


def _build_glued(parts: list[tuple[str | None, str]], source: str) -> LabelledReference | None:
    """Like :func:`_build`, but keeps the text between parts as it was (GROBID)."""
    text = ""
    spans: list[tuple[int, int, str]] = []
    for label, part in parts:
        part = fold_characters(part)
        part = re.sub(r"\s+", " ", part)
        if text.endswith(" "):
            part = part.lstrip(" ")
        if not part:
            continue
        start = len(text)
        text += part
        if label:
            # the span covers its text without surrounding spaces
            lead = len(part) - len(part.lstrip(" "))
            trail = len(part) - len(part.rstrip(" "))
            if len(part.strip(" ")):
                spans.append((start + lead, len(text) - trail, label))
    stripped = text.lstrip(" ")
    shift = len(text) - len(stripped)
    text = stripped.rstrip(" ")
    spans = [(s - shift, min(e - shift, len(text)), lab) for s, e, lab in spans if e - shift > 0]
    if not spans or not text:
        return None
    return LabelledReference(text, tuple(spans), source)


def _grobid_from_bytes(data: bytes, name: str) -> Iterator[LabelledReference]:
    root = etree.fromstring(data, etree.XMLParser(recover=True, huge_tree=True))
    if root is None:
        return
    n = 0
    for bibl in root.iter():
        if _local(bibl.tag) != "bibl":
            continue
        if any(_local(a.tag) == "bibl" for a in bibl.iterancestors()):
            continue
        n += 1
        ref = _build_glued(_grobid_parts(bibl), f"{name}#{n}")
        if ref is not None:
            yield ref


def read_grobid(path: str | Path) -> Iterator[LabelledReference]:
    """References of GROBID citation training files: a ``.tar.gz``, a folder or one file."""
    path = Path(path)
    if path.is_dir():
        for file in sorted(path.rglob("*.xml")):
            yield from _grobid_from_bytes(file.read_bytes(), file.name)
    elif path.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as tar:
            members = sorted((m for m in tar.getmembers()
                              if m.isfile() and m.name.endswith(".xml")), key=lambda m: m.name)
            for member in members:
                handle = tar.extractfile(member)
                if handle is not None:
                    yield from _grobid_from_bytes(handle.read(), Path(member.name).name)
    else:
        yield from _grobid_from_bytes(path.read_bytes(), path.name)


def read_labelled(path: str | Path) -> Iterator[LabelledReference]:
    """Any of the formats above, told apart by name and first bytes."""
    path = Path(path)
    name = path.name.lower()
    if path.is_dir() or name.endswith((".tar.gz", ".tgz")) or "grobid" in name:
        return read_grobid(path)
    if name.endswith(".xml"):
        with open(path, "rb") as handle:
            head = handle.read(400)
        return read_anystyle(path) if b"<dataset" in head else read_grobid(path)
    return read_cora(path)


# -- gold values -------------------------------------------------------------

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20[0-4]\d)(?!\d)")


def gold_fields(ref: LabelledReference) -> dict[str, str | None]:
    """The scored fields of a labelled reference, as raw text (``None`` when absent).

    ``authors``, ``title`` and ``journal`` join all their segments; ``year`` is
    the first year in a date segment (else the year that opens a volume segment,
    "1998;53(8)", as AnyStyle labels Vancouver tails); ``volume`` and ``pages`` are the first
    segment of each; ``doi`` is the first DOI in an identifier segment.
    """
    def joined(label: str) -> str | None:
        values = ref.segments(label)
        return " ".join(values) if values else None

    year = None
    for seg in ref.segments("date"):
        m = _YEAR.search(seg)
        if m:
            year = m.group(1)
            break
    volumes = ref.segments("volume")
    if year is None and volumes:
        # AnyStyle labels a Vancouver tail "1998;53(8):" as the volume, year included
        m = re.match(r"\s*(1[5-9]\d\d|20[0-4]\d)[a-z]?\s*[;:]", volumes[0])
        if m:
            year = m.group(1)
    pages = ref.segments("pages")
    doi = None
    for seg in ref.segments("ident"):
        doi = find_identifiers(seg).get("doi")
        if doi:
            break
    return {"authors": joined("author"), "title": joined("title"), "journal": joined("container"),
            "year": year, "volume": volumes[0] if volumes else None,
            "pages": pages[0] if pages else None, "doi": doi}
