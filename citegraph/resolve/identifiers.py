"""Identifiers cleaned to one form, so that equal identifiers compare equal."""

from __future__ import annotations

import re

__all__ = ["normalize_doi", "normalize_pmid", "normalize_pmcid", "node_id_prefixes"]

_DOI_SHAPE = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi\s*:\s*|doi\s+)", re.I)

#: Node ids are "<prefix>:<value>", in this order of preference.
node_id_prefixes: tuple[str, ...] = ("doi", "pmid", "pmcid", "ref")


def normalize_doi(doi: str | None) -> str | None:
    """Lowercase a DOI, strip URL and "doi:" prefixes and trailing punctuation.

    Returns ``None`` when what is left is not shaped like a DOI.

    Examples
    --------
    >>> normalize_doi("https://doi.org/10.1007/S00586-025-09078-3.")
    '10.1007/s00586-025-09078-3'
    >>> normalize_doi("10.1016/S0140-6736(05)66954-1)."), normalize_doi("10.12/x"), normalize_doi("none")
    ('10.1016/s0140-6736(05)66954-1', None, None)
    """
    if not doi:
        return None
    doi = _DOI_PREFIX.sub("", doi.strip()).rstrip(".,;:]>'\"")
    # a closing parenthesis belongs to the DOI only when the DOI also opens one
    while doi.endswith(")") and doi.count("(") < doi.count(")"):
        doi = doi[:-1].rstrip(".,;:")
    if not _DOI_SHAPE.fullmatch(doi):
        return None
    return doi.lower()


def normalize_pmid(pmid: str | int | None) -> str | None:
    """A PMID as a positive integer in decimal, else ``None``.

    Examples
    --------
    >>> normalize_pmid(" 0012345 "), normalize_pmid("0"), normalize_pmid("12a"), normalize_pmid("12\u00b3")
    ('12345', None, None, None)
    >>> normalize_pmid("1" * 5000) is None  # past 4,300 digits int() raises: the length is looked at first
    True
    """
    if pmid is None:
        return None
    text = pmid if isinstance(pmid, str) else str(pmid)
    # the form PubMed writes, met millions of times in XML: ASCII digits, no leading zero
    if text.isdigit() and text.isascii() and text[0] != "0" and len(text) <= 10:
        return text
    text = text.strip()
    # ASCII digits only: "³".isdigit() is true and int("³") raises
    if len(text) > 10 or not (text.isascii() and text.isdigit()) or int(text) <= 0:
        return None
    return str(int(text))


def normalize_pmcid(pmcid: str | None) -> str | None:
    """A PMCID as ``PMC<n>``, else ``None``.

    Examples
    --------
    >>> normalize_pmcid("pmc123456"), normalize_pmcid("123456"), normalize_pmcid("PMCX")
    ('PMC123456', 'PMC123456', None)
    """
    if not pmcid:
        return None
    if pmcid.startswith("PMC"):  # the usual "PMC<n>": given back as it is
        number = pmcid[3:]
        if number.isdigit() and number.isascii() and number[0] != "0" and len(number) <= 10:
            return pmcid
    m = re.fullmatch(r"(?:PMC)?\s*(\d{1,10})", pmcid.strip(), re.I)
    if not m or int(m.group(1)) <= 0:
        return None
    return f"PMC{int(m.group(1))}"
