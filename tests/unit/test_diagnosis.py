"""dualdx.interpretation.diagnosis: families built as stage JSON, real HPO knowledge for the
phenotype side."""

from __future__ import annotations

import csv
import json
import logging
import math
from pathlib import Path
from typing import Any

import pytest
import stage_docs

from dualdx.core.errors import InputError
from dualdx.interpretation.call_diagnoses import TSV_COLUMNS, run_call_diagnoses
from dualdx.interpretation.diagnosis import (
    Diagnosis,
    Genotype,
    choose_diagnoses,
    genotypes_from_calls,
    variant_tier,
)
from dualdx.interpretation.dual import candidate_causes, decide_dual
from dualdx.interpretation.phenotype_knowledge import build_knowledge
from dualdx.interpretation.phenotype_match import IC_THRESHOLD, PatientTerm, match_disease

# The seed patient's findings (case report; IDs from shared/data/hpo/term_lookup.txt)
OSTEOSCLEROSIS = ["HP:0011002", "HP:0005789", "HP:0004618"]  # osteopetrosis, gen. osteosclerosis,
# sandwich vertebrae
HPP_ONLY = ["HP:0003282", "HP:0006323", "HP:0002748"]  # low ALP, early loss of primary teeth, rickets
BLENDED = ["HP:0002756", "HP:0000670"]  # pathologic fracture, carious teeth
OTHER = ["HP:0004975", "HP:0000648", "HP:0005528", "HP:0001903", "HP:0001873", "HP:0001744",
         "HP:0032537", "HP:0002684", "HP:0007626", "HP:0000403"]
SEED_TERMS = OSTEOSCLEROSIS + HPP_ONLY + BLENDED + OTHER
PANEL = ["TCIRG1", "CLCN7", "OSTM1", "ALPL"]


@pytest.fixture(scope="module")
def knowledge(hpo_store_shared: Any) -> dict[str, Any]:
    k = build_knowledge(hpo_store_shared, PANEL, SEED_TERMS)
    return stage_docs.complete("knowledge", json.loads(json.dumps(k)))  # as knowledge.json is read


# ----------------------------------------------------------------------------- family builder

T1, T2, TB = "chr11-68047480-G-A", "chr11-68049000-C-T", "chr11-68050000-A-G"
A1, A2 = "chr1-21562000-G-A", "chr1-21570000-C-T"
C1 = "chr16-1450000-G-A"
GENE = {T1: "TCIRG1", T2: "TCIRG1", TB: "TCIRG1", A1: "ALPL", A2: "ALPL", C1: "CLCN7"}


def _call(gt: str) -> dict[str, Any]:
    alleles = [int(a) for a in gt.replace("|", "/").split("/")]
    return {"gt": gt, "alleles": alleles, "phased": "|" in gt, "ps": None, "ad": [10, 10],
            "dp": 20, "gq": 60.0}


def _variant(key: str, gts: dict[str, str]) -> dict[str, Any]:
    chrom, pos, ref, alt = key.split("-")
    return {"key": key, "chrom": chrom, "pos": int(pos), "ref": ref, "alt": alt, "id": None,
            "qual": 50.0, "filter": "PASS", "gene": GENE[key],
            "calls": {s: _call(g) for s, g in gts.items()},
            "consequence": {"gene": GENE[key], "transcript": "NM_006019.4",
                            "ensembl_transcript": None, "consequence": "missense_variant",
                            "hgvs_c": "c.1A>G", "hgvs_p": "p.(Met1?)",
                            "protein_effect_determined": True, "is_mane": True},
            "clinvar": None, "gnomad": {"queried": True, "found": False, "af": None,
                                        "popmax_af": None, "nhomalt": None}}


def _cls(acmg: str) -> dict[str, Any]:
    crit = [{"code": "PM2", "strength": "Supporting", "label": "PM2_Supporting", "points": 1,
             "direction": "pathogenic", "evidence": "absent from gnomAD"}]
    if acmg in ("Pathogenic", "Likely pathogenic"):
        crit.insert(0, {"code": "PVS1", "strength": "Very strong", "label": "PVS1", "points": 8,
                        "direction": "pathogenic", "evidence": "null variant"})
    return {"acmg_class": acmg, "points": 9 if crit[0]["code"] == "PVS1" else 1,
            "criteria": crit, "clinvar_disagreement": False,
            "not_evaluated": [{"code": "PP3", "why": "no in-silico score source configured"}]}


def _ic(variant: str, disease: str, mode: str, label: str | None, qualifies: bool,
        partner: str | None = None, origin: str = "unknown") -> dict[str, Any]:
    return {"variant": variant, "gene": GENE[variant], "disease_id": disease,
            "disease_mode": mode, "label": label, "origin": origin, "partner": partner,
            "qualifies": qualifies, "explanation": f"{label} for {disease}"}


def _alpl_het_calls(v: str) -> list[dict[str, Any]]:
    return [_ic(v, "OMIM:146300", "autosomal_dominant", "dominant", True, origin="maternal"),
            _ic(v, "OMIM:241500", "autosomal_recessive", "carrier", False, origin="maternal"),
            _ic(v, "OMIM:241510", "autosomal_recessive", "carrier", False, origin="maternal")]


def run_family(tmp: Path, knowledge: dict[str, Any], repo: Path, members: dict[str, str],
               variants: list[dict[str, Any]], classes: dict[str, str],
               calls: list[dict[str, Any]], terms: list[str] | None = None,
               excluded: list[str] | None = None,
               clinvar: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Write the stage files, run call_diagnoses, return report.json (and check variants.tsv)."""
    ped = tmp / "f.ped"
    rows = {"P": "F1\tP\tF\tM\t1\t2", "F": "F1\tF\t0\t0\t1\t1", "M": "F1\tM\t0\t0\t2\t1"}
    if set(members) == {"P"}:
        rows["P"] = "F1\tP\t0\t0\t1\t2"
    ped.write_text("\n".join(rows[m] for m in members) + "\n", encoding="utf-8")
    for v in variants:
        v["clinvar"] = (clinvar or {}).get(v["key"])
    files = {
        "annotations": {"family": "F1", "genome_build": "GRCh38", "samples": list(members),
                        "databases": [{"name": "clinvar", "status": "used",
                                       "release": "2016-09"}],
                        "not_checked": [{"what": "gnomAD genomes", "why": "not configured"}],
                        "variants": variants},
        "inheritance": {"family": "F1", "proband": "P", "affected_by_disease": {},
                        "calls": calls},
        "classification": {"ruleset": "acmg2015", "ruleset_version": "Richards 2015",
                           "variants": {k: _cls(c) for k, c in classes.items()}},
        "knowledge": knowledge,
    }
    for name, doc in files.items():
        stage_docs.write(name, tmp / f"{name}.json", doc)
    pheno = [{"id": t, "excluded": False} for t in (SEED_TERMS if terms is None else terms)]
    pheno += [{"id": t, "excluded": True} for t in (excluded or [])]
    run_call_diagnoses(
        "F1", None, "GRCh38", str(repo / "resources/panels/default.tsv"), str(ped),
        str(tmp / "annotations.json"), str(tmp / "inheritance.json"),
        str(tmp / "classification.json"), str(tmp / "knowledge.json"), {"P": pheno},
        "acmg2015", str(tmp / "out" / "report.json"), str(tmp / "out" / "variants.tsv"),
        logging.getLogger("test"))
    with (tmp / "out" / "variants.tsv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh, delimiter="\t"))
    header = (tmp / "out" / "variants.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split("\t") == TSV_COLUMNS + [f"gt_{m}" for m in members]
    assert len(table) == len(variants)
    report: dict[str, Any] = json.loads((tmp / "out" / "report.json").read_text("utf-8"))
    report["_tsv"] = table
    return report


def seed_trio(cis: bool = False) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    t2_gts = {"P": "0/1", "F": "0/0", "M": "0/1"} if cis else {"P": "0/1", "F": "0/1", "M": "0/0"}
    variants = [_variant(T1, {"P": "0/1", "F": "0/0", "M": "0/1"} if cis else
                         {"P": "0/1", "F": "0/1", "M": "0/0"}),
                _variant(T2, {"P": "0/1", "F": "0/0", "M": "0/1"} if not cis else t2_gts),
                _variant(TB, {"P": "0/1", "F": "0/1", "M": "0/0"}),
                _variant(A1, {"P": "0/1", "F": "0/0", "M": "0/1"})]
    label = "compound_het_cis" if cis else "compound_het_trans"
    ar = "autosomal_recessive"
    calls = [_ic(T1, "OMIM:259700", ar, label, not cis, T2, "maternal" if cis else "paternal"),
             _ic(T2, "OMIM:259700", ar, label, not cis, T1, "maternal"),
             _ic(TB, "OMIM:259700", ar, "carrier", False, None, "paternal"),
             *_alpl_het_calls(A1)]
    return variants, calls


SEED_CLASSES = {T1: "Pathogenic", T2: "Likely pathogenic", TB: "Benign", A1: "Pathogenic"}


# ----------------------------------------------------------------------------- the scenarios


def test_seed_case_is_dual(tmp_path: Path, knowledge: dict[str, Any], repo: Path) -> None:
    variants, calls = seed_trio()
    r = run_family(tmp_path, knowledge, repo, {"P": "", "F": "", "M": ""}, variants,
                   SEED_CLASSES, calls)
    dd = r["dual_diagnosis"]
    assert dd["status"] == "dual", dd["reason"]
    assert dd["diagnoses"] == ["OMIM:259700", "OMIM:146300"]
    dx = {d["gene"]: d for d in r["diagnoses"]}
    assert dx["TCIRG1"]["disease_id"] == "OMIM:259700"
    assert dx["TCIRG1"]["status"] == "confirmed"
    assert dx["TCIRG1"]["variants"] == sorted([T1, T2])
    assert dx["ALPL"]["disease_id"] == "OMIM:146300"
    assert dx["ALPL"]["inheritance_mode"] == "autosomal_dominant"
    bands = {t["id"]: t["band"] for t in r["phenotype_matrix"]["terms"]}
    assert all(bands[t] == "A only" for t in OSTEOSCLEROSIS)
    assert all(bands[t] == "B only" for t in HPP_ONLY)
    assert all(bands[t] == "blended" for t in BLENDED)
    assert set(dd["shared_hpo"]) == set(BLENDED)
    test = dd["test"]
    assert test["a"] == "OMIM:259700" and test["b"] == "OMIM:146300"
    assert set(test["gained_terms"]) == set(HPP_ONLY)
    assert test["p_value"] < test["alpha_adjusted"]
    # the benign TCIRG1 SNP is shown but makes no diagnosis and no carrier state
    assert TB not in dx["TCIRG1"]["variants"]
    assert not any(c["variant"] == TB for c in r["carriers"])
    # the ALPL variant is not also listed as a carrier of the recessive HPP forms
    assert not any(c["variant"] == A1 for c in r["carriers"])
    row = next(x for x in r["_tsv"] if x["pos"] == T1.split("-")[1])
    assert row["acmg_criteria"] == "PVS1;PM2_Supporting"
    assert row["inheritance"] == "compound_het_trans"
    assert (row["gt_P"], row["gt_F"], row["gt_M"]) == ("0/1", "0/1", "0/0")
    assert row["gnomad_af"] == "" and row["clinvar_id"] == ""
    assert {"what": "ACMG criterion PP3",
            "why": "no in-silico score source configured (4 variants)"} in r["not_checked"]
    assert any(d["name"] == "hpo" and d["release"] == "2025-01-16" for d in r["databases"])


def test_report_is_deterministic(tmp_path: Path, knowledge: dict[str, Any], repo: Path) -> None:
    texts = []
    for i in range(2):
        variants, calls = seed_trio()
        d = tmp_path / str(i)
        d.mkdir()
        run_family(d, knowledge, repo, {"P": "", "F": "", "M": ""}, variants, SEED_CLASSES,
                   list(reversed(calls)) if i else calls)
        texts.append((d / "out" / "report.json").read_text(encoding="utf-8"))
    assert texts[0] == texts[1]


def test_cis_pair_is_no_miop_diagnosis(tmp_path: Path, knowledge: dict[str, Any],
                                       repo: Path) -> None:
    variants, calls = seed_trio(cis=True)
    r = run_family(tmp_path, knowledge, repo, {"P": "", "F": "", "M": ""}, variants,
                   SEED_CLASSES, calls)
    assert r["dual_diagnosis"]["status"] == "single"
    assert [d["gene"] for d in r["diagnoses"]] == ["ALPL"]
    assert {c["variant"] for c in r["carriers"]} == {T1, T2}


def test_tcirg1_carrier_with_biallelic_alpl_is_single(tmp_path: Path, knowledge: dict[str, Any],
                                                      repo: Path) -> None:
    variants = [_variant(T1, {"P": "0/1", "F": "0/1", "M": "0/0"}),
                _variant(A1, {"P": "0/1", "F": "0/0", "M": "0/1"}),
                _variant(A2, {"P": "0/1", "F": "0/1", "M": "0/0"})]
    ar = "autosomal_recessive"
    calls = [_ic(T1, "OMIM:259700", ar, "carrier", False, None, "paternal")]
    for v, w in ((A1, A2), (A2, A1)):
        calls += [_ic(v, d, ar, "compound_het_trans", True, w)
                  for d in ("OMIM:241500", "OMIM:241510")]
    r = run_family(tmp_path, knowledge, repo, {"P": "", "F": "", "M": ""}, variants,
                   {T1: "Pathogenic", A1: "Pathogenic", A2: "Likely pathogenic"}, calls)
    assert r["dual_diagnosis"]["status"] == "single"
    assert [(d["gene"], d["disease_id"]) for d in r["diagnoses"]] == [("ALPL", "OMIM:241510")]
    assert r["diagnoses"][0]["alternatives"][0]["disease_id"] == "OMIM:241500"
    assert [(c["gene"], c["variant"]) for c in r["carriers"]] == [("TCIRG1", T1)]


def test_singleton_unknown_phase_is_possible_dual(tmp_path: Path, knowledge: dict[str, Any],
                                                  repo: Path) -> None:
    variants = [_variant(T1, {"P": "0/1"}), _variant(T2, {"P": "0/1"}),
                _variant(A1, {"P": "0/1"})]
    ar = "autosomal_recessive"
    calls = [_ic(T1, "OMIM:259700", ar, "compound_het_unknown_phase", True, T2),
             _ic(T2, "OMIM:259700", ar, "compound_het_unknown_phase", True, T1),
             *_alpl_het_calls(A1)]
    r = run_family(tmp_path, knowledge, repo, {"P": ""}, variants,
                   {T1: "Pathogenic", T2: "Pathogenic", A1: "Pathogenic"}, calls)
    assert r["dual_diagnosis"]["status"] == "possible_dual"
    dx = {d["gene"]: d for d in r["diagnoses"]}
    assert dx["TCIRG1"]["status"] == "candidate" and "phase_unknown" in dx["TCIRG1"]["flags"]
    assert dx["ALPL"]["status"] == "confirmed"


def test_only_benign_variants_is_none(tmp_path: Path, knowledge: dict[str, Any],
                                      repo: Path) -> None:
    variants = [_variant(TB, {"P": "1/1", "F": "0/1", "M": "0/1"})]
    calls = [_ic(TB, "OMIM:259700", "autosomal_recessive", "recessive_homozygous", True)]
    r = run_family(tmp_path, knowledge, repo, {"P": "", "F": "", "M": ""}, variants,
                   {TB: "Benign"}, calls)
    assert r["dual_diagnosis"]["status"] == "none"
    assert r["diagnoses"] == [] and r["carriers"] == []
    assert r["variants"][0]["inheritance"] == ["recessive_homozygous"]


def test_comp_het_with_benign_partner_is_carrier(tmp_path: Path, knowledge: dict[str, Any],
                                                 repo: Path) -> None:
    variants = [_variant(T1, {"P": "0/1", "F": "0/1", "M": "0/0"}),
                _variant(TB, {"P": "0/1", "F": "0/0", "M": "0/1"})]
    ar = "autosomal_recessive"
    calls = [_ic(T1, "OMIM:259700", ar, "compound_het_trans", True, TB),
             _ic(TB, "OMIM:259700", ar, "compound_het_trans", True, T1)]
    r = run_family(tmp_path, knowledge, repo, {"P": "", "F": "", "M": ""}, variants,
                   {T1: "Pathogenic", TB: "Benign"}, calls)
    assert r["dual_diagnosis"]["status"] == "none"
    assert [c["variant"] for c in r["carriers"]] == [T1]


def test_phenotype_unrelated_second_diagnosis_is_molecular_finding(
        tmp_path: Path, knowledge: dict[str, Any], repo: Path) -> None:
    variants, calls = seed_trio()
    terms = [*OSTEOSCLEROSIS, "HP:0000648", "HP:0001873"]  # nothing hypophosphatasia explains
    r = run_family(tmp_path, knowledge, repo, {"P": "", "F": "", "M": ""}, variants,
                   SEED_CLASSES, calls, terms=terms)
    assert r["dual_diagnosis"]["status"] == "single"
    assert [d["gene"] for d in r["diagnoses"]] == ["TCIRG1"]
    assert [(f["gene"], f["disease_id"]) for f in r["molecular_findings"]] == [
        ("ALPL", "OMIM:146300")]
    assert "molecular finding" in r["dual_diagnosis"]["reason"]
    # an annotation gap is said as such, naming the HPO release
    assert (f"none is annotated to this disease, nor a related feature, in HPO "
            f"{knowledge['hpo_release']}") in r["molecular_findings"][0]["reason"]


def test_excluded_term_and_clinvar_rules(tmp_path: Path, knowledge: dict[str, Any],
                                         repo: Path) -> None:
    variants, calls = seed_trio()
    clinvar = {T2: {"variation_id": "1", "significance": "Pathogenic",
                    "review_status": "criteria provided, single submitter", "stars": 1,
                    "conditions": ["Osteopetrosis"], "genes": ["TCIRG1"],
                    "molecular_consequences": [], "hgvs": None, "release": "2016-09"}}
    classes = {**SEED_CLASSES, T2: "Uncertain significance"}
    r = run_family(tmp_path, knowledge, repo, {"P": "", "F": "", "M": ""}, variants, classes,
                   calls, excluded=["HP:0003155"], clinvar=clinvar)
    dx = {d["gene"]: d for d in r["diagnoses"]}
    assert dx["TCIRG1"]["status"] == "confirmed"
    assert f"clinvar_plp_over_vus:{T2}" in dx["TCIRG1"]["flags"]
    miop = next(d for d in r["diseases"] if d["disease_id"] == "OMIM:259700")
    assert {"hpo_id": "HP:0003155", "match": "contradicts"} in [
        {k: m[k] for k in ("hpo_id", "match")} for m in miop["matches"]]
    assert dx["TCIRG1"]["contradicted_hpo"] == ["HP:0003155"]
    bands = {t["id"]: t["band"] for t in r["phenotype_matrix"]["terms"]}
    assert bands["HP:0003155"] == "excluded"


def test_missing_classification_is_input_error(tmp_path: Path, knowledge: dict[str, Any],
                                               repo: Path) -> None:
    variants, calls = seed_trio()
    with pytest.raises(InputError, match="has no classification"):
        run_family(tmp_path, knowledge, repo, {"P": "", "F": "", "M": ""}, variants,
                   {T1: "Pathogenic"}, calls)
    assert not (tmp_path / "out" / "report.json").exists()


# ----------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize(("acmg", "clinvar", "tier"), [
    ("Pathogenic", None, "PLP"),
    ("Likely pathogenic", {"significance": "Benign", "stars": 2}, "PLP"),
    ("Uncertain significance", None, "VUS"),
    ("Uncertain significance", {"significance": "Likely pathogenic", "stars": 1}, "PLP"),
    ("Uncertain significance", {"significance": "Pathogenic", "stars": 0}, "VUS"),
    ("Uncertain significance", {"significance": "Benign/Likely benign", "stars": 2}, "excluded"),
    ("Uncertain significance", {"significance": "Conflicting interpretations of pathogenicity",
                                "stars": 1}, "VUS"),
    ("Likely benign", {"significance": "Pathogenic", "stars": 3}, "excluded"),
])
def test_variant_tier(acmg: str, clinvar: dict[str, Any] | None, tier: str) -> None:
    assert variant_tier(acmg, clinvar, "missense_variant")[0] == tier


@pytest.mark.parametrize(("consequence", "tier"), [
    ("intron_variant", "excluded"),
    ("3_prime_UTR_variant", "excluded"),
    ("synonymous_variant", "excluded"),
    (None, "excluded"),
    # outside the canonical sites a splice-region VUS needs splice evidence (SpliceAI)
    ("splice_region_variant&intron_variant", "excluded"),
    ("coding_sequence_variant", "VUS"),
    ("frameshift_variant", "VUS"),
])
def test_a_vus_needs_a_protein_or_splice_consequence(consequence: str | None, tier: str) -> None:
    assert variant_tier("Uncertain significance", None, consequence)[0] == tier
    # ClinVar P/LP with a star still lifts a deep intronic VUS; a computed P/LP needs no filter
    assert variant_tier("Uncertain significance", {"significance": "Pathogenic", "stars": 1},
                        consequence)[0] == "PLP"
    assert variant_tier("Likely pathogenic", None, consequence)[0] == "PLP"


def _bg(terms: dict[str, dict[str, Any]], who: dict[str, list[int]], n: int = 1000
        ) -> dict[str, Any]:
    """A background of ``n`` diseases: ``who[t]`` explain term ``t``, exactly (level = IC)."""
    return {"ic_threshold": IC_THRESHOLD, "n_diseases": n,
            "explaining": {t: len(ds) for t, ds in who.items()},
            "diseases": {t: [[terms[t]["ic"], ds]] for t, ds in who.items()}}


def _mini() -> dict[str, Any]:
    ids = [f"HP:000000{i}" for i in range(2, 8)]
    terms = {"HP:0000001": {"name": "All", "ic": 0.0, "ancestors": ["HP:0000001"]}}
    for i in ids:
        terms[i] = {"name": i, "ic": 5.0, "ancestors": ["HP:0000001", i]}
    who = {ids[3]: list(range(300)), ids[4]: [0, 1], ids[5]: [0, 1, 2],
           **{i: list(range(500, 550)) for i in ids[:3]}}
    return {"terms": terms,
            "diseases": {"A": {"name": "A", "terms": ids[:3]},
                         "WEAK": {"name": "WEAK", "terms": [ids[3]]},
                         "SPECIFIC": {"name": "SPECIFIC", "terms": [ids[4], ids[5]]}},
            "background": _bg(terms, who)}


def _dx(k: dict[str, Any], did: str, gene: str, terms: list[PatientTerm],
        status: str = "confirmed") -> Diagnosis:
    g = Genotype(gene, did, "autosomal_dominant", "dominant", ("1-1-A-G",), status, [],
                 "heterozygous")
    return Diagnosis(gene, did, did, g, match_disease(k, did, terms), True)


def test_weak_second_disease_is_not_dual() -> None:
    k = _mini()
    present = sorted(k["terms"])[1:]
    terms = [PatientTerm(t) for t in present]
    a, weak = _dx(k, "A", "G1", terms), _dx(k, "WEAK", "G2", terms)
    d = decide_dual([a, weak], present, k)
    assert d["status"] == "single"
    assert d["test"]["k"] == 1 and d["test"]["p_value"] > 0.05
    strong = _dx(k, "SPECIFIC", "G3", terms, status="candidate")
    d2 = decide_dual([a, weak, strong], present, k)
    assert d2["status"] == "possible_dual" and d2["diagnoses"] == ["A", "SPECIFIC"]
    assert d2["test"]["alpha_adjusted"] == pytest.approx(0.025)
    assert d2["test"]["other_comparisons"][0]["b"] == "WEAK"


def test_equal_scores_are_ordered_by_what_the_disease_explains_then_unclipped_evidence(
        ) -> None:
    """Three diseases of one gene all score 0 (clipped): the one that explains a term and has
    the smaller contradiction cost wins, never the one that explains nothing, whatever the
    order of the disease IDs."""
    ids = [f"HP:000000{i}" for i in range(2, 7)]
    terms = {"HP:0000001": {"name": "All", "ic": 0.0, "ancestors": ["HP:0000001"]},
             **{i: {"name": i, "ic": 5.0, "ancestors": ["HP:0000001", i]} for i in ids}}
    obligate = {i: 1.0 for i in ids[1:]}
    k = {"terms": terms, "diseases": {
        "OMIM:1": {"name": "explains nothing", "terms": [ids[4]], "frequencies": {}},
        "OMIM:2": {"name": "three hallmarks ruled out", "terms": ids[:4],
                   "frequencies": obligate},
        "OMIM:3": {"name": "two hallmarks ruled out", "terms": ids[:3],
                   "frequencies": obligate}}}
    pts = [PatientTerm(ids[0]), *(PatientTerm(t, excluded=True) for t in ids[1:4])]
    matches = {d: match_disease(k, d, pts) for d in k["diseases"]}
    assert {m.score for m in matches.values()} == {0.0}
    assert matches["OMIM:3"].evidence > matches["OMIM:2"].evidence
    assert matches["OMIM:1"].evidence == 0.0 and not matches["OMIM:1"].explained
    genos = [Genotype("G", d, "autosomal_dominant", "dominant", ("1-1-A-G",), "confirmed", [],
                      "heterozygous") for d in sorted(k["diseases"])]
    [dx] = choose_diagnoses(genos, matches, k)
    assert dx.disease_id == "OMIM:3"
    assert [a["disease_id"] for a in dx.alternatives] == ["OMIM:2", "OMIM:1"]


def _two_disease_knowledge(b_terms: list[str], b_freqs: dict[str, float | None],
                           who: dict[str, list[int]]) -> dict[str, Any]:
    """A explains HP:0000002-4; B is annotated with ``b_terms``; of 1,000 background diseases,
    ``who[t]`` explain term t (50 others for a term not given), every match exact."""
    ids = [f"HP:000000{i}" for i in range(2, 10)]
    who = {i: who.get(i, list(range(900, 950))) for i in ids}
    terms = {"HP:0000001": {"name": "All", "ic": 0.0, "ancestors": ["HP:0000001"]}}
    for i in ids:
        terms[i] = {"name": i, "ic": round(-math.log(len(who[i]) / 1000), 6),
                    "ancestors": ["HP:0000001", i]}
    return {"terms": terms,
            "diseases": {"A": {"name": "A", "terms": ids[:3], "frequencies": {}},
                         "B": {"name": "B", "terms": b_terms, "frequencies": b_freqs}},
            "background": _bg(terms, who)}


@pytest.mark.parametrize(("b_rate", "status"), [(2, "dual"), (300, "single")])
def test_one_specific_term_is_enough_one_generic_is_not(b_rate: int, status: str) -> None:
    """What a term tells counts, not only how many: B adding one term 2 in 1,000 diseases
    explain passes; B adding one term 300 in 1,000 explain does not."""
    k = _two_disease_knowledge(["HP:0000005"], {}, {"HP:0000005": list(range(b_rate))})
    present = ["HP:0000002", "HP:0000003", "HP:0000004", "HP:0000005", "HP:0000006"]
    terms = [PatientTerm(t) for t in present]
    d = decide_dual([_dx(k, "A", "G1", terms), _dx(k, "B", "G2", terms)], present, k)
    assert d["status"] == status, d["reason"]
    assert d["test"]["weights"] == {"HP:0000005": pytest.approx(-math.log(b_rate / 1000),
                                                                abs=0.01)}


def test_contradicted_hallmark_of_the_second_disease_blocks_dual() -> None:
    """B explains two uncommon terms (30 of 1,000 diseases explain both: p = 0.03), but the
    clinician ruled out B's obligate hallmark (cost 3.0 nats, the cap)."""
    k = _two_disease_knowledge(["HP:0000005", "HP:0000006", "HP:0000007"],
                               {"HP:0000007": 1.0}, {"HP:0000005": list(range(0, 60)),
                                                     "HP:0000006": list(range(30, 90)),
                                                     "HP:0000007": list(range(5))})
    present = ["HP:0000002", "HP:0000003", "HP:0000004", "HP:0000005", "HP:0000006"]
    terms = [PatientTerm(t) for t in present]
    d = decide_dual([_dx(k, "A", "G1", terms), _dx(k, "B", "G2", terms)], present, k)
    assert d["status"] == "dual"
    ruled_out = [*terms, PatientTerm("HP:0000007", excluded=True)]
    d2 = decide_dual([_dx(k, "A", "G1", ruled_out), _dx(k, "B", "G2", ruled_out)], present, k)
    assert d2["status"] == "single", d2["reason"]
    assert d2["test"]["contradicted_terms"] == ["HP:0000007"]
    assert d2["test"]["contradiction_cost"] == pytest.approx(-math.log(0.05), abs=1e-3)
    assert "excluded features it expects" in d2["reason"]
    # a rarely seen feature ruled out costs B little: still dual
    k["diseases"]["B"]["frequencies"] = {"HP:0000007": 0.05}
    d3 = decide_dual([_dx(k, "A", "G1", ruled_out), _dx(k, "B", "G2", ruled_out)], present, k)
    assert d3["status"] == "dual"


def test_second_disease_chosen_among_its_gene_s_diseases_pays_for_the_choice() -> None:
    """B explains two uncommon terms (30 of 1,000 diseases explain both: chance 0.03): dual when
    B is its gene's only disease; not when it is the best of five the genotype qualifies for
    (p = 1 - 0.97^5 = 0.14)."""
    k = _two_disease_knowledge(["HP:0000005", "HP:0000006"], {},
                               {"HP:0000005": list(range(0, 60)),
                                "HP:0000006": list(range(30, 90))})
    present = ["HP:0000002", "HP:0000003", "HP:0000004", "HP:0000005", "HP:0000006"]
    terms = [PatientTerm(t) for t in present]
    a, b = _dx(k, "A", "G1", terms), _dx(k, "B", "G2", terms)
    d = decide_dual([a, b], present, k)
    assert d["status"] == "dual" and d["test"]["b_gene_diseases"] == 1
    assert d["test"]["p_value"] == d["test"]["p_chance"] == pytest.approx(0.03)
    b.alternatives = [{"disease_id": f"OMIM:{i}"} for i in range(4)]
    d2 = decide_dual([a, b], present, k)
    assert d2["status"] == "single", d2["reason"]
    assert d2["test"]["b_gene_diseases"] == 5 and d2["test"]["p_chance"] == pytest.approx(0.03)
    assert d2["test"]["p_value"] == pytest.approx(1 - 0.97 ** 5, abs=1e-4)


def test_possible_dual_says_its_cause() -> None:
    k = _mini()
    present = sorted(k["terms"])[1:]
    terms = [PatientTerm(t) for t in present]
    a = _dx(k, "A", "G1", terms)
    b = _dx(k, "SPECIFIC", "TCIRG1", terms, status="candidate")
    b.genotype.flags[:] = ["phase_unknown"]
    b.genotype.variants = ("11-1-A-G", "11-2-C-T")
    names = {"11-1-A-G": "c.1674-1G>A", "11-2-C-T": "c.1392C>A"}
    d = decide_dual([a, b], present, k, variant_names=names)
    assert d["status"] == "possible_dual"
    assert ("phase of the two TCIRG1 variants (c.1674-1G>A and c.1392C>A) unknown: testing "
            "the parents") in d["reason"]
    assert d["candidate_causes"] == candidate_causes(b, names)
    b.genotype.flags[:] = ["vus:11-2-C-T"]
    assert candidate_causes(b, names) == [
        "SPECIFIC (TCIRG1) is a candidate because TCIRG1 c.1392C>A is a variant of uncertain "
        "significance: more evidence (segregation in the family, functional data, a reviewed "
        "ClinVar assertion) would decide it"]
    assert candidate_causes(a) == []


def test_no_terms_cannot_decide() -> None:
    k = _mini()
    d = decide_dual([_dx(k, "A", "G1", []), _dx(k, "SPECIFIC", "G3", [])], [], k)
    assert d["status"] == "possible_dual" and "not determined" in d["reason"]


def test_threshold_blocks_spurious_explanation_and_seed_is_not_knife_edge(
        knowledge: dict[str, Any]) -> None:
    terms = [PatientTerm(t) for t in SEED_TERMS]
    # ORPHA:667 (AR malignant osteopetrosis) is annotated with the very general "Abnormality of
    # metabolism/homeostasis" (IC 1.16): without the IC threshold it would explain low ALP.
    assert "HP:0001939" in knowledge["diseases"]["ORPHA:667"]["terms"]
    assert "HP:0003282" not in match_disease(knowledge, "ORPHA:667", terms).explained
    assert "HP:0003282" in match_disease(knowledge, "ORPHA:667", terms, threshold=1.0).explained
    # the seed partition is the same for any threshold from 2.5 to 4.5 nats (at 2.0 "Abnormality
    # of the dentition", IC 2.3, would relate osteopetrosis to premature loss of teeth)
    for thr in (2.5, IC_THRESHOLD, 3.5, 4.0, 4.5):
        miop = set(match_disease(knowledge, "OMIM:259700", terms, thr).explained)
        hpp = set(match_disease(knowledge, "OMIM:146300", terms, thr).explained)
        assert set(OSTEOSCLEROSIS) <= miop - hpp, thr
        assert set(HPP_ONLY) <= hpp - miop, thr
        assert set(BLENDED) <= miop & hpp, thr


def test_unverified_build_is_reported_as_not_checked() -> None:
    from dualdx.interpretation.call_diagnoses import add_filter_stats

    report: dict[str, Any] = {"genome_build": "GRCh37", "not_checked": [{"what": "b", "why": "x"}]}
    add_filter_stats(report, stage_docs.complete("filter_stats", {
        "records_read": 12, "build_verified": False, "build_note": "x.vcf has no contig lengths"}))
    assert report["methods"]["filter"]["records_read"] == 12
    assert {"what": "genome build GRCh37 of the input VCF",
            "why": "x.vcf has no contig lengths"} in report["not_checked"]
    verified: dict[str, Any] = {"genome_build": "GRCh38", "not_checked": []}
    add_filter_stats(verified, stage_docs.complete("filter_stats", {"build_verified": True}))
    assert verified["not_checked"] == []


def test_low_penetrance_clinvar_lifts_with_a_flag_and_qc_problem_blocks_confirmation() -> None:
    lowpen = {"significance": "Likely pathogenic, low penetrance", "stars": 1}
    assert variant_tier("Uncertain significance", lowpen, "missense_variant") == \
        ("PLP", ["clinvar_plp_over_vus", "clinvar_low_penetrance"])
    assert variant_tier("Uncertain significance", {"significance": "Pathogenic|risk factor",
                                                   "stars": 1}, "missense_variant")[0] == "PLP"
    assert variant_tier("Uncertain significance", None, "splice_region_variant",
                        {"spliceai": 0.6})[0] == "VUS"
    assert variant_tier("Uncertain significance", None, "splice_region_variant",
                        {"spliceai": 0.01}) == ("excluded", ["vus_splice_region_spliceai_low"])
    row = {"variant": "X-1-C-T", "gene": "G", "disease_id": "D", "disease_mode":
           "x_linked_recessive", "label": "x_linked_recessive", "qualifies": True}
    tiers = {"X-1-C-T": ("PLP", [])}
    genos, _ = genotypes_from_calls([row], tiers, {"X-1-C-T": "heterozygous"})
    assert genos[0].status == "confirmed"
    genos, _ = genotypes_from_calls([row], tiers, {"X-1-C-T": "heterozygous"},
                                    {"X-1-C-T": ["het_in_haploid_region"]})
    assert genos[0].status == "candidate"
    assert genos[0].flags == ["qc:het_in_haploid_region:X-1-C-T"]


def test_carrier_words_for_a_heterozygous_female_under_an_x_linked_recessive_mode() -> None:
    tiers = {"X-1-C-T": ("PLP", []), "1-5-G-A": ("PLP", [])}
    xlr = {"variant": "X-1-C-T", "gene": "G", "disease_id": "D", "disease_mode":
           "x_linked_recessive", "label": "carrier", "qualifies": False}
    ar = {"variant": "1-5-G-A", "gene": "H", "disease_id": "E", "disease_mode":
          "autosomal_recessive", "label": "carrier", "qualifies": False}
    genos, carriers = genotypes_from_calls([xlr, ar], tiers, {})
    assert genos == []
    why = {c["variant"]: c["why"] for c in carriers}
    assert why["X-1-C-T"].startswith("heterozygous female: carrier state for an X-linked")
    assert "skewed X-inactivation" in why["X-1-C-T"]
    assert why["1-5-G-A"] == "heterozygous for a recessive disease without a second hit"


def test_heterozygous_female_with_an_explaining_x_linked_recessive_disease_is_a_caution() -> None:
    from dualdx.inputs.pedigree import Pedigree, Person
    from dualdx.interpretation.cautions import heterozygous_female_caveats

    def ped(sex: Any) -> Pedigree:
        return Pedigree("F", {"P": Person("F", "P", None, None, sex, "affected")}, "P")

    kn = {"diseases": {"D": {"name": "XL disease", "modes": ["x_linked_recessive"]},
                       "E": {"name": "AR disease", "modes": ["autosomal_recessive"]}}}
    carriers = [{"gene": "G", "variant": "X-1-C-T", "tier": "PLP", "disease_id": "D",
                 "disease_ids": ["D"]},
                {"gene": "H", "variant": "1-5-G-A", "tier": "VUS", "disease_id": "E",
                 "disease_ids": ["E"]}]
    explained = {"D": ["HP:1", "HP:2"], "E": ["HP:1"]}
    [cav] = heterozygous_female_caveats(carriers, kn, explained, 3, "P", ped("female"))
    assert (cav.code, cav.severity, cav.variants, cav.samples) == (
        "heterozygous_female_x_linked_recessive", "caution", ("X-1-C-T",), ("P",))
    assert cav.message.startswith("P is heterozygous for G X-1-C-T (counted as pathogenic), "
                                  "and XL disease (D, X-linked recessive) explains 2 of her 3")
    assert "skewed X-inactivation" in cav.message
    assert heterozygous_female_caveats(carriers, kn, explained, 3, "P", ped("male")) == []
    assert heterozygous_female_caveats(carriers, kn, {"E": ["HP:1"]}, 3, "P", ped("female")) \
        == []


def test_confirmed_second_genotype_with_overlapping_features_is_said_not_hidden() -> None:
    """B explains only a term A explains as well (a blended phenotype): the test cannot find a
    second disease, so the status stays single, but B's genotype is confirmed: the result says
    B may be present too and names what it explains; a candidate B gets no such words."""
    k = _two_disease_knowledge(["HP:0000003", "HP:0000007"], {}, {})
    present = ["HP:0000002", "HP:0000003", "HP:0000004"]
    terms = [PatientTerm(t) for t in present]
    d = decide_dual([_dx(k, "A", "G1", terms), _dx(k, "B", "G2", terms)], present, k)
    assert d["status"] == "single" and d["test"]["gained_terms"] == []
    assert d["overlap"] == {"b": "B", "b_gene": "G2", "explained_hpo": ["HP:0000003"],
                            "words": "the G2 genotype is confirmed, so B may be present as well "
                                     "(it explains HP:0000003); the proband's terms cannot show "
                                     "whether it contributes beyond A"}
    assert d["reason"].endswith("; " + d["overlap"]["words"])
    d2 = decide_dual([_dx(k, "A", "G1", terms), _dx(k, "B", "G2", terms, status="candidate")],
                     present, k)
    assert d2["status"] == "single" and "overlap" not in d2
