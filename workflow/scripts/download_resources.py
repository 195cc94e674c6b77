"""Adapter: rule download_resources -> dualdx.download.run_download_resources."""

import sys
from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import run_stage
    from dualdx.download import run_download_resources

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


if "snakemake" in globals():
    # the workflow's own package version runs, installed or not (e.g. under --use-conda)
    sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1] / "src"))  # type: ignore[name-defined]  # noqa: F821
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
