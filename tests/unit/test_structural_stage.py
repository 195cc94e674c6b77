"""Stage interpret_structural (dualdx.annotation.structural) on the copy-number example files,
with a ClinVar panel index holding a structural record and a population SV file; and the
population SV reader (dualdx.knowledge.population_sv)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pysam
import pytest

from dualdx.annotation.structural import clinvar_structural, run_interpret_structural
from dualdx.core.errors import InputError
from dualdx.knowledge.population_sv import PopulationSvDB

REPO = Path(__file__).resolve().parents[2]
EX = REPO / "config" / "example_cnv"
PANEL = str(REPO / "resources" / "panels" / "default.tsv")
TX = str(REPO / "resources" / "transcripts" / "mane_select.GRCh38.tsv")
LOG = logging.getLogger("test_structural_stage")
TCDEL = ["TCDEL-I-1", "TCDEL-I-2", "TCDEL-II-1", "TCDEL-II-2"]

POP_VCF = """##fileformat=VCFv4.2
##source=test population SV sites (gnomAD-SV layout: SVTYPE, END, SVLEN, AF, N_HOMALT, POPMAX_AF)
##contig=<ID=chr11,length=135086622>
##ALT=<ID=DEL,Description="Deletion">
##ALT=<ID=DUP,Description="Duplication">
##FILTER=<ID=PASS,Description="All filters passed">
##FILTER=<ID=UNRESOLVED,Description="Unresolved">
##INFO=<ID=END,Number=1,Type=Integer,Description="End">
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">
##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="Length">
##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">
##INFO=<ID=N_HOMALT,Number=1,Type=Integer,Description="Homozygotes">
##INFO=<ID=POPMAX_AF,Number=1,Type=Float,Description="Highest population AF">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
chr11\t68036000\tpop_del_common\tN\t<DEL>\t.\tPASS\tEND=68043300;SVTYPE=DEL;SVLEN=7300;AF=0.02;N_HOMALT=3;POPMAX_AF=0.04
chr11\t68040000\tpop_bad\tN\t<DEL>\t.\tUNRESOLVED\tEND=68045000;SVTYPE=DEL;SVLEN=5000;AF=0.5
chr11\t68041000\tpop_dup\tN\t<DUP>\t.\tPASS\tEND=68042000;SVTYPE=DUP;SVLEN=1000;AF=0.2
chr11\t68042000\tpop_del_rare\tN\t<DEL>\t.\tPASS\tEND=68044000;SVTYPE=DEL;SVLEN=2000;AF=0.0001
"""


def clinvar_index(tmp: Path, records: list[dict[str, Any]]) -> str:
    status = {"name": "clinvar", "status": "used", "release": "2099-01-01", "path": "cv.vcf",
              "sha256": None, "detail": None}
    p = tmp / "clinvar_panel.json"
    p.write_text(json.dumps({"source": status, "records": records}))
    return str(p)


def assertion(vid: str, sig: str, stars: int) -> dict[str, Any]:
    return {"variation_id": vid, "significance": sig, "review_status": "x", "stars": stars,
            "conditions": ["Osteopetrosis"], "genes": ["TCIRG1"], "molecular_consequences": [],
            "hgvs": None, "release": None}


@pytest.fixture
def pop_file(tmp_path: Path) -> str:
    p = tmp_path / "pop.vcf"
    p.write_text(POP_VCF)
    gz = str(p) + ".gz"
    pysam.tabix_compress(str(p), gz)
    pysam.tabix_index(gz, preset="vcf")
    return gz


def test_population_reader(pop_file: str) -> None:
    db = PopulationSvDB.open(pop_file, [("11", 68038925, 68050995)])
    assert [r.id for r in db.records] == ["pop_del_common", "pop_dup", "pop_del_rare"]
    assert db.not_pass == 1
    hits = db.overlapping("chr11", 68036025, 68043201, "loss")
    assert [(h[0].id, round(h[1], 2)) for h in hits] == [("pop_del_common", 1.0),
                                                         ("pop_del_rare", 0.17)]
    assert hits[0][0].popmax_af == 0.04 and hits[0][0].n_homalt == 3
    assert db.status().status == "used"


def test_population_reader_refuses_other_files(tmp_path: Path) -> None:
    p = tmp_path / "x.vcf"
    p.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    with pytest.raises(InputError, match="not a population SV sites VCF"):
        PopulationSvDB.open(str(p), [("11", 1, 2)])


def test_clinvar_structural_records() -> None:
    from dualdx.core.model import ClinVarAssertion

    a = ClinVarAssertion.from_dict(assertion("9", "Pathogenic", 1))

    def rec(pos: int, ref: str, alt: str, end: int | None = None) -> dict[str, Any]:
        return {"chrom": "11", "pos": pos, "ref": ref, "alt": alt, "end": end,
                "clinvar": a.to_dict()}

    recs = clinvar_structural([rec(68041000, "G" + "A" * 60, "G"),
                               rec(68045000, "C", "C" + "T" * 80),
                               rec(68046000, "C", "T"),
                               # symbolic copy-number records: matched by their END
                               rec(68036000, "N", "<DEL>", 68043000),
                               rec(68036000, "N", "<CN3>", 68043000),
                               rec(68036000, "N", "<CNV>", 68043000)])
    assert [(r["start"], r["end"], r["direction"]) for r in recs] == [
        (68041001, 68041060, "loss"), (68044921, 68045000, "gain"),
        (68036001, 68043000, "loss"), (68036001, 68043000, "gain")]


def test_interpret_structural_on_the_tcdel_family(tmp_path: Path, pop_file: str) -> None:
    sv = [str(EX / f"{s}.gcnv.segments.vcf") for s in TCDEL]
    # a ClinVar deletion of the same exons (different breakpoints) and a last-exon P record
    cv = clinvar_index(tmp_path, [
        {"chrom": "11", "pos": 68037000, "ref": "G" + "A" * 6100, "alt": "G",
         "clinvar": assertion("101", "Pathogenic", 2)},
        {"chrom": "11", "pos": 68049080, "ref": "G", "alt": "A",
         "clinvar": assertion("189246", "Pathogenic", 1)}])
    out = tmp_path / "structural.json"
    doc = run_interpret_structural("TCDEL", [str(EX / "family_TCDEL.vcf")], sv, TCDEL, PANEL,
                                   str(EX / "pedigree.ped"), "GRCh38", TX, cv, str(out), LOG,
                                   gnomad_sv=pop_file)
    assert json.loads(out.read_text()) == doc
    (ev,) = doc["events"]
    assert ev["key"] == "chr11-68036025-68043201-DEL" and ev["genes"] == ["TCIRG1"]
    assert {s: c["status"] for s, c in ev["calls"].items()} == {
        "TCDEL-I-1": "non_carrier", "TCDEL-I-2": "carrier", "TCDEL-II-1": "carrier",
        "TCDEL-II-2": "carrier"}
    (c,) = ev["consequences"]
    assert c["exons"] == [1, 2, 3, 4, 5] and c["extent"] == "five_prime"
    assert ev["clinvar"]["variation_id"] == "101" and ev["clinvar"]["match"]["same_exons"]
    assert [o["variation_id"] for o in ev["clinvar_overlaps"]] == ["101"]
    pop = ev["population"]
    assert pop["queried"] and [o["id"] for o in pop["overlaps"]] == ["pop_del_common",
                                                                     "pop_del_rare"]
    f = doc["funnel"]
    assert (f["events"], f["copy_number_records"], f["reference_segments"]) == (1, 3, 4)
    assert [x["style"] for x in f["files"]] == ["generic"] + ["gatk_gcnv"] * 4
    assert doc["caveats"] == [] and doc["not_interpreted"] == []
    assert {d["name"]: d["status"] for d in doc["databases"]} == {"clinvar": "used",
                                                                  "gnomad_sv": "used"}


def test_interpret_structural_reports_what_it_does_not_interpret(tmp_path: Path) -> None:
    vcf = tmp_path / "sv.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr11,length=135086622>\n"
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End">\n'
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">\n'
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTCDEL-II-1\n"
        "chr11\t68044500\tinv1\tA\t<INV>\t.\tPASS\tEND=68047500;SVTYPE=INV\tGT\t0/1\n"
        "chr11\t68048000\tbnd1\tA\tA]chr3:1000]\t.\tPASS\tSVTYPE=BND\tGT\t0/1\n")
    cv = clinvar_index(tmp_path, [])
    doc = run_interpret_structural("TCDEL", [], [str(vcf)], TCDEL, PANEL,
                                   str(EX / "pedigree.ped"), "GRCh38", TX, cv,
                                   str(tmp_path / "s.json"), LOG)
    assert doc["events"] == []
    kinds = {n["svtype"]: n for n in doc["not_interpreted"]}
    assert set(kinds) == {"INV", "BND"}
    assert kinds["INV"]["description"].startswith("Inversion at TCIRG1 (NM_006019.4), "
                                                  "breakpoints in intron 9 and in exon 11")
    assert "joined to chr3:1000" in kinds["BND"]["description"]
    assert kinds["BND"]["carriers"] == ["TCDEL-II-1"]
    assert sorted(c["code"] for c in doc["caveats"]) == ["sv_not_interpreted"] * 2
    assert doc["funnel"]["not_interpreted"] == {"BND": 1, "INV": 1}


def test_interpret_structural_unknown_genotypes_are_a_caution(tmp_path: Path) -> None:
    """Only the mother's gCNV file: the others' genotypes at her deletion are unknown."""
    cv = clinvar_index(tmp_path, [])
    doc = run_interpret_structural(
        "TCDEL", [], [str(EX / "TCDEL-I-2.gcnv.segments.vcf")], TCDEL, PANEL,
        str(EX / "pedigree.ped"), "GRCh38", TX, cv, str(tmp_path / "s.json"), LOG)
    (cav,) = [c for c in doc["caveats"] if c["code"] == "cnv_genotype_unknown"]
    assert cav["severity"] == "caution"
    assert cav["samples"] == ["TCDEL-I-1", "TCDEL-II-1", "TCDEL-II-2"]
    assert "not taken as absent" in cav["message"]


CLINVAR_CNV_VCF = """##fileformat=VCFv4.1
##fileDate=20990101
##reference=GRCh38
##ALT=<ID=DEL,Description="Deletion">
##INFO=<ID=END,Number=1,Type=Integer,Description="End">
##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance">
##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="Review status">
##INFO=<ID=CLNVC,Number=1,Type=String,Description="Variant type">
##contig=<ID=11,length=135086622>
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
11\t68030000\t900001\tN\t<DEL>\t.\t.\tEND=68043300;CLNSIG=Pathogenic;CLNREVSTAT=criteria_provided,_single_submitter;CLNVC=copy_number_loss
11\t68049080\t189246\tG\tA\t.\t.\tCLNSIG=Pathogenic;CLNREVSTAT=criteria_provided,_single_submitter;CLNVC=single_nucleotide_variant
"""


@pytest.mark.parametrize("indexed", [False, True])
def test_symbolic_clinvar_deletion_keeps_its_end_and_matches_the_cnv(tmp_path: Path,
                                                                     indexed: bool) -> None:
    """A ClinVar <DEL> starting 9 kb before TCIRG1 reaches the panel index with its END (streamed
    or by region query) and is matched to the TCDEL deletion by reciprocal overlap (54%)."""
    from dualdx.annotation.clinvar_index import run_index_clinvar

    src = tmp_path / "clinvar.vcf"
    src.write_text(CLINVAR_CNV_VCF)
    path = str(src)
    if indexed:
        path = str(src) + ".gz"
        pysam.tabix_compress(str(src), path)
        pysam.tabix_index(path, preset="vcf")
    index = tmp_path / "clinvar_panel.json"
    run_index_clinvar(path, PANEL, "GRCh38", TX, None, None, str(index), LOG)
    recs = {r["clinvar"]["variation_id"]: r for r in json.loads(index.read_text())["records"]}
    assert (recs["900001"]["alt"], recs["900001"]["end"], recs["900001"]["gene"]) == (
        "<DEL>", 68043300, "TCIRG1")
    assert recs["189246"]["end"] == 68049080
    sv = [str(EX / f"{s}.gcnv.segments.vcf") for s in TCDEL]
    doc = run_interpret_structural("TCDEL", [str(EX / "family_TCDEL.vcf")], sv, TCDEL, PANEL,
                                   str(EX / "pedigree.ped"), "GRCh38", TX, str(index),
                                   str(tmp_path / "structural.json"), LOG)
    (ev,) = doc["events"]
    assert ev["clinvar"]["variation_id"] == "900001"
    assert ev["clinvar"]["match"]["reciprocal_overlap"] == 0.54
