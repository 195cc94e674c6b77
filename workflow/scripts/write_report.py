"""Adapter: rule write_report -> dualdx.report.stage.run_report_stage."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import as_list, run_stage
    from dualdx.interpretation.acmg.classify import RULESETS
    from dualdx.provenance.record import command_line_from_env
    from dualdx.report.stage import run_report_stage

    inputs = {
        "vcfs": as_list(smk.input.vcfs),
        "sv_vcfs": as_list(smk.input.sv_vcfs),  # cnv hook: structural-variant VCFs
        "panel": [smk.input.panel],
        "pedigree": [smk.input.pedigree],
        "samples": [smk.input.samples],
        "phenotypes": as_list(smk.input.phenotypes),
        "transcripts": [smk.input.transcripts],
    }
    provenance = {
        "family": smk.params.family,
        "config": dict(smk.params.config),
        "config_files": list(smk.params.configfiles),
        "inputs": inputs,
        "databases_json": {"annotations": smk.input.annotations,
                           "knowledge": smk.input.knowledge,
                           "clinvar_panel": smk.input.clinvar,
                           "structural": smk.input.structural},  # cnv hook: gnomAD-SV status
        "ruleset": {"name": smk.params.ruleset, "version": RULESETS[smk.params.ruleset]},
        "workflow_dir": smk.params.workflow_dir,
        "command_line": command_line_from_env(),
    }
    run_stage(
        "write_report",
        smk.log[0],
        lambda log: run_report_stage(
            report_json=smk.input.report,
            provenance=provenance,
            out_provenance=smk.output.provenance,
            out_html=smk.output.html,
            log=log,
            previous_dir=smk.params.previous or None,
            out_reanalysis=getattr(smk.output, "reanalysis", None),
            out_pdf=getattr(smk.output, "pdf", None),
            pdf_engine=smk.params.engine,
        ),
    )


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
