"""Adapter: rule download_resources -> dualdx.knowledge.download.run_download_resources."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import run_stage
    from dualdx.knowledge.download import run_download_resources

    run_stage(
        "download_resources",
        smk.log[0],
        lambda log: run_download_resources(
            build=smk.params.build,
            dest=smk.params.dest,
            manifest=smk.output[0],
            log=log,
            panel_path=smk.input.panel,
        ),
    )


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
