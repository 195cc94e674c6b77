"""Per-variant inheritance models, comp-het phase, trust, affection, segregation, stage entry."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import Any

import pytest
import stage_docs

from dualdx.core.errors import InputError
from dualdx.core.model import Affection, Call, ClinVarAssertion, Sex, VariantRecord
from dualdx.inputs.pedigree import Pedigree, Person
from dualdx.interpretation.inheritance import (
    TSV_COLUMNS,
    assign_inheritance,
    run_assign_inheritance,
)
from dualdx.interpretation.modes import (
    is_carrier,
    is_dominant,
    is_recessive_homozygous,
    is_x_linked_dominant,
    is_x_linked_recessive,
    mode_call,
)
from dualdx.interpretation.phasing import compound_het_pairs, phase_pair
from dualdx.interpretation.quality import TrustThresholds, trusted
from dualdx.interpretation.transmission import is_de_novo, origin

DATA = Path(__file__).resolve().parents[1] / "data" / "inheritance"

# ----------------------------------------------------------------------------- builders


def call(gt: str, **kw: Any) -> Call:
    """'0/1', '1|0', './.', '1', '1/*' (* = other alt of a split multiallelic site, -1)."""
    parts = gt.replace("|", "/").split("/")
    alleles = tuple(None if a == "." else (-1 if a == "*" else int(a)) for a in parts)
    return Call(alleles, phased="|" in gt, **kw)


def rec(pos: int, gts: dict[str, str | Call], chrom: str = "1", alt: str = "T") -> VariantRecord:
    calls = {s: (g if isinstance(g, Call) else call(g)) for s, g in gts.items()}
    return VariantRecord(chrom, pos, "C", alt, calls)


def person(sid: str, father: str | None = None, mother: str | None = None, sex: Sex = "male",
           aff: Affection = "unaffected") -> Person:
    return Person("F", sid, father, mother, sex, aff)


def family(*people: Person) -> Pedigree:
    return Pedigree("F", {p.sample_id: p for p in people}, proband_id=people[0].sample_id)


def trio(kid_sex: Sex = "male", dad_aff: Affection = "unaffected",
         mum_aff: Affection = "unaffected") -> Pedigree:
    return family(person("kid", "dad", "mum", kid_sex, "affected"),
                  person("dad", sex="male", aff=dad_aff),
                  person("mum", sex="female", aff=mum_aff))


def singleton(sex: Sex = "male") -> Pedigree:
    return family(person("kid", sex=sex, aff="affected"))


# ----------------------------------------------------------------------------- trust


def test_trusted_thresholds() -> None:
    t = TrustThresholds()
    good = call("0/1", dp=30, gq=99.0, ad=(15, 15))
    assert trusted(good, t) is good
    for bad in (call("0/1", dp=5, gq=99.0), call("0/0", gq=10.0), call("0/1", ad=(27, 3)),
                call("0/1", ad=(2, 28))):
        out = trusted(bad, t)
        assert out.alleles == (None, None)  # unknown, never reference
        assert out.alt_count is None
    # fields absent from the VCF: not tested
    bare = call("0/1")
    assert trusted(bare, t) is bare
    # hom-ref with low depth becomes unknown, not ref
    assert trusted(call("0/0", dp=2), t).alleles == (None, None)
    # allele balance is not applied to hom calls, nor to AD of unknown layout
    assert trusted(call("1/1", ad=(0, 30)), t).alleles == (1, 1)
    assert trusted(call("0/1", ad=(1, 1, 30)), t).alleles == (0, 1)


def test_untrusted_parent_blocks_de_novo() -> None:
    ped = trio()
    t = TrustThresholds()
    r = rec(100, {"kid": "0/1", "dad": call("0/0", dp=30), "mum": call("0/0", dp=3)})
    trusted_rec = VariantRecord(r.chrom, r.pos, r.ref, r.alt,
                                {s: trusted(c, t) for s, c in r.calls.items()})
    assert is_de_novo(r, "kid", ped)
    assert not is_de_novo(trusted_rec, "kid", ped)
    assert origin(trusted_rec, "kid", ped) == "unknown"


# ----------------------------------------------------------------------------- single models


def test_de_novo_trio_and_missing_parents() -> None:
    ped = trio()
    r = rec(100, {"kid": "0/1", "dad": "0/0", "mum": "0/0"})
    assert is_de_novo(r, "kid", ped) and origin(r, "kid", ped) == "de_novo"
    assert mode_call("autosomal_dominant", r, "kid", ped, None, "D", "G").label == "de_novo"
    # parent genotype missing: not de novo (never assumed), origin unknown
    r2 = rec(100, {"kid": "0/1", "dad": "0/0", "mum": "./."})
    assert not is_de_novo(r2, "kid", ped) and origin(r2, "kid", ped) == "unknown"
    r3 = rec(100, {"kid": "0/1", "dad": "0/0"})  # mother not in the VCF
    assert not is_de_novo(r3, "kid", ped)
    assert mode_call("autosomal_dominant", r3, "kid", ped, None, "D", "G").label == "dominant"
    # singleton: parents absent from the pedigree
    r4 = rec(100, {"kid": "0/1"})
    assert not is_de_novo(r4, "kid", singleton()) and origin(r4, "kid", singleton()) == "unknown"
    # duo: one parent ref, the other not in the pedigree
    duo = family(person("kid", None, "mum", aff="affected"), person("mum", sex="female"))
    assert not is_de_novo(rec(1, {"kid": "0/1", "mum": "0/0"}), "kid", duo)


def test_dominant_origin() -> None:
    ped = trio(mum_aff="affected")
    r = rec(100, {"kid": "0/1", "dad": "0/0", "mum": "0/1"})
    assert is_dominant(r, "kid", ped) and origin(r, "kid", ped) == "maternal"
    r = rec(100, {"kid": "0/1", "dad": "0/1", "mum": "0/0"})
    assert origin(r, "kid", ped) == "paternal"
    r = rec(100, {"kid": "0/1", "dad": "0/1", "mum": "0/1"})
    assert origin(r, "kid", ped) == "unknown"
    assert not is_dominant(rec(100, {"kid": "0/0"}), "kid", ped)
    # other alt of a split site is 'not this alt'
    r = rec(100, {"kid": "0/*", "dad": "0/0", "mum": "0/0"})
    assert not is_dominant(r, "kid", ped)
    assert mode_call("autosomal_dominant", r, "kid", ped, None, "D", "G").label is None


def test_recessive_homozygous_and_hom_alt_parent() -> None:
    ped = trio()
    r = rec(100, {"kid": "1/1", "dad": "0/1", "mum": "0/1"})
    assert is_recessive_homozygous(r, "kid", ped) and origin(r, "kid", ped) == "biparental"
    mc = mode_call("autosomal_recessive", r, "kid", ped, None, "D", "G")
    assert (mc.label, mc.qualifies) == ("recessive_homozygous", True)
    # hom-alt parent: the child is still homozygous
    r = rec(100, {"kid": "1/1", "dad": "1/1", "mum": "0/1"})
    assert is_recessive_homozygous(r, "kid", ped) and origin(r, "kid", ped) == "biparental"
    # het child of a hom-alt parent: carrier under AR, dominant under AD
    r = rec(100, {"kid": "0/1", "dad": "1/1", "mum": "0/0"})
    assert is_carrier(r, "kid", ped)
    assert mode_call("autosomal_recessive", r, "kid", ped, None, "D", "G").label == "carrier"
    assert mode_call("autosomal_recessive", r, "kid", ped, None, "D", "G").qualifies is False
    assert origin(r, "kid", ped) == "paternal"


def test_partial_call() -> None:
    ped = singleton()
    r = rec(100, {"kid": "./1"})
    assert is_dominant(r, "kid", ped)
    assert not is_recessive_homozygous(r, "kid", ped)
    mc = mode_call("autosomal_recessive", r, "kid", ped, None, "D", "G")
    assert mc.label == "carrier" and "not called" in mc.note
    assert compound_het_pairs([r, rec(200, {"kid": "0/1"})], "kid", ped) == []


# ----------------------------------------------------------------------------- comp het


def test_trans_and_cis_from_parents() -> None:
    ped = trio()
    a = rec(100, {"kid": "0/1", "dad": "0/1", "mum": "0/0"})
    b = rec(200, {"kid": "0/1", "dad": "0/0", "mum": "0/1"})
    assert phase_pair(a, b, "kid", ped).phase == "trans"
    assert phase_pair(a, b, "kid", ped).basis == "parents"
    c = rec(300, {"kid": "0/1", "dad": "0/1", "mum": "0/0"})
    assert phase_pair(a, c, "kid", ped).phase == "cis"
    pairs = compound_het_pairs([a, b, c], "kid", ped)
    assert [(x, y, p.phase) for x, y, p in pairs] == [
        (a.key, b.key, "trans"), (a.key, c.key, "cis"), (b.key, c.key, "trans")]
    mc = mode_call("autosomal_recessive", a, "kid", ped, (c.key, phase_pair(a, c, "kid", ped)),
                   "D", "G")
    assert (mc.label, mc.qualifies) == ("compound_het_cis", False)
    # de novo second hit: phase unknown
    d = rec(400, {"kid": "0/1", "dad": "0/0", "mum": "0/0"})
    assert phase_pair(a, d, "kid", ped).phase == "unknown"
    # both parents het at one variant: unknown
    e = rec(500, {"kid": "0/1", "dad": "0/1", "mum": "0/1"})
    assert phase_pair(a, e, "kid", ped).phase == "unknown"


def test_hom_alt_parent_pair_is_unknown() -> None:
    ped = trio()
    a = rec(100, {"kid": "0/1", "dad": "1/1", "mum": "0/0"})
    b = rec(200, {"kid": "0/1", "dad": "0/0", "mum": "0/1"})
    pp = phase_pair(a, b, "kid", ped)
    assert pp.phase == "unknown" and pp.basis == "parental genotypes not informative"


def test_missing_parental_genotype_pair_is_unknown() -> None:
    ped = trio()
    a = rec(100, {"kid": "0/1", "dad": "0/1", "mum": "./."})
    b = rec(200, {"kid": "0/1", "dad": "0/0", "mum": "0/1"})
    assert phase_pair(a, b, "kid", ped).phase == "unknown"
    assert phase_pair(a, b, "kid", singleton()).phase == "unknown"
    mc = mode_call("autosomal_recessive", a, "kid", singleton(),
                   (b.key, phase_pair(a, b, "kid", singleton())), "D", "G")
    assert (mc.label, mc.qualifies) == ("compound_het_unknown_phase", True)


def test_affected_parent_does_not_break_comp_het() -> None:
    # Exomiser#368: an affected parent (here the father, a carrier) must not hide the pair
    for dad_aff, mum_aff in (("affected", "unaffected"), ("affected", "affected")):
        ped = trio(dad_aff=dad_aff, mum_aff=mum_aff)
        a = rec(100, {"kid": "0/1", "dad": "0/1", "mum": "0/0"})
        b = rec(200, {"kid": "0/1", "dad": "0/0", "mum": "0/1"})
        pairs = compound_het_pairs([a, b], "kid", ped)
        assert [p.phase for _, _, p in pairs] == ["trans"]


def test_split_multiallelic_site_is_trans() -> None:
    # genmod#97: 1/2 at one position split into 1/* and */1
    ped = trio()
    a = rec(100, {"kid": "1/*", "dad": "0/1", "mum": "0/*"}, alt="T")
    b = rec(100, {"kid": "*/1", "dad": "0/*", "mum": "0/1"}, alt="G")
    pairs = compound_het_pairs([a, b], "kid", ped)
    assert len(pairs) == 1 and pairs[0][2].phase == "trans" and pairs[0][2].basis == "same site"
    # without parents too: one position cannot hold two alts on one haplotype
    a1 = rec(100, {"kid": "1/*"}, alt="T")
    b1 = rec(100, {"kid": "*/1"}, alt="G")
    assert phase_pair(a1, b1, "kid", singleton()).phase == "trans"


def test_read_backed_phase() -> None:
    ped = singleton()
    a = rec(100, {"kid": call("0|1", ps=7)})
    assert phase_pair(a, rec(200, {"kid": call("1|0", ps=7)}), "kid", ped).phase == "trans"
    assert phase_pair(a, rec(200, {"kid": call("0|1", ps=7)}), "kid", ped).phase == "cis"
    assert phase_pair(a, rec(200, {"kid": call("1|0", ps=9)}), "kid", ped).phase == "unknown"
    assert phase_pair(a, rec(200, {"kid": call("1/0", ps=7)}), "kid", ped).phase == "unknown"
    # parents and reads disagree → unknown, with the reason
    tped = trio()
    a2 = rec(100, {"kid": call("0|1", ps=7), "dad": "0/1", "mum": "0/0"})
    b2 = rec(200, {"kid": call("0|1", ps=7), "dad": "0/0", "mum": "0/1"})
    pp = phase_pair(a2, b2, "kid", tped)
    assert pp.phase == "unknown" and "parents say trans" in pp.basis


# ----------------------------------------------------------------------------- X-linked


@pytest.mark.parametrize("gt", ["1", "1/1"])
def test_x_linked_male_hemizygous(gt: str) -> None:
    ped = trio(kid_sex="male")
    r = rec(50_000_000, {"kid": gt, "dad": "0", "mum": "0/1"}, chrom="chrX")
    assert is_x_linked_recessive(r, "kid", ped) and is_x_linked_dominant(r, "kid", ped)
    assert not is_carrier(r, "kid", ped) and not is_dominant(r, "kid", ped)
    assert origin(r, "kid", ped) == "maternal"
    mc = mode_call("x_linked_recessive", r, "kid", ped, None, "D", "G")
    assert (mc.label, mc.qualifies) == ("x_linked_recessive", True)
    # de novo in a male needs only the mother (his X comes from her)
    r2 = rec(50_000_000, {"kid": gt, "mum": "0/0"}, chrom="X")
    assert is_de_novo(r2, "kid", ped) and origin(r2, "kid", ped) == "de_novo"


def test_x_linked_female() -> None:
    ped = trio(kid_sex="female")
    het = rec(50_000_000, {"kid": "0/1", "dad": "0", "mum": "0/1"}, chrom="X")
    assert not is_x_linked_recessive(het, "kid", ped) and is_x_linked_dominant(het, "kid", ped)
    assert is_carrier(het, "kid", ped)
    assert mode_call("x_linked_recessive", het, "kid", ped, None, "D", "G").label == "carrier"
    assert mode_call("x_linked_dominant", het, "kid", ped, None, "D", "G").label == \
        "x_linked_dominant"
    hom = rec(50_000_000, {"kid": "1/1", "dad": "1", "mum": "0/1"}, chrom="X")
    assert is_x_linked_recessive(hom, "kid", ped) and origin(hom, "kid", ped) == "biparental"
    # father hemizygous: paternal origin for a daughter
    pat = rec(50_000_000, {"kid": "0/1", "dad": "1", "mum": "0/0"}, chrom="X")
    assert origin(pat, "kid", ped) == "paternal"


def test_par_is_autosomal() -> None:
    ped = trio(kid_sex="male")
    r = rec(1_000_000, {"kid": "0/1", "dad": "0/1", "mum": "0/0"}, chrom="X")  # GRCh38 PAR1
    assert is_dominant(r, "kid", ped) and not is_x_linked_recessive(r, "kid", ped)
    assert mode_call("x_linked_recessive", r, "kid", ped, None, "D", "G").label is None
    # the same position is outside PAR1 on GRCh37? no: GRCh37 PAR1 ends at 2,699,520
    assert is_dominant(r, "kid", ped, build="GRCh37")
    r2 = rec(2_750_000, {"kid": "0/1"}, chrom="X")
    assert is_dominant(r2, "kid", ped, build="GRCh38")
    assert not is_dominant(r2, "kid", ped, build="GRCh37")


# ----------------------------------------------------------------------------- affection

TERMS: dict[str, dict[str, Any]] = {
    # a miniature HPO; "ic" as knowledge.json gives it (the guard is ln 20 ~ 3.0)
    "HP:ROOT": {"ancestors": [], "ic": 0.0},
    "HP:SKEL": {"ancestors": ["HP:ROOT"], "ic": 0.8},
    "HP:FRACT": {"ancestors": ["HP:SKEL", "HP:ROOT"], "ic": 3.5},  # Increased susceptibility
    "HP:PATHFX": {"ancestors": ["HP:FRACT", "HP:SKEL", "HP:ROOT"], "ic": 4.0},  # Pathologic fx
    "HP:RECFX": {"ancestors": ["HP:FRACT", "HP:SKEL", "HP:ROOT"], "ic": 4.0},  # Recurrent fx
    "HP:OPT": {"ancestors": ["HP:SKEL", "HP:ROOT"], "ic": 5.0},  # Osteopetrosis
    "HP:DENT": {"ancestors": ["HP:ROOT"], "ic": 2.3},  # Abnormality of the dentition
    "HP:LOSS": {"ancestors": ["HP:DENT", "HP:ROOT"], "ic": 4.5},  # Premature loss of teeth
    "HP:LOSS1": {"ancestors": ["HP:LOSS", "HP:DENT", "HP:ROOT"], "ic": 5.5},  # ... primary teeth
    "HP:CARIES": {"ancestors": ["HP:DENT", "HP:ROOT"], "ic": 4.0},
    "HP:LOWALP": {"ancestors": ["HP:ROOT"], "ic": 6.0},
    "HP:OLD": {"ancestors": ["HP:ROOT"], "obsolete": True, "replaced_by": "HP:LOWALP"},
}


# ----------------------------------------------------------------------------- whole stage

KNOWLEDGE: dict[str, Any] = {
    "hpo_release": "test",
    "genes": {"TCIRG1": ["OMIM:259700"], "ALPL": ["OMIM:146300", "OMIM:241500"],
              "CLCN7": ["OMIM:166600", "OMIM:611490"]},
    "diseases": {
        "OMIM:259700": {"name": "Osteopetrosis AR1", "genes": ["TCIRG1"],
                        "modes": ["autosomal_recessive"], "terms": ["HP:OPT", "HP:PATHFX"]},
        "OMIM:146300": {"name": "Hypophosphatasia, adult", "genes": ["ALPL"],
                        "modes": ["autosomal_dominant", "autosomal_recessive"],
                        "terms": ["HP:LOSS", "HP:RECFX", "HP:LOWALP"]},
        "OMIM:241500": {"name": "Hypophosphatasia, infantile", "genes": ["ALPL"],
                        "modes": ["autosomal_recessive"], "terms": ["HP:LOWALP"]},
        "OMIM:166600": {"name": "Osteopetrosis AD2", "genes": ["CLCN7"],
                        "modes": ["autosomal_dominant"], "terms": ["HP:OPT"]},
        "OMIM:611490": {"name": "Osteopetrosis AR4", "genes": ["CLCN7"],
                        "modes": ["autosomal_recessive"], "terms": ["HP:OPT"]},
    },
    "terms": TERMS,
}
P, F, M, S = "MIOP-II-1", "MIOP-I-1", "MIOP-I-2", "MIOP-II-2"


def miop_variants() -> list[dict[str, Any]]:
    def v(chrom: str, pos: int, gene: str, gts: dict[str, str]) -> dict[str, Any]:
        r = VariantRecord(chrom, pos, "G", "A",
                          {s: call(g, dp=30, gq=99.0) for s, g in gts.items()})
        return {**r.to_dict(), "key": r.key, "gene": gene,
                "consequence": stage_docs.consequence(gene, "missense_variant") if gene else None}

    return [
        v("chr11", 68047480, "TCIRG1", {P: "0/1", F: "0/1", M: "0/0", S: "0/1"}),
        v("chr11", 68048000, "TCIRG1", {P: "0/1", F: "0/0", M: "0/1", S: "0/0"}),
        v("chr1", 21561000, "ALPL", {P: "0/1", F: "0/0", M: "0/1", S: "0/0"}),
        v("chr16", 1450000, "CLCN7", {P: "0/0", F: "0/1", M: "0/0", S: "0/0"}),
        v("chr16", 1460000, None, {P: "0/1", F: "0/1", M: "0/0", S: "0/0"}),  # type: ignore
    ]


def test_deep_intronic_variants_do_not_pair(tmp_path: Path) -> None:
    variants = miop_variants()
    variants[1]["consequence"] = stage_docs.consequence("TCIRG1", "intron_variant")  # maternal hit
    ann = {"family": "MIOP", "genome_build": "GRCh38", "samples": [P, F, M, S], "variants": variants}
    stage_docs.write("annotations", tmp_path / "annotations.json", ann)
    stage_docs.write("knowledge", tmp_path / "knowledge.json", (KNOWLEDGE))
    run_assign_inheritance(str(tmp_path / "annotations.json"), str(DATA / "quartet.ped"), "MIOP", P,
                           str(tmp_path / "knowledge.json"), {}, TrustThresholds(),
                           str(tmp_path / "i.tsv"), str(tmp_path / "i.json"), logging.getLogger("t"))
    doc = json.loads((tmp_path / "i.json").read_text())
    paternal = [c for c in doc["calls"] if c["variant"] == "chr11-68047480-G-A"
                and c["disease_mode"] == "autosomal_recessive"]
    assert paternal and {c["label"] for c in paternal} == {"carrier"}
    # ... unless ClinVar calls the intronic hit pathogenic
    variants[1]["clinvar"] = ClinVarAssertion("1", "Pathogenic", "no assertion criteria provided",
                                              0).to_dict()
    stage_docs.write("annotations", tmp_path / "annotations.json", ann)
    run_assign_inheritance(str(tmp_path / "annotations.json"), str(DATA / "quartet.ped"), "MIOP", P,
                           str(tmp_path / "knowledge.json"), {}, TrustThresholds(),
                           str(tmp_path / "i.tsv"), str(tmp_path / "i.json"), logging.getLogger("t"))
    doc = json.loads((tmp_path / "i.json").read_text())
    assert {c["label"] for c in doc["calls"] if c["variant"] == "chr11-68047480-G-A"
            and c["disease_mode"] == "autosomal_recessive"} == {"compound_het_trans"}


def run_miop(tmp_path: Path, proband: str | None = P,
             pheno: dict[str, list[str]] | None = None) -> tuple[dict[str, Any], list[list[str]]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    ann = {"family": "MIOP", "genome_build": "GRCh38", "samples": [P, F, M, S],
           "variants": miop_variants()}
    stage_docs.write("annotations", tmp_path / "annotations.json", ann)
    stage_docs.write("knowledge", tmp_path / "knowledge.json", (KNOWLEDGE))
    if pheno is None:
        pheno = {P: ["HP:OPT", "HP:PATHFX", "HP:LOWALP"], M: ["HP:RECFX", "HP:LOSS1"], F: []}
    run_assign_inheritance(
        str(tmp_path / "annotations.json"), str(DATA / "quartet.ped"), "MIOP", proband,
        str(tmp_path / "knowledge.json"), pheno, TrustThresholds(),
        str(tmp_path / "out" / "inheritance.tsv"), str(tmp_path / "out" / "inheritance.json"),
        logging.getLogger("test"))
    doc = json.loads((tmp_path / "out" / "inheritance.json").read_text())
    with open(tmp_path / "out" / "inheritance.tsv") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    return doc, rows


def _row(doc: dict[str, Any], pos: int, disease: str, mode: str) -> dict[str, Any]:
    hits = [c for c in doc["calls"] if c["variant"].split("-")[1] == str(pos)
            and c["disease_id"] == disease and c["disease_mode"] == mode]
    assert len(hits) == 1
    return hits[0]


def test_run_assign_inheritance_miop(tmp_path: Path) -> None:
    doc, rows = run_miop(tmp_path)
    assert doc["family"] == "MIOP" and doc["proband"] == P
    # mother affected for hypophosphatasia, not for osteopetrosis; brother (no terms) by PED
    assert doc["affected_by_disease"]["OMIM:146300"] == [M, P]
    assert doc["affected_by_disease"]["OMIM:259700"] == [P]
    assert doc["affected_by_disease"]["OMIM:241500"] == [P]

    a = _row(doc, 68047480, "OMIM:259700", "autosomal_recessive")
    assert (a["label"], a["origin"], a["qualifies"]) == ("compound_het_trans", "paternal", True)
    assert a["partner"] == "chr11-68048000-G-A"
    assert a["partners"] == ["chr11-68048000-G-A"]
    assert a["partner_phases"] == [{"variant": "chr11-68048000-G-A", "phase": "trans",
                                    "basis": "parents"}]
    # brother carries only the paternal hit: unaffected non-carrier of the biallelic genotype;
    # the mother is PED-affected but her terms are hypophosphatasia's, not osteopetrosis': she is
    # unknown for MIOP (never an unaffected non-carrier, nor an affected one)
    assert a["segregation"] == {"affected_carriers": 1, "affected_noncarriers": 0,
                                "unaffected_carriers": 0, "unaffected_noncarriers": 2,
                                "informative_meioses": 0}
    assert a["relatives"]["not_counted"] == [M]
    assert doc["affection"][M]["OMIM:259700"]["status"] == "unknown"
    assert doc["affection"][M]["OMIM:146300"]["status"] == "affected"
    assert doc["candidate_diseases"] == ["OMIM:146300", "OMIM:259700"]
    b = _row(doc, 68048000, "OMIM:259700", "autosomal_recessive")
    assert (b["label"], b["origin"]) == ("compound_het_trans", "maternal")

    alpl_ad = _row(doc, 21561000, "OMIM:146300", "autosomal_dominant")
    assert (alpl_ad["label"], alpl_ad["origin"], alpl_ad["qualifies"]) == \
        ("dominant", "maternal", True)
    # affected mother → unaffected non-carrier brother: one informative meiosis
    assert alpl_ad["segregation"] == {"affected_carriers": 2, "affected_noncarriers": 0,
                                      "unaffected_carriers": 0, "unaffected_noncarriers": 2,
                                      "informative_meioses": 1}
    assert alpl_ad["explanation"].startswith(
        "Heterozygous, inherited from the mother; qualifies for the autosomal dominant form of "
        "Hypophosphatasia, adult (OMIM:146300)")
    alpl_ar = _row(doc, 21561000, "OMIM:146300", "autosomal_recessive")
    assert (alpl_ar["label"], alpl_ar["qualifies"]) == ("carrier", False)
    assert "carrier state only" in alpl_ar["explanation"]
    inf = _row(doc, 21561000, "OMIM:241500", "autosomal_recessive")
    assert inf["label"] == "carrier"

    # CLCN7 variant not carried by the proband: label null, still two diseases listed
    cl = _row(doc, 1450000, "OMIM:166600", "autosomal_dominant")
    assert cl["label"] is None and cl["origin"] is None and cl["qualifies"] is False
    assert cl["explanation"].startswith("Not carried by the proband")
    # the variant without a gene gives no row
    assert not any(c["variant"].endswith("1460000-G-A") for c in doc["calls"])

    # TSV: header, one line per JSON call, same order
    assert tuple(rows[0]) == TSV_COLUMNS
    assert [r[0] for r in rows[1:]] == [c["variant"] for c in doc["calls"]]
    assert len(rows) == len(doc["calls"]) + 1
    tsv_a = next(r for r in rows[1:] if r[0] == a["variant"])
    assert tsv_a[TSV_COLUMNS.index("qualifies")] == "true"
    assert tsv_a[TSV_COLUMNS.index("partner")] == "chr11-68048000-G-A"
    # deterministic genome order: chromosome 1 before 11 before 16
    chroms = [c["variant"].split("-")[0] for c in doc["calls"]]
    assert chroms == sorted(chroms, key=lambda c: int(c[3:]))
    assert doc["caveats"] == []


def test_run_deterministic_and_proband_choice(tmp_path: Path) -> None:
    d1, r1 = run_miop(tmp_path / "a", proband=None)
    d2, r2 = run_miop(tmp_path / "b", proband=P)
    assert d1 == d2 and r1 == r2  # PED rule picks the affected son with typed parents


def test_run_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not in family"):
        run_miop(tmp_path, proband="nobody")
    ann = tmp_path / "bad.json"
    ann.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        run_assign_inheritance(str(ann), str(DATA / "quartet.ped"), "MIOP", P, str(ann), {},
                               TrustThresholds(), str(tmp_path / "t"), str(tmp_path / "j"),
                               logging.getLogger("t"))
    stage_docs.write("knowledge", tmp_path / "k.json", (KNOWLEDGE))
    stage_docs.write("annotations", tmp_path / "a.json", {"samples": [P], "variants": []})
    with pytest.raises(InputError, match="family 'NOPE' not in the PED"):
        run_assign_inheritance(str(tmp_path / "a.json"), str(DATA / "quartet.ped"), "NOPE", P,
                               str(tmp_path / "k.json"), {}, TrustThresholds(),
                               str(tmp_path / "t"), str(tmp_path / "j"), logging.getLogger("t"))
    assert not (tmp_path / "t").exists() and not (tmp_path / "j").exists()


def _doc(variants: list[VariantRecord], ped: Pedigree, gene: str = "TCIRG1",
         pheno: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return assign_inheritance([(v, gene) for v in variants], ped, "kid", KNOWLEDGE,
                              pheno or {}, TrustThresholds(), "GRCh38")


def test_mendelian_warnings_and_untrusted() -> None:
    ped = trio()
    r = rec(100, {"kid": "1/1", "dad": "0/0", "mum": "0/1"})
    doc = _doc([r], ped)
    assert any(c["code"] == "mendelian_inconsistency" and c["samples"] == ["kid"]
               and "father does not carry" in c["message"] for c in doc["caveats"])
    r2 = rec(100, {"kid": call("0/1", dp=30), "dad": call("0/0", dp=2), "mum": "0/0"})
    row = _doc([r2], ped, gene="CLCN7")["calls"]
    ad = next(c for c in row if c["disease_mode"] == "autosomal_dominant")
    assert ad["label"] == "dominant" and ad["origin"] == "unknown"
    assert ad["untrusted"] == ["dad"] and ad["genotypes"]["dad"] == "./."


def test_ar_segregation_affected_sibling() -> None:
    ped = family(person("kid", "dad", "mum", aff="affected"), person("dad"),
                 person("mum", sex="female"), person("sib", "dad", "mum", sex="female",
                                                     aff="affected"),
                 person("sib2", "dad", "mum", aff="unaffected"))
    a = rec(100, {"kid": "0/1", "dad": "0/1", "mum": "0/0", "sib": "0/1", "sib2": "0/1"})
    b = rec(200, {"kid": "0/1", "dad": "0/0", "mum": "0/1", "sib": "0/1", "sib2": "0/0"})
    row = _doc([a, b], ped)["calls"][0]
    assert row["label"] == "compound_het_trans"
    assert row["segregation"] == {"affected_carriers": 2, "affected_noncarriers": 0,
                                  "unaffected_carriers": 0, "unaffected_noncarriers": 3,
                                  "informative_meioses": 1}


def test_ad_unaffected_carrier_mentioned() -> None:
    ped = trio()
    r = rec(100, {"kid": "0/1", "dad": "0/1", "mum": "0/0"})
    ad = next(c for c in _doc([r], ped, gene="CLCN7")["calls"]
              if c["disease_mode"] == "autosomal_dominant")
    assert ad["qualifies"] is True and "also present in unaffected dad" in ad["explanation"]
    assert ad["segregation"]["unaffected_carriers"] == 1


def test_unknown_mode_not_judged() -> None:
    kn = {**KNOWLEDGE, "genes": {"G": ["D:1"]},
          "diseases": {"D:1": {"name": "x", "genes": ["G"], "modes": [], "terms": []}}}
    r = rec(100, {"kid": "0/1"})
    doc = assign_inheritance([(r, "G")], singleton(), "kid", kn, {}, TrustThresholds(),
                             "GRCh38")
    row = doc["calls"][0]
    assert row["disease_mode"] == "unknown" and row["qualifies"] is None
    assert row["label"] == "dominant" and row["segregation"]["informative_meioses"] is None


def test_rows_in_natural_genome_order() -> None:
    kn = {**KNOWLEDGE, "genes": {"G": ["OMIM:166600"]}}
    recs = [rec(5, {"kid": "0/1"}, chrom="chr11"), rec(9, {"kid": "0/1"}, chrom="chrX"),
            rec(7, {"kid": "0/1"}, chrom="chr2"), rec(3, {"kid": "0/1"}, chrom="chr2")]
    doc = assign_inheritance([(r, "G") for r in recs], singleton(), "kid", kn, {},
                             TrustThresholds(), "GRCh38")
    assert [c["variant"] for c in doc["calls"]] == [
        "chr2-3-C-T", "chr2-7-C-T", "chr11-5-C-T", "chrX-9-C-T"]


def test_partners_listed_only_under_their_own_phase() -> None:
    ped = trio()
    a = rec(100, {"kid": "0/1", "dad": "0/1", "mum": "0/0"})
    b = rec(200, {"kid": "0/1", "dad": "0/0", "mum": "0/1"})  # trans with a
    c = rec(300, {"kid": "0/1", "dad": "0/1", "mum": "0/0"})  # cis with a
    d = rec(400, {"kid": "0/1", "dad": "0/1", "mum": "0/1"})  # unknown with all
    rows = {r["variant"]: r for r in _doc([a, b, c, d], ped)["calls"]}
    ra = rows[a.key]
    assert (ra["label"], ra["partner"], ra["partners"]) == ("compound_het_trans", b.key, [b.key])
    assert [(p["variant"], p["phase"]) for p in ra["partner_phases"]] == [
        (b.key, "trans"), (c.key, "cis"), (d.key, "unknown")]
    rd = rows[d.key]
    assert (rd["label"], rd["partners"]) == ("compound_het_unknown_phase", [a.key, b.key, c.key])
    # a cis-only variant
    rows2 = {r["variant"]: r for r in _doc([a, c], ped)["calls"]}
    assert (rows2[c.key]["label"], rows2[c.key]["qualifies"], rows2[c.key]["partners"]) == \
        ("compound_het_cis", False, [a.key])
    # no partner: empty list
    assert _doc([a], ped)["calls"][0]["partners"] == []


# ----------------------------------------------------------------------------- sex and ploidy

XKN: dict[str, Any] = {
    "genes": {"XG": ["D:X"]},
    "diseases": {"D:X": {"name": "XLR disease", "genes": ["XG"], "modes": ["x_linked_recessive"],
                         "terms": []}},
    "terms": {},
}


def test_male_het_on_x_is_a_qc_problem_never_hemizygous() -> None:
    ped = trio(kid_sex="male")
    r = rec(50_000_000, {"kid": call("0/1", ad=(20, 22), dp=42), "dad": "0",
                         "mum": call("0/1", ad=(15, 15))}, chrom="chrX")
    row = assign_inheritance([(r, "XG")], ped, "kid", XKN, {}, TrustThresholds(),
                             "GRCh38")["calls"][0]
    assert row["label"] == "x_linked_recessive"  # it carries the ALT ...
    assert "hemizygous" not in row["zygosity"].split(":")[0]  # ... but is no hemizygote
    assert row["call_problems"] == {"kid": ["het_in_haploid_region"]}
    assert "a QC problem, not a hemizygote" in row["explanation"]
    # a male 0/1 with AD 2,48 is a hemizygous ALT call with a genotype-format problem
    r2 = rec(50_000_000, {"kid": call("0/1", ad=(2, 48)), "mum": "0/1"}, chrom="X")
    row2 = assign_inheritance([(r2, "XG")], ped, "kid", XKN, {}, TrustThresholds(),
                              "GRCh38")["calls"][0]
    assert (row2["label"], row2["zygosity"]) == ("x_linked_recessive", "hemizygous")
    assert row2["call_problems"] == {"kid": ["diploid_gt_in_haploid_region"]}


def test_unknown_sex_with_calls_on_x_is_a_caveat() -> None:
    ped = trio(kid_sex="unknown")
    r = rec(50_000_000, {"kid": "0/1", "mum": "0/1"}, chrom="X")
    doc = assign_inheritance([(r, "XG")], ped, "kid", XKN, {}, TrustThresholds(), "GRCh38")
    cav = [c for c in doc["caveats"] if c["code"] == "sex_unknown_x_calls"]
    assert cav and cav[0]["samples"] == ["kid"] and "never assumed female" in cav[0]["message"]
    row = doc["calls"][0]
    assert row["qualifies"] is None and "PED sex unknown" in row["explanation"]


def test_de_novo_counts_only_in_a_proband_affected_for_the_disease() -> None:
    # the de novo ALPL hit in a proband whose terms hypophosphatasia does not explain: the
    # proband is unknown for it, so classify gives no PS2 (proband_affected is False)
    ped = trio()
    r = rec(100, {"kid": "0/1", "dad": "0/0", "mum": "0/0"})
    doc = _doc([r], ped, gene="ALPL", pheno={"kid": ["HP:OPT"]})
    assert "kid" not in doc["affected_by_disease"]["OMIM:146300"]
    assert doc["affection"]["kid"]["OMIM:146300"]["status"] == "unknown"
    doc2 = _doc([r], ped, gene="ALPL", pheno={"kid": ["HP:LOWALP"]})
    assert "kid" in doc2["affected_by_disease"]["OMIM:146300"]
    assert next(c for c in doc2["calls"] if c["disease_mode"] == "autosomal_dominant")[
        "label"] == "de_novo"


def test_vcf_samples_outside_the_pedigree_are_a_caveat(tmp_path: Path) -> None:
    ann = {"family": "MIOP", "genome_build": "GRCh38", "samples": [P, F, M, S, "MIOP-X"],
           "variants": miop_variants()}
    stage_docs.write("annotations", tmp_path / "a.json", ann)
    stage_docs.write("knowledge", tmp_path / "k.json", (KNOWLEDGE))
    run_assign_inheritance(str(tmp_path / "a.json"), str(DATA / "quartet.ped"), "MIOP", P,
                           str(tmp_path / "k.json"), {}, TrustThresholds(), str(tmp_path / "t"),
                           str(tmp_path / "j"), logging.getLogger("t"))
    doc = json.loads((tmp_path / "j").read_text())
    cav = [c for c in doc["caveats"] if c["code"] == "vcf_sample_not_in_pedigree"]
    assert cav and cav[0]["samples"] == ["MIOP-X"] and doc["proband_ancestors"] == [F, M]


def test_sex_check_findings_are_caveats() -> None:
    ped = trio(kid_sex="male")
    recs = [rec(50_000_000 + i, {"kid": call("0/1", ad=(15, 15)), "mum": "0/1"}, chrom="X")
            for i in range(12)]
    doc = assign_inheritance([(r, "XG") for r in recs], ped, "kid", XKN, {}, TrustThresholds(),
                             "GRCh38")
    cav = [c for c in doc["caveats"] if c["code"] == "sex_check"]
    assert len(cav) == 1 and cav[0]["samples"] == ["kid"] and "sample swap" in cav[0]["message"]
    het = [c for c in doc["caveats"] if c["code"] == "call_het_in_haploid_region"]
    assert het and "and 7 more" in het[0]["message"] and len(het[0]["variants"]) == 12
