"""Adapter: rule distill_knowledge -> dualdx.hpo.run_distill_for_phenotypes."""

import sys
from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import as_list, run_stage
    from dualdx.hpo import run_distill_for_phenotypes

    run_stage(
        "distill_knowledge",
        smk.log[0],
        lambda log: run_distill_for_phenotypes(
            smk.input.panel,
            as_list(smk.input.phenotypes),
            smk.output[0],
            log,
            cache_dir=smk.params.cache_dir,
        ),
    )


if "snakemake" in globals():
    # the workflow's own package version runs, installed or not (e.g. under --use-conda)
    sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1] / "src"))  # type: ignore[name-defined]  # noqa: F821
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
