"""Classification of copy-number losses and gains with the ClinGen/ACMG CNV scoring framework
(Riggs et al. 2020, Genet Med 22:245, PMID 31690835; Table 1 losses, Table 2 gains).

Points per section are summed: Pathogenic ≥ 0.99, Likely pathogenic 0.90 to 0.98, VUS −0.89 to
0.89, Likely benign −0.90 to −0.98, Benign ≤ −0.99. What a gene panel can evaluate:

* **Section 1** (genomic content): 1A when the CNV overlaps an exon of a panel gene; 1B (−0.60)
  when it lies inside an intron of a panel gene. A CNV beyond the panel genes without exons of
  them is not evaluated (its other content is not known to the panel).
* **Section 2** (dosage-sensitive genes): the panel's ``lof_mechanism`` says whether loss of
  function is the gene's established disease mechanism; such a gene is scored as the framework's
  "established HI gene" (2A whole gene 1.00; 2C 5′ end; 2D 3′ end; 2E intragenic, through the
  ClinGen PVS1 decision tree for deletions and duplications: Very strong 0.90, Strong 0.45,
  Moderate 0.30, Supporting 0.15). For a gene whose diseases are recessive this scores the
  *allele*; whether the proband's genotype is biallelic is decided by the inheritance stage.
  For gains, triplosensitivity and benign regions are not part of the panel (2A–2G not
  evaluated); 2H, 2I (intragenic duplication: tandem proven by ``<DUP:TANDEM>`` → PVS1, presumed
  → PVS1_Strong, only when the frame is disrupted and NMD predicted), 2J/2K (one breakpoint in
  the gene) are. Benign regions and predicted-HI genes (2B, 2F–2H of losses) are not evaluated.
* **Section 3** (gene count): 3A (0 points) when the CNV lies within one panel gene; beyond it the
  number of genes is not known to the panel and the section is not evaluated (0 points either
  way up to 24 genes for losses, 34 for gains).
* **Section 4**: 4O (−1.00) when population data are configured (``annotation.gnomad_sv``) and a
  PASS population CNV of the same direction with AF ≥ 1% covers the CNV or overlaps it
  reciprocally by ≥ 50%. Reported cases (4A–4K) and case-control data (4L–4N) need literature
  review and are listed as not evaluated; overlapping ClinVar records are shown beside the class,
  never scored (as for small variants, ClinVar is not a criterion).
* **Section 5** (this family), from the inheritance stage; one category, the first that applies
  in this order: 5F when the proband does not carry the CNV; 5E (4I, −0.45) when a relative
  affected for the gene's disease lacks the genotype; 5D (4F–4H) when it segregates with the
  disease (informative meioses counted as the framework's "observed segregations": 3–4 0.15,
  5–6 0.30, ≥7 0.45); 5F for genes whose diseases are all recessive (inheritance from an
  unaffected carrier parent is expected, so 5A–5C do not apply); 5A de novo, scored with the de
  novo categories 4A–4D: a phenotype highly specific for the gene (4A) 0.45 confirmed / 0.30
  assumed, consistent but not highly specific (4C) 0.15 / 0.10, not consistent (4D) 0 —
  "confirmed" as PS2 counts it here: both parents genotyped without it (the inheritance stage's
  origin ``de_novo``), else assumed; 5B/5C inherited from an apparently unaffected parent (−0.30
  highly specific / −0.15 non-specific phenotype); 5E (4J/4K, −0.30 / −0.15) when another
  relative unaffected for the disease carries it; 5G/5H inheritance unknown (0.10 consistent /
  0.30 highly specific phenotype); 5F otherwise. Point values are the framework's suggested
  points (Riggs et al. 2020 Tables 1 and 2, as transcribed in ClinGen's CNV calculator and in
  bihealth/reev ``frontend/src/lib/acmgCNV.ts``); where a range is allowed the suggested value
  is used and 4B (highly specific, "not necessarily unique") is not told apart from 4A.

"Highly specific" is the project's PP4 rule (:func:`phenotype_specificity`); "consistent" means
one of the gene's diseases explains at least one of the proband's terms.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from dualdx.core.caveats import Caveat
from dualdx.core.contracts import read_stage_file, write_stage_file
from dualdx.core.model import ClinVarAssertion
from dualdx.core.stage_files import Inheritance, Knowledge
from dualdx.inputs.panel import load_panel
from dualdx.inputs.phenotypes import PhenotypeTerm
from dualdx.interpretation.acmg.classify import clinvar_disagreement
from dualdx.interpretation.phenotype_match import PatientTerm, match_disease, phenotype_specificity

FRAMEWORK = "clingen_cnv_2020"
FRAMEWORK_VERSION = "Riggs et al. 2020, ACMG/ClinGen CNV scoring metric (PMID 31690835)"
PVS1_POINTS = {"Very strong": 0.90, "Strong": 0.45, "Moderate": 0.30, "Supporting": 0.15}
COMMON_AF = 0.01
DOMINANT_MODES = {"autosomal_dominant", "x_linked_dominant", "x_linked"}
RECESSIVE_MODES = {"autosomal_recessive", "x_linked_recessive"}
#: Segregation points (sections 4F–4H, used by 5D): informative meioses -> points.
SEGREGATION_POINTS = ((7, 0.45), (5, 0.30), (3, 0.15))


@dataclass(frozen=True)
class CnvCriterion:
    code: str  # "2E", "5D", ...
    points: float
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CnvClassification:
    direction: str
    points: float
    acmg_class: str
    criteria: list[CnvCriterion] = field(default_factory=list)
    not_evaluated: list[dict[str, str]] = field(default_factory=list)
    clinvar_disagreement: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"framework": FRAMEWORK, "framework_version": FRAMEWORK_VERSION,
                "direction": self.direction, "points": self.points,
                "acmg_class": self.acmg_class,
                "criteria": [c.to_dict() for c in self.criteria],
                "not_evaluated": self.not_evaluated,
                "clinvar_disagreement": self.clinvar_disagreement}


def class_of(points: float) -> str:
    p = round(points, 2)
    if p >= 0.99:
        return "Pathogenic"
    if p >= 0.90:
        return "Likely pathogenic"
    if p > -0.90:
        return "Uncertain significance"
    if p > -0.99:
        return "Likely benign"
    return "Benign"


# --------------------------------------------------------------------------------------------
# Facts the classifier needs about the family (from inheritance.json and the phenotypes)


@dataclass(frozen=True)
class FamilyFacts:
    """What section 5 needs for one CNV, from the inheritance rows of the proband."""

    carried: bool  # the proband carries the CNV
    modes: tuple[str, ...]  # modes of the gene's diseases
    de_novo: bool
    origin: str | None  # maternal / paternal / de_novo / biparental / unknown
    parent_affected: bool | None  # the transmitting parent is affected for the disease
    informative_meioses: int
    affected_noncarriers: int
    phenotype: str  # "specific", "consistent", "inconsistent", "unknown"
    phenotype_note: str
    de_novo_confirmed: bool = False  # both parents genotyped without it (as PS2 counts it)
    #: relatives unaffected for the disease who carry the genotype, the proband's parents excepted
    unaffected_carriers: tuple[str, ...] = ()


def _pvs1_deletion(c: Mapping[str, Any]) -> tuple[str | None, str]:
    """ClinGen PVS1 strength for an intragenic deletion (Abou Tayoun et al. 2018, deletion branch)."""
    exons = sorted(set(c["exons"]) | set(c["partial_exons"]))
    if not c["coding_bases"]:
        return None, f"{_ex(exons)} contain no coding base"
    if c["removes_start"]:
        return "Supporting", (f"removes the start codon with {_ex(exons)}: the protein made from "
                              "another start codon cannot be predicted (lowest strength)")
    if c["removes_stop"]:
        return None, "removes the stop codon: the effect is not predicted by the PVS1 tree"
    frac = c["protein_removed_fraction"]
    share = "more than 10%" if frac is not None and frac > 0.10 else "10% or less"
    if c["frame"] == "frameshift":
        if c["nmd"] is True:
            return "Very strong", f"{_ex(exons)} deleted out of frame, NMD predicted"
        strength = "Strong" if frac is not None and frac > 0.10 else "Moderate"
        if c["nmd"] is False:
            return strength, (f"{_ex(exons)} deleted out of frame, NMD not predicted; truncates "
                              f"{share} of the protein")
        return strength, (f"{_ex(exons)} deleted out of frame; NMD {c['nmd_basis']}, so the "
                          f"lower branch applies: truncates {share} of the protein")
    strength = "Strong" if frac is not None and frac > 0.10 else "Moderate"
    return strength, f"{_ex(exons)} deleted in frame, removing {share} of the protein"


def _pvs1_duplication(c: Mapping[str, Any], tandem: bool | None) -> tuple[str | None, str]:
    """PVS1 for an intragenic duplication: proven in tandem → Very strong, presumed → Strong, and
    only when the frame is disrupted and NMD predicted; otherwise not applicable."""
    exons = sorted(set(c["exons"]) | set(c["partial_exons"]))
    if tandem is False:
        return None, f"{_ex(exons)} duplicated, not in tandem (<DUP:INT>)"
    if c["frame"] != "frameshift":
        return None, f"{_ex(exons)} duplicated in frame (or no coding base): PVS1 does not apply"
    if c["nmd"] is not True:
        why = "NMD not predicted" if c["nmd"] is False else f"NMD {c['nmd_basis']}"
        return None, f"{_ex(exons)} duplicated out of frame, but {why}"
    if tandem:
        return "Very strong", f"{_ex(exons)} duplicated in tandem (proven), out of frame, NMD predicted"
    return "Strong", (f"{_ex(exons)} duplicated out of frame, NMD predicted, tandem position "
                      "presumed (not proven by the caller)")


def _ex(exons: Sequence[int]) -> str:
    from dualdx.annotation.cnv_consequence import exon_text

    return exon_text(list(exons))


def _section1(event: Mapping[str, Any], out: list[CnvCriterion], ne: list[dict[str, str]]) -> None:
    cons = event["consequences"]
    hit = [c for c in cons if c["exons"] or c["partial_exons"]]
    if hit:
        c = hit[0]
        exons = sorted(set(c["exons"]) | set(c["partial_exons"]))
        out.append(CnvCriterion("1A", 0.0, f"overlaps {_ex(exons)} of {c['gene']}: contains "
                                "protein-coding elements"))
        return
    intronic = [c for c in cons if c["extent"] == "intronic"]
    if intronic:
        c = intronic[0]
        out.append(CnvCriterion("1B", -0.60, f"lies within {c['breakpoints'][0]['region']} of "
                                f"{c['gene']} and contains no exon of it (elements outside the "
                                "panel's transcript models are not checked)"))
        return
    ne.append({"code": "1A/1B", "why": "the CNV lies beyond the panel genes' exons; its other "
                                       "genomic content is not known to the panel"})


def _section2_loss(event: Mapping[str, Any], lof: Mapping[str, bool], clinvar_last_exon:
                   Mapping[str, list[str]], out: list[CnvCriterion],
                   ne: list[dict[str, str]]) -> None:
    best: CnvCriterion | None = None
    notes: list[CnvCriterion] = []
    for c in event["consequences"]:
        gene = c["gene"]
        if not (c["exons"] or c["partial_exons"]) and c["extent"] != "whole_gene":
            continue
        if not lof.get(gene, False):
            notes.append(CnvCriterion("2", 0.0, f"loss of function is not an established disease "
                                      f"mechanism of {gene} (panel lof_mechanism = no)"))
            continue
        ext = c["extent"]
        exons = sorted(set(c["exons"]) | set(c["partial_exons"]))
        mech = f"loss of function is the disease mechanism of {gene} (panel lof_mechanism)"
        if ext == "whole_gene":
            cand = CnvCriterion("2A", 1.00, f"deletes the whole of {gene}; {mech}")
        elif ext == "five_prime":
            cand = CnvCriterion("2C-1", 0.90, f"deletes the 5′ end of {gene} with coding sequence "
                                f"({_ex(exons)}); {mech}") if c["coding_bases"] else \
                CnvCriterion("2C-2", 0.0, f"deletes the 5′ end of {gene}, only its 5′ UTR")
        elif ext == "three_prime":
            last = c["exon_count"]
            if not c["coding_bases"]:
                cand = CnvCriterion("2D-1", 0.0, f"deletes only the 3′ UTR of {gene}")
            elif exons == [last]:
                known = clinvar_last_exon.get(gene) or []
                cand = CnvCriterion("2D-2", 0.90, f"deletes only the last exon of {gene}; ClinVar "
                                    f"lists pathogenic variants in it ({', '.join(known[:5])}); "
                                    f"{mech}") \
                    if known else CnvCriterion("2D-3", 0.30, f"deletes only the last exon of "
                                               f"{gene}; no established pathogenic variant in it "
                                               f"in the ClinVar file used; {mech}")
            else:
                cand = CnvCriterion("2D-4", 0.90, f"deletes the 3′ end of {gene} with {_ex(exons)}, "
                                    f"more than the last exon; {mech}")
        else:
            strength, why = _pvs1_deletion(c)
            pts = PVS1_POINTS.get(strength or "", 0.0)
            label = f"PVS1{'' if strength == 'Very strong' else '_' + strength}" if strength \
                else "PVS1 not applicable"
            cand = CnvCriterion("2E", pts, f"both breakpoints within {gene}: {why} ({label})")
        if best is None or cand.points > best.points:
            best = cand
    if best is not None:
        out.append(best)
    else:
        out.extend(notes[:1])
    ne.append({"code": "2B, 2F–2H", "why": "ClinGen dosage-sensitive and benign regions and "
               "haploinsufficiency predictors are not part of the panel"})


def _section2_gain(event: Mapping[str, Any], lof: Mapping[str, bool], facts: FamilyFacts | None,
                   out: list[CnvCriterion], ne: list[dict[str, str]]) -> None:
    ne.append({"code": "2A–2G", "why": "triplosensitive genes and regions and benign gains are "
               "not part of the panel"})
    best: CnvCriterion | None = None
    for c in event["consequences"]:
        gene = c["gene"]
        ext = c["extent"]
        if ext in ("intronic", "outside"):
            continue
        if not lof.get(gene, False):
            cand = CnvCriterion("2L", 0.0, f"breakpoint(s) in {gene}, a gene without an established "
                                "loss-of-function mechanism (panel)")
        elif ext == "whole_gene":
            cand = CnvCriterion("2H", 0.0, f"{gene} (loss-of-function disease gene) lies wholly "
                                "within the gain: no effect on it expected")
        elif ext == "intragenic":
            strength, why = _pvs1_duplication(c, event["tandem"])
            pts = PVS1_POINTS.get(strength or "", 0.0)
            label = f"PVS1{'' if strength == 'Very strong' else '_' + strength}" if strength \
                else "PVS1 not applicable"
            cand = CnvCriterion("2I", pts, f"both breakpoints within {gene}: {why} ({label})")
        else:
            specific = facts is not None and facts.phenotype == "specific"
            cand = CnvCriterion("2K", 0.45, f"one breakpoint within {gene}; the proband's phenotype "
                                f"is highly specific for {gene} ({facts.phenotype_note})") \
                if specific and facts is not None else CnvCriterion(
                "2J", 0.0, f"one breakpoint within {gene}; the proband's phenotype is not highly "
                "specific for loss of function of it")
        if best is None or cand.points > best.points:
            best = cand
    if best is not None:
        out.append(best)


def _section3(event: Mapping[str, Any], out: list[CnvCriterion], ne: list[dict[str, str]]) -> None:
    cons = event["consequences"]
    inside = [c for c in cons if c["extent"] in ("intragenic", "intronic")]
    if cons and len(inside) == len(cons):
        out.append(CnvCriterion("3A", 0.0, f"lies within {cons[0]['gene']}: one protein-coding "
                                "gene"))
    else:
        ne.append({"code": "3", "why": "the CNV extends beyond the panel gene; how many other "
                   "protein-coding genes it contains is not known to the panel"})


def _section4(event: Mapping[str, Any], out: list[CnvCriterion], ne: list[dict[str, str]]) -> None:
    n_cv = len(event["clinvar_overlaps"])
    ne.append({"code": "4A–4K", "why": "reported cases and their segregation need case-level "
               f"review (literature, DECIPHER); {n_cv} overlapping ClinVar record(s) are shown "
               "beside the class, not scored"})
    ne.append({"code": "4L–4N", "why": "case-control data are not part of the panel"})
    pop = event["population"]
    if not pop["queried"]:
        ne.append({"code": "4O", "why": pop.get("why") or "no population structural-variant data "
                   "configured (annotation.gnomad_sv)"})
        return
    common = [o for o in pop["overlaps"]
              if max(o.get("af") or 0.0, o.get("popmax_af") or 0.0) >= COMMON_AF
              and (o["covers_event"] >= 0.999 or min(o["covers_event"], o["covered"]) >= 0.5)]
    if common:
        o = common[0]
        out.append(CnvCriterion("4O", -1.00, f"a population {o['svtype']} at "
                                f"{o['chrom']}:{o['start']}-{o['end']} (AF {o.get('af')}, highest "
                                f"population AF {o.get('popmax_af')}) covers "
                                f"{o['covers_event']:.0%} of it: common population variation"))
    else:
        rare = pop["overlaps"]
        out.append(CnvCriterion("4O", 0.0, "not met: no population CNV of the same direction with "
                                f"AF ≥ 1% covers it ({len(rare)} overlapping record(s) of "
                                "lower frequency or overlap)"))


#: Section 5A through the de novo categories 4A (highly specific), 4C (consistent), 4D (not
#: consistent): (confirmed, assumed) points.
DE_NOVO_POINTS = {"specific": (0.45, 0.30), "consistent": (0.15, 0.10)}


def _section5(facts: FamilyFacts | None, out: list[CnvCriterion], ne: list[dict[str, str]]) -> None:
    """One section-5 category, the first that applies (module doc)."""
    if facts is None:
        ne.append({"code": "5", "why": "no inheritance assessment for this CNV (the gene has no "
                   "disease in the knowledge file)"})
        return
    if not facts.carried:
        out.append(CnvCriterion("5F", 0.0, "the proband does not carry this CNV: the family "
                                "history is not informative about it"))
        return
    seg = next((pts for n, pts in SEGREGATION_POINTS if facts.informative_meioses >= n), 0.0)
    if facts.affected_noncarriers > 0:
        out.append(CnvCriterion("5E", -0.45, f"{facts.affected_noncarriers} relative(s) affected "
                                "with the gene's disease lack the genotype (4I)"))
        return
    if seg:
        out.append(CnvCriterion("5D", seg, f"segregates with the disease in this family: "
                                f"{facts.informative_meioses} informative meioses (4F–4H)"))
        return
    dominant = bool(set(facts.modes) & DOMINANT_MODES)
    if not dominant:
        out.append(CnvCriterion("5F", 0.0, "the gene's diseases are recessive: inheritance from an "
                                "unaffected parent is expected (carrier), and de novo or "
                                "inherited status neither supports nor weighs against the "
                                f"allele (origin: {facts.origin or 'not determined'})"))
        return
    specific = facts.phenotype == "specific"
    if facts.de_novo:
        confirmed, assumed = DE_NOVO_POINTS.get(facts.phenotype, (0.0, 0.0))
        pts = confirmed if facts.de_novo_confirmed else assumed
        cat = {"specific": "4A", "consistent": "4C"}.get(facts.phenotype, "4D")
        how = ("confirmed: both parents genotyped without it" if facts.de_novo_confirmed
               else "assumed: the parents are not both genotyped")
        out.append(CnvCriterion("5A", pts, f"de novo in the proband ({how}); phenotype "
                                f"{facts.phenotype} ({cat}): {facts.phenotype_note}"))
        return
    if facts.origin in ("maternal", "paternal") and facts.parent_affected is False:
        parent = "mother" if facts.origin == "maternal" else "father"
        if specific:
            out.append(CnvCriterion("5B", -0.30, f"inherited from the apparently unaffected "
                                    f"{parent}; the proband's phenotype is highly specific "
                                    f"({facts.phenotype_note})"))
        else:
            out.append(CnvCriterion("5C", -0.15, f"inherited from the apparently unaffected "
                                    f"{parent}; the proband's phenotype is not highly specific"))
        return
    if facts.unaffected_carriers:
        who = ", ".join(facts.unaffected_carriers)
        cat = ("4J: the proband's phenotype is highly specific" if specific
               else "4K: the proband's phenotype is not highly specific")
        out.append(CnvCriterion("5E", -0.30 if specific else -0.15,
                                f"carried by {who}, unaffected for the gene's disease ({cat})"))
        return
    if facts.origin in (None, "unknown"):
        if specific:
            out.append(CnvCriterion("5H", 0.30, "inheritance not determined; the proband's "
                                    f"phenotype is highly specific ({facts.phenotype_note})"))
        elif facts.phenotype == "consistent":
            out.append(CnvCriterion("5G", 0.10, "inheritance not determined; the proband's "
                                    f"phenotype is consistent but not specific ({facts.phenotype_note})"))
        else:
            out.append(CnvCriterion("5F", 0.0, "inheritance not determined and the phenotype is "
                                    "not consistent with the gene"))
        return
    out.append(CnvCriterion("5F", 0.0, f"inheritance ({facts.origin}) is not informative"))


def classify_event(event: Mapping[str, Any], lof: Mapping[str, bool],
                   facts: FamilyFacts | None,
                   clinvar_last_exon: Mapping[str, list[str]] | None = None
                   ) -> CnvClassification:
    """Score one CNV of ``structural.json`` (module doc)."""
    direction = str(event["direction"])
    crit: list[CnvCriterion] = []
    ne: list[dict[str, str]] = []
    _section1(event, crit, ne)
    if direction == "loss":
        _section2_loss(event, lof, clinvar_last_exon or {}, crit, ne)
    else:
        _section2_gain(event, lof, facts, crit, ne)
    _section3(event, crit, ne)
    _section4(event, crit, ne)
    _section5(facts, crit, ne)
    total = round(sum(c.points for c in crit), 2)
    cls = class_of(total)
    cv = event["clinvar"]
    dis = clinvar_disagreement(cls, ClinVarAssertion.from_dict(cv)) if cv else False
    return CnvClassification(direction, total, cls, crit, ne, dis)


# --------------------------------------------------------------------------------------------
# Stage


def family_facts(key: str, gene: str | None, inheritance: Inheritance,
                 parents: Mapping[str, tuple[str | None, str | None]],
                 knowledge: Knowledge, proband_terms: Sequence[PatientTerm],
                 specificity: Mapping[str, str | None]) -> FamilyFacts | None:
    """Section-5 facts for the CNV ``key`` from the proband's inheritance rows; ``parents``:
    person -> (father, mother)."""
    rows = [r for r in inheritance["calls"] if r["variant"] == key]
    if not rows or gene is None:
        return None
    modes = tuple(sorted({r["disease_mode"] for r in rows}))
    carried = any(r["label"] for r in rows)
    origin = next((r["origin"] for r in rows if r["origin"]), None)
    de_novo = origin == "de_novo" or any(r["label"] == "de_novo" for r in rows)
    seg = [r["segregation"] for r in rows if r["qualifies"]]
    meioses = max((s["informative_meioses"] or 0 for s in seg), default=0)
    noncarriers = max((s["affected_noncarriers"] for s in seg), default=0)
    parent_affected: bool | None = None
    proband = inheritance["proband"]
    own_parents = set(parents.get(proband, (None, None))) - {None}
    unaffected = sorted({s for r in rows if r["qualifies"]
                         for s in r["relatives"]["unaffected_carriers"]
                         if s != proband and s not in own_parents})
    affected_by = inheritance["affected_by_disease"]
    if origin in ("maternal", "paternal"):
        father, mother = parents.get(proband, (None, None))
        parent = mother if origin == "maternal" else father
        if parent is not None:
            parent_affected = any(parent in affected_by.get(r["disease_id"], [])
                                  for r in rows)
    if not proband_terms:
        phen, note = "unknown", "no HPO terms for the proband"
    elif specificity.get(gene):
        phen, note = "specific", str(specificity[gene])
    else:
        explained = []
        for did in knowledge["genes"].get(gene, []):
            m = match_disease(knowledge, did, list(proband_terms))
            if m.explained:
                explained.append(f"{did} explains {len(m.explained)} term(s)")
        phen, note = ("consistent", "; ".join(explained)) if explained else (
            "inconsistent", f"no disease of {gene} explains the proband's terms")
    # the inheritance stage gives origin "de_novo" only when both parents are genotyped
    return FamilyFacts(carried, modes, de_novo, origin, parent_affected, meioses, noncarriers,
                       phen, note, de_novo_confirmed=origin == "de_novo",
                       unaffected_carriers=tuple(unaffected))


def run_classify_structural(structural_json: str, inheritance_json: str, knowledge_json: str,
                            panel_path: str, ped_path: str,
                            phenotypes: Mapping[str, Sequence[PhenotypeTerm]],
                            out_json: str, log: logging.Logger) -> dict[str, Any]:
    """Stage ``classify_structural``: write ``cnv_classification.json`` (docs/ARCHITECTURE.md).

    ``phenotypes``: every person's HPO terms (``dualdx.inputs.phenotypes.load_phenotypes``)."""
    from dualdx.inputs.pedigree import load_ped

    sv = read_stage_file("structural", structural_json)
    inh = read_stage_file("inheritance", inheritance_json)
    knowledge = read_stage_file("knowledge", knowledge_json)
    panel = load_panel(panel_path)
    lof = {g.symbol: g.lof_mechanism for g in panel.genes}
    proband = inh["proband"]
    family = inh["family"]
    peds = load_ped(ped_path)
    parents = {sid: (p.father, p.mother) for sid, p in peds[family].people.items()} \
        if family in peds else {}
    known_terms = knowledge["terms"]
    terms = [PatientTerm(t.id, t.excluded) for t in phenotypes.get(proband, [])
             if t.id in known_terms]
    spec = phenotype_specificity(knowledge, terms)
    out: dict[str, Any] = {}
    caveats: list[Caveat] = []
    for ev in sv["events"]:
        key = ev["key"]
        gene = ev["genes"][0] if ev["genes"] else None
        facts = family_facts(key, gene, inh, parents, knowledge, terms, spec)
        res = classify_event(ev, lof, facts, ev["clinvar_last_exon"])
        out[key] = res.to_dict()
        log.info("%s: %s (%.2f points; %s)", key, res.acmg_class, res.points,
                 ", ".join(f"{c.code} {c.points:+.2f}" for c in res.criteria))
        cv = ev["clinvar"]
        if res.clinvar_disagreement and cv is not None:  # a disagreement needs a ClinVar record
            caveats.append(Caveat(
                "clinvar_disagreement", f"{key}: computed {res.acmg_class}, ClinVar says "
                f"{cv['significance']}", "caution", "classify_structural", (key,), (),
                (gene,) if gene else ()))
    doc = {"framework": FRAMEWORK, "framework_version": FRAMEWORK_VERSION, "variants": out,
           "caveats": [c.to_dict() for c in caveats]}
    write_stage_file("cnv_classification", out_json, doc, sort_keys=False, ensure_ascii=False)
    return doc
