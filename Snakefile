from snakemake.utils import min_version

min_version("8.20")


# The bundled example is the default run; a --configfile given on the command line replaces it
# (it is not merged over the example's keys).
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/knowledge.smk"
include: "workflow/rules/filter.smk"
include: "workflow/rules/annotate.smk"
include: "workflow/rules/structural.smk"
include: "workflow/rules/inheritance.smk"
include: "workflow/rules/classify.smk"
include: "workflow/rules/diagnose.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/resources.smk"


localrules:
    all,


rule all:
    default_target: True
    input:
        final_outputs(),


# On success, say where to look: each family's report and a one-line status (dualdx.summary).
onsuccess:
    from dualdx.summary import print_run_summary

    print_run_summary(FAMILIES, Path.cwd())
