# Load, validate and route. No domain logic here: it lives in the dualdx package.
import sys
from pathlib import Path

WORKFLOW_ROOT = Path(workflow.main_snakefile).resolve().parent
# The workflow's own package runs, whatever dualdx is installed: here, and in every rule's
# script (they inherit PYTHONPATH, locally, under --use-conda and in cluster jobs).
WORKFLOW_SRC = str(WORKFLOW_ROOT / "src")
sys.path.insert(0, WORKFLOW_SRC)

from dualdx.core.stage import use_workflow_package

use_workflow_package(WORKFLOW_SRC)

from dualdx.core.errors import InputError
from dualdx.inputs.config import load_sample_sheet, resolve_config, shared_vcfs

SCHEMAS = WORKFLOW_ROOT / "workflow" / "schemas"
CONFIG_SOURCE = ", ".join(str(p) for p in workflow.configfiles) or "the configuration"

try:
    CFG = resolve_config(config, WORKFLOW_ROOT, Path.cwd(), CONFIG_SOURCE)
    FAMILIES = load_sample_sheet(CFG["samples"], SCHEMAS / "samples.schema.json")
except InputError as err:
    # the message alone (file, place, problem, fix): no traceback for an input error
    print(f"dualdx: {err}", file=sys.stderr)
    sys.exit(1)

BUILD = CFG["genome_build"]
ANN = CFG["annotation"]
PHENOTYPE_FILES = (
    CFG["phenotypes"] if isinstance(CFG["phenotypes"], list) else [CFG["phenotypes"]]
)
RULESET = CFG["classification"]["ruleset"]
WANT_PDF = CFG["report"]["pdf"]
PREVIOUS = CFG["previous_results"]
# Recorded in provenance: the command as the user typed it (not the adapter script path).
COMMAND_LINE = [Path(sys.argv[0]).name, *sys.argv[1:]]


wildcard_constraints:
    family=r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
    cohort=r"cohort_[0-9a-f]{12}",


# Cohort mode: a VCF shared by several families is filtered to the panel once (rule
# filter_cohort), and each family's filter_panel then reads that small panel VCF.
SHARED_VCFS = shared_vcfs(FAMILIES)


def family_vcfs(wildcards):
    return [
        f"results/_cohort/{SHARED_VCFS[v]}.panel.vcf.gz" if v in SHARED_VCFS else v
        for v in FAMILIES[wildcards.family].vcfs
    ]


def family_source_vcfs(wildcards):
    return FAMILIES[wildcards.family].vcfs


def family_sv_vcfs(wildcards):
    """The family's structural-variant VCFs (sample sheet column sv_vcf), possibly none."""
    return FAMILIES[wildcards.family].sv_vcfs


def cohort_vcf(wildcards):
    return next(v for v, cid in SHARED_VCFS.items() if cid == wildcards.cohort)


def cohort_samples(wildcards):
    vcf = cohort_vcf(wildcards)
    return [s.sample_id for f in FAMILIES.values() for s in f.samples if s.vcf == vcf]


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
