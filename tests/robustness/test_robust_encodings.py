"""Every real file reads the same in every encoding and with every line end.

Each fixture is re-encoded (UTF-8 without and with BOM, UTF-16 LE and BE with
BOM, cp1252, Latin-1) or given CRLF or CR line ends, then read twice: by its
reader, and as ``citegraph build`` reads it (``read_records`` on a file:
encoding sniffed, format detected).  When every character survives the
re-encoding the records must be exactly those of the original file; when the
code page cannot hold some ("?" in their place), the same records must still
be read.  XML is re-encoded as an editor would save it: its declaration left
as it was (UTF-16 has a BOM; cp1252 and Latin-1 bytes then stand in a
document that says, or implies, UTF-8), and also with a declaration that says
windows-1252.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import SHARED  # noqa: E402

import fuzzing  # noqa: E402


CI_MAX_BYTES = 150_000  # bigger files: bench/fuzz.py
TRANSFORMS = fuzzing.TRANSFORMS + fuzzing.XML_TRANSFORMS


def _fixtures() -> list[fuzzing.Fixture]:
    found = [fx for fx in fuzzing.all_fixtures() if len(fx.data) <= CI_MAX_BYTES]
    if not found:
        pytest.skip(f"no fixture files: the real ones live in {SHARED}")
    return found


@pytest.mark.parametrize("transform", TRANSFORMS)
def test_every_fixture_reads_the_same_re_encoded(transform):
    failures = []
    for fx in _fixtures():
        if transform in fuzzing.XML_TRANSFORMS and fx.format not in fuzzing.XML_FORMATS:
            continue
        outcome = fuzzing.check(fx, fuzzing.Mutation("transform", transform=transform), pipeline=True)
        failures += [f"{fx.format} {fx.name}: {kind}: {detail}" for kind, detail in outcome.problems]
    assert not failures, "\n".join(failures)


def _stray_byte_cases() -> list[tuple[fuzzing.Fixture, int]]:
    """Text fixtures with several records and accented letters: a cp1252 dash pasted into the second record."""
    cases = []
    for fx in _fixtures():
        spans = [s for s in fx.spans or [] if s]
        if fx.encoding not in ("utf-8", "utf-8-sig") or len(spans) < 2 or fx.mode == "page":
            continue
        if fuzzing.encoding_ambiguous(fx.data + b"\x96"):
            continue  # too few accented letters to tell UTF-8 from cp1252
        start, end = spans[1]
        line = fx.data.find(b"\n", start, end)
        if line > start:
            cases.append((fx, line))
    return cases


def test_one_stray_cp1252_byte_changes_no_other_record():
    """A UTF-8 file with one byte pasted from a cp1252 one: every other record reads as before, accents and all."""
    cases = _stray_byte_cases()
    if not cases:
        pytest.skip(f"no UTF-8 fixture with several records and accented letters (they live in {SHARED})")
    failures = []
    for fx, at in cases:
        mutation = fuzzing.Mutation("insert-bytes", at, at, b"\x96")
        outcome = fuzzing.check(fx, mutation)
        failures += [f"{fuzzing.describe_case(fx, mutation)}: {kind}: {detail}" for kind, detail in outcome.problems]
    assert not failures, "\n".join(failures)
