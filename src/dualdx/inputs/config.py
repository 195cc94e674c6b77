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
from dualdx.core.textio import content_lines, read_user_text

BUNDLED_PANEL = "resources/panels/default.tsv"
# A path value written "workflow:<path>" names a file shipped with the workflow: it resolves
# against the workflow's directory, wherever the run's working directory is (a copied config).
WORKFLOW_PREFIX = "workflow:"
# Real sequence shipped for the default panel's genes (resources/reference/README.md): used when
# annotation.reference_fasta / transcript_fasta are null and annotation.bundled_sequence is true.
BUNDLED_REFERENCE = "resources/reference/TCIRG1_LRG_115.{build}.fa"
BUNDLED_TRANSCRIPTS = "resources/reference/ALPL_NM_000478.6.fa"
_PATH_KEYS = ("panel", "samples", "pedigree", "phenotypes", "previous_results")
_ANNOTATION_PATH_KEYS = ("clinvar", "gnomad", "reference_fasta", "transcript_fasta", "scores",
                         "transcripts", "cache_dir")


def _expand_workflow_paths(cfg: dict[str, Any], wf: Path) -> None:
    """Replace every ``workflow:<path>`` value of a path key by the absolute path in ``wf``."""

    def expand(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(WORKFLOW_PREFIX):
            return str(wf / value[len(WORKFLOW_PREFIX):].lstrip("/"))
        if isinstance(value, list):
            return [expand(v) for v in value]
        return value

    for key in _PATH_KEYS:
        if key in cfg:
            cfg[key] = expand(cfg[key])
    ann = cfg.get("annotation")
    if isinstance(ann, dict):
        for key in _ANNOTATION_PATH_KEYS:
            if key in ann:
                ann[key] = expand(ann[key])


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
    (panel, transcript models, the bundled sequence) and any ``workflow:<path>`` value resolve
    against ``workflow_dir``. With ``annotation.bundled_sequence`` (default true), a null
    ``reference_fasta`` / ``transcript_fasta`` becomes the sequence shipped in
    ``resources/reference/`` (TCIRG1 locus of the build, ALPL mRNA); a user's own file replaces it.
    """
    wf = Path(workflow_dir).resolve()
    wd = Path(workdir).resolve()
    schema_path = wf / "workflow" / "schemas" / "config.schema.json"
    cfg = copy.deepcopy(dict(config))
    validate(cfg, schema_path, source, "the configuration")
    _fill_defaults(_load_schema(schema_path), cfg)
    _expand_workflow_paths(cfg, wf)
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
    ann["hpo_dir"] = _resolve(ann["hpo_dir"], wd)
    ann["transcripts"] = (
        _resolve(ann["transcripts"], wd)
        if ann["transcripts"]
        else str(wf / "resources" / "transcripts" / f"mane_select.{build}.tsv")
    )
    cfg["previous_results"] = _resolve(cfg["previous_results"], wd)
    if ann.get("bundled_sequence", True):
        if ann["reference_fasta"] is None:
            ann["reference_fasta"] = str(wf / BUNDLED_REFERENCE.format(build=build))
        if ann["transcript_fasta"] is None:
            ann["transcript_fasta"] = str(wf / BUNDLED_TRANSCRIPTS)
    for key in ("panel", "samples", "pedigree"):
        if not Path(cfg[key]).is_file():
            raise InputError(source, f"{key!r} names {cfg[key]}, which does not exist",
                             f"set {key!r} to an existing file (relative paths resolve against {wd})")
    phen = cfg["phenotypes"] if isinstance(cfg["phenotypes"], list) else [cfg["phenotypes"]]
    for p in phen:
        if not Path(p).is_file():
            raise InputError(source, f"'phenotypes' names {p}, which does not exist",
                             "set 'phenotypes' to an existing TSV or Phenopacket JSON files")
    _check_urls(ann, source)
    for key in ("clinvar", "reference_fasta", "transcript_fasta", "scores", "transcripts"):
        v = ann[key]
        if v is not None and not Path(v).is_file():
            raise InputError(source, f"'annotation.{key}' names {v}, which does not exist",
                             f"point annotation.{key} at an existing file, or set it to null")
    prev = cfg["previous_results"]
    if prev is not None and not Path(prev).is_dir():
        raise InputError(source, f"'previous_results' names {prev}, which "
                         f"{'is not a folder' if Path(prev).exists() else 'does not exist'}",
                         "set it to the results/ folder of an earlier run (relative paths resolve "
                         f"against {wd}), or to null for a first analysis")
    from dualdx.inputs.panel import load_panel

    load_panel(cfg["panel"]).require_build(build)  # a panel of one build: the run's build given?
    return cfg


#: Annotation keys that may be a URL (read remotely, by region, through htslib).
REMOTE_KEYS = ("gnomad",)


def _check_urls(ann: dict[str, Any], source: str) -> None:
    """Only https for remote reads (an http answer could be altered on the way, unnoticed);
    and only the keys that are read remotely may be URLs."""
    for key, v in ann.items():
        if not isinstance(v, str) or "://" not in v:
            continue
        scheme = v.split("://", 1)[0].lower()
        if key not in REMOTE_KEYS:
            raise InputError(source, f"'annotation.{key}' is a URL ({v}); only annotation.gnomad "
                             "is read remotely", f"download the file (snakemake "
                             "download_resources fetches the official ones) and set "
                             f"annotation.{key} to its local path")
        if scheme != "https":
            raise InputError(source, f"'annotation.{key}' is an {scheme}:// URL ({v}): the "
                             "connection is not encrypted, so the frequencies read could be "
                             "altered on the way without anyone noticing",
                             "use the https:// address of the same file (gnomAD's bucket serves "
                             "https), or a local copy")


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


def _sheet_rows(p: Path) -> tuple[list[tuple[int, list[str]]], bool]:
    """(line number, fields) of the sample sheet's header and rows; whether space-separated.

    Tab-separated. A sheet whose header line has no tab but whose words are the expected column
    names is read as space-separated (as a spreadsheet or editor may save it); its rows must then
    have exactly as many words as the header (a path with spaces needs tabs).
    """
    text = read_user_text(p, "sample sheet not found", "check 'samples' in the config",
                          "the sample sheet as UTF-8 tab-separated text")
    lines = content_lines(text)
    if not lines:
        return [], False
    head = lines[0][1]
    if "\t" not in head and {"family_id", "sample_id", "vcf"} <= set(head.split()):
        return [(i, ln.split()) for i, ln in lines], True
    rows = csv.reader([ln for _, ln in lines], delimiter="\t")
    return [(i, row) for (i, _), row in zip(lines, rows, strict=True)], False


def load_sample_sheet(path: str | Path, schema_path: str | Path) -> dict[str, Family]:
    """Read the sample sheet; relative VCF paths resolve against the working directory."""
    p = Path(path)
    rows, spaced = _sheet_rows(p)
    if not rows:
        raise InputError(p, "the sample sheet is empty", "add a header: family_id, sample_id, vcf")
    header = [h.strip() for h in rows[0][1]]
    families: dict[str, Family] = {}
    seen: dict[str, int] = {}
    marked: dict[str, list[tuple[int, str]]] = {}
    for i, row in rows[1:]:
        if len(row) != len(header):
            how = ("the sheet is space-separated, so a path with spaces splits into several "
                   "columns; separate the columns with tabs" if spaced else
                   "separate the columns with single tabs")
            raise InputError(p, f"{len(row)} fields where the header has {len(header)}", how,
                             where=f"row {i}")
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
        is_proband = rec.get("proband", "") == "yes"
        if is_proband:
            marked.setdefault(fam.family_id, []).append((i, sid))
        fam.samples.append(Sample(rec["family_id"], sid, vcf, is_proband, sv_vcf))
    if not families:
        raise InputError(p, "the sample sheet lists no samples", "add one row per person")
    for fid, rows_marked in marked.items():
        if len(rows_marked) > 1:
            where = " and ".join(f"row {r} ({s})" for r, s in rows_marked)
            raise InputError(p, f"family {fid} has {len(rows_marked)} rows marked proband: {where}",
                             "mark one person per family as proband (column 'proband' = yes), "
                             "the others no or empty", where=f"row {rows_marked[1][0]}")
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
