"""Reanalysis: what changed for one family since an earlier run, and why.

Compares this run's ``report.json`` with an earlier run's (``previous_results/<family>/``) and
attributes every change to its most specific cause. A variant's ClinVar or class change is
attributed to what differed between the two runs' ``provenance.json`` files (a database release,
an input file, the ACMG rule set, the config or the workflow version). A diagnosis or the dual
status is attributed to what moved it (:class:`SpecificCauses`): the ClinVar record of one of
its variants, a reclassification with the criteria it gained or lost, an inheritance call, or
the proband's recorded features; the run differences only when none of these explains it. When
nothing recorded explains a change the cause is ``unknown``, never a guess.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dualdx.core.contracts import read_stage_file, write_stage_file
from dualdx.core.errors import InputError
from dualdx.provenance.causes import (
    CLINVAR_TOPICS,
    CRITERION_TOPICS,
    VARIANT_SET_TOPICS,
    SpecificCauses,
    attribute,
    genomic_order,
    norm_key,
    run_differences,
)

REANALYSIS_SCHEMA_VERSION = "1"

# --------------------------------------------------------------------------- report access


def _variants(report: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {norm_key(v): v for v in report.get("variants") or []}


def _clinvar_view(variant: Mapping[str, Any]) -> dict[str, Any] | None:
    cv = variant.get("clinvar")
    if not isinstance(cv, dict):
        return None
    return {
        "significance": cv.get("significance"),
        "stars": cv.get("stars"),
        "review_status": cv.get("review_status"),
    }


def _labels(variant: Mapping[str, Any]) -> set[str]:
    return {
        str(c.get("label") or c.get("code"))
        for c in variant.get("acmg_criteria") or []
        if isinstance(c, dict)
    }


def criterion_code(label: str) -> str:
    """``PM2_Supporting`` → ``PM2``; ``PVS1 (Strong)`` → ``PVS1``."""
    code = ""
    for ch in label.upper():
        if ch.isalnum():
            code += ch
        else:
            break
    return code


def _brief(variant: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "key": variant["key"],
        "gene": variant.get("gene"),
        "hgvs_c": variant.get("hgvs_c"),
        "hgvs_p": variant.get("hgvs_p"),
        "acmg_class": variant.get("acmg_class"),
    }


def _diagnoses(report: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (str(d.get("disease_id")), str(d.get("gene"))): d
        for d in report.get("diagnoses") or []
        if isinstance(d, dict)
    }


def _diagnosis_brief(d: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "gene": d.get("gene"),
        "disease_id": d.get("disease_id"),
        "disease_name": d.get("disease_name"),
        "status": d.get("status"),
        "variants": sorted(str(k) for k in d.get("variants") or []),
    }


def _dual_status(report: Mapping[str, Any]) -> str | None:
    dual = report.get("dual_diagnosis")
    return str(dual["status"]) if isinstance(dual, dict) and dual.get("status") else None


def prov_date(prov: Mapping[str, Any] | None) -> str | None:
    """Date part (YYYY-MM-DD) of a provenance ``generated_at``; None if absent or malformed."""
    if not prov or not isinstance(prov.get("generated_at"), str):
        return None
    try:
        return dt.date.fromisoformat(prov["generated_at"][:10]).isoformat()
    except ValueError:
        return None


# --------------------------------------------------------------------------- comparison


def compare_reports(
    old: dict[str, Any],
    new: dict[str, Any],
    old_prov: Mapping[str, Any] | None,
    new_prov: Mapping[str, Any] | None,
    *,
    previous_history: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What changed from ``old`` to ``new`` (two report.json dicts), each change with its cause.

    ``previous_history`` is the ``variant_history`` of the previous run's reanalysis.json (if
    that run was itself a reanalysis): ``first_seen``/``last_changed`` are carried from it.
    """
    diffs = run_differences(old, new, old_prov, new_prov)
    have_prov = old_prov is not None and new_prov is not None
    old_v, new_v = _variants(old), _variants(new)
    order = lambda k: genomic_order(k)  # noqa: E731

    added_keys = sorted(set(new_v) - set(old_v), key=order)
    removed_keys = sorted(set(old_v) - set(new_v), key=order)
    common = sorted(set(old_v) & set(new_v), key=order)
    set_cause = attribute(VARIANT_SET_TOPICS, diffs, have_prov)
    variants_added = [{**_brief(new_v[k]), "cause": set_cause} for k in added_keys]
    variants_removed = [{**_brief(old_v[k]), "cause": set_cause} for k in removed_keys]

    clinvar_changed: list[dict[str, Any]] = []
    class_changed: list[dict[str, Any]] = []
    for k in common:
        o, n = old_v[k], new_v[k]
        o_cv, n_cv = _clinvar_view(o), _clinvar_view(n)
        if o_cv != n_cv:
            clinvar_changed.append({
                "key": n["key"], "gene": n.get("gene"), "hgvs_c": n.get("hgvs_c"),
                "old": o_cv, "new": n_cv,
                "cause": attribute(CLINVAR_TOPICS, diffs, have_prov),
            })
        if o.get("acmg_class") != n.get("acmg_class"):
            o_l, n_l = _labels(o), _labels(n)
            moved = sorted(o_l ^ n_l)
            topics = [t for label in moved for t in CRITERION_TOPICS.get(criterion_code(label), ())]
            cause = attribute(topics, diffs, have_prov)
            class_changed.append({
                "key": n["key"], "gene": n.get("gene"), "hgvs_c": n.get("hgvs_c"),
                "old_class": o.get("acmg_class"), "new_class": n.get("acmg_class"),
                "old_points": o.get("acmg_points"), "new_points": n.get("acmg_points"),
                "criteria_added": sorted(n_l - o_l), "criteria_removed": sorted(o_l - n_l),
                "cause": cause,
            })

    specific = SpecificCauses(old, new, old_v, new_v, diffs, have_prov, clinvar_changed,
                              class_changed)

    old_d, new_d = _diagnoses(old), _diagnoses(new)
    diagnoses_added = [
        {**_diagnosis_brief(new_d[i]), "cause": specific.diagnosis(None, new_d[i])}
        for i in sorted(set(new_d) - set(old_d))
    ]
    diagnoses_removed = [
        {**_diagnosis_brief(old_d[i]), "cause": specific.diagnosis(old_d[i], None)}
        for i in sorted(set(old_d) - set(new_d))
    ]
    diagnoses_changed: list[dict[str, Any]] = []
    for i in sorted(set(old_d) & set(new_d)):
        ob, nb = _diagnosis_brief(old_d[i]), _diagnosis_brief(new_d[i])
        if ob["status"] == nb["status"] and ob["variants"] == nb["variants"]:
            continue
        diagnoses_changed.append({
            "gene": nb["gene"], "disease_id": nb["disease_id"], "disease_name": nb["disease_name"],
            "old_status": ob["status"], "new_status": nb["status"],
            "variants_added": sorted(set(nb["variants"]) - set(ob["variants"])),
            "variants_removed": sorted(set(ob["variants"]) - set(nb["variants"])),
            "cause": specific.diagnosis(old_d[i], new_d[i]),
        })

    dual: dict[str, Any] | None = None
    o_dual, n_dual = _dual_status(old), _dual_status(new)
    if o_dual != n_dual:
        d_causes = [c["cause"] for c in diagnoses_added + diagnoses_removed + diagnoses_changed]
        dual = {
            "old": o_dual,
            "new": n_dual,
            "cause": "; ".join(dict.fromkeys(d_causes)) if d_causes else specific.dual(),
        }

    changes: dict[str, Any] = {
        "variants_added": variants_added,
        "variants_removed": variants_removed,
        "clinvar_changed": clinvar_changed,
        "class_changed": class_changed,
        "diagnoses_added": diagnoses_added,
        "diagnoses_removed": diagnoses_removed,
        "diagnoses_changed": diagnoses_changed,
        "dual_status": dual,
    }
    changed_keys = set(added_keys) | {norm_key(c) for c in clinvar_changed + class_changed}
    history = variant_history(
        new_v, old_v, changed_keys, prov_date(old_prov), prov_date(new_prov), previous_history
    )
    warnings: list[str] = []
    if old.get("family") != new.get("family"):
        warnings.append(
            f"previous report is for family {old.get('family')!r}, this one for "
            f"{new.get('family')!r}"
        )
    if any(d.kind == "build" for d in diffs):
        warnings.append(
            "genome builds differ: variant keys are build coordinates, so every variant shows "
            "as removed and added"
        )
    if not have_prov:
        warnings.append("provenance.json missing for one of the runs: causes cannot be attributed")
    result: dict[str, Any] = {
        "schema_version": REANALYSIS_SCHEMA_VERSION,
        "family": new.get("family"),
        "previous_found": True,
        "previous_date": (old_prov or {}).get("generated_at"),
        "previous_workflow_version": (old_prov or {}).get("workflow_version"),
        "date": (new_prov or {}).get("generated_at"),
        "workflow_version": (new_prov or {}).get("workflow_version"),
        "run_differences": [d.to_dict() for d in diffs],
        "changes": changes,
        "variant_history": history,
        "warnings": warnings,
    }
    result["summary"] = summarize(result)
    return result


def variant_history(
    new_v: Mapping[str, Mapping[str, Any]],
    old_v: Mapping[str, Mapping[str, Any]],
    changed: set[str],
    old_date: str | None,
    new_date: str | None,
    previous: Mapping[str, Any] | None,
) -> dict[str, dict[str, str | None]]:
    """``{key: {first_seen, last_changed}}`` for every variant of the new report.

    A variant unseen before is first seen now; one seen before keeps the earlier first_seen
    (from the previous history, else the previous run's date). last_changed moves to now when
    the variant was added or its ClinVar record or ACMG class changed.
    """
    prev = {norm_key({"key": k}): v for k, v in (previous or {}).items() if isinstance(v, dict)}
    out: dict[str, dict[str, str | None]] = {}
    for k in sorted(new_v, key=genomic_order):
        key = str(new_v[k]["key"])
        if k not in old_v:
            out[key] = {"first_seen": new_date, "last_changed": new_date}
            continue
        h = prev.get(k, {})
        first = h.get("first_seen") or old_date
        last = new_date if k in changed else (h.get("last_changed") or old_date)
        out[key] = {"first_seen": first, "last_changed": last}
    return out


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summarize(result: Mapping[str, Any]) -> str:
    """One sentence saying what changed and, in short, why."""
    c = result["changes"]
    if not result.get("previous_found"):
        return (
            f"No previous report was found for family {result.get('family')}, so all "
            f"{_count(len(c['variants_added']), 'variant', 'variants')} and "
            f"{_count(len(c['diagnoses_added']), 'diagnosis', 'diagnoses')} of this run are new."
        )
    when = result.get("previous_date") or "an undated earlier run"
    when = f"the run of {when[:10]}" if result.get("previous_date") else when
    parts: list[str] = []
    for field, one, many in (
        ("variants_added", "variant added", "variants added"),
        ("variants_removed", "variant removed", "variants removed"),
        ("clinvar_changed", "variant with a changed ClinVar record",
         "variants with a changed ClinVar record"),
        ("class_changed", "variant with a changed ACMG class",
         "variants with a changed ACMG class"),
        ("diagnoses_added", "diagnosis added", "diagnoses added"),
        ("diagnoses_removed", "diagnosis removed", "diagnoses removed"),
        ("diagnoses_changed", "diagnosis changed", "diagnoses changed"),
    ):
        if c[field]:
            parts.append(_count(len(c[field]), one, many))
    if c["dual_status"]:
        parts.append(
            f"dual-diagnosis status {c['dual_status']['old']} → {c['dual_status']['new']}"
        )
    between = [d["text"] for d in result.get("run_differences") or []]
    tail = f" (between the runs: {'; '.join(between)})" if between else ""
    if not parts:
        return f"Nothing changed in variants, ClinVar, ACMG classes or diagnoses since {when}{tail}."
    return f"Since {when}: {', '.join(parts)}{tail}."


def no_previous(new: dict[str, Any], new_prov: Mapping[str, Any] | None, where: str
                ) -> dict[str, Any]:
    """The reanalysis document when the family has no earlier report: everything is added."""
    new_v = _variants(new)
    order = sorted(new_v, key=genomic_order)
    date = prov_date(new_prov)
    cause = f"no previous report at {where}"
    changes: dict[str, Any] = {
        "variants_added": [{**_brief(new_v[k]), "cause": cause} for k in order],
        "variants_removed": [],
        "clinvar_changed": [],
        "class_changed": [],
        "diagnoses_added": [
            {**_diagnosis_brief(d), "cause": cause}
            for _, d in sorted(_diagnoses(new).items())
        ],
        "diagnoses_removed": [],
        "diagnoses_changed": [],
        "dual_status": None,
    }
    result: dict[str, Any] = {
        "schema_version": REANALYSIS_SCHEMA_VERSION,
        "family": new.get("family"),
        "previous_found": False,
        "previous_report": where,
        "previous_date": None,
        "previous_workflow_version": None,
        "date": (new_prov or {}).get("generated_at"),
        "workflow_version": (new_prov or {}).get("workflow_version"),
        "run_differences": [],
        "changes": changes,
        "variant_history": {
            str(new_v[k]["key"]): {"first_seen": date, "last_changed": date} for k in order
        },
        "warnings": [f"no previous report for family {new.get('family')} at {where}"],
    }
    result["summary"] = summarize(result)
    return result


# --------------------------------------------------------------------------- files


def _read_json(path: Path, what: str) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError as exc:
        raise InputError(path, f"{what} does not exist", "re-run the workflow stage that writes it"
                         ) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            path,
            f"{what} is not valid JSON ({exc})",
            "restore the file from the earlier run, or remove previous_results from the config",
        ) from exc


def check_report(doc: Any, path: Path) -> dict[str, Any]:
    """The structural checks reanalysis relies on (keys unique, lists where lists belong)."""
    fix = "point previous_results at an intact results/ folder of an earlier dualdx run"
    if not isinstance(doc, dict):
        raise InputError(path, "report is not a JSON object", fix)
    variants = doc.get("variants")
    if not isinstance(variants, list):
        raise InputError(path, "report has no 'variants' list", fix, where="variants")
    seen: set[str] = set()
    for i, v in enumerate(variants):
        key = v.get("key") if isinstance(v, dict) else None
        if not isinstance(key, str) or key.count("-") < 3:
            raise InputError(path, "variant without a chrom-pos-ref-alt 'key'", fix,
                             where=f"variants[{i}]")
        nk = norm_key(v)
        if nk in seen:
            raise InputError(path, f"variant {key} is listed twice", fix, where=f"variants[{i}]")
        seen.add(nk)
    for field in ("diagnoses", "carriers"):
        if field in doc and not isinstance(doc[field], list):
            raise InputError(path, f"'{field}' is not a list", fix, where=field)
    if "dual_diagnosis" in doc and not isinstance(doc["dual_diagnosis"], dict):
        raise InputError(path, "'dual_diagnosis' is not an object", fix, where="dual_diagnosis")
    return doc


def _read_object(path: Path, what: str) -> dict[str, Any]:
    doc = _read_json(path, what)
    if not isinstance(doc, dict):
        raise InputError(path, f"{what} is not a JSON object",
                         "restore it from the run that wrote it")
    return doc


def run_compare(
    new_report_json: str,
    new_provenance_json: str,
    previous_dir: str,
    family: str,
    out_json: str,
    log: logging.Logger,
) -> None:
    """Write ``reanalysis.json``: this run's report compared with ``previous_dir/<family>/``."""
    prev_root = Path(previous_dir)
    if not prev_root.is_dir():
        raise InputError(
            previous_dir,
            "previous_results is not a directory",
            "set previous_results to the results/ folder of an earlier run, or remove it",
        )
    new_path = Path(new_report_json)
    # this run's report through its contract; the reanalysis checks (keys unique) on top
    new = check_report(read_stage_file("report", new_path), new_path)
    new_prov = read_stage_file("provenance", new_provenance_json)
    fam_dir = prev_root / family
    old_path = fam_dir / "report.json"
    if old_path.exists() and old_path.resolve() == new_path.resolve():
        raise InputError(
            previous_dir,
            "previous_results is this run's own results folder, so the report would be "
            "compared with itself",
            "copy the earlier run's results/ elsewhere and point previous_results there",
        )
    if not old_path.is_file():
        log.info("reanalysis %s: no previous report at %s; everything is new", family, old_path)
        result = no_previous(new, new_prov, str(old_path))
    else:
        old = check_report(_read_json(old_path, "previous report"), old_path)
        old_prov_path = fam_dir / "provenance.json"
        old_prov: dict[str, Any] | None = None
        if old_prov_path.is_file():
            old_prov = _read_object(old_prov_path, "previous provenance")
        else:
            log.warning("reanalysis %s: %s missing; causes will be 'unknown'", family,
                        old_prov_path)
        history: Mapping[str, Any] | None = None
        old_re_path = fam_dir / "reanalysis.json"
        if old_re_path.is_file():
            old_re = _read_object(old_re_path, "previous reanalysis")
            hist = old_re.get("variant_history")
            if not isinstance(hist, dict):
                raise InputError(old_re_path, "'variant_history' is not an object",
                                 "restore it from the run that wrote it", where="variant_history")
            history = hist
        result = compare_reports(old, new, old_prov, new_prov, previous_history=history)
        result["previous_report"] = str(old_path)
    write_stage_file("reanalysis", out_json, result, indent=2, ensure_ascii=False)
    log.info("reanalysis %s: %s -> %s", family, result["summary"], out_json)
