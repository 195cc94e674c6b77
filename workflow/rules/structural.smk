# Copy-number and structural variants: read and annotated before the inheritance stage, classified
# (ClinGen/ACMG CNV points) after it.


rule interpret_structural:
    input:
        vcfs=family_source_vcfs,
        sv_vcfs=family_sv_vcfs,
        panel=CFG["panel"],
        pedigree=CFG["pedigree"],
        transcripts=ANN["transcripts"],
        clinvar="results/_run/clinvar_panel.json",
        databases=optional_inputs(
            ANN["gnomad_sv"],
            ANN["reference_fasta"],
            ANN["transcript_fasta"],
        ),
    output:
        "results/{family}/structural.json",
    log:
        "logs/{family}/interpret_structural.log",
    benchmark:
        "logs/benchmarks/{family}/interpret_structural.tsv"
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
        samples=family_samples,
        sample_files=family_sample_sv_files,
        build=BUILD,
        gnomad_sv=ANN["gnomad_sv"],
        # functions, not strings: a local file is also an input (the bundled sequence by default)
        reference_fasta=lambda wildcards: ANN["reference_fasta"],
        transcript_fasta=lambda wildcards: ANN["transcript_fasta"],
    script:
        "../scripts/interpret_structural.py"


rule classify_structural:
    input:
        structural="results/{family}/structural.json",
        inheritance="results/{family}/inheritance.json",
        knowledge="results/_run/knowledge.json",
        panel=CFG["panel"],
        pedigree=CFG["pedigree"],
        phenotypes=PHENOTYPE_FILES,
    output:
        "results/{family}/cnv_classification.json",
    log:
        "logs/{family}/classify_structural.log",
    benchmark:
        "logs/benchmarks/{family}/classify_structural.tsv"
    group:
        "family"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    script:
        "../scripts/classify_structural.py"
