"""Time the HTML view: writing the page, its size, and how soon a browser has drawn it.

Run: python bench/html.py [--sizes 1000,20000] [--repeat 3] [--out bench/out]

For each size N it builds a synthetic citation graph of N nodes and 3N edges
shaped like a real one (records citing 20-40 references drawn from a
long-tailed pool, citing works citing the records, titles, authors, journals,
identifiers, and the citation text on every edge), then prints medians over
``--repeat`` runs of:

* generation: ``write_html`` from the graph to the file (layouts, clusters,
  rendering, writing);
* the file's size;
* drawn: in headless Chromium with every request refused, the time from
  navigation start to the page's ``data-layout=done`` marker and the first
  canvas frame drawn after it (the page records that moment itself, as
  ``data-drawn-ms`` on its body);
* redraw: the median time to redraw and rasterise the whole graph at the
  fitted zoom, over ten redraws;
* pan frame: the median time between frames while the mouse drags the view.

Screenshots of every page opened go to ``--out`` (git-ignored ``bench/out/``
by default): the whole graph as opened, zoomed in, coloured by cluster, and
laid out by year.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and its name
# would hide the standard library's html package (which networkx imports).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
REPO = _HERE.parent
sys.path.insert(0, str(REPO))

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import networkx as nx  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

_WORDS = ("spinal cord compression metastatic tumour surgery outcome cohort randomised trial "
          "radiotherapy survival decompression fixation endoscopic lumbar thoracic fusion "
          "minimally invasive quality of life pain score review meta-analysis imaging MRI "
          "patients treatment neurological deficit prognosis stereotactic").split()
_NAMES = ("Li Wang Zhang Chen Smith Müller Tanaka Garcia Rossi Kim Novak Dubois Silva Patel "
          "Johansson Kowalski Nguyen Cohen Ivanova O'Brien").split()
_JOURNALS = ("Spine", "Eur Spine J", "J Neurosurg Spine", "Lancet Oncol", "Neurosurgery",
             "Radiother Oncol", "Global Spine J", "Int J Radiat Oncol Biol Phys")


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 16))).capitalize()


def _authors(rng: random.Random) -> str:
    return "; ".join(f"{rng.choice(_NAMES)} {rng.choice('ABCDEFGHJKLMNPRSTW')}"
                     f"{rng.choice(['', 'A', 'J', 'M'])}" for _ in range(rng.randint(1, 8)))


def synthetic_graph(n_nodes: int, n_edges: int | None = None, *, seed: int = 1,
                    topics: int = 12) -> nx.DiGraph:
    """A citation graph shaped like one citegraph builds from a literature search.

    A tenth of the nodes are records, a twentieth citing works, the rest
    references.  Each record cites references mostly of its own topic, drawn
    with a long-tailed popularity (most references are cited once or twice,
    a few dozens of times), and now and then an older record; citing works
    cite three records.  Every node has a label, a kind and most have a year,
    title, authors, journal and identifiers; every edge carries its position
    and the citation as written.
    """
    n_edges = 3 * n_nodes if n_edges is None else n_edges
    rng = random.Random(seed)
    graph = nx.DiGraph(name=f"Synthetic literature search ({n_nodes:,} works)")
    n_records = max(2, n_nodes // 10)
    n_citing = max(1, n_nodes // 20)
    n_refs = n_nodes - n_records - n_citing
    records = [f"doi:10.5555/rec.{i}" for i in range(n_records)]
    citing = [f"pmid:{30_000_000 + i}" for i in range(n_citing)]
    refs = [f"ref:{rng.getrandbits(32):08x}{i}" for i in range(n_refs)]

    def add(node: str, kind: str, i: int, years: tuple[int, int]) -> None:
        authors = _authors(rng)
        year = rng.randint(*years) if rng.random() < 0.93 else None
        attrs = {"kind": kind, "title": _title(rng), "authors": authors,
                 "journal": rng.choice(_JOURNALS), "volume": str(rng.randint(1, 60)),
                 "pages": f"{rng.randint(1, 900)}-{rng.randint(901, 999)}",
                 "label": authors.split(" ", 1)[0] + (f" {year}" if year else ""),
                 "sources": f"search-{i % 3 + 1}.txt"}
        if year:
            attrs["year"] = year
        if kind != "reference" or rng.random() < 0.5:
            attrs["doi"] = f"10.5555/{kind}.{i}"
        if kind != "reference" or rng.random() < 0.4:
            attrs["pmid"] = str(20_000_000 + len(graph))
        graph.add_node(node, **attrs)

    for i, node in enumerate(refs):
        add(node, "reference", i, (1975, 2018))
    for i, node in enumerate(records):
        add(node, "record", i, (2008, 2025))
    for i, node in enumerate(citing):
        add(node, "citing", i, (2016, 2026))

    by_topic: dict[int, list[str]] = {t: refs[t::topics] for t in range(topics)}
    weights = {t: [1.0 / (1 + k) ** 1.05 for k in range(len(pool))]
               for t, pool in by_topic.items()}
    edges: set[tuple[str, str]] = set()
    # Every reference is cited at least once, by a record of its topic.
    for i, ref in enumerate(refs):
        topic_records = records[i % topics::topics] or records
        edges.add((rng.choice(topic_records), ref))
    for node in citing:  # each citing work cites three records
        edges.update((node, cited) for cited in rng.sample(records, min(3, n_records)))
    while len(edges) < n_edges:
        record = rng.randrange(n_records)
        topic = record % topics
        if rng.random() < 0.06:
            cited = records[rng.randrange(n_records)]
        elif rng.random() < 0.88:
            cited = rng.choices(by_topic[topic], weights[topic])[0]
        else:
            cited = refs[rng.randrange(n_refs)]
        if cited != records[record]:
            edges.add((records[record], cited))
    position: dict[str, int] = {}
    for citing_node, cited in sorted(edges):
        position[citing_node] = position.get(citing_node, 0) + 1
        attrs = graph.nodes[cited]
        graph.add_edge(citing_node, cited, position=position[citing_node],
                       citation=f"{attrs['authors'].split(';')[0]} et al. {attrs['title']}. "
                                f"{attrs['journal']}. {attrs.get('year', 'n.d.')}")
    for node, degree in graph.in_degree():
        graph.nodes[node]["cited_by"] = degree
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,20000",
                        help="comma-separated node counts (edges: three times as many)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out",
                        help="folder for the screenshots (default: bench/out, git-ignored)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    args.out.mkdir(parents=True, exist_ok=True)

    from citegraph.export.html import write_html

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            graph = synthetic_graph(size)
            path = Path(tmp) / f"graph-{size}.html"
            generation = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                write_html(graph, path)
                generation.append(time.perf_counter() - started)
            drawn, frames, pans = _browser_times(path, args.repeat, args.out / f"html-{size}")
            rows.append((size, graph.number_of_edges(), statistics.median(generation),
                         path.stat().st_size, statistics.median(drawn),
                         statistics.median(frames), statistics.median(pans)))
    print(f"{'nodes':>8} {'edges':>8} {'generation':>11} {'file':>9} {'drawn':>8} "
          f"{'redraw':>8} {'pan frame':>10}   (medians of {args.repeat} runs, headless Chromium, "
          f"software rendering)")
    for size, edges, gen_s, size_b, drawn_ms, frame_ms, pan_ms in rows:
        print(f"{size:>8,} {edges:>8,} {gen_s:>10.2f}s {size_b / 1e6:>7.1f}MB "
              f"{drawn_ms / 1000:>7.2f}s {frame_ms:>6.0f}ms {pan_ms:>8.0f}ms")


def _browser_times(path: Path, repeat: int, shots: Path
                   ) -> tuple[list[float], list[float], list[float]]:
    """Open the page ``repeat`` times: the time to drawn, a full redraw, a frame while panning."""
    from playwright.sync_api import sync_playwright

    url = path.resolve().as_uri()
    drawn, frames, pans = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for run in range(repeat):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                context.route("**/*", lambda route: route.continue_()
                              if route.request.url == url else route.abort())
                page = context.new_page()
                page.goto(url)
                page.wait_for_selector("body[data-drawn-ms]", state="attached", timeout=120_000)
                drawn.append(float(page.get_attribute("body", "data-drawn-ms")))
                if run == 0:
                    page.screenshot(path=f"{args_shots(shots)}-opened.png")
                frames.append(page.evaluate(
                    """() => { const t = []; const canvas = network.canvas.frame.canvas;
                       for (let i = 0; i < 10; i++) { const s = performance.now(); network.redraw();
                         canvas.getContext("2d").getImageData(0, 0, 1, 1);  // rasterise now
                         t.push(performance.now() - s); }
                       t.sort((a, b) => a - b); return t[5]; }"""))
                pans.append(_pan(page))
                if run == 0:
                    _screenshots(page, shots)  # after the pan: fits the view again
                context.close()
        finally:
            browser.close()
    return drawn, frames, pans


def _pan(page) -> float:
    """Drag the view as a user would; the median time between frames drawn (ms)."""
    page.evaluate("""() => { window.__frames = [];
        network.on("afterDrawing", () => window.__frames.push(performance.now())); }""")
    page.mouse.move(700, 450)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(700 + 12 * step, 450 + 6 * step)
    page.mouse.up()
    page.wait_for_timeout(300)
    times = page.evaluate("window.__frames")
    gaps = sorted(b - a for a, b in zip(times, times[1:]))
    return gaps[len(gaps) // 2] if gaps else float("nan")


def args_shots(prefix: Path) -> str:
    return str(prefix)


def _screenshots(page, prefix: Path) -> None:
    """Zoomed in on the most cited work, then by cluster, then by year."""
    page.evaluate("""() => { const ids = network.body.nodeIndices; let best = ids[0], size = 0;
        for (const id of ids) { const n = network.body.nodes[id];
          if (n.options.size > size) { size = n.options.size; best = id; } }
        network.moveTo({position: network.getPosition(best), scale: 1.0}); }""")
    page.wait_for_timeout(300)
    page.screenshot(path=f"{prefix}-zoomed.png")
    page.click("#cg-color-community")
    page.click("#cg-fit")
    page.wait_for_timeout(800)
    page.screenshot(path=f"{prefix}-clusters.png")
    page.click("#cg-layout-year")
    page.wait_for_timeout(1200)
    page.screenshot(path=f"{prefix}-years.png")


if __name__ == "__main__":
    main()
