"""Inheritance patterns, parental origin, compound-heterozygous phase and segregation.

Every genotype model is a small pure function over one ``VariantRecord`` (or a pair), the
proband's sample ID and the ``Pedigree``, in the spirit of genmod. Calls must already have passed
the trust filter (:func:`trusted`): an untrusted call has unknown alleles, never reference.

Allele codes (``dualdx.core.model.Call``): 0 ref, 1 this record's alt, -1 another alt of the same
(split) multiallelic site, None unknown.

X chromosome: records on X outside the pseudo-autosomal regions are hemizygous in males (any
``1`` allele, ``1`` or ``1/1``, counts as one copy). PAR records are treated as autosomal.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from dualdx.core import atomic
from dualdx.core.errors import InputError
from dualdx.core.jsonio import read_json_object
from dualdx.core.model import Affection, Call, VariantRecord, chrom_rank, normalize_chrom
from dualdx.inputs.pedigree import Pedigree, check_sex_from_genotypes, load_ped
from dualdx.interpretation import copy_number  # cnv hook: copy number in the inheritance rules
from dualdx.interpretation.phenotype_match import IC_THRESHOLD

Label = Literal[
    "de_novo",
    "dominant",
    "recessive_homozygous",
    "compound_het_trans",
    "compound_het_cis",
    "compound_het_unknown_phase",
    "x_linked_recessive",
    "x_linked_dominant",
    "carrier",
]
Origin = Literal["maternal", "paternal", "de_novo", "biparental", "unknown"]
Phase = Literal["trans", "cis", "unknown"]

# Pseudo-autosomal regions, 1-based closed. Source: Genome Reference Consortium, "Human genome
# assembly GRCh38.p14 / GRCh37.p13" region pages (https://www.ncbi.nlm.nih.gov/grc/human).
PAR: dict[str, tuple[tuple[int, int], ...]] = {
    "GRCh38": ((10001, 2781479), (155701383, 156030895)),
    "GRCh37": ((60001, 2699520), (154931044, 155260560)),
}

AUTOSOMAL_DOMINANT = "autosomal_dominant"
AUTOSOMAL_RECESSIVE = "autosomal_recessive"
X_LINKED_DOMINANT = "x_linked_dominant"
X_LINKED_RECESSIVE = "x_linked_recessive"
X_LINKED = "x_linked"
KNOWN_MODES = (AUTOSOMAL_DOMINANT, AUTOSOMAL_RECESSIVE, X_LINKED_DOMINANT, X_LINKED_RECESSIVE,
               X_LINKED, "mitochondrial", "unknown")
MODE_TEXT = {
    AUTOSOMAL_DOMINANT: "autosomal dominant",
    AUTOSOMAL_RECESSIVE: "autosomal recessive",
    X_LINKED_DOMINANT: "X-linked dominant",
    X_LINKED_RECESSIVE: "X-linked recessive",
    X_LINKED: "X-linked",
    "mitochondrial": "mitochondrial",
    "unknown": "unknown-mode",
}

TSV_COLUMNS = (
    "variant", "gene", "disease_id", "disease_mode", "label", "origin", "partner", "qualifies",
    "affected_carriers", "affected_noncarriers", "unaffected_carriers", "unaffected_noncarriers",
    "informative_meioses", "explanation",
)


# --------------------------------------------------------------------------- genotype trust


@dataclass
class TrustThresholds:
    """A call below any of these becomes unknown. A field absent from the VCF is not tested."""

    min_dp: int = 8
    min_gq: float = 20
    het_ab_min: float = 0.2
    het_ab_max: float = 0.8


def allele_balance(call: Call) -> float | None:
    """Alt fraction of a ``0/1`` call from a two-entry AD (ref, alt); None when not computable.

    Only two-entry AD is used: a longer AD (unsplit multiallelic) does not say which entry is
    this record's alt, and calls with other alts (-1) have no single ref/alt balance.
    """
    if call.ad is None or len(call.ad) != 2 or sorted(a for a in call.alleles if a is not None) \
            != [0, 1] or len(call.alleles) != 2:
        return None
    total = call.ad[0] + call.ad[1]
    return call.ad[1] / total if total > 0 else None


def trusted(call: Call, t: TrustThresholds) -> Call:
    """``call`` unchanged, or with every allele unknown when DP, GQ or het allele balance fail."""
    fail = (
        (call.dp is not None and call.dp < t.min_dp)
        or (call.gq is not None and call.gq < t.min_gq)
    )
    ab = allele_balance(call)
    if ab is not None and not (t.het_ab_min <= ab <= t.het_ab_max):
        fail = True
    if not fail:
        return call
    return replace(call, alleles=tuple(None for _ in call.alleles), phased=False)


def apply_trust(rec: VariantRecord, t: TrustThresholds) -> tuple[VariantRecord, list[str]]:
    """A copy of ``rec`` with untrusted calls made unknown, and the samples that were changed."""
    calls: dict[str, Call] = {}
    changed: list[str] = []
    for s, c in rec.calls.items():
        tc = trusted(c, t)
        calls[s] = tc
        if tc is not c and any(a is not None for a in c.alleles):
            changed.append(s)
    return replace(rec, calls=calls), sorted(changed)


# --------------------------------------------------------------------------- genotype helpers


def is_x_nonpar(rec: VariantRecord, build: str) -> bool:
    if normalize_chrom(rec.chrom) != "X":
        return False
    pars = PAR.get(build, ())
    return not any(lo <= rec.pos <= hi for lo, hi in pars)


def hemizygous(rec: VariantRecord, ped: Pedigree, sid: str, build: str) -> bool:
    p = ped.people.get(sid)
    return p is not None and p.sex == "male" and is_x_nonpar(rec, build)


def carries(call: Call | None) -> bool | None:
    """True if any allele is this alt; False if all alleles are known and none is; else None."""
    if call is None or not call.alleles:
        return None
    if any(a == 1 for a in call.alleles):
        return True
    if any(a is None for a in call.alleles):
        return None
    return False


def dosage(call: Call | None, hemi: bool = False) -> int | None:
    """Copies of this alt (0, 1, 2), hemizygous calls counted as at most 1; None if unknown."""
    c = carries(call)
    if c is None or call is None:
        return None
    if hemi:
        return 1 if c else 0
    if any(a is None for a in call.alleles):
        return None
    return sum(1 for a in call.alleles if a == 1)


def _dose(rec: VariantRecord, ped: Pedigree, sid: str | None, build: str) -> int | None:
    if sid is None:
        return None
    return dosage(rec.calls.get(sid), hemizygous(rec, ped, sid, build))


def _carr(rec: VariantRecord, sid: str | None) -> bool | None:
    return None if sid is None else carries(rec.calls.get(sid))


# --------------------------------------------------------------------------- per-variant models


def is_de_novo(rec: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38") -> bool:
    """Proband carries the alt and every parent who could transmit it is typed and lacks it.

    Autosomes and females on X: both parents must be in the pedigree with known non-carrier
    calls. A male on X outside the PARs inherits X from the mother only: she must be typed and
    lack it. A missing parent or genotype means "not determined" → False (never assumed).
    """
    if not _carr(rec, proband):
        return False
    father, mother = ped.parents(proband)
    if hemizygous(rec, ped, proband, build):
        return _carr(rec, mother) is False
    return _carr(rec, father) is False and _carr(rec, mother) is False


def is_dominant(rec: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38") -> bool:
    """Proband carries at least one copy on an autosome or a PAR (de novo included)."""
    return not is_x_nonpar(rec, build) and bool(_carr(rec, proband))


def is_recessive_homozygous(
    rec: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38"
) -> bool:
    """Two known copies in a diploid region (autosome, PAR, or X in a non-male)."""
    return not hemizygous(rec, ped, proband, build) and _dose(rec, ped, proband, build) == 2


def is_x_linked_recessive(
    rec: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38"
) -> bool:
    """X outside the PARs: a hemizygous male carrier, or a homozygous female."""
    if not is_x_nonpar(rec, build):
        return False
    if hemizygous(rec, ped, proband, build):
        return bool(_carr(rec, proband))
    return _dose(rec, ped, proband, build) == 2


def is_x_linked_dominant(
    rec: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38"
) -> bool:
    """X outside the PARs and the proband carries at least one copy."""
    return is_x_nonpar(rec, build) and bool(_carr(rec, proband))


def is_carrier(rec: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38") -> bool:
    """One copy in a diploid region (or one copy with the other allele uncalled)."""
    if hemizygous(rec, ped, proband, build) or not _carr(rec, proband):
        return False
    return _dose(rec, ped, proband, build) != 2


def origin(rec: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38") -> Origin:
    """Where the proband's alt allele(s) came from, as far as the typed parents tell.

    - two copies and both parents carry → ``biparental``;
    - one parent carries and the other is typed without it → that parent (also for a
      homozygous proband: then a Mendelian inconsistency is reported separately);
    - neither parent carries (both typed) → ``de_novo``; for a hemizygous male only the mother
      matters;
    - anything else (a parent untyped, both parents het with a het proband) → ``unknown``.
    """
    if not _carr(rec, proband):
        return "unknown"
    father, mother = ped.parents(proband)
    cm = _carr(rec, mother)
    if hemizygous(rec, ped, proband, build):
        return "maternal" if cm else ("de_novo" if cm is False else "unknown")
    cf = _carr(rec, father)
    if _dose(rec, ped, proband, build) == 2 and cf and cm:
        return "biparental"
    if cf and cm is False:
        return "paternal"
    if cm and cf is False:
        return "maternal"
    if cf is False and cm is False:
        return "de_novo"
    return "unknown"


# --------------------------------------------------------------------------- compound hets


@dataclass(frozen=True)
class PairPhase:
    phase: Phase
    basis: str  # "same site", "parents", "read-backed phase", or why unknown


def _phase_from_site(a: VariantRecord, b: VariantRecord, proband: str) -> Phase | None:
    """Two alts of one split multiallelic site carried by one diploid person are in trans."""
    if normalize_chrom(a.chrom) != normalize_chrom(b.chrom) or a.pos != b.pos:
        return None
    ca, cb = a.calls.get(proband), b.calls.get(proband)
    if carries(ca) and carries(cb) and ca is not None and len(ca.alleles) == 2:
        return "trans"
    return None


def _phase_from_parents(
    a: VariantRecord, b: VariantRecord, proband: str, ped: Pedigree, build: str
) -> Phase | None:
    """Trans when A came from one parent only and B from the other only; cis when one parent
    carries both and the other neither. A hom-alt parent, both parents carrying one variant,
    a de novo variant or an untyped parent → None (phase not determined by the parents)."""
    father, mother = ped.parents(proband)
    if father is None or mother is None:
        return None
    fa, fb = _dose(a, ped, father, build), _dose(b, ped, father, build)
    ma, mb = _dose(a, ped, mother, build), _dose(b, ped, mother, build)
    if fa is None or fb is None or ma is None or mb is None:
        return None
    if max(fa, fb, ma, mb) >= 2:
        return None
    f_a, f_b, m_a, m_b = fa > 0, fb > 0, ma > 0, mb > 0
    if (f_a and not f_b and m_b and not m_a) or (f_b and not f_a and m_a and not m_b):
        return "trans"
    if (f_a and f_b and not m_a and not m_b) or (m_a and m_b and not f_a and not f_b):
        return "cis"
    return None


def _phase_from_reads(a: VariantRecord, b: VariantRecord, proband: str) -> Phase | None:
    """Both calls phased (``|``) in the same phase set (PS equal; per the VCF spec phased calls
    without PS share one set): alt on the same haplotype index → cis, else trans."""
    ca, cb = a.calls.get(proband), b.calls.get(proband)
    if ca is None or cb is None or not (ca.phased and cb.phased) or ca.ps != cb.ps:
        return None
    if len(ca.alleles) != 2 or len(cb.alleles) != 2:
        return None
    ia = [i for i, x in enumerate(ca.alleles) if x == 1]
    ib = [i for i, x in enumerate(cb.alleles) if x == 1]
    if len(ia) != 1 or len(ib) != 1:
        return None
    return "cis" if ia == ib else "trans"


def phase_pair(
    a: VariantRecord, b: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38"
) -> PairPhase:
    """Phase of two heterozygous variants in the proband: same split site (always trans), else
    parental genotypes, else read-backed phase. Parents and reads disagreeing → unknown."""
    by_cn = copy_number.phase_by_copy_number(a, b, proband)  # cnv hook: variant in a deletion
    if by_cn is not None:
        return PairPhase(by_cn[0], by_cn[1])
    if _phase_from_site(a, b, proband) == "trans":
        return PairPhase("trans", "same site")
    by_parents = _phase_from_parents(a, b, proband, ped, build)
    by_reads = _phase_from_reads(a, b, proband)
    if by_parents is not None and by_reads is not None and by_parents != by_reads:
        return PairPhase("unknown", f"parents say {by_parents}, read-backed phase says {by_reads}")
    if by_parents is not None:
        return PairPhase(by_parents, "parents")
    if by_reads is not None:
        return PairPhase(by_reads, "read-backed phase")
    father, mother = ped.parents(proband)
    why = "parents not both in the pedigree" if father is None or mother is None else \
        "parental genotypes not informative"
    return PairPhase("unknown", why)


def _is_het_member(rec: VariantRecord, proband: str, ped: Pedigree, build: str) -> bool:
    return not hemizygous(rec, ped, proband, build) and _dose(rec, ped, proband, build) == 1


def compound_het_pairs(
    recs: Sequence[VariantRecord], proband: str, ped: Pedigree, build: str = "GRCh38"
) -> list[tuple[str, str, PairPhase]]:
    """Every pair of variants (of one gene: the caller groups by gene) that the proband carries
    heterozygously (exactly one known copy, diploid), with its phase. Affection of the parents is
    not used, so affected parents never hide a pair."""
    het = [r for r in recs if _is_het_member(r, proband, ped, build)]
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


# --------------------------------------------------------------------------- labels per mode


@dataclass(frozen=True)
class ModeCall:
    label: Label | None
    qualifies: bool | None  # None: mode unknown, fit not assessed
    partner: str | None
    note: str  # the assessment half of the explanation


BASIS_TEXT = {
    "same site": "two alts of one site",
    "parents": "phased by the parents' genotypes",
    "read-backed phase": "read-backed phase",
}


def _basis_text(pp: PairPhase) -> str:
    return BASIS_TEXT.get(pp.basis, pp.basis)


def _comp_het_call(
    partner: tuple[str, PairPhase] | None, name: str, gene: str, mode_txt: str
) -> ModeCall:
    if partner is None:
        return ModeCall("carrier", False, None,
                        f"carrier state only for the {mode_txt} form of {name}: no second "
                        f"variant in {gene}")
    key, pp = partner
    if pp.phase == "trans":
        return ModeCall("compound_het_trans", True, key,
                        f"in trans with {key} ({_basis_text(pp)}): qualifies for the {mode_txt} "
                        f"form of {name}")
    if pp.phase == "cis":
        return ModeCall("compound_het_cis", False, key,
                        f"in cis with {key} ({_basis_text(pp)}), both on one haplotype: not a "
                        f"{mode_txt} diagnosis of {name}")
    return ModeCall("compound_het_unknown_phase", True, key,
                    f"with {key}, phase unknown ({pp.basis}): qualifies for the {mode_txt} form "
                    f"of {name} only if in trans")


def mode_call(
    mode: str,
    rec: VariantRecord,
    proband: str,
    ped: Pedigree,
    partner: tuple[str, PairPhase] | None,
    name: str,
    gene: str,
    build: str = "GRCh38",
) -> ModeCall:
    """Label and fit of the proband's genotype at ``rec`` under one mode of inheritance."""
    txt = MODE_TEXT.get(mode, mode)
    if not _carr(rec, proband):
        what = "not called in" if _carr(rec, proband) is None else "not carried by"
        return ModeCall(None, False, None, f"{what} the proband: not assessed for {name}")
    xl = mode in (X_LINKED, X_LINKED_DOMINANT, X_LINKED_RECESSIVE)
    if xl and not is_x_nonpar(rec, build):
        return ModeCall(None, False, None,
                        f"{name} is {txt} but the variant is not on X outside the PARs")
    fits = f"qualifies for the {txt} form of {name}"
    if mode == AUTOSOMAL_DOMINANT:
        lab: Label = "de_novo" if is_de_novo(rec, proband, ped, build) else "dominant"
        return ModeCall(lab, True, None, fits)
    if mode == AUTOSOMAL_RECESSIVE:
        if is_recessive_homozygous(rec, proband, ped, build):
            return ModeCall("recessive_homozygous", True, None, fits)
        if _dose(rec, ped, proband, build) is None:
            return ModeCall("carrier", False, None,
                            f"one allele not called: carrier state only for the {txt} form "
                            f"of {name} as far as called")
        return _comp_het_call(partner, name, gene, txt)
    if mode == X_LINKED_DOMINANT:
        return ModeCall("x_linked_dominant", True, None, fits)
    if mode in (X_LINKED_RECESSIVE, X_LINKED):
        if is_x_linked_recessive(rec, proband, ped, build):
            return ModeCall("x_linked_recessive", True, None, fits)
        if mode == X_LINKED:
            return ModeCall("x_linked_dominant", True, None,
                            f"heterozygous female: {fits} if it acts dominantly")
        return _comp_het_call(partner if _dose(rec, ped, proband, build) == 1 else None,
                              name, gene, txt)
    # mitochondrial, unknown or unrecognised: label the genotype, do not judge the fit
    if is_recessive_homozygous(rec, proband, ped, build):
        lab = "recessive_homozygous"
    elif partner is not None:
        lab = _comp_het_call(partner, name, gene, txt).label or "carrier"
    else:
        lab = "de_novo" if is_de_novo(rec, proband, ped, build) else "dominant"
    if is_x_nonpar(rec, build) and lab in ("dominant", "de_novo"):
        lab = "x_linked_dominant"
    return ModeCall(lab, None, partner[0] if partner else None,
                    f"mode of inheritance of {name} is {mode}: fit not assessed")


# --------------------------------------------------------------------------- phenotype-aware affection


def _parents_of(term: str, terms_db: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """Direct parents: the ``parents`` list when knowledge.json has one, else derived from the
    ancestor sets (an ancestor that is not an ancestor of another ancestor). Empty when the
    ancestors' own ancestor sets are missing (not derivable)."""
    entry = terms_db.get(term)
    if entry is None:
        return set()
    if isinstance(entry.get("parents"), list):
        return set(entry["parents"])
    anc = set(entry.get("ancestors") or []) - {term}
    anc_of: dict[str, set[str]] = {}
    for a in anc:
        e = terms_db.get(a)
        if e is None:
            return set()
        anc_of[a] = set(e.get("ancestors") or []) - {a}
    return {a for a in anc if not any(a in anc_of[b] for b in anc if b != a)}


def _current(term: str, terms_db: Mapping[str, Mapping[str, Any]]) -> str:
    e = terms_db.get(term) or {}
    rb = e.get("replaced_by")
    return rb if e.get("obsolete") and isinstance(rb, str) else term


def _informative(term: str, terms_db: Mapping[str, Mapping[str, Any]], min_ic: float) -> bool:
    ic = (terms_db.get(term) or {}).get("ic")
    return isinstance(ic, (int, float)) and ic >= min_ic


def phenotype_matches(
    person_terms: Iterable[str],
    disease_terms: Iterable[str],
    terms_db: Mapping[str, Mapping[str, Any]],
    min_ic: float = IC_THRESHOLD,
) -> bool:
    """Whether a person's HPO terms point to a disease.

    A person's term t matches a disease term d when t == d; or t is a descendant of d (d among
    t's ancestors) and d is informative; or t is a direct parent of d (one step more general) and
    t is informative. Informative: knowledge.json gives the shared concept an information content
    of at least ``min_ic`` (default the project's
    ``dualdx.interpretation.phenotype_match.IC_THRESHOLD`` = ln 20,
    annotated to at most 1 in 20 OMIM diseases), so "Abnormality of the dentition" makes nobody
    affected for every dental disease; a concept without an IC never matches semantically.
    Obsolete terms are replaced by their ``replaced_by``.
    """
    dterms = [_current(d, terms_db) for d in disease_terms]
    for raw in person_terms:
        t = _current(raw, terms_db)
        anc_t = set((terms_db.get(t) or {}).get("ancestors") or [])
        for d in dterms:
            if t == d:
                return True
            if d in anc_t and _informative(d, terms_db, min_ic):
                return True
            if _informative(t, terms_db, min_ic) and t in _parents_of(d, terms_db):
                return True
    return False


def affection_for_disease(
    ped: Pedigree,
    phenotypes: Mapping[str, Sequence[str]],
    disease_terms: Sequence[str],
    terms_db: Mapping[str, Mapping[str, Any]],
) -> dict[str, Affection]:
    """Affected for this disease when the person's HPO terms match it (:func:`phenotype_matches`),
    unaffected when they have terms but none match; people with no terms keep the PED status."""
    out: dict[str, Affection] = {}
    for sid, person in ped.people.items():
        terms = list(phenotypes.get(sid) or [])
        if terms:
            out[sid] = "affected" if phenotype_matches(terms, disease_terms, terms_db) \
                else "unaffected"
        else:
            out[sid] = person.affected
    return out


# --------------------------------------------------------------------------- segregation


@dataclass
class Segregation:
    affected_carriers: int = 0
    affected_noncarriers: int = 0
    unaffected_carriers: int = 0
    unaffected_noncarriers: int = 0
    informative_meioses: int | None = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def positive_fn(
    mode: str, rec: VariantRecord, partner: VariantRecord | None, ped: Pedigree, build: str
) -> Callable[[str], bool | None]:
    """Whether a person has the genotype that would cause the disease under ``mode``.

    Dominant-type modes (AD, XLD, unknown, mitochondrial): at least one copy. Recessive modes
    (AR, XLR, X-linked): two copies of this variant, or one copy of it and one of the proband's
    best comp-het partner (relatives' phase is not checked); hemizygous males on X: one copy.
    """
    recessive = mode in (AUTOSOMAL_RECESSIVE, X_LINKED_RECESSIVE, X_LINKED)

    def pos(sid: str) -> bool | None:
        if not recessive or hemizygous(rec, ped, sid, build):
            return _carr(rec, sid)
        d = _dose(rec, ped, sid, build)
        if d == 2:
            return True
        if partner is None:
            return None if d is None else False
        dp = _dose(partner, ped, sid, build)
        if d == 0 or dp == 0:
            return False
        if d is None or dp is None:
            return None
        return True

    return pos


def segregation(
    mode: str,
    proband: str,
    ped: Pedigree,
    affection: Mapping[str, Affection],
    positive: Callable[[str], bool | None],
    rec: VariantRecord,
    build: str,
) -> Segregation:
    """Counts over people with a known genotype and a known affection for the disease.

    Informative meioses (adapted from Jarvik & Browning 2016, AJHG 98:1077, PMID 27236918):

    - dominant modes (AD, XLD): transmissions from a genotype-positive, affected parent to a child
      other than the proband whose genotype and affection are known and consistent with
      co-segregation (affected carrier, or unaffected non-carrier). The proband's own meiosis
      is not counted (ascertainment). For XLD a father transmits X to daughters only.
    - AR: affected full siblings of the proband who share the proband's biallelic genotype.
    - XLR / X-linked: sons (other than the proband) of a heterozygous mother, genotype and
      affection known and consistent (affected hemizygous or unaffected non-carrier).
    - mitochondrial / unknown mode: null (not determined).
    """
    seg = Segregation()
    for sid in ped.people:
        aff = affection.get(sid, "unknown")
        p = positive(sid)
        if aff == "unknown" or p is None:
            continue
        if aff == "affected":
            if p:
                seg.affected_carriers += 1
            else:
                seg.affected_noncarriers += 1
        elif p:
            seg.unaffected_carriers += 1
        else:
            seg.unaffected_noncarriers += 1

    def consistent(child: str) -> bool:
        a, p = affection.get(child, "unknown"), positive(child)
        return (a == "affected" and p is True) or (a == "unaffected" and p is False)

    n = 0
    if mode in (AUTOSOMAL_DOMINANT, X_LINKED_DOMINANT):
        for parent in ped.people:
            if positive(parent) is not True or affection.get(parent) != "affected":
                continue
            for child in ped.children(parent):
                if child == proband:
                    continue
                if (mode == X_LINKED_DOMINANT and is_x_nonpar(rec, build)
                        and ped.people[parent].sex == "male"
                        and ped.people[child].sex != "female"):
                    continue
                n += consistent(child)
    elif mode == AUTOSOMAL_RECESSIVE:
        n = sum(1 for s in ped.siblings(proband)
                if affection.get(s) == "affected" and positive(s) is True)
    elif mode in (X_LINKED_RECESSIVE, X_LINKED):
        for mother in ped.people:
            if ped.people[mother].sex != "female" or _dose(rec, ped, mother, build) != 1:
                continue
            for child in ped.children(mother):
                if child != proband and ped.people[child].sex == "male":
                    n += consistent(child)
    else:
        seg.informative_meioses = None
        return seg
    seg.informative_meioses = n
    return seg


# --------------------------------------------------------------------------- Mendelian checks


def mendelian_warnings(rec: VariantRecord, ped: Pedigree, build: str) -> list[str]:
    """Children whose known genotype cannot come from their parents' known genotypes.

    A heterozygous child of two non-carriers is a de novo candidate, not reported here.
    """
    out: list[str] = []
    for sid in ped.people:
        father, mother = ped.parents(sid)
        d = _dose(rec, ped, sid, build)
        if d is None:
            continue
        df, dm = _dose(rec, ped, father, build), _dose(rec, ped, mother, build)
        problem = None
        if hemizygous(rec, ped, sid, build):
            if dm == 2 and d == 0:
                problem = "male non-carrier of a homozygous mother"
        else:
            for par, dpar, role in ((father, df, "father"), (mother, dm, "mother")):
                if dpar is None:
                    continue
                hemi_par = par is not None and hemizygous(rec, ped, par, build)
                full = 1 if hemi_par else 2
                if d == 2 and dpar == 0:
                    problem = f"homozygous but the {role} does not carry it " \
                              "(uniparental disomy or a deletion?)"
                elif d == 0 and dpar == full and not hemi_par:
                    problem = f"does not carry it but the {role} is homozygous"
                elif d == 0 and dpar == 1 and hemi_par and ped.people[sid].sex == "female":
                    problem = "female non-carrier of a hemizygous father"
        if problem:
            out.append(f"Mendelian inconsistency at {rec.key}: {sid} is {problem}")
    return out


# --------------------------------------------------------------------------- stage entry


def _zygosity(rec: VariantRecord, proband: str, ped: Pedigree, build: str) -> str:
    if hemizygous(rec, ped, proband, build):
        return "hemizygous"
    d = _dose(rec, ped, proband, build)
    return {2: "homozygous", 1: "heterozygous"}.get(d if d is not None else -1,
                                                    "carrying one called copy (other allele "
                                                    "not called)")


ORIGIN_TEXT = {
    "maternal": "inherited from the mother",
    "paternal": "inherited from the father",
    "de_novo": "absent from both parents (de novo)",
    "biparental": "inherited from both parents",
    "unknown": "origin not determined",
}




def position_key(rec: VariantRecord) -> tuple[int, str, int, str, str]:
    """Natural genome order (:func:`dualdx.core.model.chrom_rank`), then position and alleles."""
    rank, name = chrom_rank(rec.chrom)
    return (rank, name, rec.pos, rec.ref, rec.alt)


def _sort_key(row: Mapping[str, Any], order: Mapping[str, int]) -> tuple[Any, ...]:
    return (order[row["variant"]], row["disease_id"], row["disease_mode"])


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
    """The inheritance.json document for trusted-filtered ``(record, gene)`` pairs.

    ``pairable``: keys of the variants that may form compound-heterozygous pairs (``None``: all).
    A variant outside it still gets its single-variant label (``carrier``, ``dominant``, ...).
    """
    warnings: list[str] = []
    genes_map: Mapping[str, Sequence[str]] = knowledge.get("genes") or {}
    diseases: Mapping[str, Mapping[str, Any]] = knowledge.get("diseases") or {}
    terms_db: Mapping[str, Mapping[str, Any]] = knowledge.get("terms") or {}

    recs: list[tuple[VariantRecord, str | None, list[str]]] = []
    for rec, gene in variants:
        t, changed = apply_trust(rec, thresholds)
        recs.append((t, gene, changed))

    # phenotypes of people outside this family are ignored (cohort runs pass every family's)
    for sid, terms in sorted(phenotypes.items()):
        missing = sorted({x for x in terms if x not in terms_db})
        if missing and sid in ped.people:
            warnings.append(f"HPO terms of {sid} not in knowledge.json (matched exactly only): "
                            + ", ".join(missing))

    x_calls: dict[str, list[Call]] = defaultdict(list)
    for rec, _, _ in recs:
        if is_x_nonpar(rec, build):
            for s, c in rec.calls.items():
                x_calls[s].append(c)
        warnings.extend(mendelian_warnings(rec, ped, build))
    warnings.extend(check_sex_from_genotypes(ped, x_calls))

    by_gene: dict[str, list[VariantRecord]] = defaultdict(list)
    for rec, gene, _ in recs:
        if gene and (pairable is None or rec.key in pairable):
            by_gene[gene].append(rec)
    partners: dict[str, list[tuple[str, PairPhase]]] = defaultdict(list)
    for gene_recs in by_gene.values():
        for ka, kb, pp in compound_het_pairs(gene_recs, proband, ped, build):
            partners[ka].append((kb, pp))
            partners[kb].append((ka, pp))
            if pp.phase == "unknown" and pp.basis.startswith("parents say"):
                warnings.append(f"phase of {ka} and {kb}: {pp.basis}")
    rec_by_key = {r.key: r for r, _, _ in recs}

    disease_ids = sorted({d for g in genes_map.values() for d in g if d in diseases})
    affection = {
        d: affection_for_disease(ped, phenotypes, list(diseases[d].get("terms") or []), terms_db)
        for d in disease_ids
    }
    no_disease: set[str] = set()
    rows: list[dict[str, Any]] = []
    order: dict[str, int] = {}
    for rec, gene, changed in sorted(recs, key=lambda x: position_key(x[0])):
        order.setdefault(rec.key, len(order))
        if not gene or not genes_map.get(gene):
            if gene:
                no_disease.add(gene)
            continue
        best = best_partner(partners.get(rec.key, []))
        for did in genes_map[gene]:
            dis = diseases.get(did)
            if dis is None:
                warnings.append(f"knowledge.json links {gene} to {did}, which has no entry in "
                                "'diseases': not assessed")
                continue
            name = f"{dis.get('name') or did} ({did})"
            modes = [m for m in (dis.get("modes") or []) if isinstance(m, str)] or ["unknown"]
            for mode in sorted(set(modes)):
                mc = mode_call(mode, rec, proband, ped, best, name, gene, build)
                org: Origin | None = origin(rec, proband, ped, build) \
                    if _carr(rec, proband) else None
                partner_rec = rec_by_key.get(mc.partner) if mc.partner else None
                pos = positive_fn(mode, rec, partner_rec, ped, build)
                seg = segregation(mode, proband, ped, affection[did], pos, rec, build)
                if mc.label is None:
                    expl = mc.note[0].upper() + mc.note[1:] + "."
                else:
                    expl = (f"{_zygosity(rec, proband, ped, build).capitalize()}, "
                            f"{ORIGIN_TEXT[org or 'unknown']}; {mc.note}")
                    unaff = sorted(s for s in ped.people if s != proband
                                   and affection[did].get(s) == "unaffected" and pos(s) is True)
                    if mc.qualifies and unaff:
                        expl += f"; also present in unaffected {', '.join(unaff)}"
                    expl += "."
                rows.append({
                    "variant": rec.key,
                    "gene": gene,
                    "disease_id": did,
                    "disease_name": dis.get("name"),
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
                    "explanation": expl,
                    "segregation": seg.to_dict(),
                    "genotypes": {s: c.gt for s, c in sorted(rec.calls.items())},
                    "untrusted": changed,
                })
    for g in sorted(no_disease):
        warnings.append(f"gene {g} has no disease in knowledge.json: inheritance not assessed")
    rows.sort(key=lambda r: _sort_key(r, order))
    return {
        "family": ped.family_id,
        "proband": proband,
        "genome_build": build,
        "thresholds": asdict(thresholds),
        "warnings": warnings,
        "affected_by_disease": {
            d: sorted(s for s, a in affection[d].items() if a == "affected") for d in disease_ids
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


def _can_cause_disease(variant: Mapping[str, Any]) -> bool:
    """Protein/splice-altering consequence, or a ClinVar P/LP assertion (annotations.json)."""
    from dualdx.annotation.consequence import is_functional

    csq = (variant.get("consequence") or {}).get("consequence")
    sig = str((variant.get("clinvar") or {}).get("significance") or "").lower()
    return is_functional(csq) or ("pathogenic" in sig and "conflicting" not in sig)


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
    variants and small-variant calls inside deletions are read with the copy number
    (:mod:`dualdx.interpretation.copy_number`).

    Comp-het pairs: pairs of heterozygous variants of one gene, among the variants that can
    plausibly cause disease: a protein- or splice-altering consequence
    (:func:`dualdx.annotation.consequence.is_functional`) or a ClinVar Pathogenic/Likely pathogenic assertion.
    A deep intronic or UTR background variant never becomes a "second hit" (classification runs
    later; the diagnosis stage also drops pairs with a benign partner). Each row's ``partner`` is its best
    partner (trans > unknown phase > cis, then key); ``partners`` lists every partner whose pair
    has that same phase, so the row's label holds for each listed pair; ``partner_phases`` gives
    every partner with its phase and the basis of the phase. The diagnosis stage decides which
    pairs count. A disease with several modes gets one row per mode (key: variant, disease_id,
    disease_mode).
    """
    ann = read_json_object(annotations_json, "annotations.json")
    knowledge = read_json_object(knowledge_json, "knowledge.json")
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
    samples = [str(s) for s in ann.get("samples") or []]
    pb = ped.proband(typed=samples or None)
    build = str(ann.get("genome_build") or "GRCh38")
    if build not in PAR:
        raise InputError(annotations_json, f"unknown genome_build {build!r}",
                         "use GRCh38 or GRCh37", where="genome_build")
    variants: list[tuple[VariantRecord, str | None]] = []
    pairable: set[str] = set()
    for i, v in enumerate(ann.get("variants") or []):
        if _can_cause_disease(v):
            pairable.add(str(v.get("key")))
        try:
            rec = VariantRecord.from_dict(v)
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(annotations_json, f"malformed variant record ({e!r})",
                             "re-run annotate_variants", where=f"variants[{i}]") from None
        variants.append((rec, v.get("gene")))
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
    if cn is not None:  # cnv hook: explain the copy-number readings in the rows
        cn.annotate(doc)
    for s in samples:
        if s not in ped.people:
            doc["warnings"].append(f"VCF sample {s} is not in family {family} of the PED: ignored")
    for w in doc["warnings"]:
        log.warning(w)
    log.info("inheritance: %d rows for %d variants, proband %s", len(doc["calls"]),
             len(variants), pb)
    atomic.write_text(out_json, json.dumps(doc, indent=2, sort_keys=False) + "\n")
    atomic.write_text(out_tsv, to_tsv(doc))


__all__ = [
    "PAR", "Label", "Origin", "PairPhase", "Phase", "Segregation", "TrustThresholds",
    "affection_for_disease", "apply_trust", "assign_inheritance", "compound_het_pairs",
    "is_carrier", "is_de_novo", "is_dominant", "is_recessive_homozygous", "is_x_linked_dominant",
    "is_x_linked_recessive", "mode_call", "origin", "phase_pair", "phenotype_matches",
    "run_assign_inheritance", "segregation", "trusted",
]
