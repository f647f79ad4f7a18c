"""The command-line side of online use: options, the build step, ``citegraph cache``.

``citegraph/cli.py`` calls these; they are kept here so that the online code
lives in one package:

* :func:`add_online_options` adds ``--online``, ``--offline``, ``--depth``,
  ``--direction``, ``--max-nodes`` and ``--cache-dir`` to ``build``;
* :func:`online_usage_problem` says what is wrong with those options, if
  anything (a usage error, exit 2);
* :func:`apply_online` runs enrichment and growth between reading and
  resolving, prints one line per unreachable service on stderr, and returns
  the records and the lines to add to the summary;
* :func:`add_cache_command` adds ``citegraph cache info|clear``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence
from typing import Any

from ..model import Record

__all__ = ["add_online_options", "online_requested", "online_usage_problem", "apply_online",
           "add_cache_command", "cmd_cache_info", "cmd_cache_clear", "DEFAULT_CACHE_DIR",
           "DEFAULT_MAX_NODES"]

DEFAULT_CACHE_DIR = "cache"
DEFAULT_MAX_NODES = 1000


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"wants a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"wants 0 or more, not {value}")
    return value


def add_online_options(parser: argparse.ArgumentParser) -> None:
    """Add the online options to ``citegraph build``."""
    group = parser.add_argument_group(
        "online (off unless asked; answers are cached in --cache-dir)")
    group.add_argument("--online", action="store_true",
                       help="fill identifiers and metadata from NCBI E-utilities, Crossref and OpenAlex")
    group.add_argument("--offline", action="store_true",
                       help="as --online, but answer from the cache only, without the network")
    group.add_argument("--depth", type=_count, default=0, metavar="N",
                       help="grow the graph by N rounds of references or citing works (default: 0)")
    group.add_argument("--direction", choices=("refs", "citedby", "both"), default="refs",
                       help="what growth follows: references, citing works, or both (default: refs)")
    group.add_argument("--cache-dir", default=DEFAULT_CACHE_DIR, metavar="DIR",
                       help=f"folder of the HTTP cache (default: {DEFAULT_CACHE_DIR}/)")


def online_requested(args: argparse.Namespace) -> bool:
    """Whether the command line asks for online lookups (``--online`` or ``--offline``)."""
    return bool(getattr(args, "online", False) or getattr(args, "offline", False))


def online_usage_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the online options, or ``None``.

    Examples
    --------
    >>> online_usage_problem(argparse.Namespace(online=False, offline=False, depth=2))
    '--depth needs --online (or --offline, to grow from the cache)'
    """
    if getattr(args, "depth", 0) and not online_requested(args):
        return "--depth needs --online (or --offline, to grow from the cache)"
    return None


class _Bar:
    """Online progress on the build's progress line (stderr, a terminal, not --quiet)."""

    WIDTH = 24

    def __init__(self, progress: Any) -> None:
        self.progress = progress

    def stage(self, message: str) -> None:
        if self.progress is not None:
            self.progress.update(f"online: {message}")

    def growth(self, status) -> None:
        if self.progress is None:
            return
        share = min(1.0, status.nodes / status.max_nodes) if status.max_nodes else 1.0
        done = int(round(self.WIDTH * share))
        self.progress.update(f"growing: round {status.round}/{status.depth} "
                             f"[{'#' * done}{'.' * (self.WIDTH - done)}] "
                             f"{status.nodes}/{status.max_nodes} works, {status.stage}")

    def done(self) -> None:
        if self.progress is not None:
            self.progress.done()


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _summary(clients, args: argparse.Namespace) -> list[str]:
    report = clients.report
    filled = report.filled
    parts = [f"{filled[k]} {label}" for k, label in (("pmid", "PMIDs"), ("doi", "DOIs"),
                                                      ("pmcid", "PMCIDs")) if filled[k]]
    line = "online    filled " + (", ".join(parts) if parts else "no identifiers")
    if filled["metadata"]:
        line += f"; completed {_plural(filled['metadata'], 'description')}"
    refused = [f"{report.refused['crossref']} Crossref" if report.refused["crossref"] else "",
               f"{report.refused['citmatch']} ECitMatch" if report.refused["citmatch"] else ""]
    refused = [r for r in refused if r]
    if refused:
        line += f" ({' and '.join(refused)} answers refused as not agreeing)"
    lines = [line]
    if args.depth:
        grown = (f"grown     {_plural(report.rounds, 'round')} of {args.direction}: "
                 f"+{_plural(report.added, 'work')} from {_plural(report.expanded, 'work')} looked up")
        if report.capped:
            grown += f" (stopped at --max-nodes {(args.max_nodes or DEFAULT_MAX_NODES)})"
        lines.append(grown)
    counts = []
    not_cached = 0
    for name, http in clients.https().items():
        counts.append(f"{http.service.label} {http.sent}")
        not_cached += http.stats["not_cached"]
    cached = sum(h.stats["cached"] for h in clients.https().values())
    lines.append("requests  " + ", ".join(counts) + f" ({cached} answered by the cache"
                 + (f", {not_cached} not in it" if args.offline else "") + ")")
    return lines


def apply_online(records: Sequence[Record], args: argparse.Namespace,
                 progress: Any = None) -> tuple[list[Record], list[str]]:
    """Enrich (and, with ``--depth``, grow) the records read; the records and summary lines.

    Parameters
    ----------
    records : sequence of Record
        What was read.
    args : argparse.Namespace
        With the options of :func:`add_online_options`.
    progress : object, optional
        With ``update(message, force=False)`` and ``done()``: the build's
        progress line (silent with ``--quiet`` or when stderr is not a terminal).

    Returns
    -------
    (list of Record, list of str)
        The records to resolve, and lines for the build's summary on stdout.
        A service that cannot be reached is named on stderr, once; the graph is
        then built from what is known.
    """
    from .clients import make_clients
    from .enrich import enrich_records
    from .growth import grow
    from .session import make_session, services_from_env

    from .session import OnlineError

    services = services_from_env()
    offline = bool(getattr(args, "offline", False))
    bar = _Bar(progress)
    try:
        session = make_session(args.cache_dir, services.values(), offline=offline)
    except (OSError, sqlite3.Error) as exc:
        raise OnlineError(f"cannot keep the HTTP cache in {args.cache_dir}: {exc}") from None
    try:
        clients = make_clients(session, services, offline=offline)
        out = enrich_records(records, clients, progress=bar.stage)
        if args.depth:
            out = grow(out, clients, depth=args.depth, direction=args.direction,
                       max_nodes=(args.max_nodes or DEFAULT_MAX_NODES), progress=bar.growth)
    finally:
        bar.done()
        session.close()
    for label, reason in clients.report.unavailable.items():
        print(f"citegraph: {label} is unavailable ({reason}); the graph is built from what is known",
              file=sys.stderr)
    return out, _summary(clients, args)


# -- citegraph cache ----------------------------------------------------------------

def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)


def cmd_cache_info(args: argparse.Namespace) -> int:
    """``citegraph cache info``: what the cache holds."""
    from .session import cache_info, services_from_env

    info = cache_info(args.cache_dir, services_from_env())
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    if not info["exists"]:
        print(f"cache     {info['path']}: empty (nothing has been asked online yet)")
        return 0
    lines = [f"cache     {info['path']} ({_size(info['size'])})",
             f"answers   {info['responses']:,} ({info['expired']:,} expired)"]
    for name, count in info["by_service"].items():
        lines.append(f"  {name:<10}{count:>8,}")
    print("\n".join(lines))
    return 0


def cmd_cache_clear(args: argparse.Namespace) -> int:
    """``citegraph cache clear``: remove the answers (``--expired``: only the expired ones)."""
    from .session import cache_path, clear_cache

    removed = clear_cache(args.cache_dir, expired_only=args.expired)
    what = "expired answers" if args.expired else "answers"
    print(f"removed   {removed:,} {what} from {cache_path(args.cache_dir)}")
    return 0


def add_cache_command(subparsers) -> argparse.ArgumentParser:
    """Add ``citegraph cache info|clear`` to the command's subparsers."""
    cache = subparsers.add_parser(
        "cache", help="what the HTTP cache of --online holds, or clear it",
        description="The answers of NCBI, Crossref and OpenAlex kept by build --online.",
        epilog="examples:\n  citegraph cache info\n  citegraph cache clear --expired",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    info = actions.add_parser("info", help="the cache file, its size, answers per service")
    info.add_argument("--cache-dir", default=DEFAULT_CACHE_DIR, metavar="DIR",
                      help=f"folder of the HTTP cache (default: {DEFAULT_CACHE_DIR}/)")
    info.add_argument("--json", action="store_true", help="print JSON instead of a table")
    info.set_defaults(func=cmd_cache_info)
    clear = actions.add_parser("clear", help="remove the cached answers")
    clear.add_argument("--cache-dir", default=DEFAULT_CACHE_DIR, metavar="DIR",
                       help=f"folder of the HTTP cache (default: {DEFAULT_CACHE_DIR}/)")
    clear.add_argument("--expired", action="store_true", help="remove only the expired answers")
    clear.set_defaults(func=cmd_cache_clear)
    return cache
