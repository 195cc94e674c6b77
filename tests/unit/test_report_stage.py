"""dualdx.report.stage: one job writes provenance.json, reanalysis.json, report.html and the PDF
of that same HTML, in that order (issue 20: four links of the chain of jobs made one)."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
import stage_docs

from dualdx.report import render
from dualdx.report.stage import run_report_stage

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
LOG = logging.getLogger("test_report_stage")


def _provenance_args(tmp_path: Path) -> dict[str, Any]:
    vcf = tmp_path / "in" / "F1.vcf"
    vcf.parent.mkdir(parents=True)
    vcf.write_text("##fileformat=VCFv4.2\n", encoding="utf-8")
    (tmp_path / "res").mkdir()
    knowledge = stage_docs.write("knowledge", tmp_path / "res" / "knowledge.json",
                                 {"hpo_release": "2025-01-16"})
    return {
        "family": "MIOP",
        "config": {"genome_build": "GRCh38"},
        "config_files": [],
        "inputs": {"vcfs": [str(vcf)]},
        "databases_json": {"knowledge": str(knowledge)},
        "ruleset": {"name": "acmg2015", "version": "Richards 2015 (PMID 25741868)"},
        "workflow_dir": str(tmp_path / "not_a_checkout"),
        "command_line": ["snakemake", "--cores", "1"],
    }


def test_writes_the_record_then_the_page_that_shows_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_report_stage(str(DATA / "report.json"), _provenance_args(tmp_path),
                     str(out / "provenance.json"), str(out / "report.html"), LOG)
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert prov["family"] == "MIOP"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "No provenance record was given" not in html  # the record just written is shown
    assert "F1.vcf" in html and prov["inputs"]["vcfs"][0]["sha256"] in html
    assert not (out / "reanalysis.json").exists() and not (out / "report.pdf").exists()


def test_with_a_previous_run_the_comparison_comes_between(tmp_path: Path) -> None:
    prev = tmp_path / "previous"
    (prev / "MIOP").mkdir(parents=True)
    shutil.copy(DATA / "report.json", prev / "MIOP" / "report.json")
    out = tmp_path / "out"
    run_report_stage(str(DATA / "report.json"), _provenance_args(tmp_path),
                     str(out / "provenance.json"), str(out / "report.html"), LOG,
                     previous_dir=str(prev), out_reanalysis=str(out / "reanalysis.json"))
    reanalysis = json.loads((out / "reanalysis.json").read_text(encoding="utf-8"))
    assert reanalysis["previous_report"] == str(prev / "MIOP" / "report.json")
    assert reanalysis["summary"] in (out / "report.html").read_text(encoding="utf-8")


def test_the_pdf_prints_the_html_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    printed: list[tuple[str, str, str]] = []
    monkeypatch.setattr(render, "render_pdf",
                        lambda html, out_pdf, engine, log: printed.append((html, out_pdf, engine)))
    out = tmp_path / "out"
    run_report_stage(str(DATA / "report.json"), _provenance_args(tmp_path),
                     str(out / "provenance.json"), str(out / "report.html"), LOG,
                     out_pdf=str(out / "report.pdf"), pdf_engine="chromium")
    assert printed == [((out / "report.html").read_text(encoding="utf-8"),
                        str(out / "report.pdf"), "chromium")]


def test_previous_results_without_an_output_is_a_bug(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="out_reanalysis"):
        run_report_stage(str(DATA / "report.json"), _provenance_args(tmp_path),
                         str(tmp_path / "p.json"), str(tmp_path / "r.html"), LOG,
                         previous_dir=str(tmp_path))
    assert not (tmp_path / "p.json").exists()
