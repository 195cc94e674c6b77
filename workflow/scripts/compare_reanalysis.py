"""Adapter: rule compare_reanalysis -> dualdx.provenance.reanalysis.run_compare."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import run_stage
    from dualdx.provenance.reanalysis import run_compare

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


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
