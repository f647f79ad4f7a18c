"""Known reader faults that the robustness suite found and that are not fixed yet.

Each test below stands with its minimal input and fails today. It is marked as an expected
failure, strictly: the day a fix makes it pass, the suite turns red until its line is removed
here. Every other robustness test runs as a plain test.
"""

from __future__ import annotations

import pytest

KNOWN_FAULTS = {
    "test_robust_encodings.py::test_every_fixture_reads_the_same_re_encoded[cp1252]",
    "test_robust_encodings.py::test_every_fixture_reads_the_same_re_encoded[latin-1]",
    "test_robust_encodings.py::test_one_stray_cp1252_byte_changes_no_other_record",
    "test_robust_mutations.py::test_mutated_fixtures_never_crash_hang_or_lose_an_untouched_record[openalex-json]",
    "test_robust_regressions.py::test_json_a_number_too_long_for_int_is_bad_json_not_a_crash",
    "test_robust_regressions.py::test_json_nested_too_deep_is_bad_json_not_a_crash",
    "test_robust_regressions.py::test_json_lines_whose_first_line_is_broken_keep_their_other_lines",
    "test_robust_regressions.py::test_json_works_after_a_stray_closing_bracket_are_reported_not_dropped_silently",
    "test_robust_regressions.py::test_json_a_lone_surrogate_escape_never_reaches_a_record",
    "test_robust_regressions.py::test_pubmed_page_a_long_line_of_brackets_is_read_in_linear_time",
    "test_robust_regressions.py::test_medline_a_junk_line_before_a_record_does_not_swallow_it",
    "test_robust_regressions.py::test_scopus_a_stray_quote_does_not_swallow_the_next_row",
    "test_robust_regressions.py::test_bibtex_an_entry_whose_key_repeats_is_read_like_the_others",
    "test_robust_regressions.py::test_one_stray_cp1252_byte_does_not_turn_the_file_into_mojibake",
    "test_robust_regressions.py::test_a_stray_byte_at_the_top_and_utf8_further_down",
    "test_robust_regressions.py::test_a_superscript_digit_is_no_number[medline-pmid]",
    "test_robust_regressions.py::test_a_superscript_digit_is_no_number[wos-nr]",
    "test_robust_regressions.py::test_a_superscript_digit_is_no_number[pubmed-xml-month]",
    "test_robust_regressions.py::test_a_superscript_digit_is_no_number[openalex-year]",
    "test_robust_regressions.py::test_a_superscript_digit_is_no_number[pubmed-page-meta-pmid]",
    "test_robust_regressions.py::test_json_lines_break_at_line_feeds_only",
}


#: Faults that hypothesis finds on some runs and not others (the case it reaches depends on its
#: time budget): the same faults as above, so they are expected, but not strictly.
SOMETIMES_FOUND = {
    "test_robust_mutations.py::test_mutated_fixtures_never_crash_hang_or_lose_an_untouched_record[medline]",
}


def pytest_collection_modifyitems(items):
    for item in items:
        name = f"{item.path.name}::{item.name}"
        if name in KNOWN_FAULTS or name in SOMETIMES_FOUND:
            item.add_marker(pytest.mark.xfail(strict=name in KNOWN_FAULTS,
                                              reason="known reader fault, not fixed yet"))
