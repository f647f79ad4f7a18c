"""Where the real fixture files live, and a clean skip when they are not there.

CI has ``../shared`` beside the repository; a clone elsewhere may not.  The
files are read from there, never copied into the repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures"


def shared_file(relative: str) -> Path:
    """The path of ``../shared/<relative>``; skips the calling test when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is absent: the real fixture files live in ../shared beside the repository")
    return path


def fixture_files(folder: str, pattern: str = "*") -> list[Path]:
    """Fixture files of ``../shared/fixtures/<folder>``, sorted; empty when absent.

    For ``pytest.mark.parametrize``: an empty list makes pytest skip the test
    and say that the parameter set is empty.
    """
    return sorted((FIXTURES / folder).glob(pattern)) if (FIXTURES / folder).is_dir() else []
