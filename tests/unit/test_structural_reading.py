"""Reading CNV/SV calls (dualdx.inputs.structural, dualdx.inputs.cnv_events): one test per
caller style, the family merge, indexed region queries, and the malformed records that must fail
with one clear message."""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest

from dualdx.core.errors import InputError
from dualdx.inputs.cnv_events import family_events, read_structural, reciprocal_overlap
from dualdx.inputs.panel import Region
from dualdx.inputs.structural import SvFunnel, alt_type, caller_style, read_sv_file

# TCIRG1 (GRCh38, MANE extent 68039025-68050895) padded by 100
REGIONS = {"11": [Region("11", 68038925, 68050995)], "X": [Region("X", 153_000_000, 153_100_000)]}
CONTIGS = "##contig=<ID=chr11,length=135086622>\n##contig=<ID=chrX,length=156040895>\n"


def vcf(tmp: Path, name: str, meta: str, samples: list[str], records: list[str]) -> str:
    text = "##fileformat=VCFv4.2\n" + CONTIGS + meta.strip() + "\n"
    text += "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT",
                       *samples]) + "\n"
    text += "".join(r.replace(" ", "\t") + "\n" for r in records)
    p = tmp / name
    p.write_text(text)
    return str(p)


SV_INFO = """
##INFO=<ID=END,Number=1,Type=Integer,Description="End">
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">
##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Length">
##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise">
##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI POS">
##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI END">
##INFO=<ID=MATEID,Number=.,Type=String,Description="Mate">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
"""
GCNV_META = """
##ALT=<ID=DEL,Description="Deletion">
##ALT=<ID=DUP,Description="Duplication">
##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Segment most-likely copy-number call">
##FORMAT=<ID=GT,Number=1,Type=Integer,Description="Segment genotype">
##FORMAT=<ID=NP,Number=1,Type=Integer,Description="Number of points">
##FORMAT=<ID=QA,Number=1,Type=Integer,Description="QA">
##FORMAT=<ID=QS,Number=1,Type=Integer,Description="QS">
##FORMAT=<ID=QSE,Number=1,Type=Integer,Description="QSE">
##FORMAT=<ID=QSS,Number=1,Type=Integer,Description="QSS">
##GATKCommandLine=<ID=PostprocessGermlineCNVCalls,CommandLine="PostprocessGermlineCNVCalls",Version="4.2.0.0">
##INFO=<ID=END,Number=1,Type=Integer,Description="End coordinate of the variant">
"""


def gcnv(tmp: Path, sample: str, segments: list[tuple[int, int, int, int]]) -> str:
    recs = [f"chr11 {s} CNV_chr11_{s}_{e} N <DEL>,<DUP> . . END={e} GT:CN:NP:QA:QS:QSE:QSS "
            f"{gt}:{cn}:5:90:300:80:80" for s, e, gt, cn in segments]
    return vcf(tmp, f"{sample}.segments.vcf", GCNV_META, [sample], recs)


def test_alt_types_and_caller_styles() -> None:
    assert alt_type("<DEL>") == ("DEL", None, None)
    assert alt_type("<DUP:TANDEM>") == ("DUP", True, None)
    assert alt_type("<DUP:INT>") == ("DUP", False, None)
    assert alt_type("<DEL:ME:ALU>") == ("DEL", None, None)
    assert alt_type("<CN0>") == ("CNV", None, 0)
    assert alt_type("G]chr3:1000]") == ("BND", None, None)
    assert alt_type("<NON_REF>") == (None, None, None)
    assert alt_type("A") == (None, None, None)
    assert caller_style(["##source=CNVkit v0.9.9"], ["GT", "GQ"]) == "cnvkit"
    assert caller_style(['##GATKCommandLine=<ID=PostprocessGermlineCNVCalls>'], ["GT", "CN"]) \
        == "gatk_gcnv"
    assert caller_style(["##source=GenerateSVCandidates 1.6.0"], ["GT", "FT", "GQ"]) == "manta"
    assert caller_style(["##source=DRAGEN_CNV"], ["GT", "SM", "CN", "BC", "PE"]) == "dragen"
    assert caller_style(["##source=freebayes"], ["GT"]) == "generic"


def test_gatk_gcnv_per_person_files_merge_into_one_event(tmp_path: Path) -> None:
    """gCNV: POS is the segment's first base, haploid GT = allele index, CN the copy number;
    reference segments (GT 0) make the father a known non-carrier; the sister has no file."""
    mother = gcnv(tmp_path, "M", [(67900001, 68036000, 0, 2), (68036001, 68043200, 1, 1),
                                  (68043201, 68200000, 0, 2)])
    child = gcnv(tmp_path, "C", [(67900001, 68036000, 0, 2), (68036001, 68043300, 1, 1),
                                 (68043301, 68200000, 0, 2)])
    father = gcnv(tmp_path, "F", [(67900001, 68200000, 0, 2)])
    events, others, funnel, notes = read_structural(
        [], [mother, child, father], ["F", "M", "C", "S"], REGIONS, "GRCh38")
    assert others == [] and len(events) == 1
    ev = events[0]
    assert (ev.start, ev.end, ev.svtype, ev.caller) == (68036001, 68043200, "DEL", "gatk_gcnv")
    assert ev.key == "chr11-68036001-68043200-DEL" and ev.imprecise
    assert ev.calls["M"].status == "carrier" and ev.calls["M"].cn == 1
    assert ev.calls["M"].copies == 1 and ev.calls["M"].gt == "0/1"
    assert ev.calls["C"].status == "carrier" and ev.calls["C"].end == 68043300
    assert ev.calls["F"].status == "non_carrier" and "copy-neutral" in ev.calls["F"].basis
    assert ev.calls["S"].status == "unknown" and ev.calls["S"].gt == "./."
    assert funnel.events == 1 and funnel.copy_number_records == 2
    assert funnel.reference_segments == 3 and funnel.records_read == 7
    assert funnel.outside_panel == 2  # the segments ending before TCIRG1
    assert notes == []


def test_cnvkit_style_losses_and_gains(tmp_path: Path) -> None:
    """CNVkit export vcf: REF N, POS the base before the segment, losses GT only (0/1, 1/1),
    gains with CN."""
    meta = "##source=CNVkit v0.9.9\n" + SV_INFO + """
##INFO=<ID=FOLD_CHANGE_LOG,Number=1,Type=Float,Description="Log fold change">
##INFO=<ID=PROBES,Number=1,Type=Integer,Description="Probes">
##FORMAT=<ID=GQ,Number=1,Type=Float,Description="Genotype quality">
##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">
##FORMAT=<ID=CNQ,Number=1,Type=Float,Description="Copy number quality">
"""
    p = vcf(tmp_path, "cnvkit.vcf", meta, ["P"], [
        "chr11 68041000 . N <DEL> . . IMPRECISE;SVTYPE=DEL;END=68043300;SVLEN=-2300;"
        "FOLD_CHANGE_LOG=-1.02;PROBES=6 GT:GQ 0/1:6",
        "chr11 68044000 . N <DEL> . . IMPRECISE;SVTYPE=DEL;END=68044400;SVLEN=-400;"
        "FOLD_CHANGE_LOG=-4.1;PROBES=2 GT:GQ 1/1:2",
        "chr11 68047000 . N <DUP> . . IMPRECISE;SVTYPE=DUP;END=68049000;SVLEN=2000;"
        "FOLD_CHANGE_LOG=0.58;PROBES=4 GT:GQ:CN:CNQ 0/1:0:3:4",
    ])
    events, _, _, _ = read_structural([], [p], ["P"], REGIONS, "GRCh38")
    assert [(e.start, e.end, e.svtype) for e in events] == [
        (68041001, 68043300, "DEL"), (68044001, 68044400, "DEL"), (68047001, 68049000, "DUP")]
    assert [e.calls["P"].copies for e in events] == [1, 2, 1]
    assert [e.calls["P"].gt for e in events] == ["0/1", "1/1", "0/1"]
    assert events[2].calls["P"].cn == 3
    assert all(e.caller == "cnvkit" and e.imprecise for e in events)


def test_manta_joint_calls_with_tandem_dup_and_recognised_types(tmp_path: Path) -> None:
    """Manta: diploid GT without copy number; <DUP:TANDEM>; INV and INS are read but not
    interpreted; breakend records are recognised and reported."""
    meta = "##source=GenerateSVCandidates 1.6.0\n" + SV_INFO + \
        '##FORMAT=<ID=FT,Number=1,Type=String,Description="Filter">\n'
    p = vcf(tmp_path, "manta.vcf", meta, ["F", "M", "P"], [
        "chr11 68041700 MantaDEL:1 G <DEL> 500 PASS END=68042900;SVTYPE=DEL;SVLEN=-1200;"
        "CIPOS=-10,10;CIEND=-5,5 GT:FT 0/0:PASS 0/1:PASS 0/1:PASS",
        "chr11 68044100 MantaDUP:2 T <DUP:TANDEM> 300 PASS END=68045200;SVTYPE=DUP;SVLEN=1100 "
        "GT:FT 0/1:PASS 0/0:PASS 0/1:PASS",
        "chr11 68046000 MantaINV:3 A <INV> 200 PASS END=68048000;SVTYPE=INV GT:FT 0/0:PASS "
        "0/0:PASS 0/1:PASS",
        "chr11 68049500 MantaINS:4 C <INS> 200 PASS END=68049500;SVTYPE=INS GT:FT 0/0:PASS "
        "0/0:PASS 0/1:PASS",
        "chr11 68050000 MantaBND:5:0 A A]chr3:1000] 100 PASS SVTYPE=BND;MATEID=MantaBND:5:1 "
        "GT:FT 0/1:PASS 0/0:PASS 0/1:PASS",
    ])
    events, others, funnel, _ = read_structural([], [p], ["F", "M", "P"], REGIONS, "GRCh38")
    dele, dup = events
    assert (dele.start, dele.end, dele.imprecise, dele.cipos) == (68041701, 68042900, False,
                                                                  (-10, 10))
    assert dele.calls["F"].status == "non_carrier" and dele.calls["M"].copies == 1
    assert dup.svtype == "DUP" and dup.tandem is True and dup.calls["F"].status == "carrier"
    assert dup.calls["M"].status == "non_carrier"
    assert sorted(o.svtype for o in others) == ["BND", "INS", "INV"]
    bnd = next(o for o in others if o.svtype == "BND")
    assert bnd.mate == "chr3:1000" and bnd.calls["P"].copies == 1
    assert funnel.not_interpreted == {"BND": 1, "INS": 1, "INV": 1}


def test_dragen_cnv_with_reference_segments_and_haploid_x(tmp_path: Path) -> None:
    """DRAGEN CNV: SVTYPE=CNV with the direction in ALT, gains written GT ./1, copy-neutral
    DRAGEN:REF segments (ALT '.'); on X a male's CN 0 is a loss of his only copy."""
    meta = "##source=DRAGEN_CNV\n" + SV_INFO + """
##ALT=<ID=CNV,Description="CNV">
##FORMAT=<ID=SM,Number=1,Type=Float,Description="Linear copy ratio of the segment mean">
##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Estimated copy number">
##FORMAT=<ID=BC,Number=1,Type=Integer,Description="Number of bins in the region">
##FORMAT=<ID=PE,Number=2,Type=Integer,Description="Improperly paired end reads">
"""
    p = vcf(tmp_path, "dragen.cnv.vcf", meta, ["P"], [
        "chr11 67900000 DRAGEN:REF:chr11:67900001-68041000 N . 80 PASS END=68041000;"
        "REFLEN=141000 GT:SM:CN:BC:PE ./.:0.99:2:200:0,0",
        "chr11 68041000 DRAGEN:LOSS:chr11:68041001-68043000 N <DEL> 51 PASS SVLEN=-2000;"
        "SVTYPE=CNV;END=68043000 GT:SM:CN:BC:PE 0/1:0.51:1:4:0,0",
        "chr11 68045000 DRAGEN:GAIN:chr11:68045001-68047000 N <DUP> 88 PASS SVLEN=2000;"
        "SVTYPE=CNV;END=68047000 GT:SM:CN:BC:PE ./1:1.49:3:4:0,0",
        "chrX 153010000 DRAGEN:LOSS:chrX:153010001-153020000 N <DEL> 60 PASS SVLEN=-10000;"
        "SVTYPE=CNV;END=153020000 GT:SM:CN:BC:PE 1:0.02:0:10:0,0",
    ])
    events, _, funnel, _ = read_structural([], [p], ["P"], REGIONS, "GRCh38", {"P": "male"})
    assert [(e.svtype, e.calls["P"].cn, e.calls["P"].copies) for e in events] == [
        ("DEL", 1, 1), ("DUP", 3, 1), ("DEL", 0, 1)]
    assert events[0].caller == "dragen" and events[0].start == 68041001
    assert funnel.reference_segments == 1


def test_cn_alleles_and_unknown_sex_on_x(tmp_path: Path) -> None:
    """<CNn> alleles carry n copies per haplotype; a <CNV> with only a copy number on X in a
    person of unknown sex cannot be read (expected copy number unknown) and is said so."""
    meta = SV_INFO + '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">\n'
    p = vcf(tmp_path, "generic.vcf", meta, ["P"], [
        "chr11 68041000 cnv1 N <CN0>,<CN2> . PASS END=68043000;SVTYPE=CNV GT 0/1",
        "chr11 68045000 cnv2 N <CN0>,<CN2> . PASS END=68046000;SVTYPE=CNV GT 0/2",
        "chrX 153010000 cnv3 N <CNV> . PASS END=153020000;SVTYPE=CNV GT:CN .:1",
    ])
    events, _, _, notes = read_structural([], [p], ["P"], REGIONS, "GRCh38")
    assert [(e.svtype, e.calls["P"].cn) for e in events] == [("DEL", 1), ("DUP", 3)]
    assert len(notes) == 1 and "could not be read" in notes[0] and "cnv3" in notes[0]


def test_small_variant_vcf_gives_only_symbolic_records(tmp_path: Path) -> None:
    """In the small-variant VCF only symbolic/breakend ALTs are SV records; gVCF blocks are not."""
    meta = SV_INFO + '##ALT=<ID=NON_REF,Description="Any other allele">\n'
    p = vcf(tmp_path, "small.vcf", meta, ["P"], [
        "chr11 68039500 . G A 50 PASS . GT 0/1",
        "chr11 68039600 . G <NON_REF> . PASS END=68039700 GT 0/0",
        "chr11 68041000 . G <DEL> 50 PASS END=68043000;SVTYPE=DEL GT 0/1",
        "chr11 68048000 . " + "A" * 80 + " A 50 PASS SVTYPE=DEL GT 0/1",
    ])
    funnel = SvFunnel()
    recs = read_sv_file(p, ["P"], REGIONS, "GRCh38", False, {}, funnel)
    assert [(r.svtype, r.start, r.end) for r in recs] == [("DEL", 68041001, 68043000)]
    recs = read_sv_file(p, ["P"], REGIONS, "GRCh38", True, {}, SvFunnel())
    assert [(r.svtype, r.start, r.end) for r in recs] == [
        ("DEL", 68041001, 68043000), ("DEL", 68048001, 68048079)]
    # a sequence-resolved tandem duplication of an SV VCF: the copy repeats the following bases
    p2 = vcf(tmp_path, "seqdup.vcf", SV_INFO, ["P"], [
        "chr11 68048000 . A A" + "C" * 60 + " 50 PASS SVTYPE=DUP GT 0/1"])
    (dup,) = read_sv_file(p2, ["P"], REGIONS, "GRCh38", True, {}, SvFunnel())
    assert (dup.svtype, dup.start, dup.end, dup.calls["P"].state) == ("DUP", 68048001, 68048060,
                                                                      "gain")
    # bgzipped without index: the same byte scan, through the decompressor
    gz = p + ".gz"
    pysam.tabix_compress(p, gz)
    recs = read_sv_file(gz, ["P"], REGIONS, "GRCh38", False, {}, SvFunnel())
    assert [(r.svtype, r.start) for r in recs] == [("DEL", 68041001)]


def test_indexed_gvcf_alleles_beside_a_called_alt_are_not_structural(tmp_path: Path) -> None:
    """An indexed gVCF is read by region, every record through read_record: ``A,<NON_REF>`` is a
    small variant with the gVCF placeholder, not an insertion (it was read as one)."""
    meta = SV_INFO + '##ALT=<ID=NON_REF,Description="Any other allele">\n'
    p = vcf(tmp_path, "g.vcf", meta, ["P"], [
        "chr11 68039500 . G <NON_REF> . . END=68039599 GT 0/0",
        "chr11 68039600 . G A,<NON_REF> 50 PASS . GT 0/1",
        "chr11 68041000 . G <DEL>,<NON_REF> 50 PASS END=68043000 GT 0/1",
    ])
    gz = p + ".gz"
    pysam.tabix_compress(p, gz)
    pysam.tabix_index(gz, preset="vcf")
    funnel = SvFunnel()
    recs = read_sv_file(gz, ["P"], REGIONS, "GRCh38", False, {}, funnel)
    assert funnel.files[0]["indexed"]
    assert [(r.svtype, r.start, r.end) for r in recs] == [("DEL", 68041001, 68043000)]
    assert funnel.not_interpreted == {}


def test_byte_scan_finds_symbolic_lines_only(tmp_path: Path) -> None:
    """The scan that spares htslib the whole file: gVCF blocks and header '<' are skipped,
    a breakend and a symbolic allele after a comma are found."""
    from dualdx.inputs.structural import _symbolic_lines

    p = vcf(tmp_path, "scan.vcf", SV_INFO, ["P"], [
        "chr11 100 . G <NON_REF> . . END=200 GT 0/0",
        "chr11 300 . G A,<NON_REF> . . . GT 0/1",
        "chr11 400 . G A,<DEL> . . END=500 GT 1/2",
        "chr11 600 b1 G G]chr3:1000] . . SVTYPE=BND GT 0/1",
        "chr11 700 . G T . . NOTE=a[b GT 0/1",
    ])
    found = [ln.split(b"\t")[1] for ln in _symbolic_lines(p)]
    assert found == [b"400", b"600"]


def test_indexed_file_finds_a_deletion_starting_far_before_the_gene(tmp_path: Path) -> None:
    """Region queries use END: a deletion from 1 Mb upstream into TCIRG1 is found."""
    p = vcf(tmp_path, "far.vcf", SV_INFO, ["P"], [
        "chr11 60000000 off N <DEL> 50 PASS END=60001000;SVTYPE=DEL GT 0/1",
        "chr11 67000000 far N <DEL> 50 PASS END=68040000;SVTYPE=DEL GT 0/1",
    ])
    gz = p + ".gz"
    pysam.tabix_compress(p, gz)
    pysam.tabix_index(gz, preset="vcf")
    funnel = SvFunnel()
    recs = read_sv_file(gz, ["P"], REGIONS, "GRCh38", True, {}, funnel)
    assert [r.id for r in recs] == ["far"] and funnel.files[0]["indexed"]
    assert funnel.records_read == 1


def test_two_calls_of_one_person_are_merged_with_a_note(tmp_path: Path) -> None:
    a = gcnv(tmp_path, "P", [(68036001, 68043200, 1, 1)])
    meta = "##source=GenerateSVCandidates 1.6.0\n" + SV_INFO
    b = vcf(tmp_path, "manta.vcf", meta, ["P"], [
        "chr11 68036100 MantaDEL:1 G <DEL> 500 PASS END=68043100;SVTYPE=DEL GT 0/1"])
    events, _, _, notes = read_structural([], [a, b], ["P"], REGIONS, "GRCh38")
    assert len(events) == 1 and len(events[0].sources) == 2
    assert len(notes) == 1 and "two calls" in notes[0] and "is not used" in notes[0]


def test_reciprocal_overlap() -> None:
    assert reciprocal_overlap((1, 100), (51, 150)) == 0.5
    assert reciprocal_overlap((1, 100), (101, 200)) == 0.0
    assert family_events([], ["P"]) == ([], [])


@pytest.mark.parametrize(("record", "problem", "fix"), [
    ("chr11 68041000 bad N <DEL> . PASS END=68040000;SVTYPE=DEL GT 0/1",
     "END 68040000 is before POS 68041000", "END >= POS"),
    ("chr11 68041000 bad N <SV> . PASS END=68043000 GT 0/1",
     "the symbolic ALT <SV> names no known structural-variant type and INFO has no SVTYPE",
     "write SVTYPE"),
    ("chr11 68041000 bad N <DEL> . PASS SVTYPE=DEL GT 0/1",
     "the DEL record has neither END nor SVLEN", "write END"),
    ("chr11 68041000 bad N <DEL> . PASS END=68043000;SVTYPE=DUP GT 0/1",
     "SVTYPE=DUP contradicts the ALT <DEL>", "make SVTYPE and the symbolic ALT name the same"),
])
def test_malformed_sv_records_fail_with_file_record_problem_fix(tmp_path: Path, record: str,
                                                                problem: str, fix: str) -> None:
    p = vcf(tmp_path, "bad.vcf", SV_INFO, ["P"], [record])
    with pytest.raises(InputError) as e:
        read_sv_file(p, ["P"], REGIONS, "GRCh38", True, {}, SvFunnel())
    msg = str(e.value)
    assert msg.startswith(f"{p}, record chr11:68041000 (bad): ") and problem in msg
    assert "Fix: " in msg and fix in msg.split("Fix: ", 1)[1]


def test_missing_file_names_the_sheet_columns(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"VCF not found.*'sv_vcf' columns"):
        read_sv_file(str(tmp_path / "nope.vcf"), ["P"], REGIONS, "GRCh38", True, {}, SvFunnel())


def test_each_person_is_read_from_the_files_on_their_row(tmp_path: Path) -> None:
    """As for the small variants: a family file that also holds a person is not read for them
    when their row of the sample sheet names another file (here P's sv_vcf says 0/0)."""
    trio = vcf(tmp_path, "trio.vcf", SV_INFO, ["P", "M"], [
        "chr11 68041000 d1 G <DEL> 50 PASS END=68043000;SVTYPE=DEL GT 0/1 0/1"])
    own = vcf(tmp_path, "P.sv.vcf", SV_INFO, ["P"], [
        "chr11 68041000 d1 G <DEL> 50 PASS END=68043000;SVTYPE=DEL GT 0/0"])
    events, _, funnel, notes = read_structural(
        [trio], [own], ["P", "M"], REGIONS, "GRCh38",
        sample_files={"P": [own], "M": [trio]})
    (ev,) = events
    assert {s: c.status for s, c in ev.calls.items()} == {"M": "carrier", "P": "non_carrier"}
    assert [f["samples"] for f in funnel.files] == [["M"], ["P"]] and notes == []
    # without the rows: both files for everyone, P's two calls disagree (the first is used)
    events, _, _, notes = read_structural([trio], [own], ["P", "M"], REGIONS, "GRCh38")
    assert events[0].calls["P"].status == "carrier"
