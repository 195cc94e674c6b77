# Stage 6: the counselor's report, provenance and reanalysis.


rule write_provenance:
    input:
        vcfs=family_source_vcfs,
        sv_vcfs=family_sv_vcfs,
        panel=CFG["panel"],
        pedigree=CFG["pedigree"],
        samples=CFG["samples"],
        phenotypes=PHENOTYPE_FILES,
        transcripts=ANN["transcripts"],
        annotations="results/{family}/annotations.json",
        knowledge="results/_run/knowledge.json",
        clinvar="results/_run/clinvar_panel.json",
        structural="results/{family}/structural.json",
        report="results/{family}/report.json",
    output:
        "results/{family}/provenance.json",
    log:
        "logs/{family}/write_provenance.log",
    benchmark:
        "logs/benchmarks/{family}/write_provenance.tsv"
    group:
        "family"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=300,
        runtime=5,
    params:
        family="{family}",
        config=CFG,
        configfiles=[str(p) for p in workflow.configfiles],
        workflow_dir=lambda wildcards: str(WORKFLOW_ROOT),
        ruleset=RULESET,
    script:
        "../scripts/write_provenance.py"


rule compare_reanalysis:
    input:
        report="results/{family}/report.json",
        provenance="results/{family}/provenance.json",
    output:
        "results/{family}/reanalysis.json",
    log:
        "logs/{family}/compare_reanalysis.log",
    group:
        "family"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=300,
        runtime=5,
    params:
        family="{family}",
        previous=PREVIOUS,
    script:
        "../scripts/compare_reanalysis.py"


rule render_report:
    input:
        report="results/{family}/report.json",
        provenance="results/{family}/provenance.json",
        reanalysis=(["results/{family}/reanalysis.json"] if PREVIOUS else []),
    output:
        html=report(
            "results/{family}/report.html",
            caption="../report/report_html.rst",
            category="{family}",
            labels={"family": "{family}", "file": "report.html"},
        ),
    log:
        "logs/{family}/render_report.log",
    benchmark:
        "logs/benchmarks/{family}/render_report.tsv"
    group:
        "family"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/render_report.py"


rule render_pdf:
    input:
        html="results/{family}/report.html",
    output:
        pdf=report(
            "results/{family}/report.pdf",
            caption="../report/report_html.rst",
            category="{family}",
            labels={"family": "{family}", "file": "report.pdf"},
        ),
    log:
        "logs/{family}/render_pdf.log",
    benchmark:
        "logs/benchmarks/{family}/render_pdf.tsv"
    group:
        "family"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        engine=CFG["report"].get("pdf_engine", "auto"),
    script:
        "../scripts/render_pdf.py"
