"""Resolved works and citations into a ``networkx.DiGraph`` (citing → cited)."""

from __future__ import annotations

from collections import Counter

import networkx as nx

from ._gc import collector_paused
from .resolve import Node, Resolution

__all__ = ["NODE_ATTRIBUTES", "EDGE_ATTRIBUTES", "build_graph", "node_label"]

#: Node attributes and their types, as every export writes them.
NODE_ATTRIBUTES: dict[str, type] = {
    "label": str, "title": str, "authors": str, "year": int, "journal": str,
    "volume": str, "issue": str, "pages": str, "doi": str, "pmid": str, "pmcid": str,
    "kind": str, "cited_by": int, "et_al": bool, "sources": str,
}
#: Edge attributes and their types.
EDGE_ATTRIBUTES: dict[str, type] = {"position": int, "citation": str}


def node_label(node: Node) -> str:
    """A short label: first author's family name and year ("Li 2025").

    A family name written in capitals is given in title case.  Without an author, the title's first words stand in; without a year, the
    name stands alone.
    """
    work = node.work
    author = work.first_author
    if author is not None:
        name = author.family or author.name
        if author.family and name.isupper() and len(name) > 3:
            name = name.title()  # Web of Science writes cited names in capitals: "HOROWITZ" reads "Horowitz"
    elif work.title:
        words = work.title.split()
        name = " ".join(words[:4]) + ("…" if len(words) > 4 else "")
    else:
        name = node.id
    return f"{name} {work.year}" if work.year else name


def _attributes(node: Node, resolution: Resolution, label: str, cited_by: int) -> dict:
    work = node.work
    mentions = resolution.mentions
    sources = dict.fromkeys(mentions[i].source.path for i in node.mentions)
    attrs = {
        "label": label,
        "title": work.title,
        "authors": "; ".join(a.name for a in work.authors) or None,
        "et_al": True if work.et_al else None,  # the author list was cut short
        "year": work.year, "journal": work.journal, "volume": work.volume, "issue": work.issue,
        "pages": work.pages, "doi": work.doi, "pmid": work.pmid, "pmcid": work.pmcid,
        "kind": node.kind,
        "sources": "; ".join(sources) or None,  # the input files that mention the work
        "cited_by": cited_by,
    }
    return {k: v for k, v in attrs.items() if v is not None}


def build_graph(resolution: Resolution, *, name: str | None = None) -> nx.DiGraph:
    """The citation graph: one node per resolved work, one edge per citation.

    Node attributes are those of :data:`NODE_ATTRIBUTES`; an unknown value is
    left out for that node, never written as ``None`` or ``""``.  Labels that
    would repeat ("Li 2025" twice) get a letter: "Li 2025a", "Li 2025b".
    """
    with collector_paused():
        return _build(resolution, name)


def _build(resolution: Resolution, name: str | None) -> nx.DiGraph:
    graph = nx.DiGraph(name=name) if name else nx.DiGraph()
    labels = {node_id: node_label(node) for node_id, node in resolution.nodes.items()}
    repeats = Counter(labels.values())
    suffix: Counter[str] = Counter()
    cited_by = Counter(citation.cited for citation in resolution.citations)

    def nodes():
        for node_id, node in resolution.nodes.items():
            label = labels[node_id]
            if repeats[label] > 1:
                label += "abcdefghijklmnopqrstuvwxyz"[suffix[label] % 26]
                suffix[labels[node_id]] += 1
            yield node_id, _attributes(node, resolution, label, cited_by[node_id])

    def edges():
        for citation in resolution.citations:
            attrs = {}
            if citation.position is not None:
                attrs["position"] = citation.position
            if citation.citation is not None:
                attrs["citation"] = citation.citation
            yield citation.citing, citation.cited, attrs

    # in bulk: networkx adds from an iterable with less work per node and edge
    graph.add_nodes_from(nodes())
    graph.add_edges_from(edges())
    return graph
