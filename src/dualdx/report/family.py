"""The family on the page: pedigree symbols, the family table (affection per diagnosis, '?'
where unknown) and the results for relatives (``report.json`` ``relatives``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dualdx.interpretation.relatives import (
    affection,
    pedigree_people,
    relationship,
    relatives,
)
from dualdx.report.evidence import get_list, variant_index
from dualdx.report.svg import PedMember
from dualdx.report.words import (
    GENOTYPE_WORDS,
    RELATIVE_STATUS_WORDS,
    compact_genotype,
    genotype_copies,
)

AFFECTION_MARK = {"affected": "affected", "unaffected": "unaffected", "unknown": "?"}


def pedigree_members(report: Mapping[str, Any], cards: Sequence[Mapping[str, Any]]
                     ) -> tuple[list[PedMember], list[dict[str, str]]]:
    """Pedigree symbols (one region per diagnosis: filled when affected with its disease, '?'
    when that is unknown, a carrier dot or heterozygote line from the genotype) and the legend
    of the genotype labels."""
    vidx = variant_index(report)
    proband = report.get("proband")
    legend: list[dict[str, str]] = []
    per_dx: list[tuple[list[str], list[str]]] = []
    for dx in cards:
        keys = [k for k in dx["keys"] if k in vidx]
        labs = ["v"] if len(keys) == 1 else [f"v{i + 1}" for i in range(len(keys))]
        per_dx.append((keys, labs))
        for k, lab in zip(keys, labs, strict=True):
            v = vidx[k]
            legend.append({"gene": dx["gene"], "label": lab,
                           "variant": f"{v.get('hgvs_c') or k}"
                                      + (f" {v.get('hgvs_p')}" if v.get("hgvs_p") else "")})
    members = []
    for s in get_list(report, "samples"):
        sid = str(s.get("sample_id"))
        regions: list[str] = []
        labels: list[str] = []
        for (keys, labs), dx in zip(per_dx, cards, strict=True):
            gts: list[Any | None] = []
            for k in keys:
                g = (vidx[k].get("genotypes") or {}).get(sid)
                gts.append(g.get("gt") if isinstance(g, dict) else None)
            if keys:
                labels.append(compact_genotype(dx["gene"], labs, gts))
            alt_total = sum(genotype_copies(g)[0] for g in gts if g is not None)
            aff, _basis = affection(s, dx["disease_id"])
            tokens = []
            if aff == "affected":
                tokens.append("affected")
            elif alt_total >= 1:
                recessive = "recessive" in dx["mode"] or dx["mode"] == "x_linked"
                tokens.append("carrier" if recessive and alt_total == 1 else
                              "" if recessive else "heterozygote")
            if aff == "unknown" and sid != proband:
                tokens.append("unknown")
            regions.append(" ".join(t for t in tokens if t))
        members.append(PedMember(
            sample_id=sid, father=s.get("father") or None, mother=s.get("mother") or None,
            sex=str(s.get("sex") or "unknown"), affected=str(s.get("affected") or "unknown"),
            regions=tuple(regions), labels=tuple(labels), is_proband=sid == proband))
    return members, legend


def family_rows(report: Mapping[str, Any], cards: Sequence[Mapping[str, Any]]
                ) -> list[dict[str, Any]]:
    """One row per family member: relationship, sex, sequenced, affection per diagnosis."""
    proband = str(report.get("proband") or "")
    people = pedigree_people(report)
    rows = []
    for s in get_list(report, "samples"):
        sid = str(s.get("sample_id"))
        per = []
        for d in cards:
            aff, basis = affection(s, d["disease_id"])
            per.append({"letter": d["letter"], "mark": AFFECTION_MARK.get(aff, "?"),
                        "basis": basis})
        rows.append({
            "id": sid, "proband": sid == proband,
            "relationship": "proband" if sid == proband else relationship(proband, sid, people),
            "sex": str(s.get("sex") or "unknown"),
            "pedigree_status": str(s.get("affected") or "unknown"),
            "sequenced": (bool(s["sequenced"]) if "sequenced" in s else
                          any(sid in (v.get("genotypes") or {}) for v in get_list(report, "variants"))),
            "affection": per,
        })
    return rows


def _genotype_text(v: Mapping[str, Any]) -> str:
    state = str(v.get("genotype"))
    return f"{v.get('name')}: {GENOTYPE_WORDS.get(state, state.replace('_', ' '))}"


def relatives_view(report: Mapping[str, Any], cards: Sequence[Mapping[str, Any]]
                   ) -> list[dict[str, Any]]:
    """``report.json`` ``relatives`` for the page, letters added; a report written before that
    field existed gets it computed from its own fields by the same function."""
    rows = report.get("relatives")
    if not isinstance(rows, list):
        rows = relatives(report) if cards else []
    letters = {d["disease_id"]: d["letter"] for d in cards}
    genes = {d["disease_id"]: d["gene"] for d in cards}
    out = []
    for r in rows:
        if not isinstance(r, Mapping):
            continue
        variants = {str(v.get("variant")): v for v in r.get("variants") or []}
        dx_rows = []
        for d in r.get("diagnoses") or []:
            did = str(d.get("disease_id"))
            card = next((c for c in cards if c["disease_id"] == did), None)
            keys = card["keys"] if card else []
            dx_rows.append({
                "letter": letters.get(did, ""), "disease": str(d.get("disease_name") or did),
                "gene": genes.get(did, ""),
                "genotypes": [_genotype_text(variants[k]) for k in keys if k in variants],
                "status": RELATIVE_STATUS_WORDS.get(str(d.get("status")), str(d.get("status"))),
                "status_code": str(d.get("status")),
                "meaning": str(d.get("meaning") or ""),
            })
        out.append({"id": str(r.get("sample_id")), "relationship": str(r.get("relationship") or ""),
                    "tested": bool(r.get("tested")), "rows": dx_rows})
    return out
