"""citegraph: citation graphs from the literature records researchers already hold.

The pipeline, one function a stage::

    >>> import citegraph
    >>> records = [r for r in citegraph.read_records(["examples/pubmed-page-eur-spine-j-2025.txt"])
    ...            if isinstance(r, citegraph.Record)]                      # doctest: +SKIP
    >>> graph = citegraph.build_graph(citegraph.resolve_records(records))   # doctest: +SKIP

Heavy modules (networkx, lxml, pyvis) are imported on first use, so that
``import citegraph`` and ``citegraph --help`` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import CitegraphError, FormatError, InputError
from .model import Author, Record, Skipped, Source, Work

__version__ = "0.1.0"

__all__ = ["Author", "CitegraphError", "FormatError", "InputError", "Record", "Skipped",
           "Source", "Work", "build_graph", "parse_reference", "read_records",
           "resolve_records", "write_graph", "__version__"]

_LAZY = {
    "build_graph": "citegraph.graph",
    "parse_reference": "citegraph.references",
    "read_records": "citegraph.formats",
    "resolve_records": "citegraph.resolve",
    "write_graph": "citegraph.export",
}

if TYPE_CHECKING:
    from .export import write_graph
    from .formats import read_records
    from .graph import build_graph
    from .references import parse_reference
    from .resolve import resolve_records


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'citegraph' has no attribute {name!r}")
