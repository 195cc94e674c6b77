"""Adapter: rule distill_knowledge -> dualdx.interpretation.phenotype_knowledge."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import as_list, run_stage
    from dualdx.interpretation.phenotype_knowledge import run_distill_for_phenotypes

    run_stage(
        "distill_knowledge",
        smk.log[0],
        lambda log: run_distill_for_phenotypes(
            smk.input.panel,
            as_list(smk.input.phenotypes),
            smk.output[0],
            log,
            cache_dir=smk.params.cache_dir,
            hpo_dir=smk.params.hpo_dir,
        ),
    )


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
