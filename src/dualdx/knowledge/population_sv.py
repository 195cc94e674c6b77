"""Population structural-variant frequencies (gnomAD-SV sites VCF, or any SV sites VCF in that
layout), read for the panel regions through htslib (pysam): a local bgzipped+indexed file or an
``https://`` URL is queried by region, a plain file is read in one pass.

A record needs an extent (``END``, or ``SVLEN``), a type (``SVTYPE`` or a symbolic ALT) and an
allele frequency (``AF``); the largest of ``POPMAX_AF``, ``GRPMAX_AF``, ``AF_popmax`` and
``AF_grpmax`` that is present is kept as the highest population frequency. Records whose FILTER
is not PASS are not used (they are counted). Only deletions, duplications and multi-allelic copy
number records (``CNV``, both directions) are kept: the copy-number classification compares
losses with losses and gains with gains.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dualdx.core.errors import InputError
from dualdx.core.model import DatabaseStatus, normalize_chrom

POPMAX_KEYS = ("POPMAX_AF", "GRPMAX_AF", "AF_popmax", "AF_grpmax")


@dataclass(frozen=True)
class PopulationSv:
    chrom: str  # normalized (no chr)
    start: int
    end: int
    svtype: str  # DEL, DUP or CNV
    af: float | None
    popmax_af: float | None
    n_homalt: int | None
    id: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@dataclass
class PopulationSvDB:
    path: str
    release: str | None
    records: list[PopulationSv] = field(default_factory=list)
    not_pass: int = 0

    def status(self) -> DatabaseStatus:
        return DatabaseStatus("gnomad_sv", "used", release=self.release, path=self.path,
                              detail=f"{len(self.records)} PASS deletions/duplications in the "
                                     f"panel regions; {self.not_pass} records not PASS, not used")

    def overlapping(self, chrom: str, start: int, end: int, direction: str
                    ) -> list[tuple[PopulationSv, float, float]]:
        """(record, share of the event it covers, share of itself the event covers) for the
        records of the same direction (``loss``: DEL/CNV, ``gain``: DUP/CNV) overlapping."""
        want = {"loss": ("DEL", "CNV"), "gain": ("DUP", "CNV")}.get(direction, ())
        c = normalize_chrom(chrom)
        out = []
        for r in self.records:
            if r.chrom != c or r.svtype not in want or r.end < start or r.start > end:
                continue
            ov = min(r.end, end) - max(r.start, start) + 1
            out.append((r, ov / (end - start + 1), ov / r.length))
        return sorted(out, key=lambda t: (-t[1], -(t[0].af or 0.0)))

    @classmethod
    def open(cls, path: str, regions: Sequence[tuple[str, int, int]]) -> PopulationSvDB:
        """Read ``path`` (local or URL) for ``regions`` ((chrom, start, end), 1-based)."""
        import pysam

        remote = "://" in path
        if not remote and not Path(path).is_file():
            raise InputError(path, "population SV file not found",
                             "set annotation.gnomad_sv to an existing gnomAD-SV sites VCF, or null")
        try:
            vf = pysam.VariantFile(path)
        except (OSError, ValueError) as e:
            raise InputError(path, f"cannot open the population SV VCF ({e})",
                             "give a gnomAD-SV sites VCF (bgzipped with its .tbi for region "
                             "queries)") from None
        db = cls(path=path, release=_release(vf, path))
        with vf:
            if "SVTYPE" not in vf.header.info and "AF" not in vf.header.info:
                raise InputError(path, "the VCF has neither SVTYPE nor AF in its header: not a "
                                 "population SV sites VCF",
                                 "give the gnomAD-SV sites VCF (gnomad.v4.1.sv.sites.vcf.gz)")
            for rec in _records(vf, regions):
                pop = _record(rec)
                if pop is None:
                    continue
                if list(rec.filter.keys()) not in ([], ["PASS"]):
                    db.not_pass += 1
                    continue
                db.records.append(pop)
        db.records = sorted(set(db.records), key=lambda r: (r.chrom, r.start, r.end, r.svtype))
        return db


def _release(vf: Any, path: str) -> str | None:
    for r in vf.header.records:
        key = str(r.key or "")
        if key.lower() in ("source", "gnomad_sv_version", "release"):
            return str(r.value)
    return Path(path).name


def _records(vf: Any, regions: Sequence[tuple[str, int, int]]) -> Iterator[Any]:
    if vf.index is None:
        wanted = {normalize_chrom(c) for c, _, _ in regions}
        for rec in vf:
            if normalize_chrom(rec.chrom) in wanted and any(
                    normalize_chrom(rec.chrom) == normalize_chrom(c) and rec.start < e
                    and rec.stop >= s for c, s, e in regions):
                yield rec
        return
    names = list(vf.header.contigs)
    for chrom, s, e in regions:
        for name in [n for n in names if normalize_chrom(n) == normalize_chrom(chrom)] or [chrom]:
            with contextlib.suppress(ValueError):
                yield from vf.fetch(name, s - 1, e)


def _float(v: Any) -> float | None:
    """A frequency as written (VCF Float is single precision: 0.04 reads 0.0399999991)."""
    if isinstance(v, tuple):
        vals = [x for x in v if isinstance(x, int | float)]
        v = max(vals) if vals else None
    return float(f"{v:.6g}") if isinstance(v, int | float) else None


def _record(rec: Any) -> PopulationSv | None:
    keys = set(rec.info.keys())
    svtype = str(rec.info["SVTYPE"]).upper() if "SVTYPE" in keys else None
    alt = (rec.alts or ("",))[0]
    if svtype is None and alt.startswith("<"):
        svtype = alt[1:-1].split(":")[0].upper()
    if svtype not in ("DEL", "DUP", "CNV"):
        return None
    af = _float(rec.info.get("AF")) if "AF" in keys else None
    popmax = [x for x in (_float(rec.info.get(k)) for k in POPMAX_KEYS if k in keys)
              if x is not None]
    nhom = rec.info.get("N_HOMALT") if "N_HOMALT" in keys else None
    if isinstance(nhom, tuple):
        nhom = nhom[0] if nhom else None
    start = rec.pos + 1 if alt.startswith("<") else rec.pos
    return PopulationSv(normalize_chrom(rec.chrom), start, max(rec.stop, start), svtype, af,
                        max(popmax) if popmax else None,
                        int(nhom) if isinstance(nhom, int) else None, rec.id)
