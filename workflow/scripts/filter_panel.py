"""Adapter: rule filter_panel -> dualdx.filtering.run_filter_panel."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import as_list, run_stage
    from dualdx.filtering import run_filter_panel

    run_stage(
        "filter_panel",
        smk.log[0],
        lambda log: run_filter_panel(
            vcfs=as_list(smk.input.vcfs),
            samples=list(smk.params.samples),
            panel_path=smk.input.panel,
            build=smk.params.build,
            out_vcf=smk.output.vcf,
            log=log,
        ),
    )


if "snakemake" in globals():
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
