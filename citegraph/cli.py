"""The ``citegraph`` command: each subcommand calls one library function.

stdout carries results (the summary, JSON lines); progress and warnings go to
stderr.  Exit status: 0 on success, 1 on data errors (with a one-line message),
2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import CitegraphError
from .model import Record, Skipped
from .online.cli import add_cache_command, add_online_options

log = logging.getLogger("citegraph")

_EPILOG_BUILD = """\
examples:
  citegraph build examples/pubmed-page-eur-spine-j-2025.txt
  citegraph build pages/ -o graphs/ --name spine --format graphml
  citegraph build page.html --open
  citegraph build page.txt --online --depth 1    # fill identifiers, add references of references
"""


class _Progress:
    """One line on stderr, rewritten in place; silent unless stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.last = 0.0

    def update(self, message: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.enabled and (force or now - self.last > 0.1):
            self.last = now
            sys.stderr.write("\r\033[K" + message[:120])
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _read(inputs: Sequence[str], progress: _Progress) -> tuple[list[Record], list[Skipped]]:
    from ._gc import collector_paused
    from .formats import read_records

    records: list[Record] = []
    skipped: list[Skipped] = []
    with collector_paused():
        for item in read_records(inputs):
            (records if isinstance(item, Record) else skipped).append(item)
            progress.update(f"reading: {len(records)} records, {len(skipped)} skipped "
                            f"({item.source.path})")
    progress.done()
    return records, skipped


def _default_name(inputs: Sequence[str]) -> str:
    if len(inputs) == 1 and inputs[0] != "-":
        name = Path(inputs[0].rstrip("/\\")).name
        name = re.sub(r"(\.gz)?$", "", name)
        name = Path(name).stem if Path(name).suffix else name
        return re.sub(r"[^\w.-]+", "-", name).strip("-.") or "citegraph"
    return "citegraph"


def _years(text: str) -> tuple[int | None, int | None]:
    """``--years``: "2000-2010", "2000-", "-2010" or "2005" (argparse type)."""
    m = re.fullmatch(r"\s*(\d{4})?\s*-\s*(\d{4})?\s*|\s*(\d{4})\s*", text)
    if not m or not any(m.groups()):
        raise argparse.ArgumentTypeError(f"wants A-B, A- or -B (four-digit years), not {text!r}")
    if m.group(3):
        return int(m.group(3)), int(m.group(3))
    first, last = (int(g) if g else None for g in m.groups()[:2])
    return first, last


def _positive(text: str) -> int:
    """argparse type: an integer of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"wants a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _formats(text: str) -> list[str]:
    from .export import EXPORTS

    formats = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in EXPORTS]
    if unknown or not formats:
        raise _Usage(f"unknown --format {','.join(unknown) or '(empty)'}; "
                     f"choose from {','.join(EXPORTS)}")
    return formats


def _apply_views(graph, args: argparse.Namespace):
    """The view the options ask for, with metrics computed once, within it."""
    from . import analysis

    notes = []
    if args.years:
        graph = analysis.years(graph, *args.years)
        notes.append("years {}-{}".format(*(y or "" for y in args.years)))
    if args.records_only:
        graph = analysis.records_only(graph)
        notes.append("records only")
    if args.around:
        try:
            graph = analysis.around(graph, args.around, args.radius)
        except KeyError as exc:
            raise CitegraphError(exc.args[0]) from None
        notes.append(f"around {graph.graph['center']} (radius {args.radius})")
    if args.min_citations:
        graph = analysis.min_citations(graph, args.min_citations)
        notes.append(f"cited at least {args.min_citations} times")
    if args.main_path:
        path = analysis.main_path(analysis.records_only(graph))
        for node in path:
            graph.nodes[node]["main_path"] = True
        for a, b in zip(path, path[1:]):
            graph.edges[b, a]["main_path"] = True
        notes.append(f"main path of {len(path)} records")
    if args.cocitation or args.coupling:
        build = analysis.cocitation if args.cocitation else analysis.coupling
        name = graph.graph.get("name")
        graph = build(graph, args.min_weight)
        graph.graph["name"] = name
        community = analysis.communities(graph)
        for node, attrs in graph.nodes(data=True):
            attrs["degree"] = graph.degree(node)
            attrs["weight"] = graph.degree(node, weight="weight")
            attrs["community"] = community.get(node, 0)
        notes.append(f"{graph.graph['relation']}, weight >= {args.min_weight}")
    else:
        analysis.add_metrics(graph)
    if notes:
        graph.graph["view"] = "; ".join(notes)
    return graph


def _trim_and_style(graph, args: argparse.Namespace, progress: _Progress):
    """--max-nodes, then the layout, colors and sizes every output shares."""
    from .visual import apply_visuals, keep_most_cited

    if args.max_nodes is not None and graph.number_of_nodes() > args.max_nodes:
        graph = keep_most_cited(graph, args.max_nodes)
    progress.update("laying out", force=True)
    return apply_visuals(graph, color_by=args.color_by, seed=args.seed)


def _write(graph, args: argparse.Namespace, name: str, progress: _Progress) -> list[Path]:
    from .export import EXPORTS, write_graph

    written: list[Path] = []
    for fmt in _formats(args.format):
        progress.update(f"writing {fmt}", force=True)
        path = Path(args.output) / f"{name}{EXPORTS[fmt][0]}"
        if fmt == "html":
            from .export.html import write_html
            written.append(write_html(graph, path, layout=args.layout, color_by=args.color_by,
                                      seed=args.seed))
        else:
            written += write_graph(graph, fmt, path)
    progress.done()
    return written


def _open(written: list[Path]) -> None:
    html = next((p for p in written if p.suffix == ".html"), None)
    if html is None:
        print("citegraph: --open needs the html format", file=sys.stderr)
    else:
        import webbrowser
        webbrowser.open(html.resolve().as_uri())


def _graph_line(graph) -> str:
    notes = [graph.graph["view"]] if graph.graph.get("view") else []
    if "full_node_count" in graph.graph:
        notes.append(f"the {graph.number_of_nodes()} most cited of {graph.graph['full_node_count']} works")
    return (f"graph     {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges"
            + (f" ({'; '.join(notes)})" if notes else ""))


def cmd_build(args: argparse.Namespace) -> int:
    from .graph import build_graph
    from .online.cli import apply_online, online_requested, online_usage_problem
    from .resolve import resolve_records

    _formats(args.format)  # a usage error before any work
    if (problem := online_usage_problem(args)):
        raise _Usage(problem)
    progress = _Progress(not args.quiet)
    records, skipped = _read(args.inputs, progress)
    for item in skipped:
        print(f"citegraph: skipped {item}", file=sys.stderr)
    if not records:
        print("citegraph: error: nothing could be read from the input", file=sys.stderr)
        return 1
    if skipped and args.strict:
        print(f"citegraph: error: {len(skipped)} input(s) skipped and --strict is set",
              file=sys.stderr)
        return 1

    # what the files hold, for the "read" line; growth adds records of its own
    read_count, file_count = len(records), len({r.source.path for r in records})
    read_refs = sum(len(r.references) for r in records)
    read_citing = sum(len(r.cited_by) for r in records)
    online_lines: list[str] = []
    if online_requested(args):
        records, online_lines = apply_online(records, args, progress)

    name = args.name or _default_name(args.inputs)
    decisions = None
    if args.merge:
        from .resolve.review import read_decisions
        decisions = read_decisions(args.merge)
    resolution = resolve_records(records, decisions=decisions)
    full = build_graph(resolution, name=name)
    graph = _trim_and_style(_apply_views(full, args), args, progress)
    written = _write(graph, args, name, progress)
    if args.review:
        from .resolve.review import write_review
        written.append(write_review(resolution, args.review))

    merged = resolution.merged_by
    lines = [
        f"read      {read_count} record{'s' * (read_count != 1)} from "
        f"{file_count} file(s): {read_refs} references, {read_citing} citing works",
        *online_lines,
        f"resolved  {len(resolution.nodes)} works, {len(resolution.citations)} citations "
        f"(merged: {merged.get('id', 0)} by identifier, {merged.get('key', 0)} by key, "
        f"{merged.get('fuzzy', 0)} by fuzzy match"
        + (f", {merged['manual']} by your review" if merged.get("manual") else "")
        + f"; {resolution.conflicts} kept apart for conflicting identifiers; "
        f"{len(resolution.reviews)} uncertain)",
        _graph_line(graph),
    ]
    if skipped:
        lines.append(f"skipped   {len(skipped)}: " + "; ".join(str(s) for s in skipped[:3])
                     + (" ..." if len(skipped) > 3 else ""))
    lines += [f"wrote     {path}" for path in written]
    print("\n".join(lines))
    if args.open:
        _open(written)
    return 0


def _read_graphml(path: str):
    import networkx as nx

    from .errors import InputError

    try:
        graph = nx.read_graphml(path, force_multigraph=False)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except Exception as exc:  # networkx raises several kinds on bad GraphML
        raise InputError(path, f"not a GraphML file ({exc})") from None
    if not any("kind" in attrs for _, attrs in graph.nodes(data=True)):
        raise InputError(path, "not a graph written by citegraph (its nodes have no 'kind')")
    graph.graph.setdefault("name", _default_name([path]))
    return graph


def cmd_view(args: argparse.Namespace) -> int:
    _formats(args.format)
    graph = _read_graphml(args.graph)
    name = args.name or f"{_default_name([args.graph])}-view"
    progress = _Progress(not args.quiet)
    view = _trim_and_style(_apply_views(graph, args), args, progress)
    written = _write(view, args, name, progress)
    print("\n".join([_graph_line(view), *(f"wrote     {p}" for p in written)]))
    if args.open:
        _open(written)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .analysis import summary

    graph = _read_graphml(args.graph)
    data = summary(graph, top=args.top)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0

    def table(title: str, rows: list[dict], count: str) -> list[str]:
        out = [f"{title}:"]
        for i, row in enumerate(rows, 1):
            text = (row.get("title") or "")[:70]
            out.append(f"  {i:>3}. {row['count']:>6} {count}  {row['label']:<24.24} {text}")
        return out + [""]

    kinds = ", ".join(f"{n} {k}" for k, n in data["kinds"].items())
    years = data["years"]
    lines = [f"graph       {data['name'] or args.graph}",
             f"nodes       {data['nodes']} ({kinds})",
             f"edges       {data['edges']}",
             f"components  {data['components']['count']} (largest: {data['components']['largest']} nodes)",
             f"years       {years['first']}-{years['last']} ({years['known']} works dated)" if years
             else "years       none known", ""]
    lines += table("most cited", data["most_cited"], "cited")
    lines += table("records that cite the most", data["most_citing_records"], "refs ")
    lines.append("communities:")
    for c in data["communities"]:
        top = "; ".join(t["label"] for t in c["top"])
        lines.append(f"  {c['community']:>3}. {c['size']:>6} works  top: {top}")
    print("\n".join(lines))
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from .formats import read_records

    read = 0
    for item in read_records(args.inputs):
        if isinstance(item, Skipped):
            print(f"citegraph: skipped {item}", file=sys.stderr)
            continue
        read += 1
        out = {"source": str(item.source), "format": item.source.format,
               "work": item.work.as_json(),
               "references": [r.as_json() for r in item.references]}
        if item.cited_by:
            out["cited_by"] = [w.as_json() for w in item.cited_by]
        print(json.dumps(out, ensure_ascii=False))
    return 0 if read else 1


def cmd_parse_refs(args: argparse.Namespace) -> int:
    from .formats import decode, read_bytes
    from .references import parse_reference

    text = decode(read_bytes(args.input))
    for line in text.splitlines():
        if not line.strip():
            print("{}")  # one output line per input line, blank ones too: the lines stay aligned
            continue
        work = parse_reference(line).as_json()
        work.pop("raw", None)
        print(json.dumps(work, ensure_ascii=False))
    return 0


class _Usage(Exception):
    pass


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default="output", metavar="DIR",
                        help="folder for the outputs (default: output/)")
    parser.add_argument("--name", help="file name of the outputs, without suffix "
                        "(default: the input's name)")
    parser.add_argument("--format", default="html,graphml",
                        help="comma-separated: html, graphml, gexf, csv, json (default: html,graphml)")
    parser.add_argument("--open", action="store_true", help="open the HTML view in a browser")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--max-nodes", type=_positive, metavar="N",
                        help="keep the N most cited works (the HTML view says so); with --online, "
                             "growth also stops at N (default for growth: 1000)")
    view = parser.add_argument_group("display (HTML view, and the colors, sizes and positions "
                                     "GraphML and GEXF carry for Gephi)")
    view.add_argument("--layout", choices=("force", "year"), default="force",
                      help="the HTML view's first layout: force (clusters) or year (time left to right)")
    view.add_argument("--color-by", choices=("kind", "community", "year"), default="kind",
                      help="node colors (default: kind)")
    view.add_argument("--seed", type=int, default=1, help="seed of layouts and clusters (default: 1)")


def _view_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("views")
    group.add_argument("--records-only", action="store_true",
                       help="the citation network among the works read as records")
    kind = group.add_mutually_exclusive_group()
    kind.add_argument("--cocitation", action="store_true",
                      help="works linked by how often they are cited together (undirected)")
    kind.add_argument("--coupling", action="store_true",
                      help="works linked by how many references they share (undirected)")
    group.add_argument("--min-weight", type=int, default=2, metavar="N",
                       help="least co-citation or coupling weight kept (default: 2)")
    group.add_argument("--around", metavar="ID", help="the neighbourhood of one work "
                       "(node id, DOI, PMID or PMCID)")
    group.add_argument("--radius", type=int, default=1, metavar="K",
                       help="citation steps around --around (default: 1)")
    group.add_argument("--min-citations", type=int, default=0, metavar="N",
                       help="keep works cited at least N times (and the records)")
    group.add_argument("--years", metavar="A-B", type=_years,
                       help="keep works published from A to B (A- and -B leave one end open)")
    group.add_argument("--main-path", action="store_true",
                       help="mark the main path (search path count) among the records")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citegraph",
        description="Build citation graphs from the literature records you already have.")
    parser.add_argument("--version", action="version", version=f"citegraph {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = sub.add_parser(
        "build", help="build a citation graph from record files",
        description="Read record files, resolve their works into nodes and write the graph.",
        epilog=_EPILOG_BUILD, formatter_class=argparse.RawDescriptionHelpFormatter)
    build.add_argument("inputs", nargs="+", metavar="INPUT",
                       help="record files, folders, glob patterns, or - for stdin")
    _output_options(build)
    build.add_argument("--strict", action="store_true",
                       help="exit 1 if any input or record had to be skipped")
    build.add_argument("--review", metavar="FILE",
                       help="write the uncertain pairs of works as CSV, for you to decide")
    build.add_argument("--merge", metavar="FILE",
                       help="read your decisions back from a review CSV and apply them")
    _view_options(build)
    add_online_options(build)
    build.set_defaults(func=cmd_build)

    view = sub.add_parser(
        "view", help="derive a view from a GraphML file written by citegraph",
        description="Read a GraphML written by citegraph build and write a view of it.",
        epilog="examples:\n  citegraph view output/spine.graphml --cocitation --min-weight 3\n"
               "  citegraph view output/spine.graphml --around 10.1007/s00586-025-09078-3 --radius 2",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    view.add_argument("graph", metavar="GRAPH", help="a .graphml written by citegraph build")
    _output_options(view)
    _view_options(view)
    view.set_defaults(func=cmd_view)

    stats = sub.add_parser("stats", help="counts, components, most cited works, communities")
    stats.add_argument("graph", metavar="GRAPH", help="a .graphml written by citegraph build")
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.add_argument("--top", type=int, default=10, help="rows per list (default: 10)")
    stats.set_defaults(func=cmd_stats)

    parse = sub.add_parser("parse", help="print each record as one JSON object per line")
    parse.add_argument("inputs", nargs="+", metavar="INPUT")
    parse.set_defaults(func=cmd_parse)

    refs = sub.add_parser("parse-refs",
                          help="parse reference strings, one per line, into JSON lines")
    refs.add_argument("input", nargs="?", default="-", metavar="FILE",
                      help="a file of references, one per line (default: stdin)")
    refs.set_defaults(func=cmd_parse_refs)

    add_cache_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="citegraph: %(message)s", stream=sys.stderr)
    try:
        return args.func(args)
    except _Usage as exc:
        parser.error(str(exc))  # exits 2
    except CitegraphError as exc:
        print(f"citegraph: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("citegraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
