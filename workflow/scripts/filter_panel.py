"""Adapter: rule filter_panel -> dualdx.inputs.filtering.run_filter_panel."""

from typing import Any


def main(smk: Any) -> None:
    from dualdx.core.stage import as_list, first_or_none, run_stage
    from dualdx.inputs.filtering import run_filter_panel, write_filter_stats

    def body(log: Any) -> None:
        stats = run_filter_panel(
            vcfs=as_list(smk.input.vcfs),
            samples=list(smk.params.samples),
            panel_path=smk.input.panel,
            build=smk.params.build,
            out_vcf=smk.output.vcf,
            log=log,
            sample_vcfs=dict(smk.params.sample_vcfs),
            reference_fasta=first_or_none(smk.input.reference),
            family=smk.wildcards.get("family"),
            listed_elsewhere=list(smk.params.listed_elsewhere),
            upstream_stats=as_list(smk.input.get("cohort_stats")),
        )
        write_filter_stats(stats, smk.output.stats)

    run_stage("filter_panel", smk.log[0], body)


if "snakemake" in globals():  # run by Snakemake; common.smk puts the workflow's src/ first
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
