"""Reading copy-number and structural-variant calls from VCF (pysam), for one family.

What is read
    From the family's small-variant VCF(s): records with a symbolic ALT (``<DEL>``, ``<DUP>``,
    ``<DUP:TANDEM>``, ``<CNV>``, ``<CNn>``, ``<INV>``, ``<INS>``, subtypes such as
    ``<DEL:ME:ALU>``) or a breakend ALT (``G]chr3:1000]``). From the family's SV VCF(s) (sample
    sheet column ``sv_vcf``): the same, plus sequence-resolved records that carry ``SVTYPE``.
    gVCF reference blocks (``<NON_REF>``, ``<*>``, ``<X>``) are left to the small-variant filter.
    Records are kept when their extent overlaps a padded panel gene region. A bgzipped VCF with a
    ``.tbi``/``.csi`` index is read by region queries (htslib uses ``END``, so a deletion that
    starts far before the gene is found); any other file is read in one pass: an SV VCF record by
    record, a small-variant VCF by a byte scan for symbolic and breakend ALTs whose lines alone are
    then parsed (htslib on every line of a whole-genome VCF costs ~15 times the panel filter).

Caller styles (recognised from the header; ``generic`` otherwise)
    ``gatk_gcnv``  GATK PostprocessGermlineCNVCalls segments: REF ``N``, ALT ``<DEL>,<DUP>``,
                   haploid GT = allele index (0 reference, 1 deletion, 2 duplication), FORMAT
                   ``CN`` (copy number), ``NP``, ``QA``, ``QS``, ``QSE``, ``QSS``; reference
                   segments (GT 0) say "no CNV here". POS is the segment's first base.
    ``cnvkit``     ``cnvkit.py export vcf``: REF ``N``, ALT ``<DEL>``/``<DUP>``, INFO ``SVTYPE``,
                   ``END``, ``SVLEN``, ``IMPRECISE``, ``FOLD_CHANGE_LOG``, ``PROBES``; losses
                   ``GT 0/1`` (one copy) or ``1/1`` (none), gains ``GT:GQ:CN:CNQ``.
    ``manta``      Manta / DRAGEN SV: ALT ``<DEL>``, ``<DUP:TANDEM>``, ``<INS>``, ``<INV>`` and
                   breakends, INFO ``SVTYPE``, ``END``, ``SVLEN``, ``IMPRECISE``, ``CIPOS``,
                   ``CIEND``, ``MATEID``, ``EVENT``; diploid GT, no copy number.
    ``dragen``     DRAGEN CNV: ID ``DRAGEN:LOSS:…``/``DRAGEN:GAIN:…``, ALT ``<DEL>``/``<DUP>``
                   (``.`` for copy-neutral ``DRAGEN:REF`` segments), ``SVTYPE=CNV``, FORMAT
                   ``GT:SM:CN:BC:PE``; gains have GT ``./1``.
    Coordinates: POS is the base before the event (VCF 4.x padding base) in every style but
    GATK-gCNV, whose POS is the first base of the segment. The event is ``[start, end]``.

Copy number of a person at a record
    ``CN`` when the caller gives it; else the ALT and GT (``0/1`` at ``<DEL>`` = one copy lost,
    ``1/1`` = both; ``0/1`` at ``<DUP>`` = a gain of unknown size); ``<CNn>`` alleles carry n
    copies per haplotype. The expected copy number is 2, or 1 on X outside the
    pseudo-autosomal regions in males (``dualdx.core.genome.ploidy``, the rule the zygosity owner
    uses); a person of
    unknown sex on X/Y with only a copy number gets the state ``unknown``.

Family events: :mod:`dualdx.inputs.cnv_events`.

Malformed records raise :class:`dualdx.core.errors.InputError` naming the file, the record, the
problem and the fix: ``END`` before ``POS``; a deletion, duplication, CNV or inversion without
``END`` or ``SVLEN``; a symbolic ALT that names no known type without ``SVTYPE``; an ``SVTYPE``
that contradicts the ALT.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, cast

from dualdx.core.errors import InputError
from dualdx.core.genome import ploidy as expected_copies
from dualdx.core.model import normalize_chrom
from dualdx.inputs.panel import Region
from dualdx.inputs.vcf import GVCF_ALTS

CallerStyle = Literal["gatk_gcnv", "cnvkit", "manta", "dragen", "generic"]
State = Literal["loss", "gain", "neutral", "unknown"]
Status = Literal["carrier", "non_carrier", "unknown"]

#: Types interpreted as copy-number changes; recognised and reported as not interpreted.
COPY_NUMBER_TYPES = ("DEL", "DUP", "CNV")
RECOGNISED_TYPES = ("INV", "INS", "BND", "CPX", "CTX", "TRA")
REFERENCE_BLOCK_ALTS = GVCF_ALTS
#: A sequence-resolved record in an SV VCF without SVTYPE counts as an SV from this length on.
MIN_SEQUENCE_SV_LENGTH = 50


# --------------------------------------------------------------------------------------------
# Model


@dataclass
class SvCall:
    """One person's call at one SV record, as the caller wrote it, with its reading."""

    sample: str
    gt: str  # as displayed, e.g. "0/1", "1", "./1"
    cn: int | None
    state: State
    copies: int | None  # haplotypes carrying the change (1 het, 2 hom); None unknown
    fields: dict[str, Any] = field(default_factory=dict)  # other FORMAT values

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SvRecord:
    """One VCF record (one ALT, or a gCNV multi-ALT segment) read as a structural variant."""

    source: str  # file path
    where: str  # "record chr11:68041000 (ID)"
    chrom: str  # the file's own spelling
    pos: int  # VCF POS
    start: int  # first affected base (1-based)
    end: int  # last affected base
    svtype: str  # DEL, DUP, CNV, INV, INS, BND, ... (upper case)
    alt: str
    id: str | None
    filter: str | None
    qual: float | None
    imprecise: bool
    cipos: tuple[int, int] | None
    ciend: tuple[int, int] | None
    tandem: bool | None  # DUP: True for <DUP:TANDEM>, False for <DUP:INT>, None unknown
    caller: CallerStyle
    mate: str | None = None  # breakend partner ("chr3:1000")
    calls: dict[str, SvCall] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@dataclass
class SvFunnel:
    """What the structural reader did, summed over the files (the filter funnel's SV part)."""

    files: list[dict[str, Any]] = field(default_factory=list)  # path, style, indexed, samples
    records_read: int = 0  # SV records near the panel (symbolic, breakend or with SVTYPE)
    outside_panel: int = 0
    copy_number_records: int = 0  # DEL/DUP/CNV records in the panel regions
    reference_segments: int = 0  # copy-neutral segments (gCNV GT 0, DRAGEN REF) in the regions
    events: int = 0  # family copy-number events interpreted
    not_interpreted: dict[str, int] = field(default_factory=dict)  # by type (INV, INS, BND, ...)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# Header


def caller_style(header_lines: Sequence[str], formats: Sequence[str]) -> CallerStyle:
    """The caller that wrote a VCF, from its ``##`` lines and FORMAT keys (module doc)."""
    text = "\n".join(header_lines).lower()
    if "postprocessgermlinecnvcalls" in text or {"QS", "QSE", "QSS", "NP", "CN"} <= set(formats):
        return "gatk_gcnv"
    if "##source=cnvkit" in text:
        return "cnvkit"
    if {"SM", "CN", "BC"} <= set(formats) or "##source=dragen_cnv" in text:
        return "dragen"
    if "manta" in text or "generatesvcandidates" in text or "dragen" in text:
        return "manta"
    return "generic"


# --------------------------------------------------------------------------------------------
# ALT and INFO


def alt_type(alt: str) -> tuple[str | None, bool | None, int | None]:
    """(SV type or None, tandem flag, copies per haplotype of a ``<CNn>`` allele) of one ALT."""
    if "[" in alt or "]" in alt or (len(alt) > 1 and (alt.startswith(".") or alt.endswith("."))):
        return "BND", None, None
    if not (alt.startswith("<") and alt.endswith(">")):
        return None, None, None
    body = alt[1:-1].upper()
    parts = body.split(":")
    head = parts[0]
    if head == "DUP":
        tandem = True if "TANDEM" in parts[1:] else (False if "INT" in parts[1:] else None)
        return "DUP", tandem, None
    if head in ("DEL", "CNV", "INV", "INS"):
        return head, None, None
    if head.startswith("CN") and head[2:].isdigit():
        return "CNV", None, int(head[2:])
    return None, None, None


def _raw_info(line: str) -> dict[str, str]:
    cols = line.split("\t", 8)
    out: dict[str, str] = {}
    if len(cols) < 8 or cols[7] in (".", ""):
        return out
    for item in cols[7].split(";"):
        k, _, v = item.partition("=")
        out[k] = v
    return out


def _int_pair(v: Any) -> tuple[int, int] | None:
    if isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, int) for x in v):
        return (int(v[0]), int(v[1]))
    return None


def _json_value(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_json_value(x) for x in v]
    if isinstance(v, float | int | str) or v is None:
        return v
    return str(v)


# --------------------------------------------------------------------------------------------
# One record


def _gt_text(alleles: tuple[int | None, ...] | None, phased: bool) -> str:
    if not alleles:
        return "."
    sep = "|" if phased else "/"
    return sep.join("." if a is None else str(a) for a in alleles)


def _sample_call(sample: str, alleles: tuple[int | None, ...] | None, phased: bool,
                 cn: int | None, alts: Sequence[tuple[str | None, int | None]],
                 ploidy: int | None, fields: dict[str, Any]) -> SvCall:
    """Read one person's GT/CN at a record whose ALTs are ``alts`` ((type, CNn copies), ...).

    ``copies``: haplotypes carrying the change (a loss of CN 1 of 2 is 1, CN 0 of 2 is 2; a gain
    of one copy is 1; a larger gain or a GT without copy number: None)."""
    gt = _gt_text(alleles, phased)
    all_known = bool(alleles) and all(a is not None for a in alleles or ())
    known = [a for a in alleles or () if a is not None]

    def alt_of(a: int) -> tuple[str | None, int | None]:
        return alts[a - 1] if 0 < a <= len(alts) else (None, None)

    if cn is None and all_known and any(alt_of(a)[1] is not None for a in known if a > 0) \
            and all(a == 0 or alt_of(a)[1] is not None for a in known):
        cn = sum(1 if a == 0 else (alt_of(a)[1] or 0) for a in known)  # <CNn> haplotypes
    kinds = {alt_of(a)[0] for a in known if a > 0} - {None}
    if cn is not None and ploidy is not None:
        if cn < ploidy:
            return SvCall(sample, gt, cn, "loss", ploidy - cn, fields)
        if cn > ploidy:
            return SvCall(sample, gt, cn, "gain", 1 if cn - ploidy == 1 else None, fields)
        if kinds & {"DEL", "DUP"}:
            fields = {**fields, "note": f"GT {gt} names a change but CN {cn} is the expected "
                                        "copy number: the copy number is read"}
        return SvCall(sample, gt, cn, "neutral", 0, fields)
    n_alt = sum(1 for a in known if a > 0)
    diploid_gt = all_known and len(known) >= 2
    if "DEL" in kinds and "DUP" not in kinds:
        return SvCall(sample, gt, cn, "loss", n_alt if diploid_gt else None, fields)
    if "DUP" in kinds and "DEL" not in kinds:
        return SvCall(sample, gt, cn, "gain", n_alt if diploid_gt else None, fields)
    if kinds:
        return SvCall(sample, gt, cn, "unknown", None, fields)
    if known and all_known and all(a == 0 for a in known):
        return SvCall(sample, gt, cn, "neutral", 0, fields)
    return SvCall(sample, gt, cn, "unknown", None, fields)


def read_record(rec: Any, path: str, samples: Sequence[str], style: CallerStyle,
                in_sv_file: bool, sex_of: Mapping[str, str], build: str) -> SvRecord | None:
    """An :class:`SvRecord` from one pysam record, or None when it is not a structural variant
    (a small variant, a gVCF reference block). Raises InputError for a malformed SV record."""
    alts = tuple(rec.alts or ())
    info_keys = set(rec.info.keys())
    svtype_info = str(rec.info["SVTYPE"]).upper() if "SVTYPE" in info_keys else None
    if not alts and not (in_sv_file and (svtype_info or style in ("dragen", "gatk_gcnv"))):
        return None  # a record without ALT is read only as a copy-neutral segment of an SV file
    if alts and all(a in REFERENCE_BLOCK_ALTS for a in alts):
        return None
    typed = [alt_type(a) for a in alts]
    # a gVCF placeholder beside a real ALT (``A,<NON_REF>``) does not make a record structural
    symbolic = any(t[0] is not None or (a.startswith("<") and a.endswith(">")
                                        and a not in REFERENCE_BLOCK_ALTS)
                   for a, t in zip(alts, typed, strict=True))
    if alts and not symbolic and not (in_sv_file and svtype_info) and (
            not in_sv_file
            or max(abs(len(a) - len(rec.ref)) for a in alts) < MIN_SEQUENCE_SV_LENGTH):
        return None  # a small variant (the panel filter's), or a short one in an SV VCF
    where = f"record {rec.chrom}:{rec.pos}" + (f" ({rec.id})" if rec.id else "")
    kinds = {t[0] for t in typed if t[0] is not None}
    unknown_symbolic = [a for a, t in zip(alts, typed, strict=True)
                        if t[0] is None and a.startswith("<") and a not in REFERENCE_BLOCK_ALTS]
    if unknown_symbolic and not svtype_info:
        raise InputError(path, f"the symbolic ALT {unknown_symbolic[0]} names no known "
                         "structural-variant type and INFO has no SVTYPE",
                         "write SVTYPE (DEL, DUP, CNV, INV, INS or BND) in INFO, or use a standard "
                         "symbolic allele (<DEL>, <DUP>, <CNV>, <INV>, <INS>)", where=where)
    if len(kinds) > 1 and not kinds <= {"DEL", "DUP", "CNV"}:
        raise InputError(path, f"ALT alleles of different structural types ({', '.join(alts)})",
                         "write one record per structural variant", where=where)
    if kinds:
        kind = "DEL" if kinds == {"DEL"} else "DUP" if kinds == {"DUP"} else (
            "CNV" if kinds <= {"DEL", "DUP", "CNV"} else next(iter(kinds)))
    elif svtype_info:
        kind = svtype_info
    elif not alts:
        kind = "CNV"
    else:
        ref, alt = rec.ref, alts[0]
        kind = "DEL" if len(ref) > len(alt) else "INS"
    if svtype_info and kinds and svtype_info not in ("CNV",) and kind != "CNV" \
            and svtype_info != kind and not (svtype_info == "TANDEM" and kind == "DUP"):
        raise InputError(path, f"SVTYPE={svtype_info} contradicts the ALT {','.join(alts)}",
                         "make SVTYPE and the symbolic ALT name the same type", where=where)
    tandem = next((t[1] for t in typed if t[1] is not None), None)
    if kind == "BND":
        mate = next((a for a in alts if "[" in a or "]" in a), None)
        partner = None
        if mate:
            inner = mate.replace("[", "]").split("]")
            partner = inner[1] if len(inner) > 1 else None
        bnd = SvRecord(path, where, rec.chrom, rec.pos, rec.pos, rec.pos, "BND",
                       ",".join(alts), rec.id, _filter(rec), rec.qual,
                       "IMPRECISE" in info_keys, None, None, None, style, partner)
        _genotype_calls(rec, samples, bnd)
        return bnd
    raw = _raw_info(str(rec))
    end: int | None = None
    if "END" in raw:
        try:
            end = int(raw["END"])
        except ValueError:
            raise InputError(path, f"END is {raw['END']!r}, not a whole number",
                             "write END as the 1-based last position of the event",
                             where=where) from None
        if end < rec.pos:
            raise InputError(path, f"END {end} is before POS {rec.pos}",
                             "write END as the last base of the event (END >= POS); if POS and "
                             "END were swapped, swap them back", where=where)
    sequence_resolved = bool(alts) and not symbolic  # no ALT: a copy-neutral segment with END
    if sequence_resolved:  # REF and ALT share the anchor base at POS
        gained = max(len(a) for a in alts) - len(rec.ref)
        if kind == "DEL":
            start, end = rec.pos + 1, max(rec.pos + 1, rec.pos + len(rec.ref) - 1)
        elif kind == "DUP":  # the inserted copy repeats the bases after the anchor
            start, end = rec.pos + 1, rec.pos + max(1, gained)
        else:
            start, end = rec.pos, max(rec.pos, rec.pos + len(rec.ref) - 1)
    else:
        start = rec.pos if style == "gatk_gcnv" else rec.pos + 1
        if end is None:
            svlen = rec.info.get("SVLEN") if "SVLEN" in info_keys else None
            if isinstance(svlen, tuple):
                svlen = svlen[0] if svlen else None
            if isinstance(svlen, int) and kind != "INS":
                end = rec.pos + abs(svlen) - (1 if style == "gatk_gcnv" else 0)
            elif kind == "INS":
                end = rec.pos
            else:
                raise InputError(path, f"the {kind} record has neither END nor SVLEN, so its "
                                 "extent is unknown",
                                 "write END (last base of the event) or SVLEN in INFO",
                                 where=where)
        if kind == "INS":
            start = rec.pos
        end = max(end, start) if kind != "INS" else end
    cipos = _int_pair(rec.info.get("CIPOS")) if "CIPOS" in info_keys else None
    ciend = _int_pair(rec.info.get("CIEND")) if "CIEND" in info_keys else None
    out = SvRecord(path, where, rec.chrom, rec.pos, start, end, kind, ",".join(alts) or ".",
                   rec.id, _filter(rec), rec.qual, "IMPRECISE" in info_keys, cipos, ciend,
                   tandem, style)
    if kind not in COPY_NUMBER_TYPES:
        _genotype_calls(rec, samples, out)
        return out
    fmt = list(rec.format.keys())
    # an ALT that names no type itself (sequence, or a caller's own symbol) takes the record's
    alt_info = [(t[0] or kind, t[2]) for t in typed]
    if not alts:
        alt_info = []
    for s in samples:
        if s not in rec.samples:
            continue
        smp = rec.samples[s]
        alleles = tuple(smp["GT"]) if "GT" in fmt and smp["GT"] is not None else None
        phased = bool(getattr(smp, "phased", False))
        cn_raw = smp["CN"] if "CN" in fmt else None
        cn: int | None
        try:
            cn = round(float(cn_raw)) if cn_raw is not None else None
        except (TypeError, ValueError):
            cn = None
        fields = {k: _json_value(smp[k]) for k in fmt if k not in ("GT", "CN")}
        ploidy = expected_copies(rec.chrom, start, sex_of.get(s, "unknown"), build)
        if style == "dragen" and not alts:
            alleles = None  # DRAGEN REF segments write ./.: the copy number decides
        out.calls[s] = _sample_call(s, alleles, phased, cn, alt_info, ploidy, fields)
    return out


def _genotype_calls(rec: Any, samples: Sequence[str], out: SvRecord) -> None:
    """Who carries a record that is not interpreted (inversion, insertion, breakend): GT only."""
    if "GT" not in rec.format:
        return
    for s in samples:
        if s not in rec.samples:
            continue
        smp = rec.samples[s]
        alleles = tuple(smp["GT"]) if smp["GT"] is not None else None
        known = [a for a in alleles or () if a is not None]
        carries = any(a > 0 for a in known)
        out.calls[s] = SvCall(s, _gt_text(alleles, bool(getattr(smp, "phased", False))), None,
                              "unknown" if carries or not known else "neutral",
                              sum(1 for a in known if a > 0) if carries else 0, {})


def _filter(rec: Any) -> str | None:
    keys = list(rec.filter.keys())
    return ";".join(keys) if keys else None


# --------------------------------------------------------------------------------------------
# Files


def _overlaps(chrom: str, start: int, end: int, regions: Mapping[str, list[Region]]) -> bool:
    return any(r.start <= end and start <= r.end for r in regions.get(normalize_chrom(chrom), []))


@contextlib.contextmanager
def _quiet_htslib() -> Iterator[None]:
    """htslib warns on stderr about records the reader reports itself (END before POS)."""
    import pysam

    old = pysam.set_verbosity(0)
    try:
        yield
    finally:
        pysam.set_verbosity(old)


def _is_bgzf(path: str) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(18)
    return len(head) >= 16 and head[:2] == b"\x1f\x8b" and bool(head[3] & 4) \
        and head[12:14] == b"BC"


def _index_of(path: str) -> str | None:
    for ext in (".tbi", ".csi"):
        if os.path.exists(path + ext):
            return path + ext
    return None


#: A symbolic ALT other than a gVCF reference block, or a breakend bracket, after a tab or a comma:
#: where a line of a small-variant VCF may hold a structural variant (checked on the ALT column).
_SV_HINT = re.compile(rb"[\t,](?:<(?!NON_REF>|\*>|X>)|[ACGTNacgtn.]*[\[\]])")
CHUNK_BYTES = 8 << 20


def _alt_is_structural(line: bytes) -> bool:
    cols = line.split(b"\t", 5)
    if len(cols) < 5:
        return False
    return any((a.startswith(b"<") and a not in (b"<NON_REF>", b"<*>", b"<X>"))
               or b"[" in a or b"]" in a for a in cols[4].split(b","))


def _symbolic_lines(path: str) -> Iterator[bytes]:
    """Data lines of an unindexed VCF whose ALT is symbolic or a breakend, found by a byte scan
    (one pass; a chunk without ``<``, ``[`` or ``]`` beyond gVCF blocks is skipped at C speed):
    reading every record with htslib costs ~15x the small-variant filter."""
    fh = cast(IO[bytes], gzip.open(path, "rb") if _is_gzip(path)  # noqa: SIM115
              else open(path, "rb"))  # noqa: SIM115
    with fh:
        while True:  # the header (its lines hold '<' everywhere) is skipped line by line
            line = fh.readline()
            if not line or line.startswith(b"#CHROM"):
                break
        rest = b""
        while True:
            chunk = fh.read(CHUNK_BYTES)
            data = rest + chunk
            if chunk:
                cut = data.rfind(b"\n") + 1
                data, rest = data[:cut], data[cut:]
            elif not data:
                return
            n_lt = data.count(b"<")
            if n_lt and n_lt == sum(data.count(b) for b in (b"<NON_REF>", b"<*>", b"<X>")):
                n_lt = 0
            if n_lt or b"[" in data or b"]" in data:
                last = -1
                for m in _SV_HINT.finditer(data):
                    start = data.rfind(b"\n", 0, m.start()) + 1
                    if start == last:
                        continue
                    last = start
                    end = data.find(b"\n", start)
                    line = data[start:end if end >= 0 else len(data)]
                    if _alt_is_structural(line):
                        yield line
            if not chunk:
                return


def _symbolic_records(path: str, header: str) -> Iterator[Any]:
    """pysam records of the structural lines of an unindexed small-variant VCF (module doc)."""
    import pysam

    lines = list(_symbolic_lines(path))
    if not lines:
        return
    with tempfile.TemporaryDirectory(prefix="dualdx-sv-") as tmp:
        sub = Path(tmp) / "symbolic.vcf"
        sub.write_bytes(header.encode("utf-8") + b"\n".join(lines) + b"\n")
        with pysam.VariantFile(str(sub)) as vf:
            yield from vf


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def read_sv_file(path: str, samples: Sequence[str], regions: Mapping[str, list[Region]],
                 build: str, in_sv_file: bool, sex_of: Mapping[str, str],
                 funnel: SvFunnel) -> list[SvRecord]:
    """SV records of one VCF overlapping ``regions`` (normalized chrom -> padded regions)."""
    import pysam

    if not os.path.isfile(path):
        raise InputError(path, "VCF not found",
                         "check the 'vcf' and 'sv_vcf' columns of the samples sheet")
    with _quiet_htslib():
        try:
            vf = pysam.VariantFile(path)
        except (OSError, ValueError) as e:
            raise InputError(path, f"cannot read the VCF ({e})",
                             "give a VCF file (plain or bgzip-compressed)") from None
    with vf:
        header_lines = [str(r).rstrip("\n") for r in vf.header.records]
        fmts = list(vf.header.formats.keys())
        style = caller_style(header_lines, fmts)
        present = [s for s in samples if s in vf.header.samples]
        index = _index_of(path) if _is_bgzf(path) else None
        if index is not None and os.path.getmtime(index) < os.path.getmtime(path):
            raise InputError(index, f"the index is older than {Path(path).name}",
                             f"re-index with 'tabix -f -p vcf {path}'")
        funnel.files.append({"path": path, "style": style, "indexed": index is not None,
                             "sv_file": in_sv_file, "samples": present})
        out: list[SvRecord] = []
        seen: set[tuple[str, int, str, str]] = set()

        def records() -> Iterator[Any]:
            if index is None and not in_sv_file:
                yield from _symbolic_records(path, str(vf.header))
                return
            if index is None:
                yield from vf
                return
            contigs = {str(c) for c in vf.header.contigs} | {
                str(c) for c in (vf.index.keys() if vf.index else ())}
            for chrom, rs in regions.items():
                names = [c for c in contigs if normalize_chrom(c) == chrom]
                for name in names:
                    for r in rs:
                        try:
                            yield from vf.fetch(name, r.start - 1, r.end)
                        except ValueError:
                            continue

        with _quiet_htslib():
            try:
                for rec in records():
                    ident = (rec.chrom, rec.pos, rec.id or "", ",".join(rec.alts or ()))
                    if ident in seen:
                        continue
                    seen.add(ident)
                    sv = read_record(rec, path, present, style, in_sv_file, sex_of, build)
                    if sv is None:
                        continue
                    funnel.records_read += 1
                    if not _overlaps(sv.chrom, sv.start, sv.end, regions):
                        funnel.outside_panel += 1
                        continue
                    out.append(sv)
            except (OSError, ValueError) as e:
                raise InputError(path, f"cannot read the VCF ({e})",
                                 "check that the file is complete; re-compress with bgzip and "
                                 "re-index with 'tabix -p vcf'") from None
    return out
