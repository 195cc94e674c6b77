"""The bundled sequence in resources/reference/ (TCIRG1 LRG_115 slices, ALPL NM_000478.6 mRNA),
checked against independent copies in tests/data/ (LRG_115's own cDNA and protein, the raw
NM_000478.6 sequence), and the seed variants' descriptions it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualdx.annotation.consequence import annotate_transcript, has_sequence, translate
from dualdx.knowledge.sequence import GenomeSequence, TranscriptSequences
from dualdx.knowledge.transcripts import load_transcript_models

REPO = Path(__file__).resolve().parents[2]
REF = REPO / "resources" / "reference"
# ClinVar 2016-09 positions of the seed variants (tests/data/clinvar/*ncbi-keys*)
SEED = {"GRCh38": {"5460": 68047733, "189246": 68049080, "13670": 21564139},
        "GRCh37": {"5460": 67815200, "189246": 67816547, "13670": 21890632}}


def _fasta(path: Path) -> str:
    return "".join(ln.strip() for ln in path.read_text().splitlines() if not ln.startswith(">"))


@pytest.fixture(scope="module")
def alpl_mrna() -> TranscriptSequences:
    return TranscriptSequences(REF / "ALPL_NM_000478.6.fa")


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_tcirg1_slice_gives_np_006010_2(build: str, test_data: Path) -> None:
    genome = GenomeSequence(REF / f"TCIRG1_LRG_115.{build}.fa")
    assert genome.is_slices
    tx = load_transcript_models(REPO / "resources" / "transcripts" / f"mane_select.{build}.tsv",
                                build)["TCIRG1"]
    mrna = genome.mrna(tx)
    cs, ce = tx.index.cds_n_start, tx.index.cds_n_end
    assert cs is not None and ce is not None
    cds = mrna[cs - 1:ce]
    protein = _fasta(test_data / "reference" / "TCIRG1_LRG_115_p1_protein_NP_006010.2.fa")
    assert translate(cds) == protein + "*" and len(protein) == 830
    # the same CDS as LRG_115 t1 (NM_006019.2, CDS 109..2601) but for the one documented base
    # where LRG_115 has C and both genomes G: c.1245 (synonymous, Leu415), set to the genome's G
    lrg_cds = _fasta(test_data / "reference" / "TCIRG1_LRG_115_t1_cdna_NM_006019.2.fa")[108:2601]
    diff = [(i + 1, a, b) for i, (a, b) in enumerate(zip(lrg_cds, cds, strict=True)) if a != b]
    assert diff == [(1245, "C", "G")]
    for (_s, e), (s2, _e2) in zip(tx.exons, tx.exons[1:], strict=False):  # GT...AG introns
        assert genome.fetch("11", e + 1, e + 2) == "GT" and genome.fetch("11", s2 - 2, s2 - 1) == "AG"


def test_alpl_record_is_the_raw_sequence(test_data: Path, alpl_mrna: TranscriptSequences) -> None:
    raw = "".join((test_data / "transcripts" / "NM_000478.6.seq").read_text().split()).upper()
    assert alpl_mrna.get("NM_000478.6") == raw and len(raw) == 2536


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_seed_variants_with_the_bundled_sequence(build: str,
                                                 alpl_mrna: TranscriptSequences) -> None:
    genome = GenomeSequence(REF / f"TCIRG1_LRG_115.{build}.fa")
    models = load_transcript_models(
        REPO / "resources" / "transcripts" / f"mane_select.{build}.tsv", build)
    pos = SEED[build]
    stop = annotate_transcript("chr11", pos["5460"], "C", "A", models["TCIRG1"], genome=genome,
                               tx_seqs=alpl_mrna)
    assert (stop.hgvs_c, stop.hgvs_p, stop.consequence) == ("c.1392C>A", "p.(Cys464Ter)",
                                                           "stop_gained")
    assert stop.nmd_predicted is True and stop.protein_effect_determined
    splice = annotate_transcript("11", pos["189246"], "G", "A", models["TCIRG1"], genome=genome)
    assert (splice.hgvs_c, splice.consequence) == ("c.1674-1G>A", "splice_acceptor_variant")
    alpl = annotate_transcript("1", pos["13670"], "G", "A", models["ALPL"], genome=genome,
                               tx_seqs=alpl_mrna)
    assert (alpl.hgvs_c, alpl.hgvs_p) == ("c.571G>A", "p.(Glu191Lys)")
    # CLCN7 and OSTM1 are not covered: no crash, no protein effect, and has_sequence says so
    for gene in ("CLCN7", "OSTM1"):
        tx = models[gene]
        assert not has_sequence(tx, genome, alpl_mrna)
        cds_mid = (tx.cds_start or 0) + 30
        got = annotate_transcript(tx.chrom, cds_mid, "A", "G", tx, genome=genome, tx_seqs=alpl_mrna)
        assert got.hgvs_p is None and not got.protein_effect_determined
    assert has_sequence(models["TCIRG1"], genome, None) and has_sequence(models["ALPL"], None,
                                                                         alpl_mrna)


def test_a_chr11_gene_outside_the_slice_is_not_covered() -> None:
    """A user panel's other chr11 gene: the slice holds chr11 but not that gene."""
    from dualdx.knowledge.transcripts import Transcript

    genome = GenomeSequence(REF / "TCIRG1_LRG_115.GRCh38.fa")
    far = Transcript("FAR", "NM_999999.1", None, "11", 1, ((1_000_000, 1_000_300),),
                     1_000_010, 1_000_100, "GRCh38")
    assert not has_sequence(far, genome, None)
    got = annotate_transcript("chr11", 1_000_050, "A", "AT", far, genome=genome)
    assert got.hgvs_p is None and got.consequence == "frameshift_variant"
