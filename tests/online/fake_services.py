"""A local stand-in for NCBI E-utilities, Crossref and OpenAlex, for tests and the bench.

:class:`FakeServices` runs an ``http.server`` in a thread on 127.0.0.1 (an
ephemeral port) and answers, from a small :class:`World` of works, the
requests citegraph makes, in the shapes of the real answers:

* ``/eutils/ecitmatch.cgi``: pipe-delimited lines, the PMID (or
  ``NOT_FOUND;INVALID_JOURNAL``, ``AMBIGUOUS (n citations)``) after the key;
* ``/eutils/efetch.fcgi``: a ``PubmedArticleSet`` (DOCTYPE, MedlineCitation,
  PubmedData/ArticleIdList, ReferenceList) as EFetch writes it;
* ``/eutils/elink.fcgi``: an ``eLinkResult``, one ``LinkSet`` per ``id``;
* ``/crossref/works``: Crossref's ``work-list`` message, for
  ``query.bibliographic`` (scored by shared words, as a search ranks) and for
  ``filter=doi:a,doi:b``; ``select`` honoured;
* ``/openalex/works``: OpenAlex's ``meta``/``results`` list for ``filter=doi:``,
  ``openalex:``, ``cites:`` (values OR-ed with ``|``), paged with ``cursor``.

Every request is logged (:attr:`FakeServices.requests`), and :class:`Fault`
entries make the next requests to a service fail: a status (429 with
``Retry-After``, 500), or a delay longer than the client waits.  ``canned``
answers serve a fixed body (a real recorded answer) for one path.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

DATA = Path(__file__).resolve().parents[1] / "data"
SEED_WORLD = DATA / "online-seed-world.json"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


@dataclass
class Work:
    key: str
    title: str
    authors: list[tuple[str, str]]
    journal: str
    journal_full: str
    year: int
    openalex: str
    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    month: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    refs: list[str] = field(default_factory=list)

    @property
    def first_page(self) -> str | None:
        return self.pages.split("-")[0] if self.pages else None

    @property
    def last_page(self) -> str | None:
        return self.pages.split("-")[-1] if self.pages else None


class World:
    """The works the fake services know, by every identifier."""

    def __init__(self, works: list[Work]) -> None:
        self.works = works
        self.by_key = {w.key: w for w in works}
        self.by_pmid = {w.pmid: w for w in works if w.pmid}
        self.by_doi = {w.doi.lower(): w for w in works if w.doi}
        self.by_openalex = {w.openalex.upper(): w for w in works}
        self.citers: dict[str, list[Work]] = {}
        for w in works:
            for ref in w.refs:
                self.citers.setdefault(ref, []).append(w)

    @classmethod
    def load(cls, path: Path = SEED_WORLD) -> World:
        data = json.loads(path.read_text(encoding="utf-8"))
        works = []
        for item in data["works"]:
            item = dict(item)
            item["authors"] = [tuple(a) for a in item["authors"]]
            works.append(Work(**item))
        return cls(works)

    def references(self, work: Work) -> list[Work]:
        return [self.by_key[k] for k in work.refs if k in self.by_key]

    def citing(self, work: Work) -> list[Work]:
        return self.citers.get(work.key, [])


def generated_world(size: int, refs_per_work: int, *, seed: int = 8, base: World | None = None,
                    fan_out: int = 0) -> World:
    """A world of ``size`` invented works (plus the works of ``base``), each citing ``refs_per_work`` others.

    Each work of ``base`` also cites ``fan_out`` of the invented works, so that
    growth from the seed reaches them.  Nine invented works in ten have a
    PMID; all have a DOI and an OpenAlex id.
    """
    rng = random.Random(seed)
    words = ("spinal metastases surgery outcome survival decompression radiotherapy fixation "
             "endoscopic tumor cohort review prognosis fracture cement stability pain quality life "
             "cancer lung breast prostate thoracic lumbar cervical minimally invasive trial").split()
    families = ("Smith Garcia Chen Kim Rossi Muller Silva Kowalski Novak Tanaka Singh Dubois Olsen "
                "Moreau Ivanov Haddad Okafor Lindqvist Costa Meyer").split()
    journals = (("Spine J", "The Spine Journal"), ("Eur Spine J", "European Spine Journal"),
                ("World Neurosurg", "World Neurosurgery"), ("J Neurosurg Spine", "Journal of Neurosurgery: Spine"),
                ("Neurosurgery", "Neurosurgery"), ("Global Spine J", "Global Spine Journal"))
    pool = []
    for i in range(size):
        journal, full = rng.choice(journals)
        first = rng.randint(1, 900)
        pool.append(Work(
            key=f"g{i}", title=" ".join(rng.sample(words, 7)).capitalize() + f" {i}",
            authors=[(rng.choice(families), rng.choice("ABCDEFGHJKLMNPRST")) for _ in range(rng.randint(1, 4))],
            journal=journal, journal_full=full, year=rng.randint(1990, 2024), month=rng.randint(1, 12),
            openalex=f"W98{i:08d}", pmid=f"98{i:06d}" if rng.random() < 0.9 else None,
            doi=f"10.5555/citegraph.gen.{i}", volume=str(rng.randint(1, 60)), issue=str(rng.randint(1, 12)),
            pages=f"{first}-{first + rng.randint(3, 15)}"))
    for i, work in enumerate(pool):
        work.refs = [f"g{j}" for j in rng.sample(range(size), min(refs_per_work + 1, size)) if j != i][:refs_per_work]
    works = [Work(**{**w.__dict__, "refs": list(w.refs)}) for w in base.works] if base else []
    for work in works:
        work.refs += [f"g{j}" for j in rng.sample(range(size), fan_out)]
    return World(works + pool)


@dataclass
class Fault:
    """The next ``times`` requests to ``service`` fail so (``"*"``: any service)."""

    service: str
    status: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    cut: bool = False  # promise a long answer, send a few bytes, close
    times: int = 1


@dataclass
class Request:
    service: str
    path: str
    query: dict[str, list[str]]
    time: float

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class FakeServices:
    """The three services on one local port: ``/eutils``, ``/crossref``, ``/openalex``."""

    def __init__(self, world: World | None = None) -> None:
        self.world = world or World.load()
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.canned: dict[str, tuple[str, bytes]] = {}  # path -> (content type, body)
        self.headers: dict[str, dict[str, str]] = {}  # service -> headers added to its answers
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    # -- life ------------------------------------------------------------------

    def start(self) -> FakeServices:
        services = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                services._handle(self)

            def log_message(self, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name="fake-services",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeServices:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The environment that points citegraph at this server."""
        return {"CITEGRAPH_EUTILS_URL": f"{self.url}/eutils",
                "CITEGRAPH_CROSSREF_URL": f"{self.url}/crossref",
                "CITEGRAPH_OPENALEX_URL": f"{self.url}/openalex"}

    def count(self, service: str | None = None, path: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.requests if (service is None or r.service == service)
                       and (path is None or r.path.endswith(path)))

    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("eutils", "crossref", "openalex")}

    # -- dispatch ----------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        service = parts.path.strip("/").split("/", 1)[0]
        with self._lock:
            self.requests.append(Request(service, parts.path, query, time.monotonic()))
            fault = next((f for f in self.faults if f.times > 0 and f.service in (service, "*")), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.cut:
                handler.send_response(200)
                handler.send_header("Content-Type", "text/xml")
                handler.send_header("Content-Length", "5000")
                handler.end_headers()
                handler.wfile.write(b"<?xml version=")
                handler.wfile.flush()
                handler.close_connection = True
                return
            if fault.status:
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                body = json.dumps({"error": f"HTTP {fault.status}"}).encode()
                return self._send(handler, fault.status, "application/json", body, headers)
        extra = self.headers.get(service)
        canned = self.canned.get(parts.path)
        if canned is not None:
            return self._send(handler, 200, canned[0], canned[1], extra)
        route = {
            "/eutils/ecitmatch.cgi": self._ecitmatch, "/eutils/efetch.fcgi": self._efetch,
            "/eutils/elink.fcgi": self._elink, "/crossref/works": self._crossref_works,
            "/openalex/works": self._openalex_works,
        }.get(parts.path)
        if route is None:
            return self._send(handler, 404, "text/plain", b"not found")
        try:
            status, content_type, body = route(query)
        except Exception as exc:  # a bug in the fake must show, not hang the client
            status, content_type, body = 500, "text/plain", f"{type(exc).__name__}: {exc}".encode()
        self._send(handler, status, content_type, body, extra)

    @staticmethod
    def _send(handler, status: int, content_type: str, body: bytes, headers: dict | None = None) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)

    # -- NCBI ----------------------------------------------------------------------

    def _ecitmatch(self, query) -> tuple[int, str, bytes]:
        lines = []
        for line in (query.get("bdata") or [""])[0].replace("\n", "\r").split("\r"):
            if not line.strip():
                continue
            fields = line.split("|")
            journal, year, volume, page, author, key = (fields + [""] * 6)[:6]
            found = [w for w in self.world.works if w.pmid and fold(journal) in (fold(w.journal), fold(w.journal_full))
                     and str(w.year) == year.strip()
                     and (not volume or volume.strip() == w.volume)
                     and (not page or (w.first_page or "").lower() == page.strip().lower())
                     and (not author or fold(author).split()[0] == fold(w.authors[0][0]).replace(" ", ""))]
            known_journal = any(fold(journal) in (fold(w.journal), fold(w.journal_full)) for w in self.world.works)
            if len(found) == 1 and (page or author):
                answer = found[0].pmid
            elif len(found) > 1:
                answer = f"AMBIGUOUS ({len(found)} citations)"
            else:
                answer = "NOT_FOUND" if known_journal else "NOT_FOUND;INVALID_JOURNAL"
            lines.append(f"{journal}|{year}|{volume}|{page}|{author}|{key}|{answer}")
        return 200, "text/plain; charset=UTF-8", ("\n".join(lines) + "\n").encode()

    def _efetch(self, query) -> tuple[int, str, bytes]:
        ids = [i.strip() for value in query.get("id", []) for i in value.split(",") if i.strip()]
        articles = [self._pubmed_article(self.world.by_pmid[i]) for i in ids if i in self.world.by_pmid]
        body = ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
                '1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n'
                "<PubmedArticleSet>\n" + "".join(articles) + "</PubmedArticleSet>")
        return 200, "text/xml; charset=UTF-8", body.encode()

    def _pubmed_article(self, w: Work) -> str:
        authors = "".join(
            f'<Author ValidYN="Y"><LastName>{escape(family)}</LastName><ForeName>{escape(given)}</ForeName>'
            f"<Initials>{escape(''.join(p[0] for p in given.replace('-', ' ').split()))}</Initials></Author>"
            for family, given in w.authors)
        month = f"<Month>{_MONTHS[w.month - 1]}</Month>" if w.month else ""
        issue = f"<Issue>{escape(w.issue)}</Issue>" if w.issue else ""
        volume = f"<Volume>{escape(w.volume)}</Volume>" if w.volume else ""
        pages = (f"<Pagination><StartPage>{escape(w.first_page)}</StartPage><EndPage>{escape(w.last_page)}"
                 f"</EndPage><MedlinePgn>{escape(w.pages)}</MedlinePgn></Pagination>") if w.pages else ""
        doi = f'<ELocationID EIdType="doi" ValidYN="Y">{escape(w.doi)}</ELocationID>' if w.doi else ""
        ids = f'<ArticleId IdType="pubmed">{w.pmid}</ArticleId>'
        if w.pmcid:
            ids += f'<ArticleId IdType="pmc">{w.pmcid}</ArticleId>'
        if w.doi:
            ids += f'<ArticleId IdType="doi">{escape(w.doi)}</ArticleId>'
        references = ""
        if w.refs:
            items = []
            for ref in self.world.references(w):
                first = ref.authors[0]
                citation = f"{first[0]} {first[1][:1]}, et al. {ref.journal}. {ref.year};{ref.volume}:{ref.first_page}."
                ref_ids = f'<ArticleId IdType="pubmed">{ref.pmid}</ArticleId>' if ref.pmid else ""
                items.append(f"<Reference><Citation>{escape(citation)}</Citation>"
                             f"<ArticleIdList>{ref_ids}</ArticleIdList></Reference>")
            references = "<ReferenceList>" + "".join(items) + "</ReferenceList>"
        return (f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{w.pmid}</PMID>'
                f'<Article PubModel="Print-Electronic"><Journal><JournalIssue CitedMedium="Internet">{volume}{issue}'
                f"<PubDate><Year>{w.year}</Year>{month}</PubDate></JournalIssue>"
                f"<Title>{escape(w.journal_full)}</Title><ISOAbbreviation>{escape(w.journal)}</ISOAbbreviation>"
                f"</Journal><ArticleTitle>{escape(w.title)}.</ArticleTitle>{pages}{doi}"
                f'<AuthorList CompleteYN="Y">{authors}</AuthorList><Language>eng</Language>'
                f'<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>'
                f"</PublicationTypeList></Article></MedlineCitation><PubmedData>"
                f"<PublicationStatus>ppublish</PublicationStatus><ArticleIdList>{ids}</ArticleIdList>"
                f"{references}</PubmedData></PubmedArticle>\n")

    def _elink(self, query) -> tuple[int, str, bytes]:
        linkname = (query.get("linkname") or [""])[0]
        sets = []
        for pmid in query.get("id", []):
            work = self.world.by_pmid.get(pmid)
            if work is None:
                sets.append(f"<LinkSet><DbFrom>pubmed</DbFrom><IdList><Id>{escape(pmid)}</Id></IdList>"
                            f"<ERROR>UID={escape(pmid)}: cannot get document summary</ERROR></LinkSet>")
                continue
            if linkname == "pubmed_pubmed_refs":
                linked = self.world.references(work)
            elif linkname == "pubmed_pubmed_citedin":
                linked = self.world.citing(work)
            else:
                return 400, "text/plain", b"unknown linkname"
            pmids = [w.pmid for w in linked if w.pmid]
            db = ("<LinkSetDb><DbTo>pubmed</DbTo><LinkName>" + linkname + "</LinkName>"
                  + "".join(f"<Link><Id>{p}</Id></Link>" for p in pmids) + "</LinkSetDb>") if pmids else ""
            sets.append(f"<LinkSet><DbFrom>pubmed</DbFrom><IdList><Id>{pmid}</Id></IdList>{db}</LinkSet>")
        body = ('<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eLinkResult PUBLIC "-//NLM//DTD elink '
                '20101123//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20101123/elink.dtd">\n'
                "<eLinkResult>" + "".join(sets) + "</eLinkResult>")
        return 200, "text/xml; charset=UTF-8", body.encode()

    # -- Crossref ----------------------------------------------------------------

    def _crossref_item(self, w: Work, score: float | None = None) -> dict:
        date = [w.year] + ([w.month] if w.month else [])
        item = {
            "indexed": {"date-parts": [[2026, 1, 1]], "date-time": "2026-01-01T00:00:00Z", "timestamp": 1767225600000},
            "reference-count": len(w.refs), "publisher": "Test Publisher", "issue": w.issue,
            "content-domain": {"domain": [], "crossmark-restriction": False},
            "short-container-title": [w.journal], "published-print": {"date-parts": [date]},
            "DOI": w.doi, "type": "journal-article",
            "created": {"date-parts": [date], "date-time": f"{w.year}-01-01T00:00:00Z", "timestamp": 0},
            "page": w.pages, "source": "Crossref", "is-referenced-by-count": len(self.world.citing(w)),
            "title": [w.title], "prefix": w.doi.split("/")[0], "volume": w.volume,
            "author": [{"given": given, "family": family, "sequence": "first" if i == 0 else "additional",
                        "affiliation": []} for i, (family, given) in enumerate(w.authors)],
            "member": "0", "container-title": [w.journal_full], "language": "en",
            "deposited": {"date-parts": [[2026, 1, 1]], "date-time": "2026-01-01T00:00:00Z", "timestamp": 0},
            "issued": {"date-parts": [date]}, "references-count": len(w.refs),
            "URL": f"https://doi.org/{w.doi}", "ISSN": ["0000-0000"], "subject": [],
        }
        if score is not None:
            item["score"] = score
        return {k: v for k, v in item.items() if v is not None}

    def _crossref_works(self, query) -> tuple[int, str, bytes]:
        rows = int((query.get("rows") or ["20"])[0])
        select = [s for s in (query.get("select") or [""])[0].split(",") if s]
        search = (query.get("query.bibliographic") or [None])[0]
        filters = (query.get("filter") or [""])[0]
        if search is not None:
            words = set(fold(search).split())
            scored = []
            for w in self.world.works:
                if not w.doi:
                    continue
                text = set(fold(f"{w.title} {' '.join(a[0] for a in w.authors)} {w.journal} {w.year}").split())
                shared = len(words & text)
                if shared:
                    scored.append((shared, w))
            scored.sort(key=lambda pair: (-pair[0], pair[1].year))  # the decoy (older) ranks first on a tie
            items = [self._crossref_item(w, float(s * 4.5)) for s, w in scored[:rows]]
            total = len(scored)
            q = {"start-index": 0, "search-terms": search}
        else:
            dois = [f.split(":", 1)[1].lower() for f in filters.split(",") if f.startswith("doi:")]
            if filters and not dois:
                return 400, "application/json", json.dumps({"status": "failed", "message-type": "validation-failure",
                                                             "message": [{"type": "filter-not-available"}]}).encode()
            found = [self.world.by_doi[d] for d in dois if d in self.world.by_doi]
            items = [self._crossref_item(w) for w in found[:rows]]
            total = len(found)
            q = {"start-index": 0, "search-terms": None}
        if select:
            items = [{k: v for k, v in item.items() if k in select} for item in items]
        body = {"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                "message": {"facets": {}, "total-results": total, "items": items, "items-per-page": rows,
                            "query": q}}
        return 200, "application/json", json.dumps(body).encode()

    # -- OpenAlex -----------------------------------------------------------------

    def _openalex_work(self, w: Work) -> dict:
        date = f"{w.year}-{w.month or 1:02d}-01"
        ids = {"openalex": f"https://openalex.org/{w.openalex}"}
        if w.doi:
            ids["doi"] = f"https://doi.org/{w.doi}"
        if w.pmid:
            ids["pmid"] = f"https://pubmed.ncbi.nlm.nih.gov/{w.pmid}"
        if w.pmcid:
            ids["pmcid"] = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{w.pmcid}"
        return {
            "id": f"https://openalex.org/{w.openalex}",
            "doi": f"https://doi.org/{w.doi}" if w.doi else None,
            "title": w.title, "display_name": w.title,
            "publication_year": w.year, "publication_date": date, "ids": ids, "language": "en",
            "primary_location": {"is_oa": False, "landing_page_url": None, "pdf_url": None,
                                 "source": {"id": "https://openalex.org/S1", "display_name": w.journal_full,
                                            "issn_l": None, "issn": None, "is_oa": False,
                                            "host_organization": "https://openalex.org/P1",
                                            "host_organization_name": "Test Publisher", "type": "journal"},
                                 "license": None, "version": "publishedVersion"},
            "type": "article",
            "authorships": [{"author_position": "first" if i == 0 else "middle",
                             "author": {"id": f"https://openalex.org/A{abs(hash(family)) % 10**9}",
                                        "display_name": f"{given} {family}", "orcid": None},
                             "institutions": [], "countries": [], "is_corresponding": i == 0,
                             "raw_author_name": f"{given} {family}", "raw_affiliation_strings": []}
                            for i, (family, given) in enumerate(w.authors)],
            "cited_by_count": len(self.world.citing(w)),
            "biblio": {"volume": w.volume, "issue": w.issue, "first_page": w.first_page,
                       "last_page": w.last_page},
            "referenced_works": [f"https://openalex.org/{r.openalex}" for r in self.world.references(w)],
            "referenced_works_count": len(w.refs),
        }

    def _openalex_works(self, query) -> tuple[int, str, bytes]:
        per_page = int((query.get("per-page") or query.get("per_page") or ["25"])[0])
        if per_page > 200:
            return 400, "application/json", json.dumps({"error": "Invalid query parameters error.",
                                                        "message": "per-page must be <= 200"}).encode()
        select = [s for s in (query.get("select") or [""])[0].split(",") if s]
        cursor = (query.get("cursor") or [None])[0]
        name, _, values = (query.get("filter") or [""])[0].partition(":")
        values = [v for v in values.split("|") if v]
        if len(values) > 100:
            return 400, "application/json", json.dumps({"error": "too many values"}).encode()
        if name == "doi":
            keys = [re.sub(r"^https?://doi\.org/", "", v, flags=re.I).lower() for v in values]
            found = [self.world.by_doi[k] for k in keys if k in self.world.by_doi]
        elif name in ("openalex", "ids.openalex"):
            found = [self.world.by_openalex[v.rsplit("/", 1)[-1].upper()] for v in values
                     if v.rsplit("/", 1)[-1].upper() in self.world.by_openalex]
        elif name == "cites":
            cited = [self.world.by_openalex[v.upper()] for v in values if v.upper() in self.world.by_openalex]
            found = list({c.key: c for w in cited for c in self.world.citing(w)}.values())
        else:
            return 400, "application/json", json.dumps({"error": f"unknown filter {name}"}).encode()
        start = int(cursor) if cursor and cursor != "*" else 0
        page = found[start:start + per_page]
        next_cursor = str(start + per_page) if cursor and start + per_page < len(found) else None
        results = [self._openalex_work(w) for w in page]
        if select:
            results = [{k: v for k, v in r.items() if k in select} for r in results]
        body = {"meta": {"count": len(found), "db_response_time_ms": 3, "page": None if cursor else 1,
                         "per_page": per_page, "next_cursor": next_cursor, "groups_count": None},
                "results": results, "group_by": []}
        return 200, "application/json", json.dumps(body).encode()
