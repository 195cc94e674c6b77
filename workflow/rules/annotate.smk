# Stage 2: annotate every panel variant against the configured databases.


rule annotate_variants:
    input:
        vcf="results/{family}/panel.vcf.gz",
        clinvar="results/_run/clinvar_panel.json",
        panel=CFG["panel"],
        transcripts=ANN["transcripts"],
        databases=optional_inputs(
            ANN["gnomad"],
            ANN["reference_fasta"],
            ANN["transcript_fasta"],
            ANN["scores"],
        ),
    output:
        vcf="results/{family}/annotated.vcf.gz",
        tbi="results/{family}/annotated.vcf.gz.tbi",
        json="results/{family}/annotations.json",
    log:
        "logs/{family}/annotate_variants.log",
    benchmark:
        "logs/benchmarks/{family}/annotate_variants.tsv"
    group:
        "family"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        family="{family}",
        build=BUILD,
        gnomad=ANN["gnomad"],
        # functions, not strings: a local file is also an input (the bundled sequence by default)
        reference_fasta=lambda wildcards: ANN["reference_fasta"],
        transcript_fasta=lambda wildcards: ANN["transcript_fasta"],
        scores=ANN["scores"],
        online=ANN["online"],
        cache_dir=ANN["cache_dir"],
    script:
        "../scripts/annotate_variants.py"
