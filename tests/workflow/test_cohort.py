"""Cohort mode: families sharing one joint VCF give the same results as one VCF per family.

Three synthetic quartets (``dualdx.synthetic.write_cohort``: dual diagnosis, TCIRG1 only, ALPL
only) run once from one joint VCF (cohort mode: the VCF is filtered to the panel once by
``filter_cohort``) and once, in the same working directory, from one VCF per family holding that
family's columns only. Every per-family output that the diagnosis depends on must be
byte-identical, and the diagnoses must differ by family as the scenarios say (a family reading
another family's columns would get another scenario's diagnoses).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from workflow_helpers import REPO, guarded_env, job_counts, run_snakemake

from dualdx.synthetic import write_cohort

pytestmark = pytest.mark.workflow

TCIRG1_DISEASE = "OMIM:259700"  # osteopetrosis, autosomal recessive 1
ALPL_DISEASE = "OMIM:146300"  # hypophosphatasia, adult
EXPECTED = {"C0001": {TCIRG1_DISEASE, ALPL_DISEASE}, "C0002": {TCIRG1_DISEASE},
            "C0003": {ALPL_DISEASE}}
COMPARED = ("annotations.json", "inheritance.json", "classification.json", "report.json",
            "variants.tsv", "inheritance.tsv")


def _config(wd: Path, samples: Path, pedigree: Path, phenotypes: Path) -> dict[str, Any]:
    with (REPO / "config" / "config.yaml").open() as fh:
        cfg: dict[str, Any] = yaml.safe_load(fh)
    cfg.pop("panel", None)
    (wd / "resources" / "knowledge").mkdir(parents=True, exist_ok=True)
    snap = wd / "resources" / "knowledge" / "clinvar_example_snapshot.vcf"
    shutil.copy(REPO / "resources" / "knowledge" / "clinvar_example_snapshot.vcf", snap)
    cfg.update(samples=str(samples), pedigree=str(pedigree), phenotypes=str(phenotypes))
    cfg["annotation"]["clinvar"] = str(snap)
    cfg["report"]["pdf"] = False
    return cfg




def _records(vcf: Path) -> list[str]:
    with gzip.open(vcf, "rt") as fh:
        return [ln for ln in fh if not ln.startswith("#")]


@pytest.fixture(scope="module")
def cohort_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wd = tmp_path_factory.mktemp("cohort")
    files = write_cohort(wd / "cohort", 3, seed=3, background=300, layout="both")
    assert files.joint_samples is not None and files.split_samples is not None
    env = guarded_env(wd / "netguard.log") | {"SOURCE_DATE_EPOCH": "1767225600"}
    joint = run_snakemake(wd, _config(wd, files.joint_samples, files.pedigree, files.phenotypes),
                          env=env)
    (wd / "joint.log").write_text(joint.stderr)
    (wd / "joint").mkdir()
    for fam in EXPECTED:
        shutil.move(wd / "results" / fam, wd / "joint" / fam)
    split = run_snakemake(wd, _config(wd, files.split_samples, files.pedigree, files.phenotypes),
                          env=env)
    (wd / "split.log").write_text(split.stderr)
    return wd


def test_joint_vcf_is_filtered_once(cohort_runs: Path) -> None:
    counts = job_counts((cohort_runs / "joint.log").read_text())
    assert counts["filter_cohort"] == 1
    assert counts["filter_panel"] == 3
    assert len(list((cohort_runs / "logs" / "_cohort").glob("*.filter_panel.log"))) == 1
    # one VCF per family: no cohort step, and the knowledge built by the first run is reused
    split = job_counts((cohort_runs / "split.log").read_text())
    assert "filter_cohort" not in split
    assert split["filter_panel"] == 3
    assert "distill_knowledge" not in split


def test_each_family_gets_the_same_results_from_the_joint_vcf(cohort_runs: Path) -> None:
    for fam in EXPECTED:
        joint, alone = cohort_runs / "joint" / fam, cohort_runs / "results" / fam
        assert _records(joint / "panel.vcf.gz") == _records(alone / "panel.vcf.gz"), fam
        for name in COMPARED:
            assert (joint / name).read_bytes() == (alone / name).read_bytes(), f"{fam}/{name}"


def test_families_keep_their_own_genotypes(cohort_runs: Path) -> None:
    for fam, diseases in EXPECTED.items():
        report = json.loads((cohort_runs / "joint" / fam / "report.json").read_text())
        assert report["family"] == fam
        assert {s["sample_id"] for s in report["samples"]} == {
            f"{fam}-I-1", f"{fam}-I-2", f"{fam}-II-1", f"{fam}-II-2"}
        assert set(report["dual_diagnosis"]["diagnoses"]) == diseases, fam
    assert not (cohort_runs / "netguard.log").exists() or not (
        cohort_runs / "netguard.log").read_text()
