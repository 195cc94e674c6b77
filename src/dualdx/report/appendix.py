"""The run record (appendix) and the "What changed since" section.

``provenance.json`` (``dualdx.provenance.record``) becomes one compact table: versions, the
configuration checksum, rule set, HPO release, each database and input with its checksum, and
the software. The run's wall-clock time stays in provenance.json so the same inputs give the
same page; a date fixed by ``SOURCE_DATE_EPOCH`` is reproducible and shown.

``reanalysis.json`` (``dualdx.provenance.reanalysis``) is shown as a list of changes, each with
its cause; files in another shape are shown generically (every key, nothing dropped).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

from dualdx.report.words import stars_text

DATE_KEYS = ("date", "run_date", "created", "created_at", "generated", "generated_at", "timestamp")


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


def run_date(prov: Mapping[str, Any] | None) -> str | None:
    """The analysis date when it is reproducible (SOURCE_DATE_EPOCH), else None."""
    if not prov or prov.get("generated_at_source") != "SOURCE_DATE_EPOCH":
        return None
    d = _first(prov, DATE_KEYS)
    return str(d)[:10] if d else None


def provenance_rows(prov: Mapping[str, Any] | None, report: Mapping[str, Any]
                    ) -> list[tuple[str, str, str]]:
    """(item, value, checksum) rows of the run record."""
    rows: list[tuple[str, str, str]] = []
    if prov:
        rows.append(("Workflow version", f"{_scalar(prov.get('workflow_version'))} (dualdx "
                     f"{_scalar(prov.get('dualdx_version'))})", ""))
        date = run_date(prov)
        rows.append(("Run date", date or "kept in provenance.json only, so that a rerun gives "
                     "an identical page", ""))
        rows.append(("Configuration", ", ".join(str(PurePath(str(c.get("path")))) for c in
                                                prov.get("config_files") or [] if isinstance(c, Mapping))
                     or "bundled defaults", str(prov.get("config_sha256") or "")))
    rs = (prov or {}).get("ruleset") or report.get("ruleset") or {}
    if isinstance(rs, Mapping):
        rows.append(("ACMG rule set", f"{rs.get('name')} ({rs.get('version')})", ""))
    rows.append(("HPO release", _scalar((prov or {}).get("hpo_release") or report.get("hpo_release")), ""))
    dbs = (prov or {}).get("databases") or report.get("databases") or []
    for d in dbs:
        if isinstance(d, Mapping):
            rel = f"release {d.get('release')}" if d.get("release") else "no release"
            rows.append((f"Database: {d.get('name')}", f"{str(d.get('status')).replace('_', ' ')}, {rel}"
                         + (f"; {PurePath(str(d['path'])).name}" if d.get("path") else ""),
                         str(d.get("sha256") or "")))
    inputs = (prov or {}).get("inputs") or {}
    if isinstance(inputs, Mapping):
        for role, recs in inputs.items():
            for r in recs if isinstance(recs, list) else []:
                if isinstance(r, Mapping):
                    rows.append((f"Input: {role}", PurePath(str(r.get("path"))).name,
                                 str(r.get("sha256") or "")))
    if prov:
        pk = prov.get("packages") or {}
        soft = [f"Python {prov.get('python_version')}", f"Snakemake {prov.get('snakemake_version')}"]
        soft += [f"{k} {v}" for k, v in sorted(pk.items())] if isinstance(pk, Mapping) else []
        rows.append(("Software", ", ".join(soft), ""))
    rows.append(("Report data schema", _scalar(report.get("schema_version")), ""))
    return rows


# --------------------------------------------------------------------------- reanalysis


def _cv(x: Any) -> str:
    if not isinstance(x, Mapping):
        return "not in ClinVar"
    return f"{x.get('significance')} {stars_text(x.get('stars'))}"


def _variant(c: Mapping[str, Any]) -> str:
    return f"{c.get('gene') or ''} {c.get('hgvs_c') or c.get('key')}".strip()


def _items(changes: Mapping[str, Any]) -> list[dict[str, str]]:
    """Each change of dualdx.provenance.reanalysis as (what, cause)."""
    out: list[dict[str, str]] = []
    dual = changes.get("dual_status")
    if isinstance(dual, Mapping):
        out.append({"what": f"Result: {str(dual.get('old')).replace('_', ' ')} → "
                            f"{str(dual.get('new')).replace('_', ' ')}",
                    "cause": str(dual.get("cause") or "")})
    for c in changes.get("diagnoses_changed") or []:
        out.append({"what": f"{c.get('disease_name')} ({c.get('gene')}): {c.get('old_status')} → "
                            f"{c.get('new_status')}", "cause": str(c.get("cause") or "")})
    for key, word in (("diagnoses_added", "new diagnosis"),
                      ("diagnoses_removed", "diagnosis no longer made")):
        for c in changes.get(key) or []:
            out.append({"what": f"{word[:1].upper()}{word[1:]}: {c.get('disease_name')} ({c.get('gene')}, "
                                f"{c.get('status')})", "cause": str(c.get("cause") or "")})
    for c in changes.get("clinvar_changed") or []:
        out.append({"what": f"ClinVar record of {_variant(c)}: {_cv(c.get('old'))} → {_cv(c.get('new'))}",
                    "cause": str(c.get("cause") or "")})
    for c in changes.get("class_changed") or []:
        crit = "; ".join(x for x in (
            f"added {', '.join(c.get('criteria_added') or [])}" if c.get("criteria_added") else "",
            f"removed {', '.join(c.get('criteria_removed') or [])}" if c.get("criteria_removed") else "")
            if x)
        out.append({"what": f"Class of {_variant(c)}: {c.get('old_class')} → {c.get('new_class')}"
                            + (f" ({crit})" if crit else ""), "cause": str(c.get("cause") or "")})
    for key, word in (("variants_added", "new variant"),
                      ("variants_removed", "variant no longer found")):
        for c in changes.get(key) or []:
            out.append({"what": f"{word[:1].upper()}{word[1:]}: {_variant(c)}",
                        "cause": str(c.get("cause") or "")})
    return out


def _generic(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{k.replace('_', ' ')}: {_generic(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " | ".join(_generic(v) for v in value) if value else "none"
    return _scalar(value)


def reanalysis_view(re_: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if re_ is None:
        return None
    changes = re_.get("changes")
    since = _first(re_, ("previous_date", "previous_run_date", "since", "previous_run"))
    since_text = f"the analysis of {str(since)[:10]}" if since else "the previous analysis"
    if isinstance(changes, Mapping):
        return {"since": since_text, "summary": str(re_.get("summary") or ""),
                "changes": _items(changes),
                "between": [str(d.get("text")) for d in re_.get("run_differences") or []
                            if isinstance(d, Mapping)],
                "warnings": [str(w) for w in re_.get("warnings") or []]}
    skip = {"previous_date", "previous_run_date", "since", "previous_run", "summary"}
    items = [{"what": k.replace("_", " ").capitalize(), "cause": _generic(v)}
             for k, v in re_.items() if k not in skip]
    return {"since": since_text, "summary": str(re_.get("summary") or ""), "changes": items,
            "between": [], "warnings": []}
