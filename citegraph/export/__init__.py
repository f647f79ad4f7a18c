"""Graph out to files: one module per format, imported only when used.

``EXPORTS`` maps a format name to its file suffix and writer; the HTML writer
pulls in pyvis (and IPython with it), so nothing here imports it up front.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import networkx as nx

__all__ = ["EXPORTS", "write_graph"]

#: format -> (file suffix, module, function)
EXPORTS: dict[str, tuple[str, str, str]] = {
    "html": (".html", "citegraph.export.html", "write_html"),
    "graphml": (".graphml", "citegraph.export.graphml", "write_graphml"),
    "gexf": (".gexf", "citegraph.export.gexf", "write_gexf"),
    "csv": (".csv", "citegraph.export.tables", "write_csv"),
    "json": (".json", "citegraph.export.tables", "write_json"),
}


def write_graph(graph: nx.Graph, fmt: str, path: str | os.PathLike[str]) -> list[Path]:
    """Write ``graph`` at ``path`` in format ``fmt`` (a key of :data:`EXPORTS`).

    Returns the files written (CSV writes two: ``<stem>-nodes.csv`` and
    ``<stem>-edges.csv``).
    """
    _suffix, module, function = EXPORTS[fmt]
    written = getattr(importlib.import_module(module), function)(graph, path)
    return list(written) if isinstance(written, (list, tuple)) else [written]
