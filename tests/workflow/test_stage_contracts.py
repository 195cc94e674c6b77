"""Every intermediate JSON file of the example run validates against its schema
(workflow/schemas/<kind>.schema.json; docs/ARCHITECTURE.md, "Intermediate JSON contracts")."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualdx.core.contracts import problems, read_stage_file

pytestmark = pytest.mark.workflow

FAMILY_FILES = ["filter_stats", "annotations", "structural", "inheritance", "classification",
                "cnv_classification", "provenance", "report"]
RUN_FILES = ["knowledge", "clinvar_panel"]


def test_every_intermediate_file_of_the_example_matches_its_schema(example_run: Path) -> None:
    res = example_run / "results"
    paths = {k: res / "MIOP" / f"{k}.json" for k in FAMILY_FILES}
    paths |= {k: res / "_run" / f"{k}.json" for k in RUN_FILES}
    for kind, path in paths.items():
        assert path.is_file(), path
        read_stage_file(kind, path)  # type: ignore[call-overload]  # validates; raises otherwise
    # every JSON file the run wrote is a known contract
    written = {p.name for p in res.rglob("*.json")}
    assert written <= {f"{k}.json" for k in paths}, written


def test_the_contract_rejects_what_a_reader_would_misread(example_run: Path) -> None:
    import json

    doc = json.loads((example_run / "results" / "MIOP" / "inheritance.json").read_text())
    doc["calls"][0]["segregation"]["affected_carriers"] = "one"
    del doc["proband"]
    found = dict(problems("inheritance", doc))
    assert "$" in found and "proband" in found["$"]
    assert "$.calls[0].segregation.affected_carriers" in found
