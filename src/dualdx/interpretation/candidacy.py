"""Can a variant cause disease? The one candidacy rule, used by the inheritance stage (which
variants may form a compound heterozygote, which genotypes make a disease a candidate diagnosis of
the family) and by the diagnosis tiers (which variants of uncertain significance may make a
candidate diagnosis).

A variant can cause disease when:

* ClinVar asserts it Pathogenic or Likely pathogenic (any review stars:
  :func:`dualdx.knowledge.clinvar_assertion.is_pathogenic`), or
* its consequence on the MANE transcript alters the protein (missense, nonsense, frameshift,
  in-frame indel, start or stop lost, a coding change whose protein effect could not be derived,
  ...) or a canonical splice site (±1/2: ``splice_donor_variant``, ``splice_acceptor_variant``),
  or
* its consequence is only in the **splice region** outside the canonical ±1/2 sites
  (``splice_region_variant``, ``splice_donor_5th_base_variant``, ``splice_donor_region_variant``,
  ``splice_polypyrimidine_tract_variant``) *and* there is splice evidence: a configured SpliceAI
  score at or above 0.2 (the SVI splicing subgroup's PP3 threshold, Walker et al. 2023,
  PMID 37352859). Without a SpliceAI score such a variant is not a candidate, and the reason says
  that its splice effect was not predicted (most splice-region changes do not disrupt splicing).

Intronic, UTR, synonymous (outside the splice region or without splice evidence), up/downstream
and non-coding changes are not candidates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dualdx.knowledge.clinvar_assertion import is_pathogenic

#: SpliceAI maximum delta score from which a splice-region change counts as splice-altering.
SPLICEAI_CANDIDATE = 0.2

PROTEIN_OR_CANONICAL_SPLICE = frozenset({
    "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
    "frameshift_variant", "stop_lost", "start_lost", "initiator_codon_variant",
    "inframe_insertion", "inframe_deletion", "disruptive_inframe_deletion",
    "disruptive_inframe_insertion", "conservative_inframe_deletion",
    "conservative_inframe_insertion", "missense_variant", "protein_altering_variant",
    "coding_sequence_variant", "incomplete_terminal_codon_variant",
})
SPLICE_REGION = frozenset({
    "splice_region_variant", "splice_donor_5th_base_variant", "splice_donor_region_variant",
    "splice_polypyrimidine_tract_variant",
})


@dataclass(frozen=True)
class Candidacy:
    candidate: bool
    reason: str  # machine-readable: clinvar_plp, protein_or_canonical_splice, splice_evidence,
    # splice_region_without_splice_evidence, splice_region_spliceai_low, not_protein_or_splice,
    # no_consequence


def terms(consequence: str | None) -> frozenset[str]:
    """The SO terms of an ``&``- or ``,``-joined consequence."""
    if not consequence:
        return frozenset()
    return frozenset(t.strip() for t in consequence.replace(",", "&").split("&") if t.strip())


def assess(consequence: str | None, clinvar_significance: str | None = None,
           scores: Mapping[str, Any] | None = None) -> Candidacy:
    """The candidacy of one variant (module docstring). ``scores``: the variant's in-silico scores
    as in ``annotations.json`` (``spliceai`` present only when configured)."""
    if is_pathogenic(clinvar_significance):
        return Candidacy(True, "clinvar_plp")
    so = terms(consequence)
    if so & PROTEIN_OR_CANONICAL_SPLICE:
        return Candidacy(True, "protein_or_canonical_splice")
    if so & SPLICE_REGION:
        sai = (scores or {}).get("spliceai")
        if sai is None:
            return Candidacy(False, "splice_region_without_splice_evidence")
        if float(sai) >= SPLICEAI_CANDIDATE:
            return Candidacy(True, "splice_evidence")
        return Candidacy(False, "splice_region_spliceai_low")
    if not so:
        return Candidacy(False, "no_consequence")
    return Candidacy(False, "not_protein_or_splice")


def assess_variant(variant: Mapping[str, Any]) -> Candidacy:
    """:func:`assess` for one ``annotations.json`` variant."""
    return assess((variant.get("consequence") or {}).get("consequence"),
                  (variant.get("clinvar") or {}).get("significance"), variant.get("scores"))


def can_alter_protein_or_splicing(consequence: str | None,
                                  scores: Mapping[str, Any] | None = None) -> bool:
    """The consequence part of the rule alone (ClinVar not consulted)."""
    return assess(consequence, None, scores).candidate


__all__ = ["PROTEIN_OR_CANONICAL_SPLICE", "SPLICEAI_CANDIDATE", "SPLICE_REGION", "Candidacy",
           "assess", "assess_variant", "can_alter_protein_or_splicing", "terms"]
