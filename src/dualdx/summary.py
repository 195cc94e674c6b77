"""What a finished run tells its user on the terminal: where each family's report is, and one
line per family saying what it found.

Called by the Snakefile's ``onsuccess`` handler (and usable on any ``results/`` folder). It only
reads each family's ``report.json``; a family whose report was not produced by the run (a run
for other targets) is left out, and a report that cannot be read is named, never guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_STATUS_WORDS = {
    "dual": "dual diagnosis",
    "possible_dual": "possible dual diagnosis",
    "single": "single diagnosis",
    "none": "no diagnosis",
    "not_assessable": "not assessable",
}


def _diagnosis_text(d: dict[str, Any]) -> str:
    name = d.get("disease_name") or d.get("disease_id") or "?"
    return f"{d.get('gene', '?')} {d.get('disease_id', '?')} {name} ({d.get('status', '?')})"


def family_line(family: str, report_json: Path) -> str:
    """One line: ``MIOP: dual diagnosis: TCIRG1 OMIM:259700 … (confirmed) + ALPL …``."""
    try:
        doc = json.loads(report_json.read_text(encoding="utf-8"))
        status = str(doc["dual_diagnosis"]["status"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        return f"{family}: {report_json} could not be read ({e})"
    words = _STATUS_WORDS.get(status, status)
    diagnoses = [d for d in doc.get("diagnoses", []) if isinstance(d, dict)]
    text = f"{family}: {words}"
    if diagnoses:
        text += ": " + " + ".join(_diagnosis_text(d) for d in diagnoses)
    n_warn = len(doc.get("warnings") or [])
    n_nc = len(doc.get("not_checked") or [])
    if n_warn or n_nc:
        text += f"; {n_warn} warning(s), {n_nc} item(s) not checked (see the report)"
    return text


def run_summary(families: Iterable[str], workdir: str | Path = ".") -> list[str]:
    """Lines for the families whose ``results/<family>/report.html`` exists under ``workdir``."""
    root = Path(workdir).resolve()
    lines: list[str] = []
    for fam in sorted(families):
        html = root / "results" / fam / "report.html"
        if not html.is_file():
            continue
        lines.append(family_line(fam, html.with_name("report.json")))
        lines.append(f"    report: {html}")
        pdf = html.with_name("report.pdf")
        if pdf.is_file():
            lines.append(f"    PDF:    {pdf}")
    if lines:
        lines.insert(0, "dualdx: finished. Reports:")
    return lines


def print_run_summary(families: Iterable[str], workdir: str | Path = ".") -> None:
    """Print :func:`run_summary` (nothing when no report was produced)."""
    for line in run_summary(families, workdir):
        print(line)
