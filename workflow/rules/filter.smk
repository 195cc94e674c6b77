# Stage 1: restrict each family's VCF(s) to the panel regions.


rule filter_panel:
    input:
        vcfs=family_vcfs,
        panel=CFG["panel"],
        reference=optional_inputs(ANN["reference_fasta"]),
        cohort_stats=family_cohort_stats,
    output:
        vcf="results/{family}/panel.vcf.gz",
        tbi="results/{family}/panel.vcf.gz.tbi",
        stats="results/{family}/filter_stats.json",
    log:
        "logs/{family}/filter_panel.log",
    benchmark:
        "logs/benchmarks/{family}/filter_panel.tsv"
    group:
        "family"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=60,
    params:
        samples=family_samples,
        sample_vcfs=family_sample_vcfs,
        listed_elsewhere=samples_of_other_families,
        build=BUILD,
    script:
        "../scripts/filter_panel.py"


rule filter_cohort:
    input:
        vcfs=cohort_vcf,
        panel=CFG["panel"],
        reference=optional_inputs(ANN["reference_fasta"]),
    output:
        vcf="results/_cohort/{cohort}.panel.vcf.gz",
        tbi="results/_cohort/{cohort}.panel.vcf.gz.tbi",
        stats="results/_cohort/{cohort}.filter_stats.json",
    log:
        "logs/_cohort/{cohort}.filter_panel.log",
    benchmark:
        "logs/benchmarks/_cohort/{cohort}.filter_panel.tsv"
    group:
        "run"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=120,
    params:
        samples=cohort_samples,
        sample_vcfs=cohort_sample_vcfs,
        listed_elsewhere=samples_of_other_cohorts,
        build=BUILD,
    script:
        "../scripts/filter_panel.py"
