"""Adapter: rule interpret_structural -> dualdx.annotation.structural.run_interpret_structural."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.annotation.structural import run_interpret_structural
    from dualdx.core.stage import as_list, run_stage

    def body(log: Any) -> None:
        run_interpret_structural(
            family=smk.params.family,
            vcfs=as_list(smk.input.vcfs),
            sv_vcfs=as_list(smk.input.sv_vcfs),
            samples=list(smk.params.samples),
            panel_path=smk.input.panel,
            ped_path=smk.input.pedigree,
            build=smk.params.build,
            transcripts_path=smk.input.transcripts,
            clinvar_index=smk.input.clinvar,
            out_json=smk.output[0],
            log=log,
            gnomad_sv=smk.params.gnomad_sv,
            reference_fasta=smk.params.reference_fasta,
            transcript_fasta=smk.params.transcript_fasta,
            sample_files={s: list(fs) for s, fs in dict(smk.params.sample_files).items()},
        )

    run_stage("interpret_structural", smk.log[0], body)


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
