"""The plain data that flows between citegraph's stages.

A reader turns a file into :class:`Record` objects; each record holds the citing
article as a :class:`Work` and the works it cites, also as :class:`Work` objects.
The resolver then maps every work onto one node of the graph.

Every class here is a frozen dataclass: stages never mutate what they are handed,
they build new values.  A field that is unknown is ``None`` (sequences are empty
tuples), never an empty string.  Readers make one ``Work`` per reference,
millions of them, so each class has :func:`~citegraph._slots.quick_init`'s
constructor.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from ._slots import quick_init

__all__ = ["Author", "Work", "Source", "Record", "Skipped", "WORK_FIELDS"]


@quick_init
@dataclass(frozen=True, slots=True)
class Author:
    """One author as a record or reference showed it.

    Parameters
    ----------
    name : str
        The name as shown (``"Ningdao Li"``, ``"Yahanda AT"``, ``"WHO Study Group"``).
    family : str or None
        The family name, or ``None`` for a group author (kept whole in ``name``).
    given : str or None
        Given names or initials as shown (``"Ningdao"``, ``"AT"``, ``"H-J"``).

    Examples
    --------
    >>> Author("Yahanda AT", "Yahanda", "AT").initials
    'AT'
    >>> Author("Ningdao Li", "Li", "Ningdao").initials
    'N'
    """

    name: str
    family: str | None = None
    given: str | None = None

    @property
    def is_group(self) -> bool:
        return self.family is None

    @property
    def initials(self) -> str:
        """Initials of the given names, upper case, without dots or hyphens."""
        if not self.given:
            return ""
        given = self.given.replace(".", " ").replace("-", " ")
        if given.replace(" ", "").isupper() and len(given.replace(" ", "")) <= 4:
            return given.replace(" ", "")
        return "".join(part[0].upper() for part in given.split() if part)

    def as_json(self) -> dict[str, str]:
        """The CSL-like form used in JSON output: family/given, or literal."""
        if self.family is None:
            return {"literal": self.name}
        out = {"family": self.family}
        if self.given:
            out["given"] = self.given
        return out


@quick_init(none_if_blank=True)  # absent is None, never "": every Work passes through here
@dataclass(frozen=True, slots=True)
class Work:
    """One bibliographic description, as it was read.

    The citing article of a record and every entry of its reference list are both
    ``Work`` objects.  ``raw`` keeps the original string of a reference.
    ``journal`` holds the container: a journal, or the book or proceedings a
    chapter or paper appeared in.
    ``et_al`` says the author list was cut short ("et al."); it is a flag, never
    an author.
    """

    title: str | None = None
    authors: tuple[Author, ...] = ()
    et_al: bool = False
    year: int | None = None
    month: str | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    raw: str | None = None
    abstract: str | None = None
    keywords: tuple[str, ...] = ()
    publication_types: tuple[str, ...] = ()
    editors: tuple[Author, ...] = ()
    publisher: str | None = None
    place: str | None = None
    arxiv: str | None = None
    confidence: float | None = None  # how sure the reference parser is, 0..1

    @property
    def first_author(self) -> Author | None:
        return self.authors[0] if self.authors else None

    @property
    def first_page(self) -> str | None:
        if not self.pages:
            return None
        return self.pages.split("-", 1)[0]

    def replace(self, **changes: Any) -> Work:
        return replace(self, **changes)

    def as_json(self) -> dict[str, Any]:
        """The fields that are known, with authors in their JSON form."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == () or value is False:
                continue
            if f.name in ("authors", "editors"):
                value = [a.as_json() for a in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


@quick_init
@dataclass(frozen=True, slots=True)
class Source:
    """Where something was read: a file, its format, and a place in it."""

    path: str
    format: str
    index: int | None = None  # record number in the file, from 1
    line: int | None = None  # line number in the file, from 1

    def __str__(self) -> str:
        where = self.path
        if self.index is not None:
            where += f", record {self.index}"
        if self.line is not None:
            where += f", line {self.line}"
        return where


@quick_init
@dataclass(frozen=True, slots=True)
class Record:
    """One citing article read from a file.

    ``references`` are the works it cites, in the order of its reference list.
    ``cited_by`` are works that the file lists as citing it (PubMed's "Cited by").
    """

    work: Work
    source: Source
    references: tuple[Work, ...] = ()
    cited_by: tuple[Work, ...] = ()


@quick_init
@dataclass(frozen=True, slots=True)
class Skipped:
    """Something a reader could not read, kept as data rather than raised."""

    source: Source
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


WORK_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Work))
