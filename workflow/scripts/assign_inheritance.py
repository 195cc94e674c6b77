"""Adapter: rule assign_inheritance -> dualdx.interpretation.inheritance.run_assign_inheritance."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import as_list, run_stage
    from dualdx.inputs.phenotypes import load_phenotypes
    from dualdx.interpretation.inheritance import run_assign_inheritance
    from dualdx.interpretation.quality import TrustThresholds

    def body(log: Any) -> None:
        pheno = load_phenotypes(as_list(smk.input.phenotypes))
        run_assign_inheritance(
            annotations_json=smk.input.annotations,
            ped_path=smk.input.pedigree,
            family=smk.params.family,
            proband=smk.params.proband,
            knowledge_json=smk.input.knowledge,
            phenotypes={s: [t.id for t in ts if not t.excluded] for s, ts in pheno.items()},
            thresholds=TrustThresholds(**dict(smk.params.thresholds)),
            out_tsv=smk.output.tsv,
            out_json=smk.output.json,
            log=log,
            structural_json=smk.input.structural,
        )

    run_stage("assign_inheritance", smk.log[0], body)


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
