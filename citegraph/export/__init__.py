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
}


def write_graph(graph: nx.DiGraph, fmt: str, path: str | os.PathLike[str]) -> Path:
    """Write ``graph`` at ``path`` in format ``fmt`` (a key of :data:`EXPORTS`)."""
    _suffix, module, function = EXPORTS[fmt]
    writer = getattr(importlib.import_module(module), function)
    return writer(graph, path)
