"""Measure the resolver: accuracy on truth sets, speed and memory at scale, metaknowledge side by side.

Run: python bench/resolve.py [--sizes 10000,100000,1000000] [--repeat 3] [--skip-scale] [--skip-accuracy]
     METAKNOWLEDGE_PYTHON=/tmp/mk-venv/bin/python python bench/resolve.py   # adds the comparison

Accuracy: every reference that carries an identifier in the fixtures (PubMed XML
ReferenceList, PMC JATS pub-ids, Web of Science CR DOIs) is a labelled mention.
Its identifiers are hidden, the records are resolved, and the clusters are
scored pairwise against the hidden identifiers: precision is the share of
predicted same-work pairs that share an identifier, recall the share of
same-identifier pairs that the resolver put together.

The JATS fixtures are four unrelated articles: no work is cited twice, so the
set has no pair to find.  Each article is therefore read twice: as the file
tags its references, and as a "printed twin" that cites the same works as
strings (a mixed-citation's own text, else the tagged fields written out in
Vancouver style) read back by the reference parser.  Tagged against parsed is
the match PMC and PubMed records ask of the resolver.

Scale: corpora of n references are generated from the real references of the
fixtures, with realistic noise (a dropped title, a typo in the title, the
journal abbreviated or spelled out, "et al." lists cut, pages abbreviated),
cited by synthetic records with a skewed (Zipf-like) choice of what they cite.
Each size runs in its own process; time and peak memory (max RSS) are printed,
and the exponent of time against n is fitted on a log-log scale.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from _peak import peak_mb  # bench/ is on the path: this file runs as a script

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO.parent / "shared" / "fixtures"
sys.path.insert(0, str(REPO))

TRUTH_SETS = {
    "pubmed-xml": sorted((FIXTURES / "pubmed_xml").glob("*.xml")),
    "pmc-jats": sorted((FIXTURES / "pmc_jats").glob("*.nxml")),
    "wos": sorted((FIXTURES / "wos_scopus").glob("*.isi")) + [
        FIXTURES / "wos_scopus" / "networks-lab__metaknowledge__docs_examples_savedrecs.txt"],
}
MANY_AUTHORS = FIXTURES / "wos_scopus" / "networks-lab__metaknowledge__metaknowledge_tests_ManyAuthors.isi"


def read(paths):
    from citegraph.formats import read_records
    from citegraph.model import Record
    return [r for r in read_records([str(p) for p in paths if p.exists()]) if isinstance(r, Record)]


def label(work):
    return ("doi", work.doi) if work.doi else ("pmid", work.pmid) if work.pmid else \
        ("pmcid", work.pmcid) if work.pmcid else None


def hide_identifiers(records):
    """Records whose references lost their identifiers; the labels, by (record, position)."""
    from citegraph.model import Record
    labels = {}
    hidden = []
    for r_index, record in enumerate(records):
        refs = []
        for position, ref in enumerate(record.references, 1):
            truth = label(ref)
            if truth:
                labels[r_index, position] = truth
            refs.append(ref.replace(doi=None, pmid=None, pmcid=None))
        hidden.append(Record(record.work, record.source, tuple(refs), record.cited_by))
    return hidden, labels


def _printed(work) -> str | None:
    """A reference written out in Vancouver style, as another article might print it."""
    names = [f"{a.family} {a.initials}".strip() if a.family else a.name for a in work.authors[:6]]
    parts = []
    if names:
        parts.append(", ".join(names) + (", et al." if work.et_al or len(work.authors) > 6 else "."))
    if work.title:
        parts.append(work.title.rstrip(".") + ".")
    if work.journal:
        parts.append(work.journal.rstrip(".") + ".")
    place = str(work.year or "") + (f";{work.volume}" if work.volume else "") \
        + (f"({work.issue})" if work.issue else "") + (f":{work.pages}" if work.pages else "")
    if place:
        parts.append(place + ".")
    return " ".join(parts) or None


def printed_twins(records):
    """Each record again, citing the same works as strings read back by the reference parser.

    The identifiers of the original references stay on the twins' (as labels:
    ``hide_identifiers`` hides them from the resolver like every other).
    """
    from citegraph.model import Record, Source, Work
    from citegraph.references import parse_reference
    twins = []
    for index, record in enumerate(records, 1):
        references = []
        for ref in record.references:
            text = ref.raw or _printed(ref)
            read_back = parse_reference(text) if text else ref
            references.append(read_back.replace(doi=ref.doi, pmid=ref.pmid, pmcid=ref.pmcid))
        twins.append(Record(Work(title=f"Printed twin of record {index}", year=2025),
                            Source("printed-twin", "bench", index=index), tuple(references)))
    return twins


def pairwise(clusters_of_labels):
    """Pairwise precision and recall from, per predicted cluster, the labels of its mentions."""
    tp = predicted = 0
    truth = Counter()
    for labels in clusters_of_labels:
        predicted += len(labels) * (len(labels) - 1) // 2
        for n in Counter(labels).values():
            tp += n * (n - 1) // 2
        truth.update(labels)
    actual = sum(n * (n - 1) // 2 for n in truth.values())
    return (tp / predicted if predicted else 1.0), (tp / actual if actual else 1.0), predicted, actual


def accuracy() -> None:
    from citegraph.resolve import resolve_records

    print("accuracy: identifiers hidden, pairwise precision / recall against them")
    print(f"  {'set':<12} {'records':>8} {'labelled':>9} {'true pairs':>11} {'found pairs':>12}"
          f" {'precision':>10} {'recall':>8}")
    for name, paths in TRUTH_SETS.items():
        records = read(paths)
        if name == "pmc-jats":  # four unrelated articles: each is cited again by its printed twin
            records += printed_twins(records)
            name = "pmc-jats*"
        hidden, labels = hide_identifiers(records)
        res = resolve_records(hidden)
        clusters = defaultdict(list)
        node_of = res.node_of()
        for i, m in enumerate(res.mentions):
            if m.role == "reference" and (m.record, m.position) in labels:
                clusters[node_of[i]].append(labels[m.record, m.position])
        p, r, found, true = pairwise(clusters.values())
        print(f"  {name:<12} {len(records):>8} {len(labels):>9} {true:>11} {found:>12} {p:>10.4f} {r:>8.4f}")
    print("  * the 4 JATS articles and a printed twin of each: every reference again as a string,"
          " read back by the reference parser")


# -- scale -------------------------------------------------------------------

def _noisy(work, rng):
    """A reference as another citing paper might have written it."""
    from citegraph.references import expand_page_range  # noqa: F401  (same package, warm import)
    changes = {}
    roll = rng.random()
    if work.title and roll < 0.15:
        changes["title"] = None
    elif work.title and roll < 0.30:
        words = work.title.split()
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 3:
            words[i] = w[:-2] + w[-1] + w[-2]  # swapped letters
        changes["title"] = " ".join(words)
    if work.journal and rng.random() < 0.2:
        changes["journal"] = work.journal.upper()
    if len(work.authors) > 1 and rng.random() < 0.3:
        changes["authors"] = work.authors[:1]
        changes["et_al"] = True
    if rng.random() < 0.4:
        changes["doi"] = None
    return work.replace(**changes) if changes else work


def make_corpus(n_refs: int, seed: int = 11):
    from citegraph.model import Record, Source, Work
    pool = [ref for r in read(TRUTH_SETS["wos"] + TRUTH_SETS["pubmed-xml"] + TRUTH_SETS["pmc-jats"])
            for ref in r.references]
    rng = random.Random(seed)
    # distinct works: the real references, then copies made distinct (other year/volume/page/title)
    works = list({id(w): w for w in pool}.values())
    target = max(n_refs // 4, len(works))
    k = 0
    while len(works) < target:
        base = works[k % len(pool)]
        k += 1
        works.append(base.replace(
            year=(base.year or 2000) + rng.randint(1, 9), volume=str(rng.randint(1, 400)),
            pages=str(rng.randint(1, 9000)), doi=f"10.9{rng.randint(100, 999)}/x{k}" if base.doi else None,
            title=(base.title + f" part {k}") if base.title else None, raw=None))
    weights = [1 / (i + 1) ** 0.8 for i in range(len(works))]
    records = []
    made = 0
    while made < n_refs:
        size = min(rng.randint(10, 60), n_refs - made)
        cited = rng.choices(works, weights=weights, k=size)
        refs = tuple(_noisy(w, rng) for w in cited)
        idx = len(records)
        records.append(Record(Work(title=f"Synthetic record {idx}", doi=f"10.9999/rec.{idx}", year=2024),
                              Source("synthetic", "bench", index=idx + 1), refs))
        made += size
    return records


def scale_one(n_refs: int) -> dict:
    from citegraph.resolve import resolve_records
    records = make_corpus(n_refs)
    start = time.perf_counter()
    res = resolve_records(records)
    seconds = time.perf_counter() - start
    multi_doi = sum(1 for node in res.nodes.values() if len(node.ids.get("doi", ())) > 1)
    return {"refs": n_refs, "seconds": seconds, "nodes": len(res.nodes), "multi_doi": multi_doi,
            "peak_mb": peak_mb()}



def scale(sizes: list[int], repeat: int = 3) -> None:
    print(f"scale: generated corpora, one process per size and run, median of {repeat} runs"
          " (peak = max RSS of those processes, corpus included)")
    print(f"  {'references':>11} {'seconds':>9} {'refs/s':>9} {'nodes':>9} {'peak MB':>8} {'multi-DOI':>9}")
    rows = []
    for n in sizes:
        runs = []
        for _ in range(repeat):
            out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True,
                                 text=True, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        row = {**runs[0], "seconds": statistics.median(r["seconds"] for r in runs),
               "peak_mb": max(r["peak_mb"] for r in runs)}
        rows.append(row)
        print(f"  {n:>11,} {row['seconds']:>9.2f} {n / row['seconds']:>9,.0f} {row['nodes']:>9,}"
              f" {row['peak_mb']:>8,.0f} {row['multi_doi']:>9}")
    if len(rows) > 1:
        xs = [math.log(r["refs"]) for r in rows]
        ys = [math.log(r["seconds"]) for r in rows]
        mx, my = statistics.mean(xs), statistics.mean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        # the same fit for time = n log n over the same sizes: the bound to compare with
        zs = [math.log(r["refs"] * math.log(r["refs"])) for r in rows]
        mz = statistics.mean(zs)
        bound = sum((x - mx) * (z - mz) for x, z in zip(xs, zs)) / sum((x - mx) ** 2 for x in xs)
        print(f"  fitted exponent of time against n: {slope:.3f} (n log n over these sizes: {bound:.3f})")


# -- metaknowledge -----------------------------------------------------------

_MK_SCRIPT = r"""
import sys, time, json, collections
import metaknowledge
start = time.perf_counter()
rc = metaknowledge.RecordCollection(sys.argv[1])
graph = rc.networkCitation()
seconds = time.perf_counter() - start
dois = collections.defaultdict(set)
for record in rc:
    for c in record.get("citations") or []:  # a citation network node is keyed by c.ID()
        if getattr(c, "DOI", None):
            dois[c.ID()].add(c.DOI.lower())
print(json.dumps({"seconds": seconds, "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
                  "multi_doi": sum(1 for s in dois.values() if len(s) > 1)}))
"""


def versus_metaknowledge(repeat: int = 3) -> None:
    from citegraph.graph import build_graph
    from citegraph.resolve import resolve_records

    if not MANY_AUTHORS.exists():
        print("metaknowledge: ManyAuthors.isi not found, skipped")
        return
    ours = []
    for _ in range(repeat):
        start = time.perf_counter()
        res = resolve_records(read([MANY_AUTHORS]))
        graph = build_graph(res)
        ours.append(time.perf_counter() - start)
    multi = sum(1 for node in res.nodes.values() if len(node.ids.get("doi", ())) > 1)
    print("file to citation network, ManyAuthors.isi (500 records, 40,321 references)")
    print(f"  citegraph      {statistics.median(ours):7.2f} s  {graph.number_of_nodes():>6} nodes"
          f" {graph.number_of_edges():>6} edges  nodes holding 2+ DOIs: {multi}")
    mk_python = os.environ.get("METAKNOWLEDGE_PYTHON")
    if not mk_python:
        print("  metaknowledge  (set METAKNOWLEDGE_PYTHON to an interpreter that has it)")
        return
    runs = []
    for _ in range(repeat):
        out = subprocess.run([mk_python, "-c", _MK_SCRIPT, str(MANY_AUTHORS)], capture_output=True,
                             text=True)
        if out.returncode:
            print("  metaknowledge failed:", out.stderr.strip().splitlines()[-1:])
            return
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    mk = statistics.median(r["seconds"] for r in runs)
    print(f"  metaknowledge  {mk:7.2f} s  {runs[0]['nodes']:>6} nodes {runs[0]['edges']:>6} edges"
          f"  nodes holding 2+ DOIs: {runs[0]['multi_doi']}")
    print(f"  citegraph is {mk / statistics.median(ours):.1f}x as fast (median of {repeat})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000,100000,300000,1000000")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the median is printed")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(scale_one(args.one)))
        return
    if not FIXTURES.exists():
        sys.exit(f"{FIXTURES} not found: the bench reads the real fixtures from ../shared")
    if not args.skip_accuracy:
        accuracy()
        versus_metaknowledge()
    if not args.skip_scale:
        scale([int(s) for s in args.sizes.split(",")], args.repeat)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
