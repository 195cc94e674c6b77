"""VCF text helpers: opening (plain or gzip/BGZF), header parsing, record parsing, and reading the
panel VCF that ``filter_panel`` writes into :class:`dualdx.core.model.VariantRecord` objects.

Parsing is done on the VCF text with plain string operations (no htslib record objects), so the
indexed and the streaming paths of ``filter_panel`` share one parser and give identical output.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from dualdx.core.errors import InputError
from dualdx.core.model import Call, VariantRecord

FIXED_COLUMNS = ("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO")
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
_STRUCTURED = re.compile(r"^##([A-Za-z0-9_.\-]+)=<(.*)>\s*$")
_PLAIN_META = re.compile(r"^##([A-Za-z0-9_.\-]+)=(.*)$")
_BASES = re.compile(r"^[ACGTNacgtn]+$")

#: FORMAT keys that ``filter_panel`` always defines in its output when it writes them.
STANDARD_FORMAT_LINES = {
    "GT": '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    "AD": '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt '
    'alleles in the order listed">',
    "DP": '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    "GQ": '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    "PS": '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
}
#: Genotype relative to a split record (see ``dualdx.inputs.filtering`` for the convention).
SGT_KEY = "SGT"


@dataclass(frozen=True)
class FieldDef:
    """One ``##INFO`` or ``##FORMAT`` definition."""

    id: str
    number: str
    type: str
    line: str


@dataclass
class VcfHeader:
    """The parts of a VCF header that dualdx uses; ``meta`` keeps every ``##`` line verbatim."""

    path: str
    meta: list[str] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    info: dict[str, FieldDef] = field(default_factory=dict)
    formats: dict[str, FieldDef] = field(default_factory=dict)
    filters: dict[str, str] = field(default_factory=dict)
    contigs: dict[str, int | None] = field(default_factory=dict)  # in header order
    n_lines: int = 0  # header lines including #CHROM


def split_structured(body: str) -> dict[str, str]:
    """Split the inside of ``<ID=x,Number=1,Description="a, b">`` honouring quotes."""
    out: dict[str, str] = {}
    key: list[str] = []
    val: list[str] = []
    in_key, in_quote, escaped = True, False, False
    for ch in body:
        if in_key:
            if ch == "=":
                in_key = False
            elif ch == ",":
                raise ValueError(f"field {''.join(key)!r} has no '='")
            else:
                key.append(ch)
            continue
        if escaped:
            val.append(ch)
            escaped = False
        elif ch == "\\" and in_quote:
            escaped = True
        elif ch == '"':
            in_quote = not in_quote
        elif ch == "," and not in_quote:
            out["".join(key).strip()] = "".join(val)
            key, val, in_key = [], [], True
        else:
            val.append(ch)
    if in_quote:
        raise ValueError("unbalanced double quote")
    if key or val:
        if in_key:
            raise ValueError(f"field {''.join(key)!r} has no '='")
        out["".join(key).strip()] = "".join(val)
    return out


def parse_header(path: str | Path, lines: list[str]) -> VcfHeader:
    """Parse header lines (``##...`` then ``#CHROM...``; no trailing newlines)."""
    p = str(path)
    hdr = VcfHeader(path=p, n_lines=len(lines))
    if not lines or not lines[0].startswith("##fileformat=VCF"):
        raise InputError(
            p, "the file does not start with a '##fileformat=VCF...' header line",
            "give a VCF with its full header (bcftools view -h shows it)", where="line 1",
        )
    for lineno, line in enumerate(lines[:-1], 1):
        if not line.startswith("##"):
            raise InputError(p, f"header line does not start with '##': {line[:60]!r}",
                             "repair the header (bcftools reheader)", where=f"line {lineno}")
        m = _STRUCTURED.match(line)
        if m:
            try:
                fields = split_structured(m.group(2))
            except ValueError as e:
                raise InputError(p, f"broken header line ({e}): {line[:80]!r}",
                                 "repair the header (bcftools reheader)",
                                 where=f"line {lineno}") from None
            _add_structured(hdr, p, lineno, m.group(1), fields, line)
        elif line.startswith("##") and "=<" in line:
            raise InputError(p, f"broken header line (no closing '>'): {line[:80]!r}",
                             "repair the header (bcftools reheader)", where=f"line {lineno}")
        elif not _PLAIN_META.match(line):
            raise InputError(p, f"broken header line (no 'key=value'): {line[:80]!r}",
                             "repair the header (bcftools reheader)", where=f"line {lineno}")
        hdr.meta.append(line)
    cols = lines[-1].rstrip("\r").split("\t")
    if tuple(cols[:8]) != FIXED_COLUMNS:
        raise InputError(p, f"the column header line is {lines[-1][:80]!r}",
                         "the last header line must be '#CHROM POS ID REF ALT QUAL FILTER INFO' "
                         "(tab-separated), then FORMAT and sample names",
                         where=f"line {len(lines)}")
    if len(cols) > 8:
        if cols[8] != "FORMAT":
            raise InputError(p, f"column 9 is {cols[8]!r}, not FORMAT",
                             "repair the #CHROM line", where=f"line {len(lines)}")
        hdr.samples = cols[9:]
        dup = {s for s in hdr.samples if hdr.samples.count(s) > 1}
        if dup:
            raise InputError(p, f"sample name(s) {', '.join(sorted(dup))} appear twice",
                             "give every sample a unique name", where=f"line {len(lines)}")
    return hdr


def _add_structured(hdr: VcfHeader, p: str, lineno: int, key: str, fields: dict[str, str],
                    line: str) -> None:
    ident = fields.get("ID")
    if key in ("INFO", "FORMAT", "FILTER", "contig") and not ident:
        raise InputError(p, f"##{key} line without ID: {line[:80]!r}",
                         "repair the header (bcftools reheader)", where=f"line {lineno}")
    assert ident is not None or key not in ("INFO", "FORMAT", "FILTER", "contig")
    if key in ("INFO", "FORMAT"):
        assert ident is not None
        fd = FieldDef(ident, fields.get("Number", "."), fields.get("Type", "String"), line)
        target = hdr.info if key == "INFO" else hdr.formats
        target.setdefault(ident, fd)
    elif key == "FILTER":
        assert ident is not None
        hdr.filters.setdefault(ident, line)
    elif key == "contig":
        assert ident is not None
        length = fields.get("length")
        try:
            hdr.contigs[ident] = int(length) if length else None
        except ValueError:
            raise InputError(p, f"contig {ident} has length {length!r}",
                             "write the contig length as a whole number",
                             where=f"line {lineno}") from None


# --------------------------------------------------------------------------------------------
# Opening files


def compression(path: str | Path) -> str:
    """'bgzf', 'gzip' or 'plain' from the file's first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(18)
    if head[:2] != b"\x1f\x8b":
        return "plain"
    if len(head) >= 16 and head[3] & 4 and head[12:14] == b"BC":
        return "bgzf"
    return "gzip"


def check_bgzf_eof(path: str | Path) -> None:
    """Raise InputError if a BGZF file lacks its end-of-file block (it was cut short)."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        fh.seek(max(0, size - len(BGZF_EOF)))
        tail = fh.read()
    if tail != BGZF_EOF:
        raise InputError(path, "the bgzip file is truncated (no BGZF end-of-file block)",
                         "copy or download the file again; if it was written by a tool that was "
                         "stopped, re-run that tool", where="end of file")


def open_binary(path: str | Path) -> IO[bytes]:
    """Open plain or gzip/BGZF text as a buffered binary stream (decompressed on the fly)."""
    kind = compression(path)
    if kind == "plain":
        return open(path, "rb", buffering=1 << 20)
    if kind == "bgzf":
        check_bgzf_eof(path)
    return cast(IO[bytes], gzip.GzipFile(path, "rb"))


def read_header_from(path: str | Path, fh: IO[bytes]) -> tuple[VcfHeader, bytes]:
    """Read header lines from ``fh``; return the header and the bytes already read past it."""
    lines: list[str] = []
    while True:
        try:
            raw = fh.readline()
        except (EOFError, OSError, zlib.error) as e:
            raise InputError(path, f"cannot decompress the file ({e})",
                             "copy the file again or re-compress it with bgzip",
                             where=f"line {len(lines) + 1}") from None
        if not raw:
            raise InputError(path, "the file ends inside the header (no '#CHROM' line)",
                             "give a complete VCF with its '#CHROM POS ...' column line",
                             where=f"line {len(lines) + 1}")
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise InputError(path, "header line is not UTF-8 text",
                             "give a VCF text file (plain or bgzip-compressed)",
                             where=f"line {len(lines) + 1}") from None
        if not line.startswith("#"):
            where = f"line {len(lines) + 1}"
            if not lines:
                raise InputError(path, "the file has no VCF header",
                                 "give a VCF with its header (##fileformat, #CHROM line)",
                                 where=where)
            raise InputError(path, "a data line comes before the '#CHROM' column line",
                             "give a VCF with its complete header", where=where)
        lines.append(line)
        if line.startswith("#CHROM"):
            return parse_header(path, lines), b""


def read_header(path: str | Path) -> VcfHeader:
    with open_binary(path) as fh:
        return read_header_from(path, fh)[0]


# --------------------------------------------------------------------------------------------
# Records


@dataclass
class RawRecord:
    """One VCF data line split into its columns (strings, as written)."""

    chrom: str
    pos: int
    id: str
    ref: str
    alts: list[str]
    qual: str
    filter: str
    info: str
    format: list[str]
    samples: list[str]  # one raw column per sample

    @property
    def end(self) -> int:
        return self.pos + len(self.ref) - 1


def parse_line(path: str, line: str, n_samples: int, where: str) -> RawRecord:
    """Split a data line; raise InputError naming ``where`` on a malformed line."""
    cols = line.rstrip("\r\n").split("\t")
    want = 8 + (1 + n_samples if n_samples else 0)
    if len(cols) != want and not (n_samples == 0 and len(cols) == 9):
        raise InputError(path, f"record has {len(cols)} columns, the header announces {want}",
                         "separate the columns with single tabs and give one column per sample",
                         where=where)
    try:
        pos = int(cols[1])
    except ValueError:
        raise InputError(path, f"POS is {cols[1]!r}, not a whole number",
                         "write a 1-based position", where=where) from None
    ref = cols[3]
    if not _BASES.match(ref):
        raise InputError(path, f"REF {ref!r} has characters other than A, C, G, T, N",
                         "write REF as bases (A, C, G, T, N)", where=where)
    alts = cols[4].split(",")
    for a in alts:
        if a in (".", "*") or a.startswith("<") or "[" in a or "]" in a:
            continue
        if not _BASES.match(a):
            raise InputError(path, f"ALT allele {a!r} has characters other than A, C, G, T, N",
                             "write ALT as bases, '*', or a symbolic allele like <DEL>",
                             where=where)
    fmt = cols[8].split(":") if len(cols) > 8 else []
    return RawRecord(cols[0], pos, cols[2], ref.upper(), [a.upper() if not a.startswith("<")
                                                          else a for a in alts],
                     cols[5], cols[6], cols[7], fmt, cols[9:])


def parse_info(info: str) -> list[tuple[str, str | None]]:
    """INFO column as ordered (key, value) pairs; flags have value None."""
    if info in (".", ""):
        return []
    out: list[tuple[str, str | None]] = []
    for item in info.split(";"):
        if not item:
            continue
        k, eq, v = item.partition("=")
        out.append((k, v if eq else None))
    return out


def format_info(items: list[tuple[str, str | None]]) -> str:
    if not items:
        return "."
    return ";".join(k if v is None else f"{k}={v}" for k, v in items)


def parse_gt(gt: str) -> tuple[tuple[int | None, ...], bool]:
    """'0/1' → ((0, 1), False); '1|0' → ((1, 0), True); '.' → ((None,), False).

    ``*`` (another ALT of the original multiallelic site, dualdx's SGT field) is returned as -1.
    """
    if gt in (".", ""):
        return (None,), False
    phased = "|" in gt
    parts = re.split(r"[/|]", gt)
    alleles: list[int | None] = []
    for a in parts:
        if a == ".":
            alleles.append(None)
        elif a == "*":
            alleles.append(-1)
        else:
            alleles.append(int(a))
    return tuple(alleles), phased


# --------------------------------------------------------------------------------------------
# Reading the panel VCF


def _int_or_none(v: str | None) -> int | None:
    if v is None or v in (".", ""):
        return None
    return int(v)


def _float_or_none(v: str | None) -> float | None:
    if v is None or v in (".", ""):
        return None
    return float(v)


def _call_from(path: str, where: str, keys: list[str], raw: str) -> Call:
    values = raw.split(":")
    d = dict(zip(keys, values, strict=False))
    try:
        gt_text = d.get(SGT_KEY) if d.get(SGT_KEY) not in (None, ".") else d.get("GT", ".")
        alleles, phased = parse_gt(gt_text or ".")
        for a in alleles:
            if a is not None and a > 1:
                raise ValueError(f"allele {a} in a biallelic record")
        ad_text = d.get("AD")
        ad: tuple[int, ...] | None = None
        if ad_text not in (None, ".", "") and ad_text is not None:
            parts = ad_text.split(",")
            ad = None if "." in parts else tuple(int(x) for x in parts)
        return Call(alleles=alleles, phased=phased, ps=_int_or_none(d.get("PS")), ad=ad,
                    dp=_int_or_none(d.get("DP")), gq=_float_or_none(d.get("GQ")))
    except ValueError as e:
        raise InputError(path, f"unreadable genotype field {raw!r} ({e})",
                         "re-run filter_panel to regenerate the panel VCF", where=where) from None


def iter_data_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of each data line of a plain or gzip VCF."""
    with open_binary(path) as fh:
        hdr, _ = read_header_from(path, fh)
        lineno = hdr.n_lines
        try:
            for raw in fh:
                lineno += 1
                if raw.strip():
                    yield lineno, raw.decode("utf-8").rstrip("\r\n")
        except (EOFError, OSError, zlib.error) as e:
            raise InputError(path, f"cannot decompress the file ({e})",
                             "copy the file again or re-compress it with bgzip",
                             where=f"after line {lineno}") from None


def read_panel_vcf(path: str | Path) -> tuple[list[str], list[VariantRecord]]:
    """Read a (biallelic) panel VCF written by ``filter_panel``: sample IDs and records.

    Calls carry GT alleles (0 ref, 1 alt, None missing, -1 another ALT of the original
    multiallelic site when the SGT field says so), phasing, PS, AD, DP and GQ.
    """
    p = str(path)
    hdr = read_header(p)
    records: list[VariantRecord] = []
    for lineno, line in iter_data_lines(p):
        where = f"line {lineno}"
        rec = parse_line(p, line, len(hdr.samples), where)
        if len(rec.alts) != 1 or rec.alts[0] in (".", "*") or rec.alts[0].startswith("<"):
            raise InputError(p, f"record {rec.chrom}:{rec.pos} has ALT {','.join(rec.alts)!r}; "
                             "a panel VCF holds one plain ALT allele per record",
                             "produce the panel VCF with dualdx filter_panel", where=where)
        calls = {s: _call_from(p, f"{where}, sample {s}", rec.format, raw)
                 for s, raw in zip(hdr.samples, rec.samples, strict=True)}
        qual = None if rec.qual == "." else float(rec.qual)
        records.append(VariantRecord(
            chrom=rec.chrom, pos=rec.pos, ref=rec.ref, alt=rec.alts[0], calls=calls,
            id=None if rec.id == "." else rec.id, qual=qual,
            filter=None if rec.filter == "." else rec.filter,
        ))
    return list(hdr.samples), records
