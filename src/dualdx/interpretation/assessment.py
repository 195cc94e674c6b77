"""Could the inputs show a result at all? ``report.json`` ``assessment`` per gene and overall.

A result the inputs cannot support is "not assessable", never "none". A gene is **not assessed**
when:

* the VCF has no contig for the gene's chromosome (e.g. RefSeq names like ``NC_000011.10``): the
  panel filter lists such chromosomes in ``filter_stats.json`` ``panel_chromosomes_absent``;
* it has variant records but the proband has no usable genotype at any of them: every call
  missing (no GT, ``./.``) or below the QC thresholds (:mod:`dualdx.interpretation.quality`);
* the proband has no usable genotype anywhere in the panel although the panel has records: then
  a gene without records says nothing either.

A gene without records on a chromosome the VCF has is assessed (a VCF lists variant sites only:
no record means no variant was called there). Overall: ``assessable`` when every gene is
assessed, ``partly_assessable`` when some are, ``not_assessable`` when none is; then the
``dual_diagnosis.status`` is ``not_assessable`` too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dualdx.core.model import chrom_rank, normalize_chrom
from dualdx.interpretation.quality import CallCheck, TrustThresholds


def _usable(ch: CallCheck | None) -> bool:
    return ch is not None and any(a is not None for a in ch.call.alleles)


def assess_panel(
    genes: Sequence[str],
    gene_chroms: Mapping[str, str],
    variants: Sequence[Mapping[str, Any]],
    checks: Mapping[str, Mapping[str, CallCheck]],
    proband: str,
    thresholds: TrustThresholds,
    filter_stats: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The ``assessment`` object (module docstring). ``gene_chroms``: gene -> chromosome of the
    run's build; ``checks``: call checks by variant key and sample."""
    absent = {normalize_chrom(str(c)) for c in
              (filter_stats or {}).get("panel_chromosomes_absent") or []}
    by_gene: dict[str, list[str]] = {g: [] for g in genes}
    for v in variants:
        if v.get("gene") in by_gene:
            by_gene[str(v["gene"])].append(str(v["key"]))
    any_records = any(by_gene.values())
    any_usable = any(_usable((checks.get(k) or {}).get(proband)) for ks in by_gene.values()
                     for k in ks)
    qc = (f"DP ≥ {thresholds.min_dp}, GQ ≥ {thresholds.min_gq:g}, heterozygous allele balance "
          f"{thresholds.het_ab_min:g}-{thresholds.het_ab_max:g}")
    rows = []
    for g in genes:
        chrom = normalize_chrom(gene_chroms.get(g, ""))
        keys = by_gene[g]
        why: str | None = None
        if chrom and chrom in absent:
            why = (f"the VCF has no contig for chromosome {chrom} (its contig names match no "
                   "panel chromosome)")
        elif keys:
            pb = [(checks.get(k) or {}).get(proband) for k in keys]
            if not any(_usable(ch) for ch in pb):
                missing = sum(1 for ch in pb if ch is None or "missing_gt" in ch.codes)
                weak = len(pb) - missing
                parts = []
                if missing:
                    parts.append(f"{missing} not called")
                if weak:
                    parts.append(f"{weak} below the QC thresholds ({qc})")
                why = (f"the proband has no usable genotype at its {len(keys)} variant "
                       f"record(s): {', '.join(parts)}")
        elif any_records and not any_usable:
            why = ("no variant records, and the proband has no usable genotype anywhere in the "
                   "panel, so the absence of records says nothing")
        rows.append({"gene": g, "assessed": why is None, "why": why})
    n_ok = sum(1 for r in rows if r["assessed"])
    if n_ok == len(rows):
        status, reason = "assessable", "every panel gene could be assessed"
    else:
        status = "partly_assessable" if n_ok else "not_assessable"
        reason = (("genes not assessed: " if n_ok else "no panel gene could be assessed: ")
                  + _grouped([r for r in rows if not r["assessed"]], absent, gene_chroms))
    return {"status": status, "reason": reason, "genes": rows}


def _grouped(rows: Sequence[Mapping[str, Any]], absent: set[str],
             gene_chroms: Mapping[str, str]) -> str:
    """The genes not assessed, one clause per reason: genes whose chromosome the VCF lacks
    together, the others each with its reason."""
    missing = [r for r in rows if normalize_chrom(gene_chroms.get(str(r["gene"]), "")) in absent]
    chroms = sorted({normalize_chrom(gene_chroms.get(str(r["gene"]), "")) for r in missing},
                    key=chrom_rank)
    parts = []
    if missing:
        parts.append(f"{', '.join(str(r['gene']) for r in missing)}: the VCF has no contig for "
                     f"chromosome{'s' if len(chroms) > 1 else ''} {', '.join(chroms)} (its contig "
                     "names match no panel chromosome)")
    parts += [f"{r['gene']}: {r['why']}" for r in rows if r not in missing]
    return "; ".join(parts)


__all__ = ["assess_panel"]
