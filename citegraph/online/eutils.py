"""NCBI E-utilities: ECitMatch, EFetch and ELink, batched.

* :meth:`EUtils.citmatch`: PMIDs for citations from journal, year, volume,
  first page and first author (``ecitmatch.cgi``, many citations per request,
  one ``journal|year|volume|first_page|author|key|`` line each);
* :meth:`EUtils.fetch`: PubMed records by PMID (``efetch.fcgi``, PubMed XML,
  up to 200 ids a request), read by :mod:`citegraph.formats.pubmed_xml`;
* :meth:`EUtils.links`: the PMIDs a work cites (``pubmed_pubmed_refs``) or
  that cite it (``pubmed_pubmed_citedin``), through ``elink.fcgi`` with one
  ``id`` parameter per work, so that each answer says which work it is for.

Every request goes through an :class:`~citegraph.online.session.Http`, which
adds ``tool``, ``email`` and ``api_key``, waits for its turn and retries.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence

from lxml import etree

from ..formats import pubmed_xml
from ..model import Record, Work
from ..resolve.identifiers import normalize_pmid
from ..resolve.normalize import fold
from .session import SKIPPED, Http

__all__ = ["EUtils", "citation_line", "parse_citmatch", "parse_elink", "REFS", "CITED_IN",
           "FETCH_BATCH", "LINK_BATCH", "CITMATCH_BATCH"]

log = logging.getLogger(__name__)

REFS = "pubmed_pubmed_refs"
CITED_IN = "pubmed_pubmed_citedin"

#: Ids per EFetch request (NCBI asks for POST beyond 200).
FETCH_BATCH = 200
#: Ids per ELink request.
LINK_BATCH = 100
#: Citations per ECitMatch request (the URL stays a few kilobytes long).
CITMATCH_BATCH = 50


def batches(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


_FIELD = re.compile(r"[|\r\n]+")


def citation_line(work: Work, key: str) -> str | None:
    """The ECitMatch line for a work, or ``None`` when it says too little to be matched.

    A line needs the journal, the year, and the volume or the first page.

    Examples
    --------
    >>> from citegraph.model import Author
    >>> citation_line(Work(journal="Asian Spine J", year=2020, volume="14", pages="513",
    ...                    authors=(Author("Chang SY", "Chang", "SY"),)), "r2")
    'asian spine j|2020|14|513|chang sy|r2|'
    >>> citation_line(Work(journal="Spine", year=2016), "r4") is None
    True
    """
    if not work.journal or not work.year or not (work.volume or work.first_page):
        return None
    author = work.first_author
    name = ""
    if author is not None:
        name = f"{author.family} {author.initials}".strip() if author.family else author.name
    fields = (fold(work.journal), str(work.year), work.volume or "", work.first_page or "",
              fold(name), key)
    return "|".join(_FIELD.sub(" ", f).strip() for f in fields) + "|"


def parse_citmatch(text: str) -> dict[str, str]:
    """``{key: pmid}`` from an ECitMatch answer; lines without a PMID (NOT_FOUND, AMBIGUOUS) left out.

    Examples
    --------
    >>> parse_citmatch("science|1987|235|182|palmenberg ac|a1|3026048\\n"
    ...                "x|2020|1|1|y z|a2|NOT_FOUND;INVALID_JOURNAL\\n"
    ...                "bioinformatics|2015|31||a3|AMBIGUOUS (783 citations)\\n")
    {'a1': '3026048'}
    """
    found: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.strip().split("|")
        if len(parts) < 3:
            continue
        pmid = normalize_pmid(parts[-1].strip())
        if pmid is not None:
            found[parts[-2].strip()] = pmid
    return found


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_elink(content: bytes, linkname: str) -> dict[str, list[str]]:
    """``{pmid: [linked pmids]}`` from an ELink answer (one ``LinkSet`` per id); ids without links left out.

    Examples
    --------
    >>> xml = b'''<eLinkResult><LinkSet><DbFrom>pubmed</DbFrom><IdList><Id>1</Id></IdList>
    ... <LinkSetDb><DbTo>pubmed</DbTo><LinkName>pubmed_pubmed_refs</LinkName>
    ... <Link><Id>7</Id></Link><Link><Id>8</Id></Link></LinkSetDb></LinkSet></eLinkResult>'''
    >>> parse_elink(xml, "pubmed_pubmed_refs")
    {'1': ['7', '8']}
    """
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        log.info("ELink answer is not XML (%s)", exc)
        return {}
    links: dict[str, list[str]] = {}
    for linkset in root.iter("LinkSet"):
        ids = [normalize_pmid(e.text) for e in linkset.findall("IdList/Id")]
        ids = [i for i in ids if i]
        if not ids:
            continue
        found: list[str] = []
        for db in linkset.findall("LinkSetDb"):
            if (db.findtext("LinkName") or "").strip() != linkname:
                continue
            found.extend(p for p in (normalize_pmid(e.text) for e in db.findall("Link/Id")) if p)
        if not found:
            continue
        for pmid in ids:  # one id per LinkSet when ids were sent one parameter each
            links.setdefault(pmid, []).extend(dict.fromkeys(found))
    return links


class EUtils:
    """The E-utilities, through one :class:`~citegraph.online.session.Http`.

    Examples
    --------
    Against a service that is not there, nothing is asked for nothing:

    >>> EUtils(http=None).fetch([])
    {}
    """

    def __init__(self, http: Http) -> None:
        self.http = http

    def citmatch(self, citations: Iterable[tuple[str, Work]]) -> dict[str, str]:
        """``{key: pmid}`` for the citations ECitMatch finds; the others are left out."""
        lines = [line for key, work in citations if (line := citation_line(work, key))]
        found: dict[str, str] = {}
        for batch in batches(list(dict.fromkeys(lines)), CITMATCH_BATCH):
            try:
                response = self.http.get("ecitmatch.cgi", {"db": "pubmed", "retmode": "xml",
                                                           "bdata": "\r".join(batch)})
            except SKIPPED as exc:
                log.info("%s", exc)
                continue
            found.update(parse_citmatch(response.text))
        return found

    def fetch(self, pmids: Iterable[str]) -> dict[str, Work]:
        """``{pmid: work}`` for the PubMed records of ``pmids`` (missing ones left out)."""
        return {pmid: record.work for pmid, record in self.fetch_records(pmids).items()}

    def fetch_records(self, pmids: Iterable[str]) -> dict[str, Record]:
        """``{pmid: record}``: PubMed records with their reference lists (strings not parsed)."""
        wanted = list(dict.fromkeys(p for p in map(normalize_pmid, pmids) if p))
        found: dict[str, Record] = {}
        for batch in batches(wanted, FETCH_BATCH):
            try:
                response = self.http.get("efetch.fcgi", {"db": "pubmed", "id": ",".join(batch),
                                                         "retmode": "xml"})
            except SKIPPED as exc:
                log.info("%s", exc)
                continue
            found.update(read_pubmed_xml(response.content, "NCBI EFetch"))
        return found

    def links(self, pmids: Iterable[str], linkname: str) -> dict[str, list[str]]:
        """``{pmid: [pmids]}`` along ``linkname`` (:data:`REFS` or :data:`CITED_IN`)."""
        wanted = list(dict.fromkeys(p for p in map(normalize_pmid, pmids) if p))
        found: dict[str, list[str]] = {}
        for batch in batches(wanted, LINK_BATCH):
            try:
                response = self.http.get("elink.fcgi", {"dbfrom": "pubmed", "db": "pubmed",
                                                        "linkname": linkname, "id": list(batch)})
            except SKIPPED as exc:
                log.info("%s", exc)
                continue
            found.update(parse_elink(response.content, linkname))
        return found


def read_pubmed_xml(content: bytes, path: str) -> dict[str, Record]:
    """``{pmid: record}`` from a PubMed XML answer, read by the PubMed XML reader."""
    import io

    from ..errors import InputError

    found: dict[str, Record] = {}
    try:
        for item in pubmed_xml.read(io.BytesIO(content), path, parse_references=False):
            if isinstance(item, Record) and item.work.pmid:
                found[item.work.pmid] = item
            elif not isinstance(item, Record):
                log.info("%s", item)
    except InputError as exc:
        log.info("%s", exc)
    return found
