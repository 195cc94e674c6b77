# Load, validate and route. No domain logic here: it lives in the dualdx package.
import json
from pathlib import Path

from snakemake.exceptions import WorkflowError

from dualdx.config import load_sample_sheet, resolve_config
from dualdx.errors import InputError

WORKFLOW_ROOT = Path(workflow.main_snakefile).resolve().parent
SCHEMAS = WORKFLOW_ROOT / "workflow" / "schemas"
CONFIG_SOURCE = ", ".join(str(p) for p in workflow.configfiles) or "the configuration"

try:
    CFG = resolve_config(config, WORKFLOW_ROOT, Path.cwd(), CONFIG_SOURCE)
    FAMILIES = load_sample_sheet(CFG["samples"], SCHEMAS / "samples.schema.json")
except InputError as err:
    raise WorkflowError(str(err)) from None

BUILD = CFG["genome_build"]
ANN = CFG["annotation"]
PHENOTYPE_FILES = (
    CFG["phenotypes"] if isinstance(CFG["phenotypes"], list) else [CFG["phenotypes"]]
)
RULESET = CFG["classification"]["ruleset"]
WANT_PDF = CFG["report"]["pdf"]
PREVIOUS = CFG["previous_results"]


wildcard_constraints:
    family=r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}",


def family_vcfs(wildcards):
    return FAMILIES[wildcards.family].vcfs


def family_samples(wildcards):
    return FAMILIES[wildcards.family].sample_ids


def family_proband(wildcards):
    return FAMILIES[wildcards.family].proband


def optional_inputs(*paths):
    """Local database files that are configured (URLs and nulls are not Snakemake inputs)."""
    return [p for p in paths if p and "://" not in p]


def family_outputs(family):
    outs = [
        f"results/{family}/panel.vcf.gz",
        f"results/{family}/annotated.vcf.gz",
        f"results/{family}/inheritance.tsv",
        f"results/{family}/variants.tsv",
        f"results/{family}/report.json",
        f"results/{family}/report.html",
        f"results/{family}/provenance.json",
    ]
    if WANT_PDF:
        outs.append(f"results/{family}/report.pdf")
    if PREVIOUS:
        outs.append(f"results/{family}/reanalysis.json")
    return outs


def final_outputs():
    return [out for family in sorted(FAMILIES) for out in family_outputs(family)]
