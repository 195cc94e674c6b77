# Stage 6: the counselor's report and the run's record. One job per family writes, in order,
# provenance.json, reanalysis.json (with previous_results), report.html and report.pdf (with
# report.pdf: true): each needs the one before, and as four jobs they were four links of the
# family's chain for a fraction of a second of work each (dualdx.report.stage; issue 20).


rule write_report:
    input:
        report="results/{family}/report.json",
        # recorded in provenance.json (checksums, database releases, HPO release)
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
    output:
        **(
            {
                "pdf": report(
                    "results/{family}/report.pdf",
                    caption="../report/report_html.rst",
                    category="{family}",
                    labels={"family": "{family}", "file": "report.pdf"},
                )
            }
            if WANT_PDF
            else {}
        ),
        **({"reanalysis": "results/{family}/reanalysis.json"} if PREVIOUS else {}),
        provenance="results/{family}/provenance.json",
        html=report(
            "results/{family}/report.html",
            caption="../report/report_html.rst",
            category="{family}",
            labels={"family": "{family}", "file": "report.html"},
        ),
    log:
        "logs/{family}/write_report.log",
    benchmark:
        "logs/benchmarks/{family}/write_report.tsv"
    group:
        "family"
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=15,
    params:
        family="{family}",
        config=CFG,
        configfiles=[str(p) for p in workflow.configfiles],
        workflow_dir=lambda wildcards: str(WORKFLOW_ROOT),
        ruleset=RULESET,
        previous=PREVIOUS,
        engine=CFG["report"].get("pdf_engine", "auto"),
    script:
        "../scripts/write_report.py"
