import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a clear reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: the shared corpus/conformance data lives beside the checkout (../shared)")
    return path


@pytest.fixture(autouse=True)
def _no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    # Tests that patch rules or settings in-process must not see results cached by an earlier
    # test; tests/test_cache.py and test_baseline.py run the cache as users do.
    monkeypatch.setenv("DOCKERLINT_NO_CACHE", "1")
    # End-of-life verdicts depend on the date: the suite runs on a pinned day so that an image
    # reaching its end of life next year does not change what these tests see.
    monkeypatch.setenv("DOCKERLINT_AS_OF", "2026-12-06")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    # End-of-life rules read the bundled endoflife.date snapshot, never a refreshed user copy.
    monkeypatch.setenv("DOCKERLINT_EOL_BUNDLED_ONLY", "1")
