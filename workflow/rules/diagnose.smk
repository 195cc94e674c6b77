# Stage 5: phenotype linkage, diagnoses and the dual-diagnosis decision.


rule call_diagnoses:
    input:
        annotations="results/{family}/annotations.json",
        inheritance="results/{family}/inheritance.json",
        classification="results/{family}/classification.json",
        filter_stats="results/{family}/filter_stats.json",
        structural="results/{family}/structural.json",
        cnv_classification="results/{family}/cnv_classification.json",
        knowledge="results/_run/knowledge.json",
        panel=CFG["panel"],
        pedigree=CFG["pedigree"],
        phenotypes=PHENOTYPE_FILES,
        # read by dualdx.core.contracts from the workflow's schemas; an input so that a schema
        # change re-runs the rule
        schema=str(SCHEMAS / "report.schema.json"),
    output:
        json=report(
            "results/{family}/report.json",
            caption="../report/report_json.rst",
            category="{family}",
            labels={"family": "{family}", "file": "report.json"},
        ),
        tsv=report(
            "results/{family}/variants.tsv",
            caption="../report/variants_tsv.rst",
            category="{family}",
            labels={"family": "{family}", "file": "variants.tsv"},
        ),
    log:
        "logs/{family}/call_diagnoses.log",
    benchmark:
        "logs/benchmarks/{family}/call_diagnoses.tsv"
    group:
        "family"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        family="{family}",
        proband=family_proband,
        build=BUILD,
        ruleset=RULESET,
    script:
        "../scripts/call_diagnoses.py"
