"""Variant positions on a transcript: the region a base falls in, allele clean-up and trimming,
the variant in oriented transcript coordinates, reference-sequence access in those coordinates,
and the HGVS 3' shift of indels (within one exon or intron). Used by
:mod:`dualdx.annotation.consequence`."""

from __future__ import annotations

from dataclasses import dataclass, field

from dualdx.core.errors import InputError
from dualdx.knowledge.sequence import GenomeSequence, revcomp
from dualdx.knowledge.transcripts import Transcript, TranscriptIndex


def region_of(tx: Transcript, pos: int) -> str:
    """Region of one genomic position: 'upstream', 'downstream', 'intron', '5_prime_UTR',
    'CDS', '3_prime_UTR' or 'non_coding_exon'."""
    ix = tx.index
    k, kind = ix.locate(tx.strand * pos)
    if kind == 2:
        return "upstream"
    if kind == 3:
        return "downstream"
    if kind == 1:
        return "intron"
    n = ix.n_of(tx.strand * pos, k)
    if ix.cds_n_start is None or ix.cds_n_end is None:
        return "non_coding_exon"
    if n < ix.cds_n_start:
        return "5_prime_UTR"
    if n > ix.cds_n_end:
        return "3_prime_UTR"
    return "CDS"


# ---------------------------------------------------------------------------------------------
# Alleles


_EMPTY = ("", "-", ".")


def clean_allele(a: str, chrom: str, pos: int) -> str:
    a = a.strip().upper()
    if a in _EMPTY:
        return ""
    if not all(c in "ACGTN" for c in a):
        raise InputError(None, f"allele {a!r} at {chrom}:{pos} is not a nucleotide sequence",
                         "split multiallelic records and drop symbolic/'*' alleles before "
                         "annotating", where=f"{chrom}:{pos}")
    return a


def trim_alleles(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Drop the shared suffix, then the shared prefix (VCF anchor); return (pos, ref, alt)."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    i = 0
    while i < len(ref) and i < len(alt) and ref[i] == alt[i]:
        i += 1
    return pos + i, ref[i:], alt[i:]


@dataclass
class OrientedVariant:
    """Variant in oriented transcript coordinates: deleted [x1, x2] (x2 = x1-1: insertion
    between x1-1 and x1), bases in transcript sense."""

    x1: int
    x2: int
    ref: str
    alt: str

    @property
    def is_ins(self) -> bool:
        return not self.ref


@dataclass
class OrientedSequence:
    """Reference sequence access in oriented coordinates for one transcript."""

    tx: Transcript
    genome: GenomeSequence | None
    mrna: str | None  # validated against the model (length), or None
    notes: list[str] = field(default_factory=list)

    def get(self, x1: int, x2: int) -> str | None:
        """Transcript-sense bases at oriented x1..x2 (the genome's when it holds them, else the
        transcript's), or None when not known."""
        if x2 < x1:
            return ""
        g = self.from_genome(x1, x2)
        return g if g is not None else self.from_mrna(x1, x2)

    def from_genome(self, x1: int, x2: int) -> str | None:
        """Transcript-sense genome bases at x1..x2; None when the genome does not hold them (no
        genome, another contig, or outside the panel slices of a slice FASTA)."""
        tx = self.tx
        if self.genome is None or not self.genome.has_contig(tx.chrom):
            return None
        try:
            if tx.strand == 1:
                s = self.genome.fetch(tx.chrom, x1, x2)
            else:
                s = revcomp(self.genome.fetch(tx.chrom, -x2, -x1))
        except InputError:  # a slice FASTA that does not cover this interval
            return None
        return s if len(s) == x2 - x1 + 1 else None

    def from_mrna(self, x1: int, x2: int) -> str | None:
        """Transcript bases at x1..x2 when they lie in one exon and the mRNA is known."""
        if self.mrna is None:
            return None
        ix = self.tx.index
        k1, kind1 = ix.locate(x1)
        k2, kind2 = ix.locate(x2)
        if kind1 == 0 and kind2 == 0 and k1 == k2:
            n1 = ix.n_of(x1, k1)
            return self.mrna[n1 - 1:n1 - 1 + x2 - x1 + 1]
        return None


def _region_bounds(ix: TranscriptIndex, x: int) -> tuple[int, int]:
    k, kind = ix.locate(x)
    if kind == 0:
        return ix.x_starts[k], ix.x_ends[k]
    if kind == 1:
        return ix.x_ends[k] + 1, ix.x_starts[k + 1] - 1
    if kind == 2:
        return x - 10**9, ix.x_starts[0] - 1
    return ix.x_ends[-1] + 1, x + 10**9


def shift_3prime(v: OrientedVariant, seq: OrientedSequence) -> tuple[OrientedVariant, bool]:
    """Move a pure deletion/insertion to its most 3' position within its exon/intron.
    Returns (variant, shifted_or_checked); False when the sequence was not known."""
    ix = seq.tx.index
    left = v.x1 if not v.is_ins else v.x1 - 1
    lo, hi = _region_bounds(ix, left)
    if not (lo <= v.x2 <= hi) or (v.is_ins and not lo <= v.x1 <= hi):
        return v, True  # spans a boundary (or insertion at a boundary): no shift by rule
    unit = v.ref if v.ref else v.alt
    x1, x2 = v.x1, v.x2
    window = 64
    while True:
        nxt_hi = min(hi, x2 + window)
        if nxt_hi <= x2:
            break
        nxt = seq.get(x2 + 1, nxt_hi)
        if nxt is None:
            return v, False
        moved = 0
        for b in nxt:
            if b != unit[0]:
                break
            unit = unit[1:] + b
            moved += 1
        x1 += moved
        x2 += moved
        if moved < len(nxt):
            break
    if v.is_ins:
        return OrientedVariant(x1, x2, "", unit), True
    return OrientedVariant(x1, x2, unit, ""), True


