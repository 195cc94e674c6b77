"""ClinVar's assertion vocabulary: the one place that says what a ClinVar record asserts.

Every module that needs to know whether a ClinVar significance is pathogenic, how many review
stars a review status earns, or whether an assertion is strong enough to use, calls this module;
none parses the words itself (``tests/unit/test_rule_owners.py`` checks that).

Decisions (the report relies on them):

* **Primary classification.** ClinVar's CLNSIG may carry secondary terms after ``|`` or ``,``
  (``Pathogenic|risk_factor``, ``Likely_pathogenic,_low_penetrance``; older files use ``;``). The
  words before the first separator are the germline classification; secondary terms never change
  its category. ``Pathogenic|risk factor`` is therefore *pathogenic*, and ``risk factor`` alone is
  *other* (never pathogenic).
* **Combined classes map to the less certain category**: ``Pathogenic/Likely pathogenic`` ->
  ``likely_pathogenic``, ``Benign/Likely benign`` -> ``likely_benign``; any ``conflicting`` wording
  -> ``conflicting``; anything not made of the five ACMG words (``drug response``, ``not
  provided``, ``association``, ``protective``, ``affects``, ...) -> ``other``.
* **Low penetrance.** ClinVar's 2024 classes ``Pathogenic, low penetrance`` and ``Likely
  pathogenic, low penetrance`` keep their category (P / LP): the variant is a disease allele, but
  its penetrance is low. :func:`usable` lets such an assertion lift a VUS like any P/LP assertion
  and reports ``low_penetrance`` so that the diagnosis carries a caution saying so. (Before this
  module, one copy lifted ``Likely pathogenic, low penetrance`` and another did not.)
* **Stars.** ClinVar's review-status to gold-star mapping; an unknown wording earns 0 stars, never
  more. An assertion is *usable* as evidence about the variant when it has at least
  :data:`MIN_STARS` (1) star: P/LP lifts a computed VUS in a diagnosis, B/LB keeps a VUS out, and
  P/LP at the same residue gives PS1/PM5. A P/LP assertion without stars is still a reported
  disease allele: it makes a variant a candidate second hit (:func:`is_pathogenic`) and counts one
  step lower, as LP, for PM3 (:func:`acmg_tier` with the stars).
* **Conditions.** ``not provided`` / ``not specified`` are kept in the record (they are what
  ClinVar says) and dropped by :func:`informative_conditions` for display.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

SignificanceCategory = Literal[
    "pathogenic", "likely_pathogenic", "vus", "likely_benign", "benign", "conflicting", "other"
]
Usable = Literal["plp", "benign"]

#: Review stars from which a ClinVar assertion counts as evidence about the variant.
MIN_STARS = 1

_STARS: dict[str, int] = {
    "practice guideline": 4,
    "reviewed by expert panel": 3,
    "criteria provided, multiple submitters, no conflicts": 2,
    "criteria provided, multiple submitters": 2,
    "criteria provided, single submitter": 1,
    "criteria provided, conflicting interpretations": 1,
    "criteria provided, conflicting classifications": 1,
    "no assertion criteria provided": 0,
    "no assertion provided": 0,
    "no interpretation for the single variant": 0,
    "no classification provided": 0,
    "no classification for the single variant": 0,
    "no classifications from unflagged records": 0,
    "flagged submission": 0,
}

_TERM = {"pathogenic": "P", "likely pathogenic": "LP", "uncertain significance": "VUS",
         "likely benign": "LB", "benign": "B"}

# Ordinal scale for comparing ClinVar with a computed class: P 2, P/LP 1.5, LP 1, VUS 0, LB -1,
# B/LB -1.5, B -2.
_LEVEL = {frozenset({"P"}): 2.0, frozenset({"P", "LP"}): 1.5, frozenset({"LP"}): 1.0,
          frozenset({"VUS"}): 0.0, frozenset({"LB"}): -1.0, frozenset({"B", "LB"}): -1.5,
          frozenset({"B"}): -2.0}

_UNINFORMATIVE_CONDITIONS = frozenset({"not provided", "not specified", "see cases"})


def normalize_review_status(review_status: str) -> str:
    """``criteria_provided,_single_submitter`` -> ``criteria provided, single submitter``."""
    s = review_status.replace("_", " ").strip().lower()
    s = re.sub(r"\s*,\s*", ", ", s)
    return re.sub(r"\s+", " ", s)


def review_stars(review_status: str) -> int:
    """ClinVar's review status -> gold stars (4 practice guideline ... 0 no assertion criteria).

    Accepts the VCF form (``_`` for spaces) and the spaced form. Unknown wording -> 0.
    """
    return _STARS.get(normalize_review_status(review_status), 0)


def significance_text(clnsig: str) -> str:
    """CLNSIG as the report shows it: ``_`` as spaces (``Likely_pathogenic`` -> ``Likely
    pathogenic``); an empty value is ``not provided``."""
    s = clnsig.replace("_", " ").strip()
    return s or "not provided"


@dataclass(frozen=True)
class Significance:
    """One CLNSIG value, parsed (module docstring)."""

    text: str  # normalized: lower case, spaces
    category: SignificanceCategory
    terms: frozenset[str]  # ACMG words of the primary classification: P, LP, VUS, LB, B
    modifiers: tuple[str, ...]  # secondary terms, e.g. ("risk factor",), ("low penetrance",)

    @property
    def low_penetrance(self) -> bool:
        return "low penetrance" in self.modifiers

    @property
    def level(self) -> float | None:
        """Position on the ordinal scale P 2 ... B -2 (P/LP 1.5); None: conflicting or other."""
        return _LEVEL.get(self.terms) if self.category not in ("conflicting", "other") else None


def parse_significance(sig: str | None) -> Significance:
    """Parse a CLNSIG value (``_`` or spaced form; ``None`` or empty -> ``other``)."""
    s = re.sub(r"\s+", " ", (sig or "").replace("_", " ").strip().lower())
    parts = [p.strip() for p in re.split(r"[|,;]", s)]
    primary, modifiers = parts[0], tuple(p for p in parts[1:] if p)
    if "conflicting" in s:
        return Significance(s, "conflicting", frozenset(), modifiers)
    words = {_TERM.get(p.strip()) for p in primary.split("/")}
    if not primary or None in words:
        return Significance(s, "other", frozenset(), modifiers)
    terms = frozenset(w for w in words if w is not None)
    category: SignificanceCategory
    if terms <= {"P", "LP"}:
        category = "pathogenic" if terms == {"P"} else "likely_pathogenic"
    elif terms <= {"B", "LB"}:
        category = "benign" if terms == {"B"} else "likely_benign"
    elif terms == {"VUS"}:
        category = "vus"
    else:
        category = "conflicting"
    return Significance(s, category, terms, modifiers)


def significance_category(sig: str | None) -> SignificanceCategory:
    """The coarse category of a CLNSIG value (module docstring)."""
    return parse_significance(sig).category


def is_pathogenic(sig: str | None) -> bool:
    """Pathogenic or likely pathogenic (any stars): a reported disease allele."""
    return significance_category(sig) in ("pathogenic", "likely_pathogenic")


def acmg_tier(sig: str | None, stars: int | None = None) -> Literal["P", "LP"] | None:
    """``"P"``, ``"LP"`` or None for criteria that cite a ClinVar P/LP allele (PS1, PM5, PM3).

    Combined P/LP counts as LP. With ``stars`` given, an assertion below :data:`MIN_STARS` counts
    one step lower (P -> LP; LP stays LP): a reported pathogenic allele without review.
    """
    cat = significance_category(sig)
    if cat not in ("pathogenic", "likely_pathogenic"):
        return None
    if cat == "pathogenic" and (stars is None or stars >= MIN_STARS):
        return "P"
    return "LP"


def level(sig: str | None) -> float | None:
    """ClinVar significance on the ordinal scale (see :attr:`Significance.level`)."""
    return parse_significance(sig).level if sig else None


def _fields(assertion: Any) -> tuple[str | None, int]:
    if assertion is None:
        return None, 0
    if isinstance(assertion, Mapping):
        sig, stars = assertion.get("significance"), assertion.get("stars")
    else:
        sig, stars = getattr(assertion, "significance", None), getattr(assertion, "stars", 0)
    try:
        n = int(stars or 0)
    except (TypeError, ValueError):
        n = 0
    return (str(sig) if sig is not None else None), n


def usable(assertion: Any, min_stars: int = MIN_STARS) -> Usable | None:
    """``"plp"`` / ``"benign"`` when the assertion (a ``ClinVarAssertion`` or its dict) counts as
    evidence about the variant: P/LP or B/LB with at least ``min_stars`` stars. Else None."""
    sig, stars = _fields(assertion)
    if sig is None or stars < min_stars:
        return None
    cat = significance_category(sig)
    if cat in ("pathogenic", "likely_pathogenic"):
        return "plp"
    if cat in ("benign", "likely_benign"):
        return "benign"
    return None


def low_penetrance(assertion: Any) -> bool:
    """The assertion is ClinVar's ``(Likely) pathogenic, low penetrance``."""
    sig, _ = _fields(assertion)
    p = parse_significance(sig)
    return p.low_penetrance and p.category in ("pathogenic", "likely_pathogenic")


def badge_slug(sig: str | None) -> str:
    """A fixed short name for the category, for display: ``p``, ``lp``, ``vus``, ``b`` (benign or
    likely benign), ``conf``, ``unk``. Combined P/LP shows as ``lp`` (the less certain class)."""
    return {"pathogenic": "p", "likely_pathogenic": "lp", "vus": "vus", "likely_benign": "b",
            "benign": "b", "conflicting": "conf"}.get(significance_category(sig), "unk")


def informative_conditions(conditions: Iterable[object]) -> list[str]:
    """ClinVar condition names as a reader expects them, without ``not provided`` / ``not
    specified`` / ``see cases`` and without repeats (ignoring case and punctuation).

    NCBI's VCF writes spaces as ``_`` and a comma as ``.`` (``HYPOPHOSPHATASIA..INFANTILE``);
    all-capital names become sentence case (``Hypophosphatasia, infantile``).
    """
    out: list[str] = []
    seen: set[str] = set()
    for item in conditions:
        text = str(item or "").replace("_", " ")
        text = re.sub(r"\.\.\s*", ", ", text)
        text = re.sub(r"\s+", " ", text).strip(" ,")
        if text.isupper():
            text = text[:1] + text[1:].lower()
        key = re.sub(r"[^a-z0-9]", "", text.lower())
        if not text or text.lower() in _UNINFORMATIVE_CONDITIONS or key in seen:
            continue
        seen.add(key)
        out.append(text)
    return out


__all__ = [
    "MIN_STARS", "Significance", "SignificanceCategory", "Usable", "acmg_tier", "badge_slug",
    "informative_conditions", "is_pathogenic", "level", "low_penetrance",
    "normalize_review_status", "parse_significance", "review_stars", "significance_category",
    "significance_text", "usable",
]
