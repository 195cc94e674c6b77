"""Helpers shared by the benchmark scripts (run as ``python benchmarks/<name>.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from dualdx.synthetic import write_wgs


def best_of(n: int, fn: Callable[[], object]) -> float:
    """Fastest of ``n`` timed calls of ``fn`` (seconds)."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def cached_wgs(work: Path, records: int, seed: int) -> Path:
    """The seeded trio WGS VCF (bgzipped, indexed) under ``work``, generated once and reused."""
    vcf = work / f"wgs_trio_{records}_seed{seed}.vcf.gz"
    if not (vcf.exists() and Path(str(vcf) + ".tbi").exists()):
        t0 = time.perf_counter()
        write_wgs(vcf, records, seed, index=True)
        print(f"generated {vcf} in {time.perf_counter() - t0:.1f} s")
    else:
        print(f"reusing {vcf}")
    return vcf
