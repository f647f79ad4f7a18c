"""citegraph's exceptions: one base class, a few subclasses that say where."""

from __future__ import annotations

__all__ = ["CitegraphError", "InputError", "FormatError", "UsageError"]


class CitegraphError(Exception):
    """Base class of every error citegraph raises on purpose."""


class InputError(CitegraphError):
    """An input as a whole cannot be used (missing, unreadable, empty).

    The message names the file and, where known, the record or line.
    """

    def __init__(self, path: str, reason: str, *, line: int | None = None,
                 record: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        self.record = record
        where = path
        if record is not None:
            where += f", record {record}"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {reason}")


class FormatError(InputError):
    """A file is in no format citegraph knows, or not in the one asked for."""


class UsageError(CitegraphError):
    """The command line asks for something that cannot be done."""
