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

log = logging.getLogger("citegraph")

_EPILOG_BUILD = """\
examples:
  citegraph build examples/pubmed-page-eur-spine-j-2025.txt
  citegraph build pages/ -o graphs/ --name spine --format graphml
  citegraph build page.html --open
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
    from .formats import read_records

    records: list[Record] = []
    skipped: list[Skipped] = []
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


def cmd_build(args: argparse.Namespace) -> int:
    from .export import EXPORTS, write_graph
    from .graph import build_graph
    from .resolve import resolve_records

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in EXPORTS]
    if unknown or not formats:
        raise _Usage(f"unknown --format {','.join(unknown) or '(empty)'}; "
                     f"choose from {','.join(EXPORTS)}")
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

    name = args.name or _default_name(args.inputs)
    resolution = resolve_records(records)
    graph = build_graph(resolution, name=name)
    out_dir = Path(args.output)
    written = []
    for fmt in formats:
        progress.update(f"writing {fmt}", force=True)
        written.append(write_graph(graph, fmt, out_dir / f"{name}{EXPORTS[fmt][0]}"))
    progress.done()

    merged = resolution.merged_by
    lines = [
        f"read      {len(records)} record{'s' * (len(records) != 1)} from "
        f"{len({r.source.path for r in records})} file(s): "
        f"{resolution.count('reference')} references, {resolution.count('citing')} citing works",
        f"graph     {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges "
        f"(mentions merged: {merged.get('id', 0)} by identifier, {merged.get('key', 0)} by key; "
        f"{resolution.conflicts} kept apart for conflicting identifiers)",
    ]
    if skipped:
        lines.append(f"skipped   {len(skipped)}: " + "; ".join(str(s) for s in skipped[:3])
                     + (" ..." if len(skipped) > 3 else ""))
    lines += [f"wrote     {path}" for path in written]
    print("\n".join(lines))
    if args.open:
        html = next((p for p in written if p.suffix == ".html"), None)
        if html is None:
            print("citegraph: --open needs the html format", file=sys.stderr)
        else:
            import webbrowser
            webbrowser.open(html.resolve().as_uri())
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
            continue
        work = parse_reference(line).as_json()
        work.pop("raw", None)
        print(json.dumps(work, ensure_ascii=False))
    return 0


class _Usage(Exception):
    pass


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
    build.add_argument("-o", "--output", default="output", metavar="DIR",
                       help="folder for the outputs (default: output/)")
    build.add_argument("--name", help="file name of the outputs, without suffix "
                       "(default: the input's name)")
    build.add_argument("--format", default="html,graphml",
                       help="comma-separated: html, graphml (default: html,graphml)")
    build.add_argument("--open", action="store_true", help="open the HTML view in a browser")
    build.add_argument("--strict", action="store_true",
                       help="exit 1 if any input or record had to be skipped")
    build.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    build.set_defaults(func=cmd_build)

    parse = sub.add_parser("parse", help="print each record as one JSON object per line")
    parse.add_argument("inputs", nargs="+", metavar="INPUT")
    parse.set_defaults(func=cmd_parse)

    refs = sub.add_parser("parse-refs",
                          help="parse reference strings, one per line, into JSON lines")
    refs.add_argument("input", nargs="?", default="-", metavar="FILE",
                      help="a file of references, one per line (default: stdin)")
    refs.set_defaults(func=cmd_parse_refs)
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
