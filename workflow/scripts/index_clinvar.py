"""Adapter: rule index_clinvar -> dualdx.annotation.clinvar_index.run_index_clinvar."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.annotation.clinvar_index import run_index_clinvar
    from dualdx.core.stage import first_or_none, run_stage

    run_stage(
        "index_clinvar",
        smk.log[0],
        lambda log: run_index_clinvar(
            clinvar_path=first_or_none(smk.input.clinvar),
            panel_path=smk.input.panel,
            build=smk.params.build,
            transcripts_path=smk.input.transcripts,
            tx_fasta=first_or_none(smk.input.transcript_fasta),
            genome_fasta=first_or_none(smk.input.reference_fasta),
            out_json=smk.output[0],
            log=log,
        ),
    )


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
