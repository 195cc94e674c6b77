"""A real VCF runs end to end: the GIAB Ashkenazi trio (GATK + bcftools csq, GRCh37).

It was refused before dualdx read VCFs with htslib (its ``##bcftools/csqVersion`` header line).
The excerpt, pedigree and phenotypes are in ``tests/data/giab/`` (README there). What the
report should *conclude* for this family is another test's business; this one checks that the
whole workflow runs on it, that report.json validates, and that the trio's ALPL calls are there
as the VCF says.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from workflow_helpers import CACHE_DIR, REPO, guarded_env, run_snakemake

pytestmark = pytest.mark.workflow

GIAB = REPO / "tests" / "data" / "giab"
VCF = GIAB / "GIAB_AJ_trio_ALPL_excerpt.GRCh37.vcf.gz"


def _alpl_records() -> dict[str, dict[str, str]]:
    """key -> {sample: GT} of the excerpt's records in the padded ALPL region, read as text."""
    out: dict[str, dict[str, str]] = {}
    with gzip.open(VCF, "rt") as fh:
        samples: list[str] = []
        for line in fh:
            if line.startswith("#CHROM"):
                samples = line.rstrip("\n").split("\t")[9:]
            if line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            if c[0] == "1" and 21835816 <= int(c[1]) <= 21905003:
                out[f"{c[0]}-{c[1]}-{c[3]}-{c[4]}"] = {
                    s: v.split(":")[0] for s, v in zip(samples, c[9:], strict=True)}
    return out


@pytest.fixture(scope="module")
def giab_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wd = tmp_path_factory.mktemp("giab")
    shutil.copytree(GIAB, wd / "tests" / "data" / "giab")
    cfg: dict[str, Any] = yaml.safe_load((GIAB / "config.yaml").read_text())
    cfg["annotation"]["cache_dir"] = CACHE_DIR
    proc = run_snakemake(wd, cfg, check=False,
                         env=guarded_env(wd / "netguard.log") | {"SOURCE_DATE_EPOCH": "1767225600"})
    (wd / "snakemake.log").write_text(proc.stdout + proc.stderr)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    assert "Traceback" not in proc.stderr
    return wd


def test_giab_trio_runs_and_report_validates(giab_run: Path) -> None:
    out = giab_run / "results" / "AJ"
    for name in ("panel.vcf.gz", "filter_stats.json", "annotations.json", "inheritance.json",
                 "classification.json", "report.json", "variants.tsv", "report.html",
                 "provenance.json"):
        assert (out / name).is_file(), name
    report = json.loads((out / "report.json").read_text())
    schema = json.loads((REPO / "workflow" / "schemas" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    assert report["genome_build"] == "GRCh37" and report["proband"] == "HG002"


def test_giab_trio_alpl_calls_are_in_the_report(giab_run: Path) -> None:
    expected = _alpl_records()
    assert len(expected) == 13
    out = giab_run / "results" / "AJ"
    stats = json.loads((out / "filter_stats.json").read_text())
    assert stats["records_read"] == 53 and stats["records_written"] == 13
    assert stats["build_verified"] and stats["contig_style"] == "no_chr"
    report = json.loads((out / "report.json").read_text())
    by_key = {v["key"]: v for v in report["variants"]}
    assert set(by_key) == set(expected)
    for key, gts in expected.items():
        v = by_key[key]
        assert v["gene"] == "ALPL"
        assert {s: g["gt"] for s, g in v["genotypes"].items()} == gts, key
    # ALPL p.Tyr263His: the protein effect from the bundled NM_000478.6 mRNA (no reference set)
    y263h = by_key["1-21894735-T-C"]
    assert (y263h["transcript"], y263h["hgvs_c"]) == ("NM_000478.6", "c.787T>C")
    assert (y263h["consequence"], y263h["hgvs_p"]) == ("missense_variant", "p.(Tyr263His)")
