"""Adapter: rule compare_reanalysis -> dualdx.reanalysis.run_compare."""

import sys
from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import run_stage
    from dualdx.reanalysis import run_compare

    run_stage(
        "compare_reanalysis",
        smk.log[0],
        lambda log: run_compare(
            new_report_json=smk.input.report,
            new_provenance_json=smk.input.provenance,
            previous_dir=smk.params.previous,
            family=smk.params.family,
            out_json=smk.output[0],
            log=log,
        ),
    )


if "snakemake" in globals():
    # the workflow's own package version runs, installed or not (e.g. under --use-conda)
    sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1] / "src"))  # type: ignore[name-defined]  # noqa: F821
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
