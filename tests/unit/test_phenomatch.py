"""dualdx.interpretation.phenotype_match on a small hand-made ontology (IC values chosen for the test)."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualdx.interpretation.phenotype_match import (
    IC_THRESHOLD,
    PatientTerm,
    background_probability,
    match_disease,
    match_term,
    poisson_binomial_sf,
)

# root > pheno > skel(0.8) > density(3.5) > {high(4.6) > osteopetrosis(6.3), low(3.2) > rickets}
#                skel > fracture_susc(4.2) > pathologic_fracture(5.7) > femur_fracture(8)
#        pheno > alp_abn(5.0) > {low_alp(6.5), high_alp(6.0)}
TREE = {
    "HP:0000001": [], "HP:0000118": ["HP:0000001"], "HP:0000924": ["HP:0000118"],
    "HP:0004348": ["HP:0000924"], "HP:0011001": ["HP:0004348"], "HP:0011002": ["HP:0011001"],
    "HP:0004349": ["HP:0004348"], "HP:0002748": ["HP:0004349"], "HP:0002659": ["HP:0000924"],
    "HP:0002756": ["HP:0002659"], "HP:0031846": ["HP:0002756"], "HP:0004379": ["HP:0000118"],
    "HP:0003282": ["HP:0004379"], "HP:0003155": ["HP:0004379"],
}
IC = {"HP:0000001": 0.0, "HP:0000118": 0.0, "HP:0000924": 0.8, "HP:0004348": 3.5,
      "HP:0011001": 4.6, "HP:0011002": 6.3, "HP:0004349": 3.2, "HP:0002748": 5.3,
      "HP:0002659": 4.2, "HP:0002756": 5.7, "HP:0031846": 8.0, "HP:0004379": 5.0,
      "HP:0003282": 6.5, "HP:0003155": 6.0}


def _anc(t: str) -> list[str]:
    out = {t}
    for p in TREE[t]:
        out |= set(_anc(p))
    return sorted(out)


def knowledge(diseases: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "terms": {t: {"name": t, "ic": IC[t], "ancestors": _anc(t), "obsolete": False,
                      "replaced_by": None} for t in TREE},
        "diseases": {d: {"name": d, "genes": [], "modes": ["autosomal_recessive"], "terms": ts}
                     for d, ts in diseases.items()},
        "background": {"ic_threshold": IC_THRESHOLD, "n_diseases": 100,
                       "explaining": {"HP:0003282": 2, "HP:0000924": 0}},
    }


K = knowledge({"MIOP": ["HP:0011002", "HP:0002756", "HP:0003155"],
               "GENERAL": ["HP:0000924"],
               "HPP": ["HP:0003282", "HP:0002748", "HP:0002756"]})


@pytest.mark.parametrize(("term", "disease", "expected", "shared"), [
    ("HP:0011002", "MIOP", "exact", "HP:0011002"),
    ("HP:0031846", "MIOP", "descendant", "HP:0002756"),  # femur fracture under pathologic fx
    ("HP:0002659", "MIOP", "ancestor", "HP:0002756"),  # susceptibility is above pathologic fx
    ("HP:0003282", "MIOP", "none", None),  # low vs high ALP: siblings never explain
    ("HP:0002748", "MIOP", "none", None),  # rickets vs osteopetrosis: cousins
    ("HP:0011002", "GENERAL", "none", None),  # only via 'skeletal system' (IC 0.8)
    ("HP:0004348", "MIOP", "ancestor", "HP:0011002"),  # 'abnormal density' IC 3.5 >= ln 20
])
def test_match_kinds(term: str, disease: str, expected: str, shared: str | None) -> None:
    m = match_term(K, PatientTerm(term), K["diseases"][disease]["terms"])
    assert (m.match, m.disease_term) == (expected, shared)


def test_threshold_is_what_blocks_general_matches() -> None:
    gen = K["diseases"]["GENERAL"]["terms"]
    assert match_term(K, PatientTerm("HP:0011002"), gen).match == "none"
    assert match_term(K, PatientTerm("HP:0011002"), gen, threshold=0.5).match == "descendant"
    # a general *patient* term is not explained by a specific disease term either
    assert match_term(K, PatientTerm("HP:0000924"), ["HP:0011002"]).match == "none"
    assert match_term(K, PatientTerm("HP:0000924"), ["HP:0011002"], 0.5).match == "ancestor"
    assert abs(IC_THRESHOLD - math.log(20)) < 1e-6


def test_exact_match_explains_even_below_threshold() -> None:
    assert match_term(K, PatientTerm("HP:0000924"), ["HP:0000924"]).match == "exact"


def test_excluded_terms() -> None:
    miop = K["diseases"]["MIOP"]["terms"]
    # excluding "increased BMD" contradicts a disease annotated with osteopetrosis (a child)
    assert match_term(K, PatientTerm("HP:0011001", True), miop).match == "contradicts"
    assert match_term(K, PatientTerm("HP:0003282", True), miop).match == "none"
    # excluding a more specific term than the disease's does not contradict it
    assert match_term(K, PatientTerm("HP:0031846", True), miop).match == "none"


def test_score_is_ic_weighted_share() -> None:
    terms = [PatientTerm("HP:0011002"), PatientTerm("HP:0031846"), PatientTerm("HP:0003282")]
    m = match_disease(K, "MIOP", terms)
    assert m.explained == ["HP:0011002", "HP:0031846"]
    assert m.score == pytest.approx(round((6.3 + 5.7) / (6.3 + 8.0 + 6.5), 4))
    m2 = match_disease(K, "MIOP", [*terms, PatientTerm("HP:0011001", excluded=True)])
    assert m2.contradicted == ["HP:0011001"]
    assert m2.score == pytest.approx(round((6.3 + 5.7 - 4.6) / (6.3 + 8.0 + 6.5), 4))
    assert match_disease(K, "MIOP", []).score == 0.0


def test_background_probability() -> None:
    assert background_probability(K, "HP:0003282") == pytest.approx(0.02)
    assert background_probability(K, "HP:0000924") == pytest.approx(0.01)  # floor 1/N
    assert background_probability(K, "HP:0011002") is None


@given(st.lists(st.floats(0.0, 1.0), max_size=7), st.integers(0, 8))
def test_poisson_binomial_matches_enumeration(probs: list[float], k: int) -> None:
    brute = 0.0
    for outcome in itertools.product([0, 1], repeat=len(probs)):
        if sum(outcome) >= k:
            brute += math.prod(p if o else 1 - p for p, o in zip(probs, outcome, strict=True))
    assert poisson_binomial_sf(probs, k) == pytest.approx(brute, abs=1e-9)


def test_pp4_needs_a_match_unlikely_by_chance() -> None:
    from dualdx.interpretation.phenotype_match import phenotype_specificity

    k = knowledge({"MIOP": ["HP:0011002", "HP:0002756"], "GENERAL": ["HP:0000924"]})
    k["genes"] = {"TCIRG1": ["MIOP"], "OTHER": ["GENERAL"]}
    k["background"]["explaining"] = {"HP:0011002": 1, "HP:0002756": 2, "HP:0003282": 2,
                                     "HP:0000924": 60}
    terms = [PatientTerm("HP:0011002"), PatientTerm("HP:0002756"), PatientTerm("HP:0003282")]
    out = phenotype_specificity(k, terms)
    # MIOP explains two rare terms: chance of 2+ of 3 (p .01, .02, .02) is 8e-4 -> specific
    assert out["TCIRG1"] is not None and "explains 2 of 3" in out["TCIRG1"]
    assert phenotype_specificity(k, terms, max_chance=5e-4)["TCIRG1"] is None
    # a disease explaining only a term 60% of diseases explain is not specific
    general = phenotype_specificity(k, [*terms, PatientTerm("HP:0000924")])
    assert general["OTHER"] is None
    # no terms, or no background counts: PP4 not evaluated (gene absent)
    assert phenotype_specificity(k, []) == {}
    k2 = dict(k, background={})
    assert phenotype_specificity(k2, terms) == {}
    # a disease of unknown mode is never the basis
    k["diseases"]["MIOP"]["modes"] = ["unknown"]
    assert phenotype_specificity(k, terms)["TCIRG1"] is None
