"""Render a family's ``report.json`` as one self-contained HTML page (and a PDF of it).

The page follows the structure of a diagnostic laboratory's report: (a) the result headline,
(b) an interpretive summary, (c) the diagnoses (A, B, … in ``dual_diagnosis`` order, the same
everywhere), (d) recommendations, (e) results for relatives with the pedigree, (f) the phenotype
matrix, (g) the variant evidence, (h) methods, limitations and what was not checked, and
(i) an appendix with the run record. A reanalysis adds "What changed since" after (b).

The HTML embeds its CSS and SVG; it loads nothing (no script, font, image or stylesheet) and
declares a Content-Security-Policy that forbids loading anything. Every value taken from the
inputs is escaped by Jinja2's autoescape, by :mod:`dualdx.report.svg`, or (the print header) by
:func:`css_string`. The same inputs always give the same bytes: nothing here reads the clock,
the environment or the filesystem beyond the template. The PDF is the print of the same HTML
under its print stylesheet (:mod:`dualdx.report.pdf`: headless Chromium or WeasyPrint).

Input contracts: ``report.json`` follows ``workflow/schemas/report.schema.json`` (extra fields
are tolerated; fields added later — ``assessment``, ``relatives``, ``recommendations``,
``samples[].affection``, ``diagnoses[].cautions``, caveat objects in ``warnings`` — are used
when present and older reports still render); ``provenance`` and ``reanalysis`` are the files
of :mod:`dualdx.provenance`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import jinja2
from markupsafe import Markup, escape

from dualdx.core import atomic
from dualdx.core.contracts import read_stage_file
from dualdx.report.appendix import provenance_rows, reanalysis_view, run_date
from dualdx.report.cnv_view import structural_view
from dualdx.report.evidence import (
    USED_DB_STATUS,
    carrier_views,
    filter_funnel,
    get_list,
    not_checked_view,
    other_variants,
    variant_index,
    variant_view,
)
from dualdx.report.family import family_rows, pedigree_members, relatives_view
from dualdx.report.matrix import MATCH_WORDS, matrix_view
from dualdx.report.pdf import render_pdf
from dualdx.report.summary import (
    assessment_view,
    caveats,
    diagnosis_views,
    headline,
    interpretation,
)
from dualdx.report.svg import pedigree_svg, swatch_svg
from dualdx.report.words import (
    RULESET_WORDS,
    compact_genotype,
    format_af,
    genotype_copies,
    stars_text,
)

__all__ = ["compact_genotype", "format_af", "genotype_copies", "matrix_view", "render_html",
           "render_pdf", "run_render_report", "stars_text"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
REC_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Testing for relatives", ("cascade_testing",)),
    ("Chance for further children", ("recurrence_risk",)),
    ("Clinical evaluation", ("clinical_evaluation",)),
    ("Evidence that would change the result", ("phase", "evidence")),
)


HGVS_TOKEN = re.compile(r"(?<![\w.])[cgmnrp]\.[A-Za-z0-9_+\-*>()=?]+")


def nowrap_hgvs(text: Any) -> Markup:
    """Escaped ``text`` with every HGVS name (c.1392C>A, p.(Cys464Ter)) kept on one line, so
    no renderer breaks a variant name in two."""
    raw = str(text)
    out: list[Markup] = []
    pos = 0
    for m in HGVS_TOKEN.finditer(raw):
        tok = m.group(0)
        while tok.endswith(")") and tok.count(")") > tok.count("("):
            tok = tok[:-1]
        out.append(escape(raw[pos:m.start()]))
        out.append(Markup('<span class="nw">') + escape(tok) + Markup("</span>"))
        pos = m.start() + len(tok)
    out.append(escape(raw[pos:]))
    return Markup("").join(out)


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: every character but letters, digits, space, '.', '_'
    and '-' as a CSS escape, so no input can end the string, the rule or the style element."""
    out = []
    for ch in text:
        # a hex escape swallows one following space: write that space, keep the next character
        out.append(ch if ch.isascii() and (ch.isalnum() or ch in " ._-") else f"\\{ord(ch):06x} ")
    return '"' + "".join(out) + '"'


def recommendation_groups(report: Mapping[str, Any], letters: Mapping[str, str]
                          ) -> list[dict[str, Any]]:
    recs = [r for r in get_list(report, "recommendations") if isinstance(r, Mapping)]
    groups = []
    for title, kinds in REC_GROUPS:
        items = [{"text": str(r.get("text") or ""), "basis": str(r.get("basis") or ""),
                  "letter": letters.get(str(r.get("disease_id")), "")}
                 for r in recs if r.get("kind") in kinds]
        if items:
            groups.append({"title": title, "entries": items})
    known = {k for _t, ks in REC_GROUPS for k in ks}
    rest = [{"text": str(r.get("text") or ""), "basis": str(r.get("basis") or ""), "letter": ""}
            for r in recs if r.get("kind") not in known]
    if rest:
        groups.append({"title": "Other", "entries": rest})
    return groups


def _region_words(i: int, n: int) -> str:
    if n <= 1:
        return "whole symbol"
    if n == 2:
        return ("left half", "right half")[i]
    return ("top-left quarter", "top-right quarter", "bottom-left quarter",
            "bottom-right quarter")[i] if i < 4 else "not drawn (more than four diagnoses)"


def build_context(report: Mapping[str, Any], provenance: Mapping[str, Any] | None,
                  reanalysis: Mapping[str, Any] | None) -> dict[str, Any]:
    samples = get_list(report, "samples")
    sample_ids = [str(s.get("sample_id")) for s in samples]
    mview = matrix_view(report)
    cards = diagnosis_views(report, mview["present"])
    vidx = variant_index(report)
    printed: set[str] = set()
    for d in cards:
        d["variants"] = []
        for k in d["keys"]:
            if k in vidx and k not in printed:
                printed.add(k)
                d["variants"].append(variant_view(vidx[k], report, sample_ids, d["disease_id"],
                                                 d["mode"] or None))
    members, geno_legend = pedigree_members(report, cards)
    assessment = assessment_view(report)
    head = headline(report, cards, assessment)
    all_caveats = caveats(report)
    letters = {d["disease_id"]: d["letter"] for d in cards}
    panel = report.get("panel") or {}
    ruleset = report.get("ruleset") or {}
    family = str(report.get("family", ""))
    proband = str(report.get("proband", ""))
    counts = [{"label": f"explained by {d['letter']} only ({d['gene']})",
               "n": mview["counts"].get(f"{d['letter']} only", 0)} for d in cards]
    if len(cards) >= 2:
        counts.insert(1, {"label": "by both (blended)", "n": mview["counts"].get("blended", 0)})
    if cards:
        counts.append({"label": "by neither", "n": mview["counts"].get("unexplained", 0)})
    return {
        "csp": CSP,
        "family": family,
        "proband": proband,
        "runhead": css_string(f"dualdx gene-panel report · family {family} · proband {proband}"),
        "date": run_date(provenance),
        "panel_name": str(panel.get("name") or "panel not named"),
        "panel_genes": [str(g) for g in (panel.get("genes") or [])],
        "build": str(report.get("genome_build") or "build not given"),
        "ruleset": RULESET_WORDS.get(str(ruleset.get("name")), str(ruleset.get("name") or "")),
        "hpo_release": str(report.get("hpo_release") or "not given"),
        "head": head,
        "assessment": assessment,
        "cautions": [c for c in all_caveats if c["severity"] == "caution"],
        "notes": [c for c in all_caveats if c["severity"] == "note"],
        "warnings_count": len(all_caveats),
        "interpretation": interpretation(report, cards, assessment, mview["present"],
                                         mview["notes"]),
        "diagnoses": cards,
        "counts": counts,
        "molecular_findings": [str(f.get("reason") or "") for f in
                               get_list(report, "molecular_findings")],
        "recommendations": recommendation_groups(report, letters),
        "relatives": relatives_view(report, cards),
        "family_rows": family_rows(report, cards),
        "pedigree": pedigree_svg(members, len(cards)),
        "legend_fills": [
            {"letter": d["letter"], "disease": d["disease_name"], "gene": d["gene"],
             "fill": d["fill"], "mode": d["mode"],
             "affected": swatch_svg("affected", i, len(cards)),
             "carrier": swatch_svg("carrier", i, len(cards)),
             "het": swatch_svg("heterozygote", i, len(cards)),
             "region": _region_words(i, len(cards))}
            for i, d in enumerate(cards)
        ],
        "geno_legend": geno_legend,
        "matrix": mview,
        "glyphs": [(k, MATCH_WORDS[k]) for k in ("exact", "ancestor", "related", "none", "contradicts",
                                                 "missing")],
        "glyph_words": MATCH_WORDS,
        "others": other_variants(report, printed, sample_ids),
        "carriers": carrier_views(report),
        "funnel": filter_funnel(report),
        "structural": structural_view(report),  # cnv hook: structural funnel, not interpreted
        "not_checked": not_checked_view(report),
        "databases": [
            {"name": str(d.get("name")), "status": str(d.get("status")).replace("_", " "),
             "release": str(d.get("release") or "–"), "detail": str(d.get("detail") or ""),
             "used": d.get("status") in USED_DB_STATUS}
            for d in get_list(report, "databases")
        ],
        "run_rows": provenance_rows(provenance, report),
        "provenance_given": bool(provenance),
        "reanalysis": reanalysis_view(reanalysis),
        "strengths": [("Very strong", 8), ("Strong", 4), ("Moderate", 2), ("Supporting", 1)],
    }


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dualdx.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["nw"] = nowrap_hgvs
    return env


def render_html(
    report: Mapping[str, Any],
    provenance: Mapping[str, Any] | None = None,
    reanalysis: Mapping[str, Any] | None = None,
) -> str:
    """The report as one self-contained HTML document (deterministic)."""
    ctx = build_context(report, provenance, reanalysis)
    return _environment().get_template("report.html.j2").render(**ctx)


def run_render_report(
    report_json: str,
    provenance_json: str | None,
    reanalysis_json: str | None,
    out_html: str,
    out_pdf: str | None,
    log: logging.Logger,
    pdf_engine: str = "auto",
) -> None:
    """Read the JSON inputs, write ``report.html`` (and ``report.pdf`` when asked) atomically."""
    report = read_stage_file("report", report_json)
    provenance = read_stage_file("provenance", provenance_json) if provenance_json else None
    reanalysis = read_stage_file("reanalysis", reanalysis_json) if reanalysis_json else None
    html = render_html(report, provenance, reanalysis)
    atomic.write_text(out_html, html)
    log.info("wrote %s (%d bytes)", out_html, len(html.encode("utf-8")))
    if out_pdf:
        render_pdf(html, out_pdf, pdf_engine, log)
