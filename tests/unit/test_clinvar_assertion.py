"""The ClinVar assertion vocabulary, pinned once at its owner (dualdx.knowledge.clinvar_assertion),
including the wordings on which the former copies in diagnosis, acmg, inheritance and the report
disagreed."""

from __future__ import annotations

from typing import Any

import pytest

from dualdx.core.model import ClinVarAssertion
from dualdx.knowledge import clinvar_assertion as ca


@pytest.mark.parametrize(("status", "stars"), [
    ("practice_guideline", 4),
    ("reviewed by expert panel", 3),
    ("criteria_provided,_multiple_submitters,_no_conflicts", 2),
    ("criteria provided, multiple submitters, no conflicts", 2),
    ("criteria_provided,_single_submitter", 1),
    ("criteria_provided,_conflicting_interpretations", 1),
    ("criteria_provided,_conflicting_classifications", 1),
    ("no_assertion_criteria_provided", 0),
    ("no_assertion_provided", 0),
    ("no_classification_for_the_single_variant", 0),
    ("some future wording", 0),
])
def test_review_stars(status: str, stars: int) -> None:
    assert ca.review_stars(status) == stars


@pytest.mark.parametrize(("sig", "cat"), [
    ("Pathogenic", "pathogenic"),
    ("Likely_pathogenic", "likely_pathogenic"),
    ("Pathogenic/Likely_pathogenic", "likely_pathogenic"),
    ("Pathogenic/Likely pathogenic", "likely_pathogenic"),
    ("Likely_pathogenic,_risk_factor", "likely_pathogenic"),
    ("Pathogenic|risk_factor", "pathogenic"),
    ("Pathogenic; risk factor", "pathogenic"),
    ("Likely pathogenic, low penetrance", "likely_pathogenic"),
    ("Pathogenic,_low_penetrance", "pathogenic"),
    ("Uncertain_significance", "vus"),
    ("Benign/Likely_benign", "likely_benign"),
    ("Benign", "benign"),
    ("Likely benign", "likely_benign"),
    ("Conflicting_interpretations_of_pathogenicity", "conflicting"),
    ("Conflicting_classifications_of_pathogenicity", "conflicting"),
    ("Conflicting classifications of pathogenicity|risk factor", "conflicting"),
    ("Pathogenic/Benign", "conflicting"),
    ("not_provided", "other"),
    ("risk_factor", "other"),
    ("drug_response", "other"),
    ("", "other"),
    (None, "other"),
])
def test_significance_category(sig: str | None, cat: str) -> None:
    assert ca.significance_category(sig) == cat


def test_secondary_terms_and_low_penetrance() -> None:
    p = ca.parse_significance("Likely_pathogenic,_low_penetrance")
    assert p.low_penetrance and p.modifiers == ("low penetrance",)
    assert ca.parse_significance("Pathogenic|risk_factor").modifiers == ("risk factor",)
    assert ca.low_penetrance({"significance": "Pathogenic, low penetrance", "stars": 1})
    assert not ca.low_penetrance({"significance": "Pathogenic", "stars": 1})
    assert not ca.low_penetrance(None)


@pytest.mark.parametrize(("sig", "stars", "use"), [
    ("Pathogenic", 1, "plp"),
    ("Likely pathogenic", 2, "plp"),
    ("Pathogenic/Likely pathogenic", 1, "plp"),
    # the former diagnosis copy split on ';' only and did not lift these two; the ACMG copy did:
    ("Pathogenic|risk factor", 1, "plp"),
    ("Likely pathogenic, low penetrance", 1, "plp"),
    ("Pathogenic", 0, None),  # no review stars: not usable as evidence about the variant
    ("Benign/Likely benign", 2, "benign"),
    ("Likely benign", 1, "benign"),
    ("Uncertain significance", 3, None),
    ("Conflicting interpretations of pathogenicity", 1, None),
    ("risk factor", 2, None),
])
def test_usable(sig: str, stars: int, use: str | None) -> None:
    assert ca.usable({"significance": sig, "stars": stars}) == use
    assert ca.usable(ClinVarAssertion("1", sig, "x", stars)) == use


def test_usable_tolerates_missing_fields() -> None:
    assert ca.usable(None) is None
    assert ca.usable({"significance": "Pathogenic"}) is None  # stars not given: 0
    assert ca.usable({"significance": "Pathogenic", "stars": "2"}) == "plp"
    assert ca.usable({"stars": 3}) is None


@pytest.mark.parametrize(("sig", "stars", "tier"), [
    ("Pathogenic", None, "P"),
    ("Pathogenic", 1, "P"),
    ("Pathogenic", 0, "LP"),  # unreviewed: one step lower
    ("Pathogenic/Likely_pathogenic", None, "LP"),
    ("Likely pathogenic", 3, "LP"),
    ("Pathogenic|risk_factor", None, "P"),
    ("Conflicting interpretations of pathogenicity", None, None),
    ("Uncertain significance", None, None),
    (None, None, None),
])
def test_acmg_tier(sig: str | None, stars: int | None, tier: str | None) -> None:
    assert ca.acmg_tier(sig, stars) == tier


def test_is_pathogenic_any_stars() -> None:
    # the former inheritance copy tested '"pathogenic" in sig and "conflicting" not in sig'
    assert ca.is_pathogenic("Pathogenic")
    assert ca.is_pathogenic("Likely_pathogenic,_low_penetrance")
    assert not ca.is_pathogenic("Conflicting interpretations of pathogenicity")
    assert not ca.is_pathogenic("Benign")
    assert not ca.is_pathogenic("risk factor")
    assert not ca.is_pathogenic(None)


@pytest.mark.parametrize(("sig", "lvl"), [
    ("Pathogenic", 2.0), ("Pathogenic/Likely pathogenic", 1.5), ("Likely pathogenic", 1.0),
    ("Uncertain significance", 0.0), ("Likely benign", -1.0), ("Benign/Likely benign", -1.5),
    ("Benign", -2.0), ("Pathogenic|risk factor", 2.0), ("Conflicting classifications of "
                                                       "pathogenicity", None),
    ("drug response", None), (None, None),
])
def test_level(sig: str | None, lvl: float | None) -> None:
    assert ca.level(sig) == lvl


@pytest.mark.parametrize(("sig", "slug"), [
    ("Pathogenic", "p"),
    # the former report copy showed combined P/LP in the Pathogenic colour; it is the less
    # certain class, like everywhere else
    ("Pathogenic/Likely pathogenic", "lp"),
    ("Likely pathogenic", "lp"), ("Pathogenic|risk factor", "p"),
    ("Uncertain significance", "vus"), ("Likely benign", "b"), ("Benign", "b"),
    ("Conflicting interpretations of pathogenicity", "conf"), ("not provided", "unk"),
    (None, "unk"),
])
def test_badge_slug(sig: str | None, slug: str) -> None:
    assert ca.badge_slug(sig) == slug


def test_informative_conditions() -> None:
    got: Any = ca.informative_conditions(["not provided", "Hypophosphatasia", "not specified",
                                          "Not Provided"])
    assert got == ["Hypophosphatasia"]


def test_condition_names_read_as_written_by_people() -> None:
    raw = ["HYPOPHOSPHATASIA..INFANTILE", "Hypophosphatasia", "not_provided",
           "Childhood_hypophosphatasia", "Hypophosphatasia,_infantile", "not specified"]
    assert ca.informative_conditions(raw) == ["Hypophosphatasia, infantile", "Hypophosphatasia",
                                              "Childhood hypophosphatasia"]
