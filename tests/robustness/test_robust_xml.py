"""Hostile XML and HTML: no entity expansion, no file read, no network, refused quickly.

Each hostile document is given to the three readers that parse markup (PubMed
XML, PMC JATS, and the PubMed page reader on HTML), directly and as
``citegraph build`` reads a file (``read_records``: encoding sniffed, format
detected).  A server on the loopback address counts every request it gets:
it must get none.  The secret of a local file must never appear in anything
read.  A bomb (entities that expand without bound) is refused with an error
that names the file and speaks of entities; everything ends within a second.
"""

from __future__ import annotations

import http.server
import io
import threading
import time

import pytest

from citegraph.errors import CitegraphError, InputError
from citegraph.formats import jats, pubmed_page, pubmed_xml, read_records
from citegraph.model import Record, Skipped


SECRET = "citegraph-secret-3f9c"
QUICK = 1.0  # seconds


@pytest.fixture(scope="module")
def _server():
    """A server on the loopback address that records every request; it would serve an entity definition."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(f'<!ENTITY remote "{SECRET}"><!ENTITY x "{SECRET}">'.encode())

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", hits
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def server(_server):
    url, hits = _server
    hits.clear()
    return url, hits


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path.as_uri()


def _lol(levels: int = 10) -> str:
    """The billion laughs: ten entities of ten references each, 10**levels "lol"s."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, levels)]
    return "".join(entities)


def _doctypes(url: str, secret: str) -> dict[str, tuple[str, str]]:
    """name -> (internal subset or external id, what the title holds)."""
    return {
        "billion-laughs": (f"[{_lol()}]", "&lol9;"),
        "quadratic-blowup": ('[<!ENTITY a "' + "a" * 50_000 + '">]', "&a;" * 5_000),
        "external-file-entity": (f'[<!ENTITY x SYSTEM "{secret}">]', "&x;"),
        "external-http-entity": (f'[<!ENTITY x SYSTEM "{url}/entity">]', "&x;"),
        "external-http-dtd": (f'SYSTEM "{url}/dtd"', "&remote;"),
        "public-dtd-on-the-network": (f'PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "{url}/pubmed.dtd"',
                                      "plain"),
        "parameter-entity": (f'[<!ENTITY % p SYSTEM "{url}/parameter"> %p;]', "&remote;"),
        "parameter-entity-file": (f'[<!ENTITY % p SYSTEM "{secret}"> %p;]', "plain"),
    }


def _pubmed_xml(doctype: str, title: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet {doctype}>\n<PubmedArticleSet>'
            f"<PubmedArticle><MedlineCitation><PMID>99000001</PMID><Article><ArticleTitle>A {title} b"
            f"</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>").encode()


def _jats(doctype: str, title: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE article {doctype}>\n'
            f'<article xmlns:xlink="http://www.w3.org/1999/xlink"><front><journal-meta/><article-meta>'
            f'<article-id pub-id-type="pmid">99000002</article-id><title-group><article-title>A {title} b'
            f"</article-title></title-group></article-meta></front></article>").encode()


def _html(doctype: str, title: str, url: str) -> bytes:
    return (f"<!DOCTYPE html {doctype}>\n<html><head><title>PubMed</title>"
            f'<meta name="ncbi_db" content="pubmed"><link rel="stylesheet" href="{url}/css">'
            f'<script src="{url}/js"></script></head><body><img src="{url}/img"><iframe src="{url}/frame"></iframe>'
            f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/xinclude" parse="text"/>'
            f"<p>Lancet. 2005 Aug;366(9486):643-8.</p><h1>A {title} b.</h1><p>PMID: 16112300</p></body></html>"
            ).encode()


def _texts(items) -> str:
    return " ".join(repr(i) for i in items)


READERS = {"pubmed-xml": (pubmed_xml, _pubmed_xml), "pmc-jats": (jats, _jats)}
CASES = list(_doctypes("http://x", "file:///x"))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("reader", READERS)
def test_hostile_xml_is_refused_or_read_without_expansion(reader, case, server, secret_file, tmp_path):
    url, hits = server
    module, make = READERS[reader]
    doctype, title = _doctypes(url, secret_file)[case]
    data = make(doctype, title)
    started = time.perf_counter()
    try:
        items = list(module.read(io.BytesIO(data), "hostile.xml"))
        error = None
    except CitegraphError as exc:
        items, error = [], exc
    elapsed = time.perf_counter() - started
    assert elapsed < QUICK, f"{case}: {elapsed:.2f} s"
    assert hits == [], f"{case}: the reader reached the network: {hits}"
    assert SECRET not in _texts(items), f"{case}: an external entity was read"
    assert "lollollol" not in _texts(items) and "aaaaaaaaaaaaaaaaaaaa" * 50 not in _texts(items)
    if case in ("billion-laughs", "quadratic-blowup"):
        # refused, or read with the entity left unexpanded
        assert error is not None or all(len(repr(i)) < 20_000 for i in items)
        if error is not None:
            assert isinstance(error, InputError) and "hostile.xml" in str(error)
            assert "entit" in str(error).lower(), f"not a clear reason: {error}"
    else:
        assert error is None, f"{case}: {error}"
        [record] = items
        assert isinstance(record, Record) and record.work.title.startswith("A ")

    # as citegraph build reads a file
    path = tmp_path / f"hostile-{case}.xml"
    path.write_bytes(data)
    started = time.perf_counter()
    read = list(read_records([str(path)]))
    assert time.perf_counter() - started < QUICK
    assert hits == [] and SECRET not in _texts(read)
    assert all(isinstance(i, (Record, Skipped)) for i in read)
    if error is None:
        assert {i.source.format for i in read} == {module.NAME}
    else:  # the refusal, as the one thing read_records says about the file
        [skipped] = read
        assert isinstance(skipped, Skipped) and "entit" in skipped.reason.lower()


@pytest.mark.parametrize("case", CASES)
def test_hostile_html_page_reaches_nothing(case, server, secret_file, tmp_path):
    """The page reader's HTML parser loads no DTD, expands no entity and fetches no resource."""
    url, hits = server
    doctype, title = _doctypes(url, secret_file)[case]
    if doctype.startswith("["):
        doctype = ""  # HTML has no internal subset: the entity references stand alone
    data = _html(doctype, title, url)
    started = time.perf_counter()
    items = list(pubmed_page.read(io.BytesIO(data), "hostile.html"))
    assert time.perf_counter() - started < QUICK
    assert hits == [] and SECRET not in _texts(items)
    [record] = items
    assert isinstance(record, Record) and record.work.pmid == "16112300"
    path = tmp_path / "hostile.html"
    path.write_bytes(data)
    assert [i.source.format for i in read_records([str(path)])] == ["pubmed-page"]
    assert hits == []


def test_xinclude_is_never_processed(server):
    url, hits = server
    body = (f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/xinclude" parse="text"/>')
    for module, make in READERS.values():
        items = list(module.read(io.BytesIO(make("[]", body)), "x.xml"))
        assert hits == [] and SECRET not in _texts(items)


def test_an_undeclared_character_entity_keeps_its_character():
    """PubMed and PMC define ``&ndash;`` and its kind in their DTDs, which are never loaded:
    "643&ndash;8" must not read "6438"."""
    doctype = 'PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://example.invalid/pubmed.dtd"'
    [record] = pubmed_xml.read(io.BytesIO(_pubmed_xml(doctype, "pages 643&ndash;8 of &alpha;-helices")), "x")
    assert record.work.title == "A pages 643–8 of α-helices b"
    jats_dtd = ('PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.0 20120330//EN" '
                '"JATS-archivearticle1.dtd"')
    [article] = jats.read(io.BytesIO(_jats(jats_dtd, "643&ndash;8")), "x")
    assert article.work.title == "A 643–8 b"


def test_deep_nesting_is_refused_quickly():
    deep = b"<PubmedArticleSet><PubmedArticle>" + b"<x>" * 100_000
    started = time.perf_counter()
    with pytest.raises(InputError):
        list(pubmed_xml.read(io.BytesIO(deep), "deep.xml"))
    assert time.perf_counter() - started < QUICK
