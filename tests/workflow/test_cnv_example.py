"""The copy-number example (config/example_cnv) end to end: a TCIRG1 multi-exon deletion in trans
with a ClinVar SNV (TCDEL, GATK-gCNV files per person) and an OSTM1 SNV that looks homozygous
over the mother's deletion (OSAPH, one VCF with small variants and Manta-style SV records)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from workflow_helpers import CACHE_DIR, REPO, guarded_env, run_snakemake

pytestmark = pytest.mark.workflow

TCDEL_DEL = "chr11-68036025-68043201-DEL"
TCDEL_SNV = "chr11-68049080-G-A"
OSAPH_DEL = "chr6-108059385-108079741-DEL"
OSAPH_SNV = "chr6-108064285-ACT-A"


@pytest.fixture(scope="module")
def cnv_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wd = tmp_path_factory.mktemp("cnv_example")
    shutil.copytree(REPO / "config" / "example_cnv", wd / "config" / "example_cnv")
    cfg: dict[str, Any] = yaml.safe_load((REPO / "config" / "example_cnv" / "config.yaml")
                                         .read_text())
    cfg["annotation"]["cache_dir"] = CACHE_DIR
    run_snakemake(wd, cfg, env=guarded_env(wd / "netguard.log"))
    return wd


def report(wd: Path, family: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads((wd / "results" / family / "report.json").read_text())
    return out


def variant(rep: dict[str, Any], key: str) -> dict[str, Any]:
    return next(v for v in rep["variants"] if v["key"] == key)


def test_deletion_in_trans_with_an_snv_is_a_confirmed_compound_heterozygote(cnv_run: Path
                                                                            ) -> None:
    rep = report(cnv_run, "TCDEL")
    (dx,) = rep["diagnoses"]
    assert (dx["gene"], dx["disease_id"], dx["status"], dx["label"]) == (
        "TCIRG1", "OMIM:259700", "confirmed", "compound_het_trans")
    assert dx["variants"] == [TCDEL_DEL, TCDEL_SNV]
    d = variant(rep, TCDEL_DEL)
    assert d["kind"] == "cnv" and d["acmg_class"] == "Likely pathogenic"
    assert d["acmg_points"] == 0.9 and d["tier"] == "PLP"
    assert d["cnv"]["description"].startswith("Deletion of exons 1–5 of 20 of TCIRG1")
    assert d["cnv"]["caller"] == "gatk_gcnv"
    assert [c["code"] for c in d["cnv"]["classification"]["criteria"]] == ["1A", "2C-1", "5F"]
    assert {s: g["gt"] for s, g in d["genotypes"].items()} == {
        "TCDEL-I-1": "0/0", "TCDEL-I-2": "0/1", "TCDEL-II-1": "0/1", "TCDEL-II-2": "0/1"}
    assert d["genotypes"]["TCDEL-II-1"]["cn"] == 1
    detail = next(x for x in d["inheritance_detail"] if x["disease_id"] == "OMIM:259700")
    assert detail["origin"] == "maternal" and "in trans with chr11-68049080-G-A" in \
        detail["explanation"]
    # the sister carries the deletion only: a carrier
    assert rep["methods"]["structural"]["events"] == 1
    assert rep["methods"]["structural"]["reference_segments"] == 4
    assert rep["methods"]["structural"]["caller_styles"] == ["gatk_gcnv", "generic"]
    assert rep["ruleset"]["cnv"]["name"] == "clingen_cnv_2020"
    assert not any("Mendelian" in w["message"] for w in rep["warnings"])
    # the SNV's PM3 counts the deletion's CNV class; the read-depth CNV needs confirmation
    snv = variant(rep, TCDEL_SNV)
    pm3 = next(c for c in snv["acmg_criteria"] if c["code"] == "PM3")
    assert "by the ClinGen/ACMG CNV points" in pm3["evidence"]
    assert snv["acmg_class"] == "Pathogenic"
    (caution,) = dx["cautions"]
    assert caution["code"] == "cnv_needs_confirmation" and "GATK-gCNV" in caution["message"]
    tsv = (cnv_run / "results" / "TCDEL" / "variants.tsv").read_text()
    assert TCDEL_DEL.split("-")[1] in tsv and "c.(?_-99)_(503+1_504-1)del" in tsv


def test_apparent_homozygosity_over_a_deletion_is_explained(cnv_run: Path) -> None:
    rep = report(cnv_run, "OSAPH")
    (dx,) = rep["diagnoses"]
    assert (dx["gene"], dx["disease_id"], dx["status"], dx["label"]) == (
        "OSTM1", "OMIM:259720", "confirmed", "compound_het_trans")
    assert sorted(dx["variants"]) == sorted([OSAPH_DEL, OSAPH_SNV])
    snv = variant(rep, OSAPH_SNV)
    p = snv["genotypes"]["OSAPH-II-1"]
    assert (p["gt"], p["called_gt"]) == ("1/*", "1/1")
    assert "apparent homozygosity" in p["copy_number_note"]
    mum = snv["genotypes"]["OSAPH-I-2"]
    assert (mum["gt"], mum["called_gt"]) == ("0/*", "0/0")
    assert "not a Mendelian error" in mum["copy_number_note"]
    detail = next(x for x in snv["inheritance_detail"] if x["disease_id"] == "OMIM:259720")
    assert detail["label"] == "compound_het_trans"
    assert "apparent homozygosity" in detail["explanation"]
    assert "the variant lies inside the deletion" in detail["explanation"]
    assert not any("Mendelian" in w["message"] for w in rep["warnings"])
    # nothing said twice: the filter no longer calls the <DEL> "not assessed"
    assert not any("symbolic" in w["code"] for w in rep["warnings"])
    assert {c["code"] for c in dx["cautions"]} == {"cnv_needs_confirmation",
                                                   "read_with_copy_number"}
    assert variant(rep, OSAPH_DEL)["cnv"]["hgvs_g"] == \
        "NC_000006.12:g.(108059236_108059536)_(108079591_108079891)del"
    html = (cnv_run / "results" / "OSAPH" / "report.html").read_text()
    assert "apparent homozygosity" in html
    assert "Deletion of exons 1–2 of 6 of OSTM1" in html
    # the filter kept the symbolic record out of the small variants and counted it
    stats = json.loads((cnv_run / "results" / "OSAPH" / "filter_stats.json").read_text())
    assert stats["skipped_symbolic"] == 1
    assert rep["methods"]["structural"]["records_read"] == 1


def test_no_network_and_no_warning_beyond_the_expected(cnv_run: Path) -> None:
    log = cnv_run / "netguard.log"
    assert not log.exists() or log.read_text().strip() == ""
