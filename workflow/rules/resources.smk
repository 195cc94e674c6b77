# Resource layer: fetch the official databases for the configured build (not part of `all`).
# Run with: snakemake --cores 4 download_resources


rule download_resources:
    input:
        panel=CFG["panel"],
    output:
        f"resources/db/manifest.{BUILD}.json",
    log:
        f"logs/_run/download_resources.{BUILD}.log",
    conda:
        "../envs/dualdx.yaml"
    threads: 1
    resources:
        downloads=1,
        mem_mb=500,
        runtime=240,
    params:
        build=BUILD,
        dest=lambda wildcards, output: str(Path(output[0]).parent),
    script:
        "../scripts/download_resources.py"
