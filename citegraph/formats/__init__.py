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


def decode(data: bytes) -> str:
    """Bytes to text: BOMs honoured, UTF-8 first, cp1252 as the fallback.

    Never raises: a byte that no encoding explains becomes U+FFFD.

    Examples
    --------
    >>> decode(b"\\xef\\xbb\\xbfM\\xc3\\xbcller"), decode(b"M\\xfcller"), decode("Li".encode("utf-16"))
    ('Müller', 'Müller', 'Li')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_encoding(head: bytes) -> str:
    """The encoding to read a file with, from its first bytes.

    BOMs decide; else UTF-8 if the head decodes as UTF-8 (a character cut at
    the end of the head is allowed), else cp1252.
    """
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a byte that is not UTF-8 is read as cp1252.

    For files that are UTF-8 in their first 64 KiB and then hold a Latin-1 or
    cp1252 byte (a record pasted from elsewhere): "é" stays "é", not U+FFFD.
    """
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


codecs.register_error("citegraph-cp1252", _cp1252_fallback)


def text_stream(stream: BinaryIO) -> io.TextIOWrapper:
    """A text view of a binary stream: encoding sniffed, CRLF and CR read as newlines.

    UTF-8 (the usual case) falls back to cp1252 byte by byte past the sniffed
    head; a byte no encoding explains becomes U+FFFD: decoding never raises.
    """
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)
    encoding = sniff_encoding(buffered.peek(_HEAD)[:_HEAD])
    errors = "citegraph-cp1252" if encoding == "utf-8" else "replace"
    return io.TextIOWrapper(buffered, encoding=encoding, errors=errors, newline=None)


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
    text = data.decode(sniff_encoding(data), errors="replace")
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
