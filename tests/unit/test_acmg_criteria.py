"""Each ACMG criterion: met, not met, and not evaluated when its data is missing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from dualdx.core.model import PopulationFrequency, TranscriptConsequence
from dualdx.interpretation.acmg import criteria as ac
from dualdx.interpretation.acmg.criteria import (
    ClinVarNeighbour,
    Criterion,
    GeneSettings,
    InheritanceCall,
    NotEvaluated,
    PartnerEvidence,
    Segregation,
    VariantEvidence,
)

AR = ("autosomal_recessive",)
AD = ("autosomal_dominant",)


def tc(consequence: str = "missense_variant", **kw: Any) -> TranscriptConsequence:
    base: dict[str, Any] = dict(gene="TCIRG1", transcript="NM_006019.4", ensembl_transcript=None,
                                consequence=consequence, hgvs_c="c.1A>G",
                                hgvs_p="p.(Arg100Gln)", protein_effect_determined=True,
                                protein_pos=100, ref_aa="Arg", alt_aa="Gln")
    base.update(kw)
    return TranscriptConsequence(**base)


def gnomad(**kw: Any) -> PopulationFrequency:
    base: dict[str, Any] = dict(queried=True, found=True, af=0.001, popmax_af=0.002,
                                popmax_population="nfe", nhomalt=0, ac=10, an=10000,
                                source="gnomAD v4.0 exomes")
    base.update(kw)
    return PopulationFrequency(**base)


def ev(**kw: Any) -> VariantEvidence:
    base: dict[str, Any] = dict(key="11-68047480-G-A", gene="TCIRG1", consequence=tc(),
                                gnomad=PopulationFrequency(queried=True, found=False),
                                settings=GeneSettings("TCIRG1", lof_mechanism=True),
                                disease_modes=AR)
    base.update(kw)
    return VariantEvidence(**base)


def met(out: object, code: str, strength: str | None = None) -> Criterion:
    assert isinstance(out, Criterion), out
    assert out.code == code
    if strength:
        assert out.strength == strength
    assert out.evidence
    return out


def not_eval(out: object, code: str, fragment: str) -> None:
    assert isinstance(out, NotEvaluated), out
    assert out.code == code and fragment in out.why


# ------------------------------------------------------------------------------ Criterion type


def test_label_and_points() -> None:
    assert Criterion("PM2", "Supporting", "pathogenic", "x").label == "PM2_Supporting"
    assert Criterion("PM2", "Moderate", "pathogenic", "x").label == "PM2"
    assert Criterion("PVS1", "Strong", "pathogenic", "x").label == "PVS1_Strong"
    assert Criterion("PM3", "Very strong", "pathogenic", "x").label == "PM3_VeryStrong"
    assert Criterion("PVS1", "Very strong", "pathogenic", "x").points == 8
    assert Criterion("BS1", "Strong", "benign", "x").points == -4
    assert Criterion("BP4", "Moderate", "benign", "x").points == -2
    assert Criterion("BA1", "Stand-alone", "benign", "x").points == -8
    d = Criterion("PP3", "Strong", "pathogenic", "REVEL").to_dict()
    assert d == {"code": "PP3", "strength": "Strong", "label": "PP3_Strong", "points": 4,
                 "direction": "pathogenic", "evidence": "REVEL"}


@pytest.mark.parametrize(("code", "strength", "direction"), [
    ("PP5", "Supporting", "pathogenic"),  # retired, never produced
    ("PM2", "Supporting", "benign"),
    ("PS1", "Stand-alone", "pathogenic"),
])
def test_invalid_criteria_rejected(code: str, strength: Any, direction: Any) -> None:
    with pytest.raises(ValueError):
        Criterion(code, strength, direction, "x")


# ------------------------------------------------------------------------------ population


def test_ba1_bs1_thresholds() -> None:
    common = ev(gnomad=gnomad(popmax_af=0.06))
    met(ac.ba1(common), "BA1", "Stand-alone")
    assert ac.bs1(common) is None  # BA1 supersedes BS1
    mid = ev(gnomad=gnomad(popmax_af=0.006))
    assert ac.ba1(mid) is None
    met(ac.bs1(mid), "BS1", "Strong")
    assert ac.bs1(ev(gnomad=gnomad(popmax_af=0.005))) is None  # threshold itself: not above
    # overall AF is used when popmax is missing
    met(ac.ba1(ev(gnomad=gnomad(popmax_af=None, af=0.2))), "BA1")
    # per-gene thresholds
    strict = ev(gnomad=gnomad(popmax_af=0.002), settings=GeneSettings("TCIRG1", True,
                                                                       bs1_af=0.001))
    met(ac.bs1(strict), "BS1")


@pytest.mark.parametrize("rule", [ac.ba1, ac.bs1, ac.pm2, ac.bs2])
def test_population_rules_not_evaluated_without_gnomad(rule: Any) -> None:
    out = rule(ev(gnomad=PopulationFrequency(queried=False)))
    assert isinstance(out, NotEvaluated) and "not queried" in out.why
    out = rule(ev(gnomad=gnomad(af=None, popmax_af=None)))
    assert isinstance(out, NotEvaluated)


def test_pm2_supporting_absent_and_recessive_threshold() -> None:
    c = met(ac.pm2(ev()), "PM2", "Supporting")
    assert c.label == "PM2_Supporting" and "absent" in c.evidence
    rare = gnomad(popmax_af=0.00005)
    met(ac.pm2(ev(gnomad=rare, disease_modes=AR)), "PM2", "Supporting")
    assert ac.pm2(ev(gnomad=rare, disease_modes=AD)) is None  # dominant: must be absent
    assert ac.pm2(ev(gnomad=gnomad(popmax_af=0.0002), disease_modes=AR)) is None


def test_bs2_homozygotes() -> None:
    met(ac.bs2(ev(gnomad=gnomad(nhomalt=3))), "BS2", "Strong")
    assert ac.bs2(ev(gnomad=gnomad(nhomalt=1))) is None
    met(ac.bs2(ev(gnomad=gnomad(nhomalt=1), settings=GeneSettings("TCIRG1", True,
                                                                   bs2_nhomalt=1))), "BS2")
    not_eval(ac.bs2(ev(gnomad=gnomad(nhomalt=5), disease_modes=("x_linked_recessive",))),
             "BS2", "hemizygote")
    not_eval(ac.bs2(ev(gnomad=gnomad(nhomalt=None))), "BS2", "homozygote count")
    not_eval(ac.bs2(ev(gnomad=gnomad(nhomalt=5), disease_modes=())), "BS2", "no disease mode")


# ------------------------------------------------------------------------------ PVS1


def test_pvs1_nonsense_nmd_very_strong() -> None:
    e = ev(consequence=tc("stop_gained", nmd_predicted=True, hgvs_p="p.(Arg100Ter)"))
    met(ac.pvs1(e), "PVS1", "Very strong")
    met(ac.pvs1(replace(e, consequence=tc("frameshift_variant", nmd_predicted=True))), "PVS1",
        "Very strong")


def test_pvs1_not_for_non_lof_gene_or_missense() -> None:
    e = ev(consequence=tc("stop_gained", nmd_predicted=True),
           settings=GeneSettings("TCIRG1", lof_mechanism=False))
    assert ac.pvs1(e) is None
    assert ac.pvs1(ev()) is None
    not_eval(ac.pvs1(ev(consequence=None)), "PVS1", "no transcript consequence")


def test_pvs1_nmd_escape_by_fraction_removed() -> None:
    big = ev(consequence=tc("stop_gained", nmd_predicted=False, last_exon=True, protein_pos=700),
             protein_length=830)
    c = met(ac.pvs1(big), "PVS1", "Strong")
    assert c.label == "PVS1_Strong"
    small = replace(big, consequence=tc("stop_gained", nmd_predicted=False, last_exon=True,
                                        protein_pos=800))
    met(ac.pvs1(small), "PVS1", "Moderate")
    unknown_len = replace(big, protein_length=None)
    c = met(ac.pvs1(unknown_len), "PVS1", "Moderate")
    assert "not determined" in c.evidence
    nmd_unknown = ev(consequence=tc("stop_gained", nmd_predicted=None))
    met(ac.pvs1(nmd_unknown), "PVS1", "Moderate")


def test_pvs1_canonical_splice_by_exon_frame() -> None:
    donor = ev(consequence=tc("splice_donor_variant", intron="4/19", protein_pos=None))
    met(ac.pvs1(replace(donor, skipped_exon_length=100)), "PVS1", "Very strong")
    in_frame_big = replace(donor, skipped_exon_length=300, protein_length=830)
    met(ac.pvs1(in_frame_big), "PVS1", "Strong")  # 100 aa of 830 > 10%
    in_frame_small = replace(donor, skipped_exon_length=90, protein_length=830)
    met(ac.pvs1(in_frame_small), "PVS1", "Moderate")
    c = met(ac.pvs1(donor), "PVS1", "Moderate")  # exon length unknown: lowest strength
    assert "not determined" in c.evidence


def test_pvs1_start_loss_supporting() -> None:
    met(ac.pvs1(ev(consequence=tc("start_lost"))), "PVS1", "Supporting")


# ------------------------------------------------------------------------------ PS1 / PM5


def nb(sig: str, hgvs_p: str, stars: int = 1, key: str = "11-1-C-T") -> ClinVarNeighbour:
    return ClinVarNeighbour(variation_id="123", hgvs_p=hgvs_p, significance=sig, stars=stars,
                            key=key)


def test_ps1_same_amino_acid_change() -> None:
    same = (nb("Pathogenic", "p.(Arg100Gln)"),)
    met(ac.ps1(ev(clinvar_same_aa_change=same)), "PS1", "Strong")
    met(ac.ps1(ev(clinvar_same_aa_change=(nb("Likely pathogenic", "p.(Arg100Gln)"),))),
        "PS1", "Moderate")
    assert ac.ps1(ev(clinvar_same_aa_change=(nb("Pathogenic", "p.(Arg100Gln)", stars=0),))) \
        is None  # 0 stars: not established
    assert ac.ps1(ev(clinvar_same_aa_change=(nb("Pathogenic", "p.(Arg100Gln)",
                                                key="11-68047480-G-A"),))) is None  # itself
    assert ac.ps1(ev(clinvar_same_aa_change=(nb("Uncertain significance", "p.(Arg100Gln)"),))) \
        is None
    assert ac.ps1(ev(consequence=tc("synonymous_variant"), clinvar_same_aa_change=same)) is None
    not_eval(ac.ps1(ev(consequence=tc(protein_effect_determined=False, protein_pos=None),
                       clinvar_same_aa_change=same)), "PS1", "not determined")


def test_pm5_other_missense_at_residue() -> None:
    other = (nb("Pathogenic", "p.(Arg100Trp)"),)
    met(ac.pm5(ev(clinvar_same_residue=other)), "PM5", "Moderate")
    met(ac.pm5(ev(clinvar_same_residue=(nb("Likely pathogenic", "p.(Arg100Trp)"),))), "PM5",
        "Supporting")
    # same change is PS1's business, a nonsense at the residue is not a missense
    assert ac.pm5(ev(clinvar_same_residue=(nb("Pathogenic", "p.(Arg100Gln)"),))) is None
    assert ac.pm5(ev(clinvar_same_residue=(nb("Pathogenic", "p.(Arg100Ter)"),))) is None
    assert ac.pm5(ev(clinvar_same_residue=(nb("Benign", "p.(Arg100Trp)"),))) is None


# ------------------------------------------------------------------------------ PM4, BP3, BP7


def test_pm4_bp3_inframe_and_stop_loss() -> None:
    met(ac.pm4(ev(consequence=tc("stop_lost"))), "PM4", "Moderate")
    indel = ev(consequence=tc("inframe_deletion", hgvs_p="p.(Leu5del)"))
    not_eval(ac.pm4(indel), "PM4", "repeat")
    not_eval(ac.bp3(indel), "BP3", "repeat")
    met(ac.pm4(replace(indel, in_repeat=False)), "PM4")
    assert ac.bp3(replace(indel, in_repeat=False)) is None
    assert ac.pm4(replace(indel, in_repeat=True)) is None
    met(ac.bp3(replace(indel, in_repeat=True)), "BP3", "Supporting")
    assert ac.pm4(ev()) is None and ac.bp3(ev()) is None


def test_bp7_synonymous() -> None:
    syn = ev(consequence=tc("synonymous_variant", hgvs_p="p.(Arg100=)"))
    c = met(ac.bp7(syn), "BP7", "Supporting")
    assert "SpliceAI not available" in c.evidence
    not_eval(ac.bp7(ev(consequence=tc("synonymous_variant&splice_region_variant"))), "BP7",
             "splice region")
    with_sai = replace(syn, configured_scores={"spliceai": "t.tsv"}, scores={"spliceai": 0.05})
    met(ac.bp7(with_sai), "BP7")
    assert ac.bp7(replace(with_sai, scores={"spliceai": 0.3})) is None
    assert ac.bp7(ev()) is None


# ------------------------------------------------------------------------------ PP3 / BP4


@pytest.mark.parametrize(("revel", "pp3", "bp4"), [
    (0.95, "Strong", None), (0.932, "Strong", None), (0.80, "Moderate", None),
    (0.644, "Supporting", None), (0.60, None, None), (0.29, None, "Supporting"),
    (0.10, None, "Moderate"), (0.01, None, "Strong"),
])
def test_pp3_bp4_revel_calibrated(revel: float, pp3: str | None, bp4: str | None) -> None:
    e = ev(configured_scores={"revel": "t.tsv"}, scores={"revel": revel})
    out3, out4 = ac.pp3(e), ac.bp4(e)
    if pp3:
        met(out3, "PP3", pp3)
    else:
        assert out3 is None
    if bp4:
        met(out4, "BP4", bp4)
    else:
        assert out4 is None


def test_pp3_bp4_spliceai_and_cadd() -> None:
    intronic = ev(consequence=tc("intron_variant", protein_pos=None),
                  configured_scores={"spliceai": "t"}, scores={"spliceai": 0.5})
    met(ac.pp3(intronic), "PP3", "Supporting")
    met(ac.bp4(replace(intronic, scores={"spliceai": 0.02})), "BP4", "Supporting")
    assert ac.bp4(replace(intronic, scores={"spliceai": 0.15})) is None
    # a high SpliceAI removes REVEL's benign evidence
    mixed = ev(configured_scores={"revel": "t", "spliceai": "t"},
               scores={"revel": 0.1, "spliceai": 0.5})
    assert ac.bp4(mixed) is None
    met(ac.pp3(mixed), "PP3", "Supporting")
    cadd = ev(configured_scores={"cadd": "t"}, scores={"cadd": 30.0})
    met(ac.pp3(cadd), "PP3", "Moderate")
    met(ac.bp4(replace(cadd, scores={"cadd": 10.0})), "BP4", "Moderate")


def test_pp3_bp4_not_evaluated_without_scores_and_not_for_null() -> None:
    not_eval(ac.pp3(ev()), "PP3", "no in-silico score source configured")
    not_eval(ac.bp4(ev()), "BP4", "no in-silico score source configured")
    no_value = ev(configured_scores={"revel": "t"}, scores={})
    not_eval(ac.pp3(no_value), "PP3", "no configured in-silico score applies")
    null = ev(consequence=tc("stop_gained", nmd_predicted=True),
              configured_scores={"revel": "t", "spliceai": "t"}, scores={"spliceai": 0.9})
    assert ac.pp3(null) is None  # PVS1 carries it


# ------------------------------------------------------------------------------ family data


def call(label: str | None, mode: str = "autosomal_recessive", **kw: Any) -> InheritanceCall:
    base: dict[str, Any] = dict(disease_id="OMIM:259700", disease_mode=mode, label=label,
                                qualifies=True, proband_affected=True)
    base.update(kw)
    return InheritanceCall(**base)


def test_ps2_pm6_de_novo_points() -> None:
    dn = call("de_novo", "autosomal_dominant", origin="de_novo", parents_genotyped=True)
    c = met(ac.ps2_pm6(ev(calls=(dn,))), "PS2", "Moderate")  # 1 point without specific phenotype
    assert c.label == "PS2_Moderate"
    met(ac.ps2_pm6(ev(calls=(dn,), phenotype_evaluated=True,
                      phenotype_specific="osteopetrosis is the top match")), "PS2", "Strong")
    assumed = replace(dn, parents_genotyped=None)
    met(ac.ps2_pm6(ev(calls=(assumed,))), "PM6", "Supporting")
    met(ac.ps2_pm6(ev(calls=(assumed,), phenotype_specific="x")), "PM6", "Moderate")
    assert ac.ps2_pm6(ev(calls=(replace(dn, proband_affected=False),))) is None
    assert ac.ps2_pm6(ev(calls=(call("dominant", "autosomal_dominant", origin="maternal"),))) \
        is None


def test_pm3_points_from_partner() -> None:
    trans = call("compound_het_trans", partner="B")
    p_cv = PartnerEvidence("B", clinvar_significance="Pathogenic", clinvar_stars=1)
    c = met(ac.pm3(ev(calls=(trans,), partners=(p_cv,))), "PM3", "Moderate")
    assert "B" in c.evidence and c.label == "PM3"
    lp = PartnerEvidence("B", clinvar_significance="Likely pathogenic", clinvar_stars=2)
    met(ac.pm3(ev(calls=(trans,), partners=(lp,))), "PM3", "Supporting")
    # an unreviewed (0-star) ClinVar P counts one step lower, as LP: 0.5 point in trans
    zero_star = PartnerEvidence("B", clinvar_significance="Pathogenic", clinvar_stars=0)
    z = met(ac.pm3(ev(calls=(trans,), partners=(zero_star,))), "PM3", "Supporting")
    assert "counted as likely pathogenic" in z.evidence
    # ... and with unknown phase that is 0.25 point, below Supporting
    assert ac.pm3(ev(calls=(call("compound_het_unknown_phase", partner="B"),),
                     partners=(zero_star,))) is None
    computed = PartnerEvidence("B", computed_class_without_pm3="Pathogenic")
    met(ac.pm3(ev(calls=(trans,), partners=(computed,))), "PM3", "Moderate")
    unknown_phase = call("compound_het_unknown_phase", partner="B")
    met(ac.pm3(ev(calls=(unknown_phase,), partners=(p_cv,))), "PM3", "Supporting")
    # LP partner with unknown phase: 0.25 point, below Supporting
    assert ac.pm3(ev(calls=(unknown_phase,), partners=(lp,))) is None
    met(ac.pm3(ev(calls=(call("recessive_homozygous"),))), "PM3", "Supporting")
    cis = call("compound_het_cis", partner="B")
    assert ac.pm3(ev(calls=(cis,), partners=(p_cv,))) is None
    dominant = call("compound_het_trans", "autosomal_dominant", partner="B")
    assert ac.pm3(ev(calls=(dominant,), partners=(p_cv,))) is None
    vus = PartnerEvidence("B", clinvar_significance="Uncertain significance", clinvar_stars=2,
                          computed_class_without_pm3="Uncertain significance")
    assert ac.pm3(ev(calls=(trans,), partners=(vus,))) is None


@pytest.mark.parametrize(("meioses", "strength"), [(2, None), (3, "Supporting"),
                                                   (4, "Moderate"), (5, "Strong"),
                                                   (9, "Strong")])
def test_pp1_informative_meioses(meioses: int, strength: str | None) -> None:
    seg = Segregation(affected_carriers=3, informative_meioses=meioses)
    out = ac.pp1(ev(calls=(call("dominant", "autosomal_dominant", segregation=seg),)))
    if strength:
        met(out, "PP1", strength)
    else:
        assert out is None


def test_pp1_not_evaluated_without_meioses_or_qualifying_call() -> None:
    not_eval(ac.pp1(ev()), "PP1", "no informative meioses")
    seg = Segregation(affected_carriers=3, informative_meioses=5)
    not_eval(ac.pp1(ev(calls=(call("carrier", segregation=seg, qualifies=False),))), "PP1",
             "no informative meioses")


def test_bs4_affected_noncarriers() -> None:
    seg = Segregation(affected_carriers=1, affected_noncarriers=1)
    met(ac.bs4(ev(calls=(call("dominant", "autosomal_dominant", segregation=seg),))), "BS4")
    ok = Segregation(affected_carriers=3, affected_noncarriers=0, informative_meioses=2)
    assert ac.bs4(ev(calls=(call("dominant", "autosomal_dominant", segregation=ok),))) is None
    not_eval(ac.bs4(ev(calls=(call("dominant", segregation=Segregation(affected_carriers=1)),))),
             "BS4", "no genotyped affected relatives")
    # two diseases of the gene: both must fail to segregate
    other = call("dominant", "autosomal_dominant", disease_id="OMIM:1", segregation=ok)
    assert ac.bs4(ev(calls=(call("dominant", segregation=seg), other))) is None


def test_bs4_ignores_diseases_the_proband_genotype_does_not_fit() -> None:
    # a heterozygous daughter under an X-linked recessive mode (a carrier under an AR one): the
    # one affected person without the disease's genotype is the proband, who carries the variant
    seg = Segregation(affected_noncarriers=1, unaffected_noncarriers=2)
    het_daughter = call("carrier", "x_linked_recessive", qualifies=False, segregation=seg)
    not_eval(ac.bs4(ev(calls=(het_daughter,))), "BS4", "no genotyped affected relatives")
    # an affected relative without the genotype of a mode the proband fits still counts
    fits = call("dominant", "autosomal_dominant", disease_id="OMIM:1",
                segregation=Segregation(affected_carriers=1, affected_noncarriers=1))
    met(ac.bs4(ev(calls=(het_daughter, fits))), "BS4")


def test_bs4_ignores_diseases_of_unknown_mode() -> None:
    # ORPHA entries carry no mode of inheritance: who should carry the variant is unknown
    seg = Segregation(affected_carriers=1, affected_noncarriers=1)
    not_eval(ac.bs4(ev(calls=(call("dominant", "unknown", segregation=seg),))), "BS4",
             "no genotyped affected relatives")


def test_pp4() -> None:
    not_eval(ac.pp4(ev()), "PP4", "not computed")
    c = met(ac.pp4(ev(phenotype_evaluated=True, phenotype_specific="MIOP best match")), "PP4",
            "Supporting")
    assert c.evidence == "MIOP best match"
    assert ac.pp4(ev(phenotype_evaluated=True, phenotype_specific=None)) is None
    # the phenotype already counted in de novo points
    dn = call("de_novo", origin="de_novo", parents_genotyped=True)
    assert ac.pp4(ev(calls=(dn,), phenotype_evaluated=True, phenotype_specific="x")) is None


def test_evaluate_sorts_and_skips_pm3_on_request() -> None:
    e = ev(consequence=tc("stop_gained", nmd_predicted=True),
           calls=(call("recessive_homozygous"),), gnomad=gnomad(popmax_af=0.006))
    crits, ne = ac.evaluate(e)
    assert [c.label for c in crits] == ["PVS1", "PM3_Supporting", "BS1"]
    assert "PP3" in {n.code for n in ne}
    crits2, _ = ac.evaluate(e, with_pm3=False)
    assert "PM3" not in {c.code for c in crits2}
