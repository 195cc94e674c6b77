"""Stage ``filter_panel``: extract the panel regions of a family's VCF(s) into one biallelic,
sorted, bgzipped and tabix-indexed VCF.

Reading
    A bgzipped VCF with a ``.tbi``/``.csi`` index is read by region queries only (pysam
    ``TabixFile``). Any other VCF (plain text, or bgzip/gzip without index) is read in one
    streaming pass in large decompressed chunks; a compiled regular expression finds the lines
    whose CHROM and POS text fall in a panel window before any line is parsed, so off-panel lines
    cost almost nothing. Both paths hand the same text lines to the same parser, so their output
    is identical.

Which records are kept
    A record is a candidate when its POS lies in ``[start - MAX_REF_SPAN, end]`` of a padded
    panel region (a deletion longer than ``MAX_REF_SPAN`` that starts before that window is not
    seen, in either mode). After splitting and trimming, a biallelic record is written when its
    REF span overlaps a padded panel region.

Multiallelic records
    Each ALT becomes its own record. Alleles are trimmed to their minimal representation (shared
    suffix, then shared prefix, keeping one base; POS moves right by the bases trimmed from the
    front). Left-alignment would need the reference sequence and is not done.
    Per-allele fields are cut to the allele: Number=A → this ALT's value; Number=R → REF and
    this ALT; Number=G → the genotypes REF/REF, REF/ALT, ALT/ALT (diploid) or REF, ALT (haploid),
    bcftools' rule. FORMAT AD is treated as Number=R even when a header declares ``Number=.``.
    A value whose count does not fit its Number is written as ``.`` (missing), never guessed.
    The original record is kept in INFO ``OLD_MULTIALLELIC=chrom:pos:REF/ALT1/ALT2``.

    Genotype convention for the *other* ALTs of the original site: in GT they are written as
    ``.`` (bcftools ``norm -m-`` writes 0, which fakes a reference allele; ``.`` is honest but
    loses that the allele was called), and the exact per-allele genotype is kept in FORMAT
    ``SGT``: ``0`` REF, ``1`` this ALT, ``*`` another ALT of the original site, ``.`` missing.
    :func:`dualdx.inputs.vcf.read_panel_vcf` reads SGT back into ``Call.alleles`` with -1 for ``*``.

Excluded and counted
    Symbolic ALTs (``<DEL>``, ``<NON_REF>``, ``<*>``, breakends), ``*`` (spanning deletion)
    alleles, and reference-only records (gVCF blocks: ALT only ``<NON_REF>``/``<*>``/``.``, with
    or without ``END=``).

Merging
    With one VCF per person, sites are the union; a person without a record at a site gets
    ``./.`` (a site absent from a VCF is unknown: gVCF reference blocks are not used to fill
    0/0). QUAL, ID, FILTER and INFO come from the first VCF that has the site.

Build check
    The header's ``##contig`` lengths are compared with the GRCh37 and GRCh38 chromosome lengths
    below; a file that looks like the other build is refused. Without contig lengths the build
    cannot be verified: that is logged and returned as ``FilterStats.build_verified = False``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from dualdx.core.atomic import atomic_path, write_text
from dualdx.core.errors import InputError
from dualdx.core.genome import CONTIG_LENGTHS
from dualdx.core.intervals import IntervalSet
from dualdx.core.model import normalize_chrom
from dualdx.inputs.panel import BUILDS, Region, load_panel
from dualdx.inputs.vcf import (
    SGT_KEY,
    STANDARD_FORMAT_LINES,
    RawRecord,
    VcfHeader,
    compression,
    format_info,
    open_binary,
    parse_info,
    parse_line,
    read_header_from,
)

#: Longest REF a record starting before a panel window may have and still be found.
MAX_REF_SPAN = 10_000
CHUNK_BYTES = 8 << 20


REF_ONLY_ALTS = frozenset({".", "<NON_REF>", "<*>"})
#: Number used for a key when the header does not define it (or, for AD, defines it as '.').
DEFAULT_NUMBERS = {"AD": "R", "PL": "G", "GL": "G", "GP": "G", "AC": "A", "AF": "A"}

ContigStyle = Literal["chr", "no_chr", "unknown"]


@dataclass
class FilterStats:
    """What ``filter_panel`` did; counts are summed over the input VCFs.

    ``records_read``: data lines read (streaming: every line of the file; indexed: the lines the
    index returned for the panel windows). ``skipped_*`` count records (or, for symbolic and
    ``*`` alleles, alleles) near the panel that were kept out.
    """

    records_read: int = 0
    records_written: int = 0
    split_multiallelic: int = 0
    skipped_symbolic: int = 0
    skipped_ref_blocks: int = 0
    skipped_star: int = 0
    build_verified: bool = False
    mode: str = "streaming"  # "indexed" | "streaming" (streaming when any input is streamed)
    contig_style: str = "unknown"  # "chr" | "no_chr" | "unknown"
    build: str = ""
    build_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# Build and contig style


def guess_build(contigs: dict[str, int | None]) -> tuple[str | None, list[str]]:
    """(build whose lengths all known chromosomes match, or None; evidence sentences).

    Returns ('unverifiable', []) when no chromosome of the table has a length in the header.
    """
    seen = {normalize_chrom(c): n for c, n in contigs.items() if n is not None}
    known = {c: n for c, n in seen.items() if c in CONTIG_LENGTHS["GRCh38"]}
    if not known:
        return "unverifiable", []
    matching: list[str] = []
    evidence: list[str] = []
    for build, table in CONTIG_LENGTHS.items():
        if all(table[c] == n for c, n in known.items()):
            matching.append(build)
    for c in sorted(known, key=lambda x: (len(x), x))[:3]:
        evidence.append(f"contig {c} length {known[c]}")
    return (matching[0] if len(matching) == 1 else None), evidence


def check_build(path: str, header: VcfHeader, build: str) -> bool:
    """True when the header's contig lengths confirm ``build``; False when it has none.

    Raises InputError when the lengths belong to another build (or to no known build).
    """
    if build not in BUILDS:
        raise InputError(None, f"genome build {build!r} is not supported",
                         f"set genome_build to one of {', '.join(BUILDS)}")
    found, evidence = guess_build(header.contigs)
    if found == "unverifiable":
        return False
    if found == build:
        return True
    if found is None:
        raise InputError(path, f"the ##contig lengths ({'; '.join(evidence)}) match neither "
                         "GRCh37 nor GRCh38", "give a VCF called on GRCh37 or GRCh38",
                         where="header")
    raise InputError(path, f"the file looks like {found} ({'; '.join(evidence)}), but the "
                     f"genome build requested is {build}",
                     f"set genome_build to {found} for this family, or give a {build} VCF",
                     where="header")


def style_of(names: list[str]) -> ContigStyle:
    if not names:
        return "unknown"
    return "chr" if any(n.lower().startswith("chr") for n in names) else "no_chr"


def contig_name(norm: str, style: ContigStyle, known: list[str]) -> str:
    """The file's own spelling of the normalized contig ``norm``."""
    for k in known:
        if normalize_chrom(k) == norm:
            return k
    if style == "chr":
        return "chrM" if norm == "MT" else f"chr{norm}"
    return norm


# --------------------------------------------------------------------------------------------
# Windows and the streaming prefilter


def merged_windows(regions: list[Region]) -> IntervalSet:
    """Merged POS windows ``[start - MAX_REF_SPAN, end]`` of the padded panel regions."""
    return IntervalSet((r.chrom, max(1, r.start - MAX_REF_SPAN), r.end) for r in regions)


def _same_length_pattern(a: str, b: str) -> str:
    if a == b:
        return a
    n = len(a)
    if n == 1:
        return f"[{a}-{b}]"
    if a[0] == b[0]:
        return a[0] + _same_length_pattern(a[1:], b[1:])
    if set(a[1:]) == {"0"} and set(b[1:]) == {"9"}:
        return f"[{a[0]}-{b[0]}][0-9]{{{n - 1}}}"
    parts = [a[0] + _same_length_pattern(a[1:], "9" * (n - 1))]
    if int(b[0]) - int(a[0]) > 1:
        parts.append(f"[{int(a[0]) + 1}-{int(b[0]) - 1}][0-9]{{{n - 1}}}")
    parts.append(b[0] + _same_length_pattern("0" * (n - 1), b[1:]))
    return "(?:" + "|".join(parts) + ")"


def range_regex(lo: int, hi: int) -> str:
    """A regular expression matching exactly the decimal integers ``lo..hi`` (no leading 0)."""
    if lo < 1 or hi < lo:
        raise ValueError(f"bad range {lo}..{hi}")
    parts = []
    for digits in range(len(str(lo)), len(str(hi)) + 1):
        a = max(lo, 10 ** (digits - 1))
        b = min(hi, 10**digits - 1)
        parts.append(_same_length_pattern(str(a), str(b)))
    return "(?:" + "|".join(parts) + ")"


def prefilter_pattern(windows: IntervalSet) -> re.Pattern[bytes]:
    """Match ``\\n`` + CHROM + TAB + POS + TAB for POS inside a window (either contig style)."""
    alts = []
    for chrom in windows.chroms:
        ws = windows.on(chrom)
        names = [re.escape(chrom)] + (["M"] if chrom == "MT" else [])
        pos = "|".join(range_regex(lo, hi) for lo, hi in ws)
        alts.append(f"(?:{'|'.join(names)})\\t(?:{pos})")
    return re.compile(("\\n(?:chr|CHR|Chr)?(?:" + "|".join(alts) + ")\\t").encode())


# --------------------------------------------------------------------------------------------
# Reading candidate lines


def find_index(path: str) -> str | None:
    for ext in (".tbi", ".csi"):
        if os.path.exists(path + ext):
            return path + ext
    return None


def _decompress_error(path: str, e: Exception, where: str) -> InputError:
    return InputError(path, f"cannot decompress the file ({e}); it is truncated or corrupt",
                      "copy the file again, or re-compress it with bgzip", where=where)


def _iter_streaming(path: str, fh: IO[bytes], first_line: int, pattern: re.Pattern[bytes],
                    counter: list[int]) -> Iterator[tuple[str, str]]:
    """(where, line) of candidate lines; ``counter[0]`` accumulates data lines read."""
    lines_before = first_line - 1
    rest = b""
    while True:
        try:
            chunk = fh.read(CHUNK_BYTES)
        except (EOFError, OSError, zlib.error) as e:
            raise _decompress_error(path, e, f"after line {lines_before}") from None
        if chunk:
            cut = chunk.rfind(b"\n")
            if cut < 0:
                rest += chunk
                continue
            data = b"\n" + rest + chunk[: cut + 1]
            rest = chunk[cut + 1:]
        else:
            if not rest:
                return
            data = b"\n" + rest + b"\n"
            rest = b""
        n_lines = data.count(b"\n") - 1
        for m in pattern.finditer(data):
            start = m.start() + 1
            end = data.find(b"\n", start)
            lineno = lines_before + data.count(b"\n", 0, start)
            try:
                text = data[start:end].decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(path, "the record is not UTF-8 text",
                                 "give a VCF text file", where=f"line {lineno}") from None
            yield f"line {lineno}", text
        lines_before += n_lines
        counter[0] += n_lines


def _first_contig(path: str) -> str | None:
    """CHROM of the first data line (to learn the contig style of a header without contigs)."""
    with open_binary(path) as fh:
        read_header_from(path, fh)
        try:
            line = fh.readline()
        except (EOFError, OSError, zlib.error) as e:
            raise _decompress_error(path, e, "first record") from None
    return line.split(b"\t", 1)[0].decode("utf-8", "replace") if line.strip() else None


def _iter_indexed(path: str, index: str, windows: IntervalSet,
                  style: ContigStyle, counter: list[int]) -> Iterator[tuple[str, str]]:
    import pysam

    try:
        tbx = pysam.TabixFile(path, index=index)
    except (OSError, ValueError) as e:
        raise InputError(path, f"cannot open the indexed VCF ({e})",
                         "re-compress with bgzip and re-index with 'tabix -p vcf'") from None
    with tbx:
        contigs = list(tbx.contigs)
        for chrom in windows.chroms:
            name = contig_name(chrom, style, contigs)
            if name not in contigs:
                continue
            for lo, hi in windows.on(chrom):
                try:
                    for line in tbx.fetch(name, lo - 1, hi):
                        counter[0] += 1
                        pos_text = line.split("\t", 2)[1]
                        if pos_text.isdigit() and not lo <= int(pos_text) <= hi:
                            continue
                        yield f"record {name}:{pos_text}", line
                except (OSError, ValueError) as e:
                    raise InputError(path, f"cannot read {name}:{lo}-{hi} ({e})",
                                     "copy the file again; re-index it with 'tabix -p vcf'",
                                     where=f"{name}:{lo}-{hi}") from None


# --------------------------------------------------------------------------------------------
# Splitting


@dataclass
class SplitRecord:
    chrom: str
    pos: int
    id: str
    ref: str
    alt: str
    qual: str
    filter: str
    info: list[tuple[str, str | None]]
    format: list[str]
    calls: dict[str, list[str]] = field(default_factory=dict)  # sample → values per format key

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.chrom, self.pos, self.ref, self.alt)


def trim_alleles(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Minimal representation: drop the shared suffix, then the shared prefix (one base kept)."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def split_values(raw: str, number: str, n_alts: int, i: int) -> str:
    """Cut a comma-separated per-allele value down to ALT ``i`` (1-based); '.' when it won't fit."""
    if number not in ("A", "R", "G") or raw in (".", ""):
        return raw if raw else "."
    parts = raw.split(",")
    n = len(parts)
    if number == "A":
        return parts[i - 1] if n == n_alts else "."
    if number == "R":
        return f"{parts[0]},{parts[i]}" if n == n_alts + 1 else "."
    if n == (n_alts + 1) * (n_alts + 2) // 2:
        het = i * (i + 1) // 2
        return f"{parts[0]},{parts[het]},{parts[het + i]}"
    if n == n_alts + 1:
        return f"{parts[0]},{parts[i]}"
    return "."


def recode_gt(gt: str, i: int, other: str) -> str:
    """GT of the original record → GT of the split record for ALT ``i``."""
    out: list[str] = []
    token = ""
    for ch in gt:
        if ch in "/|":
            out.append(_recode_allele(token, i, other))
            out.append(ch)
            token = ""
        else:
            token += ch
    out.append(_recode_allele(token, i, other))
    return "".join(out)


def _recode_allele(a: str, i: int, other: str) -> str:
    if a in (".", "", "0"):
        return a or "."
    return "1" if a == str(i) else other


def _number(defs: dict[str, Any], key: str) -> str:
    fd = defs.get(key)
    default = DEFAULT_NUMBERS.get(key, ".")
    if fd is None or (key == "AD" and fd.number == "."):
        return default
    return str(fd.number)


def _overlaps(chrom: str, pos: int, ref: str, regions: IntervalSet) -> bool:
    return regions.overlaps(chrom, pos, pos + len(ref) - 1)


def _check_gt(path: str, where: str, gt: str, n_alts: int) -> None:
    for a in re.split(r"[/|]", gt):
        if a in (".", ""):
            continue
        if not a.isdigit() or int(a) > n_alts:
            raise InputError(path, f"GT {gt!r} names allele {a}, the record has {n_alts} ALT(s)",
                             "repair the genotype (alleles are 0..number of ALTs)", where=where)


_INT = re.compile(r"^-?[0-9]+$")
_NUM = re.compile(r"^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")


def _check_call_values(path: str, where: str, fmt: list[str], vals: list[str]) -> None:
    """The FORMAT values dualdx reads (AD, DP, GQ, PS) must be numbers or missing ('.')."""
    for key, value in zip(fmt, vals, strict=False):
        if key in ("DP", "PS", "GQ") and value not in (".", ""):
            ok = _INT.match(value) if key != "GQ" else _NUM.match(value)
            if not ok:
                raise InputError(path, f"FORMAT {key} is {value[:40]!r}, not a number",
                                 f"write {key} as a number, or '.' when it is missing",
                                 where=where)
        elif key == "AD" and value not in (".", "") and not all(
                v == "." or _INT.match(v) for v in value.split(",")):
            raise InputError(path, f"FORMAT AD is {value[:40]!r}, not comma-separated "
                             "whole numbers", "write AD as depths per allele (REF first), "
                             "or '.' when it is missing", where=where)


def split_record(path: str, where: str, rec: RawRecord, header: VcfHeader,
                 cols: list[tuple[str, int]], regions: IntervalSet,
                 stats: FilterStats) -> list[SplitRecord]:
    """Biallelic, trimmed records of one VCF record that overlap the panel; counts exclusions."""
    info_items = parse_info(rec.info)
    if all(a in REF_ONLY_ALTS for a in rec.alts):
        stats.skipped_ref_blocks += 1
        return []
    n_alts = len(rec.alts)
    fmt = rec.format
    gt_at = fmt.index("GT") if "GT" in fmt else -1
    sample_values: list[tuple[str, list[str]]] = []
    for sample, col in cols:
        vals = rec.samples[col].split(":")
        if len(vals) > len(fmt):
            raise InputError(path, f"sample {sample} has {len(vals)} values "
                             f"({rec.samples[col][:40]!r}) but FORMAT {':'.join(fmt) or '(empty)'}"
                             f" names {len(fmt)} key(s)",
                             "give at most one value per FORMAT key", where=where)
        vals += ["."] * (len(fmt) - len(vals))
        _check_call_values(path, f"{where}, sample {sample}", fmt, vals)
        if gt_at >= 0:
            _check_gt(path, f"{where}, sample {sample}", vals[gt_at], n_alts)
        sample_values.append((sample, vals[: len(fmt)]))
    out: list[SplitRecord] = []
    is_multi = n_alts > 1
    old = f"{rec.chrom}:{rec.pos}:{rec.ref}/{'/'.join(rec.alts)}"
    for i, alt in enumerate(rec.alts, 1):
        if alt == "*":
            stats.skipped_star += 1
            continue
        if alt.startswith("<") or "[" in alt or "]" in alt:
            stats.skipped_symbolic += 1
            continue
        if alt == "." or alt == rec.ref:
            continue
        pos, ref, a = trim_alleles(rec.pos, rec.ref, alt)
        if not _overlaps(rec.chrom, pos, ref, regions):
            continue
        if not is_multi:
            # per-allele values with a count unlike their Number= become '.' here too
            info = [(k, None if v is None else split_values(v, _number(header.info, k), 1, 1))
                    for k, v in info_items]
            fmt_out = list(fmt)
            numbers = [_number(header.formats, k) for k in fmt]
            calls = {s: [v if j == gt_at else split_values(v, numbers[j], 1, 1)
                         for j, v in enumerate(vals)] for s, vals in sample_values}
        else:
            info = [(k, None if v is None else split_values(v, _number(header.info, k), n_alts, i))
                    for k, v in info_items]
            info.append(("OLD_MULTIALLELIC", old))
            fmt_out = [*fmt, SGT_KEY] if gt_at >= 0 else list(fmt)
            numbers = [_number(header.formats, k) for k in fmt]
            calls = {}
            for s, vals in sample_values:
                new = [recode_gt(v, i, ".") if j == gt_at else split_values(v, numbers[j],
                                                                              n_alts, i)
                       for j, v in enumerate(vals)]
                if gt_at >= 0:
                    new.append(recode_gt(vals[gt_at], i, "*"))
                calls[s] = new
        out.append(SplitRecord(rec.chrom, pos, rec.id, ref, a, rec.qual, rec.filter, info,
                               fmt_out, calls))
    if is_multi and out:
        stats.split_multiallelic += 1
    return out


# --------------------------------------------------------------------------------------------
# One input VCF


@dataclass
class _Input:
    path: str
    header: VcfHeader
    cols: list[tuple[str, int]]  # (family sample, column index) read from this file
    index: str | None
    verified: bool
    style: ContigStyle


def _open_input(path: str, build: str, force_streaming: bool) -> tuple[VcfHeader, str | None,
                                                                        bool]:
    if not os.path.isfile(path):
        raise InputError(path, "VCF not found", "check the 'vcf' column of the samples sheet")
    with open_binary(path) as fh:
        header, _ = read_header_from(path, fh)
    verified = check_build(path, header, build)
    index = None
    if compression(path) == "bgzf":
        index = find_index(path)
        if index is not None and os.path.getmtime(index) < os.path.getmtime(path):
            raise InputError(index, f"the index is older than {Path(path).name}",
                             f"re-index with 'tabix -f -p vcf {path}'")
    if force_streaming:
        index = None
    return header, index, verified


def _read_input(inp: _Input, windows: IntervalSet,
                regions: IntervalSet, stats: FilterStats,
                ) -> Iterator[SplitRecord]:
    counter = [0]
    n = len(inp.header.samples)
    if inp.index is not None:
        lines = _iter_indexed(inp.path, inp.index, windows, inp.style, counter)
        yield from _split_lines(inp, lines, n, regions, stats)
    else:
        with open_binary(inp.path) as fh:
            read_header_from(inp.path, fh)
            lines = _iter_streaming(inp.path, fh, inp.header.n_lines + 1,
                                    prefilter_pattern(windows), counter)
            yield from _split_lines(inp, lines, n, regions, stats)
    stats.records_read += counter[0]


def _split_lines(inp: _Input, lines: Iterator[tuple[str, str]], n: int,
                 regions: IntervalSet, stats: FilterStats) -> Iterator[SplitRecord]:
    for where, line in lines:
        head = line.split("\t", 2)
        named = f"{where} ({head[0]}:{head[1] if len(head) > 1 else '?'})"
        rec = parse_line(inp.path, line, n, named)
        yield from split_record(inp.path, named, rec, inp.header, inp.cols, regions, stats)


# --------------------------------------------------------------------------------------------
# Output


def _contig_rank(norm: str) -> tuple[int, str]:
    if norm.isdigit():
        return (int(norm), "")
    return ({"X": 23, "Y": 24, "MT": 25}.get(norm, 99), norm)


def _merge(records: dict[tuple[str, int, str, str], SplitRecord], rec: SplitRecord,
           log: logging.Logger) -> None:
    have = records.get(rec.key)
    if have is None:
        records[rec.key] = rec
        return
    for s, vals in rec.calls.items():
        if s in have.calls:
            log.warning("%s:%d %s>%s appears twice for sample %s; the first record is kept",
                        rec.chrom, rec.pos, rec.ref, rec.alt, s)
            continue
        merged_fmt = have.format + [k for k in rec.format if k not in have.format]
        if merged_fmt != have.format:
            for s2, v2 in have.calls.items():
                d = dict(zip(have.format, v2, strict=True))
                have.calls[s2] = [d.get(k, ".") for k in merged_fmt]
            have.format = merged_fmt
        d = dict(zip(rec.format, vals, strict=True))
        have.calls[s] = [d.get(k, ".") for k in have.format]


def _record_line(rec: SplitRecord, samples: list[str]) -> str:
    fmt = rec.format if rec.format else ["GT"]
    cols = [rec.chrom, str(rec.pos), rec.id, rec.ref, rec.alt, rec.qual, rec.filter,
            format_info(rec.info), ":".join(fmt)]
    for s in samples:
        vals = rec.calls.get(s)
        if vals is None:
            cols.append(":".join("./." if k in ("GT", SGT_KEY) else "." for k in fmt))
        else:
            cols.append(":".join(vals) if vals else "./.")
    return "\t".join(cols)


def _header_text(inputs: list[_Input], samples: list[str], contigs: list[str],
                 records: list[SplitRecord], build: str, verified: bool, panel_path: str) -> str:
    lines = ["##fileformat=VCFv4.2"]
    filters: dict[str, str] = {}
    infos: dict[str, str] = {}
    formats: dict[str, str] = {}
    lengths: dict[str, int | None] = {}
    for inp in inputs:
        for k, line in inp.header.filters.items():
            filters.setdefault(k, line)
        for k, fd in inp.header.info.items():
            infos.setdefault(k, fd.line)
        for k, fd in inp.header.formats.items():
            formats.setdefault(k, fd.line)
        for c, n in inp.header.contigs.items():
            lengths.setdefault(normalize_chrom(c), n)
    used_format = {k for r in records for k in r.format}
    for k in ("GT", "AD", "DP", "GQ", "PS"):
        if k in used_format and k not in formats:
            formats[k] = STANDARD_FORMAT_LINES[k]
    if SGT_KEY in used_format:
        formats[SGT_KEY] = (
            f'##FORMAT=<ID={SGT_KEY},Number=1,Type=String,Description="Genotype relative to '
            "this record after multiallelic splitting: 0 REF, 1 this ALT, * another ALT of the "
            'original record (written . in GT), . missing (dualdx filter_panel)">')
    if any(k == "OLD_MULTIALLELIC" for r in records for k, _ in r.info):
        infos["OLD_MULTIALLELIC"] = ('##INFO=<ID=OLD_MULTIALLELIC,Number=1,Type=String,'
                                     'Description="Original multiallelic record '
                                     '(chrom:pos:REF/ALT1/ALT2...) before splitting">')
    filters.setdefault("PASS", '##FILTER=<ID=PASS,Description="All filters passed">')
    lines += list(filters.values()) + list(infos.values()) + list(formats.values())
    for c in contigs:
        n = lengths.get(normalize_chrom(c))
        lines.append(f"##contig=<ID={c},length={n}>" if n else f"##contig=<ID={c}>")
    lines.append(f"##dualdx_filter_panel=<build={build},build_verified="
                 f"{'true' if verified else 'false'},panel={Path(panel_path).name},"
                 f"inputs={'|'.join(Path(i.path).name for i in inputs)}>")
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                            "FORMAT", *samples]))
    return "\n".join(lines) + "\n"


def write_bgzip_indexed(out_vcf: str, text: str) -> None:
    """Write ``text`` bgzipped to ``out_vcf`` and its ``.tbi``; both atomically, VCF first."""
    import pysam

    with atomic_path(out_vcf + ".tbi") as tmp_tbi, atomic_path(out_vcf) as tmp_vcf:
        with pysam.BGZFile(str(tmp_vcf), "wb", None) as fh:
            fh.write(text.encode("utf-8"))
        pysam.tabix_index(str(tmp_vcf), preset="vcf", force=True, index=str(tmp_tbi))


# --------------------------------------------------------------------------------------------
# Entry point


def _sample_columns(vcfs: list[str], headers: list[VcfHeader],
                    samples: list[str]) -> list[list[tuple[str, int]]]:
    cols: list[list[tuple[str, int]]] = [[] for _ in vcfs]
    for s in samples:
        for k, h in enumerate(headers):
            if s in h.samples:
                cols[k].append((s, h.samples.index(s)))
                break
        else:
            found = "; ".join(f"{Path(v).name}: {', '.join(h.samples) or 'no samples'}"
                              for v, h in zip(vcfs, headers, strict=True))
            raise InputError(", ".join(vcfs), f"family sample {s!r} is in none of the VCFs "
                             f"(samples there: {found})",
                             "fix the sample ID in the samples sheet or give the VCF that holds "
                             "this person")
    return cols


def run_filter_panel(vcfs: list[str], samples: list[str], panel_path: str, build: str,
                     out_vcf: str, log: logging.Logger, *,
                     force_streaming: bool = False) -> FilterStats:
    """Write the family's panel variants (biallelic, sorted, bgzipped + .tbi) to ``out_vcf``.

    ``vcfs``: one multi-sample VCF or one VCF per person; ``samples``: family sample IDs in
    output order. ``force_streaming`` reads indexed files by streaming too (benchmarks, tests).
    """
    if not vcfs:
        raise InputError(None, "no VCF given for the family", "list a VCF in the samples sheet")
    if not samples:
        raise InputError(None, "no samples given for the family", "list the family's samples")
    dup = sorted({s for s in samples if samples.count(s) > 1})
    if dup:
        raise InputError(None, f"family sample(s) {', '.join(dup)} listed twice",
                         "list every sample of the family once")
    panel = load_panel(panel_path)
    padded = [r for _, r in panel.regions(build, padded=True)]
    regions = IntervalSet((r.chrom, r.start, r.end) for r in padded)
    windows = merged_windows(padded)

    opened = [_open_input(str(v), build, force_streaming) for v in vcfs]
    cols = _sample_columns([str(v) for v in vcfs], [h for h, _, _ in opened], samples)
    inputs: list[_Input] = []
    for v, (h, index, verified), c in zip(vcfs, opened, cols, strict=True):
        if not c:
            log.warning("%s holds none of the family's samples; it is not read", v)
            continue
        names = list(h.contigs)
        file_style = style_of(names)
        if file_style == "unknown":
            first = _first_contig(str(v))
            file_style = style_of([first] if first else [])
        inputs.append(_Input(str(v), h, c, index, verified, file_style))

    stats = FilterStats(build=build)
    stats.build_verified = all(i.verified for i in inputs)
    stats.mode = "indexed" if all(i.index is not None for i in inputs) else "streaming"
    styles = {i.style for i in inputs if i.style != "unknown"}
    stats.contig_style = styles.pop() if len(styles) == 1 else (
        "unknown" if not styles else "mixed")
    if not stats.build_verified:
        unverified = [Path(i.path).name for i in inputs if not i.verified]
        stats.build_note = (f"genome build {build} could not be verified: no ##contig lengths "
                            f"in {', '.join(unverified)}")
        log.warning("%s", stats.build_note)

    merged: dict[tuple[str, int, str, str], SplitRecord] = {}
    for inp in inputs:
        log.info("reading %s (%s)", inp.path, "indexed" if inp.index else "streaming")
        for rec in _read_input(inp, windows, regions, stats):
            _merge(merged, rec, log)

    ordered = sorted(merged.values(), key=lambda r: (_contig_rank(normalize_chrom(r.chrom)),
                                                     r.pos, r.ref, r.alt))
    style: ContigStyle = "chr" if stats.contig_style == "chr" else (
        "no_chr" if stats.contig_style == "no_chr" else "unknown")
    known = [c for i in inputs for c in i.header.contigs] + [r.chrom for r in ordered]
    contigs = list(dict.fromkeys(contig_name(c, style, known) for c in
                                 regions.chroms))
    text = _header_text(inputs, list(samples), contigs, ordered, build, stats.build_verified,
                        panel_path)
    text += "".join(_record_line(r, list(samples)) + "\n" for r in ordered)
    write_bgzip_indexed(out_vcf, text)
    stats.records_written = len(ordered)
    log.info("filter_panel: %d records read, %d written (%d multiallelic split; skipped: %d "
             "symbolic alleles, %d reference blocks, %d '*' alleles); mode %s; contigs %s; "
             "build %s %s", stats.records_read, stats.records_written, stats.split_multiallelic,
             stats.skipped_symbolic, stats.skipped_ref_blocks, stats.skipped_star, stats.mode,
             stats.contig_style, build, "verified" if stats.build_verified else "NOT verified")
    return stats


def write_filter_stats(stats: FilterStats, path: str) -> None:
    """``filter_stats.json`` beside the panel VCF: the filter funnel, for the report's methods."""
    write_text(path, json.dumps(stats.to_dict(), indent=2, sort_keys=True) + "\n")
