"""Known reader faults that the robustness suite found and that are not fixed yet.

Each test below stands with its minimal input and fails today. It is marked as an expected
failure, strictly: the day a fix makes it pass, the suite turns red until its line is removed
here. Every other robustness test runs as a plain test.
"""

from __future__ import annotations

import pytest

KNOWN_FAULTS: set[str] = set()  # none today


#: Faults that hypothesis finds on some runs and not others (the case it reaches depends on its
#: time budget): the same faults as above, so they are expected, but not strictly.
SOMETIMES_FOUND: set[str] = set()


def pytest_collection_modifyitems(items):
    for item in items:
        name = f"{item.path.name}::{item.name}"
        if name in KNOWN_FAULTS or name in SOMETIMES_FOUND:
            item.add_marker(pytest.mark.xfail(strict=name in KNOWN_FAULTS,
                                              reason="known reader fault, not fixed yet"))
