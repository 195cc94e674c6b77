"""Adapter: rule render_pdf -> dualdx.report.pdf.render_pdf."""

from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import run_stage
    from dualdx.report.pdf import render_pdf

    run_stage(
        "render_pdf",
        smk.log[0],
        lambda log: render_pdf(Path(smk.input.html).read_text(encoding="utf-8"), smk.output.pdf,
                               smk.params.engine, log),
    )


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
