"""Stage ``interpret_structural``: the family's copy-number and structural variants in the panel
genes, with their consequence on the MANE transcript, overlapping ClinVar records and population
frequencies; writes ``structural.json`` (contract in docs/ARCHITECTURE.md).

Reading and merging: :mod:`dualdx.inputs.structural`, :mod:`dualdx.inputs.cnv_events`; consequence:
:mod:`dualdx.annotation.cnv_consequence`; population data: :mod:`dualdx.knowledge.population_sv`.
The classification (ClinGen/ACMG CNV points) runs after the inheritance stage
(:mod:`dualdx.interpretation.cnv_classify`), because its section 5 needs de novo and
segregation facts.

ClinVar records taken as structural: sequence-resolved deletions and duplications of at least
50 bp in the configured ClinVar file (NCBI's ClinVar VCF holds variants up to 10 kb with their
sequence), and symbolic copy-number records (``<DEL>``, ``<DUP>``, ``<CN0>``…) with their
``END`` or ``SVLEN`` (``clinvar_panel.json`` keeps each record's ``end``; a ``<CNV>`` without a
direction is not matched). A record *matches* a CNV when it is of the same direction and
overlaps it reciprocally by at least 50%, or removes or repeats the same exons of the MANE
transcript; every overlapping one is listed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dualdx.annotation.cnv_consequence import (
    CnvConsequence,
    annotate_event,
    breakpoint_region,
    exon_text,
)
from dualdx.core.atomic import write_text
from dualdx.core.caveats import Caveat
from dualdx.core.jsonio import read_json_object
from dualdx.core.model import ClinVarAssertion, DatabaseStatus, normalize_chrom
from dualdx.inputs.cnv_events import (
    MIN_RECIPROCAL_OVERLAP,
    CnvEvent,
    read_structural,
    reciprocal_overlap,
)
from dualdx.inputs.panel import Panel, Region, load_panel
from dualdx.inputs.pedigree import load_ped
from dualdx.inputs.structural import SvRecord, alt_type
from dualdx.knowledge.transcripts import Transcript

STAGE = "interpret_structural"
MIN_CLINVAR_SV = 50


def _genes_for(panel: Panel, build: str, chrom: str, start: int, end: int) -> list[str]:
    c = normalize_chrom(chrom)
    return [sym for sym, r in panel.regions(build, padded=True)
            if r.chrom == c and r.start <= end and start <= r.end]


def _symbolic_direction(alt: str) -> str | None:
    kind, _tandem, copies = alt_type(alt)
    if kind == "DEL" or (copies is not None and copies < 2):
        return "loss"
    if kind == "DUP" or (copies is not None and copies > 2):
        return "gain"
    return None  # <CNV>, <INV>, <INS>, breakends: no copy-number direction


def clinvar_structural(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """ClinVar deletions/duplications of ≥ 50 bp from the panel index's records
    (``clinvar_panel.json`` ``records``), with their extent and direction (module doc)."""
    out = []
    for rec in records:
        chrom, pos, ref, alt = str(rec["chrom"]), int(rec["pos"]), str(rec["ref"]), \
            str(rec["alt"])
        if alt in (".", "*", ""):
            continue
        if alt.startswith("<"):
            direction = _symbolic_direction(alt)
            end = int(rec.get("end") or pos)
            if direction is None or end - pos < MIN_CLINVAR_SV:
                continue
            start = pos + 1  # the VCF padding base
        else:
            diff = len(ref) - len(alt)
            if abs(diff) < MIN_CLINVAR_SV:
                continue
            if diff > 0:
                start, end, direction = pos + len(alt), pos + len(ref) - 1, "loss"
            else:
                size = len(alt) - len(ref)
                start, end, direction = pos - size + 1, pos, "gain"
        a = ClinVarAssertion.from_dict(dict(rec["clinvar"]))
        out.append({"chrom": normalize_chrom(chrom), "start": start, "end": end,
                    "direction": direction, "variation_id": a.variation_id,
                    "significance": a.significance, "stars": a.stars,
                    "review_status": a.review_status, "conditions": list(a.conditions),
                    "assertion": a.to_dict()})
    return out


def _exons_of(c: CnvConsequence) -> list[int]:
    return c.affected_exons


def _clinvar_for(ev: CnvEvent, cons: Sequence[CnvConsequence], cv_sv: Sequence[dict[str, Any]],
                 models: Mapping[str, Transcript], build: str
                 ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    overlaps: list[dict[str, Any]] = []
    best: tuple[float, dict[str, Any]] | None = None
    for r in cv_sv:
        if r["chrom"] != normalize_chrom(ev.chrom) or r["end"] < ev.start or r["start"] > ev.end:
            continue
        ro = reciprocal_overlap((ev.start, ev.end), (r["start"], r["end"]))
        same_exons = False
        if r["direction"] == ev.direction:
            for c in cons:
                tx = models.get(c.gene)
                if tx is None or not c.affected_exons:
                    continue
                other = annotate_event(tx, build, ev.chrom, r["start"], r["end"], ev.svtype, True)
                same_exons = same_exons or other.affected_exons == c.affected_exons
        view = {k: r[k] for k in ("variation_id", "significance", "stars", "review_status",
                                  "conditions", "start", "end", "direction")}
        view["reciprocal_overlap"] = round(ro, 3)
        view["same_exons"] = same_exons
        overlaps.append(view)
        if r["direction"] == ev.direction and (ro >= MIN_RECIPROCAL_OVERLAP or same_exons):
            score = ro + (1.0 if same_exons else 0.0)
            if best is None or score > best[0]:
                best = (score, {**r["assertion"], "match": view})
    overlaps.sort(key=lambda o: (-o["reciprocal_overlap"], o["variation_id"]))
    return (best[1] if best else None), overlaps


def _last_exon_pathogenic(tx: Transcript, records: Mapping[tuple[str, int, str, str], Any]
                          ) -> list[str]:
    """ClinVar P/LP (≥1 star) records in the last exon of ``tx`` (for section 2D-2)."""
    from dualdx.knowledge.clinvar_assertion import is_pathogenic

    lo, hi = tx.exons[-1]  # transcript order: the last exon
    out = []
    for (chrom, pos, _ref, _alt), a in records.items():
        if chrom == tx.chrom and lo <= pos <= hi and a.stars >= 1 and is_pathogenic(a.significance):
            out.append(f"ClinVar {a.variation_id}")
    return sorted(set(out))


def _population(db: Any, ev: CnvEvent) -> dict[str, Any]:
    if db is None:
        return {"queried": False, "why": "no population structural-variant data configured "
                                         "(annotation.gnomad_sv)", "overlaps": []}
    hits = db.overlapping(ev.chrom, ev.start, ev.end, ev.direction)
    return {"queried": True, "source": db.path, "release": db.release,
            "overlaps": [{**r.to_dict(), "covers_event": round(a, 3), "covered": round(b, 3)}
                         for r, a, b in hits[:20]]}


def _not_interpreted(rec: SvRecord, panel: Panel, models: Mapping[str, Transcript], build: str
                     ) -> dict[str, Any]:
    genes = _genes_for(panel, build, rec.chrom, rec.start, rec.end)
    text = []
    for g in genes:
        tx = models.get(g)
        if tx is None:
            continue
        if rec.svtype in ("INV", "INS"):
            text.append(annotate_event(tx, build, rec.chrom, rec.start, rec.end, rec.svtype,
                                       rec.imprecise, rec.cipos, rec.ciend).description)
        elif rec.svtype == "BND":
            region = breakpoint_region(tx, rec.pos)
            where = region if region.endswith("of the gene") else f"in {region}"
            text.append(f"Breakend at {tx.gene} ({tx.refseq}), {where}, joined to "
                        f"{rec.mate or 'another locus'}; not interpreted.")
    why = {"BND": "breakends (translocations and complex rearrangements) are recognised but not "
                  "interpreted",
           "INV": "inversions are not copy-number changes: the ClinGen/ACMG CNV framework does "
                  "not score them",
           "INS": "insertions are not copy-number changes of the reference: not scored"}.get(
        rec.svtype, f"structural-variant type {rec.svtype} is not interpreted")
    carriers = sorted(s for s, c in rec.calls.items() if c.copies)
    return {"chrom": rec.chrom, "pos": rec.pos, "end": rec.end, "svtype": rec.svtype,
            "alt": rec.alt, "id": rec.id, "filter": rec.filter, "genes": genes,
            "source": Path(rec.source).name, "carriers": carriers,
            "genotypes": {s: c.gt for s, c in sorted(rec.calls.items())},
            "description": " ".join(text) or f"{rec.svtype} at {rec.chrom}:{rec.pos}",
            "why": why}


def run_interpret_structural(family: str, vcfs: Sequence[str], sv_vcfs: Sequence[str],
                             samples: Sequence[str], panel_path: str, ped_path: str, build: str,
                             transcripts_path: str, clinvar_index: str, out_json: str,
                             log: logging.Logger, gnomad_sv: str | None = None,
                             reference_fasta: str | None = None,
                             transcript_fasta: str | None = None,
                             sample_files: Mapping[str, Sequence[str]] | None = None
                             ) -> dict[str, Any]:
    """Read, merge and annotate the family's structural variants; write ``structural.json``.

    ``sample_files``: person -> the files on their row of the sample sheet (``vcf``,
    ``sv_vcf``): each person is read from those only (:func:`dualdx.inputs.cnv_events.read_structural`)."""
    from dualdx.knowledge.clinvar import load_clinvar_index
    from dualdx.knowledge.sequence import GenomeSequence, TranscriptSequences
    from dualdx.knowledge.transcripts import load_transcript_models

    panel = load_panel(panel_path)
    padded = [r for _, r in panel.regions(build, padded=True)]
    regions: dict[str, list[Region]] = {}
    for r in padded:
        regions.setdefault(r.chrom, []).append(r)
    peds = load_ped(ped_path)
    sex_of = {s: p.sex for s, p in peds[family].people.items()} if family in peds else {}
    events, others, funnel, notes = read_structural(vcfs, sv_vcfs, samples, regions, build,
                                                    sex_of, log.info, sample_files)
    models = load_transcript_models(transcripts_path, build)
    genome = GenomeSequence(reference_fasta) if reference_fasta else None
    tx_seqs = TranscriptSequences(transcript_fasta) if transcript_fasta else None
    cv_status, cv_records, _ = load_clinvar_index(clinvar_index)
    cv_sv = clinvar_structural(read_json_object(clinvar_index, "ClinVar panel index",
                                                "re-run index_clinvar").get("records") or [])
    population = None
    databases: list[DatabaseStatus] = [cv_status]
    not_checked: list[dict[str, str]] = []
    if gnomad_sv:
        from dualdx.knowledge.population_sv import PopulationSvDB

        population = PopulationSvDB.open(gnomad_sv, [(r.chrom, r.start, r.end) for r in padded])
        databases.append(population.status())
    else:  # listed as not evaluated (section 4O) by the classification
        databases.append(DatabaseStatus("gnomad_sv", "not_configured"))
    if cv_status.status not in ("used", "embedded") and events:
        not_checked.append({"what": "ClinVar records overlapping the CNVs",
                            "why": cv_status.detail or "no ClinVar configured"})
    caveats = [Caveat("structural_calls", n, "note", STAGE) for n in notes]
    out_events: list[dict[str, Any]] = []
    missing_models: set[str] = set()
    for ev in events:
        genes = _genes_for(panel, build, ev.chrom, ev.start, ev.end)
        cons: list[CnvConsequence] = []
        for g in genes:
            tx = models.get(g)
            if tx is None:
                missing_models.add(g)
                continue
            cons.append(annotate_event(tx, build, ev.chrom, ev.start, ev.end, ev.svtype,
                                       ev.imprecise, ev.cipos, ev.ciend, genome, tx_seqs))
        clinvar, overlaps = _clinvar_for(ev, cons, cv_sv, models, build)
        last_exon = {c.gene: _last_exon_pathogenic(models[c.gene], cv_records)
                     for c in cons if c.extent == "three_prime"}
        doc = ev.to_dict()
        doc.update({"genes": genes, "consequences": [c.to_dict() for c in cons],
                    "clinvar": clinvar, "clinvar_overlaps": overlaps,
                    "clinvar_last_exon": last_exon, "population": _population(population, ev)})
        out_events.append(doc)
        unknown = sorted(s for s, c in ev.calls.items() if c.status == "unknown")
        carriers = sorted(s for s, c in ev.calls.items() if c.status == "carrier")
        if unknown and carriers:
            what = cons[0].description if cons else f"{ev.svtype} {ev.key}"
            caveats.append(Caveat(
                "cnv_genotype_unknown",
                f"{what.rstrip('.')} ({ev.key}): no copy-number call covers it for "
                f"{', '.join(unknown)}, so whether they carry it is unknown (not taken as absent)",
                "caution", STAGE, (ev.key,), tuple(unknown), tuple(genes)))
        if ev.filter not in (None, "PASS"):
            caveats.append(Caveat("cnv_filter", f"{ev.key} failed the caller's filter "
                                  f"({ev.filter})", "caution", STAGE, (ev.key,), (), tuple(genes)))
        log.info("%s: %s", ev.key, "; ".join(c.description for c in cons) or "no panel transcript")
    for g in sorted(missing_models):
        not_checked.append({"what": f"consequence of the CNVs in {g}",
                            "why": f"no transcript model for {g} in {transcripts_path}"})
    if any((c.get("frame") == "frameshift" and c.get("nmd") is None)
           for e in out_events for c in e["consequences"]):
        not_checked.append({"what": "nonsense-mediated decay of out-of-frame exon deletions or "
                                    "duplications",
                            "why": "no reference or transcript sequence configured "
                                   "(annotation.reference_fasta, annotation.transcript_fasta)"})
    nis = [_not_interpreted(r, panel, models, build) for r in others]
    for n in nis:
        if n["carriers"]:
            caveats.append(Caveat("sv_not_interpreted",
                                  f"{n['description']} Carried by {', '.join(n['carriers'])}; "
                                  f"{n['why']}.", "caution", STAGE,
                                  (f"{n['chrom']}:{n['pos']}",), tuple(n["carriers"]),
                                  tuple(n["genes"])))
    doc_all = {
        "family": family, "genome_build": build, "samples": list(samples),
        "funnel": funnel.to_dict(),
        "databases": [d.to_dict() for d in databases], "not_checked": not_checked,
        "events": out_events, "not_interpreted": nis,
        "caveats": [c.to_dict() for c in caveats],
    }
    write_text(out_json, json.dumps(doc_all, indent=1, sort_keys=True) + "\n")
    log.info("structural: %d record(s) read near the panel, %d copy-number event(s), %d not "
             "interpreted (%s)", funnel.records_read, len(out_events), len(nis),
             ", ".join(f"{k} {v}" for k, v in sorted(funnel.not_interpreted.items())) or "none")
    return doc_all


__all__ = ["clinvar_structural", "exon_text", "run_interpret_structural"]
