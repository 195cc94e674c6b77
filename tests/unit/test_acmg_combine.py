"""Combining rules: every Richards 2015 Table 5 rule (met, and one criterion short) and the
Tavtigian 2020 points boundaries."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualdx.interpretation.acmg.combine import (
    BENIGN,
    CLASSES,
    LIKELY_BENIGN,
    LIKELY_PATHOGENIC,
    PATHOGENIC,
    RULESETS,
    UNCERTAIN,
    acmg2015_class,
    class_from_points,
    combine,
    satisfies,
)
from dualdx.interpretation.acmg.criteria import Criterion

_PATH_CODES = {"VS": ["PVS1"], "S": ["PS1", "PS2", "PS3", "PS4"],
               "M": ["PM1", "PM2", "PM3", "PM4", "PM5", "PM6"],
               "P": ["PP1", "PP2", "PP3", "PP4"]}
_STRENGTH = {"VS": "Very strong", "S": "Strong", "M": "Moderate", "P": "Supporting"}


def crits(spec: str) -> list[Criterion]:
    """'VS S M M P' pathogenic, 'BA BS BP' benign; codes are the default ones of each level."""
    out: list[Criterion] = []
    counters: dict[str, itertools.count[int]] = {}
    for tok in spec.split():
        if tok == "BA":
            out.append(Criterion("BA1", "Stand-alone", "benign", "test"))
        elif tok == "BS":
            out.append(Criterion("BS1", "Strong", "benign", "test"))
        elif tok == "BP":
            out.append(Criterion("BP4", "Supporting", "benign", "test"))
        else:
            i = next(counters.setdefault(tok, itertools.count()))
            codes = _PATH_CODES[tok]
            out.append(Criterion(codes[i % len(codes)], _STRENGTH[tok], "pathogenic", "test"))  # type: ignore[arg-type]
    return out


# (rule, criteria meeting it exactly, expected, one criterion short, expected then)
RICHARDS_ROWS = [
    ("P(i)(a)", "VS S", PATHOGENIC, "VS", UNCERTAIN),
    ("P(i)(b)", "VS M M", PATHOGENIC, "VS M", LIKELY_PATHOGENIC),
    ("P(i)(c)", "VS M P", PATHOGENIC, "VS P", UNCERTAIN),
    ("P(i)(d)", "VS P P", PATHOGENIC, "VS P", UNCERTAIN),
    ("P(ii)", "S S", PATHOGENIC, "S", UNCERTAIN),
    ("P(iii)(a)", "S M M M", PATHOGENIC, "S M M", LIKELY_PATHOGENIC),
    ("P(iii)(b)", "S M M P P", PATHOGENIC, "S M M P", LIKELY_PATHOGENIC),
    ("P(iii)(c)", "S M P P P P", PATHOGENIC, "S M P P P", LIKELY_PATHOGENIC),
    ("LP(i)", "VS M", LIKELY_PATHOGENIC, "VS", UNCERTAIN),
    ("LP(ii)", "S M", LIKELY_PATHOGENIC, "S", UNCERTAIN),
    ("LP(ii) two moderate", "S M M", LIKELY_PATHOGENIC, "M M", UNCERTAIN),
    ("LP(iii)", "S P P", LIKELY_PATHOGENIC, "S P", UNCERTAIN),
    ("LP(iv)", "M M M", LIKELY_PATHOGENIC, "M M", UNCERTAIN),
    ("LP(v)", "M M P P", LIKELY_PATHOGENIC, "M M P", UNCERTAIN),
    ("LP(vi)", "M P P P P", LIKELY_PATHOGENIC, "M P P P", UNCERTAIN),
    ("B(i)", "BA", BENIGN, "", UNCERTAIN),
    ("B(ii)", "BS BS", BENIGN, "BS", UNCERTAIN),
    ("LB(i)", "BS BP", LIKELY_BENIGN, "BS", UNCERTAIN),
    ("LB(ii)", "BP BP", LIKELY_BENIGN, "BP", UNCERTAIN),
]


@pytest.mark.parametrize(("rule", "met", "cls", "short", "short_cls"), RICHARDS_ROWS,
                         ids=[r[0] for r in RICHARDS_ROWS])
def test_acmg2015_each_rule_and_one_short(rule: str, met: str, cls: str, short: str,
                                          short_cls: str) -> None:
    got, why = acmg2015_class(crits(met))
    assert got == cls
    assert why is not None and why.startswith(rule.split()[0])
    assert combine(crits(met), "acmg2015")[0] == cls
    assert combine(crits(short), "acmg2015")[0] == short_cls


@pytest.mark.parametrize(("spec", "cls"), [
    ("VS S BS BP", UNCERTAIN),  # P and LB reached: conflicting
    ("S M BP BP", UNCERTAIN),  # LP and LB reached
    ("VS S BP", PATHOGENIC),  # one benign supporting reaches no benign class
    ("BS BS P", BENIGN),  # one pathogenic supporting reaches no pathogenic class
    ("VS S BA", BENIGN),  # BA1 is stand-alone
])
def test_acmg2015_conflicting_evidence(spec: str, cls: str) -> None:
    assert combine(crits(spec), "acmg2015")[0] == cls


def test_acmg2015_counts_modified_strengths_at_applied_strength() -> None:
    pvs1_strong = Criterion("PVS1", "Strong", "pathogenic", "escapes NMD")
    pm2_sup = Criterion("PM2", "Supporting", "pathogenic", "absent")
    pp3 = Criterion("PP3", "Supporting", "pathogenic", "REVEL")
    pvs1 = Criterion("PVS1", "Very strong", "pathogenic", "NMD")
    # PVS1_Strong + PM2_Supporting: 1 Strong + 1 Supporting -> nothing (needs 2 Supporting)
    assert combine([pvs1_strong, pm2_sup], "acmg2015") == (UNCERTAIN, 5)
    # PVS1_Strong + PM2_Supporting + PP3: LP(iii) 1 Strong + 2 Supporting
    assert combine([pvs1_strong, pm2_sup, pp3], "acmg2015") == (LIKELY_PATHOGENIC, 6)
    # PVS1 + PM2_Supporting + PP3: P(i)(d)
    assert combine([pvs1, pm2_sup, pp3], "acmg2015") == (PATHOGENIC, 10)
    # a PM2 at Supporting does not count as Moderate: PVS1 + PM2_Supporting is VUS under 2015
    assert combine([pvs1, pm2_sup], "acmg2015")[0] == UNCERTAIN
    # ... while the points system calls it LP (9 points)
    assert combine([pvs1, pm2_sup], "clingen_points_2020") == (LIKELY_PATHOGENIC, 9)


def test_two_very_strong_fill_two_strong_slots() -> None:
    ps2_vs = Criterion("PS2", "Very strong", "pathogenic", "x")
    pvs1 = Criterion("PVS1", "Very strong", "pathogenic", "x")
    assert combine([pvs1, ps2_vs], "acmg2015")[0] == PATHOGENIC


def _points_spec(total: int) -> str:
    """Criteria summing to ``total`` points (pathogenic 4/1, benign -4/-1)."""
    toks: list[str] = []
    n = abs(total)
    big, small = ("S", "P") if total >= 0 else ("BS", "BP")
    toks += [big] * (n // 4) + [small] * (n % 4)
    return " ".join(toks)


@pytest.mark.parametrize(("total", "cls"), [
    (10, PATHOGENIC), (9, LIKELY_PATHOGENIC), (6, LIKELY_PATHOGENIC), (5, UNCERTAIN),
    (0, UNCERTAIN), (-1, LIKELY_BENIGN), (-6, LIKELY_BENIGN), (-7, BENIGN),
])
def test_points_boundaries(total: int, cls: str) -> None:
    cs = crits(_points_spec(total))
    assert sum(c.points for c in cs) == total
    assert combine(cs, "clingen_points_2020") == (cls, total)
    assert class_from_points(total) == cls


def test_points_mixed_evidence_sums() -> None:
    # PVS1 (8) + PM2_Supporting (1) + BS1 (-4) = 5 -> VUS; acmg2015 calls it VUS too
    cs = [Criterion("PVS1", "Very strong", "pathogenic", "x"),
          Criterion("PM2", "Supporting", "pathogenic", "x"),
          Criterion("BS1", "Strong", "benign", "x")]
    assert combine(cs, "clingen_points_2020") == (UNCERTAIN, 5)
    # zero-sum conflicting evidence is VUS
    assert combine(crits("S BS"), "clingen_points_2020") == (UNCERTAIN, 0)


def test_ba1_is_benign_under_points_even_with_pathogenic_evidence() -> None:
    cs = crits("VS S S BA")
    assert combine(cs, "clingen_points_2020") == (BENIGN, 8)


def test_unknown_ruleset_rejected() -> None:
    with pytest.raises(ValueError, match="unknown ACMG rule set"):
        combine([], "acmg2099")
    assert set(RULESETS) == {"acmg2015", "clingen_points_2020"}
    assert "25741868" in RULESETS["acmg2015"] and "32720330" in RULESETS["clingen_points_2020"]


def test_satisfies_lets_stronger_fill_weaker_but_not_reverse() -> None:
    assert satisfies([4, 3], [3, 3])
    assert not satisfies([3, 2], [3, 3])
    assert not satisfies([3], [3, 1])


_LEVELS = st.lists(st.sampled_from(["VS", "S", "M", "P"]), max_size=7)


@given(_LEVELS, st.sampled_from(["VS", "S", "M", "P"]))
def test_more_pathogenic_evidence_never_lowers_the_class(base: list[str], extra: str) -> None:
    order = {c: i for i, c in enumerate(reversed(CLASSES))}
    for rs in RULESETS:
        before = combine(crits(" ".join(base)), rs)[0]
        after = combine(crits(" ".join([*base, extra])), rs)[0]
        assert order[after] >= order[before]
        assert before not in (BENIGN, LIKELY_BENIGN)
