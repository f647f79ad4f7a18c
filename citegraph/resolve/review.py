"""Uncertain pairs out to a CSV for a person, and their verdicts back in.

``citegraph build --review pairs.csv`` writes every pair the rules found
plausible but not sure (a score between ``REVIEW_AT`` and ``MERGE_AT``), one
row each, with both mentions as they were written.  The person fills the
``decision`` column with ``same`` or ``different`` (``yes``/``no``, ``1``/``0``
work too) and runs ``citegraph build ... --merge pairs.csv``: "same" pairs are
merged, "different" pairs are kept apart even where a rule would join them.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from ..errors import InputError
from ..fsutil import atomic_write
from . import Resolution, mention_key

__all__ = ["REVIEW_COLUMNS", "write_review", "read_decisions"]

REVIEW_COLUMNS = ("decision", "score", "rule", "left", "right", "left_node", "right_node",
                  "left_text", "right_text")
_SAME = {"same", "yes", "y", "1", "true", "merge"}
_DIFFERENT = {"different", "no", "n", "0", "false", "split", "apart"}


def _text(resolution: Resolution, i: int) -> str:
    work = resolution.mentions[i].work
    if work.raw:
        return work.raw
    authors = "; ".join(a.name for a in work.authors[:3]) + (" et al." if work.et_al else "")
    parts = [authors, str(work.year or ""), work.title or "", work.journal or "",
             work.volume or "", work.pages or ""]
    return " | ".join(p for p in parts if p)


def write_review(resolution: Resolution, path: str | os.PathLike[str]) -> Path:
    """Write the uncertain pairs of ``resolution`` as CSV, surest first."""
    node_of = resolution.node_of()
    path = Path(path)
    with atomic_write(path, "w") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(REVIEW_COLUMNS)
        for r in sorted(resolution.reviews, key=lambda r: (-r.score, r.left, r.right)):
            left, right = resolution.mentions[r.left], resolution.mentions[r.right]
            writer.writerow(["", f"{r.score:.3f}", r.rule, mention_key(left), mention_key(right),
                             node_of[r.left], node_of[r.right],
                             _text(resolution, r.left), _text(resolution, r.right)])
    return path


def read_decisions(path: str | os.PathLike[str]) -> dict[tuple[str, str], bool]:
    """A person's verdicts from a review CSV: ``{(left, right): same?}``.

    Rows with an empty decision are skipped; a decision that is neither
    "same" nor "different" is an error naming the line.
    """
    path = str(path)
    decisions: dict[tuple[str, str], bool] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"decision", "left", "right"} - set(reader.fieldnames or ())
            if missing:
                raise InputError(path, f"not a citegraph review file (no {', '.join(sorted(missing))} column)")
            for row in reader:
                verdict = (row.get("decision") or "").strip().lower()
                if not verdict:
                    continue
                if verdict not in _SAME | _DIFFERENT:
                    raise InputError(path, f"decision {verdict!r}: write 'same' or 'different'",
                                     line=reader.line_num)
                decisions[row["left"], row["right"]] = verdict in _SAME
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(path, f"cannot be read ({exc})") from None
    return decisions
