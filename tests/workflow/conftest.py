"""Fixtures for workflow tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from workflow_helpers import CACHE_DIR, REPO, guarded_env, run_snakemake


@pytest.fixture(scope="session")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example as a user runs it elsewhere: the repository's ``config/`` folder copied
    into another directory and run there with ``-s …/Snakefile --directory …`` and no
    ``--configfile`` (bundled resources resolve through ``workflow:`` paths), offline-guarded.
    The run's output is kept in ``run.log``."""
    wd = tmp_path_factory.mktemp("example_run")
    shutil.copytree(REPO / "config", wd / "config")
    cfg_path = wd / "config" / "config.yaml"
    cfg = yaml.safe_load(cfg_path.read_text())
    cfg["annotation"]["cache_dir"] = CACHE_DIR  # the knowledge cache shared by the tests
    cfg_path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    netlog = wd / "netguard.log"
    proc = run_snakemake(wd, None, env=guarded_env(netlog) | {"SOURCE_DATE_EPOCH": "1767225600"})
    (wd / "run.log").write_text(proc.stdout + proc.stderr)
    return wd
