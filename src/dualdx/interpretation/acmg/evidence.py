"""The shapes every ACMG/AMP criterion works with: the evidence about one variant
(:class:`VariantEvidence`), a criterion met (:class:`Criterion`) or not evaluated
(:class:`NotEvaluated`), the strengths, thresholds and Sequence Ontology term sets the criteria
share. The criteria themselves: :mod:`dualdx.interpretation.acmg.criteria`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from dualdx.core.model import PopulationFrequency, TranscriptConsequence
from dualdx.interpretation import modes
from dualdx.interpretation.penetrance import Course
from dualdx.interpretation.segregation import Segregation
from dualdx.knowledge.clinvar_assertion import MIN_STARS

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
    #: how the computed class was reached, in words for the evidence sentence: a small variant's
    #: class "without PM3", a copy-number variant's "by the ClinGen/ACMG CNV points"
    computed_by: str = "without PM3"


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


def consequence_terms(tc: TranscriptConsequence | None) -> frozenset[str]:
    if tc is None:
        return frozenset()
    return frozenset(t.strip() for t in re.split(r"[&,]", tc.consequence) if t.strip())


def no_consequence(code: str) -> NotEvaluated:
    return NotEvaluated(code, "no transcript consequence was determined for this variant")


def score(ev: VariantEvidence, name: str) -> float | None:
    """A configured in-silico score of the variant; None when not configured or not given."""
    if ev.configured_scores is None or name not in ev.configured_scores:
        return None
    v = ev.scores.get(name)
    return float(v) if v is not None else None

