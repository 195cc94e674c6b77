"""Adapter: rule classify_structural -> dualdx.interpretation.cnv_classify.run_classify_structural."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import as_list, run_stage
    from dualdx.inputs.phenotypes import load_phenotypes
    from dualdx.interpretation.cnv_classify import run_classify_structural

    def body(log: Any) -> None:
        run_classify_structural(
            structural_json=smk.input.structural,
            inheritance_json=smk.input.inheritance,
            knowledge_json=smk.input.knowledge,
            panel_path=smk.input.panel,
            ped_path=smk.input.pedigree,
            phenotypes=load_phenotypes(as_list(smk.input.phenotypes)),
            out_json=smk.output[0],
            log=log,
        )

    run_stage("classify_structural", smk.log[0], body)


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
