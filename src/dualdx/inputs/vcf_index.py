"""An index (``.tbi``/``.csi``) must belong to its bgzipped VCF before a region query trusts it.

htslib trusts whatever index it is given: an index made for another file, or for an older
version of this one, makes region queries return nothing for the contigs it does not know and
garbage or nothing where its offsets are wrong, without an error, so whole chromosomes can be
lost silently. :func:`check_index` refuses such an index with an error that names it:

* it is older than the VCF (its modification time);
* its records do not tile the file: the first contig's records must start right after the
  header, each contig's records where the previous contig's end, and the last contig's end at
  the end of the file (no records the index does not cover);
* the offset it gives for each contig leads to a record of that contig.

htslib does not expose an index's per-contig offsets, so they are read here from the index
(htslib's pseudo-bin of every contig, which holds the offsets of its first record and of the end
of its last, else its smallest and largest chunk offsets; both formats, tabix and CSI, are
BGZF-compressed binary files in the SAM/VCF specifications), and the VCF's BGZF block headers are read at the
few offsets concerned. This costs a few small reads per contig, whatever the file's size.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dualdx.core.errors import InputError

VOffset = tuple[int, int]  # (compressed block address, offset in the uncompressed block)


def find_index(path: str) -> str | None:
    """``<path>.tbi`` or ``<path>.csi`` when one exists."""
    for ext in (".tbi", ".csi"):
        if os.path.exists(path + ext):
            return path + ext
    return None


@dataclass(frozen=True)
class IndexedContig:
    name: str
    begin: VOffset  # first record
    end: VOffset  # just after the last record


class _Malformed(Exception):
    pass


def _voff(v: int) -> VOffset:
    return v >> 16, v & 0xFFFF


def read_index_contigs(index: str, use_pseudo_bins: bool = True) -> list[IndexedContig]:
    """Contigs of a tabix or CSI index with the offsets of their first and last records.

    ``use_pseudo_bins=False`` ignores htslib's pseudo-bins (as for an index written without them).
    """
    try:
        data = gzip.decompress(Path(index).read_bytes())
    except (OSError, EOFError, zlib.error) as e:
        raise _Malformed(f"cannot decompress it ({e})") from None
    try:
        if data[:4] == b"TBI\x01":
            return _read_tbi(data, use_pseudo_bins)
        if data[:4] == b"CSI\x01":
            return _read_csi(data, use_pseudo_bins)
    except (struct.error, IndexError, UnicodeDecodeError) as e:
        raise _Malformed(f"it is cut short or corrupt ({e})") from None
    raise _Malformed("it is neither a tabix (.tbi) nor a CSI (.csi) index")


def _names(data: bytes, at: int) -> tuple[list[str], int]:
    """Tabix meta block at ``at`` (format, columns, meta char, skip, names); names and end."""
    (l_nm,) = struct.unpack_from("<i", data, at + 24)
    names = [n.decode("utf-8") for n in data[at + 28: at + 28 + l_nm].split(b"\0")[:-1]]
    return names, at + 28 + l_nm


_TBI_BIN = struct.Struct("<Ii")  # bin, n_chunk
_CSI_BIN = struct.Struct("<IQi")  # bin, loffset, n_chunk


def _span(data: bytes, o: int, n_bin: int, csi: bool, pseudo: int, use_pseudo: bool = True
          ) -> tuple[tuple[int, int] | None, int]:
    """(first record, end of last record) of one contig's bins, and the offset after them.

    htslib writes a pseudo-bin holding exactly these two offsets; without it (indexes of old
    tabix versions) they are the smallest chunk start and the largest chunk end.
    """
    unpack = (_CSI_BIN if csi else _TBI_BIN).unpack_from
    head = _CSI_BIN.size if csi else _TBI_BIN.size
    start = o
    found: tuple[int, int] | None = None
    for _ in range(n_bin):
        fields = unpack(data, o)
        n_chunk = fields[-1]
        if fields[0] == pseudo and n_chunk >= 1 and use_pseudo:
            found = struct.unpack_from("<QQ", data, o + head)
        o += head + 16 * n_chunk
    if found is None and n_bin:
        begs: list[int] = []
        ends: list[int] = []
        p = start
        for _ in range(n_bin):
            fields = unpack(data, p)
            n_chunk = fields[-1]
            if fields[0] != pseudo:
                chunks = memoryview(data)[p + head: p + head + 16 * n_chunk].cast("Q")
                begs.extend(chunks[0::2])
                ends.extend(chunks[1::2])
            p += head + 16 * n_chunk
        if begs:
            found = (min(begs), max(ends))
    return found, o


def _read_tbi(data: bytes, use_pseudo: bool) -> list[IndexedContig]:
    (n_ref,) = struct.unpack_from("<i", data, 4)
    names, o = _names(data, 8)
    out: list[IndexedContig] = []
    for r in range(n_ref):
        (n_bin,) = struct.unpack_from("<i", data, o)
        span, o = _span(data, o + 4, n_bin, False, 37450, use_pseudo)
        (n_intv,) = struct.unpack_from("<i", data, o)
        o += 4 + 8 * n_intv
        if span is not None:
            out.append(IndexedContig(names[r], _voff(span[0]), _voff(span[1])))
    return out


def _read_csi(data: bytes, use_pseudo: bool) -> list[IndexedContig]:
    _min_shift, depth, l_aux = struct.unpack_from("<3i", data, 4)
    if l_aux < 28:
        raise _Malformed("its header holds no contig names (not a tabix-style CSI of a VCF)")
    names, _ = _names(data, 16)
    o = 16 + l_aux
    (n_ref,) = struct.unpack_from("<i", data, o)
    o += 4
    pseudo = ((1 << ((depth + 1) * 3)) - 1) // 7 + 1
    out: list[IndexedContig] = []
    for r in range(n_ref):
        (n_bin,) = struct.unpack_from("<i", data, o)
        span, o = _span(data, o + 4, n_bin, True, pseudo, use_pseudo)
        if span is not None:
            out.append(IndexedContig(names[r], _voff(span[0]), _voff(span[1])))
    return out


# --------------------------------------------------------------------------------------------
# BGZF blocks of the VCF


def _block(fh: BinaryIO, address: int) -> tuple[int, bytes]:
    """(compressed size, uncompressed bytes) of the BGZF block at ``address``."""
    fh.seek(address)
    head = fh.read(18)
    if len(head) < 18 or head[:4] != b"\x1f\x8b\x08\x04" or head[12:14] != b"BC":
        raise _Malformed(f"no BGZF block starts at byte {address} of the VCF")
    (bsize,) = struct.unpack_from("<H", head, 16)
    fh.seek(address)
    raw = fh.read(bsize + 1)
    try:
        return bsize + 1, zlib.decompress(raw[18:-8], -15)
    except zlib.error as e:
        raise _Malformed(f"the BGZF block at byte {address} does not decompress ({e})") from None


def _normal(fh: BinaryIO, v: VOffset) -> VOffset:
    """The same position with the offset inside its block (a block's end is the next start)."""
    size, data = _block(fh, v[0])
    if v[1] > len(data):
        raise _Malformed(f"offset {v[1]} lies beyond the {len(data)} bytes of the block at "
                         f"byte {v[0]}")
    return (v[0] + size, 0) if v[1] == len(data) and len(data) else v


def _line_at(fh: BinaryIO, v: VOffset) -> bytes:
    """The first bytes of the line starting at ``v`` (up to its first TAB or newline)."""
    size, data = _block(fh, v[0])
    text = data[v[1]:]
    address = v[0] + size
    while b"\t" not in text and b"\n" not in text and len(text) < 1 << 16:
        try:
            size, more = _block(fh, address)
        except _Malformed:
            break
        if not more:
            break
        text += more
        address += size
    return text.split(b"\n", 1)[0].split(b"\t", 1)[0]


def _first_record(fh: BinaryIO, file_size: int) -> VOffset | None:
    """Where the first data line starts (after the '#' header lines); None when there is none."""
    address, at_line_start = 0, True
    while address < file_size:
        size, data = _block(fh, address)
        i = 0
        while i < len(data):
            if at_line_start and data[i:i + 1] != b"#":
                return (address, i)
            nl = data.find(b"\n", i)
            if nl < 0:
                at_line_start = False
                break
            i, at_line_start = nl + 1, True
        address += size
    return None


def check_index(path: str, index: str) -> None:
    """Raise InputError unless ``index`` belongs to the bgzipped VCF ``path`` (module doc)."""
    name = Path(path).name
    fix = f"re-index with 'tabix -f -p vcf {path}'"
    if os.path.getmtime(index) < os.path.getmtime(path):
        raise InputError(index, f"the index is older than {name}", fix)
    try:
        contigs = sorted(read_index_contigs(index), key=lambda c: c.begin)
    except _Malformed as e:
        raise InputError(index, f"unreadable index: {e}", fix) from None
    size = os.path.getsize(path)
    eof: VOffset = (size - 28, 0)
    try:
        with open(path, "rb") as fh:
            first = _first_record(fh, size)
            problem = _tiling_problem(fh, contigs, first, eof)
    except _Malformed as e:
        problem = (f"its offsets do not fit the file ({e}); it was made for another file or "
                   "another version of this one")
    if problem:
        raise InputError(index, f"the index does not belong to {name}: {problem}", fix)


def _tiling_problem(fh: BinaryIO, contigs: list[IndexedContig], first: VOffset | None,
                    eof: VOffset) -> str | None:
    if not contigs:
        if first is not None:
            return "it lists no records, but the file has records"
        return None
    if first is None:
        return "it lists records, but the file has none"
    expected = _normal(fh, first)
    for n, c in enumerate(contigs):
        begin = _normal(fh, c.begin)
        if begin != expected:
            where = ("the file's first record is" if n == 0 else
                     f"the records of {contigs[n - 1].name} end")
            return (f"its records of {c.name} do not start where {where} (it was made for "
                    "another file or another version of this one)")
        chrom = _line_at(fh, c.begin).decode("utf-8", "replace")
        if chrom != c.name:
            return (f"its offset for contig {c.name} leads to a record of {chrom!r} (it was made "
                    "for another file or another version of this one)")
        expected = _normal(fh, c.end)
    if expected != eof:
        return (f"it covers the file only up to block {expected[0]} of {eof[0]}: records after "
                "that (other contigs or positions) would be missed in region queries")
    return None
