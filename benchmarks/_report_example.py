"""The bundled example's report, produced in a scratch directory outside the repository (shared
by benchmarks/report_screenshots.py and benchmarks/pdf.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
FAMILY = "MIOP"


def run_example(workdir: Path, target: str = "report.pdf", cores: int = 2) -> Path:
    """Run the bundled example (config/config.yaml) in ``workdir`` up to
    ``results/MIOP/<target>`` and return the family's results folder. The repository's own
    results/ is never written. The scratch results of an earlier call are removed first: a code
    change does not make Snakemake rerun a stage, and a reviewer must see this checkout's page
    (the HPO store stays cached outside ``workdir``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(workdir / "results", ignore_errors=True)
    if not (workdir / "config" / "example").is_dir():
        shutil.copytree(REPO / "config" / "example", workdir / "config" / "example")
    snapshot = workdir / "resources" / "knowledge" / "clinvar_example_snapshot.vcf"
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "resources" / "knowledge" / "clinvar_example_snapshot.vcf", snapshot)
    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    cfg.pop("panel", None)  # the bundled panel resolves against the workflow
    cfg.setdefault("annotation", {})["cache_dir"] = str(Path(tempfile.gettempdir()) /
                                                        "dualdx-report-example-cache")
    (workdir / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    cmd = [sys.executable, "-m", "snakemake", f"results/{FAMILY}/{target}", "-s",
           str(REPO / "Snakefile"), "--directory", str(workdir), "--cores", str(cores),
           "--configfile", str(workdir / "config.yaml")]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=workdir)
    if proc.returncode != 0:
        sys.exit(f"the example run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return workdir / "results" / FAMILY
