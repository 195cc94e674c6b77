"""Display fields of copy-number variants and of the structural-variant funnel for the page.

Used by :mod:`dualdx.report.render` through marked one-line hooks (``variant_view`` and
``build_context``); the data come from ``report.json`` (``variants[].cnv``,
``methods.structural``, ``structural_not_interpreted``; see
:mod:`dualdx.interpretation.cnv_report`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FRAMEWORK_WORDS = "ClinGen/ACMG CNV points (Riggs et al. 2020)"


def cnv_display(variant: Mapping[str, Any]) -> dict[str, Any] | None:
    """None for a small variant; for a CNV its description, genomic HGVS, the framework and its
    sections in the shape of the criteria table (code, strength, points, evidence)."""
    cnv = variant.get("cnv")
    if not isinstance(cnv, Mapping):
        return None
    cls = cnv.get("classification") or {}
    criteria = [{"code": c.get("code"), "label": c.get("code"), "strength": "–",
                 "points": f"{float(c.get('points') or 0):+.2f}",
                 "direction": "benign" if float(c.get("points") or 0) < 0 else "pathogenic",
                 "evidence": c.get("evidence")} for c in cls.get("criteria") or []]
    overlaps = cnv.get("clinvar_overlaps") or []
    pop = cnv.get("population") or {}
    if not pop.get("queried"):
        pop_text = "population CNVs not checked"
    elif pop.get("overlaps"):
        top = pop["overlaps"][0]
        pop_text = (f"{len(pop['overlaps'])} overlapping population CNV(s); highest AF "
                    f"{max(o.get('af') or 0 for o in pop['overlaps'])} ({top.get('id')})")
    else:
        pop_text = "no overlapping population CNV"
    return {
        "description": str(cnv.get("description") or ""),
        "hgvs_g": str(cnv.get("hgvs_g") or ""),
        "framework": FRAMEWORK_WORDS,
        "points": f"{float(cls.get('points') or 0):.2f}",
        "criteria": criteria,
        "not_evaluated": [{"code": str(n.get("code")), "why": str(n.get("why"))}
                          for n in cls.get("not_evaluated") or []],
        "clinvar": (f"{len(overlaps)} overlapping ClinVar record(s): " + "; ".join(
            f"{o.get('variation_id')} {o.get('significance')}" for o in overlaps[:5]))
        if overlaps else "no overlapping ClinVar CNV record",
        "population": pop_text,
        "notes": [str(n) for c in cnv.get("consequences") or [] for n in c.get("notes") or []],
        "caller": str(cnv.get("caller") or ""),
        "imprecise": bool(cnv.get("imprecise")),
    }


STYLE_WORDS = {"gatk_gcnv": "GATK-gCNV", "cnvkit": "CNVkit", "manta": "Manta", "dragen": "DRAGEN CNV",
               "generic": "VCF"}
FUNNEL_ROWS: tuple[tuple[str, str], ...] = (
    ("records_read", "structural-variant records read near the panel regions"),
    ("outside_panel", "… of them outside the panel genes"),
    ("reference_segments", "copy-neutral segments (evidence of no CNV)"),
    ("copy_number_records", "copy-number calls in the panel genes"),
    ("events", "CNVs interpreted (merged over people and callers)"),
)


def structural_view(report: Mapping[str, Any]) -> dict[str, Any] | None:
    """The structural funnel and the SVs not interpreted, for the methods section."""
    s = (report.get("methods") or {}).get("structural")
    if not isinstance(s, Mapping):
        return None
    rows = [(label, s.get(key)) for key, label in FUNNEL_ROWS if s.get(key) is not None]
    rows += [(f"{kind} records recognised, not interpreted", n)
             for kind, n in sorted((s.get("not_interpreted") or {}).items())]
    styles = [STYLE_WORDS.get(str(x), str(x)) for x in s.get("caller_styles") or []]
    return {"rows": rows, "styles": styles,
            "framework": str(s.get("framework_version") or FRAMEWORK_WORDS),
            "not_interpreted": [dict(n) for n in report.get("structural_not_interpreted") or []]}
