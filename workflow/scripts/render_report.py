"""Adapter: rule render_report -> dualdx.report.render.run_render_report."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import as_list, run_stage
    from dualdx.report.render import run_render_report

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


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
