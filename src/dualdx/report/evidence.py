"""Variant evidence for the page: one view per variant (ClinVar, gnomAD, class and criteria,
inheritance, genotypes, QC), the other panel variants, carrier findings, and what was not
checked. Raw codes and variant keys inside sentences are replaced by names (:mod:`words`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from dualdx.interpretation.modes import judged_first
from dualdx.interpretation.relatives import variant_name
from dualdx.knowledge.clinvar_assertion import (
    badge_slug,
    informative_conditions,
    significance_text,
)
from dualdx.report.cnv_view import cnv_display
from dualdx.report.words import (
    CLASS_ORDER,
    CLASS_SHORT,
    LABEL_WORDS,
    ORIGIN_WORDS,
    RULESET_WORDS,
    STRENGTH_ORDER,
    class_slug,
    format_af,
    points_words,
    qc_words,
    star_words,
    stars_text,
)

USED_DB_STATUS = frozenset({"used", "embedded"})


def get_list(d: Mapping[str, Any], key: str) -> list[Any]:
    v = d.get(key)
    return list(v) if isinstance(v, list) else []


def variant_index(report: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(v.get("key")): v for v in get_list(report, "variants")}


def variant_names(report: Mapping[str, Any]) -> dict[str, str]:
    """Variant key → 'GENE c.…' for every variant of the report."""
    return {str(v.get("key")): variant_name(v) for v in get_list(report, "variants")}


def name_keys(text: str, names: Mapping[str, str]) -> str:
    """Replace every variant key in a sentence by the variant's name."""
    if not names:
        return text
    pattern = "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
    return re.sub(pattern, lambda m: names[m.group(0)], text)


def _db_status(report: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    for db in get_list(report, "databases"):
        if str(db.get("name", "")).lower() == name:
            return dict(db)
    return None


def clinvar_view(variant: Mapping[str, Any], report: Mapping[str, Any]) -> dict[str, Any]:
    """What the ClinVar cell says: either the assertion, 'not in ClinVar <release>' when ClinVar
    was searched, or 'not checked' when it was not."""
    cv = variant.get("clinvar")
    db = _db_status(report, "clinvar")
    checked = db is not None and db.get("status") in USED_DB_STATUS
    if not isinstance(cv, dict):
        if checked:
            rel = f" (release {db.get('release')})" if db and db.get("release") else ""
            return {"present": False, "text": f"not in ClinVar{rel}"}
        return {"present": False, "text": "ClinVar not checked"}
    vid = str(cv.get("variation_id") or "")
    url = (f"https://www.ncbi.nlm.nih.gov/clinvar/variation/{quote(vid)}/"
           if re.fullmatch(r"[0-9]+", vid) else None)
    return {
        "present": True,
        "significance": significance_text(str(cv.get("significance") or "")),
        "slug": badge_slug(cv.get("significance")),
        "stars": stars_text(cv.get("stars")),
        "star_words": star_words(cv.get("stars")),
        "star_count": cv.get("stars") if isinstance(cv.get("stars"), int) else None,
        "review_status": str(cv.get("review_status") or "review status not given").replace("_", " "),
        "conditions": informative_conditions(get_list(cv, "conditions")),
        "variation_id": vid,
        "url": url,
        "release": cv.get("release"),
        "counts": cv.get("submission_counts") or cv.get("counts"),
    }


def gnomad_view(variant: Mapping[str, Any]) -> dict[str, Any]:
    g = variant.get("gnomad")
    if not isinstance(g, dict) or not g.get("queried"):
        return {"text": "not checked", "lines": []}
    src = str(g.get("source") or "gnomAD")
    if not g.get("found"):
        return {"text": f"absent from {src}", "lines": []}
    lines = [f"AF {format_af(g.get('af'))}"]
    if g.get("popmax_af") is not None:
        pop = f" ({g.get('popmax_population')})" if g.get("popmax_population") else ""
        lines.append(f"popmax {format_af(g.get('popmax_af'))}{pop}")
    lines.append(f"homozygotes {g.get('nhomalt')}" if g.get("nhomalt") is not None
                 else "homozygotes not given")
    return {"text": src, "lines": lines}


def criteria_sorted(criteria: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Pathogenic criteria first, then benign; within each, by strength then code."""
    srank = {s: i for i, s in enumerate(STRENGTH_ORDER)}
    return sorted(
        criteria,
        key=lambda c: (
            0 if c.get("direction") == "pathogenic" else 1,
            srank.get(str(c.get("strength")), len(srank)),
            str(c.get("label") or c.get("code")),
        ),
    )


def gt_rows(variant: Mapping[str, Any], sample_ids: Sequence[str]) -> list[dict[str, str]]:
    """Genotype rows of the people with a genotype here (the others: :func:`untested`)."""
    gts = variant.get("genotypes") or {}
    rows = []
    for sid in sample_ids:
        g = gts.get(sid) if isinstance(gts, dict) else None
        if not isinstance(g, dict):
            continue
        ad = g.get("ad")
        rows.append({
            "sample": sid,
            "gt": str(g.get("gt", "?")),
            "ad": ",".join(str(a) for a in ad) if isinstance(ad, list) else "–",
            "dp": str(g["dp"]) if g.get("dp") is not None else "–",
            "gq": (f"{g['gq']:g}" if isinstance(g.get("gq"), int | float) else "–"),
            # cnv hook: the caller's GT when the copy number changed its reading; a CNV's CN
            "called": str(g.get("called_gt") or ""),
            "cn": "" if g.get("cn") is None else str(g["cn"]),
            "note": str(g.get("copy_number_note") or g.get("basis") or ""),
        })
    return rows


def variant_view(variant: Mapping[str, Any], report: Mapping[str, Any],
                 sample_ids: Sequence[str], disease_id: str | None = None,
                 mode: str | None = None) -> dict[str, Any]:
    """Every display field of one variant; with ``disease_id`` (and ``mode``) only the
    inheritance rows of that diagnosis."""
    names = variant_names(report)
    details = [d for d in get_list(variant, "inheritance_detail")
               if (disease_id is None or d.get("disease_id") == disease_id)
               and (mode is None or d.get("disease_mode") in (None, mode))]
    labels = [LABEL_WORDS.get(str(x), str(x).replace("_", " "))
              for x in get_list(variant, "inheritance")]
    if details:
        labels = [LABEL_WORDS.get(str(d.get("label")), str(d.get("label")).replace("_", " "))
                  for d in judged_first(details)] or labels
    ruleset = report.get("ruleset") or {}
    criteria = [{**c, "evidence": name_keys(str(c.get("evidence") or ""), names),
                 "points_words": points_words(c.get("points"))}
                for c in criteria_sorted(get_list(variant, "acmg_criteria"))]
    return {
        "key": str(variant.get("key")),
        "name": names.get(str(variant.get("key")), str(variant.get("key"))),
        "gene": str(variant.get("gene") or "no gene"),
        "transcript": str(variant.get("transcript") or "transcript not determined"),
        "hgvs_c": str(variant.get("hgvs_c") or "c. not determined"),
        "hgvs_p": str(variant.get("hgvs_p") or "p. not determined"),
        "genomic": f"{report.get('genome_build', '')} {variant.get('chrom')}:"
                   f"{variant.get('pos')} {variant.get('ref')}>{variant.get('alt')}",
        "consequence": str(variant.get("consequence") or "not determined").replace(
            "&", ", ").replace("_", " "),
        "acmg_class": str(variant.get("acmg_class") or "not classified"),
        "class_slug": class_slug(variant.get("acmg_class")),
        "class_short": CLASS_SHORT.get(str(variant.get("acmg_class")), "?"),
        "points": points_words(variant.get("acmg_points")),
        "ruleset": RULESET_WORDS.get(str(ruleset.get("name")), str(ruleset.get("name", ""))),
        "criteria": criteria,
        "not_evaluated": [{"code": str(n.get("code")), "why": str(n.get("why"))}
                          for n in get_list(variant, "acmg_not_evaluated")],
        "clinvar": clinvar_view(variant, report),
        "disagreement": bool(variant.get("clinvar_disagreement")),
        "gnomad": gnomad_view(variant),
        "inheritance": list(dict.fromkeys(labels)) or ["no inheritance pattern"],
        "details": [
            {"label": LABEL_WORDS.get(str(d.get("label")), str(d.get("label") or "none")),
             "origin": ORIGIN_WORDS.get(str(d.get("origin")), str(d.get("origin") or "")),
             "qualifies": bool(d.get("qualifies")),
             "explanation": name_keys(str(d.get("explanation") or ""), names),
             "disease_id": str(d.get("disease_id") or "")}
            for d in details
        ],
        "genotypes": gt_rows(variant, sample_ids),
        "untested": [sid for sid in sample_ids
                     if not isinstance((variant.get("genotypes") or {}).get(sid), dict)],
        "qc_flags": [qc_words(str(q)) for q in get_list(variant, "qc_flags")],
        "cnv": cnv_display(variant),  # cnv hook: copy-number variant fields (None otherwise)
    }


def class_rank(v: Mapping[str, Any]) -> int:
    c = str(v.get("acmg_class"))
    return CLASS_ORDER.index(c) if c in CLASS_ORDER else len(CLASS_ORDER)


def other_variants(report: Mapping[str, Any], exclude: set[str], sample_ids: Sequence[str]
                   ) -> list[dict[str, Any]]:
    """Every variant not printed in a diagnosis block, ordered by computed class (P first)."""
    rest = [v for v in get_list(report, "variants") if str(v.get("key")) not in exclude]
    rest.sort(key=class_rank)  # stable: producer order within a class
    return [variant_view(v, report, sample_ids) for v in rest]


def carrier_views(report: Mapping[str, Any]) -> list[dict[str, str]]:
    vidx = variant_index(report)
    names = {str(d.get("disease_id")): str(d.get("disease_name")) for d in
             get_list(report, "diseases")}
    out = []
    for c in get_list(report, "carriers"):
        key = str(c.get("variant"))
        v = vidx.get(key, {})
        out.append({
            "gene": str(c.get("gene") or ""),
            "disease": f"{names.get(str(c.get('disease_id')), '')} ({c.get('disease_id')})".strip(),
            "variant": str(v.get("hgvs_c") or key),
            "class": str(v.get("acmg_class") or "not classified"),
            "class_slug": class_slug(v.get("acmg_class")),
            "sample": str(c.get("sample") or report.get("proband") or ""),
        })
    return out


def not_checked_view(report: Mapping[str, Any]) -> dict[str, Any]:
    """What was not checked: stated gaps (the per-criterion lines of ``not_checked`` are given
    once, grouped by reason), unused databases, and the ACMG criteria not evaluated grouped by
    reason (codes, reason, number of variants)."""
    items = [{"what": str(n.get("what")), "why": str(n.get("why"))}
             for n in get_list(report, "not_checked")
             if not str(n.get("what")).startswith("ACMG criterion ")]
    dbs = [{"name": str(d.get("name")), "status": str(d.get("status")).replace("_", " "),
            "detail": str(d.get("detail") or "")}
           for d in get_list(report, "databases") if d.get("status") not in USED_DB_STATUS]
    by_why: dict[str, dict[str, Any]] = {}
    for v in get_list(report, "variants"):
        for n in get_list(v, "acmg_not_evaluated"):
            entry = by_why.setdefault(str(n.get("why")), {"codes": [], "keys": set()})
            if str(n.get("code")) not in entry["codes"]:
                entry["codes"].append(str(n.get("code")))
            entry["keys"].add(str(v.get("key")))
    criteria = [{"codes": ", ".join(sorted(e["codes"])), "why": why, "variants": len(e["keys"])}
                for why, e in sorted(by_why.items(), key=lambda x: sorted(x[1]["codes"]))]
    return {"entries": items, "databases": dbs, "criteria": criteria,
            "empty": not (items or dbs or criteria)}


FUNNEL_ROWS: tuple[tuple[str, str], ...] = (
    ("records_read", "VCF records read near the panel regions"),
    ("split_multiallelic", "multiallelic records split into biallelic ones"),
    ("skipped_symbolic", "symbolic alleles and breakends passed to the copy-number and "
                         "structural-variant stage (<DEL>, <DUP>, …; below)"),
    ("skipped_gvcf_alleles", "gVCF <NON_REF> alleles beside a called ALT, not needed"),
    ("skipped_ref_blocks", "gVCF reference blocks left out"),
    ("skipped_star", "'*' (spanning deletion) alleles left out"),
    ("records_written", "panel variants kept"),
)


def filter_funnel(report: Mapping[str, Any]) -> dict[str, Any] | None:
    """The panel filter's funnel (report.json ``methods.filter``) for the methods section."""
    f = (report.get("methods") or {}).get("filter")
    if not isinstance(f, Mapping):
        return None
    return {
        "rows": [(label, f.get(key)) for key, label in FUNNEL_ROWS if f.get(key) is not None],
        "mode": str(f.get("mode") or "not given"),
        "build": (f"{f.get('build') or report.get('genome_build')}, confirmed by the VCF's "
                  "contig lengths" if f.get("build_verified") else
                  f"not verified: {f.get('build_note') or 'no contig lengths in the VCF header'}"),
    }
