"""Reanalysis: what changed for one family since an earlier run, and why.

Compares this run's ``report.json`` with an earlier run's (``previous_results/<family>/``) and
attributes every change to what differed between the two runs' ``provenance.json`` files: a
database release, an input file, the ACMG rule set, the config or the workflow version. When
nothing recorded explains a change the cause is ``unknown``, never a guess.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualdx.core.atomic import write_text
from dualdx.core.errors import InputError
from dualdx.core.model import normalize_chrom

REANALYSIS_SCHEMA_VERSION = "1"

# Display names of database names used in DatabaseStatus.name.
DB_DISPLAY: dict[str, str] = {
    "clinvar": "ClinVar",
    "gnomad": "gnomAD",
    "hpo": "HPO",
    "transcripts": "transcript models",
    "reference_fasta": "reference genome",
    "revel": "REVEL",
    "spliceai": "SpliceAI",
    "cadd": "CADD",
}

# What each ACMG/AMP criterion depends on, as (kind, fragment) topics. A topic matches a
# provenance difference of the same kind whose name contains the fragment.
Topic = tuple[str, str]
_POPULATION: tuple[Topic, ...] = (("db", "gnomad"),)
_CLINVAR: tuple[Topic, ...] = (("db", "clinvar"),)
_TRANSCRIPT: tuple[Topic, ...] = (("db", "transcript"), ("db", "reference"), ("input", "transcript"))
_INSILICO: tuple[Topic, ...] = (
    ("db", "revel"),
    ("db", "cadd"),
    ("db", "spliceai"),
    ("db", "alphamissense"),
    ("db", "dbnsfp"),
    ("db", "score"),
)
_FAMILY: tuple[Topic, ...] = (("input", "vcf"), ("input", "ped"), ("input", "sample"))
_PHENOTYPE: tuple[Topic, ...] = (("input", "pheno"), ("input", "hpo"), ("db", "hpo"))
_GENE: tuple[Topic, ...] = (("input", "panel"),)
CRITERION_TOPICS: dict[str, tuple[Topic, ...]] = {
    "BA1": _POPULATION,
    "BS1": _POPULATION,
    "BS2": _POPULATION,
    "PM2": _POPULATION,
    "PS1": _CLINVAR,
    "PM5": _CLINVAR,
    "PP5": _CLINVAR,
    "BP6": _CLINVAR,
    "PM1": _CLINVAR + _TRANSCRIPT,
    "PVS1": _TRANSCRIPT,
    "PM4": _TRANSCRIPT,
    "BP3": _TRANSCRIPT,
    "BP7": _TRANSCRIPT + _INSILICO,
    "PP3": _INSILICO,
    "BP4": _INSILICO,
    "PS2": _FAMILY,
    "PM6": _FAMILY,
    "PM3": _FAMILY,
    "PP1": _FAMILY,
    "BS4": _FAMILY,
    "BP2": _FAMILY,
    "BP5": _FAMILY + _PHENOTYPE,
    "PP4": _PHENOTYPE,
    "PP2": _GENE,
    "BP1": _GENE,
}
_VARIANT_SET: tuple[Topic, ...] = (
    ("input", "vcf"),
    ("input", "panel"),
    ("input", "bed"),
    ("build", ""),
)
_DIAGNOSIS: tuple[Topic, ...] = _FAMILY + _PHENOTYPE + _GENE + (("input", "knowledge"),)
# Differences that may explain any change when nothing specific does.
_GENERIC_KINDS: tuple[str, ...] = ("ruleset", "config", "workflow")
_KIND_ORDER: dict[str, int] = {
    "build": 0,
    "db": 1,
    "input": 2,
    "ruleset": 3,
    "config": 4,
    "workflow": 5,
}


@dataclass(frozen=True)
class Difference:
    """One thing that differs between two runs' provenance (or reports)."""

    kind: str  # "db", "input", "ruleset", "config", "workflow", "build"
    name: str
    old: str | None
    new: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "old": self.old, "new": self.new,
                "text": self.text}

    def matches(self, topic: Topic) -> bool:
        kind, fragment = topic
        return self.kind == kind and fragment in self.name.lower()


# --------------------------------------------------------------------------- provenance diff


def _show(value: str | None) -> str:
    return value if value not in (None, "") else "none"


def _db_signature(entries: list[dict[str, Any]]) -> tuple[str, str, str]:
    """(statuses, releases, sha256s) of one database's entries, each '/'-joined and sorted."""
    statuses = "/".join(sorted({str(e.get("status")) for e in entries}))
    releases = "/".join(sorted({str(e.get("release")) for e in entries if e.get("release")}))
    shas = "/".join(sorted({str(e.get("sha256")) for e in entries if e.get("sha256")}))
    return statuses, releases, shas


def _group_databases(prov: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in prov.get("databases") or []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            groups.setdefault(entry["name"], []).append(entry)
    return groups


def _database_differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Difference]:
    old_g, new_g = _group_databases(old), _group_databases(new)
    diffs: list[Difference] = []
    for name in sorted(set(old_g) | set(new_g)):
        label = DB_DISPLAY.get(name, name)
        o = _db_signature(old_g[name]) if name in old_g else None
        n = _db_signature(new_g[name]) if name in new_g else None
        if o == n:
            continue
        if o is None and n is not None:
            text = f"{label} newly listed ({n[0]}, release {_show(n[1])})"
            diffs.append(Difference("db", name, None, n[1] or None, text))
            continue
        if n is None and o is not None:
            text = f"{label} no longer listed (was {o[0]}, release {_show(o[1])})"
            diffs.append(Difference("db", name, o[1] or None, None, text))
            continue
        assert o is not None and n is not None
        if o[1] != n[1]:
            text = f"{label} release {_show(o[1])} → {_show(n[1])}"
            if o[0] != n[0]:
                text += f" (status {o[0]} → {n[0]})"
        elif o[0] != n[0]:
            text = f"{label} status {o[0]} → {n[0]} (release {_show(n[1])})"
        else:
            text = (
                f"{label} file changed under the same release {_show(n[1])} "
                f"(sha256 {_show(o[2])[:12]} → {_show(n[2])[:12]})"
            )
        diffs.append(Difference("db", name, o[1] or None, n[1] or None, text))
    old_hpo, new_hpo = old.get("hpo_release"), new.get("hpo_release")
    if old_hpo != new_hpo and not any(d.name == "hpo" for d in diffs):
        text = f"HPO release {_show(old_hpo)} → {_show(new_hpo)}"
        diffs.append(Difference("db", "hpo", old_hpo, new_hpo, text))
    return diffs


def _input_shas(prov: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    inputs = prov.get("inputs") or {}
    if isinstance(inputs, dict):
        for role, records in inputs.items():
            if isinstance(records, list):
                out[str(role)] = tuple(
                    sorted(str(r.get("sha256")) for r in records if isinstance(r, dict))
                )
    return out


def _input_differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Difference]:
    o, n = _input_shas(old), _input_shas(new)
    diffs: list[Difference] = []
    for role in sorted(set(o) | set(n)):
        if o.get(role) == n.get(role):
            continue
        old_s = ",".join(s[:12] for s in o.get(role, ())) or None
        new_s = ",".join(s[:12] for s in n.get(role, ())) or None
        text = f"input '{role}' changed (sha256 {_show(old_s)} → {_show(new_s)})"
        diffs.append(Difference("input", role, old_s, new_s, text))
    return diffs


def _ruleset_text(ruleset: Any) -> str | None:
    if not isinstance(ruleset, dict) or not ruleset.get("name"):
        return None
    version = ruleset.get("version")
    return f"{ruleset['name']} ({version})" if version else str(ruleset["name"])


def _config_difference(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Difference]:
    o_sha, n_sha = old.get("config_sha256"), new.get("config_sha256")
    if o_sha is None or n_sha is None or o_sha == n_sha:
        return []
    o_cfg, n_cfg = old.get("config") or {}, new.get("config") or {}
    keys: list[str] = []
    if isinstance(o_cfg, dict) and isinstance(n_cfg, dict):
        keys = sorted(
            k
            for k in set(o_cfg) | set(n_cfg)
            if json.dumps(o_cfg.get(k), sort_keys=True, default=str)
            != json.dumps(n_cfg.get(k), sort_keys=True, default=str)
        )
    text = "config changed" + (f" ({', '.join(keys)})" if keys else "")
    return [Difference("config", "config", str(o_sha)[:12], str(n_sha)[:12], text)]


def run_differences(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_prov: Mapping[str, Any] | None,
    new_prov: Mapping[str, Any] | None,
) -> list[Difference]:
    """Everything recorded as different between two runs, in a fixed order."""
    diffs: list[Difference] = []
    if old.get("genome_build") != new.get("genome_build"):
        o_b, n_b = old.get("genome_build"), new.get("genome_build")
        diffs.append(Difference("build", "genome_build", o_b, n_b,
                                f"genome build {_show(o_b)} → {_show(n_b)}"))
    o_rs = _ruleset_text((old_prov or {}).get("ruleset") or old.get("ruleset"))
    n_rs = _ruleset_text((new_prov or {}).get("ruleset") or new.get("ruleset"))
    if o_rs is not None and n_rs is not None and o_rs != n_rs:
        diffs.append(Difference("ruleset", "ruleset", o_rs, n_rs,
                                f"ACMG rule set {o_rs} → {n_rs}"))
    if old_prov is not None and new_prov is not None:
        diffs += _database_differences(old_prov, new_prov)
        diffs += _input_differences(old_prov, new_prov)
        diffs += _config_difference(old_prov, new_prov)
        o_wv, n_wv = old_prov.get("workflow_version"), new_prov.get("workflow_version")
        if o_wv != n_wv:
            diffs.append(Difference("workflow", "workflow_version", o_wv, n_wv,
                                    f"workflow version {_show(o_wv)} → {_show(n_wv)}"))
    return sorted(diffs, key=lambda d: (_KIND_ORDER.get(d.kind, 9), d.name, d.text))


def attribute(
    topics: Iterable[Topic],
    diffs: list[Difference],
    have_provenance: bool,
) -> str:
    """The cause of a change: the recorded differences it depends on, else generic ones."""
    wanted = list(topics)
    relevant = [d.text for d in diffs if any(d.matches(t) for t in wanted)]
    if relevant:
        return "; ".join(dict.fromkeys(relevant))
    generic = [d.text for d in diffs if d.kind in _GENERIC_KINDS]
    if generic:
        return "; ".join(dict.fromkeys(generic))
    if not have_provenance:
        return "unknown (provenance.json missing for one of the runs)"
    if diffs:
        others = "; ".join(d.text for d in diffs)
        return f"unknown (none of the recorded changes bears on it: {others})"
    return "unknown (no database, input, rule-set, config or workflow change recorded)"


# --------------------------------------------------------------------------- report access


def norm_key(variant: Mapping[str, Any]) -> str:
    """Variant key with the contig written without ``chr``, so chr11/11 runs compare."""
    key = str(variant["key"])
    chrom, sep, rest = key.partition("-")
    return f"{normalize_chrom(chrom)}{sep}{rest}"


def _genomic_order(key: str) -> tuple[int, int, str, int, str, str]:
    parts = key.split("-")
    chrom = normalize_chrom(parts[0])
    pos = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    ref = parts[2] if len(parts) > 2 else ""
    alt = parts[3] if len(parts) > 3 else ""
    if chrom.isdigit():
        return (0, int(chrom), "", pos, ref, alt)
    return (1, 0, chrom, pos, ref, alt)


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
    old_prov: dict[str, Any] | None,
    new_prov: dict[str, Any] | None,
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
    order = lambda k: _genomic_order(k)  # noqa: E731

    added_keys = sorted(set(new_v) - set(old_v), key=order)
    removed_keys = sorted(set(old_v) - set(new_v), key=order)
    common = sorted(set(old_v) & set(new_v), key=order)
    set_cause = attribute(_VARIANT_SET, diffs, have_prov)
    variants_added = [{**_brief(new_v[k]), "cause": set_cause} for k in added_keys]
    variants_removed = [{**_brief(old_v[k]), "cause": set_cause} for k in removed_keys]

    clinvar_changed: list[dict[str, Any]] = []
    class_changed: list[dict[str, Any]] = []
    class_cause_by_key: dict[str, str] = {}
    for k in common:
        o, n = old_v[k], new_v[k]
        o_cv, n_cv = _clinvar_view(o), _clinvar_view(n)
        if o_cv != n_cv:
            clinvar_changed.append({
                "key": n["key"], "gene": n.get("gene"), "hgvs_c": n.get("hgvs_c"),
                "old": o_cv, "new": n_cv,
                "cause": attribute(_CLINVAR, diffs, have_prov),
            })
        if o.get("acmg_class") != n.get("acmg_class"):
            o_l, n_l = _labels(o), _labels(n)
            moved = sorted(o_l ^ n_l)
            topics = [t for label in moved for t in CRITERION_TOPICS.get(criterion_code(label), ())]
            cause = attribute(topics, diffs, have_prov)
            class_cause_by_key[k] = cause
            class_changed.append({
                "key": n["key"], "gene": n.get("gene"), "hgvs_c": n.get("hgvs_c"),
                "old_class": o.get("acmg_class"), "new_class": n.get("acmg_class"),
                "old_points": o.get("acmg_points"), "new_points": n.get("acmg_points"),
                "criteria_added": sorted(n_l - o_l), "criteria_removed": sorted(o_l - n_l),
                "cause": cause,
            })

    def diagnosis_cause(d_old: Mapping[str, Any] | None, d_new: Mapping[str, Any] | None) -> str:
        keys = {
            norm_key({"key": v})
            for d in (d_old, d_new) if d is not None
            for v in d.get("variants") or []
        }
        causes = [class_cause_by_key[k] for k in sorted(keys, key=order) if k in class_cause_by_key]
        if causes:
            return "; ".join(dict.fromkeys(causes))
        # None of its variants changed class: only family, phenotype or gene-disease
        # knowledge changes (or the code) can have moved it.
        return attribute(_DIAGNOSIS, diffs, have_prov)

    old_d, new_d = _diagnoses(old), _diagnoses(new)
    diagnoses_added = [
        {**_diagnosis_brief(new_d[i]), "cause": diagnosis_cause(None, new_d[i])}
        for i in sorted(set(new_d) - set(old_d))
    ]
    diagnoses_removed = [
        {**_diagnosis_brief(old_d[i]), "cause": diagnosis_cause(old_d[i], None)}
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
            "cause": diagnosis_cause(old_d[i], new_d[i]),
        })

    dual: dict[str, Any] | None = None
    o_dual, n_dual = _dual_status(old), _dual_status(new)
    if o_dual != n_dual:
        d_causes = [c["cause"] for c in diagnoses_added + diagnoses_removed + diagnoses_changed]
        dual = {
            "old": o_dual,
            "new": n_dual,
            "cause": "; ".join(dict.fromkeys(d_causes))
            if d_causes
            else attribute(_DIAGNOSIS, diffs, have_prov),
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
    for k in sorted(new_v, key=_genomic_order):
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


def no_previous(new: dict[str, Any], new_prov: dict[str, Any] | None, where: str) -> dict[str, Any]:
    """The reanalysis document when the family has no earlier report: everything is added."""
    new_v = _variants(new)
    order = sorted(new_v, key=_genomic_order)
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
    new = check_report(_read_json(new_path, "report"), new_path)
    new_prov = _read_object(Path(new_provenance_json), "provenance")
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
    write_text(out_json, json.dumps(result, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    log.info("reanalysis %s: %s -> %s", family, result["summary"], out_json)
