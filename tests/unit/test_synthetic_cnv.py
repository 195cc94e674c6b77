"""The copy-number example (config/example_cnv) is the generator's output, its deletions sit at
the exons of the transcript table, and its ClinVar snapshot copies the shared ClinVar records."""

from __future__ import annotations

from pathlib import Path

from dualdx.knowledge.transcripts import load_transcript_models
from dualdx.synthetic_cnv import (
    CLINVAR_RECORDS,
    TRANSCRIPTS,
    ostm1_deletion,
    tcirg1_deletion,
    write_cnv_example,
)


def test_committed_cnv_example_equals_generator_output(repo: Path, tmp_path: Path) -> None:
    for p in write_cnv_example(tmp_path):
        committed = repo / "config" / "example_cnv" / p.name
        assert committed.read_text() == p.read_text(), f"{committed} is stale: re-generate it"


def test_deletions_cover_the_intended_exons() -> None:
    models = load_transcript_models(TRANSCRIPTS, "GRCh38")
    tc, os_ = models["TCIRG1"], models["OSTM1"]
    a, b = tcirg1_deletion(tc)
    assert a < tc.start and tc.exons[4][1] < b < tc.exons[5][0]  # upstream .. intron 5
    a, b = ostm1_deletion(os_)
    assert os_.exons[2][1] < a < os_.exons[1][0] and b > os_.end  # intron 2 .. upstream (− strand)
    assert a < 108064285 < b  # ClinVar 195291 lies inside the OSTM1 deletion


def test_clinvar_snapshot_records_are_the_shared_ones(test_data: Path) -> None:
    shared = (test_data / "clinvar" / "clinvar_2016-09_GRCh38_panel.ncbi-keys.derived.vcf"
              ).read_text().splitlines()
    for rec in CLINVAR_RECORDS:
        assert rec in shared
