"""GEXF 1.3 with the ``viz`` namespace: colors, sizes and positions Gephi shows at once.

Visual values come from node attributes when present: ``color`` ("#rrggbb")
or ``r``/``g``/``b``, ``size``, ``x``/``y``.  They are written as ``viz``
elements, not as data columns; every other attribute becomes a typed column.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx

from ..fsutil import atomic_write
from .graphml import _text, attribute_types, xml_safe

__all__ = ["generate_gexf", "write_gexf", "VISUAL_ATTRIBUTES"]

#: Node attributes that become viz elements rather than columns.
VISUAL_ATTRIBUTES = frozenset({"color", "r", "g", "b", "size", "x", "y"})
_GEXF_TYPE = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}
_HEX = re.compile(r"#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})")


def _q(value: Any) -> str:
    """``value`` as a double-quoted XML attribute value."""
    text = _text(value)  # escaped text, as GraphML writes it
    if '"' in text or "\n" in text or "\r" in text or "\t" in text:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return f'"{text}"'


def _rgb(attrs: dict) -> tuple[int, int, int] | None:
    if all(isinstance(attrs.get(c), int) for c in "rgb"):
        return attrs["r"], attrs["g"], attrs["b"]
    m = _HEX.fullmatch(str(attrs.get("color", "")))
    return tuple(int(x, 16) for x in m.groups()) if m else None  # type: ignore[return-value]


def _viz(attrs: dict) -> str:
    out = []
    if (rgb := _rgb(attrs)) is not None:
        out.append(f'<viz:color r="{rgb[0]}" g="{rgb[1]}" b="{rgb[2]}" a="1.0"/>')
    if isinstance(attrs.get("size"), (int, float)):
        out.append(f'<viz:size value="{float(attrs["size"]):g}"/>')
    if isinstance(attrs.get("x"), (int, float)) and isinstance(attrs.get("y"), (int, float)):
        out.append(f'<viz:position x="{float(attrs["x"]):g}" y="{float(attrs["y"]):g}" z="0.0"/>')
    return "".join(out)


def generate_gexf(graph: nx.Graph) -> Iterator[str]:
    """The GEXF 1.3 document of ``graph``, a batch of lines at a time."""
    node_types = {k: v for k, v in attribute_types(a for _, a in graph.nodes(data=True)).items()
                  if k not in VISUAL_ATTRIBUTES and k != "label"}
    edge_types = {k: v for k, v in attribute_types(a for *_, a in graph.edges(data=True)).items()
                  if k != "weight"}
    kind = "directed" if graph.is_directed() else "undirected"
    head = ['<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
            '<meta><creator>citegraph</creator>'
            f'<description>{escape(xml_safe(str(graph.graph.get("name") or "citation graph")))}'
            '</description></meta>\n'
            f'<graph defaultedgetype="{kind}" mode="static">\n']
    for cls, types in (("node", node_types), ("edge", edge_types)):
        if types:
            head.append(f'<attributes class="{cls}" mode="static">\n')
            head += [f'<attribute id={_q(k)} title={_q(k)} type="{_GEXF_TYPE[t]}"/>\n'
                     for k, t in types.items()]
            head.append("</attributes>\n")
    head.append("<nodes>\n")
    yield "".join(head)

    node_for = {k: f"<attvalue for={_q(k)} value=" for k in node_types}
    edge_for = {k: f"<attvalue for={_q(k)} value=" for k in edge_types}

    batch: list[str] = []
    for node, attrs in graph.nodes(data=True):
        values = "".join([f"{node_for[k]}{_q(v)}/>" for k, v in attrs.items()
                          if k in node_for and v is not None and v != "" and v == v])
        values = f"<attvalues>{values}</attvalues>" if values else ""
        label = attrs.get("label", node)
        batch.append(f"<node id={_q(node)} label={_q(label)}>{values}{_viz(attrs)}</node>\n")
        if len(batch) >= 5000:
            yield "".join(batch)
            batch = []
    batch.append("</nodes>\n<edges>\n")
    for i, (u, v, attrs) in enumerate(graph.edges(data=True)):
        values = "".join([f"{edge_for[k]}{_q(x)}/>" for k, x in attrs.items()
                          if k in edge_for and x is not None and x != "" and x == x])
        weight = attrs.get("weight")
        weight = f' weight="{float(weight):g}"' if isinstance(weight, (int, float)) else ""
        inner = f"<attvalues>{values}</attvalues>" if values else ""
        batch.append(f'<edge id="{i}" source={_q(u)} target={_q(v)}{weight}>{inner}</edge>\n'
                     if inner else f'<edge id="{i}" source={_q(u)} target={_q(v)}{weight}/>\n')
        if len(batch) >= 5000:
            yield "".join(batch)
            batch = []
    batch.append("</edges>\n</graph>\n</gexf>\n")
    yield "".join(batch)


def write_gexf(graph: nx.Graph, path: str | os.PathLike[str]) -> Path:
    """Write ``graph`` as GEXF 1.3 at ``path``, atomically.

    Examples
    --------
    >>> import tempfile
    >>> g = nx.DiGraph(); g.add_node("a", label="Li 2025", color="#2563eb", size=12.0, x=1.0, y=2.0)
    >>> g.add_edge("a", "b", position=1)
    >>> back = nx.read_gexf(write_gexf(g, os.path.join(tempfile.mkdtemp(), "g.gexf")))
    >>> back.nodes["a"]["label"], back.nodes["a"]["viz"]["color"], back.edges["a", "b"]["position"]
    ('Li 2025', {'r': 37, 'g': 99, 'b': 235, 'a': 1.0}, 1)
    """
    path = Path(path)
    with atomic_write(path, "w", encoding="utf-8") as fh:
        for chunk in generate_gexf(graph):
            fh.write(chunk)
    return path
