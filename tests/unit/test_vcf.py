"""Tests of dualdx.inputs.vcf (VCF text helpers and the panel VCF reader)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam
import pytest

from dualdx.core.errors import InputError
from dualdx.inputs.vcf import (
    check_header_lines,
    compression,
    float32_value,
    parse_gt,
    read_header,
    read_panel_vcf,
)

HDR = [
    "##fileformat=VCFv4.2",
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency, per ALT">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="GQ">',
    '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
    "##contig=<ID=chr11,length=135086622>",
]
COLS = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP\tF"


def test_header_fields_as_htslib_reads_them(tmp_path: Path) -> None:
    p = tmp_path / "x.vcf"
    p.write_text("\n".join([*HDR, '##INFO=<ID=Q,Number=1,Type=String,Description="a, b \\"c\\"">',
                            COLS]) + "\n")
    h = read_header(p)
    assert h.samples == ["P", "F"] and h.n_lines == len(HDR) + 2
    assert h.info["AF"].number == "A" and h.formats["AD"].number == "R"
    assert h.info["Q"].type == "String"
    assert h.contigs == {"chr11": 135086622}


@pytest.mark.parametrize("line", [
    "##bcftools/csqVersion=1.9+htslib-1.9",  # the GIAB trio VCF: htslib reads it
    "##bcftools/csqCommand=csq -l -g x.gff3.gz -s - -f ref.fa in.vcf.gz; Date=Tue Jul 30 2019",
    "##META=<ID=Assay,Type=String,Number=.,Values=[WholeGenome, Exome]>",
    "##x=",
])
def test_header_lines_htslib_accepts_are_accepted(line: str) -> None:
    check_header_lines("x.vcf", [HDR[0], line, COLS])


@pytest.mark.parametrize(("lines", "pattern"), [
    (["##INFO=<ID=X>", COLS], r"line 1: the file does not start"),
    ([*HDR, "#CHROM\tPOS\tREF"], r"line 9: the column header line"),
    ([*HDR, COLS[: -len("\tF")] + "\tP"], r"appear twice"),
    ([HDR[0], "##contig=<ID=chr1,length=abc>", COLS], r"line 2: contig chr1 has length"),
    ([HDR[0], "##INFO=<Number=1,Type=Flag>", COLS], r"line 2: ##INFO line without ID"),
    ([HDR[0], "##weird line", COLS], r"line 2: broken header line \(no 'key=value'\)"),
    ([HDR[0], "##FOO=<ID=1,bar>", COLS], r"line 2: broken header line \(htslib cannot parse"),
    ([HDR[0], '##INFO=<ID=XX,Number=1,Type=String,Description="open>', COLS],
     r"line 2: broken header line \(unbalanced double quote\)"),
    ([HDR[0], '##INFO=<ID=XX,Number=1,Type=String,Description="x"', COLS],
     r"line 2: broken header line \(no closing '>'\)"),
])
def test_header_errors(lines: list[str], pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        check_header_lines("x.vcf", lines)


def test_parse_gt_and_float32() -> None:
    assert parse_gt("0/1") == ((0, 1), False)
    assert parse_gt("1|0") == ((1, 0), True)
    assert parse_gt(".") == ((None,), False)
    assert parse_gt("./.") == ((None, None), False)
    assert parse_gt("*|1") == ((-1, 1), True)
    assert parse_gt("1") == ((1,), False)
    assert float32_value(63.58000183105469) == 63.58 and float32_value(None) is None
    assert float32_value(0.3330000042915344) == 0.333


def test_compression_detection(tmp_path: Path) -> None:
    text = "\n".join([*HDR, COLS]) + "\n"
    plain = tmp_path / "a.vcf"
    plain.write_text(text)
    gz = tmp_path / "a.vcf.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    bgz = tmp_path / "b.vcf.gz"
    pysam.tabix_compress(str(plain), str(bgz))
    assert [compression(p) for p in (plain, gz, bgz)] == ["plain", "gzip", "bgzf"]
    for p in (plain, gz, bgz):
        assert read_header(p).samples == ["P", "F"]


def test_read_panel_vcf_calls(tmp_path: Path) -> None:
    recs = [
        "chr11\t68047733\t.\tC\tA\t50\tPASS\t.\tGT:AD:DP:GQ:PS\t0|1:10,9:19:99:68047733\t"
        "0/0:.:12:.:.",
        "chr11\t68049080\trs9\tG\tA\t.\t.\t.\tGT\t1\t./.",
    ]
    p = tmp_path / "p.vcf"
    p.write_text("\n".join([*HDR, COLS, *recs]) + "\n")
    samples, out = read_panel_vcf(p)
    assert samples == ["P", "F"]
    a, b = out
    assert a.key == "chr11-68047733-C-A" and a.qual == 50.0 and a.filter == "PASS"
    assert a.id is None
    pc = a.calls["P"]
    assert pc.alleles == (0, 1) and pc.phased and pc.ps == 68047733
    assert pc.ad == (10, 9) and pc.dp == 19 and pc.gq == 99.0
    fc = a.calls["F"]
    assert fc.alleles == (0, 0) and fc.ad is None and fc.gq is None and fc.dp == 12
    assert b.id == "rs9" and b.qual is None and b.calls["P"].alleles == (1,)
    assert b.calls["F"].alt_count is None


def test_read_panel_vcf_refuses_multiallelic(tmp_path: Path) -> None:
    p = tmp_path / "m.vcf"
    p.write_text("\n".join([*HDR, COLS, "chr11\t100\t.\tC\tA,G\t.\t.\t.\tGT\t1/2\t0/1"]) + "\n")
    with pytest.raises(InputError, match=r"m\.vcf, line 10: record chr11:100 has ALT 'A,G'"):
        read_panel_vcf(p)
