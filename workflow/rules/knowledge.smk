# Family-independent knowledge, built once per run. distill_knowledge loads the HPO store from
# annotation.cache_dir (built there once per HPO release and machine) and distils the panel's
# diseases and every person's terms.


rule distill_knowledge:
    input:
        panel=CFG["panel"],
        phenotypes=PHENOTYPE_FILES,
    output:
        "results/_run/knowledge.json",
    log:
        "logs/_run/distill_knowledge.log",
    benchmark:
        "logs/benchmarks/_run/distill_knowledge.tsv"
    group:
        "run"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        cache_dir=ANN["cache_dir"],
        hpo_dir=ANN["hpo_dir"],
    script:
        "../scripts/distill_knowledge.py"


rule index_clinvar:
    input:
        panel=CFG["panel"],
        transcripts=ANN["transcripts"],
        clinvar=optional_inputs(ANN["clinvar"]),
        reference_fasta=optional_inputs(ANN["reference_fasta"]),
        transcript_fasta=optional_inputs(ANN["transcript_fasta"]),
    output:
        "results/_run/clinvar_panel.json",
    log:
        "logs/_run/index_clinvar.log",
    benchmark:
        "logs/benchmarks/_run/index_clinvar.tsv"
    group:
        "run"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        build=BUILD,
    script:
        "../scripts/index_clinvar.py"
