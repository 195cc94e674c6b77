"""The warm example (and the WGS trio) of this checkout against another git revision, interleaved.

    python benchmarks/compare_revisions.py [--rev main] [--rounds 3] [--wgs 5000000] [--workdir DIR]

The revision is exported (``git archive``) to a scratch directory; each tree runs its own
``Snakefile`` with this Python (whose dualdx imports come from that tree's ``src/``:
``common.smk`` puts it first). After a cold run of each (the HPO store built once per tree), each
round runs, alternating which tree goes first so that a load spike hits both alike: the warm
example with two HPO terms never seen (the set changes every round), then with ``--wgs`` the
planted WGS trio of ``end_to_end.py`` warm, and the floor of
``example_end_to_end.py`` shaped like the revision's DAG (its jobs and longest chain), the same
reference for both. Prints each run, then the medians, the ratio this checkout / the revision and
each median's ratio to the floor, with the load average: on a machine shared with other work the
ratios are the figures to read.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import example_end_to_end as ex
from end_to_end import Run, measure


def export(rev: str, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ex.REPO), "archive", rev], capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def command(tree: Path, run_dir: Path, cfg: Path) -> list[str]:
    return ex.snakemake(run_dir, cfg, 2, repo=tree)


def timed(tree: Path, run_dir: Path, cfg: Path) -> Run:
    result = measure(command(tree, run_dir, cfg), cwd=run_dir)
    if result.returncode != 0:
        sys.exit(f"snakemake failed in {run_dir}:\n{result.stderr[-4000:]}")
    return result


def wgs_copy(work: Path, records: int, dest: Path) -> Path:
    """The planted WGS trio's run directory for one tree, with that tree's HPO cache."""
    made = ex.wgs_dir(work, records, True)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.move(str(made), dest)
    cfg = dest / "config.yaml"
    cfg.write_text(cfg.read_text("utf-8").replace(str(made), str(dest)), "utf-8")
    return dest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rev", default="main")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--wgs", type=int, default=0, help="also the WGS trio with this many records")
    ap.add_argument("--workdir", type=Path,
                    default=Path(tempfile.gettempdir()) / "dualdx_benchmarks" / "compare")
    args = ap.parse_args()
    base = args.workdir.resolve()
    trees = {args.rev: export(args.rev, base / "export"), "this checkout": ex.REPO}
    work = {name: base / f"run{i}" for i, name in enumerate(trees)}
    load0 = os.getloadavg()
    terms = (ex.REPO / "config" / "example" / "phenotypes.tsv").read_text("utf-8")
    wgs: dict[str, Path] = {}
    for name, tree in trees.items():
        cfg = ex.prepare(work[name], True)
        cold = timed(tree, work[name], cfg)
        print(f"{name}: cold {cold.wall:.1f} s wall, {cold.cpu:.1f} s CPU", flush=True)
        if args.wgs:
            wgs[name] = wgs_copy(work[name], args.wgs, base / f"wgs{len(wgs)}")
    ex.clear(work[args.rev])  # the whole DAG, as a warm run has it
    jobs, chain = ex.dag_shape(work[args.rev], work[args.rev] / "config.yaml", 2, trees[args.rev])
    runs: dict[tuple[str, str], list[Run]] = {}
    floors: list[Run] = []
    for i in range(args.rounds):
        order = list(trees) if i % 2 == 0 else list(reversed(trees))
        for name in order:
            ex.clear(work[name])
            ex.set_new_terms(work[name], terms, i)
            runs.setdefault((name, "warm"), []).append(
                timed(trees[name], work[name], work[name] / "config.yaml"))
        for name in order if args.wgs else []:
            ex.clear(wgs[name])
            runs.setdefault((name, "wgs"), []).append(
                timed(trees[name], wgs[name], wgs[name] / "config.yaml"))
        floors.append(ex.floor(base, jobs, chain, 2))
        print(f"round {i + 1}: " + ", ".join(f"{n} {s} {r[-1].wall:.1f} s / {r[-1].cpu:.1f} s CPU"
                                             for (n, s), r in runs.items())
              + f"; floor {floors[-1].wall:.1f} s; load {os.getloadavg()[0]:.1f}", flush=True)
    floor = statistics.median(f.wall for f in floors)
    print(f"\n{args.rounds} rounds; floor ({jobs} jobs, longest chain {chain}: the DAG of {args.rev}) "
          f"median {floor:.1f} s wall, {statistics.median(f.cpu for f in floors):.1f} s CPU")
    print(f"{'run':28s} {'wall s':>7s} {'CPU s':>6s} {'/floor':>7s}   (medians)")
    med = {key: (statistics.median(r.wall for r in rs), statistics.median(r.cpu for r in rs))
           for key, rs in runs.items()}
    for (name, step), (wall, cpu) in med.items():
        print(f"{name + ' ' + step:28s} {wall:7.1f} {cpu:6.1f} {wall / floor:7.2f}")
    for step in ("warm", "wgs"):
        if (args.rev, step) in med:
            (w0, c0), (w1, c1) = med[(args.rev, step)], med[("this checkout", step)]
            print(f"{step}: this checkout / {args.rev}: wall {w1 / w0:.2f}, CPU {c1 / c0:.2f}")
    load1 = os.getloadavg()
    print(f"environment: {sys.executable}; Snakemake plugins: "
          f"{', '.join(ex.snakemake_plugins()) or 'none'}")
    print(f"load average before {load0[0]:.2f}, after {load1[0]:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
