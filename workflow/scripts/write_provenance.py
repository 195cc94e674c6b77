"""Adapter: rule write_provenance -> dualdx.provenance.record.run_write_provenance."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import as_list, run_stage
    from dualdx.interpretation.acmg.classify import RULESETS
    from dualdx.provenance.record import command_line_from_env, run_write_provenance

    inputs = {
        "vcfs": as_list(smk.input.vcfs),
        "sv_vcfs": as_list(smk.input.sv_vcfs),  # cnv hook: structural-variant VCFs
        "panel": [smk.input.panel],
        "pedigree": [smk.input.pedigree],
        "samples": [smk.input.samples],
        "phenotypes": as_list(smk.input.phenotypes),
        "transcripts": [smk.input.transcripts],
    }
    run_stage(
        "write_provenance",
        smk.log[0],
        lambda log: run_write_provenance(
            family=smk.params.family,
            config=dict(smk.params.config),
            config_files=list(smk.params.configfiles),
            inputs=inputs,
            databases_json=[smk.input.annotations, smk.input.knowledge, smk.input.clinvar,
                            smk.input.structural],  # cnv hook: gnomAD-SV status
            ruleset={"name": smk.params.ruleset, "version": RULESETS[smk.params.ruleset]},
            workflow_dir=smk.params.workflow_dir,
            command_line=command_line_from_env(),
            out_json=smk.output[0],
            log=log,
        ),
    )


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
