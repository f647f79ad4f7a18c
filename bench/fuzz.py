"""Mutated real record files against every reader: crashes, hangs and lost records, counted.

Each case takes one fixture file (``../shared/fixtures``, ``tests/data``,
``examples``) and one mutation of its bytes: truncation, byte flips, deleted
bytes, inserted junk lines or bytes, a duplicated record, a piece of the file
spliced elsewhere, a whole-file re-encoding (UTF-8 with and without BOM,
UTF-16 LE/BE with BOM, cp1252, Latin-1, CRLF, CR) or a re-encoding then an
edit.  The reader of the fixture's format reads the mutated bytes under a
time limit.  What counts as a failure, and what "a record the mutation did
not touch" means for each format, is in ``tests/robustness/fuzzing.py``.

Cases are spread evenly over the readers, and case ``i`` of seed ``s`` is the
same on every machine: ``--only-case i`` runs it again.  ``--truncate-all``
adds a truncation at every byte of every fixture of at most
``--truncate-max-bytes``.  Workers are separate processes, each with a memory
cap, so that a runaway case cannot take the machine down; a worker that stops
answering is counted as a hang and replaced.

Examples::

    PYTHONPATH=. python bench/fuzz.py --cases 2000 --jobs 1
    PYTHONPATH=. python bench/fuzz.py --cases 100000 --jobs 2 --truncate-all --save /tmp/fuzz-failures
    PYTHONPATH=. python bench/fuzz.py --only-case 1234 --minimize
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# bench/ is sys.path[0] when this runs as a script: a bench/html.py would shadow the standard library's html
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "robustness")]

import fuzzing  # noqa: E402

_state: dict = {}


def _init(memory_mb: int, readers: list[str], max_bytes: int | None, time_limit: float) -> None:
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.nice(5)
    import logging
    logging.disable(logging.CRITICAL)  # readers log what they skip; the tally says it
    _state["fixtures"] = {r: fuzzing.fixtures_for(r, max_bytes) for r in readers}
    _state["readers"] = [r for r in readers if _state["fixtures"][r]]
    _state["time_limit"] = time_limit


def case_of(seed: int, index: int, readers: list[str], fixtures: dict) -> tuple:
    rnd = random.Random(f"{seed}:{index}")
    reader = readers[index % len(readers)]
    # small files more often: a 4 MB file costs a hundred small ones, and finds no more
    choices = fixtures[reader]
    fx = rnd.choices(choices, weights=[1 / (1 + len(f.data) / 50_000) for f in choices])[0]
    mutation = fuzzing.make_mutation(fuzzing.RandomChooser(rnd), fx)
    return fx, mutation


def _run_chunk(job: tuple) -> list[tuple]:
    seed, indices, truncations = job
    out = []
    for index in indices:
        fx, mutation = case_of(seed, index, _state["readers"], _state["fixtures"])
        out.append(_one(index, fx, mutation, pipeline=mutation.whole))
    for name, at in truncations:
        fx = next(f for fs in _state["fixtures"].values() for f in fs if f.name == name)
        out.append(_one(-1, fx, fuzzing.Mutation("truncate", at, len(fx.data))))
    return out


def _one(index: int, fx, mutation, pipeline: bool = False) -> tuple:
    try:
        outcome = fuzzing.check(fx, mutation, _state["time_limit"], pipeline=pipeline)
        data = mutation.apply(fx) if outcome.problems else None
        detection = fuzzing.detection_problem(fx, mutation.apply(fx)) if index % 7 == 0 else None
        if detection:
            outcome.problems.append(("exception", detection))
        return (index, fx.format, fx.name, mutation.describe(), mutation.kind, outcome.problems,
                outcome.seconds, outcome.unread_after_break, data)
    except MemoryError:
        return (index, fx.format, fx.name, mutation.describe(), mutation.kind,
                [("exception", "MemoryError (over the worker's memory cap)")], 0.0, 0, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000, help="mutated inputs (default: 100000)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    parser.add_argument("--readers", help="comma-separated reader names (default: all)")
    parser.add_argument("--max-bytes", type=int, default=None, help="only fixtures up to this size")
    parser.add_argument("--time-limit", type=float, default=fuzzing.TIME_LIMIT)
    parser.add_argument("--memory-mb", type=int, default=2048, help="address-space cap per worker")
    parser.add_argument("--truncate-all", action="store_true",
                        help="also truncate every small fixture at every byte")
    parser.add_argument("--truncate-max-bytes", type=int, default=12_000)
    parser.add_argument("--save", metavar="DIR", help="write each failing input and its description here")
    parser.add_argument("--only-case", type=int, help="run one case (by index) in this process and show it")
    parser.add_argument("--minimize", action="store_true", help="with --only-case: shrink the failing input")
    parser.add_argument("--chunk", type=int, default=100)
    args = parser.parse_args(argv)

    import logging
    logging.disable(logging.CRITICAL)
    readers = args.readers.split(",") if args.readers else fuzzing.reader_names()
    if not fuzzing.SHARED_FIXTURES.is_dir():
        print(f"note: {fuzzing.SHARED_FIXTURES} is absent: only tests/data and examples are fuzzed", file=sys.stderr)
    if args.only_case is not None:
        return _only_case(args, readers)

    fixtures = {r: fuzzing.fixtures_for(r, args.max_bytes) for r in readers}
    active = [r for r in readers if fixtures[r]]
    print("fixtures: " + ", ".join(f"{r} {len(fixtures[r])}" for r in active), flush=True)
    truncations = []
    if args.truncate_all:
        for r in active:
            for fx in fixtures[r]:
                if len(fx.data) <= args.truncate_max_bytes:
                    truncations += [(fx.name, at) for at in range(len(fx.data) + 1)]
    jobs = []
    for start in range(0, args.cases, args.chunk):
        jobs.append((args.seed, list(range(start, min(args.cases, start + args.chunk))), []))
    for start in range(0, len(truncations), args.chunk * 4):
        jobs.append((args.seed, [], truncations[start:start + args.chunk * 4]))
    total = args.cases + len(truncations)
    print(f"cases: {args.cases} random + {len(truncations)} truncations at every byte = {total}, "
          f"{args.jobs} worker(s), seed {args.seed}", flush=True)

    tally: dict[str, Counter] = defaultdict(Counter)
    failures: list[tuple] = []
    slowest: dict[str, tuple[float, str]] = {}
    started = time.monotonic()
    done = 0
    ctx = mp.get_context("fork")
    with ctx.Pool(args.jobs, initializer=_init,
                  initargs=(args.memory_mb, active, args.max_bytes, args.time_limit),
                  maxtasksperchild=50) as pool:
        results = pool.imap_unordered(_run_chunk, jobs)
        while True:
            try:
                chunk = results.next(timeout=max(120.0, args.time_limit * args.chunk * 4 * 2))
            except StopIteration:
                break
            except mp.TimeoutError:
                print("a worker stopped answering: counted as a hang, the run ends here", file=sys.stderr)
                tally["?"]["hang"] += 1
                break
            for index, fmt, name, what, kind, problems, seconds, unread, data in chunk:
                t = tally[fmt]
                t["cases"] += 1
                t["seconds"] += seconds
                t["unread_after_break"] += unread
                if seconds > slowest.get(fmt, (0.0, ""))[0]:
                    slowest[fmt] = (seconds, f"{name}: {what}")
                for problem, detail in problems:
                    t[problem] += 1
                if problems:
                    failures.append((index, fmt, name, what, problems))
                    if args.save and data is not None:
                        _save(Path(args.save), len(failures), index, fmt, name, what, problems, data)
                done += 1
            if done and done % 10_000 < len(chunk):
                rate = done / (time.monotonic() - started)
                print(f"  {done}/{total} cases, {rate:.0f}/s, {len(failures)} failing", flush=True)
    elapsed = time.monotonic() - started
    _report(tally, failures, slowest, elapsed, done)
    return 1 if failures else 0


def _save(folder: Path, n: int, index: int, fmt: str, name: str, what: str, problems, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{n:04d}-{fmt}-case{index}"
    stem.with_suffix(".bin").write_bytes(data)
    stem.with_suffix(".txt").write_text(f"{fmt} {name}\n{what}\n" + "\n".join(f"{k}: {d}" for k, d in problems)
                                        + "\n", encoding="utf-8")


def _report(tally, failures, slowest, elapsed, done) -> None:
    kinds = ("exception", "hang", "lost", "damaged", "contract", "changed")
    print()
    print(f"{'reader':15} {'cases':>8} " + " ".join(f"{k:>9}" for k in kinds)
          + f" {'unread*':>8} {'ms/case':>8} {'slowest':>8}")
    for fmt in sorted(tally):
        t = tally[fmt]
        ms = 1000 * t["seconds"] / t["cases"] if t["cases"] else 0
        print(f"{fmt:15} {t['cases']:>8} " + " ".join(f"{t[k]:>9}" for k in kinds)
              + f" {t['unread_after_break']:>8} {ms:>8.1f} {slowest.get(fmt, (0, ''))[0]:>7.2f}s")
    total = Counter()
    for t in tally.values():
        total.update(t)
    print(f"{'all':15} {total['cases']:>8} " + " ".join(f"{total[k]:>9}" for k in kinds)
          + f" {total['unread_after_break']:>8}")
    print(f"\n{done} cases in {elapsed:.0f} s: {done / elapsed:.0f} cases/s")
    print("unread*: records after a break in a UTF-16 XML file (the one kind read only up to a break), reported by the reader")
    if failures:
        print(f"\n{len(failures)} failing case(s); first of each kind and reader:")
        seen = set()
        for index, fmt, name, what, problems in failures:
            for kind, detail in problems:
                key = (fmt, kind, detail.split(" (at ")[-1] if kind == "exception" else kind)
                if key in seen:
                    continue
                seen.add(key)
                print(f"  case {index} {fmt} {name}: {what[:160]}\n    {kind}: {detail[:300]}")
    for fmt, (seconds, what) in sorted(slowest.items()):
        if seconds > 1.0:
            print(f"slowest {fmt}: {seconds:.2f} s on {what[:150]}")


def _only_case(args, readers: list[str]) -> int:
    _init(0, readers, args.max_bytes, args.time_limit)
    fx, mutation = case_of(args.seed, args.only_case, _state["readers"], _state["fixtures"])
    outcome = fuzzing.check(fx, mutation, args.time_limit, pipeline=mutation.whole)
    print(fuzzing.describe_case(fx, mutation))
    print(f"{outcome.seconds:.3f} s, {outcome.records} records, {outcome.skipped} skipped, "
          f"error: {outcome.error}")
    for kind, detail in outcome.problems:
        print(f"{kind}: {detail}")
    if outcome.problems and args.minimize:
        data = fuzzing.minimize(fx, mutation.apply(fx), outcome.problems[0])
        print(f"minimal input ({len(data)} bytes): {data!r}")
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    sys.exit(main())
