"""The bundled example end to end: cold (empty cache), warm (HPO store built, new terms), WGS trio.

    python benchmarks/example_end_to_end.py [--cores 2] [--no-pdf] [--wgs RECORDS] [--repeats N]
                                            [--workdir DIR]

In a fresh directory outside the repository (default ``$TMPDIR/dualdx_benchmarks/example``), with
the example's inputs and config and ``annotation.cache_dir`` inside that directory:

1. **cold**: ``snakemake --cores N`` with an empty cache: the HPO store is built, then every rule;
2. **warm, new phenotype set**: ``results/`` and ``logs/`` removed, the proband given two HPO
   terms no earlier run has seen (two other terms on each repeat), the same command: the store is
   loaded, knowledge.json distilled anew, every rule re-run;
3. **warm, same terms**: ``results/`` removed again, the same command (one more family with
   known terms);
4. with ``--wgs RECORDS``: the same warm run on the seeded synthetic WGS trio of
   ``benchmarks/end_to_end.py`` (the example's variants planted into ``RECORDS`` records).

The same-run baselines, measured between those runs:

* **Snakemake floor**: a throw-away workflow with as many no-op ``script:`` jobs as the example
  runs, arranged as deep as the example's longest chain of dependent jobs (from ``snakemake
  --dag``), at the same ``--cores``: what Snakemake and Python cost with no work at all;
* **Snakemake start-up**: ``snakemake --version`` (the CLI and every installed plugin), and, when
  the SLURM executor plugin (the ``cluster`` extra) and the SLURM client are installed,
  ``scontrol show config``: the plugin runs it when Snakemake starts and waits up to 10 s for it
  when no ``slurmctld`` answers (issue 20). The Python that runs the benchmark, and the Snakemake
  plugins installed beside it, are printed: they are the environment measured.

For each run: wall time, CPU seconds of the whole process tree (user + system; less sensitive to
other work on the machine than the wall time), peak memory of the tree (summed PSS, sampled every
50 ms: Chromium's processes share most of their pages, which a sum of RSS would count once per
process), each rule's time and
share of the wall (``logs/benchmarks/*.tsv`` where the rule declares one, else the Snakemake
log's timestamps), the ratio to the floor and the targets of issue 20 (warm < 8 s, cold < 15 s,
WGS trio warm < 12 s on 2 cores, < 1 GB), with the load average. ``--repeats N`` runs the whole
sequence N times and reports the fastest of each run (and its floor from the same round). Checks
that the two example diagnoses are found (exit 1 otherwise). PDF rendering is the report's
(``--no-pdf`` leaves it out).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

from end_to_end import Run, measure, per_rule_table  # noqa: E402  (benchmarks/ on sys.path)

# terms of no earlier run: two more on each repeat (glaucoma, joint hypermobility, strabismus,
# scoliosis, hearing impairment, seizure, microcephaly, myopia)
NEW_TERMS = ["HP:0000501", "HP:0001382", "HP:0000486", "HP:0002650", "HP:0000365", "HP:0001250",
             "HP:0000252", "HP:0000545"]
TARGETS = {"cold": 15.0, "warm_new_terms": 8.0, "wgs_warm": 12.0}
MEMORY_TARGET_MB = 1000.0


@dataclass
class Result:
    run: Run
    rules: dict[str, float]
    floor: Run


def prepare(work: Path, pdf: bool) -> Path:
    shutil.rmtree(work, ignore_errors=True)
    (work / "config").mkdir(parents=True)
    shutil.copytree(REPO / "config" / "example", work / "config" / "example")
    (work / "resources" / "knowledge").mkdir(parents=True)
    shutil.copy(REPO / "resources" / "knowledge" / "clinvar_example_snapshot.vcf",
                work / "resources" / "knowledge")
    cfg: dict[str, Any] = yaml.safe_load((REPO / "config" / "config.yaml").read_text("utf-8"))
    cfg.pop("panel", None)
    cfg["annotation"]["cache_dir"] = str(work / "cache")
    cfg["report"] = {"pdf": pdf}
    path = work / "config.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


def snakemake(work: Path, cfg: Path, cores: int, *extra: str, repo: Path = REPO) -> list[str]:
    return [sys.executable, "-m", "snakemake", "-s", str(repo / "Snakefile"), "--directory",
            str(work), "--configfile", str(cfg), "--cores", str(cores), *extra]


def run(work: Path, cfg: Path, cores: int) -> tuple[Run, dict[str, float]]:
    result = measure(snakemake(work, cfg, cores), cwd=work, pss=True)
    if result.returncode != 0:
        sys.exit(f"snakemake failed:\n{result.stderr[-4000:]}")
    rules = {rule: secs for rule, _n, secs, _rss, _src in per_rule_table(work, result.stderr)}
    return result, rules


def dag_shape(work: Path, cfg: Path, cores: int, repo: Path = REPO) -> tuple[int, int]:
    """(jobs, longest chain of dependent jobs) of the run about to happen, from ``--dag``
    (the workflow of ``repo``)."""
    dot = subprocess.run(snakemake(work, cfg, cores, "--dag", "--quiet", "all", repo=repo), cwd=work,
                         capture_output=True, text=True, check=True).stdout
    labels = dict(re.findall(r"^\s*(\d+)\[label = \"(\w+)", dot, re.M))
    edges = re.findall(r"^\s*(\d+) -> (\d+)", dot, re.M)
    nodes = [n for n, rule in labels.items() if rule != "all"]
    parents: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        if a in parents and b in parents:
            parents[b].append(a)
    depth: dict[str, int] = {}

    def d(n: str) -> int:
        if n not in depth:
            depth[n] = 1 + max((d(p) for p in parents[n]), default=0)
        return depth[n]

    return len(nodes), max(d(n) for n in nodes)


def floor(work: Path, jobs: int, chain: int, cores: int) -> Run:
    """A no-op workflow of ``jobs`` script jobs, ``chain`` of them in a row, the rest beside."""
    d = work / "floor"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    (d / "noop.py").write_text("from pathlib import Path\n"
                               "Path(snakemake.output[0]).write_text('')\n")
    rules = ["rule all:\n    input:\n"
             f"        [f'out/chain{chain - 1}.txt'] + [f'out/side{{i}}.txt' "
             f"for i in range({jobs - chain})],\n\n"]
    rules += [f"rule chain{i}:\n"
              + (f"    input:\n        'out/chain{i - 1}.txt',\n" if i else "")
              + f"    output:\n        'out/chain{i}.txt',\n    script:\n        'noop.py'\n\n"
              for i in range(chain)]
    rules.append("rule side:\n    input:\n        'out/chain0.txt',\n    output:\n"
                 "        'out/side{i}.txt',\n    script:\n        'noop.py'\n")
    (d / "Snakefile").write_text("".join(rules))
    # the scheduler the workflow's default profile sets, so that only the work differs
    default = REPO / "profiles" / "default" / "config.yaml"
    profile = yaml.safe_load(default.read_text("utf-8")) if default.is_file() else {}
    result = measure([sys.executable, "-m", "snakemake", "-s", str(d / "Snakefile"),
                      "--directory", str(d), "--cores", str(cores),
                      "--scheduler", str(profile.get("scheduler", "ilp"))], cwd=d)
    if result.returncode != 0:
        sys.exit(f"the floor workflow failed:\n{result.stderr[-4000:]}")
    return result


def snakemake_plugins() -> list[str]:
    """The Snakemake plugins installed beside the Python that runs the benchmark (each is imported
    at every Snakemake start: the environment a measurement was taken in)."""
    from importlib import metadata

    names = {(d.metadata["Name"] or "").lower().replace("_", "-") for d in metadata.distributions()}
    return sorted(n for n in names if re.match(r"snakemake-(executor|storage|logger|report|"
                                               r"scheduler)-plugin-", n))


def startup() -> tuple[float, float | None]:
    """(``snakemake --version`` s, ``scontrol show config`` s, or None when Snakemake would not
    run it: no SLURM executor plugin in this environment, or no SLURM client on PATH)."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "snakemake", "--version"], capture_output=True,
                   check=True)
    version = time.perf_counter() - t0
    if ("snakemake-executor-plugin-slurm" not in snakemake_plugins()
            or shutil.which("sinfo") is None or shutil.which("scontrol") is None):
        return version, None
    t0 = time.perf_counter()
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(["scontrol", "show", "config"], capture_output=True, timeout=10)
    return version, time.perf_counter() - t0


def check(work: Path) -> str:
    report = json.loads((work / "results" / "MIOP" / "report.json").read_text("utf-8"))
    found = {d["disease_id"] for d in report["diagnoses"]}
    if not {"OMIM:259700", "OMIM:146300"} <= found:
        sys.exit(f"the example's diagnoses were not found: {sorted(found)}")
    return str(report["dual_diagnosis"]["status"])


def set_new_terms(work: Path, original: str, repeat: int) -> None:
    pheno = work / "config" / "example" / "phenotypes.tsv"
    terms = NEW_TERMS[2 * repeat % len(NEW_TERMS):][:2]
    pheno.write_text(original + "".join(f"MIOP-II-1\t{t}\n" for t in terms), encoding="utf-8")


def wgs_dir(work: Path, records: int, pdf: bool) -> Path:
    from _common import cached_wgs
    from end_to_end import plant_example, write_run_inputs  # the same planted WGS trio

    base = cached_wgs(work.parent, records, 1)
    vcf = work.parent / f"wgs_trio_{records}_seed1_MIOP.vcf.gz"
    if not (vcf.exists() and Path(str(vcf) + ".tbi").exists()):
        plant_example(base, vcf)
    out = work.parent / "example_wgs"
    shutil.rmtree(out, ignore_errors=True)
    write_run_inputs(out, vcf, pdf=pdf)
    wcfg = yaml.safe_load((out / "config.yaml").read_text("utf-8"))
    wcfg["annotation"]["cache_dir"] = str(work / "cache")  # the store built by the cold run: warm
    (out / "config.yaml").write_text(yaml.safe_dump(wcfg, sort_keys=False), "utf-8")
    return out


def clear(run_dir: Path) -> None:
    for sub in ("results", "logs"):
        shutil.rmtree(run_dir / sub, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--no-pdf", action="store_true")
    ap.add_argument("--wgs", type=int, default=0, help="also the WGS trio with this many records")
    ap.add_argument("--repeats", type=int, default=1, help="rounds; the fastest of each is shown")
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "dualdx_benchmarks",
                                                      "example"))
    args = ap.parse_args()
    work = Path(args.workdir)
    pdf = not args.no_pdf
    load0 = os.getloadavg()
    version_s, scontrol_s = startup()
    cfg = prepare(work, pdf)
    original_terms = (work / "config" / "example" / "phenotypes.tsv").read_text("utf-8")
    jobs, chain = dag_shape(work, cfg, args.cores)
    wgs = wgs_dir(work, args.wgs, pdf) if args.wgs else None
    if wgs is not None:
        wgs_jobs, wgs_chain = dag_shape(wgs, wgs / "config.yaml", args.cores)
    rounds: list[dict[str, Result]] = []
    status = ""
    for rep in range(args.repeats):
        res: dict[str, Result] = {}
        if rep:  # a cold run again: empty cache and results
            shutil.rmtree(work / "cache", ignore_errors=True)
            clear(work)
        (work / "config" / "example" / "phenotypes.tsv").write_text(original_terms, "utf-8")
        base = floor(work, jobs, chain, args.cores)
        r, rules = run(work, cfg, args.cores)
        res["cold"] = Result(r, rules, base)
        status = check(work)
        for step in ("warm_new_terms", "warm_same_terms"):
            clear(work)
            if step == "warm_new_terms":
                set_new_terms(work, original_terms, rep)
            base = floor(work, jobs, chain, args.cores)
            r, rules = run(work, cfg, args.cores)
            res[step] = Result(r, rules, base)
            check(work)
        if wgs is not None:
            clear(wgs)
            base = floor(work, wgs_jobs, wgs_chain, args.cores)
            r, rules = run(wgs, wgs / "config.yaml", args.cores)
            res["wgs_warm"] = Result(r, rules, base)
        rounds.append(res)
    load1 = os.getloadavg()
    best = {step: min((rd[step] for rd in rounds), key=lambda x: x.run.wall) for step in rounds[0]}

    print(f"example end to end, --cores {args.cores}, PDF {'on' if pdf else 'off'}, "
          f"{args.repeats} round(s), fastest shown; dual status {status}")
    print(f"DAG: example {jobs} jobs, longest chain {chain}"
          + (f"; WGS trio {wgs_jobs} jobs, longest chain {wgs_chain}" if wgs else ""))
    plugins = snakemake_plugins()
    print(f"environment: {sys.executable} (Python {sys.version.split()[0]}); Snakemake plugins: "
          + (", ".join(plugins) if plugins else "none (as `pip install -e .[pdf]` installs it)"))
    print(f"snakemake --version {version_s:.2f} s"
          + ("" if scontrol_s is None else
             f"; scontrol show config {scontrol_s:.2f} s (the SLURM executor plugin runs it at "
             "every Snakemake start" + ("; no slurmctld answers: every run waits for it"
                                        if scontrol_s > 2 else "") + ")"))
    print(f"{'run':16s} {'wall s':>7s} {'CPU s':>6s} {'peak MB':>8s} {'floor s':>8s} "
          f"{'/floor':>6s} {'target':>7s}   (peak: summed PSS of the tree)")
    for step, b in best.items():
        target = TARGETS.get(step)
        met = "" if target is None else ("met" if b.run.wall < target else "NOT met")
        print(f"{step:16s} {b.run.wall:7.1f} {b.run.cpu:6.1f} {b.run.tree_peak_mb:8.0f} "
              f"{b.floor.wall:8.1f} {b.run.wall / b.floor.wall:6.2f} "
              f"{('< ' + str(int(target))) if target else '':>7s} {met}")
    print("floor CPU s: " + ", ".join(f"{s} {b.floor.cpu:.1f}" for s, b in best.items()))
    for step, b in best.items():
        top = sorted(b.rules.items(), key=lambda x: -x[1])
        print(f"{step} rules (s, share of wall): " + ", ".join(
            f"{r} {s:.1f} ({s / b.run.wall:.0%})" for r, s in top))
    cold = best["cold"].run.wall
    print("ratios: " + ", ".join(f"{s} / cold {b.run.wall / cold:.2f}" for s, b in best.items()
                                  if s != "cold"))
    peak = max(b.run.tree_peak_mb for b in best.values())
    print(f"peak memory of the process tree {peak:.0f} MB (target < {MEMORY_TARGET_MB:.0f}: "
          f"{'met' if peak < MEMORY_TARGET_MB else 'NOT met'})")
    if args.repeats > 1:
        for step in best:
            walls = ", ".join(f"{rd[step].run.wall:.1f}/{rd[step].floor.wall:.1f}" for rd in rounds)
            print(f"{step} every round (run/floor s): {walls}")
    print(f"load average before {load0[0]:.2f} {load0[1]:.2f}, after {load1[0]:.2f} "
          f"{load1[1]:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
