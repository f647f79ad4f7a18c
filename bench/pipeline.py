"""Time the whole pipeline: start-up, and each stage on many PubMed pages.

Run: python bench/pipeline.py [--pages 300] [--repeat 5]

Prints medians over ``--repeat`` runs:
* start-up: ``citegraph --help`` and ``citegraph build`` on the example, as
  subprocesses (what a user waits for);
* per stage, in-process, on ``--pages`` generated pages: each a copy of the
  example with its title, DOI and reference list varied, so that the resolver
  has real work (shared references merge, distinct ones do not).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt"
sys.path.insert(0, str(REPO))


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_pages(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """n variants of the example page: a shared pool of references, each page citing 5-40 of them."""
    rng = random.Random(seed)
    text = EXAMPLE.read_text(encoding="utf-8")
    head, _, _ = text.partition("References\n")
    pool = [f"    1. Author{i} AB, Second CD, Third EF et al ({1990 + i % 35}) Study number {i} of "
            f"spinal metastases and their surgical treatment. J Spine Res {i % 60 + 1}({i % 12 + 1}):"
            f"{100 + i}–{110 + i} - PubMed" for i in range(n * 4)]
    paths = []
    for k in range(n):
        page = head.replace("Thoracic spine metastases", f"Variant {k}: thoracic spine metastases")
        page = page.replace("10.1007/s00586-025-09078-3", f"10.9999/bench.{k}")
        refs = rng.sample(pool, rng.randint(5, 40))
        page += "References\n\n" + "\n".join(refs) + "\n\nPublication types\n"
        path = folder / f"page-{k:05d}.txt"
        path.write_text(page, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from citegraph.export import write_graph
    from citegraph.formats import read_records
    from citegraph.graph import build_graph
    from citegraph.model import Record
    from citegraph.resolve import resolve_records

    cmd = [sys.executable, "-m", "citegraph"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        help_s = median_time(lambda: subprocess.run(cmd + ["--help"], capture_output=True, check=True),
                             args.repeat)
        build_s = median_time(lambda: subprocess.run(
            cmd + ["build", str(EXAMPLE), "-o", tmp, "-q"], capture_output=True, check=True), args.repeat)
        print(f"start-up   citegraph --help                 {help_s * 1000:8.0f} ms (median of {args.repeat})")
        print(f"example    citegraph build (html+graphml)   {build_s * 1000:8.0f} ms (median of {args.repeat})")

        pages_dir = tmp_path / "pages"
        pages_dir.mkdir()
        paths = make_pages(pages_dir, args.pages)
        size = sum(p.stat().st_size for p in paths) / 1e6
        items: list = []
        read_s = median_time(lambda: items.__setitem__(slice(None), list(read_records([str(pages_dir)]))),
                             args.repeat)
        records = [r for r in items if isinstance(r, Record)]
        refs = sum(len(r.references) for r in records)
        resolution = None

        def do_resolve():
            nonlocal resolution
            resolution = resolve_records(records)

        resolve_s = median_time(do_resolve, args.repeat)
        graph = build_graph(resolution)
        build_graph_s = median_time(lambda: build_graph(resolution), args.repeat)
        graphml_s = median_time(lambda: write_graph(graph, "graphml", tmp_path / "g.graphml"), args.repeat)
        html_s = median_time(lambda: write_graph(graph, "html", tmp_path / "g.html"), args.repeat)

    print(f"input      {len(records)} pages, {refs} references, {size:.1f} MB")
    print(f"read       {read_s:8.3f} s  {len(records) / read_s:8.0f} pages/s  {refs / read_s:8.0f} refs/s")
    print(f"resolve    {resolve_s:8.3f} s  {(refs + len(records)) / resolve_s:8.0f} mentions/s"
          f"  -> {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    print(f"graph      {build_graph_s:8.3f} s")
    print(f"graphml    {graphml_s:8.3f} s")
    print(f"html       {html_s:8.3f} s")


if __name__ == "__main__":
    main()
