"""Adapter: rule assign_inheritance -> dualdx.inheritance.run_assign_inheritance."""

import sys
from pathlib import Path
from typing import Any


def main(smk: Any) -> None:
    from dualdx.adapter import as_list, run_stage
    from dualdx.inheritance import TrustThresholds, run_assign_inheritance
    from dualdx.phenotypes import load_phenotypes

    def body(log: Any) -> None:
        pheno = load_phenotypes(as_list(smk.input.phenotypes))
        run_assign_inheritance(
            annotations_json=smk.input.annotations,
            ped_path=smk.input.pedigree,
            family=smk.params.family,
            proband=smk.params.proband,
            knowledge_json=smk.input.knowledge,
            phenotypes={s: [t.id for t in ts if not t.excluded] for s, ts in pheno.items()},
            thresholds=TrustThresholds(**dict(smk.params.thresholds)),
            out_tsv=smk.output.tsv,
            out_json=smk.output.json,
            log=log,
        )

    run_stage("assign_inheritance", smk.log[0], body)


if "snakemake" in globals():
    # the workflow's own package version runs, installed or not (e.g. under --use-conda)
    sys.path.insert(0, str(Path(snakemake.scriptdir).parents[1] / "src"))  # type: ignore[name-defined]  # noqa: F821
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
