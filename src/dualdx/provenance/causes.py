"""Causes of reanalysis changes: what differed between two runs (``provenance.json``
database releases, inputs, rule set, config, workflow version) and, for a diagnosis or the dual
status, the most specific cause among the two reports' own contents (:class:`SpecificCauses`).
Used by :mod:`dualdx.provenance.reanalysis`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dualdx.core.model import normalize_chrom

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
CLINVAR_TOPICS: tuple[Topic, ...] = (("db", "clinvar"),)
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
    "PS1": CLINVAR_TOPICS,
    "PM5": CLINVAR_TOPICS,
    "PP5": CLINVAR_TOPICS,
    "BP6": CLINVAR_TOPICS,
    "PM1": CLINVAR_TOPICS + _TRANSCRIPT,
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
VARIANT_SET_TOPICS: tuple[Topic, ...] = (
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
        # where the previous results are is how a reanalysis is asked for, not a cause
        if keys == ["previous_results"]:
            return []
        keys = [k for k in keys if k != "previous_results"]
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


# --------------------------------------------------------------------------- variant keys


def norm_key(variant: Mapping[str, Any]) -> str:
    """Variant key with the contig written without ``chr``, so chr11/11 runs compare."""
    key = str(variant["key"])
    chrom, sep, rest = key.partition("-")
    return f"{normalize_chrom(chrom)}{sep}{rest}"


def genomic_order(key: str) -> tuple[int, int, str, int, str, str]:
    parts = key.split("-")
    chrom = normalize_chrom(parts[0])
    pos = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    ref = parts[2] if len(parts) > 2 else ""
    alt = parts[3] if len(parts) > 3 else ""
    if chrom.isdigit():
        return (0, int(chrom), "", pos, ref, alt)
    return (1, 0, chrom, pos, ref, alt)


# --------------------------------------------------------------------------- specific causes


def _stars(x: Any) -> str:
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= 4:
        return "stars not given"
    return "no review stars" if x == 0 else f"{x} star{'s' if x != 1 else ''}"


def _clinvar_words(cv: Mapping[str, Any] | None) -> str:
    if cv is None:
        return "no record"
    return f"{cv.get('significance')} ({_stars(cv.get('stars'))})"


def _name(v: Mapping[str, Any]) -> str:
    return f"{v.get('gene') or ''} {v.get('hgvs_c') or v.get('key')}".strip()


def _proband_terms(report: Mapping[str, Any]) -> dict[str, tuple[str, bool]]:
    """The proband's HPO terms: id → (name, excluded)."""
    for s in report.get("samples") or []:
        if isinstance(s, dict) and s.get("sample_id") == report.get("proband"):
            return {str(t.get("id")): (str(t.get("name") or t.get("id")), bool(t.get("excluded")))
                    for t in s.get("phenotypes") or [] if isinstance(t, dict)}
    return {}


class SpecificCauses:
    """The most specific cause of a diagnosis or dual-status change: the ClinVar record of one
    of its variants, a variant's reclassification (criteria gained or lost, with the database
    or input behind them), a changed inheritance call, or a change of the proband's recorded
    features; the recorded run differences (release, input, config, workflow) only when none
    of these explains it."""

    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any],
                 old_v: Mapping[str, Mapping[str, Any]], new_v: Mapping[str, Mapping[str, Any]],
                 diffs: list[Difference], have_prov: bool,
                 clinvar_changed: list[dict[str, Any]], class_changed: list[dict[str, Any]]
                 ) -> None:
        self.diffs, self.have_prov = diffs, have_prov
        self.old, self.new = old, new
        self.by_key: dict[str, list[str]] = {}
        for c in clinvar_changed:
            k = norm_key(c)
            o, n = old_v[k], new_v[k]
            vid = (n.get("clinvar") or o.get("clinvar") or {}).get("variation_id")
            rec = f" (Variation {vid})" if vid else ""
            text = (f"ClinVar record of {_name(n)}{rec}: {_clinvar_words(c['old'])} → "
                    f"{_clinvar_words(c['new'])}")
            if not str(c["cause"]).startswith("unknown"):
                text += f" ({c['cause']})"
            affects = (o.get("tier") != n.get("tier") or "tier" not in n
                       or o.get("acmg_class") != n.get("acmg_class"))
            if affects:
                self.by_key.setdefault(k, []).append(text)
        for c in class_changed:
            k = norm_key(c)
            moved = "; ".join(x for x in (
                f"{', '.join(c['criteria_added'])} added" if c["criteria_added"] else "",
                f"{', '.join(c['criteria_removed'])} removed" if c["criteria_removed"] else "")
                if x)
            text = (f"{_name(new_v[k])} reclassified {c['old_class']} → {c['new_class']}"
                    + (f": {moved}" if moved else "") + f" ({c['cause']})")
            self.by_key.setdefault(k, []).append(text)
        for k in sorted(set(old_v) & set(new_v), key=genomic_order):
            o_l = {(d.get("disease_id"), d.get("disease_mode"), d.get("label"), d.get("origin"))
                   for d in old_v[k].get("inheritance_detail") or []}
            n_l = {(d.get("disease_id"), d.get("disease_mode"), d.get("label"), d.get("origin"))
                   for d in new_v[k].get("inheritance_detail") or []}
            if o_l != n_l:
                cause = attribute(_FAMILY, diffs, have_prov)
                self.by_key.setdefault(k, []).append(
                    f"inheritance of {_name(new_v[k])} changed"
                    + ("" if cause.startswith("unknown") else f" ({cause})"))
        o_t, n_t = _proband_terms(old), _proband_terms(new)
        added = [f"{n_t[t][0]} ({t})" for t in sorted(set(n_t) - set(o_t))]
        removed = [f"{o_t[t][0]} ({t})" for t in sorted(set(o_t) - set(n_t))]
        flipped = [f"{n_t[t][0]} ({t}) now {'absent' if n_t[t][1] else 'present'}"
                   for t in sorted(set(o_t) & set(n_t)) if o_t[t][1] != n_t[t][1]]
        parts = [f"added {', '.join(added)}" if added else "",
                 f"removed {', '.join(removed)}" if removed else "", "; ".join(flipped)]
        self.phenotype = ("the proband's recorded features changed: "
                          + "; ".join(p for p in parts if p)) if any(parts) else ""
        if self.phenotype:
            cause = attribute(_PHENOTYPE, diffs, have_prov)
            if not cause.startswith("unknown"):
                self.phenotype += f" ({cause})"

    def diagnosis(self, d_old: Mapping[str, Any] | None, d_new: Mapping[str, Any] | None) -> str:
        keys = sorted({norm_key({"key": v}) for d in (d_old, d_new) if d is not None
                       for v in d.get("variants") or []}, key=genomic_order)
        causes = [c for k in keys for c in self.by_key.get(k, [])]
        if causes:
            return "; ".join(dict.fromkeys(causes))
        if self.phenotype:
            return self.phenotype
        # Nothing specific moved it: family, phenotype or gene-disease knowledge, or the code.
        return attribute(_DIAGNOSIS, self.diffs, self.have_prov)

    def dual(self) -> str:
        """A dual-status change with no diagnosis change: the features or their matching."""
        if self.phenotype:
            return self.phenotype
        o_e = (self.old.get("dual_diagnosis") or {}).get("explained_by_each")
        n_e = (self.new.get("dual_diagnosis") or {}).get("explained_by_each")
        if o_e != n_e:
            cause = attribute(_PHENOTYPE, self.diffs, self.have_prov)
            return "the features each diagnosis explains changed" + (
                "" if cause.startswith("unknown") else f" ({cause})")
        return attribute(_DIAGNOSIS, self.diffs, self.have_prov)
