"""Phase of two heterozygous variants of one gene in the proband: in trans, in cis, or unknown, and
on what evidence. Evidence is checked, never assumed:

* **Same site.** Two ALTs of one split multiallelic site (the proband's calls are ``1/*`` and
  ``*/1``: each record shows the *other* ALT on the other chromosome) cannot sit on one
  haplotype: trans. Two separate records that merely share a position (``0/1`` and ``0/1``, e.g. a
  SNV and a deletion starting there) are *not* assumed to be in trans: they are phased like any
  other pair.
* **Parents.** Trans when one variant came from one parent only and the other from the other
  parent only; cis when one parent carries both and the other neither. A homozygous parent, both
  parents carrying one variant, a de novo variant or an untyped parent: not determined. When the
  parent who carries both has his or her own read-backed phase (phased genotypes with the same
  ``PS``) and it puts the two variants on different haplotypes, the child cannot have received
  both from that parent: a conflict (phase unknown, with a caveat).
* **Reads.** Both proband calls phased (``|``) *with* the same phase set (``PS``): read-backed
  (e.g. WhatsHap). Phased genotypes without ``PS`` come from statistical or pedigree phasing
  (Beagle, SHAPEIT, GATK PhaseByTransmission), not from reads: never called read-backed, and not
  used to decide the phase of a rare pair (the basis says what they showed).
* **Copy number.** A variant inside a deletion that the proband carries on one copy lies on the
  copy the deletion leaves: the pair is in trans whatever the parents show
  (:func:`dualdx.interpretation.copy_number.phase_by_copy_number`, asked first).
* Parents and reads disagreeing: unknown, ``conflict`` set (the stage turns it into a caveat).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from dualdx.core.model import Call, VariantRecord, normalize_chrom
from dualdx.inputs.pedigree import Pedigree
from dualdx.interpretation import copy_number  # cnv hook: phase from a deletion
from dualdx.interpretation.zygosity import hemizygous, person_carries, person_dosage

Phase = Literal["trans", "cis", "unknown"]

SAME_SITE = "same site"
PARENTS = "parents"
READS = "read-backed phase"


@dataclass(frozen=True)
class PairPhase:
    phase: Phase
    basis: str  # SAME_SITE, PARENTS, READS, or why unknown
    conflict: bool = False  # two sources of evidence disagree


BASIS_TEXT = {
    SAME_SITE: "two alts of one site",
    PARENTS: "phased by the parents' genotypes",
    READS: "read-backed phase",
}


def basis_text(pp: PairPhase) -> str:
    """The basis in words for an explanation sentence."""
    return BASIS_TEXT.get(pp.basis, pp.basis)


def _same_site(a: VariantRecord, b: VariantRecord, proband: str) -> Phase | None:
    """Trans when the two records are two ALTs of one split site as the calls show (1/* and */1)."""
    if normalize_chrom(a.chrom) != normalize_chrom(b.chrom) or a.pos != b.pos:
        return None
    ca, cb = a.calls.get(proband), b.calls.get(proband)
    if ca is None or cb is None or len(ca.alleles) != 2 or len(cb.alleles) != 2:
        return None
    if sorted(x for x in ca.alleles if x is not None) == [-1, 1] and \
            sorted(x for x in cb.alleles if x is not None) == [-1, 1]:
        return "trans"
    return None


def _own_phase(ca: Call | None, cb: Call | None) -> Phase | None:
    """Read-backed phase of one person's two heterozygous calls: both phased with one PS."""
    if ca is None or cb is None or not (ca.phased and cb.phased):
        return None
    if ca.ps is None or cb.ps is None or ca.ps != cb.ps:
        return None
    return _haplotypes(ca, cb)


def _statistical_phase(ca: Call | None, cb: Call | None) -> Phase | None:
    """Phase shown by phased genotypes without PS (statistical or pedigree phasing)."""
    if ca is None or cb is None or not (ca.phased and cb.phased) or ca.ps is not None \
            or cb.ps is not None:
        return None
    return _haplotypes(ca, cb)


def _haplotypes(ca: Call, cb: Call) -> Phase | None:
    if len(ca.alleles) != 2 or len(cb.alleles) != 2:
        return None
    ia = [i for i, x in enumerate(ca.alleles) if x == 1]
    ib = [i for i, x in enumerate(cb.alleles) if x == 1]
    if len(ia) != 1 or len(ib) != 1:
        return None
    return "cis" if ia == ib else "trans"


def _from_parents(a: VariantRecord, b: VariantRecord, proband: str, ped: Pedigree,
                  build: str) -> tuple[Phase | None, str | None]:
    """(phase by the parents' genotypes, conflict text when a parent's own phase contradicts)."""
    father, mother = ped.parents(proband)
    if father is None or mother is None:
        return None, None
    fa, fb = person_dosage(a, ped, father, build), person_dosage(b, ped, father, build)
    ma, mb = person_dosage(a, ped, mother, build), person_dosage(b, ped, mother, build)
    if fa is None or fb is None or ma is None or mb is None:
        return None, None
    if max(fa, fb, ma, mb) >= 2:
        return None, None
    f_a, f_b, m_a, m_b = fa > 0, fb > 0, ma > 0, mb > 0
    if (f_a and not f_b and m_b and not m_a) or (f_b and not f_a and m_a and not m_b):
        return "trans", None
    for both, none, role in ((father, mother, "father"), (mother, father, "mother")):
        has_both = (f_a and f_b) if both == father else (m_a and m_b)
        has_none = (not m_a and not m_b) if none == mother else (not f_a and not f_b)
        if has_both and has_none:
            own = _own_phase(a.calls.get(both), b.calls.get(both))
            if own == "trans" and not hemizygous(a, ped, both, build):
                return None, (f"the {role} ({both}) carries both variants on different "
                              "haplotypes by his or her own read-backed phase, so the child "
                              "cannot have received both from that parent")
            return "cis", None
    return None, None


def phase_pair(a: VariantRecord, b: VariantRecord, proband: str, ped: Pedigree,
               build: str = "GRCh38") -> PairPhase:
    """Phase of two heterozygous variants in the proband (module docstring)."""
    by_cn = copy_number.phase_by_copy_number(a, b, proband)  # cnv hook: variant in a deletion
    if by_cn is not None:
        return PairPhase(*by_cn)
    if _same_site(a, b, proband) == "trans":
        return PairPhase("trans", SAME_SITE)
    by_parents, parent_conflict = _from_parents(a, b, proband, ped, build)
    ca, cb = a.calls.get(proband), b.calls.get(proband)
    by_reads = _own_phase(ca, cb)
    if parent_conflict:
        return PairPhase("unknown", f"conflict: {parent_conflict}", conflict=True)
    if by_parents is not None and by_reads is not None and by_parents != by_reads:
        return PairPhase("unknown", f"conflict: parents say {by_parents}, read-backed phase "
                                    f"says {by_reads}", conflict=True)
    if by_parents is not None:
        return PairPhase(by_parents, PARENTS)
    if by_reads is not None:
        return PairPhase(by_reads, READS)
    father, mother = ped.parents(proband)
    why = "parents not both in the pedigree" if father is None or mother is None else \
        "parental genotypes not informative"
    stat = _statistical_phase(ca, cb)
    if stat is not None:
        why += (f"; the genotypes are phased without a phase set (statistical phasing, not "
                f"reads), which shows {stat}: not used")
    return PairPhase("unknown", why)


def is_het_member(rec: VariantRecord, proband: str, ped: Pedigree, build: str) -> bool:
    """Exactly one known copy in a diploid region: can be one half of a compound heterozygote."""
    return not hemizygous(rec, ped, proband, build) and \
        person_dosage(rec, ped, proband, build) == 1 and person_carries(rec, proband) is True


def compound_het_pairs(recs: Sequence[VariantRecord], proband: str, ped: Pedigree,
                       build: str = "GRCh38") -> list[tuple[str, str, PairPhase]]:
    """Every pair of variants (of one gene: the caller groups by gene) that the proband carries
    heterozygously, with its phase. Affection of the parents is not used, so affected parents
    never hide a pair."""
    het = [r for r in recs if is_het_member(r, proband, ped, build)]
    out: list[tuple[str, str, PairPhase]] = []
    for i, a in enumerate(het):
        for b in het[i + 1:]:
            if a.key != b.key:
                out.append((a.key, b.key, phase_pair(a, b, proband, ped, build)))
    return out


PHASE_RANK = {"trans": 0, "unknown": 1, "cis": 2}


def best_partner(partners: Sequence[tuple[str, PairPhase]]) -> tuple[str, PairPhase] | None:
    """Trans before unknown before cis; ties by variant key."""
    if not partners:
        return None
    return min(partners, key=lambda kp: (PHASE_RANK[kp[1].phase], kp[0]))


__all__ = ["BASIS_TEXT", "PARENTS", "PHASE_RANK", "READS", "SAME_SITE", "PairPhase", "Phase",
           "basis_text", "best_partner", "compound_het_pairs", "is_het_member", "phase_pair"]
