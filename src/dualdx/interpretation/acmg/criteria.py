"""ACMG/AMP criteria as small pure functions over one variant's evidence.

Every criterion function takes a :class:`VariantEvidence` and returns

* a :class:`Criterion` when the criterion is met (with the strength it is applied at and one
  sentence of evidence),
* ``None`` when it was evaluated and is not met (or does not apply to this kind of variant),
* a :class:`NotEvaluated` when the data needed to decide is missing (never guessed).

ClinGen SVI refinements implemented (see README "ACMG criteria implemented"):
PVS1 decision tree (Abou Tayoun et al. 2018, PMID 30192042) as far as the transcript facts allow;
PM2 at Supporting (SVI 2020); PM3 points (SVI PM3 v1.0); PS2/PM6 points (SVI de novo v1.1);
PP1 by informative meioses (Jarvik & Browning 2016, PMID 27236918); PP3/BP4 with the calibrated
REVEL/CADD thresholds of Pejaver et al. 2022 (PMID 36413997) and SpliceAI thresholds of the SVI
splicing subgroup (Walker et al. 2023, PMID 37352859). ClinVar's own assertion for the variant is
never a criterion (PP5/BP6 are retired by ClinGen SVI).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from dualdx.core.model import PopulationFrequency, TranscriptConsequence
from dualdx.interpretation import modes
from dualdx.interpretation.penetrance import Course, family_bs2_applies
from dualdx.interpretation.segregation import Segregation
from dualdx.knowledge.clinvar_assertion import MIN_STARS, acmg_tier

Strength = Literal["Stand-alone", "Very strong", "Strong", "Moderate", "Supporting"]
Direction = Literal["pathogenic", "benign"]

STRENGTH_RANK: dict[str, int] = {
    "Stand-alone": 5, "Very strong": 4, "Strong": 3, "Moderate": 2, "Supporting": 1,
}
_POINTS: dict[str, int] = {
    "Stand-alone": 8, "Very strong": 8, "Strong": 4, "Moderate": 2, "Supporting": 1,
}
_LABEL_SUFFIX: dict[str, str] = {
    "Stand-alone": "StandAlone", "Very strong": "VeryStrong", "Strong": "Strong",
    "Moderate": "Moderate", "Supporting": "Supporting",
}

#: Default strength of every ACMG/AMP 2015 criterion (Richards et al. 2015, Tables 3 and 4).
DEFAULT_STRENGTH: dict[str, Strength] = {
    "PVS1": "Very strong",
    "PS1": "Strong", "PS2": "Strong", "PS3": "Strong", "PS4": "Strong",
    "PM1": "Moderate", "PM2": "Moderate", "PM3": "Moderate", "PM4": "Moderate",
    "PM5": "Moderate", "PM6": "Moderate",
    "PP1": "Supporting", "PP2": "Supporting", "PP3": "Supporting", "PP4": "Supporting",
    "BA1": "Stand-alone",
    "BS1": "Strong", "BS2": "Strong", "BS3": "Strong", "BS4": "Strong",
    "BP1": "Supporting", "BP2": "Supporting", "BP3": "Supporting", "BP4": "Supporting",
    "BP5": "Supporting", "BP7": "Supporting",
}

# Thresholds (sources in the module docstring; each applied value is quoted in the evidence).
CLINVAR_MIN_STARS = MIN_STARS  # ClinVar P/LP "established" (PS1, PM5, PM3 partner): owner's rule
DEFAULT_BS2_NHOMALT = 2  # healthy homozygotes in gnomAD needed for BS2 (per-gene: bs2_nhomalt)
# REVEL, Pejaver et al. 2022 Table 2: PP3 >=0.644 Sup, >=0.773 Mod, >=0.932 Str;
# BP4 <=0.290 Sup, <=0.183 Mod, <=0.016 Str (<=0.003 "Very strong" capped at Strong here).
REVEL_PP3 = ((0.932, "Strong"), (0.773, "Moderate"), (0.644, "Supporting"))
REVEL_BP4 = ((0.016, "Strong"), (0.183, "Moderate"), (0.290, "Supporting"))
# CADD (PHRED), Pejaver et al. 2022 Table 2: PP3 >=25.3 Sup, >=28.1 Mod;
# BP4 <=22.7 Sup, <=17.3 Mod, <=0.15 Str.
CADD_PP3 = ((28.1, "Moderate"), (25.3, "Supporting"))
CADD_BP4 = ((0.15, "Strong"), (17.3, "Moderate"), (22.7, "Supporting"))
# SpliceAI maximum delta score, Walker et al. 2023: PP3 >=0.2; BP4/BP7 <=0.1.
SPLICEAI_PP3 = 0.2
SPLICEAI_BENIGN = 0.1
PVS1_FRACTION_STRONG = 0.10  # NMD-escaping truncation / in-frame skip removing >10% of protein

NULL_TRUNCATING = frozenset({"stop_gained", "frameshift_variant"})
CANONICAL_SPLICE = frozenset({"splice_donor_variant", "splice_acceptor_variant"})
START_LOSS = frozenset({"start_lost", "initiator_codon_variant"})
INFRAME_INDEL = frozenset({
    "inframe_deletion", "inframe_insertion", "disruptive_inframe_deletion",
    "disruptive_inframe_insertion", "conservative_inframe_deletion",
    "conservative_inframe_insertion",
})
STOP_LOST = frozenset({"stop_lost"})
MISSENSE = frozenset({"missense_variant"})
SYNONYMOUS = frozenset({"synonymous_variant", "stop_retained_variant", "start_retained_variant"})
SPLICE_REGION = frozenset({
    "splice_region_variant", "splice_donor_5th_base_variant", "splice_donor_region_variant",
    "splice_polypyrimidine_tract_variant",
})
RECESSIVE_MODES = modes.RECESSIVE_MODES
DOMINANT_MODES = modes.DOMINANT_MODES


@dataclass(frozen=True)
class Criterion:
    """One ACMG/AMP criterion that is met, at the strength it is applied."""

    code: str
    strength: Strength
    direction: Direction
    evidence: str

    def __post_init__(self) -> None:
        if self.code not in DEFAULT_STRENGTH:
            raise ValueError(f"unknown ACMG criterion {self.code!r}")
        expected = "pathogenic" if self.code.startswith("P") else "benign"
        if self.direction != expected:
            raise ValueError(f"{self.code} points {expected}, not {self.direction}")
        if self.strength not in STRENGTH_RANK:
            raise ValueError(f"unknown strength {self.strength!r}")
        if self.strength == "Stand-alone" and self.code != "BA1":
            raise ValueError("only BA1 is stand-alone")

    @property
    def label(self) -> str:
        """``PM2_Supporting`` when applied at a strength other than the default, else ``PM2``."""
        if self.strength == DEFAULT_STRENGTH[self.code]:
            return self.code
        return f"{self.code}_{_LABEL_SUFFIX[self.strength]}"

    @property
    def points(self) -> int:
        """Tavtigian points, signed (benign negative; BA1 shown as -8)."""
        p = _POINTS[self.strength]
        return p if self.direction == "pathogenic" else -p

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "strength": self.strength, "label": self.label,
                "points": self.points, "direction": self.direction, "evidence": self.evidence}


@dataclass(frozen=True)
class NotEvaluated:
    """A criterion that could apply to this variant but was not decided: the data is missing."""

    code: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "why": self.why}


Outcome = Criterion | NotEvaluated | None


@dataclass(frozen=True)
class GeneSettings:
    """Per-gene thresholds from the panel file (README "Per-gene settings")."""

    symbol: str
    lof_mechanism: bool
    ba1_af: float = 0.05
    bs1_af: float = 0.005
    pm2_af: float = 0.0001
    bs2_nhomalt: int = DEFAULT_BS2_NHOMALT


@dataclass(frozen=True)
class InheritanceCall:
    """One row of ``inheritance.json`` ``calls`` for this variant (one disease of the gene)."""

    disease_id: str
    disease_mode: str
    label: str | None
    origin: str | None = None
    partner: str | None = None
    qualifies: bool = False
    segregation: Segregation | None = None
    proband_affected: bool = False  # proband listed in affected_by_disease[disease_id]
    parents_genotyped: bool | None = None  # both parents genotyped (de novo confirmed); None: unknown
    # relatives unaffected for this disease, with its genotype, who are ancestors of the proband
    unaffected_ancestor_carriers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClinVarNeighbour:
    """A ClinVar record at the same residue / with the same amino-acid change (PS1, PM5)."""

    variation_id: str
    hgvs_p: str | None
    significance: str
    stars: int
    key: str | None = None


@dataclass(frozen=True)
class PartnerEvidence:
    """What is known about the other allele (PM3): ClinVar assertion and computed class."""

    key: str
    clinvar_significance: str | None = None
    clinvar_stars: int = 0
    computed_class_without_pm3: str | None = None


@dataclass(frozen=True)
class VariantEvidence:
    """Everything the criteria look at for one variant (built by ``dualdx.interpretation.acmg.classify``)."""

    key: str
    gene: str
    consequence: TranscriptConsequence | None
    gnomad: PopulationFrequency
    settings: GeneSettings
    disease_modes: tuple[str, ...] = ()
    clinvar_same_residue: tuple[ClinVarNeighbour, ...] = ()
    clinvar_same_aa_change: tuple[ClinVarNeighbour, ...] = ()
    calls: tuple[InheritanceCall, ...] = ()
    partners: tuple[PartnerEvidence, ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)
    configured_scores: Mapping[str, str] | None = None  # score name -> source; None: none
    phenotype_evaluated: bool = False  # the phenotype stage ran for this gene
    phenotype_specific: str | None = None  # evidence sentence when highly specific (PP4)
    in_repeat: bool | None = None  # in-frame indel inside a repeat; None: not annotated
    protein_length: int | None = None  # amino acids of the MANE protein, when known
    skipped_exon_length: int | None = None  # nt of the exon a canonical splice variant skips
    disease_courses: Mapping[str, Course] = field(default_factory=dict)  # onset, penetrance


# --------------------------------------------------------------------------------------------
# helpers


def consequence_terms(tc: TranscriptConsequence | None) -> frozenset[str]:
    if tc is None:
        return frozenset()
    return frozenset(t.strip() for t in re.split(r"[&,]", tc.consequence) if t.strip())


def _frequency(g: PopulationFrequency) -> float | None:
    """Filtering frequency: popmax when known, else overall AF; 0 when absent; None: unknown."""
    if not g.found:
        return 0.0
    if g.popmax_af is not None:
        return g.popmax_af
    return g.af


def _freq_text(g: PopulationFrequency) -> str:
    src = g.source or "gnomAD"
    if not g.found:
        return f"absent from {src}"
    if g.popmax_af is not None:
        pop = f" ({g.popmax_population})" if g.popmax_population else ""
        return f"{src} popmax AF {g.popmax_af:.3g}{pop}"
    return f"{src} AF {g.af:.3g}" if g.af is not None else f"{src}: AF not reported"


def _gnomad_missing(code: str, g: PopulationFrequency) -> NotEvaluated | None:
    if not g.queried:
        return NotEvaluated(code, "gnomAD was not queried: population frequency unknown")
    if g.found and _frequency(g) is None:
        return NotEvaluated(code, "gnomAD record has no allele frequency")
    return None


def _no_consequence(code: str) -> NotEvaluated:
    return NotEvaluated(code, "no transcript consequence was determined for this variant")


# --------------------------------------------------------------------------------------------
# population data


def ba1(ev: VariantEvidence) -> Outcome:
    missing = _gnomad_missing("BA1", ev.gnomad)
    if missing:
        return missing
    f = _frequency(ev.gnomad)
    assert f is not None
    if f > ev.settings.ba1_af:
        return Criterion("BA1", "Stand-alone", "benign",
                         f"{_freq_text(ev.gnomad)} is above the BA1 threshold "
                         f"{ev.settings.ba1_af:g} for {ev.gene}.")
    return None


def bs1(ev: VariantEvidence) -> Outcome:
    missing = _gnomad_missing("BS1", ev.gnomad)
    if missing:
        return missing
    f = _frequency(ev.gnomad)
    assert f is not None
    if ev.settings.bs1_af < f <= ev.settings.ba1_af:
        return Criterion("BS1", "Strong", "benign",
                         f"{_freq_text(ev.gnomad)} is above the BS1 threshold "
                         f"{ev.settings.bs1_af:g} for {ev.gene} (greater than expected).")
    return None


def pm2(ev: VariantEvidence) -> Outcome:
    """PM2 at Supporting (ClinGen SVI 2020).

    Genes with a recessive disease: popmax AF at or below ``pm2_af``. Genes with dominant
    diseases only (or no mode known): absent from gnomAD.
    """
    missing = _gnomad_missing("PM2", ev.gnomad)
    if missing:
        return missing
    f = _frequency(ev.gnomad)
    assert f is not None
    recessive = any(m in RECESSIVE_MODES for m in ev.disease_modes)
    if not ev.gnomad.found or (ev.gnomad.ac is not None and ev.gnomad.ac == 0):
        return Criterion("PM2", "Supporting", "pathogenic",
                         f"{_freq_text(ev.gnomad)} (gnomAD was queried).")
    if recessive and f <= ev.settings.pm2_af:
        return Criterion("PM2", "Supporting", "pathogenic",
                         f"{_freq_text(ev.gnomad)} is at or below {ev.settings.pm2_af:g}, "
                         f"rare enough for the recessive disease of {ev.gene}.")
    return None


def bs2(ev: VariantEvidence) -> Outcome:
    """BS2 from the population (:func:`bs2_gnomad`) or from the family (:func:`bs2_family`): the
    stronger of the two when both apply, with both evidence sentences."""
    pop, fam = bs2_gnomad(ev), bs2_family(ev)
    if fam is None:
        return pop
    if isinstance(pop, Criterion):
        strength = pop.strength if STRENGTH_RANK[pop.strength] >= STRENGTH_RANK[fam.strength] \
            else fam.strength
        return Criterion("BS2", strength, "benign", f"{pop.evidence} {fam.evidence}")
    return fam


def bs2_family(ev: VariantEvidence) -> Criterion | None:
    """Unaffected adult relatives with the genotype a fully penetrant, early-onset disease needs
    (rule: :mod:`dualdx.interpretation.penetrance`). Applied only when it holds for every disease
    (of known mode) the proband's genotype qualifies for: a variant that may still cause an
    adult-onset or incompletely penetrant form gets no BS2 from the family."""
    rows = [c for c in ev.calls if c.qualifies and c.disease_mode in modes.KNOWN_MODES]
    if not rows:
        return None
    whys: list[str] = []
    for c in rows:
        ok, why = family_bs2_applies(ev.disease_courses.get(c.disease_id, Course(None, None)))
        if not ok or not c.unaffected_ancestor_carriers:
            return None
        whys.append(f"{c.disease_id}: {why}")
    n = min(len(c.unaffected_ancestor_carriers) for c in rows)
    who = sorted({s for c in rows for s in c.unaffected_ancestor_carriers})
    strength: Strength = "Strong" if n >= 2 else "Supporting"
    return Criterion("BS2", strength, "benign",
                     f"unaffected {', '.join(who)} (ancestor{'s' if len(who) > 1 else ''} of the "
                     f"proband) ha{'ve' if len(who) > 1 else 's'} the genotype the disease needs "
                     f"({'; '.join(sorted(set(whys)))}).")


def bs2_gnomad(ev: VariantEvidence) -> Outcome:
    """Healthy homozygotes in gnomAD (``nhomalt`` at least ``bs2_nhomalt``).

    A homozygote is counter-evidence for both a recessive and a dominant disease, so the rule is
    applied when every disease mode of the gene is autosomal. Healthy heterozygotes in gnomAD
    against a dominant disease are not used (gnomAD ages and penetrance are not known to the
    workflow); healthy relatives are (:func:`bs2_family`).
    """
    missing = _gnomad_missing("BS2", ev.gnomad)
    if missing:
        return missing
    if not ev.disease_modes:
        return NotEvaluated("BS2", f"no disease mode known for {ev.gene}")
    other = sorted(m for m in ev.disease_modes
                   if m not in ("autosomal_recessive", "autosomal_dominant"))
    if other:
        return NotEvaluated("BS2", f"mode(s) {', '.join(other)}: hemizygote counts not used")
    if not ev.gnomad.found:
        return None
    if ev.gnomad.nhomalt is None:
        return NotEvaluated("BS2", "gnomAD record has no homozygote count")
    if ev.gnomad.nhomalt >= ev.settings.bs2_nhomalt:
        return Criterion("BS2", "Strong", "benign",
                         f"{ev.gnomad.nhomalt} homozygotes in {ev.gnomad.source or 'gnomAD'} "
                         f"(threshold {ev.settings.bs2_nhomalt}) for a disease of early onset "
                         f"({', '.join(sorted(set(ev.disease_modes)))}).")
    return None


# --------------------------------------------------------------------------------------------
# variant type


def _fraction_removed(ev: VariantEvidence) -> float | None:
    tc = ev.consequence
    if tc is None or not ev.protein_length:
        return None
    if tc.protein_pos is not None:
        return max(0, ev.protein_length - tc.protein_pos + 1) / ev.protein_length
    if tc.protein_length_change is not None and tc.protein_length_change < 0:
        return -tc.protein_length_change / ev.protein_length
    return None


def pvs1(ev: VariantEvidence) -> Outcome:
    """PVS1 following the ClinGen decision tree (Abou Tayoun et al. 2018) as far as known.

    Where a branch needs a fact that is not known, the lowest strength every remaining branch
    allows is applied and the evidence sentence says which fact was missing.
    """
    tc = ev.consequence
    if tc is None:
        return _no_consequence("PVS1")
    terms = consequence_terms(tc)
    is_trunc = bool(terms & NULL_TRUNCATING)
    is_splice = bool(terms & CANONICAL_SPLICE)
    is_start = bool(terms & START_LOSS)
    if not (is_trunc or is_splice or is_start):
        return None
    if not ev.settings.lof_mechanism:
        return None
    gene = ev.gene
    if is_trunc:
        kind = "frameshift" if "frameshift_variant" in terms else "nonsense"
        if tc.nmd_predicted is True:
            return Criterion("PVS1", "Very strong", "pathogenic",
                             f"{kind} variant predicted to undergo NMD in {tc.transcript}; "
                             f"loss of function is a mechanism of disease for {gene}.")
        if tc.nmd_predicted is None and tc.last_exon is not True:
            return Criterion("PVS1", "Moderate", "pathogenic",
                             f"{kind} variant in {gene}; NMD not determined, so the lowest "
                             "strength of the PVS1 tree (Moderate) is applied.")
        frac = _fraction_removed(ev)
        if frac is None:
            return Criterion("PVS1", "Moderate", "pathogenic",
                             f"{kind} variant escaping NMD (last exon or within 50 nt of the last "
                             "junction); fraction of protein removed not determined: Moderate.")
        if frac > PVS1_FRACTION_STRONG:
            return Criterion("PVS1", "Strong", "pathogenic",
                             f"{kind} variant escaping NMD that removes {frac:.0%} of the "
                             f"{ev.protein_length}-aa protein (>10%).")
        return Criterion("PVS1", "Moderate", "pathogenic",
                         f"{kind} variant escaping NMD that removes {frac:.0%} of the protein "
                         "(≤10%).")
    if is_splice:
        site = "donor" if "splice_donor_variant" in terms else "acceptor"
        n = ev.skipped_exon_length
        if n is None:
            return Criterion("PVS1", "Moderate", "pathogenic",
                             f"canonical splice {site} (±1,2) variant in {gene}; length of the "
                             "skipped exon not determined, so frame preservation is unknown: "
                             "lowest strength of the tree (Moderate) applied.")
        if n % 3 != 0:
            return Criterion("PVS1", "Very strong", "pathogenic",
                             f"canonical splice {site} (±1,2) variant; skipping the {n}-nt exon "
                             "shifts the reading frame (NMD expected: neither of the last two "
                             "exons).")
        if ev.protein_length and (n // 3) / ev.protein_length > PVS1_FRACTION_STRONG:
            return Criterion("PVS1", "Strong", "pathogenic",
                             f"canonical splice {site} variant; in-frame skipping of a {n}-nt "
                             f"exon removes more than 10% of the {ev.protein_length}-aa protein.")
        return Criterion("PVS1", "Moderate", "pathogenic",
                         f"canonical splice {site} variant; in-frame skipping of a {n}-nt exon "
                         "(≤10% of the protein, or protein length unknown).")
    return Criterion("PVS1", "Supporting", "pathogenic",
                     f"initiation codon variant in {gene}; pathogenic variants upstream of the "
                     "next in-frame start codon not checked, so PVS1_Supporting (SVI tree).")


def _missense_check(code: str, ev: VariantEvidence) -> NotEvaluated | Literal["ok"] | None:
    tc = ev.consequence
    if tc is None:
        return _no_consequence(code)
    if not consequence_terms(tc) & MISSENSE:
        return None
    if not tc.protein_effect_determined or tc.protein_pos is None or not tc.alt_aa:
        return NotEvaluated(code, "protein change of this missense variant not determined")
    return "ok"


def _established(items: tuple[ClinVarNeighbour, ...], own_key: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, ClinVarNeighbour]] = []
    for it in items:
        if it.key is not None and it.key == own_key:
            continue
        tier = acmg_tier(it.significance)
        if tier is not None and it.stars >= CLINVAR_MIN_STARS:
            out.append((tier, it))
    return out


def _cite(items: list[tuple[str, Any]]) -> str:
    return "; ".join(f"VCV {it.variation_id} {it.hgvs_p or ''} {it.significance} "
                     f"({it.stars}★)".replace("  ", " ") for _, it in items[:3])


def ps1(ev: VariantEvidence) -> Outcome:
    chk = _missense_check("PS1", ev)
    if chk != "ok":
        return chk
    tc = ev.consequence
    assert tc is not None
    same = [(t, it) for t, it in _established(ev.clinvar_same_aa_change, ev.key)
            if not (it.hgvs_p and tc.hgvs_p) or _norm_p(it.hgvs_p) == _norm_p(tc.hgvs_p)]
    if not same:
        return None
    if any(t == "P" for t, _ in same):
        return Criterion("PS1", "Strong", "pathogenic",
                         f"same amino-acid change {tc.hgvs_p} as ClinVar Pathogenic "
                         f"{_cite([x for x in same if x[0] == 'P'])}.")
    return Criterion("PS1", "Moderate", "pathogenic",
                     f"same amino-acid change {tc.hgvs_p} as ClinVar Likely pathogenic "
                     f"{_cite(same)}.")


def _norm_p(p: str) -> str:
    return p.replace("(", "").replace(")", "").split(":")[-1]


_NOT_MISSENSE_P = re.compile(r"(Ter|\*|fs|del|ins|dup|=|\?|ext)")


def pm5(ev: VariantEvidence) -> Outcome:
    chk = _missense_check("PM5", ev)
    if chk != "ok":
        return chk
    tc = ev.consequence
    assert tc is not None
    other = [(t, it) for t, it in _established(ev.clinvar_same_residue, ev.key)
             if it.hgvs_p and not _NOT_MISSENSE_P.search(_norm_p(it.hgvs_p))
             and (tc.hgvs_p is None or _norm_p(it.hgvs_p) != _norm_p(tc.hgvs_p))]
    if not other:
        return None
    if any(t == "P" for t, _ in other):
        return Criterion("PM5", "Moderate", "pathogenic",
                         f"different missense change at residue {tc.ref_aa}{tc.protein_pos} is "
                         f"ClinVar Pathogenic: {_cite([x for x in other if x[0] == 'P'])}.")
    return Criterion("PM5", "Supporting", "pathogenic",
                     f"different missense change at residue {tc.ref_aa}{tc.protein_pos} is "
                     f"ClinVar Likely pathogenic: {_cite(other)}.")


def pm4(ev: VariantEvidence) -> Outcome:
    tc = ev.consequence
    if tc is None:
        return _no_consequence("PM4")
    terms = consequence_terms(tc)
    if terms & STOP_LOST:
        return Criterion("PM4", "Moderate", "pathogenic",
                         f"stop-loss variant lengthens the {ev.gene} protein.")
    if not terms & INFRAME_INDEL:
        return None
    if ev.in_repeat is None:
        return NotEvaluated("PM4", "in-frame indel but no repeat annotation: PM4 requires a "
                                   "non-repeat region")
    if ev.in_repeat:
        return None
    return Criterion("PM4", "Moderate", "pathogenic",
                     f"in-frame indel outside a repeat changes the protein length ({tc.hgvs_p}).")


def bp3(ev: VariantEvidence) -> Outcome:
    tc = ev.consequence
    if tc is None or not consequence_terms(tc) & INFRAME_INDEL:
        return None
    if ev.in_repeat is None:
        return NotEvaluated("BP3", "in-frame indel but no repeat annotation available")
    if ev.in_repeat:
        return Criterion("BP3", "Supporting", "benign",
                         "in-frame indel inside a repetitive region without known function.")
    return None


def _score(ev: VariantEvidence, name: str) -> float | None:
    if ev.configured_scores is None or name not in ev.configured_scores:
        return None
    v = ev.scores.get(name)
    return float(v) if v is not None else None


def bp7(ev: VariantEvidence) -> Outcome:
    """Synonymous with no predicted splice impact: SpliceAI ≤0.1, or (without SpliceAI) outside
    the splice region by the transcript consequence."""
    tc = ev.consequence
    if tc is None:
        return _no_consequence("BP7")
    terms = consequence_terms(tc)
    if not terms & SYNONYMOUS:
        return None
    sai = _score(ev, "spliceai")
    if sai is not None:
        if sai <= SPLICEAI_BENIGN:
            return Criterion("BP7", "Supporting", "benign",
                             f"synonymous; SpliceAI max delta {sai:.2f} ≤ {SPLICEAI_BENIGN}.")
        return None
    if terms & SPLICE_REGION:
        return NotEvaluated("BP7", "synonymous in the splice region and no SpliceAI score")
    return Criterion("BP7", "Supporting", "benign",
                     "synonymous and outside the splice region (SpliceAI not available; "
                     "splice impact judged from the consequence only).")


# --------------------------------------------------------------------------------------------
# in-silico predictions


def _grade(value: float, table: tuple[tuple[float, str], ...], above: bool) -> Strength | None:
    for thr, strength in table:
        if (above and value >= thr) or (not above and value <= thr):
            return strength  # type: ignore[return-value]
    return None


def _strongest(a: Strength | None, b: Strength | None) -> Strength | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if STRENGTH_RANK[a] >= STRENGTH_RANK[b] else b


def _is_null(ev: VariantEvidence) -> bool:
    return bool(consequence_terms(ev.consequence) & (NULL_TRUNCATING | CANONICAL_SPLICE))


def _insilico(ev: VariantEvidence) -> tuple[Strength | None, Strength | None, list[str]]:
    """(PP3 strength, BP4 strength, scores used); no scores used -> empty list."""
    missense = bool(consequence_terms(ev.consequence) & MISSENSE)
    revel, cadd, sai = _score(ev, "revel"), _score(ev, "cadd"), _score(ev, "spliceai")
    pp3: Strength | None = None
    bp4: Strength | None = None
    used: list[str] = []
    if missense and revel is not None:
        pp3 = _grade(revel, REVEL_PP3, above=True)
        bp4 = _grade(revel, REVEL_BP4, above=False)
        used.append(f"REVEL {revel:.3f}")
    elif missense and cadd is not None:
        pp3 = _grade(cadd, CADD_PP3, above=True)
        bp4 = _grade(cadd, CADD_BP4, above=False)
        used.append(f"CADD {cadd:.1f}")
    if sai is not None:
        used.append(f"SpliceAI {sai:.2f}")
        if sai >= SPLICEAI_PP3:
            pp3 = _strongest(pp3, "Supporting")
            bp4 = None  # a predicted splice effect contradicts benign evidence
        elif sai <= SPLICEAI_BENIGN and not missense:
            bp4 = _strongest(bp4, "Supporting")
        elif not sai <= SPLICEAI_BENIGN:
            bp4 = None  # splice impact uncertain (0.1 < score < 0.2): no benign evidence
    elif used and bp4 is not None:
        used.append("splicing not predicted (no SpliceAI score)")
    return pp3, bp4, used


def _insilico_missing(code: str, ev: VariantEvidence) -> NotEvaluated | None:
    if not ev.configured_scores:
        return NotEvaluated(code, "no in-silico score source configured")
    return None


def pp3(ev: VariantEvidence) -> Outcome:
    missing = _insilico_missing("PP3", ev)
    if missing:
        return missing
    if ev.consequence is not None and _is_null(ev):
        return None  # predicted null variants: PVS1 carries this evidence (no double count)
    strength, _, why = _insilico(ev)
    if not why:
        return NotEvaluated("PP3", "no configured in-silico score applies to this variant")
    if strength is None:
        return None
    return Criterion("PP3", strength, "pathogenic",
                     f"computational evidence supports a deleterious effect: {', '.join(why)} "
                     "(Pejaver 2022 / Walker 2023 thresholds).")


def bp4(ev: VariantEvidence) -> Outcome:
    missing = _insilico_missing("BP4", ev)
    if missing:
        return missing
    if ev.consequence is not None and _is_null(ev):
        return None
    _, strength, why = _insilico(ev)
    if not why:
        return NotEvaluated("BP4", "no configured in-silico score applies to this variant")
    if strength is None:
        return None
    return Criterion("BP4", strength, "benign",
                     f"computational evidence suggests no impact: {', '.join(why)} "
                     "(Pejaver 2022 / Walker 2023 thresholds).")


# --------------------------------------------------------------------------------------------
# de novo, allelic, segregation and phenotype data


def ps2_pm6(ev: VariantEvidence) -> Outcome:
    """De novo in an affected proband: SVI points (confirmed 1, assumed 0.5; doubled when the
    phenotype is highly specific for the gene). 0.5 Supporting, 1 Moderate, 2 Strong."""
    calls = [c for c in ev.calls if c.proband_affected
             and (c.origin == "de_novo" or c.label == "de_novo")]
    if not calls:
        return None
    confirmed = any(c.parents_genotyped is True for c in calls)
    points = 1.0 if confirmed else 0.5
    if ev.phenotype_specific:
        points *= 2
    strength: Strength = ("Strong" if points >= 2 else "Moderate" if points >= 1
                          else "Supporting")
    code = "PS2" if confirmed else "PM6"
    basis = ("both parents genotyped without the variant" if confirmed
             else "de novo assumed (parents not both genotyped, or not stated)")
    pheno = ("phenotype highly specific for the gene" if ev.phenotype_specific
             else "phenotype not shown to be highly specific")
    return Criterion(code, strength, "pathogenic",
                     f"de novo in the affected proband ({basis}; {pheno}): {points:g} SVI "
                     "de novo points.")


_PM3_STRENGTH: tuple[tuple[float, Strength], ...] = (
    (4.0, "Very strong"), (2.0, "Strong"), (1.0, "Moderate"), (0.5, "Supporting"),
)


def _partner_tier(p: PartnerEvidence) -> tuple[Literal["P", "LP"] | None, str]:
    """Class of the other allele: its ClinVar P/LP assertion, or its computed class without PM3.

    A ClinVar assertion with ≥1 star counts as asserted. One without review (0 stars: no assertion
    criteria, typically a literature-based OMIM submission) still documents a reported pathogenic
    allele, so it counts one step lower, as Likely pathogenic (0.5 point in trans), never more.
    """
    cv = acmg_tier(p.clinvar_significance, p.clinvar_stars)
    cv_note = ""
    if cv is not None and p.clinvar_stars < CLINVAR_MIN_STARS:
        cv_note = ", counted as likely pathogenic: no review stars"
    comp: Literal["P", "LP"] | None = {"Pathogenic": "P", "Likely pathogenic": "LP"}.get(
        p.computed_class_without_pm3 or "")  # type: ignore[assignment]
    best = "P" if "P" in (cv, comp) else "LP" if "LP" in (cv, comp) else None
    src = []
    if cv:
        src.append(f"ClinVar {p.clinvar_significance} ({p.clinvar_stars}★{cv_note})")
    if comp:
        src.append(f"computed {p.computed_class_without_pm3} without PM3")
    return best, " and ".join(src)  # type: ignore[return-value]


def pm3(ev: VariantEvidence) -> Outcome:
    """SVI PM3 v1.0 points for this proband: in trans with P 1.0 / LP 0.5; phase unknown with
    P 0.5 / LP 0.25; homozygous 0.5. 0.5 Supporting, 1 Moderate, 2 Strong, 4 Very strong."""
    calls = [c for c in ev.calls if c.disease_mode == "autosomal_recessive"]
    if not calls:
        return None
    partners = {p.key: p for p in ev.partners}
    best = 0.0
    why = ""
    for c in calls:
        if c.label == "recessive_homozygous" and best < 0.5:
            best, why = 0.5, "homozygous in the proband (0.5 point)"
        elif c.label in ("compound_het_trans", "compound_het_unknown_phase") and c.partner:
            p = partners.get(c.partner)
            if p is None:
                continue
            tier, src = _partner_tier(p)
            if tier is None:
                continue
            trans = c.label == "compound_het_trans"
            pts = {("P", True): 1.0, ("LP", True): 0.5,
                   ("P", False): 0.5, ("LP", False): 0.25}[(tier, trans)]
            if pts > best:
                phase = "in trans" if trans else "phase unknown"
                best, why = pts, f"{phase} with {c.partner} ({src}; {pts:g} point)"
    for thr, strength in _PM3_STRENGTH:
        if best >= thr:
            return Criterion("PM3", strength, "pathogenic", f"recessive disease: {why}.")
    return None


# Jarvik & Browning 2016: chance of cosegregation (1/2)^n; 1/8 Supporting, 1/16 Moderate,
# 1/32 Strong.
_PP1_STRENGTH: tuple[tuple[int, Strength], ...] = ((5, "Strong"), (4, "Moderate"),
                                                   (3, "Supporting"))


def pp1(ev: VariantEvidence) -> Outcome:
    """Cosegregation over the informative meioses the inheritance stage counted, for the calls
    whose inheritance pattern qualifies."""
    best = max((c.segregation.informative_meioses or 0 for c in ev.calls
                if c.segregation is not None and c.qualifies), default=0)
    if best == 0:
        return NotEvaluated("PP1", "no informative meioses for a qualifying inheritance pattern "
                                   "in this family")
    for n, strength in _PP1_STRENGTH:
        if best >= n:
            return Criterion("PP1", strength, "pathogenic",
                             f"cosegregates with disease over {best} informative meioses "
                             f"(chance (1/2)^{best}; Jarvik & Browning 2016).")
    return None


def bs4(ev: VariantEvidence) -> Outcome:
    """Affected relatives without the variant, for every disease of the gene with segregation
    data (phenocopies are not modelled). Diseases whose mode of inheritance is unknown (the
    inheritance stage does not judge them) say nothing about who should carry it."""
    segs = [c.segregation for c in ev.calls
            if c.segregation is not None and c.proband_affected
            and c.disease_mode not in ("unknown", "mitochondrial", "")]
    informative = [s for s in segs if s is not None
                   and (s.affected_noncarriers > 0 or s.affected_carriers > 1)]
    if not informative:
        return NotEvaluated("BS4", "no genotyped affected relatives besides the proband")
    if all(s.affected_noncarriers > 0 for s in informative):
        n = max(s.affected_noncarriers for s in informative)
        return Criterion("BS4", "Strong", "benign",
                         f"{n} affected relative(s) do not carry the variant (lack of "
                         "segregation).")
    return None


def pp4(ev: VariantEvidence) -> Outcome:
    if not ev.phenotype_evaluated:
        return NotEvaluated("PP4", "phenotype specificity for this gene was not computed")
    if ev.phenotype_specific and not any(
            c.proband_affected and (c.origin == "de_novo" or c.label == "de_novo")
            for c in ev.calls):
        return Criterion("PP4", "Supporting", "pathogenic", ev.phenotype_specific)
    return None  # not specific, or already counted in the de novo points


Rule = Callable[[VariantEvidence], Outcome]

#: Every criterion evaluated, in report order. PM3 is last: it needs the partners' classes.
RULES: tuple[tuple[str, Rule], ...] = (
    ("PVS1", pvs1), ("PS1", ps1), ("PS2/PM6", ps2_pm6), ("PM2", pm2), ("PM4", pm4),
    ("PM5", pm5), ("PP1", pp1), ("PP3", pp3), ("PP4", pp4),
    ("BA1", ba1), ("BS1", bs1), ("BS2", bs2), ("BS4", bs4), ("BP3", bp3), ("BP4", bp4),
    ("BP7", bp7), ("PM3", pm3),
)


def evaluate(ev: VariantEvidence, with_pm3: bool = True) -> tuple[list[Criterion],
                                                                  list[NotEvaluated]]:
    """Apply every rule; return (criteria met, criteria not evaluated)."""
    met: list[Criterion] = []
    not_eval: list[NotEvaluated] = []
    for name, rule in RULES:
        if name == "PM3" and not with_pm3:
            continue
        out = rule(ev)
        if isinstance(out, Criterion):
            met.append(out)
        elif isinstance(out, NotEvaluated):
            not_eval.append(out)
    return sort_criteria(met), not_eval


def sort_criteria(criteria: list[Criterion]) -> list[Criterion]:
    """Pathogenic first, then strongest first, then by code."""
    return sorted(criteria, key=lambda c: (c.direction != "pathogenic",
                                           -STRENGTH_RANK[c.strength], c.code))
