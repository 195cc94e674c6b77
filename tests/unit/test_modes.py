"""The registry of modes of inheritance and each mode class on its own (labels and fit, who is
genotype-positive, informative meioses), plus X-linked modes for a proband of unknown PED sex."""

from __future__ import annotations

from typing import Any

import pytest

from dualdx.core.model import Affection, Call, Sex, VariantRecord
from dualdx.inputs.pedigree import Pedigree, Person
from dualdx.interpretation import modes
from dualdx.interpretation.inheritance import call_any_sex
from dualdx.interpretation.phasing import PairPhase


def call(gt: str) -> Call:
    parts = gt.replace("|", "/").split("/")
    return Call(tuple(None if a == "." else (-1 if a == "*" else int(a)) for a in parts))


def rec(gts: dict[str, str], chrom: str = "1", pos: int = 100) -> VariantRecord:
    return VariantRecord(chrom, pos, "C", "T", {s: call(g) for s, g in gts.items()})


def fam(kid_sex: Sex = "male", **extra: tuple[str | None, str | None, Sex, Affection]) -> Pedigree:
    people = {"kid": Person("F", "kid", "dad", "mum", kid_sex, "affected"),
              "dad": Person("F", "dad", None, None, "male", "unaffected"),
              "mum": Person("F", "mum", None, None, "female", "unaffected")}
    for sid, (f, m, sex, aff) in extra.items():
        people[sid] = Person("F", sid, f, m, sex, aff)
    return Pedigree("F", people, proband_id="kid")


def ctx(r: VariantRecord, ped: Pedigree, partner: Any = None) -> modes.Context:
    return modes.Context(r, "kid", ped, "GRCh38", partner, "D (X:1)", "G")


def test_registry() -> None:
    known = set(modes.KNOWN_MODES)
    assert known == {"autosomal_dominant", "autosomal_recessive", "x_linked_dominant",
                     "x_linked_recessive", "x_linked"}
    assert set(modes.STATED_MODES) == known | {"mitochondrial"}
    assert set(modes.RECESSIVE_MODES) == {"autosomal_recessive", "x_linked_recessive", "x_linked"}
    assert set(modes.DOMINANT_MODES) == {"autosomal_dominant", "x_linked_dominant"}
    assert modes.text("autosomal_recessive") == "autosomal recessive"
    assert modes.text("x_linked") == "X-linked"
    odd = modes.get("semidominant")
    assert odd.name == "semidominant" and not odd.known


def test_autosomal_dominant() -> None:
    m = modes.get("autosomal_dominant")
    ped = fam()
    dn = rec({"kid": "0/1", "dad": "0/0", "mum": "0/0"})
    assert (m.call(ctx(dn, ped)).label, m.call(ctx(dn, ped)).qualifies) == ("de_novo", True)
    inh = rec({"kid": "0/1", "dad": "0/1", "mum": "0/0"})
    assert m.call(ctx(inh, ped)).label == "dominant"
    pos = m.positive(inh, None, ped, "GRCh38")
    assert (pos("kid"), pos("dad"), pos("mum")) == (True, True, False)


def test_dominant_meioses_count_consistent_children_of_affected_carriers() -> None:
    m = modes.get("autosomal_dominant")
    ped = fam(sib=("dad", "mum", "female", "affected"), sib2=("dad", "mum", "male", "unaffected"))
    r = rec({"kid": "0/1", "dad": "0/1", "mum": "0/0", "sib": "0/1", "sib2": "0/0"})
    aff = {"kid": "affected", "dad": "affected", "mum": "unaffected", "sib": "affected",
           "sib2": "unaffected"}
    pos = m.positive(r, None, ped, "GRCh38")
    assert m.meioses("kid", ped, aff, pos, r, "GRCh38") == 2  # the proband never counts
    # a sibling whose affection for the disease is unknown is not informative
    assert m.meioses("kid", ped, {**aff, "sib": "unknown"}, pos, r, "GRCh38") == 1


def test_x_linked_dominant_father_to_son_is_no_meiosis() -> None:
    m = modes.get("x_linked_dominant")
    ped = fam(son=("dad", "mum", "male", "unaffected"),
              daughter=("dad", "mum", "female", "affected"))
    r = rec({"kid": "0/1", "dad": "1", "mum": "0/0", "son": "0", "daughter": "0/1"},
            chrom="X", pos=50_000_000)
    aff = {"dad": "affected", "son": "unaffected", "daughter": "affected", "kid": "affected"}
    pos = m.positive(r, None, ped, "GRCh38")
    assert m.meioses("kid", ped, aff, pos, r, "GRCh38") == 1


def test_autosomal_recessive() -> None:
    m = modes.get("autosomal_recessive")
    ped = fam(sib=("dad", "mum", "female", "affected"))
    hom = rec({"kid": "1/1", "dad": "0/1", "mum": "0/1", "sib": "1/1"})
    mc = m.call(ctx(hom, ped))
    assert (mc.label, mc.qualifies) == ("recessive_homozygous", True)
    pos = m.positive(hom, None, ped, "GRCh38")
    assert (pos("kid"), pos("dad"), pos("sib")) == (True, False, True)
    assert m.meioses("kid", ped, {"sib": "affected"}, pos, hom, "GRCh38") == 1
    het = rec({"kid": "0/1", "dad": "0/1", "mum": "0/0"})
    assert m.call(ctx(het, ped)).label == "carrier"
    trans = ("1-200-C-T", PairPhase("trans", "parents"))
    assert m.call(ctx(het, ped, trans)).label == "compound_het_trans"
    partial = rec({"kid": "./1"})
    assert "not called" in m.call(ctx(partial, ped)).note


def test_x_linked_recessive_and_x_linked() -> None:
    xlr, xl = modes.get("x_linked_recessive"), modes.get("x_linked")
    male = fam()
    hemi = rec({"kid": "1", "mum": "0/1"}, chrom="X", pos=50_000_000)
    assert xlr.call(ctx(hemi, male)).label == "x_linked_recessive"
    female = fam(kid_sex="female")
    het = rec({"kid": "0/1", "mum": "0/1"}, chrom="X", pos=50_000_000)
    assert (xlr.call(ctx(het, female)).label, xlr.call(ctx(het, female)).qualifies) == \
        ("carrier", False)
    # in the words a counsellor needs: what else would make an X-linked recessive disease hers
    note = xlr.call(ctx(het, female)).note
    assert note.startswith("heterozygous female: carrier state for an X-linked recessive")
    assert "skewed X-inactivation" in note and "(D (X:1); no second variant in G)" in note
    mc = xl.call(ctx(het, female))
    assert (mc.label, mc.qualifies) == ("x_linked_dominant", True)
    assert "if it acts dominantly" in mc.note
    # sons of a heterozygous mother
    ped = fam(bro=("dad", "mum", "male", "affected"))
    r = rec({"kid": "1", "mum": "0/1", "bro": "1"}, chrom="X", pos=50_000_000)
    pos = xlr.positive(r, None, ped, "GRCh38")
    assert xlr.meioses("kid", ped, {"bro": "affected"}, pos, r, "GRCh38") == 1


@pytest.mark.parametrize("name", ["mitochondrial", "unknown", "something_new"])
def test_unjudged_modes_label_without_fit(name: str) -> None:
    m = modes.get(name)
    mc = m.call(ctx(rec({"kid": "0/1"}), fam()))
    assert mc.qualifies is None and mc.label == "dominant" and "fit not assessed" in mc.note
    assert m.meioses("kid", fam(), {}, lambda s: None, rec({}), "GRCh38") is None


def test_mode_call_requires_x_for_x_linked_modes() -> None:
    r = rec({"kid": "0/1"})
    mc = modes.mode_call("x_linked_recessive", r, "kid", fam(), None, "D", "G")
    assert mc.label is None and "not on X outside the PARs" in mc.note
    mc = modes.mode_call("autosomal_dominant", rec({"kid": "0/0"}), "kid", fam(), None, "D", "G")
    assert mc.label is None and mc.note.startswith("not carried by")


def test_x_linked_for_a_proband_of_unknown_sex_is_both_ways_or_withheld() -> None:
    ped = fam(kid_sex="unknown")
    hom = rec({"kid": "1/1", "mum": "0/1"}, chrom="X", pos=50_000_000)
    same = call_any_sex("x_linked_recessive", hom, "kid", ped, None, "D", "G", "GRCh38")
    assert (same.label, same.qualifies) == ("x_linked_recessive", True)
    assert "the same for a male or a female" in same.note
    het = rec({"kid": "0/1", "mum": "0/1"}, chrom="X", pos=50_000_000)
    withheld = call_any_sex("x_linked_recessive", het, "kid", ped, None, "D", "G", "GRCh38")
    assert withheld.qualifies is None
    assert "as a male" in withheld.note and "as a female" in withheld.note
    # dominant: a carrier qualifies either way
    xld = call_any_sex("x_linked_dominant", het, "kid", ped, None, "D", "G", "GRCh38")
    assert (xld.label, xld.qualifies) == ("x_linked_dominant", True)


@pytest.mark.parametrize("mode", ["autosomal_dominant", "autosomal_recessive"])
@pytest.mark.parametrize("sex", ["male", "female", "unknown"])
def test_a_variant_on_x_outside_the_pars_never_fits_an_autosomal_mode(mode: str, sex: Sex) -> None:
    """HPO links KDM6A (X) to Kabuki syndrome 1 (autosomal dominant, KMT2D): a heterozygous
    KDM6A variant must not become an autosomal dominant diagnosis, in either sex."""
    ped = fam(kid_sex=sex)
    het = rec({"kid": "0/1", "dad": "0", "mum": "0/0"}, chrom="X", pos=45_000_000)
    mc = call_any_sex(mode, het, "kid", ped, None, "D", "G", "GRCh38")
    assert (mc.label, mc.qualifies) == (None, False)
    assert "on X outside the PARs, not on an autosome or a PAR" in mc.note
    # the same variant fits the X-linked dominant mode
    xld = call_any_sex("x_linked_dominant", het, "kid", ped, None, "D", "G", "GRCh38")
    assert xld.qualifies is True


def test_autosomal_modes_fit_the_pars_and_not_y_or_mt() -> None:
    par = rec({"kid": "0/1", "dad": "0/0", "mum": "0/0"}, chrom="X", pos=1_000_000)
    assert modes.chromosome_fits("autosomal_dominant", par) is None
    assert modes.chromosome_fits("x_linked_dominant", par) is not None
    assert modes.mode_call("autosomal_dominant", par, "kid", fam(), None, "D", "G").qualifies
    for chrom in ("Y", "chrM"):
        r = rec({"kid": "1"}, chrom=chrom, pos=2_900_000)
        assert modes.chromosome_fits("autosomal_recessive", r) is not None
    # modes the workflow does not judge are not restricted by chromosome
    x = rec({"kid": "0/1"}, chrom="X", pos=45_000_000)
    assert modes.chromosome_fits("mitochondrial", x) is None
    assert modes.chromosome_fits("unknown", x) is None


def test_labels_of_unjudged_modes_are_shown_only_alone() -> None:
    xlr = {"label": "carrier", "disease_mode": "x_linked_recessive"}
    orpha = {"label": "x_linked_dominant", "disease_mode": "unknown"}
    none = {"label": None, "disease_mode": "autosomal_dominant"}
    assert modes.judged_first([orpha, xlr, none]) == [xlr]
    assert modes.judged_first([orpha, none]) == [orpha]
    assert modes.judged_first([]) == []
