"""dualdx.annotation.annotate: the annotation stage on real ClinVar records (stages chained in-process)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from dualdx.annotation.annotate import AnnotationSettings, run_annotate_variants
from dualdx.annotation.clinvar_index import run_index_clinvar
from dualdx.inputs.filtering import run_filter_panel

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
def test_every_shared_clinvar_record_is_annotated(test_data: Path, tmp_path: Path,
                                                  build: str) -> None:
    clinvar = test_data / "clinvar" / f"clinvar_2016-09_{build}_panel.ncbi-keys.derived.vcf"
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


def test_gnomad_frequencies_reach_the_annotations(test_data: Path, tmp_path: Path) -> None:
    """A user panel around the real gnomAD v4 exome excerpt (chr1:55039893-55039951): alleles
    gnomAD has get its AF; an allele it lacks inside the queried region is absent (queried,
    not found); a position outside the panel regions is never called absent."""
    import pysam

    gn = test_data / "gnomad" / "gnomad.exomes.v4.0.sites.chr1_55039893-55039951.excerpt.vcf"
    pysam.tabix_compress(str(gn), str(tmp_path / "g.vcf.bgz"))
    pysam.tabix_index(str(tmp_path / "g.vcf.bgz"), preset="vcf")
    expected = {}
    for line in gn.read_text().splitlines():
        if not line.startswith("#"):
            f = line.split("\t")
            if "," not in f[4]:
                af = next(x.split("=")[1] for x in f[7].split(";") if x.startswith("AF="))
                expected[(int(f[1]), f[3], f[4])] = float(af)
    (pos1, ref1, alt1), af1 = next(iter(expected.items()))
    panel = tmp_path / "panel.tsv"
    panel.write_text("symbol\thgnc_id\trefseq_transcript\tensembl_transcript\tgrch38_chrom\tgrch38_start\t"
                     "grch38_end\tgrch37_chrom\tgrch37_start\tgrch37_end\tpadding\n"
                     "PCSK9\tHGNC:20001\tNM_174936.4\tENST00000302118.5\t1\t55039890\t55039960\t1\t1\t2\t0\n")
    vcf = tmp_path / "in.vcf"
    contigs = "".join(f"##contig=<ID={c},length={n}>\n" for c, n in LENGTHS["GRCh38"].items())
    vcf.write_text("##fileformat=VCFv4.2\n" + contigs
                   + '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                   + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"
                   + f"chr1\t{pos1}\t.\t{ref1}\t{alt1}\t50\tPASS\t.\tGT\t0/1\n"
                   + "chr1\t55039900\t.\tA\tT\t50\tPASS\t.\tGT\t0/1\n")
    run_filter_panel([str(vcf)], ["S1"], str(panel), "GRCh38", str(tmp_path / "panel.vcf.gz"), LOG)
    run_index_clinvar(None, str(panel), "GRCh38", str(REPO / "resources" / "transcripts" /
                      "mane_select.GRCh38.tsv"), None, None, str(tmp_path / "cv.json"), LOG)
    settings = AnnotationSettings(build="GRCh38", panel_path=str(panel),
                                  transcripts_path=str(REPO / "resources" / "transcripts" /
                                                       "mane_select.GRCh38.tsv"),
                                  clinvar_index=str(tmp_path / "cv.json"),
                                  gnomad=str(tmp_path / "g.vcf.bgz"))
    doc = run_annotate_variants("F", str(tmp_path / "panel.vcf.gz"), settings,
                                str(tmp_path / "a.vcf.gz"), str(tmp_path / "a.json"), LOG)
    got = {v["pos"]: v for v in doc["variants"]}
    assert got[pos1]["gnomad"]["found"] is True
    assert got[pos1]["gnomad"]["af"] == pytest.approx(af1)
    absent = got[55039900]["gnomad"]
    assert absent["queried"] is True and absent["found"] is False
    # no transcript model for this user gene: said, not guessed
    assert got[pos1]["consequence"] is None
    assert any("PCSK9" in n["what"] for n in doc["not_checked"])
    # a gnomAD file with no record in the panel regions still answers "absent" for them
    # (regression: an empty GnomadDB is falsy by len() and was once taken for "not configured")
    header = "".join(ln + "\n" for ln in gn.read_text().splitlines() if ln.startswith("#"))
    (tmp_path / "empty.vcf").write_text(header)
    pysam.tabix_compress(str(tmp_path / "empty.vcf"), str(tmp_path / "empty.vcf.bgz"))
    pysam.tabix_index(str(tmp_path / "empty.vcf.bgz"), preset="vcf")
    settings2 = AnnotationSettings(build="GRCh38", panel_path=str(panel),
                                   transcripts_path=settings.transcripts_path,
                                   clinvar_index=str(tmp_path / "cv.json"),
                                   gnomad=str(tmp_path / "empty.vcf.bgz"))
    doc2 = run_annotate_variants("F", str(tmp_path / "panel.vcf.gz"), settings2,
                                 str(tmp_path / "b.vcf.gz"), str(tmp_path / "b.json"), LOG)
    assert all(v["gnomad"]["queried"] and not v["gnomad"]["found"] for v in doc2["variants"])


def test_online_lookups_only_when_asked(test_data: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Protein effects the local resources cannot determine go to VEP only with online=True."""
    import dualdx.knowledge.online
    from dualdx.core.model import TranscriptConsequence

    asked: list[list[tuple[str, int, str, str]]] = []

    class FakeVep:
        def __init__(self, **_: object) -> None:
            pass

        def annotate(self, variants: list[tuple[str, int, str, str]]) -> dict[str, TranscriptConsequence]:
            asked.append(variants)
            return {f"{c}-{p}-{r}-{a}": TranscriptConsequence(
                gene="TCIRG1", transcript="NM_006019.4", ensembl_transcript=None,
                consequence="stop_gained", hgvs_c="c.1392C>A", hgvs_p="p.(Tyr464Ter)",
                protein_effect_determined=True) for c, p, r, a in variants}

    monkeypatch.setattr(dualdx.knowledge.online, "VepClient", FakeVep)
    clinvar = test_data / "clinvar" / "clinvar_2016-09_GRCh38_panel.ncbi-keys.derived.vcf"
    _singleton_vcf(clinvar, tmp_path / "in.vcf", "GRCh38")
    transcripts = str(REPO / "resources" / "transcripts" / "mane_select.GRCh38.tsv")
    run_filter_panel([str(tmp_path / "in.vcf")], ["S1"], PANEL, "GRCh38", str(tmp_path / "p.vcf.gz"), LOG)
    run_index_clinvar(None, PANEL, "GRCh38", transcripts, None, None, str(tmp_path / "cv.json"), LOG)
    base = dict(build="GRCh38", panel_path=PANEL, transcripts_path=transcripts,
                clinvar_index=str(tmp_path / "cv.json"), cache_dir=str(tmp_path / "cache"))
    off = run_annotate_variants("F", str(tmp_path / "p.vcf.gz"), AnnotationSettings(**base),
                                str(tmp_path / "a.vcf.gz"), str(tmp_path / "a.json"), LOG)
    assert asked == []  # default: no patient variant leaves the machine
    assert all("consequence_source" not in v for v in off["variants"])
    on = run_annotate_variants("F", str(tmp_path / "p.vcf.gz"), AnnotationSettings(**base, online=True),
                               str(tmp_path / "b.vcf.gz"), str(tmp_path / "b.json"), LOG)
    assert len(asked) == 1 and asked[0]
    sent = {f"{c}-{p}-{r}-{a}" for c, p, r, a in asked[0]}
    for v in on["variants"]:
        key = f"{v['chrom'].removeprefix('chr')}-{v['pos']}-{v['ref']}-{v['alt']}"
        if key in sent:
            assert v["consequence_source"] == "Ensembl VEP REST"
            assert v["consequence"]["hgvs_p"] == "p.(Tyr464Ter)"
    assert any(d["name"] == "ensembl_vep_rest" for d in on["databases"])
