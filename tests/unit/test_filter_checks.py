"""filter_panel: what it refuses, resolves and reports (issue 14 items 2-4, issue 15 item 4).

The sample sheet's VCF per person, indexes that must belong to their file, duplicates that are
never resolved by "first wins", what was dropped, left-alignment with bcftools norm, and the
caveats in filter_stats.json.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import time
from pathlib import Path

import pysam
import pytest

from dualdx.core.caveats import Caveat
from dualdx.core.errors import InputError
from dualdx.inputs.filtering import CONTIG_LENGTHS, FilterStats, run_filter_panel, write_filter_stats
from dualdx.inputs.vcf import read_panel_vcf
from dualdx.inputs.vcf_index import check_index, read_index_contigs

REPO = Path(__file__).resolve().parents[2]
PANEL = str(REPO / "resources" / "panels" / "default.tsv")
LOG = logging.getLogger("test_filter_checks")
POS = 68047733  # in TCIRG1, GRCh38
FORMATS = [
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
]


def vcf(path: Path, samples: list[str], records: list[str], *, prefix: str = "chr",
        extra: list[str] | None = None) -> str:
    lines = ["##fileformat=VCFv4.2", '##FILTER=<ID=LowQual,Description="Low quality">',
             '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count">',
             '##INFO=<ID=END,Number=1,Type=Integer,Description="End">', *FORMATS, *(extra or [])]
    lines += [f"##contig=<ID={prefix}{c},length={n}>" for c, n in CONTIG_LENGTHS["GRCh38"].items()]
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                            "FORMAT", *samples]))
    path.write_text("\n".join(lines + records) + "\n")
    return str(path)


def rec(calls: str, *, chrom: str = "chr11", pos: int = POS, ref: str = "C", alt: str = "A",
        filt: str = "PASS", info: str = ".", fmt: str = "GT:AD:DP") -> str:
    return "\t".join([chrom, str(pos), ".", ref, alt, "50", filt, info, fmt, *calls.split()])


def run(tmp_path: Path, vcfs: list[str], samples: list[str], **kw: object
        ) -> tuple[FilterStats, dict[str, object]]:
    out = tmp_path / "out" / "panel.vcf.gz"
    stats = run_filter_panel(vcfs, samples, PANEL, "GRCh38", str(out), LOG, **kw)  # type: ignore[arg-type]
    _, recs = read_panel_vcf(out)
    return stats, {r.key: r for r in recs}


def codes(stats: FilterStats) -> dict[str, Caveat]:
    return {c.code: c for c in stats.caveats}


# ------------------------------------------------------------------------------------------
# The sample sheet means what it says


def test_each_person_from_the_vcf_on_their_row(tmp_path: Path) -> None:
    trio = vcf(tmp_path / "trio.vcf", ["P", "F", "M"], [rec("0/1:5,5:10 0/0:9,0:9 0/1:4,4:8")])
    own = vcf(tmp_path / "P.vcf", ["P"], [rec("1/1:0,20:20")])
    stats, recs = run(tmp_path, [trio, own], ["P", "F", "M"],
                      sample_vcfs={"P": own, "F": trio, "M": trio})
    calls = recs[f"chr11-{POS}-C-A"].calls  # type: ignore[attr-defined]
    assert calls["P"].alleles == (1, 1) and calls["P"].dp == 20  # from P.vcf, not trio.vcf
    assert calls["F"].alleles == (0, 0) and calls["M"].alleles == (0, 1)
    note = codes(stats)["sample_read_from_its_own_vcf"]
    assert note.severity == "note" and note.samples == ("P",)
    assert note.message.startswith("trio.vcf also holds P; their genotypes were read from the "
                                   "VCF on their own row of the sample sheet (P.vcf)")


def test_row_vcf_without_that_sample_names_both(tmp_path: Path) -> None:
    trio = vcf(tmp_path / "trio.vcf", ["P", "F", "M"], [])
    dad = vcf(tmp_path / "dad.vcf", ["FATHER"], [])
    with pytest.raises(InputError) as e:
        run(tmp_path, [trio, dad], ["P", "F", "M"], sample_vcfs={"P": trio, "F": dad, "M": trio})
    assert str(e.value) == (f"{dad}: the samples sheet names this VCF for sample 'F', but it "
                            "holds no such sample (samples there: FATHER). Fix: correct the "
                            "sample ID 'F', or the 'vcf' column of its row in the samples sheet")
    assert not (tmp_path / "out").exists()


def test_samples_not_in_the_sheet_are_noted_unless_another_family_has_them(tmp_path: Path
                                                                          ) -> None:
    v = vcf(tmp_path / "x.vcf", ["P", "F", "M", "STRANGER", "OTHER"],
            [rec("0/1:5,5:10 0/0:9,0:9 0/1:4,4:8 0/0:1,0:1 0/0:1,0:1")])
    stats, _ = run(tmp_path, [v], ["P", "F", "M"], family="F1", listed_elsewhere=["OTHER"])
    note = codes(stats)["samples_not_in_sample_sheet"]
    assert note.samples == ("STRANGER",) and note.severity == "note"
    assert "x.vcf holds sample(s) STRANGER that the sample sheet does not list for family F1" \
        in note.message


# ------------------------------------------------------------------------------------------
# An index must belong to its file


def _bgzip(plain: str, index: bool = True, csi: bool = False) -> str:
    gz = plain + ".gz"
    pysam.tabix_compress(plain, gz, force=True)
    if index:
        pysam.tabix_index(gz, preset="vcf", force=True, csi=csi)
    return gz


def _many(prefix: str, chroms: list[str], n: int = 3000) -> list[str]:
    rng = random.Random(3)
    out = []
    for c in chroms:
        for p in sorted(rng.sample(range(1, 5_000_000), n)):
            out.append(rec("0/1:5,5:10", chrom=f"{prefix}{c}", pos=p))
        if c == "11":
            out.append(rec("0/1:5,5:10", chrom=f"{prefix}{c}", pos=POS))
    return out


@pytest.mark.parametrize("csi", [False, True], ids=["tbi", "csi"])
def test_index_that_belongs_passes(tmp_path: Path, csi: bool) -> None:
    gz = _bgzip(vcf(tmp_path / "a.vcf", ["P"], _many("chr", ["1", "2", "11"])), csi=csi)
    index = gz + (".csi" if csi else ".tbi")
    check_index(gz, index)
    contigs = read_index_contigs(index)
    assert [c.name for c in contigs] == ["chr1", "chr2", "chr11"]
    assert read_index_contigs(index, use_pseudo_bins=False) == contigs  # older indexes too
    stats, recs = run(tmp_path, [gz], ["P"])
    assert stats.mode == "indexed" and f"chr11-{POS}-C-A" in recs


def test_index_of_an_older_version_is_refused(tmp_path: Path) -> None:
    """The index was made before chr11 was added: trusted, chr11 would be silently lost."""
    old = _bgzip(vcf(tmp_path / "old.vcf", ["P"], _many("chr", ["1", "2"])))
    gz = _bgzip(vcf(tmp_path / "a.vcf", ["P"], _many("chr", ["1", "2", "11"])), index=False)
    shutil.copy(old + ".tbi", gz + ".tbi")
    os.utime(gz + ".tbi", (time.time() + 5, time.time() + 5))  # newer than the VCF
    with pytest.raises(InputError) as e:
        run(tmp_path, [gz], ["P"])
    msg = str(e.value)
    assert msg.startswith(f"{gz}.tbi: the index does not belong to a.vcf.gz: ")
    assert msg.endswith(f"Fix: re-index with 'tabix -f -p vcf {gz}'")


def test_index_of_another_file_with_other_contigs_is_refused(tmp_path: Path) -> None:
    other = _bgzip(vcf(tmp_path / "o.vcf", ["P"], _many("chr", ["3", "11"])))
    gz = _bgzip(vcf(tmp_path / "a.vcf", ["P"], _many("chr", ["1", "11"])), index=False)
    shutil.copy(other + ".tbi", gz + ".tbi")
    os.utime(gz + ".tbi", (time.time() + 5, time.time() + 5))
    with pytest.raises(InputError, match=r"the index does not belong to a\.vcf\.gz: its "):
        run(tmp_path, [gz], ["P"])


def test_garbage_index_is_refused(tmp_path: Path) -> None:
    gz = _bgzip(vcf(tmp_path / "a.vcf", ["P"], [rec("0/1:5,5:10")]), index=False)
    Path(gz + ".tbi").write_bytes(b"not an index")
    with pytest.raises(InputError, match=r"a\.vcf\.gz\.tbi: unreadable index"):
        run(tmp_path, [gz], ["P"])


# ------------------------------------------------------------------------------------------
# Duplicates: never "first wins"


def test_duplicate_record_with_the_same_genotype_read_once(tmp_path: Path) -> None:
    v = vcf(tmp_path / "d.vcf", ["P", "F"], [rec("0/1:5,5:10 0/0:9,0:9"),
                                             rec("0/1:5,5:12 0/0:9,0:9")])
    stats, recs = run(tmp_path, [v], ["P", "F"])
    call = recs[f"chr11-{POS}-C-A"].calls["P"]  # type: ignore[attr-defined]
    assert call.alleles == (0, 1) and call.ad == (5, 5)
    assert call.dp is None  # DP 10 and 12: neither chosen
    assert stats.duplicate_records == 1 and stats.conflicting_duplicates == 0
    assert codes(stats)["duplicate_record"].severity == "note"


def test_conflicting_duplicate_makes_the_call_unknown(tmp_path: Path) -> None:
    v = vcf(tmp_path / "d.vcf", ["P", "F"], [rec("0/1:5,5:10 0/0:9,0:9"),
                                             rec("1/1:0,10:10 0/0:9,0:9")])
    stats, recs = run(tmp_path, [v], ["P", "F"])
    calls = recs[f"chr11-{POS}-C-A"].calls  # type: ignore[attr-defined]
    assert calls["P"].alleles == (None, None) and calls["P"].dp is None
    assert calls["F"].alleles == (0, 0)
    c = codes(stats)["conflicting_duplicate_record"]
    assert c.severity == "caution" and c.samples == ("P",)
    assert c.variants == (f"chr11-{POS}-C-A",)
    assert c.message == (f"chr11-{POS}-C-A appears twice in d.vcf with different genotypes; the "
                         "genotype there of the person(s) concerned is unknown (neither record "
                         "was chosen)")
    assert stats.conflicting_duplicates == 1


# ------------------------------------------------------------------------------------------
# What was dropped or tolerated


def test_dropped_alleles_and_blocks_are_counted_and_reported(tmp_path: Path) -> None:
    v = vcf(tmp_path / "g.vcf", ["P"], [
        rec("0/1:5,5:10", pos=POS - 10, alt="<DEL>", info="END=68047900"),
        rec("0/0:9,0:9", pos=POS - 5, alt="<NON_REF>", info="END=68047730"),
        rec("1/2:0,5,5:10", alt="A,*"),
    ])
    stats, recs = run(tmp_path, [v], ["P"])
    assert (stats.skipped_symbolic, stats.skipped_ref_blocks, stats.skipped_star) == (1, 1, 1)
    c = codes(stats)
    # the <DEL> is the structural-variant stage's: counted here, reported there
    assert not any("symbolic" in code for code in c)
    assert c["spanning_deletion_alleles_dropped"].severity == "note"
    assert c["reference_blocks_not_used"].severity == "note"
    assert list(recs) == [f"chr11-{POS}-C-A"]


def test_miscounted_values_and_undefined_fields_are_reported(tmp_path: Path) -> None:
    v = vcf(tmp_path / "m.vcf", ["P"], [rec("0/1:5,5:10:7", info="AC=1,2;XX=3",
                                            fmt="GT:AD:DP:QQ")])
    stats, _ = run(tmp_path, [v], ["P"])
    c = codes(stats)
    assert stats.values_miscounted == 1
    assert "(AC) did not have the count" in c["per_allele_value_miscounted"].message
    assert "INFO XX" in c["fields_not_in_header"].message
    assert "FORMAT QQ" in c["fields_not_in_header"].message


def test_per_person_vcfs_mixing_chr_and_no_chr_merge(tmp_path: Path) -> None:
    a = vcf(tmp_path / "a.vcf", ["P"], [rec("0/1:5,5:10")])
    b = vcf(tmp_path / "b.vcf", ["M"], [rec("0/1:4,4:8", chrom="11")], prefix="")
    stats, recs = run(tmp_path, [a, b], ["P", "M"], sample_vcfs={"P": a, "M": b})
    assert list(recs) == [f"chr11-{POS}-C-A"]  # one site, spelt as in a.vcf
    calls = recs[f"chr11-{POS}-C-A"].calls  # type: ignore[attr-defined]
    assert calls["P"].alleles == (0, 1) and calls["M"].alleles == (0, 1)
    note = codes(stats)["contig_names_differ_between_vcfs"]
    assert note.message == ("the VCFs spell contig names differently (a.vcf: chr1, b.vcf: 1); "
                            "they were matched without 'chr' and written as in a.vcf")


def test_filter_that_differs_between_vcfs_is_said(tmp_path: Path) -> None:
    a = vcf(tmp_path / "a.vcf", ["P"], [rec("0/1:5,5:10")])
    b = vcf(tmp_path / "b.vcf", ["M"], [rec("0/1:4,4:8", filt="LowQual")])
    stats, recs = run(tmp_path, [a, b], ["P", "M"], sample_vcfs={"P": a, "M": b})
    assert recs[f"chr11-{POS}-C-A"].filter == "LowQual"  # type: ignore[attr-defined]
    c = codes(stats)["filter_differs_between_vcfs"]
    assert c.severity == "caution" and c.samples == ("M", "P")
    assert "(a.vcf: PASS; b.vcf: LowQual)" in c.message


def test_filter_stats_json_carries_counts_and_caveats(tmp_path: Path) -> None:
    v = vcf(tmp_path / "d.vcf", ["P"], [rec("0/1:5,5:10"), rec("1/1:0,5:5")])
    stats, _ = run(tmp_path, [v], ["P"])
    out = tmp_path / "filter_stats.json"
    write_filter_stats(stats, str(out))
    doc = json.loads(out.read_text())
    assert doc["records_written"] == 1 and doc["conflicting_duplicates"] == 1
    assert [Caveat.from_dict(c) for c in doc["caveats"]] == stats.caveats
    assert doc["caveats"][0]["stage"] == "filter_panel"


# ------------------------------------------------------------------------------------------
# Left-alignment with bcftools norm


SLICE_START = 68047001  # a panel slice of chr11, as download_resources writes them
RUN_AT = 68047701  # a run of six T at 68047701..68047706 in the slice


def _slice_fasta(tmp_path: Path) -> str:
    rng = random.Random(11)
    seq = [rng.choice("ACG") for _ in range(1500)]
    i = RUN_AT - SLICE_START
    seq[i - 1] = "G"
    seq[i:i + 6] = "TTTTTT"
    seq[i + 6] = "C"
    fa = tmp_path / "ref.slices.fa"
    name = f"chr11:{SLICE_START}-{SLICE_START + 1499}"
    fa.write_text(f">{name} source=test\n" + "".join(seq) + "\n")
    pysam.faidx(str(fa))
    return str(fa)


def test_indel_left_aligned_in_a_panel_slice(tmp_path: Path) -> None:
    ref = _slice_fasta(tmp_path)
    # deletion of one T written at the right end of the run: TC>C at 68047706 -> GT>G at 68047700
    v = vcf(tmp_path / "i.vcf", ["P"], [rec("0/1:5,5:10", pos=RUN_AT + 5, ref="TC", alt="C")])
    stats, recs = run(tmp_path, [v], ["P"], reference_fasta=ref)
    assert list(recs) == [f"chr11-{RUN_AT - 1}-GT-G"]
    assert stats.left_aligned == 1 and stats.normalization == "bcftools norm"
    assert stats.indels_not_left_aligned == 0 and "indels_not_left_aligned" not in codes(stats)


def test_indels_without_reference_are_reported_not_left_aligned(tmp_path: Path) -> None:
    v = vcf(tmp_path / "i.vcf", ["P"], [rec("0/1:5,5:10", pos=RUN_AT + 5, ref="TC", alt="C"),
                                        rec("0/1:5,5:10", pos=POS + 20, ref="G", alt="A")])
    stats, recs = run(tmp_path, [v], ["P"])
    assert f"chr11-{RUN_AT + 5}-TC-C" in recs
    c = codes(stats)["indels_not_left_aligned"]
    assert c.severity == "caution" and c.variants == (f"chr11-{RUN_AT + 5}-TC-C",)
    assert "no reference FASTA is configured" in c.message
    assert stats.indels_not_left_aligned == 1 and stats.normalization == "trimmed"


def test_indel_outside_the_slices_and_ref_mismatch_are_reported(tmp_path: Path) -> None:
    ref = _slice_fasta(tmp_path)
    genome = pysam.FastaFile(ref).fetch(f"chr11:{SLICE_START}-{SLICE_START + 1499}")
    wrong = "A" if genome[POS - SLICE_START] != "A" else "C"
    v = vcf(tmp_path / "i.vcf", ["P"], [
        rec("0/1:5,5:10", pos=68040000, ref="GA", alt="G"),  # TCIRG1, outside the slice
        rec("0/1:5,5:10", pos=POS, ref=wrong, alt="T" if wrong != "T" else "G"),
    ])
    stats, _ = run(tmp_path, [v], ["P"], reference_fasta=ref)
    c = codes(stats)
    assert c["indels_not_left_aligned"].variants == ("chr11-68040000-GA-G",)
    assert "outside the panel slices of the reference" in c["indels_not_left_aligned"].message
    mismatch = c["ref_differs_from_reference"]
    assert mismatch.severity == "caution" and len(mismatch.variants) == 1
    assert f"(reference {genome[POS - SLICE_START]})" in mismatch.message


def test_left_alignment_with_a_whole_genome_fasta(tmp_path: Path) -> None:
    """A genome FASTA whose contig is spelt 'chrM', a panel and VCF that say 'MT'."""
    panel = tmp_path / "mt.tsv"
    panel.write_text(
        "symbol\thgnc_id\trefseq_transcript\tensembl_transcript\tgrch38_chrom\tgrch38_start\t"
        "grch38_end\tgrch37_chrom\tgrch37_start\tgrch37_end\n"
        "MTX\tHGNC:0\tNM_0.1\tENST0.1\tMT\t1000\t2000\tMT\t1000\t2000\n")
    rng = random.Random(5)
    seq = [rng.choice("ACG") for _ in range(16569)]
    seq[1499:1506] = "GAAAAAC"  # A-run at 1501..1505
    fa = tmp_path / "genome.fa"
    fa.write_text(">chrM\n" + "\n".join("".join(seq[i:i + 60]) for i in range(0, 16569, 60))
                  + "\n")
    v = tmp_path / "mt.vcf"
    v.write_text("\n".join(["##fileformat=VCFv4.2", *FORMATS, "##contig=<ID=MT,length=16569>",
                            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP",
                            "MT\t1505\t.\tAC\tC\t50\tPASS\t.\tGT\t1"]) + "\n")
    out = tmp_path / "o.vcf.gz"
    stats = run_filter_panel([str(v)], ["P"], str(panel), "GRCh38", str(out), LOG,
                             reference_fasta=str(fa))
    _, recs = read_panel_vcf(out)
    assert [(r.chrom, r.pos, r.ref, r.alt) for r in recs] == [("MT", 1500, "GA", "G")]
    assert recs[0].calls["P"].alleles == (1,)  # a haploid call stays haploid
    assert stats.left_aligned == 1


# ------------------------------------------------------------------------------------------
# Cohort mode: what the joint VCF's filter found reaches the family it concerns


def test_cohort_caveats_reach_the_family_they_concern(tmp_path: Path) -> None:
    joint = vcf(tmp_path / "joint.vcf", ["A1", "B1"], [
        rec("0/1:5,5:10 0/0:9,0:9"), rec("1/1:0,9:9 0/0:9,0:9"),  # A1's genotypes conflict
        rec("0/0:9,0:9 0/1:5,5:10", pos=POS - 10, alt="<DEL>", info="END=68047900"),  # B1's
    ])
    cohort_out = tmp_path / "cohort" / "panel.vcf.gz"
    cohort = run_filter_panel([joint], ["A1", "B1"], PANEL, "GRCh38", str(cohort_out), LOG)
    write_filter_stats(cohort, str(tmp_path / "cohort" / "filter_stats.json"))
    got = {}
    for fam, person in (("A", "A1"), ("B", "B1")):
        out = tmp_path / fam / "panel.vcf.gz"
        stats = run_filter_panel([str(cohort_out)], [person], PANEL, "GRCh38", str(out), LOG,
                                 listed_elsewhere=["A1", "B1"],
                                 upstream_stats=[str(tmp_path / "cohort" / "filter_stats.json")])
        got[fam] = {(c.code, c.samples) for c in stats.caveats}
    assert got["A"] == {("conflicting_duplicate_record", ("A1",))}
    assert got["B"] == set()  # B1's <DEL> is read by the structural-variant stage
