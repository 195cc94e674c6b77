"""CNV consequence on the MANE transcript (dualdx.annotation.cnv_consequence), on the real
TCIRG1 (+ strand, 20 exons) and OSTM1 (− strand, 6 exons) models of the transcript table."""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest

from dualdx.annotation.cnv_consequence import annotate_event, exon_text, hgvs_g
from dualdx.knowledge.sequence import GenomeSequence
from dualdx.knowledge.transcripts import Transcript, load_transcript_models

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def models() -> dict[str, Transcript]:
    return load_transcript_models(REPO / "resources" / "transcripts" / "mane_select.GRCh38.tsv",
                                  "GRCh38")


def test_exon_text() -> None:
    assert exon_text([5]) == "exon 5"
    assert exon_text([2, 3, 4]) == "exons 2–4"
    assert exon_text([2, 3, 7]) == "exons 2–3 and 7"
    assert exon_text([1, 3, 5, 6]) == "exons 1, 3 and 5–6"


def test_hgvs_genomic_forms() -> None:
    assert hgvs_g("GRCh38", "chr11", 100, 200, "DEL", False) == "NC_000011.10:g.100_200del"
    assert hgvs_g("GRCh37", "11", 100, 200, "DUP", True) == "NC_000011.9:g.(?_100)_(200_?)dup"
    assert hgvs_g("GRCh38", "6", 1000, 2000, "DEL", True, (-10, 20), (-5, 5)) == \
        "NC_000006.12:g.(990_1020)_(1995_2005)del"


def test_whole_gene_deletion(models: dict[str, Transcript]) -> None:
    c = annotate_event(models["TCIRG1"], "GRCh38", "chr11", 68030000, 68060000, "DEL", True)
    assert c.extent == "whole_gene" and c.exons == list(range(1, 21))
    assert c.consequence == "transcript_ablation" and c.hgvs_p == "p.0?"
    assert c.hgvs_c == "c.(?_-99)_(*76_?)del"
    assert c.coding_bases == 2493
    assert c.description == "Deletion of the whole TCIRG1 gene (NM_006019.4, all 20 exons)."


def test_five_prime_deletion_exons_1_to_5(models: dict[str, Transcript]) -> None:
    """From upstream of TCIRG1 into intron 5: the exons by number, the start codon, exon-level
    c. with the 5' end beyond the gene."""
    tx = models["TCIRG1"]
    start, end = tx.exons[0][0] - 3000, (tx.exons[4][1] + tx.exons[5][0]) // 2
    c = annotate_event(tx, "GRCh38", "chr11", start, end, "DEL", True)
    assert c.extent == "five_prime" and c.exons == [1, 2, 3, 4, 5] and c.partial_exons == []
    assert c.removes_start and c.frame is None
    assert [b.region for b in c.breakpoints] == ["upstream of the gene", "intron 5"]
    assert c.hgvs_c == "c.(?_-99)_(503+1_504-1)del"
    assert c.hgvs_g == f"NC_000011.10:g.(?_{start})_({end}_?)del"
    assert "exon_loss_variant" in c.consequence and "coding_sequence_variant" in c.consequence
    assert c.description.startswith("Deletion of exons 1–5 of 20 of TCIRG1 (NM_006019.4), "
                                    "including the 5′ end of the gene; breakpoints upstream of "
                                    "the gene and in intron 5")


def test_intragenic_deletion_frame_and_nmd_without_sequence(models: dict[str, Transcript]) -> None:
    """Exons 3–5 (386 coding bases: out of frame); NMD needs a sequence, so it stays open."""
    c = annotate_event(models["TCIRG1"], "GRCh38", "chr11", 68041500, 68043300, "DEL", True)
    assert c.extent == "intragenic" and c.exons == [3, 4, 5]
    assert (c.coding_bases, c.frame, c.nmd) == (386, "frameshift", None)
    assert c.nmd_basis.startswith("not determined: no reference")
    assert c.hgvs_c == "c.(117+1_118-1)_(503+1_504-1)del" and c.hgvs_p == "p.?"
    # truncation from codon 40 of 830
    assert c.protein_removed_fraction == pytest.approx((830 - 40 + 1) / 830)


def test_in_frame_deletion(models: dict[str, Transcript]) -> None:
    tx = models["TCIRG1"]
    # exons 7 and 8 (83 + 94 = 177 coding bases, 59 codons)
    a = (tx.exons[5][1] + tx.exons[6][0]) // 2
    b = (tx.exons[7][1] + tx.exons[8][0]) // 2
    c = annotate_event(tx, "GRCh38", "chr11", a, b, "DEL", True)
    assert c.exons == [7, 8] and c.coding_bases == 177 and c.frame == "in_frame"
    assert c.protein_removed_fraction == pytest.approx(59 / 830)
    assert "in frame (177 coding bases, 59 codons)" in c.description


def test_precise_breakpoint_inside_an_exon(models: dict[str, Transcript]) -> None:
    c = annotate_event(models["TCIRG1"], "GRCh38", "chr11", 68046000, 68050000, "DEL", False)
    assert c.exons == [11, 12, 13, 14, 15, 16] and c.partial_exons == [17]
    assert c.hgvs_g == "NC_000011.10:g.68046000_68050000del"
    assert c.hgvs_c == "c.1165+898_2052del"
    assert c.nmd is None and "splicing there is changed" in c.notes[0]


def test_intronic_deletion_and_minus_strand_gene(models: dict[str, Transcript]) -> None:
    c = annotate_event(models["TCIRG1"], "GRCh38", "chr11", 68044400, 68044900, "DEL", False)
    assert c.extent == "intronic" and c.exons == [] and c.consequence == "intron_variant"
    assert c.hgvs_p is None and c.description.endswith("no exon is affected.")
    tx = models["OSTM1"]  # − strand: transcript exon 1 is the highest genomic segment
    c = annotate_event(tx, "GRCh38", "chr6", 108060001, 108080000, "DEL", True)
    assert c.extent == "five_prime" and c.exons == [1, 2]
    assert [b.region for b in c.breakpoints] == ["upstream of the gene", "intron 2"]
    assert c.hgvs_c == "c.(?_-90)_(517+1_518-1)del"
    c = annotate_event(tx, "GRCh38", "chr6", 108040000, 108046000, "DEL", True)
    assert c.extent == "three_prime" and c.exons == [6]


def test_duplication_in_tandem(models: dict[str, Transcript]) -> None:
    c = annotate_event(models["TCIRG1"], "GRCh38", "chr11", 68041500, 68043300, "DUP", True)
    assert c.consequence == "feature_elongation&coding_sequence_variant"
    assert c.frame == "frameshift" and c.protein_removed_fraction is None
    assert c.hgvs_c.endswith("dup") and "tandem copy" in c.description
    c = annotate_event(models["TCIRG1"], "GRCh38", "chr11", 68030000, 68060000, "DUP", True)
    assert c.consequence == "transcript_amplification" and c.hgvs_p is None


def test_nmd_from_the_reference_sequence(models: dict[str, Transcript], repo: Path,
                                         tmp_path: Path) -> None:
    """With the GRCh38 TCIRG1 slice (LRG_115) the mutant transcript is translated: deleting
    exons 3–5 puts a stop codon far upstream of the last junction (NMD); an in-frame deletion
    has no NMD question."""
    src = repo / "resources" / "reference" / "TCIRG1_LRG_115.GRCh38.fa"  # the bundled locus
    fa = tmp_path / src.name
    fa.write_text(src.read_text())
    pysam.faidx(str(fa))
    genome = GenomeSequence(fa)
    tx = models["TCIRG1"]
    c = annotate_event(tx, "GRCh38", "chr11", 68041500, 68043300, "DEL", True, genome=genome)
    assert c.nmd is True and "more than 50 nt upstream" in c.nmd_basis
    assert "nonsense-mediated decay predicted" in c.description
    d = annotate_event(tx, "GRCh38", "chr11", 68041500, 68043300, "DUP", True, genome=genome)
    assert d.nmd is True
    # deleting the last coding exons cannot leave a stop > 50 nt before the last junction
    last = annotate_event(tx, "GRCh38", "chr11", (tx.exons[17][1] + tx.exons[18][0]) // 2,
                          (tx.exons[18][1] + tx.exons[19][0]) // 2, "DEL", True, genome=genome)
    assert last.exons == [19]
    assert last.frame == "frameshift" and last.nmd is False  # 178 bases; stop in exon 20
    assert "last exon" in last.nmd_basis
