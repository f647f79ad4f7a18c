"""bench/online.py: growth to 2,000 works at depth 2 against a local server, cold then cached.

Runs what ``citegraph build examples/pubmed-page-eur-spine-j-2025.txt --online
--depth 2 --max-nodes 2000`` runs (read, enrich, grow, resolve, build), twice
against the local stand-in of NCBI, Crossref and OpenAlex that the tests use
(``tests/online/fake_services.py``, a world of invented works), with the real
rate limits (NCBI 3 requests a second, no key), and prints the time of each
stage, the requests each service received and how large the batches were.
The second run reads the same cache folder and must send no request.

    python bench/online.py [--nodes 2000] [--depth 2] [--direction refs] [--pool 6000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# bench/ holds scripts named like modules of the standard library (html.py): not importable from here
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "online"))

from fake_services import FakeServices, World, generated_world  # noqa: E402

from citegraph.formats import read_records  # noqa: E402
from citegraph.graph import build_graph  # noqa: E402
from citegraph.model import Record  # noqa: E402
from citegraph.online import enrich_records, grow, make_clients, make_session, services_from_env  # noqa: E402
from citegraph.resolve import resolve_records  # noqa: E402

SEED = REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt"


def run(server: FakeServices, cache: Path, args) -> dict:
    times: dict[str, float] = {}
    start = time.perf_counter()
    records = [r for r in read_records([str(SEED)]) if isinstance(r, Record)]
    times["read"] = time.perf_counter() - start
    before = len(server.requests)
    services = services_from_env(server.env())
    session = make_session(cache, services.values(), allowed_hosts={"127.0.0.1"})
    clients = make_clients(session, services)
    t = time.perf_counter()
    records = enrich_records(records, clients)
    times["enrich"] = time.perf_counter() - t
    t = time.perf_counter()
    records = grow(records, clients, depth=args.depth, direction=args.direction, max_nodes=args.nodes)
    times["grow"] = time.perf_counter() - t
    session.close()
    t = time.perf_counter()
    graph = build_graph(resolve_records(records), name="bench")
    times["resolve+build"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - start
    sent = server.requests[before:]
    batches: dict[str, list[int]] = {}
    for request in sent:
        name = request.path.rsplit("/", 1)[-1]
        size = (len(request.param("id").split(",")) if name == "efetch.fcgi" else
                len(request.query.get("id", [])) if name == "elink.fcgi" else
                request.param("bdata").count("\r") + 1 if name == "ecitmatch.cgi" else
                len((request.param("filter") or "").replace(",", "|").split("|"))
                if request.param("filter") else 1)
        batches.setdefault(f"{request.service} {name}", []).append(size)
    return {"times": times, "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
            "records": len(records), "requests": Counter(r.service for r in sent), "batches": batches,
            "report": clients.report,
            "waited": {n: round(s.limiter.waited, 2) for n, s in services.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--direction", default="refs", choices=("refs", "citedby", "both"))
    parser.add_argument("--pool", type=int, default=6000, help="invented works the server knows")
    args = parser.parse_args()
    world = generated_world(args.pool, 30, base=World.load(), fan_out=60, seed=8)
    with FakeServices(world) as server, tempfile.TemporaryDirectory() as folder:
        print(f"local server: {len(world.works):,} works; seed {SEED.name}; depth {args.depth}, "
              f"{args.direction}, --max-nodes {args.nodes}; NCBI 3/s, Crossref 5/s, OpenAlex 10/s")
        for label in ("cold cache", "warm cache"):
            result = run(server, Path(folder) / "cache", args)
            times = "  ".join(f"{k} {v:.2f}s" for k, v in result["times"].items())
            requests = ", ".join(f"{s} {result['requests'].get(s, 0)}" for s in ("eutils", "crossref", "openalex"))
            print(f"\n{label}: {result['nodes']:,} nodes, {result['edges']:,} edges, "
                  f"{result['records']:,} records")
            print(f"  time      {times}")
            print(f"  requests  {requests} (total {sum(result['requests'].values())})")
            print(f"  waited    for rate limits: {result['waited']}")
            for name, sizes in sorted(result["batches"].items()):
                print(f"  batch     {name:<26} {len(sizes):>3} requests, ids per request: "
                      f"max {max(sizes)}, mean {sum(sizes) / len(sizes):.0f}")
            report = result["report"]
            print(f"  report    filled {dict(report.filled)}; added {report.added}; "
                  f"looked up {report.expanded}; capped {report.capped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
