"""Stage ``index_clinvar``: the panel's ClinVar records with their protein positions
(``clinvar_panel.json``), read by the annotation stage and by ACMG PS1/PM5.

The ClinVar reader is :mod:`dualdx.knowledge.clinvar`; protein positions come from
:mod:`dualdx.annotation.consequence` on the MANE transcript.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dualdx.core.errors import InputError
from dualdx.core.model import DatabaseStatus
from dualdx.knowledge.clinvar import ClinVarDB


def _not_configured() -> dict[str, Any]:
    status = DatabaseStatus(name="clinvar", status="not_configured",
                            detail="no ClinVar VCF configured: ClinVar assertions not checked")
    return {"source": status.to_dict(), "records": []}


def run_index_clinvar(clinvar_path: str | None, panel_path: str, build: str,
                      transcripts_path: str, tx_fasta: str | None, genome_fasta: str | None,
                      out_json: str, log: logging.Logger) -> None:
    """Write ``clinvar_panel.json``: the ClinVar records in the panel regions + protein fields."""
    from dualdx.core import atomic
    from dualdx.inputs.panel import load_panel
    from dualdx.knowledge.download import sha256_file

    if not clinvar_path:
        log.info("no ClinVar configured; writing an empty index marked not_configured")
        atomic.write_text(out_json, json.dumps(_not_configured(), indent=1) + "\n")
        return
    panel = load_panel(panel_path)
    gene_regions = panel.regions(build)
    regions = [(r.chrom, r.start, r.end) for _, r in gene_regions]
    db = ClinVarDB.open(clinvar_path, regions)
    db.check_build(build)
    log.info("ClinVar %s (release %s): %d records in %d panel regions", clinvar_path,
             db.release, len(db), len(regions))
    annotate = _protein_annotator(panel, build, transcripts_path, tx_fasta, genome_fasta, log)
    out_records: list[dict[str, Any]] = []
    for chrom, pos, ref, alt, assertion, end in db.records():
        genes = [sym for sym, r in gene_regions if r.chrom == chrom and r.start <= end
                 and pos <= r.end]
        preferred = [g for g in genes if g in assertion.genes]
        gene = (preferred or genes)[0] if genes else None
        rec: dict[str, Any] = {"chrom": chrom, "pos": pos, "ref": ref, "alt": alt, "end": end,
                               "clinvar": assertion.to_dict(), "gene": gene,
                               "protein_pos": None, "ref_aa": None, "alt_aa": None,
                               "hgvs_p": None, "hgvs_c": None}
        if gene is not None and alt not in (".", "*") and not alt.startswith("<"):
            rec.update(annotate(gene, chrom, pos, ref, alt))
        out_records.append(rec)
    detail = f"{db.build or 'build not stated'}; {len(out_records)} records in the panel regions"
    if db.is_snapshot:
        detail += ("; embedded example snapshot holding only the example's variants "
                   "(resources/knowledge/README.md)")
    status = DatabaseStatus(name="clinvar", status="embedded" if db.is_snapshot else "used",
                            release=db.release, path=str(clinvar_path),
                            sha256=sha256_file(Path(clinvar_path)), detail=detail)
    atomic.write_text(out_json, json.dumps({"source": status.to_dict(), "records": out_records},
                                           indent=1) + "\n")


def _protein_annotator(panel: Any, build: str, transcripts_path: str, tx_fasta: str | None,
                       genome_fasta: str | None,
                       log: logging.Logger) -> Callable[[str, str, int, str, str], dict[str, Any]]:
    """A function (gene, chrom, pos, ref, alt) -> protein fields, via dualdx.annotation.consequence."""
    from dualdx.annotation.consequence import annotate_transcript
    from dualdx.knowledge.sequence import GenomeSequence, TranscriptSequences
    from dualdx.knowledge.transcripts import load_transcript_models

    models = load_transcript_models(transcripts_path, build)
    genome = GenomeSequence(genome_fasta) if genome_fasta else None
    tx_seqs = TranscriptSequences(tx_fasta) if tx_fasta else None
    if genome is None and tx_seqs is None:
        log.warning("no reference or transcript FASTA: protein positions of ClinVar records "
                    "may not be determined, so PS1/PM5 look-ups can find nothing")
    warned: set[str] = set()

    def annotate(gene: str, chrom: str, pos: int, ref: str, alt: str) -> dict[str, Any]:
        tx = models.get(gene)
        if tx is None:
            if gene not in warned:
                log.warning("no transcript model for %s: protein fields left null", gene)
                warned.add(gene)
            return {}
        try:
            tc = annotate_transcript(chrom, pos, ref, alt, tx, genome=genome,
                                          tx_seqs=tx_seqs)
        except InputError as e:
            log.warning("ClinVar record %s:%d %s>%s not annotated: %s", chrom, pos, ref, alt, e)
            return {}
        return {"protein_pos": tc.protein_pos, "ref_aa": tc.ref_aa, "alt_aa": tc.alt_aa,
                "hgvs_p": tc.hgvs_p, "hgvs_c": tc.hgvs_c}

    return annotate
