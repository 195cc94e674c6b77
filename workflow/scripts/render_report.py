"""Adapter: rule render_report -> dualdx.report.run_render_report."""

import sys
from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import as_list, run_stage
    from dualdx.report import run_render_report

    reanalysis = as_list(smk.input.reanalysis)
    run_stage(
        "render_report",
        smk.log[0],
        lambda log: run_render_report(
            report_json=smk.input.report,
            provenance_json=smk.input.provenance,
            reanalysis_json=reanalysis[0] if reanalysis else None,
            out_html=smk.output.html,
            out_pdf=None,
            log=log,
        ),
    )


if "snakemake" in globals():
    # the workflow's own package version runs, installed or not (e.g. under --use-conda)
    sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1] / "src"))  # type: ignore[name-defined]  # noqa: F821
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
