"""Stage ``classify_variants``: ACMG/AMP criteria with evidence, combined by a named rule set.

Reads ``annotations.json``, ``inheritance.json``, ``knowledge.json`` and the panel TSV, writes
``classification.json`` (docs/ARCHITECTURE.md). The criteria are pure functions in
``dualdx.interpretation.acmg.criteria``; the combining rule sets in ``dualdx.interpretation.acmg.combine``.

PM3 needs the class of the other allele, so classification runs in two passes: first every
variant without PM3; then PM3 from each partner's ClinVar assertion (P/LP, ≥1 star) or the
partner's computed class from the first pass (without PM3, so a pair of variants cannot lift
each other in a loop). A partner that is a copy-number variant (an SNV in trans with a deletion)
counts with its ClinGen/ACMG CNV class (``cnv_classification.json``, which no SNV class feeds)
and the ClinVar record matched to it (``structural.json``): :func:`cnv_partners`.

ClinVar's assertion for the variant itself is never a criterion; it is compared with the computed
class in ``clinvar_disagreement``.
"""

from __future__ import annotations

import csv
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dualdx.core.contracts import read_stage_file, write_stage_file
from dualdx.core.errors import InputError
from dualdx.core.model import ClinVarAssertion, PopulationFrequency, TranscriptConsequence
from dualdx.core.stage_files import (
    AnnotatedVariant,
    CnvClassification,
    Inheritance,
    Knowledge,
    Structural,
)
from dualdx.inputs.panel import PanelGene, load_panel
from dualdx.inputs.phenotypes import PhenotypeTerm
from dualdx.interpretation.acmg.combine import (
    BENIGN,
    LIKELY_BENIGN,
    LIKELY_PATHOGENIC,
    PATHOGENIC,
    RULESETS,
    UNCERTAIN,
    combine,
)
from dualdx.interpretation.acmg.criteria import (
    DEFAULT_BS2_NHOMALT,
    ClinVarNeighbour,
    Criterion,
    GeneSettings,
    InheritanceCall,
    NotEvaluated,
    PartnerEvidence,
    VariantEvidence,
    evaluate,
    pm3,
    sort_criteria,
)
from dualdx.interpretation.penetrance import Course
from dualdx.interpretation.segregation import Segregation
from dualdx.knowledge.clinvar_assertion import level as clinvar_level

__all__ = [
    "RULESETS",
    "ClassifiedVariant",
    "classify_all",
    "clinvar_disagreement",
    "combine",
    "gene_settings",
    "run_classify_variants",
]

SCORE_NAMES = ("revel", "spliceai", "cadd")

# ordinal scale for the ClinVar comparison (ClinVar's side: dualdx.knowledge.clinvar_assertion.level)
_CLASS_LEVEL = {PATHOGENIC: 2.0, LIKELY_PATHOGENIC: 1.0, UNCERTAIN: 0.0, LIKELY_BENIGN: -1.0,
                BENIGN: -2.0}


def clinvar_disagreement(acmg_class: str, clinvar: ClinVarAssertion | None) -> bool:
    """True when the computed class and ClinVar point in opposite directions, or differ by more
    than one step (P vs VUS, LP vs LB, P/LP vs VUS). No ClinVar, or a conflicting one: False."""
    if clinvar is None:
        return False
    theirs = clinvar_level(clinvar.significance)
    if theirs is None:
        return False
    ours = _CLASS_LEVEL[acmg_class]
    return ours * theirs < 0 or abs(ours - theirs) > 1.0


# --------------------------------------------------------------------------------------------
# reading the stage inputs




def _optional_int(raw: str | None, default: int, path: str, line: int, col: str) -> int:
    if raw is None or raw.strip() == "":
        return default
    try:
        v = int(raw)
    except ValueError:
        raise InputError(path, f"column {col!r} is {raw!r}, not a whole number",
                         "write a count such as 2, or leave it empty for the default",
                         where=f"line {line}") from None
    if v < 1:
        raise InputError(path, f"column {col!r} is {v}", "write a count of at least 1",
                         where=f"line {line}")
    return v


def gene_settings(panel_path: str) -> dict[str, GeneSettings]:
    """Per-gene ACMG settings: panel columns ``lof_mechanism``, ``ba1_af``, ``bs1_af``,
    ``pm2_af`` (via ``dualdx.inputs.panel``) and the optional ``bs2_nhomalt`` (default 2)."""
    panel = load_panel(panel_path)
    lines = [(i, ln) for i, ln in enumerate(
        Path(panel_path).read_text(encoding="utf-8").splitlines(), 1)
        if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader([ln for _, ln in lines], delimiter="\t")
    extra = {(row.get("symbol") or "").strip(): _optional_int(
        row.get("bs2_nhomalt"), DEFAULT_BS2_NHOMALT, panel_path, lineno, "bs2_nhomalt")
        for (lineno, _), row in zip(lines[1:], reader, strict=True)}

    def settings(g: PanelGene) -> GeneSettings:
        return GeneSettings(symbol=g.symbol, lof_mechanism=g.lof_mechanism, ba1_af=g.ba1_af,
                            bs1_af=g.bs1_af, pm2_af=g.pm2_af,
                            bs2_nhomalt=extra.get(g.symbol, DEFAULT_BS2_NHOMALT))

    return {g.symbol: settings(g) for g in panel.genes}


def configured_scores(scores: Mapping[str, str] | None) -> dict[str, str] | None:
    """Score names configured for this run -> source. ``{"path": table}`` reads the table's
    header; ``{"revel": "REVEL v1.3", ...}`` names them directly; None: no score source."""
    if not scores:
        return None
    out = {k: v for k, v in scores.items() if k in SCORE_NAMES}
    path = scores.get("path")
    if path:
        p = Path(path)
        try:
            with p.open(encoding="utf-8") as fh:
                header = next((ln for ln in fh if not ln.startswith("##")), "")
        except OSError as e:
            raise InputError(p, f"score table not readable ({e})",
                             "set annotation.scores to an existing TSV") from None
        cols = [c.strip().lstrip("#").lower() for c in header.rstrip("\n").split("\t")]
        out.update({c: str(p.name) for c in cols if c in SCORE_NAMES})
    return out or None


def _neighbours(items: Sequence[Mapping[str, Any]]) -> tuple[ClinVarNeighbour, ...]:
    """``clinvar_same_residue`` / ``clinvar_same_aa_change`` of an annotations.json variant."""
    return tuple(ClinVarNeighbour(variation_id=it["variation_id"], hgvs_p=it["hgvs_p"],
                                  significance=it["significance"], stars=it["stars"],
                                  key=it["key"]) for it in items)


def _calls_by_variant(inh: Inheritance) -> dict[str, list[InheritanceCall]]:
    proband = inh["proband"]
    affected = inh["affected_by_disease"]
    ancestors = set(inh["proband_ancestors"])
    out: dict[str, list[InheritanceCall]] = {}
    for c in inh["calls"]:
        call = InheritanceCall(
            disease_id=c["disease_id"], disease_mode=c["disease_mode"], label=c["label"],
            origin=c["origin"], partner=c["partner"], qualifies=bool(c["qualifies"]),
            segregation=Segregation.from_dict(c["segregation"]),
            proband_affected=proband in affected.get(c["disease_id"], []),
            # dualdx.interpretation.inheritance reports origin "de_novo" only when both parents
            # are typed
            parents_genotyped=True if c["origin"] == "de_novo" else None,
            unaffected_ancestor_carriers=tuple(sorted(
                s for s in c["relatives"]["unaffected_carriers"] if s in ancestors)))
        out.setdefault(c["variant"], []).append(call)
    return out


def _disease_modes(knowledge: Knowledge, gene: str) -> tuple[str, ...]:
    diseases = knowledge["diseases"]
    modes: list[str] = []
    for d in knowledge["genes"].get(gene, []):
        for m in diseases[d]["modes"] if d in diseases else []:
            if m not in modes:
                modes.append(m)
    return tuple(modes)


def _transcript_facts(models: Mapping[str, Any] | None, gene: str,
                      tc: TranscriptConsequence | None) -> tuple[int | None, int | None]:
    """(protein length in aa, length of the exon a canonical splice variant would skip)."""
    if models is None or gene not in models:
        return None, None
    tx = models[gene]
    cds = tx.cds_length
    protein_length = cds // 3 - 1 if cds else None
    skipped: int | None = None
    if tc is not None and tc.intron:
        terms = set(tc.consequence.split("&"))
        try:
            i = int(tc.intron.split("/")[0])
        except ValueError:
            i = 0
        exon = i if "splice_donor_variant" in terms else (
            i + 1 if "splice_acceptor_variant" in terms else 0)
        # first/last exon skipping is not modelled; skipping the penultimate exon may put the new
        # stop codon in the last exon (NMD escape), which needs the sequence: left undetermined
        if 1 < exon < tx.exon_count - 1:
            a, b = tx.exons[exon - 1]
            skipped = b - a + 1
    return protein_length, skipped


def build_evidence(
    v: AnnotatedVariant, where: str, path: str, settings: dict[str, GeneSettings],
    knowledge: Knowledge, calls: list[InheritanceCall],
    scores_cfg: dict[str, str] | None, pp4_specific: Mapping[str, str | None] | None,
    models: Mapping[str, Any] | None,
) -> VariantEvidence:
    """One annotations.json variant (validated by its contract) -> VariantEvidence (partners
    filled later). In-frame indels in repeats are not annotated (``in_repeat`` None: PM4/BP3
    say so); the protein length and a skipped exon's length come from the transcript models."""
    key, gene = v["key"], v["gene"]
    if gene is None or gene not in settings:
        raise InputError(path, f"variant {key} is in gene {gene!r}, which the panel does not list",
                         "annotate with the same panel as classify_variants", where=where)
    tc = TranscriptConsequence.from_dict(v["consequence"]) if v["consequence"] else None
    protein_length, skipped = _transcript_facts(models, gene, tc)
    diseases = knowledge["diseases"]
    return VariantEvidence(
        key=key, gene=gene, consequence=tc, gnomad=PopulationFrequency.from_dict(v["gnomad"]),
        settings=settings[gene], disease_modes=_disease_modes(knowledge, gene),
        disease_courses={d: Course.of(diseases.get(d)) for d in knowledge["genes"].get(gene, [])},
        clinvar_same_residue=_neighbours(v["clinvar_same_residue"]),
        clinvar_same_aa_change=_neighbours(v["clinvar_same_aa_change"]),
        calls=tuple(calls), scores=dict(v["scores"]), configured_scores=scores_cfg,
        phenotype_evaluated=pp4_specific is not None and gene in pp4_specific,
        phenotype_specific=(pp4_specific or {}).get(gene),
        in_repeat=None, protein_length=protein_length, skipped_exon_length=skipped,
    )


# --------------------------------------------------------------------------------------------
# classification


class ClassifiedVariant:
    """Result for one variant: class, points, criteria met, criteria not evaluated."""

    def __init__(self, acmg_class: str, points: int, criteria: list[Criterion],
                 not_evaluated: list[NotEvaluated], disagreement: bool) -> None:
        self.acmg_class = acmg_class
        self.points = points
        self.criteria = criteria
        self.not_evaluated = not_evaluated
        self.clinvar_disagreement = disagreement

    def to_dict(self) -> dict[str, Any]:
        return {"acmg_class": self.acmg_class, "points": self.points,
                "criteria": [c.to_dict() for c in self.criteria],
                "not_evaluated": [n.to_dict() for n in self.not_evaluated],
                "clinvar_disagreement": self.clinvar_disagreement}


def cnv_partners(structural: Structural | None,
                 cnv_classification: CnvClassification | None) -> dict[str, PartnerEvidence]:
    """PM3 partner evidence of every copy-number variant: its ClinGen/ACMG CNV class and the
    ClinVar record matched to it (same direction, reciprocal overlap or the same exons)."""
    classes = cnv_classification["variants"] if cnv_classification else {}
    out: dict[str, PartnerEvidence] = {}
    for ev in structural["events"] if structural else []:
        key = ev["key"]
        cv = ev["clinvar"]  # the matched ClinVar record (ClinVarAssertion + match) or None
        cls = classes[key]["acmg_class"] if key in classes else None
        out[key] = PartnerEvidence(
            key=key, clinvar_significance=cv["significance"] if cv else None,
            clinvar_stars=cv["stars"] if cv else 0,
            computed_class_without_pm3=cls,
            computed_by="by the ClinGen/ACMG CNV points")
    return out


def classify_all(evidence: list[VariantEvidence], clinvar: Mapping[str, ClinVarAssertion | None],
                 ruleset: str, other_partners: Mapping[str, PartnerEvidence] | None = None,
                 ) -> dict[str, ClassifiedVariant]:
    """Two passes: every variant without PM3, then PM3 from the partners (see module doc).

    ``other_partners``: partners that are not small variants of ``evidence`` (copy-number
    variants, :func:`cnv_partners`), by key."""
    if ruleset not in RULESETS:
        raise ValueError(f"unknown rule set {ruleset!r}")
    first: dict[str, tuple[list[Criterion], list[NotEvaluated], str]] = {}
    for ev in evidence:
        met, ne = evaluate(ev, with_pm3=False)
        first[ev.key] = (met, ne, combine(met, ruleset)[0])
    out: dict[str, ClassifiedVariant] = {}
    for ev in evidence:
        met, ne, _ = first[ev.key]
        wanted = {c.partner for c in ev.calls if c.partner}
        partners = []
        for k in sorted(wanted):
            if other_partners and k in other_partners and k not in first:
                partners.append(other_partners[k])
                continue
            cv = clinvar.get(k)
            partners.append(PartnerEvidence(
                key=k, clinvar_significance=cv.significance if cv else None,
                clinvar_stars=cv.stars if cv else 0,
                computed_class_without_pm3=first[k][2] if k in first else None))
        ev2 = dataclasses.replace(ev, partners=tuple(partners))
        res = pm3(ev2)
        criteria = list(met)
        not_eval = list(ne)
        if isinstance(res, Criterion):
            criteria = sort_criteria([*criteria, res])
        elif isinstance(res, NotEvaluated):
            not_eval.append(res)
        cls, pts = combine(criteria, ruleset)
        out[ev.key] = ClassifiedVariant(cls, pts, criteria, not_eval,
                                        clinvar_disagreement(cls, clinvar.get(ev.key)))
    return out


def run_classify_variants(annotations_json: str, inheritance_json: str, knowledge_json: str,
                          panel_path: str, ruleset: str, scores: dict[str, str] | None,
                          out_json: str, log: logging.Logger,
                          pp4_specific: Mapping[str, str | None] | None = None,
                          transcripts_path: str | None = None,
                          phenotypes: Mapping[str, Sequence[PhenotypeTerm]] | None = None,
                          structural_json: str | None = None,
                          cnv_classification_json: str | None = None) -> None:
    """Write ``classification.json`` (docs/ARCHITECTURE.md).

    ``scores``: the configured in-silico score source(s) (``{"path": table}``) or None.
    ``pp4_specific``: gene -> evidence sentence when the phenotype is highly specific for the
    gene, None when it is not; genes absent (or the whole argument None): PP4 not evaluated.
    ``transcripts_path``: MANE transcript models (``dualdx.knowledge.transcripts``), used by PVS1 for the
    protein length and the length of a skipped exon; without it those PVS1 branches take the
    lowest strength the decision tree allows.
    ``phenotypes``: every person's HPO terms; when given (and ``pp4_specific`` is not), PP4 comes
    from :func:`dualdx.interpretation.phenotype_match.phenotype_specificity` for the proband of
    ``inheritance.json``.
    ``structural_json``, ``cnv_classification_json``: the CNV stages' outputs; a copy-number
    partner then counts for PM3 (:func:`cnv_partners`).
    """
    if ruleset not in RULESETS:
        raise InputError(None, f"ACMG rule set {ruleset!r} is unknown",
                         f"set 'ruleset' to one of {', '.join(RULESETS)}")
    ann = read_stage_file("annotations", annotations_json)
    inh = read_stage_file("inheritance", inheritance_json)
    knowledge = read_stage_file("knowledge", knowledge_json)
    settings = gene_settings(panel_path)
    scores_cfg = configured_scores(scores)
    models = None
    if transcripts_path:
        from dualdx.knowledge.transcripts import load_transcript_models

        models = load_transcript_models(transcripts_path, ann["genome_build"])
    calls = _calls_by_variant(inh)
    if pp4_specific is None and phenotypes is not None:
        from dualdx.interpretation.phenotype_match import PatientTerm, phenotype_specificity

        proband_terms = [PatientTerm(t.id, t.excluded) for t in phenotypes.get(inh["proband"], [])]
        pp4_specific = phenotype_specificity(knowledge, proband_terms)
    evidence: list[VariantEvidence] = []
    clinvar: dict[str, ClinVarAssertion | None] = {}
    for i, v in enumerate(ann["variants"]):
        ev = build_evidence(v, f"variants[{i}]", annotations_json, settings, knowledge,
                            calls.get(v["key"], []), scores_cfg, pp4_specific, models)
        evidence.append(ev)
        clinvar[ev.key] = ClinVarAssertion.from_dict(v["clinvar"]) if v["clinvar"] else None
    cnv = cnv_partners(
        read_stage_file("structural", structural_json) if structural_json else None,
        read_stage_file("cnv_classification", cnv_classification_json)
        if cnv_classification_json else None)
    result = classify_all(evidence, clinvar, ruleset, cnv)
    for key, r in result.items():
        log.info("%s: %s (%d points; %s)", key, r.acmg_class, r.points,
                 ", ".join(c.label for c in r.criteria) or "no criteria met")
    doc = {"ruleset": ruleset, "ruleset_version": RULESETS[ruleset],
           "caveats": [],  # none of its own today; the contract key every stage file carries
           "variants": {k: r.to_dict() for k, r in result.items()}}
    write_stage_file("classification", out_json, doc, sort_keys=False, ensure_ascii=False)
