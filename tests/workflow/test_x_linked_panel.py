"""A user-defined panel with an X-linked gene runs end to end like the default one.

The panel (``tests/data/xlinked/``, README there) holds ABCB7 (X outside the PARs; X-linked
sideroblastic anaemia with ataxia, OMIM:301310, X-linked recessive in HPO) and SHOX (in PAR1;
Leri-Weill dyschondrosteosis, autosomal dominant in HPO, i.e. pseudo-autosomal). Three trios run
through every per-family stage in-process (``tests/hardening/family_run.py``: filter, annotate,
inheritance, ACMG, diagnoses) and the page is rendered from their report.json:

* XLSON: a son, PED sex 1, ``1/1`` at the ABCB7 variant (a diploid caller's call of his one X),
  his unaffected mother ``0/1``: hemizygous, maternal, X-linked recessive diagnosis; the mother a
  carrier; no de novo, no Mendelian inconsistency.
* XLDAU: the same variant ``0/1`` in an affected daughter: not an X-linked recessive diagnosis (a
  heterozygous female), said in the words a counsellor needs (a second variant or skewed
  X-inactivation would be needed), under the result since the disease explains her features; her
  own carrier genotype is not counted against the variant (BS4).
* XLPLOIDY: a son ``0/1`` at the ABCB7 variant (a heterozygous call where a male has one X): a
  caution on the page, never read as hemizygous nor as heterozygous, never a confirmed
  diagnosis; and ``0/1`` at a SHOX variant in PAR1, inherited from his father: diploid there
  (heterozygous, a father-to-son transmission without a Mendelian inconsistency).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hardening.family_run import Family, knowledge_file, page_text, run_family

DATA = Path(__file__).resolve().parents[1] / "data" / "xlinked"
PANEL = DATA / "panel_x_linked.tsv"
KNOWN = DATA / "known_pathogenic.clinvar_layout.vcf"
ABCB7_VAR = "chrX-75069050-C-T"
SHOX_VAR = "chrX-634700-G-A"
XLSA = "OMIM:301310"  # Anemia, sideroblastic, and spinocerebellar ataxia (X-linked recessive)
LWD = "OMIM:127300"  # Leri-Weill dyschondrosteosis (autosomal dominant: SHOX is in PAR1)
TERMS = ["HP:0001924", "HP:0001251", "HP:0001310", "HP:0003067", "HP:0003027"]


@pytest.fixture(scope="module")
def runs(hpo_store_shared: Any, tmp_path_factory: pytest.TempPathFactory
         ) -> dict[str, tuple[dict[str, Any], str]]:
    """family -> (report.json, the page's text) of the three trios."""
    out = tmp_path_factory.mktemp("xlinked")
    kn = knowledge_file(hpo_store_shared, out / "knowledge.json", TERMS, genes=["SHOX", "ABCB7"])
    res = {}
    for fam in ("XLSON", "XLDAU", "XLPLOIDY"):
        people = [f"{fam}-I-1", f"{fam}-I-2", f"{fam}-II-1"]
        family = Family(fam, people, dict.fromkeys(people, str(DATA / f"{fam}.vcf")),
                        str(DATA / "families.ped"), str(DATA / f"phenotypes_{fam}.tsv"))
        report = run_family(family, kn, out / fam, panel=str(PANEL), clinvar_vcf=str(KNOWN))
        res[fam] = (report, page_text(report))
    return res


def _variant(report: dict[str, Any], key: str) -> dict[str, Any]:
    return next(v for v in report["variants"] if v["key"] == key)


def _detail(report: dict[str, Any], key: str, disease: str) -> dict[str, Any]:
    return next(d for d in _variant(report, key)["inheritance_detail"]
                if d["disease_id"] == disease)


def _relative(report: dict[str, Any], sample: str) -> dict[str, Any]:
    return next(r for r in report["relatives"] if r["sample_id"] == sample)


def test_the_user_panel_is_used(runs: dict[str, tuple[dict[str, Any], str]]) -> None:
    for report, page in runs.values():
        assert report["assessment"]["status"] == "assessable"
        assert {g["gene"] for g in report["assessment"]["genes"]} == {"SHOX", "ABCB7"}
        assert "Panel panel_x_linked (SHOX, ABCB7)" in page


def test_hemizygous_son_of_a_carrier_mother(runs: dict[str, tuple[dict[str, Any], str]]
                                            ) -> None:
    report, page = runs["XLSON"]
    assert report["dual_diagnosis"]["status"] == "single"
    [dx] = report["diagnoses"]
    assert (dx["gene"], dx["disease_id"], dx["label"], dx["inheritance_mode"]) == \
        ("ABCB7", XLSA, "x_linked_recessive", "x_linked_recessive")
    assert dx["zygosity"] == "hemizygous" and dx["variants"] == [ABCB7_VAR]
    assert dx["status"] == "confirmed" and dx["cautions"] == []
    detail = _detail(report, ABCB7_VAR, XLSA)
    assert detail["origin"] == "maternal" and detail["qualifies"] is True
    assert detail["explanation"].startswith("Hemizygous, inherited from the mother")
    mother = _relative(report, "XLSON-I-2")["diagnoses"][0]
    assert mother["status"] == "carrier" and "X-linked recessive" in mother["meaning"]
    assert _relative(report, "XLSON-I-1")["diagnoses"][0]["status"] == "not_carrier"
    risk = next(r for r in report["recommendations"] if r["kind"] == "recurrence_risk")
    assert "Each further son of XLSON-I-2 (mother) has a 50 % chance" in risk["text"]
    assert report["warnings"] == []  # no Mendelian inconsistency, no ploidy conflict
    assert "XLSON-II-1 is hemizygous for ABCB7 chrX-75069050-C-T (inherited from the mother)" \
        in page
    assert "She is a carrier of ABCB7 chrX-75069050-C-T (X-linked recessive)" in page
    assert "de novo" not in page.lower() and "mendelian" not in page.lower()
    assert "Warnings: none." in page


def test_heterozygous_daughter_is_not_an_x_linked_recessive_diagnosis(
        runs: dict[str, tuple[dict[str, Any], str]]) -> None:
    report, page = runs["XLDAU"]
    assert report["diagnoses"] == [] and report["molecular_findings"] == []
    assert report["dual_diagnosis"]["status"] == "none"
    detail = _detail(report, ABCB7_VAR, XLSA)
    assert detail["label"] == "carrier" and detail["qualifies"] is False
    assert detail["origin"] == "maternal"
    # the words a counsellor needs: why a heterozygous female is not diagnosed by genotype
    assert "heterozygous female" in detail["explanation"]
    assert "skewed X-inactivation" in detail["explanation"]
    [carrier] = report["carriers"]
    assert (carrier["gene"], carrier["disease_id"], carrier["label"]) == ("ABCB7", XLSA, "carrier")
    assert "skewed X-inactivation" in carrier["why"]
    # her own heterozygous genotype is no "affected relative without the variant" (BS4)
    assert "BS4" not in [c["code"] for c in _variant(report, ABCB7_VAR)["acmg_criteria"]]
    # and "no diagnosis" is not left to read as "nothing found": a caution under the result
    [warning] = report["warnings"]
    assert warning["code"] == "heterozygous_female_x_linked_recessive"
    assert warning["variants"] == [ABCB7_VAR] and warning["severity"] == "caution"
    assert "explains 3 of her 3 recorded features" in warning["message"]
    assert f"Caution for reading this result: {warning['message']}" in page
    assert "hemizygous" not in page and "heterozygous carrier" in page
    # ABCB7 has no X-linked dominant disease: its ORPHA entry (mode unknown) labels no genotype
    assert _variant(report, ABCB7_VAR)["inheritance"] == ["carrier"]
    assert "dominant" not in page
    assert "de novo" not in page.lower() and "mendelian" not in page.lower()


def test_heterozygous_call_in_a_male_is_a_ploidy_conflict(
        runs: dict[str, tuple[dict[str, Any], str]]) -> None:
    report, page = runs["XLPLOIDY"]
    warning = next(w for w in report["warnings"] if w["code"] == "call_het_in_haploid_region")
    assert warning["variants"] == [ABCB7_VAR] and warning["samples"] == ["XLPLOIDY-II-1"]
    assert warning["severity"] == "caution" and warning["message"] in page
    dx = next(d for d in report["diagnoses"] if d["gene"] == "ABCB7")
    assert dx["status"] == "candidate"  # never confirmed on such a call
    assert dx["zygosity"] not in ("hemizygous", "heterozygous")
    assert "QC problem, not a hemizygote" in dx["zygosity"]
    caution = next(c for c in dx["cautions"] if c["code"] == "proband_call_het_in_haploid_region")
    assert caution["message"] in page
    assert "het_in_haploid_region" not in page  # the reason in words, not the flag's code
    assert "is hemizygous for ABCB7" not in page
    # the summary names the variant and gives the reading after it, not "He is heterozygous call"
    assert "is carrying ABCB7" in page and "is heterozygous call" not in page


def test_par1_variant_in_a_male_is_diploid(runs: dict[str, tuple[dict[str, Any], str]]) -> None:
    report, page = runs["XLPLOIDY"]
    dx = next(d for d in report["diagnoses"] if d["gene"] == "SHOX")
    assert (dx["disease_id"], dx["label"], dx["zygosity"], dx["status"]) == \
        (LWD, "dominant", "heterozygous", "confirmed")
    assert _detail(report, SHOX_VAR, LWD)["origin"] == "paternal"  # father to son: PAR1
    assert _variant(report, SHOX_VAR)["qc_flags"] == []
    assert [w for w in report["warnings"] if SHOX_VAR in w["variants"]] == []
    # X-linked modes need X outside the PARs: the X-linked entry of SHOX is not applied
    assert _detail(report, SHOX_VAR, "OMIM:300582")["label"] is None
    father = _relative(report, "XLPLOIDY-I-1")
    assert next(v for v in father["variants"] if v["variant"] == SHOX_VAR)["genotype"] == \
        "heterozygous"
    assert "mendelian" not in page.lower() and "de novo" not in page.lower()
