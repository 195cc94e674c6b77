"""Tests of dualdx.inputs.vcf (VCF text helpers and the panel VCF reader)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam
import pytest

from dualdx.core.errors import InputError
from dualdx.inputs.vcf import (
    compression,
    parse_gt,
    parse_header,
    parse_info,
    read_header,
    read_panel_vcf,
    split_structured,
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


def test_split_structured_honours_quotes() -> None:
    d = split_structured('ID=AF,Number=A,Type=Float,Description="a, b \\"c\\""')
    assert d == {"ID": "AF", "Number": "A", "Type": "Float", "Description": 'a, b "c"'}
    with pytest.raises(ValueError):
        split_structured('ID=AF,Description="open')


def test_parse_header_fields() -> None:
    h = parse_header("x.vcf", [*HDR, COLS])
    assert h.samples == ["P", "F"]
    assert h.info["AF"].number == "A" and h.formats["AD"].number == "R"
    assert h.contigs == {"chr11": 135086622}


@pytest.mark.parametrize(("lines", "pattern"), [
    (["##INFO=<ID=X>", COLS], r"line 1: the file does not start"),
    ([*HDR, "#CHROM\tPOS\tREF"], r"line 9: the column header line"),
    ([*HDR, COLS[: -len("\tF")] + "\tP"], r"appear twice"),
    ([HDR[0], "##contig=<ID=chr1,length=abc>", COLS], r"line 2: contig chr1 has length"),
    ([HDR[0], "##INFO=<Number=1,Type=Flag>", COLS], r"line 2: ##INFO line without ID"),
    ([HDR[0], "##weird line", COLS], r"line 2: broken header line"),
])
def test_parse_header_errors(lines: list[str], pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        parse_header("x.vcf", lines)


def test_parse_gt_and_info() -> None:
    assert parse_gt("0/1") == ((0, 1), False)
    assert parse_gt("1|0") == ((1, 0), True)
    assert parse_gt(".") == ((None,), False)
    assert parse_gt("./.") == ((None, None), False)
    assert parse_gt("*|1") == ((-1, 1), True)
    assert parse_gt("1") == ((1,), False)
    assert parse_info("AF=0.5;DB;AC=1") == [("AF", "0.5"), ("DB", None), ("AC", "1")]
    assert parse_info(".") == []


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
