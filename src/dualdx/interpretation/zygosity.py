"""Zygosity: how many copies of a chromosome a person has at a position (ploidy, PARs, sex), how
many copies of an ALT allele a call holds, and the words the report uses for it.

The one owner of these decisions: inheritance, quality checks and the report call it
(``tests/unit/test_rule_owners.py`` checks that no other module decides zygosity).

* **Ploidy.** Autosomes and the pseudo-autosomal regions (PAR1, PAR2) are diploid. On X outside
  the PARs a male has one copy, a female two; on Y outside the PARs a male has one, a female none.
  A person whose PED sex is unknown has an *unknown* ploidy there (``None``): nothing is assumed,
  in particular not "female" (the inheritance stage gives X-linked interpretations both ways or
  withholds them). The PAR table and :func:`ploidy` live in :mod:`dualdx.core.genome`, below
  the structural-variant reader (layer 2) that reads copy numbers against them too; this module
  builds every other decision on them.
* **Copies of the ALT.** Allele codes of :class:`dualdx.core.model.Call`: 0 REF, 1 this ALT, -1
  another ALT of a split multiallelic site, None unknown. In a haploid region any ``1`` is one
  copy (``1`` and ``1/1`` alike). A diploid genotype in a haploid region that the quality checks
  leave diploid (``0/1`` in a male on X) is *not* a hemizygote: :func:`describe` calls it a
  heterozygous call where one copy is expected, a QC problem (:mod:`dualdx.interpretation.quality`).
"""

from __future__ import annotations

from dataclasses import replace

from dualdx.core.genome import PAR, in_par, ploidy
from dualdx.core.model import Call, Sex, VariantRecord, normalize_chrom
from dualdx.inputs.pedigree import Pedigree

HOMOZYGOUS = "homozygous"
HETEROZYGOUS = "heterozygous"
HEMIZYGOUS = "hemizygous"
COMPOUND_HETEROZYGOUS = "compound heterozygous"
ABSENT = "absent"
UNKNOWN = "unknown"
ONE_COPY_CALLED = "carrying one called copy (other allele not called)"
HET_IN_HAPLOID = ("heterozygous call where one copy is expected (X outside the PARs in a male): "
                  "QC problem, not a hemizygote")
SEX_UNKNOWN_X = "sex unknown in the PED: one or two X copies"


def is_one_word(reading: str) -> bool:
    """A zygosity reading that is one word (homozygous, heterozygous, hemizygous), as opposed to
    a sentence (a QC problem, an uncalled allele, sex unknown): the report's words need it."""
    return reading in (HOMOZYGOUS, HETEROZYGOUS, HEMIZYGOUS)


def is_x_nonpar(rec: VariantRecord, build: str) -> bool:
    """On X outside the pseudo-autosomal regions."""
    return normalize_chrom(rec.chrom) == "X" and not in_par(rec.chrom, rec.pos, build)


def is_sex_linked(rec: VariantRecord, build: str) -> bool:
    """On X or Y outside the PARs: the copy number depends on sex."""
    return is_x_nonpar(rec, build) or normalize_chrom(rec.chrom) == "Y"


def person_ploidy(rec: VariantRecord, ped: Pedigree, sid: str, build: str) -> int | None:
    """:func:`ploidy` for a pedigree member (a person not in the pedigree: sex unknown)."""
    p = ped.people.get(sid)
    return ploidy(rec.chrom, rec.pos, p.sex if p is not None else "unknown", build)


def hemizygous(rec: VariantRecord, ped: Pedigree, sid: str, build: str) -> bool:
    """One copy of the chromosome at ``rec`` in this person (a male on X/Y outside the PARs)."""
    return person_ploidy(rec, ped, sid, build) == 1


def carries(call: Call | None) -> bool | None:
    """True if any allele is this ALT; False if all alleles are known and none is; else None."""
    if call is None or not call.alleles:
        return None
    if any(a == 1 for a in call.alleles):
        return True
    if any(a is None for a in call.alleles):
        return None
    return False


def dosage(call: Call | None, haploid: bool = False) -> int | None:
    """Copies of this ALT (0, 1, 2); in a haploid region at most 1; None if unknown."""
    c = carries(call)
    if c is None or call is None:
        return None
    if haploid:
        return 1 if c else 0
    if any(a is None for a in call.alleles):
        return None
    return sum(1 for a in call.alleles if a == 1)


def person_dosage(rec: VariantRecord, ped: Pedigree, sid: str | None, build: str) -> int | None:
    """:func:`dosage` of a pedigree member's call at ``rec`` (None for a missing person)."""
    if sid is None:
        return None
    return dosage(rec.calls.get(sid), hemizygous(rec, ped, sid, build))


def person_carries(rec: VariantRecord, sid: str | None) -> bool | None:
    return None if sid is None else carries(rec.calls.get(sid))


def het_in_haploid(call: Call | None, ploidy_: int | None) -> bool:
    """A diploid heterozygous genotype (one ALT, one REF) where one copy is expected."""
    return (ploidy_ == 1 and call is not None and len(call.alleles) == 2
            and sorted(a for a in call.alleles if a is not None) == [0, 1])


def describe(call: Call | None, ploidy_: int | None) -> str:
    """The words for a person's genotype at one variant (``ploidy_`` from :func:`ploidy`)."""
    c = carries(call)
    if call is None or c is None:
        return UNKNOWN
    if not c:
        return ABSENT
    if ploidy_ == 1:
        return HET_IN_HAPLOID if het_in_haploid(call, ploidy_) else HEMIZYGOUS
    n = dosage(call)
    if ploidy_ is None:
        return SEX_UNKNOWN_X if n == 1 else f"{HOMOZYGOUS} or {HEMIZYGOUS} ({SEX_UNKNOWN_X})"
    if n is None:
        return ONE_COPY_CALLED
    if len(call.alleles) == 1:
        return ONE_COPY_CALLED
    return HOMOZYGOUS if n >= 2 else HETEROZYGOUS


#: A person's genotype at one variant as the report's tables name it, and the words for it.
STATE_WORDS: dict[str, str] = {
    "not_tested": "not tested", "no_call": "no call", "not_trusted": "call not trusted (quality)",
    "absent": "does not carry it", "heterozygous": HETEROZYGOUS, "homozygous": HOMOZYGOUS,
    "hemizygous": HEMIZYGOUS,
}
_STATE_OF: dict[str, tuple[str, int | None]] = {
    UNKNOWN: ("no_call", None), ONE_COPY_CALLED: ("no_call", None), ABSENT: ("absent", 0),
    HETEROZYGOUS: ("heterozygous", 1), HOMOZYGOUS: ("homozygous", 2),
    HEMIZYGOUS: ("hemizygous", 1), HET_IN_HAPLOID: ("not_trusted", None),
    SEX_UNKNOWN_X: ("heterozygous", 1),
}


def state(call: Call | None, ploidy_: int | None) -> tuple[str, int | None]:
    """(table state, ALT copies) of :func:`describe`: a heterozygous call where one copy is
    expected is ``not_trusted`` (a QC problem); two copies with the sex unknown on X are
    ``homozygous``."""
    return _STATE_OF.get(describe(call, ploidy_), ("homozygous", 2))


#: A call read on the copy a deletion leaves (:mod:`dualdx.interpretation.copy_number`): the
#: deleted copy is written ``*`` (allele code -1), as VCF writes an allele an overlapping deletion
#: removed.
BESIDE_DELETION = "hemizygous beside a deletion of the other copy"
REF_BESIDE_DELETION = "one reference copy beside a deletion of the other copy"


def describe_beside_deletion(call: Call | None) -> str:
    """Words for a call at a position where the person carries a deletion of one of two copies
    (``1/*``: the variant on the remaining copy; ``0/*``: the reference there)."""
    known = [a for a in (call.alleles if call else ()) if a is not None and a >= 0]
    if 1 in known:
        return BESIDE_DELETION
    if known:
        return REF_BESIDE_DELETION
    return UNKNOWN


def describe_event(words: str, kind: str) -> str:
    """:func:`describe`'s ``words`` for the genotype of a copy-number event taken as one allele
    (``kind``: "deletion" or "duplication"): "heterozygous deletion (one copy)", "homozygous
    deletion (both copies)", "hemizygous deletion"; other words unchanged."""
    return {HETEROZYGOUS: f"{HETEROZYGOUS} {kind} (one copy)",
            HOMOZYGOUS: f"{HOMOZYGOUS} {kind} (both copies)",
            HEMIZYGOUS: f"{HEMIZYGOUS} {kind}"}.get(words, words)


def with_sex(ped: Pedigree, sid: str, sex: Sex) -> Pedigree:
    """A copy of ``ped`` in which ``sid`` has ``sex`` (to read a genotype under each assumption
    when the PED sex is unknown)."""
    people = dict(ped.people)
    people[sid] = replace(people[sid], sex=sex)
    return replace(ped, people=people)


__all__ = [
    "ABSENT", "BESIDE_DELETION", "COMPOUND_HETEROZYGOUS", "HEMIZYGOUS", "HETEROZYGOUS",
    "HET_IN_HAPLOID", "HOMOZYGOUS", "ONE_COPY_CALLED", "PAR", "REF_BESIDE_DELETION",
    "SEX_UNKNOWN_X", "UNKNOWN", "carries", "describe", "describe_beside_deletion",
    "describe_event", "dosage", "hemizygous", "het_in_haploid", "in_par", "is_sex_linked",
    "is_x_nonpar", "person_carries", "person_dosage", "person_ploidy", "ploidy", "with_sex",
]
