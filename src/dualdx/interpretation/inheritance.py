"""Stage ``assign_inheritance``: per variant, disease and mode of inheritance, the label of the
proband's genotype, its fit, its parental origin, its compound-heterozygous partner and phase,
and its segregation in the family; writes ``inheritance.tsv`` and ``inheritance.json``.

The rules live in their own modules; this module only puts them together:

* call quality and the thresholds: :mod:`dualdx.interpretation.quality`;
* ploidy, PARs, sex, copies of an ALT, zygosity words: :mod:`dualdx.interpretation.zygosity`;
* de novo, origin, Mendelian checks: :mod:`dualdx.interpretation.transmission`;
* compound-heterozygous phase: :mod:`dualdx.interpretation.phasing`;
* the modes of inheritance (labels, fit, who is genotype-positive, meioses):
  :mod:`dualdx.interpretation.modes`;
* which variants can cause disease: :mod:`dualdx.interpretation.candidacy`;
* affected *for which disease*: :mod:`dualdx.interpretation.affection`;
* segregation counts: :mod:`dualdx.interpretation.segregation`;
* copy number (CNVs as variants, small-variant calls inside a deletion):
  :mod:`dualdx.interpretation.copy_number`.

Everything that changes what a reader should believe (Mendelian inconsistencies, sex-check
findings, a PED sex that is unknown with calls on X, phase conflicts, calls that were not trusted,
VCF samples not in the pedigree) is a :class:`dualdx.core.caveats.Caveat` in ``caveats``.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

from dualdx.core import atomic
from dualdx.core.caveats import Caveat, unique
from dualdx.core.contracts import read_stage_file, write_stage_file
from dualdx.core.errors import InputError
from dualdx.core.model import Call, VariantRecord, chrom_rank
from dualdx.inputs.pedigree import Pedigree, check_sex_from_genotypes, load_ped
from dualdx.interpretation import copy_number, modes  # copy_number: cnv hook
from dualdx.interpretation.affection import AffectionCall, family_affection, statuses
from dualdx.interpretation.candidacy import assess_variant
from dualdx.interpretation.modes import ModeCall, mode_call
from dualdx.interpretation.phasing import PairPhase, best_partner, compound_het_pairs
from dualdx.interpretation.quality import CallCheck, TrustThresholds, apply_trust, problem_caveats
from dualdx.interpretation.segregation import segregation
from dualdx.interpretation.transmission import ORIGIN_TEXT, Origin, mendelian_caveats, origin
from dualdx.interpretation.zygosity import (
    describe,
    is_x_nonpar,
    person_carries,
    person_ploidy,
    with_sex,
)

STAGE = "assign_inheritance"
TSV_COLUMNS = (
    "variant", "gene", "disease_id", "disease_mode", "label", "origin", "partner", "qualifies",
    "affected_carriers", "affected_noncarriers", "unaffected_carriers", "unaffected_noncarriers",
    "informative_meioses", "explanation",
)


def position_key(rec: VariantRecord) -> tuple[int, str, int, str, str]:
    """Natural genome order (:func:`dualdx.core.model.chrom_rank`), then position and alleles."""
    rank, name = chrom_rank(rec.chrom)
    return (rank, name, rec.pos, rec.ref, rec.alt)


def _sort_key(row: Mapping[str, Any], order: Mapping[str, int]) -> tuple[Any, ...]:
    return (order[row["variant"]], row["disease_id"], row["disease_mode"])


def call_any_sex(mode: str, rec: VariantRecord, proband: str, ped: Pedigree,
                 partner: tuple[str, PairPhase] | None, name: str, gene: str,
                 build: str) -> ModeCall:
    """:func:`dualdx.interpretation.modes.mode_call`, and for an X-linked mode on X outside the
    PARs in a proband whose PED sex is unknown, the call under both sexes: the same answer is
    given with a note, different answers are withheld (``qualifies`` None) with both in words."""
    m = modes.get(mode)
    if not (m.x_linked and is_x_nonpar(rec, build) and proband in ped.people
            and ped.people[proband].sex == "unknown" and person_carries(rec, proband)):
        return mode_call(mode, rec, proband, ped, partner, name, gene, build)
    as_m = mode_call(mode, rec, proband, with_sex(ped, proband, "male"), partner, name, gene,
                     build)
    as_f = mode_call(mode, rec, proband, with_sex(ped, proband, "female"), partner, name, gene,
                     build)
    if (as_m.label, as_m.qualifies) == (as_f.label, as_f.qualifies):
        return replace(as_f, note=f"{as_f.note} (PED sex unknown: the same for a male or a "
                                  "female)")
    return ModeCall(as_f.label, None, as_f.partner,
                    f"PED sex unknown: as a male, {as_m.note}; as a female, {as_f.note}; the "
                    f"{m.text} fit is not assessed until the sex is known")


def _sex_caveats(recs: Sequence[VariantRecord], ped: Pedigree, build: str) -> list[Caveat]:
    out: list[Caveat] = []
    x_recs = [r for r in recs if is_x_nonpar(r, build)]
    x_calls: dict[str, list[Call]] = defaultdict(list)
    for r in x_recs:
        for s, c in r.calls.items():
            x_calls[s].append(c)
    for w in check_sex_from_genotypes(ped, x_calls):
        out.append(Caveat("sex_check", w, "caution", STAGE,
                          samples=tuple(s for s in sorted(ped.people) if f" {s} " in w)))
    for sid, person in sorted(ped.people.items()):
        called = [r.key for r in x_recs
                  if any(a is not None for a in (r.calls.get(sid) or Call(())).alleles)]
        if person.sex == "unknown" and called:
            out.append(Caveat(
                "sex_unknown_x_calls",
                f"the PED sex of {sid} is unknown and {sid} has {len(called)} call(s) on X "
                "outside the pseudo-autosomal regions: X-linked interpretations are given for "
                "both sexes where they agree and withheld where they differ, never assumed "
                "female. Fix: set the sex in the PED (5th column)",
                "caution", STAGE, variants=tuple(called), samples=(sid,)))
    return out


def _explanation(mc: ModeCall, rec: VariantRecord, proband: str, ped: Pedigree, build: str,
                 org: Origin | None, checks: Mapping[str, CallCheck],
                 affection: Mapping[str, AffectionCall], positive: Any) -> str:
    if mc.label is None:
        return mc.note[0].upper() + mc.note[1:] + "."
    zyg = describe(rec.calls.get(proband), person_ploidy(rec, ped, proband, build))
    text = f"{zyg[0].upper()}{zyg[1:]}, {ORIGIN_TEXT[org or 'unknown']}; {mc.note}"
    pb_check = checks.get(proband)
    if pb_check is not None and "het_in_haploid_region" in pb_check.codes:
        text += ("; the proband's call is heterozygous on X in a male: a QC problem, not a "
                 "hemizygote")
    if mc.qualifies:
        others = [s for s in sorted(ped.people) if s != proband and positive(s) is True]
        unaff = [s for s in others if affection[s].status == "unaffected"]
        unknown = [s for s in others if affection[s].status == "unknown"]
        if unaff:
            text += f"; also present in unaffected {', '.join(unaff)}"
        if unknown:
            text += (f"; also present in {', '.join(unknown)}, whose affection for this disease "
                     "is unknown")
    return text + "."


def assign_inheritance(
    variants: Sequence[tuple[VariantRecord, str | None]],
    ped: Pedigree,
    proband: str,
    knowledge: Mapping[str, Any],
    phenotypes: Mapping[str, Sequence[str]],
    thresholds: TrustThresholds,
    build: str,
    pairable: Collection[str] | None = None,
) -> dict[str, Any]:
    """The inheritance.json document for ``(record, gene)`` pairs (calls as written).

    ``pairable``: keys of the variants that can cause disease
    (:func:`dualdx.interpretation.candidacy.assess_variant`; ``None``: all). Only they may form
    compound-heterozygous pairs and make a disease a candidate diagnosis of the family; a variant
    outside it still gets its single-variant label (``carrier``, ``dominant``, ...).
    """
    caveats: list[Caveat] = []
    genes_map: Mapping[str, Sequence[str]] = knowledge.get("genes") or {}
    diseases: Mapping[str, Mapping[str, Any]] = knowledge.get("diseases") or {}
    terms_db: Mapping[str, Mapping[str, Any]] = knowledge.get("terms") or {}

    def ploidy_of(rec: VariantRecord, sid: str) -> int | None:
        return person_ploidy(rec, ped, sid, build)

    recs: list[tuple[VariantRecord, str | None, dict[str, CallCheck]]] = []
    for rec, gene in variants:
        t, checks = apply_trust(rec, thresholds, ploidy_of)
        recs.append((t, gene, {s: ch for s, ch in checks.items() if s in ped.people}))
    caveats += problem_caveats(((r.key, ch) for r, _, ch in recs), thresholds)

    # phenotypes of people outside this family are ignored (cohort runs pass every family's)
    for sid, terms in sorted(phenotypes.items()):
        missing = sorted({x for x in terms if x not in terms_db})
        if missing and sid in ped.people:
            caveats.append(Caveat("hpo_terms_not_in_knowledge",
                                  f"HPO terms of {sid} not in knowledge.json (matched exactly "
                                  f"only): {', '.join(missing)}", "note", STAGE, samples=(sid,)))
    for rec, _, _ in recs:
        caveats += mendelian_caveats(rec, ped, build, STAGE)
    caveats += _sex_caveats([r for r, _, _ in recs], ped, build)

    by_gene: dict[str, list[VariantRecord]] = defaultdict(list)
    for rec, gene, _ in recs:
        if gene and (pairable is None or rec.key in pairable):
            by_gene[gene].append(rec)
    partners: dict[str, list[tuple[str, PairPhase]]] = defaultdict(list)
    for gene, gene_recs in sorted(by_gene.items()):
        for ka, kb, pp in compound_het_pairs(gene_recs, proband, ped, build):
            partners[ka].append((kb, pp))
            partners[kb].append((ka, pp))
            if pp.conflict:
                caveats.append(Caveat("phase_conflict", f"phase of {ka} and {kb} in {proband}: "
                                      f"{pp.basis}; taken as unknown", "caution", STAGE,
                                      variants=(ka, kb), samples=(proband,), genes=(gene,)))
    rec_by_key = {r.key: r for r, _, _ in recs}

    # 1. label and fit of every (variant, disease, mode)
    no_disease: set[str] = set()
    proto: list[tuple[VariantRecord, str, str, str, ModeCall, dict[str, CallCheck]]] = []
    candidates: dict[str, set[str]] = defaultdict(set)
    for rec, gene, checks in sorted(recs, key=lambda x: position_key(x[0])):
        if not gene or not genes_map.get(gene):
            if gene:
                no_disease.add(gene)
            continue
        best = best_partner(partners.get(rec.key, []))
        for did in genes_map[gene]:
            dis = diseases.get(did)
            if dis is None:
                caveats.append(Caveat("disease_not_in_knowledge",
                                      f"knowledge.json links {gene} to {did}, which has no entry "
                                      "in 'diseases': not assessed", "note", STAGE,
                                      genes=(gene,)))
                continue
            name = f"{dis.get('name') or did} ({did})"
            mode_names = [m for m in (dis.get("modes") or []) if isinstance(m, str)] or ["unknown"]
            for mode in sorted(set(mode_names)):
                mc = call_any_sex(mode, rec, proband, ped, best, name, gene, build)
                proto.append((rec, gene, did, mode, mc, checks))
                if mc.qualifies and modes.get(mode).known and \
                        (pairable is None or rec.key in pairable):
                    candidates[did].add(gene)

    # 2. affection for each disease, then segregation and the rows
    disease_ids = sorted({d for g in genes_map.values() for d in g if d in diseases})
    affection = family_affection(ped, phenotypes, knowledge, disease_ids, candidates)
    rows: list[dict[str, Any]] = []
    order: dict[str, int] = {}
    for rec, gene, did, mode, mc, checks in proto:
        order.setdefault(rec.key, len(order))
        org: Origin | None = origin(rec, proband, ped, build) \
            if person_carries(rec, proband) else None
        partner_rec = rec_by_key.get(mc.partner) if mc.partner else None
        pos = modes.get(mode).positive(rec, partner_rec, ped, build)
        aff = statuses(affection, did)
        seg, members = segregation(mode, proband, ped, aff, pos, rec, build)
        best = best_partner(partners.get(rec.key, []))
        rows.append({
            "variant": rec.key,
            "gene": gene,
            "disease_id": did,
            "disease_name": diseases[did].get("name"),
            "disease_mode": mode,
            "label": mc.label,
            "origin": org,
            "partner": mc.partner,
            "partners": sorted(k for k, pp in partners.get(rec.key, [])
                               if best is not None and pp.phase == best[1].phase
                               and mc.partner is not None),
            "partner_phases": [{"variant": k, "phase": pp.phase, "basis": pp.basis}
                               for k, pp in sorted(partners.get(rec.key, []),
                                                   key=lambda kp: kp[0])],
            "qualifies": mc.qualifies,
            "explanation": _explanation(mc, rec, proband, ped, build, org, checks,
                                        {s: affection[s][did] for s in ped.people}, pos),
            "segregation": seg.to_dict(),
            "relatives": members.to_dict(),
            "zygosity": describe(rec.calls.get(proband), person_ploidy(rec, ped, proband, build)),
            "genotypes": {s: c.gt for s, c in sorted(rec.calls.items())},
            "untrusted": sorted(s for s, ch in checks.items() if ch.changed),
            "call_problems": {s: list(ch.codes) for s, ch in sorted(checks.items())
                              if ch.codes and ch.codes != ("missing_gt",)},
        })
    for g in sorted(no_disease):
        caveats.append(Caveat("gene_without_disease", f"gene {g} has no disease in "
                              "knowledge.json: inheritance not assessed", "note", STAGE,
                              genes=(g,)))
    rows.sort(key=lambda r: _sort_key(r, order))
    return {
        "family": ped.family_id,
        "proband": proband,
        "genome_build": build,
        "thresholds": thresholds.to_dict(),
        "caveats": [c.to_dict() for c in unique(caveats)],
        "candidate_diseases": sorted(candidates),
        "proband_ancestors": sorted(ped.ancestors(proband)) if proband in ped.people else [],
        "affection": {sid: {d: a.to_dict() for d, a in sorted(row.items())}
                      for sid, row in sorted(affection.items())},
        "affected_by_disease": {
            d: sorted(s for s, row in affection.items() if row[d].status == "affected")
            for d in disease_ids
        },
        "calls": rows,
    }


def to_tsv(doc: Mapping[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n")
    w.writerow(TSV_COLUMNS)
    for r in doc["calls"]:
        seg = r["segregation"]

        def cell(v: Any) -> str:
            if v is None:
                return ""
            if isinstance(v, bool):
                return "true" if v else "false"
            return str(v)

        w.writerow([cell(r["variant"]), cell(r["gene"]), cell(r["disease_id"]),
                    cell(r["disease_mode"]), cell(r["label"]), cell(r["origin"]),
                    cell(r["partner"]), cell(r["qualifies"]),
                    cell(seg["affected_carriers"]), cell(seg["affected_noncarriers"]),
                    cell(seg["unaffected_carriers"]), cell(seg["unaffected_noncarriers"]),
                    cell(seg["informative_meioses"]), cell(r["explanation"])])
    return buf.getvalue()


def run_assign_inheritance(
    annotations_json: str,
    ped_path: str,
    family: str,
    proband: str | None,
    knowledge_json: str,
    phenotypes: dict[str, list[str]],
    thresholds: TrustThresholds,
    out_tsv: str,
    out_json: str,
    log: logging.Logger,
    structural_json: str | None = None,
) -> None:
    """Stage ``assign_inheritance``: read annotations, PED and knowledge; write TSV and JSON.

    ``structural_json``: the family's copy-number events (``structural.json``); they join the
    variants, and small-variant calls inside deletions are read with the copy number
    (:mod:`dualdx.interpretation.copy_number`).

    Comp-het pairs: pairs of heterozygous variants of one gene, among the variants that can
    cause disease (:func:`dualdx.interpretation.candidacy.assess_variant`: a protein- or
    canonical-splice-altering consequence, a splice-region change with splice evidence, or a
    ClinVar Pathogenic/Likely pathogenic assertion). A deep intronic or UTR background variant
    never becomes a "second hit" (classification runs later; the diagnosis stage also drops pairs
    with a benign partner). Each row's ``partner`` is its best
    partner (trans > unknown phase > cis, then key); ``partners`` lists every partner whose pair
    has that same phase, so the row's label holds for each listed pair; ``partner_phases`` gives
    every partner with its phase and the basis of the phase. The diagnosis stage decides which
    pairs count. A disease with several modes gets one row per mode (key: variant, disease_id,
    disease_mode).
    """
    ann = read_stage_file("annotations", annotations_json)
    knowledge = read_stage_file("knowledge", knowledge_json)
    peds = load_ped(ped_path)
    if family not in peds:
        raise InputError(ped_path, f"family {family!r} not in the PED file "
                         f"(families: {', '.join(sorted(peds))})",
                         "add the family's rows or correct the family ID in the sample sheet")
    ped = peds[family]
    if proband is not None:
        if proband not in ped.people:
            raise InputError(ped_path, f"proband {proband!r} is not in family {family}",
                             "correct the proband in the sample sheet or add their PED row")
        ped.proband_id = proband
    samples = ann["samples"]
    pb = ped.proband(typed=samples or None)
    build = ann["genome_build"]  # GRCh37 or GRCh38 (the annotations contract)
    variants: list[tuple[VariantRecord, str | None]] = []
    pairable: set[str] = set()
    for v in ann["variants"]:
        if assess_variant(v).candidate:
            pairable.add(v["key"])
        variants.append((VariantRecord.from_dict(v), v["gene"]))
    if samples and pb not in samples:
        raise InputError(ped_path, f"proband {pb} has no genotypes in the VCF "
                         f"(samples: {', '.join(samples)})",
                         "name a proband who is a VCF sample, or correct the sample IDs")
    cn = None
    if structural_json:  # cnv hook: CNVs join, SNV calls inside deletions read with copy number
        cn = copy_number.prepare(structural_json, variants, pairable, ped, build)
        variants, pairable = cn.variants, cn.pairable
    doc = assign_inheritance(variants, ped, pb, knowledge, phenotypes, thresholds, build,
                             pairable=pairable)
    if cn is not None:  # cnv hook: explain the copy-number readings in the rows, add caveats
        cn.annotate(doc)
    extra = [s for s in samples if s not in ped.people]
    if extra:
        doc["caveats"] = [c.to_dict() for c in unique([*map(Caveat.from_dict, doc["caveats"]),
            Caveat("vcf_sample_not_in_pedigree",
                   f"VCF sample(s) {', '.join(extra)} are not in family {family} of the PED: their "
                   "genotypes were not used. Fix: add them to the PED, or check the sample IDs "
                   "for a typo", "caution", STAGE, samples=tuple(extra))])]
    for c in doc["caveats"]:
        log.warning(c["message"])
    log.info("inheritance: %d rows for %d variants, proband %s", len(doc["calls"]),
             len(variants), pb)
    write_stage_file("inheritance", out_json, doc, indent=2, sort_keys=False)
    atomic.write_text(out_tsv, to_tsv(doc))


__all__ = ["STAGE", "TSV_COLUMNS", "assign_inheritance", "call_any_sex", "position_key",
           "run_assign_inheritance", "to_tsv"]
