"""Adapter: rule classify_variants -> dualdx.acmg.run_classify_variants."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.acmg import run_classify_variants
    from dualdx.adapter import as_list, run_stage
    from dualdx.phenotypes import load_phenotypes

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
            log=log,
        ),
    )


if "snakemake" in globals():
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
