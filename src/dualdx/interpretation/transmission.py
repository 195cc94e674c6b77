"""Transmission from parents to children: de novo, parental origin, Mendelian inconsistencies.

Calls must already be the ones the interpretation uses (:func:`dualdx.interpretation.quality.
apply_trust`): an untrusted call has unknown alleles, never reference, so a parent whose ``0/0``
is not trusted (low depth, or ALT reads that suggest mosaicism or a missed heterozygote) never
makes a variant a confirmed de novo.
"""

from __future__ import annotations

from typing import Literal

from dualdx.core.caveats import Caveat
from dualdx.core.model import VariantRecord
from dualdx.inputs.pedigree import Pedigree
from dualdx.interpretation.zygosity import hemizygous, person_carries, person_dosage

Origin = Literal["maternal", "paternal", "de_novo", "biparental", "unknown"]

ORIGIN_TEXT = {
    "maternal": "inherited from the mother",
    "paternal": "inherited from the father",
    "de_novo": "absent from both parents (de novo)",
    "biparental": "inherited from both parents",
    "unknown": "origin not determined",
}


def is_de_novo(rec: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38") -> bool:
    """The proband carries the ALT and every parent who could transmit it is typed and lacks it.

    Autosomes and females on X: both parents must be in the pedigree with known non-carrier
    calls. A male on X outside the PARs inherits X from the mother only: she must be typed and
    lack it. A missing parent or genotype means "not determined" -> False (never assumed).
    """
    if not person_carries(rec, proband):
        return False
    father, mother = ped.parents(proband)
    if hemizygous(rec, ped, proband, build):
        return person_carries(rec, mother) is False
    return person_carries(rec, father) is False and person_carries(rec, mother) is False


def origin(rec: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38") -> Origin:
    """Where the proband's ALT allele(s) came from, as far as the typed parents tell.

    - two copies and both parents carry -> ``biparental``;
    - one parent carries and the other is typed without it -> that parent (also for a
      homozygous proband: then a Mendelian inconsistency is reported separately);
    - neither parent carries (both typed) -> ``de_novo``; for a hemizygous male only the mother
      matters;
    - anything else (a parent untyped, both parents het with a het proband) -> ``unknown``.
    """
    if not person_carries(rec, proband):
        return "unknown"
    father, mother = ped.parents(proband)
    cm = person_carries(rec, mother)
    if hemizygous(rec, ped, proband, build):
        return "maternal" if cm else ("de_novo" if cm is False else "unknown")
    cf = person_carries(rec, father)
    if person_dosage(rec, ped, proband, build) == 2 and cf and cm:
        return "biparental"
    if cf and cm is False:
        return "paternal"
    if cm and cf is False:
        return "maternal"
    if cf is False and cm is False:
        return "de_novo"
    return "unknown"


def mendelian_caveats(rec: VariantRecord, ped: Pedigree, build: str,
                      stage: str = "assign_inheritance") -> list[Caveat]:
    """Children whose known genotype cannot come from their parents' known genotypes.

    A heterozygous child of two non-carriers is a de novo candidate, not reported here.
    """
    out: list[Caveat] = []
    for sid in ped.people:
        father, mother = ped.parents(sid)
        d = person_dosage(rec, ped, sid, build)
        if d is None:
            continue
        df, dm = person_dosage(rec, ped, father, build), person_dosage(rec, ped, mother, build)
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
            out.append(Caveat("mendelian_inconsistency",
                              f"Mendelian inconsistency at {rec.key}: {sid} is {problem}",
                              "caution", stage, variants=(rec.key,), samples=(sid,)))
    return out


__all__ = ["ORIGIN_TEXT", "Origin", "is_de_novo", "mendelian_caveats", "origin"]
