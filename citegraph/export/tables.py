"""Tables: nodes and edges as CSV (Gephi's spreadsheet import, VOSviewer), node-link JSON."""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path
from typing import Any

import networkx as nx

from ..fsutil import atomic_write

__all__ = ["write_csv", "write_json", "node_columns", "edge_columns"]


def _known(value: Any) -> bool:
    return value is not None and value != "" and not (isinstance(value, float) and math.isnan(value))


def _cell(value: Any) -> Any:
    if not _known(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(map(str, value))
    return value


def node_columns(graph: nx.Graph) -> list[str]:
    """Attribute names of the nodes, in first-seen order, ``label`` excluded (it is ``Label``)."""
    seen: dict[str, None] = {}
    for _, attrs in graph.nodes(data=True):
        seen.update(dict.fromkeys(k for k in attrs if k != "label"))
    return list(seen)


def edge_columns(graph: nx.Graph) -> list[str]:
    seen: dict[str, None] = {}
    for *_, attrs in graph.edges(data=True):
        seen.update(dict.fromkeys(k for k in attrs if k != "weight"))
    return list(seen)


def write_csv(graph: nx.Graph, path: str | os.PathLike[str]) -> list[Path]:
    """Write ``<stem>-nodes.csv`` and ``<stem>-edges.csv`` beside ``path``.

    Columns follow Gephi's spreadsheet import: ``Id, Label, ...`` for nodes and
    ``Source, Target, Type, Weight, ...`` for edges; unknown values are empty.
    """
    path = Path(path)
    stem = path.name[:-len(path.suffix)] if path.suffix else path.name
    nodes_path = path.with_name(f"{stem}-nodes.csv")
    edges_path = path.with_name(f"{stem}-edges.csv")
    columns = node_columns(graph)
    with atomic_write(nodes_path, "w") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["Id", "Label", *columns])
        for node, attrs in graph.nodes(data=True):
            writer.writerow([node, _cell(attrs.get("label", node)), *(_cell(attrs.get(c)) for c in columns)])
    kind = "Directed" if graph.is_directed() else "Undirected"
    columns = edge_columns(graph)
    with atomic_write(edges_path, "w") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["Source", "Target", "Type", "Weight", *columns])
        for u, v, attrs in graph.edges(data=True):
            writer.writerow([u, v, kind, _cell(attrs.get("weight", 1)), *(_cell(attrs.get(c)) for c in columns)])
    return [nodes_path, edges_path]


def write_json(graph: nx.Graph, path: str | os.PathLike[str]) -> Path:
    """Write node-link JSON, as ``networkx.node_link_graph(data, edges="edges")`` reads it."""
    path = Path(path)
    data = {
        "directed": graph.is_directed(),
        "multigraph": graph.is_multigraph(),
        "graph": {k: v for k, v in graph.graph.items() if _known(v)},
        "nodes": [{"id": n, **{k: _json(v) for k, v in a.items() if _known(v)}}
                  for n, a in graph.nodes(data=True)],
        "edges": [{"source": u, "target": v, **{k: _json(x) for k, x in a.items() if _known(x)}}
                  for u, v, a in graph.edges(data=True)],
    }
    with atomic_write(path, "w") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return path


def _json(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json(v) for v in value]
    return str(value)
