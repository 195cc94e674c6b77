"""Adapter: rule annotate_variants -> dualdx.annotate.run_annotate_variants."""

import sys
from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import run_stage
    from dualdx.annotate import AnnotationSettings, run_annotate_variants

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


if "snakemake" in globals():
    # the workflow's own package version runs, installed or not (e.g. under --use-conda)
    sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1] / "src"))  # type: ignore[name-defined]  # noqa: F821
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
