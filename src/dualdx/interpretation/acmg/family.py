"""Criteria from the family and the phenotype: PS2/PM6 (SVI de novo points, in a proband affected
for the disease), PM3 (SVI points), PP1 (informative meioses), BS4 (relatives affected for the
disease without the variant), PP4."""

from __future__ import annotations

from typing import Literal

from dualdx.interpretation.acmg.evidence import (
    CLINVAR_MIN_STARS,
    Criterion,
    NotEvaluated,
    Outcome,
    PartnerEvidence,
    Strength,
    VariantEvidence,
)
from dualdx.knowledge.clinvar_assertion import acmg_tier


def ps2_pm6(ev: VariantEvidence) -> Outcome:
    """De novo in an affected proband: SVI points (confirmed 1, assumed 0.5; doubled when the
    phenotype is highly specific for the gene). 0.5 Supporting, 1 Moderate, 2 Strong."""
    calls = [c for c in ev.calls if c.proband_affected
             and (c.origin == "de_novo" or c.label == "de_novo")]
    if not calls:
        return None
    confirmed = any(c.parents_genotyped is True for c in calls)
    points = 1.0 if confirmed else 0.5
    if ev.phenotype_specific:
        points *= 2
    strength: Strength = ("Strong" if points >= 2 else "Moderate" if points >= 1
                          else "Supporting")
    code = "PS2" if confirmed else "PM6"
    basis = ("both parents genotyped without the variant" if confirmed
             else "de novo assumed (parents not both genotyped, or not stated)")
    pheno = ("phenotype highly specific for the gene" if ev.phenotype_specific
             else "phenotype not shown to be highly specific")
    return Criterion(code, strength, "pathogenic",
                     f"de novo in the affected proband ({basis}; {pheno}): {points:g} SVI "
                     "de novo points.")


_PM3_STRENGTH: tuple[tuple[float, Strength], ...] = (
    (4.0, "Very strong"), (2.0, "Strong"), (1.0, "Moderate"), (0.5, "Supporting"),
)


def _partner_tier(p: PartnerEvidence) -> tuple[Literal["P", "LP"] | None, str]:
    """Class of the other allele: its ClinVar P/LP assertion, or its computed class without PM3.

    A ClinVar assertion with ≥1 star counts as asserted. One without review (0 stars: no assertion
    criteria, typically a literature-based OMIM submission) still documents a reported pathogenic
    allele, so it counts one step lower, as Likely pathogenic (0.5 point in trans), never more.
    """
    cv = acmg_tier(p.clinvar_significance, p.clinvar_stars)
    cv_note = ""
    if cv is not None and p.clinvar_stars < CLINVAR_MIN_STARS:
        cv_note = ", counted as likely pathogenic: no review stars"
    comp: Literal["P", "LP"] | None = {"Pathogenic": "P", "Likely pathogenic": "LP"}.get(
        p.computed_class_without_pm3 or "")  # type: ignore[assignment]
    best = "P" if "P" in (cv, comp) else "LP" if "LP" in (cv, comp) else None
    src = []
    if cv:
        src.append(f"ClinVar {p.clinvar_significance} ({p.clinvar_stars}★{cv_note})")
    if comp:
        src.append(f"computed {p.computed_class_without_pm3} {p.computed_by}")
    return best, " and ".join(src)  # type: ignore[return-value]


def pm3(ev: VariantEvidence) -> Outcome:
    """SVI PM3 v1.0 points for this proband: in trans with P 1.0 / LP 0.5; phase unknown with
    P 0.5 / LP 0.25; homozygous 0.5. 0.5 Supporting, 1 Moderate, 2 Strong, 4 Very strong."""
    calls = [c for c in ev.calls if c.disease_mode == "autosomal_recessive"]
    if not calls:
        return None
    partners = {p.key: p for p in ev.partners}
    best = 0.0
    why = ""
    for c in calls:
        if c.label == "recessive_homozygous" and best < 0.5:
            best, why = 0.5, "homozygous in the proband (0.5 point)"
        elif c.label in ("compound_het_trans", "compound_het_unknown_phase") and c.partner:
            p = partners.get(c.partner)
            if p is None:
                continue
            tier, src = _partner_tier(p)
            if tier is None:
                continue
            trans = c.label == "compound_het_trans"
            pts = {("P", True): 1.0, ("LP", True): 0.5,
                   ("P", False): 0.5, ("LP", False): 0.25}[(tier, trans)]
            if pts > best:
                phase = "in trans" if trans else "phase unknown"
                best, why = pts, f"{phase} with {c.partner} ({src}; {pts:g} point)"
    for thr, strength in _PM3_STRENGTH:
        if best >= thr:
            return Criterion("PM3", strength, "pathogenic", f"recessive disease: {why}.")
    return None


# Jarvik & Browning 2016: chance of cosegregation (1/2)^n; 1/8 Supporting, 1/16 Moderate,
# 1/32 Strong.
_PP1_STRENGTH: tuple[tuple[int, Strength], ...] = ((5, "Strong"), (4, "Moderate"),
                                                   (3, "Supporting"))


def pp1(ev: VariantEvidence) -> Outcome:
    """Cosegregation over the informative meioses the inheritance stage counted, for the calls
    whose inheritance pattern qualifies."""
    best = max((c.segregation.informative_meioses or 0 for c in ev.calls
                if c.segregation is not None and c.qualifies), default=0)
    if best == 0:
        return NotEvaluated("PP1", "no informative meioses for a qualifying inheritance pattern "
                                   "in this family")
    for n, strength in _PP1_STRENGTH:
        if best >= n:
            return Criterion("PP1", strength, "pathogenic",
                             f"cosegregates with disease over {best} informative meioses "
                             f"(chance (1/2)^{best}; Jarvik & Browning 2016).")
    return None


def bs4(ev: VariantEvidence) -> Outcome:
    """Affected relatives without the variant, for every disease of the gene with segregation
    data (phenocopies are not modelled). Diseases whose mode of inheritance is unknown (the
    inheritance stage does not judge them) say nothing about who should carry it. Only diseases
    whose mode the proband's genotype fits (``qualifies``) are counted: otherwise the proband
    herself, who carries the variant, is the affected person without the disease's genotype (a
    heterozygous daughter under an X-linked recessive mode, a carrier under an autosomal
    recessive one), and that is no lack of segregation of the variant."""
    segs = [c.segregation for c in ev.calls
            if c.segregation is not None and c.proband_affected and c.qualifies
            and c.disease_mode not in ("unknown", "mitochondrial", "")]
    informative = [s for s in segs if s is not None
                   and (s.affected_noncarriers > 0 or s.affected_carriers > 1)]
    if not informative:
        return NotEvaluated("BS4", "no genotyped affected relatives besides the proband")
    if all(s.affected_noncarriers > 0 for s in informative):
        n = max(s.affected_noncarriers for s in informative)
        return Criterion("BS4", "Strong", "benign",
                         f"{n} affected relative(s) do not carry the variant (lack of "
                         "segregation).")
    return None


def pp4(ev: VariantEvidence) -> Outcome:
    if not ev.phenotype_evaluated:
        return NotEvaluated("PP4", "phenotype specificity for this gene was not computed")
    if ev.phenotype_specific and not any(
            c.proband_affected and (c.origin == "de_novo" or c.label == "de_novo")
            for c in ev.calls):
        return Criterion("PP4", "Supporting", "pathogenic", ev.phenotype_specific)
    return None  # not specific, or already counted in the de novo points

