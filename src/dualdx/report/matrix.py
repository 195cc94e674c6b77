"""The phenotype × diagnosis matrix for the page: rows (the proband's terms in bands), columns
(the reported diagnoses in report order A, B, …, then other candidates), counts and footnotes.
The template draws it as an HTML table (glyph + shade per cell, never colour alone); a table
reflows, scrolls on a phone and prints several times faster than the same grid in SVG.

Reads ``phenotype_matrix`` (cells, terms, and per term an optional annotation-gap sentence in
``annotation_gap`` or ``note``) with ``diseases[].matches`` as a fallback for missing cells."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dualdx.interpretation.phenotype_match import EXPLAINING
from dualdx.interpretation.relatives import diagnosis_order, disease_display_name
from dualdx.report.evidence import get_list
from dualdx.report.svg import letter
from dualdx.report.words import MODE_SHORT

#: Semantic (not exact) kinds among the phenotype rule's explaining matches.
SEMANTIC = EXPLAINING - {"exact"}
MOI_TERMS = {"HP:0000005", "HP:0000006", "HP:0000007", "HP:0001417", "HP:0001419", "HP:0001423"}
GAP_KEYS = ("annotation_gap_text", "annotation_gap", "note")
MATCH_WORDS: dict[str, str] = {
    "exact": "exact match",
    "ancestor": "semantic match (the disease is annotated with a more specific term)",
    "descendant": "semantic match (the disease is annotated with a broader term)",
    "related": "related feature (the disease is annotated with a neighbouring term; they share an "
               "informative broader term)",
    "none": "no match",
    "contradicts": "contradicts the disease",
    "missing": "not assessed",
}


@dataclass(frozen=True)
class MatrixColumn:
    """One disease column: ``letter`` is set only for reported diagnoses (A, B, …)."""

    disease_id: str
    title: str  # disease name
    subtitle: str  # "GENE · MOI"
    letter: str | None


@dataclass(frozen=True)
class MatrixRow:
    hpo_id: str
    name: str
    excluded: bool
    band: str  # "A only", "blended", "B only", "unexplained", "excluded"
    cells: tuple[str, ...]  # one match value per column ("missing" when absent)
    explained_by: str  # text of the derived column


BAND_TITLES = {"blended": "explained by both (blended)", "unexplained": "explained by neither",
               "excluded": "recorded as absent"}


def diagnosis_letters(report: Mapping[str, Any]) -> dict[str, str]:
    """Disease ID → letter, in :func:`diagnosis_order` (A is ``dual_diagnosis.diagnoses[0]``)."""
    out: dict[str, str] = {}
    for dx in diagnosis_order(report):
        did = str(dx.get("disease_id", ""))
        if did and did not in out:
            out[did] = letter(len(out))
    return out


def proband_terms(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The proband's HPO terms: from the matrix when given, else from the proband's sample.
    Mode-of-inheritance terms are dropped."""
    terms = get_list(report.get("phenotype_matrix", {}) or {}, "terms")
    if not terms:
        for s in get_list(report, "samples"):
            if s.get("sample_id") == report.get("proband"):
                terms = get_list(s, "phenotypes")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for t in terms:
        tid = str(t.get("id", ""))
        if tid in MOI_TERMS or tid in seen:
            continue
        seen.add(tid)
        gap = next((str(t[k]) for k in GAP_KEYS if isinstance(t.get(k), str) and t[k]), None)
        out.append({"id": tid, "name": str(t.get("name") or tid), "excluded": bool(t.get("excluded")),
                    "gap": gap})
    return out


def explained_sets(report: Mapping[str, Any]) -> dict[str, set[str]]:
    """Per reported diagnosis the HPO terms it explains (``explained_hpo`` together with
    ``dual_diagnosis.explained_by_each``)."""
    out: dict[str, set[str]] = {}
    for dx in get_list(report, "diagnoses"):
        did = str(dx.get("disease_id", ""))
        out.setdefault(did, set()).update(str(h) for h in get_list(dx, "explained_hpo"))
    each = (report.get("dual_diagnosis") or {}).get("explained_by_each") or {}
    if isinstance(each, dict):
        for did, terms in each.items():
            if did in out and isinstance(terms, list):
                out[did].update(str(h) for h in terms)
    return out


def band_of(term: Mapping[str, Any], explained: Mapping[str, set[str]],
            letters: Mapping[str, str]) -> str:
    """'A only', 'blended', 'unexplained' or 'excluded'."""
    if term.get("excluded"):
        return "excluded"
    by = [letters[d] for d in letters if term["id"] in explained.get(d, set())]
    if not by:
        return "unexplained"
    return f"{by[0]} only" if len(by) == 1 else "blended"


def band_order(letters: Sequence[str]) -> list[str]:
    """A only → blended → B only → C only … → unexplained → excluded."""
    bands = [f"{letters[0]} only"] if letters else []
    if len(letters) >= 2:
        bands.append("blended")
    bands.extend(f"{x} only" for x in letters[1:])
    bands.extend(["unexplained", "excluded"])
    return bands


def cells_lookup(matrix: Mapping[str, Any]) -> dict[str, dict[str, str]]:
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
    """Rows, columns, counts, notes and the SVG of the phenotype × diagnosis matrix."""
    letters = diagnosis_letters(report)
    diseases = {str(d.get("disease_id")): d for d in get_list(report, "diseases")}
    diagnoses = {str(d.get("disease_id")): d for d in get_list(report, "diagnoses")}
    matrix = report.get("phenotype_matrix") or {}
    col_ids = [str(c) for c in get_list(matrix, "columns")]
    ordered = list(letters) + [c for c in col_ids if c not in letters]
    columns: list[MatrixColumn] = []
    for did in ordered:
        info = diagnoses.get(did) or diseases.get(did) or {}
        dis = diseases.get(did, {})
        name = (disease_display_name(info, get_list(report, "diseases")) if did in diagnoses
                else str(dis.get("disease_name") or did))
        gene = str(info.get("gene") or dis.get("gene") or "gene not given")
        modes = ([str(info["inheritance_mode"])] if info.get("inheritance_mode")
                 else [str(m) for m in get_list(dis, "modes")])
        moi = "/".join(MODE_SHORT.get(m, m) for m in modes) or "MOI not given"
        columns.append(MatrixColumn(did, name, f"{gene} · {moi}", letters.get(did)))
    cells = cells_lookup(matrix)
    semantic_terms: dict[tuple[str, str], tuple[str | None, float | None]] = {}
    for did, dis in diseases.items():
        for m in get_list(dis, "matches"):
            hid = str(m.get("hpo_id"))
            cells.setdefault(hid, {}).setdefault(did, str(m.get("match")))
            semantic_terms[(hid, did)] = (m.get("disease_term"), m.get("shared_ic"))
    explained = explained_sets(report)
    terms = proband_terms(report)
    bands = band_order(list(letters.values()))
    rows: list[MatrixRow] = []
    notes: list[dict[str, str]] = []
    for t in terms:
        band = band_of(t, explained, letters)
        expl = {"excluded": "absent (excluded)", "unexplained": "neither"}.get(band, band)
        if band == "unexplained" and t["gap"]:
            expl = "not annotated"
        kinds = tuple(k if k in MATCH_WORDS else "missing"
                      for k in (cells.get(t["id"], {}).get(c.disease_id, "missing") for c in columns))
        rows.append(MatrixRow(t["id"], t["name"], t["excluded"], band, kinds, expl))
        if t["gap"]:
            notes.append({"term": f"{t['name']} ({t['id']})", "text": t["gap"]})
    rank = {b: i for i, b in enumerate(bands)}
    rows.sort(key=lambda r: rank.get(r.band, len(rank)))  # stable: producer order within bands
    present = [r for r in rows if not r.excluded]
    footer = [f"{sum(1 for r in present if r.cells[j] in EXPLAINING)}"
              f"/{len(present)}" for j in range(len(columns))]
    union = sum(1 for r in present if r.band not in ("unexplained", "excluded"))
    coverage = (f"Explained by the reported diagnoses together: {union} of {len(present)} present terms"
                if letters else f"No reported diagnosis: 0 of {len(present)} present terms explained")
    counts = {b: sum(1 for r in rows if r.band == b) for b in bands}
    semantic = []
    for r in rows:
        for j, c in enumerate(columns):
            if r.cells[j] in SEMANTIC:
                dterm, ic = semantic_terms.get((r.hpo_id, c.disease_id), (None, None))
                semantic.append({"term": f"{r.name} ({r.hpo_id})", "disease": c.title,
                                 "letter": c.letter, "kind": r.cells[j],
                                 "disease_term": dterm,
                                 "ic": f"{ic:.1f}" if isinstance(ic, int | float) else None})
    groups = [{"band": b, "title": BAND_TITLES.get(b, f"explained by {b}"),
               "rows": [r for r in rows if r.band == b]}
              for b in bands if any(r.band == b for r in rows)]
    return {"rows": rows, "columns": columns, "counts": counts, "bands": bands, "groups": groups,
            "present": len(present), "explained_union": union, "footer": footer,
            "coverage": coverage, "drawn": bool(rows and columns),
            "semantic": semantic, "notes": notes}
