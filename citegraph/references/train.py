"""Train the reference tagger (a linear-chain CRF, python-crfsuite) on labelled references.

The model shipped with citegraph is made by ``bench/train_references.py``,
which reads the labelled sets with :mod:`citegraph.references.corpora` and
calls :func:`train_model`.
"""

from __future__ import annotations

import bisect
import random
import re
import time
from collections.abc import Iterable
from pathlib import Path

from .corpora import TAGGER_LABEL, LabelledReference, gold_fields
from .features import FeatureCache, sequence_features
from .fields import clean_container, clean_title, parse_authors, parse_pages, parse_volume_issue
from .text import tokenize

__all__ = ["token_labels", "training_pairs", "train_model", "restyle", "TRAINING_PARAMS",
           "STYLES"]

#: L-BFGS with elastic-net regularization; c1 keeps the model small.
TRAINING_PARAMS: dict[str, object] = {
    "c1": 0.05,
    "c2": 0.1,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}


def token_labels(ref: LabelledReference, pieces: list[str]) -> list[str]:
    """The tagger label of each token: the label of the span its first character is in."""
    starts = [s for s, _, _ in ref.spans]
    labels = []
    position = 0
    for k, piece in enumerate(pieces):
        if k % 2:
            i = bisect.bisect_right(starts, position) - 1
            label = "other"
            if i >= 0:
                s, e, lab = ref.spans[i]
                if s <= position < e:
                    label = lab
            labels.append(TAGGER_LABEL.get(label, "note"))
        position += len(piece)
    return labels


def training_pairs(refs: Iterable[LabelledReference], cache: FeatureCache | None = None):
    """``(features, labels)`` for each labelled reference that has tokens."""
    cache = cache or FeatureCache()
    for ref in refs:
        pieces = tokenize(ref.text)
        if len(pieces) > 1:
            yield sequence_features(pieces, cache), token_labels(ref, pieces)


def train_model(refs: Iterable[LabelledReference], path: str | Path,
                params: dict[str, object] | None = None, verbose: bool = False) -> dict[str, float]:
    """Train a CRF on labelled references and write it to ``path``.

    Returns timings and sizes: ``seconds``, ``sequences``, ``bytes``.
    """
    import pycrfsuite

    start = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=verbose)
    n = 0
    for xseq, yseq in training_pairs(refs):
        trainer.append(xseq, yseq)
        n += 1
    trainer.set_params({**TRAINING_PARAMS, **(params or {})})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(path))
    return {"seconds": time.perf_counter() - start, "sequences": n,
            "bytes": path.stat().st_size}


# -- restyled copies ---------------------------------------------------------
#
# A journal article labelled in one style is written again in another, from its
# gold fields, so that the tagger learns each field from more than the
# punctuation and order of the styles its sets happen to use.  Each part is
# ``(label, text)``; ``None`` labels punctuation.

def _initials(given: str, dots: bool) -> str:
    letters = [w[0] for w in re.split(r"[\s.-]+", given) if w and w[0].isalpha()]
    if dots:
        return " ".join(f"{c}." for c in letters)
    return "".join(letters)


def _names(authors, style: str) -> str:
    names = []
    for i, a in enumerate(authors):
        if a.family is None:
            names.append(a.name)
        elif style == "vancouver":
            names.append(f"{a.family} {_initials(a.given or '', False)}".strip())
        elif style == "apa" or style == "chicago" and i == 0:
            names.append(f"{a.family}, {_initials(a.given or '', True)}".strip(" ,"))
        else:
            names.append(f"{_initials(a.given or '', True)} {a.family}".strip())
    if style == "vancouver":
        return ", ".join(names)
    if len(names) == 1:
        return names[0]
    joiner = ", & " if style == "apa" else (", and " if len(names) > 2 else " and ")
    return ", ".join(names[:-1]) + joiner + names[-1]


def _render(style: str, f: dict) -> list[tuple[str | None, str]]:
    vol, issue, pages, year = f["volume"], f["issue"], f["pages"], f["year"]
    a, t, j = ("author", _names(f["authors"], style)), ("title", f["title"]), ("container", f["journal"])
    if style == "vancouver":
        tail = vol + (f"({issue})" if issue else "") + (f":{pages}" if pages else "")
        return [a, (None, ". "), t, (None, ". "), j, (None, ". "), ("date", year), (None, ";"),
                ("volume", tail.split(":")[0]), (None, ":" if pages else ""), ("pages", pages or ""),
                (None, ".")]
    if style == "apa":
        return [a, (None, " ("), ("date", year), (None, "). "), t, (None, ". "), j, (None, ", "),
                ("volume", vol + (f"({issue})" if issue else "")), (None, ", " if pages else ""),
                ("pages", pages or ""), (None, ".")]
    if style == "ieee":
        parts = [a, (None, ', "'), t, (None, '," '), j, (None, ", "), ("volume", f"vol. {vol}")]
        if issue:
            parts += [(None, ", "), ("volume", f"no. {issue}")]
        if pages:
            parts += [(None, ", "), ("pages", f"pp. {pages}")]
        return parts + [(None, ", "), ("date", year), (None, ".")]
    if style == "physics":
        first = pages.split("-")[0] if pages else ""
        return [a, (None, ", "), j, (None, " "), ("volume", vol), (None, ", " if first else ""),
                ("pages", first), (None, " ("), ("date", year), (None, ").")]
    if style == "springer":
        return [a, (None, " ("), ("date", year), (None, ") "), t, (None, ". "), j, (None, " "),
                ("volume", vol + (f"({issue})" if issue else "")), (None, ":" if pages else ""),
                ("pages", pages or "")]
    # chicago
    return [a, (None, ". "), ("date", year), (None, '. "'), t, (None, '." '), j, (None, " "),
            ("volume", vol + (f" ({issue})" if issue else "")), (None, ": " if pages else ""),
            ("pages", pages or ""), (None, ".")]


#: The styles :func:`restyle` writes.
STYLES: tuple[str, ...] = ("vancouver", "apa", "ieee", "physics", "springer", "chicago")


def restyle(refs: Iterable[LabelledReference], seed: int = 0) -> list[LabelledReference]:
    """Journal articles among ``refs`` written again, each in one other style.

    Only references whose gold has authors, title, journal, year and volume are
    used; the style of each copy is drawn at random (seeded).
    """
    rng = random.Random(seed)
    out = []
    for ref in refs:
        g = gold_fields(ref)
        if not (g["authors"] and g["title"] and g["journal"] and g["year"] and g["volume"]):
            continue
        authors, _ = parse_authors(g["authors"])
        if not authors or len(authors) > 12:
            continue
        volume, issue = parse_volume_issue(g["volume"])
        issues = ref.segments("issue")
        issue = issue or (issues[0].strip(" .,;:()") if issues else None)
        title, journal = clean_title(g["title"]), clean_container(g["journal"])
        if not (volume and title and journal) or not re.fullmatch(r"[\w.-]{1,12}", volume):
            continue
        fields = {"authors": authors, "title": title, "journal": journal, "year": g["year"],
                  "volume": volume, "issue": issue, "pages": parse_pages(g["pages"] or "")}
        style = rng.choice(STYLES)
        parts = _render(style, fields)
        text, spans = "", []
        for label, part in parts:
            if not part:
                continue
            if label:
                spans.append((len(text), len(text) + len(part), label))
            text += part
        out.append(LabelledReference(text, tuple(spans), f"{ref.source}~{style}"))
    return out
