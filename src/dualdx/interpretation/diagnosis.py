"""Diagnoses, carriers and the dual-diagnosis decision for one family; writes report.json.

Variant tiers (what a variant can contribute to a diagnosis):

* ``PLP``: computed ACMG class Pathogenic/Likely pathogenic; or computed VUS with a ClinVar
  Pathogenic/Likely pathogenic assertion of >= 1 review star (flag ``clinvar_plp_over_vus``;
  what counts is :func:`dualdx.knowledge.clinvar_assertion.usable`). A ClinVar "low penetrance"
  assertion adds the flag ``clinvar_low_penetrance`` (a caution on the diagnosis).
* ``VUS``: computed VUS, unless ClinVar says Benign/Likely benign with >= 1 star.
* ``excluded``: computed Likely benign/Benign, or a VUS ClinVar calls (Likely) benign with >= 1 star
  (flag ``clinvar_benign_over_vus``: the variant is shown, never used), or a VUS that cannot cause
  disease by :mod:`dualdx.interpretation.candidacy` (flag ``vus_not_protein_or_splice_altering``;
  a splice-region change without splice evidence: ``vus_splice_region_without_splice_evidence``
  or ``vus_splice_region_spliceai_low``).

A disease is *confirmed* when the proband's genotype qualifies for it (inheritance.json
``qualifies`` with a qualifying label) and every variant of the genotype is ``PLP``; *candidate*
when one is ``VUS`` or the compound heterozygote's phase is unknown. Both variants of a compound
heterozygote must be PLP/VUS: a pair with an excluded variant is no diagnosis (its other variant
is listed as a carrier state). ``carrier`` and ``compound_het_cis`` genotypes are carrier states.

Allelic disorders of one gene make one diagnosis: among the gene's diseases whose genotype
qualifies, the one with a mode of inheritance stated by HPO first (ORPHA entries carry none, so
"the genotype fits the mode" cannot be said of them), then the highest phenotype score (equal
scores, e.g. two diseases both clipped to 0: one that explains some term before one that
explains none, then the higher unclipped evidence, ``evidence``), then confirmed before
candidate; the others are listed as ``alternatives``.

When the proband has HPO terms, a diagnosis whose disease explains none of them is moved to
``molecular_findings``. Dual diagnosis: :mod:`dualdx.interpretation.dual`; the stage that
assembles report.json: :mod:`dualdx.interpretation.call_diagnoses`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dualdx.interpretation.candidacy import assess
from dualdx.interpretation.modes import (
    STATED_MODES,
    X_RECESSIVE_MODES,
    XLR_HETEROZYGOUS_FEMALE,
)
from dualdx.interpretation.phenotype_match import (
    DiseaseMatch,
)
from dualdx.interpretation.zygosity import COMPOUND_HETEROZYGOUS
from dualdx.knowledge.clinvar_assertion import low_penetrance, usable

PLP_CLASSES = {"Pathogenic", "Likely pathogenic"}
SINGLE_VARIANT_LABELS = {"de_novo", "dominant", "recessive_homozygous", "x_linked_recessive",
                         "x_linked_dominant"}
PAIR_LABELS = {"compound_het_trans", "compound_het_unknown_phase"}
CARRIER_LABELS = {"carrier", "compound_het_cis"}
#: Proband call problems after which a genotype is a candidate only.
BLOCKS_CONFIRMATION = frozenset({"het_in_haploid_region"})

# ----------------------------------------------------------------------------- variant tiers


def variant_tier(acmg_class: str, clinvar: Mapping[str, Any] | None,
                 consequence: str | None = None,
                 scores: Mapping[str, Any] | None = None) -> tuple[str, list[str]]:
    """(tier, flags) of one variant: tier is ``PLP``, ``VUS`` or ``excluded`` (module doc).

    ``consequence`` (SO terms) and ``scores`` are checked for a VUS only, by the candidacy rule
    (:func:`dualdx.interpretation.candidacy.assess`: a splice-region change outside the canonical
    sites needs a SpliceAI score); ``None`` means not annotated, and such a VUS is not used either.
    """
    lowpen = ["clinvar_low_penetrance"] if low_penetrance(clinvar) else []
    if acmg_class in PLP_CLASSES:
        return "PLP", lowpen
    if acmg_class == "Uncertain significance":
        kind = usable(clinvar)
        if kind == "plp":
            return "PLP", ["clinvar_plp_over_vus", *lowpen]
        if kind == "benign":
            return "excluded", ["clinvar_benign_over_vus"]
        cand = assess(consequence, None, scores)
        if not cand.candidate:
            return "excluded", [f"vus_{cand.reason}" if cand.reason.startswith("splice")
                                else "vus_not_protein_or_splice_altering"]
        return "VUS", []
    return "excluded", []


# ----------------------------------------------------------------------------- genotypes


@dataclass
class Genotype:
    """One way the proband's variants qualify for one disease."""

    gene: str
    disease_id: str
    mode: str
    label: str
    variants: tuple[str, ...]
    status: str  # confirmed | candidate
    flags: list[str]
    zygosity: str


@dataclass
class Diagnosis:
    gene: str
    disease_id: str
    disease_name: str
    genotype: Genotype
    match: DiseaseMatch
    mode_known: bool
    alternatives: list[dict[str, Any]] = field(default_factory=list)

    @property
    def explained(self) -> list[str]:
        return self.match.explained

    def to_dict(self) -> dict[str, Any]:
        return {
            "gene": self.gene,
            "disease_id": self.disease_id,
            "disease_name": self.disease_name,
            "inheritance_mode": self.genotype.mode,
            "status": self.genotype.status,
            "variants": list(self.genotype.variants),
            "explained_hpo": self.explained,
            "contradicted_hpo": self.match.contradicted,
            "score": self.match.score,
            "zygosity": self.genotype.zygosity,
            "label": self.genotype.label,
            "flags": sorted(self.genotype.flags),
            "alternatives": self.alternatives,
        }


def _partners(call: Mapping[str, Any]) -> list[str]:
    """``partner`` plus any ``partners`` (inheritance.json may list several equally good ones)."""
    many = call.get("partners")
    out = {str(p) for p in many if p} if isinstance(many, list) else set()
    if call.get("partner"):
        out.add(str(call["partner"]))
    return sorted(out)


def genotypes_from_calls(
    calls: Iterable[Mapping[str, Any]],
    tiers: Mapping[str, tuple[str, list[str]]],
    zygosity_of: Mapping[str, str],
    qc_of: Mapping[str, Sequence[str]] | None = None,
) -> tuple[list[Genotype], list[dict[str, Any]]]:
    """Qualifying genotypes and carrier states of the proband from inheritance.json calls.

    ``tiers``: variant key -> (tier, flags); ``zygosity_of``: variant key -> proband zygosity;
    ``qc_of``: variant key -> the proband's call problems
    (:mod:`dualdx.interpretation.quality`). A genotype resting on a heterozygous call where one
    copy is expected (``het_in_haploid_region``: a male's X) is never confirmed (flag
    ``qc:het_in_haploid_region:<key>``).
    Returns (genotypes, carrier entries); carrier entries are per (gene, disease, variant).
    """
    qc_of = qc_of or {}

    def qc_flags(keys: Iterable[str]) -> list[str]:
        return [f"qc:{p}:{k}" for k in keys for p in qc_of.get(k, ())
                if p in BLOCKS_CONFIRMATION]

    out: dict[tuple[str, tuple[str, ...]], Genotype] = {}
    carriers: list[dict[str, Any]] = []
    for c in calls:
        label = c.get("label")
        key = str(c["variant"])
        if label is None or key not in tiers:
            continue
        gene, did = str(c.get("gene") or ""), str(c["disease_id"])
        mode = str(c.get("disease_mode") or "unknown")
        tier, flags = tiers[key]

        def carrier(variant: str, why: str, lbl: str = str(label), gene: str = gene,
                    did: str = did) -> None:
            if tiers[variant][0] != "excluded":
                carriers.append({"gene": gene, "disease_id": did, "variant": variant,
                                 "label": lbl, "tier": tiers[variant][0], "why": why})

        if label in CARRIER_LABELS or (label in SINGLE_VARIANT_LABELS | PAIR_LABELS
                                       and not c.get("qualifies")):
            if label in CARRIER_LABELS:
                carrier(key, "both variants on one haplotype (cis)" if label != "carrier"
                        else XLR_HETEROZYGOUS_FEMALE if mode in X_RECESSIVE_MODES
                        else "heterozygous for a recessive disease without a second hit")
            continue
        if label in SINGLE_VARIANT_LABELS:
            if tier == "excluded":
                continue
            qcf = qc_flags([key])
            status = "confirmed" if tier == "PLP" and not qcf else "candidate"
            vflags = [f"{f}:{key}" for f in flags] + ([f"vus:{key}"] if tier == "VUS" else []) \
                + qcf
            g = Genotype(gene, did, mode, str(label), (key,), status, vflags,
                         zygosity_of.get(key, "unknown"))
            out.setdefault((did, g.variants), g)
        elif label in PAIR_LABELS:
            for partner in _partners(c):
                if partner not in tiers:
                    continue
                pair = tuple(sorted((key, partner)))
                if any(tiers[v][0] == "excluded" for v in pair):
                    for v in pair:
                        carrier(v, f"its compound-het partner {partner if v == key else key} "
                                "is benign or likely benign", "carrier")
                    continue
                pflags: list[str] = []
                for v in pair:
                    pflags += [f"{f}:{v}" for f in tiers[v][1]]
                    if tiers[v][0] == "VUS":
                        pflags.append(f"vus:{v}")
                if label == "compound_het_unknown_phase":
                    pflags.append("phase_unknown")
                pflags += qc_flags(pair)
                status = "confirmed" if not pflags or all(
                    f.startswith(("clinvar_plp_over_vus", "clinvar_low_penetrance"))
                    for f in pflags) else "candidate"
                g = Genotype(gene, did, mode, str(label), pair, status, pflags,
                             COMPOUND_HETEROZYGOUS)
                prev = out.get((did, pair))
                if prev is None or (prev.status, prev.label) > (g.status, g.label):
                    out[(did, pair)] = g
    genos = sorted(out.values(), key=lambda g: (g.gene, g.disease_id, g.variants))
    return genos, carriers


def _status_rank(status: str) -> int:
    return 0 if status == "confirmed" else 1


def choose_diagnoses(
    genotypes: Sequence[Genotype],
    matches: Mapping[str, DiseaseMatch],
    knowledge: Mapping[str, Any],
) -> list[Diagnosis]:
    """One diagnosis per gene: best-fitting disease among those the genotype qualifies for."""
    by_gene: dict[str, dict[str, Genotype]] = {}
    for g in genotypes:
        prev = by_gene.setdefault(g.gene, {}).get(g.disease_id)
        if prev is None or (_status_rank(g.status), len(g.flags), -len(g.variants),
                            g.variants) < (_status_rank(prev.status), len(prev.flags),
                                           -len(prev.variants), prev.variants):
            by_gene[g.gene][g.disease_id] = g
    out: list[Diagnosis] = []
    for gene in sorted(by_gene):
        cands: list[Diagnosis] = []
        for did, g in by_gene[gene].items():
            info = knowledge["diseases"].get(did, {})
            mode_known = g.mode in STATED_MODES
            m = matches.get(did) or DiseaseMatch(did, 0.0, [])
            cands.append(Diagnosis(gene, did, str(info.get("name", did)), g, m, mode_known))
        cands.sort(key=lambda d: (not d.mode_known, -d.match.score, not d.match.explained,
                                  -d.match.evidence,
                                  _status_rank(d.genotype.status), d.disease_id))
        best = cands[0]
        best.alternatives = [
            {"disease_id": d.disease_id, "disease_name": d.disease_name,
             "inheritance_mode": d.genotype.mode, "status": d.genotype.status,
             "score": d.match.score, "variants": list(d.genotype.variants)}
            for d in cands[1:]
        ]
        out.append(best)
    return out


