"""Shared fixtures. Real reference data is read from ../shared/data beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check behaviour, not speed: no per-example deadline on a shared 2-core machine.
settings.register_profile("dualdx", deadline=None)
settings.load_profile("dualdx")

REPO = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    env = os.environ.get("DUALDX_SHARED")
    return Path(env) if env else REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data. Fails (never skips) when it is absent, naming what is missing."""
    d = _shared_dir() / "data"
    if not (d / "MANIFEST.md").is_file():
        pytest.fail(
            f"shared reference data not found at {d}: tests read real data from ../shared/data "
            "beside the checkout (or set DUALDX_SHARED to the shared/ folder)"
        )
    return d
