"""Exact match keys: what two mentions of one work share when no identifier says so.

Keys are built from :class:`~citegraph.resolve.normalize.Normalized` mentions,
so names, titles and journals are folded once, in the normalize stage.
"""

from __future__ import annotations

import hashlib

from .normalize import Normalized

__all__ = ["title_key", "citation_key", "short_hash"]


def title_key(n: Normalized) -> tuple | None:
    """First author, year and the title's significant words, all of them.

    All of them: two works whose titles share their first eight words and part
    after ("... in lung cancer" / "... in lung cancer treated by endoscopy")
    are two works.  ``None`` when any part is missing or the title has fewer
    than three significant words (too few to tell works apart).
    """
    if n.family is None or n.year is None or len(n.title) < 3:
        return None
    return ("title", n.family, n.year, n.title)


def citation_key(n: Normalized) -> tuple | None:
    """First author, year, volume and first page: the key of a title-less citation."""
    if n.family is None or n.year is None or not n.volume or not n.first_page:
        return None
    return ("citation", n.family, n.year, n.volume, n.first_page)


def short_hash(key: tuple | str) -> str:
    """A short, stable hash of a key, for ``ref:`` node ids."""
    return hashlib.sha1(repr(key).encode("utf-8")).hexdigest()[:12]
