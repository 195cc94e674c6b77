"""Typed stage contracts: the JSON files one stage writes and another stage (or the report) reads.

Each file has one JSON Schema in ``workflow/schemas/<kind>.schema.json`` (draft 2020-12; the
objects several files share are in ``common.schema.json``) and one typed model in
:mod:`dualdx.core.stage_files` (``TypedDict`` s of the exact JSON nesting). Writers call
:func:`write_stage_file`, which validates before the atomic rename, so a file that breaks its
contract is never written; readers call :func:`read_stage_file`, which validates and returns the
typed model, so they index the keys the schema guarantees instead of guessing with ``.get``.

The schemas are found beside the package, the way the ``dualdx`` command finds the workflow: the
checkout holding ``src/dualdx`` (rule scripts always import their workflow's own ``src/``, so
the schemas are their workflow's). ``DUALDX_SCHEMA_DIR`` overrides it (an installed package
without its checkout). Each schema is compiled once per process.

Validation uses ``jsonschema-rs`` (the Rust implementation of the same JSON Schema drafts), not
the pure-Python ``jsonschema`` the configuration and the sample sheet use: on the example's
knowledge.json (600 terms) ``jsonschema`` takes about 0.35 s per validation and every
per-family stage reads that file, ``jsonschema-rs`` under 1 ms (``benchmarks/stage_contracts.py``).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from dualdx.core.atomic import write_text
from dualdx.core.errors import DualdxError, InputError
from dualdx.core.jsonio import read_json_object

if TYPE_CHECKING:
    import jsonschema_rs

    from dualdx.core.stage_files import (
        Annotations,
        Classification,
        ClinvarPanel,
        CnvClassification,
        FilterStats,
        Inheritance,
        Knowledge,
        Provenance,
        Reanalysis,
        Report,
        Structural,
    )

StageKind = Literal["filter_stats", "knowledge", "clinvar_panel", "annotations", "structural",
                    "inheritance", "classification", "cnv_classification", "provenance",
                    "reanalysis", "report"]

#: the stage that writes each kind (the fix when a file breaks its contract: re-run it)
WRITER: dict[str, str] = {
    "filter_stats": "filter_panel",
    "knowledge": "distill_knowledge",
    "clinvar_panel": "index_clinvar",
    "annotations": "annotate_variants",
    "structural": "interpret_structural",
    "inheritance": "assign_inheritance",
    "classification": "classify_variants",
    "cnv_classification": "classify_structural",
    "provenance": "write_report",
    "reanalysis": "write_report",
    "report": "call_diagnoses",
}
SCHEMA_ID_BASE = "https://dualdx.invalid/schemas/"
MAX_LISTED = 5


class StageContractError(DualdxError):
    """A stage assembled a file that breaks its schema (a dualdx bug, not bad input); nothing was
    written."""


def schema_dir() -> Path:
    """``workflow/schemas`` of the checkout holding this package (or ``$DUALDX_SCHEMA_DIR``)."""
    given = os.environ.get("DUALDX_SCHEMA_DIR")
    return Path(given) if given else Path(__file__).resolve().parents[3] / "workflow" / "schemas"


def schema_path(kind: str) -> Path:
    return schema_dir() / f"{kind}.schema.json"


@functools.cache
def _registry(directory: Path) -> tuple[dict[str, Any], jsonschema_rs.Registry]:
    """The schema files of ``directory`` by id, and their registry (read once per process: a
    stage that reads several kinds, e.g. call_diagnoses with seven, reads them once)."""
    import jsonschema_rs

    resources = [(SCHEMA_ID_BASE + p.name, json.loads(p.read_text(encoding="utf-8")))
                 for p in sorted(directory.glob("*.schema.json"))]
    return dict(resources), jsonschema_rs.Registry(resources)


@functools.cache
def _validator(kind: str, directory: Path) -> jsonschema_rs.Draft202012Validator:
    """The compiled validator of one kind (cached: compiled once per process); the other schema
    files of ``directory`` are its registry (``common.schema.json``)."""
    import jsonschema_rs

    if kind not in WRITER:
        raise ValueError(f"unknown stage file kind {kind!r}; known: {', '.join(WRITER)}")
    schemas, registry = _registry(directory)
    return jsonschema_rs.Draft202012Validator(schemas[SCHEMA_ID_BASE + f"{kind}.schema.json"],
                                              registry=registry)


def _json_path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def problems(kind: StageKind, data: object) -> list[tuple[str, str]]:
    """(JSON path, what is wrong) of every violation of ``kind``'s schema, shallowest first."""
    try:
        validator = _validator(kind, schema_dir())
    except (FileNotFoundError, KeyError) as e:
        raise InputError(schema_dir(), f"the stage-file schema of {kind} is missing ({e})",
                         "run dualdx from its checkout, or set DUALDX_SCHEMA_DIR to its "
                         "workflow/schemas folder") from None
    if validator.is_valid(data):
        return []
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.instance_path),
                                                                 list(map(str, e.instance_path))))
    return [(_json_path(e.instance_path), e.message) for e in errors]


def _listed(found: list[tuple[str, str]]) -> str:
    lines = [f"{where}: {what}" for where, what in found[:MAX_LISTED]]
    if len(found) > MAX_LISTED:
        lines.append(f"... and {len(found) - MAX_LISTED} more")
    return "; ".join(lines)


def write_stage_file(kind: StageKind, path: str | Path, data: Mapping[str, Any], *,
                     indent: int = 1, sort_keys: bool = True, ensure_ascii: bool = True) -> None:
    """Validate ``data`` against ``kind``'s schema, then write it atomically as JSON.

    A violation raises :class:`StageContractError` naming the file, the JSON path of each
    offending field and what is wrong; nothing is written then."""
    found = problems(kind, data)
    if found:
        raise StageContractError(
            f"{path}: {WRITER[kind]} assembled a {kind}.json that breaks its contract "
            f"({schema_path(kind).name}); nothing was written: {_listed(found)}. This is a "
            "dualdx bug: please report it with the run's log")
    write_text(path, json.dumps(data, indent=indent, sort_keys=sort_keys,
                                ensure_ascii=ensure_ascii) + "\n")


@overload
def read_stage_file(kind: Literal["filter_stats"], path: str | Path) -> FilterStats: ...
@overload
def read_stage_file(kind: Literal["knowledge"], path: str | Path) -> Knowledge: ...
@overload
def read_stage_file(kind: Literal["clinvar_panel"], path: str | Path) -> ClinvarPanel: ...
@overload
def read_stage_file(kind: Literal["annotations"], path: str | Path) -> Annotations: ...
@overload
def read_stage_file(kind: Literal["structural"], path: str | Path) -> Structural: ...
@overload
def read_stage_file(kind: Literal["inheritance"], path: str | Path) -> Inheritance: ...
@overload
def read_stage_file(kind: Literal["classification"], path: str | Path) -> Classification: ...
@overload
def read_stage_file(kind: Literal["cnv_classification"], path: str | Path) -> CnvClassification: ...
@overload
def read_stage_file(kind: Literal["provenance"], path: str | Path) -> Provenance: ...
@overload
def read_stage_file(kind: Literal["reanalysis"], path: str | Path) -> Reanalysis: ...
@overload
def read_stage_file(kind: Literal["report"], path: str | Path) -> Report: ...


def read_stage_file(kind: StageKind, path: str | Path) -> Any:
    """The stage file ``path`` of ``kind``, validated against its schema; InputError naming the
    file, the JSON path and the problem, with the fix (re-run the writing stage) otherwise.

    Every reader of a stage file this run wrote goes through here (validation costs well under
    a millisecond per file on the example). Files of an *earlier* run that reanalysis compares
    with may come from an older dualdx and are checked only for what reanalysis relies on
    (:func:`dualdx.provenance.reanalysis.check_report`)."""
    fix = (f"re-run {WRITER[kind]} (delete {Path(path).name} or run snakemake with "
           f"--forcerun {WRITER[kind]}); the file is from another dualdx version or was edited")
    data = read_json_object(path, f"{kind}.json", fix)
    found = problems(kind, data)
    if found:
        raise InputError(path, f"{kind}.json does not match its schema "
                         f"({schema_path(kind).name}): {_listed(found)}", fix,
                         where=found[0][0])
    return data
