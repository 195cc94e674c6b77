"""Criteria from the kind of variant: PVS1 (ClinGen decision tree, Abou Tayoun et al. 2018), PS1
and PM5 (ClinVar alleles at the same residue), PM4, BP3, BP7."""

from __future__ import annotations

import re
from typing import Any, Literal

from dualdx.interpretation.acmg.evidence import (
    CANONICAL_SPLICE,
    CLINVAR_MIN_STARS,
    INFRAME_INDEL,
    MISSENSE,
    NULL_TRUNCATING,
    PVS1_FRACTION_STRONG,
    SPLICE_REGION,
    SPLICEAI_BENIGN,
    START_LOSS,
    STOP_LOST,
    SYNONYMOUS,
    ClinVarNeighbour,
    Criterion,
    NotEvaluated,
    Outcome,
    VariantEvidence,
    consequence_terms,
    no_consequence,
    score,
)
from dualdx.knowledge.clinvar_assertion import acmg_tier


def _fraction_removed(ev: VariantEvidence) -> float | None:
    tc = ev.consequence
    if tc is None or not ev.protein_length:
        return None
    if tc.protein_pos is not None:
        return max(0, ev.protein_length - tc.protein_pos + 1) / ev.protein_length
    if tc.protein_length_change is not None and tc.protein_length_change < 0:
        return -tc.protein_length_change / ev.protein_length
    return None


def pvs1(ev: VariantEvidence) -> Outcome:
    """PVS1 following the ClinGen decision tree (Abou Tayoun et al. 2018) as far as known.

    Where a branch needs a fact that is not known, the lowest strength every remaining branch
    allows is applied and the evidence sentence says which fact was missing.
    """
    tc = ev.consequence
    if tc is None:
        return no_consequence("PVS1")
    terms = consequence_terms(tc)
    is_trunc = bool(terms & NULL_TRUNCATING)
    is_splice = bool(terms & CANONICAL_SPLICE)
    is_start = bool(terms & START_LOSS)
    if not (is_trunc or is_splice or is_start):
        return None
    if not ev.settings.lof_mechanism:
        return None
    gene = ev.gene
    if is_trunc:
        kind = "frameshift" if "frameshift_variant" in terms else "nonsense"
        if tc.nmd_predicted is True:
            return Criterion("PVS1", "Very strong", "pathogenic",
                             f"{kind} variant predicted to undergo NMD in {tc.transcript}; "
                             f"loss of function is a mechanism of disease for {gene}.")
        if tc.nmd_predicted is None and tc.last_exon is not True:
            return Criterion("PVS1", "Moderate", "pathogenic",
                             f"{kind} variant in {gene}; NMD not determined, so the lowest "
                             "strength of the PVS1 tree (Moderate) is applied.")
        frac = _fraction_removed(ev)
        if frac is None:
            return Criterion("PVS1", "Moderate", "pathogenic",
                             f"{kind} variant escaping NMD (last exon or within 50 nt of the last "
                             "junction); fraction of protein removed not determined: Moderate.")
        if frac > PVS1_FRACTION_STRONG:
            return Criterion("PVS1", "Strong", "pathogenic",
                             f"{kind} variant escaping NMD that removes {frac:.0%} of the "
                             f"{ev.protein_length}-aa protein (>10%).")
        return Criterion("PVS1", "Moderate", "pathogenic",
                         f"{kind} variant escaping NMD that removes {frac:.0%} of the protein "
                         "(≤10%).")
    if is_splice:
        site = "donor" if "splice_donor_variant" in terms else "acceptor"
        n = ev.skipped_exon_length
        if n is None:
            return Criterion("PVS1", "Moderate", "pathogenic",
                             f"canonical splice {site} (±1,2) variant in {gene}; length of the "
                             "skipped exon not determined, so frame preservation is unknown: "
                             "lowest strength of the tree (Moderate) applied.")
        if n % 3 != 0:
            return Criterion("PVS1", "Very strong", "pathogenic",
                             f"canonical splice {site} (±1,2) variant; skipping the {n}-nt exon "
                             "shifts the reading frame (NMD expected: neither of the last two "
                             "exons).")
        if ev.protein_length and (n // 3) / ev.protein_length > PVS1_FRACTION_STRONG:
            return Criterion("PVS1", "Strong", "pathogenic",
                             f"canonical splice {site} variant; in-frame skipping of a {n}-nt "
                             f"exon removes more than 10% of the {ev.protein_length}-aa protein.")
        return Criterion("PVS1", "Moderate", "pathogenic",
                         f"canonical splice {site} variant; in-frame skipping of a {n}-nt exon "
                         "(≤10% of the protein, or protein length unknown).")
    return Criterion("PVS1", "Supporting", "pathogenic",
                     f"initiation codon variant in {gene}; pathogenic variants upstream of the "
                     "next in-frame start codon not checked, so PVS1_Supporting (SVI tree).")


def _missense_check(code: str, ev: VariantEvidence) -> NotEvaluated | Literal["ok"] | None:
    tc = ev.consequence
    if tc is None:
        return no_consequence(code)
    if not consequence_terms(tc) & MISSENSE:
        return None
    if not tc.protein_effect_determined or tc.protein_pos is None or not tc.alt_aa:
        return NotEvaluated(code, "protein change of this missense variant not determined")
    return "ok"


def _established(items: tuple[ClinVarNeighbour, ...], own_key: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, ClinVarNeighbour]] = []
    for it in items:
        if it.key is not None and it.key == own_key:
            continue
        tier = acmg_tier(it.significance)
        if tier is not None and it.stars >= CLINVAR_MIN_STARS:
            out.append((tier, it))
    return out


def _cite(items: list[tuple[str, Any]]) -> str:
    return "; ".join(f"VCV {it.variation_id} {it.hgvs_p or ''} {it.significance} "
                     f"({it.stars}★)".replace("  ", " ") for _, it in items[:3])


def ps1(ev: VariantEvidence) -> Outcome:
    chk = _missense_check("PS1", ev)
    if chk != "ok":
        return chk
    tc = ev.consequence
    assert tc is not None
    same = [(t, it) for t, it in _established(ev.clinvar_same_aa_change, ev.key)
            if not (it.hgvs_p and tc.hgvs_p) or _norm_p(it.hgvs_p) == _norm_p(tc.hgvs_p)]
    if not same:
        return None
    if any(t == "P" for t, _ in same):
        return Criterion("PS1", "Strong", "pathogenic",
                         f"same amino-acid change {tc.hgvs_p} as ClinVar Pathogenic "
                         f"{_cite([x for x in same if x[0] == 'P'])}.")
    return Criterion("PS1", "Moderate", "pathogenic",
                     f"same amino-acid change {tc.hgvs_p} as ClinVar Likely pathogenic "
                     f"{_cite(same)}.")


def _norm_p(p: str) -> str:
    return p.replace("(", "").replace(")", "").split(":")[-1]


_NOT_MISSENSE_P = re.compile(r"(Ter|\*|fs|del|ins|dup|=|\?|ext)")


def pm5(ev: VariantEvidence) -> Outcome:
    chk = _missense_check("PM5", ev)
    if chk != "ok":
        return chk
    tc = ev.consequence
    assert tc is not None
    other = [(t, it) for t, it in _established(ev.clinvar_same_residue, ev.key)
             if it.hgvs_p and not _NOT_MISSENSE_P.search(_norm_p(it.hgvs_p))
             and (tc.hgvs_p is None or _norm_p(it.hgvs_p) != _norm_p(tc.hgvs_p))]
    if not other:
        return None
    if any(t == "P" for t, _ in other):
        return Criterion("PM5", "Moderate", "pathogenic",
                         f"different missense change at residue {tc.ref_aa}{tc.protein_pos} is "
                         f"ClinVar Pathogenic: {_cite([x for x in other if x[0] == 'P'])}.")
    return Criterion("PM5", "Supporting", "pathogenic",
                     f"different missense change at residue {tc.ref_aa}{tc.protein_pos} is "
                     f"ClinVar Likely pathogenic: {_cite(other)}.")


def pm4(ev: VariantEvidence) -> Outcome:
    tc = ev.consequence
    if tc is None:
        return no_consequence("PM4")
    terms = consequence_terms(tc)
    if terms & STOP_LOST:
        return Criterion("PM4", "Moderate", "pathogenic",
                         f"stop-loss variant lengthens the {ev.gene} protein.")
    if not terms & INFRAME_INDEL:
        return None
    if ev.in_repeat is None:
        return NotEvaluated("PM4", "in-frame indel but no repeat annotation: PM4 requires a "
                                   "non-repeat region")
    if ev.in_repeat:
        return None
    return Criterion("PM4", "Moderate", "pathogenic",
                     f"in-frame indel outside a repeat changes the protein length ({tc.hgvs_p}).")


def bp3(ev: VariantEvidence) -> Outcome:
    tc = ev.consequence
    if tc is None or not consequence_terms(tc) & INFRAME_INDEL:
        return None
    if ev.in_repeat is None:
        return NotEvaluated("BP3", "in-frame indel but no repeat annotation available")
    if ev.in_repeat:
        return Criterion("BP3", "Supporting", "benign",
                         "in-frame indel inside a repetitive region without known function.")
    return None


def bp7(ev: VariantEvidence) -> Outcome:
    """Synonymous with no predicted splice impact: SpliceAI ≤0.1, or (without SpliceAI) outside
    the splice region by the transcript consequence."""
    tc = ev.consequence
    if tc is None:
        return no_consequence("BP7")
    terms = consequence_terms(tc)
    if not terms & SYNONYMOUS:
        return None
    sai = score(ev, "spliceai")
    if sai is not None:
        if sai <= SPLICEAI_BENIGN:
            return Criterion("BP7", "Supporting", "benign",
                             f"synonymous; SpliceAI max delta {sai:.2f} ≤ {SPLICEAI_BENIGN}.")
        return None
    if terms & SPLICE_REGION:
        return NotEvaluated("BP7", "synonymous in the splice region and no SpliceAI score")
    return Criterion("BP7", "Supporting", "benign",
                     "synonymous and outside the splice region (SpliceAI not available; "
                     "splice impact judged from the consequence only).")

