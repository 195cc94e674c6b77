"""SLURM submissions and wall time, one job per family (grouped) against one job per rule.

    python benchmarks/cluster.py [--families 1,10] [--partition P --account A] [--workdir DIR]
                                 [--background 2000] [--poll SECONDS]

Needs a SLURM cluster with accounting: ``bash .ci/slurm.sh`` (root, Debian) starts a single-node
one and writes /run/dualdx-slurm/cluster.env, which gives the partition and account unless
``--partition``/``--account`` are given.

For each cohort size N, a seeded cohort of quartets (``dualdx.synthetic.write_cohort``, one joint
VCF, cut to the first N families as in cohort.py; ``report: pdf: false``) runs three ways, each in
a fresh directory:

* local: ``--cores 2`` on this machine (the baseline);
* grouped: ``--profile profiles/slurm`` as shipped (rules carry ``group: family`` / ``group: run``,
  the profile merges the once-per-run group): at most 1 + N SLURM jobs;
* per rule: the same profile with ``--groups rule=rule`` for every rule, so that every job is a
  group of its own and goes to SLURM alone, as without the ``group:`` directives.

``knowledge.json`` is reused from a cache filled by a first local run, so distill_knowledge costs
the same small amount in every run. Status polling is the plugin's default (first check after
40 s, then 10 s longer each time nothing finished) unless ``--poll`` sets the first interval.
For every run: wall time, SLURM jobs submitted (the executor's log) and the jobs under the run's
name in sacct (they must agree). Prints ratios: per rule / grouped (submissions, wall time) and
each SLURM run / local.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from cohort import cohort_inputs, subset_inputs, write_config
from end_to_end import REPO, Run, checked, job_counts, measure, snakemake_cmd

RULES = ("distill_knowledge", "index_clinvar", "filter_cohort", "filter_panel",
         "annotate_variants", "assign_inheritance", "classify_variants", "call_diagnoses",
         "write_report")


def cluster_settings(args: argparse.Namespace) -> tuple[str, str]:
    env = Path(os.environ.get("DUALDX_SLURM_ENV", "/run/dualdx-slurm/cluster.env"))
    found = {}
    if env.is_file():
        found = dict(line.split("=", 1) for line in env.read_text().split())
    partition = args.partition or found.get("DUALDX_SLURM_PARTITION")
    account = args.account or found.get("DUALDX_SLURM_ACCOUNT")
    if not (partition and account) or not shutil.which("sbatch"):
        raise SystemExit("no SLURM cluster: start one with 'bash .ci/slurm.sh' (root, Debian) or "
                         "give --partition and --account of yours")
    return partition, account


def sacct_jobs(run_id: str) -> list[str]:
    start = (datetime.now() - timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M")
    out = subprocess.run(["sacct", "-X", "-P", "-n", "-S", start, "--name", run_id, "-o",
                          "JobIDRaw,State"], capture_output=True, text=True, check=True).stdout
    return out.split()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--families", default="1,10", help="cohort sizes (default: %(default)s)")
    ap.add_argument("--partition")
    ap.add_argument("--account")
    ap.add_argument("--background", type=int, default=2000,
                    help="off-panel records in the joint VCF (default: %(default)s)")
    ap.add_argument("--poll", type=int, default=None,
                    help="first status check after this many seconds (plugin default: 40)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "dualdx_benchmarks"))
    args = ap.parse_args(argv)
    partition, account = cluster_settings(args)
    sizes = sorted(int(x) for x in args.families.split(","))
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    files = cohort_inputs(work, max(sizes), args.seed, args.background)
    cache = work / "cluster_knowledge_cache"
    print(f"1-min load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"SLURM partition {partition}, account {account}; cohort of {max(sizes)} quartets, "
          f"one joint VCF ({args.background} background records); PDF off")

    profile = ["--profile", str(REPO / "profiles" / "slurm"), "--default-resources",
               f"slurm_partition={partition}", f"slurm_account={account}"]
    if args.poll:
        profile.append(f"--slurm-init-seconds-before-status-checks={args.poll}")
    modes = {
        "local": [],
        "grouped": profile,
        "per rule": [*profile, "--groups", *(f"{r}={r}" for r in RULES)],
    }
    results: dict[tuple[int, str], tuple[Run, int, int, dict[str, int]]] = {}
    for n in sizes:
        for mode, extra in {"warm-up": [], **modes}.items():
            run_dir = work / f"cluster_{n}_{mode.replace(' ', '_')}"
            shutil.rmtree(run_dir, ignore_errors=True)
            write_config(run_dir, subset_inputs(files, n, run_dir / "in", "joint"))
            cfg = yaml.safe_load((run_dir / "config.yaml").read_text())
            cfg["annotation"]["cache_dir"] = str(cache)
            (run_dir / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
            if mode == "warm-up":  # fills the knowledge cache for this cohort's HPO terms
                # the target first: --configfile takes every following word up to the next flag
                checked(measure([sys.executable, "-m", "snakemake", "results/_run/knowledge.json",
                                 *snakemake_cmd(run_dir, 2)[3:]]), f"warm-up N={n}")
                continue
            # --profile sets its own job count; --cores only matters to the local run
            run = checked(measure(snakemake_cmd(run_dir, 2, *extra), log=run_dir / "run.log"),
                          f"{mode} N={n}")
            submitted = len(re.findall(r"has been submitted with SLURM jobid", run.stderr))
            m = re.search(r"^SLURM run ID: (\S+)$", run.stderr, re.M)
            in_sacct = len(sacct_jobs(m.group(1))) if m else 0
            if submitted != in_sacct:
                raise SystemExit(f"{mode} N={n}: {submitted} submitted but {in_sacct} in sacct")
            reports = len(list((run_dir / "results").glob("*/report.json")))
            if reports != n:
                raise SystemExit(f"{mode} N={n}: {reports} report.json written, expected {n}")
            counts = job_counts(run.stderr)
            results[(n, mode)] = (run, submitted, in_sacct, counts)
            print(f"  N={n:<3} {mode:<8} {run.wall:7.1f} s  {sum(counts.values()) - 1:3d} jobs, "
                  f"{submitted:3d} SLURM submissions", flush=True)

    print(f"\n{'N':>3} {'mode':<9} {'wall s':>7} {'jobs':>5} {'submitted':>9} {'in sacct':>8}")
    for (n, mode), (run, sub, acct, counts) in results.items():
        print(f"{n:3d} {mode:<9} {run.wall:7.1f} {sum(counts.values()) - 1:5d} {sub:9d} {acct:8d}")
    print("\nratios:")
    ok = True
    for n in sizes:
        local, grouped, per_rule = (results[(n, m)] for m in modes)
        print(f"  N={n}: per rule / grouped: submissions {per_rule[1] / grouped[1]:.1f}x, "
              f"wall {per_rule[0].wall / grouped[0].wall:.2f}x; grouped / local wall "
              f"{grouped[0].wall / local[0].wall:.2f}x, per rule / local "
              f"{per_rule[0].wall / local[0].wall:.2f}x")
        if grouped[1] > 2 + n:
            print(f"  N={n}: grouped run submitted {grouped[1]} jobs, more than 2 + N = {2 + n}",
                  file=sys.stderr)
            ok = False
    print(f"1-min load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
