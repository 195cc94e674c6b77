"""The ``dualdx`` console script (pyproject: dualdx = "dualdx.cli:main")."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from dualdx.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_the_declared_entry_point_exists() -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]["dualdx"]
    assert declared == "dualdx.cli:main"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("dualdx 0.1.0 (workflow ") and str(REPO) in out


def test_validate_the_bundled_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(REPO / "config" / "config.yaml"), "--directory", str(REPO)]) == 0
    doc = yaml.safe_load(capsys.readouterr().out)
    cfg = doc["config"]
    assert cfg["panel"] == str(REPO / "resources" / "panels" / "default.tsv")
    assert cfg["samples"] == str(REPO / "config" / "example" / "samples.tsv")
    assert cfg["annotation"]["reference_fasta"].endswith("resources/reference/TCIRG1_LRG_115.GRCh38.fa")
    assert doc["families"]["MIOP"]["samples"] == ["MIOP-I-1", "MIOP-I-2", "MIOP-II-1", "MIOP-II-2"]


def test_validate_names_the_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "my.yaml"
    bad.write_text(yaml.safe_dump({"samples": "s.tsv", "pedigree": "p.ped",
                                   "phenotypes": "ph.tsv", "genom_build": "GRCh38"}))
    assert main(["validate", str(bad), "--directory", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"dualdx: {bad}: ") and "did you mean 'genome_build'" in err
    broken = tmp_path / "broken.yaml"
    broken.write_text("samples: [unclosed\n")
    assert main(["validate", str(broken)]) == 1
    assert "not valid YAML or JSON" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 1
    assert "cannot read the configuration" in capsys.readouterr().err
    assert main(["--workflow", str(tmp_path), "version"]) == 0
    assert "workflow folder not found" in capsys.readouterr().out


def test_example_writes_a_ready_to_run_copy(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "my project"
    assert main(["example", str(dest)]) == 0
    out = capsys.readouterr().out
    assert f"--directory {dest.resolve()}" in out and str(REPO / "Snakefile") in out
    for name in ("config.yaml", "example/samples.tsv", "example/family_MIOP.vcf",
                 "example/pedigree.ped", "example/phenotypes.tsv", "example/README.md"):
        assert (dest / "config" / name).read_bytes() == (REPO / "config" / name).read_bytes(), name
    assert main(["example", str(dest)]) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in dest.iterdir()] == ["config"]  # no staging folder left behind
    # the copy validates from its own folder
    assert main(["validate", str(dest / "config" / "config.yaml"), "--directory", str(dest)]) == 0


@pytest.mark.workflow
def test_example_copy_runs_from_its_folder(tmp_path: Path) -> None:
    """Snakemake accepts the written copy from its own folder (dry run: every input resolves)."""
    dest = tmp_path / "ex"
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    made = subprocess.run([sys.executable, "-m", "dualdx.cli", "example", str(dest)],
                          capture_output=True, text=True, env=env)
    assert made.returncode == 0, made.stderr
    dry = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"),
                          "--directory", str(dest), "--cores", "1", "-n"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert dry.returncode == 0, dry.stdout[-3000:] + dry.stderr[-3000:]
    assert "write_report" in dry.stdout + dry.stderr
