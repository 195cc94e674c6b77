"""Transcript models (dualdx.knowledge.transcripts) and sequence access (dualdx.knowledge.sequence)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam
import pytest
from datafiles import shared_path

from dualdx.annotation.consequence import annotate_transcript, most_severe_consequence, region_of
from dualdx.core.errors import InputError
from dualdx.inputs.panel import load_panel
from dualdx.knowledge.sequence import GenomeSequence, TranscriptSequences, revcomp
from dualdx.knowledge.transcripts import (
    load_all_transcripts,
    load_other_transcripts,
    load_transcript_models,
    transcripts_at,
)

REPO = Path(__file__).resolve().parents[2]
MODELS = {b: REPO / "resources" / "transcripts" / f"mane_select.{b}.tsv"
          for b in ("GRCh38", "GRCh37")}
HEADER = "gene\trefseq\tensembl\tis_mane\tchrom\tstrand\tcds_start\tcds_end\texons\n"


def _spliceai(build: str) -> dict[str, list[tuple[int, int]]]:
    """Canonical GENCODE exons from spliceai (0-based starts -> 1-based); GPL-3.0, so read from
    ../shared/data (the test skips when it is absent)."""
    out = {}
    name = f"spliceai_1.3.1_annotations_{build.lower()}.panel.txt"
    for line in shared_path(f"genes/{name}").read_text().splitlines():
        if line.startswith("#"):
            continue
        f = line.split("\t")
        starts = [int(x) + 1 for x in f[5].strip(",").split(",")]
        ends = [int(x) for x in f[6].strip().strip(",").split(",")]
        out[f[0]] = list(zip(starts, ends, strict=True))
    return out


def _mane_utrs(test_data: Path, build: str) -> dict[str, list[tuple[str, int, int]]]:
    out: dict[str, list[tuple[str, int, int]]] = {}
    for line in (test_data / "genes" / "ManeSelectBed_MANE_panel_utrs.tsv").read_text() \
            .splitlines():
        f = line.split("\t")
        if f[0] == build:
            out.setdefault(f[6], []).append((f[1], int(f[3]), int(f[4])))
    return out


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_models_load_and_are_consistent(build: str, test_data: Path) -> None:
    models = load_transcript_models(MODELS[build], build)
    assert set(models) == {"ALPL", "OSTM1", "TCIRG1", "CLCN7"}
    panel = load_panel(REPO / "resources" / "panels" / "default.tsv")
    utrs = _mane_utrs(test_data, build)
    for gene, tx in models.items():
        pg = panel.gene(gene)
        assert (tx.refseq, tx.ensembl) == (pg.refseq_transcript, pg.ensembl_transcript)
        reg = pg.region(build, padded=False)
        assert (tx.chrom, tx.start, tx.end) == (reg.chrom, reg.start, reg.end)
        assert tx.cds_length is not None and tx.cds_length % 3 == 0
        # MANE UTR segments: the transcript ends and the CDS limits follow from them
        segs = utrs[gene]
        assert tx.start == min(s for _, s, _ in segs) and tx.end == max(e for _, _, e in segs)
        five = [x for x in segs if x[0] == "utr5"]
        three = [x for x in segs if x[0] == "utr3"]
        if tx.strand == 1:
            assert tx.cds_start == max(e for _, _, e in five) + 1
            assert tx.cds_end == min(s for _, s, _ in three) - 1
        else:
            assert tx.cds_end == min(s for _, s, _ in five) - 1
            assert tx.cds_start == max(e for _, _, e in three) + 1
    assert models["ALPL"].cds_length == 1575  # 525 codons including the stop
    assert models["ALPL"].strand == 1 and models["OSTM1"].strand == -1
    assert models["TCIRG1"].strand == 1 and models["CLCN7"].strand == -1


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_models_have_the_canonical_gencode_exon_boundaries(build: str) -> None:
    """Same internal exon boundaries as the canonical GENCODE transcript (spliceai's table)."""
    canon = _spliceai(build)
    for gene, tx in load_transcript_models(MODELS[build], build).items():
        asc = sorted(tx.exons)
        ref = canon[gene]
        assert len(asc) == len(ref)
        assert [e for _, e in asc[:-1]] == [e for _, e in ref[:-1]]
        assert [s for s, _ in asc[1:]] == [s for s, _ in ref[1:]]


def test_exon_lengths_equal_on_both_builds() -> None:
    a = load_transcript_models(MODELS["GRCh38"], "GRCh38")
    b = load_transcript_models(MODELS["GRCh37"], "GRCh37")
    for gene in a:
        la = [e - s for s, e in a[gene].exons]
        lb = [e - s for s, e in b[gene].exons]
        assert la == lb, gene
        assert a[gene].index.cds_n_start == b[gene].index.cds_n_start


def test_alpl_matches_mrna_and_hgvs_weaver(test_data: Path) -> None:
    tx = load_transcript_models(MODELS["GRCh38"], "GRCh38")["ALPL"]
    mrna = TranscriptSequences(test_data / "transcripts" / "NM_000478.6.seq").get("NM_000478.6")
    assert mrna is not None and len(mrna) == 2536 == tx.length
    assert tx.index.cds_n_start == 200 and tx.index.cds_n_end == 1774  # 0-based [199, 1773]
    assert mrna[199:202] == "ATG" and mrna[1771:1774] in ("TAA", "TAG", "TGA")
    weaver = []
    for line in (test_data / "transcripts"
                 / "ALPL_NM_000478.6_exons_GRCh38_hgvs-weaver.tsv").read_text().splitlines():
        if line.startswith(("#", "exon")) or not line.strip():
            continue
        f = line.split("\t")
        weaver.append((int(f[3]) + 1, int(f[4]) + 1))  # 0-based inclusive -> 1-based closed
    assert list(tx.exons) == weaver


def test_minus_strand_exon_order() -> None:
    tx = load_transcript_models(MODELS["GRCh38"], "GRCh38")["CLCN7"]
    assert tx.exons[0][0] > tx.exons[-1][0]  # 5' exon has the highest coordinates
    assert region_of(tx, tx.end) == "5_prime_UTR"
    assert region_of(tx, tx.start) == "3_prime_UTR"
    assert region_of(tx, tx.cds_end or 0) == "CDS"
    assert region_of(tx, tx.end + 10) == "upstream" and region_of(tx, tx.start - 10) == \
        "downstream"
    assert region_of(tx, tx.exons[0][0] - 1) == "intron"


def test_transcripts_at() -> None:
    models = load_transcript_models(MODELS["GRCh38"], "GRCh38")
    assert [t.gene for t in transcripts_at(models, "chr1", 21564103)] == ["ALPL"]
    assert transcripts_at(models, "1", 21509423 - 50) == []
    assert [t.gene for t in transcripts_at(models, "1", 21509423 - 50, flank=100)] == ["ALPL"]


# ---------------------------------------------------------------------------------------------
# Bad rows


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    p = tmp_path / "tx.tsv"
    p.write_text("# comment\n" + header + body)
    return p


GOOD = "SYN\tNM_9.1\t\tyes\tchr5\t+\t21\t34\t11-25,31-40\n"


@pytest.mark.parametrize(("row", "needle"), [
    ("SYN\tNM_9.1\t\tyes\t5\t+\t21\tx\t11-25,31-40\n", "not a whole number"),
    ("SYN\tNM_9.1\t\tyes\t5\t*\t21\t32\t11-25,31-40\n", "strand"),
    ("SYN\tNM_9.1\t\tmaybe\t5\t+\t21\t32\t11-25,31-40\n", "is_mane"),
    ("SYN\tNM_9\t\tyes\t5\t+\t21\t32\t11-25,31-40\n", "no version"),
    ("SYN\tNM_9.1\t\tyes\t5\t+\t21\t32\t11-25,20-40\n", "overlap"),
    ("SYN\tNM_9.1\t\tyes\t5\t+\t21\t32\t11-25,40-31\n", "ends before"),
    ("SYN\tNM_9.1\t\tyes\t5\t+\t21\t28\t11-25,31-40\n", "not inside an exon"),
    ("SYN\tNM_9.1\t\tyes\t5\t+\t21\t33\t11-25,31-40\n", "not a multiple of 3"),
    ("SYN\tNM_9.1\t\tyes\t5\t+\t21\t\t11-25,31-40\n", "only one of"),
    ("SYN\tNM_9.1\t\tyes\t5\t+\t21\t32\n", "fields"),
    (GOOD + GOOD, "listed twice"),
    (GOOD.replace("yes", "no"), "no is_mane=yes"),
])
def test_bad_rows_raise_input_error(tmp_path: Path, row: str, needle: str) -> None:
    p = _write(tmp_path, row)
    with pytest.raises(InputError) as ei:
        load_transcript_models(p, "GRCh38")
    assert needle in str(ei.value)
    assert str(p) in str(ei.value)


def test_missing_file_and_column(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_transcript_models(tmp_path / "nope.tsv", "GRCh38")
    p = _write(tmp_path, GOOD, header=HEADER.replace("\tcds_end", ""))
    with pytest.raises(InputError, match="cds_end"):
        load_transcript_models(p, "GRCh38")


def test_good_fixture_row(tmp_path: Path) -> None:
    tx = load_transcript_models(_write(tmp_path, GOOD), "GRCh38")["SYN"]
    assert tx.chrom == "5" and tx.ensembl is None and tx.length == 25 and tx.cds_length == 9


# ---------------------------------------------------------------------------------------------
# Extra (non-MANE) transcripts: "another transcript more severe than MANE"


def test_other_transcript_more_severe(tmp_path: Path) -> None:
    """A non-MANE isoform with an extra exon inside MANE intron 1: a variant there is intronic
    on MANE but coding on the isoform, so the isoform's consequence is more severe."""
    body = ("SYN\tNM_9.1\t\tyes\t5\t+\t21\t71\t11-30,61-80\n"
            "SYN\tNM_8.1\t\tno\t5\t+\t21\t71\t11-30,41-49,61-80\n")
    p = _write(tmp_path, body)
    mane = load_transcript_models(p, "GRCh38")["SYN"]
    others = load_other_transcripts(p, "GRCh38")
    assert [t.refseq for t in others["SYN"]] == ["NM_8.1"]
    assert len(load_all_transcripts(p, "GRCh38")) == 2
    iso = others["SYN"][0]
    assert not iso.is_mane
    on_mane = annotate_transcript("5", 45, "A", "C", mane)
    on_iso = annotate_transcript("5", 45, "A", "C", iso)
    assert on_mane.consequence == "intron_variant" and on_mane.is_mane
    assert on_iso.consequence == "coding_sequence_variant" and not on_iso.is_mane
    worst = most_severe_consequence([on_mane.consequence, on_iso.consequence])
    assert worst == "coding_sequence_variant"


# ---------------------------------------------------------------------------------------------
# Sequences


def test_transcript_sequences_formats(tmp_path: Path, test_data: Path) -> None:
    raw = TranscriptSequences(test_data / "transcripts" / "NM_000478.6.seq")
    seq = raw.get("NM_000478.6")
    assert seq is not None and len(seq) == 2536 and len(raw) == 1
    assert raw.get("NM_000478.5") is None
    fa = tmp_path / "mane.fna.gz"
    with gzip.open(fa, "wt") as fh:
        fh.write(f">NM_000478.6 Homo sapiens ALPL mRNA\n{seq[:60]}\n{seq[60:].lower()}\n"
                 ">NM_1.1 other\nACGT\n")
    both = TranscriptSequences(fa)
    assert both.get("NM_000478.6") == seq and both.get("NM_1.1") == "ACGT"
    only = TranscriptSequences(fa, only=["NM_1.1"])
    assert "NM_000478.6" not in only and "NM_1.1" in only
    piped = tmp_path / "ref.fa"
    piped.write_text(">ref|NM_2.3|extra\nAC\n")
    assert TranscriptSequences(piped).get("NM_2.3") == "AC"


@pytest.mark.parametrize(("text", "needle"), [
    ("hello world\n", "neither FASTA"),
    (">NM_1.1\nACGZ\n", "non-nucleotide"),
    ("> \nACGT\n", "without an accession"),
])
def test_transcript_sequences_bad(tmp_path: Path, text: str, needle: str) -> None:
    p = tmp_path / "bad.fa"
    p.write_text(text)
    with pytest.raises(InputError, match=needle):
        TranscriptSequences(p)


def test_genome_sequence_naming(tmp_path: Path) -> None:
    fa = tmp_path / "g.fa"
    fa.write_text(">chr1\nACGTACGTAA\n>2\nggggcccc\n")
    pysam.faidx(str(fa))
    g = GenomeSequence(fa)
    assert g.fetch("1", 1, 4) == "ACGT" and g.fetch("chr1", 9, 10) == "AA"
    assert g.fetch("chr2", 4, 5) == "GC" and g.fetch("2", 1, 1) == "G"
    assert g.fetch("1", 5, 4) == ""
    with pytest.raises(InputError, match="contig"):
        g.fetch("3", 1, 2)
    with pytest.raises(InputError, match="not found"):
        GenomeSequence(tmp_path / "none.fa")
    assert revcomp("AACGTN") == "NACGTT"
