"""The end-of-run lines (dualdx.summary, printed by the Snakefile's onsuccess)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dualdx.summary import print_run_summary, run_summary


def _family(root: Path, fam: str, report: dict | str | None, pdf: bool = False) -> None:
    d = root / "results" / fam
    d.mkdir(parents=True)
    if report is not None:
        (d / "report.html").write_text("<html></html>")
        (d / "report.json").write_text(report if isinstance(report, str) else json.dumps(report))
    if pdf:
        (d / "report.pdf").write_bytes(b"%PDF")


def test_one_line_per_family_with_its_report(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _family(tmp_path, "F2", {"dual_diagnosis": {"status": "possible_dual"}, "diagnoses": [
        {"gene": "TCIRG1", "disease_id": "OMIM:259700", "disease_name": "Osteopetrosis",
         "status": "candidate"},
        {"gene": "ALPL", "disease_id": "OMIM:146300", "disease_name": "Hypophosphatasia",
         "status": "confirmed"}], "warnings": [{"message": "x"}], "not_checked": []}, pdf=True)
    _family(tmp_path, "F1", {"dual_diagnosis": {"status": "none"}, "diagnoses": []})
    _family(tmp_path, "F3", None)  # not produced by this run: left out
    _family(tmp_path, "F4", "{broken")
    lines = run_summary(["F3", "F2", "F1", "F4"], tmp_path)
    assert lines[0] == "dualdx: finished. Reports:"
    assert lines[1] == "F1: no diagnosis"
    assert lines[2] == f"    report: {tmp_path.resolve() / 'results' / 'F1' / 'report.html'}"
    assert lines[3] == ("F2: possible dual diagnosis: TCIRG1 OMIM:259700 Osteopetrosis (candidate) "
                        "+ ALPL OMIM:146300 Hypophosphatasia (confirmed); 1 warning(s), 0 item(s) "
                        "not checked (see the report)")
    assert lines[5].startswith("    PDF:    ") and lines[5].endswith("F2/report.pdf")
    assert lines[6].startswith("F4: ") and "could not be read" in lines[6]
    assert not any(ln.startswith("F3") for ln in lines)
    print_run_summary(["F1"], tmp_path)
    assert capsys.readouterr().out.splitlines()[1] == "F1: no diagnosis"
    assert run_summary(["F3"], tmp_path) == []
