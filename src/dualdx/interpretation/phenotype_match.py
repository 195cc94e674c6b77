"""The phenotype rule: whether a disease explains one of a patient's HPO terms, and how well a
disease fits the patient overall. Every stage that asks (the phenotype matrix, the diagnoses'
scores, the dual-diagnosis test and its background rates, PP4, affection per disease) calls this
module; nothing re-implements it.

**Rule for a present patient term** ``t`` against one annotation ``s`` of a disease
(:func:`relate`; the disease explains ``t`` when one of its annotations does, and the best match
is kept):

* ``exact``: ``t`` is ``s``. Shared concept ``t``.
* ``ancestor``: ``t`` is an ancestor of (less specific than) ``s``, e.g. patient "Increased
  susceptibility to fractures", disease "Pathologic fracture". A disease annotated with ``s`` has
  ``t`` (HPO's true-path rule), however general ``t`` is; shared concept ``t``.
* ``descendant``: ``t`` is a descendant of (more specific than) ``s``, e.g. patient "Femur
  fracture", disease "Pathologic fracture". Explains only when ``s`` is informative, IC(s) >=
  :data:`IC_THRESHOLD`: a disease annotated with "Abnormality of metabolism/homeostasis" (IC 1.2)
  does not predict the patient's low alkaline phosphatase. Shared concept ``s``.
* ``related``: neither is an ancestor of the other, and their most informative common ancestor
  ``c`` has IC(c) >= :data:`IC_THRESHOLD`, e.g. patient "Erlenmeyer flask deformity of the
  femurs", disease "Femur fracture" (common ancestor "Abnormal femur morphology"). A disease with
  ``s`` has ``c``, and ``t`` is a form of ``c``, so this is the ``descendant`` rule applied to
  the concept the annotation implies. Not when the two sides below ``c`` point in opposite
  directions (:func:`opposite`): "Low alkaline phosphatase" vs "Elevated circulating alkaline
  phosphatase concentration", or osteopetrosis (under "Increased bone mineral density") vs
  osteopenia (under "Reduced bone mineral density"): the disease predicts the opposite finding.
  Shared concept ``c``.
* ``none``: otherwise.

The threshold ``ln 20 ~ 3.0`` nats means the shared concept is annotated (itself or below) to at
most 1 in 20 OMIM diseases. The weight of a match is the IC of its shared concept (Resnik): an
exact or ancestor match earns IC(t), a descendant or related match the smaller IC of what the
patient and disease have in common.

**Excluded patient terms**: ``contradicts`` when the disease is annotated with ``t`` or a
descendant (it expects the feature the clinician ruled out), else ``none``; excluded terms never
count as explained. A contradiction costs IC(t) x f, ``f`` the annotation's frequency in HPO
(``phenotype.hpoa``: "Very frequent" 80-99% counts 0.895, 3/7 counts 0.43; where HPO gives none,
the mean frequency of the annotations of this release that give one,
:data:`DEFAULT_FREQUENCY`), so a rare feature a clinician ruled out costs a disease little and
a hallmark costs it almost its full weight, however richly the disease is annotated.

**Score**: ``(sum of match weights over present terms - contradiction costs) / sum of IC over
present terms``, clipped to 0..1: the IC-weighted share of the patient's phenotype the disease
explains (Resnik best-match restricted to matches that explain, asymmetric: what the disease
explains of the patient). We use it rather than plain Resnik (which credits siblings like low vs
high ALP) or a LIRICAL likelihood ratio because one rule then drives the score, the term x disease
matrix, the dual-diagnosis test and PP4, and a clinician can recompute it by hand.

**Background** (:func:`explaining_diseases`): how many OMIM diseases explain a term under this
same rule; the candidate annotations are derived from the rule (the term's ancestors and
descendants, and the descendants of its informative ancestors) and each is checked with
:func:`relate`, so the count is the rule's (tested against a brute-force count over all
diseases).

``knowledge`` is either ``knowledge.json`` as a mapping or any object with the methods of
:class:`Ontology` (the HPO store, :mod:`dualdx.knowledge.hpo_store`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Match = Literal["exact", "ancestor", "descendant", "related", "none", "contradicts"]

IC_THRESHOLD: float = round(math.log(20), 6)
EXPLAINING: frozenset[str] = frozenset({"exact", "ancestor", "descendant", "related"})
MATCH_RANK: dict[str, int] = {"exact": 0, "ancestor": 1, "descendant": 2, "related": 3,
                              "none": 4}
#: Frequency used for an annotation HPO gives none for: the mean of the phenotype annotations of
#: HPO 2025-01-16 that state one (0.52 over 200,520 of its 253,328 annotations; see
#: tests/unit/test_hpo.py).
DEFAULT_FREQUENCY = 0.52

# Words that give a term a direction (:func:`polarity`). Whole words, or prefixes where marked.
_UP = re.compile(r"\b(increased?|elevated|elevation|high|higher|hyper\w*|macro\w*|mega\w*|"
                 r"\w+megaly|large|larger|enlarged|enlargement|tall|long|overgrowth|excess\w*|"
                 r"accelerated|advanced|premature|early|thick\w*|wide|widened|broad|"
                 r"supernumerary|accessory|gigant\w*|\w+cytosis|\w+philia|polycyt\w*|"
                 r"prolonged)\b")
_DOWN = re.compile(r"\b(decreased?|reduced|reduction|low|lower|hypo\w*|micro\w*|small|smaller|"
                   r"short|shortened|narrow\w*|thin\w*|absent|absence|aplas\w*|agenesis|"
                   r"deficien\w*|delayed|late|slow\w*|atroph\w*|undergrowth|diminished|"
                   r"\w+penia|oligo\w*|sparse|lack\w*)\b")


@runtime_checkable
class Ontology(Protocol):
    """What the rule needs to know about terms (knowledge.json and the HPO store provide it)."""

    def ancestors(self, hpo_id: str) -> AbstractSet[str]: ...  # with the term itself

    def ic_of(self, hpo_id: str) -> float: ...

    def name(self, hpo_id: str) -> str: ...


class KnowledgeOntology:
    """:class:`Ontology` over knowledge.json's ``terms`` (ancestors with self, ic, name)."""

    def __init__(self, knowledge: Mapping[str, Any]) -> None:
        self._terms: Mapping[str, Mapping[str, Any]] = knowledge.get("terms") or {}
        self._anc: dict[str, frozenset[str]] = {}

    def ancestors(self, hpo_id: str) -> AbstractSet[str]:
        got = self._anc.get(hpo_id)
        if got is None:
            entry = self._terms.get(hpo_id)
            got = frozenset(entry["ancestors"]) if entry else frozenset({hpo_id})
            self._anc[hpo_id] = got
        return got

    def ic_of(self, hpo_id: str) -> float:
        entry = self._terms.get(hpo_id)
        return float(entry["ic"]) if entry else 0.0

    def name(self, hpo_id: str) -> str:
        entry = self._terms.get(hpo_id)
        return str(entry["name"]) if entry else hpo_id


_VIEWS: dict[int, tuple[Mapping[str, Any], KnowledgeOntology]] = {}


def ontology_of(knowledge: Mapping[str, Any] | Ontology) -> Ontology:
    """The :class:`Ontology` view of ``knowledge`` (cached per knowledge object)."""
    if isinstance(knowledge, Ontology):
        return knowledge
    got = _VIEWS.get(id(knowledge))
    if got is None or got[0] is not knowledge:
        if len(_VIEWS) > 8:
            _VIEWS.clear()
        got = (knowledge, KnowledgeOntology(knowledge))
        _VIEWS[id(knowledge)] = got
    return got[1]


@dataclass(frozen=True)
class PatientTerm:
    id: str
    excluded: bool = False


@dataclass(frozen=True)
class TermMatch:
    """How one patient term relates to one disease.

    ``shared_ic``: IC of the shared concept (0 for ``none``; for ``contradicts`` the IC of the
    excluded term). ``shared_term``: that concept. ``frequency``: HPO's frequency of the
    disease annotation matched (None when HPO gives none or nothing matched)."""

    hpo_id: str
    match: Match
    disease_term: str | None  # the disease annotation matched (None for 'none')
    shared_ic: float
    shared_term: str | None = None
    frequency: float | None = None

    @property
    def explains(self) -> bool:
        return self.match in EXPLAINING

    @property
    def informative(self) -> bool:
        """An explanation that is evidence about *this* disease: an exact match, or a shared
        concept with IC >= :data:`IC_THRESHOLD`. An ancestor match of a general patient term
        (e.g. "Abnormality of the dentition" against a disease with carious teeth) explains the
        term (true-path rule) but says little; affection per disease asks for this."""
        return self.explains and (self.match == "exact" or self.shared_ic >= IC_THRESHOLD)

    def to_dict(self) -> dict[str, Any]:
        return {"hpo_id": self.hpo_id, "match": self.match, "disease_term": self.disease_term,
                "shared_ic": round(self.shared_ic, 4), "shared_term": self.shared_term,
                "frequency": None if self.frequency is None else round(self.frequency, 4)}


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


def ic_of(knowledge: Mapping[str, Any] | Ontology, hpo_id: str) -> float:
    return ontology_of(knowledge).ic_of(hpo_id)


# --------------------------------------------------------------------------------- the rule


def polarity(name: str) -> frozenset[str]:
    """``{"up"}``, ``{"down"}``, both or neither: the direction a term's name states (increased,
    high, hyper-, macro-, large, long, premature, ... vs decreased, low, hypo-, micro-, small,
    short, delayed, -penia, ...)."""
    low = name.lower()
    out = set()
    if _UP.search(low):
        out.add("up")
    if _DOWN.search(low):
        out.add("down")
    return frozenset(out)


def opposite(onto: Ontology, only_t: Iterable[str], only_s: Iterable[str]) -> bool:
    """Whether two terms point in opposite directions below their common ancestors: one side
    (the term and its ancestors that are not ancestors of the other) states "up" and the other
    "down" (and not both). A conservative reading of names: a pair it flags is not matched."""
    pt = frozenset().union(*(polarity(onto.name(x)) for x in only_t))
    ps = frozenset().union(*(polarity(onto.name(x)) for x in only_s))
    return bool(("up" in pt and "down" in ps and not ("up" in ps and "down" in pt))
                or ("down" in pt and "up" in ps and not ("down" in ps and "up" in pt)))


def relate(onto: Ontology, t: str, s: str, threshold: float = IC_THRESHOLD) -> TermMatch:
    """The rule for one present patient term ``t`` and one disease annotation ``s`` (module doc).
    ``frequency`` is left None (the caller knows the annotation's)."""
    if t == s:
        return TermMatch(t, "exact", s, onto.ic_of(t), t)
    anc_t = onto.ancestors(t)
    if s in anc_t:
        s_ic = onto.ic_of(s)
        if s_ic >= threshold:
            return TermMatch(t, "descendant", s, s_ic, s)
        return TermMatch(t, "none", None, 0.0)
    anc_s = onto.ancestors(s)
    if t in anc_s:
        return TermMatch(t, "ancestor", s, onto.ic_of(t), t)
    common = anc_t & anc_s
    if common:
        c = max(common, key=lambda x: (onto.ic_of(x), x))
        c_ic = onto.ic_of(c)
        if c_ic >= threshold and not opposite(onto, anc_t - anc_s, anc_s - anc_t):
            return TermMatch(t, "related", s, c_ic, c)
    return TermMatch(t, "none", None, 0.0)


def _frequency(freqs: Mapping[str, Any] | None, s: str) -> float | None:
    if not freqs:
        return None
    v = freqs.get(s)
    return None if v is None else float(v)


def effective_frequency(frequency: float | None) -> float:
    """The frequency a contradiction is weighed with (:data:`DEFAULT_FREQUENCY` when unknown)."""
    return DEFAULT_FREQUENCY if frequency is None else frequency


def contradiction_cost(m: TermMatch) -> float:
    """IC of the excluded term x the frequency of the disease annotation it contradicts."""
    return m.shared_ic * effective_frequency(m.frequency) if m.match == "contradicts" else 0.0


def match_term(
    knowledge: Mapping[str, Any] | Ontology,
    term: PatientTerm,
    disease_terms: Sequence[str],
    threshold: float = IC_THRESHOLD,
    frequencies: Mapping[str, Any] | None = None,
) -> TermMatch:
    """Relate one patient term to one disease's annotated terms (module doc).

    ``frequencies``: the disease's annotation -> frequency (knowledge.json ``frequencies``)."""
    onto = ontology_of(knowledge)
    t = term.id
    if term.excluded:
        hits = [s for s in disease_terms if t in onto.ancestors(s)]
        if not hits:
            return TermMatch(t, "none", None, 0.0)
        s = max(sorted(hits), key=lambda x: effective_frequency(_frequency(frequencies, x)))
        return TermMatch(t, "contradicts", s, onto.ic_of(t), t, _frequency(frequencies, s))
    best: TermMatch | None = None
    for s in sorted(disease_terms):
        cand = relate(onto, t, s, threshold)
        if cand.explains and (best is None or (cand.shared_ic, -MATCH_RANK[cand.match]) >
                              (best.shared_ic, -MATCH_RANK[best.match])):
            best = cand
            if cand.match == "exact":
                break
    if best is None:
        return TermMatch(t, "none", None, 0.0)
    f = _frequency(frequencies, best.disease_term or "")
    return TermMatch(best.hpo_id, best.match, best.disease_term, best.shared_ic,
                     best.shared_term, f)


def _disease(knowledge: Mapping[str, Any] | Ontology, disease_id: str) -> Mapping[str, Any]:
    if isinstance(knowledge, Mapping):
        return dict(knowledge["diseases"][disease_id])
    d = knowledge.disease(disease_id)  # type: ignore[attr-defined]
    return {"terms": list(d.terms), "frequencies": d.terms}


def match_disease(
    knowledge: Mapping[str, Any] | Ontology,
    disease_id: str,
    terms: Iterable[PatientTerm],
    threshold: float = IC_THRESHOLD,
) -> DiseaseMatch:
    """Per-term matches and the score of one disease for a patient's terms (sorted by HPO ID)."""
    disease = _disease(knowledge, disease_id)
    dterms = disease["terms"]
    freqs = disease.get("frequencies")
    onto = ontology_of(knowledge)
    ordered = sorted(terms, key=lambda x: (x.id, x.excluded))
    matches = [match_term(onto, t, dterms, threshold, freqs) for t in ordered]
    total = sum(onto.ic_of(t.id) for t in ordered if not t.excluded)
    gained = sum(m.shared_ic for m in matches if m.explains)
    lost = sum(contradiction_cost(m) for m in matches)
    score = 0.0 if total <= 0 else max(0.0, min(1.0, (gained - lost) / total))
    return DiseaseMatch(disease_id, round(score, 4), matches)


def explains(knowledge: Mapping[str, Any] | Ontology, term_id: str, disease_id: str,
             excluded: bool = False) -> TermMatch:
    """How the disease relates to one term (``.explains`` for a present term; ``contradicts``
    when ``excluded`` and the disease expects it)."""
    disease = _disease(knowledge, disease_id)
    return match_term(knowledge, PatientTerm(term_id, excluded), disease["terms"],
                      frequencies=disease.get("frequencies"))


# ------------------------------------------------------------------------------- background


class BackgroundOntology(Ontology, Protocol):
    """What :func:`explaining_diseases` needs besides :class:`Ontology`."""

    def descendants(self, hpo_id: str) -> AbstractSet[str]: ...  # with the term itself


def candidate_annotations(onto: BackgroundOntology, t: str,
                          threshold: float = IC_THRESHOLD) -> set[str]:
    """Every annotation that *could* explain ``t`` under :func:`relate`: its ancestors (exact,
    descendant), its descendants (ancestor) and the descendants of its informative ancestors
    (related: the common ancestor of a related match is an informative ancestor of ``t``)."""
    out = set(onto.ancestors(t)) | set(onto.descendants(t))
    informative = [c for c in onto.ancestors(t) if onto.ic_of(c) >= threshold]
    # a descendant of an informative ancestor is below a maximal one: only those are expanded
    maximal = [c for c in informative
               if not any(o != c and o in onto.ancestors(c) for o in informative)]
    for c in maximal:
        out |= onto.descendants(c)
    return out


def explaining_diseases(
    onto: BackgroundOntology,
    t: str,
    annotated: Mapping[str, Sequence[str]],
    threshold: float = IC_THRESHOLD,
) -> dict[str, float]:
    """The diseases (those in ``annotated``: term -> diseases annotated with it) that explain the
    present term ``t`` under :func:`relate`, each with the IC of its best match's shared concept
    (what :func:`match_term` would report as ``shared_ic``)."""
    found: dict[str, float] = {}
    for s in sorted(candidate_annotations(onto, t, threshold)):
        ds = annotated.get(s)
        if not ds:
            continue
        m = relate(onto, t, s, threshold)
        if m.explains:
            for d in ds:
                if m.shared_ic > found.get(d, -1.0):
                    found[d] = m.shared_ic
    return found


def background_counts(
    onto: BackgroundOntology,
    terms: Iterable[str],
    annotated: Mapping[str, Sequence[str]],
    n_diseases: int,
    threshold: float = IC_THRESHOLD,
) -> dict[str, Any]:
    """knowledge.json's ``background``: per present term, how many of the ``n_diseases``
    diseases in ``annotated`` (OMIM) explain it under this rule (``explaining``), and how many
    at each level of specificity, the IC of the best match's shared concept (``levels``:
    ``[[ic, count], ...]``, most specific first)."""
    explaining: dict[str, int] = {}
    levels: dict[str, list[list[float]]] = {}
    for t in sorted(set(terms)):
        found = explaining_diseases(onto, t, annotated, threshold)
        explaining[t] = len(found)
        hist: dict[float, int] = {}
        for ic in found.values():
            hist[ic] = hist.get(ic, 0) + 1
        levels[t] = [[ic, n] for ic, n in sorted(hist.items(), reverse=True)]
    return {
        "description": "OMIM diseases that explain each patient term under the matching rule "
                       "of dualdx.interpretation.phenotype_match (exact, ancestor, descendant, "
                       "related), in all and by the IC of the best match's shared concept",
        "ic_threshold": threshold,
        "n_diseases": n_diseases,
        "explaining": explaining,
        "levels": levels,
    }


def background_probability(knowledge: Mapping[str, Any], hpo_id: str,
                           at_least: float | None = None) -> float | None:
    """Share of OMIM diseases that explain ``hpo_id`` (with ``at_least``: whose best match's
    shared concept has at least that IC, i.e. explain it at least as specifically); None when
    the knowledge lacks the term.

    Counted at distill time under the same rule; the share is at least 1/N (the disease at hand
    explains it, so it is not impossible)."""
    bg = knowledge.get("background") or {}
    n = bg.get("n_diseases")
    count = (bg.get("explaining") or {}).get(hpo_id)
    if not n or count is None:
        return None
    if at_least is not None:
        lv = (bg.get("levels") or {}).get(hpo_id)
        if lv is None:
            return None
        count = sum(int(c) for ic, c in lv if float(ic) >= at_least - 1e-9)
    return min(1.0, max(int(count), 1) / int(n))


# ------------------------------------------------------------------------- chance of a match

#: Term weights (surprisal, nats) are summed in units of this size for the exact tail below.
WEIGHT_UNIT = 0.01


def surprisal(p: float) -> float:
    """What it tells that a disease explains a term a random disease explains with probability
    ``p``: ``-ln p`` nats (a term 1 in 1,000 diseases explain tells 6.9, one in 3 tells 1.1)."""
    return -math.log(p) if p > 0 else -math.log(1e-12)


def units(x: float) -> int:
    """``x`` nats in :data:`WEIGHT_UNIT` steps (every weight and statistic is rounded alike)."""
    return round(x / WEIGHT_UNIT)


def weighted_tail(outcomes: Sequence[Sequence[tuple[float, int]]], observed: int) -> float:
    """P(the sum of the terms' weights >= ``observed``), the terms independent, each taking
    weight ``k`` with probability ``p`` for each ``(p, k)`` of its ``outcomes`` and 0 otherwise
    (exact on the integer weights)."""
    if observed <= 0:
        return 1.0
    top = observed  # index `top` holds all mass at or above the observed statistic
    dist = [1.0] + [0.0] * top
    for term in outcomes:
        merged: dict[int, float] = {}
        for p, k in term:
            if p > 0.0 and k > 0:
                merged[min(k, top)] = merged.get(min(k, top), 0.0) + p
        if not merged:
            continue
        stay = max(0.0, 1.0 - sum(merged.values()))
        new = [x * stay for x in dist]
        for k, p in merged.items():
            if k < top:
                new[k:top] = [a + b * p for a, b in zip(new[k:top], dist[:top - k], strict=True)]
            new[top] += p * sum(dist[top - k:])
        dist = new
    return max(0.0, min(1.0, dist[top]))


def term_outcomes(knowledge: Mapping[str, Any], hpo_id: str) -> list[tuple[float, int]] | None:
    """The null distribution of one term's weight: for each level of specificity at which a
    random OMIM disease explains it, (probability, weight in units); None without background."""
    bg = knowledge.get("background") or {}
    n = bg.get("n_diseases")
    lv = (bg.get("levels") or {}).get(hpo_id)
    if not n or lv is None:
        return None
    out = []
    for ic, count in lv:
        rate = background_probability(knowledge, hpo_id, float(ic))
        if rate is not None and int(count) > 0:
            out.append((int(count) / int(n), units(surprisal(rate))))
    return out


@dataclass(frozen=True)
class Chance:
    """How unlikely a disease's explanation of some terms is for a random OMIM disease.

    ``statistic``: sum over the explained terms of -ln(share of OMIM diseases that explain the
    term at least as specifically), minus the contradiction costs (nats); ``p_value``: P(a random
    disease reaches it), each term explained independently at the background's rates. ``None``
    p-value: a background rate is missing."""

    explained: tuple[str, ...]
    statistic: float
    p_value: float | None
    expected: float  # expected number of the terms a random disease explains
    contradiction_cost: float
    rates: dict[str, float | None]  # share of OMIM diseases explaining each term at all
    weights: dict[str, float]  # what each explained term told (nats)


def chance_of(knowledge: Mapping[str, Any], terms: Sequence[str], matches: Iterable[TermMatch],
              ) -> Chance:
    """The :class:`Chance` of a disease's ``matches`` to the patient, over ``terms`` (the present
    terms in question): the terms among them it explains count for it, its contradictions
    (excluded terms it expects) against it; the null distribution has only the gains (so a
    contradiction only makes passing harder)."""
    wanted = set(terms)
    ms = list(matches)
    rates = {t: background_probability(knowledge, t) for t in sorted(wanted)}
    got = {m.hpo_id: m for m in ms if m.explains and m.hpo_id in wanted}
    cost = sum(contradiction_cost(m) for m in ms)
    weights: dict[str, float] = {}
    for t, m in sorted(got.items()):
        r = background_probability(knowledge, t, m.shared_ic)
        if r is not None:
            weights[t] = round(units(surprisal(r)) * WEIGHT_UNIT, 4)
    stat_units = sum(units(w) for w in weights.values()) - units(cost)
    outcomes = [term_outcomes(knowledge, t) for t in sorted(wanted)]
    pval = None
    if all(o is not None for o in outcomes) and len(weights) == len(got):
        pval = weighted_tail([o for o in outcomes if o is not None], stat_units)
    known = [p for p in rates.values() if p is not None]
    return Chance(tuple(sorted(got)), round(stat_units * WEIGHT_UNIT, 4), pval,
                  round(sum(known), 4), round(cost, 4), rates, weights)


# --------------------------------------------------------------------------- PP4 specificity

#: PP4 needs the disease's match to the proband to be this unlikely for a random OMIM disease.
PP4_MAX_CHANCE = 1e-3


def phenotype_specificity(
    knowledge: Mapping[str, Any], proband_terms: Sequence[PatientTerm],
    max_chance: float = PP4_MAX_CHANCE,
) -> dict[str, str | None]:
    """PP4 evidence per panel gene: a sentence when the proband's phenotype is highly specific for
    one of the gene's diseases of known mode, ``None`` when it is not.

    Highly specific: what the disease explains of the proband's terms (the sum of their
    specific surprisal, minus the cost of excluded terms it expects, :func:`chance_of`) would be reached
    by a random OMIM disease with probability below ``max_chance``: the same rule and background
    model as the dual-diagnosis test. Genes are absent from the result (PP4 not evaluated) when
    the proband has no present terms or the knowledge lacks a background rate."""
    present = [t.id for t in proband_terms if not t.excluded]
    if not present or not (knowledge.get("background") or {}).get("n_diseases"):
        return {}
    if any(background_probability(knowledge, t) is None for t in present):
        return {}
    out: dict[str, str | None] = {}
    for gene, disease_ids in sorted(knowledge.get("genes", {}).items()):
        best: tuple[float, str, Chance] | None = None
        for did in disease_ids:
            disease = knowledge["diseases"].get(did) or {}
            if not disease.get("modes") or set(disease["modes"]) <= {"unknown"}:
                continue
            m = match_disease(knowledge, did, proband_terms)
            if not m.explained:
                continue
            ch = chance_of(knowledge, present, m.matches)
            if ch.p_value is not None and (best is None or ch.p_value < best[0]):
                best = (ch.p_value, did, ch)
        if best is not None and best[0] < max_chance:
            chance, did, ch = best
            name = knowledge["diseases"][did].get("name", did)
            out[gene] = (f"phenotype highly specific for {name} ({did}): it explains "
                         f"{len(ch.explained)} of {len(present)} HPO terms, chance for a random "
                         f"OMIM disease {chance:.1e}")
        else:
            out[gene] = None
    return out
