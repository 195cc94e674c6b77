"""Adapter: rule annotate_variants -> dualdx.annotation.annotate.run_annotate_variants."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.annotation.annotate import AnnotationSettings, run_annotate_variants
    from dualdx.core.stage import run_stage

    settings = AnnotationSettings(
        build=smk.params.build,
        panel_path=smk.input.panel,
        transcripts_path=smk.input.transcripts,
        clinvar_index=smk.input.clinvar,
        gnomad=smk.params.gnomad,
        reference_fasta=smk.params.reference_fasta,
        transcript_fasta=smk.params.transcript_fasta,
        scores=smk.params.scores,
        online=bool(smk.params.online),
        cache_dir=smk.params.cache_dir,
    )
    run_stage(
        "annotate_variants",
        smk.log[0],
        lambda log: run_annotate_variants(
            family=smk.params.family,
            panel_vcf=smk.input.vcf,
            settings=settings,
            out_vcf=smk.output.vcf,
            out_json=smk.output.json,
            log=log,
        ),
    )


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
