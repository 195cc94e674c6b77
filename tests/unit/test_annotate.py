"""dualdx.annotate: the annotation stage on real ClinVar records (stages chained in-process)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from dualdx.annotate import AnnotationSettings, run_annotate_variants
from dualdx.clinvar import run_index_clinvar
from dualdx.filtering import run_filter_panel

REPO = Path(__file__).resolve().parents[2]
PANEL = str(REPO / "resources" / "panels" / "default.tsv")
LOG = logging.getLogger("test")
LENGTHS = {"GRCh38": {"chr1": 248956422, "chr6": 170805979, "chr11": 135086622, "chr16": 90338345},
           "GRCh37": {"1": 249250621, "6": 171115067, "11": 135006516, "16": 90354753}}


def _singleton_vcf(clinvar: Path, out: Path, build: str) -> list[tuple[str, str, str, str, str]]:
    """Every ClinVar record as a heterozygous call of one sample (no INFO)."""
    recs = []
    for line in clinvar.read_text().splitlines():
        if line.startswith("#"):
            continue
        f = line.split("\t")
        recs.append((f[0], f[1], f[3], f[4], f[2]))
    contigs = "".join(f"##contig=<ID={c},length={n}>\n" for c, n in LENGTHS[build].items())
    body = "".join(f"{c}\t{p}\t.\t{r}\t{a}\t50\tPASS\t.\tGT:AD:DP:GQ\t0/1:15,15:30:99\n"
                   for c, p, r, a, _ in recs)
    out.write_text("##fileformat=VCFv4.2\n" + contigs
                   + '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                   + '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
                   + '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
                   + '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">\n'
                   + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n" + body)
    return recs


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_every_shared_clinvar_record_is_annotated(shared_data: Path, tmp_path: Path,
                                                  build: str) -> None:
    clinvar = shared_data / "clinvar" / f"clinvar_2016-09_{build}_panel.ncbi-keys.derived.vcf"
    recs = _singleton_vcf(clinvar, tmp_path / "in.vcf", build)
    assert len(recs) == 73
    transcripts = str(REPO / "resources" / "transcripts" / f"mane_select.{build}.tsv")
    run_filter_panel([str(tmp_path / "in.vcf")], ["S1"], PANEL, build, str(tmp_path / "panel.vcf.gz"), LOG)
    run_index_clinvar(str(clinvar), PANEL, build, transcripts, None, None, str(tmp_path / "cv.json"), LOG)
    settings = AnnotationSettings(build=build, panel_path=PANEL, transcripts_path=transcripts,
                                  clinvar_index=str(tmp_path / "cv.json"))
    doc = run_annotate_variants("F", str(tmp_path / "panel.vcf.gz"), settings,
                                str(tmp_path / "annotated.vcf.gz"), str(tmp_path / "a.json"), LOG)
    got = {v["key"]: v for v in doc["variants"]}
    for chrom, pos, ref, alt, vid in recs:
        v = got[f"{chrom}-{pos}-{ref}-{alt}"]
        assert v["clinvar"] is not None and v["clinvar"]["variation_id"] == vid, (chrom, pos)
        assert v["gene"] in ("ALPL", "TCIRG1", "CLCN7", "OSTM1")
        assert v["consequence"]["hgvs_c"].startswith("c.")
    assert json.loads((tmp_path / "a.json").read_text())["variants"] == doc["variants"]
    assert (tmp_path / "annotated.vcf.gz.tbi").is_file()
    # gnomAD not configured: never reported as absent, and said in not_checked
    assert all(v["gnomad"]["queried"] is False for v in doc["variants"])
    assert any("gnomAD" in n["what"] for n in doc["not_checked"])
