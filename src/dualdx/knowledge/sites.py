"""Sites VCFs (ClinVar, gnomAD, score tables) read by region: the matching key (minimal
representation, no ``chr``), the INFO parser, and the tabix or streaming reader.

Shared by :mod:`dualdx.knowledge.clinvar` and :mod:`dualdx.knowledge.gnomad`.

A bgzipped file with an index that belongs to it (:func:`dualdx.inputs.vcf_index.check_index`) is
read by htslib region queries (``pysam.TabixFile``; a URL over HTTPS); a plain or gzip file is
streamed. Either way the readers get each record's columns as written, and :func:`parse_info` is
dualdx's one INFO parser: these readers want the values as published (ClinVar's CLNSIG, CLNDN and
MC texts with their commas and pipes, gnomAD's frequencies as printed), which htslib's typed
access would re-type (Number=. strings split at commas, Float fields as 32-bit floats). The
family's own VCFs are parsed by htslib (:mod:`dualdx.inputs.vcf`).
"""

from __future__ import annotations

import gzip
import io
import re
import time
from dataclasses import dataclass
from pathlib import Path

from dualdx.core.errors import InputError
from dualdx.core.genome import CONTIG_LENGTHS
from dualdx.core.intervals import IntervalSet, merge_intervals
from dualdx.core.model import normalize_chrom
from dualdx.inputs.vcf import compression, quiet_htslib
from dualdx.inputs.vcf_index import check_index, find_index

RegionT = tuple[str, int, int]
VariantKey = tuple[str, int, str, str]

#: The name the ClinVar reader imports it by (the one implementation is in core.intervals).
merge_regions = merge_intervals


def minimal_representation(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Trim bases shared by REF and ALT (suffix first, then prefix), keeping at least one base.

    Both sides of a look-up go through this, so ``1:100 CT>C`` and ``1:100 CTT>CT`` match.
    Symbolic or empty alleles are returned unchanged.
    """
    ref_u, alt_u = ref.upper(), alt.upper()
    if not ref_u or not alt_u or alt_u.startswith("<") or alt_u in (".", "*"):
        return pos, ref_u, alt_u
    while len(ref_u) > 1 and len(alt_u) > 1 and ref_u[-1] == alt_u[-1]:
        ref_u, alt_u = ref_u[:-1], alt_u[:-1]
    while len(ref_u) > 1 and len(alt_u) > 1 and ref_u[0] == alt_u[0]:
        ref_u, alt_u = ref_u[1:], alt_u[1:]
        pos += 1
    return pos, ref_u, alt_u


def variant_key(chrom: str, pos: int, ref: str, alt: str) -> VariantKey:
    """The matching key: chrom without ``chr``, minimal representation, upper case."""
    p, r, a = minimal_representation(pos, ref, alt)
    return normalize_chrom(chrom), p, r, a


def parse_key_string(key: str) -> VariantKey | None:
    """``chr11-68047480-G-A`` -> normalized :func:`variant_key`; None when not of that form."""
    parts = key.rsplit("-", 3)
    if len(parts) != 4 or not parts[1].isdigit():
        return None
    return variant_key(parts[0], int(parts[1]), parts[2], parts[3])


def record_end(pos: int, ref: str, alt: str, info: dict[str, str]) -> int:
    """Last reference base a record covers: for a symbolic ALT (``<DEL>``, ``<DUP>``, ``<CN0>``)
    ``END``, else POS + |``SVLEN``|; otherwise POS + len(REF) − 1 (VCF 4.x)."""
    if alt.startswith("<"):
        end = info.get("END", "")
        if end.lstrip("-").isdigit() and int(end) >= pos:
            return int(end)
        svlen = info.get("SVLEN", "").split(",")[0]
        if svlen.lstrip("-").isdigit():
            return pos + abs(int(svlen))
    return pos + max(1, len(ref)) - 1


def parse_info(info: str) -> dict[str, str]:
    """INFO column to a dict (flags map to ``""``); values are kept as written (not split)."""
    out: dict[str, str] = {}
    if info in ("", "."):
        return out
    for item in info.split(";"):
        if not item:
            continue
        k, sep, v = item.partition("=")
        out[k] = v if sep else ""
    return out


def build_from_header(meta_lines: list[str]) -> str | None:
    """GRCh37/GRCh38 from ``##reference`` / ``##assembly`` or, failing that, contig lengths."""
    for line in meta_lines:
        low = line.lower()
        if low.startswith(("##reference=", "##assembly=")):
            value = line.split("=", 1)[1]
            for build, names in (("GRCh38", ("grch38", "hg38")), ("GRCh37", ("grch37", "hg19",
                                                                               "b37"))):
                if any(n in value.lower() for n in names):
                    return build
    votes: set[str] = set()
    for line in meta_lines:
        if not line.startswith("##contig=<"):
            continue
        m_id = re.search(r"[<,]ID=([^,>]+)", line)
        m_len = re.search(r"[<,]length=(\d+)", line)
        if not (m_id and m_len):
            continue
        chrom, length = normalize_chrom(m_id.group(1)), int(m_len.group(1))
        for build, table in CONTIG_LENGTHS.items():
            if table.get(chrom) == length:
                votes.add(build)
    return votes.pop() if len(votes) == 1 else None


@dataclass
class SiteVcf:
    """Header and (region-restricted) records of a sites VCF, read as text lines."""

    path: str
    meta: list[str]
    records: list[tuple[str, list[str]]]  # (where, fields)

    def meta_value(self, key: str) -> str | None:
        prefix = f"##{key}="
        for line in self.meta:
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        return None


def _split_record(path: str, where: str, line: str) -> list[str]:
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) < 8:
        raise InputError(path, f"record has {len(fields)} tab-separated columns, a VCF needs 8",
                         "give a VCF file (CHROM POS ID REF ALT QUAL FILTER INFO, tab-separated)",
                         where=where)
    if not fields[1].isdigit():
        raise InputError(path, f"POS is {fields[1]!r}, not a whole number",
                         "give a valid VCF file", where=where)
    return fields


def read_tabix(path: str, index: str | None, regions: list[RegionT] | None, *,
               retries: int = 0, backoff: float = 1.0) -> SiteVcf:
    """Read header + records in ``regions`` through a tabix index (local path or URL).

    htslib reads the file (a URL over HTTPS, only the BGZF blocks of the regions) and resumes a
    transfer that breaks off; a read that still fails is repeated up to ``retries`` times with
    back-off (``backoff * 2**(k-1)`` seconds), opening the file again.
    """
    errors: list[str] = []
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            return _read_tabix_once(path, index, regions)
        except _Unreadable as e:
            errors.append(f"attempt {attempt + 1}: {e}")
    raise InputError(path, "cannot be read as a bgzipped, tabix-indexed VCF ("
                     + "; ".join(errors) + ")",
                     "give a bgzip-compressed VCF with its .tbi/.csi index, or a plain VCF; for "
                     "a URL, check it answers and retry later")


class _Unreadable(Exception):
    """htslib could not open or read the file (possibly a passing network failure)."""


def _read_tabix_once(path: str, index: str | None, regions: list[RegionT] | None) -> SiteVcf:
    import pysam

    with quiet_htslib():
        try:
            tbx = pysam.TabixFile(path, index=index) if index else pysam.TabixFile(path)
        except (OSError, ValueError) as e:
            raise _Unreadable(str(e) or type(e).__name__) from None
        with tbx:
            meta = [h for h in tbx.header if h.startswith("##")]
            contigs = {normalize_chrom(c): c for c in tbx.contigs}
            records: list[tuple[str, list[str]]] = []
            try:
                if regions is None:
                    for line in tbx.fetch():
                        records.append(_record(path, line))
                else:
                    for chrom, start, end in merge_intervals(regions):
                        contig = contigs.get(chrom)
                        if contig is None:
                            continue
                        for line in tbx.fetch(contig, start - 1, end):
                            records.append(_record(path, line))
            except (OSError, ValueError) as e:
                raise _Unreadable(str(e) or type(e).__name__) from None
    return SiteVcf(path=path, meta=meta, records=records)


def _record(path: str, line: str) -> tuple[str, list[str]]:
    head = line.split("\t", 2)
    where = f"record {head[0]}:{head[1] if len(head) > 1 else '?'}"
    return where, _split_record(path, where, line)


def _open_text(path: Path) -> io.TextIOBase:
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return io.TextIOWrapper(path.open("rb"), encoding="utf-8")


def read_stream(path: Path, regions: list[RegionT] | None) -> SiteVcf:
    """Stream a plain or gzipped VCF, keeping records inside ``regions`` (all when None)."""
    wanted = IntervalSet(regions) if regions is not None else None
    meta: list[str] = []
    records: list[tuple[str, list[str]]] = []
    seen_header = False
    try:
        with _open_text(path) as fh:
            for lineno, line in enumerate(fh, 1):
                if line.startswith("##"):
                    meta.append(line.rstrip("\r\n"))
                    continue
                if line.startswith("#CHROM"):
                    seen_header = True
                    continue
                if not line.strip():
                    continue
                where = f"line {lineno}"
                if not seen_header:
                    raise InputError(path, "record before the #CHROM header line",
                                     "give a VCF file with its header", where=where)
                fields = _split_record(str(path), where, line)
                if wanted is not None:
                    pos = int(fields[1])
                    # a symbolic record (a deletion starting before a region) by its extent, as
                    # htslib's region queries find it (END)
                    end = record_end(pos, fields[3], fields[4].split(",")[0],
                                     parse_info(fields[7])) if "<" in fields[4] else pos
                    if not wanted.overlaps(fields[0], pos, end):
                        continue
                records.append((where, fields))
    except (UnicodeDecodeError, EOFError, gzip.BadGzipFile) as e:
        raise InputError(path, f"cannot be read as a VCF text file ({e})",
                         "give a plain or (b)gzipped VCF file") from None
    if not seen_header:
        raise InputError(path, "no #CHROM header line: not a VCF file",
                         "give a VCF file (plain, or bgzipped with a .tbi index)")
    return SiteVcf(path=str(path), meta=meta, records=records)


def read_site_vcf(path: str | Path, regions: list[RegionT] | None) -> SiteVcf:
    """Local VCF: through its tabix index when it has one, else streamed."""
    p = Path(path)
    if not p.is_file():
        raise InputError(p, "file not found", "check the path in the config")
    index = find_index(str(p))
    if index is not None and compression(p) == "bgzf":
        check_index(str(p), index)  # an index of another file would lose records silently
        return read_tabix(str(p), index, regions)
    return read_stream(p, regions)
