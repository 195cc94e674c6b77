"""Adapter: rule classify_variants -> dualdx.acmg.run_classify_variants."""

import sys
from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.acmg import run_classify_variants
    from dualdx.adapter import as_list, run_stage
    from dualdx.phenotypes import load_phenotypes

    run_stage(
        "classify_variants",
        smk.log[0],
        lambda log: run_classify_variants(
            phenotypes=load_phenotypes(as_list(smk.input.phenotypes)),
            annotations_json=smk.input.annotations,
            inheritance_json=smk.input.inheritance,
            knowledge_json=smk.input.knowledge,
            panel_path=smk.input.panel,
            ruleset=smk.params.ruleset,
            scores={"path": smk.params.scores} if smk.params.scores else None,
            out_json=smk.output[0],
            transcripts_path=smk.input.transcripts,
            log=log,
        ),
    )


if "snakemake" in globals():
    # the workflow's own package version runs, installed or not (e.g. under --use-conda)
    sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1] / "src"))  # type: ignore[name-defined]  # noqa: F821
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
