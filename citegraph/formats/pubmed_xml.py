"""PubMed XML: the ``PubmedArticleSet`` files of E-utilities efetch and the PubMed baseline.

A file holds ``PubmedArticle`` records (journal articles) and
``PubmedBookArticle`` records (books and chapters, such as GeneReviews).  Each
becomes one :class:`~citegraph.model.Record`:

* the article: title, authors (``CollectiveName`` as a group author), journal
  (``ISOAbbreviation``, else ``Title``), year (``PubDate/Year``, else the first
  year of ``MedlineDate``), month, volume, issue, pages (``MedlinePgn``
  expanded: ``903-9`` is ``903-909``), abstract, keywords, publication types and
  every ``ArticleId`` (pubmed, doi, pmc);
* its references: every ``ReferenceList/Reference`` (lists nested in lists
  too), the ``Citation`` string read by :func:`~citegraph.references.parse_reference`
  and every ``ArticleId`` of the reference kept over what the string says;
  then every ``CommentsCorrections RefType="Cites"`` (older records list their
  references that way), its ``RefSource`` parsed and its PMID kept, unless the
  reference list already holds that PMID.

The file is fed in chunks to an :class:`lxml.etree.XMLPullParser` and each
finished record is dropped from memory, so a 1 GB baseline file is read in
bounded memory; the elements no field comes from (MeSH headings, chemicals,
grants, history) are cut out before parsing.  Entities are never expanded, no
DTD is loaded and nothing is fetched.

The XML plumbing (:func:`xml_root_name`, :func:`iter_xml_records`,
:func:`text_of`) is shared with :mod:`citegraph.formats.jats`.
"""

from __future__ import annotations

import html.entities
import io
import logging
import re
from collections.abc import Callable, Collection, Iterator
from functools import lru_cache, partial
from typing import BinaryIO

from lxml import etree

from ..errors import InputError
from ..model import Author, Record, Skipped, Source, Work
from ..references import expand_page_range, parse_reference
from ..resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from ._xmlfields import collapse_space, first_child, first_children

__all__ = ["NAME", "sniff", "read", "parse", "xml_root_name", "xml_bytes", "iter_xml_records",
           "text_of", "inner_text", "month_name", "year_of"]

log = logging.getLogger(__name__)

NAME = "pubmed-xml"

_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")
_ROOTS = frozenset({"PubmedArticleSet", "PubmedBookArticleSet", "PubmedArticle", "PubmedBookArticle"})
#: Elements of a record that are never read, and are large: cut before parsing (see _Cutter).
_UNREAD = ("MeshHeadingList", "ChemicalList", "GrantList", "History")

# -- XML plumbing shared by the XML readers ----------------------------------

# What may stand before the root element: a BOM, white space, the XML
# declaration, processing instructions, comments, the DOCTYPE (with or without
# an internal subset).  One character or one construct per repetition, so that
# the pattern cannot backtrack exponentially.
_PROLOG_BODY = (r"(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s[^\[>]*(?:\[.*?\]\s*)?>)*"
                r"<(?P<name>[A-Za-z_][\w.:-]*)")
_PROLOG = re.compile(r"\A\ufeff?" + _PROLOG_BODY, re.S)
#: The same for bytes, which the XML readers scan to resume after a break.
_PROLOG_BYTES = re.compile(rb"\A(?:\xef\xbb\xbf)?" + _PROLOG_BODY.encode(), re.S)


def xml_root_name(head: str) -> str | None:
    """The local name of the root element of an XML document, from its first characters.

    ``None`` when ``head`` does not start as XML does (HTML pages do start so:
    their root is ``html``).

    Examples
    --------
    >>> xml_root_name('<?xml version="1.0"?>\\n<!DOCTYPE PubmedArticleSet PUBLIC "x" "y">\\n<PubmedArticleSet>')
    'PubmedArticleSet'
    >>> xml_root_name("<!-- c --><x:article xmlns:x='u'>"), xml_root_name("Title. Journal. 2005")
    ('article', None)
    """
    m = _PROLOG.match(head)
    if not m:
        return None
    return m.group("name").rpartition(":")[2]


#: Elements whose text stands apart from its neighbours' (paragraphs, headings).
_BLOCKS = frozenset({"p", "title", "sec", "label", "list-item", "AbstractText", "caption",
                     "def-item", "term", "def", "disp-quote"})


def _entity_text(entity) -> str:
    """The character an entity reference stands for, by its HTML name (``&ndash;`` is "–"), else nothing.

    The DTDs that define PubMed's and PMC's entities are never loaded, so
    their references reach the reader unexpanded; the HTML names cover them.
    """
    return html.entities.html5.get(f"{entity.text[1:-1]};", "") if entity.text else ""


def inner_text(element) -> str:
    """The text of an element and its descendants as it stands (white space kept).

    Entity references, which are never expanded, give the character their HTML
    name stands for; comments and processing instructions give nothing.
    """
    if not len(element):
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            if tag in _BLOCKS:
                parts.extend((" ", inner_text(child), " "))
            else:
                parts.append(inner_text(child))
        elif tag is etree.Entity:
            parts.append(_entity_text(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


def text_of(element) -> str | None:
    """The text of an element: inline markup (italic, sup, sub) flattened, white space collapsed.

    ``None`` for a missing or empty element.  An entity reference, which these
    readers never expand, gives the character of its HTML name.

    Examples
    --------
    >>> from lxml import etree
    >>> text_of(etree.fromstring("<t>Ca<sup>2+</sup> in  <i>E. coli</i>\\n cells</t>"))
    'Ca2+ in E. coli cells'
    >>> text_of(None), text_of(etree.fromstring("<t> </t>"))
    (None, None)
    """
    if element is None:
        return None
    if not len(element):
        text = element.text
        return collapse_space(text) or None if text else None
    return collapse_space(inner_text(element)) or None


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_SEASONS = frozenset({"spring", "summer", "fall", "autumn", "winter"})


def month_name(value: str | None) -> str | None:
    """A month as PubMed prints it: ``"Aug"``; seasons kept (``"Spring"``).

    Examples
    --------
    >>> month_name("08"), month_name("august"), month_name("Sep"), month_name("Winter"), month_name("13")
    ('Aug', 'Aug', 'Sep', 'Winter', None)
    >>> month_name("\u00b2") is None  # a superscript: "²".isdigit() is true, int("²") raises
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        number = int(value)
        return _MONTHS[number - 1] if 1 <= number <= 12 else None
    low = value.lower().rstrip(".")
    for short, full in zip(_MONTHS, _MONTH_NAMES):
        if len(low) >= 3 and full.startswith(low):  # "Aug", "August", "Sept"
            return short
    if low in _SEASONS:
        return value.title()
    return None


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def year_of(value: str | None) -> int | None:
    """The first plausible year (1500-2099) in a string: ``"2008a"`` and ``"1998 Dec-1999 Jan"`` give 2008, 1998.

    Examples
    --------
    >>> year_of("2008a"), year_of("1998 Dec-1999 Jan"), year_of("n.d."), year_of(None)
    (2008, 1998, None, None)
    """
    if not value:
        return None
    if len(value) == 4 and value.isdigit() and value.isascii():  # "2008", as most are: no search
        year = int(value)
        return year if 1500 <= year <= 2099 else None
    m = _YEAR.search(value)
    return int(m.group(1)) if m else None


def _release(element) -> None:
    """Drop a finished record, and whatever came before it, from the tree being built."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


#: Bytes read at a time; the parser's finished records are taken after each.
_CHUNK = 1 << 16
#: The longest a record's start tag may reach across two chunks.
_TAG_OVERLAP = 64
#: Bytes kept while looking for the root element: past this, a break cannot be resumed from.
_FRAME_LIMIT = 1 << 22
_PARSER_OPTIONS = dict(events=("end",), resolve_entities=False, no_network=True, load_dtd=False,
                       huge_tree=False, remove_comments=True, remove_pis=True)
_DECLARED_ENCODING = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)""")
_PREFIX = re.compile(rb"[A-Za-z_][\w.-]*")
#: libxml2 ends its messages with the parser's line and column; the file's line is given apart.
_ERROR_PLACE = re.compile(r"\s*,\s*line \d+, column \d+\s*\Z")


class _ReadFailure(Exception):
    """The byte stream itself failed (a truncated or damaged ``.gz``)."""


_SECTION = re.compile(rb"<!--|<!\[CDATA\[")


def _sections(buffer: bytearray, start: int, stop: int) -> list[tuple[int, int]]:
    """The comments and CDATA sections that open in ``buffer[start:stop]``, as (opener, closer) offsets.

    A start tag written in one (``<!-- <PubmedArticle> -->``) is text, not a
    record: counted as one, it would shift every later record's place.  A
    section never closed is left out: it is damage, and reading must still
    find the records after it.

    Examples
    --------
    >>> data = bytearray(b"<a/><!-- <a> --><a/><![CDATA[<a>]]><!-- <a/>")
    >>> _sections(data, 0, len(data))
    [(4, 13), (20, 32)]
    """
    found = []
    at = start
    while (m := _SECTION.search(buffer, at, stop)) is not None:
        closer = b"-->" if m.group() == b"<!--" else b"]]>"
        end = buffer.find(closer, m.end())
        if end < 0:
            break
        found.append((m.start(), end))
        at = end + len(closer)
    return found


class _RecordStarts:
    """Where each record element starts in a file's bytes, from a scan of the bytes themselves.

    The parser says which records it finished, not where they began: when the
    XML breaks, these offsets let reading resume at the next record's start tag,
    in a new parser given the file's *frame* first (its prolog and root start
    tag).  Kept: the bytes from the first record not yet read on (a record or
    so: memory stays bounded), the offsets of the start tags seen, and the line
    count, so that a resumed parser's line numbers can be made the file's.
    """

    def __init__(self, record_tags: tuple[str, ...]):
        names = "|".join(re.escape(tag) for tag in record_tags)
        # the name alone, then what stands before it: "<", or "<prefix:".  A pattern that
        # began with "<" and an optional prefix would be tried at every byte, five times slower
        self._tag = re.compile(rf"(?:{names})(?=[\s/>])".encode())
        self._record_tags = record_tags
        self.offsets: list[int] = []
        self.buffer = bytearray()
        self.base = 0  # file offset of buffer[0]
        self.base_line = 1  # file line of buffer[0]
        self.frame: bytes | None = None  # the prolog and root start tag, when the records stand in a set
        self.framed = False  # whether the frame was looked for (and found, or found missing)
        self.utf8 = False  # whether the file is UTF-8 by its declaration (or by having none)

    def add(self, data: bytes) -> None:
        scan_from = max(len(self.buffer) - _TAG_OVERLAP, 0)
        self.buffer += data
        last = self.offsets[-1] if self.offsets else -1
        buffer = self.buffer
        starts = []
        for m in self._tag.finditer(buffer, scan_from):
            at = m.start() - 1
            before = buffer[at] if at >= 0 else 0
            if before == 58:  # ":": a start tag only if "<prefix" stands before it
                opened = buffer.rfind(b"<", max(at - _TAG_OVERLAP, 0), at)
                if opened < 0 or not _PREFIX.fullmatch(buffer, opened + 1, at):
                    continue
                at = opened
            elif before != 60:  # not "<": an end tag, or the name in text
                continue
            starts.append(at)
        if starts:
            # a comment or CDATA section needs a "!", which memchr finds at once; record
            # data seldom has one before its last start tag (a DOCTYPE at most)
            bang = buffer.find(b"!", 0, starts[-1])
            if bang >= 0 and (sections := _sections(buffer, max(bang - 1, 0), starts[-1])):
                starts = [at for at in starts if not any(o < at < c for o, c in sections)]
        for at in starts:
            if self.base + at > last:
                self.offsets.append(self.base + at)
        if not self.framed:
            self._find_frame()

    def _find_frame(self) -> None:
        m = _PROLOG_BYTES.match(self.buffer)
        end = self.buffer.find(b">", m.end()) if m else -1
        if end < 0:
            self.framed = len(self.buffer) > _FRAME_LIMIT or (m is None and len(self.buffer) > 1024)
            return
        self.framed = True
        if m.group("name").rpartition(b":")[2].decode() not in self._record_tags:
            self.frame = bytes(self.buffer[:end + 1])
            declared = _DECLARED_ENCODING.match(self.frame)
            self.utf8 = declared is None or declared.group(1).lower() in (b"utf-8", b"utf8")

    def line_at(self, offset: int) -> int:
        return self.base_line + self.buffer.count(b"\n", 0, offset - self.base)

    def forget_before(self, record: int) -> None:
        """Drop the bytes before record number ``record`` (from 0) starts."""
        if not self.framed:
            return  # the frame is still being read
        if record < len(self.offsets):
            keep_from = self.offsets[record]
        else:
            keep_from = self.base + len(self.buffer) - _TAG_OVERLAP
        if keep_from > self.base:
            cut = keep_from - self.base
            self.base_line += self.buffer.count(b"\n", 0, cut)
            del self.buffer[:cut]
            self.base = keep_from

    def record_bytes(self, record: int) -> bytes:
        """The bytes of record number ``record``, to the next record's start tag (or all that is read)."""
        start = self.offsets[record] - self.base
        end = self.offsets[record + 1] - self.base if record + 1 < len(self.offsets) else len(self.buffer)
        return bytes(self.buffer[start:end])

    def since(self, offset: int) -> bytes:
        return bytes(self.buffer[offset - self.base:])


#: The most bytes an unread element may span to be cut: a longer one is parsed as it is.
_CUT_LIMIT = 1 << 22


class _Cutter:
    """Cuts elements the reader never looks at out of the bytes fed to the parser, their line breaks kept.

    lxml builds every element it parses, and a reader reads a few: the body
    of a PMC article is more than half of its bytes.  Finding such elements in
    the bytes costs a fraction of building them.  Only what is plainly one
    element is cut, so that well-formed XML reads exactly as before:

    * from ``<name>`` or ``<name attr...>`` to the first ``</name>``;
    * holding no ``<!`` (a comment or CDATA section could hide an end tag, or
      show a false one), no start tag of an element to cut, no start or end
      tag of a record, and no start tag of the ``guards`` (a JATS body that
      holds a ``<ref``);
    * shorter than ``_CUT_LIMIT``.

    Anything else is fed as it is, and damaged XML breaks where it did.  An
    element still open at the end of the bytes fed is held back, to be cut
    when its end tag comes.  The line breaks of a cut element are fed in its
    place, so the parser's line numbers stay the file's.

    Examples
    --------
    >>> cut = _Cutter(("body",), ("article",))
    >>> cut.feed(b"<article><front/><body>\\n<p>x</p>") + cut.feed(b"</body><back/></article>") + cut.close()
    b'<article><front/>\\n<back/></article>'
    >>> cut = _Cutter(("body",), ("article",))
    >>> cut.feed(b"<body><!-- </body> --></body><body><p/><article></body>") + cut.close()
    b'<body><!-- </body> --></body><body><p/><article></body>'
    """

    def __init__(self, names: tuple[str, ...], record_tags: tuple[str, ...], guards: tuple[str, ...] = ()):
        self._elements = [(f"<{name}".encode(), f"</{name}>".encode()) for name in names]
        self._forbidden = _forbidden_tags(names + guards, record_tags)
        self._held = b""
        self._searched = 0  # how far the end tag of the held element was looked for, in vain

    def feed(self, data: bytes) -> bytes:
        """The bytes to feed the parser now: ``data`` after what was held back, cut."""
        return self._cut(self._held + data if self._held else data, final=False)

    def close(self) -> bytes:
        """The bytes held back, cut where they can be: the end of the file has come."""
        return self._cut(self._held, final=True) if self._held else b""

    def _cut(self, data: bytes, final: bool) -> bytes:
        # one bytes.find per element name: a regex of them all tries every "<", and XML has many
        spans = []
        hold = len(data)  # where the bytes held back for the next call start
        searched, self._searched = self._searched, 0
        for opener, closer in self._elements:
            at = data.find(opener)
            while 0 <= at < hold:
                inside = at + len(opener)
                if inside < len(data) and data[inside] not in _TAG_END:  # "<bodyx", "<body/>"
                    at = data.find(opener, inside)
                    continue
                end = data.find(closer, max(inside, searched if at == 0 else 0))
                if end < 0:
                    if not final and len(data) - at < _CUT_LIMIT:  # its end tag may come with the next bytes
                        hold = at
                        self._searched = len(data) - len(closer) + 1 - at
                    break
                if end - at < _CUT_LIMIT and self._forbidden.search(data, inside, end) is None:
                    end += len(closer)
                    spans.append((at, end))
                    at = data.find(opener, end)
                else:
                    at = data.find(opener, inside)
        self._held = data[hold:]
        if not spans:
            return data[:hold] if hold < len(data) else data
        if len(spans) > 1:
            spans.sort()
        pieces = []
        done = 0
        for start, end in spans:
            if start < done or end > hold:
                continue  # overlaps a cut one (damaged XML), or reaches into the bytes held back
            pieces.append(data[done:start])
            pieces.append(b"\n" * data.count(b"\n", start, end))
            done = end
        pieces.append(data[done:hold])
        return b"".join(pieces)


#: What follows a name in a start tag that may be cut: white space before attributes, or its end.
_TAG_END = frozenset(b" \t\r\n>")


@lru_cache(maxsize=8)
def _forbidden_tags(names: tuple[str, ...], record_tags: tuple[str, ...]) -> re.Pattern[bytes]:
    """What an element may not hold to be cut: ``<!``, a record's start or end tag, a start tag of ``names``."""
    def either(words):
        return "|".join(re.escape(word) for word in words).encode()
    return re.compile(rb"<(?:!|/?(?:" + either(record_tags) + rb")[\s/>]|(?:" + either(names) + rb")[\s/>])")


def iter_xml_records(stream: BinaryIO, path: str, format_name: str, record_tags: tuple[str, ...],
                     read_record: Callable[[etree._Element, Source], Record | Skipped],
                     root_names: Collection[str], *, unread: tuple[str, ...] = (),
                     guards: tuple[str, ...] = ()) -> Iterator[Record | Skipped]:
    """Stream the records of an XML file: one ``read_record(element, source)`` per record element.

    The parser expands no entity, loads no DTD and reaches no network.  Each
    record element is released once it is read, so memory stays bounded on
    files of any size.  A record whose reading raises becomes a ``Skipped``.

    XML that is not well-formed (a damaged byte, pasted junk, a cut download)
    loses only what the damage touches: the records before it are read, the
    record it falls in becomes a ``Skipped`` naming the line, and reading
    resumes at the next record's start tag, in a new parser given the file's
    prolog and root start tag first.  Damage between two records is reported
    as a ``Skipped`` of its own, and both records are read.  In a UTF-8 file,
    a record holding bytes that are not UTF-8 (a title pasted from a cp1252
    document) is read with those bytes taken as cp1252, as the text readers do.

    ``unread`` names elements that ``read_record`` never looks at (PubMed's
    MeSH headings, a JATS article's body): they are cut out of the bytes before
    the parser sees them, so that it does not build them (see :class:`_Cutter`;
    ``guards`` name elements whose start tags a cut element may not hold).  What
    ``read_record`` is given is the same; a damage that lies wholly inside
    such an element no longer costs its record.

    Raises
    ------
    InputError
        When no record can be read: the XML breaks before its first record,
        or every record is broken, or it holds no record and its root is none
        of ``root_names``.
    """
    cutter = partial(_Cutter, unread, record_tags, guards) if unread else None
    return _XMLRecords(stream, path, format_name, record_tags, read_record, root_names, cutter).records()


class _XMLRecords:
    """One :func:`iter_xml_records` run: the stream, the record starts, the current parser, the count."""

    def __init__(self, stream, path, format_name, record_tags, read_record, root_names, cutter=None):
        self.stream, self.path, self.format = stream, path, format_name
        self.record_tags, self.read_record, self.root_names = record_tags, read_record, root_names
        self.cutter = cutter  # makes a _Cutter for each parser, or None
        self.starts = _RecordStarts(record_tags)
        self.done = 0  # records yielded, read or skipped
        self.eof = False
        self.pending: tuple[int | None, str] | None = None  # a break not reported yet: line, reason
        self.read_any = False  # whether a record element was finished: until then, breaks are held
        self.held: list[Skipped] = []

    def records(self) -> Iterator[Record | Skipped]:
        """Every record; breaks are held back until a record is read, and raise if none ever is."""
        yield from self._records()
        if self.held:
            first = self.held[0]
            raise InputError(self.path, first.reason, line=first.source.line)

    def _records(self) -> Iterator[Record | Skipped]:
        parser = self._parser()
        first, shift = b"", 0  # what the parser is fed before the stream; its line offset
        resumed_at: int | None = None  # the record the current parser was started at
        lenient = False  # whether the parser holds one record decoded with cp1252 for stray bytes
        while True:
            try:
                error = yield from self._run(parser, first, shift, single=lenient)
            except _ReadFailure as exc:
                if not self.read_any:
                    raise InputError(self.path, f"cannot be read ({exc})") from None
                yield Skipped(Source(self.path, self.format, index=self.done + 1), f"cannot be read further ({exc})")
                return
            if error is None and not lenient:
                if self.pending is not None:
                    yield from self._report(self._skip(*self.pending, record=False))
                return
            frame = self.starts.frame
            retry_lenient = False
            if error is not None:
                where, column, message = _cause(error)
                line = where + shift if where else None
                reason = f"not well-formed XML ({message})" if message else "not well-formed XML"
                if frame is None or (resumed_at is not None and _in_frame(where, column, frame)):
                    yield from self._stop(line, reason)
                    return
                if resumed_at != self.done:
                    self.pending = (line, reason)  # resume at the record it fell in, or after the damage
                elif not lenient and self.starts.utf8 and "character encoding" in message:
                    self.pending = None  # resumed at this record, and its bytes are not UTF-8
                    retry_lenient = True
                else:  # resumed at this record, and it broke again: it is damaged
                    self.pending = None
                    yield from self._report(self._skip(line, reason))
            elif resumed_at == self.done:  # read leniently, yet no record came of it
                self.pending = None
                yield from self._report(self._skip(self.starts.line_at(self.starts.offsets[self.done]),
                                                   "not well-formed XML"))
            want = self.done + (2 if retry_lenient else 1)
            failure = ""  # why the bytes ended, when the stream itself failed (a damaged .gz)
            try:
                while len(self.starts.offsets) < want and self._more():
                    pass
            except _ReadFailure as exc:
                self.eof = True
                failure = f" ({exc})"
            if self.done >= len(self.starts.offsets):  # no record after the break
                if self.pending is not None:
                    yield from self._report(self._skip(
                        self.pending[0], f"{self.pending[1]}: the file is read up to here, not further{failure}",
                        record=False))
                elif failure:  # the damaged record was reported; that nothing follows is news too
                    yield Skipped(Source(self.path, self.format, index=self.done + 1),
                                  f"cannot be read further{failure}")
                return
            at = self.starts.offsets[self.done]
            resumed_at, lenient = self.done, retry_lenient
            shift = self.starts.line_at(at) - 1 - frame.count(b"\n")
            if lenient:
                record = self.starts.record_bytes(self.done)
                first = frame + record.decode("utf-8", errors="citegraph-cp1252").encode("utf-8")
            else:
                first = frame + self.starts.since(at)
            parser = self._parser()

    def _parser(self) -> etree.XMLPullParser:
        etree.clear_error_log()  # the errors _cause reads must be this parser's own
        return etree.XMLPullParser(tag=self.record_tags, **_PARSER_OPTIONS)

    def _more(self) -> bytes:
        if self.eof:
            return b""
        try:
            data = self.stream.read(_CHUNK)
        except (OSError, EOFError) as exc:  # a truncated or damaged .gz
            raise _ReadFailure(str(exc)) from None
        if data:
            self.starts.add(data)
        else:
            self.eof = True
        return data

    def _feeds(self, first: bytes, single: bool) -> Iterator[bytes]:
        """What a parser is fed: ``first`` (or the stream's next bytes), then the stream's, with unread elements cut."""
        cut = self.cutter() if self.cutter is not None else None
        data = first or self._more()
        while data:
            if cut is None:
                yield data
            elif fed := cut.feed(data):  # never b"": lxml takes an empty feed for an empty document
                yield fed
            data = b"" if single else self._more()
        if cut is not None and (fed := cut.close()):
            yield fed

    def _run(self, parser, first: bytes, shift: int, *, single: bool = False):
        """Feed ``parser`` (to the end of the file, or only ``first``), yielding records; return its syntax error."""
        for data in self._feeds(first, single):
            try:
                parser.feed(data)
            except etree.XMLSyntaxError as exc:
                yield from self._drain(parser, shift)  # the records finished before the error
                return exc
            yield from self._drain(parser, shift)
            self.starts.forget_before(self.done)
        if single:
            return None
        try:
            root = parser.close()
        except etree.XMLSyntaxError as exc:
            for _ in parser.read_events():
                pass  # closing a cut document ends every open element: those records are not whole
            return exc
        yield from self._drain(parser, shift)
        if self.done == 0:
            tag = etree.QName(root).localname if root is not None and isinstance(root.tag, str) else None
            if tag not in self.root_names:
                raise InputError(self.path, f"holds no {' or '.join(self.record_tags)} (its root element is <{tag}>)")
        return None

    def _drain(self, parser, shift: int) -> Iterator[Record | Skipped]:
        for _, element in parser.read_events():
            if not self.read_any:
                self.read_any = True
                yield from self.held
                self.held.clear()
            if self.pending is not None:  # the damage lay outside any record: this one is whole
                line, reason = self.pending
                self.pending = None
                yield self._skip(line, f"{reason}: outside any record; the records around it are read", record=False)
            self.done += 1
            line = element.sourceline + shift if element.sourceline else None
            source = Source(self.path, self.format, index=self.done, line=line)
            try:
                result = self.read_record(element, source)
            except Exception as exc:  # one record that cannot be read never loses the file
                log.debug("%s: cannot read this record", source, exc_info=True)
                result = Skipped(source, f"cannot read this record ({type(exc).__name__}: {exc})")
            _release(element)
            yield result

    def _skip(self, line: int | None, reason: str, *, record: bool = True) -> Skipped:
        if record:
            self.done += 1
        return Skipped(Source(self.path, self.format, index=self.done if record else None, line=line), reason)

    def _report(self, skipped: Skipped) -> Iterator[Skipped]:
        if self.read_any:
            yield skipped
        else:
            self.held.append(skipped)

    def _stop(self, line: int | None, reason: str) -> Iterator[Skipped]:
        """The XML broke where reading cannot resume: in its frame, or in a file with no frame."""
        if not self.read_any:
            raise InputError(self.path, reason, line=line)
        yield Skipped(Source(self.path, self.format, index=self.done + 1, line=line),
                      f"{reason}: the file is read up to here, not further")


def _cause(error: etree.XMLSyntaxError) -> tuple[int, int, str]:
    """The line, column (in bytes, from 1) and message of what broke the XML: the first fatal error.

    The exception lxml raises carries an error logged later, which need not be
    the cause: after an undefined entity (``&lol;`` in a file with no DTD),
    libxml2 also logs "Start tag expected" at line 1, column 1, from the
    entity's own empty text; taken for the place of the break, that line put
    it in the file's frame, and the rest of the file went unread.  The log is
    the thread's, cleared when each parser is made (``_XMLRecords._parser``).
    """
    for entry in error.error_log:
        if entry.level == etree.ErrorLevels.FATAL and entry.line:
            return entry.line, entry.column, _ERROR_PLACE.sub("", entry.message or "").strip()
    return error.lineno or 0, (error.offset or 0) + 1, _ERROR_PLACE.sub("", error.msg or "").strip()


def _in_frame(line: int, column: int, frame: bytes) -> bool:
    """Whether a resumed parser's error, at ``line`` and ``column``, lies in the frame it was fed first.

    libxml2 counts columns in bytes, from 1.
    """
    if not line:
        return False
    lines = frame.count(b"\n")
    if line != lines + 1:
        return line <= lines
    return column - 1 <= len(frame) - frame.rfind(b"\n") - 1


_XML_ENCODING = re.compile(r"""\A(\ufeff?\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


def xml_bytes(text: str) -> bytes:
    """UTF-8 bytes of an XML document held as text, its encoding declaration made to agree."""
    return _XML_ENCODING.sub(r"\1\2utf-8\2", text, count=1).lstrip("\ufeff").encode("utf-8", "surrogatepass")


# -- the format --------------------------------------------------------------

def sniff(head: str) -> bool:
    """Whether a file starts as PubMed XML: its root element is ``PubmedArticleSet`` (or a record).

    Examples
    --------
    >>> sniff('<?xml version="1.0"?><!DOCTYPE PubmedArticleSet><PubmedArticleSet><PubmedArticle>')
    True
    >>> sniff("<html><body>PubmedArticleSet</body></html>"), sniff('<article article-type="x">')
    (False, False)
    """
    return xml_root_name(head) in _ROOTS


def read(stream: BinaryIO, path: str = "<stream>", *,
         parse_references: bool = True) -> Iterator[Record | Skipped]:
    """The records of a PubMed XML file, streamed from a binary stream.

    ``parse_references=False`` keeps each reference as its ``raw`` string and
    the identifiers the file gives, without running the reference parser (the
    parse stage can then run later, or elsewhere).

    Examples
    --------
    >>> import io
    >>> xml = b'''<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>16112300</PMID>
    ... <Article><Journal><JournalIssue><Volume>366</Volume><PubDate><Year>2005</Year></PubDate>
    ... </JournalIssue><ISOAbbreviation>Lancet</ISOAbbreviation></Journal>
    ... <ArticleTitle>Direct decompressive surgical resection.</ArticleTitle>
    ... <Pagination><MedlinePgn>643-8</MedlinePgn></Pagination></Article></MedlineCitation>
    ... <PubmedData><ReferenceList><Reference><Citation>Smith J. A study. J Biol Chem. 1999;274:1-9.</Citation>
    ... <ArticleIdList><ArticleId IdType="pubmed">10364160</ArticleId></ArticleIdList></Reference>
    ... </ReferenceList></PubmedData></PubmedArticle></PubmedArticleSet>'''
    >>> record = next(read(io.BytesIO(xml)))
    >>> record.work.title, record.work.journal, record.work.year, record.work.pages, record.work.pmid
    ('Direct decompressive surgical resection', 'Lancet', 2005, '643-648', '16112300')
    >>> record.references[0].pmid, record.references[0].raw
    ('10364160', 'Smith J. A study. J Biol Chem. 1999;274:1-9.')
    """
    read_record = _read_record if parse_references else partial(_read_record, parse_strings=False)
    return iter_xml_records(stream, path, NAME, _RECORD_TAGS, read_record, _ROOTS, unread=_UNREAD)


def parse(text: str, path: str = "<string>", *, parse_references: bool = True) -> Iterator[Record | Skipped]:
    """The records of PubMed XML held in a string."""
    return read(io.BytesIO(xml_bytes(text)), path, parse_references=parse_references)


# -- one record --------------------------------------------------------------
#
# This runs for every record of files of millions: each container's children
# are walked once (first_children), never looked up by path with find(), and
# the few identifiers and dates in their usual form skip the general parsers.

def _read_record(element, source: Source, parse_strings: bool = True) -> Record | Skipped:
    parts = first_children(element)
    if element.tag == "PubmedBookArticle":
        document = parts.get("BookDocument")
        if document is None:
            return Skipped(source, "a PubmedBookArticle without a BookDocument")
        work = _book_work(document, parts.get("PubmedBookData"))
        references = _reference_list(document, parse_strings)
    else:
        citation = parts.get("MedlineCitation")
        cited = first_children(citation)
        article = cited.get("Article")
        if article is None:
            return Skipped(source, "a PubmedArticle without MedlineCitation/Article")
        data = parts.get("PubmedData")
        work = _article_work(citation, cited, article, data)
        references = _reference_list(data, parse_strings) if data is not None else []
        entries = cited.get("CommentsCorrectionsList")
        if entries is not None:
            references.extend(_cites(entries, {r.pmid for r in references if r.pmid}, parse_strings))
    if work.title is None and work.pmid is None and work.doi is None:
        return Skipped(source, "a record with no title, PMID or DOI")
    return Record(work=work, source=source, references=tuple(references))


def _article_work(citation, cited: dict, article, data) -> Work:
    """The article of a ``PubmedArticle``; ``cited`` holds the first child of each tag of its ``citation``."""
    fields = first_children(article)
    journal = first_children(fields.get("Journal"))
    issue = first_children(journal.get("JournalIssue"))
    year, month = _pub_date(issue.get("PubDate"))
    ids = _article_ids(first_child(data, "ArticleIdList"))
    doi = ids.get("doi")
    if doi is None:
        for location in article.iterchildren("ELocationID"):
            if location.get("EIdType") == "doi" and (doi := normalize_doi(location.text)):
                break
    pmid = cited.get("PMID")
    types = fields.get("PublicationTypeList")
    return Work(
        title=_title(fields.get("ArticleTitle")) or _title(fields.get("VernacularTitle")),
        authors=_authors(fields.get("AuthorList")),
        year=year,
        month=month,
        journal=text_of(journal.get("ISOAbbreviation")) or text_of(journal.get("Title")),
        volume=text_of(issue.get("Volume")),
        issue=text_of(issue.get("Issue")),
        pages=_pages(fields.get("Pagination")),
        doi=doi,
        pmid=normalize_pmid(pmid.text if pmid is not None else None) or ids.get("pmid"),
        pmcid=ids.get("pmcid"),
        abstract=_abstract(fields.get("Abstract")),
        keywords=_keywords(citation),
        publication_types=_unique(map(text_of, types.iterchildren("PublicationType")))
        if types is not None else (),
    )


def _book_work(document, book_data) -> Work:
    fields = first_children(document)
    book = fields.get("Book")
    about_book = first_children(book)
    book_title = _title(about_book.get("BookTitle"))
    chapter = _title(fields.get("ArticleTitle"))
    authors: tuple[Author, ...] = ()
    editors: tuple[Author, ...] = ()
    for holder in (document, book):
        for author_list in holder.iterchildren("AuthorList") if holder is not None else ():
            if author_list.get("Type") == "editors":
                editors = editors or _authors(author_list)
            else:
                authors = authors or _authors(author_list)
    year, month = _pub_date(about_book.get("PubDate"))
    ids = _article_ids(fields.get("ArticleIdList"))
    for key, value in _article_ids(first_child(book_data, "ArticleIdList")).items():
        ids.setdefault(key, value)
    publisher = first_children(about_book.get("Publisher"))
    pmid = fields.get("PMID")
    return Work(
        title=chapter or book_title,
        authors=authors,
        editors=editors,
        year=year,
        month=month,
        journal=book_title if chapter else None,  # a chapter's container is its book
        volume=text_of(about_book.get("Volume")),
        pages=_pages(fields.get("Pagination")),
        publisher=text_of(publisher.get("PublisherName")),
        place=text_of(publisher.get("PublisherLocation")),
        doi=ids.get("doi"),
        pmid=normalize_pmid(pmid.text if pmid is not None else None) or ids.get("pmid"),
        pmcid=ids.get("pmcid"),
        abstract=_abstract(fields.get("Abstract")),
        keywords=_keywords(document),
        publication_types=_unique(map(text_of, document.iterchildren("PublicationType"))),
    )


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _title(element) -> str | None:
    """A title without PubMed's closing period; a translated title loses its brackets."""
    title = text_of(element)
    if not title:
        return None
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    if title.startswith("[") and title.endswith("]") and title.count("[") == 1:
        title = title[1:-1].strip()
    return title or None


def _authors(author_list) -> tuple[Author, ...]:
    if author_list is None:
        return ()
    authors = []
    for author in author_list.iterchildren("Author"):
        if author.get("ValidYN") == "N":
            continue  # ValidYN="N": a name PubMed keeps only as a record of an error
        parts = first_children(author)
        family = text_of(parts.get("LastName"))
        if family:
            given = text_of(parts.get("ForeName")) or text_of(parts.get("Initials"))
            suffix = text_of(parts.get("Suffix"))
            if suffix:
                name = " ".join(p for p in (given, family, suffix) if p)
            else:
                name = f"{given} {family}" if given else family
            authors.append(Author(name, family, given))
        elif (group := text_of(parts.get("CollectiveName"))):
            authors.append(Author(group, None, None))
    return tuple(authors)


_MEDLINE_DATE = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)(?:\s+([A-Za-z]+))?")


def _pub_date(pub_date) -> tuple[int | None, str | None]:
    if pub_date is None:
        return None, None
    parts = {child.tag: child.text for child in pub_date}
    year = year_of(parts.get("Year"))
    if year is not None:
        return year, month_name(parts.get("Month") or parts.get("Season"))
    medline = parts.get("MedlineDate") or ""  # "1998 Dec-1999 Jan", "2000 Spring"
    m = _MEDLINE_DATE.search(medline)
    if not m:
        return None, None
    return int(m.group(1)), month_name(m.group(2))


_DASH = re.compile(r"\s*-\s*")


def _pages(pagination) -> str | None:
    if pagination is None:
        return None
    parts = {child.tag: (child.text or "").strip() for child in pagination}
    pages = parts.get("MedlinePgn")
    if pages:
        return expand_page_range(_DASH.sub("-", pages))
    start, end = parts.get("StartPage", ""), parts.get("EndPage", "")
    if start and end and end != start:
        return expand_page_range(f"{start}-{end}")
    return start or None


def _abstract(abstract) -> str | None:
    if abstract is None:
        return None
    parts = []
    for section in abstract.iterchildren("AbstractText"):
        text = text_of(section)
        if text:
            label = (section.get("Label") or "").strip()
            parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts) or None


def _keywords(holder) -> tuple[str, ...]:
    return _unique(text_of(k) for keywords in holder.iterchildren("KeywordList")
                   for k in keywords.iterchildren("Keyword"))


_ID_TYPES = {"pubmed": ("pmid", normalize_pmid), "doi": ("doi", normalize_doi),
             "pmc": ("pmcid", normalize_pmcid), "pmcid": ("pmcid", normalize_pmcid)}
_ID_TYPES.update({k.upper(): v for k, v in _ID_TYPES.items()})


def _article_ids(id_list) -> dict[str, str]:
    """``{"pmid": ..., "doi": ..., "pmcid": ...}`` from an ArticleIdList; a PMID of 0 is no PMID."""
    ids: dict[str, str] = {}
    if id_list is None:
        return ids
    for article_id in id_list:
        kind = _ID_TYPES.get(article_id.get("IdType"))
        if kind is None:
            continue
        key, normalize = kind
        if key not in ids and (value := normalize(article_id.text)):
            ids[key] = value
    return ids


def _reference_list(holder, parse_strings: bool = True) -> list[Work]:
    """Every ``Reference`` of every ``ReferenceList`` of ``holder``, nested lists included."""
    works = []
    append = works.append
    for reference_list in holder.iterchildren("ReferenceList"):
        for reference in reference_list.iter("Reference"):
            # one Citation and one ArticleIdList, as PubMed writes them; of two, the last is read
            citation = id_list = None
            for child in reference:
                tag = child.tag
                if tag == "Citation":
                    citation = child
                elif tag == "ArticleIdList":
                    id_list = child
            text = text_of(citation)
            ids = _article_ids(id_list)
            if not text:
                if ids:
                    append(Work(**ids))
            elif not parse_strings:
                append(Work(raw=text, **ids))
            else:
                # the identifiers PubMed linked win over what the string seems to say
                append(_with(parse_reference(text), text, ids))
    return works


def _with(parsed: Work, raw: str, ids: dict[str, str]) -> Work:
    """A parsed reference with ``raw`` and the identifiers of the file put over what the parser found."""
    changes = {k: v for k, v in ids.items() if getattr(parsed, k) != v}
    if parsed.raw != raw:
        changes["raw"] = raw
    return parsed.replace(**changes) if changes else parsed


_NULL_PAGES = re.compile(r":\s*null\b")


def _cites(entries, known_pmids: set[str], parse_strings: bool = True) -> list[Work]:
    """The ``CommentsCorrections RefType="Cites"`` of a list: "Stat Med. 1989 May;8(5):551-61" and a PMID."""
    works = []
    for entry in entries:
        if entry.get("RefType") != "Cites":
            continue
        source = pmid = None  # the first RefSource and the first PMID
        for part in entry:
            tag = part.tag
            if tag == "RefSource":
                if source is None:
                    source = part
            elif tag == "PMID" and pmid is None:
                pmid = part
        pmid = normalize_pmid(pmid.text) if pmid is not None else None
        if pmid is not None and pmid in known_pmids:
            continue  # listed in the ReferenceList already
        text = text_of(source)
        if not text:
            if pmid:
                works.append(Work(pmid=pmid))
            continue
        if not parse_strings:
            works.append(Work(raw=text, pmid=pmid))
            continue
        # "...;106(10):null": PubMed's placeholder for pages it does not know
        work = parse_reference(_NULL_PAGES.sub("", text))
        if work.journal is None and work.title is not None:
            # a RefSource names a journal and never a title
            work = work.replace(journal=work.title, title=None)
        works.append(_with(work, text, {"pmid": pmid} if pmid else {}))
    return works
