"""Export a citation graph as one self-contained, interactive HTML page.

The page shows the graph with vis-network (the library pyvis wraps), colours
nodes by kind, sizes them by how often they are cited, and shows a work's
title, authors, journal, year and links on hover and in a side panel on click.

The file works offline: vis-network's script and style are read from the
installed pyvis package and inlined, nothing is fetched, and a Content Security
Policy forbids any load and any script but the page's own.  Every piece of text
taken from the graph is escaped: the header by Jinja's autoescape, the node
data as JSON whose ``<``, ``>`` and ``&`` are written as ``\\u003c`` and so on,
and the page's script builds the panel with ``textContent`` only.

pyvis is imported only when a page is rendered: it imports IPython, which
costs a noticeable share of a second.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from citegraph.fsutil import atomic_write

if TYPE_CHECKING:
    import os

    import networkx as nx
    from pyvis.network import Network

__all__ = ["render_html", "write_html", "LARGE_GRAPH_NODES"]

logger = logging.getLogger(__name__)

#: Above this many nodes the page does not run vis-network's physics (it would
#: take minutes and keep the browser busy): nodes keep the ``x``/``y`` given in
#: the graph, or vis places them at random.
LARGE_GRAPH_NODES = 1000

_TEMPLATE = "graph.html"
_VIS_ASSETS = "templates/lib/vis-9.1.2"  # inside the pyvis package
_DEFAULT_HEADING = "Citation graph"


@dataclass(frozen=True)
class _Kind:
    """How one kind of node looks, and how the legend names it."""

    name: str
    label: str  # the legend's, plural
    singular: str  # the panel's
    description: str
    color: str
    border: str


_KINDS: tuple[_Kind, ...] = (
    _Kind("record", "Records", "Record", "articles read from the input files",
          "#2563eb", "#1e40af"),
    _Kind("reference", "References", "Reference", "works cited by the records",
          "#94a3b8", "#64748b"),
    _Kind("citing", "Citing works", "Citing work", "works listed as citing a record",
          "#f97316", "#c2410c"),
    _Kind("other", "Other", "Other", "nodes of no known kind", "#a855f7", "#7e22ce"),
)
_KIND_NAMES = frozenset(kind.name for kind in _KINDS)

# Fields a node may carry that the hover card and the side panel show as text.
_TEXT_FIELDS = ("label", "title", "authors", "journal", "volume", "issue", "pages",
                "doi", "pmid", "pmcid")


def write_html(graph: nx.DiGraph, path: str | os.PathLike[str], *,
               title: str | None = None) -> Path:
    """Write ``graph`` as one self-contained, interactive HTML page.

    The file is written atomically: a reader sees the old file or the whole
    new one, never a part.

    Parameters
    ----------
    graph : networkx.DiGraph
        A citation graph, edges from the citing work to the cited work, with
        the node attributes described in :func:`render_html`.
    path : str or os.PathLike
        Where to write the page.  Missing parent folders are created.
    title : str, optional
        The page's title and heading; defaults to ``graph.graph["name"]``.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import networkx as nx, tempfile, os
    >>> g = nx.DiGraph(name="demo")
    >>> g.add_edge("doi:10.1/a", "doi:10.1/b")
    >>> out = write_html(g, os.path.join(tempfile.mkdtemp(), "demo.html"))
    >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    path = Path(path)
    html = render_html(graph, title=title)
    with atomic_write(path) as fh:
        fh.write(html)
    logger.info("wrote %s (%d nodes, %d edges)", path, graph.number_of_nodes(),
                graph.number_of_edges())
    return path


def render_html(graph: nx.DiGraph, *, title: str | None = None) -> str:
    """Render ``graph`` as the text of one self-contained HTML page.

    Parameters
    ----------
    graph : networkx.DiGraph
        Edges go from the citing work to the cited work.  Every node attribute
        is optional: ``label`` (shown beside the node), ``title``, ``authors``
        (a ``"; "``-joined string), ``year``, ``journal``, ``volume``,
        ``issue``, ``pages``, ``doi``, ``pmid``, ``pmcid``, ``kind``
        (``record``, ``reference`` or ``citing``: the node's colour),
        ``cited_by`` (its size; defaults to the in-degree) and ``x``/``y``
        (a position computed beforehand, kept as the starting point).  Edges
        may carry ``position`` (the rank in the reference list) and
        ``citation`` (the reference as written).
    title : str, optional
        The page's title and heading; defaults to ``graph.graph["name"]``,
        then to "Citation graph".

    Returns
    -------
    str
        The page.  It loads nothing from the network.

    Notes
    -----
    Graphs of up to :data:`LARGE_GRAPH_NODES` nodes are laid out in the
    browser by vis-network's physics, which is switched off once the layout
    has settled.  Larger graphs are drawn without physics, at the nodes'
    ``x``/``y`` where given.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("pmid:1", label="<Li> 2025", kind="record")
    >>> page = render_html(g, title="Spine & co")
    >>> "<title>Spine &amp; co" in page, "<Li>" in page
    (True, False)
    """
    heading = title or graph.graph.get("name") or _DEFAULT_HEADING
    net = _build_network(graph)
    vis_nodes, vis_edges, _heading, _height, _width, options_json = net.get_network_data()
    options = json.loads(options_json)
    records = [[str(node), _record(str(node), attrs)] for node, attrs in graph.nodes(data=True)]
    kind_counts = Counter(_kind(attrs) for _node, attrs in graph.nodes(data=True))
    legend = [kind for kind in _KINDS if kind_counts[kind.name]]
    payload = {
        "nodes": vis_nodes,
        "edges": vis_edges,
        "options": options,
        "records": records,
        "kinds": {kind.name: {"label": kind.singular, "color": kind.color} for kind in _KINDS},
    }
    vis_js, vis_css = _vis_assets()
    env = _environment()
    return env.get_template(_TEMPLATE).render(
        heading=heading,
        node_count=graph.number_of_nodes(),
        edge_count=graph.number_of_edges(),
        legend=[(kind, kind_counts[kind.name]) for kind in legend],
        graph_json=_script_json(payload),
        vis_js=_inline_script(vis_js),
        vis_css=_inline_style(vis_css),
    )


def _build_network(graph: nx.DiGraph) -> Network:
    """Hold ``graph`` in a pyvis network, with the options the page uses."""
    from pyvis.network import Network  # imports IPython: only when rendering

    large = graph.number_of_nodes() > LARGE_GRAPH_NODES
    net = Network(directed=True)
    # pyvis checks every new node and every edge's ends against a list of node
    # ids: quadratic, about 15 s for 20,000 nodes and 60,000 edges.  The same
    # list, answering membership from a set, keeps it linear.
    net.node_ids = _NodeIdList()
    positioned = 0
    for node, attrs in graph.nodes(data=True):
        options = _vis_node(str(node), attrs, graph.in_degree(node))
        positioned += "x" in options
        net.add_node(str(node), **options)
    for source, target, attrs in graph.edges(data=True):
        net.add_edge(str(source), str(target), **_vis_edge(attrs))
    all_placed = graph.number_of_nodes() > 0 and positioned == graph.number_of_nodes()
    if large and not all_placed:
        logger.info("%d nodes, %d with a position: drawing without physics",
                    graph.number_of_nodes(), positioned)
    net.set_options(json.dumps(_vis_options(physics=not (large or all_placed),
                                            large=large)))
    return net


class _NodeIdList(list):
    """A list of node ids whose membership test is a set lookup.

    pyvis only appends to its ``node_ids`` and tests membership in it.
    """

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        self._members.add(item)
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _kind(attrs: dict[str, Any]) -> str:
    kind = attrs.get("kind")
    return kind if kind in _KIND_NAMES else "other"


def _node_size(cited_by: int) -> float:
    """Node radius in pixels: grows with the square root of the citations."""
    return round(min(12 + 5 * math.sqrt(max(cited_by, 0)), 60), 1)


def _vis_node(node: str, attrs: dict[str, Any], in_degree: int) -> dict[str, Any]:
    """vis-network's options for one node: no ``title``, vis would show it."""
    cited_by = attrs.get("cited_by")
    if not isinstance(cited_by, int):
        cited_by = in_degree
    options: dict[str, Any] = {
        "label": _label(node, attrs),
        "group": _kind(attrs),
        "size": _node_size(cited_by),
    }
    # The hook for layouts computed in Python: a node with x and y starts there.
    x, y = _coordinate(attrs.get("x")), _coordinate(attrs.get("y"))
    if x is not None and y is not None:
        options["x"], options["y"] = x, y
    return options


def _vis_edge(attrs: dict[str, Any]) -> dict[str, Any]:
    """Edge data kept for the panel; vis-network ignores these keys."""
    options: dict[str, Any] = {}
    position = attrs.get("position")
    if isinstance(position, int) and not isinstance(position, bool):
        options["position"] = position
    citation = attrs.get("citation")
    if isinstance(citation, str) and citation:
        options["citation"] = citation
    return options


def _coordinate(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _label(node: str, attrs: dict[str, Any]) -> str:
    label = attrs.get("label")
    if label:
        return str(label)
    title = attrs.get("title")
    if title:
        title = str(title)
        if len(title) <= 30:
            return title
        cut = title[:29]
        return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,.:;") + "…"
    return node


def _record(node: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """What the hover card and the side panel show about one node."""
    record: dict[str, Any] = {"kind": _kind(attrs)}
    for field in _TEXT_FIELDS:
        value = attrs.get(field)
        if value is not None and value != "":
            record[field] = str(value)
    record.setdefault("label", _label(node, attrs))
    year = attrs.get("year")
    if year is not None and year != "":
        record["year"] = year if isinstance(year, int) and not isinstance(year, bool) else str(year)
    links = _links(attrs)
    if links:
        record["links"] = links
    return record


def _links(attrs: dict[str, Any]) -> list[dict[str, str]]:
    """Links to the work on doi.org, PubMed and PubMed Central.

    Every identifier is percent-encoded into the URL's path (a DOI keeps its
    slashes), so no identifier can add a query, a fragment or a scheme.

    Examples
    --------
    >>> for link in _links({"doi": "10.1002/(SICI)1#2?x", "pmcid": "123"}):
    ...     print(link["href"])
    https://doi.org/10.1002/%28SICI%291%232%3Fx
    https://www.ncbi.nlm.nih.gov/pmc/articles/PMC123/
    """
    links = []
    doi = attrs.get("doi")
    if doi:
        doi = str(doi).strip()
        links.append({"label": "DOI", "text": doi,
                      "href": "https://doi.org/" + quote(doi, safe="/")})
    pmid = attrs.get("pmid")
    if pmid:
        pmid = str(pmid).strip()
        links.append({"label": "PubMed", "text": pmid,
                      "href": f"https://pubmed.ncbi.nlm.nih.gov/{quote(pmid, safe='')}/"})
    pmcid = attrs.get("pmcid")
    if pmcid:
        pmcid = str(pmcid).strip()
        if pmcid.isdigit():
            pmcid = "PMC" + pmcid
        href = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{quote(pmcid, safe='')}/"
        links.append({"label": "PMC", "text": pmcid, "href": href})
    return links


def _vis_options(*, physics: bool, large: bool) -> dict[str, Any]:
    """vis-network's options.

    pyvis's ``set_options`` deletes every space of the JSON it is given, so no
    string here may contain one.
    """
    groups = {
        kind.name: {
            "color": {
                "background": kind.color, "border": kind.border,
                "highlight": {"background": kind.color, "border": "#111827"},
                "hover": {"background": kind.color, "border": "#111827"},
            },
        }
        for kind in _KINDS
    }
    return {
        "autoResize": True,
        "groups": groups,
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            "borderWidthSelected": 3,
            "font": {"size": 13, "face": "system-ui,sans-serif", "color": "#1f2937",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#b6bfcc", "highlight": "#1f2937", "hover": "#475569",
                      "inherit": False},
            "width": 1,
            "selectionWidth": 1.5,
            "smooth": False if large else {"enabled": True, "type": "continuous",
                                           "roundness": 0.3},
        },
        "interaction": {
            "hover": True,
            "hoverConnectedEdges": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
        },
        "layout": {"randomSeed": 7, "improvedLayout": not large},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.01,
                                 "springLength": 110, "springConstant": 0.08,
                                 "damping": 0.5, "avoidOverlap": 0.4},
            # The page fits the view itself once the layout is done.
            "stabilization": {"enabled": physics, "iterations": 1000,
                              "updateInterval": 25, "fit": False},
        },
    }


def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style sheet, as shipped inside pyvis."""
    folder = resources.files("pyvis").joinpath(_VIS_ASSETS)
    js = folder.joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = folder.joinpath("vis-network.css").read_text(encoding="utf-8")
    return js, css


def _script_json(value: Any) -> Markup:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no string can close
    the element or open a comment; U+2028 and U+2029 are escaped for older
    JavaScript parsers.

    Examples
    --------
    >>> str(_script_json({"t": "</script>&"}))
    '{"t":"\\\\u003c/script\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


def _inline_script(code: str) -> Markup:
    """Script source that cannot end its ``<script>`` element early.

    ``</script`` (in any case) becomes ``<\\/script`` and ``<!--`` becomes
    ``<\\x21--``: the same text inside a JavaScript string or regular
    expression, which is where minified code has them.

    Examples
    --------
    >>> str(_inline_script('s="</SCRIPT><!--"'))
    's="<\\\\/SCRIPT><\\\\x21--"'
    """
    code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)
    return Markup(code.replace("<!--", "<\\x21--"))


def _inline_style(css: str) -> Markup:
    """A style sheet that cannot end its ``<style>`` element early."""
    return Markup(re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE))


def _csp_source(text: str) -> Markup:
    """The Content-Security-Policy source that allows this exact inline text.

    Base64 and quotes only: safe in an attribute as it is.
    """
    digest = hashlib.sha256(str(text).encode("utf-8")).digest()
    return Markup("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")


def _environment() -> jinja2.Environment:
    """Our own template environment: autoescape on, undefined names fail."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["csp_source"] = _csp_source
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env
