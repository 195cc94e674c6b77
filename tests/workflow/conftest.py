"""Fixtures for workflow tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from workflow_helpers import copy_example, guarded_env, run_snakemake


@pytest.fixture(scope="session")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example run once from another directory (``-s``/``--directory``), offline-guarded."""
    wd = tmp_path_factory.mktemp("example_run")
    cfg = copy_example(wd)
    netlog = wd / "netguard.log"
    run_snakemake(wd, cfg, env=guarded_env(netlog) | {"SOURCE_DATE_EPOCH": "1767225600"})
    return wd
