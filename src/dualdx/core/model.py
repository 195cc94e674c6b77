"""Shared data model passed between stages.

Every stage reads and writes these records as JSON (``to_dict`` / ``from_dict``), so a stage can be
re-run alone and its output inspected. Field names are part of the contract between stages:
change them only together with every reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Sex = Literal["male", "female", "unknown"]
Affection = Literal["affected", "unaffected", "unknown"]


def normalize_chrom(chrom: str) -> str:
    """Contig name without a ``chr`` prefix, ``M`` spelt ``MT``: the key used to match databases."""
    c = chrom[3:] if chrom.lower().startswith("chr") else chrom
    return "MT" if c in ("M", "m") else c


def chrom_rank(chrom: str) -> tuple[int, str]:
    """Natural genome order of a contig (``chr`` or not): 1..22, X, Y, MT, then others by name."""
    c = normalize_chrom(chrom)
    if c.isdigit():
        return (int(c), "")
    return ({"X": 23, "Y": 24, "MT": 25}.get(c, 99), c)


@dataclass(frozen=True)
class Call:
    """One person's genotype at one biallelic record (after multiallelic splitting).

    ``alleles`` holds 0 (ref), 1 (this record's alt), None (missing or untrusted). An allele of a
    *different* alt of the original multiallelic site is written as -1 (``other alt``): neither ref
    nor this alt.
    """

    alleles: tuple[int | None, ...]
    phased: bool = False
    ps: int | None = None
    ad: tuple[int, ...] | None = None
    dp: int | None = None
    gq: float | None = None

    @property
    def gt(self) -> str:
        sep = "|" if self.phased else "/"
        return sep.join("." if a is None else ("*" if a < 0 else str(a)) for a in self.alleles)

    @property
    def alt_count(self) -> int | None:
        """Number of copies of this alt allele, or None when any allele is unknown."""
        if any(a is None for a in self.alleles):
            return None
        return sum(1 for a in self.alleles if a == 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "gt": self.gt,
            "alleles": list(self.alleles),
            "phased": self.phased,
            "ps": self.ps,
            "ad": list(self.ad) if self.ad is not None else None,
            "dp": self.dp,
            "gq": self.gq,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Call:
        return cls(
            alleles=tuple(d["alleles"]),
            phased=bool(d.get("phased", False)),
            ps=d.get("ps"),
            ad=tuple(d["ad"]) if d.get("ad") is not None else None,
            dp=d.get("dp"),
            gq=d.get("gq"),
        )


@dataclass
class VariantRecord:
    """A biallelic variant with the family's calls (``calls`` keyed by sample ID)."""

    chrom: str
    pos: int
    ref: str
    alt: str
    calls: dict[str, Call] = field(default_factory=dict)
    id: str | None = None
    qual: float | None = None
    filter: str | None = None

    @property
    def key(self) -> str:
        """``chrom-pos-ref-alt``, as the report names a variant."""
        return f"{self.chrom}-{self.pos}-{self.ref}-{self.alt}"

    @property
    def norm_chrom(self) -> str:
        return normalize_chrom(self.chrom)

    def to_dict(self) -> dict[str, Any]:
        return {
            "chrom": self.chrom,
            "pos": self.pos,
            "ref": self.ref,
            "alt": self.alt,
            "id": self.id,
            "qual": self.qual,
            "filter": self.filter,
            "calls": {s: c.to_dict() for s, c in sorted(self.calls.items())},
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> VariantRecord:
        return cls(
            chrom=d["chrom"],
            pos=int(d["pos"]),
            ref=d["ref"],
            alt=d["alt"],
            calls={s: Call.from_dict(c) for s, c in d.get("calls", {}).items()},
            id=d.get("id"),
            qual=d.get("qual"),
            filter=d.get("filter"),
        )


@dataclass
class TranscriptConsequence:
    """Effect of a variant on one transcript (MANE Select unless ``is_mane`` is false)."""

    gene: str
    transcript: str  # RefSeq accession.version, e.g. NM_000478.6
    ensembl_transcript: str | None
    consequence: str  # Sequence Ontology term, most severe first if several joined by '&'
    hgvs_c: str | None  # e.g. "c.535G>A" (without the transcript prefix)
    hgvs_p: str | None  # e.g. "p.(Ala179Thr)"; None when not determined
    protein_effect_determined: bool  # False when no sequence was available to derive it
    is_mane: bool = True
    exon: str | None = None  # "5/12"
    intron: str | None = None  # "4/11"
    cds_pos: int | None = None
    protein_pos: int | None = None
    ref_aa: str | None = None  # three-letter code
    alt_aa: str | None = None
    # Null-variant facts for PVS1 (filled when determinable)
    nmd_predicted: bool | None = None  # premature stop >50 nt upstream of last exon-exon junction
    last_exon: bool | None = None
    protein_length_change: int | None = None  # amino acids gained (+) or lost (-) in-frame
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TranscriptConsequence:
        return cls(**d)


@dataclass
class ClinVarAssertion:
    """ClinVar's aggregate record for one variant (from the NCBI ClinVar VCF)."""

    variation_id: str
    significance: str  # as in CLNSIG with '_' replaced by ' ', e.g. "Pathogenic/Likely pathogenic"
    review_status: str  # as in CLNREVSTAT with '_' replaced by ' '
    stars: int  # 0..4, per ClinVar's review-status to star mapping
    conditions: list[str] = field(default_factory=list)
    genes: list[str] = field(default_factory=list)
    molecular_consequences: list[str] = field(default_factory=list)
    hgvs: str | None = None
    release: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClinVarAssertion:
        return cls(**d)


@dataclass
class PopulationFrequency:
    """gnomAD facts for one variant. ``queried`` False means nothing is known, not 'absent'."""

    queried: bool
    found: bool = False
    af: float | None = None
    popmax_af: float | None = None
    popmax_population: str | None = None
    nhomalt: int | None = None
    ac: int | None = None
    an: int | None = None
    source: str | None = None  # e.g. "gnomAD v4.0 exomes"
    release: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PopulationFrequency:
        return cls(**d)


@dataclass
class DatabaseStatus:
    """What one knowledge source was for this run: used, or why not."""

    name: str  # "clinvar", "gnomad", "transcripts", "reference_fasta", "hpo", ...
    status: Literal["used", "embedded", "not_configured", "unavailable"]
    release: str | None = None
    path: str | None = None
    sha256: str | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DatabaseStatus:
        return cls(**d)
