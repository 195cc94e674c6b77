# Stage 1: restrict each family's VCF(s) to the panel regions.


rule filter_panel:
    input:
        vcfs=family_vcfs,
        panel=CFG["panel"],
    output:
        vcf="results/{family}/panel.vcf.gz",
        tbi="results/{family}/panel.vcf.gz.tbi",
    log:
        "logs/{family}/filter_panel.log",
    benchmark:
        "logs/benchmarks/{family}/filter_panel.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=60,
    params:
        samples=family_samples,
        build=BUILD,
    script:
        "../scripts/filter_panel.py"
