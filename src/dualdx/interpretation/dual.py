"""The dual-diagnosis decision: do two diagnoses in different genes together explain the
proband's phenotype better than the best one alone (see :func:`decide_dual`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dualdx.interpretation.diagnosis import Diagnosis, _status_rank
from dualdx.interpretation.phenotype_match import IC_THRESHOLD, WEIGHT_UNIT, chance_of

DUAL_ALPHA = 0.05


def candidate_causes(d: Diagnosis, variant_names: Mapping[str, str] | None = None) -> list[str]:
    """Why a diagnosis is only a candidate, in words, from its genotype's flags (empty for a
    confirmed one): an unknown phase says which test resolves it, a VUS names the variant."""
    if d.genotype.status == "confirmed":
        return []
    names = variant_names or {}

    def name(key: str) -> str:
        return names.get(key) or key

    out: list[str] = []
    flags = list(d.genotype.flags)
    if "phase_unknown" in flags:
        pair = " and ".join(name(v) for v in d.genotype.variants)
        out.append(f"phase of the two {d.gene} variants ({pair}) unknown: testing the parents "
                   "(or long-read sequencing) would resolve whether they are on different "
                   "copies of the gene")
    for f in flags:
        if f.startswith("vus:"):
            out.append(f"{d.gene} {name(f[4:])} is a variant of uncertain significance: more "
                       "evidence (segregation in the family, functional data, a reviewed "
                       "ClinVar assertion) would decide it")
    if not out:
        shown = ", ".join(sorted(flags)) or "no flag recorded"
        out.append(f"the {d.gene} genotype does not yet qualify as confirmed ({shown})")
    return out


def decide_dual(
    diagnoses: Sequence[Diagnosis],
    present: Sequence[str],
    knowledge: Mapping[str, Any],
    alpha: float = DUAL_ALPHA,
    variant_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The ``dual_diagnosis`` object of the report.

    With diagnoses in >= 2 genes: A is the diagnosis with the highest phenotype score (the best
    single explanation). For each other diagnosis B: the terms A leaves unexplained, U_A, and
    those of them B explains, G. What G tells is the sum of its terms' surprisal, -ln p_t with
    p_t the share of OMIM diseases that explain t under the same matching rule, minus the cost of
    the excluded terms B expects (IC x the annotation's frequency: a B whose hallmark the
    clinician ruled out cannot win on generic terms). Under the null hypothesis that B's disease
    relates to the phenotype like a disease drawn at random from OMIM, each t in U_A is explained
    independently with probability p_t, and p = P(the null's statistic >= the observed one)
    (an exact weighted Poisson-binomial tail). The pair is a dual diagnosis when A explains >= 1
    term B does not, B explains >= 1 term A does not, and p < alpha / m (Bonferroni over the m
    diagnoses compared with A). Status ``dual`` when both are confirmed; ``possible_dual`` when
    either is a candidate, and the reason says why in words (:func:`candidate_causes`);
    otherwise ``single``.

    ``variant_names``: variant key -> how the report names it (HGVS), for those words.
    """
    present_set = set(present)
    explained = {d.disease_id: sorted(set(d.explained) & present_set) for d in diagnoses}
    union = set().union(*explained.values()) if explained else set()
    base: dict[str, Any] = {
        "explained_by_each": explained,
        "unexplained_hpo": sorted(present_set - union),
        "shared_hpo": [],
    }
    if not diagnoses:
        return {**base, "status": "none", "diagnoses": [],
                "reason": "no genotype qualifies for a disease of the panel genes"}
    ranked = sorted(diagnoses, key=lambda d: (-d.match.score, _status_rank(d.genotype.status),
                                              d.gene))
    a = ranked[0]
    if len(diagnoses) == 1:
        return {**base, "status": "single", "diagnoses": [a.disease_id],
                "reason": f"one diagnosis: {a.disease_name} ({a.gene})"}
    if not present_set:
        return {**base, "status": "possible_dual",
                "diagnoses": [d.disease_id for d in ranked],
                "reason": "diagnoses in several genes, but the proband has no HPO terms: whether "
                          "together they explain the phenotype was not determined"}
    bg = knowledge.get("background") or {}
    bg_ok = abs(float(bg.get("ic_threshold", -1.0)) - IC_THRESHOLD) < 1e-6
    ea = set(explained[a.disease_id])
    u_a = sorted(present_set - ea)
    m = len(ranked) - 1
    comparisons: list[dict[str, Any]] = []
    for b in ranked[1:]:
        eb = set(explained[b.disease_id])
        gained = sorted(eb - ea)
        contradicted = [x for x in b.match.matches if x.match == "contradicts"]
        ch = chance_of(knowledge if bg_ok else {}, u_a, b.match.matches)
        pval = ch.p_value if bg_ok else None
        passed = bool(gained) and bool(ea - eb) and pval is not None and pval < alpha / m
        comparisons.append({
            "b": b.disease_id, "b_gene": b.gene, "gained_terms": gained, "k": len(gained),
            "a_only_terms": sorted(ea - eb),
            "background_p": {t: (round(p, 6) if p is not None else None)
                             for t, p in ch.rates.items()},
            "weights": ch.weights,
            "contradicted_terms": sorted(x.hpo_id for x in contradicted),
            "contradiction_cost": ch.contradiction_cost,
            "statistic": ch.statistic,
            "expected": ch.expected,
            "p_value": (float(f"{pval:.4g}") if pval is not None else None),
            "passed": passed, "_diag": b})
    comparisons.sort(key=lambda c: (not c["passed"], c["p_value"] if c["p_value"] is not None
                                    else 2.0, -c["_diag"].match.score))
    best = comparisons[0]
    b = best.pop("_diag")
    for c in comparisons[1:]:
        c.pop("_diag")
    eb = set(explained[b.disease_id])
    test = {
        "name": "one-sided weighted Poisson-binomial test of what the second diagnosis adds",
        "null": "B explains each term A leaves unexplained no more often than a random OMIM "
                "disease does (per-term rates from HPO annotations, same matching rule); each "
                "term weighs its surprisal -ln(rate), B's contradicted excluded terms count "
                "against it",
        "ic_threshold": IC_THRESHOLD, "alpha": alpha, "alpha_adjusted": round(alpha / m, 6),
        "weight_unit": WEIGHT_UNIT,
        "a": a.disease_id, "b": b.disease_id,
        "terms_unexplained_by_a": u_a, **{k: v for k, v in best.items() if k != "b"},
        "other_comparisons": comparisons[1:],
    }
    out = {**base, "shared_hpo": sorted(ea & eb), "test": test,
           "diagnoses": [a.disease_id, b.disease_id]}
    nums = (f"{b.disease_name} explains {best['k']} of the {len(u_a)} terms "
            f"{a.disease_name} leaves unexplained")
    if best["p_value"] is None:
        return {**out, "status": "possible_dual",
                "reason": f"{nums}; the background rates of those terms are not in "
                          "knowledge.json, so the dual-diagnosis test was not determined"}
    if best["passed"]:
        both = a.genotype.status == b.genotype.status == "confirmed"
        causes = [c for d in (a, b) for c in candidate_causes(d, variant_names)]
        if not both:
            out["candidate_causes"] = causes
        cost = (f", less {best['contradiction_cost']:.1f} for excluded features it expects"
                if best["contradiction_cost"] else "")
        return {**out, "status": "dual" if both else "possible_dual",
                "reason": f"{nums}, worth {best['statistic']:.1f} nats{cost} (a random OMIM "
                          f"disease would explain {best['expected']} of them; p = "
                          f"{best['p_value']:.3g} < {alpha / m:.3g}); {a.disease_name} explains "
                          f"{len(ea - eb)} term(s) the other does not"
                          + ("" if both else "; a possible dual diagnosis because "
                             + "; ".join(causes))}
    why = ("it explains no term the first leaves unexplained" if not best["gained_terms"] else
           "the first explains every term it does" if not (ea - eb) else
           f"p = {best['p_value']:.3g} is not below {alpha / m:.3g}"
           + (f" (excluded features it expects cost {best['contradiction_cost']:.1f} nats)"
              if best["contradiction_cost"] else ""))
    return {**out, "status": "single", "diagnoses": [a.disease_id],
            "reason": f"{nums}; not a dual diagnosis because {why}"}
