"""Export a citation graph as one self-contained, interactive HTML page.

The page shows the graph with vis-network (the library pyvis wraps): nodes
sized by their local citations and coloured by kind, cluster or year, laid out
by force or by year; a search, filters (years, kinds, citations, records
only), a hover card and a side panel with a work's details, its links and the
works it cites and that cite it.

Layouts, clusters, colours and sizes come from :mod:`citegraph.visual`, so
that the Gephi exports show the same, and so that the page opens at once: no
graph waits for physics in the browser.  Above :data:`LARGE_GRAPH_NODES`
nodes the page draws the edges itself, in one pass over the canvas, rather
than through vis-network, whose per-edge objects would take seconds to build
at 60,000 edges; zoomed out, it also draws the nodes in one pass per colour,
and zoomed in, vis-network draws them with their labels.

The file works offline: vis-network's script and style are read from the
installed pyvis package and inlined, nothing is fetched, and a Content Security
Policy forbids any load and any script but the page's own.  Every piece of text
taken from the graph is escaped: the header and legends by Jinja's
autoescape, the node data as JSON whose ``<``, ``>`` and ``&`` are written as
``\\u003c`` and so on, and the page's script builds everything it shows with
``textContent`` only.

pyvis holds the network's nodes and options and supplies vis-network; the
edges go into the page as two arrays of node numbers, which vis-network (small
graphs) or the page (large ones) turns into lines.  pyvis, igraph and
:mod:`citegraph.visual` are imported only when a page is rendered: pyvis
imports IPython, which costs a noticeable share of a second.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
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

__all__ = ["render_html", "write_html", "LARGE_GRAPH_NODES", "LAYOUTS", "COLOR_MODES"]

logger = logging.getLogger(__name__)

#: Above this many nodes the page draws the edges itself (straight, in one
#: pass) rather than through vis-network, and zoomed out draws the nodes too.
LARGE_GRAPH_NODES = 200
#: The layouts the page offers, and the ``layout=`` values :func:`render_html` takes.
LAYOUTS = ("force", "year")
#: The colourings the page offers, and the ``color_by=`` values :func:`render_html` takes.
COLOR_MODES = ("kind", "community", "year")
# Citation text on edges beyond this many characters in all is kept only for
# works with no title of their own (for which it is the only description).
_CITATION_BUDGET = 4_000_000

_TEMPLATE = "graph.html"
_VIS_ASSETS = "templates/lib/vis-9.1.2"  # inside the pyvis package
_DEFAULT_HEADING = "Citation graph"
_SELECTED_BORDER = "#111827"


@dataclass(frozen=True)
class _Kind:
    """How one kind of node looks, and how the legend and the filters name it."""

    name: str
    label: str  # the legend's, plural
    singular: str  # the panel's
    description: str

    @property
    def color(self) -> str:
        from citegraph.visual import KIND_COLORS

        return KIND_COLORS[self.name]

    @property
    def border(self) -> str:
        return _darker(self.color)


_KINDS: tuple[_Kind, ...] = (
    _Kind("record", "Records", "Record", "articles read from the input files"),
    _Kind("reference", "References", "Reference", "works cited by the records"),
    _Kind("citing", "Citing works", "Citing work", "works listed as citing a record"),
    _Kind("other", "Other", "Other", "nodes of no known kind"),
)
_KIND_NAMES = frozenset(kind.name for kind in _KINDS)

# Fields a node may carry that the hover card and the side panel show as text.
_TEXT_FIELDS = ("label", "title", "authors", "journal", "volume", "issue", "pages",
                "doi", "pmid", "pmcid")


def _darker(color: str, share: float = 0.3) -> str:
    """``color`` mixed with ``share`` of black: a node's border.

    Examples
    --------
    >>> _darker("#ffffff")
    '#b2b2b2'
    """
    return "#" + "".join(f"{round(int(color[i:i + 2], 16) * (1 - share)):02x}" for i in (1, 3, 5))


def write_html(graph: nx.DiGraph, path: str | os.PathLike[str], *,
               title: str | None = None, **options: Any) -> Path:
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
    **options
        ``layout``, ``color_by``, ``max_nodes`` and ``seed``, as
        :func:`render_html` takes them.

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
    html = render_html(graph, title=title, **options)
    with atomic_write(path) as fh:
        fh.write(html)
    logger.info("wrote %s (%d nodes, %d edges)", path, graph.number_of_nodes(),
                graph.number_of_edges())
    return path


def render_html(graph: nx.DiGraph, *, title: str | None = None, layout: str = "force",
                color_by: str = "kind", max_nodes: int | None = None, seed: int = 1) -> str:
    """Render ``graph`` as the text of one self-contained HTML page.

    Parameters
    ----------
    graph : networkx.DiGraph or networkx.Graph
        Edges go from the citing work to the cited work (an undirected graph,
        such as a co-citation view, is drawn without arrows, and the panel
        lists a work's links in one list).  Every node attribute
        is optional: ``label`` (shown beside the node), ``title``, ``authors``
        (a ``"; "``-joined string), ``year``, ``journal``, ``volume``,
        ``issue``, ``pages``, ``doi``, ``pmid``, ``pmcid``, ``kind``
        (``record``, ``reference`` or ``citing``), ``cited_by`` (its local
        citations, hence its size; defaults to the in-degree), ``sources``
        (a ``"; "``-joined list of the inputs that mentioned it) and
        ``x``/``y`` (a position computed beforehand: when every node has one,
        the page uses them as its force layout, else
        :func:`citegraph.visual.layout` computes it).  Edges may carry
        ``position`` (the rank in the reference list) and ``citation`` (the
        reference as written).  The graph attributes ``full_node_count`` and
        ``full_edge_count`` (set by :func:`citegraph.visual.keep_most_cited`)
        make the page say that it shows part of a larger graph; ``view`` (a
        short text) is shown under the heading.
    title : str, optional
        The page's title and heading; defaults to ``graph.graph["name"]``,
        then to "Citation graph".
    layout : {"force", "year"}
        The layout the page opens with; the page can switch to the other.
    color_by : {"kind", "community", "year"}
        The colouring the page opens with; the page can switch.
    max_nodes : int, optional
        Show only this many nodes, the most cited
        (:func:`citegraph.visual.keep_most_cited`); the page says so.
    seed : int
        Seed of the layouts and of the clusters: the same graph and seed give
        the same page.

    Returns
    -------
    str
        The page.  It loads nothing from the network.

    Raises
    ------
    ValueError
        For an unknown ``layout`` or ``color_by``, or a negative ``max_nodes``.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("pmid:1", label="<Li> 2025", kind="record")
    >>> page = render_html(g, title="Spine & co")
    >>> "<title>Spine &amp; co" in page, "<Li>" in page
    (True, False)
    """
    from citegraph import visual

    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}: choose {', '.join(LAYOUTS)}")
    if color_by not in COLOR_MODES:
        raise ValueError(f"unknown colour mode {color_by!r}: choose {', '.join(COLOR_MODES)}")
    if max_nodes is not None:
        if max_nodes < 0:
            raise ValueError("max_nodes must be zero or more")
        graph = visual.keep_most_cited(graph, max_nodes)
    heading = title or graph.graph.get("name") or _DEFAULT_HEADING
    view = _View.of(graph, seed=seed)
    large = graph.number_of_nodes() > LARGE_GRAPH_NODES
    first_positions = view.year if layout == "year" else view.force
    net = _build_network(graph, view, first_positions, large=large,
                         directed=graph.is_directed())
    vis_nodes, _edges, _heading, _height, _width, options_json = net.get_network_data()
    for node in vis_nodes:
        node.pop("shape", None)  # the options' default
    kind_counts = Counter(view.kinds)
    payload = {
        "nodes": vis_nodes,
        "links": _links_payload(graph, view.index),
        "options": json.loads(options_json),
        "records": [[str(node), _record(str(node), attrs, view, i)]
                    for i, (node, attrs) in enumerate(graph.nodes(data=True))],
        "kinds": {kind.name: {"label": kind.singular, "color": kind.color} for kind in _KINDS},
        "large": large,
        "directed": graph.is_directed(),
        "initial": {"layout": layout, "color": color_by},
        "years": view.years,
        "cited": view.cited,
        "community": [view.communities[node] for node in graph],
        "layouts": {
            "force": _flat(view.force, graph),
            "year": _flat(view.year, graph),
            "yearAxis": _year_axis(view.years, view.year, graph),
        },
        "recordsView": _records_view(graph, view, seed),
        "colors": {mode: _palette(view.colors[mode]) for mode in COLOR_MODES},
        "selectedBorder": _SELECTED_BORDER,
    }
    full_nodes = graph.graph.get("full_node_count")
    full_edges = graph.graph.get("full_edge_count")
    notice = None
    if isinstance(full_nodes, int) and full_nodes > graph.number_of_nodes():
        notice = {"shown": graph.number_of_nodes(), "of": full_nodes,
                  "shown_edges": graph.number_of_edges(),
                  "of_edges": full_edges if isinstance(full_edges, int) else None}
    known_years = [year for year in view.years if year is not None]
    vis_js, vis_css = _vis_assets()
    env = _environment()
    return env.get_template(_TEMPLATE).render(
        heading=heading,
        view_note=graph.graph.get("view") if isinstance(graph.graph.get("view"), str) else None,
        directed=graph.is_directed(),
        node_count=graph.number_of_nodes(),
        edge_count=graph.number_of_edges(),
        legend=[(kind, kind_counts[kind.name]) for kind in _KINDS if kind_counts[kind.name]],
        community_legend=_community_legend(graph, view),
        year_legend=_year_legend(known_years, view.years.count(None)),
        year_range=(min(known_years), max(known_years)) if known_years else None,
        max_cited=max(view.cited, default=0),
        records_count=kind_counts["record"],
        notice=notice,
        layout=layout,
        color_by=color_by,
        graph_json=_script_json(payload),
        vis_js=_inline_script(vis_js),
        vis_css=_inline_style(vis_css),
    )


@dataclass
class _View:
    """What the page needs to know of each node, computed once."""

    index: dict[Hashable, int]
    kinds: list[str]
    years: list[int | None]
    cited: list[int]
    sizes: dict[Hashable, float]
    communities: dict[Hashable, int]
    given: dict[Hashable, tuple[float, float]] | None
    force: dict[Hashable, tuple[float, float]]
    year: dict[Hashable, tuple[float, float]]
    colors: dict[str, dict[Hashable, str]]

    @classmethod
    def of(cls, graph: nx.DiGraph, *, seed: int) -> _View:
        from citegraph import visual

        communities = visual.communities(graph, seed=seed)
        given = _given_positions(graph)
        force = given if given is not None else visual.layout(
            graph, "force", seed=seed, communities=communities)
        return cls(
            index={node: i for i, node in enumerate(graph)},
            kinds=[_kind(attrs) for _node, attrs in graph.nodes(data=True)],
            years=[visual.node_year(graph, node) for node in graph],
            cited=[visual.local_citations(graph, node) for node in graph],
            sizes=visual.sizes(graph),
            communities=communities,
            given=given,
            force=force,
            year=visual.layout(graph, "year", seed=seed, force=force, communities=communities),
            colors={mode: visual.colors(graph, mode, communities=communities)  # type: ignore[arg-type]
                    for mode in COLOR_MODES},
        )


def _given_positions(graph: nx.DiGraph) -> dict[Hashable, tuple[float, float]] | None:
    """The nodes' own ``x``/``y``, if every node has a finite pair."""
    positions = {}
    for node, attrs in graph.nodes(data=True):
        x, y = _coordinate(attrs.get("x")), _coordinate(attrs.get("y"))
        if x is None or y is None:
            return None
        positions[node] = (x, y)
    return positions or None


def _flat(positions: Mapping[Hashable, Sequence[float]], nodes: Any) -> list[int]:
    """``[x0, y0, x1, y1, ...]`` in the order of ``nodes``, in whole pixels.

    vis-network keeps a node's given position in whole pixels (it cuts the
    fraction off), so the page's layouts are whole pixels too.
    """
    flat: list[int] = []
    for node in nodes:
        x, y = positions[node]
        flat += (round(float(x)), round(float(y)))
    return flat


def _palette(colors: Mapping[Hashable, str]) -> dict[str, list]:
    """Colours as a palette and one palette index per node (compact for 20,000 nodes)."""
    palette: dict[str, int] = {}
    index = [palette.setdefault(color, len(palette)) for color in colors.values()]
    return {"palette": [{"fill": color, "border": _darker(color)} for color in palette],
            "index": index}


def _year_axis(years: list[int | None], positions: Mapping[Hashable, Sequence[float]],
               nodes: Any) -> dict[str, Any]:
    """Where each year's band lies on the x axis of a year layout (its centre)."""
    spans: dict[int | None, list[float]] = {}
    for year, node in zip(years, nodes):
        x = float(positions[node][0])
        low, high = spans.get(year, [x, x])
        spans[year] = [min(low, x), max(high, x)]
    ticks = sorted((year, round((low + high) / 2, 1)) for year, (low, high) in spans.items()
                   if year is not None)
    unknown = spans.get(None)
    return {"ticks": ticks,
            "unknown": None if unknown is None else round((unknown[0] + unknown[1]) / 2, 1)}


def _records_view(graph: nx.DiGraph, view: _View, seed: int) -> dict[str, Any] | None:
    """The citation network among the records alone, laid out on its own."""
    from citegraph import visual

    records = [node for node, kind in zip(graph, view.kinds) if kind == "record"]
    if not records or len(records) == graph.number_of_nodes():
        return None
    sub = graph.subgraph(records)
    force = visual.layout(sub, "force", seed=seed,
                          communities={node: view.communities[node] for node in records})
    year = visual.layout(sub, "year", seed=seed, force=force,
                         communities={node: view.communities[node] for node in records})
    return {
        "index": [view.index[node] for node in records],
        "force": _flat(force, records),
        "year": _flat(year, records),
        "yearAxis": _year_axis([view.years[view.index[node]] for node in records], year, records),
    }


def _community_legend(graph: nx.DiGraph, view: _View) -> list[dict[str, Any]]:
    """The legend of the cluster colouring: the coloured clusters, then the rest."""
    from citegraph import visual

    members: dict[int, list[Hashable]] = {}
    for node in graph:
        members.setdefault(view.communities[node], []).append(node)
    legend = []
    rest = 0
    rest_count = 0
    for community in sorted(members):
        nodes = members[community]
        color = visual.community_color(community)
        if color == visual.OTHER_COMMUNITY_COLOR:
            rest += 1
            rest_count += len(nodes)
            continue
        top = max(nodes, key=lambda node: view.cited[view.index[node]])
        legend.append({"label": f"Cluster {community + 1}", "color": color, "count": len(nodes),
                       "hint": _label(str(top), graph.nodes[top])})
    if rest:
        legend.append({"label": f"{rest:,} smaller cluster{'s' * (rest != 1)}",
                       "color": visual.OTHER_COMMUNITY_COLOR, "count": rest_count, "hint": ""})
    return legend


def _year_legend(known: list[int], unknown: int) -> dict[str, Any] | None:
    """The legend of the year colouring: a gradient from the first year to the last."""
    from citegraph import visual

    if not known and not unknown:
        return None
    stops = ", ".join(visual.YEAR_COLORS)
    return {"first": min(known) if known else None, "last": max(known) if known else None,
            "gradient": f"linear-gradient(to right, {stops})",
            "unknown": unknown, "unknown_color": visual.UNKNOWN_YEAR_COLOR}


def _links_payload(graph: nx.DiGraph, index: Mapping[Hashable, int]) -> dict[str, list]:
    """Edges as parallel arrays: citing and cited node numbers, position, citation text."""
    source, target, position, citation = [], [], [], []
    titled = {node for node, title in graph.nodes(data="title") if title}
    texts = [attrs.get("citation") for _u, _v, attrs in graph.edges(data=True)]
    budget = sum(len(text) for text in texts if isinstance(text, str))
    for (u, v, attrs), text in zip(graph.edges(data=True), texts):
        source.append(index[u])
        target.append(index[v])
        rank = attrs.get("position")
        position.append(rank if isinstance(rank, int) and not isinstance(rank, bool) else None)
        keep = isinstance(text, str) and text and (budget <= _CITATION_BUDGET or v not in titled)
        citation.append(text if keep else None)
    return {"source": source, "target": target, "position": position, "citation": citation}


def _build_network(graph: nx.DiGraph, view: _View,
                   positions: Mapping[Hashable, Sequence[float]], *, large: bool,
                   directed: bool = True) -> Network:
    """Hold ``graph``'s nodes in a pyvis network, with the options the page uses."""
    from pyvis.network import Network  # imports IPython: only when rendering

    net = Network(directed=True)
    # pyvis checks every new node against a list of node ids: quadratic, about
    # 15 s for 20,000 nodes.  The same list, answering from a set, keeps it linear.
    net.node_ids = _NodeIdList()
    for node, attrs in graph.nodes(data=True):
        options: dict[str, Any] = {
            "label": _label(str(node), attrs),
            "group": _kind(attrs),
            "size": view.sizes[node],
        }
        x, y = positions[node]
        options["x"], options["y"] = round(float(x)), round(float(y))
        net.add_node(str(node), **options)
    net.set_options(json.dumps(_vis_options(large=large, directed=directed)))
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


def _record(node: str, attrs: dict[str, Any], view: _View, i: int) -> dict[str, Any]:
    """What the hover card and the side panel show about one node."""
    record: dict[str, Any] = {"kind": view.kinds[i]}
    for field in _TEXT_FIELDS:
        value = attrs.get(field)
        if value is not None and value != "":
            record[field] = str(value)
    record.setdefault("label", _label(node, attrs))
    if "authors" in record and attrs.get("et_al") in (True, "true", "True"):
        record["authors"] += " et al."  # the list as the source gave it: cut short
    year = attrs.get("year")
    if year is not None and year != "":
        record["year"] = year if isinstance(year, int) and not isinstance(year, bool) else str(year)
    sources = attrs.get("sources")
    if isinstance(sources, str) and sources.strip():
        record["sources"] = [part.strip() for part in sources.split("; ") if part.strip()]
    elif isinstance(sources, (list, tuple)) and sources:
        record["sources"] = [str(part) for part in sources]
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


def _vis_options(*, large: bool, directed: bool = True) -> dict[str, Any]:
    """vis-network's options.

    pyvis's ``set_options`` deletes every space of the JSON it is given, so no
    string here may contain one.
    """
    groups = {
        kind.name: {
            "color": {
                "background": kind.color, "border": kind.border,
                "highlight": {"background": kind.color, "border": _SELECTED_BORDER},
                "hover": {"background": kind.color, "border": _SELECTED_BORDER},
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
            # Labels from zoom 0.7 on (13 px × 0.7): below, they would be too
            # small to read and slow to draw.
            "scaling": {"label": {"drawThreshold": 9}},
        },
        "edges": {
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}},
            "color": {"color": "#b6bfcc", "highlight": "#1f2937", "hover": "#475569",
                      "inherit": False},
            "width": 1,
            "selectionWidth": 1.5,
            "smooth": {"enabled": True, "type": "continuous", "roundness": 0.3},
        },
        "interaction": {
            "hover": True,
            "hoverConnectedEdges": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": False,
            "hideEdgesOnZoom": False,
        },
        "layout": {"randomSeed": 7, "improvedLayout": not large},
        # Positions come from citegraph.visual: nothing moves by itself.
        "physics": {"enabled": False, "stabilization": {"enabled": False}},
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
