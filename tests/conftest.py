"""Shared fixtures. Test data: tests/data (see tests/datafiles.py and tests/data/MANIFEST.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from datafiles import REPO, TEST_DATA, shared_path
from hypothesis import settings

# Property tests check behaviour, not speed: no per-example deadline on a shared 2-core machine.
settings.register_profile("dualdx", deadline=None)
settings.load_profile("dualdx")


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def test_data() -> Path:
    """``tests/data``: the real reference excerpts the tests read (tests/data/MANIFEST.md)."""
    return TEST_DATA


@pytest.fixture(scope="session")
def shared_file() -> Callable[[str], Path]:
    """``shared_file("vcf/Pfeiffer_exome_hg19_ALPL.vcf")``: see :func:`shared_path`."""
    return shared_path
