"""The reference parser on any string: never raises, never hangs, always returns a Work.

Real reference strings (CERMINE's and ParsCit's, in ``../shared/fixtures``)
are cut, spliced, repeated, stripped of their spaces, filled with junk
(control characters, combining marks, lone surrogates as a JSON ``\\ud800``
escape gives them, right-to-left marks); arbitrary text and long repetitions
of reference-like pieces are tried too.  Each string is parsed under a 5 s
limit.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, note, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import FIXTURES  # noqa: E402

import fuzzing  # noqa: E402
from citegraph.model import Work  # noqa: E402
from citegraph.references import parse_reference  # noqa: E402

SOURCES = ("reference_strings/CeON__CERMINE__cermine-impl_src_test_resources_pl_edu_icm_cermine_bibref_refs.txt",
           "reference_strings/knmnyn__ParsCit__demodata_cora.txt")
#: used when ../shared is absent, so that the property still runs
FALLBACK = (
    "1. Choi D, Fox Z, Albert T et al (2015) Prediction of quality of life. Neurosurgery 77(5):698–708 - PubMed",
    "Patchell RA, Tibbs PA, et al. Direct decompressive surgical resection. Lancet. 2005;366(9486):643-648.",
    "ENC B, 1983, J PHILOS, V80, P279, DOI 10.2307/2026499",
    "Phillips J.C., Braun R., Scalable molecular dynamics with NAMD, J. Comput. Chem., 26, 16, pp. 1781-1802, (2005)",
)


def _real_strings() -> list[str]:
    lines: list[str] = []
    for name in SOURCES:
        path = FIXTURES / name
        if path.is_file():
            lines += [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                      if line.strip()]
    return lines or list(FALLBACK)


REAL = _real_strings()
JUNK = ("\x00", "\x1b[31m", "\u0301\u0301\u0301", "\ud800", "\udfff", "\u202e", "\u200b", "\ufeff", "\ufffd",
        "\t\t", "\r\n", "\u2028", "…", "–—", "“”", "ﬁ", "𝔄𝔅", "漢字", "١٢٣", "(((", ")))", "[[", "]]",
        "10.",
        "doi:", "PMID:", "et al.", "pp.", "In:", "Vol.", "&amp;", "<i>", "\\", "%", "{", "}", ";", ",", ".")
PIECES = ("Smith J, ", "(", "[", "A. ", "and ", "pp. 1-2, ", "10.1000/", "et al. ", "1999; ", "J. ", "In: ",
          "Vol. 1, ", " ", "-", ".", "\u0301", "doi:10.1/", "http://x.org/", "V12, P34, ")


@st.composite
def reference_strings(draw) -> str:
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "text", "repeated", "joined"]))
    if kind == "text":
        return draw(st.text(max_size=400))
    if kind == "repeated":
        return draw(st.sampled_from(PIECES)) * draw(st.integers(1, 3000))
    base = draw(st.sampled_from(REAL))
    if kind == "joined":
        other = draw(st.sampled_from(REAL))
        return draw(st.sampled_from([base + " " + other, base + other, base * 2, base.replace(" ", ""),
                                     base.upper(), base[::-1]]))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(base)))
        op = draw(st.sampled_from(["cut", "insert", "delete", "flip"]))
        if op == "cut":
            base = base[:at]
        elif op == "insert":
            junk = draw(st.one_of(st.sampled_from(JUNK), st.text(max_size=20)))
            base = base[:at] + junk + base[at:]
        elif op == "delete":
            base = base[:at] + base[at + draw(st.integers(1, 20)):]
        else:
            base = base[:at] + draw(st.characters()) + base[at + 1:]
    return base


PHASES = list(Phase) if os.environ.get("CITEGRAPH_SHRINK") else [Phase.explicit, Phase.reuse, Phase.generate]


@settings(derandomize=True, max_examples=400, deadline=None, database=None, phases=PHASES, print_blob=False,
          suppress_health_check=list(HealthCheck))
@given(reference_strings())
@example("Smith J. A study \ud800. Nature. 2001;1:2.")  # a lone surrogate, as a JSON "\ud800" escape gives
@example("\udfff")
def test_parse_reference_never_raises_never_hangs_returns_a_work(text):
    note(f"{len(text)} characters: {text[:200]!r}")
    with fuzzing.time_limit(fuzzing.TIME_LIMIT):
        work = parse_reference(text)
    assert isinstance(work, Work)
    assert work.raw is None or isinstance(work.raw, str)


def test_every_real_reference_string_parses():
    if len(REAL) == len(FALLBACK):
        pytest.skip(f"the reference strings live in {FIXTURES} (absent here)")
    for text in REAL:
        with fuzzing.time_limit(fuzzing.TIME_LIMIT):
            assert isinstance(parse_reference(text), Work), text
