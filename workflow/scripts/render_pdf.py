"""Adapter: rule render_pdf -> dualdx.report.render_pdf."""

import sys
from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import run_stage
    from dualdx.report import render_pdf

    run_stage(
        "render_pdf",
        smk.log[0],
        lambda log: render_pdf(Path(smk.input.html).read_text(encoding="utf-8"), smk.output.pdf),
    )


if "snakemake" in globals():
    # the workflow's own package version runs, installed or not (e.g. under --use-conda)
    sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1] / "src"))  # type: ignore[name-defined]  # noqa: F821
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
