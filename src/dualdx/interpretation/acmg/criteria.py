"""ACMG/AMP criteria as small pure functions over one variant's evidence.

Every criterion function takes a :class:`VariantEvidence` and returns

* a :class:`Criterion` when the criterion is met (with the strength it is applied at and one
  sentence of evidence),
* ``None`` when it was evaluated and is not met (or does not apply to this kind of variant),
* a :class:`NotEvaluated` when the data needed to decide is missing (never guessed).

They live by kind: population data (:mod:`.population`), the kind of variant
(:mod:`.variant_type`), computational predictions (:mod:`.computational`), the family and the
phenotype (:mod:`.family`); the shapes they share in :mod:`.evidence`. This module holds the rule
table and applies it.

ClinGen SVI refinements implemented (see README "How variants are classified"):
PVS1 decision tree (Abou Tayoun et al. 2018, PMID 30192042) as far as the transcript facts allow;
PM2 at Supporting (SVI 2020); PM3 points (SVI PM3 v1.0); PS2/PM6 points (SVI de novo v1.1);
PP1 by informative meioses (Jarvik & Browning 2016, PMID 27236918); PP3/BP4 with the calibrated
REVEL/CADD thresholds of Pejaver et al. 2022 (PMID 36413997) and SpliceAI thresholds of the SVI
splicing subgroup (Walker et al. 2023, PMID 37352859). ClinVar's own assertion for the variant is
never a criterion (PP5/BP6 are retired by ClinGen SVI).
"""

from __future__ import annotations

from collections.abc import Callable

from dualdx.interpretation.acmg.computational import bp4, pp3
from dualdx.interpretation.acmg.evidence import (
    CLINVAR_MIN_STARS,
    DEFAULT_BS2_NHOMALT,
    DEFAULT_STRENGTH,
    STRENGTH_RANK,
    ClinVarNeighbour,
    Criterion,
    Direction,
    GeneSettings,
    InheritanceCall,
    NotEvaluated,
    Outcome,
    PartnerEvidence,
    Strength,
    VariantEvidence,
    consequence_terms,
)
from dualdx.interpretation.acmg.family import bs4, pm3, pp1, pp4, ps2_pm6
from dualdx.interpretation.acmg.population import ba1, bs1, bs2, bs2_family, bs2_gnomad, pm2
from dualdx.interpretation.acmg.variant_type import bp3, bp7, pm4, pm5, ps1, pvs1
from dualdx.interpretation.segregation import Segregation

Rule = Callable[[VariantEvidence], Outcome]

#: Every criterion evaluated, in report order. PM3 is last: it needs the partners' classes.
RULES: tuple[tuple[str, Rule], ...] = (
    ("PVS1", pvs1), ("PS1", ps1), ("PS2/PM6", ps2_pm6), ("PM2", pm2), ("PM4", pm4),
    ("PM5", pm5), ("PP1", pp1), ("PP3", pp3), ("PP4", pp4),
    ("BA1", ba1), ("BS1", bs1), ("BS2", bs2), ("BS4", bs4), ("BP3", bp3), ("BP4", bp4),
    ("BP7", bp7), ("PM3", pm3),
)


def evaluate(ev: VariantEvidence, with_pm3: bool = True) -> tuple[list[Criterion],
                                                                  list[NotEvaluated]]:
    """Apply every rule; return (criteria met, criteria not evaluated)."""
    met: list[Criterion] = []
    not_eval: list[NotEvaluated] = []
    for name, rule in RULES:
        if name == "PM3" and not with_pm3:
            continue
        out = rule(ev)
        if isinstance(out, Criterion):
            met.append(out)
        elif isinstance(out, NotEvaluated):
            not_eval.append(out)
    return sort_criteria(met), not_eval


def sort_criteria(criteria: list[Criterion]) -> list[Criterion]:
    """Pathogenic first, then strongest first, then by code."""
    return sorted(criteria, key=lambda c: (c.direction != "pathogenic",
                                           -STRENGTH_RANK[c.strength], c.code))



__all__ = [
    "CLINVAR_MIN_STARS", "DEFAULT_BS2_NHOMALT", "DEFAULT_STRENGTH", "RULES", "STRENGTH_RANK",
    "ClinVarNeighbour", "Criterion", "Direction", "GeneSettings", "InheritanceCall",
    "NotEvaluated", "Outcome", "PartnerEvidence", "Rule", "Segregation", "Strength",
    "VariantEvidence", "ba1", "bp3", "bp4", "bp7", "bs1", "bs2", "bs2_family", "bs2_gnomad", "bs4",
    "consequence_terms", "evaluate", "pm2", "pm3", "pm4", "pm5", "pp1", "pp3", "pp4", "ps1",
    "ps2_pm6", "pvs1", "sort_criteria",
]
