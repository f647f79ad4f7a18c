"""GraphML that Gephi, igraph and networkx read as written.

networkx's writer numbers its keys ``d0, d1, ...`` and Gephi takes a node key
with id ``d3`` as the label whatever its name; an attribute that holds both
integers and strings becomes two keys with one name; ``None`` makes it refuse
to write.  This writer declares one key per attribute, with the attribute's
name as its id and a single type (the widest its values need: boolean, long,
double, else string), leaves out unknown values, drops the control characters
that XML 1.0 cannot carry, escapes all text, and streams lines so that a large
graph is written in one pass.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from ..fsutil import atomic_write

__all__ = ["generate_graphml", "write_graphml", "attribute_types", "xml_safe"]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
_RANK = {"boolean": 0, "long": 1, "double": 2, "string": 3}


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


_KIND_OF_TYPE = {bool: "boolean", int: "long", float: "double", str: "string"}


def _known(value: Any) -> bool:
    return value is not None and value != "" and value == value  # NaN is not equal to itself


def attribute_types(items: Iterator[Mapping[str, Any]]) -> dict[str, str]:
    """One GraphML type per attribute: the widest its known values need.

    Booleans mixed with numbers, or numbers mixed with text, widen to text.

    Examples
    --------
    >>> attribute_types(iter([{"year": 2025, "x": 1}, {"year": 2024, "x": 0.5, "t": "a"}]))
    {'year': 'long', 'x': 'double', 't': 'string'}
    """
    types: dict[str, str] = {}
    for attrs in items:
        for key, value in attrs.items():
            new = _KIND_OF_TYPE.get(type(value), "string")
            old = types.get(key)
            if old is new or not _known(value):  # the common case first: nothing changes
                continue
            if old is None:
                types[key] = new
            elif "boolean" in (old, new) or "string" in (old, new):
                types[key] = "string"
            else:
                types[key] = max(old, new, key=_RANK.__getitem__)
    return types


def _text(value: Any) -> str:
    """Any value as escaped XML text."""
    kind = type(value)
    if kind is not str:
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            return str(value)
        if kind is float:
            return repr(value)
        if isinstance(value, (list, tuple, set, frozenset)):
            value = "; ".join(str(v) for v in value)
        else:
            value = str(value)
    if not value.isprintable():  # fast path: most text has no control characters
        value = _NOT_XML.sub("", value)
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    return value


def _data(attrs: Mapping[str, Any], tags: Mapping[str, str]) -> str:
    return "".join([f"{tags[k]}{_text(v)}</data>" for k, v in attrs.items()
                    if v is not None and v != "" and v == v])


def generate_graphml(graph: nx.Graph) -> Iterator[str]:
    """The GraphML document of ``graph``, a few lines at a time.

    Examples
    --------
    >>> g = nx.DiGraph(); g.add_node("a", label="Li <2025>", year=2025); g.add_edge("a", "b")
    >>> print("".join(generate_graphml(g)))  # doctest: +ELLIPSIS
    <?xml ...
    <key id="label" for="node" attr.name="label" attr.type="string"/>
    <key id="year" for="node" attr.name="year" attr.type="long"/>
    <graph id="G" edgedefault="directed">
    <node id="a"><data key="label">Li &lt;2025&gt;</data><data key="year">2025</data></node>
    <node id="b"/>
    <edge source="a" target="b"/>
    </graph>
    </graphml>
    <BLANKLINE>
    """
    node_types = attribute_types(attrs for _, attrs in graph.nodes(data=True))
    edge_types = attribute_types(attrs for _, _, attrs in graph.edges(data=True))
    graph_attrs = {k: v for k, v in graph.graph.items()
                   if _known(v) and isinstance(v, (str, int, float, bool))}
    graph_types = attribute_types(iter([graph_attrs]))
    clash = node_types.keys() & edge_types.keys() | (node_types.keys() | edge_types.keys()) & graph_types.keys()
    ids = {}  # (domain, name) -> key id; ids must be unique across domains
    out = [_HEADER]
    for domain, types in (("graph", graph_types), ("node", node_types), ("edge", edge_types)):
        for name, kind in types.items():
            key_id = f"{domain}_{name}" if name in clash and domain != "node" else name
            ids[domain, name] = key_id
            out.append(f'<key id={quoteattr(xml_safe(key_id))} for="{domain}" '
                       f'attr.name={quoteattr(xml_safe(name))} attr.type="{kind}"/>\n')
    direction = "directed" if graph.is_directed() else "undirected"
    out.append(f'<graph id="G" edgedefault="{direction}">\n')
    for name, value in graph_attrs.items():
        out.append(f'<data key={quoteattr(ids["graph", name])}>{_text(value)}</data>\n')
    yield "".join(out)

    node_tags = {name: f"<data key={quoteattr(ids['node', name])}>" for name in node_types}
    edge_tags = {name: f"<data key={quoteattr(ids['edge', name])}>" for name in edge_types}
    quoted: dict[Any, str] = {}  # node -> its id as an XML attribute value, computed once
    batch: list[str] = []
    for node, attrs in graph.nodes(data=True):
        data = _data(attrs, node_tags)
        node_id = quoted[node] = quoteattr(xml_safe(str(node)))
        batch.append(f"<node id={node_id}>{data}</node>\n" if data else f"<node id={node_id}/>\n")
        if len(batch) >= 5000:
            yield "".join(batch)
            batch = []
    for u, v, attrs in graph.edges(data=True):
        data = _data(attrs, edge_tags) if attrs else ""
        ends = f"source={quoted[u]} target={quoted[v]}"
        batch.append(f"<edge {ends}>{data}</edge>\n" if data else f"<edge {ends}/>\n")
        if len(batch) >= 5000:
            yield "".join(batch)
            batch = []
    batch.append("</graph>\n</graphml>\n")
    yield "".join(batch)


def write_graphml(graph: nx.Graph, path: str | os.PathLike[str]) -> Path:
    """Write ``graph`` as GraphML at ``path``, atomically.

    Examples
    --------
    >>> import tempfile
    >>> g = nx.DiGraph(); g.add_edge("a", "b"); g.nodes["a"]["label"] = "Li 2025"
    >>> out = write_graphml(g, os.path.join(tempfile.mkdtemp(), "g.graphml"))
    >>> nx.read_graphml(out).nodes["a"]["label"]
    'Li 2025'
    """
    path = Path(path)
    with atomic_write(path, "w", encoding="utf-8") as fh:
        for chunk in generate_graphml(graph):
            fh.write(chunk)
    return path
