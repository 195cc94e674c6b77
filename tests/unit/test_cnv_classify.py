"""ClinGen/ACMG CNV scoring (Riggs et al. 2020) as evaluated from the panel
(dualdx.interpretation.cnv_classify), on consequences computed from the real MANE models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import stage_docs

from dualdx.annotation.cnv_consequence import annotate_event
from dualdx.interpretation.cnv_classify import (
    FamilyFacts,
    class_of,
    classify_event,
    family_facts,
)
from dualdx.knowledge.transcripts import Transcript, load_transcript_models

REPO = Path(__file__).resolve().parents[2]
LOF = {"TCIRG1": True, "OSTM1": True, "ALPL": True, "CLCN7": True}


@pytest.fixture(scope="module")
def tx() -> Transcript:
    return load_transcript_models(REPO / "resources" / "transcripts" / "mane_select.GRCh38.tsv",
                                  "GRCh38")["TCIRG1"]


def event(tx: Transcript, start: int, end: int, svtype: str = "DEL", *, tandem: bool | None = None,
          population: dict[str, Any] | None = None, clinvar: dict[str, Any] | None = None,
          cons_overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    c = annotate_event(tx, "GRCh38", "chr11", start, end, svtype, True).to_dict()
    c.update(cons_overrides or {})
    return {"key": f"chr11-{start - 1}-{end}-{svtype}", "direction": "loss" if svtype == "DEL"
            else "gain", "svtype": svtype, "tandem": tandem, "genes": [tx.gene],
            "consequences": [c], "clinvar": clinvar, "clinvar_overlaps": [],
            "population": population or {"queried": False}}


RECESSIVE = FamilyFacts(True, ("autosomal_recessive",), False, "maternal", False, 0, 0,
                        "specific", "PP4 sentence")


def codes(res: Any) -> dict[str, float]:
    return {c.code: c.points for c in res.criteria}


def test_class_boundaries() -> None:
    assert [class_of(p) for p in (1.0, 0.99, 0.98, 0.9, 0.89, -0.89, -0.9, -0.98, -0.99)] == [
        "Pathogenic", "Pathogenic", "Likely pathogenic", "Likely pathogenic",
        "Uncertain significance", "Uncertain significance", "Likely benign", "Likely benign",
        "Benign"]
    assert class_of(0.45 + 0.45) == "Likely pathogenic"  # floating sum rounded


def test_whole_gene_deletion_of_a_lof_gene_is_pathogenic(tx: Transcript) -> None:
    res = classify_event(event(tx, 68030000, 68060000), LOF, RECESSIVE)
    assert codes(res) == {"1A": 0.0, "2A": 1.0, "5F": 0.0}
    assert res.acmg_class == "Pathogenic" and res.points == 1.0
    ne = {n["code"] for n in res.not_evaluated}
    assert {"2B, 2F–2H", "3", "4A–4K", "4L–4N", "4O"} <= ne


def test_five_prime_deletion_and_the_panel_lof_mechanism(tx: Transcript) -> None:
    ev = event(tx, tx.exons[0][0] - 3000, (tx.exons[4][1] + tx.exons[5][0]) // 2)
    res = classify_event(ev, LOF, RECESSIVE)
    assert codes(res)["2C-1"] == 0.90 and res.acmg_class == "Likely pathogenic"
    no_lof = classify_event(ev, {"TCIRG1": False}, RECESSIVE)
    assert codes(no_lof) == {"1A": 0.0, "2": 0.0, "5F": 0.0}
    assert no_lof.acmg_class == "Uncertain significance"
    assert "lof_mechanism = no" in no_lof.criteria[1].evidence


def test_three_prime_deletions(tx: Transcript) -> None:
    last_only = event(tx, (tx.exons[18][1] + tx.exons[19][0]) // 2, tx.exons[19][1] + 2000)
    res = classify_event(last_only, LOF, RECESSIVE, {"TCIRG1": ["ClinVar 12345"]})
    assert codes(res)["2D-2"] == 0.90 and "ClinVar 12345" in res.criteria[1].evidence
    assert codes(classify_event(last_only, LOF, RECESSIVE))["2D-3"] == 0.30
    more = event(tx, (tx.exons[15][1] + tx.exons[16][0]) // 2, tx.exons[19][1] + 2000)
    assert codes(classify_event(more, LOF, RECESSIVE))["2D-4"] == 0.90


def test_intragenic_deletions_through_pvs1(tx: Transcript) -> None:
    ev = event(tx, 68041500, 68043300)  # exons 3-5, out of frame, NMD not determined
    res = classify_event(ev, LOF, RECESSIVE)
    assert codes(res)["2E"] == 0.45 and "lower branch applies" in res.criteria[1].evidence
    assert "PVS1_Strong" in res.criteria[1].evidence and res.acmg_class == "Uncertain significance"
    assert codes(res)["3A"] == 0.0
    nmd = classify_event(event(tx, 68041500, 68043300, cons_overrides={"nmd": True}), LOF,
                         RECESSIVE)
    assert codes(nmd)["2E"] == 0.90 and nmd.acmg_class == "Likely pathogenic"
    a = (tx.exons[5][1] + tx.exons[6][0]) // 2
    b = (tx.exons[6][1] + tx.exons[7][0]) // 2  # exon 7 alone; read as 27 codons in frame (3%)
    small = classify_event(event(tx, a, b, cons_overrides={
        "frame": "in_frame", "protein_removed_fraction": 27 / 830}), LOF, RECESSIVE)
    assert codes(small)["2E"] == 0.30 and "PVS1_Moderate" in small.criteria[1].evidence


def test_intronic_deletion_scores_1b(tx: Transcript) -> None:
    res = classify_event(event(tx, 68044400, 68044900), LOF, RECESSIVE)
    assert codes(res) == {"1B": -0.60, "3A": 0.0, "5F": 0.0}
    assert res.acmg_class == "Uncertain significance"


def test_gains(tx: Transcript) -> None:
    proven = event(tx, 68041500, 68043300, "DUP", tandem=True, cons_overrides={"nmd": True})
    res = classify_event(proven, LOF, RECESSIVE)
    assert codes(res)["2I"] == 0.90 and res.acmg_class == "Likely pathogenic"
    presumed = event(tx, 68041500, 68043300, "DUP", cons_overrides={"nmd": True})
    assert codes(classify_event(presumed, LOF, RECESSIVE))["2I"] == 0.45
    unknown_nmd = classify_event(event(tx, 68041500, 68043300, "DUP"), LOF, RECESSIVE)
    assert codes(unknown_nmd)["2I"] == 0.0
    whole = classify_event(event(tx, 68030000, 68060000, "DUP"), LOF, RECESSIVE)
    assert codes(whole)["2H"] == 0.0 and whole.acmg_class == "Uncertain significance"
    assert any(n["code"] == "2A–2G" for n in whole.not_evaluated)


def test_common_population_deletion_scores_4o(tx: Transcript) -> None:
    pop = {"queried": True, "overlaps": [
        {"chrom": "11", "start": 68029000, "end": 68061000, "svtype": "DEL", "af": 0.03,
         "popmax_af": 0.05, "covers_event": 1.0, "covered": 0.94}]}
    res = classify_event(event(tx, 68030000, 68060000, population=pop), LOF, RECESSIVE)
    assert codes(res)["4O"] == -1.0 and res.points == 0.0
    rare = {"queried": True, "overlaps": [{**pop["overlaps"][0], "af": 0.001, "popmax_af": 0.002}]}
    res = classify_event(event(tx, 68030000, 68060000, population=rare), LOF, RECESSIVE)
    assert codes(res)["4O"] == 0.0 and res.criteria[-2].evidence.startswith("not met")


def facts(**kw: Any) -> FamilyFacts:
    base = {"carried": True, "modes": ("autosomal_dominant",), "de_novo": False,
            "origin": "maternal", "parent_affected": False, "informative_meioses": 0,
            "affected_noncarriers": 0, "phenotype": "specific", "phenotype_note": "PP4"}
    return FamilyFacts(**(base | kw))


@pytest.mark.parametrize(("kw", "code", "points"), [
    ({"de_novo": True, "origin": "de_novo"}, "5A", 0.30),  # 4A assumed
    ({"de_novo": True, "origin": "de_novo", "phenotype": "consistent"}, "5A", 0.10),  # 4C
    ({"de_novo": True, "origin": "de_novo", "de_novo_confirmed": True}, "5A", 0.45),  # 4A
    ({"de_novo": True, "origin": "de_novo", "de_novo_confirmed": True,
      "phenotype": "consistent"}, "5A", 0.15),  # 4C confirmed
    ({"de_novo": True, "origin": "de_novo", "phenotype": "inconsistent"}, "5A", 0.0),  # 4D
    ({"origin": "unknown", "parent_affected": None, "unaffected_carriers": ("SIB",)}, "5E",
     -0.30),  # 4J
    ({"origin": "unknown", "parent_affected": None, "unaffected_carriers": ("SIB",),
      "phenotype": "consistent"}, "5E", -0.15),  # 4K
    ({}, "5B", -0.30),
    ({"phenotype": "consistent"}, "5C", -0.15),
    ({"parent_affected": True, "informative_meioses": 5}, "5D", 0.30),
    ({"informative_meioses": 7}, "5D", 0.45),
    ({"affected_noncarriers": 1}, "5E", -0.45),
    ({"origin": "unknown", "parent_affected": None}, "5H", 0.30),
    ({"origin": None, "parent_affected": None, "phenotype": "consistent"}, "5G", 0.10),
    ({"modes": ("autosomal_recessive",)}, "5F", 0.0),
    ({"modes": ("autosomal_recessive",), "de_novo": True, "origin": "de_novo"}, "5F", 0.0),
    ({"carried": False}, "5F", 0.0),
])
def test_section_5_from_the_family(tx: Transcript, kw: dict[str, Any], code: str,
                                   points: float) -> None:
    res = classify_event(event(tx, 68030000, 68060000), LOF, facts(**kw))
    assert codes(res)[code] == points


def test_family_facts_from_inheritance_rows() -> None:
    inh = stage_docs.complete("inheritance", {
        "proband": "P", "affected_by_disease": {"D1": ["P", "M"]}, "calls": [
            {"variant": "chr1-99-500-DEL", "gene": "G", "disease_id": "D1",
             "disease_mode": "autosomal_dominant", "label": "dominant", "origin": "maternal",
             "qualifies": True, "segregation": {**stage_docs.NO_SEGREGATION,
                                                "informative_meioses": 3}}]})
    kn = stage_docs.complete("knowledge", {"genes": {"G": []}})
    f = family_facts("chr1-99-500-DEL", "G", inh, {"P": ("F", "M")}, kn, [], {})
    assert f is not None
    assert (f.carried, f.origin, f.parent_affected, f.informative_meioses) == (
        True, "maternal", True, 3)
    assert f.phenotype == "unknown"
    assert not f.de_novo_confirmed and f.unaffected_carriers == ()
    assert family_facts("other", "G", inh, {}, kn, [], {}) is None
    # both parents genotyped without it: confirmed; an unaffected carrier sister is listed, the
    # proband's parents are not (5B/5C speak about them)
    inh["calls"][0].update(label="de_novo", origin="de_novo",
                           relatives={**stage_docs.NO_RELATIVES,
                                      "unaffected_carriers": ["M", "SIS"]})
    f = family_facts("chr1-99-500-DEL", "G", inh, {"P": ("F", "M")}, kn, [], {})
    assert f is not None and f.de_novo_confirmed and f.unaffected_carriers == ("SIS",)


def test_clinvar_disagreement_is_flagged(tx: Transcript) -> None:
    cv = {"variation_id": "1", "significance": "Benign", "review_status": "criteria provided, "
          "single submitter", "stars": 1, "conditions": [], "genes": [],
          "molecular_consequences": [], "hgvs": None, "release": None}
    res = classify_event(event(tx, 68030000, 68060000, clinvar=cv), LOF, RECESSIVE)
    assert res.clinvar_disagreement
