"""write_stage_file / read_stage_file: validate against the schema, write atomically, name the
file, the JSON path and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dualdx.core.contracts import StageContractError, read_stage_file, write_stage_file
from dualdx.core.errors import InputError

CAVEAT = {"code": "c", "message": "m", "severity": "note", "stage": "classify_variants",
          "variants": [], "samples": [], "genes": []}
DOC = {"ruleset": "acmg2015", "ruleset_version": "v", "caveats": [CAVEAT],
       "variants": {"chr1-1-A-G": {"acmg_class": "Benign", "points": -8, "criteria": [],
                                   "not_evaluated": [], "clinvar_disagreement": False}}}


def test_a_valid_file_is_written_and_read_back(tmp_path: Path) -> None:
    out = tmp_path / "classification.json"
    write_stage_file("classification", out, DOC)
    assert read_stage_file("classification", out) == DOC


def test_a_broken_document_is_not_written_and_the_error_names_the_field(tmp_path: Path) -> None:
    out = tmp_path / "classification.json"
    bad = json.loads(json.dumps(DOC))
    bad["variants"]["chr1-1-A-G"]["acmg_class"] = "Probably fine"
    bad["caveats"][0]["severity"] = "loud"
    with pytest.raises(StageContractError) as err:
        write_stage_file("classification", out, bad)
    msg = str(err.value)
    assert str(out) in msg and "$.variants.chr1-1-A-G.acmg_class" in msg
    assert "$.caveats[0].severity" in msg
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_reading_a_file_from_another_version_names_file_path_and_fix(tmp_path: Path) -> None:
    out = tmp_path / "classification.json"
    out.write_text(json.dumps({**DOC, "variants": [], "extra": 1}))
    with pytest.raises(InputError) as err:
        read_stage_file("classification", out)
    msg = str(err.value)
    assert str(out) in msg and "$.variants" in msg and "extra" in msg
    assert "re-run classify_variants" in msg
