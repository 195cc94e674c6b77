"""Calibration of phenotype attribution and the dual-diagnosis decision on real published patients.

    python benchmarks/phenopackets.py [--data DIR] [--folds 5] [--pairs 120] [--seed 1]
                                      [--workers 2] [--workdir DIR] [--cache-dir DIR]
                                      [--fold N ...]
                                      [--kinds single,dual,control] [--limit N] [--no-cache]

Input: the GA4GH phenopackets of ``../shared/data/phenopackets/`` (1,350 published cases of 17
genes, BSD-3; read from there, never copied). The genes have no transcript model or sequence in
this project, so, as a lab that already knows the published variants would, the script writes
them into a small ClinVar-layout VCF (``Pathogenic``, two review stars) in the work directory and
reads it back with :class:`dualdx.knowledge.clinvar.ClinVarDB`; their computed class is
``Uncertain significance`` (nothing else is evaluable), so they count as P/LP through ClinVar
(``clinvar_plp_over_vus``). What is measured is phenotype attribution and the dual decision.

Each case is a trio: the published variants in the proband, the parents genotyped so that the
phase is known (a homozygous variant from both parents, two heterozygous variants one from each
parent, one heterozygous variant de novo, a hemizygous one from the mother), PED affection unknown
and no HPO terms for the parents. Every case runs the workflow's own stage functions on its files:
``run_assign_inheritance`` then ``run_call_diagnoses`` (matching, diagnoses, the dual decision,
report.json validated against its schema), with a knowledge.json distilled from the HPO store for
the case's genes and terms (background rates counted once for every term, by the same rule).

* **singles**: each patient alone (observed and excluded terms). Right when the diagnosis of the
  patient's gene is the published disease and the status is not ``dual``.
* **duals**: pairs of patients of different genes (seeded sample): both genotypes, the union of
  their observed terms. Right when the status is ``dual`` with the two genes' diagnoses.
* **controls**: the same pairs with one patient's phenotype (observed and excluded): ``dual`` is
  a false dual.

**Cross-validation by publication** (:func:`assign_folds`): the patients are dealt into
``--folds`` folds (5) so that no publication is in two folds, stratified by gene where a gene
has enough publications, deterministically (no random draw). Each fold has its own singles and
its own ``--pairs`` two-patient duals (both patients of the fold) and their controls; figures are
printed per fold and pooled. A rule change is judged on every fold: it counts when it improves
the pooled figure without making a fold clearly worse (the rules are not tuned to any fold).

**Annotation gaps**: a patient whose published disease explains none of their observed terms
under the matching rule in the shipped HPO release cannot be recognised by any phenotype rule;
such cases stay in the figures, which are also printed without them ("no gap"), labelled.

**Cost**: a case's result is cached in the work directory under a fingerprint of dualdx's
source and this script (:func:`source_fingerprint`); a re-run with the same code reuses it, a
changed rule recomputes everything through the real code path (about 0.2 s per case on a quiet
core; 2,877 cases). ``--kinds single`` runs the singles only (a rule that orders a gene's
diseases).

Excluded up front, and counted: patients whose published disease is not in the HPO release (its
OMIM entry is newer), patients with a variant without a VCF record (copy-number changes), and
patients with no observed term. Pairs: a hemizygous male with a female X-linked heterozygote is
not paired. Prints the three rates against the targets of issue 13 (>= 95 %, >= 90 %, <= 2 %),
the failures by cause, and the run time.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import logging
import multiprocessing
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualdx.core.model import Call, VariantRecord
from dualdx.interpretation.call_diagnoses import run_call_diagnoses
from dualdx.interpretation.inheritance import TrustThresholds, run_assign_inheritance
from dualdx.interpretation.phenotype_knowledge import omim_diseases
from dualdx.interpretation.phenotype_match import (
    IC_THRESHOLD,
    PatientTerm,
    background_counts,
    match_disease,
)
from dualdx.knowledge.clinvar import ClinVarDB
from dualdx.knowledge.hpo import distill_knowledge, patient_term_ids
from dualdx.knowledge.hpo_store import HpoStore, open_store

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"singles": 0.95, "duals": 0.90, "controls": 0.02}
LOG = logging.getLogger("phenopackets")
LOG.addHandler(logging.NullHandler())
LOG.propagate = False


@dataclass
class Variant:
    chrom: str
    pos: int
    ref: str
    alt: str
    state: str  # heterozygous | homozygous | hemizygous
    hgvs: str


@dataclass
class Patient:
    id: str
    gene: str
    disease: str
    sex: str  # male | female | unknown
    observed: list[str]
    excluded: list[str]
    pmid: str = ""  # the publication (metaData.externalReferences)
    variants: list[Variant] = field(default_factory=list)


def load_patients(root: Path) -> tuple[list[Patient], collections.Counter[str]]:
    out: list[Patient] = []
    skipped: collections.Counter[str] = collections.Counter()
    for f in sorted(root.glob("*/*.json")):
        p = json.loads(f.read_text(encoding="utf-8"))
        interp = p["interpretations"][0]["diagnosis"]
        sex = {"MALE": "male", "FEMALE": "female"}.get(p.get("subject", {}).get("sex"), "unknown")
        feats = p.get("phenotypicFeatures", [])
        refs = [r["id"] for r in p.get("metaData", {}).get("externalReferences", [])
                if str(r.get("id", "")).startswith("PMID:")]
        pat = Patient(p["id"], f.parent.name, interp["disease"]["id"], sex,
                      sorted({x["type"]["id"] for x in feats if not x.get("excluded")}),
                      sorted({x["type"]["id"] for x in feats if x.get("excluded")}),
                      refs[0] if refs else f"file:{f.name}")
        ok = True
        for gi in interp.get("genomicInterpretations", []):
            vd = gi["variantInterpretation"]["variationDescriptor"]
            vcf = vd.get("vcfRecord")
            if not vcf:
                ok = False
                break
            hgvs = next((e["value"] for e in vd.get("expressions", [])
                         if e.get("syntax") == "hgvs.c"), vd.get("id", ""))
            state = vd.get("allelicState", {}).get("label", "heterozygous")
            pat.variants.append(Variant(vcf["chrom"].removeprefix("chr"), int(vcf["pos"]),
                                        vcf["ref"], vcf["alt"], state, hgvs.split(":")[-1]))
        if not ok:
            skipped["a variant has no VCF record (copy-number change)"] += 1
        elif not pat.observed:
            skipped["no observed HPO term"] += 1
        else:
            out.append(pat)
    return out, skipped


# ------------------------------------------------------------------------------ the folds

FOLDS = 5


def assign_folds(patients: list[Patient], k: int = FOLDS) -> dict[str, int]:
    """Patient ID -> fold ``0 .. k-1``, grouped by publication: all patients of one PMID fall in
    one fold (a paper's patients share its authors' way of describing them, so they must never
    be on both sides of a comparison). Stratified by gene and balanced by patients: publications
    are taken from the largest down (then by PMID), each going to the fold that holds the fewest
    patients of its gene, then the fewest patients overall, then the lowest index. Decided by
    the data's layout alone, before any result, and deterministic (no random draw). A gene
    whose patients come from fewer than ``k`` publications is in fewer than ``k`` folds."""
    by_pub: dict[str, list[Patient]] = collections.defaultdict(list)
    for p in patients:
        by_pub[p.pmid].append(p)
    have: dict[tuple[str, int], int] = collections.Counter()
    total = [0] * k
    out: dict[str, int] = {}
    for _pmid, ps in sorted(by_pub.items(), key=lambda x: (-len(x[1]), x[0])):
        gene_count = collections.Counter(p.gene for p in ps)
        fold = min(range(k), key=lambda f: (sum(have[(g, f)] for g in gene_count), total[f], f))
        for g, n in gene_count.items():
            have[(g, fold)] += n
        total[fold] += len(ps)
        for p in ps:
            out[p.id] = fold
    return out


# ------------------------------------------------------------------------------ shared files


def write_clinvar(patients: list[Patient], path: Path) -> None:
    """The published variants as ClinVar-layout VCF records: Pathogenic, two review stars."""
    seen: dict[tuple[str, int, str, str], Patient] = {}
    for p in patients:
        for v in p.variants:
            seen.setdefault((v.chrom, v.pos, v.ref, v.alt), p)
    lines = ["##fileformat=VCFv4.1", "##source=dualdx benchmarks/phenopackets.py: published "
             "variants of the GA4GH phenopacket-store cases, marked pathogenic",
             "##reference=GRCh38", "##fileDate=2025-01-16",
             '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="significance">',
             '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="review status">',
             '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="gene">',
             '##INFO=<ID=CLNDN,Number=.,Type=String,Description="disease">',
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]
    order = sorted(seen, key=lambda k: (k[0].zfill(3) if k[0].isdigit() else "zz" + k[0], k[1]))
    for i, (chrom, pos, ref, alt) in enumerate(order, 1):
        p = seen[(chrom, pos, ref, alt)]
        lines.append(f"{chrom}\t{pos}\t{900000 + i}\t{ref}\t{alt}\t.\t.\tCLNSIG=Pathogenic;"
                     "CLNREVSTAT=criteria_provided,_multiple_submitters,_no_conflicts;"
                     f"GENEINFO={p.gene}:1;CLNDN={p.disease.replace(':', '_')}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_panel(patients: list[Patient], path: Path) -> None:
    """A panel TSV of the cases' genes (the extent spans the published variants; only the gene
    names matter here: no filtering or annotation runs)."""
    spans: dict[str, list[int]] = {}
    chroms: dict[str, str] = {}
    for p in patients:
        for v in p.variants:
            spans.setdefault(p.gene, []).append(v.pos)
            chroms[p.gene] = v.chrom
    rows = ["symbol\thgnc_id\trefseq_transcript\tensembl_transcript\tgrch38_chrom\tgrch38_start"
            "\tgrch38_end\tgrch37_chrom\tgrch37_start\tgrch37_end"]
    for i, g in enumerate(sorted(spans), 1):
        lo, hi = min(spans[g]) - 10, max(spans[g]) + 10
        rows.append(f"{g}\tHGNC:{i}\tNM_{i:06d}.1\tENST{i:011d}.1\t{chroms[g]}\t{lo}\t{hi}"
                    f"\t{chroms[g]}\t{lo}\t{hi}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


# ------------------------------------------------------------------------------ one case


@dataclass
class Case:
    kind: str  # single | dual | control
    name: str
    patients: list[Patient]  # whose genotypes
    observed: list[str]
    excluded: list[str]
    sex: str
    expect_gene: str | None = None  # singles: the gene
    expect_disease: str | None = None
    fold: int = 0
    gap: bool = False  # a published disease explains none of its patient's terms


def trio_records(case: Case) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """annotations.json variants for P, F, M (phase known: see module doc), gene per key."""
    hom, het = (1, 1), (0, 1)
    recs: list[dict[str, Any]] = []
    genes: dict[str, str] = {}
    for pat in case.patients:
        hets = [v for v in pat.variants if v.state == "heterozygous"]
        for v in pat.variants:
            x = v.chrom == "X"
            male = case.sex == "male"
            if v.state == "homozygous":
                gts = {"P": hom, "F": (1,) if x else het, "M": het}
            elif v.state == "hemizygous" or (x and male):
                gts = {"P": (1,) if male else het, "F": (0,), "M": het}
            elif len(hets) == 2:
                first = v is hets[0]
                gts = {"P": het, "F": (het if first else (0, 0)) if not x else (0,),
                       "M": het if not first else (0, 0)}
            else:  # one heterozygous variant: de novo
                gts = {"P": het, "F": (0,) if x else (0, 0), "M": (0, 0)}
            calls = {s: Call(tuple(a), ad=(10, 10) if a == het else None, dp=30, gq=60.0)
                     for s, a in gts.items()}
            rec = VariantRecord(v.chrom, v.pos, v.ref, v.alt, calls, filter="PASS", qual=60.0)
            d = rec.to_dict()
            d.update({"key": rec.key, "gene": pat.gene, "consequence": None,
                      "other_transcripts_more_severe": [], "clinvar_same_residue": [],
                      "clinvar_same_aa_change": [], "gnomad": {"queried": False},
                      "scores": {}})
            recs.append(d)
            genes[rec.key] = pat.gene
    return recs, genes


_STORE: HpoStore | None = None
_BG: dict[str, Any] = {}
_CLINVAR: ClinVarDB | None = None
_PANEL = ""


def _init(cache: str, bg_path: str, clinvar: str, panel: str) -> None:
    global _STORE, _BG, _CLINVAR, _PANEL
    _STORE = open_store(cache)[0]
    _BG = json.loads(Path(bg_path).read_text(encoding="utf-8"))
    _CLINVAR = ClinVarDB.open(clinvar)
    _PANEL = panel


def run_case(case: Case) -> dict[str, Any]:
    assert _STORE is not None and _CLINVAR is not None
    with tempfile.TemporaryDirectory(prefix="pp_") as tmp:
        d = Path(tmp)
        recs, genes = trio_records(case)
        for r in recs:
            a = _CLINVAR.lookup(r["chrom"], r["pos"], r["ref"], r["alt"])
            r["clinvar"] = a.to_dict() if a else None
        ann = {"family": "F", "genome_build": "GRCh38", "samples": ["P", "F", "M"],
               "databases": [], "not_checked": [], "variants": recs}
        sex = {"male": "1", "female": "2"}.get(case.sex, "0")
        (d / "f.ped").write_text(f"F\tP\tF\tM\t{sex}\t2\nF\tF\t0\t0\t1\t0\nF\tM\t0\t0\t2\t0\n",
                                 encoding="utf-8")
        terms = sorted(set(case.observed) | set(case.excluded))
        k = distill_knowledge(_STORE, sorted(set(genes.values())), terms)
        resolved, _ = patient_term_ids(_STORE, terms)
        k["background"] = {**{x: _BG[x] for x in ("description", "ic_threshold", "n_diseases")},
                           "explaining": {t: _BG["explaining"][t] for t in resolved},
                           "diseases": {t: _BG["diseases"][t] for t in resolved}}
        k["caveats"] = []
        cls = {"ruleset": "acmg2015", "ruleset_version": "Richards 2015", "caveats": [], "variants": {
            r["key"]: {"acmg_class": "Uncertain significance", "points": 0, "criteria": [],
                       "not_evaluated": [], "clinvar_disagreement": True} for r in recs}}
        for name, doc in (("annotations", ann), ("knowledge", k), ("classification", cls)):
            (d / f"{name}.json").write_text(json.dumps(doc), encoding="utf-8")
        run_assign_inheritance(str(d / "annotations.json"), str(d / "f.ped"), "F", "P",
                               str(d / "knowledge.json"), {"P": list(case.observed)},
                               TrustThresholds(), str(d / "inh.tsv"), str(d / "inh.json"), LOG)
        pheno = {"P": [{"id": t, "excluded": False} for t in case.observed]
                 + [{"id": t, "excluded": True} for t in case.excluded]}
        run_call_diagnoses("F", "P", "GRCh38", _PANEL, str(d / "f.ped"), str(d / "annotations.json"),
                           str(d / "inh.json"), str(d / "classification.json"),
                           str(d / "knowledge.json"), pheno, "acmg2015",
                           str(d / "report.json"), str(d / "variants.tsv"), LOG)
        r = json.loads((d / "report.json").read_text(encoding="utf-8"))
    dd = r["dual_diagnosis"]
    return {"kind": case.kind, "fold": case.fold, "gap": case.gap, "name": case.name,
            "observed": case.observed, "excluded": case.excluded, "status": dd["status"],
            "reason": dd["reason"],
            "diagnoses": [(x["gene"], x["disease_id"], x["status"], x["score"])
                          for x in r["diagnoses"]],
            "findings": [(x["gene"], x["disease_id"]) for x in r["molecular_findings"]],
            "pair": dd.get("diagnoses", []), "test": {k: dd.get("test", {}).get(k) for k in (
                "a", "b", "gained_terms", "a_better_terms", "p_value", "statistic",
                "contradiction_cost", "alpha_adjusted", "alpha")},
            "x_linked_gene": any(v.chrom == "X" for p in case.patients for v in p.variants),
            "modes": {x["gene"]: x["inheritance_mode"] for x in r["diagnoses"]},
            "expect_gene": case.expect_gene, "expect_disease": case.expect_disease,
            "genes": sorted({p.gene for p in case.patients}),
            "alternatives": {x["gene"]: [(a["disease_id"], a["score"]) for a in x["alternatives"]]
                             for x in r["diagnoses"]}}


# ------------------------------------------------------------------------------ causes


def single_cause(res: dict[str, Any]) -> str | None:
    dx = {g: (d, st, sc) for g, d, st, sc in res["diagnoses"]}
    gene, want = res["expect_gene"], res["expect_disease"]
    if res["status"] == "dual":
        return "called dual with one patient's genotype"
    if gene not in dx:
        if any(g == gene for g, _ in res["findings"]):
            return "the gene's disease explains none of the terms (molecular finding)"
        return "the genotype qualifies for no disease of the gene (mode of inheritance)"
    got = dx[gene][0]
    if got == want:
        return None
    if res["x_linked_gene"] and str(res["modes"].get(gene, "")).startswith("autosomal"):
        return ("an autosomal disease of an X-chromosome gene was chosen (mode fit: the "
                "inheritance stage's)")
    alts = dict(res["alternatives"].get(gene, []))
    if want not in alts:
        return "the published disease's mode does not fit the genotype"
    if alts[want] == dx[gene][2]:
        return "tie: the published disease scores the same as another disease of the gene"
    return "another disease of the gene fits the phenotype better"


def dual_cause(res: dict[str, Any]) -> str | None:
    if res["status"] == "dual" and len(res["pair"]) == 2:
        return None
    genes = {g for g, _, _, _ in res["diagnoses"]}
    if len(genes) < 2:
        if res["findings"]:
            return "one disease explains none of the union's terms (molecular finding)"
        return "one genotype qualifies for no disease (mode of inheritance)"
    if res["status"] == "possible_dual":
        return "possible_dual: " + res["reason"].split("because")[-1].strip()[:60]
    reason = res["reason"]
    if "explains no term the first leaves unexplained" in reason:
        return "the second disease adds no term the first leaves unexplained"
    if "the first explains every term" in reason:
        return "the first disease explains every term at least as well as the second"
    if "excluded features" in reason:
        return "not significant, with contradicted features"
    return "what the second disease adds is not significant"


def dual_at(res: dict[str, Any], alpha: float) -> bool:
    """Whether the case would be ``dual`` with ``alpha`` (the test's p and conditions kept)."""
    t = res["test"]
    if res["status"] not in ("dual", "single") or t.get("p_value") is None or not t.get("alpha"):
        return False
    m = t["alpha"] / t["alpha_adjusted"]
    both = all(st == "confirmed" for _, _, st, _ in res["diagnoses"])
    return bool(both and t["gained_terms"] and t["a_better_terms"]
                and t["p_value"] < alpha / m)


def control_cause(res: dict[str, Any]) -> str | None:
    if res["status"] != "dual":
        return None
    return "false dual"


# ------------------------------------------------------------------------------ main


def draw_pairs(patients: list[Patient], n: int, rng: random.Random) -> list[tuple[Patient,
                                                                                 Patient]]:
    """``n`` pairs of patients of different genes (a hemizygous male is not paired with a female
    X-linked heterozygote)."""
    pairs: list[tuple[Patient, Patient]] = []
    tries = 0
    while len(pairs) < n and tries < n * 50 and len(patients) > 1:
        tries += 1
        a, b = rng.sample(patients, 2)
        xa = any(v.chrom == "X" for v in a.variants)
        xb = any(v.chrom == "X" for v in b.variants)
        if a.gene == b.gene or (xa and xb and a.sex != b.sex):
            continue
        pairs.append((a, b))
    return pairs


def cases_of(patients: list[Patient], fold: int, args: argparse.Namespace,
             gaps: set[str]) -> list[Case]:
    """The singles, two-patient duals and one-phenotype controls of one fold (pairs drawn
    within the fold, seeded by ``--seed`` and the fold). ``gaps``: the patients whose published
    disease explains none of their observed terms (an annotation gap)."""
    rng = random.Random(f"{args.seed}:fold{fold}")
    singles = patients if not args.limit else rng.sample(patients, min(args.limit,
                                                                       len(patients)))
    cases = [Case("single", p.id, [p], p.observed, p.excluded, p.sex, p.gene, p.disease,
                  fold=fold, gap=p.id in gaps) for p in singles]
    for a, b in draw_pairs(patients, args.pairs, rng):
        sex = a.sex if any(v.chrom == "X" for v in a.variants) else b.sex if any(
            v.chrom == "X" for v in b.variants) else a.sex
        name = f"{a.id} + {b.id}"
        cases.append(Case("dual", name, [a, b], sorted(set(a.observed) | set(b.observed)), [],
                          sex, fold=fold, gap=a.id in gaps or b.id in gaps))
        for who in (a, b):
            cases.append(Case("control", f"{name} (phenotype of {who.id})", [a, b],
                              who.observed, who.excluded, sex, fold=fold))
    return cases


def figures(results: list[dict[str, Any]]) -> dict[str, list[int]]:
    """[right, all] of the three measures, and of singles and duals without annotation gaps."""
    by_kind: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for res in results:
        by_kind[res["kind"]].append(res)
    out: dict[str, list[int]] = {}
    for kind, key in (("single", "singles"), ("dual", "duals")):
        rs = by_kind[kind]
        out[key] = [sum(1 for r in rs if r["cause"] is None), len(rs)]
        clean = [r for r in rs if not r["gap"]]
        out[key + "_without_gaps"] = [sum(1 for r in clean if r["cause"] is None), len(clean)]
    rs = by_kind["control"]
    out["controls_false_dual"] = [sum(1 for r in rs if r["cause"] is not None), len(rs)]
    return out


def _pct(k: int, n: int) -> str:
    return f"{100 * k / n:5.1f}%" if n else "  n/a "


def report(results: list[dict[str, Any]], folds: list[int], args: argparse.Namespace,
           genes: dict[int, list[str]], not_in_release: int) -> dict[str, Any]:
    """Print the per-fold and pooled figures, the other alpha levels and the failures by cause
    (pooled, with the fold of each listed case); the summary."""
    per_fold = {f: figures([r for r in results if r["fold"] == f]) for f in folds}
    pooled = figures(results)
    cols = [("singles", "singles right"), ("singles_without_gaps", "(no gap)"),
            ("duals", "duals dual"), ("duals_without_gaps", "(no gap)"),
            ("controls_false_dual", "controls dual")]
    print("\n" + f"{'fold':8s}" + "".join(f"{h:>22s}" for _, h in cols))
    for f in folds:
        print(f"{f:<8d}" + "".join(f"{f'{per_fold[f][k][0]}/{per_fold[f][k][1]}':>14s} "
                                   f"{_pct(*per_fold[f][k])}" for k, _ in cols))
    print(f"{'pooled':8s}" + "".join(f"{f'{pooled[k][0]}/{pooled[k][1]}':>14s} "
                                     f"{_pct(*pooled[k])}" for k, _ in cols))
    print("\ntargets (pooled; 'no gap' leaves out the cases where a published disease explains "
          "none of its patient's terms in this HPO release, an annotation gap):")
    for key, op, target in (("singles", ">=", TARGETS["singles"]),
                            ("singles_without_gaps", ">=", TARGETS["singles"]),
                            ("duals", ">=", TARGETS["duals"]),
                            ("duals_without_gaps", ">=", TARGETS["duals"]),
                            ("controls_false_dual", "<=", TARGETS["controls"])):
        k, n = pooled[key]
        rate = k / n if n else float("nan")
        met = rate >= target if op == ">=" else rate <= target
        print(f"  {key:24s} {k:5d}/{n:<5d} {_pct(k, n)} {op} {100 * target:3.0f}%  "
              f"{'met' if met else 'NOT met'}")
    if not_in_release:
        k, n = pooled["singles"]
        print(f"  with the {not_in_release} patients whose published disease is not in the HPO "
              f"release (wrong by construction): singles {k}/{n + not_in_release} "
              f"{_pct(k, n + not_in_release)}")
    by_kind: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for res in results:
        by_kind[res["kind"]].append(res)
    n_d, n_c = len(by_kind["dual"]), len(by_kind["control"])
    print("the same p-values at other levels of the dual test (alpha before Bonferroni), pooled:")
    for alpha in (0.05, 0.02, 0.01, 0.005, 0.001):
        d_ok = sum(1 for r in by_kind["dual"] if dual_at(r, alpha))
        c_bad = sum(1 for r in by_kind["control"] if dual_at(r, alpha))
        print(f"  alpha {alpha:<6}: duals called dual {_pct(d_ok, n_d)}, "
              f"false dual on controls {_pct(c_bad, n_c)}")
    per_gene = collections.Counter(r["expect_gene"] for r in by_kind["single"])
    wrong_gene = collections.Counter(r["expect_gene"] for r in by_kind["single"] if r["cause"])
    print("singles by gene (right/all): " + ", ".join(
        f"{g} {per_gene[g] - wrong_gene[g]}/{per_gene[g]}" for g in sorted(per_gene)))
    for kind in ("single", "dual", "control"):
        fails = [r for r in by_kind[kind] if r["cause"]]
        if not fails:
            continue
        print(f"\n{kind} failures by cause ({len(fails)}; per fold):")
        by_cause = collections.Counter(r["cause"] for r in fails)
        for cause, n in by_cause.most_common():
            fc = collections.Counter(r["fold"] for r in fails if r["cause"] == cause)
            print(f"  {n:4d}  {cause}  [" + " ".join(f"{fc[f]}" for f in folds) + "]")
            for r in [x for x in fails if x["cause"] == cause][: args.failures]:
                got = ", ".join(f"{g} {d} {st} {sc}" for g, d, st, sc in r["diagnoses"])
                extra = (f" want {r['expect_disease']}" if kind == "single" else
                         f" p={r['test']['p_value']} gained={r['test']['gained_terms']}")
                print(f"        fold {r['fold']} {r['name']}: {got or 'no diagnosis'};{extra}"
                      + (" (annotation gap)" if r["gap"] else ""))
    return {"folds": {str(f): {"genes": genes[f], **per_fold[f]} for f in folds},
            "pooled": pooled,
            "failures": {kind: dict(collections.Counter(r["cause"] for r in by_kind[kind]
                                                        if r["cause"]))
                         for kind in ("single", "dual", "control")}}


def source_fingerprint() -> str:
    """A hash of dualdx's source and this script's case code: cached case results are reused
    only while neither changed (the figures always come from the real code path)."""
    h = hashlib.sha256()
    for f in sorted((REPO / "src" / "dualdx").rglob("*")):
        if f.is_file() and f.suffix in (".py", ".json", ".j2", ".html", ".css"):
            h.update(str(f.relative_to(REPO)).encode())
            h.update(f.read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def case_key(case: Case) -> str:
    return hashlib.sha256(json.dumps(
        [case.kind, case.name, case.fold, case.sex, case.observed, case.excluded,
         [(p.id, p.gene, p.disease) for p in case.patients]]).encode()).hexdigest()[:20]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    shared = Path(os.environ.get("DUALDX_SHARED") or REPO.parent / "shared")
    ap.add_argument("--data", default=str(shared / "data" / "phenopackets"),
                    help="default: ../shared/data/phenopackets ($DUALDX_SHARED/data/...)")
    ap.add_argument("--folds", type=int, default=FOLDS, help="folds, by publication")
    ap.add_argument("--pairs", type=int, default=120, help="two-patient pairs per fold")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(),
                                                      "dualdx_benchmarks", "phenopackets"))
    ap.add_argument("--cache-dir", default=None,
                    help="where the HPO store is built (default: WORKDIR/cache)")
    ap.add_argument("--limit", type=int, default=0,
                    help="at most this many singles per fold (0: all)")
    ap.add_argument("--fold", type=int, action="append",
                    help="run only this fold (repeatable; default: all)")
    ap.add_argument("--kinds", default="single,dual,control",
                    help="which cases to run (comma-separated: single, dual, control)")
    ap.add_argument("--no-cache", action="store_true",
                    help="recompute every case (default: reuse the results of cases computed "
                         "with the same source, see source_fingerprint)")
    ap.add_argument("--failures", type=int, default=12, help="failures listed per cause")
    args = ap.parse_args()
    t_start = time.perf_counter()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    root = Path(args.data)
    if not root.is_dir():
        sys.exit(f"{root}: no phenopackets folder (see ../shared/data/MANIFEST.md)")
    patients, skipped = load_patients(root)
    cache_dir = Path(args.cache_dir) if args.cache_dir else work / "cache"
    store, _ = open_store(cache_dir)
    not_in_release = 0
    for p in list(patients):
        d = store.disease(p.disease)
        if d is None or p.disease not in store.gene_diseases(p.gene):
            skipped[f"published disease not linked to the gene in HPO {store.release}"] += 1
            not_in_release += 1
            patients.remove(p)
    print(f"phenopackets: {len(patients)} usable patients of "
          f"{len({p.gene for p in patients})} genes; left out: "
          + "; ".join(f"{n} {why}" for why, n in sorted(skipped.items())))
    gaps = {p.id for p in patients
            if not match_disease(store, p.disease, [PatientTerm(t) for t in p.observed]).explained}
    gap_of = collections.Counter(f"{p.gene} {p.disease}" for p in patients if p.id in gaps)
    print(f"annotation gaps: {len(gaps)} patients whose published disease explains none of "
          f"their observed terms in HPO {store.release} ("
          + ", ".join(f"{k}: {n}" for k, n in sorted(gap_of.items())) + ")")
    fold_of = assign_folds(patients, args.folds)
    folds = sorted(set(args.fold or range(args.folds)))
    members = {f: [p for p in patients if fold_of[p.id] == f] for f in range(args.folds)}
    genes = {f: sorted({p.gene for p in members[f]}) for f in members}
    for f in range(args.folds):
        print(f"fold {f}: {len(members[f])} patients, {len({p.pmid for p in members[f]})} "
              f"publications, {len(genes[f])} genes ({', '.join(genes[f])})")

    t0 = time.perf_counter()
    all_terms = sorted({t for p in patients for t in p.observed + p.excluded})
    resolved, unknown = patient_term_ids(store, all_terms)
    bg = background_counts(store, resolved, store.omim_by_term(), omim_diseases(store),
                           IC_THRESHOLD)
    (work / "background.json").write_text(json.dumps(bg), encoding="utf-8")
    print(f"background rates for {len(resolved)} terms in {time.perf_counter() - t0:.1f} s "
          f"({len(unknown)} unknown term IDs)")
    write_clinvar(patients, work / "clinvar_published.vcf")
    write_panel(patients, work / "panel.tsv")

    kinds = set(args.kinds.split(","))
    cases = [c for f in folds for c in cases_of(members[f], f, args, gaps) if c.kind in kinds]
    ks = collections.Counter(c.kind for c in cases)
    print(f"cases: {ks['single']} singles, {ks['dual']} two-patient duals, "
          f"{ks['control']} one-phenotype controls; {args.workers} worker(s)")

    fingerprint = source_fingerprint()
    cache_file = work / f"case_results_{fingerprint}.json"
    cached: dict[str, dict[str, Any]] = {}
    if cache_file.exists() and not args.no_cache:
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
    todo = [c for c in cases if case_key(c) not in cached]
    print(f"source fingerprint {fingerprint}: {len(cases) - len(todo)} case results reused, "
          f"{len(todo)} to compute")
    t0 = time.perf_counter()
    init = (str(cache_dir), str(work / "background.json"),
            str(work / "clinvar_published.vcf"), str(work / "panel.tsv"))
    if args.workers > 1 and todo:
        with multiprocessing.get_context("fork").Pool(args.workers, _init, init) as pool:
            fresh = pool.map(run_case, todo, chunksize=8)
    else:
        _init(*init)
        fresh = [run_case(c) for c in todo]
    t_cases = time.perf_counter() - t0
    cached.update({case_key(c): r for c, r in zip(todo, fresh, strict=True)})
    if fresh:
        cache_file.write_text(json.dumps(cached), encoding="utf-8")
    results = [cached[case_key(c)] for c in cases]

    causes = {"single": single_cause, "dual": dual_cause, "control": control_cause}
    for res in results:
        res["cause"] = causes[res["kind"]](res)
    summary: dict[str, Any] = {"seed": args.seed, "folds": args.folds,
                               "pairs_per_fold": args.pairs, "limit": args.limit,
                               "hpo_release": store.release, "source": fingerprint,
                               **report(results, folds, args, genes, not_in_release)}
    (work / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    (work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    load = os.getloadavg()
    per = f"{1000 * t_cases / len(todo) * args.workers:.0f} ms per case per worker" if todo \
        else "all cached"
    print(f"\nrun time {time.perf_counter() - t_start:.0f} s ({t_cases:.0f} s for "
          f"{len(todo)} computed cases, {per}); load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f}; results in {work}")


if __name__ == "__main__":
    main()
