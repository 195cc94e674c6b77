"""Where a Snakemake job's CPU goes: interpreter start, Snakemake's script preamble, imports, work.

    python benchmarks/job_phases.py [--workdir DIR] [--repeats 3] [--wgs RECORDS]

Runs the bundled example (or, with ``--wgs``, the planted WGS trio of ``end_to_end.py``) once
with ``--skip-script-cleanup``, so that Snakemake keeps the script it generated for every job (its
preamble, which unpickles the job's ``snakemake`` object, followed by the adapter). Then re-runs
each kept script ``--repeats`` times in a fresh interpreter, as Snakemake runs it, with
``time.process_time()`` taken between the phases, and prints the fastest of each phase per job:

* **start**: the interpreter and ``site`` (everything before the first line of the script);
* **preamble**: Snakemake's preamble (``snakemake.logging``, ``snakemake.iocontainers``, unpickling);
* **imports**: the adapter's ``from dualdx… import`` lines;
* **work**: the stage itself (reading, computing, writing its outputs again).

Also prints the Snakemake main process's share (the run's CPU seconds minus its jobs'). No
assertion: figures for the README's performance section (issue 20).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from end_to_end import measure
from example_end_to_end import REPO, prepare, snakemake, wgs_dir

PHASES = ("start", "preamble", "imports", "work")
MARK = "######## snakemake preamble end #########\n"


def phased(script: Path) -> str:
    """The job script with CPU time stamps between its phases, printed as one stderr line."""
    pre, body = script.read_text("utf-8").split(MARK, 1)
    imports = re.findall(r"^\s+(from dualdx[\w.]* import [^\n]+)$", body, re.M)
    return ("import time as _t, resource as _r\n_c0 = _t.process_time()\n" + pre
            + "\n_c1 = _t.process_time()\n" + "\n".join(imports) + "\n_c2 = _t.process_time()\n"
            + body + "\n_c3 = _t.process_time()\nimport sys as _s\n"
            "_s.stderr.write(f'PHASES {_c0} {_c1 - _c0} {_c2 - _c1} {_c3 - _c2} '\n"
            "                f'{_r.getrusage(_r.RUSAGE_SELF).ru_maxrss}\\n')\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "dualdx_benchmarks",
                                                      "phases"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--wgs", type=int, default=0)
    ap.add_argument("--no-pdf", action="store_true")
    args = ap.parse_args()
    work = Path(args.workdir)
    cfg = prepare(work, not args.no_pdf)
    if args.wgs:  # the store is built by a first (cold) example run in the same cache
        run = measure(snakemake(work, cfg, 2), cwd=work)
        work = wgs_dir(work, args.wgs, not args.no_pdf)
        cfg = work / "config.yaml"
    shutil.rmtree(work / ".snakemake" / "scripts", ignore_errors=True)
    run = measure(snakemake(work, cfg, 2, "--skip-script-cleanup"), cwd=work)
    if run.returncode != 0:
        sys.exit(f"snakemake failed:\n{run.stderr[-4000:]}")
    rows: dict[str, list[float]] = {}
    for script in sorted((work / ".snakemake" / "scripts").glob("tmp*.py")):
        rule = script.name.split(".")[-2]
        probe = script.with_name(f"phases_{rule}.py")
        probe.write_text(phased(script), "utf-8")
        best: list[float] | None = None
        for _ in range(args.repeats):
            out = subprocess.run([sys.executable, str(probe)], cwd=work, capture_output=True,
                                 text=True)
            m = re.search(r"PHASES (\S+) (\S+) (\S+) (\S+) (\d+)", out.stderr)
            if not m:
                sys.exit(f"{rule}: {out.stderr[-2000:]}")
            vals = [float(m.group(i)) for i in range(1, 5)] + [int(m.group(5)) / 1024]
            best = vals if best is None else [min(a, b) for a, b in zip(best, vals, strict=True)]
        assert best is not None
        rows[rule] = best
    print(f"{REPO.name}: {'WGS trio' if args.wgs else 'example'}, {len(rows)} jobs; CPU seconds, "
          f"fastest of {args.repeats}")
    print(f"{'job':22s} " + " ".join(f"{p:>8s}" for p in PHASES) + f" {'total':>7s} {'MB':>5s}")
    for rule, vals in sorted(rows.items(), key=lambda x: -sum(x[1][:4])):
        print(f"{rule:22s} " + " ".join(f"{v:8.2f}" for v in vals[:4])
              + f" {sum(vals[:4]):7.2f} {vals[4]:5.0f}")
    sums = [sum(v[i] for v in rows.values()) for i in range(4)]
    jobs_cpu = sum(sums)
    print(f"{'sum':22s} " + " ".join(f"{v:8.2f}" for v in sums) + f" {jobs_cpu:7.2f}")
    print("shares of the jobs' CPU: " + ", ".join(
        f"{p} {v / jobs_cpu:.0%}" for p, v in zip(PHASES, sums, strict=True)))
    print(f"the run: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU (whole tree); the rest, "
          f"{run.cpu - jobs_cpu:.1f} s CPU, is Snakemake's main process, each job's shell, the "
          "programs the jobs start (Chromium, git) and the jobs' own slow-down under the load of "
          "the run (the phases are re-runs)")
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
