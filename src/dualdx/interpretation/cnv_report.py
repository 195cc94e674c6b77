"""CNVs in ``report.json``: rows of the variant table, tiers for the diagnoses, the pedigree's
genotypes, the structural funnel, what was not interpreted or checked.

Called by :func:`dualdx.interpretation.call_diagnoses.build_report` through two marked hooks:
:func:`cnv_variants` (before the diagnoses are formed, so a diagnosis can rest on a CNV or on a
CNV and an SNV) and :func:`finish` (methods, not_checked, databases). The CNV stages' caveats
reach ``warnings`` like every other stage's (``call_diagnoses`` gathers their ``caveats``).

A CNV row has every field of a small-variant row (``kind: "cnv"``) plus ``cnv``: the event
(direction, type, start, end, length, breakpoint precision, callers), its consequence on the
MANE transcript (``description``, exons, frame, NMD, ``hgvs_g``), the ClinGen/ACMG CNV
classification (``classification``: points per section with evidence) and the overlapping ClinVar
and population records. ``acmg_class`` is the CNV class, ``acmg_points`` its decimal points,
``acmg_criteria`` is empty (the sections are in ``cnv.classification``). Genotypes carry the copy
number (``cn``) and the call each one rests on (``basis``). Small variants read with the copy
number (inside a deletion) show the read genotype in ``gt`` (``1/*``: one copy beside the
deletion) and the caller's call in ``called_gt``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dualdx.core.caveats import Caveat, unique
from dualdx.core.model import Call, chrom_rank
from dualdx.core.stage_files import Report
from dualdx.inputs.pedigree import Pedigree
from dualdx.interpretation.copy_number import event_calls
from dualdx.interpretation.diagnosis import variant_tier
from dualdx.interpretation.zygosity import describe, ploidy


def short_name(cnv: Mapping[str, Any]) -> str:
    """What a copy-number variant removes or repeats, in a few words: "deletion of exons 1–5",
    "whole-gene duplication" (the report's ``cnv`` object)."""
    word = "deletion" if cnv.get("svtype") == "DEL" else "duplication"
    cons = (cnv.get("consequences") or [None])[0]
    if not isinstance(cons, Mapping):
        return word
    if cons.get("extent") == "whole_gene":
        return f"whole-gene {word}"
    exons = sorted(set(cons.get("exons") or []) | set(cons.get("partial_exons") or []))
    if not exons:
        return f"intronic {word}"
    # imported here: the CNV consequence model (and the sequence and consequence modules under it)
    # is not needed by the report stages that import this module for a family without CNVs
    from dualdx.annotation.cnv_consequence import exon_text

    return f"{word} of {exon_text(exons)}"


def _gt(alleles: Sequence[int | None]) -> str:
    return "/".join("." if a is None else str(a) for a in alleles)


def pseudo_annotations(structural: Mapping[str, Any], classification: Mapping[str, Any],
                       pedigree: Pedigree, build: str
                       ) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(annotations-like variant, classification-like record, cnv object) for every CNV, in the
    shapes :func:`call_diagnoses._report_variant` takes."""
    out = []
    classes = classification.get("variants") or {}
    for ev in structural.get("events") or []:
        key = str(ev["key"])
        cls = classes.get(key) or {}
        cons = (ev.get("consequences") or [None])[0]
        calls = event_calls(ev, pedigree, build)
        genotypes = {}
        for s, call in calls.items():
            e = (ev.get("calls") or {}).get(s) or {}
            genotypes[s] = {"gt": _gt(call.alleles), "alleles": list(call.alleles), "phased": False,
                            "ps": None, "ad": None, "dp": None, "gq": None,
                            "cn": e.get("cn"), "status": e.get("status"),
                            "basis": e.get("basis"), "start": e.get("start"), "end": e.get("end")}
        v = {"key": key, "chrom": ev["chrom"], "pos": int(ev["pos"]), "ref": "N",
             "alt": f"<{ev['svtype']}>", "id": None, "qual": None, "filter": ev.get("filter"),
             "gene": (ev.get("genes") or [None])[0],
             "consequence": ({"transcript": cons["transcript"],
                              "hgvs_c": cons.get("hgvs_c") or cons.get("hgvs_g"),
                              "hgvs_p": cons.get("hgvs_p"), "consequence": cons["consequence"],
                              "is_mane": True} if cons else None),
             "clinvar": _assertion(ev.get("clinvar")), "gnomad": {"queried": False},
             "calls": genotypes, "qc_flags": ["imprecise_breakpoints"] if ev.get("imprecise")
             else []}
        record = {"acmg_class": cls.get("acmg_class", "Uncertain significance"), "points": 0,
                  # the CNV sections not evaluated are in cnv.classification and not_checked
                  "criteria": [], "not_evaluated": [],
                  "clinvar_disagreement": bool(cls.get("clinvar_disagreement"))}
        cnv = {"direction": ev["direction"], "svtype": ev["svtype"], "start": ev["start"],
               "end": ev["end"], "length": ev["length"], "imprecise": ev["imprecise"],
               "cipos": ev.get("cipos"), "ciend": ev.get("ciend"), "tandem": ev.get("tandem"),
               "caller": ev["caller"], "sources": ev.get("sources") or [],
               "genes": ev.get("genes") or [],
               "description": cons["description"] if cons else
               f"{ev['svtype']} at {ev['chrom']}:{ev['start']}-{ev['end']} (no panel transcript)",
               "hgvs_g": cons["hgvs_g"] if cons else None,
               "consequences": ev.get("consequences") or [],
               "classification": cls or None,
               "clinvar_overlaps": ev.get("clinvar_overlaps") or [],
               "population": ev.get("population") or {"queried": False}}
        out.append((v, record, cnv))
    return out


def _assertion(cv: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not cv:
        return None
    keys = ("variation_id", "significance", "review_status", "stars", "conditions", "genes",
            "molecular_consequences", "hgvs", "release")
    return {k: cv.get(k) for k in keys} | {"match": cv.get("match")}


def cnv_variants(structural: Mapping[str, Any], classification: Mapping[str, Any],
                 pedigree: Pedigree, build: str, proband: str,
                 calls_by_variant: Mapping[str, Sequence[Mapping[str, Any]]],
                 variants: list[dict[str, Any]], tiers: dict[str, tuple[str, list[str]]],
                 zyg: dict[str, str], ann_by_key: dict[str, Mapping[str, Any]],
                 report_variant: Callable[..., dict[str, Any]]) -> None:
    """Add the CNV rows to ``variants`` (kept in genome order), their tiers, the proband's
    zygosity and their annotation-like records (``ann_by_key``: the diagnosis cautions read the
    caller's FILTER from them), and put the copy-number reading of small variants into their
    genotypes. ``report_variant``: ``call_diagnoses._report_variant``."""
    for v, c, cnv in pseudo_annotations(structural, classification, pedigree, build):
        key = v["key"]
        tiers[key] = variant_tier(c["acmg_class"], v.get("clinvar"),
                                  (v.get("consequence") or {}).get("consequence"))
        alleles = ((v["calls"].get(proband) or {}).get("alleles"))
        call = Call(tuple(alleles)) if alleles is not None else None
        zyg[key] = describe(call, ploidy(str(v["chrom"]), int(cnv["start"]),
                                         _sex(pedigree, proband), build))
        ann_by_key[key] = v
        row = report_variant(v, c, calls_by_variant.get(key, []), tiers[key], {})
        cls = cnv["classification"] or {}
        row.update({"kind": "cnv", "cnv": cnv, "acmg_points": cls.get("points", 0.0)})
        variants.append(row)
    for row in variants:
        for icall in calls_by_variant.get(str(row["key"]), []):
            for s, r in (icall.get("copy_number") or {}).items():
                g = (row.get("genotypes") or {}).get(s)
                if isinstance(g, dict) and r.get("read"):
                    g["called_gt"] = r.get("called")
                    g["gt"] = r["read"]
                    if r.get("note"):
                        g["copy_number_note"] = r["note"]
    variants.sort(key=lambda r: (chrom_rank(str(r["chrom"])), int(r["pos"]), str(r["ref"]),
                                 str(r["alt"])))


def _sex(pedigree: Pedigree, sid: str) -> str:
    p = pedigree.people.get(sid)
    return p.sex if p is not None else "unknown"


#: Callers that find CNVs from read depth (segment boundaries are bins, not breakpoints).
READ_DEPTH_CALLERS = {"gatk_gcnv": "GATK-gCNV", "cnvkit": "CNVkit", "dragen": "DRAGEN CNV"}
STAGE = "call_diagnoses"


def diagnosis_cautions(dx: Mapping[str, Any], rows: Mapping[str, Mapping[str, Any]],
                       proband: str) -> list[Caveat]:
    """Cautions of one diagnosis that rest on copy number: a CNV in it must be confirmed by an
    orthogonal method before the result is reported (read-depth calls and imprecise breakpoints),
    and a small variant of it read beside a deletion (apparent homozygosity) depends on that
    deletion call. ``rows``: the report's variant rows by key."""
    out: list[Caveat] = []
    genes = (str(dx["gene"]),) if dx.get("gene") else ()
    for key in dx.get("variants") or []:
        row = rows.get(str(key)) or {}
        cnv = row.get("cnv")
        if isinstance(cnv, Mapping):
            caller = str(cnv.get("caller") or "")
            how = (f"called from read depth ({READ_DEPTH_CALLERS[caller]}), so its ends are "
                   "segment boundaries, not breakpoints" if caller in READ_DEPTH_CALLERS else
                   "called with imprecise breakpoints" if cnv.get("imprecise") else
                   "called from sequencing reads")
            what = str(cnv.get("description") or key).rstrip(".")
            unknown = sorted(s for s, g in (row.get("genotypes") or {}).items()
                             if isinstance(g, Mapping) and g.get("status") == "unknown")
            tail = (f"; whether {', '.join(unknown)} carry it is unknown (no copy-number call "
                    "covers it for them)" if unknown else "")
            out.append(Caveat(
                "cnv_needs_confirmation",
                f"this diagnosis rests on the copy-number variant {key} ({what}), {how}: confirm "
                "it by an independent method (MLPA, qPCR or a chromosomal microarray) before the "
                f"result is reported{tail}", "caution", STAGE, (str(key),), (proband,), genes))
        g = (row.get("genotypes") or {}).get(proband) or {}
        if g.get("called_gt") and g.get("copy_number_note"):
            out.append(Caveat(
                "read_with_copy_number",
                f"the proband's call at {key} ({g['called_gt']}) is read with the copy number "
                f"as {g.get('gt')}: {g['copy_number_note']} The diagnosis depends on that "
                "deletion call as well", "caution", STAGE, (str(key),), (proband,), genes))
    return unique(out)


def finish(report: Report, structural: Mapping[str, Any],
           classification: Mapping[str, Any]) -> None:
    """Methods (``methods.structural``), not interpreted SVs, not_checked, databases, and the
    CNV cautions of each diagnosis (:func:`diagnosis_cautions`). (The two stage files'
    ``caveats`` reach ``warnings`` with every other stage's, through
    :func:`dualdx.interpretation.cautions.stage_caveats`.)"""
    rows = {str(v.get("key")): v for v in report.get("variants") or []}
    for dx in [*(report.get("diagnoses") or []), *(report.get("molecular_findings") or [])]:
        extra = diagnosis_cautions(dx, rows, str(report.get("proband")))
        if extra:
            dx["cautions"] = [c.to_dict() for c in unique(
                [*map(Caveat.from_dict, dx.get("cautions") or []), *extra])]
    funnel = dict(structural.get("funnel") or {})
    files = funnel.pop("files", None) or []  # paths differ between a joint and a per-family run
    report.setdefault("methods", {})["structural"] = {
        **funnel, "caller_styles": sorted({str(f.get("style")) for f in files}),
        "framework": classification.get("framework"),
        "framework_version": classification.get("framework_version")}
    report["structural_not_interpreted"] = list(structural.get("not_interpreted") or [])
    report.setdefault("ruleset", {})["cnv"] = {
        "name": str(classification.get("framework") or "clingen_cnv_2020"),
        "version": str(classification.get("framework_version") or "")}
    nc = {(str(n["what"]), str(n["why"])) for n in report.get("not_checked") or []}
    for n in structural.get("not_checked") or []:
        nc.add((str(n["what"]), str(n["why"])))
    counts: dict[tuple[str, str], int] = {}
    for rec in (classification.get("variants") or {}).values():
        for ne in rec.get("not_evaluated") or []:
            k = (str(ne["code"]), str(ne.get("why", "")))
            counts[k] = counts.get(k, 0) + 1
    for (code, why), n in counts.items():
        nc.add((f"ClinGen CNV section {code}", f"{why} ({n} CNV{'s' if n != 1 else ''})"))
    report["not_checked"] = [{"what": w, "why": y} for w, y in sorted(nc)]
    names = {str(d.get("name")) for d in report.get("databases") or []}
    for d in structural.get("databases") or []:
        if str(d.get("name")) not in names:
            report.setdefault("databases", []).append(dict(d))
    report["databases"] = sorted(report.get("databases") or [], key=lambda d: str(d["name"]))
