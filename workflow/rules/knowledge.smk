# Family-independent knowledge, built once per run.


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
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/distill_knowledge.py"


rule index_clinvar:
    input:
        panel=CFG["panel"],
        transcripts=ANN["transcripts"],
        clinvar=optional_inputs(ANN["clinvar"]),
        fasta=optional_inputs(ANN["reference_fasta"], ANN["transcript_fasta"]),
    output:
        "results/_run/clinvar_panel.json",
    log:
        "logs/_run/index_clinvar.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        clinvar=ANN["clinvar"],
        build=BUILD,
        reference_fasta=ANN["reference_fasta"],
        transcript_fasta=ANN["transcript_fasta"],
    script:
        "../scripts/index_clinvar.py"
