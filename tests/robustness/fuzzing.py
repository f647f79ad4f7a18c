"""Mutations of real record files, and what every reader must do with them.

Shared by the property tests of this folder and by ``bench/fuzz.py``; not a
test module itself.

A *case* is one fixture file (a real record file of ``../shared/fixtures``, or
of ``tests/data``) and one :class:`Mutation` of its bytes.  :func:`check` reads
the mutated bytes with the fixture's reader, under a time limit, and returns
an :class:`Outcome` whose ``problems`` name what went wrong:

``exception``
    the reader raised something other than ``CitegraphError``;
``hang``
    reading took more than 5 s of CPU time (or 30 s of wall-clock time: a
    blocked read);
``contract``
    an item is neither ``Record`` nor ``Skipped``, a ``Skipped`` does not name
    its file and a place in it, or the reader raised ``CitegraphError`` after
    it had yielded records;
``lost``
    a record that the mutation did not touch is missing (see below);
``damaged``
    a record the mutation did not touch is read, but with other values (one
    stray byte must not turn every accented name of the file into mojibake);
``changed``
    a whole-file change that loses nothing (BOM, UTF-16, CRLF, CR, cp1252
    when every character fits) changed what was read, or the format that
    :func:`citegraph.formats.read_records` detects.

What "untouched" means
----------------------
Every record of the unmutated file gets a byte span: from where it starts to
where the next one starts (the last one ends where the file, or its list of
records, ends).  A local mutation replaces the bytes ``[start, end)`` (an
insertion has ``start == end``).  A record is *touched* when its span
overlaps that range or is adjacent to it (the closed intervals meet): a
record whose last byte is the one before the mutation may lose its
terminator, the one after may lose its opening.  Some bytes are *shared*:
every record depends on them, so a mutation there touches every record:

* what comes before the first record where it holds the file's frame: the
  XML prolog and root element, the JSON envelope, the CSV header row, the
  BibTeX preamble; and BibTeX ``@string`` blocks wherever they stand;
* nothing for MEDLINE, RIS and Web of Science plain text, whose records stand
  alone (a header there is only a banner).

Per format, then:

* records formats (MEDLINE, RIS, WoS, BibTeX, Scopus CSV, JSON Lines, and
  PubMed XML, JATS and Crossref and OpenAlex JSON documents, whose readers
  resume at the next record after a break): every untouched record must be
  read, before and after the mutation.  When a mutated JSON document is
  still valid JSON, it says for itself which works its list holds: an
  untouched work that a splice put outside the list (``], "key": [`` before
  it) is owed only if the list still holds it;
* document formats (XML in UTF-16):
  one document, which the readers read up to the first point where it is
  broken (XML 1.0 calls that a fatal error).  Every untouched record before
  the mutation must be read; a record after it may go unread only if the
  reader said so (a ``Skipped`` naming the break, or ``InputError``).  Those
  are counted as ``unread_after_break``, never silently lost;
* the PubMed page: one record per file, which every local mutation touches:
  only exceptions, hangs and the contract are checked.

Records are compared by identity: the title (lowercased, only ``a-z0-9``
kept, so that an encoding that cannot hold a character changes nothing),
DOI, PMID, PMCID and URL, as multisets; a record found by identity must then
hold the same values as before (``damaged`` otherwise), except a BibTeX entry
with a ``crossref`` parent, which inherits from another record.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Protocol

from citegraph.errors import CitegraphError, FormatError, InputError
from citegraph.formats import detect_format, formats, read_records, sniff_encoding
from citegraph.model import Record, Skipped, Source

REPO = Path(__file__).resolve().parents[2]
SHARED_FIXTURES = REPO.parent / "shared" / "fixtures"
DATA = REPO / "tests" / "data"
EXAMPLES = REPO / "examples"

TIME_LIMIT = 5.0  # seconds a reader may take on one case before it counts as a hang

XML_FORMATS = frozenset({"pubmed-xml", "pmc-jats"})
JSON_FORMATS = frozenset({"crossref-json", "openalex-json"})
#: formats whose header row is read by every record
HEADER_FORMATS = frozenset({"scopus-csv", "bibtex"})


# -- time limit ----------------------------------------------------------------

class CaseTimeout(BaseException):
    """Raised in the reader when a case runs past its time limit.

    A ``BaseException``, so that a reader's ``except Exception`` (one bad record
    never loses the file) cannot swallow it.
    """


#: A case blocked (not computing) this many times the limit counts as a hang too.
WALL_FACTOR = 6


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`CaseTimeout` in the block after ``seconds`` of CPU time, or ``WALL_FACTOR`` times
    that of wall-clock time (a blocked read).  CPU time, so that a loaded machine raises no false
    alarm.  Main thread only; elsewhere no limit."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        kind = "CPU" if signum == signal.SIGPROF else "wall-clock"
        raise CaseTimeout(f"no answer after {seconds if kind == 'CPU' else seconds * WALL_FACTOR} s of {kind} time")

    previous = signal.signal(signal.SIGPROF, expire), signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * WALL_FACTOR)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, previous[0])
        signal.signal(signal.SIGALRM, previous[1])


# -- fixtures ------------------------------------------------------------------

Key = tuple  # (title, doi, pmid, pmcid, url)


def norm_title(title: str | None) -> str | None:
    """A title reduced to ``a-z0-9``: what survives any encoding and any white space."""
    if title is None:
        return None
    return re.sub(r"[^a-z0-9]+", "", title.lower()) or None


def _ascii(value: str | None) -> str | None:
    return None if value is None else value.encode("ascii", "ignore").decode()


def identity(record: Record) -> Key:
    """Title, DOI, PMID, PMCID and URL; only their ASCII counts (title and URL: letters and digits),
    so that mojibake, or a "?" where a code page has no character, still matches."""
    w = record.work
    return (norm_title(w.title), _ascii(w.doi), w.pmid, w.pmcid, norm_title(w.url))


@dataclass(eq=False)
class Fixture:
    """One real record file, what its reader reads from it, and where each record stands."""

    path: Path
    data: bytes
    module: ModuleType
    items: list  # Record | Skipped, as read from the unmutated file
    encoding: str  # of the file's text: utf-8, utf-8-sig, utf-16-le, utf-16-be, cp1252
    newline: bytes
    spans: list[tuple[int, int] | None] | None = None  # byte span of each item (None: a note, not a record);
    # None for the whole list: no record-level oracle
    shared: list[tuple[int, int]] = field(default_factory=list)  # regions every record depends on
    mode: str = "records"  # records | document | page
    dependent: set[int] = field(default_factory=set)  # items that take values from another record
    line_starts: list[int] = field(default_factory=list)  # byte offset of each line
    why_no_spans: str | None = None

    @property
    def format(self) -> str:
        return self.module.NAME

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        return self.path.name.split("__")[-1]

    @property
    def keys(self) -> list[Key | None]:
        return [identity(i) if isinstance(i, Record) else None for i in self.items]

    @property
    def text(self) -> str:
        return _decode_as(self.data, self.encoding)

    def __repr__(self) -> str:  # hypothesis prints it in a falsifying example
        return f"<fixture {self.format} {self.name}>"


def fixture_paths() -> list[Path]:
    """Every real record file: ``../shared/fixtures`` (reference strings aside), ``tests/data``, ``examples``."""
    found: list[Path] = []
    if SHARED_FIXTURES.is_dir():
        found += sorted(p for p in SHARED_FIXTURES.rglob("*")
                        if p.is_file() and p.name != "MANIFEST.md" and "reference_strings" not in p.parts)
    for folder in (DATA, EXAMPLES):
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return found


def read_items(module: ModuleType, data: bytes, path: str) -> list:
    return list(module.read(io.BytesIO(data), path))


def _file_encoding(data: bytes) -> str:
    """The encoding a fixture is in (decided here, not by the code under test)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _decode_as(data: bytes, encoding: str) -> str:
    if encoding.startswith("utf-16"):
        return data[2:].decode(encoding, errors="replace")
    return data.decode(encoding, errors="replace")


def _bom(encoding: str) -> bytes:
    return {"utf-8-sig": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")


def _codec(encoding: str) -> str:
    return "utf-8" if encoding == "utf-8-sig" else encoding


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _line_starts(text: str, encoding: str) -> list[int]:
    """Byte offset of the start of each line (universal newlines), in the file's encoding."""
    offset = len(_bom(encoding))
    codec = _codec(encoding)
    starts = []
    for m in _LINE.finditer(text):
        starts.append(offset)
        offset += len(m.group().encode(codec, errors="replace"))
    if starts:
        starts[0] = 0  # a BOM belongs to the first line
    return starts


@cache
def load_fixture(path: Path) -> Fixture | None:
    """The fixture at ``path`` with its reader's output and record spans; ``None`` if no reader reads it."""
    data = path.read_bytes()
    try:
        head = data[:65536].decode(sniff_encoding(data[:65536]), errors="replace")
        module = detect_format(head, str(path))
    except (FormatError, InputError):
        return None
    try:
        items = read_items(module, data, path.name)
    except CitegraphError:
        return None
    if not any(isinstance(i, Record) for i in items):
        return None
    encoding = _file_encoding(data)
    text = _decode_as(data, encoding)
    newline = b"\r\n" if b"\r\n" in data[:65536] else b"\n"
    if encoding.startswith("utf-16"):
        newline = newline.decode().encode(encoding)
    fx = Fixture(path=path, data=data, module=module, items=items, encoding=encoding, newline=newline)
    fx.line_starts = _line_starts(text, encoding)
    if fx.format == "pubmed-page":
        fx.mode = "page"
        fx.spans = [(0, len(data))] if len(items) == 1 else None
    elif fx.format in XML_FORMATS:
        # XML readers resume at the next record after a break; not in UTF-16, whose bytes they do not scan
        fx.mode = "document" if encoding.startswith("utf-16") else "records"
        _xml_spans(fx)
    elif fx.format in JSON_FORMATS:
        _json_spans(fx, text)
    else:
        _line_spans(fx, text)
    if fx.spans is not None and fx.line_starts and fx.line_starts[-1] > len(data):
        fx.spans, fx.why_no_spans = None, "line offsets do not add up"
    return fx


def _line_spans(fx: Fixture, text: str) -> None:
    """Records formats: each item starts at the line its reader names; it ends where the next starts."""
    # an item without a record number is a note about the file ("ends without EF"), not a record
    records = [i for i, item in enumerate(fx.items) if item.source.index is not None]
    lines = [fx.items[i].source.line for i in records]
    if not records or any(n is None for n in lines) or lines != sorted(lines) or len(set(lines)) != len(lines):
        fx.why_no_spans = f"the reader names no increasing line for every record: {lines[:10]}"
        return
    starts = fx.line_starts
    if lines[-1] > len(starts):
        fx.why_no_spans = "a line number past the end"
        return
    offsets = [starts[n - 1] for n in lines] + [len(fx.data)]
    fx.spans = [None] * len(fx.items)
    for i, span in zip(records, zip(offsets, offsets[1:])):
        fx.spans[i] = span
    first = offsets[0]
    if fx.format in HEADER_FORMATS or (fx.format == "wos" and text.lstrip("\ufeff \t\r\n").startswith("PT\t")):
        fx.shared.append((0, first))  # the header row / the preamble
    if fx.format == "bibtex":
        for i, span in enumerate(fx.spans):
            if span and re.search(rb"^\s*crossref\s*=", fx.data[span[0]:span[1]], re.I | re.M):
                fx.dependent.add(i)
        for m in re.finditer(r"^[ \t]*@\s*(?:string|preamble)\b", text, re.I | re.M):
            start = len(text[:m.start()].encode(_codec(fx.encoding), errors="replace")) + len(_bom(fx.encoding))
            nxt = re.compile(r"^[ \t]*@", re.M).search(text, m.end())
            end = len(fx.data) if nxt is None else \
                len(text[:nxt.start()].encode(_codec(fx.encoding), errors="replace")) + len(_bom(fx.encoding))
            fx.shared.append((start, end))
    if fx.format == "crossref-json" or fx.format == "openalex-json":
        fx.mode = "records"  # JSON Lines: each line stands alone


_XML_RECORD = {
    "pubmed-xml": re.compile(rb"<(PubmedArticle|PubmedBookArticle)[\s>]"),
    "pmc-jats": re.compile(rb"<(article)[\s>]"),
}


def _xml_spans(fx: Fixture) -> None:
    if fx.encoding not in ("utf-8", "utf-8-sig"):
        fx.why_no_spans = f"XML in {fx.encoding}"
        return
    pattern = _XML_RECORD[fx.format]
    starts = [m.start() for m in pattern.finditer(fx.data)]
    if len(starts) != len(fx.items):
        fx.why_no_spans = f"{len(starts)} record start tags for {len(fx.items)} items"
        return
    last_tag = pattern.findall(fx.data)[-1]
    close = fx.data.rfind(b"</" + last_tag + b">")
    if close < starts[-1]:
        fx.why_no_spans = "no end tag after the last record"
        return
    end = close + len(last_tag) + 3
    bounds = starts + [end]
    fx.spans = list(zip(bounds, bounds[1:]))
    fx.shared.append((0, starts[0]))  # the prolog, the DOCTYPE and the root element


def _json_spans(fx: Fixture, text: str) -> None:
    """JSON: a document (its works in one array, or one work) or JSON Lines (a work a line)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    try:
        json.loads(stripped)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            _line_spans(fx, text)  # JSON Lines
        else:
            fx.why_no_spans = f"not JSON: {exc}"
        return
    fx.mode = "records"  # the JSON readers resume at the next work of the list after a break
    keys = ("items",) if fx.format == "crossref-json" else ("results",)
    m = re.compile(r'"(?:%s)"\s*:\s*\[' % "|".join(keys)).search(text)
    if m is None and stripped.startswith("["):
        m = re.compile(r"\[").search(text)
    if m is None:  # one work: the whole file
        if len(fx.items) == 1:
            fx.spans = [(0, len(fx.data))]
            fx.shared = []
        else:
            fx.why_no_spans = "no array of works"
        return
    decoder = json.JSONDecoder()
    ws = re.compile(r"\s*")
    pos = ws.match(text, m.end()).end()
    char_starts = []
    end = pos
    while not text.startswith("]", pos):
        char_starts.append(pos)
        _, end = decoder.raw_decode(text, pos)
        pos = ws.match(text, end).end()
        if text.startswith(",", pos):
            pos = ws.match(text, pos + 1).end()
    if len(char_starts) != len(fx.items):
        fx.why_no_spans = f"{len(char_starts)} works in the array for {len(fx.items)} items"
        return
    codec, bom = _codec(fx.encoding), len(_bom(fx.encoding))

    def at(char: int) -> int:
        return bom + len(text[:char].encode(codec, errors="replace"))

    bounds = [at(c) for c in char_starts] + [at(end)]
    fx.spans = list(zip(bounds, bounds[1:]))
    fx.shared.append((0, bounds[0]))  # the envelope: {"message-type": ..., "items": [


@cache
def all_fixtures() -> tuple[Fixture, ...]:
    return tuple(fx for p in fixture_paths() if (fx := load_fixture(p)) is not None)


def reader_names() -> list[str]:
    return [m.NAME for m in formats()]


def fixtures_for(reader: str, max_bytes: int | None = None) -> list[Fixture]:
    return [fx for fx in all_fixtures()
            if fx.format == reader and (max_bytes is None or len(fx.data) <= max_bytes)]


# -- mutations -----------------------------------------------------------------

class Chooser(Protocol):
    """Where a mutation's choices come from: ``random.Random`` (bench) or hypothesis (tests)."""

    def integer(self, low: int, high: int) -> int: ...


class RandomChooser:
    def __init__(self, rnd) -> None:
        self.rnd = rnd

    def integer(self, low: int, high: int) -> int:
        return self.rnd.randint(low, high)


class DrawChooser:
    """Choices drawn from hypothesis's ``st.data()``: shrinking moves each toward its low end."""

    def __init__(self, data) -> None:
        from hypothesis import strategies as st
        self.data = data
        self.st = st

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(self.st.integers(low, high))


def pick(chooser: Chooser, options: Sequence):
    return options[chooser.integer(0, len(options) - 1)]


#: Bytes that mean something to some format, tried first by byte flips.
STRUCTURAL = b'<>/&;"\'{}[](),:=@\\#%\n\r\t \x00\x7f\x80\xff\xc3\xef\xbb\xbf-'

#: Lines a hostile or broken file may hold, one per format quirk.
JUNK_LINES: tuple[str, ...] = (
    "", " ", "\t", "junk", "\x00\x01\x02\x03", "\ufeff", "\x1a", "\x0c", "\u2028", "\ud7ff\ue000\uffff",
    # MEDLINE, RIS, WoS
    "PMID- 12345678", "PMID-", "TI  - A title", "AU  - Doe J", "      a continuation", "ER  -", "ER  - ",
    "TY  - JOUR", "TY  -", "AU  - ", "PY  - 9999", "SP  - 1--2", "PT J", "ER", "EF",
    "FN Clarivate Analytics Web of Science",
    "VR 1.0", "CR Smith J, 1999, NATURE, V1, P2, DOI 10.1000/x", "CR", "NR 99", "   ", "AU", "TI",
    "PT\tAU\tTI\tSO\tUT",
    # BibTeX
    "@article{key,", "@article{", "@string{x = \"y\"}", "@comment{", "@preamble{\"", "}", "{", "}}}}", "title = {",
    "author = {and and and},", "@", "%", "\\", "@article{dup, title={T}}",
    # CSV
    "\"", "\"\"\"", ",,,,", "\"a\",\"b", "Title,Authors,Year,Source title", "a,\"b\nc\",d",
    # XML
    "<PubmedArticle>", "</PubmedArticle>", "<article>", "</article>", "<!--", "-->", "<![CDATA[", "]]>",
    "&lol;", "&#0;", "&#xD800;", "&#x110000;", "<?xml version='1.0'?>", "<!DOCTYPE x [<!ENTITY a 'b'>]>",
    "<PMID>0</PMID>", "<x:y xmlns:x=''>", "<a b='1' b='2'/>", "</PubmedArticleSet>",
    # JSON
    "{\"title\": \"x\"}", "[", "]", "null", "{\"items\": [", ",", "\"\\ud800\"", "{\"reference\": [{}]}", "1e999999",
    # PubMed pages
    "References", "Cited by", "Abstract", "1. Smith J. A study. Nature. 2001;1:1-2.",
    "Eur Spine J. 2025 Aug;34(8):3549-3556.", "PMID: 1", "doi: 10.1000/x", "<html>", "<body>", "</html>",
    "Lancet. 2005 Aug;366(9486):643-8. doi: 10.1016/S0140-6736(05)66954-1.", "[1]http://x", "* ", "1.",
)


def _long_line(chooser: Chooser) -> str:
    unit = pick(chooser, ("x", "a, ", "(", "[", "{", "1.", "Smith J, ", "10.", "<b>", "&amp;", " ", "-", "\\",
                          "and ", "\"", "9", "A. ", "pp. 1-2, "))
    return unit * (chooser.integer(1, 64) * 512)


def _junk_text(chooser: Chooser) -> str:
    what = chooser.integer(0, 9)
    if what <= 5:
        return pick(chooser, JUNK_LINES)
    if what <= 7:
        return "".join(chr(chooser.integer(1, 0x2FF)) for _ in range(chooser.integer(1, 40)))
    return _long_line(chooser)


#: Byte sequences some layer may turn into text no file can hold, or into a NUL.
TOKENS = (b"\\ud800", b"\\udfff", b"\\u0000", b"&#0;", b"&#xD800;", b"\\char\"D800", b"\xed\xa0\x80",
          b"\xc0\x80", b"\xef\xbf\xbe", b"\\", b"%", b"\\u")


def _random_bytes(chooser: Chooser, n: int) -> bytes:
    if chooser.integer(0, 3) == 0:
        return pick(chooser, TOKENS)
    return bytes(pick(chooser, STRUCTURAL) if chooser.integer(0, 1) else chooser.integer(0, 255) for _ in range(n))


#: Whole-file re-encodings; "cp1252"/"latin-1" lose what those code pages cannot hold.
TRANSFORMS = ("utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1252", "latin-1", "crlf", "cr")
XML_TRANSFORMS = ("cp1252-declared",)  # the XML declaration says windows-1252, as it should


@dataclass(frozen=True)
class Mutation:
    """A change of a fixture's bytes: ``[start, end)`` replaced by ``insert``, after an optional whole-file transform.

    With a transform and no region, the mutation changes every byte but loses
    nothing (or only what a code page cannot hold); with both, the region is
    edited in the transformed bytes and only crashes, hangs and the contract
    are checked.
    """

    kind: str
    start: int = 0
    end: int = 0
    insert: bytes = b""
    transform: str | None = None

    @property
    def local(self) -> bool:
        return self.transform is None

    @property
    def whole(self) -> bool:
        return self.transform is not None and self.kind == "transform"

    def apply(self, fx: Fixture) -> bytes:
        data = fx.data if self.transform is None else transform(fx, self.transform)[0]
        if self.kind == "transform":
            return data
        return data[:self.start] + self.insert + data[self.end:]

    def describe(self) -> str:
        parts = [self.kind]
        if self.transform and self.kind != "transform":
            parts.append(f"after {self.transform}")
        elif self.transform:
            parts.append(self.transform)
        if self.kind != "transform":
            parts.append(f"[{self.start}:{self.end}]")
            if self.insert:
                shown = self.insert if len(self.insert) <= 60 else self.insert[:40] + b"..." + \
                    f"({len(self.insert)} bytes)".encode()
                parts.append(f"<- {shown!r}")
        return " ".join(parts)


_XML_DECLARATION = re.compile(r"""\A(\ufeff?\s*<\?xml[^>]*?)(\s+encoding\s*=\s*(["'])[^"']*\3)?(\s*\??>)""")


def transform(fx: Fixture, name: str) -> tuple[bytes, bool]:
    """The fixture's bytes re-encoded as ``name`` says, and whether nothing was lost."""
    text = fx.text
    codec, bom = _codec(fx.encoding), _bom(fx.encoding)
    if name in ("crlf", "cr"):
        unix = text.replace("\r\n", "\n").replace("\r", "\n")
        changed = unix.replace("\n", "\r\n" if name == "crlf" else "\r")
        return bom + changed.encode(codec, errors="replace"), True
    if name == "cp1252-declared":
        m = _XML_DECLARATION.match(text)
        if m:
            text = text[:m.start(2) if m.group(2) else m.end(1)] + ' encoding="windows-1252"' + text[m.start(4):]
        else:
            text = '<?xml version="1.0" encoding="windows-1252"?>' + text  # on line 1: lines keep their numbers
        name = "cp1252"
    target = {"utf-8": ("utf-8", b""), "utf-8-bom": ("utf-8", b"\xef\xbb\xbf"),
              "utf-16-le-bom": ("utf-16-le", b"\xff\xfe"), "utf-16-be-bom": ("utf-16-be", b"\xfe\xff"),
              "cp1252": ("cp1252", b""), "latin-1": ("latin-1", b"")}[name]
    try:
        return target[1] + text.encode(target[0]), True
    except UnicodeEncodeError:
        return target[1] + text.encode(target[0], errors="replace"), False


KINDS = ("truncate", "flip", "flip", "delete", "insert-line", "insert-line", "insert-bytes", "duplicate",
         "splice", "transform", "transform+edit")


def make_mutation(chooser: Chooser, fx: Fixture, kind: str | None = None) -> Mutation:
    """One mutation of ``fx``, its choices taken from ``chooser``."""
    kind = kind or pick(chooser, KINDS)
    n = len(fx.data)
    if kind in ("transform", "transform+edit"):
        names = TRANSFORMS + (XML_TRANSFORMS if fx.format in XML_FORMATS else ())
        name = pick(chooser, names)
        if kind == "transform":
            return Mutation("transform", transform=name)
        edited = transform(fx, name)[0]
        inner = make_mutation(chooser, _Bytes(edited, fx), pick(chooser, ("truncate", "flip", "delete",
                                                                          "insert-bytes")))
        return Mutation(inner.kind, inner.start, inner.end, inner.insert, transform=name)
    if n == 0:
        return Mutation("insert-bytes", 0, 0, _random_bytes(chooser, 4))
    if kind == "truncate":
        at = _position(chooser, fx, n)
        return Mutation("truncate", at, n)
    if kind == "flip":
        at = _position(chooser, fx, n - 1)
        width = chooser.integer(1, 4)
        start, end = at, min(n, at + width)
        new = bytearray(fx.data[start:end])
        for i in range(len(new)):
            new[i] = pick(chooser, STRUCTURAL) if chooser.integer(0, 1) else chooser.integer(0, 255)
        return Mutation("flip", start, end, bytes(new))
    if kind == "delete":
        at = _position(chooser, fx, n - 1)
        length = chooser.integer(1, 64) if chooser.integer(0, 3) else chooser.integer(1, 4096)
        if fx.encoding.startswith("utf-16"):
            at, length = at & ~1, max(2, length & ~1)
        return Mutation("delete", at, min(n, at + length))
    if kind == "insert-line":
        starts = fx.line_starts or [0]
        at = starts[chooser.integer(0, len(starts) - 1)] if chooser.integer(0, 7) else n
        codec = _codec(fx.encoding)
        line = _junk_text(chooser).encode(codec, errors="surrogatepass" if codec.startswith("utf") else "replace")
        line += fx.newline
        return Mutation("insert-line", at, at, line)
    if kind == "insert-bytes":
        at = _position(chooser, fx, n)
        payload = _random_bytes(chooser, chooser.integer(1, 16))
        if fx.encoding.startswith("utf-16"):  # whole code units: an odd insertion garbles all that follows
            at = at & ~1
            payload += b"\x00" * (len(payload) % 2)
        return Mutation("insert-bytes", at, at, payload)
    if kind == "duplicate":
        if not fx.spans:
            return make_mutation(chooser, fx, "splice")
        spans = [span for span in fx.spans if span]
        start, end = spans[chooser.integer(0, len(spans) - 1)]
        return Mutation("duplicate", end, end, fx.data[start:end])
    if kind == "splice":  # a piece of the file, copied elsewhere in it
        start = chooser.integer(0, n - 1)
        length = chooser.integer(1, 2048)
        at = _position(chooser, fx, n)
        if fx.encoding.startswith("utf-16"):
            start, length, at = start & ~1, max(2, length & ~1), at & ~1
        return Mutation("splice", at, at, fx.data[start:start + length])
    raise ValueError(kind)


class _Bytes:
    """A stand-in fixture for editing transformed bytes: only what :func:`make_mutation` looks at."""

    def __init__(self, data: bytes, fx: Fixture) -> None:
        self.data = data
        self.spans = None
        self.line_starts: list[int] = []
        self.encoding = "utf-8" if not data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-16-le"
        self.newline = b"\n"
        self.format = fx.format


def _position(chooser: Chooser, fx, high: int) -> int:
    """A byte offset in ``[0, high]``: anywhere, or near a record boundary (where readers resynchronise)."""
    spans = getattr(fx, "spans", None)
    if spans and chooser.integer(0, 2) == 0:
        edges = sorted({e for span in spans if span for e in span})
        edge = edges[chooser.integer(0, len(edges) - 1)]
        return max(0, min(high, edge + chooser.integer(-8, 8)))
    return chooser.integer(0, high)


# -- the check -----------------------------------------------------------------

@dataclass
class Outcome:
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)
    seconds: float = 0.0
    records: int = 0
    skipped: int = 0
    unread_after_break: int = 0
    error: str | None = None  # a CitegraphError raised, as text

    @property
    def ok(self) -> bool:
        return not self.problems


def run_reader(module: ModuleType, data: bytes, path: str, limit: float = TIME_LIMIT
               ) -> tuple[list, BaseException | None, float]:
    """Everything ``module.read`` yields from ``data``, the exception that ended it (if any), and the time."""
    items: list = []
    error: BaseException | None = None
    start = time.perf_counter()
    try:
        with time_limit(limit):
            for item in module.read(io.BytesIO(data), path):
                items.append(item)
    except (CaseTimeout, Exception) as exc:  # noqa: B902 - classified by the caller
        error = exc
    return items, error, time.perf_counter() - start


def unwritable_text(record: Record) -> str | None:
    """The first string of a record that UTF-8 cannot encode (a lone surrogate, from a JSON ``\\ud800``)."""
    for work in (record.work, *record.references, *record.cited_by):
        for name in work.__slots__:
            value = getattr(work, name)
            values = value if isinstance(value, tuple) else (value,)
            for v in values:
                texts = (v.name, v.family, v.given) if hasattr(v, "family") else (v,)
                for text in texts:
                    if isinstance(text, str):
                        try:
                            text.encode("utf-8")
                        except UnicodeEncodeError:
                            return text
    return None


def _touches(span: tuple[int, int], region: tuple[int, int]) -> bool:
    return span[0] <= region[1] and region[0] <= span[1]


def comparable(item, lines: bool = True) -> tuple:
    """An item without its file's name: what a re-encoding must not change.

    ``lines=False`` leaves the line out: libxml2 counts no line at a bare CR, so
    an XML file with CR line ends has every record on "line 1" (reported, not a
    failure).
    """
    line = item.source.line if lines else None
    if isinstance(item, Record):
        return ("record", item.work, item.references, item.cited_by, item.source.format, item.source.index, line)
    return ("skipped", item.source.format, item.source.index, line)


def check(fx: Fixture, mutation: Mutation, limit: float = TIME_LIMIT, pipeline: bool = False) -> Outcome:
    """Read ``mutation`` of ``fx`` with its reader and say what went wrong, if anything."""
    data = mutation.apply(fx)
    path = fx.name
    items, error, seconds = run_reader(fx.module, data, path, limit)
    out = Outcome(seconds=seconds)
    out.records = sum(isinstance(i, Record) for i in items)
    out.skipped = sum(isinstance(i, Skipped) for i in items)
    if isinstance(error, CaseTimeout):
        out.problems.append(("hang", str(error)))
        return out
    if error is not None and not isinstance(error, CitegraphError):
        tb = traceback.extract_tb(error.__traceback__)
        where = next((f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in reversed(tb)
                      if "citegraph" in f.filename), "?")
        out.problems.append(("exception", f"{type(error).__name__}: {str(error)[:200]} (at {where})"))
        return out
    if error is not None:
        out.error = str(error)
        if path not in str(error):
            out.problems.append(("contract", f"CitegraphError does not name the file: {error}"))
        if out.records:
            out.problems.append(("contract", f"raised after {out.records} records: {error}"))
    for item in items:
        if isinstance(item, Skipped):
            if item.source.path != path or (item.source.line is None and item.source.index is None) \
                    or not isinstance(item.reason, str) or not item.reason.strip():
                out.problems.append(("contract", f"a Skipped that does not say where or why: {item!r}"))
        elif not isinstance(item, Record):
            out.problems.append(("contract", f"yielded {type(item).__name__}, neither Record nor Skipped"))
        elif item.source.path != path:
            out.problems.append(("contract", f"a Record from elsewhere: {item.source}"))
        elif (bad := unwritable_text(item)) is not None:
            out.problems.append(("contract", f"{item.source} holds text no file can hold (UTF-8 cannot "
                                             f"encode it, the exporters will fail): {bad!r:.80}"))
    if mutation.whole:
        _check_whole(fx, mutation, items, error, out, pipeline)
    elif mutation.local and fx.spans is not None:
        _check_untouched(fx, mutation, items, error, out)
    return out


def _check_untouched(fx: Fixture, mutation: Mutation, items: list, error, out: Outcome) -> None:
    region = (mutation.start, mutation.end)
    if fx.encoding.startswith("utf-16"):  # a byte of a code unit touches the whole unit
        region = (region[0] & ~1, region[1] + (region[1] & 1))
    if any(_touches(shared, region) for shared in fx.shared if shared[1] > shared[0]):
        return  # the frame every record stands in was hit
    keys = fx.keys
    untouched = [i for i, span in enumerate(fx.spans) if span and not _touches(span, region)]
    if fx.mode == "document":
        required = [i for i in untouched if fx.spans[i][1] < region[0]]
        after = [i for i in untouched if fx.spans[i][0] > region[1]]
    else:
        required, after = untouched, []
    got = Counter(identity(i) for i in items if isinstance(i, Record))
    need = Counter(keys[i] for i in required if keys[i] is not None)
    missing = need - got
    if missing:
        listed = _listed_in_valid_json(fx, mutation.apply(fx))
        if listed is not None:
            # valid JSON may hold an untouched work outside its list (a splice closed the list before
            # it): the reader reads the document as it stands, and only works still listed are owed
            missing &= listed
        if missing:
            lost = [k for k in missing.elements()]
            out.problems.append(("lost", f"{len(lost)} untouched record(s) missing, e.g. {_show_key(lost[0])}"))
        return
    if encoding_ambiguous(mutation.apply(fx)):
        return  # the bytes no longer say which encoding they are in: any reading is fair
    by_key: dict[Key, list[Record]] = {}
    for item in items:
        if isinstance(item, Record):
            by_key.setdefault(identity(item), []).append(item)
    for i in required:
        if keys[i] is None or i in fx.dependent:
            continue
        before = fx.items[i]
        if not any(r.work == before.work and r.references == before.references for r in by_key[keys[i]]):
            after_ = by_key[keys[i]][0]
            name = next((n for n in before.work.__slots__ if getattr(before.work, n) != getattr(after_.work, n)),
                        "references")
            out.problems.append(("damaged", f"untouched {before.source} now has {name} "
                                            f"{getattr(after_.work, name, '...')!r:.80} (was "
                                            f"{getattr(before.work, name, '...')!r:.80})"))
            return
    rest = Counter(keys[i] for i in after if keys[i] is not None)
    unread = rest - (got - need)
    if unread:
        out.unread_after_break = sum(unread.values())
        reported = error is not None or any(isinstance(i, Skipped) for i in items)
        if not reported:
            lost = list(unread.elements())
            out.problems.append(("lost", f"{len(lost)} record(s) after the mutation missing and no break "
                                         f"reported, e.g. {_show_key(lost[0])}"))


def _listed_in_valid_json(fx: Fixture, data: bytes) -> Counter | None:
    """The identities of the works in the list of mutated JSON, when it is still valid JSON; else ``None``.

    Valid JSON says for itself which values are works of its list, whatever
    the byte spans of the original file were.  Each work is read with the
    reader's own reading of one work, so that its identity compares with the
    records' (the list, not the work, is what a mutation is checked for here).
    """
    if fx.format not in JSON_FORMATS:
        return None
    try:
        document = json.loads(_decode_as(data, fx.encoding).lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return None
    listed: Counter = Counter()
    for number, item in enumerate(fx.module._items(document) or (), 1):  # None: the reader raises
        if isinstance(item, dict):
            with contextlib.suppress(Exception):  # a work the reader cannot read is no record either
                record = fx.module._read_work(item, Source(fx.name, fx.format, index=number))
                if isinstance(record, Record):
                    listed[identity(record)] += 1
    return listed


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                            rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                            rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_STRAY = re.compile(rb"[\x80-\xff]+")


def encoding_ambiguous(data: bytes) -> bool:
    """Whether bytes hold as many runs of bytes that are not UTF-8 as UTF-8 characters (of two bytes or more).

    Such a file may as well be cp1252 with a few letters that happen to pair
    into UTF-8 ("Ã©tude – Müller"): whichever way a reader takes it is fair,
    and records it did not touch may read differently.  With more UTF-8
    characters than stray runs it is UTF-8, and one stray byte must change
    nothing else.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    for part in (data[:65536], data):
        sequences = len(_UTF8_SEQUENCE.findall(part))
        stray = len(_STRAY.findall(_UTF8_SEQUENCE.sub(b" ", part)))
        if sequences and stray >= sequences:
            return True
    return False


def _show_key(key: Key) -> str:
    title, doi, pmid, pmcid, url = key
    shown = [f"doi {doi}" if doi else "", f"pmid {pmid}" if pmid else "", f"pmcid {pmcid}" if pmcid else "",
             url or "", f"title {title[:40]!r}" if title else ""]
    return ", ".join(s for s in shown if s) or "(a record with no title or identifier)"


def _check_whole(fx: Fixture, mutation: Mutation, items: list, error, out: Outcome, pipeline: bool) -> None:
    _, lossless = transform(fx, mutation.transform)
    if error is not None:
        out.problems.append(("changed", f"{mutation.transform}: raised {type(error).__name__}: {error}"))
        return
    if lossless:
        lines = not (mutation.transform == "cr" and fx.format in XML_FORMATS)
        if [comparable(i, lines) for i in items] != [comparable(i, lines) for i in fx.items]:
            out.problems.append(("changed", f"{mutation.transform}: {_difference(fx.items, items, lines)}"))
            return
    else:
        base = Counter(identity(i) for i in fx.items if isinstance(i, Record))
        got = Counter(identity(i) for i in items if isinstance(i, Record))
        if base - got:
            missing = base - got
            out.problems.append(("changed", f"{mutation.transform} (lossy): {sum(missing.values())} record(s) "
                                            f"no longer read, e.g. {_show_key(next(missing.elements()))}"))
            return
    if pipeline:
        _check_pipeline(fx, mutation, out)


def _difference(before: list, after: list, lines: bool = True) -> str:
    if len(before) != len(after):
        return f"{len(before)} items became {len(after)}: " + "; ".join(
            str(i)[:120] for i in after if isinstance(i, Skipped))[:300]
    for a, b in zip(before, after):
        if comparable(a, lines) != comparable(b, lines):
            if (a.source.index, a.source.line) != (b.source.index, b.source.line):
                return f"{a.source} is now at {b.source}"
            if isinstance(a, Record) and isinstance(b, Record):
                for name in a.work.__slots__:
                    if getattr(a.work, name) != getattr(b.work, name):
                        return f"record {a.source.index}: {name} {getattr(a.work, name)!r:.80} became " \
                               f"{getattr(b.work, name)!r:.80}"
                for x, y in zip(a.references + a.cited_by, b.references + b.cited_by):
                    if x != y:
                        name = next(n for n in x.__slots__ if getattr(x, n) != getattr(y, n))
                        return f"record {a.source.index}: a reference's {name} {getattr(x, name)!r:.80} became " \
                               f"{getattr(y, name)!r:.80}"
                return f"record {a.source.index}: its references changed in number"
            return f"{a!s:.100} became {b!s:.100}"
    return "?"


def _check_pipeline(fx: Fixture, mutation: Mutation, out: Outcome) -> None:
    """What ``citegraph build`` sees: the file on disk, its format detected, read by ``read_records``."""
    data = mutation.apply(fx)
    with tempfile.TemporaryDirectory(prefix="citegraph-robust-") as folder:
        path = os.path.join(folder, fx.name)
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            with time_limit(TIME_LIMIT):
                items = list(read_records([path]))
        except CaseTimeout:
            out.problems.append(("hang", "read_records: more than the time limit"))
            return
        except Exception as exc:  # read_records never raises for an existing file
            out.problems.append(("exception", f"read_records raised {type(exc).__name__}: {exc}"))
            return
    formats_seen = {i.source.format for i in items}
    if formats_seen != {fx.format}:
        out.problems.append(("changed", f"{mutation.transform}: read_records reads it as {sorted(formats_seen)}: "
                                        + "; ".join(str(i)[len(folder):][:150] for i in items
                                                    if isinstance(i, Skipped))[:300]))
        return
    base = Counter(identity(i) for i in fx.items if isinstance(i, Record))
    got = Counter(identity(i) for i in items if isinstance(i, Record))
    if base - got:
        out.problems.append(("changed", f"{mutation.transform}: read_records lost {sum((base - got).values())} "
                                        f"record(s)"))


def describe_case(fx: Fixture, mutation: Mutation) -> str:
    return f"{fx.format} {fx.name}: {mutation.describe()}"


def detection_problem(fx: Fixture, data: bytes) -> str | None:
    """Format detection on mutated bytes: anything but a module or ``FormatError``/``InputError`` is a problem."""
    try:
        head = data[:65536].decode(sniff_encoding(data[:65536]), errors="replace")
        with time_limit(TIME_LIMIT):
            detect_format(head, fx.name)
    except (FormatError, InputError):
        return None
    except CaseTimeout:
        return "hang in detect_format"
    except Exception as exc:
        return f"detect_format raised {type(exc).__name__}: {exc}"
    return None




# -- minimal inputs --------------------------------------------------------------

def exception_signature(error: BaseException) -> str:
    """An exception's type and the innermost citegraph line it came through: what a smaller input must keep."""
    tb = traceback.extract_tb(error.__traceback__)
    where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb) if "citegraph" in f.filename), "?")
    return f"{type(error).__name__} at {where}"


def minimize(fx: Fixture, data: bytes, problem: tuple[str, str] | None = None, budget: int = 3000) -> bytes:
    """A smaller input on which ``fx``'s reader raises the same unexpected exception (delta debugging).

    Lines are removed first, then bytes.  Only exceptions are minimized: a lost
    record is shown by its mutation, which is small already.
    """
    items, error, _ = run_reader(fx.module, data, fx.name)
    if error is None or isinstance(error, (CitegraphError, CaseTimeout)):
        return data
    target = exception_signature(error)

    def fails(candidate: bytes) -> bool:
        _, err, _ = run_reader(fx.module, candidate, fx.name)
        return err is not None and not isinstance(err, (CitegraphError, CaseTimeout)) \
            and exception_signature(err) == target

    for unit in ("lines", "bytes"):
        parts = data.splitlines(keepends=True) if unit == "lines" else [bytes([b]) for b in data]
        n = 2
        while len(parts) >= 2 and budget > 0:
            size = -(-len(parts) // n)
            for i in range(0, len(parts), size):
                candidate = parts[:i] + parts[i + size:]
                budget -= 1
                if fails(b"".join(candidate)):
                    parts, n = candidate, max(n - 1, 2)
                    break
            else:
                if n >= len(parts):
                    break
                n = min(len(parts), n * 2)
        data = b"".join(parts)
    return data
