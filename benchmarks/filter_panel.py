"""Benchmark ``dualdx.inputs.filtering.run_filter_panel`` against bcftools on a synthetic WGS trio.

    python benchmarks/filter_panel.py [--records 5000000] [--repeats 3] [--workdir DIR]

Generates (or reuses) a seeded bgzipped + tabix-indexed trio VCF in the work directory (default
$TMPDIR/dualdx_benchmarks, outside the repository), then
times, on the same file:
  * indexed:   run_filter_panel (region queries)      vs  bcftools view -R regions.tsv
  * streaming: run_filter_panel(force_streaming=True) vs  bcftools view -T regions.tsv
(regions = the default panel's padded GRCh38 regions). Both bcftools runs write bgzipped VCF and
are followed by ``tabix`` as ours is. Prints the best-of-N wall times and the ratio ours/bcftools,
and checks that both tools found the same variants (after splitting bcftools' multiallelics).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import best_of, cached_wgs

from dualdx.inputs.filtering import run_filter_panel
from dualdx.inputs.panel import load_panel
from dualdx.inputs.vcf import read_panel_vcf

REPO = Path(__file__).resolve().parents[1]
PANEL = REPO / "resources" / "panels" / "default.tsv"
SAMPLES = ["FATHER", "MOTHER", "CHILD"]




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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=5_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
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
    regions = work / "panel_regions_grch38.tsv"
    regions.write_text("".join(f"chr{r.chrom}\t{r.start}\t{r.end}\n"
                               for _, r in load_panel(PANEL).regions("GRCh38", padded=True)))
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
    print(f"\n{args.records:,} records, best of {args.repeats}")
    print(f"{'mode':<10} {'dualdx s':>9} {'bcftools s':>11} {'ratio':>6}  variants  same")
    for mode, flag, t_ours, t_bc, n, same in results:
        print(f"{mode:<10} {t_ours:9.3f} {t_bc:11.3f} {t_ours / t_bc:6.2f}  {n:8d}  {same}"
              f"   (bcftools view {flag})")
    return 0 if all(r[5] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
