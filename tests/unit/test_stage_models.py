"""Each stage file's typed model (core/stage_files.py) and its JSON Schema (workflow/schemas/)
name the same top-level fields and agree on which are required: the writer and the reader share
the model, the schema is what is validated, and neither may drift from the other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NotRequired, get_args, get_origin, get_type_hints

import pytest

from dualdx.core import stage_files as m
from dualdx.core.contracts import StageKind

SCHEMAS = Path(__file__).resolve().parents[2] / "workflow" / "schemas"
MODELS: dict[str, Any] = {
    "filter_stats": m.FilterStats, "knowledge": m.Knowledge, "clinvar_panel": m.ClinvarPanel,
    "annotations": m.Annotations, "structural": m.Structural, "inheritance": m.Inheritance,
    "classification": m.Classification, "cnv_classification": m.CnvClassification,
    "provenance": m.Provenance, "reanalysis": m.Reanalysis, "report": m.Report,
}


def test_every_stage_kind_has_a_model() -> None:
    assert set(MODELS) == set(get_args(StageKind))


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_model_and_schema_name_the_same_fields(kind: str) -> None:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    model = MODELS[kind]
    hints = get_type_hints(model, include_extras=True)  # the module's string annotations resolved
    assert set(hints) == set(schema["properties"]), kind
    required = {k for k, t in hints.items() if get_origin(t) is not NotRequired}
    assert required == set(schema.get("required", [])), kind
