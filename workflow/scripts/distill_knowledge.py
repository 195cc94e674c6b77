"""Adapter: rule distill_knowledge -> dualdx.hpo.run_distill_knowledge."""

import sys
from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import as_list, run_stage
    from dualdx.hpo import run_distill_knowledge
    from dualdx.phenotypes import load_phenotypes

    def body(log: Any) -> None:
        pheno = load_phenotypes(as_list(smk.input.phenotypes))
        terms = sorted({t.id for ts in pheno.values() for t in ts})
        run_distill_knowledge(smk.input.panel, terms, smk.output[0], log, cache_dir=smk.params.cache_dir)

    run_stage("distill_knowledge", smk.log[0], body)


if "snakemake" in globals():
    # the workflow's own package version runs, installed or not (e.g. under --use-conda)
    sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1] / "src"))  # type: ignore[name-defined]  # noqa: F821
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
