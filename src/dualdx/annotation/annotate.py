"""Stage annotate_variants: ClinVar, gnomAD, MANE consequence/HGVS and scores for each variant.

Every value comes from a named source; what could not be looked up is listed in ``not_checked``
and the variant's field stays empty (``None``), never invented.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pysam

from dualdx.core.atomic import atomic_path
from dualdx.core.contracts import write_stage_file
from dualdx.core.model import (
    DatabaseStatus,
    PopulationFrequency,
    TranscriptConsequence,
    VariantRecord,
    normalize_chrom,
)
from dualdx.inputs.panel import Panel, load_panel

if TYPE_CHECKING:
    from dualdx.knowledge.gnomad import GnomadDB


@dataclass(frozen=True)
class AnnotationSettings:
    build: str
    panel_path: str
    transcripts_path: str
    clinvar_index: str
    gnomad: str | None = None
    reference_fasta: str | None = None
    transcript_fasta: str | None = None
    scores: str | None = None
    online: bool = False
    cache_dir: str | None = None


def gene_for(panel: Panel, build: str, chrom: str, pos: int) -> str | None:
    """The panel gene whose padded region holds the position (the closest extent on overlap)."""
    hits = [
        (abs(pos - (r.start + r.end) // 2), sym)
        for sym, r in panel.regions(build, padded=True)
        if r.chrom == normalize_chrom(chrom) and r.start <= pos <= r.end
    ]
    return min(hits)[1] if hits else None


def _info_value(value: str | None) -> str | None:
    """INFO-safe text: VCF forbids spaces, ';', '=' and ',' inside a value."""
    if value is None or value == "":
        return None
    out = value
    for bad, good in ((" ", "_"), (";", "%3B"), ("=", "%3D"), (",", "%2C"), ("|", "%7C")):
        out = out.replace(bad, good)
    return out


CSQ_FIELDS = ("Gene", "Feature", "Ensembl_Feature", "Consequence", "HGVSc", "HGVSp", "EXON", "INTRON",
              "MANE_SELECT")


def _csq_string(c: TranscriptConsequence) -> str:
    vals = (c.gene, c.transcript, c.ensembl_transcript, c.consequence, c.hgvs_c, c.hgvs_p, c.exon,
            c.intron, "yes" if c.is_mane else "no")
    return "|".join(_info_value(v) or "" for v in vals)


def write_annotated_vcf(panel_vcf: str, out_vcf: str, annotated: list[dict[str, Any]]) -> None:
    """Copy the panel VCF adding INFO annotations, bgzip and tabix-index it atomically."""
    with pysam.VariantFile(panel_vcf) as src:
        header = src.header.copy()
        defs = [
            ("CSQ", ".", "String", "MANE Select consequence. Format: " + "|".join(CSQ_FIELDS)),
            ("DUALDX_GENE", "1", "String", "Panel gene"),
            ("CLNID", "1", "String", "ClinVar Variation ID"),
            ("CLNSIG", "1", "String", "ClinVar clinical significance"),
            ("CLNREVSTAT", "1", "String", "ClinVar review status"),
            ("CLNSTARS", "1", "Integer", "ClinVar review stars (0-4)"),
            ("GNOMAD_QUERIED", "0", "Flag", "The gnomAD region holding this site was queried"),
            ("GNOMAD_AF", "1", "Float", "gnomAD allele frequency"),
            ("GNOMAD_POPMAX_AF", "1", "Float", "gnomAD grpmax/popmax allele frequency"),
            ("GNOMAD_NHOMALT", "1", "Integer", "gnomAD homozygous alternate count"),
        ]
        for key, number, typ, desc in defs:
            if key in header.info:
                header.info.remove_header(key)
            header.info.add(key, number, typ, desc)
        with atomic_path(out_vcf) as tmp_vcf:
            tmp_plain = tmp_vcf.with_suffix(".vcf")
            with pysam.VariantFile(str(tmp_plain), "w", header=header) as dst:
                records = list(src.fetch()) if src.index is not None else list(src)
                if len(records) != len(annotated):
                    raise RuntimeError(
                        f"{panel_vcf}: {len(records)} records but {len(annotated)} annotations"
                    )
                for rec, ann in zip(records, annotated, strict=True):
                    rec.translate(header)
                    csq = ann.get("consequence")
                    if csq:
                        rec.info["CSQ"] = (_csq_string(TranscriptConsequence.from_dict(csq)),)
                    if ann.get("gene"):
                        rec.info["DUALDX_GENE"] = ann["gene"]
                    cv = ann.get("clinvar")
                    if cv:
                        rec.info["CLNID"] = str(cv["variation_id"])
                        rec.info["CLNSIG"] = _info_value(cv["significance"]) or "."
                        rec.info["CLNREVSTAT"] = _info_value(cv["review_status"]) or "."
                        rec.info["CLNSTARS"] = int(cv["stars"])
                    gn = ann["gnomad"]
                    if gn["queried"]:
                        rec.info["GNOMAD_QUERIED"] = True
                        for key, field in (("GNOMAD_AF", "af"), ("GNOMAD_POPMAX_AF", "popmax_af"),
                                           ("GNOMAD_NHOMALT", "nhomalt")):
                            if gn.get(field) is not None:
                                rec.info[key] = gn[field]
                    dst.write(rec)
            pysam.tabix_compress(str(tmp_plain), str(tmp_vcf), force=True)
            tmp_plain.unlink()
            pysam.tabix_index(str(tmp_vcf), preset="vcf", force=True)
            tbi_tmp = Path(str(tmp_vcf) + ".tbi")
            Path(out_vcf).parent.mkdir(parents=True, exist_ok=True)
            tbi_tmp.replace(out_vcf + ".tbi")


def run_annotate_variants(
    family: str,
    panel_vcf: str,
    settings: AnnotationSettings,
    out_vcf: str,
    out_json: str,
    log: logging.Logger,
) -> dict[str, Any]:
    """Annotate the family's panel VCF; write ``annotated.vcf.gz`` and ``annotations.json``."""
    from dualdx.annotation.consequence import SEVERITY_RANK, annotate_transcript, has_sequence
    from dualdx.inputs.vcf import read_panel_vcf
    from dualdx.knowledge.clinvar import load_clinvar_index
    from dualdx.knowledge.sequence import GenomeSequence, TranscriptSequences
    from dualdx.knowledge.transcripts import load_other_transcripts, load_transcript_models

    panel = load_panel(settings.panel_path)
    build = settings.build
    samples, variants = read_panel_vcf(panel_vcf)
    log.info("%s: %d panel variants for %d samples", family, len(variants), len(samples))
    databases: list[DatabaseStatus] = []
    not_checked: list[dict[str, str]] = []

    models = load_transcript_models(settings.transcripts_path, build)
    others = load_other_transcripts(settings.transcripts_path, build)
    databases.append(DatabaseStatus("transcripts", "used", release=Path(settings.transcripts_path).name,
                                    path=settings.transcripts_path))
    missing_models = [g for g in panel.symbols if g not in models]
    for g in missing_models:
        not_checked.append({"what": f"consequence and HGVS for {g}",
                            "why": f"no transcript model for {g} in {settings.transcripts_path}"})

    genome = GenomeSequence(settings.reference_fasta) if settings.reference_fasta else None
    tx_seqs = TranscriptSequences(settings.transcript_fasta) if settings.transcript_fasta else None
    databases.append(DatabaseStatus("reference_fasta", "used" if genome is not None else "not_configured",
                                    path=settings.reference_fasta))
    databases.append(DatabaseStatus("transcript_fasta", "used" if tx_seqs is not None else "not_configured",
                                    path=settings.transcript_fasta))
    if genome is None and tx_seqs is None:
        not_checked.append({
            "what": "protein effects (HGVS p.) and 3' shifting of indels",
            "why": "no reference FASTA or transcript FASTA configured (annotation.reference_fasta, "
                   "annotation.transcript_fasta)",
        })
    else:  # e.g. the bundled sequence (resources/reference/) covers TCIRG1 and ALPL only
        uncovered = [g for g in panel.symbols if g in models
                     and not has_sequence(models[g], genome, tx_seqs)]
        if uncovered:
            given = ", ".join(Path(p).name for p in (settings.reference_fasta,
                                                     settings.transcript_fasta) if p)
            not_checked.append({
                "what": f"protein effects (HGVS p.) and 3' shifting of indels for {', '.join(uncovered)}",
                "why": f"the configured sequence ({given}) does not hold "
                       f"{', '.join(models[g].refseq for g in uncovered)}; set "
                       f"annotation.reference_fasta to a {build} genome FASTA (download_resources "
                       "writes its panel slices)",
            })

    cv_status, cv_lookup, residues = load_clinvar_index(settings.clinvar_index)
    databases.append(cv_status)
    if cv_status.status not in ("used", "embedded"):
        not_checked.append({"what": "ClinVar assertions", "why": cv_status.detail or "no ClinVar configured"})
    elif cv_status.status == "embedded":
        not_checked.append({
            "what": "ClinVar assertions beyond the embedded example snapshot",
            "why": "the bundled snapshot holds only the example's variants; configure annotation.clinvar "
                   "with the NCBI ClinVar VCF for real use",
        })

    gnomad: GnomadDB | None = None
    if settings.gnomad:
        from dualdx.knowledge.gnomad import GnomadDB

        regions = [(r.chrom, r.start, r.end) for _, r in panel.regions(build, padded=True)]
        gnomad = GnomadDB.open(settings.gnomad, regions)
        databases.append(DatabaseStatus("gnomad", "used", release=gnomad.release, path=settings.gnomad))
    else:
        databases.append(DatabaseStatus("gnomad", "not_configured"))
        not_checked.append({"what": "gnomAD population frequencies (BA1, BS1, BS2, PM2)",
                            "why": "no gnomAD configured (annotation.gnomad)"})

    score_names: list[str] = []
    scores: dict[tuple[str, int, str, str], dict[str, float]] = {}
    if settings.scores:
        from dualdx.knowledge.scores import load_scores

        score_names, scores = load_scores(settings.scores)
        databases.append(DatabaseStatus("scores", "used", path=settings.scores,
                                        detail=",".join(score_names)))
    else:
        databases.append(DatabaseStatus("scores", "not_configured"))
        not_checked.append({"what": "in-silico predictions (REVEL, SpliceAI, CADD; PP3/BP4)",
                            "why": "no score source configured (annotation.scores)"})

    out: list[dict[str, Any]] = []
    undetermined: list[int] = []
    for v in variants:
        chrom = normalize_chrom(v.chrom)
        gene = gene_for(panel, build, v.chrom, v.pos)
        csq: TranscriptConsequence | None = None
        if gene and gene in models:
            csq = annotate_transcript(chrom, v.pos, v.ref, v.alt, models[gene], genome=genome,
                                      tx_seqs=tx_seqs)
            if not csq.protein_effect_determined:
                undetermined.append(len(out))
        more_severe: list[str] = []
        if csq and gene:
            mane_rank = min(SEVERITY_RANK.get(t, 99) for t in csq.consequence.split("&"))
            for alt_tx in others.get(gene, []):
                other = annotate_transcript(chrom, v.pos, v.ref, v.alt, alt_tx, genome=genome,
                                            tx_seqs=tx_seqs)
                if min(SEVERITY_RANK.get(t, 99) for t in other.consequence.split("&")) < mane_rank:
                    more_severe.append(f"{alt_tx.refseq}:{other.consequence}")
        cv = cv_lookup.get((chrom, v.pos, v.ref, v.alt))
        same_residue: list[dict[str, Any]] = []
        same_change: list[dict[str, Any]] = []
        if csq and gene and csq.protein_pos is not None and csq.alt_aa:
            same_residue = residues.same_residue_pathogenic(gene, csq.protein_pos, csq.alt_aa, v.key)
            same_change = residues.same_aa_change(gene, csq.protein_pos, csq.alt_aa, v.key)
        freq = (gnomad.lookup(chrom, v.pos, v.ref, v.alt) if gnomad is not None
                else PopulationFrequency(queried=False))
        rec = v.to_dict()
        rec.update({
            "key": v.key,
            "gene": gene,
            "consequence": csq.to_dict() if csq else None,
            "other_transcripts_more_severe": more_severe,
            "clinvar": cv.to_dict() if cv else None,
            "clinvar_same_residue": same_residue,
            "clinvar_same_aa_change": same_change,
            "gnomad": freq.to_dict(),
            "scores": scores.get((chrom, v.pos, v.ref, v.alt), {}) if settings.scores else {},
        })
        out.append(rec)

    if settings.online and undetermined:
        _annotate_online(out, [variants[i] for i in undetermined], undetermined, settings, databases, log)

    doc = {
        "family": family,
        "genome_build": build,
        "samples": samples,
        "databases": [d.to_dict() for d in databases],
        "not_checked": not_checked,
        "variants": out,
    }
    write_annotated_vcf(panel_vcf, out_vcf, out)
    write_stage_file("annotations", out_json, doc, indent=2)
    log.info("annotated %d variants; not checked: %s", len(out), "; ".join(n["what"] for n in not_checked))
    return doc


def _annotate_online(
    out: list[dict[str, Any]],
    variants: list[VariantRecord],
    indices: list[int],
    settings: AnnotationSettings,
    databases: list[DatabaseStatus],
    log: logging.Logger,
) -> None:
    """Opt-in: ask Ensembl VEP REST for protein effects the local resources could not determine."""
    from dualdx.knowledge.online import VepClient

    client = VepClient(cache_dir=Path(settings.cache_dir or "resources/db/cache"), release="current")
    answers = client.annotate([(normalize_chrom(v.chrom), v.pos, v.ref, v.alt) for v in variants])
    used = 0
    for i, v in zip(indices, variants, strict=True):
        got = answers.get(f"{normalize_chrom(v.chrom)}-{v.pos}-{v.ref}-{v.alt}")
        if got is not None:
            out[i]["consequence"] = got.to_dict() if hasattr(got, "to_dict") else got
            out[i]["consequence_source"] = "Ensembl VEP REST"
            used += 1
    databases.append(DatabaseStatus("ensembl_vep_rest", "used", detail=f"{used} variants"))
    log.info("online: %d of %d variants described by Ensembl VEP REST", used, len(variants))
