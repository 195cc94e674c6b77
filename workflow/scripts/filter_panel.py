"""Adapter: rule filter_panel -> dualdx.filtering.run_filter_panel."""

import sys
from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import as_list, run_stage
    from dualdx.filtering import run_filter_panel, write_filter_stats

    def body(log: Any) -> None:
        stats = run_filter_panel(
            vcfs=as_list(smk.input.vcfs),
            samples=list(smk.params.samples),
            panel_path=smk.input.panel,
            build=smk.params.build,
            out_vcf=smk.output.vcf,
            log=log,
        )
        write_filter_stats(stats, smk.output.stats)

    run_stage("filter_panel", smk.log[0], body)


if "snakemake" in globals():
    # the workflow's own package version runs, installed or not (e.g. under --use-conda)
    sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1] / "src"))  # type: ignore[name-defined]  # noqa: F821
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
