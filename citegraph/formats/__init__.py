"""Record files in, :class:`~citegraph.model.Record` objects out.

One module per format, each with the same three names:

* ``NAME``: the format's name (``"pubmed-page"``);
* ``sniff(head) -> bool``: a cheap look at the first few kilobytes of text;
* ``parse(text, path) -> Iterator[Record | Skipped]``: the records of one file.
  A record that cannot be read is yielded as :class:`~citegraph.model.Skipped`,
  so one bad record never loses the others.

This module finds the inputs (files, folders, globs, ``-`` for stdin), opens
them (gzip too), decodes them, detects their format from their content and
hands them to the right module.
"""

from __future__ import annotations

import glob
import gzip
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from types import ModuleType

from ..errors import FormatError, InputError
from ..model import Record, Skipped, Source
from . import pubmed_page

__all__ = ["FORMATS", "decode", "detect_format", "expand_inputs", "read_bytes", "read_records"]

log = logging.getLogger(__name__)

#: Formats in the order they are tried: the most specific sniff first.
FORMATS: tuple[ModuleType, ...] = (pubmed_page,)
_BY_NAME = {module.NAME: module for module in FORMATS}
_HEAD = 64 * 1024


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


def read_bytes(path: str) -> bytes:
    """The content of ``path`` (``-`` is stdin), gunzipped when it is gzip."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as fh:
                data = fh.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(path, f"cannot be read ({exc})") from None
    return data


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


def detect_format(text: str, path: str = "<string>") -> ModuleType:
    """The format module whose ``sniff`` accepts the start of ``text``."""
    head = text[:_HEAD]
    for module in FORMATS:
        if module.sniff(head):
            return module
    known = ", ".join(_BY_NAME)
    raise FormatError(path, f"not in a format citegraph reads (known: {known})")


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
    if format is not None and format not in _BY_NAME:
        raise FormatError("<option>", f"unknown format {format!r} (known: {', '.join(_BY_NAME)})")
    paths = list(expand_inputs(inputs))
    for path in paths:
        try:
            text = decode(read_bytes(path))
            if not text.strip():
                raise InputError(path, "file is empty")
            module = _BY_NAME[format] if format else detect_format(text, path)
        except InputError as exc:
            yield Skipped(Source(path, format or "unknown"), exc.reason)
            continue
        log.debug("%s: reading as %s", path, module.NAME)
        yield from module.parse(text, path)
