"""Load, validate and resolve the workflow configuration and sample sheet.

Nothing here runs at import time. ``common.smk`` calls :func:`resolve_config` and
:func:`load_sample_sheet`; both raise :class:`dualdx.core.errors.InputError` with the file, the key or
row, the problem and the fix.
"""

from __future__ import annotations

import copy
import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from dualdx.core.errors import InputError

BUNDLED_PANEL = "resources/panels/default.tsv"


def _load_schema(schema_path: Path) -> dict[str, Any]:
    with schema_path.open(encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


def _fill_defaults(schema: dict[str, Any], instance: dict[str, Any]) -> None:
    """Fill ``default`` values of object properties in place (recursively)."""
    for key, sub in schema.get("properties", {}).items():
        if key not in instance and "default" in sub:
            instance[key] = copy.deepcopy(sub["default"])
        if isinstance(instance.get(key), dict) and sub.get("type") == "object":
            _fill_defaults(sub, instance[key])


def _describe(error: jsonschema.ValidationError) -> tuple[str, str]:
    where = "/".join(str(p) for p in error.absolute_path) or "top level"
    if error.validator == "additionalProperties":
        sub = error.schema if isinstance(error.schema, dict) else {}
        allowed = sorted(sub.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        hint = ""
        if extra:
            import difflib

            close = difflib.get_close_matches(extra[0], allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
        return where, f"unknown key(s) {', '.join(map(repr, extra))}{hint}; allowed: {', '.join(allowed)}"
    if error.validator == "required":
        return where, error.message
    return where, f"{error.message}"


def validate(instance: Any, schema_path: Path, source: str, what: str) -> None:
    schema = _load_schema(schema_path)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        where, problem = _describe(errors[0])
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise InputError(
            source,
            f"{what} is invalid at {where}: {problem}{more}",
            f"correct it against {schema_path.name} (documented in the README)",
        )


@dataclass(frozen=True)
class Sample:
    family_id: str
    sample_id: str
    vcf: str
    proband: bool = False
    sv_vcf: str | None = None  # structural-variant / CNV VCF (sample sheet column sv_vcf)


@dataclass
class Family:
    family_id: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def sample_ids(self) -> list[str]:
        return [s.sample_id for s in self.samples]

    @property
    def vcfs(self) -> list[str]:
        out: list[str] = []
        for s in self.samples:
            if s.vcf not in out:
                out.append(s.vcf)
        return out

    @property
    def sv_vcfs(self) -> list[str]:
        """Structural-variant VCFs of the family (column ``sv_vcf``), each once, in sheet order."""
        return list(dict.fromkeys(s.sv_vcf for s in self.samples if s.sv_vcf))

    @property
    def proband(self) -> str | None:
        marked = [s.sample_id for s in self.samples if s.proband]
        return marked[0] if marked else None


def _resolve(value: str | None, base: Path) -> str | None:
    if value is None:
        return None
    if "://" in value:
        return value
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else (base / p))


def resolve_config(
    config: dict[str, Any], workflow_dir: str | Path, workdir: str | Path, source: str
) -> dict[str, Any]:
    """Validate ``config`` against the schema, fill defaults and make every path absolute.

    User-given relative paths resolve against ``workdir``; the workflow's bundled defaults
    (panel, transcript models) resolve against ``workflow_dir``.
    """
    wf = Path(workflow_dir).resolve()
    wd = Path(workdir).resolve()
    schema_path = wf / "workflow" / "schemas" / "config.schema.json"
    cfg = copy.deepcopy(dict(config))
    validate(cfg, schema_path, source, "the configuration")
    _fill_defaults(_load_schema(schema_path), cfg)
    build = cfg["genome_build"]
    cfg["panel"] = _resolve(cfg["panel"], wd) if "panel" in cfg else str(wf / BUNDLED_PANEL)
    for key in ("samples", "pedigree"):
        cfg[key] = _resolve(cfg[key], wd)
    ph = cfg["phenotypes"]
    cfg["phenotypes"] = [_resolve(p, wd) for p in ph] if isinstance(ph, list) else _resolve(ph, wd)
    ann = cfg["annotation"]
    for key in ("clinvar", "gnomad", "gnomad_sv", "reference_fasta", "transcript_fasta",
                "scores"):
        ann[key] = _resolve(ann[key], wd)
    ann["cache_dir"] = _resolve(ann["cache_dir"], wd)
    ann["transcripts"] = (
        _resolve(ann["transcripts"], wd)
        if ann["transcripts"]
        else str(wf / "resources" / "transcripts" / f"mane_select.{build}.tsv")
    )
    cfg["previous_results"] = _resolve(cfg["previous_results"], wd)
    for key in ("panel", "samples", "pedigree"):
        if not Path(cfg[key]).is_file():
            raise InputError(source, f"{key!r} names {cfg[key]}, which does not exist",
                             f"set {key!r} to an existing file (relative paths resolve against {wd})")
    phen = cfg["phenotypes"] if isinstance(cfg["phenotypes"], list) else [cfg["phenotypes"]]
    for p in phen:
        if not Path(p).is_file():
            raise InputError(source, f"'phenotypes' names {p}, which does not exist",
                             "set 'phenotypes' to an existing TSV or Phenopacket JSON files")
    for key in ("clinvar", "reference_fasta", "transcript_fasta", "scores", "transcripts"):
        v = ann[key]
        if v is not None and "://" not in v and not Path(v).is_file():
            raise InputError(source, f"'annotation.{key}' names {v}, which does not exist",
                             f"point annotation.{key} at an existing file, or set it to null")
    return cfg


def _check_ids(path: Path, rec: dict[str, str], schema_path: Path, where: str) -> None:
    """Family and sample IDs name folders and files: refuse '/', '..', spaces, shell characters."""
    import re

    props = _load_schema(schema_path).get("properties", {})
    for col in ("family_id", "sample_id"):
        value, pattern = rec.get(col), props.get(col, {}).get("pattern")
        if value and pattern and not re.fullmatch(pattern, value):
            raise InputError(path, f"{col} {value!r} is not allowed: IDs become folder and file "
                             "names, so they may contain only letters, digits, '.', '_' and '-', "
                             "start with a letter or digit and have at most 64 characters",
                             f"rename {value!r} in the sample sheet, and the same way in the PED "
                             "file, the phenotypes and the VCF", where=where)


def load_sample_sheet(path: str | Path, schema_path: str | Path) -> dict[str, Family]:
    """Read the sample sheet; relative VCF paths resolve against the working directory."""
    p = Path(path)
    with p.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    if not rows:
        raise InputError(p, "the sample sheet is empty", "add a header: family_id, sample_id, vcf")
    header = [h.strip() for h in rows[0]]
    families: dict[str, Family] = {}
    seen: dict[str, int] = {}
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(p, f"{len(row)} fields where the header has {len(header)}",
                             "separate the columns with single tabs", where=f"row {i}")
        rec = {k: v.strip() for k, v in zip(header, row, strict=True)}
        _check_ids(p, rec, Path(schema_path), f"row {i}")
        try:
            validate(rec, Path(schema_path), str(p), f"row {i}")
        except InputError as e:
            raise InputError(p, e.problem, "sample and family IDs may contain only letters, digits, "
                             "'.', '_' and '-'; columns are family_id, sample_id, vcf[, proband]",
                             where=f"row {i}") from None
        sid = rec["sample_id"]
        if sid in seen:
            raise InputError(p, f"sample {sid!r} is listed twice (rows {seen[sid]} and {i})",
                             "give every person one row with a unique sample_id", where=f"row {i}")
        seen[sid] = i
        vcf = str(Path(rec["vcf"]).expanduser())
        sv_vcf = str(Path(rec["sv_vcf"]).expanduser()) if rec.get("sv_vcf") else None
        fam = families.setdefault(rec["family_id"], Family(rec["family_id"]))
        fam.samples.append(Sample(rec["family_id"], sid, vcf, rec.get("proband", "") == "yes",
                                  sv_vcf))
    if not families:
        raise InputError(p, "the sample sheet lists no samples", "add one row per person")
    return families


def shared_vcfs(families: dict[str, Family]) -> dict[str, str]:
    """VCF paths used by more than one family, each with a stable cohort ID (``cohort_<sha1[:12]>``)."""
    import hashlib

    users: dict[str, set[str]] = {}
    for fam in families.values():
        for vcf in fam.vcfs:
            users.setdefault(vcf, set()).add(fam.family_id)
    return {
        vcf: "cohort_" + hashlib.sha1(vcf.encode("utf-8")).hexdigest()[:12]
        for vcf, fams in sorted(users.items())
        if len(fams) > 1
    }
