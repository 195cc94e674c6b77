"""Multiallelic records split into biallelic ones, with each field cut to its allele.

Input is a record as htslib parsed it (``pysam.VariantRecord``); output are :class:`SplitRecord`
objects holding typed values (what htslib gives: ints, floats, strings, tuples), written back by
htslib (``dualdx.inputs.filtering``), so numbers keep htslib's formatting.

Each ALT becomes its own record. Alleles are trimmed to their minimal representation (shared
suffix, then shared prefix, keeping one base; POS moves right by the bases trimmed from the
front); left-alignment needs the reference and is done by ``bcftools norm``
(:mod:`dualdx.inputs.normalize`).

Per-allele fields are cut to the allele: Number=A → this ALT's value; Number=R → REF and this
ALT; Number=G → the genotypes REF/REF, REF/ALT, ALT/ALT (diploid) or REF, ALT (haploid),
bcftools' rule. FORMAT AD is treated as Number=R even when a header declares ``Number=.``. A
value whose count does not fit its Number is written as ``.`` (missing, :data:`MISSING`), never
guessed; the filter counts such values and says so (caveat ``per_allele_value_miscounted``).
The original record is kept in INFO ``OLD_MULTIALLELIC=chrom:pos:REF/ALT1/ALT2``.

Genotype convention for the *other* ALTs of the original site (why the split is not left to
``bcftools norm -m-``): bcftools writes them as 0, which fakes a reference allele. Here GT writes
them as ``.`` (honest, but it loses that the allele was called) and the exact per-allele genotype
is kept in FORMAT ``SGT``: ``0`` REF, ``1`` this ALT, ``*`` another ALT of the original site,
``.`` missing. :func:`dualdx.inputs.vcf.read_panel_vcf` reads SGT back into ``Call.alleles`` with
-1 for ``*``. A haploid GT stays one allele.

Not split but dropped, and counted by kind (:class:`Dropped`): symbolic ALTs and breakends
(``symbolic``: ``<DEL>``, ``<DUP>``, ``<INV>``, …; the structural-variant stage,
:mod:`dualdx.inputs.structural`, reads them), gVCF placeholder alleles beside a real ALT
(``gvcf_allele``: ``<NON_REF>``, ``<*>``, ``<X>``), ``*`` (spanning deletion) alleles, and
reference-only records (gVCF blocks: ALT only ``<NON_REF>``/``<*>``/``<X>``/``.``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dualdx.core.intervals import IntervalSet
from dualdx.core.model import normalize_chrom
from dualdx.inputs.vcf import GVCF_ALTS, SGT_KEY, FieldDef, is_symbolic

REF_ONLY_ALTS = GVCF_ALTS | {"."}
#: Number used for a key when the header does not define it (or, for AD, defines it as '.').
DEFAULT_NUMBERS = {"AD": "R", "PL": "G", "GL": "G", "GP": "G", "AC": "A", "AF": "A"}


class _Missing:
    """A per-allele value whose count did not fit its Number: written as '.'."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

Allele = int | None


@dataclass
class SplitRecord:
    """One biallelic record of one input VCF, values typed as htslib parsed them."""

    chrom: str  # the input's spelling
    pos: int
    ref: str
    alt: str
    id: str | None
    qual: float | None
    filters: tuple[str, ...]  # () when FILTER is '.'
    info: dict[str, Any]
    format: list[str]  # FORMAT keys, GT first when present
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)  # sample -> key -> value
    phased: dict[str, bool] = field(default_factory=dict)
    source: str = ""  # input file
    where: str = ""  # its place there (line N / record chrom:pos)
    miscounted: list[str] = field(default_factory=list)  # keys whose count did not fit
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)  # input -> its FILTER

    @property
    def key(self) -> tuple[str, int, str, str]:
        """Matching key across inputs: chrom without ``chr``, POS, REF, ALT."""
        return (normalize_chrom(self.chrom), self.pos, self.ref, self.alt)

    @property
    def is_indel(self) -> bool:
        return len(self.ref) != len(self.alt)


@dataclass(frozen=True)
class Dropped:
    """An allele or record kept out of the panel VCF: ``kind`` symbolic / gvcf_allele / star /
    ref_block.

    ``samples``: the family samples whose genotype carries the allele (symbolic, star).
    """

    kind: str
    chrom: str
    pos: int
    allele: str
    where: str
    samples: tuple[str, ...] = ()


def trim_alleles(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Minimal representation: drop the shared suffix, then the shared prefix (one base kept)."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def number_of(defs: dict[str, FieldDef], key: str) -> str:
    """The Number of an INFO/FORMAT key (header, else :data:`DEFAULT_NUMBERS`, else '.')."""
    fd = defs.get(key)
    default = DEFAULT_NUMBERS.get(key, ".")
    if fd is None or (key == "AD" and fd.number == "."):
        return default
    return fd.number


def cut_value(value: Any, number: str, n_alts: int, i: int) -> Any:
    """A per-allele value cut down to ALT ``i`` (1-based); :data:`MISSING` when it won't fit."""
    if value is None or number not in ("A", "R", "G"):
        return value
    parts = value if isinstance(value, tuple) else (value,)
    n = len(parts)
    if number == "A":
        return (parts[i - 1],) if n == n_alts else MISSING
    if number == "R":
        return (parts[0], parts[i]) if n == n_alts + 1 else MISSING
    if n == (n_alts + 1) * (n_alts + 2) // 2:
        het = i * (i + 1) // 2
        return (parts[0], parts[het], parts[het + i])
    if n == n_alts + 1:
        return (parts[0], parts[i])
    return MISSING


def split_gt(alleles: tuple[Allele, ...], i: int) -> tuple[Allele, ...]:
    """GT of the original record → GT of the split record for ALT ``i`` (others become None)."""
    return tuple(None if a is None else (0 if a == 0 else (1 if a == i else None))
                 for a in alleles)


def sgt_text(alleles: tuple[Allele, ...], i: int, phased: bool) -> str:
    """The SGT value: 0 REF, 1 this ALT, * another ALT, . missing."""
    sep = "|" if phased else "/"
    return sep.join("." if a is None else "0" if a == 0 else "1" if a == i else "*"
                    for a in alleles)


def split_record(rec: Any, info_defs: dict[str, FieldDef], format_defs: dict[str, FieldDef],
                 samples: list[str], regions: IntervalSet, source: str, where: str,
                 ) -> tuple[list[SplitRecord], list[Dropped]]:
    """Biallelic, trimmed records of one htslib record that overlap ``regions``.

    ``samples``: the family samples read from this record (the VCF's own sample names).
    Returns the records and what was dropped (only alleles or blocks that overlap the panel).
    """
    alts: tuple[str, ...] = tuple(rec.alts or ())
    chrom, pos, ref = rec.chrom, rec.pos, str(rec.ref).upper()
    span_hit = regions.overlaps(chrom, pos, max(pos, rec.stop))
    if all(a in REF_ONLY_ALTS for a in alts):
        block = [Dropped("ref_block", chrom, pos, ",".join(alts) or ".", where)]
        return [], block if span_hit else []
    n_alts = len(alts)
    info_items = list(rec.info.items())
    fmt = list(rec.format.keys())
    raw_calls: dict[str, dict[str, Any]] = {}
    phased: dict[str, bool] = {}
    for s in samples:
        smp = rec.samples[s]
        raw_calls[s] = {k: smp[k] for k in fmt}
        phased[s] = bool(smp.phased)
    is_multi = n_alts > 1
    old = f"{chrom}:{pos}:{ref}/{'/'.join(alts)}"
    filters = tuple(str(f) for f in rec.filter)
    out: list[SplitRecord] = []
    dropped: list[Dropped] = []
    for i, alt_raw in enumerate(alts, 1):
        alt = alt_raw if is_symbolic(alt_raw) else alt_raw.upper()
        if alt == "*" or is_symbolic(alt):
            if span_hit:
                carriers = tuple(s for s, values in raw_calls.items()
                                 if i in tuple(values.get("GT") or ()))
                kind = "star" if alt == "*" else \
                    "gvcf_allele" if alt.upper() in GVCF_ALTS else "symbolic"
                dropped.append(Dropped(kind, chrom, pos, alt, where, carriers))
            continue
        if alt in (".", ref):
            continue
        p, r, a = trim_alleles(pos, ref, alt)
        if not regions.overlaps(chrom, p, p + len(r) - 1):
            continue
        miscounted: list[str] = []
        info: dict[str, Any] = {}
        for k, v in info_items:
            cut = cut_value(v, number_of(info_defs, k), n_alts, i)
            if cut is MISSING:
                miscounted.append(k)
            info[k] = cut
        if is_multi:
            info["OLD_MULTIALLELIC"] = old
        fmt_out = [*fmt, SGT_KEY] if is_multi and "GT" in fmt else list(fmt)
        numbers = {k: number_of(format_defs, k) for k in fmt}
        calls: dict[str, dict[str, Any]] = {}
        for s, values in raw_calls.items():
            new: dict[str, Any] = {}
            for k, v in values.items():
                if k == "GT":
                    new[k] = split_gt(tuple(v), i) if (is_multi and v is not None) else v
                else:
                    cut = cut_value(v, numbers[k], n_alts, i)
                    if cut is MISSING and k not in miscounted:
                        miscounted.append(k)
                    new[k] = cut
            if is_multi and "GT" in values:
                gt = values["GT"]
                new[SGT_KEY] = sgt_text(tuple(gt), i, phased[s]) if gt is not None else "."
            calls[s] = new
        out.append(SplitRecord(chrom, p, r, a, rec.id, rec.qual, filters, info, fmt_out,
                               calls, dict(phased), source, where, miscounted))
    return out, dropped
