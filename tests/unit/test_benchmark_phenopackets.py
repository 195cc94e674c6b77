"""benchmarks/phenopackets.py runs end to end on four real published patients (tests/data).

The calibration figures themselves come from the 1,350 shared cases (README); this test keeps the
benchmark runnable on a fresh clone: it writes stage files the readers validate, runs the real
stage functions for every kind of case and prints its figures. A stage contract that changes
without the benchmark breaks here, not in the next calibration run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from workflow_helpers import CACHE_DIR


def test_benchmark_runs_every_kind_of_case(repo: Path, test_data: Path, tmp_path: Path,
                                           hpo_store_shared: object) -> None:
    work = tmp_path / "work"
    env = {**os.environ, "PYTHONPATH": str(repo / "src")}
    out = subprocess.run(
        [sys.executable, str(repo / "benchmarks" / "phenopackets.py"),
         "--data", str(test_data / "phenopackets"), "--folds", "2", "--pairs", "1",
         "--workers", "1", "--workdir", str(work), "--cache-dir", CACHE_DIR],
        capture_output=True, text=True, env=env, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "4 usable patients of 3 genes" in out.stdout
    results = json.loads((work / "results.json").read_text(encoding="utf-8"))
    kinds = sorted({r["kind"] for r in results})
    assert kinds == ["control", "dual", "single"], out.stdout
    singles = {r["name"]: r for r in results if r["kind"] == "single"}
    assert len(singles) == 4
    # Glass syndrome is SATB2's only disease in HPO: a de novo published variant with the
    # patient's own terms must be diagnosed as it (and not called dual)
    satb2 = next(r for r in singles.values() if r["expect_gene"] == "SATB2")
    assert satb2["cause"] is None, satb2
    assert {tuple(r["genes"]) for r in results if r["kind"] == "dual"} <= {
        ("COQ4", "GLI3"), ("COQ4", "SATB2"), ("GLI3", "SATB2")}
    summary = json.loads((work / "summary.json").read_text(encoding="utf-8"))
    assert summary["pooled"]["singles"][1] == 4
