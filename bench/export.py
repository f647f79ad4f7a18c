"""Time the exports and the derived networks.

Run: python bench/export.py [--nodes 100000] [--edges 500000] [--repeat 3]

Prints medians over ``--repeat`` runs:
* GraphML and GEXF of a generated citation graph (``--nodes``, ``--edges``, with
  the attributes a real graph carries), beside networkx's own GraphML writer;
* co-citation and bibliographic coupling of ManyAuthors.isi (500 Web of
  Science records) with minimum weight 2, from the file's citation graph.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MANY_AUTHORS = (REPO.parent / "shared" / "fixtures" / "wos_scopus"
                / "networks-lab__metaknowledge__metaknowledge_tests_ManyAuthors.isi")
sys.path.insert(0, str(REPO))


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def generated_graph(n_nodes: int, n_edges: int, seed: int = 1):
    import networkx as nx
    rng = random.Random(seed)
    g = nx.DiGraph(name="bench")
    kinds = ("record", "reference", "reference", "reference", "citing")
    for i in range(n_nodes):
        g.add_node(f"ref:{i:012x}", label=f"Author{i} {1980 + i % 45}",
                   title=f"A study of spinal metastases, number {i}, and what follows from it",
                   authors=f"Author{i} AB; Second CD; Third EF", year=1980 + i % 45, journal="Eur Spine J",
                   volume=str(i % 60), pages=f"{i % 900}-{i % 900 + 9}", kind=kinds[i % 5],
                   doi=f"10.1000/bench.{i}" if i % 3 == 0 else None, cited_by=0, pagerank=1 / n_nodes,
                   community=i % 40, color="#94a3b8", r=148, g=163, b=184, size=12.0 + i % 7,
                   x=rng.uniform(-1e4, 1e4), y=rng.uniform(-1e4, 1e4))
    nodes = list(g)
    edges = set()
    while len(edges) < n_edges:
        u, v = nodes[rng.randrange(n_nodes)], nodes[rng.randrange(n_nodes)]
        if u != v:
            edges.add((u, v))
    g.add_edges_from((u, v, {"position": rng.randint(1, 60)}) for u, v in edges)
    for node in g:
        attrs = g.nodes[node]
        if attrs["doi"] is None:
            del attrs["doi"]
    return g


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-networkx", action="store_true", help="skip networkx's writer")
    args = parser.parse_args()

    import networkx as nx

    from citegraph.export.gexf import write_gexf
    from citegraph.export.graphml import write_graphml

    graph = generated_graph(args.nodes, args.edges)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ours = timed(lambda: write_graphml(graph, out / "g.graphml"), args.repeat)
        size = (out / "g.graphml").stat().st_size / 1e6
        gexf = timed(lambda: write_gexf(graph, out / "g.gexf"), args.repeat)
        gexf_size = (out / "g.gexf").stat().st_size / 1e6
        print(f"graph      {args.nodes:,} nodes, {args.edges:,} edges, {len(graph.nodes['ref:000000000000'])}"
              f" node attributes (median of {args.repeat})")
        print(f"graphml    citegraph  {ours:6.2f} s  {size:6.1f} MB")
        if not args.no_networkx:
            theirs = timed(lambda: nx.write_graphml(graph, out / "nx.graphml"), args.repeat)
            print(f"graphml    networkx   {theirs:6.2f} s  ({theirs / ours:.1f}x citegraph's time)")
        print(f"gexf       citegraph  {gexf:6.2f} s  {gexf_size:6.1f} MB")

    if not MANY_AUTHORS.exists():
        print("co-citation: ManyAuthors.isi not found (../shared), skipped")
        return
    from citegraph.analysis import cocitation, coupling
    from citegraph.formats import read_records
    from citegraph.graph import build_graph
    from citegraph.model import Record
    from citegraph.resolve import resolve_records

    records = [r for r in read_records([str(MANY_AUTHORS)]) if isinstance(r, Record)]
    citations = build_graph(resolve_records(records))
    result = {}
    co = timed(lambda: result.__setitem__("co", cocitation(citations, 2)), args.repeat)
    cp = timed(lambda: result.__setitem__("cp", coupling(citations, 2)), args.repeat)
    print(f"ManyAuthors.isi: {citations.number_of_nodes():,} nodes, {citations.number_of_edges():,} edges")
    print(f"co-citation, weight >= 2   {co:6.2f} s  {result['co'].number_of_nodes():,} nodes"
          f" {result['co'].number_of_edges():,} edges")
    print(f"coupling, weight >= 2      {cp:6.2f} s  {result['cp'].number_of_nodes():,} nodes"
          f" {result['cp'].number_of_edges():,} edges")


if __name__ == "__main__":
    main()
