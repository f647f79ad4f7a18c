"""JSON plumbing shared by the JSON readers (:mod:`.crossref`, :mod:`.openalex`).

A JSON file of works takes one of three shapes: one document (a work, a list
of works, or an API answer holding its list of works under a key), JSON Lines
(a value a line), or values one after another.  :func:`iter_json_records`
reads all three; valid JSON is read by :func:`json.loads` at once, so the
common case pays for nothing else.  Broken JSON loses only what the damage
touches:

* JSON Lines (lines end at ``\\n``, ``\\r\\n`` or ``\\r``, nowhere else): a
  broken line is skipped, the others are read;
* a document's list of works: the works are read one by one; the work the
  damage falls in is skipped, naming its line, and reading resumes at the next
  work of the list (see :class:`_Depths`);
* values one after another: the same, each value a document.

Nothing here raises but :class:`~citegraph.errors.InputError`, and that only
when nothing in the text can be read: a number of more than 4300 digits, or
nesting too deep for the parser, is broken JSON like any other.  A lone
surrogate escape (``"\\ud800"``: valid JSON, yet no text can hold it) reads
as U+FFFD.
"""

from __future__ import annotations

import bisect
import html
import itertools
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from ..errors import InputError
from ..model import Record, Skipped, Source

__all__ = ["looks_like_json", "plain_text", "read_json_text", "iter_json_records", "without_lone_surrogates"]

log = logging.getLogger(__name__)


def looks_like_json(head: str) -> bool:
    """Whether text starts as a JSON object or array does (an HTML page does not)."""
    return head.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")


_TAG = re.compile(r"</?(?:[A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)(?:\s[^<>]*)?/?>")
_BLOCK_TAGS = frozenset({"p", "title", "sec", "br", "list-item", "abstract", "div", "li"})


def _tag(m: re.Match) -> str:
    return " " if m.group(1).lower() in _BLOCK_TAGS else ""


def plain_text(value: Any) -> str | None:
    """A string with its markup flattened (``<i>``, ``<jats:p>``), entities decoded, white space collapsed.

    A list gives its first string (Crossref's titles are lists).

    Examples
    --------
    >>> plain_text(["The genome of\\n   <i>Exiguobacterium</i>  str. N139 &amp; 1<i>H</i>-indole"])
    'The genome of Exiguobacterium str. N139 & 1H-indole'
    >>> plain_text("<jats:title>Abstract</jats:title><jats:p>Text.</jats:p><jats:p>More.</jats:p>")
    'Abstract Text. More.'
    >>> plain_text("Are clams (\\n <i>T. maxima</i>\\n ) shy?"), plain_text([]), plain_text("<https://x.org/a>")
    ('Are clams (T. maxima) shy?', None, '<https://x.org/a>')
    """
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if value is None:
        return None
    text = str(value)
    if "<" in text:
        flat = _TAG.sub(_tag, text)
        if flat != text:
            text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", flat))
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split()) or None


def read_json_text(stream: BinaryIO) -> str:
    """The whole text of a JSON file, decoded as every text format is (BOMs, UTF-16, cp1252)."""
    from . import decode  # the package's one decoder: BOMs, UTF-16, cp1252 fallback

    return decode(stream.read())


# -- what broken JSON is ------------------------------------------------------

#: What the json module raises on text it cannot read: ``JSONDecodeError`` (a
#: ``ValueError``), a plain ``ValueError`` for a number of more than 4300
#: digits, ``RecursionError`` for nesting deeper than the interpreter's stack.
_BAD_JSON = (ValueError, RecursionError)
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's white space, and only it


def _why(error: BaseException) -> str:
    """What is wrong, in the json module's words where it has any."""
    if isinstance(error, json.JSONDecodeError):
        return error.msg
    if isinstance(error, RecursionError):
        return "nested too deep"
    return str(error).split(":")[0] or type(error).__name__  # "Exceeds the limit (4300 digits) for ..."


def _error_position(error: BaseException) -> int | None:
    return error.pos if isinstance(error, json.JSONDecodeError) else None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
#: A ``\\uD800``-``\\uDFFF`` escape (after an even run of backslashes: not itself escaped), a pair kept whole.
_SURROGATES = re.compile(r"(?<!\\)((?:\\\\)*)(\\u[dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
                         r"|\\u[dD][c-fC-F][0-9a-fA-F]{2})")


def _lone_surrogate(m: re.Match) -> str:
    return m.group() if len(m.group(2)) == 12 else m.group(1) + "\\ufffd"


def without_lone_surrogates(text: str) -> str:
    """JSON text whose surrogate escapes that pair with no other read as U+FFFD (same length, same offsets).

    Examples
    --------
    >>> without_lone_surrogates('["a \\\\ud800 b", "\\\\ud83d\\\\ude00", "\\\\\\\\ud800"]')
    '["a \\\\ufffd b", "\\\\ud83d\\\\ude00", "\\\\\\\\ud800"]'
    """
    if _SURROGATE_ESCAPE.search(text) is None:
        return text
    return _SURROGATES.sub(_lone_surrogate, text)


class _Lines:
    """Line numbers of positions in a text, counted on from the last one asked for.

    ``\\n``, ``\\r\\n`` and ``\\r`` end a line, as in the line ends :func:`_json_lines` splits at.
    """

    def __init__(self, text: str):
        self.text = text
        self.pos, self.line = 0, 1

    def at(self, pos: int) -> int:
        """The line ``pos`` stands on."""
        if pos < self.pos:
            self.pos, self.line = 0, 1
        text, start = self.text, self.pos
        self.line += text.count("\n", start, pos) + text.count("\r", start, pos) - text.count("\r\n", start, pos)
        self.pos = pos
        return self.line


# -- the shapes ---------------------------------------------------------------

def iter_json_records(text: str, path: str, format_name: str,
                      items_of: Callable[[Any], list | None],
                      read_item: Callable[[dict, Source], Record | Skipped],
                      array_keys: tuple[str, ...]) -> Iterator[Record | Skipped]:
    """The records of a JSON document of works, of JSON Lines, or of JSON values one after another.

    ``items_of(document)`` says which values of a parsed document are the works
    (``None`` when the document is not of this format); ``read_item(work,
    source)`` reads one.  In broken JSON, a broken line of JSON Lines is
    skipped; in a document, the works are looked for in its list of works (the
    first found under one of ``array_keys``, or at the top) and read one by
    one: the work the damage falls in is skipped (a ``Skipped`` names its line
    and says where reading resumes), and so is damage between two works.

    Raises
    ------
    InputError
        When the text holds no works: broken before its first work and after
        its last, or not about works at all.
    """
    text = without_lone_surrogates(text.lstrip("\ufeff"))
    try:
        document = json.loads(text)
    except _BAD_JSON as exc:
        yield from _BrokenJSON(text, path, format_name, items_of, read_item).read(exc, array_keys)
        return
    items = items_of(document)
    if items is None:
        raise InputError(path, f"holds no {format_name} works")
    for index, item in enumerate(items, 1):
        yield _read_one(item, Source(path, format_name, index=index), read_item)


def _read_one(item: Any, source: Source, read_item) -> Record | Skipped:
    if not isinstance(item, dict):
        return Skipped(source, f"a work should be a JSON object, not {type(item).__name__}")
    try:
        return read_item(item, source)
    except Exception as exc:  # one work that cannot be read never loses the file
        log.debug("%s: cannot read this work", source, exc_info=True)
        return Skipped(source, f"cannot read this work ({type(exc).__name__}: {exc})")


_LINE_END = re.compile(r"\r\n?|\n")
#: Lines looked at to tell JSON Lines from a broken document laid out on lines.
_SAMPLE_LINES = 64


def _json_lines(text: str) -> Iterator[tuple[int, Any, BaseException | None]]:
    """Each line that is not blank: its number, its value and the error that kept it from reading."""
    lines = text.split("\n") if "\r" not in text else _LINE_END.split(text)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line), None
        except _BAD_JSON as exc:
            yield number, None, exc


def _is_json_lines(sample: list[tuple[int, Any, BaseException | None]]) -> bool:
    """Whether at least half of the first lines hold an object or array each (a document's lines seldom do)."""
    whole = sum(isinstance(value, (dict, list)) for _, value, _ in sample)
    return whole > 0 and 2 * whole >= len(sample)


class _BrokenJSON:
    """Reading text that :func:`json.loads` refused: JSON Lines, a document's list of works, or values."""

    def __init__(self, text, path, format_name, items_of, read_item):
        self.text, self.path, self.format = text, path, format_name
        self.items_of, self.read_item = items_of, read_item
        self.lines = _Lines(text)
        self.index = 0  # works yielded, read or skipped
        self.depths: _Depths | None = None  # built on the first break in a list
        self.ready: tuple[int, Any, int] | None = None  # the work a resume found: position, value, end
        self.first_break: tuple[int, str] | None = None

    def read(self, error: BaseException, array_keys: tuple[str, ...]) -> Iterator[Record | Skipped]:
        """Every work that can be read; breaks are held back until one is, and raise if none ever is."""
        held: list[Skipped] | None = []
        for item in self._items(error, array_keys):
            if held is not None and isinstance(item, Skipped):
                held.append(item)
                continue
            if held:
                yield from held
            held = None
            yield item
        if held is not None:
            raise self._unusable(held)

    def _unusable(self, held: list[Skipped]) -> InputError:
        """The error for text that holds no work that can be read: its first break, else its first skip."""
        if self.first_break is not None:
            line, reason = self.first_break
        elif held:
            line, reason = held[0].source.line, held[0].reason
        else:
            line, reason = None, f"holds no {self.format} works"
        return InputError(self.path, reason, line=line)

    def _items(self, error, array_keys) -> Iterator[Record | Skipped]:
        lines = _json_lines(self.text)
        sample = [line for _, line in zip(range(_SAMPLE_LINES), lines)]
        if _is_json_lines(sample):
            yield from self._lines_of(sample, lines)
            return
        values = _values(self.text) if _why(error) == "Extra data" else None
        if values is not None:  # values one after another, each whole
            for value in values:
                yield from self._works_of(value, in_array=False)
            return
        start, depth = _list_start(self.text, array_keys)
        if start is not None:
            yield from self._list(start, depth, error)
        else:  # broken values one after another, or one broken value that is no list
            yield from self._list(_SPACE.match(self.text).end(), 0, error)

    def _lines_of(self, sample, lines) -> Iterator[Record | Skipped]:
        for number, document, error in itertools.chain(sample, lines):
            if error is not None:
                self.index += 1
                column = f", column {error.colno}" if isinstance(error, json.JSONDecodeError) else ""
                yield Skipped(Source(self.path, self.format, index=self.index, line=number),
                              f"not valid JSON ({_why(error)}{column})")
                continue
            for item in self.items_of(document) or [document]:
                self.index += 1
                yield _read_one(item, Source(self.path, self.format, index=self.index, line=number), self.read_item)

    # -- a list of works (depth > 0: in an array) or values one after another (depth 0)

    def _list(self, start: int, depth: int, error: BaseException) -> Iterator[Record | Skipped]:
        """The works of the list whose items stand ``depth`` brackets deep, from ``start`` on."""
        self.ready, pos = None, start
        while pos is not None:
            pos = yield from self._step(pos, depth, error)

    def _step(self, pos: int, depth: int, error: BaseException):
        """Read the work at ``pos``, or the break there; return where to read on (``None``: nowhere)."""
        text, in_array = self.text, depth > 0
        pos = _SPACE.match(text, pos).end()
        if in_array and text.startswith("]", pos):
            if self._resume(pos + 1, depth) is None:
                if self.first_break is None:  # the damage lies in what the answer says around its works
                    self._note_outside(error)
                return None
            yield self._break(pos, None, "the list of works closes here, yet works follow it")
            return self._resumed()
        if not in_array and pos >= len(text):
            return None
        try:
            value, end = self._value_at(pos)
        except _BAD_JSON as exc:
            at = _error_position(exc)
            after = self._after_damage(pos, at)
            if self._resume(after, depth) is None and after > pos + 1:
                # no work after the string the break followed: the damage was no quote but a lost
                # bracket, and the json module read the works after it as values of this one.  (An
                # object of this work, before the damage, may then stand as deep as a work, and be
                # read as one: better than every work after it lost.)  What lies from `after` on
                # was looked at already
                self._resume(pos + 1, depth, before=after)
            yield self._break(pos, at, _why(exc), work=True)
            return self._resumed()
        return (yield from self._work(pos, value, end, depth))

    def _work(self, pos: int, value: Any, end: int, depth: int):
        """Yield the works of the value read from ``pos`` to ``end``; return where to read on.

        A value of the list that is no object may hold works of the list (a
        stray ``[`` made one value of the works after it): they are read.
        When a work is followed by junk and no work can be found after it, and
        it does not end where the list's items end (counted from the end of the
        text), the json module may have read it on past damage in it, over the
        works after it: they are looked for in it.  Only then: damage after a
        work shifts the count of what stands before it, and objects in that
        work could pass for works of the list.
        """
        text, in_array = self.text, depth > 0
        if in_array and not isinstance(value, dict) and self._resume(pos + 1, depth, before=end) is not None:
            yield self._break(pos, None, f"a {type(value).__name__} holding works, where a work should be")
            return self._resumed()
        yield from self._works_of(value, in_array)
        after = _SPACE.match(text, end).end()
        if not in_array or text.startswith("]", after):
            return after
        if text.startswith(",", after):
            return after + 1
        if self._resume(after, depth) is None and not self.depths.closes(end - 1, depth):
            self._resume(pos + 1, depth)
        yield self._break(after, after, "no ',' or ']' after a work")
        return self._resumed()

    def _resumed(self) -> int | None:
        return None if self.ready is None else self.ready[0]

    def _after_damage(self, pos: int, at: int | None) -> int:
        """Where to look for the next work when the one at ``pos`` breaks at ``at``.

        Damage (a quote lost or added) can make the json module read on in a
        string past the end of the work, over the start of the next one:
        the string read last before the break is looked in too.
        """
        if at is None:
            return pos + 1
        opened = _string_before(self.text, at, pos)
        return pos + 1 if opened is None else max(pos + 1, min(opened, at))

    def _value_at(self, pos: int) -> tuple[Any, int]:
        """The value at ``pos`` and where it ends (a resume has read it already)."""
        if self.ready is not None and self.ready[0] == pos:
            _, value, end = self.ready
            self.ready = None
            return value, end
        return _DECODER.raw_decode(self.text, pos)

    def _works_of(self, value: Any, in_array: bool) -> Iterator[Record | Skipped]:
        for item in [value] if in_array else self.items_of(value) or [value]:
            self.index += 1
            yield _read_one(item, Source(self.path, self.format, index=self.index), self.read_item)

    def _resume(self, after: int, depth: int, before: int | None = None) -> int | None:
        """Find the next work of the list from ``after`` on (to ``before``); ``self.ready`` is then its
        position, value and end.

        A work of the list is a ``{`` that stands ``depth`` brackets deep,
        counted from the end of the text (see :class:`_Depths`), and whose
        object, read whole, ends as deep.  One that is the value of a key
        (``"id": {``) is no item of a list, unless damage put the key before
        it: such openings are tried only when no other one reads whole.
        """
        if self.depths is None:
            self.depths = _Depths(self.text)
        self.ready = None
        after_key = []
        for pos in self.depths.openings(after, depth, before):
            if _after_key(self.text, pos):
                after_key.append(pos)
            elif self._ready_at(pos, depth):
                return pos
        # none else: a "key": that damage left just before a work (a splice ending in '"id": ')
        return next((pos for pos in after_key if self._ready_at(pos, depth)), None)

    def _ready_at(self, pos: int, depth: int) -> bool:
        """Whether the object at ``pos``, read whole, ends ``depth`` brackets deep; it is then ready."""
        try:
            value, end = _DECODER.raw_decode(self.text, pos)
        except _BAD_JSON:
            return False
        if self.depths.closes(end - 1, depth):
            self.ready = pos, value, end
            return True
        return False

    def _break(self, pos: int, at: int | None, why: str, *, work: bool = False) -> Skipped:
        """A ``Skipped`` for damage at ``at`` (else somewhere from ``pos``): in the work starting at
        ``pos`` (``work``), else between works.  It says where reading resumes, if anywhere."""
        line = self.lines.at(pos)
        reason = f"not valid JSON ({why}, line {self.lines.at(at)})" if at is not None else f"not valid JSON ({why})"
        if self.first_break is None:
            self.first_break = (line, reason)
        if self.ready is None:
            reason += ": the file is read up to here, not further"
        else:
            skipped = "this work is skipped; " if work else ""
            reason += f": {skipped}reading resumes at line {self.lines.at(self.ready[0])}"
        if work:
            self.index += 1
        return Skipped(Source(self.path, self.format, index=self.index if work else None, line=line), reason)

    def _note_outside(self, error: BaseException) -> None:
        at = _error_position(error)
        log.warning("%s: not valid JSON (%s%s), outside its list of works: every work is read", self.path,
                    _why(error), f", line {self.lines.at(at)}" if at is not None else "")


def _list_start(text: str, array_keys: tuple[str, ...]) -> tuple[int | None, int]:
    """Where the first item of a document's list of works stands, and how deep (in how many brackets)."""
    m = re.compile(r'"(?:%s)"\s*:\s*\[' % "|".join(map(re.escape, array_keys))).search(text)
    if m is not None:
        return m.end(), _depth_at(text, m.end())
    first = _SPACE.match(text).end()
    if text.startswith("[", first):
        return first + 1, 1
    return None, 0


def _values(text: str) -> list | None:
    """The values of text that holds JSON values one after another; ``None`` if one of them is broken."""
    values, pos = [], _SPACE.match(text).end()
    while pos < len(text):
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except _BAD_JSON:
            return None
        values.append(value)
        pos = _SPACE.match(text, end).end()
    return values


def _string_before(text: str, pos: int, since: int) -> int | None:
    """Where the string that ends just before ``pos`` (white space aside) opens, if one does after ``since``."""
    end = _previous(text, pos)
    if end <= since or text[end] != '"':
        return None
    while (end := text.rfind('"', since, end)) >= 0:
        escaped = end
        while escaped > since and text[escaped - 1] == "\\":
            escaped -= 1
        if (end - escaped) % 2 == 0:  # not itself escaped
            return end
    return None


def _previous(text: str, pos: int) -> int:
    """Where the character before ``pos`` that is not JSON white space stands (-1: none)."""
    pos -= 1
    while pos >= 0 and text[pos] in " \t\n\r":
        pos -= 1
    return pos


def _after_key(text: str, pos: int) -> bool:
    """Whether the value at ``pos`` follows a key (``"key": {``), as no item of a list does."""
    colon = _previous(text, pos)
    if colon < 0 or text[colon] != ":":
        return False
    key = _previous(text, colon)
    return key >= 0 and text[key] == '"'


#: A quote, a bracket, or an escape in a string (skipped whole, so that ``\\"`` is no quote).
_TOKEN = re.compile(r'\\.|["{}\[\]]', re.S)


def _depth_at(text: str, end: int) -> int:
    """How many brackets are open at ``end``, counted from the start of the text."""
    depth, in_string = 0, False
    for m in _TOKEN.finditer(text, 0, end):
        mark = m.group()
        if mark == '"':
            in_string = not in_string
        elif not in_string and len(mark) == 1:
            depth += 1 if mark in "{[" else -1
    return depth


class _Depths:
    """How deep each bracket of a text stands, counted back from the end of the text.

    Damage upsets the count of brackets and quotes from the start of the text
    on, but not the count back from its end to the damage: at the end of a
    document no bracket is open and no string either.  A work of the list after
    the damage is then a ``{`` at the list's depth whose object, read whole by
    the json module, ends with a ``}`` at that depth too.  (A second damage that
    changes the count of brackets or quotes hides the works between the two:
    reading resumes after the second, and the first ``Skipped`` says where.)
    """

    def __init__(self, text: str):
        marks = [(m.start(), m.group()) for m in _TOKEN.finditer(text)]
        positions, kinds, depths = [], [], []  # brackets outside strings, from the end; open after each
        depth, in_string = 0, False
        for pos, mark in reversed(marks):
            if mark == '"':
                in_string = not in_string
            elif not in_string and len(mark) == 1:
                positions.append(pos)
                kinds.append(mark)
                depths.append(depth)
                depth += 1 if mark in "}]" else -1
        positions.reverse()
        kinds.reverse()
        depths.reverse()
        self.positions, self.kinds, self.depths = positions, kinds, depths

    def openings(self, after: int, depth: int, before: int | None = None) -> Iterator[int]:
        """Each ``{`` from ``after`` on (to ``before``) that stands ``depth`` brackets deep."""
        kinds, depths, positions = self.kinds, self.depths, self.positions
        stop = len(positions) if before is None else bisect.bisect_left(positions, before)
        for i in range(bisect.bisect_left(positions, after), stop):
            if kinds[i] == "{" and depths[i] == depth + 1:
                yield positions[i]

    def after(self, pos: int) -> int | None:
        """How many brackets are open after the bracket at ``pos`` (``None``: no bracket there)."""
        i = bisect.bisect_left(self.positions, pos)
        return self.depths[i] if i < len(self.positions) and self.positions[i] == pos else None

    def closes(self, pos: int, depth: int) -> bool:
        """Whether a bracket at ``pos`` leaves ``depth`` brackets open."""
        return self.after(pos) == depth
