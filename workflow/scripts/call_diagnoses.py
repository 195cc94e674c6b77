"""Adapter: rule call_diagnoses -> dualdx.interpretation.call_diagnoses.run_call_diagnoses."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import as_list, run_stage
    from dualdx.inputs.phenotypes import load_phenotypes
    from dualdx.interpretation.call_diagnoses import run_call_diagnoses

    def body(log: Any) -> None:
        pheno = load_phenotypes(as_list(smk.input.phenotypes))
        run_call_diagnoses(
            family=smk.params.family,
            proband=smk.params.proband,
            build=smk.params.build,
            panel_path=smk.input.panel,
            ped_path=smk.input.pedigree,
            annotations_json=smk.input.annotations,
            inheritance_json=smk.input.inheritance,
            classification_json=smk.input.classification,
            knowledge_json=smk.input.knowledge,
            phenotypes={
                s: [{"id": t.id, "excluded": t.excluded} for t in ts] for s, ts in pheno.items()
            },
            ruleset=smk.params.ruleset,
            out_report_json=smk.output.json,
            out_variants_tsv=smk.output.tsv,
            log=log,
            phenotypes_source=", ".join(as_list(smk.input.phenotypes)),
            filter_stats_json=smk.input.filter_stats,
            structural_json=smk.input.structural,
            cnv_classification_json=smk.input.cnv_classification,
        )

    run_stage("call_diagnoses", smk.log[0], body)


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
