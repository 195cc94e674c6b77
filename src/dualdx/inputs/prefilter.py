"""Finding the candidate records of the panel windows, before any record is parsed.

An indexed bgzipped VCF is read by region queries (htslib, ``pysam.TabixFile``), and only the
lines the index returns for the windows are handed on. Any other VCF (plain text, or bgzip/gzip
without an index) is read in one streaming pass in large decompressed chunks: a compiled regular
expression finds the lines whose CHROM and POS text fall in a panel window, so an off-panel line
costs a regular-expression step and is never parsed. htslib then parses the few candidates
(:func:`dualdx.inputs.vcf.parse_lines`), so both paths give identical output.

Why the streaming prefilter is not left to htslib: ``benchmarks/filter_panel.py`` measures, in
one run on a 5,000,000-record trio VCF, the whole streaming filter at 0.18-0.26 of the time
``pysam.VariantFile`` takes only to parse every record (14.1 s vs 54.7 s, and 11.7 s vs 67.1 s,
on 2 cores under a load average of 10-12) and at 0.53-0.54 of ``bcftools view -T`` (figures in
``benchmarks/README.md``). htslib still parses every record that is kept.

A window is ``[start - MAX_REF_SPAN, end]`` of a padded panel region (a deletion longer than
``MAX_REF_SPAN`` that starts before the window is not seen, in either mode).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import IO, Literal

from dualdx.core.errors import InputError
from dualdx.core.intervals import IntervalSet
from dualdx.core.model import normalize_chrom
from dualdx.inputs.panel import Region
from dualdx.inputs.vcf import decompress_error, open_binary, quiet_htslib, read_header_lines

#: Longest REF a record starting before a panel window may have and still be found.
MAX_REF_SPAN = 10_000
CHUNK_BYTES = 8 << 20

ContigStyle = Literal["chr", "no_chr", "unknown"]


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


def iter_streaming(path: str, fh: IO[bytes], first_line: int, pattern: re.Pattern[bytes],
                    counter: list[int]) -> Iterator[tuple[str, str]]:
    """(where, line) of candidate lines; ``counter[0]`` accumulates data lines read."""
    lines_before = first_line - 1
    rest = b""
    while True:
        try:
            chunk = fh.read(CHUNK_BYTES)
        except (EOFError, OSError, zlib.error) as e:
            raise decompress_error(path, e, f"after line {lines_before}") from None
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


def first_contig(path: str) -> str | None:
    """CHROM of the first data line (to learn the contig style of a header without contigs)."""
    with open_binary(path) as fh:
        read_header_lines(path, fh)
        try:
            line = fh.readline()
        except (EOFError, OSError, zlib.error) as e:
            raise decompress_error(path, e, "first record") from None
    return line.split(b"\t", 1)[0].decode("utf-8", "replace") if line.strip() else None


def iter_indexed(path: str, index: str, windows: IntervalSet,
                  style: ContigStyle, counter: list[int]) -> Iterator[tuple[str, str]]:
    import pysam

    try:
        with quiet_htslib():
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
