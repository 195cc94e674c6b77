# Stage 4: ACMG/AMP classification, every criterion with its evidence.


rule classify_variants:
    input:
        annotations="results/{family}/annotations.json",
        inheritance="results/{family}/inheritance.json",
        structural="results/{family}/structural.json",
        cnv_classification="results/{family}/cnv_classification.json",
        knowledge="results/_run/knowledge.json",
        panel=CFG["panel"],
        transcripts=ANN["transcripts"],
        phenotypes=PHENOTYPE_FILES,
    output:
        "results/{family}/classification.json",
    log:
        "logs/{family}/classify_variants.log",
    benchmark:
        "logs/benchmarks/{family}/classify_variants.tsv"
    group:
        "family"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        ruleset=RULESET,
        scores=ANN["scores"],
    script:
        "../scripts/classify_variants.py"
