"""Match keys: what two mentions of one work have in common when no identifier says so."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from ..model import Work

__all__ = ["fold", "title_words", "family_key", "title_key", "citation_key", "short_hash"]

_STOPWORDS = frozenset("a an the of and in on for to with by from at as or is are its".split())


def fold(text: str) -> str:
    """Lowercase, accents and punctuation removed, whitespace collapsed.

    Examples
    --------
    >>> fold("Müller–Lüdenscheidt: The  Rôle!")
    'muller ludenscheidt the role'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]|_", " ", text.lower())
    return " ".join(text.split())


def title_words(title: str, n: int = 8) -> tuple[str, ...]:
    """The first ``n`` significant words of a title, folded."""
    return tuple(w for w in fold(title).split() if w not in _STOPWORDS)[:n]


def family_key(work: Work) -> str | None:
    """The first author's family name, folded (the whole name for a group author)."""
    author = work.first_author
    if author is None:
        return None
    return fold(author.family or author.name).replace(" ", "") or None


def title_key(work: Work) -> tuple | None:
    """First author, year and the title's first significant words.

    ``None`` when any of them is missing or the title is too short to tell
    works apart.
    """
    family = family_key(work)
    if family is None or work.year is None or not work.title:
        return None
    words = title_words(work.title)
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
