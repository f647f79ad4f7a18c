"""Rules for the two machine-made reference forms, read exactly.

Citation indexes export references in fixed forms that a tagger trained on
printed reference lists has not seen, and that a rule reads without doubt:

* Web of Science (the ``CR`` field)::

      Patchell RA, 2005, LANCET, V366, P643, DOI 10.1016/S0140-6736(05)66954-1

* Scopus::

      Patchell, R.A., Tibbs, P.A., Direct decompressive surgical resection (2005) Lancet, 366 (9486), pp. 643-648.

Each rule returns the fields it read, or ``None`` when the string is not in
its form.
"""

from __future__ import annotations

import re
from typing import Any

from .fields import clean_container, clean_title, expand_page_range, parse_author, parse_authors

__all__ = ["read_web_of_science", "read_scopus"]

_WOS = re.compile(
    r"^(?P<author>\[Anonymous\]|[^\W\d][^,\d()\[\]]{0,60}?),\s*(?P<year>(?:1[5-9]|20)\d\d),\s*"
    r"(?P<source>[^,]{2,200}?)"
    r"(?:,\s*V(?P<volume>[\w.-]{1,12}))?"
    r"(?:,\s*(?:I|N)(?P<issue>[\w.-]{1,12}))?"
    r"(?:,\s*P(?P<page>[\w.-]{1,12}))?"
    r"(?:,\s*(?:DOI|doi)\s+\[?(?P<doi>10\.[^\s,\]]+)[^\]]*\]?)?\.?$")


def read_web_of_science(text: str) -> dict[str, Any] | None:
    """Read the Web of Science form, ``Author AB, 2005, SOURCE, V366, P643, DOI ...``.

    Examples
    --------
    >>> f = read_web_of_science("Patchell RA, 2005, LANCET, V366, P643, DOI 10.1016/S0140-6736(05)66954-1")
    >>> f["authors"][0].family, f["year"], f["journal"], f["volume"], f["pages"]
    ('Patchell', 2005, 'LANCET', '366', '643')
    >>> read_web_of_science("Smith J, 2005, a title in lower case") is None
    True
    """
    m = _WOS.match(text)
    if not m:
        return None
    source = m.group("source").strip()
    # a printed reference may look alike: the index form has its source in capitals,
    # or a volume, page or DOI part
    if not (source.isupper() or m.group("volume") or m.group("page") or m.group("doi")):
        return None
    author = m.group("author").strip()
    fields: dict[str, Any] = {"year": int(m.group("year")), "journal": source,
                              "volume": m.group("volume"), "issue": m.group("issue"),
                              "pages": m.group("page")}
    if author != "[Anonymous]":
        fields["authors"] = (parse_author(author),)
    return fields


_SCOPUS_INITIALS = r"(?:[A-Z\u00c0-\u00de][a-z]?\.(?:\s?-?[A-Z\u00c0-\u00de][a-z]?\.){0,3})"
_SCOPUS = re.compile(
    rf"^(?P<authors>(?:[^,()]{{1,60}},\s{_SCOPUS_INITIALS},\s)+(?:et al\.,\s)?)"
    r"(?P<title>(?![&(]|and\s)[^()]+?),?\s\((?P<year>(?:1[5-9]|20)\d\d)\)\s(?=[^\W\d])"
    r"(?P<source>[^,()]+?)"
    r"(?:,\s(?P<volume>[\w.-]+)(?:\s?\((?P<issue>[^)]+)\))?)?"
    r"(?:,\s(?:pp?\.\s?)?(?P<pages>[A-Za-z]?\d+[A-Za-z]?(?:-[A-Za-z]?\d+[A-Za-z]?)?))?"
    r"(?:[.,;]\s.*|\.)?$")


def read_scopus(text: str) -> dict[str, Any] | None:
    """Read the Scopus form, ``Author, A., Title, (2005) Journal, 366 (9486), pp. 643-648.``.

    Examples
    --------
    >>> f = read_scopus("Patchell, R.A., Tibbs, P.A., Direct decompressive surgical resection, "
    ...                 "(2005) Lancet, 366 (9486), pp. 643-648.")
    >>> [a.family for a in f["authors"]], f["title"], f["year"], f["journal"], f["issue"], f["pages"]
    (['Patchell', 'Tibbs'], 'Direct decompressive surgical resection', 2005, 'Lancet', '9486', '643-648')
    """
    m = _SCOPUS.match(text)
    if not m:
        return None
    authors, et_al = parse_authors(m.group("authors"))
    pages = m.group("pages")
    return {"authors": authors, "et_al": et_al, "title": clean_title(m.group("title")),
            "year": int(m.group("year")), "journal": clean_container(m.group("source")),
            "volume": m.group("volume"), "issue": m.group("issue"),
            "pages": expand_page_range(pages) if pages else None}
