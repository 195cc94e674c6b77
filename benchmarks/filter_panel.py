"""Benchmark ``dualdx.inputs.filtering.run_filter_panel``: against bcftools, against the previous
implementation, and the streaming prefilter against parsing every record with htslib.

    python benchmarks/filter_panel.py [--records 5000000] [--repeats 3] [--workdir DIR]
                                      [--old-rev main]

Generates (or reuses) a seeded bgzipped + tabix-indexed trio VCF in the work directory (default
$TMPDIR/dualdx_benchmarks, outside the repository), then times, on the same file, best of N:

* indexed:   run_filter_panel (region queries)       vs  ``bcftools view -R regions.tsv``
* streaming: run_filter_panel(force_streaming=True)  vs  ``bcftools view -T regions.tsv``
* the same two runs of the previous implementation (``--old-rev``, a git revision; its ``src/``
  is exported with ``git archive`` and run in a child process), printed as new/old ratios;
* the alternative to the streaming prefilter: ``pysam.VariantFile`` parsing every record of the
  file and keeping those in the panel windows (no splitting, no writing: a lower bound of what
  the filter would cost without the prefilter), printed as prefilter/htslib ratio.

(regions = the default panel's padded GRCh38 regions). Both bcftools runs write bgzipped VCF and
are followed by ``tabix`` as ours is. Checks that both tools found the same variants (after
splitting bcftools' multiallelics). Exit 1 when they differ.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pysam
from _common import best_of, cached_wgs

from dualdx.core.intervals import IntervalSet
from dualdx.inputs.filtering import run_filter_panel
from dualdx.inputs.panel import load_panel
from dualdx.inputs.prefilter import merged_windows
from dualdx.inputs.vcf import read_panel_vcf

REPO = Path(__file__).resolve().parents[1]
PANEL = REPO / "resources" / "panels" / "default.tsv"
SAMPLES = ["FATHER", "MOTHER", "CHILD"]

_OLD_TIMER = """
import json, logging, sys, time
sys.path.insert(0, sys.argv[1])
from dualdx.inputs.filtering import run_filter_panel
log = logging.getLogger("old"); log.addHandler(logging.NullHandler()); log.propagate = False
vcf, panel, out, repeats = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
res = {}
for mode in ("indexed", "streaming"):
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        run_filter_panel([vcf], ["FATHER", "MOTHER", "CHILD"], panel, "GRCh38", out, log,
                         force_streaming=mode == "streaming")
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    res[mode] = best
print(json.dumps(res))
"""


def bcftools_run(bcftools: str, flag: str, regions: Path, vcf: Path, out: Path) -> None:
    subprocess.run([bcftools, "view", flag, str(regions), "-Oz", "-o", str(out), str(vcf)],
                   check=True)
    subprocess.run([bcftools, "index", "-t", "-f", str(out)], check=True)


def variant_keys(bcftools: str, path: Path) -> set[tuple[str, int, str, str]]:
    """Variants of a bcftools output after ``norm -m-`` (split multiallelics, no left-align)."""
    out = subprocess.run([bcftools, "norm", "-m-", "-Ov", str(path)], check=True,
                         capture_output=True, text=True).stdout
    keys = set()
    for line in out.splitlines():
        if line.startswith("#"):
            continue
        c = line.split("\t")
        ref, alt, pos = c[3], c[4], int(c[1])
        while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
            ref, alt = ref[:-1], alt[:-1]
        while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
            ref, alt, pos = ref[1:], alt[1:], pos + 1
        keys.add((c[0], pos, ref, alt))
    return keys


def htslib_every_record(vcf: Path, windows: IntervalSet) -> int:
    """Parse every record with pysam.VariantFile (no index) and count those in the windows."""
    n = 0
    with pysam.VariantFile(str(vcf)) as vf:
        for rec in vf:
            if windows.contains(rec.chrom, rec.pos):
                n += 1
    return n


def old_times(rev: str, work: Path, vcf: Path, repeats: int) -> dict[str, float] | None:
    """Best-of-N times of the implementation at git revision ``rev`` (None when unavailable)."""
    export = work / f"old_src_{rev.replace('/', '_')}"
    try:
        sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", rev], check=True,
                             capture_output=True, text=True).stdout.strip()
        if not (export / "src").is_dir():
            with tempfile.TemporaryDirectory() as tmp:
                tar = Path(tmp) / "src.tar"
                subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(tar), rev, "src"],
                               check=True, capture_output=True)
                with tarfile.open(tar) as tf:
                    tf.extractall(export, filter="data")
    except (subprocess.CalledProcessError, OSError) as e:
        print(f"previous implementation {rev!r} not measured: {e}", file=sys.stderr)
        return None
    print(f"previous implementation: {rev} ({sha})")
    proc = subprocess.run([sys.executable, "-c", _OLD_TIMER, str(export / "src"), str(vcf),
                           str(PANEL), str(work / "old.vcf.gz"), str(repeats)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"previous implementation failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    times: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=5_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--old-rev", default="main",
                    help="git revision of the previous implementation (default: %(default)s)")
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "dualdx_benchmarks"),
                    help="cache directory for the generated VCF (default: %(default)s)")
    args = ap.parse_args(argv)
    bcftools = shutil.which("bcftools")
    if bcftools is None:
        print("bcftools not found on PATH: no baseline to compare with", file=sys.stderr)
        return 2
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    vcf = cached_wgs(work, args.records, args.seed)
    padded = [r for _, r in load_panel(PANEL).regions("GRCh38", padded=True)]
    regions = work / "panel_regions_grch38.tsv"
    regions.write_text("".join(f"chr{r.chrom}\t{r.start}\t{r.end}\n" for r in padded))
    log = logging.getLogger("bench")
    log.addHandler(logging.NullHandler())
    log.propagate = False
    ours_out = work / "ours.vcf.gz"
    results = []
    for mode, flag in (("indexed", "-R"), ("streaming", "-T")):
        bc_out = work / f"bcftools{flag}.vcf.gz"
        stream = mode == "streaming"
        t_ours = best_of(args.repeats, lambda s=stream: run_filter_panel(  # type: ignore[misc]
            [str(vcf)], SAMPLES, str(PANEL), "GRCh38", str(ours_out), log,
            force_streaming=s))
        t_bc = best_of(args.repeats, lambda f=flag, o=bc_out: bcftools_run(  # type: ignore[misc]
            bcftools, f, regions, vcf, o))
        _, recs = read_panel_vcf(ours_out)
        ours_keys = {(r.chrom, r.pos, r.ref, r.alt) for r in recs}
        same = ours_keys == variant_keys(bcftools, bc_out)
        results.append((mode, flag, t_ours, t_bc, len(ours_keys), same))
    windows = merged_windows(padded)
    t_htslib = best_of(1, lambda: htslib_every_record(vcf, windows))
    old = old_times(args.old_rev, work, vcf, args.repeats)

    print(f"\n{args.records:,} records, best of {args.repeats}")
    print(f"{'mode':<10} {'dualdx s':>9} {'bcftools s':>11} {'ratio':>6}  variants  same")
    for mode, flag, t_ours, t_bc, n, same in results:
        print(f"{mode:<10} {t_ours:9.3f} {t_bc:11.3f} {t_ours / t_bc:6.2f}  {n:8d}  {same}"
              f"   (bcftools view {flag})")
    if old is not None:
        print(f"\nnew vs previous implementation ({args.old_rev})")
        for mode, _, t_ours, _, _, _ in results:
            print(f"{mode:<10} new {t_ours:7.3f} s   old {old[mode]:7.3f} s   new/old "
                  f"{t_ours / old[mode]:5.2f}")
    t_stream = results[1][2]
    print(f"\nstreaming prefilter vs parsing every record with pysam.VariantFile (best of 1): "
          f"{t_stream:.3f} s vs {t_htslib:.3f} s, ratio {t_stream / t_htslib:.3f}")
    return 0 if all(r[5] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
