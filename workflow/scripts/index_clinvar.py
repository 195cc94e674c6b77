"""Adapter: rule index_clinvar -> dualdx.clinvar.run_index_clinvar."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import run_stage
    from dualdx.clinvar import run_index_clinvar

    run_stage(
        "index_clinvar",
        smk.log[0],
        lambda log: run_index_clinvar(
            clinvar_path=smk.params.clinvar,
            panel_path=smk.input.panel,
            build=smk.params.build,
            transcripts_path=smk.input.transcripts,
            tx_fasta=smk.params.transcript_fasta,
            genome_fasta=smk.params.reference_fasta,
            out_json=smk.output[0],
            log=log,
        ),
    )


if "snakemake" in globals():
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
