# Stage 3: inheritance patterns and segregation from the family's genotypes.


rule assign_inheritance:
    input:
        annotations="results/{family}/annotations.json",
        structural="results/{family}/structural.json",
        knowledge="results/_run/knowledge.json",
        pedigree=CFG["pedigree"],
        phenotypes=PHENOTYPE_FILES,
    output:
        tsv="results/{family}/inheritance.tsv",
        json="results/{family}/inheritance.json",
    log:
        "logs/{family}/assign_inheritance.log",
    benchmark:
        "logs/benchmarks/{family}/assign_inheritance.tsv"
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
        thresholds=CFG["inheritance"],
    script:
        "../scripts/assign_inheritance.py"
