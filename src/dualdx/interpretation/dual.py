"""The dual-diagnosis decision: do two diagnoses in different genes together explain the
proband's phenotype better than the best one alone (see :func:`decide_dual`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dualdx.interpretation.diagnosis import Diagnosis, _status_rank
from dualdx.interpretation.phenotype_match import (
    IC_THRESHOLD,
    chance_of,
    ontology_of,
    term_weight,
)
from dualdx.interpretation.relatives import join_words

DUAL_ALPHA = 0.05


def candidate_causes(d: Diagnosis, variant_names: Mapping[str, str] | None = None) -> list[str]:
    """Why a diagnosis is only a candidate, in words, from its genotype's flags (empty for a
    confirmed one): an unknown phase says which test resolves it, a VUS names the variant.
    E.g. "Osteopetrosis, autosomal recessive 1 (TCIRG1) is a candidate because phase of the two
    TCIRG1 variants (c.1674-1G>A and c.1392C>A) unknown: testing the parents ... would
    resolve ..."."""
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
    return [f"{d.disease_name} ({d.gene}) is a candidate because {c}" for c in out]


def decide_dual(
    diagnoses: Sequence[Diagnosis],
    present: Sequence[str],
    knowledge: Mapping[str, Any],
    alpha: float = DUAL_ALPHA,
    variant_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The ``dual_diagnosis`` object of the report.

    With diagnoses in >= 2 genes: A is the diagnosis with the highest phenotype score (the best
    single explanation). For each other diagnosis B, what B adds to A: for each present term,
    what B's match of it tells beyond what A's tells (a match tells -ln of the share of OMIM
    diseases that explain the term at least as specifically: :func:`term_weight`), summed, less
    the cost of the excluded terms B expects (-ln(1 - f), f the annotation's frequency: a B whose
    hallmark the clinician ruled out cannot win on generic terms). The null hypothesis is that B relates
    to the phenotype like a disease drawn at random from OMIM; the chance ``p_chance`` is the
    share of all OMIM diseases, each matched to the same terms under the same rule, whose own
    gain over A reaches B's (an empirical null: features that go together in diseases are
    counted together). B is not one disease drawn once: it is the best-fitting of the
    ``b_gene_diseases`` = n diseases of its gene that the genotype qualifies for (LMNA has a
    dozen), so ``p_value`` is the chance that the best of n random diseases reaches it,
    ``1 - (1 - p_chance)^n`` (Sidak; without it, a gene with many diseases gives a false dual
    by chance far more often than alpha: measured on the phenopackets controls). The
    pair is a dual diagnosis when A explains some term better than B, B explains some term
    better than A, and p < alpha / m (Bonferroni over the m diagnoses compared with A). Status
    ``dual`` when both are confirmed; ``possible_dual`` when either is a candidate, and the reason
    says why in words (:func:`candidate_causes`); otherwise ``single``.

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
    kn = knowledge if bg_ok else {}
    terms = sorted(present_set)

    def weights(d: Diagnosis) -> dict[str, float | None]:
        return {m.hpo_id: term_weight(kn, m) for m in d.match.matches
                if m.hpo_id in present_set and m.explains}

    wa = weights(a)
    a_told = {t: w for t, w in wa.items() if w is not None}
    ea = set(explained[a.disease_id])
    u_a = sorted(present_set - ea)
    m = len(ranked) - 1
    comparisons: list[dict[str, Any]] = []
    for b in ranked[1:]:
        eb = set(explained[b.disease_id])
        wb = weights(b)
        ch = chance_of(kn, terms, b.match.matches, baseline=a_told)
        chance = ch.p_value if None not in wa.values() else None
        n_b = 1 + len(b.alternatives)  # B is the best fit of its gene's qualifying diseases
        pval = None if chance is None else 1.0 - (1.0 - chance) ** n_b
        a_better = sorted(t for t, w in a_told.items() if w > (wb.get(t) or 0.0) + 1e-9)
        passed = bool(ch.gained) and bool(a_better) and pval is not None and pval < alpha / m
        comparisons.append({
            "b": b.disease_id, "b_gene": b.gene, "gained_terms": list(ch.gained),
            "k": len(ch.gained), "a_only_terms": sorted(ea - eb), "a_better_terms": a_better,
            "background_p": {t: (round(p, 6) if p is not None else None)
                             for t, p in ch.rates.items() if t in u_a or t in ch.gained},
            "weights": ch.weights,
            "contradicted_terms": sorted(x.hpo_id for x in b.match.matches
                                         if x.match == "contradicts"),
            "contradiction_cost": ch.contradiction_cost,
            "statistic": ch.statistic,
            "expected": round(sum(p for t, p in ch.rates.items() if t in u_a and p), 4),
            "p_value": (float(f"{pval:.4g}") if pval is not None else None),
            "p_chance": (float(f"{chance:.4g}") if chance is not None else None),
            "b_gene_diseases": n_b,
            "passed": passed, "_diag": b})
    comparisons.sort(key=lambda c: (not c["passed"], c["p_value"] if c["p_value"] is not None
                                    else 2.0, -c["_diag"].match.score))
    best = comparisons[0]
    b = best.pop("_diag")
    for c in comparisons[1:]:
        c.pop("_diag")
    eb = set(explained[b.disease_id])
    test = {
        "name": "what the second diagnosis adds, against every OMIM disease (empirical null)",
        "null": "B relates to the phenotype like a disease drawn at random from OMIM: every OMIM "
                "disease is matched to the same terms under the same rule, and p is the share "
                "whose gain over A reaches B's; a term's gain is -ln(share of OMIM diseases that "
                "explain it at least as specifically) beyond what A's match of it tells; B's "
                "contradicted excluded terms count against it",
        "ic_threshold": IC_THRESHOLD, "alpha": alpha, "alpha_adjusted": round(alpha / m, 6),
        "a": a.disease_id, "b": b.disease_id,
        "terms_unexplained_by_a": u_a, **{k: v for k, v in best.items() if k != "b"},
        "other_comparisons": comparisons[1:],
    }
    out = {**base, "shared_hpo": sorted(ea & eb), "test": test,
           "diagnoses": [a.disease_id, b.disease_id]}
    more = len(set(best["gained_terms"]) - set(u_a))
    nums = (f"{b.disease_name} explains {len(set(best['gained_terms']) & set(u_a))} of the "
            f"{len(u_a)} terms {a.disease_name} leaves unexplained"
            + (f" and {more} more specifically" if more else ""))
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
                "reason": f"{nums}, worth {best['statistic']:.1f} nats{cost}: "
                          f"{best['p_chance']:.2%} of OMIM diseases explain as much"
                          + (f", and it is the best fit of the {best['b_gene_diseases']} "
                             f"diseases of {b.gene} the genotype qualifies for"
                             if best["b_gene_diseases"] > 1 else "")
                          + f" (p = {best['p_value']:.3g} < {alpha / m:.3g}); "
                          f"{a.disease_name} explains "
                          f"{len(best['a_better_terms'])} term(s) better than the other"
                          + ("" if both else "; a possible dual diagnosis: "
                             + "; ".join(causes))}
    why = ("it explains no term the first leaves unexplained" if not best["gained_terms"] else
           "the first explains every term at least as well" if not best["a_better_terms"] else
           f"p = {best['p_value']:.3g} is not below {alpha / m:.3g}"
           + (f" (excluded features it expects cost {best['contradiction_cost']:.1f} nats)"
              if best["contradiction_cost"] else ""))
    reason = f"{nums}; not a dual diagnosis because {why}"
    overlap = confirmed_overlap(a, b, present_set, knowledge)
    if overlap is not None:
        out["overlap"] = overlap
        reason += "; " + overlap["words"]
    return {**out, "status": "single", "diagnoses": [a.disease_id], "reason": reason}


def confirmed_overlap(a: Diagnosis, b: Diagnosis, present: set[str],
                      knowledge: Mapping[str, Any]) -> dict[str, Any] | None:
    """When the test does not find a second disease but B's genotype is confirmed and B explains
    some of the proband's terms: B may be present too (its features overlapping A's, a
    "blended" phenotype, or adding too little to be told from chance), and the terms cannot
    show it. The report says so and names what B explains (at most six terms). None otherwise
    (a candidate B is not a finding to act on; a B that explains nothing is a molecular finding
    already).

    It does not suggest B's "hallmarks" to look for: HPO gives many annotations a frequency from
    one or two published patients (1/1 reads as obligate), so a list by frequency names
    incidental features (tried on the phenopackets: Glass syndrome's "hallmarks" came out as
    anterior tibial bowing and happy demeanor)."""
    shared = sorted(set(b.explained) & present)
    if b.genotype.status != "confirmed" or not shared:
        return None
    onto = ontology_of(knowledge)
    words = [onto.name(i) for i in shared]
    listed = join_words(words[:6] + ([f"{len(words) - 6} more"] if len(words) > 6 else []))
    return {"b": b.disease_id, "b_gene": b.gene, "explained_hpo": shared,
            "words": f"the {b.gene} genotype is confirmed, so {b.disease_name} may be present as "
                     f"well (it explains {listed}); the proband's terms cannot show whether it "
                     f"contributes beyond {a.disease_name}"}
