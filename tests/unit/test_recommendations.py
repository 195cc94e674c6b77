"""Recommendations and results for relatives, computed from report.json fields
(dualdx.interpretation.recommendations, dualdx.interpretation.relatives).

Families are built here from the fields the functions read; nothing is the example's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dualdx.interpretation.recommendations import add_recommendations, measurable_terms
from dualdx.interpretation.relatives import (
    diagnosis_order,
    disease_display_name,
    pedigree_people,
    relationship,
)

AR, AD, XLR = "autosomal_recessive", "autosomal_dominant", "x_linked_recessive"


def person(sid: str, sex: str, father: str | None = None, mother: str | None = None,
           affected: str = "unaffected", affection: dict[str, str] | None = None
           ) -> dict[str, Any]:
    s: dict[str, Any] = {"sample_id": sid, "father": father, "mother": mother, "sex": sex,
                         "affected": affected, "phenotypes": [], "affected_for": []}
    if affection is not None:
        s["affection"] = {d: {"status": st, "basis": "test"} for d, st in affection.items()}
    return s


def variant(key: str, gene: str, hgvs_c: str, gts: dict[str, str], disease: str, mode: str,
            label: str, origin: str, acmg: str = "Pathogenic", qc: list[str] | None = None,
            clinvar: dict[str, Any] | None = None, not_evaluated: list[dict[str, str]] | None = None
            ) -> dict[str, Any]:
    chrom, pos, ref, alt = key.split("-")
    return {
        "key": key, "chrom": chrom, "pos": int(pos), "ref": ref, "alt": alt, "gene": gene,
        "transcript": "NM_0", "hgvs_c": hgvs_c, "hgvs_p": None, "consequence": "missense_variant",
        "acmg_class": acmg, "acmg_points": 10, "acmg_criteria": [],
        "acmg_not_evaluated": not_evaluated or [], "clinvar": clinvar,
        "clinvar_disagreement": False, "gnomad": {"queried": False}, "inheritance": [label],
        "inheritance_detail": [{"disease_id": disease, "disease_mode": mode, "label": label,
                                "origin": origin, "qualifies": True, "explanation": ""}],
        "genotypes": {s: {"gt": gt} for s, gt in gts.items()}, "qc_flags": qc or [],
    }


def family(samples: list[dict[str, Any]], variants: list[dict[str, Any]],
           diagnoses: list[dict[str, Any]], status: str) -> dict[str, Any]:
    return {
        "schema_version": "1", "family": "F", "proband": "P", "genome_build": "GRCh38",
        "ruleset": {"name": "acmg2015", "version": "x"}, "panel": {"name": "p", "genes": ["G"]},
        "samples": samples, "variants": variants,
        "diseases": [{"disease_id": d["disease_id"], "disease_name": d["disease_name"],
                      "gene": d["gene"], "modes": d.get("modes", [d["inheritance_mode"]]),
                      "score": 0.5, "matches": []} for d in diagnoses],
        "diagnoses": diagnoses, "carriers": [],
        "dual_diagnosis": {"status": status, "diagnoses": [d["disease_id"] for d in diagnoses],
                           "explained_by_each": {}, "shared_hpo": [], "unexplained_hpo": [],
                           "reason": "test"},
        "phenotype_matrix": {"terms": [], "columns": [], "cells": {}},
        "not_checked": [], "warnings": [], "databases": [],
    }


def dx(gene: str, did: str, name: str, mode: str, keys: list[str], label: str,
       status: str = "confirmed", flags: list[str] | None = None) -> dict[str, Any]:
    return {"gene": gene, "disease_id": did, "disease_name": name, "inheritance_mode": mode,
            "status": status, "variants": keys, "explained_hpo": [], "score": 0.5,
            "label": label, "flags": flags or []}


def recs(r: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [x for x in r["recommendations"] if x["kind"] == kind]


def ar_family_with_two_untested_siblings() -> dict[str, Any]:
    a, b = "chr11-100-G-A", "chr11-200-C-T"
    samples = [person("F", "male"), person("M", "female"),
               person("P", "male", "F", "M", "affected"),
               person("S1", "female", "F", "M", "unknown"), person("S2", "male", "F", "M")]
    variants = [
        variant(a, "TCIRG1", "c.1A>G", {"P": "0/1", "F": "0/1", "M": "0/0"}, "OMIM:1", AR,
                "compound_het_trans", "paternal"),
        variant(b, "TCIRG1", "c.2C>T", {"P": "0/1", "F": "0/0", "M": "0/1"}, "OMIM:1", AR,
                "compound_het_trans", "maternal"),
    ]
    return family(samples, variants,
                  [dx("TCIRG1", "OMIM:1", "Osteopetrosis 1", AR, [a, b], "compound_het_trans")],
                  "single")


def test_ar_diagnosis_offers_cascade_testing_to_both_untested_siblings(repo: Path) -> None:
    r = ar_family_with_two_untested_siblings()
    add_recommendations(r)
    offers = {x["samples"][0]: x for x in recs(r, "cascade_testing") if x["samples"][0] in ("S1", "S2")}
    assert set(offers) == {"S1", "S2"}
    for sid, word in (("S1", "sister"), ("S2", "brother")):
        o = offers[sid]
        assert o["text"] == f"Offer {sid} ({word}) targeted testing for TCIRG1 c.1A>G and TCIRG1 c.2C>T."
        assert "not tested at TCIRG1 c.1A>G and TCIRG1 c.2C>T" in o["basis"]
        assert "affected (25 % beforehand), a carrier (50 %) or neither (25 %)" in o["basis"]
        assert o["variants"] == ["chr11-100-G-A", "chr11-200-C-T"]
    (risk,) = recs(r, "recurrence_risk")
    assert "25 % chance of Osteopetrosis 1, a 50 % chance of being a carrier" in risk["text"]
    assert risk["samples"] == ["F", "M"]
    rel = {x["sample_id"]: x for x in r["relatives"]}
    assert [d["status"] for d in rel["S1"]["diagnoses"]] == ["unknown"]
    assert not rel["S1"]["tested"]
    assert [d["status"] for d in rel["F"]["diagnoses"]] == ["carrier"]
    assert [v["genotype"] for v in rel["F"]["variants"]] == ["heterozygous", "absent"]
    schema = json.loads((repo / "workflow/schemas/report.schema.json").read_text())
    jsonschema.validate(r, schema)


def test_a_parent_without_the_variant_lowers_the_recessive_risk() -> None:
    r = ar_family_with_two_untested_siblings()
    r["variants"][1]["genotypes"]["M"] = {"gt": "0/0"}
    add_recommendations(r)
    (risk,) = recs(r, "recurrence_risk")
    assert "below the usual 25 %" in risk["text"] and "M (mother): non-carrier" in risk["basis"]


def x_linked_family() -> dict[str, Any]:
    k = "chrX-50000000-G-A"
    samples = [person("F", "male"), person("M", "female"),
               person("P", "male", "F", "M", "affected"),
               person("SIS", "female", "F", "M"), person("BRO", "male", "F", "M")]
    v = variant(k, "GENEX", "c.5G>A", {"P": "1", "M": "0/1", "F": "0"}, "OMIM:9", XLR,
                "x_linked_recessive", "maternal")
    return family(samples, [v], [dx("GENEX", "OMIM:9", "Disease X", XLR, [k],
                                    "x_linked_recessive")], "single")


def test_x_linked_family_gets_sex_specific_risks() -> None:
    r = x_linked_family()
    add_recommendations(r)
    (risk,) = recs(r, "recurrence_risk")
    assert risk["text"].startswith("Each further son of M (mother) has a 50 % chance of Disease X;")
    assert "each daughter has a 50 % chance of being a carrier" in risk["text"]
    offers = {x["samples"][0]: x["basis"] for x in recs(r, "cascade_testing")}
    assert "whether this sister is a carrier (50 % beforehand)" in offers["SIS"]
    assert "whether this brother is affected (50 % beforehand)" in offers["BRO"]
    rel = {x["sample_id"]: x for x in r["relatives"]}
    assert rel["M"]["diagnoses"][0]["status"] == "carrier"
    assert "each son has a 50 % chance" in rel["M"]["diagnoses"][0]["meaning"]
    assert rel["F"]["variants"][0]["genotype"] == "absent"
    # a hemizygous male relative has the genotype; a heterozygous female is a carrier
    r2 = x_linked_family()
    r2["variants"][0]["genotypes"].update(BRO={"gt": "1"}, SIS={"gt": "0/1"})
    add_recommendations(r2)
    rel2 = {x["sample_id"]: x for x in r2["relatives"]}
    assert rel2["BRO"]["variants"][0]["genotype"] == "hemizygous"
    assert rel2["BRO"]["diagnoses"][0]["status"] == "at_risk"
    assert rel2["SIS"]["diagnoses"][0]["status"] == "carrier"
    assert any(x["samples"] == ["BRO"] for x in recs(r2, "clinical_evaluation"))


def test_x_linked_from_the_father_reaches_every_daughter_and_no_son() -> None:
    r = x_linked_family()
    r["samples"][2]["sex"] = "female"
    v = r["variants"][0]
    v["genotypes"] = {"P": {"gt": "0/1"}, "M": {"gt": "0/0"}, "F": {"gt": "1"}}
    v["inheritance_detail"][0]["origin"] = "paternal"
    add_recommendations(r)
    (risk,) = recs(r, "recurrence_risk")
    assert risk["text"].startswith("Every daughter of F (father) inherits the variant")
    assert "none of his sons does" in risk["text"]


def test_dominant_from_an_unaffected_parent_and_de_novo() -> None:
    k = "chr1-100-G-A"
    samples = [person("F", "male", affection={"OMIM:2": "unaffected"}), person("M", "female"),
               person("P", "female", "F", "M", "affected")]
    v = variant(k, "ALPL", "c.9G>A", {"P": "0/1", "F": "0/1", "M": "0/0"}, "OMIM:2", AD,
                "dominant", "paternal")
    r = family(samples, [v], [dx("ALPL", "OMIM:2", "Hypophosphatasia, adult", AD, [k],
                                 "dominant")], "single")
    r["diseases"][0]["modes"] = [AD, AR]
    add_recommendations(r)
    (risk,) = recs(r, "recurrence_risk")
    assert risk["text"].startswith("Each further child of F (father) has a 50 % chance of "
                                   "inheriting c.9G>A.")
    assert "recorded as unaffected: penetrance may be incomplete" in risk["text"]
    rel = {x["sample_id"]: x for x in r["relatives"]}
    assert rel["F"]["diagnoses"][0]["status"] == "at_risk"
    assert rel["F"]["diagnoses"][0]["disease_name"] == "Hypophosphatasia, autosomal dominant form"
    assert "reduced penetrance" in rel["F"]["diagnoses"][0]["meaning"]
    v["genotypes"]["F"] = {"gt": "0/0"}
    v["inheritance_detail"][0]["origin"] = "de_novo"
    add_recommendations(r)
    (risk,) = recs(r, "recurrence_risk")
    assert "low but not zero" in risk["text"] and "germline mosaicism" in risk["text"]


def test_a_none_family_gets_no_recommendation() -> None:
    r = ar_family_with_two_untested_siblings()
    r["diagnoses"] = []
    r["dual_diagnosis"].update(status="none", diagnoses=[])
    add_recommendations(r)
    assert r["recommendations"] == [] and r["relatives"] == []


def test_an_untrusted_call_is_not_a_result() -> None:
    r = ar_family_with_two_untested_siblings()
    r["variants"][0]["genotypes"]["S2"] = {"gt": "0/1"}
    r["variants"][1]["genotypes"]["S2"] = {"gt": "0/0"}
    r["variants"][0]["qc_flags"] = ["low_depth:S2"]
    add_recommendations(r)
    s2 = next(x for x in r["relatives"] if x["sample_id"] == "S2")
    assert [v["genotype"] for v in s2["variants"]] == ["not_trusted", "absent"]
    assert s2["diagnoses"][0]["status"] == "unknown"
    offer = next(x for x in recs(r, "cascade_testing") if x["samples"] == ["S2"])
    assert "call not trusted (quality) at TCIRG1 c.1A>G" in offer["basis"]
    assert offer["variants"] == ["chr11-100-G-A"]


def test_relatives_on_one_side_are_offered_only_that_side_s_variant() -> None:
    r = ar_family_with_two_untested_siblings()
    r["samples"] += [person("MGF", "male"), person("MGM", "female"),
                     person("AUNT", "female", "MGF", "MGM")]
    r["samples"][1].update(father="MGF", mother="MGM")
    add_recommendations(r)
    offers = {x["samples"][0]: x for x in recs(r, "cascade_testing") if "targeted" in x["text"]}
    for sid in ("MGF", "MGM", "AUNT"):
        assert offers[sid]["variants"] == ["chr11-200-C-T"], sid  # the maternal variant only
    people = pedigree_people(r)
    assert relationship("P", "MGM", people) == "maternal grandmother"
    assert relationship("P", "AUNT", people) == "maternal aunt"
    transmitted = [x for x in recs(r, "cascade_testing") if "outside this pedigree" in x["text"]]
    mother = next(x for x in transmitted if x["samples"] == ["M"])
    assert "(her siblings and their children)" in mother["text"]  # her parents are in it


def test_evidence_that_would_change_a_candidate() -> None:
    r = ar_family_with_two_untested_siblings()
    v = r["variants"][1]
    v.update(acmg_class="Uncertain significance",
             clinvar={"variation_id": "5460", "significance": "Pathogenic", "stars": 0,
                      "review_status": "no assertion criteria provided", "conditions": []},
             acmg_not_evaluated=[{"code": "PM2", "why": "gnomAD was not queried"},
                                 {"code": "PVS1", "why": "no reference sequence: codon unknown"}])
    r["diagnoses"][0].update(status="candidate", flags=[f"vus:{v['key']}", "phase_unknown"])
    add_recommendations(r)
    (ev,) = recs(r, "evidence")
    assert ev["variants"] == [v["key"]]
    assert "gnomAD population frequencies (PM2)" in ev["text"]
    assert "a reference sequence for the gene (PVS1)" in ev["text"]
    assert "a reviewed ClinVar assertion (one star or more)" in ev["text"]
    (phase,) = recs(r, "phase")
    assert phase["samples"] == ["F", "M"]
    (risk,) = recs(r, "recurrence_risk")
    assert risk["text"].startswith("If this candidate diagnosis is confirmed: each further child")


def test_clinical_evaluation_from_measurable_hpo_annotations() -> None:
    knowledge = {
        "terms": {
            "HP:0003282": {"name": "Low alkaline phosphatase", "ic": 6.0,
                           "ancestors": ["HP:0004379", "HP:0012379", "HP:0000118"]},
            "HP:0003155": {"name": "Elevated circulating alkaline phosphatase concentration",
                           "ic": 4.0, "ancestors": ["HP:0004379", "HP:0012379", "HP:0000118"]},
            "HP:0004379": {"name": "Abnormality of alkaline phosphatase level", "ic": 3.0,
                           "ancestors": ["HP:0012379", "HP:0000118"]},
            "HP:0003239": {"name": "Phosphoethanolaminuria", "ic": 7.0,
                           "ancestors": ["HP:0033354", "HP:0000118"]},
            "HP:0000670": {"name": "Carious teeth", "ic": 4.5, "ancestors": ["HP:0000118"]},
        },
        "diseases": {"OMIM:2": {"terms": ["HP:0003282", "HP:0003239", "HP:0000670"]},
                     "OMIM:3": {"terms": ["HP:0003155"]}},
    }
    assert [t for t, _n, _test in measurable_terms("OMIM:2", knowledge)] == [
        "HP:0003239", "HP:0003282"]
    k = "chr1-100-G-A"
    samples = [person("F", "male"), person("M", "female"),
               person("P", "female", "F", "M", "affected"), person("B", "male", "F", "M")]
    samples[2]["phenotypes"] = [{"id": "HP:0003155", "name": "x", "excluded": False}]
    v = variant(k, "ALPL", "c.9G>A", {"P": "0/1", "F": "0/0", "M": "0/1", "B": "0/1"}, "OMIM:2",
                AD, "dominant", "maternal")
    r = family(samples, [v], [dx("ALPL", "OMIM:2", "Hypophosphatasia", AD, [k], "dominant")],
               "single")
    add_recommendations(r, knowledge)
    clinical = recs(r, "clinical_evaluation")
    brother = next(x for x in clinical if x["samples"] == ["B"])
    assert brother["text"] == "Offer B (brother) clinical evaluation for Hypophosphatasia."
    assert "Phosphoethanolaminuria (urine test of a metabolite)" in brother["basis"]
    proband = next(x for x in clinical if x["samples"] == ["P"])
    # alkaline phosphatase was measured (as elevated): only the urine test is proposed
    assert proband["text"] == ("Clinical confirmation in P: Phosphoethanolaminuria (urine test "
                               "of a metabolite).")
    add_recommendations(r)  # without HPO knowledge: no test is named for the proband
    assert not any(x["samples"] == ["P"] for x in recs(r, "clinical_evaluation"))


def test_diagnosis_order_and_display_names() -> None:
    r = ar_family_with_two_untested_siblings()
    second = dx("ALPL", "OMIM:2", "Hypophosphatasia, adult", AD, [], "dominant")
    r["diagnoses"].insert(0, second)
    r["dual_diagnosis"]["diagnoses"] = ["OMIM:1", "OMIM:2"]
    assert [d["disease_id"] for d in diagnosis_order(r)] == ["OMIM:1", "OMIM:2"]
    diseases = [{"disease_id": "OMIM:2", "modes": [AD, AR]}]
    assert disease_display_name(second, diseases) == "Hypophosphatasia, autosomal dominant form"
    assert disease_display_name(second, [{"disease_id": "OMIM:2", "modes": [AD]}]) == \
        "Hypophosphatasia, adult"
    named = {**second, "disease_name": "Osteopetrosis, autosomal dominant 2"}
    assert disease_display_name(named, diseases) == "Osteopetrosis, autosomal dominant 2"


@pytest.mark.parametrize(("sid", "word"), [("F", "father"), ("M", "mother"), ("S1", "sister"),
                                           ("S2", "brother")])
def test_relationship_words(sid: str, word: str) -> None:
    r = ar_family_with_two_untested_siblings()
    assert relationship("P", sid, pedigree_people(r)) == word
