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
most 1 in 20 OMIM diseases. A match earns the IC of its shared concept (Resnik: an exact or
ancestor match IC(t), a descendant or related match the smaller IC of what the patient and disease
have in common) plus ``ln f``, ``f`` the frequency HPO gives the disease annotation that explains it
(``phenotype.hpoa``: "Very frequent" 80-99% counts 0.895, 3/7 counts 0.43; where HPO gives none,
:data:`DEFAULT_FREQUENCY`, the mean of the release's annotations that give one), never below 0
(:func:`match_gain`).

**Excluded patient terms**: ``contradicts`` when the disease is annotated with ``t`` or a
descendant (it expects the feature the clinician ruled out), else ``none``; excluded terms never
count as explained. A contradiction costs ``-ln(1 - f)`` (:func:`contradiction_cost`, a likelihood
ratio, ``f`` capped at :data:`MAX_FREQUENCY`): a hallmark seen in 90% of patients costs 2.3 nats, a
feature seen in 5% almost nothing, so a richly annotated disease does not lose to a sparse one
merely because the clinician ruled out its rarer features. Features not reported at all cost
nothing: not reported is not absent.

**Score**: ``(sum of match gains over present terms - contradiction costs) / sum of IC over
present terms``, clipped to 0..1 (the unclipped value is kept as ``evidence``, which only
orders diseases of equal score): the IC-weighted share of the patient's phenotype the disease
explains (Resnik best-match restricted to matches that explain, asymmetric: what the disease
explains of the patient, weighed by frequency like LIRICAL's likelihood ratios). One rule then
drives the score, the term x disease matrix, the dual-diagnosis test and PP4, and a clinician can
recompute it by hand.

**Background** (:func:`explaining_diseases`): which OMIM diseases explain a term under this same
rule, and how specifically; the candidate annotations are derived from the rule (the term's
ancestors and descendants, and the descendants of its informative ancestors) and each is checked
with :func:`relate`, so the count is the rule's (tested against a brute-force count over
diseases). **Chance** (:func:`chance_of`): what a disease's matches tell (each term ``-ln`` of the
share of OMIM diseases that explain it at least as specifically, beyond an optional baseline,
less contradiction costs), and the share of all OMIM diseases, matched the same way, that tell as
much: an empirical null used by the dual-diagnosis test and PP4.

``knowledge`` is either ``knowledge.json`` as a mapping or any object with the methods of
:class:`Ontology` (the HPO store, :mod:`dualdx.knowledge.hpo_store`).
"""

from __future__ import annotations

import functools
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
        """Direct evidence about *this* disease, as affection per disease needs it: an exact
        match, or an ancestor or descendant match whose shared concept has IC >=
        :data:`IC_THRESHOLD`. An ancestor match of a general term ("Abnormality of the
        dentition" against a disease with carious teeth) explains the term (true-path rule) but
        says little; a ``related`` match (a sibling feature under an informative concept) explains
        it for the diagnosis but is an analogy, not evidence that a relative has the disease."""
        return self.match == "exact" or (self.match in ("ancestor", "descendant")
                                         and self.shared_ic >= IC_THRESHOLD)

    def to_dict(self) -> dict[str, Any]:
        return {"hpo_id": self.hpo_id, "match": self.match, "disease_term": self.disease_term,
                "shared_ic": round(self.shared_ic, 4), "shared_term": self.shared_term,
                "frequency": None if self.frequency is None else round(self.frequency, 4)}


@dataclass
class DiseaseMatch:
    disease_id: str
    score: float
    matches: list[TermMatch] = field(default_factory=list)
    #: The score before clipping to 0..1 (match gains less contradiction costs, over the
    #: patient's IC): equal scores (two diseases both clipped to 0, or both at 1) are told apart
    #: by it, e.g. the one whose expected features the clinician ruled out more strongly.
    evidence: float = 0.0

    @property
    def explained(self) -> list[str]:
        return sorted(m.hpo_id for m in self.matches if m.explains)

    @property
    def contradicted(self) -> list[str]:
        return sorted(m.hpo_id for m in self.matches if m.match == "contradicts")


def ic_of(knowledge: Mapping[str, Any] | Ontology, hpo_id: str) -> float:
    return ontology_of(knowledge).ic_of(hpo_id)


# --------------------------------------------------------------------------------- the rule


@functools.lru_cache(maxsize=65536)
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


#: A feature ruled out costs at most -ln(1 - 0.95) = 3.0 nats, however obligate HPO says it is
#: (annotations and examinations err; one such feature weighs about one specific finding).
MAX_FREQUENCY = 0.95


def contradiction_cost(m: TermMatch) -> float:
    """What an excluded term the disease expects costs it (nats): ``-ln(1 - f)``, ``f`` the
    frequency of the disease annotation it contradicts (a likelihood ratio: a patient lacks a
    feature the disease shows in a share ``f`` of patients with probability ``1 - f``). A hallmark
    in 90% of patients costs 2.3, a feature in 1 of 2 costs 0.7, one in 5% costs 0.05."""
    if m.match != "contradicts":
        return 0.0
    return -math.log(1.0 - min(effective_frequency(m.frequency), MAX_FREQUENCY))


def match_gain(m: TermMatch) -> float:
    """What a present term's explanation earns the disease's score (nats): the IC of the shared
    concept, plus ``ln f`` for the frequency of the annotation that explains it (a likelihood
    ratio against the background: a feature seen in half of the patients earns 0.7 less than an
    obligate one), never below 0."""
    if not m.explains:
        return 0.0
    f = max(effective_frequency(m.frequency), 1e-3)
    return max(0.0, m.shared_ic + math.log(min(f, 1.0)))


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
    gained = sum(match_gain(m) for m in matches)
    lost = sum(contradiction_cost(m) for m in matches)
    raw = 0.0 if total <= 0 else (gained - lost) / total
    score = max(0.0, min(1.0, raw))
    return DiseaseMatch(disease_id, round(score, 4), matches, round(raw, 4))


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
    diseases: Sequence[str],
    threshold: float = IC_THRESHOLD,
) -> dict[str, Any]:
    """knowledge.json's ``background``: for each present term, which of the background
    ``diseases`` (OMIM) explain it under this rule, grouped by how specifically (the IC of the
    best match's shared concept; ``diseases``: ``[[ic, [ordinal, ...]], ...]``, most specific
    first, ordinals into the sorted background list) and how many (``explaining``)."""
    ordinal = {d: i for i, d in enumerate(diseases)}
    explaining: dict[str, int] = {}
    by_level: dict[str, list[list[Any]]] = {}
    for t in sorted(set(terms)):
        found = {d: ic for d, ic in explaining_diseases(onto, t, annotated, threshold).items()
                 if d in ordinal}
        explaining[t] = len(found)
        groups: dict[float, list[int]] = {}
        for d, ic in found.items():
            groups.setdefault(ic, []).append(ordinal[d])
        by_level[t] = [[ic, sorted(ds)] for ic, ds in sorted(groups.items(), reverse=True)]
    return {
        "description": "OMIM diseases that explain each patient term under the matching rule "
                       "of dualdx.interpretation.phenotype_match (exact, ancestor, descendant, "
                       "related): how many, and which (ordinals) by the IC of the best match's "
                       "shared concept",
        "ic_threshold": threshold,
        "n_diseases": len(diseases),
        "explaining": explaining,
        "diseases": by_level,
    }


def background_probability(knowledge: Mapping[str, Any], hpo_id: str,
                           at_least: float | None = None) -> float | None:
    """Share of OMIM diseases that explain ``hpo_id`` (with ``at_least``: whose best match's
    shared concept has at least that IC, i.e. that explain it at least as specifically); None
    when the knowledge lacks the term.

    Counted at distill time under the same rule; the share is at least 1/N (the disease at hand
    explains it, so it is not impossible)."""
    bg = knowledge.get("background") or {}
    n = bg.get("n_diseases")
    count = (bg.get("explaining") or {}).get(hpo_id)
    if not n or count is None:
        return None
    if at_least is not None:
        lv = (bg.get("diseases") or {}).get(hpo_id)
        if lv is None:
            return None
        count = sum(len(ds) for ic, ds in lv if float(ic) >= at_least - 1e-9)
    return min(1.0, max(int(count), 1) / int(n))


# ------------------------------------------------------------------------- chance of a match


def term_weight(knowledge: Mapping[str, Any], m: TermMatch) -> float | None:
    """What a match tells: ``-ln`` of the share of OMIM diseases that explain the term at least
    as specifically (an exact match of a term 1 in 1,000 diseases have tells 6.9 nats; a related
    match through a concept 1 in 15 diseases share tells 2.7). 0 for no explanation; None when
    the background lacks the term."""
    if not m.explains:
        return 0.0
    r = background_probability(knowledge, m.hpo_id, m.shared_ic)
    return None if r is None else -math.log(r)


@dataclass(frozen=True)
class Chance:
    """How unlikely a disease's explanation of a patient's terms is for a random OMIM disease.

    ``statistic``: the sum, over the terms, of what the disease's match tells (:func:`term_weight`)
    beyond a ``baseline`` (what another diagnosis already tells about the term; 0 without one),
    minus the contradiction costs (nats). ``p_value``: the share of the background's OMIM
    diseases whose own statistic on the same terms reaches it (an empirical null: every OMIM
    disease is matched under the same rule, so terms that go together are counted together).
    ``None``: a term lacks background rates."""

    gained: tuple[str, ...]  # terms the disease explains beyond the baseline
    statistic: float
    p_value: float | None
    expected: float  # expected number of the terms a random OMIM disease explains
    contradiction_cost: float
    rates: dict[str, float | None]  # share of OMIM diseases that explain each term at all
    weights: dict[str, float]  # what each gained term told beyond the baseline (nats)


def null_statistics(knowledge: Mapping[str, Any], terms: Iterable[str],
                    baseline: Mapping[str, float] | None = None) -> dict[int, float] | None:
    """Every background OMIM disease's statistic on ``terms`` (ordinal -> nats; diseases that
    explain none of them are left out, their statistic is 0); None without background rates."""
    bg = knowledge.get("background") or {}
    levels = bg.get("diseases") or {}
    n = bg.get("n_diseases")
    if not n:
        return None
    out: dict[int, float] = {}
    for t in sorted(set(terms)):
        lv = levels.get(t)
        if lv is None:
            return None
        base = (baseline or {}).get(t, 0.0)
        cum = 0
        for _ic, ds in lv:  # most specific first: the share at or above this level grows
            cum += len(ds)
            gain = -math.log(max(cum, 1) / int(n)) - base
            if gain > 0:
                for d in ds:
                    out[d] = out.get(d, 0.0) + gain
    return out


def chance_of(knowledge: Mapping[str, Any], terms: Sequence[str], matches: Iterable[TermMatch],
              baseline: Mapping[str, float] | None = None) -> Chance:
    """The :class:`Chance` of a disease's ``matches`` on ``terms`` (present terms): what its
    explanations tell beyond ``baseline``, less what its contradictions (excluded terms it
    expects) cost; the null statistics have no costs (so a contradiction only makes passing
    harder)."""
    wanted = sorted(set(terms))
    ms = list(matches)
    rates = {t: background_probability(knowledge, t) for t in wanted}
    cost = sum(contradiction_cost(m) for m in ms)
    gains: dict[str, float] = {}
    complete = True
    for m in ms:
        if m.hpo_id not in rates or not m.explains:
            continue
        w = term_weight(knowledge, m)
        if w is None:
            complete = False
            continue
        gain = w - (baseline or {}).get(m.hpo_id, 0.0)
        if gain > 1e-9:
            gains[m.hpo_id] = gain
    stat = sum(gains.values()) - cost  # unrounded: compared with the null's own sums
    null = null_statistics(knowledge, wanted, baseline) if complete else None
    pval: float | None = None
    if null is not None:
        n = int((knowledge.get("background") or {})["n_diseases"])
        pval = 1.0 if stat <= 1e-9 else max(
            sum(1 for v in null.values() if v >= stat - 1e-6), 1) / n
    known = [p for p in rates.values() if p is not None]
    return Chance(tuple(sorted(gains)), round(stat, 4), pval, round(sum(known), 4),
                  round(cost, 4), rates, {t: round(g, 4) for t, g in sorted(gains.items())})


# --------------------------------------------------------------------------- PP4 specificity

#: PP4 needs the disease's match to the proband to be this unlikely for a random OMIM disease.
PP4_MAX_CHANCE = 1e-3


def phenotype_specificity(
    knowledge: Mapping[str, Any], proband_terms: Sequence[PatientTerm],
    max_chance: float = PP4_MAX_CHANCE,
) -> dict[str, str | None]:
    """PP4 evidence per panel gene: a sentence when the proband's phenotype is highly specific for
    one of the gene's diseases of known mode, ``None`` when it is not.

    Highly specific: what the disease's explanations of the proband's terms tell, less the cost
    of excluded terms it expects (:func:`chance_of`), is reached by fewer than ``max_chance`` of
    all OMIM diseases matched the same way: the same rule and background model as the
    dual-diagnosis test. Genes are absent from the result (PP4 not evaluated) when
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
                         f"{len(ch.gained)} of {len(present)} HPO terms, chance for a random "
                         f"OMIM disease {chance:.1e}")
        else:
            out[gene] = None
    return out
