"""Inheritance with copy number (dualdx.interpretation.copy_number through the inheritance
rules): a deletion in trans with an SNV, apparent homozygosity over a deletion, phase from the
deletion itself, conflicting calls, de novo CNVs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import stage_docs

from dualdx.core.model import Call, VariantRecord
from dualdx.inputs.pedigree import Pedigree, parse_ped_lines
from dualdx.interpretation import copy_number
from dualdx.interpretation.inheritance import TrustThresholds, assign_inheritance

SNV_IN_DEL = VariantRecord("chr6", 108064285, "ACT", "A")  # OSTM1 c.415_416del, in the deletion
SNV_OUT = VariantRecord("chr6", 108051100, "G", "A")  # OSTM1 exon 4 (outside the deletion)
AR = {"genes": {"OSTM1": ["OMIM:259720"]}, "terms": {},
      "diseases": {"OMIM:259720": {"name": "Osteopetrosis, AR 5", "genes": ["OSTM1"],
                                   "modes": ["autosomal_recessive"], "terms": []}}}
AD = {"genes": {"OSTM1": ["OMIM:1"]}, "terms": {},
      "diseases": {"OMIM:1": {"name": "dominant", "genes": ["OSTM1"],
                              "modes": ["autosomal_dominant"], "terms": []}}}


def trio(*extra: str) -> Pedigree:
    lines = ["F\tDAD\t0\t0\t1\t1", "F\tMUM\t0\t0\t2\t1", "F\tP\tDAD\tMUM\t2\t2", *extra]
    return parse_ped_lines(lines, None)["F"]


def calls(**gts: str) -> dict[str, Call]:
    out = {}
    for s, gt in gts.items():
        alleles = tuple(None if a == "." else int(a) for a in gt.split("/"))
        out[s] = Call(alleles=alleles, dp=30, gq=99, ad=None)
    return out


def structural(tmp: Path, carriers: dict[str, str], start: int = 108059386,
               end: int = 108079741) -> str:
    """One OSTM1 deletion (exons 1-2); ``carriers``: person -> carrier|non_carrier|unknown or
    'hom' (both copies lost)."""
    ev_calls = {}
    for s, st in carriers.items():
        status = "carrier" if st == "hom" else st
        copies = 2 if st == "hom" else (1 if st == "carrier" else (0 if st == "non_carrier"
                                                                   else None))
        ev_calls[s] = {"status": status, "copies": copies}
    event = stage_docs.cnv_event("chr6", start, end, "OSTM1", ev_calls)
    assert event["consequences"][0]["consequence"] == (
        "exon_loss_variant&feature_truncation&coding_sequence_variant")
    return str(stage_docs.write("structural", tmp / "structural.json", {"events": [event]}))


def run(tmp: Path, ped: Pedigree, snvs: list[VariantRecord], carriers: dict[str, str] | None,
        knowledge: dict[str, Any] = AR) -> dict[str, Any]:
    variants = [(v, "OSTM1") for v in snvs]
    pairable = {v.key for v in snvs}
    ctx = None
    if carriers is not None:
        ctx = copy_number.prepare(structural(tmp, carriers), variants, pairable, ped, "GRCh38")
        variants, pairable = ctx.variants, ctx.pairable
    doc = assign_inheritance(variants, ped, "P", knowledge, {}, TrustThresholds(), "GRCh38",
                             pairable=pairable)
    if ctx is not None:
        ctx.annotate(doc)
    return doc


def messages(doc: dict[str, Any]) -> list[str]:
    """The caveat messages of an inheritance.json document."""
    return [str(c["message"]) for c in doc["caveats"]]


def row(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return next(r for r in doc["calls"] if r["variant"] == key)


DEL = "chr6-108059385-108079741-DEL"


def test_apparent_homozygosity_over_a_maternal_deletion(tmp_path: Path) -> None:
    snv = VariantRecord("chr6", 108064285, "ACT", "A", calls=calls(DAD="0/1", MUM="0/0", P="1/1"))
    # without the CNV: a homozygous SNV and a Mendelian inconsistency with the mother
    plain = run(tmp_path, trio(), [snv], None)
    assert row(plain, snv.key)["label"] == "recessive_homozygous"
    assert any("Mendelian inconsistency" in w and "the mother does not carry it" in w
               for w in messages(plain))
    # with it: compound heterozygous, hemizygous SNV, no Mendelian warning
    doc = run(tmp_path, trio(), [snv], {"DAD": "non_carrier", "MUM": "carrier", "P": "carrier"})
    r = row(doc, snv.key)
    assert r["label"] == "compound_het_trans" and r["partner"] == DEL and r["qualifies"]
    assert r["origin"] == "paternal"
    assert r["genotypes"] == {"DAD": "0/1", "MUM": "0/*", "P": "1/*"}
    assert "apparent homozygosity" in r["explanation"]
    assert ("Hemizygous beside a deletion of the other copy, inherited from the father"
            in r["explanation"])
    assert r["zygosity"] == "hemizygous beside a deletion of the other copy"
    assert "the variant lies inside the deletion" in r["explanation"]
    assert r["copy_number"]["MUM"]["called"] == "0/0"
    assert "not a Mendelian error" in r["copy_number"]["MUM"]["note"]
    assert not any("Mendelian" in w for w in messages(doc))
    d = row(doc, DEL)
    assert d["label"] == "compound_het_trans" and d["origin"] == "maternal"
    assert d["explanation"].startswith("Heterozygous deletion (one copy), inherited from the "
                                       "mother")
    assert d["zygosity"] == "heterozygous deletion (one copy)"


def test_deletion_in_trans_with_an_snv_phased_by_the_parents(tmp_path: Path) -> None:
    snv = VariantRecord("chr6", 108051100, "G", "A", calls=calls(DAD="0/1", MUM="0/0", P="0/1"))
    doc = run(tmp_path, trio(), [snv], {"DAD": "non_carrier", "MUM": "carrier", "P": "carrier"})
    r = row(doc, snv.key)
    assert r["label"] == "compound_het_trans" and r["partner"] == DEL
    assert r["partner_phases"] == [{"variant": DEL, "phase": "trans", "basis": "parents"}]
    # both from the mother: in cis, not a recessive diagnosis
    cis = VariantRecord("chr6", 108051100, "G", "A", calls=calls(DAD="0/0", MUM="0/1", P="0/1"))
    doc = run(tmp_path, trio(), [cis], {"DAD": "non_carrier", "MUM": "carrier", "P": "carrier"})
    assert row(doc, cis.key)["label"] == "compound_het_cis"


def test_singleton_phase_comes_from_the_deletion(tmp_path: Path) -> None:
    """No parents typed: an SNV inside the proband's deletion is still in trans with it."""
    ped = parse_ped_lines(["F\tP\t0\t0\t2\t2"], None)["F"]
    snv = VariantRecord("chr6", 108064285, "ACT", "A", calls=calls(P="1/1"))
    doc = run(tmp_path, ped, [snv], {"P": "carrier"})
    r = row(doc, snv.key)
    assert r["label"] == "compound_het_trans"
    assert r["partner_phases"][0]["basis"].startswith("the variant lies inside the deletion")
    # the same SNV outside the deletion: phase unknown
    out = VariantRecord("chr6", 108051100, "G", "A", calls=calls(P="0/1"))
    doc = run(tmp_path, ped, [out], {"P": "carrier"})
    assert row(doc, out.key)["label"] == "compound_het_unknown_phase"


def test_heterozygous_call_inside_a_deletion_is_distrusted(tmp_path: Path) -> None:
    snv = VariantRecord("chr6", 108064285, "ACT", "A", calls=calls(DAD="0/0", MUM="0/1", P="0/1"))
    doc = run(tmp_path, trio(), [snv], {"DAD": "non_carrier", "MUM": "carrier", "P": "carrier"})
    assert row(doc, snv.key)["genotypes"]["P"] == "./."
    codes = {c["code"] for c in doc["caveats"]}
    assert codes == {"genotype_conflicts_with_deletion"}
    assert any("one of the two calls is wrong" in w for w in messages(doc))


def test_call_inside_a_deletion_of_both_copies_is_distrusted(tmp_path: Path) -> None:
    snv = VariantRecord("chr6", 108064285, "ACT", "A", calls=calls(DAD="0/1", MUM="0/1", P="1/1"))
    doc = run(tmp_path, trio(), [snv], {"DAD": "carrier", "MUM": "carrier", "P": "hom"})
    assert row(doc, snv.key)["genotypes"]["P"] == "./."
    assert any("removes every copy" in w for w in messages(doc))
    assert row(doc, DEL)["label"] == "recessive_homozygous"


def test_de_novo_and_unknown_cnv_genotypes(tmp_path: Path) -> None:
    doc = run(tmp_path, trio(), [], {"DAD": "non_carrier", "MUM": "non_carrier", "P": "carrier"},
              knowledge=AD)
    assert row(doc, DEL)["label"] == "de_novo"
    doc = run(tmp_path, trio(), [], {"DAD": "unknown", "MUM": "non_carrier", "P": "carrier"},
              knowledge=AD)
    r = row(doc, DEL)
    assert r["label"] == "dominant" and r["origin"] == "unknown"
    assert r["genotypes"]["DAD"] == "./."


def test_male_x_deletion_is_hemizygous() -> None:
    ped = parse_ped_lines(["F\tP\t0\t0\t1\t2"], None)["F"]
    ev = {"chrom": "chrX", "start": 153_010_001, "calls": {"P": {"status": "carrier",
                                                                "copies": 1}}}
    assert copy_number.event_calls(ev, ped, "GRCh38")["P"].alleles == (1,)
    ev["start"] = 100_000  # pseudo-autosomal: diploid
    assert copy_number.event_calls(ev, ped, "GRCh38")["P"].alleles == (0, 1)
