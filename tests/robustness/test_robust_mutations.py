"""Every reader, on mutated real record files: no crash, no hang, no untouched record lost.

A fixed-seed hypothesis run per reader (``derandomize=True``): each example is
one fixture of that reader's format and one mutation of its bytes (truncation,
byte flips, deletions, inserted junk lines or bytes, a duplicated record, a
splice, a re-encoding, a re-encoding then an edit).  ``fuzzing.check`` says what
counts as a failure and what "untouched" means for each format;
``bench/fuzz.py`` runs the same cases by the hundred thousand.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import SHARED  # noqa: E402

import fuzzing  # noqa: E402

#: Fixtures larger than this are left to bench/fuzz.py, so that the CI run stays
#: near a minute on two cores (bibtexparser takes 0.3 s on a 60 KB file).
CI_MAX_BYTES = {"bibtex": 20_000}
CI_MAX_BYTES_DEFAULT = 100_000
EXAMPLES = 300

READERS = fuzzing.reader_names()
#: No shrinking: a hang costs 5 s a try.  ``bench/fuzz.py --only-case N --minimize``
#: shrinks an input; ``CITEGRAPH_SHRINK=1`` turns hypothesis's shrinking back on.
PHASES = list(Phase) if os.environ.get("CITEGRAPH_SHRINK") else [Phase.explicit, Phase.reuse, Phase.generate]
CI_SETTINGS = settings(derandomize=True, max_examples=EXAMPLES, deadline=None, database=None, phases=PHASES,
                       print_blob=False, suppress_health_check=list(HealthCheck))



def _fixtures(reader: str) -> list[fuzzing.Fixture]:
    limit = CI_MAX_BYTES.get(reader, CI_MAX_BYTES_DEFAULT)
    found = fuzzing.fixtures_for(reader, limit)
    if not found:
        pytest.skip(f"no {reader} fixture of at most {limit} bytes: the real fixture files live in "
                    f"{SHARED} (absent here) and tests/data")
    return found


def _assert_ok(fx: fuzzing.Fixture, mutation: fuzzing.Mutation, outcome: fuzzing.Outcome) -> None:
    assert outcome.ok, (f"{fuzzing.describe_case(fx, mutation)}\n"
                        + "\n".join(f"  {kind}: {detail}" for kind, detail in outcome.problems))


@pytest.mark.parametrize("reader", READERS)
def test_mutated_fixtures_never_crash_hang_or_lose_an_untouched_record(reader):
    fixtures = _fixtures(reader)

    @CI_SETTINGS
    @given(st.data())
    def run(data):
        chooser = fuzzing.DrawChooser(data)
        fx = fuzzing.pick(chooser, fixtures)
        mutation = fuzzing.make_mutation(chooser, fx)
        note(fuzzing.describe_case(fx, mutation))
        _assert_ok(fx, mutation, fuzzing.check(fx, mutation))

    run()


def _boundary_truncations(fx: fuzzing.Fixture) -> list[int]:
    """Each record boundary, a byte either side of it, and the middle of each record."""
    points = {0, len(fx.data)}
    for start, end in [s for s in fx.spans or [] if s] or [(0, len(fx.data))]:
        points |= {start - 1, start, start + 1, (start + end) // 2, end - 1}
    points = sorted(p for p in points if 0 <= p <= len(fx.data))
    step = max(1, len(points) // 60)  # at most about 60 cuts a file
    return points[::step]


@pytest.mark.parametrize("reader", READERS)
def test_truncated_at_every_record_boundary(reader):
    """Cut files, as a failed download or a full disk leaves them: every record before the cut is read."""
    failures = []
    for fx in _fixtures(reader):
        for at in _boundary_truncations(fx):
            mutation = fuzzing.Mutation("truncate", at, len(fx.data))
            outcome = fuzzing.check(fx, mutation)
            if not outcome.ok:
                failures.append(f"{fuzzing.describe_case(fx, mutation)}: {outcome.problems}")
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("reader", READERS)
def test_every_record_duplicated(reader):
    """A record given twice (merged exports do that) loses none of the others."""
    failures = []
    for fx in _fixtures(reader):
        for start, end in [s for s in fx.spans or [] if s][:20]:
            mutation = fuzzing.Mutation("duplicate", end, end, fx.data[start:end])
            outcome = fuzzing.check(fx, mutation)
            if not outcome.ok:
                failures.append(f"{fuzzing.describe_case(fx, mutation)}: {outcome.problems}")
    assert not failures, "\n".join(failures[:20])


def test_the_oracle_sees_a_lost_record():
    """The check itself: a reader that drops a record the mutation did not touch is caught."""
    fixtures = [fx for fx in fuzzing.all_fixtures() if fx.mode == "records" and fx.spans and len(fx.spans) >= 3]
    if not fixtures:
        pytest.skip(f"no fixture of three records or more (the real ones live in {SHARED})")
    fx = fixtures[0]
    start, end = [s for s in fx.spans if s][-1]
    # remove the last record and say the mutation was a flip in the first one
    first = sum(fx.spans[0]) // 2  # in the first record, clear of what every record shares (a JSON envelope)
    fake = fuzzing.Mutation("flip", first, first + 1, fx.data[first:first + 1])
    items, _, _ = fuzzing.run_reader(fx.module, fx.data[:start], fx.name)
    outcome = fuzzing.Outcome()
    fuzzing._check_untouched(fx, fake, items, None, outcome)
    assert [kind for kind, _ in outcome.problems] == ["lost"]


def test_the_oracle_takes_valid_json_as_it_stands(tmp_path):
    """A splice that leaves valid JSON can close the list of works before an untouched work: that
    work is no longer one of the list, and the reader is right not to read it.  The oracle counts the
    works of the list the mutated document holds instead, and still sees one lost there."""
    works = [{"DOI": f"10.1000/w{i}", "title": [f"Work number {i}"], "type": "journal-article"} for i in range(3)]
    text = json.dumps({"message-type": "work-list", "message": {"items": works}})
    path = tmp_path / "works.json"
    path.write_text(text, encoding="utf-8")
    fx = fuzzing.load_fixture(path)
    assert fx is not None and fx.spans is not None and len(fx.spans) == 3
    comma = text.index(', {"DOI": "10.1000/w2"')
    # the comma between the second and third work becomes the end of the list and a new key
    moved = fuzzing.Mutation("splice", comma, comma + 1, b'], "moved": [')
    data = moved.apply(fx)
    assert json.loads(data)["message"]["moved"][0]["DOI"] == "10.1000/w2"
    items, error, _ = fuzzing.run_reader(fx.module, data, fx.name)
    assert error is None and sum(isinstance(i, fuzzing.Record) for i in items) == 2
    outcome = fuzzing.Outcome()
    fuzzing._check_untouched(fx, moved, items, None, outcome)
    assert outcome.problems == []
    outcome = fuzzing.Outcome()  # a reader that loses a work of the list is still caught
    fuzzing._check_untouched(fx, moved, items[1:], None, outcome)  # the first work, untouched and listed
    assert [kind for kind, _ in outcome.problems] == ["lost"]
