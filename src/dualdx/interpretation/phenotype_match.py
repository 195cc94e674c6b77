"""Which of a patient's HPO terms a disease explains, and how well the disease fits overall.

Rule for one patient term ``t`` against one disease (its annotated terms ``S``):

* ``exact``: ``t`` is in ``S``.
* ``descendant``: ``t`` is a descendant of (more specific than) some ``s`` in ``S``, e.g. patient
  "Femur fracture", disease "Pathologic fracture". The shared concept is ``s``.
* ``ancestor``: ``t`` is an ancestor of (less specific than) some ``s`` in ``S``, e.g. patient
  "Increased susceptibility to fractures", disease "Pathologic fracture". The shared concept is
  ``t``.
* ``none``: none of the above, or the shared concept is too general (below).
* ``contradicts``: for an *excluded* patient term: the disease is annotated with ``t`` or a
  descendant of ``t`` (it expects the feature the clinician ruled out). An excluded term is
  otherwise ``none``; excluded terms never count as explained.

An exact match always explains. A semantic match (``ancestor``/``descendant``) explains only when
the shared concept's information content is at least :data:`IC_THRESHOLD` = ln(20) ~ 3.0 nats, i.e.
the concept is annotated to at most 1 in 20 OMIM diseases. A match through "Abnormality of the
skeletal system" (IC 0.76) or "Abnormality of the dentition" (2.29) therefore explains nothing.
Terms related only as siblings/cousins (e.g. "Low alkaline phosphatase" vs the disease's "Elevated
circulating alkaline phosphatase concentration") never explain, however informative their common
ancestor: the disease predicts a different, often opposite, finding.

Score: the IC-weighted fraction of the patient's present terms the disease explains,
``(sum of IC(shared concept) over explained terms - sum of IC(t) over contradicted excluded
terms) / sum of IC(t) over present terms``, clipped to 0..1. An exact or ancestor match earns the
term's full IC; a descendant match earns only the disease term's (smaller) IC, as in Resnik
similarity. This is best-match-average Resnik similarity restricted to matches that explain: we use
it rather than plain Resnik (which credits siblings like low vs high ALP) or a LIRICAL-style
likelihood ratio (which needs per-term frequencies and a background model per disease that HPO
annotations only partly provide) because the same rule then drives the score, the per-term matrix
and the dual-diagnosis test, and a clinician can recompute it by hand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Match = Literal["exact", "ancestor", "descendant", "none", "contradicts"]

IC_THRESHOLD: float = round(math.log(20), 6)
EXPLAINING: frozenset[str] = frozenset({"exact", "ancestor", "descendant"})
MATCH_RANK: dict[str, int] = {"exact": 0, "ancestor": 1, "descendant": 2, "none": 3}


@dataclass(frozen=True)
class PatientTerm:
    id: str
    excluded: bool = False


@dataclass(frozen=True)
class TermMatch:
    """How one patient term relates to one disease."""

    hpo_id: str
    match: Match
    disease_term: str | None  # the disease annotation matched (None for 'none')
    shared_ic: float  # IC of the shared concept (0 for 'none')

    @property
    def explains(self) -> bool:
        return self.match in EXPLAINING

    def to_dict(self) -> dict[str, Any]:
        return {"hpo_id": self.hpo_id, "match": self.match, "disease_term": self.disease_term,
                "shared_ic": round(self.shared_ic, 4)}


@dataclass
class DiseaseMatch:
    disease_id: str
    score: float
    matches: list[TermMatch] = field(default_factory=list)

    @property
    def explained(self) -> list[str]:
        return sorted(m.hpo_id for m in self.matches if m.explains)

    @property
    def contradicted(self) -> list[str]:
        return sorted(m.hpo_id for m in self.matches if m.match == "contradicts")


def _ancestors(knowledge: Mapping[str, Any], hpo_id: str) -> set[str]:
    term = knowledge["terms"].get(hpo_id)
    return set(term["ancestors"]) if term else {hpo_id}


def ic_of(knowledge: Mapping[str, Any], hpo_id: str) -> float:
    term = knowledge["terms"].get(hpo_id)
    return float(term["ic"]) if term else 0.0


def match_term(
    knowledge: Mapping[str, Any],
    term: PatientTerm,
    disease_terms: Sequence[str],
    threshold: float = IC_THRESHOLD,
) -> TermMatch:
    """Relate one patient term to one disease's annotated terms (see module doc)."""
    t = term.id
    t_anc = _ancestors(knowledge, t)
    if term.excluded:
        for s in sorted(disease_terms):
            if t in _ancestors(knowledge, s):
                return TermMatch(t, "contradicts", s, ic_of(knowledge, t))
        return TermMatch(t, "none", None, 0.0)
    if t in disease_terms:
        return TermMatch(t, "exact", t, ic_of(knowledge, t))
    best: TermMatch | None = None
    t_ic = ic_of(knowledge, t)
    for s in sorted(disease_terms):
        cand: TermMatch | None = None
        if s in t_anc:
            s_ic = ic_of(knowledge, s)
            if s_ic >= threshold:
                cand = TermMatch(t, "descendant", s, s_ic)
        elif t_ic >= threshold and t in _ancestors(knowledge, s):
            cand = TermMatch(t, "ancestor", s, t_ic)
        if cand is not None and (
            best is None or (cand.shared_ic, -MATCH_RANK[cand.match]) >
            (best.shared_ic, -MATCH_RANK[best.match])
        ):
            best = cand
    return best if best is not None else TermMatch(t, "none", None, 0.0)


def match_disease(
    knowledge: Mapping[str, Any],
    disease_id: str,
    terms: Iterable[PatientTerm],
    threshold: float = IC_THRESHOLD,
) -> DiseaseMatch:
    """Per-term matches and the score of one disease for a patient's terms (sorted by HPO ID)."""
    disease_terms = knowledge["diseases"][disease_id]["terms"]
    ordered = sorted(terms, key=lambda x: (x.id, x.excluded))
    matches = [match_term(knowledge, t, disease_terms, threshold) for t in ordered]
    total = sum(ic_of(knowledge, t.id) for t in ordered if not t.excluded)
    gained = sum(m.shared_ic for m in matches if m.explains)
    lost = sum(m.shared_ic for m in matches if m.match == "contradicts")
    score = 0.0 if total <= 0 else max(0.0, min(1.0, (gained - lost) / total))
    return DiseaseMatch(disease_id, round(score, 4), matches)


# --------------------------------------------------------------------------- dual-diagnosis test


def poisson_binomial_sf(probs: Sequence[float], k: int) -> float:
    """P(X >= k) for X the number of successes among independent trials with ``probs``."""
    if k <= 0:
        return 1.0
    dist = [1.0]
    for p in probs:
        nxt = [0.0] * (len(dist) + 1)
        for i, v in enumerate(dist):
            nxt[i] += v * (1.0 - p)
            nxt[i + 1] += v * p
        dist = nxt
    return max(0.0, min(1.0, sum(dist[k:])))


def background_probability(knowledge: Mapping[str, Any], hpo_id: str) -> float | None:
    """Share of OMIM diseases that explain ``hpo_id`` (None when the knowledge lacks it).

    Counted at distill time under the same rule; a term no disease explains still gets 1/N
    (the disease at hand explains it, so it is not impossible).
    """
    bg = knowledge.get("background") or {}
    n = bg.get("n_diseases")
    count = (bg.get("explaining") or {}).get(hpo_id)
    if not n or count is None:
        return None
    return min(1.0, max(int(count), 1) / int(n))


# --------------------------------------------------------------------------- PP4 specificity

#: PP4 needs the disease's match to the proband to be this unlikely for a random OMIM disease.
PP4_MAX_CHANCE = 1e-3


def phenotype_specificity(
    knowledge: Mapping[str, Any], proband_terms: Sequence[PatientTerm], max_chance: float = PP4_MAX_CHANCE
) -> dict[str, str | None]:
    """PP4 evidence per panel gene: a sentence when the proband's phenotype is highly specific for
    one of the gene's diseases of known mode, ``None`` when it is not.

    Highly specific: the disease explains k of the proband's n terms, and a random OMIM disease
    would explain k or more of them with probability below ``max_chance`` (Poisson-binomial over
    each term's background probability, as in the dual-diagnosis test). Genes are absent from the
    result (PP4 not evaluated) when the proband has no terms or the knowledge lacks background
    counts.
    """
    present = [t for t in proband_terms if not t.excluded]
    if not present or not (knowledge.get("background") or {}).get("n_diseases"):
        return {}
    probs = [background_probability(knowledge, t.id) for t in present]
    if any(p is None for p in probs):
        return {}
    out: dict[str, str | None] = {}
    for gene, disease_ids in sorted(knowledge.get("genes", {}).items()):
        best: tuple[float, str, int] | None = None
        for did in disease_ids:
            disease = knowledge["diseases"].get(did) or {}
            if not disease.get("modes") or set(disease["modes"]) <= {"unknown"}:
                continue
            m = match_disease(knowledge, did, present)
            k = sum(1 for x in m.matches if x.explains)
            if k == 0:
                continue
            chance = poisson_binomial_sf([float(p) for p in probs if p is not None], k)
            if best is None or chance < best[0]:
                best = (chance, did, k)
        if best is not None and best[0] < max_chance:
            chance, did, k = best
            name = knowledge["diseases"][did].get("name", did)
            out[gene] = (f"phenotype highly specific for {name} ({did}): it explains {k} of "
                         f"{len(present)} HPO terms, chance for a random OMIM disease {chance:.1e}")
        else:
            out[gene] = None
    return out
