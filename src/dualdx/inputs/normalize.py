"""Left-alignment of indels with ``bcftools norm`` against the reference FASTA.

ClinVar and gnomAD describe an indel by its left-most representation; a caller that writes it
shifted to the right (or a multiallelic split that leaves it so) would miss their records. With
a reference FASTA, every indel of the panel is handed to ``bcftools norm -f`` (the bcftools that
pysam bundles, so no binary has to be on PATH); only CHROM, POS, REF and ALT go through it (its
ID carries the record's number), and the new position and alleles are set on the record, so no
genotype or annotation takes the round trip. Splitting stays with :mod:`dualdx.inputs.splitting`
(``bcftools norm -m-`` writes the other ALTs of a multiallelic site as REF).

The reference is either a whole-genome FASTA (contigs ``chr1`` or ``1``, plain or bgzipped, with
its ``.fai``) or the panel-region slices written by ``download_resources`` (records named
``chr11:68034016-68052899``), which bcftools cannot use as a genome: records inside a slice are
moved into the slice's own coordinates (contig = the slice's name, POS - slice start + 1),
normalized there and moved back. An indel outside every slice, or whose left-alignment reaches
the slice's first base (it might have moved further left), is reported as not left-aligned.

Before anything is sent, each record's REF is compared with the reference: a REF that differs
(wrong FASTA, wrong build, or a broken record) is reported and the record left as it is.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from dualdx.core.errors import InputError
from dualdx.core.genome import parse_slice_name
from dualdx.core.model import normalize_chrom
from dualdx.inputs.splitting import SplitRecord
from dualdx.inputs.vcf import quiet_htslib


def open_indexed_fasta(path: Path, fix_missing: str) -> pysam.FastaFile:
    """``path`` opened with htslib (local, bgzip or plain, with its ``.fai``); InputError naming
    the file when it does not exist (``fix_missing`` says how to fix it) or cannot be opened."""
    if not path.is_file():
        raise InputError(path, "reference FASTA not found", fix_missing)
    try:
        with quiet_htslib():
            return pysam.FastaFile(str(path))
    except (OSError, ValueError) as e:
        raise InputError(path, f"cannot open as an indexed FASTA ({e})",
                         "index it with 'samtools faidx' (bgzip, not gzip, if compressed)"
                         ) from None


@dataclass
class NormResult:
    """What left-alignment did to a list of records (the records are changed in place)."""

    left_aligned: list[SplitRecord] = field(default_factory=list)  # moved by bcftools
    not_aligned: list[tuple[SplitRecord, str]] = field(default_factory=list)  # indel, why
    ref_mismatch: list[tuple[SplitRecord, str]] = field(default_factory=list)  # record, genome's


class Reference:
    """A whole-genome or panel-slice FASTA, addressed in genome coordinates."""

    def __init__(self, path: str) -> None:
        p = Path(path)
        self._fa = open_indexed_fasta(p, "set 'annotation.reference_fasta' to an existing indexed "
                                         "FASTA, or to null")
        self.path = str(p)
        self.lengths = dict(zip(self._fa.references, self._fa.lengths, strict=True))
        parsed = {name: parse_slice_name(name) for name in self._fa.references}
        self.is_slices = bool(parsed) and all(v is not None for v in parsed.values())
        self._slices: dict[str, list[tuple[int, int, str]]] = {}
        self._names: dict[str, str] = {}
        for name, sl in parsed.items():
            if self.is_slices and sl is not None:
                self._slices.setdefault(normalize_chrom(sl[0]), []).append((sl[1], sl[2], name))
            else:
                self._names.setdefault(normalize_chrom(name), name)

    def locate(self, chrom: str, start: int, end: int) -> tuple[str, int] | None:
        """(FASTA record holding ``start..end``, offset to subtract from POS), or None."""
        c = normalize_chrom(chrom)
        if not self.is_slices:
            name = self._names.get(c)
            return None if name is None or end > self.lengths[name] else (name, 0)
        for s, e, name in self._slices.get(c, ()):
            if s <= start and end <= e:
                return name, s - 1
        return None

    def bases(self, name: str, start: int, end: int) -> str:
        """Bases ``start..end`` (1-based closed, in the record's own coordinates), uppercase."""
        return str(self._fa.fetch(name, start - 1, end)).upper()

    def close(self) -> None:
        self._fa.close()


def left_align(records: list[SplitRecord], reference_path: str) -> NormResult:
    """Left-align the indels among ``records`` in place (module doc); say what could not be."""
    ref = Reference(reference_path)
    result = NormResult()
    send: list[tuple[SplitRecord, str, int]] = []
    try:
        for rec in records:
            end = rec.pos + len(rec.ref) - 1
            loc = ref.locate(rec.chrom, rec.pos, end)
            if loc is None:
                if rec.is_indel:
                    where = "the panel slices of" if ref.is_slices else "the contigs of"
                    result.not_aligned.append((rec, f"it lies outside {where} the reference"))
                continue
            name, offset = loc
            genome = ref.bases(name, rec.pos - offset, end - offset)
            if genome != rec.ref.upper():
                result.ref_mismatch.append((rec, genome))
                if rec.is_indel:
                    result.not_aligned.append((rec, "its REF differs from the reference"))
                continue
            if rec.is_indel:
                send.append((rec, name, offset))
        if send:
            _run_norm(send, ref, result)
    finally:
        ref.close()
    return result


def _run_norm(send: list[tuple[SplitRecord, str, int]], ref: Reference,
              result: NormResult) -> None:
    import pysam.bcftools

    names = list(dict.fromkeys(name for _, name, _ in send))
    lines = ["##fileformat=VCFv4.2"]
    lines += [f"##contig=<ID={n},length={ref.lengths[n]}>" for n in names]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    order = {n: i for i, n in enumerate(names)}
    numbered = sorted(enumerate(send), key=lambda x: (order[x[1][1]], x[1][0].pos - x[1][2]))
    for k, (rec, name, offset) in numbered:
        lines.append(f"{name}\t{rec.pos - offset}\t{k}\t{rec.ref}\t{rec.alt}\t.\t.\t.")
    with tempfile.TemporaryDirectory(prefix="dualdx-norm-") as tmp:
        src, out = Path(tmp) / "in.vcf", Path(tmp) / "out.vcf"
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            pysam.bcftools.norm("-f", ref.path, "-c", "w", "-o", str(out), str(src),
                                catch_stdout=False)
        except pysam.utils.SamtoolsError as e:
            raise InputError(ref.path, f"bcftools norm failed on the panel's indels ({e})",
                             "check that the reference FASTA is indexed and of the genome build "
                             "of the VCFs") from None
        with quiet_htslib(), pysam.VariantFile(str(out)) as vf:
            for r in vf:
                rec, name, offset = send[int(str(r.id))]
                alts = r.alts or ()
                if len(alts) != 1:
                    continue
                new = (r.pos + offset, str(r.ref).upper(), alts[0].upper())
                if new != (rec.pos, rec.ref, rec.alt):
                    rec.pos, rec.ref, rec.alt = new
                    result.left_aligned.append(rec)
                if ref.is_slices and r.pos <= 1:
                    result.not_aligned.append(
                        (rec, "it reaches the first base of its reference slice, so it may "
                         "belong further left"))
