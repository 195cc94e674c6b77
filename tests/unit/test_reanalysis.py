"""Tests for dualdx.provenance.reanalysis: what changed between two runs and which release caused it."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import stage_docs

from dualdx.core.errors import InputError
from dualdx.provenance import reanalysis

LOG = logging.getLogger("test_reanalysis")

TCIRG1_A = "chr11-68047480-G-A"
TCIRG1_B = "chr11-68048900-C-T"
ALPL_1 = "chr1-21563163-G-A"
CLCN7_1 = "chr16-1450000-C-G"


def crit(label: str, points: int = 2, direction: str = "pathogenic") -> dict[str, Any]:
    code = label.split("_")[0]
    strength = "Supporting" if label.endswith("_Supporting") else "Moderate"
    return {"code": code, "strength": strength, "label": label, "points": points,
            "direction": direction, "evidence": f"{label} applies (test)"}


def clinvar(sig: str, stars: int, review: str, vid: str = "1") -> dict[str, Any]:
    return {"variation_id": vid, "significance": sig, "review_status": review, "stars": stars,
            "conditions": ["Osteopetrosis"]}


def variant(key: str, gene: str, hgvs_c: str, acmg_class: str, labels: list[str],
            cv: dict[str, Any] | None = None) -> dict[str, Any]:
    chrom, pos, ref, alt = key.split("-")
    criteria = [crit(label) for label in labels]
    return {
        "key": key, "chrom": chrom, "pos": int(pos), "ref": ref, "alt": alt, "gene": gene,
        "transcript": "NM_006019.4", "hgvs_c": hgvs_c, "hgvs_p": None,
        "consequence": "missense_variant", "acmg_class": acmg_class,
        "acmg_points": sum(c["points"] for c in criteria), "acmg_criteria": criteria,
        "acmg_not_evaluated": [], "clinvar": cv, "clinvar_disagreement": False,
        "gnomad": {"queried": True}, "inheritance": [], "inheritance_detail": [],
        "genotypes": {"P": {"gt": "0/1"}}, "qc_flags": [],
    }


def diagnosis(gene: str, disease_id: str, status: str, keys: list[str]) -> dict[str, Any]:
    return {"gene": gene, "disease_id": disease_id, "disease_name": f"{gene} disease",
            "inheritance_mode": "autosomal_recessive", "status": status, "variants": keys,
            "explained_hpo": [], "score": 1.0}


def report(variants: list[dict[str, Any]], diagnoses: list[dict[str, Any]],
           dual: str) -> dict[str, Any]:
    return {
        "schema_version": "1", "family": "F1", "proband": "P", "genome_build": "GRCh38",
        "panel": {"name": "default", "genes": ["TCIRG1", "CLCN7", "OSTM1", "ALPL"]},
        "samples": [], "variants": variants, "diseases": [], "diagnoses": diagnoses,
        "carriers": [],
        "dual_diagnosis": {"status": dual, "diagnoses": [d["disease_id"] for d in diagnoses],
                           "explained_by_each": {}, "shared_hpo": [], "unexplained_hpo": [],
                           "reason": "test"},
        "phenotype_matrix": {"terms": [], "columns": [], "cells": {}},
        "not_checked": [], "warnings": [], "databases": [{"name": "clinvar", "status": "used"}],
        "ruleset": {"name": "acmg2015", "version": "Richards 2015 (PMID 25741868)"},
    }


def prov(when: str, clinvar_rel: str = "2016-09-27", gnomad_rel: str = "v4.0",
         wf: str = "v0.1.0", vcf_sha: str = "a" * 64) -> dict[str, Any]:
    return {
        "generated_at": f"{when}T12:00:00Z",
        "workflow_version": wf,
        "config_sha256": "c" * 64,
        "config": {"genome_build": "GRCh38"},
        "inputs": {"vcfs": [{"path": "F1.vcf", "sha256": vcf_sha, "kind": "file"}]},
        "databases": [
            {"name": "clinvar", "status": "used", "release": clinvar_rel,
             "sha256": clinvar_rel.replace("-", "") * 2, "path": None, "detail": None},
            {"name": "gnomad", "status": "used", "release": gnomad_rel,
             "sha256": gnomad_rel * 4, "path": None, "detail": None},
        ],
        "hpo_release": "2025-01-16",
        "ruleset": {"name": "acmg2015", "version": "Richards 2015 (PMID 25741868)"},
    }


def base_report() -> dict[str, Any]:
    vs = [
        variant(TCIRG1_A, "TCIRG1", "c.117+4A>T", "Pathogenic", ["PVS1", "PM2", "PM3"],
                clinvar("Pathogenic", 1, "criteria provided, single submitter", "127173")),
        variant(TCIRG1_B, "TCIRG1", "c.1213G>A", "Likely pathogenic", ["PM2", "PM3", "PP3"],
                clinvar("Uncertain significance", 1, "criteria provided, single submitter")),
        variant(ALPL_1, "ALPL", "c.571G>A", "Uncertain significance", ["PM2", "PP3"], None),
    ]
    dx = [diagnosis("TCIRG1", "OMIM:259700", "confirmed", [TCIRG1_A, TCIRG1_B])]
    return report(vs, dx, "single")


def by_key(rep: dict[str, Any], key: str) -> dict[str, Any]:
    return next(v for v in rep["variants"] if v["key"] == key)


@pytest.fixture(scope="module")
def schema(repo: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (repo / "workflow" / "schemas" / "report.schema.json").read_text(encoding="utf-8")
    )
    return loaded


def test_fixture_reports_follow_the_report_schema(schema: dict[str, Any]) -> None:
    jsonschema.validate(base_report(), schema)


def test_clinvar_change_attributed_to_clinvar_release() -> None:
    old, new = base_report(), base_report()
    by_key(new, TCIRG1_B)["clinvar"] = clinvar(
        "Pathogenic", 2, "criteria provided, multiple submitters, no conflicts")
    res = reanalysis.compare_reports(
        old, new, prov("2016-10-01"), prov("2017-02-01", clinvar_rel="2017-01-05"))
    ch = res["changes"]
    assert ch["clinvar_changed"] == [{
        "key": TCIRG1_B, "gene": "TCIRG1", "hgvs_c": "c.1213G>A",
        "old": {"significance": "Uncertain significance", "stars": 1,
                "review_status": "criteria provided, single submitter"},
        "new": {"significance": "Pathogenic", "stars": 2,
                "review_status": "criteria provided, multiple submitters, no conflicts"},
        "cause": "ClinVar release 2016-09-27 → 2017-01-05",
    }]
    for field in ("variants_added", "variants_removed", "class_changed", "diagnoses_added",
                  "diagnoses_removed", "diagnoses_changed"):
        assert ch[field] == [], field
    assert ch["dual_status"] is None
    assert res["previous_date"] == "2016-10-01T12:00:00Z"
    assert res["previous_workflow_version"] == "v0.1.0"
    assert "ClinVar release 2016-09-27 → 2017-01-05" in res["summary"]
    # Only the variant whose record changed has moved its last_changed date.
    hist = res["variant_history"]
    assert hist[TCIRG1_B] == {"first_seen": "2016-10-01", "last_changed": "2017-02-01"}
    assert hist[TCIRG1_A] == {"first_seen": "2016-10-01", "last_changed": "2016-10-01"}


def test_class_change_criteria_diff_attributed_to_gnomad_not_clinvar() -> None:
    old, new = base_report(), base_report()
    v = by_key(new, ALPL_1)
    v["acmg_criteria"] = [crit("BS1", -4, "benign"), crit("PP3", 1)]
    v["acmg_points"] = -3
    v["acmg_class"] = "Likely benign"
    res = reanalysis.compare_reports(
        old, new, prov("2016-10-01"),
        prov("2017-02-01", clinvar_rel="2017-01-05", gnomad_rel="v4.1"))
    (change,) = res["changes"]["class_changed"]
    assert change["key"] == ALPL_1
    assert (change["old_class"], change["new_class"]) == ("Uncertain significance", "Likely benign")
    assert change["criteria_added"] == ["BS1"]
    assert change["criteria_removed"] == ["PM2"]
    assert change["cause"] == "gnomAD release v4.0 → v4.1"
    assert res["changes"]["clinvar_changed"] == []


def test_class_change_with_only_workflow_change_and_with_nothing_recorded() -> None:
    old, new = base_report(), base_report()
    v = by_key(new, TCIRG1_B)
    v["acmg_class"] = "Pathogenic"  # same criteria, different class: a rule change
    res = reanalysis.compare_reports(old, new, prov("2016-10-01"),
                                     prov("2017-02-01", wf="v0.2.0"))
    (change,) = res["changes"]["class_changed"]
    assert change["criteria_added"] == [] and change["criteria_removed"] == []
    assert change["cause"] == "workflow version v0.1.0 → v0.2.0"
    same = reanalysis.compare_reports(old, new, prov("2016-10-01"), prov("2017-02-01"))
    assert same["changes"]["class_changed"][0]["cause"].startswith("unknown")
    no_prov = reanalysis.compare_reports(old, new, None, None)
    assert no_prov["changes"]["class_changed"][0]["cause"].startswith("unknown")
    assert no_prov["previous_date"] is None


def test_unrelated_database_change_is_not_blamed() -> None:
    old, new = base_report(), base_report()
    by_key(new, TCIRG1_A)["clinvar"]["stars"] = 2
    # ClinVar unchanged; only gnomAD moved: the ClinVar change's cause is unknown.
    res = reanalysis.compare_reports(old, new, prov("2016-10-01"),
                                     prov("2017-02-01", gnomad_rel="v4.1"))
    cause = res["changes"]["clinvar_changed"][0]["cause"]
    assert cause.startswith("unknown") and "gnomAD release v4.0 → v4.1" in cause


def test_dual_status_change_and_diagnosis_added() -> None:
    old, new = base_report(), base_report()
    v = by_key(new, ALPL_1)
    v["clinvar"] = clinvar("Pathogenic", 2, "criteria provided, multiple submitters, no conflicts")
    v["acmg_criteria"] = [crit("PM2"), crit("PP3", 1), crit("PP5", 1), crit("PS1", 4)]
    v["acmg_class"] = "Likely pathogenic"
    new["diagnoses"].append(diagnosis("ALPL", "OMIM:146300", "confirmed", [ALPL_1]))
    new["dual_diagnosis"]["status"] = "dual"
    res = reanalysis.compare_reports(
        old, new, prov("2016-10-01"), prov("2017-02-01", clinvar_rel="2017-01-05"))
    ch = res["changes"]
    cause = "ClinVar release 2016-09-27 → 2017-01-05"
    assert ch["class_changed"][0]["criteria_added"] == ["PP5", "PS1"]
    assert ch["class_changed"][0]["cause"] == cause
    (added,) = ch["diagnoses_added"]
    assert (added["disease_id"], added["status"]) == ("OMIM:146300", "confirmed")
    # the most specific cause: the variant's new ClinVar record and its reclassification
    assert added["cause"] == (
        "ClinVar record of ALPL c.571G>A (Variation 1): no record → Pathogenic (2 stars) "
        f"({cause}); ALPL c.571G>A reclassified Uncertain significance → Likely pathogenic: "
        f"PP5, PS1 added ({cause})")
    assert ch["dual_status"] == {"old": "single", "new": "dual", "cause": added["cause"]}
    assert "dual-diagnosis status single → dual" in res["summary"]


def _alpl_dual() -> dict[str, Any]:
    """TCIRG1 confirmed + ALPL confirmed through ClinVar over a computed VUS: dual."""
    rep = base_report()
    v = by_key(rep, ALPL_1)
    v["clinvar"] = clinvar("Pathogenic", 2, "criteria provided, multiple submitters, no conflicts",
                           "13670")
    v["tier"], v["tier_flags"] = "PLP", ["clinvar_plp_over_vus"]
    for w in rep["variants"]:
        w.setdefault("tier", "PLP")
    dx = diagnosis("ALPL", "OMIM:146300", "confirmed", [ALPL_1])
    dx["flags"] = [f"clinvar_plp_over_vus:{ALPL_1}"]
    rep["diagnoses"].append(dx)
    rep["dual_diagnosis"]["status"] = "dual"
    rep["dual_diagnosis"]["diagnoses"] = ["OMIM:259700", "OMIM:146300"]
    return rep


def test_later_clinvar_demoting_an_alpl_assertion_is_the_cause_not_the_config() -> None:
    """Issue 17 item 8: a rerun with a later ClinVar (and so another config) in which the ALPL
    assertion went from Pathogenic to VUS: the diagnosis and dual changes name that record."""
    old, new = _alpl_dual(), _alpl_dual()
    v = by_key(new, ALPL_1)
    v["clinvar"] = clinvar("Uncertain significance", 1, "criteria provided, single submitter",
                           "13670")
    v["tier"], v["tier_flags"] = "VUS", []
    new["diagnoses"][1]["status"] = "candidate"
    new["diagnoses"][1]["flags"] = [f"vus:{ALPL_1}"]
    new["dual_diagnosis"]["status"] = "possible_dual"
    p_old, p_new = prov("2016-10-01"), prov("2017-02-01", clinvar_rel="2017-01-05")
    p_old["config"] = {"annotation": {"clinvar": "clinvar_2016-09.vcf"}}
    p_new["config"] = {"annotation": {"clinvar": "clinvar_2017-01.vcf"},
                       "previous_results": "old/results"}
    p_new["config_sha256"] = "d" * 64
    res = reanalysis.compare_reports(old, new, p_old, p_new)
    ch = res["changes"]
    record = ("ClinVar record of ALPL c.571G>A (Variation 13670): Pathogenic (2 stars) → "
              "Uncertain significance (1 star) (ClinVar release 2016-09-27 → 2017-01-05)")
    (changed,) = ch["diagnoses_changed"]
    assert (changed["gene"], changed["old_status"], changed["new_status"]) == (
        "ALPL", "confirmed", "candidate")
    assert changed["cause"] == record
    assert ch["dual_status"] == {"old": "dual", "new": "possible_dual", "cause": record}
    assert "config changed" not in changed["cause"]
    # the configuration is still listed among the run differences, without previous_results
    texts = [d["text"] for d in res["run_differences"]]
    assert "config changed (annotation)" in texts


def test_configuration_is_blamed_only_when_nothing_specific_explains_a_change() -> None:
    old, new = _alpl_dual(), _alpl_dual()
    new["diagnoses"][0]["status"] = "candidate"  # nothing about its variants moved
    p_old, p_new = prov("2016-10-01"), prov("2017-02-01")
    p_new["config_sha256"] = "d" * 64
    p_new["config"] = {"genome_build": "GRCh38", "inheritance": {"min_dp": 20}}
    res = reanalysis.compare_reports(old, new, p_old, p_new)
    assert res["changes"]["diagnoses_changed"][0]["cause"] == "config changed (inheritance)"


def test_new_phenotype_term_is_the_cause_of_a_dual_change() -> None:
    old, new = _alpl_dual(), _alpl_dual()
    for rep in (old, new):
        rep["samples"] = [{"sample_id": "P", "father": None, "mother": None, "sex": "male",
                           "affected": "affected", "affected_for": [],
                           "phenotypes": [{"id": "HP:0011002", "name": "Osteopetrosis",
                                           "excluded": False}]}]
    new["samples"][0]["phenotypes"].append({"id": "HP:0003282", "name": "Low alkaline phosphatase",
                                            "excluded": False})
    old["dual_diagnosis"]["status"] = "single"
    p_old, p_new = prov("2016-10-01"), prov("2017-02-01")
    p_old["inputs"]["phenotypes"] = [{"path": "F1.hpo.tsv", "sha256": "1" * 64}]
    p_new["inputs"]["phenotypes"] = [{"path": "F1.hpo.tsv", "sha256": "2" * 64}]
    res = reanalysis.compare_reports(old, new, p_old, p_new)
    assert res["changes"]["dual_status"]["cause"] == (
        "the proband's recorded features changed: added Low alkaline phosphatase (HP:0003282) "
        "(input 'phenotypes' changed (sha256 111111111111 → 222222222222))")


def test_inheritance_change_is_the_cause_of_a_diagnosis_change() -> None:
    old, new = base_report(), base_report()
    for rep, label in ((old, "compound_het_trans"), (new, "compound_het_unknown_phase")):
        for key in (TCIRG1_A, TCIRG1_B):
            by_key(rep, key)["inheritance_detail"] = [
                {"disease_id": "OMIM:259700", "disease_mode": "autosomal_recessive",
                 "label": label, "origin": "unknown", "qualifies": True, "explanation": ""}]
    new["diagnoses"][0]["status"] = "candidate"
    res = reanalysis.compare_reports(old, new, prov("2016-10-01"),
                                     prov("2017-02-01", vcf_sha="b" * 64))
    cause = res["changes"]["diagnoses_changed"][0]["cause"]
    assert cause.startswith("inheritance of TCIRG1 c.117+4A>T changed (input 'vcfs' changed")
    assert "inheritance of TCIRG1 c.1213G>A changed" in cause


def test_diagnosis_status_change_reported() -> None:
    old, new = base_report(), base_report()
    new["diagnoses"][0]["status"] = "candidate"
    # gnomAD moved but none of the diagnosis's variants changed class: gnomAD is not blamed.
    res = reanalysis.compare_reports(old, new, prov("2016-10-01"),
                                     prov("2017-02-01", gnomad_rel="v4.1", wf="v0.2.0"))
    (change,) = res["changes"]["diagnoses_changed"]
    assert (change["old_status"], change["new_status"]) == ("confirmed", "candidate")
    assert change["variants_added"] == [] and change["variants_removed"] == []
    assert change["cause"] == "workflow version v0.1.0 → v0.2.0"
    # A new phenotype file is a recorded change that bears on a diagnosis.
    p_old, p_new = prov("2016-10-01"), prov("2017-02-01", gnomad_rel="v4.1")
    p_old["inputs"]["phenotypes"] = [{"path": "F1.hpo.tsv", "sha256": "1" * 64}]
    p_new["inputs"]["phenotypes"] = [{"path": "F1.hpo.tsv", "sha256": "2" * 64}]
    res = reanalysis.compare_reports(old, new, p_old, p_new)
    assert res["changes"]["diagnoses_changed"][0]["cause"] == (
        "input 'phenotypes' changed (sha256 111111111111 → 222222222222)"
    )


def test_variants_added_removed_and_chr_style_ignored() -> None:
    old, new = base_report(), base_report()
    # The new run's VCF uses no 'chr': same variants, must not show as changed.
    for v in new["variants"]:
        v["key"] = v["key"].removeprefix("chr")
        v["chrom"] = v["chrom"].removeprefix("chr")
    new["variants"] = [v for v in new["variants"] if v["gene"] != "ALPL"]
    new["variants"].append(variant(CLCN7_1.removeprefix("chr"), "CLCN7", "c.1A>G",
                                   "Uncertain significance", ["PM2"]))
    res = reanalysis.compare_reports(old, new, prov("2016-10-01"),
                                     prov("2017-02-01", vcf_sha="b" * 64))
    ch = res["changes"]
    assert [v["key"] for v in ch["variants_added"]] == ["16-1450000-C-G"]
    assert [v["key"] for v in ch["variants_removed"]] == [ALPL_1]
    assert ch["variants_added"][0]["cause"].startswith("input 'vcfs' changed")
    assert ch["clinvar_changed"] == [] and ch["class_changed"] == []
    assert res["variant_history"]["16-1450000-C-G"]["first_seen"] == "2017-02-01"


def test_output_is_order_independent() -> None:
    old, new = base_report(), base_report()
    by_key(new, TCIRG1_B)["acmg_class"] = "Pathogenic"
    by_key(new, ALPL_1)["acmg_class"] = "Likely benign"
    a = reanalysis.compare_reports(old, new, prov("2016-10-01"), prov("2017-02-01"))
    old2, new2 = copy.deepcopy(old), copy.deepcopy(new)
    old2["variants"].reverse()
    new2["variants"].reverse()
    b = reanalysis.compare_reports(old2, new2, prov("2016-10-01"), prov("2017-02-01"))
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    # Genomic order: chr1 before chr11.
    assert [c["key"] for c in a["changes"]["class_changed"]] == [ALPL_1, TCIRG1_B]


# ----------------------------------------------------------------------------- run_compare


def write_run(root: Path, rep: dict[str, Any], pv: dict[str, Any] | None) -> Path:
    fam = root / "F1"
    fam.mkdir(parents=True, exist_ok=True)
    (fam / "report.json").write_text(json.dumps(rep), encoding="utf-8")
    if pv is not None:
        stage_docs.write("provenance", fam / "provenance.json", pv)
    return fam


def compare(prev_root: Path, cur_root: Path) -> dict[str, Any]:
    fam = cur_root / "F1"
    out = fam / "reanalysis.json"
    reanalysis.run_compare(str(fam / "report.json"), str(fam / "provenance.json"),
                           str(prev_root), "F1", str(out), LOG)
    loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


def test_first_seen_carried_across_three_runs(tmp_path: Path) -> None:
    r1 = base_report()
    write_run(tmp_path / "run1", r1, prov("2016-10-01"))

    r2 = base_report()
    by_key(r2, TCIRG1_B)["clinvar"] = clinvar("Pathogenic", 2, "reviewed")
    r2["variants"].append(variant(CLCN7_1, "CLCN7", "c.1A>G", "Uncertain significance", ["PM2"]))
    write_run(tmp_path / "run2", r2, prov("2017-02-01", clinvar_rel="2017-01-05",
                                          vcf_sha="b" * 64))
    re2 = compare(tmp_path / "run1", tmp_path / "run2")
    assert re2["variant_history"][TCIRG1_A] == {"first_seen": "2016-10-01",
                                                "last_changed": "2016-10-01"}

    r3 = copy.deepcopy(r2)
    by_key(r3, TCIRG1_A)["acmg_class"] = "Likely pathogenic"
    write_run(tmp_path / "run3", r3, prov("2018-03-01", clinvar_rel="2017-01-05",
                                          vcf_sha="b" * 64, wf="v0.2.0"))
    re3 = compare(tmp_path / "run2", tmp_path / "run3")
    hist = re3["variant_history"]
    assert hist[TCIRG1_A] == {"first_seen": "2016-10-01", "last_changed": "2018-03-01"}
    assert hist[TCIRG1_B] == {"first_seen": "2016-10-01", "last_changed": "2017-02-01"}
    assert hist[CLCN7_1] == {"first_seen": "2017-02-01", "last_changed": "2017-02-01"}
    assert hist[ALPL_1] == {"first_seen": "2016-10-01", "last_changed": "2016-10-01"}
    assert re3["changes"]["class_changed"][0]["cause"] == "workflow version v0.1.0 → v0.2.0"
    assert re3["previous_date"] == "2017-02-01T12:00:00Z"


def test_run_compare_is_byte_deterministic(tmp_path: Path) -> None:
    write_run(tmp_path / "old", base_report(), prov("2016-10-01"))
    new = base_report()
    by_key(new, TCIRG1_B)["clinvar"] = None
    write_run(tmp_path / "new", new, prov("2017-02-01", clinvar_rel="2017-01-05"))
    compare(tmp_path / "old", tmp_path / "new")
    first = (tmp_path / "new" / "F1" / "reanalysis.json").read_bytes()
    compare(tmp_path / "old", tmp_path / "new")
    assert (tmp_path / "new" / "F1" / "reanalysis.json").read_bytes() == first
    assert first.endswith(b"}\n")
    doc = json.loads(first)
    assert doc["changes"]["clinvar_changed"][0]["new"] is None


def test_no_previous_report_is_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    write_run(tmp_path / "new", base_report(), prov("2017-02-01"))
    res = compare(tmp_path / "old", tmp_path / "new")
    assert res["previous_date"] is None and res["previous_found"] is False
    assert [v["key"] for v in res["changes"]["variants_added"]] == [ALPL_1, TCIRG1_A, TCIRG1_B]
    assert res["changes"]["diagnoses_added"][0]["disease_id"] == "OMIM:259700"
    assert res["variant_history"][TCIRG1_A]["first_seen"] == "2017-02-01"
    assert "No previous report" in res["summary"]


def test_previous_without_provenance_says_unknown(tmp_path: Path) -> None:
    write_run(tmp_path / "old", base_report(), None)
    new = base_report()
    by_key(new, TCIRG1_A)["acmg_class"] = "Likely pathogenic"
    write_run(tmp_path / "new", new, prov("2017-02-01"))
    res = compare(tmp_path / "old", tmp_path / "new")
    assert res["previous_date"] is None
    assert res["changes"]["class_changed"][0]["cause"].startswith("unknown")
    assert res["variant_history"][TCIRG1_A]["first_seen"] is None


def test_unparseable_previous_report_names_file(tmp_path: Path) -> None:
    fam = write_run(tmp_path / "old", base_report(), prov("2016-10-01"))
    (fam / "report.json").write_text('{"variants": [', encoding="utf-8")
    write_run(tmp_path / "new", base_report(), prov("2017-02-01"))
    with pytest.raises(InputError, match=r"old/F1/report\.json"):
        compare(tmp_path / "old", tmp_path / "new")
    assert not (tmp_path / "new" / "F1" / "reanalysis.json").exists()


def test_malformed_previous_report_names_record(tmp_path: Path) -> None:
    bad = base_report()
    bad["variants"].append(copy.deepcopy(bad["variants"][0]))
    write_run(tmp_path / "old", bad, prov("2016-10-01"))
    write_run(tmp_path / "new", base_report(), prov("2017-02-01"))
    with pytest.raises(InputError, match=r"variants\[3\].*listed twice"):
        compare(tmp_path / "old", tmp_path / "new")


def test_previous_dir_errors(tmp_path: Path) -> None:
    write_run(tmp_path / "new", base_report(), prov("2017-02-01"))
    with pytest.raises(InputError, match="not a directory"):
        compare(tmp_path / "missing", tmp_path / "new")
    with pytest.raises(InputError, match="compared with itself"):
        compare(tmp_path / "new", tmp_path / "new")


@pytest.mark.parametrize(
    ("label", "code"),
    [("PM2_Supporting", "PM2"), ("PVS1 (Strong)", "PVS1"), ("BA1", "BA1"), ("pp3", "PP3")],
)
def test_criterion_code(label: str, code: str) -> None:
    assert reanalysis.criterion_code(label) == code
