"""VCF reading through htslib (``pysam.VariantFile``): headers, records and genotypes, and the
panel VCF that ``filter_panel`` writes, read into :class:`dualdx.core.model.VariantRecord`.

htslib parses. What stays here is what htslib does not do for us:

* **Line numbers and plain-words errors.** htslib tolerates much and reports the rest on stderr
  with no line number ("unable to parse next record"). The header's text is checked first
  (:func:`check_header_lines`) so that a broken line is named by its number, and each record
  that htslib cannot parse is diagnosed from its text (:func:`diagnose_line`): the message names
  the file, the line (or ``record chrom:pos`` when it came through an index), what is wrong and
  how to fix it. htslib's own log is silenced while dualdx reads (:func:`quiet_htslib`).
* **What htslib accepts silently but must not pass**: REF/ALT with other characters than bases,
  a GT naming an allele the record does not have (htslib turns ``0/2`` of a one-ALT record into
  ``0/.``), a non-numeric DP/GQ/PS/AD under a header that declares it a String
  (:func:`check_record`).
* The header check follows htslib: any ``##key=value`` line is accepted (``##bcftools/csqVersion``
  included); a structured ``##KEY=<...>`` line must close its quotes and its ``>``, and a line
  without ``=`` is refused (htslib reports both as broken).

Records are parsed in batches (:func:`parse_lines`): the candidate lines that the panel filter
found (by tabix region queries or by its streaming prefilter) are written after the file's own
header into a temporary VCF that htslib reads. The filter and a later structural-variant reader
share this: they differ only in which records they keep.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import struct
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import pysam

from dualdx.core.errors import InputError
from dualdx.core.model import Call, VariantRecord

FIXED_COLUMNS = ("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO")
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
_STRUCTURED_START = re.compile(r"^##([^=<>]+)=<")
_BASES = re.compile(r"^[ACGTNacgtn]+$")
_INT = re.compile(r"^-?[0-9]+$")
_NUM = re.compile(r"^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")

#: FORMAT keys that ``filter_panel`` always defines in its output when it writes them.
STANDARD_FORMAT_LINES = {
    "GT": '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    "AD": '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt '
    'alleles in the order listed">',
    "DP": '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    "GQ": '##FORMAT=<ID=GQ,Number=1,Type=Float,Description="Genotype quality">',
    "PS": '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
}
#: Genotype relative to a split record (see ``dualdx.inputs.splitting`` for the convention).
SGT_KEY = "SGT"
#: FORMAT keys whose values dualdx reads as numbers.
NUMERIC_FORMAT = ("AD", "DP", "GQ", "PS")


@contextlib.contextmanager
def quiet_htslib() -> Iterator[None]:
    """Silence htslib's stderr log while dualdx reads (dualdx reports problems itself)."""
    before = pysam.set_verbosity(0)
    try:
        yield
    finally:
        pysam.set_verbosity(before)


@dataclass(frozen=True)
class FieldDef:
    """One ``##INFO`` or ``##FORMAT`` definition as htslib read it."""

    id: str
    number: str  # "A", "R", "G", ".", or a count
    type: str


@dataclass
class VcfHeader:
    """A VCF header: its text as written (validated) and what htslib parsed from it."""

    path: str
    text: str  # every header line, '\n'-terminated, #CHROM line included
    n_lines: int
    samples: list[str] = field(default_factory=list)
    info: dict[str, FieldDef] = field(default_factory=dict)
    formats: dict[str, FieldDef] = field(default_factory=dict)
    filters: list[str] = field(default_factory=list)
    contigs: dict[str, int | None] = field(default_factory=dict)  # in header order
    meta_lines: list[str] = field(default_factory=list)  # htslib's own ##-lines, re-serialized


# --------------------------------------------------------------------------------------------
# Header text: checked line by line, so that a problem is named by its line number


def _quote_problem(body: str) -> str | None:
    """'unbalanced double quote' when a structured line's quotes do not close, else None."""
    in_quote = escaped = False
    for ch in body:
        if escaped:
            escaped = False
        elif ch == "\\" and in_quote:
            escaped = True
        elif ch == '"':
            in_quote = not in_quote
    return "unbalanced double quote" if in_quote else None


def check_header_lines(path: str | Path, lines: list[str]) -> Any:
    """Check header lines (``##...`` then ``#CHROM...``, no newlines) one by one with htslib.

    Returns the htslib header (a ``pysam.VariantHeader``, samples added). Each ``##`` line is
    handed to htslib on its own, so a line htslib cannot parse is named by its number. Refused
    as well: what htslib only warns about or drops silently (an unclosed quote or ``>``, an
    INFO/FORMAT/FILTER/contig line without ID, a contig length that is not a number).
    """
    p = str(path)
    if not lines or not lines[0].startswith("##fileformat=VCF"):
        raise InputError(
            p, "the file does not start with a '##fileformat=VCF...' header line",
            "give a VCF with its full header (bcftools view -h shows it)", where="line 1",
        )
    hdr = pysam.VariantHeader()
    fix = "repair the header (bcftools reheader)"
    for lineno, line in enumerate(lines[:-1], 1):
        where = f"line {lineno}"
        if not line.startswith("##"):
            raise InputError(p, f"header line does not start with '##': {line[:60]!r}", fix,
                             where=where)
        if lineno == 1:
            continue  # ##fileformat: the htslib header has its own
        m = _STRUCTURED_START.match(line)
        if m:
            body = line.rstrip()
            if not body.endswith(">"):
                raise InputError(p, f"broken header line (no closing '>'): {line[:80]!r}", fix,
                                 where=where)
            problem = _quote_problem(body)
            if problem:
                raise InputError(p, f"broken header line ({problem}): {line[:80]!r}", fix,
                                 where=where)
            key = m.group(1)
            ident = re.search(r"[<,]ID=([^,>]*)", body)
            if key in ("INFO", "FORMAT", "FILTER", "contig") and not (ident and ident.group(1)):
                raise InputError(p, f"##{key} line without ID: {line[:80]!r}", fix, where=where)
            length = re.search(r"[<,]length=([^,>]*)", body)
            if key == "contig" and length and not length.group(1).isdigit():
                assert ident is not None
                raise InputError(p, f"contig {ident.group(1)} has length {length.group(1)!r}",
                                 "write the contig length as a whole number", where=where)
        try:
            with quiet_htslib():
                hdr.add_line(line)
        except ValueError:
            problem = "no 'key=value'" if "=" not in line else "htslib cannot parse it"
            raise InputError(p, f"broken header line ({problem}): {line[:80]!r}", fix,
                             where=where) from None
    cols = lines[-1].rstrip("\r").split("\t")
    last = f"line {len(lines)}"
    if tuple(cols[:8]) != FIXED_COLUMNS:
        raise InputError(p, f"the column header line is {lines[-1][:80]!r}",
                         "the last header line must be '#CHROM POS ID REF ALT QUAL FILTER INFO' "
                         "(tab-separated), then FORMAT and sample names", where=last)
    if len(cols) > 8:
        if cols[8] != "FORMAT":
            raise InputError(p, f"column 9 is {cols[8]!r}, not FORMAT",
                             "repair the #CHROM line", where=last)
        samples = cols[9:]
        dup = {s for s in samples if samples.count(s) > 1}
        if dup:
            raise InputError(p, f"sample name(s) {', '.join(sorted(dup))} appear twice",
                             "give every sample a unique name", where=last)
        for s in samples:
            hdr.add_sample(s)
    return hdr


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
    """Open plain or gzip/BGZF text as a buffered binary stream (decompressed on the fly).

    Used for the header's text and by the panel filter's streaming prefilter; records are parsed
    by htslib.
    """
    kind = compression(path)
    if kind == "plain":
        return open(path, "rb", buffering=1 << 20)
    if kind == "bgzf":
        check_bgzf_eof(path)
    return cast(IO[bytes], gzip.GzipFile(path, "rb"))


def decompress_error(path: str | Path, e: Exception, where: str) -> InputError:
    return InputError(path, f"cannot decompress the file ({e}); it is truncated or corrupt",
                      "copy the file again, or re-compress it with bgzip", where=where)


def read_header_lines(path: str | Path, fh: IO[bytes]) -> list[str]:
    """Read the header lines (no newlines) from ``fh``, leaving it at the first record."""
    lines: list[str] = []
    while True:
        try:
            raw = fh.readline()
        except (EOFError, OSError, zlib.error) as e:
            raise decompress_error(path, e, f"line {len(lines) + 1}") from None
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
            return lines


def header_from_pysam(path: str, text: str, hdr: Any) -> VcfHeader:
    """The :class:`VcfHeader` of ``text`` as htslib parsed it (``hdr``: a pysam VariantHeader)."""
    out = VcfHeader(path=path, text=text, n_lines=text.count("\n"),
                    samples=list(hdr.samples))
    for key, meta in hdr.info.items():
        out.info[key] = FieldDef(key, str(meta.number), str(meta.type))
    for key, meta in hdr.formats.items():
        out.formats[key] = FieldDef(key, str(meta.number), str(meta.type))
    out.filters = list(hdr.filters.keys())
    for name, contig in hdr.contigs.items():
        out.contigs[name] = contig.length
    out.meta_lines = [str(r).rstrip("\n") for r in hdr.records]
    return out


def read_header(path: str | Path) -> VcfHeader:
    """Check the header line by line with htslib (line numbers in errors) and return it."""
    p = str(path)
    if not os.path.isfile(p):
        raise InputError(p, "VCF not found", "check the 'vcf' column of the samples sheet")
    with open_binary(p) as fh:
        lines = read_header_lines(p, fh)
    hdr = check_header_lines(p, lines)
    return header_from_pysam(p, "".join(line + "\n" for line in lines), hdr)


# --------------------------------------------------------------------------------------------
# Records


def parse_lines(header: VcfHeader, lines: Iterable[tuple[str, str]]
                ) -> Iterator[tuple[str, str, Any]]:
    """Parse data lines with htslib: ``(where, text)`` in, ``(where, text, VariantRecord)`` out.

    The lines (candidates of the panel windows: few) are written after the header into a
    temporary VCF that ``pysam.VariantFile`` reads. A line htslib cannot parse is diagnosed from
    its text (:func:`diagnose_line`), so the error names it.
    """
    batch = list(lines)
    if not batch:
        return
    with tempfile.TemporaryDirectory(prefix="dualdx-records-") as tmp:
        part = Path(tmp) / "records.vcf"
        with part.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(header.text)
            for _, text in batch:
                fh.write(text.rstrip("\r\n") + "\n")
        with quiet_htslib(), pysam.VariantFile(str(part)) as vf:
            it = iter(vf)
            for where, text in batch:
                try:
                    rec = next(it)
                except (OSError, ValueError, StopIteration) as e:
                    raise diagnose_line(header, where, text, e) from None
                yield where, text, rec


def diagnose_line(header: VcfHeader, where: str, text: str, err: BaseException) -> InputError:
    """Why htslib refused a data line, in plain words (the first problem found in its text)."""
    path = header.path
    n_samples = len(header.samples)
    cols = text.rstrip("\r\n").split("\t")
    want = 8 + (1 + n_samples if n_samples else 0)
    if len(cols) != want and not (n_samples == 0 and len(cols) == 9):
        return InputError(path, f"record has {len(cols)} columns, the header announces {want}",
                          "separate the columns with single tabs and give one column per sample",
                          where=where)
    if not cols[1].isdigit():
        return InputError(path, f"POS is {cols[1]!r}, not a whole number",
                          "write a 1-based position", where=where)
    fmt = cols[8].split(":") if len(cols) > 8 else []
    for sample, raw in zip(header.samples, cols[9:], strict=False):
        vals = raw.split(":")
        if len(vals) > len(fmt):
            return InputError(path, f"sample {sample} has {len(vals)} values ({raw[:40]!r}) but "
                              f"FORMAT {':'.join(fmt) or '(empty)'} names {len(fmt)} key(s)",
                              "give at most one value per FORMAT key", where=where)
        problem = _numeric_problem(fmt, vals)
        if problem is not None:
            key, value = problem
            return _not_a_number(path, f"{where}, sample {sample}", key, value)
    why = str(err) or type(err).__name__
    return InputError(path, f"htslib cannot parse this record ({why}): {text[:80]!r}",
                      "check the record against the VCF specification (bcftools view on the file "
                      "prints htslib's reason)", where=where)


def _numeric_problem(fmt: list[str], vals: list[str]) -> tuple[str, str] | None:
    for key, value in zip(fmt, vals, strict=False):
        if key in ("DP", "PS", "GQ") and value not in (".", ""):
            if not (_INT.match(value) if key != "GQ" else _NUM.match(value)):
                return key, value
        elif key == "AD" and value not in (".", "") and not all(
                v == "." or _INT.match(v) for v in value.split(",")):
            return key, value
    return None


def _not_a_number(path: str, where: str, key: str, value: str) -> InputError:
    if key == "AD":
        return InputError(path, f"FORMAT AD is {value[:40]!r}, not comma-separated whole "
                          "numbers", "write AD as depths per allele (REF first), or '.' when it "
                          "is missing", where=where)
    return InputError(path, f"FORMAT {key} is {value[:40]!r}, not a number",
                      f"write {key} as a number, or '.' when it is missing", where=where)


#: gVCF placeholder alleles ("any other allele"): a record with only these is a reference block.
GVCF_ALTS = frozenset({"<NON_REF>", "<*>", "<X>"})


def is_symbolic(alt: str) -> bool:
    """``<DEL>``, ``<NON_REF>``, ``<*>`` and breakends."""
    return alt.startswith("<") or "[" in alt or "]" in alt


def check_record(path: str, where: str, text: str, rec: Any,
                 columns: list[tuple[str, int]]) -> None:
    """Refuse what htslib parsed without complaint but dualdx must not pass on.

    ``text`` is the record's line as written; ``columns`` the (sample, index among the header's
    samples) whose genotypes are read.
    """
    if not _BASES.match(rec.ref or ""):
        raise InputError(path, f"REF {rec.ref!r} has characters other than A, C, G, T, N",
                         "write REF as bases (A, C, G, T, N)", where=where)
    alts = rec.alts or ()
    for a in alts:
        if a in (".", "*") or is_symbolic(a):
            continue
        if not _BASES.match(a):
            raise InputError(path, f"ALT allele {a!r} has characters other than A, C, G, T, N",
                             "write ALT as bases, '*', or a symbolic allele like <DEL>",
                             where=where)
    cols = text.rstrip("\r\n").split("\t")
    if len(cols) <= 9:
        return
    fmt = cols[8].split(":")
    gt_at = fmt.index("GT") if "GT" in fmt else -1
    n_alts = len(alts)
    for sample, k in columns:
        vals = cols[9 + k].split(":")
        if 0 <= gt_at < len(vals):
            for a in re.split(r"[/|]", vals[gt_at]):
                if a not in (".", "") and (not a.isdigit() or int(a) > n_alts):
                    raise InputError(path, f"GT {vals[gt_at]!r} names allele {a}, the record "
                                     f"has {n_alts} ALT(s)", "repair the genotype (alleles are "
                                     "0..number of ALTs)", where=f"{where}, sample {sample}")
        problem = _numeric_problem(fmt, vals)
        if problem is not None:
            raise _not_a_number(path, f"{where}, sample {sample}", *problem)


# --------------------------------------------------------------------------------------------
# Genotypes


def parse_gt(gt: str) -> tuple[tuple[int | None, ...], bool]:
    """'0/1' → ((0, 1), False); '1|0' → ((1, 0), True); '.' → ((None,), False).

    ``*`` (another ALT of the original multiallelic site, dualdx's SGT field) is returned as -1.
    """
    if gt in (".", ""):
        return (None,), False
    phased = "|" in gt
    alleles: list[int | None] = []
    for a in re.split(r"[/|]", gt):
        if a == ".":
            alleles.append(None)
        elif a == "*":
            alleles.append(-1)
        else:
            alleles.append(int(a))
    return tuple(alleles), phased


def _int_or_none(v: Any) -> int | None:
    return None if v is None else int(v)


def float32_value(x: float | None) -> float | None:
    """htslib stores QUAL and Float fields as 32-bit floats: give back the shortest decimal
    that is the same 32-bit float (63.58, not 63.58000183105469), as htslib writes it."""
    if x is None:
        return None
    packed = struct.pack("<f", x)
    for digits in range(6, 10):
        text = f"{x:.{digits}g}"
        if struct.pack("<f", float(text)) == packed:
            return float(text)
    return float(x)


def _call_from(path: str, where: str, sample: Any) -> Call:
    """A :class:`Call` from one sample of a pysam record of the panel VCF."""
    try:
        sgt = sample.get(SGT_KEY) if SGT_KEY in sample else None
        if sgt not in (None, "."):
            alleles, phased = parse_gt(str(sgt))
        else:
            gt = sample.get("GT") if "GT" in sample else None
            alleles = tuple(gt) if gt else (None,)
            phased = bool(sample.phased) and len(alleles) > 1
        for a in alleles:
            if a is not None and a > 1:
                raise ValueError(f"allele {a} in a biallelic record")
        ad_val = sample.get("AD") if "AD" in sample else None
        ad: tuple[int, ...] | None = None
        if ad_val is not None:
            parts = tuple(ad_val) if isinstance(ad_val, tuple) else (ad_val,)
            ad = None if any(x is None for x in parts) else tuple(int(x) for x in parts)
        gq = sample.get("GQ") if "GQ" in sample else None
        return Call(alleles=alleles, phased=phased,
                    ps=_int_or_none(sample.get("PS") if "PS" in sample else None), ad=ad,
                    dp=_int_or_none(sample.get("DP") if "DP" in sample else None),
                    gq=None if gq is None else float32_value(float(gq)))
    except (ValueError, TypeError) as e:
        raise InputError(path, f"unreadable genotype field ({e})",
                         "re-run filter_panel to regenerate the panel VCF", where=where) from None


def read_panel_vcf(path: str | Path) -> tuple[list[str], list[VariantRecord]]:
    """Read a (biallelic) panel VCF written by ``filter_panel``: sample IDs and records.

    Calls carry GT alleles (0 ref, 1 alt, None missing, -1 another ALT of the original
    multiallelic site when the SGT field says so), phasing, PS, AD, DP and GQ.
    """
    p = str(path)
    hdr = read_header(p)
    records: list[VariantRecord] = []
    with quiet_htslib():
        try:
            vf = pysam.VariantFile(p)
        except (OSError, ValueError) as e:
            raise InputError(p, f"htslib cannot open the panel VCF ({e})",
                             "re-run filter_panel to regenerate it") from None
        with vf:
            lineno = hdr.n_lines
            it = iter(vf)
            while True:
                lineno += 1
                where = f"line {lineno}"
                try:
                    rec = next(it)
                except StopIteration:
                    break
                except (OSError, ValueError) as e:
                    raise InputError(p, f"htslib cannot parse the record ({e})",
                                     "re-run filter_panel to regenerate the panel VCF",
                                     where=where) from None
                alts = rec.alts or ()
                if len(alts) != 1 or alts[0] in (".", "*") or is_symbolic(alts[0]):
                    raise InputError(p, f"record {rec.chrom}:{rec.pos} has ALT "
                                     f"{','.join(alts) or '.'!r}; a panel VCF holds one plain "
                                     "ALT allele per record",
                                     "produce the panel VCF with dualdx filter_panel", where=where)
                calls = {s: _call_from(p, f"{where}, sample {s}", rec.samples[s])
                         for s in hdr.samples}
                filters = [str(f) for f in rec.filter]
                records.append(VariantRecord(
                    chrom=rec.chrom, pos=rec.pos, ref=str(rec.ref).upper(), alt=alts[0].upper(),
                    calls=calls, id=rec.id, qual=float32_value(rec.qual),
                    filter=";".join(filters) if filters else None,
                ))
    return list(hdr.samples), records
