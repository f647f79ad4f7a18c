"""Record files in, :class:`~citegraph.model.Record` objects out.

One module per format, each with the same three names:

* ``NAME``: the format's name (``"pubmed-page"``);
* ``sniff(head) -> bool``: a cheap look at the first few kilobytes of text;
* ``read(stream, path) -> Iterator[Record | Skipped]``: the records of one
  file, streamed from a binary file object (already gunzipped); a record that
  cannot be read is yielded as :class:`~citegraph.model.Skipped`, so one bad
  record never loses the others;
* ``parse(text, path)``: the same from a string, for tests and small inputs.

This module finds the inputs (files, folders, globs, ``-`` for stdin), opens
them (gzip too), detects their format from their content and hands the open
stream to the right module.  :func:`text_stream` and :func:`decode` turn bytes
into text the same way for every text format.
"""

from __future__ import annotations

import codecs
import contextlib
import glob
import gzip
import importlib
import io
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from functools import cache
from types import ModuleType
from typing import BinaryIO

from ..errors import FormatError, InputError
from ..model import Record, Skipped, Source

__all__ = ["FORMAT_MODULES", "formats", "decode", "detect_format", "expand_inputs", "open_input",
           "read_bytes", "read_records", "sniff_encoding", "text_stream"]

log = logging.getLogger(__name__)

#: Format modules in the order their ``sniff`` is tried: the most specific
#: first, the PubMed page (plain text that merely mentions PubMed) last.
#: They are imported on first use, so that start-up pays for none of them.
FORMAT_MODULES: tuple[str, ...] = (
    "pubmed_xml", "jats", "crossref", "openalex", "medline", "wos", "ris", "bibtex", "scopus",
    "pubmed_page",
)
_HEAD = 64 * 1024


@cache
def formats() -> tuple[ModuleType, ...]:
    """The format modules, imported, in sniffing order."""
    loaded = []
    for name in FORMAT_MODULES:
        try:
            loaded.append(importlib.import_module(f"{__name__}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            log.debug("format module %s is not there yet", name)
    return tuple(loaded)


def _by_name() -> dict[str, ModuleType]:
    return {module.NAME: module for module in formats()}


# A character of two bytes or more as UTF-8 writes it (RFC 3629: no overlong
# form, no surrogate, nothing past U+10FFFF), and a run of bytes past ASCII.
# The lead byte comes first, the lookbehinds then say what may follow it: so
# written, a search skips ASCII ten times faster than with one branch a lead.
_UTF8_CHAR = re.compile(rb"[\xc2-\xf4](?:(?<=[\xc2-\xdf])[\x80-\xbf]|(?<=\xe0)[\xa0-\xbf][\x80-\xbf]"
                        rb"|(?<=[\xe1-\xec\xee\xef])[\x80-\xbf]{2}|(?<=\xed)[\x80-\x9f][\x80-\xbf]"
                        rb"|(?<=\xf0)[\x90-\xbf][\x80-\xbf]{2}|(?<=[\xf1-\xf3])[\x80-\xbf]{3}"
                        rb"|(?<=\xf4)[\x80-\x8f][\x80-\xbf]{2})")
_NOT_ASCII = re.compile(rb"[\x80-\xff]+")
# the start of a character that the end of the bytes at hand may have cut off
_CUT_CHAR = re.compile(rb"(?:[\xc2-\xf4]|[\xe0-\xf4][\x80-\xbf]|[\xf0-\xf4][\x80-\xbf]{2})\Z")


def _cut_char(data: bytes, start: int = 0) -> int:
    """Where a character that the end of ``data`` may have cut starts (past ``start``); else ``len(data)``."""
    cut = _CUT_CHAR.search(data, max(start, len(data) - 3))
    return cut.start() if cut else len(data)


def sniff_encoding(head: bytes) -> str:
    """The encoding to read a file with, from its first bytes (64 KiB are plenty).

    BOMs decide.  Else the head's bytes past ASCII are weighed: UTF-8
    characters against runs of bytes that are not UTF-8.  When the head holds
    UTF-8 characters and more runs that are not, its "UTF-8 characters" are
    cp1252 letters that happen to pair up ("Ã©"): the file is cp1252.  Else
    it is UTF-8, where :func:`text_stream` and :func:`decode` read each byte
    that is not UTF-8 as cp1252, alone: a cp1252 file whose head holds no such
    pair is read right, and a stray byte pasted into a UTF-8 file changes
    nothing around it.  A character cut at the end of the head counts for
    nothing.

    Examples
    --------
    >>> sniff_encoding(b"\\xef\\xbb\\xbfCaf\\xc3\\xa9"), sniff_encoding("Li".encode("utf-16"))
    ('utf-8-sig', 'utf-16')
    >>> sniff_encoding(b"\\x96 Caf\\xc3\\xa9"), sniff_encoding(b"Caf\\xe9 \\x96 M\\xfcller")
    ('utf-8', 'utf-8')
    >>> sniff_encoding(b"\\xc3\\xa9tude \\x96 M\\xfcller")  # "Ã©tude – Müller"
    'cp1252'
    """
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.isascii():
        return "utf-8"
    head = head[:_cut_char(head)]
    letters = len(_UTF8_CHAR.findall(head))
    strays = len(_NOT_ASCII.findall(_UTF8_CHAR.sub(b" ", head)))
    return "cp1252" if strays > letters > 0 else "utf-8"


def _errors(encoding: str) -> str:
    """The error handler to decode ``encoding`` with: in UTF-8, a byte that is not UTF-8 is cp1252."""
    return "citegraph-cp1252" if encoding.startswith("utf-8") else "replace"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as cp1252.

    For UTF-8 files that hold a Latin-1 or cp1252 byte (a record pasted from
    elsewhere): "é" stays "é", not U+FFFD, and only those bytes are read so.
    A byte that cp1252 leaves undefined becomes U+FFFD.  What follows the bad
    bytes is read as cp1252 too, up to the next UTF-8 character (or one that
    the end of the decoder's input may cut): the same text as byte by byte,
    at one call for a whole run of cp1252 text.
    """
    if not isinstance(error, UnicodeDecodeError):
        raise error
    data = error.object
    letter = _UTF8_CHAR.search(data, error.end)
    end = max(error.end, letter.start() if letter else _cut_char(data, error.end))
    return bytes(data[error.start:end]).decode("cp1252", errors="replace"), end


codecs.register_error("citegraph-cp1252", _cp1252_fallback)


def decode(data: bytes) -> str:
    """Bytes to text, as :func:`text_stream` reads them: BOMs honoured, UTF-8 first, cp1252 as the fallback.

    Never raises: a byte that no encoding explains becomes U+FFFD.

    Examples
    --------
    >>> decode(b"\\xef\\xbb\\xbfM\\xc3\\xbcller"), decode(b"M\\xfcller"), decode("Li".encode("utf-16"))
    ('Müller', 'Müller', 'Li')
    >>> decode(b"Caf\\xc3\\xa9 \\x96 M\\xc3\\xbcller")  # one byte pasted from a cp1252 file
    'Café – Müller'
    """
    encoding = sniff_encoding(data[:_HEAD])
    return data.decode(encoding, errors=_errors(encoding))


class _Replay(io.RawIOBase):
    """A binary stream whose first bytes were read already: those bytes, then the rest of the stream.

    Closing it leaves the stream open: whoever opened the stream closes it.
    """

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if len(self._head):
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _read_head(stream: BinaryIO) -> bytes:
    """The first 64 KiB of a stream (fewer only at its end), however few bytes each read returns."""
    head = b""
    while len(head) < _HEAD:
        chunk = stream.read(_HEAD - len(head))
        if not chunk:
            break
        head += chunk
    return head


def text_stream(stream: BinaryIO) -> io.TextIOWrapper:
    """A text view of a binary stream: encoding sniffed, CRLF and CR read as newlines.

    The encoding is sniffed from the first 64 KiB (:func:`sniff_encoding`),
    then the stream is decoded as it is read: memory stays bounded whatever
    the file's size.  In UTF-8 (the usual case) each byte that is not UTF-8
    is read as cp1252; a byte no encoding explains becomes U+FFFD: decoding
    never raises.

    Examples
    --------
    >>> import io
    >>> text_stream(io.BytesIO(b"TI  - A \\x96 dash\\r\\nAU  - M\\xc3\\xbcller A\\r")).read()
    'TI  - A – dash\\nAU  - Müller A\\n'
    """
    head = _read_head(stream)
    encoding = sniff_encoding(head)
    replay = io.BufferedReader(_Replay(head, stream), buffer_size=_HEAD)
    return io.TextIOWrapper(replay, encoding=encoding, errors=_errors(encoding), newline=None)


@contextlib.contextmanager
def open_input(path: str) -> Iterator[BinaryIO]:
    """A binary stream of ``path`` (``-`` is stdin), gunzipped when it is gzip.

    Errors become :class:`~citegraph.errors.InputError` naming the file.
    """
    try:
        if path == "-":
            raw: BinaryIO = io.BytesIO(sys.stdin.buffer.read())
        else:
            raw = open(path, "rb")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    with raw:
        magic = raw.read(2)
        raw.seek(0)
        if magic == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=raw) as unpacked:
                yield unpacked  # type: ignore[misc]
        else:
            yield raw


def read_bytes(path: str) -> bytes:
    """The whole content of ``path`` (``-`` is stdin), gunzipped when it is gzip."""
    with open_input(path) as stream:
        try:
            return stream.read()
        except (OSError, EOFError) as exc:
            raise InputError(path, f"cannot be read ({exc})") from None


def expand_inputs(inputs: Iterable[str]) -> Iterator[str]:
    """Files named, files in folders (recursively, sorted, hidden ones skipped), glob matches.

    Raises :class:`~citegraph.errors.InputError` for a name that matches nothing.
    """
    for name in inputs:
        if name == "-" or os.path.isfile(name):
            yield name
        elif os.path.isdir(name):
            found = False
            for folder, dirs, files in os.walk(name):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for file in sorted(files):
                    if not file.startswith("."):
                        found = True
                        yield os.path.join(folder, file)
            if not found:
                raise InputError(name, "folder holds no files")
        elif glob.has_magic(name):
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                raise InputError(name, "no file matches this pattern")
            yield from expand_inputs(matches)
        else:
            raise InputError(name, "no such file")


def detect_format(head: str, path: str = "<string>") -> ModuleType:
    """The format module whose ``sniff`` accepts ``head``, the start of a file as text."""
    head = head[:_HEAD]
    for module in formats():
        if module.sniff(head):
            return module
    known = ", ".join(_by_name())
    raise FormatError(path, f"not in a format citegraph reads (known: {known})")


def _head(stream: BinaryIO, path: str) -> str:
    try:
        data = stream.read(_HEAD)
        stream.seek(0)
    except (OSError, EOFError) as exc:
        raise InputError(path, f"cannot be read ({exc})") from None
    encoding = sniff_encoding(data)
    # a character cut at the end of the head is left out, not read as cp1252
    text = codecs.getincrementaldecoder(encoding)(_errors(encoding)).decode(data, final=False)
    if not text.strip("\ufeff \t\r\n"):
        raise InputError(path, "file is empty")
    # sniffers look for line starts: a file with old Mac (CR) line ends has them too
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_records(inputs: Iterable[str], *, format: str | None = None) -> Iterator[Record | Skipped]:
    """Every record of every input, in order; what cannot be read comes as ``Skipped``.

    A file that is empty, unreadable or in no known format is reported as one
    ``Skipped`` naming it, and the other files are still read.

    Parameters
    ----------
    inputs : iterable of str
        Files, folders, glob patterns, or ``-`` for standard input.
    format : str, optional
        A format name to use instead of detection.

    Raises
    ------
    InputError
        At once, before anything is read, when an input names nothing.
    """
    by_name = _by_name()
    if format is not None and format not in by_name:
        raise FormatError("<option>", f"unknown format {format!r} (known: {', '.join(by_name)})")
    paths = list(expand_inputs(inputs))
    for path in paths:
        try:
            with open_input(path) as stream:
                module = by_name[format] if format else detect_format(_head(stream, path), path)
                log.debug("%s: reading as %s", path, module.NAME)
                yield from module.read(stream, path)
        except InputError as exc:
            yield Skipped(Source(path, format or "unknown"), exc.reason)
