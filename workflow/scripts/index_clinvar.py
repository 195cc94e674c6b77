"""Adapter: rule index_clinvar -> dualdx.clinvar.run_index_clinvar."""

import sys
from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import as_list, run_stage
    from dualdx.clinvar import run_index_clinvar

    run_stage(
        "index_clinvar",
        smk.log[0],
        lambda log: run_index_clinvar(
            clinvar_path=(as_list(smk.input.clinvar) or [None])[0],
            panel_path=smk.input.panel,
            build=smk.params.build,
            transcripts_path=smk.input.transcripts,
            tx_fasta=(as_list(smk.input.transcript_fasta) or [None])[0],
            genome_fasta=(as_list(smk.input.reference_fasta) or [None])[0],
            out_json=smk.output[0],
            log=log,
        ),
    )


if "snakemake" in globals():
    # the workflow's own package version runs, installed or not (e.g. under --use-conda)
    sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1] / "src"))  # type: ignore[name-defined]  # noqa: F821
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
