"""Tests of dualdx.inputs.filtering (stage filter_panel)."""

from __future__ import annotations

import gzip
import logging
import os
import random
import re
import shutil
import time
from pathlib import Path

import pysam
import pytest
from datafiles import shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from dualdx.core.errors import InputError
from dualdx.inputs.filtering import CONTIG_LENGTHS, guess_build, run_filter_panel
from dualdx.inputs.panel import load_panel
from dualdx.inputs.prefilter import range_regex
from dualdx.inputs.splitting import MISSING, cut_value, sgt_text, split_gt, trim_alleles
from dualdx.inputs.vcf import read_panel_vcf

REPO = Path(__file__).resolve().parents[2]
PANEL = str(REPO / "resources" / "panels" / "default.tsv")
FIX = REPO / "tests" / "data" / "filter"
LOG = logging.getLogger("test_filtering")

FORMAT_LINES = [
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
]


def vcf_text(samples: list[str], records: list[str], build: str | None = "GRCh38",
             chr_prefix: bool = True, extra: list[str] | None = None) -> str:
    p = "chr" if chr_prefix else ""
    lines = ["##fileformat=VCFv4.2", *FORMAT_LINES, *(extra or [])]
    if build is not None:
        lines += [f"##contig=<ID={p}{c},length={n}>" for c, n in CONTIG_LENGTHS[build].items()]
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                            "FORMAT", *samples]))
    return "\n".join(lines + records) + "\n"


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def bgzip_index(plain: Path) -> str:
    gz = str(plain) + ".gz"
    pysam.tabix_compress(str(plain), gz, force=True)
    pysam.tabix_index(gz, preset="vcf", force=True)
    return gz


def body(path: str) -> list[str]:
    """Decompressed output lines except the provenance line naming the inputs."""
    with gzip.open(path, "rt") as fh:
        return [ln for ln in fh.read().splitlines() if not ln.startswith("##dualdx_filter_panel")]


def records_of(path: str) -> list[list[str]]:
    return [ln.split("\t") for ln in body(path) if not ln.startswith("#")]


# ------------------------------------------------------------------------------------------
# Pure helpers


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 10**9), st.integers(0, 10**6), st.integers(1, 2 * 10**9))
def test_range_regex_matches_exactly_the_range(lo: int, width: int, probe: int) -> None:
    hi = lo + width
    pat = re.compile(range_regex(lo, hi))
    for n in (lo, hi, lo - 1, hi + 1, probe, (lo + hi) // 2):
        if n >= 1:
            assert bool(pat.fullmatch(str(n))) == (lo <= n <= hi), (lo, hi, n)


def test_trim_alleles_minimal_representation() -> None:
    assert trim_alleles(100, "CAT", "CGT") == (101, "A", "G")
    assert trim_alleles(100, "ATG", "AG") == (100, "AT", "A")
    assert trim_alleles(100, "A", "AT") == (100, "A", "AT")
    assert trim_alleles(100, "GCTC", "GCTCCTC") == (100, "G", "GCTC")


def test_cut_value_per_number() -> None:
    assert cut_value((1, 2), "A", 2, 2) == (2,)
    assert cut_value((5, 6, 7), "R", 2, 2) == (5, 7)
    # diploid G over alleles 0,1,2: order 00,01,11,02,12,22 → for ALT 2: 00,02,22
    assert cut_value((0, 1, 2, 3, 4, 5), "G", 2, 2) == (0, 3, 5)
    assert cut_value((0, 1, 2), "G", 2, 2) == (0, 2)  # haploid
    assert cut_value((1, 2, 3, 4), "R", 2, 1) is MISSING  # wrong count: missing, not guessed
    assert cut_value(7, "1", 2, 1) == 7
    assert cut_value(None, "A", 2, 1) is None


def test_split_gt_and_sgt() -> None:
    assert split_gt((1, 2), 2) == (None, 1) and sgt_text((1, 2), 2, True) == "*|1"
    assert split_gt((None, None), 1) == (None, None) and sgt_text((None, None), 1, False) == "./."
    assert split_gt((0, 3), 3) == (0, 1) and sgt_text((0, 3), 3, False) == "0/1"
    assert split_gt((2,), 2) == (1,) and sgt_text((1,), 2, False) == "*"  # haploid stays haploid


def test_guess_build() -> None:
    g38 = {f"chr{c}": n for c, n in CONTIG_LENGTHS["GRCh38"].items()}
    g37 = dict(CONTIG_LENGTHS["GRCh37"])
    assert guess_build(g38)[0] == "GRCh38"
    assert guess_build(g37)[0] == "GRCh37"
    assert guess_build({"chr1": None, "chrUn_x": 1000})[0] == "unverifiable"
    assert guess_build({"chr1": 248387328})[0] is None  # T2T-CHM13 chr1


# ------------------------------------------------------------------------------------------
# Build and contig style

ALPL_SNV = "{c}1\t21564139\t.\tG\tA\t50\tPASS\t.\tGT:AD:DP:GQ\t0/1:10,9:19:99"


def test_grch37_file_with_grch38_build_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    vcf = write(tmp_path / "in.vcf", vcf_text(["S1"], [ALPL_SNV.format(c="")], "GRCh37", False))
    out = tmp_path / "out" / "panel.vcf.gz"
    with pytest.raises(InputError, match=r"looks like GRCh37.*249250621.*GRCh38"):
        run_filter_panel([vcf], ["S1"], PANEL, "GRCh38", str(out), LOG)
    assert not out.exists() and not Path(str(out) + ".tbi").exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_grch38_verified_and_no_contig_lengths_unverified(tmp_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    v38 = write(tmp_path / "a.vcf", vcf_text(["S1"], [ALPL_SNV.format(c="chr")], "GRCh38"))
    stats = run_filter_panel([v38], ["S1"], PANEL, "GRCh38", str(tmp_path / "a.vcf.gz"), LOG)
    assert stats.build_verified and stats.records_written == 1
    nolen = write(tmp_path / "b.vcf", vcf_text(["S1"], [ALPL_SNV.format(c="chr")], None))
    with caplog.at_level(logging.WARNING):
        stats = run_filter_panel([nolen], ["S1"], PANEL, "GRCh38", str(tmp_path / "b.vcf.gz"),
                                 LOG)
    assert not stats.build_verified and stats.records_written == 1
    assert "could not be verified" in stats.build_note
    assert "could not be verified" in caplog.text
    assert stats.contig_style == "chr"  # learnt from the first record


def test_contig_styles_kept(tmp_path: Path) -> None:
    outs = {}
    for style, prefix in (("chr", "chr"), ("no_chr", "")):
        vcf = write(tmp_path / f"{style}.vcf",
                    vcf_text(["S1"], [ALPL_SNV.format(c=prefix)], "GRCh38", bool(prefix)))
        out = str(tmp_path / f"{style}.vcf.gz")
        stats = run_filter_panel([vcf], ["S1"], PANEL, "GRCh38", out, LOG)
        assert stats.contig_style == style
        outs[style] = out
    assert records_of(outs["chr"])[0][0] == "chr1"
    assert records_of(outs["no_chr"])[0][0] == "1"
    assert "##contig=<ID=chr11,length=135086622>" in body(outs["chr"])
    assert "##contig=<ID=11,length=135086622>" in body(outs["no_chr"])
    assert records_of(outs["chr"])[0][1:] == records_of(outs["no_chr"])[0][1:]


# ------------------------------------------------------------------------------------------
# Indexed vs streaming, against an independent brute-force expectation


def _random_vcf(rng: random.Random, build: str = "GRCh38") -> tuple[list[str], set[tuple]]:
    """Records around the panel regions; returns lines and the expected (chrom,pos,ref,alt)."""
    panel = load_panel(PANEL)
    regions = [r for _, r in panel.regions(build, padded=True)]
    recs: list[tuple[str, int, str, list[str]]] = []
    for r in regions:
        for _ in range(150):
            pos = rng.randint(r.start - 15000, r.end + 3000)
            ref = rng.choice("ACGT")
            kind = rng.random()
            if kind < 0.15:
                ref += "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 300)))
                alts = [ref[0]]
            elif kind < 0.25:
                alts = [ref + "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 4)))]
            else:
                alts = [rng.choice([b for b in "ACGT" if b != ref])]
            if rng.random() < 0.15:
                extra = ref + "T" if ref + "T" not in alts else ref + "GG"
                alts.append(extra)
            recs.append((r.chrom, pos, ref, alts))
        # boundary cases: a deletion starting before the padded start that reaches into it
        recs.append((r.chrom, r.start - 5, "A" + "C" * 10, ["A"]))
        recs.append((r.chrom, r.start - 1, "G", ["T"]))  # just outside
        recs.append((r.chrom, r.end + 1, "G", ["T"]))  # just outside
        recs.append((r.chrom, r.end, "G", ["T"]))  # last base inside
    order = {c: i for i, c in enumerate(dict.fromkeys(r.chrom for r in regions))}
    recs.sort(key=lambda x: (order[x[0]], x[1]))
    lines, expected = [], set()
    for chrom, pos, ref, alts in recs:
        gts = [rng.choice(["0/0", "0/1", "1/1", "./."]) for _ in range(3)]
        if len(alts) == 2:
            gts[0] = "1/2"
        ad = ",".join(["5"] * (len(alts) + 1))
        lines.append("\t".join([f"chr{chrom}", str(pos), ".", ref, ",".join(alts), "50", "PASS",
                                ".", "GT:AD:DP:GQ", *(f"{g}:{ad}:20:50" for g in gts)]))
        for alt in alts:
            p, r_, a = trim_alleles(pos, ref, alt)
            end = p + len(r_) - 1
            if any(x.chrom == chrom and x.start <= end and p <= x.end for x in regions):
                expected.add((f"chr{chrom}", p, r_, a))
    return lines, expected


def test_indexed_and_streaming_identical_and_correct(tmp_path: Path) -> None:
    lines, expected = _random_vcf(random.Random(7))
    plain = tmp_path / "trio.vcf"
    plain.write_text(vcf_text(["A", "B", "C"], lines))
    gz = bgzip_index(plain)
    results = {}
    for name, path, force in (("plain", str(plain), False), ("gz_stream", gz, True),
                              ("gz_indexed", gz, False)):
        out = str(tmp_path / f"{name}.vcf.gz")
        stats = run_filter_panel([path], ["A", "B", "C"], PANEL, "GRCh38", out, LOG,
                                 force_streaming=force)
        assert stats.mode == ("indexed" if name == "gz_indexed" else "streaming")
        results[name] = body(out)
    assert results["plain"] == results["gz_stream"] == results["gz_indexed"]
    got = {(c[0], int(c[1]), c[3], c[4]) for c in records_of(str(tmp_path / "plain.vcf.gz"))}
    assert got == expected
    assert len(expected) > 300
    positions = [(c[0], int(c[1])) for c in records_of(str(tmp_path / "plain.vcf.gz"))]
    assert positions == sorted(positions, key=lambda x: (int(x[0][3:]), x[1]))
    # the index written beside the output works
    with pysam.TabixFile(str(tmp_path / "gz_indexed.vcf.gz")) as tbx:
        assert set(tbx.contigs) == {"chr1", "chr6", "chr11", "chr16"}


def test_stale_index_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "x.vcf"
    plain.write_text(vcf_text(["S1"], [ALPL_SNV.format(c="chr")]))
    gz = bgzip_index(plain)
    old = time.time() - 100
    os.utime(gz + ".tbi", (old, old))
    with pytest.raises(InputError, match="index is older"):
        run_filter_panel([gz], ["S1"], PANEL, "GRCh38", str(tmp_path / "o.vcf.gz"), LOG)


# ------------------------------------------------------------------------------------------
# Multiallelic splitting, exclusions


def test_multiallelic_split_fields(tmp_path: Path) -> None:
    out = str(tmp_path / "m.vcf.gz")
    stats = run_filter_panel([str(FIX / "multiallelic_grch38.vcf")], ["KID", "DAD", "MUM"],
                             PANEL, "GRCh38", out, LOG)
    assert stats.split_multiallelic == 2 and stats.records_written == 4
    recs = records_of(out)
    assert [(r[1], r[3], r[4]) for r in recs] == [
        ("21520000", "A", "AT"), ("21520000", "A", "C"), ("21530000", "CAT", "C"),
        ("21530001", "A", "G")]
    at, c = recs[0], recs[1]
    assert c[8] == "GT:AD:DP:GQ:PL:PS:SGT"
    # samples in the requested order: KID, DAD, MUM
    assert c[9:] == ["1|.:0,8:17:99:600,300,290:21520000:1|*",
                     "0/1:10,9:19:99:200,0,180:.:0/1",
                     "./.:0,1:21:60:500,480,470:.:*/*"]
    assert at[9:] == [".|1:0,9:17:99:600,310,320:21520000:*|1",
                      "0/.:10,0:19:99:200,210,400:.:0/*",
                      "1/1:0,20:21:60:500,90,0:.:1/1"]
    assert c[7] == "AC=2;AF=0.333;AN=6;RD=10,20;OLD_MULTIALLELIC=chr1:21520000:A/C/AT"
    assert at[7] == "AC=3;AF=0.5;AN=6;RD=10,30;OLD_MULTIALLELIC=chr1:21520000:A/C/AT"
    samples, vrecs = read_panel_vcf(out)
    assert samples == ["KID", "DAD", "MUM"]
    kid_c = vrecs[1].calls["KID"]
    assert kid_c.alleles == (1, -1) and kid_c.phased and kid_c.ps == 21520000
    assert kid_c.ad == (0, 8) and kid_c.dp == 17 and kid_c.gq == 99
    assert vrecs[3].calls["MUM"].alleles == (0, -1)
    assert vrecs[3].calls["KID"].alleles == (None, None)


def test_symbolic_ref_blocks_and_star_excluded_and_counted(tmp_path: Path) -> None:
    out = str(tmp_path / "g.vcf.gz")
    stats = run_filter_panel([str(FIX / "gvcf_like_grch38.vcf")], ["S1"], PANEL, "GRCh38", out,
                             LOG)
    assert (stats.skipped_ref_blocks, stats.skipped_symbolic, stats.skipped_gvcf_alleles,
            stats.skipped_star) == (3, 1, 1, 1)
    assert stats.records_written == 3
    recs = records_of(out)
    assert [(r[1], r[3], r[4], r[9]) for r in recs] == [
        ("68040101", "C", "T", "0/1:10,12:22:99:300,0,280:0/1"),
        ("68040300", "T", "C", "./1:0,11:20:99:*/1"),
        ("68040600", "A", "G", "1/1:0,20:20:60"),
    ]


# ------------------------------------------------------------------------------------------
# Samples and merging


def test_merge_single_sample_vcfs(tmp_path: Path) -> None:
    a = write(tmp_path / "a.vcf", vcf_text(["A"], [
        "chr1\t21564139\t.\tG\tA\t50\tPASS\t.\tGT:AD:DP:GQ\t0/1:10,9:19:99",
        "chr11\t68047733\t.\tC\tA\t50\tPASS\t.\tGT:AD:DP:GQ\t0/1:8,8:16:90"]))
    b = write(tmp_path / "b.vcf", vcf_text(["B"], [
        "chr11\t68047733\t.\tC\tA\t60\tPASS\t.\tGT:AD:DP:GQ:PS\t1|0:0,12:12:40:68047733",
        "chr11\t68049080\t.\tG\tA\t60\tPASS\t.\tGT:AD:DP:GQ\t0/1:7,7:14:80"]))
    out = str(tmp_path / "m.vcf.gz")
    stats = run_filter_panel([a, b], ["B", "A"], PANEL, "GRCh38", out, LOG)
    assert stats.records_written == 3 and stats.records_read == 4
    samples, recs = read_panel_vcf(out)
    assert samples == ["B", "A"]
    by = {r.key: r for r in recs}
    assert by["chr1-21564139-G-A"].calls["B"].alleles == (None, None)
    assert by["chr1-21564139-G-A"].calls["A"].alleles == (0, 1)
    shared = by["chr11-68047733-C-A"]
    assert shared.calls["A"].alleles == (0, 1) and shared.calls["A"].ps is None
    assert shared.calls["B"].alleles == (1, 0) and shared.calls["B"].ps == 68047733
    assert by["chr11-68049080-G-A"].calls["A"].alleles == (None, None)


def test_family_sample_missing_from_all_vcfs(tmp_path: Path) -> None:
    a = write(tmp_path / "a.vcf", vcf_text(["A", "X"], []))
    with pytest.raises(InputError, match=r"a\.vcf: the samples sheet names this VCF for sample "
                                         r"'B', but it holds no such sample \(samples there: A, X\)"):
        run_filter_panel([a], ["A", "B"], PANEL, "GRCh38", str(tmp_path / "o.vcf.gz"), LOG)


def test_samples_outside_family_dropped_and_empty_result_valid(tmp_path: Path) -> None:
    a = write(tmp_path / "a.vcf", vcf_text(["A", "X"], [
        "chr2\t1000\t.\tG\tA\t50\tPASS\t.\tGT\t0/1\t1/1"]))
    out = str(tmp_path / "e.vcf.gz")
    stats = run_filter_panel([a], ["A"], PANEL, "GRCh38", out, LOG)
    assert stats.records_read == 1 and stats.records_written == 0
    samples, recs = read_panel_vcf(out)
    assert samples == ["A"] and recs == []
    assert Path(out + ".tbi").is_file()
    with pysam.VariantFile(out) as vf:  # htslib accepts it
        assert list(vf.header.samples) == ["A"] and list(vf) == []


# ------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(("records", "pattern"), [
    (["chr1\t21564139\t.\tG\tAX\t50\tPASS\t.\tGT\t0/1"], r"line 7 \(chr1:21564139\).*'AX'"),
    (["chr1\t21564139\t.\tG\tA\t50\tPASS\t.\tGT\t0/3"], r"GT '0/3'"),
    (["chr1\t21564139\t.\tG\tA\t50\tPASS"], r"3 columns|7 columns"),
])
def test_bad_records_named(tmp_path: Path, records: list[str], pattern: str) -> None:
    v = write(tmp_path / "bad.vcf", vcf_text(["S1"], records, None))
    with pytest.raises(InputError, match=pattern):
        run_filter_panel([v], ["S1"], PANEL, "GRCh38", str(tmp_path / "o.vcf.gz"), LOG)


def test_missing_and_broken_header(tmp_path: Path) -> None:
    v = write(tmp_path / "nohdr.vcf", "chr1\t21564139\t.\tG\tA\t50\tPASS\t.\tGT\t0/1\n")
    with pytest.raises(InputError, match=r"nohdr\.vcf, line 1"):
        run_filter_panel([v], ["S1"], PANEL, "GRCh38", str(tmp_path / "o.vcf.gz"), LOG)
    text = vcf_text(["S1"], []).replace('Description="Read depth">', 'Description="Read depth"')
    v = write(tmp_path / "broken.vcf", text)
    with pytest.raises(InputError, match=r"broken\.vcf, line 4: broken header line"):
        run_filter_panel([v], ["S1"], PANEL, "GRCh38", str(tmp_path / "o.vcf.gz"), LOG)


def test_truncated_bgzip(tmp_path: Path) -> None:
    lines, _ = _random_vcf(random.Random(3))
    plain = tmp_path / "t.vcf"
    plain.write_text(vcf_text(["A", "B", "C"], lines * 20))
    gz = str(plain) + ".gz"
    pysam.tabix_compress(str(plain), gz, force=True)
    data = Path(gz).read_bytes()
    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.vcf\.gz.*truncated"):
        run_filter_panel([str(cut)], ["A"], PANEL, "GRCh38", str(tmp_path / "o.vcf.gz"), LOG)
    # a cut gzip without the BGZF EOF check (plain gzip) is also caught while reading
    gzip_cut = tmp_path / "cut_plain_gzip.vcf.gz"
    gzip_cut.write_bytes(gzip.compress(plain.read_bytes())[:-5000])
    with pytest.raises(InputError, match="cannot decompress"):
        run_filter_panel([str(gzip_cut)], ["A"], PANEL, "GRCh38", str(tmp_path / "o.vcf.gz"),
                         LOG)


# ------------------------------------------------------------------------------------------
# Real data


def test_real_exome_alpl_grch37(tmp_path: Path) -> None:
    src = shared_path("vcf/Pfeiffer_exome_hg19_ALPL.vcf")
    expected = [ln.split("\t") for ln in src.read_text().splitlines() if not ln.startswith("#")]
    assert len(expected) == 12
    out = str(tmp_path / "pfeiffer.vcf.gz")
    stats = run_filter_panel([str(src)], ["manuel"], PANEL, "GRCh37", out, LOG)
    assert stats.records_written == 12 and stats.mode == "streaming"
    assert stats.contig_style == "no_chr"
    samples, recs = read_panel_vcf(out)
    assert samples == ["manuel"]
    assert [(r.chrom, r.pos, r.ref, r.alt) for r in recs] == [
        (e[0], int(e[1]), e[3], e[4]) for e in expected]
    for r, e in zip(recs, expected, strict=True):
        fmt = dict(zip(e[8].split(":"), e[9].split(":"), strict=True))
        call = r.calls["manuel"]
        assert call.gt == fmt["GT"]
        assert call.ad == tuple(int(x) for x in fmt["AD"].split(","))
        assert call.dp == int(fmt["DP"]) and call.gq == float(fmt["GQ"])
    with pytest.raises(InputError, match="looks like GRCh37"):
        run_filter_panel([str(src)], ["manuel"], PANEL, "GRCh38", str(tmp_path / "x.vcf.gz"),
                         LOG)


def test_example_family_through_filter(repo: Path, tmp_path: Path) -> None:
    vcf = repo / "config" / "example" / "family_MIOP.vcf"
    gz = tmp_path / "fam.vcf.gz"
    shutil.copy(vcf, tmp_path / "fam.vcf")
    pysam.tabix_compress(str(tmp_path / "fam.vcf"), str(gz), force=True)
    samples = ["MIOP-II-1", "MIOP-I-1", "MIOP-I-2", "MIOP-II-2"]
    stats = run_filter_panel([str(gz)], samples, PANEL, "GRCh38", str(tmp_path / "o.vcf.gz"),
                             LOG)
    assert stats.records_read == 13 and stats.records_written == 9 and stats.build_verified
    _, recs = read_panel_vcf(tmp_path / "o.vcf.gz")
    keys = {r.key for r in recs}
    assert {"chr11-68049080-G-A", "chr11-68047733-C-A", "chr1-21564139-G-A"} <= keys
    assert not any(r.pos == 55039894 for r in recs)


# ----------------------------------------------------------------------------- contigs from the index


def _indexed_without_contig_lines(tmp_path: Path, chroms: dict[str, str]) -> str:
    """A bgzipped + indexed VCF without ##contig lines: one ALPL (chr 1) and one TCIRG1 (chr 11)
    record, the chromosomes named as ``chroms`` says; none on the panel's chromosomes 6 and 16."""
    recs = [f"{chroms['1']}\t21554100\t.\tG\tA\t50\tPASS\t.\tGT:AD:DP:GQ\t0/1:10,10:20:99",
            f"{chroms['11']}\t68047733\t.\tC\tA\t50\tPASS\t.\tGT:AD:DP:GQ\t0/1:10,10:20:99"]
    return bgzip_index(Path(write(tmp_path / "in.vcf", vcf_text(["P"], recs, build=None))))


@pytest.mark.parametrize("names", ["ensembl", "ucsc"])
def test_index_contigs_naming_chromosomes_judge_nothing_absent(tmp_path: Path,
                                                               names: str) -> None:
    """Without ##contig lines the index lists only the contigs that hold records: a panel
    chromosome with no records (6, 16 here) is not "absent", its genes are assessed as having
    no variant (as when the same file is read unindexed)."""
    chroms = {"ensembl": {"1": "1", "11": "11"}, "ucsc": {"1": "chr1", "11": "chr11"}}[names]
    gz = _indexed_without_contig_lines(tmp_path, chroms)
    stats = run_filter_panel([gz], ["P"], PANEL, "GRCh38", str(tmp_path / "out.vcf.gz"), LOG)
    assert stats.mode == "indexed" and stats.records_written == 2
    assert stats.panel_chromosomes_absent == []
    assert "panel_chromosome_absent" not in [c.code for c in stats.caveats]


def test_index_contigs_with_refseq_names_make_panel_chromosomes_absent(tmp_path: Path) -> None:
    """RefSeq-named contigs (NC_000001.11) in an indexed VCF without ##contig lines: no region
    query finds the panel, and every panel chromosome is absent, with the caution that says how
    to rename them (the report makes the genes not assessable)."""
    gz = _indexed_without_contig_lines(tmp_path, {"1": "NC_000001.11", "11": "NC_000011.10"})
    stats = run_filter_panel([gz], ["P"], PANEL, "GRCh38", str(tmp_path / "out.vcf.gz"), LOG)
    assert stats.mode == "indexed" and stats.records_written == 0
    assert stats.panel_chromosomes_absent == ["1", "6", "11", "16"]
    cav = next(c for c in stats.caveats if c.code == "panel_chromosome_absent")
    assert cav.severity == "caution"
    assert "NC_000001.11, NC_000011.10" in cav.message and "--rename-chrs" in cav.message
