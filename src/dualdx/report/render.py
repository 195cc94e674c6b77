"""Render a family's ``report.json`` as one self-contained HTML page (and a PDF of it).

The HTML embeds its CSS and SVG; it loads nothing (no script, font, image or stylesheet) and
declares a Content-Security-Policy that forbids loading anything. Every value taken from the
inputs is escaped by Jinja2's autoescape or by :mod:`dualdx.report.svg`. The same inputs always give
the same bytes: nothing here reads the clock, the environment or the filesystem beyond the
template.

Input contracts: ``report.json`` follows ``workflow/schemas/report.schema.json`` (extra fields are
tolerated and ignored); ``provenance`` and ``reanalysis`` are free-form dicts rendered
generically, with a few well-known keys pulled forward (see ``_provenance_view`` and
``_reanalysis_view``).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from dualdx.core import atomic
from dualdx.core.errors import DualdxError, InputError
from dualdx.report.cnv_view import cnv_display, structural_view
from dualdx.report.svg import (
    DIAGNOSIS_FILLS,
    MATCH_WORDS,
    MatrixColumn,
    MatrixRow,
    PedMember,
    glyph_svg,
    letter,
    matrix_svg,
    pedigree_svg,
    swatch_svg,
)

CLASS_ORDER: tuple[str, ...] = (
    "Pathogenic",
    "Likely pathogenic",
    "Uncertain significance",
    "Likely benign",
    "Benign",
)
CLASS_SHORT: dict[str, str] = {
    "Pathogenic": "P",
    "Likely pathogenic": "LP",
    "Uncertain significance": "VUS",
    "Likely benign": "LB",
    "Benign": "B",
}
STRENGTH_ORDER: tuple[str, ...] = ("Stand-alone", "Very strong", "Strong", "Moderate", "Supporting")
RULESET_WORDS: dict[str, str] = {
    "acmg2015": "ACMG/AMP 2015 combining rules (Richards et al. 2015)",
    "clingen_points_2020": "Bayesian points (Tavtigian et al. 2020)",
}
MODE_WORDS: dict[str, str] = {
    "autosomal_dominant": "autosomal dominant",
    "autosomal_recessive": "autosomal recessive",
    "x_linked_dominant": "X-linked dominant",
    "x_linked_recessive": "X-linked recessive",
    "x_linked": "X-linked",
    "mitochondrial": "mitochondrial",
    "unknown": "unknown inheritance",
}
MODE_SHORT: dict[str, str] = {
    "autosomal_dominant": "AD",
    "autosomal_recessive": "AR",
    "x_linked_dominant": "XLD",
    "x_linked_recessive": "XLR",
    "x_linked": "XL",
    "mitochondrial": "MT",
    "unknown": "?",
}
LABEL_WORDS: dict[str, str] = {
    "de_novo": "de novo",
    "dominant": "dominant (heterozygous)",
    "recessive_homozygous": "homozygous (recessive)",
    "compound_het_trans": "compound heterozygous, in trans",
    "compound_het_cis": "two variants in cis (not a recessive genotype)",
    "compound_het_unknown_phase": "compound heterozygous, phase unknown",
    "x_linked_recessive": "X-linked recessive",
    "x_linked_dominant": "X-linked dominant",
    "carrier": "heterozygous carrier",
}
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "dual": ("Dual diagnosis", "Two genetic conditions together explain the proband's features."),
    "possible_dual": (
        "Possible dual diagnosis",
        "A second condition may contribute; the evidence needs review.",
    ),
    "single": ("Single diagnosis", "One genetic condition was found in the panel genes."),
    "none": ("No diagnosis", "No genetic diagnosis was found in the panel genes."),
}
USED_DB_STATUS = frozenset({"used", "embedded"})
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

# ---------------------------------------------------------------------------------------------
# small pure formatters


def stars_text(stars: Any) -> str:
    """ClinVar review stars as text: 2 → '★★☆☆'. Unknown values → 'stars not given'."""
    if isinstance(stars, bool) or not isinstance(stars, int) or not 0 <= stars <= 4:
        return "stars not given"
    return "★" * stars + "☆" * (4 - stars)


def format_af(af: Any) -> str:
    """Allele frequency for humans: 0.0123 → '0.0123', 1.2e-05 → '1.2×10⁻⁵', 0 → '0'."""
    if isinstance(af, bool) or not isinstance(af, int | float):
        return "not given"
    if af == 0:
        return "0"
    if af >= 0.001:
        return f"{af:.4f}".rstrip("0").rstrip(".")
    mant, exp = f"{af:.1e}".split("e")
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"{mant}×10{str(int(exp)).translate(sup)}"


def mode_words(mode: str | None) -> str:
    if not mode:
        return "inheritance not given"
    return MODE_WORDS.get(mode, mode.replace("_", " "))


def class_slug(acmg_class: str | None) -> str:
    """CSS class name for a class badge (fixed vocabulary, never input text)."""
    return {
        "Pathogenic": "p",
        "Likely pathogenic": "lp",
        "Uncertain significance": "vus",
        "Likely benign": "lb",
        "Benign": "b",
    }.get(acmg_class or "", "unk")


def clinvar_slug(significance: str | None) -> str:
    s = (significance or "").lower()
    if "conflict" in s:
        return "conf"
    if "pathogenic" in s and "benign" not in s:
        return "lp" if s.startswith("likely") else "p"
    if "uncertain" in s:
        return "vus"
    if "benign" in s and "pathogenic" not in s:
        return "b"
    return "unk"


def genotype_copies(gt: Any) -> tuple[int, int, bool]:
    """(alt copies, ref copies, any missing) from a GT string such as '0/1', '1|1', './.'.
    Alleles other than 0/1 (another alt, '*') count as neither ref nor this alt."""
    if not isinstance(gt, str) or not gt:
        return 0, 0, True
    alleles = re.split(r"[/|]", gt)
    alt = sum(1 for a in alleles if a == "1")
    ref = sum(1 for a in alleles if a == "0")
    missing = any(a in (".", "") for a in alleles)
    return alt, ref, missing


def compact_genotype(gene: str, labels: Sequence[str], gts: Sequence[Any | None]) -> str:
    """'TCIRG1 v1/v2', 'ALPL v/+', 'ALPL +/+', 'ALPL ?' or 'ALPL not tested'.

    ``labels`` names each variant (v, or v1, v2 …); ``gts`` holds the person's GT string at
    each variant, None when the person has no genotype there (not sequenced)."""
    if all(g is None for g in gts):
        return f"{gene} not tested"
    alts: list[str] = []
    refs: list[int] = []
    missing = False
    for lab, gt in zip(labels, gts, strict=True):
        if gt is None:
            missing = True
            continue
        a, r, miss = genotype_copies(gt)
        missing = missing or miss
        alts.extend([lab] * a)
        refs.append(r)
    if missing and not alts:
        return f"{gene} ?"
    alleles = alts[:]
    # diploid display: pad with reference alleles when every variant was called
    while len(alleles) < 2 and not missing:
        alleles.append("+")
    if missing:
        alleles.append("?")
    return f"{gene} " + "/".join(alleles)


# ---------------------------------------------------------------------------------------------
# view model


@dataclass
class Context:
    """Everything the template needs, already derived and ordered."""

    values: dict[str, Any] = field(default_factory=dict)


def _get_list(d: Mapping[str, Any], key: str) -> list[Any]:
    v = d.get(key)
    return list(v) if isinstance(v, list) else []


def _diagnosis_letters(report: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, dx in enumerate(_get_list(report, "diagnoses")):
        did = str(dx.get("disease_id", ""))
        if did and did not in out:
            out[did] = letter(i)
    return out


def proband_terms(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The proband's HPO terms: from the matrix when given, else from the proband's sample.
    Mode-of-inheritance terms (HP:0000005 branch, common IDs) are dropped."""
    moi = {"HP:0000005", "HP:0000006", "HP:0000007", "HP:0001417", "HP:0001419", "HP:0001423"}
    terms = _get_list(report.get("phenotype_matrix", {}) or {}, "terms")
    if not terms:
        for s in _get_list(report, "samples"):
            if s.get("sample_id") == report.get("proband"):
                terms = _get_list(s, "phenotypes")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for t in terms:
        tid = str(t.get("id", ""))
        if tid in moi or tid in seen:
            continue
        seen.add(tid)
        out.append({"id": tid, "name": str(t.get("name") or tid), "excluded": bool(t.get("excluded"))})
    return out


def explained_sets(report: Mapping[str, Any]) -> dict[str, set[str]]:
    """Per reported diagnosis (disease ID) the HPO terms it explains: the diagnosis' own
    ``explained_hpo`` together with ``dual_diagnosis.explained_by_each``."""
    out: dict[str, set[str]] = {}
    for dx in _get_list(report, "diagnoses"):
        did = str(dx.get("disease_id", ""))
        out.setdefault(did, set()).update(str(h) for h in _get_list(dx, "explained_hpo"))
    each = (report.get("dual_diagnosis") or {}).get("explained_by_each") or {}
    if isinstance(each, dict):
        for did, terms in each.items():
            if did in out and isinstance(terms, list):
                out[did].update(str(h) for h in terms)
    return out


def band_of(term: Mapping[str, Any], explained: Mapping[str, set[str]], letters: Mapping[str, str]
            ) -> str:
    """'A only', 'blended', 'unexplained' or 'excluded'."""
    if term.get("excluded"):
        return "excluded"
    by = [letters[d] for d in letters if term["id"] in explained.get(d, set())]
    if not by:
        return "unexplained"
    if len(by) == 1:
        return f"{by[0]} only"
    return "blended"


def band_order(letters: Sequence[str]) -> list[str]:
    """A only → blended → B only → C only … → unexplained → excluded."""
    bands = [f"{letters[0]} only"] if letters else []
    if len(letters) >= 2:
        bands.append("blended")
    bands.extend(f"{x} only" for x in letters[1:])
    bands.extend(["unexplained", "excluded"])
    return bands


def _cells_lookup(matrix: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Matrix cells keyed term → column, whichever way round the producer nested them."""
    cells = matrix.get("cells") or {}
    if not isinstance(cells, dict):
        return {}
    term_major = all(str(k).startswith("HP:") for k in cells) if cells else True
    out: dict[str, dict[str, str]] = {}
    for k, inner in cells.items():
        if not isinstance(inner, dict):
            continue
        for k2, v in inner.items():
            t, c = (str(k), str(k2)) if term_major else (str(k2), str(k))
            out.setdefault(t, {})[c] = str(v)
    return out


def matrix_view(report: Mapping[str, Any]) -> dict[str, Any]:
    """Rows, columns, counts and the SVG of the phenotype × diagnosis matrix."""
    letters = _diagnosis_letters(report)
    diseases = {str(d.get("disease_id")): d for d in _get_list(report, "diseases")}
    diagnoses = {str(d.get("disease_id")): d for d in _get_list(report, "diagnoses")}
    matrix = report.get("phenotype_matrix") or {}
    col_ids = [str(c) for c in _get_list(matrix, "columns")]
    # reported diagnoses first (A, B …), then the other candidates in the producer's order
    ordered = [d for d in letters if d in col_ids or d in diagnoses]
    ordered += [c for c in col_ids if c not in ordered]
    columns: list[MatrixColumn] = []
    for did in ordered:
        info = diagnoses.get(did) or diseases.get(did) or {}
        dis = diseases.get(did, {})
        name = str(info.get("disease_name") or dis.get("disease_name") or did)
        gene = str(info.get("gene") or dis.get("gene") or "gene not given")
        modes = [str(info["inheritance_mode"])] if info.get("inheritance_mode") else [
            str(m) for m in _get_list(dis, "modes")
        ]
        moi = "/".join(MODE_SHORT.get(m, m) for m in modes) or "MOI not given"
        columns.append(MatrixColumn(did, name, f"{gene} · {moi}", letters.get(did)))
    cells = _cells_lookup(matrix)
    # fall back on diseases[].matches where the matrix has no cell
    for did, dis in diseases.items():
        for m in _get_list(dis, "matches"):
            hid = str(m.get("hpo_id"))
            cells.setdefault(hid, {}).setdefault(did, str(m.get("match")))
    explained = explained_sets(report)
    terms = proband_terms(report)
    bands = band_order(list(letters.values()))
    rows: list[MatrixRow] = []
    for t in terms:
        band = band_of(t, explained, letters)
        expl = {"excluded": "excluded (absent)", "unexplained": "unexplained"}.get(band, band)
        kinds = tuple(
            k if k in MATCH_WORDS else "missing"
            for k in (cells.get(t["id"], {}).get(c.disease_id, "missing") for c in columns)
        )
        rows.append(MatrixRow(t["id"], t["name"], t["excluded"], band, kinds, expl))
    rank = {b: i for i, b in enumerate(bands)}
    rows.sort(key=lambda r: rank.get(r.band, len(rank)))  # stable: producer order within bands
    present = [r for r in rows if not r.excluded]
    footer = []
    for j, _c in enumerate(columns):
        n = sum(1 for r in present if r.cells[j] in ("exact", "ancestor", "descendant"))
        footer.append(f"{n}/{len(present)}")
    union = sum(1 for r in present if r.band not in ("unexplained", "excluded"))
    coverage = (
        f"Explained by the reported diagnoses together: {union} of {len(present)} present terms"
        if letters
        else f"No reported diagnosis: 0 of {len(present)} present terms explained"
    )
    counts = {b: sum(1 for r in rows if r.band == b) for b in bands}
    semantic = [
        (r.hpo_id, r.name, columns[j].disease_id, r.cells[j])
        for r in rows
        for j in range(len(columns))
        if r.cells[j] in ("ancestor", "descendant")
    ]
    svg = matrix_svg(rows, columns, footer, coverage) if rows and columns else Markup("")
    return {
        "rows": rows,
        "columns": columns,
        "counts": counts,
        "bands": bands,
        "present": len(present),
        "explained_union": union,
        "svg": svg,
        "semantic": semantic,
    }


def _variant_index(report: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(v.get("key")): v for v in _get_list(report, "variants")}


def _db_status(report: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    for db in _get_list(report, "databases"):
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
    url = (
        f"https://www.ncbi.nlm.nih.gov/clinvar/variation/{quote(vid)}/"
        if re.fullmatch(r"[0-9]+", vid)
        else None
    )
    conditions = [str(c).replace("_", " ") for c in (cv.get("conditions") or []) if c]
    return {
        "present": True,
        "significance": str(cv.get("significance") or "significance not given"),
        "slug": clinvar_slug(cv.get("significance")),
        "stars": stars_text(cv.get("stars")),
        "star_count": cv.get("stars") if isinstance(cv.get("stars"), int) else None,
        "review_status": str(cv.get("review_status") or "review status not given"),
        "conditions": conditions,
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
    lines.append(
        f"homozygotes {g.get('nhomalt')}" if g.get("nhomalt") is not None else "homozygotes n/a"
    )
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


def _gt_rows(variant: Mapping[str, Any], sample_ids: Sequence[str]) -> list[dict[str, str]]:
    gts = variant.get("genotypes") or {}
    rows = []
    for sid in sample_ids:
        g = gts.get(sid) if isinstance(gts, dict) else None
        if not isinstance(g, dict):
            rows.append({"sample": sid, "gt": "not tested", "ad": "", "dp": "", "gq": "",
                         "called": "", "cn": ""})
            continue
        ad = g.get("ad")
        rows.append(
            {
                "sample": sid,
                "gt": str(g.get("gt", "?")),
                "ad": ",".join(str(a) for a in ad) if isinstance(ad, list) else "n/a",
                "dp": str(g["dp"]) if g.get("dp") is not None else "n/a",
                "gq": (f"{g['gq']:g}" if isinstance(g.get("gq"), int | float) else "n/a"),
                # cnv hook: the caller's GT when the copy number changed its reading; CNV CN
                "called": str(g.get("called_gt") or ""),
                "cn": "" if g.get("cn") is None else str(g["cn"]),
            }
        )
    return rows


def variant_view(
    variant: Mapping[str, Any], report: Mapping[str, Any], sample_ids: Sequence[str],
    disease_id: str | None = None,
) -> dict[str, Any]:
    """Every display field of one variant."""
    details = [
        d for d in _get_list(variant, "inheritance_detail")
        if disease_id is None or d.get("disease_id") == disease_id
    ]
    labels = [LABEL_WORDS.get(str(x), str(x)) for x in _get_list(variant, "inheritance")]
    if details:
        labels = [LABEL_WORDS.get(str(d.get("label")), str(d.get("label"))) for d in details
                  if d.get("label")] or labels
    not_eval = [
        {"code": str(n.get("code")), "why": str(n.get("why"))}
        for n in _get_list(variant, "acmg_not_evaluated")
    ]
    hgvs_c = variant.get("hgvs_c")
    tx = variant.get("transcript")
    ruleset = report.get("ruleset") or {}
    return {
        "key": str(variant.get("key")),
        "gene": str(variant.get("gene") or "no gene"),
        "transcript": str(tx) if tx else "transcript not determined",
        "hgvs_c": str(hgvs_c) if hgvs_c else "c. not determined",
        "hgvs_p": str(variant.get("hgvs_p")) if variant.get("hgvs_p") else "p. not determined",
        "genomic": f"{report.get('genome_build', '')} {variant.get('chrom')}:"
        f"{variant.get('pos')} {variant.get('ref')}>{variant.get('alt')}",
        "consequence": str(variant.get("consequence") or "not determined").replace("&", ", "),
        "acmg_class": str(variant.get("acmg_class") or "not classified"),
        "class_slug": class_slug(variant.get("acmg_class")),
        "class_short": CLASS_SHORT.get(str(variant.get("acmg_class")), "?"),
        "points": variant.get("acmg_points"),
        "ruleset": RULESET_WORDS.get(str(ruleset.get("name")), str(ruleset.get("name", ""))),
        "criteria": criteria_sorted(_get_list(variant, "acmg_criteria")),
        "not_evaluated": not_eval,
        "clinvar": clinvar_view(variant, report),
        "disagreement": bool(variant.get("clinvar_disagreement")),
        "gnomad": gnomad_view(variant),
        "inheritance": labels or ["no inheritance label"],
        "details": [
            {
                "label": LABEL_WORDS.get(str(d.get("label")), str(d.get("label") or "none")),
                "origin": str(d.get("origin") or "origin not determined"),
                "qualifies": bool(d.get("qualifies")),
                "explanation": str(d.get("explanation") or ""),
                "disease_id": str(d.get("disease_id") or ""),
            }
            for d in details
        ],
        "genotypes": _gt_rows(variant, sample_ids),
        "qc_flags": [str(q) for q in _get_list(variant, "qc_flags")],
        "cnv": cnv_display(variant),  # cnv hook: copy-number variant fields
    }


def _affected_for_text(sample: Mapping[str, Any], report: Mapping[str, Any]) -> str:
    """The reported diagnoses this person's phenotype matches, then a count of the other panel
    diseases it matches (the full list is in report.json)."""
    dx_ids = [str(d.get("disease_id")) for d in _get_list(report, "diagnoses")]
    names = {str(d.get("disease_id")): str(d.get("disease_name") or d.get("disease_id"))
             for d in _get_list(report, "diagnoses")}
    mine = [str(x) for x in _get_list(sample, "affected_for")]
    shown = [f"{names[d]} ({d})" for d in dx_ids if d in mine]
    others = len([d for d in mine if d not in dx_ids])
    if others:
        shown.append(f"{others} other panel disease{'s' if others > 1 else ''} by phenotype")
    return "; ".join(shown) or "–"


FUNNEL_ROWS: tuple[tuple[str, str], ...] = (
    ("records_read", "VCF records read near the panel regions"),
    ("split_multiallelic", "multiallelic records split into biallelic ones"),
    ("skipped_symbolic", "symbolic alleles left to the structural-variant stage (<DEL>, ...) or "
                         "gVCF blocks (<NON_REF>)"),
    ("skipped_ref_blocks", "gVCF reference blocks kept out"),
    ("skipped_star", "'*' (spanning deletion) alleles kept out"),
    ("records_written", "panel variants written"),
)


def filter_funnel(report: Mapping[str, Any]) -> dict[str, Any] | None:
    """The panel filter's funnel (report.json ``methods.filter``) as rows for the methods section."""
    f = (report.get("methods") or {}).get("filter")
    if not isinstance(f, Mapping):
        return None
    return {
        "rows": [(label, f.get(key)) for key, label in FUNNEL_ROWS if f.get(key) is not None],
        "mode": str(f.get("mode") or "not given"),
        "build": (f"{f.get('build') or report.get('genome_build')}, confirmed by the VCF's contig lengths"
                  if f.get("build_verified") else
                  f"not verified: {f.get('build_note') or 'no contig lengths in the VCF header'}"),
    }


def _class_rank(v: Mapping[str, Any]) -> int:
    c = str(v.get("acmg_class"))
    return CLASS_ORDER.index(c) if c in CLASS_ORDER else len(CLASS_ORDER)


def diagnosis_views(report: Mapping[str, Any], sample_ids: Sequence[str],
                    present_terms: int) -> list[dict[str, Any]]:
    """One card + variant block per reported diagnosis (variants printed in their first
    diagnosis only)."""
    vidx = _variant_index(report)
    explained = explained_sets(report)
    printed: set[str] = set()
    out: list[dict[str, Any]] = []
    for i, dx in enumerate(_get_list(report, "diagnoses")):
        did = str(dx.get("disease_id", ""))
        keys = [str(k) for k in _get_list(dx, "variants")]
        variants = []
        also = []
        for k in keys:
            v = vidx.get(k)
            if v is None:
                continue
            if k in printed:
                also.append(k)
                continue
            printed.add(k)
            variants.append(variant_view(v, report, sample_ids, did))
        labels_all = [lab for v in variants for lab in v["inheritance"]]
        zyg = str(dx.get("zygosity") or (labels_all[0] if labels_all else "zygosity not given"))
        # a genotype is only as certain as its least certain allele: the card shows that class
        weakest = max((vidx[k] for k in keys if k in vidx), key=_class_rank, default=None)
        gene = str(dx.get("gene") or "")
        genotype = " / ".join(
            (vidx[k].get("hgvs_c") or k) for k in keys if k in vidx
        ) or "no variant listed"
        out.append(
            {
                "letter": letter(i),
                "fill": DIAGNOSIS_FILLS[i][1] if i < len(DIAGNOSIS_FILLS) else "not drawn",
                "disease_id": did,
                "disease_name": str(dx.get("disease_name") or did),
                "gene": gene,
                "moi": mode_words(str(dx.get("inheritance_mode") or "")),
                "status": str(dx.get("status") or "status not given"),
                "genotype": f"{gene} {genotype}",
                "zygosity": LABEL_WORDS.get(zyg, zyg),
                "class": str(weakest.get("acmg_class")) if weakest else "no classified variant",
                "class_slug": class_slug(weakest.get("acmg_class")) if weakest else "unk",
                "fit": f"{len(explained.get(did, set()))}/{present_terms} terms",
                "score": dx.get("score"),
                "flags": [str(f) for f in _get_list(dx, "flags")],
                "variants": variants,
                "also_listed": also,
                "keys": keys,
            }
        )
    return out


def other_variants(report: Mapping[str, Any], exclude: set[str], sample_ids: Sequence[str]
                   ) -> list[dict[str, Any]]:
    """Every variant not printed in a diagnosis block, ordered by computed class (P first)."""
    rest = [v for v in _get_list(report, "variants") if str(v.get("key")) not in exclude]
    rest.sort(key=_class_rank)  # stable: producer order within a class
    return [variant_view(v, report, sample_ids) for v in rest]


def carrier_views(report: Mapping[str, Any]) -> list[dict[str, str]]:
    vidx = _variant_index(report)
    names = {str(d.get("disease_id")): str(d.get("disease_name")) for d in
             _get_list(report, "diseases")}
    out = []
    for c in _get_list(report, "carriers"):
        key = str(c.get("variant"))
        v = vidx.get(key, {})
        out.append(
            {
                "gene": str(c.get("gene") or ""),
                "disease": f"{names.get(str(c.get('disease_id')), '')} "
                f"({c.get('disease_id')})".strip(),
                "variant": str(v.get("hgvs_c") or key),
                "class": str(v.get("acmg_class") or "not classified"),
                "class_slug": class_slug(v.get("acmg_class")),
                "sample": str(c.get("sample") or report.get("proband") or ""),
            }
        )
    return out


def not_checked_view(report: Mapping[str, Any]) -> dict[str, Any]:
    """The 'What was not checked' section: stated gaps, unused databases and a summary of
    ACMG criteria that could not be evaluated (code → variants, reasons)."""
    items = [
        {"what": str(n.get("what")), "why": str(n.get("why"))} for n in
        _get_list(report, "not_checked")
    ]
    dbs = [
        {
            "name": str(d.get("name")),
            "status": str(d.get("status")).replace("_", " "),
            "detail": str(d.get("detail") or ""),
        }
        for d in _get_list(report, "databases")
        if d.get("status") not in USED_DB_STATUS
    ]
    crit: dict[str, dict[str, Any]] = {}
    for v in _get_list(report, "variants"):
        for n in _get_list(v, "acmg_not_evaluated"):
            entry = crit.setdefault(str(n.get("code")), {"variants": 0, "why": []})
            entry["variants"] += 1
            why = str(n.get("why"))
            if why not in entry["why"]:
                entry["why"].append(why)
    criteria = [
        {"code": code, "variants": e["variants"], "why": "; ".join(e["why"])}
        for code, e in sorted(crit.items())
    ]
    return {"entries": items, "databases": dbs, "criteria": criteria}


def _flatten(obj: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested dict/list → ('a.b[0].c', 'value') pairs, in input order."""
    if isinstance(obj, dict):
        if not obj:
            return [(prefix or "(empty)", "{}")]
        out: list[tuple[str, str]] = []
        for k, v in obj.items():
            out.extend(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(obj, list):
        if obj and all(not isinstance(x, dict | list) for x in obj):
            return [(prefix, ", ".join(_scalar(x) for x in obj))]
        if not obj:
            return [(prefix, "none")]
        out = []
        for i, v in enumerate(obj):
            out.extend(_flatten(v, f"{prefix}[{i}]"))
        return out
    return [(prefix, _scalar(obj))]


def _scalar(x: Any) -> str:
    if x is None:
        return "not given"
    if isinstance(x, bool):
        return "yes" if x else "no"
    return str(x)


def _first(d: Mapping[str, Any], keys: Sequence[str]) -> Any:
    for k in keys:
        if d.get(k) not in (None, ""):
            return d[k]
    return None


DATE_KEYS = ("date", "run_date", "created", "created_at", "generated", "generated_at", "timestamp")


def _provenance_view(prov: Mapping[str, Any] | None) -> dict[str, Any]:
    """Provenance for the page. The run's wall-clock time stays in provenance.json only, so the
    same inputs give the same page; a date fixed by SOURCE_DATE_EPOCH is reproducible and shown.
    The command line is left to provenance.json too: rerunning with other flags is the same result."""
    if not prov:
        return {"given": False, "rows": [], "version": None, "config": None, "date": None}
    reproducible = prov.get("generated_at_source") == "SOURCE_DATE_EPOCH"
    # how this run was started (command line) is not a property of the result: provenance.json
    shown = {k: v for k, v in prov.items()
             if k != "command_line"
             and (reproducible or k not in (*DATE_KEYS, "generated_at_source"))}
    return {
        "given": True,
        "version": _first(prov, ("workflow_version", "dualdx_version", "version")),
        "config": _first(prov, ("config_sha256", "config_checksum", "config_hash")),
        "date": _first(prov, DATE_KEYS) if reproducible else "recorded in provenance.json",
        "rows": _flatten(shown),
    }


REANALYSIS_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Summary", ("summary",)),
    ("Dual-diagnosis status", ("dual_status_change", "dual_status", "dual_diagnosis_change")),
    ("New diagnoses", ("diagnoses_added",)),
    ("Lost diagnoses", ("diagnoses_removed",)),
    ("Diagnosis changes", ("diagnosis_changes", "diagnoses_changed", "diagnoses")),
    ("New variants", ("new_variants", "added_variants", "variants_added")),
    ("Removed variants", ("removed_variants", "variants_removed")),
    ("ClinVar changes", ("clinvar_changes", "clinvar_changed", "clinvar")),
    ("Class changes", ("class_changes", "class_changed", "classification_changes", "acmg_changes")),
    ("Database releases", ("database_changes", "databases_changed", "databases")),
)
REANALYSIS_META = ("previous_date", "previous_run_date", "since", "previous_run", "current_date",
                   "previous_report", "schema_version", "family", "proband", "variant_history",
                   "previous_found", "previous_workflow_version", "workflow_version", "date",
                   "run_differences")


def _table(value: Any) -> dict[str, Any]:
    """A reanalysis section as a table/list/text block for the template."""
    if isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        cols: list[str] = []
        for x in value:
            for k in x:
                if k not in cols:
                    cols.append(str(k))
        rows = [[_cell(x.get(c)) for c in cols] for x in value]
        return {"kind": "table", "cols": [c.replace("_", " ") for c in cols], "rows": rows}
    if isinstance(value, list):
        return {"kind": "list", "entries": [_cell(x) for x in value]}
    if isinstance(value, dict):
        return {"kind": "table", "cols": ["field", "value"],
                "rows": [[k, v] for k, v in _flatten(value)]}
    return {"kind": "text", "text": _scalar(value)}


def _cell(x: Any) -> str:
    if isinstance(x, dict):
        return "; ".join(f"{k}: {v}" for k, v in _flatten(x))
    if isinstance(x, list):
        return ", ".join(_cell(i) for i in x) if x else "none"
    return _scalar(x)


def _reanalysis_view(re_: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if re_ is None:
        return None
    changes = re_.get("changes")
    if isinstance(changes, Mapping):  # dualdx.provenance.reanalysis nests the change lists under "changes"
        re_ = {**{k: v for k, v in re_.items() if k != "changes"}, **changes}
    used: set[str] = set()
    sections = []
    for title, keys in REANALYSIS_SECTIONS:
        for k in keys:
            if k in re_:
                used.add(k)
                sections.append({"title": title, **_table(re_[k])})
                break
    for k, v in re_.items():
        if k not in used and k not in REANALYSIS_META:
            sections.append({"title": k.replace("_", " ").capitalize(), **_table(v)})
    since = _first(re_, ("previous_date", "previous_run_date", "since", "previous_run"))
    return {"since": str(since) if since else "the previous analysis", "sections": sections}


def pedigree_members(report: Mapping[str, Any], diagnoses: Sequence[Mapping[str, Any]]
                     ) -> tuple[list[PedMember], list[dict[str, str]]]:
    """Pedigree symbols (regions per diagnosis, genotype labels) and the genotype legend."""
    vidx = _variant_index(report)
    proband = report.get("proband")
    legend: list[dict[str, str]] = []
    per_dx: list[tuple[str, str, list[str], list[str]]] = []  # did, gene, keys, labels
    for dx in diagnoses:
        keys = [k for k in dx["keys"] if k in vidx]
        labs = ["v"] if len(keys) == 1 else [f"v{i + 1}" for i in range(len(keys))]
        per_dx.append((dx["disease_id"], dx["gene"], keys, labs))
        for k, lab in zip(keys, labs, strict=True):
            v = vidx[k]
            legend.append(
                {"gene": dx["gene"], "label": lab,
                 "variant": f"{v.get('hgvs_c') or k} ({v.get('hgvs_p') or 'p. not determined'})"}
            )
    members = []
    for s in _get_list(report, "samples"):
        sid = str(s.get("sample_id"))
        affected_for = {str(x) for x in _get_list(s, "affected_for")}
        regions: list[str] = []
        labels: list[str] = []
        for (did, gene, keys, labs), dx in zip(per_dx, diagnoses, strict=True):
            gts: list[Any | None] = []
            for k in keys:
                g = (vidx[k].get("genotypes") or {}).get(sid)
                gts.append(g.get("gt") if isinstance(g, dict) else None)
            if keys:
                labels.append(compact_genotype(gene, labs, gts))
            alt_total = sum(genotype_copies(g)[0] for g in gts if g is not None)
            if did in affected_for:
                regions.append("affected")
            elif alt_total >= 1 and "recessive" in dx["moi"]:
                regions.append("carrier" if alt_total == 1 else "")
            elif alt_total >= 1:
                regions.append("heterozygote")
            else:
                regions.append("")
        if s.get("affected") == "affected" and not affected_for and diagnoses:
            labels.append("affected (no diagnosis assigned)")
        members.append(
            PedMember(
                sample_id=sid,
                father=s.get("father") or None,
                mother=s.get("mother") or None,
                sex=str(s.get("sex") or "unknown"),
                affected=str(s.get("affected") or "unknown"),
                regions=tuple(regions),
                labels=tuple(labels),
                is_proband=sid == proband,
            )
        )
    return members, legend


def build_context(report: Mapping[str, Any], provenance: Mapping[str, Any] | None,
                  reanalysis: Mapping[str, Any] | None) -> dict[str, Any]:
    samples = _get_list(report, "samples")
    sample_ids = [str(s.get("sample_id")) for s in samples]
    mview = matrix_view(report)
    dxs = diagnosis_views(report, sample_ids, mview["present"])
    printed = {v["key"] for d in dxs for v in d["variants"]}
    members, geno_legend = pedigree_members(report, dxs)
    ped = pedigree_svg(members, len(dxs))
    dual = report.get("dual_diagnosis") or {}
    status = str(dual.get("status") or "none")
    title, sentence = STATUS_WORDS.get(status, (status, ""))
    prov = _provenance_view(provenance)
    ruleset = report.get("ruleset") or {}
    panel = report.get("panel") or {}
    letters = [d["letter"] for d in dxs]
    banner_counts = [
        {"label": f"explained by {d['letter']} only ({d['gene']})",
         "n": mview["counts"].get(f"{d['letter']} only", 0)}
        for d in dxs
    ]
    if len(dxs) >= 2:
        banner_counts.insert(1, {"label": "explained by both (blended)",
                                 "n": mview["counts"].get("blended", 0)})
    banner_counts.append({"label": "explained by neither", "n": mview["counts"].get(
        "unexplained", 0)})
    legend_fills = [
        {"letter": d["letter"], "disease": f"{d['disease_name']} ({d['disease_id']})",
         "gene": d["gene"], "fill": d["fill"], "moi": d["moi"],
         "affected": swatch_svg("affected", i, len(dxs)),
         "carrier": swatch_svg("carrier", i, len(dxs)),
         "het": swatch_svg("heterozygote", i, len(dxs)),
         "region": _region_words(i, len(dxs))}
        for i, d in enumerate(dxs)
    ]
    return {
        "csp": CSP,
        "family": str(report.get("family", "")),
        "proband": str(report.get("proband", "")),
        "date": prov["date"] or "not recorded",
        "panel_name": str(panel.get("name") or "panel not named"),
        "panel_genes": [str(g) for g in (panel.get("genes") or [])],
        "build": str(report.get("genome_build") or "build not given"),
        "ruleset": RULESET_WORDS.get(str(ruleset.get("name")), str(ruleset.get("name") or "")),
        "ruleset_version": str(ruleset.get("version") or ""),
        "schema_version": str(report.get("schema_version") or ""),
        "funnel": filter_funnel(report),
        "structural": structural_view(report),  # cnv hook: structural funnel
        "status": status,
        "status_title": title,
        "status_sentence": sentence,
        "status_reason": str(dual.get("reason") or ""),
        "diagnoses": dxs,
        "letters": letters,
        "banner_counts": banner_counts,
        "matrix": mview,
        "glyphs": [(k, glyph_svg(k), MATCH_WORDS[k]) for k in
                   ("exact", "ancestor", "none", "contradicts", "missing")],
        "pedigree": ped,
        "legend_fills": legend_fills,
        "geno_legend": geno_legend,
        "samples": [
            {"id": str(s.get("sample_id")), "sex": str(s.get("sex")),
             "affected": str(s.get("affected")),
             "father": str(s.get("father") or "–"), "mother": str(s.get("mother") or "–"),
             "affected_for": _affected_for_text(s, report),
             "sequenced": any(str(s.get("sample_id")) in (v.get("genotypes") or {})
                              for v in _get_list(report, "variants")),
             "proband": s.get("sample_id") == report.get("proband")}
            for s in samples
        ],
        "others": other_variants(report, printed, sample_ids),
        "carriers": carrier_views(report),
        "not_checked": not_checked_view(report),
        "warnings": [str(w) for w in _get_list(report, "warnings")],
        "databases": [
            {"name": str(d.get("name")), "status": str(d.get("status")).replace("_", " "),
             "release": str(d.get("release") or "–"), "detail": str(d.get("detail") or ""),
             "sha256": str(d.get("sha256") or "")}
            for d in _get_list(report, "databases")
        ],
        "provenance": prov,
        "reanalysis": _reanalysis_view(reanalysis),
        "strengths": [("Very strong", 8), ("Strong", 4), ("Moderate", 2), ("Supporting", 1)],
        "mode_words": MODE_WORDS,
    }


def _region_words(i: int, n: int) -> str:
    if n <= 1:
        return "whole symbol"
    if n == 2:
        return ("left half", "right half")[i]
    return ("top-left quarter", "top-right quarter", "bottom-left quarter",
            "bottom-right quarter")[i] if i < 4 else "not drawn (more than four diagnoses)"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dualdx.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render_html(
    report: dict[str, Any],
    provenance: dict[str, Any] | None = None,
    reanalysis: dict[str, Any] | None = None,
) -> str:
    """The report as one self-contained HTML document (deterministic)."""
    ctx = build_context(report, provenance, reanalysis)
    return _environment().get_template("report.html.j2").render(**ctx)


def render_pdf(html: str, out_pdf: str) -> None:
    """Print ``html`` to ``out_pdf`` (A4) with WeasyPrint, atomically. Nothing is fetched: the
    URL fetcher refuses every URL."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: missing pango/harfbuzz shared libraries
        raise DualdxError(
            f"cannot write {out_pdf}: WeasyPrint is not usable ({exc}). Fix: `pip install "
            "weasyprint` and install its system libraries (Debian: libpango-1.0-0 "
            "libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core), or disable the PDF output"
        ) from exc

    doc = weasyprint.HTML(string=html, url_fetcher=_no_fetcher(weasyprint), base_url=None)
    with atomic.atomic_path(out_pdf) as tmp:
        doc.write_pdf(str(tmp))


def _no_fetcher(weasyprint: Any) -> Any:
    """A WeasyPrint URL fetcher that fetches nothing but ``data:`` URIs (the HTML has none)."""
    cls = getattr(getattr(weasyprint, "urls", None), "URLFetcher", None)
    if cls is not None:  # WeasyPrint >= 66
        return cls(allowed_protocols=["data"])

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"report rendering fetches nothing (refused {url!r})")

    return refuse


def _load_json(path: str | None, what: str) -> dict[str, Any] | None:
    if path is None:
        return None
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(p, f"cannot read the {what} ({exc.strerror})",
                         f"check that the {what} file exists and is readable") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(p, f"not valid JSON ({exc.msg})",
                         f"regenerate the {what}", where=f"line {exc.lineno}, column {exc.colno}"
                         ) from exc
    if not isinstance(data, dict):
        raise InputError(p, f"the {what} is a JSON {type(data).__name__}, not an object",
                         f"regenerate the {what}")
    return data


REQUIRED_KEYS = ("family", "proband", "samples", "variants", "diagnoses", "dual_diagnosis")


def run_render_report(
    report_json: str,
    provenance_json: str | None,
    reanalysis_json: str | None,
    out_html: str,
    out_pdf: str | None,
    log: logging.Logger,
) -> None:
    """Read the JSON inputs, write ``report.html`` (and ``report.pdf`` when asked) atomically."""
    report = _load_json(report_json, "report JSON")
    assert report is not None
    missing = [k for k in REQUIRED_KEYS if k not in report]
    if missing:
        raise InputError(report_json, f"missing required field(s) {', '.join(missing)}",
                         "produce report.json with the call_diagnoses stage "
                         "(schema workflow/schemas/report.schema.json)")
    provenance = _load_json(provenance_json, "provenance JSON")
    reanalysis = _load_json(reanalysis_json, "reanalysis JSON")
    html = render_html(report, provenance, reanalysis)
    atomic.write_text(out_html, html)
    log.info("wrote %s (%d bytes)", out_html, len(html.encode("utf-8")))
    if out_pdf:
        render_pdf(html, out_pdf)
        log.info("wrote %s", out_pdf)
