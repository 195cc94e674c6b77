"""dualdx.inputs.phenotypes: TSV and Phenopacket v2 input, checks against the HPO knowledge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dualdx.core.errors import InputError
from dualdx.inputs.phenotypes import (
    PhenotypeTerm,
    load_phenopackets,
    load_phenotype_table,
    validate_terms,
)

KNOWLEDGE: dict[str, Any] = {
    "hpo_release": "2025-01-16",
    "unknown_terms": ["HP:9999999"],
    "terms": {
        "HP:0000001": {"name": "All", "ancestors": ["HP:0000001"], "obsolete": False,
                       "replaced_by": None, "ic": 0.0},
        "HP:0000118": {"name": "Phenotypic abnormality", "ancestors": ["HP:0000001",
                       "HP:0000118"], "obsolete": False, "replaced_by": None, "ic": 0.0},
        "HP:0011002": {"name": "Osteopetrosis", "ancestors": ["HP:0000001", "HP:0000118",
                       "HP:0011002"], "obsolete": False, "replaced_by": None, "ic": 6.3},
        "HP:0008665": {"name": "Clitoral hypertrophy", "ancestors": ["HP:0000001",
                       "HP:0000118", "HP:0008665"], "obsolete": False, "replaced_by": None,
                       "ic": 5.0},
        "HP:0000057": {"name": "obsolete Clitoromegaly", "ancestors": ["HP:0000057"],
                       "obsolete": True, "replaced_by": "HP:0008665", "ic": 9.0},
        "HP:0000007": {"name": "Autosomal recessive inheritance", "ancestors": [
                       "HP:0000001", "HP:0000005", "HP:0000007"], "obsolete": False,
                       "replaced_by": None, "ic": 1.0},
    },
}


def test_table_reads_terms_and_excluded(tmp_path: Path) -> None:
    p = tmp_path / "ph.tsv"
    p.write_text("# comment\nsample_id\thpo_id\texcluded\nP1\tHP:0011002\t\n"
                 "P1\tHP:0003282\ttrue\nM1\tHP:0011002\tno\n", encoding="utf-8")
    got = load_phenotype_table(p)
    assert got == {"P1": [PhenotypeTerm("HP:0011002"), PhenotypeTerm("HP:0003282", True)],
                   "M1": [PhenotypeTerm("HP:0011002")]}


def test_table_without_excluded_column(tmp_path: Path) -> None:
    p = tmp_path / "ph.tsv"
    p.write_text("sample_id\thpo_id\nP1\tHP:0011002\n", encoding="utf-8")
    assert load_phenotype_table(p) == {"P1": [PhenotypeTerm("HP:0011002")]}


@pytest.mark.parametrize(("row", "msg"), [("P1\tHP:11002", "not an HPO ID"),
                                          ("P1\tHP:0011002\tmaybe", "excluded is"),
                                          ("\tHP:0011002", "empty sample_id")])
def test_table_bad_rows_name_file_and_line(tmp_path: Path, row: str, msg: str) -> None:
    p = tmp_path / "ph.tsv"
    p.write_text(f"sample_id\thpo_id\texcluded\nP1\tHP:0011002\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError, match=msg) as e:
        load_phenotype_table(p)
    assert "line 3" in str(e.value) and str(p) in str(e.value)


def test_table_missing_column(tmp_path: Path) -> None:
    p = tmp_path / "ph.tsv"
    p.write_text("sample\thpo_id\n", encoding="utf-8")
    with pytest.raises(InputError, match="sample_id"):
        load_phenotype_table(p)


def test_phenopackets(tmp_path: Path) -> None:
    a = tmp_path / "a.json"
    a.write_text(json.dumps({"id": "x", "subject": {"id": "P1"}, "phenotypicFeatures": [
        {"type": {"id": "HP:0011002", "label": "Osteopetrosis"}},
        {"type": {"id": "HP:0003282"}, "excluded": True}]}), encoding="utf-8")
    b = tmp_path / "b.json"
    b.write_text(json.dumps({"subject": {"id": "M1"}}), encoding="utf-8")
    got = load_phenopackets([a, b])
    assert got == {"P1": [PhenotypeTerm("HP:0011002"), PhenotypeTerm("HP:0003282", True)],
                   "M1": []}


def test_phenopacket_errors(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"subject": {}}), encoding="utf-8")
    with pytest.raises(InputError, match=r"subject\.id"):
        load_phenopackets([p])
    p.write_text(json.dumps({"subject": {"id": "P1"}, "phenotypicFeatures": [
        {"type": {"id": "OMIM:1"}}]}), encoding="utf-8")
    with pytest.raises(InputError, match=r"phenotypicFeatures\[0\]"):
        load_phenopackets([p])
    p.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        load_phenopackets([p])


def test_validate_replaces_obsolete_and_drops_mode_terms() -> None:
    terms, warnings = validate_terms(
        {"P1": [PhenotypeTerm("HP:0000057"), PhenotypeTerm("HP:0011002"),
                PhenotypeTerm("HP:0000007")]}, KNOWLEDGE)
    assert terms == {"P1": [PhenotypeTerm("HP:0008665"), PhenotypeTerm("HP:0011002")]}
    assert any("HP:0000057 is obsolete" in w and "HP:0008665" in w for w in warnings)
    assert any("HP:0000007" in w and "not a phenotypic abnormality" in w for w in warnings)


def test_validate_unknown_term_names_individual() -> None:
    with pytest.raises(InputError, match="P1's term HP:9999999 does not exist") as e:
        validate_terms({"P1": [PhenotypeTerm("HP:9999999")]}, KNOWLEDGE, "ph.tsv")
    assert "individual P1" in str(e.value)
    with pytest.raises(InputError, match="not in the distilled knowledge"):
        validate_terms({"P1": [PhenotypeTerm("HP:0000002")]}, KNOWLEDGE)


def test_validate_present_wins_over_excluded() -> None:
    terms, warnings = validate_terms(
        {"P1": [PhenotypeTerm("HP:0011002", True), PhenotypeTerm("HP:0011002")]}, KNOWLEDGE)
    assert terms == {"P1": [PhenotypeTerm("HP:0011002")]}
    assert warnings


def test_load_phenotypes_dispatches_tsv_and_phenopackets(tmp_path: Path) -> None:
    from dualdx.inputs.phenotypes import PhenotypeTerm, load_phenotypes

    (tmp_path / "p.tsv").write_text("sample_id\thpo_id\nA\tHP:0011002\n")
    packet = {"id": "pp1", "subject": {"id": "B"},
              "phenotypicFeatures": [{"type": {"id": "HP:0003282", "label": "Low alkaline phosphatase"}},
                                     {"type": {"id": "HP:0000670"}, "excluded": True}]}
    (tmp_path / "b.json").write_text(json.dumps(packet))
    got = load_phenotypes([tmp_path / "p.tsv", tmp_path / "b.json"])
    assert got["A"] == [PhenotypeTerm("HP:0011002")]
    assert got["B"] == [PhenotypeTerm("HP:0003282"), PhenotypeTerm("HP:0000670", excluded=True)]
