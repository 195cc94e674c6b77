"""Combining ACMG/AMP criteria into a class: two named, versioned rule sets.

``acmg2015``: the combining rules of Richards et al. 2015 (Table 5). Criteria count at the
strength they are applied (PM2_Supporting counts as a Supporting criterion, PVS1_Strong as a
Strong one); a stronger criterion may fill a slot that asks for a weaker one (two Very strong
criteria satisfy "≥2 Strong"). When the pathogenic criteria reach Likely pathogenic or Pathogenic
and the benign criteria reach Likely benign or Benign, the evidence conflicts: Uncertain
significance. BA1 alone makes a variant Benign.

``clingen_points_2020``: the points of Tavtigian et al. 2020 (Very strong 8, Strong 4, Moderate 2,
Supporting 1; benign criteria negative): Pathogenic ≥10, Likely pathogenic 6–9, Uncertain
significance 0–5, Likely benign −1 to −6, Benign ≤−7. BA1 makes a variant Benign regardless.

Both return the Tavtigian points sum beside the class (BA1 counted −8 for display).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dualdx.interpretation.acmg.criteria import STRENGTH_RANK, Criterion

PATHOGENIC = "Pathogenic"
LIKELY_PATHOGENIC = "Likely pathogenic"
UNCERTAIN = "Uncertain significance"
LIKELY_BENIGN = "Likely benign"
BENIGN = "Benign"
CLASSES = (PATHOGENIC, LIKELY_PATHOGENIC, UNCERTAIN, LIKELY_BENIGN, BENIGN)

RULESETS: dict[str, str] = {
    "acmg2015": "Richards et al. 2015, PMID 25741868",
    "clingen_points_2020": "Tavtigian et al. 2020, PMID 32720330",
}

VS, S, M, P = 4, 3, 2, 1  # STRENGTH_RANK values

#: Richards et al. 2015 Table 5, as (rule name, strengths required).
PATHOGENIC_RULES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("P(i)(a) 1 Very strong + ≥1 Strong", (VS, S)),
    ("P(i)(b) 1 Very strong + ≥2 Moderate", (VS, M, M)),
    ("P(i)(c) 1 Very strong + 1 Moderate + 1 Supporting", (VS, M, P)),
    ("P(i)(d) 1 Very strong + ≥2 Supporting", (VS, P, P)),
    ("P(ii) ≥2 Strong", (S, S)),
    ("P(iii)(a) 1 Strong + ≥3 Moderate", (S, M, M, M)),
    ("P(iii)(b) 1 Strong + 2 Moderate + ≥2 Supporting", (S, M, M, P, P)),
    ("P(iii)(c) 1 Strong + 1 Moderate + ≥4 Supporting", (S, M, P, P, P, P)),
)
LIKELY_PATHOGENIC_RULES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("LP(i) 1 Very strong + 1 Moderate", (VS, M)),
    ("LP(ii) 1 Strong + 1–2 Moderate", (S, M)),
    ("LP(iii) 1 Strong + ≥2 Supporting", (S, P, P)),
    ("LP(iv) ≥3 Moderate", (M, M, M)),
    ("LP(v) 2 Moderate + ≥2 Supporting", (M, M, P, P)),
    ("LP(vi) 1 Moderate + ≥4 Supporting", (M, P, P, P, P)),
)
BENIGN_RULES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("B(i) 1 Stand-alone", (5,)),
    ("B(ii) ≥2 Strong", (S, S)),
)
LIKELY_BENIGN_RULES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("LB(i) 1 Strong + 1 Supporting", (S, P)),
    ("LB(ii) ≥2 Supporting", (P, P)),
)


def satisfies(have: Sequence[int], need: Sequence[int]) -> bool:
    """True when the strengths ``have`` can fill every slot of ``need`` (a stronger criterion may
    fill a weaker slot). Both are strength ranks; checked by sorting both strongest first."""
    h = sorted(have, reverse=True)
    n = sorted(need, reverse=True)
    return len(h) >= len(n) and all(a >= b for a, b in zip(h, n, strict=False))


def _first_rule(have: Sequence[int],
                rules: Iterable[tuple[str, tuple[int, ...]]]) -> str | None:
    for name, need in rules:
        if satisfies(have, need):
            return name
    return None


def points(criteria: Iterable[Criterion]) -> int:
    return sum(c.points for c in criteria)


def class_from_points(total: int) -> str:
    if total >= 10:
        return PATHOGENIC
    if total >= 6:
        return LIKELY_PATHOGENIC
    if total >= 0:
        return UNCERTAIN
    if total >= -6:
        return LIKELY_BENIGN
    return BENIGN


def acmg2015_class(criteria: Sequence[Criterion]) -> tuple[str, str | None]:
    """(class, the Table 5 rule that decided it, or why it is uncertain)."""
    if any(c.code == "BA1" for c in criteria):
        return BENIGN, "B(i) 1 Stand-alone"
    path = [STRENGTH_RANK[c.strength] for c in criteria if c.direction == "pathogenic"]
    ben = [STRENGTH_RANK[c.strength] for c in criteria if c.direction == "benign"]
    p_rule = _first_rule(path, PATHOGENIC_RULES)
    lp_rule = None if p_rule else _first_rule(path, LIKELY_PATHOGENIC_RULES)
    b_rule = _first_rule(ben, BENIGN_RULES)
    lb_rule = None if b_rule else _first_rule(ben, LIKELY_BENIGN_RULES)
    if (p_rule or lp_rule) and (b_rule or lb_rule):
        return UNCERTAIN, f"conflicting: {p_rule or lp_rule} and {b_rule or lb_rule}"
    if p_rule:
        return PATHOGENIC, p_rule
    if lp_rule:
        return LIKELY_PATHOGENIC, lp_rule
    if b_rule:
        return BENIGN, b_rule
    if lb_rule:
        return LIKELY_BENIGN, lb_rule
    return UNCERTAIN, None


def combine(criteria: list[Criterion], ruleset: str) -> tuple[str, int]:
    """(ACMG class, Tavtigian points) for the criteria met under ``ruleset`` (see RULESETS)."""
    if ruleset not in RULESETS:
        raise ValueError(f"unknown ACMG rule set {ruleset!r}; known: {', '.join(RULESETS)}")
    total = points(criteria)
    if ruleset == "acmg2015":
        return acmg2015_class(criteria)[0], total
    if any(c.code == "BA1" for c in criteria):
        return BENIGN, total
    return class_from_points(total), total
