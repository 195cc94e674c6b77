"""Adapter: rule download_resources -> dualdx.download.run_download_resources."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import run_stage
    from dualdx.download import run_download_resources

    run_stage(
        "download_resources",
        smk.log[0],
        lambda log: run_download_resources(
            build=smk.params.build, dest=smk.params.dest, manifest=smk.output[0], log=log
        ),
    )


if "snakemake" in globals():
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
