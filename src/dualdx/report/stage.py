"""The report stage: one job writes a family's run record and its report, in this order.

1. ``provenance.json`` (:func:`dualdx.provenance.record.run_write_provenance`): versions,
   checksums, releases of the run that wrote ``report.json``;
2. with a previous run (``previous_results``), ``reanalysis.json``
   (:func:`dualdx.provenance.reanalysis.run_compare`): what changed and why, from the two runs'
   reports and provenance;
3. ``report.html`` from report.json, provenance.json and reanalysis.json, and, when asked,
   ``report.pdf``: the same HTML string printed (:func:`dualdx.report.render.run_render_report`).

Why one job and not four: each step needs the one before, so as separate Snakemake jobs they
were four links of the family's chain, each paying a fresh interpreter, Snakemake's script
preamble and a scheduling round (about 0.4 s each on the project's machine) for 0.05–0.25 s of
work (``benchmarks/example_end_to_end.py``, issue 20). In one job a failure anywhere leaves none
of the four files (Snakemake removes a failed job's outputs), as a failed interpretation leaves
none: provenance.json stays the record of the run that wrote the report beside it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from dualdx.provenance.reanalysis import run_compare
from dualdx.provenance.record import run_write_provenance
from dualdx.report.render import run_render_report


def run_report_stage(
    report_json: str,
    provenance: Mapping[str, Any],
    out_provenance: str,
    out_html: str,
    log: logging.Logger,
    previous_dir: str | None = None,
    out_reanalysis: str | None = None,
    out_pdf: str | None = None,
    pdf_engine: str = "auto",
) -> None:
    """Write provenance.json, reanalysis.json (when ``previous_dir`` is given), report.html and
    report.pdf (when ``out_pdf`` is given). ``provenance`` holds the keyword arguments of
    :func:`~dualdx.provenance.record.run_write_provenance` other than ``out_json`` and ``log``."""
    if previous_dir and not out_reanalysis:
        raise ValueError("previous_dir given without out_reanalysis")
    run_write_provenance(**provenance, out_json=out_provenance, log=log)
    if previous_dir and out_reanalysis:
        run_compare(report_json, out_provenance, previous_dir, str(provenance["family"]),
                    out_reanalysis, log)
    run_render_report(report_json, out_provenance, out_reanalysis if previous_dir else None,
                      out_html, out_pdf, log, pdf_engine)
