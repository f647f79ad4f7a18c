"""Tests for citegraph.export.html: one self-contained, offline, escaped page.

The static tests read the written file; the browser tests open it in Debian's
Chromium through Playwright with every request but the page's own refused, and
skip (saying why) where either is missing.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from lxml import html as lxml_html

from citegraph import visual
from citegraph.export.html import (
    _CITATION_BUDGET,
    LARGE_GRAPH_NODES,
    _build_network,
    _inline_script,
    _View,
    render_html,
    write_html,
)

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

RECORD = "doi:10.1007/s00586-025-09078-3"
RECORD_TITLE = ("Thoracic spine metastases from lung cancer with incomplete paralysis "
                "treated by endoscopic spinal surgery: a case report")
RECORD_AUTHORS = "Li N; Wang X; Zhang Y; Chen H"
HOSTILE = "ref:0badc0de"
HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_AUTHORS = "</script><script>window.__pwned=1</script>"
HOSTILE_NAME = "</title><script>window.__pwned=2</script> & co"


def six_node_graph() -> nx.DiGraph:
    """A record citing five references, the way the resolver builds it."""
    graph = nx.DiGraph(name="Li 2025: references")
    graph.add_node(RECORD, label="Li 2025", kind="record", title=RECORD_TITLE,
                   authors=RECORD_AUTHORS, year=2025, journal="Eur Spine J", volume="34",
                   issue="8", pages="3549-3556", doi="10.1007/s00586-025-09078-3",
                   pmid="40576712", cited_by=0)
    references = [
        ("doi:10.1016/j.nec.2018.08.001", "Yahanda 2019", "Overview of spine metastases",
         {"doi": "10.1016/j.nec.2018.08.001", "pmcid": "PMC6300001"}),
        ("pmid:16428488", "Coleman 2006", "Clinical features of metastatic bone disease",
         {"pmid": "16428488"}),
        ("doi:10.1016/s0140-6736(05)66954-1", "Patchell 2005",
         "Direct decompressive surgical resection in spinal cord compression",
         {"doi": "10.1016/S0140-6736(05)66954-1"}),
        ("ref:1a2b3c4d", "Tokuhashi 2005", "A revised scoring system for spine metastases", {}),
        ("ref:5e6f7a8b", "Ruetten 2008", "Full-endoscopic lumbar discectomy", {}),
    ]
    for position, (node, label, title, ids) in enumerate(references, start=1):
        graph.add_node(node, label=label, title=title, authors="Author A; Author B",
                       year=int(label[-4:]), journal="Spine", kind="reference", cited_by=1,
                       **ids)
        graph.add_edge(RECORD, node, position=position,
                       citation=f"{label[:-5]} et al. {title}. Spine. {label[-4:]}.")
    return graph


def hostile_graph() -> nx.DiGraph:
    """The six-node graph plus a reference whose every field attacks the page."""
    graph = six_node_graph()
    graph.graph["name"] = HOSTILE_NAME
    graph.add_node(HOSTILE, label="<b>Evil</b> 2020", kind="reference", cited_by=1,
                   title=HOSTILE_TITLE, authors=HOSTILE_AUTHORS,
                   journal="J <!-- Comments -->", year=2020,
                   doi='10.1/"><script>window.__pwned=3</script>',
                   pmcid="javascript:alert(1)")
    graph.add_edge(RECORD, HOSTILE, position=6, citation="\u2028</script>\u2029")
    return graph


def payload(page: str) -> dict[str, Any]:
    """The node data the page embeds, decoded as the browser decodes it."""
    (script,) = lxml_html.fromstring(page).xpath('//script[@id="cg-data"]')
    return json.loads(script.text)


# The file ------------------------------------------------------------------


def test_page_refers_to_nothing_on_the_network(tmp_path: Path) -> None:
    page = write_html(six_node_graph(), tmp_path / "g.html").read_text(encoding="utf-8")
    assert not re.findall(r"<script\b[^>]*\bsrc\s*=", page, flags=re.IGNORECASE)
    assert not re.findall(r"<link\b[^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//", page,
                          flags=re.IGNORECASE)
    document = lxml_html.fromstring(page)
    for element in document.iter():
        for attribute in ("src", "href"):
            value = element.get(attribute)
            assert value is None or value.startswith("data:"), (element.tag, value)
    # vis-network is inlined, not referred to.
    vis_js = document.xpath("//script[not(@type)]")[0].text
    assert vis_js.startswith("/**\n * vis-network") and len(vis_js) > 400_000


def test_page_forbids_loading_anything_and_allows_only_its_own_scripts() -> None:
    document = lxml_html.fromstring(render_html(six_node_graph()))
    (policy,) = document.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    scripts = [s.text for s in document.xpath("//script[not(@type)]")]
    assert len(scripts) == 2  # vis-network, then ours
    for text in scripts:
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in directives["script-src"].split()
    assert "'unsafe-inline'" not in directives["script-src"]


def test_write_html_leaves_nothing_but_the_page(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    target = tmp_path / "out" / "graph.html"
    written = write_html(six_node_graph(), target, title="My graph")
    assert written == target
    assert list(cwd.iterdir()) == []  # pyvis's "local" mode would write lib/ here
    assert [p.name for p in target.parent.iterdir()] == ["graph.html"]
    assert target.read_text(encoding="utf-8") == render_html(six_node_graph(), title="My graph")


def test_hostile_text_never_appears_raw(tmp_path: Path) -> None:
    page = write_html(hostile_graph(), tmp_path / "h.html").read_text(encoding="utf-8")
    for raw in (HOSTILE_TITLE, HOSTILE_AUTHORS, "<script>window.__pwned", "<b>Evil",
                "<!-- Comments", "\u2028", "\u2029", "</title><script>"):
        assert raw not in page, raw
    document = lxml_html.fromstring(page)
    # Nothing broke out: exactly our three script elements (data, vis-network, ours).
    assert len(document.xpath("//script")) == 3
    assert len(re.findall(r"</script", page, flags=re.IGNORECASE)) == 3
    assert not document.xpath("//img")
    # ... and the text survives whole, for the browser to show as text.
    assert document.findtext(".//title") == f"{HOSTILE_NAME} · citegraph"
    assert document.findtext(".//h1") == HOSTILE_NAME
    records = dict(payload(page)["records"])
    assert records[HOSTILE]["title"] == HOSTILE_TITLE
    assert records[HOSTILE]["authors"] == HOSTILE_AUTHORS


def test_hostile_identifiers_stay_inside_the_url_path() -> None:
    records = dict(payload(render_html(hostile_graph()))["records"])
    hrefs = {link["label"]: link["href"] for link in records[HOSTILE]["links"]}
    assert hrefs["DOI"] == ("https://doi.org/10.1/%22%3E%3Cscript%3Ewindow.__pwned%3D3%3C/"
                            "script%3E")
    assert hrefs["PMC"] == "https://www.ncbi.nlm.nih.gov/pmc/articles/javascript%3Aalert%281%29/"


@pytest.mark.parametrize(("attrs", "expected"), [
    pytest.param({"doi": "10.1007/s00586-025-09078-3"},
                 {"DOI": "https://doi.org/10.1007/s00586-025-09078-3"}, id="doi"),
    pytest.param({"doi": "10.1002/(SICI)1097-4636#12?x"},
                 {"DOI": "https://doi.org/10.1002/%28SICI%291097-4636%2312%3Fx"},
                 id="doi-with-fragment-and-query-characters"),
    pytest.param({"pmid": "123"}, {"PubMed": "https://pubmed.ncbi.nlm.nih.gov/123/"}, id="pmid"),
    pytest.param({"pmcid": "PMC42"}, {"PMC": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC42/"},
                 id="pmcid"),
    pytest.param({"pmcid": "42"}, {"PMC": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC42/"},
                 id="pmcid-digits-only"),
    pytest.param({}, None, id="no-identifier-no-links"),
])
def test_links(attrs: dict[str, str], expected: dict[str, str] | None) -> None:
    graph = nx.DiGraph()
    graph.add_node("n", **attrs)
    record = dict(payload(render_html(graph))["records"])["n"]
    links = record.get("links")
    assert (None if links is None else {link["label"]: link["href"] for link in links}) == expected


def test_nodes_carry_kind_size_label_and_no_vis_title() -> None:
    graph = six_node_graph()
    graph.add_node("pmid:9", kind="citing", cited_by=9, title="A work with no label at all here")
    graph.add_node("ref:ffffffff", kind="mystery")
    nodes = {node["id"]: node for node in payload(render_html(graph))["nodes"]}
    assert nodes[RECORD]["group"] == "record"
    assert nodes["pmid:16428488"]["group"] == "reference"
    assert nodes["pmid:9"]["group"] == "citing"
    assert nodes["ref:ffffffff"]["group"] == "other"
    assert nodes[RECORD]["size"] < nodes["pmid:16428488"]["size"] < nodes["pmid:9"]["size"]
    assert nodes[RECORD]["label"] == "Li 2025"
    assert nodes["pmid:9"]["label"] == "A work with no label at all…"
    assert nodes["ref:ffffffff"]["label"] == "ref:ffffffff"
    # vis-network would show a node's "title" itself: the page shows its own card.
    assert not any("title" in node for node in nodes.values())


def test_edges_point_from_citing_to_cited() -> None:
    data = payload(render_html(six_node_graph()))
    ids = [node["id"] for node in data["nodes"]]
    links = data["links"]
    assert len(links["source"]) == len(links["target"]) == 5
    assert {ids[i] for i in links["source"]} == {RECORD}
    assert sorted(links["position"]) == [1, 2, 3, 4, 5]
    assert all(text.startswith(("Yahanda", "Coleman", "Patchell", "Tokuhashi", "Ruetten"))
               for text in links["citation"])
    # Arrows for every edge, from vis-network's options.
    assert data["options"]["edges"]["arrows"]["to"]["enabled"] is True


def test_citation_texts_past_the_budget_are_kept_only_for_untitled_works(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import citegraph.export.html as module

    graph = six_node_graph()
    graph.nodes["ref:5e6f7a8b"].pop("title")
    monkeypatch.setattr(module, "_CITATION_BUDGET", 10)
    data = payload(render_html(graph))
    ids = [node["id"] for node in data["nodes"]]
    kept = {ids[t]: text for t, text in zip(data["links"]["target"], data["links"]["citation"])}
    assert kept["ref:5e6f7a8b"].startswith("Ruetten et al.")
    assert [node for node, text in kept.items() if text] == ["ref:5e6f7a8b"]
    assert _CITATION_BUDGET >= 1_000_000


def test_header_names_the_graph_and_counts_it() -> None:
    document = lxml_html.fromstring(render_html(six_node_graph()))
    assert document.findtext(".//h1") == "Li 2025: references"
    assert document.get_element_by_id("cg-counts").text_content() == "6 nodes · 5 edges"
    legend = [" ".join(li.text_content().split())
              for li in document.xpath('//ul[@class="cg-legend"]/li')]
    assert legend == ["Records 1", "References 5"]
    titled = lxml_html.fromstring(render_html(six_node_graph(), title="Chosen"))
    assert titled.findtext(".//h1") == "Chosen"
    assert lxml_html.fromstring(render_html(nx.DiGraph())).findtext(".//h1") == "Citation graph"


def test_positions_come_from_python_and_nothing_moves_by_itself() -> None:
    graph = six_node_graph()
    data = payload(render_html(graph, seed=3))
    assert data["options"]["physics"]["enabled"] is False
    force = visual.layout(graph, seed=3, communities=visual.communities(graph, seed=3))
    pixels = [(round(x), round(y)) for x, y in force.values()]
    assert [(n["x"], n["y"]) for n in data["nodes"]] == pixels
    flat = data["layouts"]["force"]
    assert [(flat[2 * i], flat[2 * i + 1]) for i in range(6)] == pixels
    year = visual.layout(graph, "year", force=force, communities=visual.communities(graph, seed=3))
    flat = data["layouts"]["year"]
    assert [(flat[2 * i], flat[2 * i + 1]) for i in range(6)] == [
        (round(x), round(y)) for x, y in year.values()]
    assert data["large"] is False
    large = payload(render_html(nx.path_graph(LARGE_GRAPH_NODES + 1, create_using=nx.DiGraph)))
    assert large["large"] is True
    assert large["options"]["layout"]["improvedLayout"] is False


def test_page_opens_in_the_layout_and_colours_asked_for() -> None:
    graph = six_node_graph()
    data = payload(render_html(graph, layout="year", color_by="community"))
    assert data["initial"] == {"layout": "year", "color": "community"}
    flat = data["layouts"]["year"]
    assert [(n["x"], n["y"]) for n in data["nodes"]] == [
        (flat[2 * i], flat[2 * i + 1]) for i in range(6)]
    document = lxml_html.fromstring(render_html(graph, color_by="year"))
    assert document.get_element_by_id("cg-color-year").get("aria-pressed") == "true"
    assert document.xpath('//div[@data-legend="kind"]/@hidden') == [""]
    assert not document.xpath('//div[@data-legend="year"]/@hidden')


@pytest.mark.parametrize(("options", "error"), [
    pytest.param({"layout": "circle"}, ValueError, id="layout"),
    pytest.param({"color_by": "size"}, ValueError, id="color_by"),
    pytest.param({"max_nodes": -1}, ValueError, id="max_nodes"),
    pytest.param({"colour": "kind"}, TypeError, id="unknown-option"),
])
def test_bad_options_are_refused(tmp_path: Path, options: dict[str, Any],
                                 error: type[Exception]) -> None:
    with pytest.raises(error):
        write_html(six_node_graph(), tmp_path / "g.html", **options)
    assert not (tmp_path / "g.html").exists()


def test_colours_and_sizes_are_those_of_citegraph_visual() -> None:
    graph = six_node_graph()
    graph.add_node("pmid:7", kind="citing", year=2026)
    graph.add_edge("pmid:7", RECORD)
    data = payload(render_html(graph))
    communities = visual.communities(graph)
    for mode in ("kind", "community", "year"):
        spec = data["colors"][mode]
        page = [spec["palette"][i]["fill"] for i in spec["index"]]
        assert page == list(visual.colors(graph, mode, communities=communities).values()), mode
    assert [n["size"] for n in data["nodes"]] == list(visual.sizes(graph).values())
    assert data["community"] == list(communities.values())
    assert data["cited"] == [visual.local_citations(graph, n) for n in graph]
    assert data["years"] == [2025, 2019, 2006, 2005, 2005, 2008, 2026]


def test_legends_name_kinds_clusters_and_years() -> None:
    graph = six_node_graph()
    graph.add_node("ref:undated", label="Undated", kind="reference")
    graph.add_edge(RECORD, "ref:undated")
    document = lxml_html.fromstring(render_html(graph))
    style = "".join(document.xpath("//style/text()"))
    for name in ("record", "reference"):
        assert f".cg-kind-{name} {{ --kind-color: {visual.KIND_COLORS[name]}; }}" in style
    clusters = [" ".join(li.text_content().split())
                for li in document.xpath('//ul[contains(@class, "cg-legend-clusters")]/li')]
    assert clusters == ["Cluster 1 Yahanda 2019 7"]
    years = [text.strip() for text in document.xpath('//div[@data-legend="year"]')[0].itertext()
             if text.strip()]
    assert years == ["2005", "2025", "No year", "1"]


def test_records_only_view_has_its_own_layout() -> None:
    graph = six_node_graph()
    graph.add_node("doi:10.1/second", kind="record", year=2024, label="Second 2024")
    graph.add_edge("doi:10.1/second", RECORD)
    data = payload(render_html(graph))
    view = data["recordsView"]
    ids = [node["id"] for node in data["nodes"]]
    assert [ids[i] for i in view["index"]] == [RECORD, "doi:10.1/second"]
    assert len(view["force"]) == len(view["year"]) == 4
    assert [tick[0] for tick in view["yearAxis"]["ticks"]] == [2024, 2025]
    assert payload(render_html(nx.DiGraph([("a", "b")])))["recordsView"] is None


def test_max_nodes_keeps_the_most_cited_and_says_so(tmp_path: Path) -> None:
    graph = six_node_graph()
    graph.nodes["pmid:16428488"]["cited_by"] = 9
    graph.nodes[RECORD]["cited_by"] = 5  # as if cited elsewhere in a larger graph
    page = write_html(graph, tmp_path / "g.html", max_nodes=2).read_text(encoding="utf-8")
    data = payload(page)
    assert [node["id"] for node in data["nodes"]] == [RECORD, "pmid:16428488"]
    notice = " ".join(lxml_html.fromstring(page).get_element_by_id("cg-notice")
                      .text_content().split())
    assert notice == ("Showing the 2 most cited of 6 works (1 of 5 citations). "
                      "Build with a larger --max-nodes to see more.")
    whole = lxml_html.fromstring(render_html(graph, max_nodes=6))
    assert not whole.xpath('//*[@id="cg-notice"]')


def test_sources_reach_the_panel_data() -> None:
    graph = six_node_graph()
    graph.nodes[RECORD]["sources"] = "search-1.txt; export <2>.ris"
    records = dict(payload(render_html(graph))["records"])
    assert records[RECORD]["sources"] == ["search-1.txt", "export <2>.ris"]
    assert "sources" not in records["pmid:16428488"]


def test_positions_given_in_python_are_kept_and_need_no_physics() -> None:
    graph = six_node_graph()
    for i, node in enumerate(graph):
        graph.nodes[node]["x"], graph.nodes[node]["y"] = 100.0 * i, -50.0 * i
    data = payload(render_html(graph))
    assert [(n["x"], n["y"]) for n in data["nodes"]] == [(100.0 * i, -50.0 * i) for i in range(6)]
    assert data["options"]["physics"]["enabled"] is False
    # A node with only some of a position, or a non-finite one, is placed by vis.
    # Unless every node has a finite pair, citegraph.visual lays the graph out.
    graph.nodes[RECORD]["y"] = float("nan")
    nodes = {n["id"]: n for n in payload(render_html(graph))["nodes"]}
    assert all(math.isfinite(n["x"]) and math.isfinite(n["y"]) for n in nodes.values())
    assert payload(render_html(graph))["layouts"]["force"] != [
        v for i in range(6) for v in (100.0 * i, -50.0 * i)]


def structured_graph(n_nodes: int, groups: int = 20, seed: int = 1) -> nx.DiGraph:
    """About three edges per node, mostly within ``groups`` equal groups, labelled as refs."""
    size = n_nodes // groups
    p_in = 3 * n_nodes * 0.95 / (groups * size * (size - 1))
    p_out = 3 * n_nodes * 0.05 / (n_nodes * (n_nodes - size))
    graph = nx.random_partition_graph([size] * groups, p_in, p_out, seed=seed, directed=True)
    graph.graph.pop("partition", None)
    return nx.relabel_nodes(graph, {n: f"ref:{n:08x}" for n in graph})


def test_pyvis_holds_large_graphs_in_linear_time() -> None:
    # pyvis alone checks membership in a list: ~15 s here for these nodes.
    graph = nx.empty_graph(20_000, create_using=nx.DiGraph)
    view = _View(index={}, kinds=[], years=[], cited=[], sizes=dict.fromkeys(graph, 12.0),
                 communities={}, given=None, force={}, year={}, colors={})
    started = time.process_time()
    net = _build_network(graph, view, dict.fromkeys(graph, (0.0, 0.0)), large=True)
    assert time.process_time() - started < 3
    assert len(net.nodes) == 20_000


def test_large_graphs_render_in_seconds() -> None:
    graph = structured_graph(20_000)
    started = time.process_time()
    page = render_html(graph)
    assert time.process_time() - started < 40  # about 8 s on a free core
    data = payload(page)
    assert len(data["nodes"]) == 20_000
    assert len(data["links"]["source"]) == graph.number_of_edges()
    assert len(page) < 25_000_000


@pytest.mark.parametrize("text", ["a='</script>'", "a='</SCRIPT >'", "a=/<!--x/"],
                         ids=["lower", "upper", "comment-open"])
def test_inlined_script_cannot_close_its_element(text: str) -> None:
    guarded = str(_inline_script(text))
    assert "</script" not in guarded.lower() and "<!--" not in guarded
    assert guarded != text


def test_import_does_not_load_pyvis_or_ipython() -> None:
    code = ("import sys, json, citegraph.export.html; "
            "print(json.dumps([m in sys.modules for m in "
            "('citegraph.export.html', 'pyvis', 'IPython')]))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, check=False, env={"PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [True, False, False]


# The browser ---------------------------------------------------------------


@dataclass
class Visit:
    """An open page and what it did: requests refused, errors, dialogs."""

    page: Any
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def node_point(self, node: str) -> tuple[float, float]:
        """Where on the screen the centre of ``node`` is drawn."""
        point = self.page.evaluate(
            """id => {
                const dom = network.canvasToDOM(network.getPosition(id));
                const box = document.getElementById("cg-network").getBoundingClientRect();
                return [dom.x + box.left, dom.y + box.top];
            }""", node)
        return point[0], point[1]


def _no_browser(reason: str) -> None:
    """Skip, unless CI asked for the browser tests to run (then a missing browser fails)."""
    if os.environ.get("CITEGRAPH_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}; CITEGRAPH_REQUIRE_BROWSER is set")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _no_browser(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright import sync_api
    except ImportError:
        _no_browser("browser tests need playwright (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def visit(browser: Any, path: Path | None = None) -> Iterator[Visit]:
    """Open ``path`` with every request but the page itself refused and kept."""
    url = path.resolve().as_uri() if path else None
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    seen = Visit(page)

    def guard(route: Any) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            seen.refused.append(route.request.url)
            route.abort()

    def on_dialog(dialog: Any) -> None:
        seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", guard)
    page.on("pageerror", lambda error: seen.errors.append(f"page error: {error}"))
    page.on("console", lambda message: seen.errors.append(f"console: {message.text}")
            if message.type == "error" else None)
    page.on("dialog", on_dialog)
    try:
        if url:
            page.goto(url)
            # A selector, not wait_for_function: the page's CSP forbids the eval it uses.
            page.wait_for_selector("body[data-layout=done]", state="attached", timeout=60_000)
        yield seen
    finally:
        context.close()


def test_guard_refuses_and_records_requests(browser: Any) -> None:
    # The other browser tests assert that nothing was refused: that means
    # something only if the guard sees requests a page makes.
    with visit(browser) as seen:
        seen.page.set_content('<img src="https://example.com/pixel.png">')
        seen.page.wait_for_timeout(300)
    assert seen.refused == ["https://example.com/pixel.png"]


def test_browser_shows_the_graph_offline(browser: Any, tmp_path: Path) -> None:
    path = write_html(six_node_graph(), tmp_path / "six.html")
    with visit(browser, path) as seen:
        page = seen.page
        assert page.evaluate("nodes instanceof vis.DataSet && edges instanceof vis.DataSet")
        assert page.evaluate("network instanceof vis.Network")
        assert page.evaluate("network.body.nodeIndices.length") == 6
        assert page.evaluate("nodes.length") == 6 and page.evaluate("edges.length") == 5
        positions = page.evaluate("network.getPositions()")
        assert set(positions) == set(six_node_graph())
        assert all(isinstance(p["x"], (int, float)) and isinstance(p["y"], (int, float))
                   for p in positions.values())
        # Physics is off once the layout has settled: nothing moves any more.
        assert page.evaluate("network.physics.options.enabled") is False
        page.wait_for_timeout(400)
        assert page.evaluate("network.getPositions()") == positions
        assert page.title() == "Li 2025: references · citegraph"
    assert seen.refused == [] and seen.errors == [] and seen.dialogs == []


def test_the_example_built_as_the_readme_says_draws_its_six_works_offline(browser: Any,
                                                                          tmp_path: Path) -> None:
    from citegraph.cli import main

    example = Path(__file__).resolve().parents[1] / "examples" / "pubmed-page-eur-spine-j-2025.txt"
    assert main(["build", str(example), "-o", str(tmp_path), "-q"]) == 0
    with visit(browser, tmp_path / "pubmed-page-eur-spine-j-2025.html") as seen:
        assert seen.page.evaluate("network.body.nodeIndices.length") == 6
        assert seen.page.evaluate("edges.length") == 5
        labels = seen.page.evaluate("nodes.get().map(n => n.label).sort()")
        assert labels == ["Chang 2020", "Choi 2015", "Li 2025", "Müller 2020", "Schoenfeld 2016",
                          "Yahanda 2019"]
    assert seen.refused == [] and seen.errors == [] and seen.dialogs == []


def test_clicking_a_node_fills_the_panel(browser: Any, tmp_path: Path) -> None:
    path = write_html(six_node_graph(), tmp_path / "six.html")
    with visit(browser, path) as seen:
        page = seen.page
        assert page.is_hidden("#cg-panel")
        page.mouse.click(*seen.node_point(RECORD))
        page.wait_for_selector("#cg-panel", state="visible")
        assert page.text_content("#cg-panel-title") == RECORD_TITLE
        assert page.text_content("#cg-panel-authors") == RECORD_AUTHORS
        assert page.text_content("#cg-panel-details") == "Eur Spine J · 2025 · 34(8):3549-3556"
        doi = page.locator('#cg-panel-links a[href="https://doi.org/10.1007/s00586-025-09078-3"]')
        assert doi.count() == 1
        assert doi.get_attribute("target") == "_blank"
        assert doi.get_attribute("rel") == "noopener"
        assert page.locator('#cg-panel-links a[href="https://pubmed.ncbi.nlm.nih.gov/40576712/"]'
                            ).count() == 1
        cited = page.locator("#cg-panel-cites-list .cg-neighbour-label").all_text_contents()
        assert cited == ["Yahanda 2019", "Coleman 2006", "Patchell 2005", "Tokuhashi 2005",
                         "Ruetten 2008"]  # in reference-list order
        # Clicking a work in the list moves to it.
        page.locator("#cg-panel-cites-list button").first.click()
        assert page.text_content("#cg-panel-title") == "Overview of spine metastases"
        assert page.locator('#cg-panel-links a[href^="https://www.ncbi.nlm.nih.gov/pmc/"]'
                            ).get_attribute("href").endswith("/PMC6300001/")
        page.keyboard.press("Escape")
        assert page.is_hidden("#cg-panel")
    assert seen.refused == [] and seen.errors == [] and seen.dialogs == []


def test_hovering_a_node_shows_its_card(browser: Any, tmp_path: Path) -> None:
    path = write_html(six_node_graph(), tmp_path / "six.html")
    with visit(browser, path) as seen:
        page = seen.page
        assert page.is_hidden("#cg-tooltip")
        page.mouse.move(*seen.node_point("pmid:16428488"))
        page.wait_for_selector("#cg-tooltip", state="visible")
        card = page.text_content("#cg-tooltip")
        for text in ("Clinical features of metastatic bone disease", "Author A; Author B",
                     "Spine · 2006", "PubMed 16428488"):
            assert text in card
        page.mouse.move(2, 790)
        page.wait_for_selector("#cg-tooltip", state="hidden")
    assert seen.errors == []


def test_hostile_text_is_shown_as_text(browser: Any, tmp_path: Path) -> None:
    path = write_html(hostile_graph(), tmp_path / "hostile.html")
    with visit(browser, path) as seen:
        page = seen.page
        assert page.title() == f"{HOSTILE_NAME} · citegraph"
        assert page.text_content("h1") == HOSTILE_NAME
        page.mouse.move(*seen.node_point(HOSTILE))
        page.wait_for_selector("#cg-tooltip", state="visible")
        assert HOSTILE_TITLE in page.text_content("#cg-tooltip")
        page.mouse.click(*seen.node_point(HOSTILE))
        page.wait_for_selector("#cg-panel", state="visible")
        assert page.text_content("#cg-panel-title") == HOSTILE_TITLE
        assert page.text_content("#cg-panel-authors") == HOSTILE_AUTHORS
        page.wait_for_timeout(300)  # time for an injected handler to fire
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("img").count() == 0
        assert page.locator("script").count() == 3
        hrefs = page.eval_on_selector_all("#cg-panel-links a", "links => links.map(a => a.href)")
        assert all(href.startswith("https://") for href in hrefs) and len(hrefs) == 2
    assert seen.dialogs == []
    assert seen.refused == [] and seen.errors == []


def test_browser_draws_a_large_graph_without_physics(browser: Any, tmp_path: Path) -> None:
    graph = nx.gnm_random_graph(LARGE_GRAPH_NODES + 200, 2_000, seed=3, directed=True)
    graph = nx.relabel_nodes(graph, {n: f"ref:{n:08x}" for n in graph})
    path = write_html(graph, tmp_path / "large.html")
    with visit(browser, path) as seen:
        page = seen.page
        assert page.evaluate("network.body.nodeIndices.length") == LARGE_GRAPH_NODES + 200
        assert len(page.evaluate("network.getPositions()")) == LARGE_GRAPH_NODES + 200
        assert page.evaluate("network.physics.options.enabled") is False
    assert seen.refused == [] and seen.errors == []


def test_browser_keeps_positions_given_in_python(browser: Any, tmp_path: Path) -> None:
    graph = six_node_graph()
    given = {node: (120.0 * i, -80.0 * (i % 2)) for i, node in enumerate(graph)}
    for node, (x, y) in given.items():
        graph.nodes[node]["x"], graph.nodes[node]["y"] = x, y
    path = write_html(graph, tmp_path / "placed.html")
    with visit(browser, path) as seen:
        positions = seen.page.evaluate("network.getPositions()")
    assert {node: (p["x"], p["y"]) for node, p in positions.items()} == given
    assert seen.errors == []


def _shown(page: Any) -> int:
    """How many nodes vis-network draws and answers the pointer for."""
    return page.evaluate("network.body.nodeIndices.length")


def test_search_finds_works_by_words_author_doi_and_pmid(browser: Any, tmp_path: Path) -> None:
    path = write_html(six_node_graph(), tmp_path / "six.html")
    with visit(browser, path) as seen:
        page = seen.page
        search = page.locator("#cg-search")
        # Title words, in any order and case.
        search.fill("METASTASES spine")
        page.wait_for_selector("#cg-results", state="visible")
        found = page.locator("#cg-results .cg-neighbour-label").all_text_contents()
        assert sorted(found) == ["Li 2025", "Tokuhashi 2005", "Yahanda 2019"]
        assert page.text_content("#cg-status") == "3 matches"
        page.locator('#cg-results button[data-node="ref:1a2b3c4d"]').click()
        page.wait_for_selector("#cg-panel", state="visible")
        assert page.text_content("#cg-panel-title") == "A revised scoring system for spine metastases"
        assert page.evaluate("network.getSelectedNodes()") == ["ref:1a2b3c4d"]
        for query, node in [("Wang X", RECORD), ("https://doi.org/10.1016/S0140-6736(05)66954-1",
                                                 "doi:10.1016/s0140-6736(05)66954-1"),
                            ("16428488", "pmid:16428488"), ("PMC6300001", "doi:10.1016/j.nec.2018.08.001")]:
            search.fill(query)
            search.press("Enter")
            assert page.get_attribute("#cg-panel", "data-node") == node, query
            assert page.text_content("#cg-status") == "1 of 1"
        # Enter steps through the matches.
        search.fill("2005")
        search.press("Enter")
        first = page.get_attribute("#cg-panel", "data-node")
        search.press("Enter")
        assert page.get_attribute("#cg-panel", "data-node") != first
        assert page.text_content("#cg-status") == "2 of 2"  # Patchell and Tokuhashi
        search.fill("no such work")
        search.press("Enter")
        assert page.text_content("#cg-status") == "No match"
    assert seen.refused == [] and seen.errors == [] and seen.dialogs == []


def test_filters_hide_and_show_works(browser: Any, tmp_path: Path) -> None:
    graph = six_node_graph()
    graph.add_node("doi:10.1/second", kind="record", year=2024, label="Second 2024",
                   title="A second record", cited_by=0)
    graph.add_edge("doi:10.1/second", RECORD)
    graph.add_edge("doi:10.1/second", "pmid:16428488")
    graph.nodes[RECORD]["cited_by"] = 1
    graph.nodes["pmid:16428488"]["cited_by"] = 2
    path = write_html(graph, tmp_path / "filters.html")
    with visit(browser, path) as seen:
        page = seen.page
        assert _shown(page) == 7
        assert page.text_content("#cg-shown") == "Showing all 7 works"
        page.fill("#cg-year-from", "2006")
        page.wait_for_selector("body[data-shown='5']", state="attached")
        assert _shown(page) == 5
        assert page.text_content("#cg-shown") == "Showing 5 of 7 works"
        page.fill("#cg-year-to", "2020")
        page.wait_for_selector("body[data-shown='3']", state="attached")
        assert sorted(page.evaluate("network.body.nodeIndices")) == [
            "doi:10.1016/j.nec.2018.08.001", "pmid:16428488", "ref:5e6f7a8b"]
        page.click("#cg-filter-reset")
        assert _shown(page) == 7
        page.uncheck("#cg-filter-kind-reference")
        assert sorted(page.evaluate("network.body.nodeIndices")) == ["doi:10.1/second", RECORD]
        page.check("#cg-filter-kind-reference")
        page.fill("#cg-min-cited", "2")
        page.wait_for_selector("body[data-shown='1']", state="attached")
        assert page.evaluate("network.body.nodeIndices") == ["pmid:16428488"]
        page.click("#cg-filter-reset")
        # Records only: the citation network among the records, laid out on its own.
        page.check("#cg-records-only")
        assert sorted(page.evaluate("network.body.nodeIndices")) == ["doi:10.1/second", RECORD]
        assert page.evaluate("network.body.edgeIndices.length") == 1
        assert page.is_disabled("#cg-filter-kind-reference")
        own = payload(path.read_text(encoding="utf-8"))["recordsView"]["force"]
        positions = page.evaluate("network.getPositions()")
        assert [positions[RECORD]["x"], positions[RECORD]["y"],
                positions["doi:10.1/second"]["x"], positions["doi:10.1/second"]["y"]] == own
        page.uncheck("#cg-records-only")
        assert _shown(page) == 7
        assert page.evaluate("network.body.edgeIndices.length") == 7
    assert seen.refused == [] and seen.errors == []


def test_colour_modes_recolour_the_nodes_and_switch_the_legend(browser: Any,
                                                               tmp_path: Path) -> None:
    graph = six_node_graph()
    path = write_html(graph, tmp_path / "colours.html")
    data = payload(path.read_text(encoding="utf-8"))
    read_colours = "Object.fromEntries(network.body.nodeIndices.map(id => " \
                   "[id, network.body.nodes[id].options.color.background]))"
    with visit(browser, path) as seen:
        page = seen.page
        assert page.evaluate(read_colours) == visual.colors(graph)
        assert page.is_visible("[data-legend=kind]") and page.is_hidden("[data-legend=community]")
        for mode in ("community", "year", "kind"):
            page.click(f"#cg-color-{mode}")
            page.wait_for_selector(f"body[data-color-mode={mode}]", state="attached")
            spec = data["colors"][mode]
            expected = {node["id"]: spec["palette"][i]["fill"]
                        for node, i in zip(data["nodes"], spec["index"])}
            assert page.evaluate(read_colours) == expected, mode
            assert page.is_visible(f"[data-legend={mode}]")
            assert page.get_attribute(f"#cg-color-{mode}", "aria-pressed") == "true"
        assert page.evaluate(read_colours) == visual.colors(graph)
    assert seen.errors == []


def test_year_layout_puts_time_left_to_right(browser: Any, tmp_path: Path) -> None:
    graph = six_node_graph()
    path = write_html(graph, tmp_path / "years.html")
    data = payload(path.read_text(encoding="utf-8"))
    with visit(browser, path) as seen:
        page = seen.page
        force = page.evaluate("network.getPositions()")
        page.click("#cg-layout-year")
        page.wait_for_selector("body[data-layout-mode=year]", state="attached")
        positions = page.evaluate("network.getPositions()")
        flat = data["layouts"]["year"]
        assert [(positions[n["id"]]["x"], positions[n["id"]]["y"]) for n in data["nodes"]] == [
            (flat[2 * i], flat[2 * i + 1]) for i in range(len(data["nodes"]))]
        by_year = sorted(graph, key=lambda node: graph.nodes[node]["year"])
        xs = [positions[node]["x"] for node in by_year]
        assert xs == sorted(xs)
        page.click("#cg-layout-force")
        page.wait_for_selector("body[data-layout-mode=force]", state="attached")
        assert page.evaluate("network.getPositions()") == force
        # The axis is drawn on the canvas: the top strip holds dark text pixels.
        page.click("#cg-layout-year")
        shot = page.locator("#cg-network").screenshot()
        assert len(shot) > 1000
    assert seen.errors == []


def test_page_opened_by_year_and_cluster_and_trimmed(browser: Any, tmp_path: Path) -> None:
    graph = six_node_graph()
    path = write_html(graph, tmp_path / "trimmed.html", layout="year", color_by="community",
                      max_nodes=4)
    with visit(browser, path) as seen:
        page = seen.page
        assert page.get_attribute("body", "data-layout-mode") == "year"
        assert page.get_attribute("body", "data-color-mode") == "community"
        assert page.is_visible("#cg-notice")
        assert page.text_content("#cg-notice").startswith("Showing the 4 most cited of 6 works")
        assert _shown(page) == 4
    assert seen.errors == []


def test_panel_shows_sources_counts_and_cluster(browser: Any, tmp_path: Path) -> None:
    graph = six_node_graph()
    graph.nodes[RECORD]["sources"] = "pubmed-page.txt; <b>export</b>.ris"
    path = write_html(graph, tmp_path / "panel.html")
    with visit(browser, path) as seen:
        page = seen.page
        page.mouse.click(*seen.node_point(RECORD))
        page.wait_for_selector("#cg-panel", state="visible")
        assert page.locator("#cg-panel-sources li").all_text_contents() == [
            "pubmed-page.txt", "<b>export</b>.ris"]
        assert page.text_content("#cg-panel-counts") == "Local citations: cited by 0 · cites 5"
        assert page.text_content("#cg-panel-cluster") == "Cluster 1"
        page.locator("#cg-panel-cites-list button").nth(1).click()
        assert page.is_hidden("#cg-panel-sources")
        assert page.text_content("#cg-panel-counts") == "Local citations: cited by 1 · cites 0"
        cited_by = page.locator("#cg-panel-cited-list .cg-neighbour-label").all_text_contents()
        assert cited_by == ["Li 2025"]
    assert seen.errors == []


def test_hostile_text_stays_text_in_search_lists_and_legends(browser: Any,
                                                             tmp_path: Path) -> None:
    graph = hostile_graph()
    graph.nodes[HOSTILE]["cited_by"] = 50  # the cluster's most cited: named in the legend
    graph.nodes[HOSTILE]["sources"] = "<img src=x onerror=alert(2)>"
    path = write_html(graph, tmp_path / "hostile.html", color_by="community")
    with visit(browser, path) as seen:
        page = seen.page
        assert "<b>Evil</b> 2020" in page.text_content(".cg-legend-clusters")
        page.fill("#cg-search", "onerror")
        page.wait_for_selector("#cg-results", state="visible")
        assert page.locator("#cg-results .cg-neighbour-title").all_text_contents() == [
            HOSTILE_TITLE]
        page.locator("#cg-results button").first.click()
        assert page.text_content("#cg-panel-sources li") == "<img src=x onerror=alert(2)>"
        # (The view is still moving to the work found: go on through the panel.)
        page.locator("#cg-panel-cited-list button").first.click()
        assert page.get_attribute("#cg-panel", "data-node") == RECORD
        titles = page.locator("#cg-panel-cites-list .cg-neighbour-title").all_text_contents()
        assert HOSTILE_TITLE in titles
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("img").count() == 0
    assert seen.dialogs == [] and seen.refused == [] and seen.errors == []


def test_large_graph_is_drawn_in_bulk_and_still_answers_clicks(browser: Any,
                                                               tmp_path: Path) -> None:
    graph = structured_graph(1_200, groups=6)
    target = "ref:00000007"
    graph.nodes[target].update(kind="record", title="The work to find", year=2020)
    path = write_html(graph, tmp_path / "large.html")
    with visit(browser, path) as seen:
        page = seen.page
        assert page.get_attribute("body", "data-bulk-drawing") == "on"
        assert page.evaluate("edges.length") == 0  # the page draws them itself
        assert page.evaluate("network.getScale()") < 0.7  # zoomed out: nodes drawn in bulk
        # A click on a node drawn in bulk still selects it and fills the panel.
        page.mouse.click(*seen.node_point(target))
        page.wait_for_selector("#cg-panel", state="visible")
        assert page.get_attribute("#cg-panel", "data-node") == target
        assert page.text_content("#cg-panel-title") == "The work to find"
        page.keyboard.press("Escape")
        # Search, colour, filter and year layout work on the large page too.
        page.fill("#cg-search", "work to find")
        page.press("#cg-search", "Enter")
        assert page.get_attribute("#cg-panel", "data-node") == target
        page.click("#cg-color-community")
        page.click("#cg-layout-year")
        page.uncheck("#cg-filter-kind-other")
        assert _shown(page) == 1
        page.click("#cg-filter-reset")
        assert _shown(page) == 1_200
        page.mouse.move(640, 400)
        page.mouse.down()
        page.mouse.move(700, 450, steps=5)
        page.mouse.up()
    assert seen.refused == [] and seen.errors == [] and seen.dialogs == []


def test_undirected_views_are_drawn_without_arrows(browser: Any, tmp_path: Path) -> None:
    # A co-citation view: works linked by how often they are cited together.
    graph = nx.Graph(name="Co-citation", view="co-citation, weight >= 2 <b>")
    graph.add_node("a", label="Alpha 2001", kind="reference", year=2001)
    graph.add_node("b", label="Beta 2002", kind="reference", year=2002)
    graph.add_node("c", label="Gamma 2003", kind="reference", year=2003)
    graph.add_edge("a", "b", weight=3)
    graph.add_edge("c", "a", weight=2)
    path = write_html(graph, tmp_path / "cocitation.html")
    data = payload(path.read_text(encoding="utf-8"))
    assert data["directed"] is False
    assert data["options"]["edges"]["arrows"]["to"]["enabled"] is False
    assert data["cited"] == [2, 1, 1]  # degrees stand in for citations
    with visit(browser, path) as seen:
        page = seen.page
        assert page.text_content("#cg-view-note") == "co-citation, weight >= 2 <b>"
        page.mouse.click(*seen.node_point("a"))
        page.wait_for_selector("#cg-panel", state="visible")
        assert page.text_content("#cg-panel-cites h3").split() == ["Linked", "to", "2"]
        assert page.is_hidden("#cg-panel-cited")
        assert sorted(page.locator("#cg-panel-cites-list .cg-neighbour-label")
                      .all_text_contents()) == ["Beta 2002", "Gamma 2003"]
    assert seen.errors == []
