"""Helpers for workflow tests: run Snakemake on a copy of the bundled example in a temp dir."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
# knowledge.json distilled once per HPO release, panel and terms, shared by every workflow test
CACHE_DIR = str(Path(tempfile.gettempdir()) / "dualdx-test-cache")
NETGUARD = Path(__file__).parent / "workflow" / "netguard"


def copy_example(dest: Path) -> dict[str, Any]:
    """Copy the example inputs into ``dest`` and return a config naming only what it needs."""
    shutil.copytree(REPO / "config" / "example", dest / "config" / "example")
    with (REPO / "config" / "config.yaml").open() as fh:
        cfg: dict[str, Any] = yaml.safe_load(fh)
    # the panel and the ClinVar snapshot are written workflow:<path>: they resolve against the
    # workflow, not against dest
    cfg["annotation"]["cache_dir"] = CACHE_DIR
    return cfg


def run_snakemake(
    workdir: Path,
    config: dict[str, Any] | None,
    *args: str,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    targets = [a for a in args if not a.startswith("-")]
    flags = [a for a in args if a.startswith("-")]
    cmd = [sys.executable, "-m", "snakemake", *targets, "-s", str(REPO / "Snakefile"), "--directory",
           str(workdir), "--cores", "2", *flags]
    if config is not None:
        cfg_path = workdir / "config.yaml"
        cfg_path.write_text(yaml.safe_dump(config, sort_keys=False))
        cmd += ["--configfile", str(cfg_path)]
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run(cmd, capture_output=True, text=True, env=full_env, cwd=workdir)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"snakemake failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}"
        )
    return proc


def guarded_env(log: Path) -> dict[str, str]:
    pp = os.environ.get("PYTHONPATH", "")
    return {"PYTHONPATH": f"{NETGUARD}{os.pathsep}{pp}" if pp else str(NETGUARD),
            "DUALDX_NETGUARD_LOG": str(log)}


def job_counts(log: str) -> dict[str, int]:
    """Planned/run jobs per rule from Snakemake's "Job stats:" table."""
    lines = log.splitlines()
    start = lines.index("Job stats:") + 3
    counts = {}
    for row in lines[start:]:
        parts = row.split()
        if len(parts) != 2 or not parts[1].isdigit():
            break
        counts[parts[0]] = int(parts[1])
    counts.pop("total", None)
    return counts
