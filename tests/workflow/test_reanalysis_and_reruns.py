"""Byte-stable reruns, cheap ClinVar-only reruns, and reanalysis against an earlier run (the
example without the bundled sequence, then as shipped)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from datafiles import shared_path
from workflow_helpers import copy_example, run_snakemake

pytestmark = pytest.mark.workflow

FAMILY = "MIOP"
MATERNAL_TCIRG1_ID = "5460"
MATERNAL_TCIRG1 = "chr11-68047733-C-A"  # ClinVar Variation 5460, c.1392C>A


def _newer_clinvar(test_data: Path, dest: Path) -> Path:
    """The shared 73-record ClinVar file (GRCh38, NCBI keys) as a later release in which
    Variation 5460 has been reviewed: criteria provided, single submitter (1 star)."""
    src = test_data / "clinvar" / "clinvar_2016-09_GRCh38_panel.ncbi-keys.derived.vcf"
    out = []
    changed = 0
    for line in src.read_text().splitlines():
        if line.startswith("##fileDate="):
            line = "##fileDate=2017-01-05"
        elif not line.startswith("#") and line.split("\t")[2] == MATERNAL_TCIRG1_ID:
            line = line.replace("CLNREVSTAT=no_assertion_criteria_provided",
                                "CLNREVSTAT=criteria_provided,_single_submitter")
            changed += 1
        out.append(line)
    assert changed == 1
    dest.write_text("\n".join(out) + "\n")
    return dest


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The example as a lab without sequence would have run it (annotation.bundled_sequence:
    false): the maternal TCIRG1 allele 5460 is a coding SNV whose protein effect cannot be
    derived, so it stays a VUS and MIOP is only a candidate: possible_dual."""
    wd = tmp_path_factory.mktemp("first")
    cfg = copy_example(wd)
    cfg["annotation"]["bundled_sequence"] = False
    run_snakemake(wd, cfg)
    return wd, cfg


def _outputs(wd: Path) -> dict[str, bytes]:
    res = wd / "results" / FAMILY
    return {n: (res / n).read_bytes() for n in ("report.json", "variants.tsv", "report.html",
                                                "inheritance.tsv", "classification.json")}


def test_rerun_is_byte_identical(first_run: tuple[Path, dict]) -> None:
    wd, cfg = first_run
    before = _outputs(wd)
    run_snakemake(wd, cfg, "--forceall")
    assert _outputs(wd) == before


def test_newer_clinvar_reuses_the_panel_vcf(first_run: tuple[Path, dict], test_data: Path,
                                            tmp_path: Path) -> None:
    wd, cfg = first_run
    newer = _newer_clinvar(test_data, tmp_path / "clinvar_2017-01.vcf")
    cfg2 = json.loads(json.dumps(cfg))
    cfg2["annotation"]["clinvar"] = str(newer)
    dry = run_snakemake(wd, cfg2, "-n")
    planned = dry.stdout + dry.stderr
    assert "index_clinvar" in planned and "annotate_variants" in planned
    assert "filter_panel" not in planned
    assert "distill_knowledge" not in planned


def test_without_sequence_the_example_is_only_possible_dual(first_run: tuple[Path, dict]) -> None:
    wd, _ = first_run
    rep = json.loads((wd / "results" / FAMILY / "report.json").read_text())
    assert rep["dual_diagnosis"]["status"] == "possible_dual", rep["dual_diagnosis"]["reason"]
    dx = {d["gene"]: d["status"] for d in rep["diagnoses"]}
    assert dx == {"TCIRG1": "candidate", "ALPL": "confirmed"}
    maternal = next(v for v in rep["variants"] if v["key"] == MATERNAL_TCIRG1)
    assert maternal["hgvs_p"] is None


def test_reanalysis_with_the_bundled_sequence_finds_the_change(first_run: tuple[Path, dict],
                                                               tmp_path: Path) -> None:
    """The same family rerun as shipped (with the bundled TCIRG1/ALPL sequence) against the
    earlier results: 5460 becomes p.(Cys464Ter), PVS1, Pathogenic; the family dual; and the
    reanalysis names the sequence as the cause."""
    old_wd, _ = first_run
    wd = tmp_path / "second"
    wd.mkdir()
    cfg2 = copy_example(wd)
    cfg2["previous_results"] = str(old_wd / "results")
    run_snakemake(wd, cfg2)
    re_ = json.loads((wd / "results" / FAMILY / "reanalysis.json").read_text())
    changes = re_["changes"]
    assert changes["dual_status"]["old"] == "possible_dual"
    assert changes["dual_status"]["new"] == "dual"
    assert not changes["clinvar_changed"]
    assert not changes["variants_added"] and not changes["variants_removed"]
    cls = {c["key"]: c for c in changes["class_changed"]}
    assert cls[MATERNAL_TCIRG1]["new_class"] == "Pathogenic"
    assert "PVS1" in cls[MATERNAL_TCIRG1]["criteria_added"]
    assert "reference genome" in cls[MATERNAL_TCIRG1]["cause"], cls[MATERNAL_TCIRG1]["cause"]
    rep = json.loads((wd / "results" / FAMILY / "report.json").read_text())
    assert rep["dual_diagnosis"]["status"] == "dual"
    html = (wd / "results" / FAMILY / "report.html").read_text()
    assert "What changed since" in html and "reference genome" in html


def test_wrong_build_fails_clearly_and_leaves_no_output(tmp_path: Path, repo: Path,
                                                        test_data: Path) -> None:
    (tmp_path / "in").mkdir()
    vcf = tmp_path / "in" / "exome.vcf"
    shutil.copy(shared_path("vcf/Pfeiffer_exome_hg19_ALPL.vcf"), vcf)
    (tmp_path / "in" / "samples.tsv").write_text(f"family_id\tsample_id\tvcf\nPF\tmanuel\t{vcf}\n")
    (tmp_path / "in" / "p.ped").write_text("PF\tmanuel\t0\t0\t1\t2\n")
    (tmp_path / "in" / "ph.tsv").write_text("sample_id\thpo_id\nmanuel\tHP:0003282\n")
    cfg = {"genome_build": "GRCh38", "samples": "in/samples.tsv", "pedigree": "in/p.ped",
           "phenotypes": "in/ph.tsv", "report": {"pdf": False}}
    proc = run_snakemake(tmp_path, cfg, "results/PF/panel.vcf.gz", check=False)
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert "GRCh37" in text and "exome.vcf" in text
    assert "Traceback" not in text
    assert not (tmp_path / "results" / "PF" / "panel.vcf.gz").exists()
    assert not list((tmp_path / "results").rglob("report.*")) if (tmp_path / "results").exists() else True
    # the same file declared as GRCh37 goes through
    cfg["genome_build"] = "GRCh37"
    run_snakemake(tmp_path, cfg, "results/PF/panel.vcf.gz")
    assert (tmp_path / "results" / "PF" / "panel.vcf.gz").is_file()
