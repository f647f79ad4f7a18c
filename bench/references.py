"""Score the reference parser on labelled reference sets, and time it.

Run::

    python bench/references.py                       # in-sample, with the shipped model
    python bench/train_references.py --heldout DIR   # once: the held-out models (minutes)
    python bench/references.py --heldout DIR         # in-sample and held-out side by side

The sets are read from ``../shared/fixtures/reference_strings/`` (never copied
into the repository): AnyStyle ``core.xml`` and ``good.xml``, ParsCit's tagged
CORA, and GROBID's citation training corpus.  For each set and field it prints
precision, recall and F1, micro-averaged over all references, and the strings
parsed per second on one core: one process, one thread, ``parse`` called once
per string by a new parser (cold feature cache), timed in CPU seconds of this
process (``time.process_time``), best of ``--repeat`` passes, so that other
work on a shared machine counts as little as it can.

The metric:

* ``year``, ``volume``, ``first page`` and ``doi``: exact match after the same
  normalization of gold and prediction (labels such as "Vol.", "no.", "pp."
  and surrounding punctuation dropped, and the year that AnyStyle's gold
  sometimes puts before a Vancouver volume, "1998;53(8)"; for the volume, its
  first number; for
  pages, the first page; DOIs lowercased);
* ``authors``, ``title`` and ``journal``: token overlap, tokens being the
  lowercase alphanumeric runs of two or more characters, counted as
  multisets; for authors without "and", "et", "al", "ed", "eds", "in"; for the
  journal without a leading "in" (CORA's booktitles begin "In Proceedings").

Held-out figures (with ``--heldout DIR``) use models that never saw the strings
they score: *5-fold*, each string scored by the model trained without its
fold (folds drawn from a hash of the string, across all sets); *leave-set-out*,
each set scored by the model trained on the other sets only (and on no string
that also appears in the set scored).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from citegraph.references import MODEL_PATH, ReferenceParser  # noqa: E402
from citegraph.references.corpora import LabelledReference, gold_fields, read_labelled  # noqa: E402
from citegraph.references.text import find_identifiers, normalize_doi  # noqa: E402

SHARED = REPO.parent / "shared" / "fixtures" / "reference_strings"

#: The labelled sets scored, by short name.
LABELLED_SETS: dict[str, str] = {
    "anystyle-core": "inukshuk__anystyle__res_parser_core.xml",
    "anystyle-good": "inukshuk__anystyle__res_parser_good.xml",
    "cora": "knmnyn__ParsCit__crfpp_taggeddata_cora.tagged.txt",
    "grobid": "kermitt2__grobid__citation_training_corpus.tar.gz",
}
FOLDS = 5
FIELDS = ("authors", "title", "journal", "year", "volume", "first page", "doi")
_TOKEN_FIELDS = ("authors", "title", "journal")
_AUTHOR_STOP = frozenset("and et al ed eds in".split())


def read_sets(folder: Path = SHARED, names: list[str] | None = None
              ) -> dict[str, list[LabelledReference]]:
    """The labelled sets found in ``folder``, by name."""
    out = {}
    for name, file in LABELLED_SETS.items():
        if names and name not in names:
            continue
        path = folder / file
        if path.exists():
            out[name] = list(read_labelled(path))
        else:
            print(f"bench: {path} is absent, {name} skipped", file=sys.stderr)
    return out


def fold_of(ref: LabelledReference, folds: int = FOLDS) -> int:
    """The cross-validation fold of a reference: the same string, the same fold."""
    return zlib.crc32(ref.text.encode("utf-8")) % folds


# -- normalization, the same for gold and prediction --------------------------

def tokens(text: str | None, field: str) -> list[str]:
    if not text:
        return []
    out = [t for t in re.findall(r"[^\W_]+", text.lower()) if len(t) >= 2]
    if field == "authors":
        out = [t for t in out if t not in _AUTHOR_STOP]
    elif field == "journal" and out and out[0] == "in":
        out = out[1:]
    return out


_VOL_LABEL = re.compile(r"^(?:n\s?[°º]|№|#|(?:vols?|volumes?|v|bd|band|t|tome|jg|no|nos|nr|n|number|"
                        r"issue)\b\.?)\s*", re.I)
_YEAR_FIRST = re.compile(r"^(?:1[5-9]|20)\d\d[a-z]?\s*[;:]\s*")


def norm_volume(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip(" .,;:()[]").lower()
    text = _YEAR_FIRST.sub("", text)
    for _ in range(2):
        text = _VOL_LABEL.sub("", text).strip(" .,;:()[]")
    m = re.match(r"[a-z]?\d+[a-z]?|[ivxlcdm]+\b", text)
    return m.group() if m else (text.split()[0] if text.split() else None)


_PAGE_LABEL = re.compile(r"^(?:pp?|pgs?|pages?|s|ss|seiten|bl)\b\.?\s*", re.I)


def norm_first_page(text: str | None) -> str | None:
    if not text:
        return None
    text = _PAGE_LABEL.sub("", text.strip(" .,;:()[]")).strip(" .,;:()[]")
    m = re.match(r"[A-Za-z]{0,2}\d+[A-Za-z]?", text)
    return m.group().lower() if m else None


def norm_year(text) -> str | None:
    return str(text) if text else None


def gold_values(ref: LabelledReference) -> dict[str, object]:
    g = gold_fields(ref)
    return {"authors": tokens(g["authors"], "authors"), "title": tokens(g["title"], "title"),
            "journal": tokens(g["journal"], "journal"), "year": norm_year(g["year"]),
            "volume": norm_volume(g["volume"]), "first page": norm_first_page(g["pages"]),
            "doi": normalize_doi(g["doi"]) if g["doi"] else None}


def predicted_values(work) -> dict[str, object]:
    names = " ".join(" ".join(v for v in a.as_json().values()) for a in work.authors)
    return {"authors": tokens(names, "authors"), "title": tokens(work.title, "title"),
            "journal": tokens(work.journal, "journal"), "year": norm_year(work.year),
            "volume": norm_volume(work.volume), "first page": norm_first_page(work.pages),
            "doi": work.doi}


class Score:
    """Micro-averaged precision, recall and F1 per field."""

    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.pred: Counter[str] = Counter()
        self.gold: Counter[str] = Counter()

    def add(self, gold: dict[str, object], pred: dict[str, object]) -> None:
        for field in FIELDS:
            g, p = gold[field], pred[field]
            if field in _TOKEN_FIELDS:
                self.tp[field] += sum((Counter(g) & Counter(p)).values())
                self.pred[field] += len(p)
                self.gold[field] += len(g)
            else:
                self.tp[field] += int(g is not None and g == p)
                self.pred[field] += int(p is not None)
                self.gold[field] += int(g is not None)

    def prf(self, field: str) -> tuple[float | None, float | None, float | None]:
        if not self.gold[field] and not self.pred[field]:
            return None, None, None
        p = self.tp[field] / self.pred[field] if self.pred[field] else 0.0
        r = self.tp[field] / self.gold[field] if self.gold[field] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def score_with(parser: ReferenceParser, refs: list[LabelledReference]
               ) -> tuple[Score, float, list]:
    """Parse every reference with ``parser``; the score, strings/s and the works."""
    texts = [r.text for r in refs]
    start = time.process_time()
    works = [parser.parse(t) for t in texts]
    elapsed = time.process_time() - start
    rate = len(texts) / elapsed if texts and elapsed else 0.0
    score = Score()
    for ref, work in zip(refs, works):
        score.add(gold_values(ref), predicted_values(work))
    return score, rate, works


def parse_rate(model: Path | None, texts: list[str], repeat: int = 3) -> float:
    """Strings parsed per CPU second: the best of ``repeat`` passes, each by a new parser
    (cold feature cache), so that a burst of other work on a shared machine counts less."""
    best = 0.0
    for _ in range(repeat):
        parser = ReferenceParser(model)
        start = time.process_time()
        for text in texts:
            parser.parse(text)
        elapsed = time.process_time() - start
        if elapsed:
            best = max(best, len(texts) / elapsed)
    return best


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="folder of the labelled sets")
    ap.add_argument("--model", type=Path, default=None, help="model to score (default: shipped)")
    ap.add_argument("--heldout", type=Path, default=None,
                    help="folder of held-out models written by bench/train_references.py")
    ap.add_argument("--sets", default=None, help="comma-separated set names (default: all)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="timed passes per set; the best is printed (default 3)")
    ap.add_argument("--errors", type=int, default=0, metavar="N",
                    help="print N wrong parses per set and field (for study)")
    args = ap.parse_args(argv)

    sets = read_sets(args.shared, args.sets.split(",") if args.sets else None)
    if not sets:
        print("bench: no labelled set found", file=sys.stderr)
        return 1
    fold_models = loso_models = None
    if args.heldout:
        fold_paths = [args.heldout / f"fold-{k}.crfsuite" for k in range(FOLDS)]
        if all(p.exists() for p in fold_paths):
            fold_models = [ReferenceParser(p) for p in fold_paths]
        else:
            print(f"bench: no 5-fold models in {args.heldout}", file=sys.stderr)
        loso_models = {name: ReferenceParser(args.heldout / f"without-{name}.crfsuite")
                       for name in sets if (args.heldout / f"without-{name}.crfsuite").exists()}

    model = args.model or MODEL_PATH
    print(f"model {model} ({model.stat().st_size / 1e6:.2f} MB); speed in CPU time of one "
          f"process, one thread")
    header = f"{'field':<11} {'P':>6} {'R':>6} {'F1':>6}"
    if fold_models:
        header += f"  {'5-fold F1':>9}"
    if loso_models:
        header += f"  {'set-out F1':>10}"
    total_n = total_t = 0.0
    for name, refs in sets.items():
        score, _, works = score_with(ReferenceParser(args.model), refs)
        rate = parse_rate(args.model, [r.text for r in refs], args.repeat)
        total_n += len(refs)
        total_t += len(refs) / rate if rate else 0
        fold_score = loso_score = None
        if fold_models:
            fold_score = Score()
            for ref in refs:
                work = fold_models[fold_of(ref)].parse(ref.text)
                fold_score.add(gold_values(ref), predicted_values(work))
        if name in (loso_models or {}):
            loso_score = score_with(loso_models[name], refs)[0]
        print(f"\n{name}: {len(refs)} references, {rate:,.0f} strings/s")
        print(header)
        for field in FIELDS:
            p, r, f = score.prf(field)
            line = f"{field:<11} {_fmt(p):>6} {_fmt(r):>6} {_fmt(f):>6}"
            if fold_score is not None:
                line += f"  {_fmt(fold_score.prf(field)[2]):>9}"
            elif fold_models:
                line += f"  {'':>9}"
            if loso_score is not None:
                line += f"  {_fmt(loso_score.prf(field)[2]):>10}"
            print(line)
        if args.errors:
            _print_errors(refs, works, args.errors)
    if total_t:
        print(f"\nall sets: {total_n:,.0f} references, {total_n / total_t:,.0f} strings/s")
    return 0


def _print_errors(refs, works, n: int) -> None:
    for field in FIELDS:
        shown = 0
        for ref, work in zip(refs, works):
            g, p = gold_values(ref)[field], predicted_values(work)[field]
            wrong = (Counter(g) != Counter(p)) if field in _TOKEN_FIELDS else g != p
            if wrong:
                print(f"  [{field}] gold={g!r} got={p!r}\n      {ref.text}")
                shown += 1
                if shown >= n:
                    break


if __name__ == "__main__":
    sys.exit(main())
