"""Faults: a failing stage leaves no partial output, and atomic writes leave no ``.part`` files."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pysam
import pytest

from dualdx.core import atomic
from dualdx.core.errors import InputError
from dualdx.inputs.filtering import run_filter_panel

REPO = Path(__file__).resolve().parents[2]
PANEL = str(REPO / "resources" / "panels" / "default.tsv")
EXAMPLE_VCF = REPO / "config" / "example" / "family_MIOP.vcf"
SAMPLES = ["MIOP-I-1", "MIOP-I-2", "MIOP-II-1", "MIOP-II-2"]


@pytest.mark.parametrize("exc", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_atomic_write_error_leaves_no_part_file(tmp_path: Path, exc: BaseException) -> None:
    fresh = tmp_path / "fresh.json"
    kept = tmp_path / "kept.json"
    kept.write_text("old\n")
    for target in (fresh, kept):
        with pytest.raises(type(exc)), atomic.atomic_path(target) as tmp:
            tmp.write_text("half a rec")
            assert tmp.name.endswith(".part") and tmp.parent == tmp_path
            raise exc
    assert not fresh.exists()
    assert kept.read_text() == "old\n"  # the previous complete file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json"]


def test_bgzip_index_failure_leaves_neither_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """filter_panel writes the VCF and its index together: if indexing fails, neither appears."""

    def broken_index(*args: object, **kwargs: object) -> None:
        raise OSError("simulated tabix failure")

    monkeypatch.setattr(pysam, "tabix_index", broken_index)
    out = tmp_path / "out" / "panel.vcf.gz"
    with pytest.raises(OSError, match="simulated"):
        run_filter_panel([str(EXAMPLE_VCF)], SAMPLES, PANEL, "GRCh38", str(out),
                         logging.getLogger("test_faults"))
    assert list((tmp_path / "out").iterdir()) == []


def test_refused_input_leaves_no_output(tmp_path: Path) -> None:
    """A bad record late in the file: the error comes after reading began, nothing is written."""
    bad = tmp_path / "bad.vcf"
    bad.write_text(EXAMPLE_VCF.read_text() + "chr16\t1464700\t.\tT\tQ\t50\tPASS\t.\tGT\t0/1\t0/0"
                   "\t0/1\t0/0\n")
    out = tmp_path / "out" / "panel.vcf.gz"
    with pytest.raises(InputError, match=r"chr16:1464700.*ALT allele 'Q'"):
        run_filter_panel([str(bad)], SAMPLES, PANEL, "GRCh38", str(out),
                         logging.getLogger("test_faults"))
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


@pytest.mark.workflow
def test_failing_stage_leaves_no_report(tmp_path: Path) -> None:
    """call_diagnoses fails (its classification.json lost a variant): no report.json,
    variants.tsv, report.html or .part file remains, and the user sees one message."""
    from workflow_helpers import copy_example, run_snakemake

    cfg = copy_example(tmp_path)
    cfg["report"] = {"pdf": False}
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    run_snakemake(tmp_path, cfg, "results/MIOP/classification.json", env=env)
    cls_path = tmp_path / "results" / "MIOP" / "classification.json"
    cls = json.loads(cls_path.read_text())
    lost = sorted(cls["variants"])[0]
    del cls["variants"][lost]
    cls_path.write_text(json.dumps(cls))
    proc = run_snakemake(tmp_path, cfg, env=env, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Traceback" not in out, out[-6000:]
    assert (f"dualdx call_diagnoses: results/MIOP/classification.json: variant {lost} has no "
            "classification. Fix: re-run classify_variants") in out
    fam = tmp_path / "results" / "MIOP"
    for name in ("report.json", "variants.tsv", "report.html", "provenance.json"):
        assert not (fam / name).exists(), name
    assert not list(tmp_path.rglob("*.part"))
