"""One family end to end on a synthetic whole genome: wall time, peak memory, fixed overhead.

    python benchmarks/end_to_end.py [--records 5000000] [--seed 1] [--cores 2] [--workdir DIR]
                                    [--no-pdf]

Builds (or reuses, cached in the work directory, default $TMPDIR/dualdx_benchmarks outside the
repository) a seeded synthetic WGS trio (``dualdx.synthetic.write_wgs``, the same file as
benchmarks/filter_panel.py) with the bundled example family's 13 variants planted into it
(samples renamed to the example's father, mother and proband; the sibling is left out), then in a
fresh run directory with the example's HPO terms and ClinVar snapshot:

  1. ``snakemake -n`` (dry run): parsing the workflow and building the DAG;
  2. ``snakemake --cores N``: the whole run; wall time, peak RSS of the process tree (sum of all
     live processes, sampled every 50 ms) and of its largest single process (rusage);
  3. the same command again, every output up to date: Snakemake's fixed cost per invocation;
  4. results/<family> removed and run again: the per-family path with results/_run/ (the HPO
     knowledge and the ClinVar index) cached, i.e. what one more family costs;
  5. per-job start-up: a throw-away workflow of 10 no-op ``script:`` jobs, (run - dry run) / 10;
  6. filter_panel alone in a child process, indexed and streaming (no index used), peak RSS from
     rusage: no stage may hold the whole genome in memory;
  7. the baseline: ``bcftools view -R <panel regions>`` + tabix on the same file.
Prints per-rule times (logs/benchmarks/*.tsv where the rule declares a benchmark, else the
Snakemake log's 1-second timestamps), the targets (< 60 s and < 1 GB on 2 cores, overhead < 5 s)
and the ratios against the baselines, and checks that the planted diagnoses were found.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]
import yaml
from _common import cached_wgs

from dualdx.inputs.panel import load_panel
from dualdx.synthetic import (
    EXAMPLE_VARIANTS,
    FATHER,
    MOTHER,
    MOTHER_TERMS,
    PROBAND,
    PROBAND_TERMS,
    example_vcf_lines,
)

REPO = Path(__file__).resolve().parents[1]
PANEL = REPO / "resources" / "panels" / "default.tsv"
CLINVAR = REPO / "resources" / "knowledge" / "clinvar_example_snapshot.vcf"
TRIO = (FATHER, MOTHER, PROBAND)  # renames FATHER, MOTHER, CHILD of the synthetic WGS
EXPECTED_DIAGNOSES = {"OMIM:259700", "OMIM:146300"}  # TCIRG1 osteopetrosis + ALPL hypophosphatasia


# ------------------------------------------------------------------------------------------
# measuring processes


@dataclass
class Run:
    """One timed command: wall seconds, peak RSS (MB) of the tree and of its largest process, and
    the CPU seconds (user + system) of the command and every descendant it waited for."""

    wall: float
    tree_peak_mb: float
    single_peak_mb: float
    returncode: int
    stderr: str = field(repr=False)
    cpu: float = 0.0


def _tree_rss(proc: psutil.Process, pss: bool = False) -> int:
    """Summed RSS of ``proc`` and its descendants; with ``pss`` their proportional set size
    (shared pages divided among the processes sharing them: Chromium's processes share most of
    their memory, which a sum of RSS counts once per process)."""
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += p.memory_full_info().pss if pss else p.memory_info().rss
    return total


def measure(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
            log: Path | None = None, pss: bool = False) -> Run:
    """Run ``cmd``; sample the summed RSS (``pss``: PSS) of its process tree every 50 ms; rusage
    of the child (Linux: its own peak or that of its largest waited-for descendant) via wait4."""
    err_path = log or Path(tempfile.mkstemp(suffix=".log")[1])
    with err_path.open("w") as err:
        t0 = time.perf_counter()
        popen = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=err, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            ps = psutil.Process(popen.pid)
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss(ps, pss))
                done.wait(0.05)

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        _, status, usage = os.wait4(popen.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        th.join()
        popen.returncode = os.waitstatus_to_exitcode(status)
    text = err_path.read_text(errors="replace")
    if log is None:
        err_path.unlink()
    return Run(wall, peak[0] / 1e6, usage.ru_maxrss / 1e3, popen.returncode, text,
               usage.ru_utime + usage.ru_stime)


def snakemake_cmd(run_dir: Path, cores: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory",
            str(run_dir), "--cores", str(cores), "--configfile", str(run_dir / "config.yaml"),
            *extra]


def checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise SystemExit(f"{what} failed (exit {run.returncode}):\n{run.stderr[-6000:]}")
    return run


# ------------------------------------------------------------------------------------------
# Snakemake logs


_STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")
_START = re.compile(r"^(?:local)?rule (\w+):$")
_JOBID = re.compile(r"^\s+jobid: (\d+)$")
_DONE = re.compile(r"^Finished jobid: (\d+) \(Rule: (\w+)\)")


def job_counts(log_text: str) -> dict[str, int]:
    """The first 'Job stats' table of a Snakemake log: rule -> planned job count."""
    counts: dict[str, int] = {}
    lines = log_text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == "Job stats:":
            for row in lines[i + 3:]:
                parts = row.split()
                if len(parts) != 2 or not parts[1].isdigit():
                    break
                if parts[0] != "total":
                    counts[parts[0]] = int(parts[1])
            break
    return counts


def log_job_seconds(log_text: str) -> list[tuple[str, float]]:
    """(rule, seconds) of every finished job, from the log's timestamps (1 s resolution)."""
    stamp: datetime | None = None
    pending: str | None = None
    start: dict[str, tuple[str, datetime]] = {}
    out = []
    for line in log_text.splitlines():
        if m := _STAMP.match(line):
            stamp = datetime.strptime(m.group(1), "%a %b %d %H:%M:%S %Y")
        elif (m := _START.match(line)) and stamp is not None:
            pending = m.group(1)
        elif (m := _JOBID.match(line)) and pending is not None and stamp is not None:
            start[m.group(1)] = (pending, stamp)
            pending = None
        elif (m := _DONE.match(line)) and stamp is not None and m.group(1) in start:
            rule, t0 = start[m.group(1)]
            out.append((rule, (stamp - t0).total_seconds()))
    return out


def benchmark_tsvs(run_dir: Path) -> dict[str, list[tuple[float, float]]]:
    """logs/benchmarks/**.tsv -> {rule: [(seconds, max_rss MB), ...]} (rule = file stem)."""
    out: dict[str, list[tuple[float, float]]] = {}
    for tsv in sorted((run_dir / "logs" / "benchmarks").rglob("*.tsv")):
        with tsv.open(newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                rss = float(row["max_rss"]) if row["max_rss"] not in ("", "NA", "-") else 0.0
                name = "filter_cohort" if tsv.parent.name == "_cohort" else tsv.stem
                out.setdefault(name, []).append((float(row["s"]), rss))
    return out


def per_rule_table(run_dir: Path, log_text: str) -> list[tuple[str, int, float, str, str]]:
    """(rule, jobs, total seconds, max RSS text, source) for every rule that ran."""
    bench = benchmark_tsvs(run_dir)
    from_log: dict[str, list[float]] = {}
    for rule, secs in log_job_seconds(log_text):
        from_log.setdefault(rule, []).append(secs)
    rows = []
    for rule in sorted(set(bench) | set(from_log) - {"all"}):
        if rule in bench:
            vals = bench[rule]
            rss = max(r for _, r in vals)
            rows.append((rule, len(vals), sum(s for s, _ in vals),
                         f"{rss:.0f}" if rss else "n/s", "benchmark tsv"))
        else:
            secs_list = from_log[rule]
            rows.append((rule, len(secs_list), sum(secs_list), "-", "log stamps (1 s)"))
    return rows


# ------------------------------------------------------------------------------------------
# inputs


def _trio_line(line: str) -> str:
    """An example VCF line reduced to father, mother, proband, with AC/AN recomputed."""
    c = line.split("\t")
    fields = c[9:12]
    n_alts = len(c[4].split(","))
    alleles = [a for f in fields for a in f.split(":")[0].replace("|", "/").split("/")]
    ac = [sum(a == str(i) for a in alleles) for i in range(1, n_alts + 1)]
    an = sum(a != "." for a in alleles)
    dp = sum(int(f.split(":")[2]) for f in fields)
    c[7] = f"AC={','.join(map(str, ac))};AN={an};DP={dp}"
    return "\t".join(c[:9] + fields)


def plant_example(base: Path, out: Path) -> int:
    """Stream ``base`` (synthetic trio) into ``out`` with the example's variants merged in at
    their positions and the samples renamed; return how many base records were dropped because
    they sat at a planted position. bgzip + tabix."""
    lines = example_vcf_lines()
    planted = sorted((_trio_line(ln) for ln in lines if not ln.startswith("#")),
                     key=lambda ln: (ln.split("\t")[0], int(ln.split("\t")[1])))
    by_chrom: dict[str, list[tuple[int, str]]] = {}
    for ln in planted:
        c = ln.split("\t")
        by_chrom.setdefault(c[0], []).append((int(c[1]), ln))
    dropped = 0
    tmp = out.with_name(out.name + ".part")
    dec = subprocess.Popen(["bgzip", "-dc", str(base)], stdout=subprocess.PIPE)
    with tmp.open("wb") as fh:
        enc = subprocess.Popen(["bgzip", "-@", "2", "-c"], stdin=subprocess.PIPE, stdout=fh)
        assert dec.stdout is not None and enc.stdin is not None
        queue: list[tuple[int, str]] = []
        current = ""
        for raw in dec.stdout:
            line = raw.decode()
            if line.startswith("##"):
                enc.stdin.write(raw)
                continue
            if line.startswith("#CHROM"):
                enc.stdin.write(("\t".join(line.rstrip("\n").split("\t")[:9] + list(TRIO))
                                 + "\n").encode())
                continue
            tab = line.index("\t")
            chrom = line[:tab]
            if chrom != current:
                for _, pl in queue:  # leftovers of the previous chromosome
                    enc.stdin.write((pl + "\n").encode())
                current = chrom
                queue = list(by_chrom.get(chrom, []))
            if queue:
                pos = int(line[tab + 1:line.index("\t", tab + 1)])
                while queue and queue[0][0] < pos:
                    enc.stdin.write((queue.pop(0)[1] + "\n").encode())
                if queue and queue[0][0] == pos:
                    dropped += 1
                    continue
            enc.stdin.write(raw)
        for _, pl in queue:
            enc.stdin.write((pl + "\n").encode())
        enc.stdin.close()
        if enc.wait() != 0 or dec.wait() != 0:
            raise SystemExit("bgzip failed while planting the example variants")
    subprocess.run(["tabix", "-f", "-p", "vcf", str(tmp)], check=True)
    os.replace(str(tmp) + ".tbi", str(out) + ".tbi")
    os.replace(tmp, out)
    return dropped


def write_run_inputs(run_dir: Path, vcf: Path, pdf: bool) -> None:
    """samples sheet, trio PED, HPO terms and config for the planted family."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "samples.tsv").write_text("family_id\tsample_id\tvcf\n" + "".join(
        f"MIOP\t{s}\t{vcf}\n" for s in TRIO))
    (run_dir / "pedigree.ped").write_text(
        f"MIOP\t{FATHER}\t0\t0\t1\t1\nMIOP\t{MOTHER}\t0\t0\t2\t2\n"
        f"MIOP\t{PROBAND}\t{FATHER}\t{MOTHER}\t1\t2\n")
    (run_dir / "phenotypes.tsv").write_text("sample_id\thpo_id\n" + "".join(
        [f"{PROBAND}\t{t}\n" for t, _ in PROBAND_TERMS]
        + [f"{MOTHER}\t{t}\n" for t, _ in MOTHER_TERMS]))
    with (REPO / "config" / "config.yaml").open() as fh:
        cfg: dict[str, Any] = yaml.safe_load(fh)
    cfg.pop("panel", None)
    cfg["samples"] = str(run_dir / "samples.tsv")
    cfg["pedigree"] = str(run_dir / "pedigree.ped")
    cfg["phenotypes"] = str(run_dir / "phenotypes.tsv")
    cfg["annotation"]["clinvar"] = str(CLINVAR)
    cfg.setdefault("report", {})["pdf"] = pdf
    (run_dir / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))


def script_startup(work: Path, jobs: int = 10) -> tuple[float, float]:
    """(dry-run s, run s) of a throw-away workflow with ``jobs`` no-op script jobs at 1 core."""
    d = work / "startup"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    (d / "noop.py").write_text("from pathlib import Path\n"
                               "Path(snakemake.output[0]).write_text('')\n")
    (d / "Snakefile").write_text(
        f"rule all:\n    input: expand('out/{{i}}.txt', i=range({jobs}))\n\n"
        "rule noop:\n    output: 'out/{i}.txt'\n    script: 'noop.py'\n")
    base = [sys.executable, "-m", "snakemake", "-s", str(d / "Snakefile"), "--directory", str(d),
            "--cores", "1"]
    dry = checked(measure([*base, "-n"]), "start-up dry run")
    run = checked(measure(base), "start-up run")
    return dry.wall, run.wall


def filter_child(vcf: Path, out: Path, streaming: bool) -> Run:
    code = ("import logging,sys\nfrom dualdx.inputs.filtering import run_filter_panel\n"
            "log=logging.getLogger('bench'); log.addHandler(logging.NullHandler());"
            " log.propagate=False\n"
            f"run_filter_panel([{str(vcf)!r}], {list(TRIO)!r}, {str(PANEL)!r}, 'GRCh38', "
            f"{str(out)!r}, log, force_streaming={streaming})\n")
    return checked(measure([sys.executable, "-c", code]), "filter_panel child")


def bcftools_extract(vcf: Path, work: Path) -> float:
    regions = work / "panel_regions_grch38.tsv"
    regions.write_text("".join(f"chr{r.chrom}\t{r.start}\t{r.end}\n"
                               for _, r in load_panel(PANEL).regions("GRCh38", padded=True)))
    out = work / "bcftools_e2e.vcf.gz"
    t0 = time.perf_counter()
    subprocess.run(["bcftools", "view", "-R", str(regions), "-Oz", "-o", str(out), str(vcf)],
                   check=True)
    subprocess.run(["tabix", "-f", "-p", "vcf", str(out)], check=True)
    return time.perf_counter() - t0


# ------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=5_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--no-pdf", action="store_true", help="skip the PDF report")
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "dualdx_benchmarks"),
                    help="cache directory for the generated VCFs and the runs (default: %(default)s)")
    args = ap.parse_args(argv)
    for tool in ("bcftools", "bgzip", "tabix"):
        if shutil.which(tool) is None:
            print(f"{tool} not found on PATH (Debian packages bcftools, tabix)", file=sys.stderr)
            return 2
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    base = cached_wgs(work, args.records, args.seed)
    vcf = work / f"wgs_trio_{args.records}_seed{args.seed}_MIOP.vcf.gz"
    if not (vcf.exists() and Path(str(vcf) + ".tbi").exists()):
        t0 = time.perf_counter()
        dropped = plant_example(base, vcf)
        print(f"planted {len(EXAMPLE_VARIANTS)} example variants into {vcf} in "
              f"{time.perf_counter() - t0:.1f} s ({dropped} colliding base records dropped)")
    print(f"input: {vcf} ({vcf.stat().st_size / 1e6:.0f} MB bgzipped, "
          f"{args.records:,} + {len(EXAMPLE_VARIANTS)} records)")

    load_before = os.getloadavg()[0]
    run_dir = work / f"e2e_run_{args.records}"
    shutil.rmtree(run_dir, ignore_errors=True)
    write_run_inputs(run_dir, vcf, pdf=not args.no_pdf)
    env = dict(os.environ)

    dry = checked(measure(snakemake_cmd(run_dir, args.cores, "-n"), env=env), "dry run")
    full = checked(measure(snakemake_cmd(run_dir, args.cores), env=env,
                           log=run_dir / "run1.log"), "full run")
    rules = per_rule_table(run_dir, full.stderr)
    uptodate = checked(measure(snakemake_cmd(run_dir, args.cores), env=env), "up-to-date run")
    shutil.rmtree(run_dir / "results" / "MIOP")
    family = checked(measure(snakemake_cmd(run_dir, args.cores), env=env,
                             log=run_dir / "run2.log"), "per-family rerun")
    fam_counts = job_counts(family.stderr)
    st_dry, st_run = script_startup(work)
    per_job = (st_run - st_dry) / 10
    f_idx = filter_child(vcf, work / "e2e_filter_idx.vcf.gz", streaming=False)
    f_str = filter_child(vcf, work / "e2e_filter_stream.vcf.gz", streaming=True)
    t_bcf = bcftools_extract(vcf, work)

    report = json.loads((run_dir / "results" / "MIOP" / "report.json").read_text())
    found = set(report["dual_diagnosis"]["diagnoses"])
    n_var = len(report["variants"])
    distill = sum(s for r, _, s, _, _ in rules if r == "distill_knowledge")
    filt = next((s for r, _, s, _, _ in rules if r == "filter_panel"), float("nan"))

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text()
                .splitlines() if ln.startswith("model name")), "unknown")
    ram = psutil.virtual_memory().total / 2**30
    print(f"\nmachine: {os.cpu_count()} CPUs ({cpu}), {ram:.1f} GiB RAM; "
          f"snakemake --cores {args.cores}; pdf={not args.no_pdf}; 1-min load average "
          f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other work on the machine "
          "inflates the times)")
    print(f"\n{'step':<44} {'wall s':>8} {'tree peak MB':>13} {'largest proc MB':>16}")
    for name, r in (("snakemake -n (parse + DAG)", dry), ("full run (fresh directory)", full),
                    ("rerun, everything up to date", uptodate),
                    ("rerun of the family, results/_run cached", family),
                    ("filter_panel alone, indexed", f_idx),
                    ("filter_panel alone, streaming (no index)", f_str)):
        print(f"{name:<44} {r.wall:8.2f} {r.tree_peak_mb:13.0f} {r.single_peak_mb:16.0f}")
    print(f"{'bcftools view -R + tabix (baseline)':<44} {t_bcf:8.2f}")
    print(f"{'per-job start-up (10 no-op script jobs)':<44} {per_job:8.2f}")
    print("\nper rule (first run):")
    print(f"  {'rule':<20} {'jobs':>4} {'s':>8} {'max_rss MB':>10}  source")
    for rule, n, secs, rss, src in rules:
        print(f"  {rule:<20} {n:4d} {secs:8.2f} {rss:>10}  {src}")
    print(f"  (jobs in the per-family rerun: {sum(v for k, v in fam_counts.items())}: "
          + ", ".join(f"{k} {v}" for k, v in fam_counts.items()) + ")")
    print("\nratios:")
    print(f"  full run / bcftools -R extraction      {full.wall / t_bcf:8.1f}x")
    print(f"  family rerun / bcftools -R extraction  {family.wall / t_bcf:8.1f}x")
    print(f"  filter_panel (in run) / bcftools -R    {filt / t_bcf:8.1f}x")
    print(f"  full run / dry run                     {full.wall / dry.wall:8.1f}x")
    print(f"  distill_knowledge / full run           {distill / full.wall:8.2f}")
    print("\ntargets:")
    print(f"  wall < 60 s on {args.cores} cores: {full.wall:.1f} s  {verdict(full.wall < 60)}")
    print(f"  peak memory < 1 GB (process tree): {full.tree_peak_mb:.0f} MB  "
          f"{verdict(full.tree_peak_mb < 1000)}")
    print(f"  Snakemake overhead < 5 s: dry run {dry.wall:.1f} s, up-to-date {uptodate.wall:.1f} s"
          f"  {verdict(max(dry.wall, uptodate.wall) < 5)}; + {per_job:.2f} s start-up per job")
    print(f"  filter_panel peak RSS on the whole genome: indexed {f_idx.single_peak_mb:.0f} MB, "
          f"streaming {f_str.single_peak_mb:.0f} MB (input {vcf.stat().st_size / 1e6:.0f} MB "
          "compressed)")
    print(f"\nresult: {n_var} panel variants; diagnoses {sorted(found)}; dual diagnosis status "
          f"{report['dual_diagnosis']['status']!r}")
    ok = found >= EXPECTED_DIAGNOSES
    if not ok:
        print(f"the planted diagnoses {sorted(EXPECTED_DIAGNOSES)} were NOT all found",
              file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
