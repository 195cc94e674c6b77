"""Adapter: rule classify_variants -> dualdx.interpretation.acmg.classify.run_classify_variants."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import as_list, run_stage
    from dualdx.inputs.phenotypes import load_phenotypes
    from dualdx.interpretation.acmg.classify import run_classify_variants

    run_stage(
        "classify_variants",
        smk.log[0],
        lambda log: run_classify_variants(
            phenotypes=load_phenotypes(as_list(smk.input.phenotypes)),
            annotations_json=smk.input.annotations,
            inheritance_json=smk.input.inheritance,
            knowledge_json=smk.input.knowledge,
            panel_path=smk.input.panel,
            ruleset=smk.params.ruleset,
            scores={"path": smk.params.scores} if smk.params.scores else None,
            out_json=smk.output[0],
            transcripts_path=smk.input.transcripts,
            structural_json=smk.input.structural,
            cnv_classification_json=smk.input.cnv_classification,
            log=log,
        ),
    )


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
