"""Train the reference tagger shipped in ``citegraph/references/model.crfsuite``.

Run::

    python bench/train_references.py                    # the shipped model, on all sets
    python bench/train_references.py --heldout DIR      # also the held-out models
    python bench/train_references.py --heldout DIR --only-heldout

The training data are the labelled sets that ``bench/references.py`` scores,
read from ``../shared/fixtures/reference_strings/``; the repository holds no
copy of them.  ``--heldout DIR`` also writes, for ``bench/references.py
--heldout DIR``, one model per cross-validation fold (``fold-K.crfsuite``,
trained without fold K of every set) and one per set (``without-SET.crfsuite``,
trained on the other sets only, less any string that also appears in SET).

Each model also learns from restyled copies of its own training strings
(:func:`citegraph.references.train.restyle`: journal articles written again in
another style from their gold fields), never from the strings it is scored on.
Single-threaded; prints the time and size of each model (on the 2-core
development machine, shared: about 1 to 2.5 minutes a model, 12 to 15 minutes
for all eleven, under 1.4 MB each).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from references import FOLDS, SHARED, fold_of, read_sets  # noqa: E402

from citegraph.references import MODEL_PATH  # noqa: E402
from citegraph.references.train import TRAINING_PARAMS, restyle, train_model  # noqa: E402


def _train(refs, path: Path, params: dict, restyled: bool) -> None:
    if restyled:
        refs = refs + restyle(refs)
    info = train_model(refs, path, params)
    print(f"{path.name}: {info['sequences']} references, {info['seconds']:.0f} s, "
          f"{info['bytes'] / 1e6:.2f} MB", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="folder of the labelled sets")
    ap.add_argument("--output", type=Path, default=MODEL_PATH, help="where the full model goes")
    ap.add_argument("--heldout", type=Path, default=None, help="folder for the held-out models")
    ap.add_argument("--only-heldout", action="store_true", help="train the held-out models only")
    ap.add_argument("--iterations", type=int, default=int(TRAINING_PARAMS["max_iterations"]))
    ap.add_argument("--no-restyle", action="store_true",
                    help="train on the labelled strings only, without restyled copies")
    args = ap.parse_args(argv)
    params = {"max_iterations": args.iterations}

    sets = read_sets(args.shared)
    if not sets:
        print("train: no labelled set found", file=sys.stderr)
        return 1
    everything = [ref for refs in sets.values() for ref in refs]
    if not args.only_heldout:
        _train(everything, args.output, params, not args.no_restyle)
    if args.heldout:
        args.heldout.mkdir(parents=True, exist_ok=True)
        for k in range(FOLDS):
            _train([r for r in everything if fold_of(r) != k],
                   args.heldout / f"fold-{k}.crfsuite", params, not args.no_restyle)
        for name, refs in sets.items():
            seen = {r.text for r in refs}
            others = [r for other, rs in sets.items() if other != name
                      for r in rs if r.text not in seen]
            _train(others, args.heldout / f"without-{name}.crfsuite", params, not args.no_restyle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
