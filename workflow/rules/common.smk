# Load, validate and route. No domain logic here: it lives in the dualdx package.
import json
import os
import sys
from pathlib import Path

WORKFLOW_ROOT = Path(workflow.main_snakefile).resolve().parent
# The workflow's own package runs, whatever dualdx is installed: here, and in every rule's
# script (they inherit PYTHONPATH, locally, under --use-conda and in cluster jobs).
WORKFLOW_SRC = str(WORKFLOW_ROOT / "src")
sys.path.insert(0, WORKFLOW_SRC)
# --use-conda: workflow/envs/dualdx.yaml pip-installs the package from here (${DUALDX_WORKFLOW_ROOT}).
os.environ.update(DUALDX_WORKFLOW_ROOT=str(WORKFLOW_ROOT))

from dualdx.core.stage import use_workflow_package

use_workflow_package(WORKFLOW_SRC)

from dualdx.core.errors import InputError
from dualdx.inputs.config import load_sample_sheet, resolve_config, shared_vcfs
from dualdx.provenance.record import COMMAND_LINE_ENV, command_line_of

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
# Recorded in provenance: the command as the user typed it, passed to write_report through
# the environment (not a rule parameter, so a rerun with other --cores does no work). A job's own
# Snakemake process (local, or a cluster job run with the executor's arguments) reads the value
# the main process set: envvars passes it to remote jobs.
if workflow.is_main_process:
    os.environ[COMMAND_LINE_ENV] = json.dumps(command_line_of(sys.argv))
else:
    os.environ.setdefault(COMMAND_LINE_ENV, json.dumps(command_line_of(sys.argv)))


envvars:
    COMMAND_LINE_ENV,


wildcard_constraints:
    family=r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
    cohort=r"cohort_[0-9a-f]{12}",


# Cohort mode: a VCF shared by several families is filtered to the panel once (rule
# filter_cohort), and each family's filter_panel then reads that small panel VCF.
SHARED_VCFS = shared_vcfs(FAMILIES)


def family_vcfs(wildcards):
    return list(dict.fromkeys(family_sample_vcfs(wildcards).values()))


def family_source_vcfs(wildcards):
    return FAMILIES[wildcards.family].vcfs


def family_sv_vcfs(wildcards):
    """The family's structural-variant VCFs (sample sheet column sv_vcf), possibly none."""
    return FAMILIES[wildcards.family].sv_vcfs


def family_sample_sv_files(wildcards):
    """Each person's files for the structural-variant stage: the source VCF on their row (not a
    cohort's panel extract: it holds no symbolic records) and their sv_vcf."""
    return {
        s.sample_id: [s.vcf] + ([s.sv_vcf] if s.sv_vcf else [])
        for s in FAMILIES[wildcards.family].samples
    }


def cohort_vcf(wildcards):
    return next(v for v, cid in SHARED_VCFS.items() if cid == wildcards.cohort)


def cohort_samples(wildcards):
    vcf = cohort_vcf(wildcards)
    return [s.sample_id for f in FAMILIES.values() for s in f.samples if s.vcf == vcf]


def family_samples(wildcards):
    return FAMILIES[wildcards.family].sample_ids


def family_sample_vcfs(wildcards):
    """Each person's VCF, as their row of the sample sheet names it (a shared VCF: its panel
    extract from filter_cohort)."""
    return {
        s.sample_id: (
            f"results/_cohort/{SHARED_VCFS[s.vcf]}.panel.vcf.gz"
            if s.vcf in SHARED_VCFS
            else s.vcf
        )
        for s in FAMILIES[wildcards.family].samples
    }


def family_cohort_stats(wildcards):
    """filter_stats.json of the cohort filters whose panel VCF this family reads."""
    return sorted(
        {
            f"results/_cohort/{SHARED_VCFS[s.vcf]}.filter_stats.json"
            for s in FAMILIES[wildcards.family].samples
            if s.vcf in SHARED_VCFS
        }
    )


def samples_of_other_families(wildcards):
    return [
        s.sample_id
        for f in FAMILIES.values()
        if f.family_id != wildcards.family
        for s in f.samples
    ]


def cohort_sample_vcfs(wildcards):
    return dict.fromkeys(cohort_samples(wildcards), cohort_vcf(wildcards))


def samples_of_other_cohorts(wildcards):
    mine = set(cohort_samples(wildcards))
    return [
        s.sample_id
        for f in FAMILIES.values()
        for s in f.samples
        if s.sample_id not in mine
    ]


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
