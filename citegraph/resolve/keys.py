"""Match keys: what two mentions of one work have in common when no identifier says so."""

from __future__ import annotations

import hashlib

from ..model import Work
from .normalize import family_fold, fold, normalize_title

__all__ = ["fold", "family_key", "title_key", "citation_key", "short_hash"]

def family_key(work: Work) -> str | None:
    """The first author's family name, folded (the whole name for a group author)."""
    author = work.first_author
    if author is None:
        return None
    return family_fold(author.family or author.name) or None


def title_key(work: Work) -> tuple | None:
    """First author, year and the title's significant words, all of them.

    All of them: two works whose titles share their first eight words and part
    after ("... in lung cancer" / "... in lung cancer treated by endoscopy")
    are two works.

    ``None`` when any of them is missing or the title is too short to tell
    works apart.
    """
    family = family_key(work)
    if family is None or work.year is None or not work.title:
        return None
    words = normalize_title(work.title)
    if len(words) < 3:
        return None
    return ("title", family, work.year, words)


def citation_key(work: Work) -> tuple | None:
    """First author, year, volume and first page: the key of a title-less citation."""
    family = family_key(work)
    if family is None or work.year is None or not work.volume or not work.first_page:
        return None
    return ("citation", family, work.year, work.volume.lower(), work.first_page.lower())


def short_hash(key: tuple | str) -> str:
    """A short, stable hash of a key, for ``ref:`` node ids."""
    return hashlib.sha1(repr(key).encode("utf-8")).hexdigest()[:12]
