"""Transcript models (MANE Select and optional others) read from ``resources/transcripts/*.tsv``.

A model holds exons (1-based closed genomic intervals, in transcript 5'->3' order), strand and the
genomic CDS limits. ``TranscriptIndex`` precomputes what the consequence/HGVS code needs on its hot
path: exon starts in an oriented coordinate (``x = pos`` on +, ``x = -pos`` on -) for bisection,
cumulative transcript offsets, the transcript positions of c.1 and of the last stop-codon base.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path

from dualdx.core.errors import InputError

REQUIRED_COLUMNS = (
    "gene", "refseq", "ensembl", "is_mane", "chrom", "strand", "cds_start", "cds_end", "exons",
)


@dataclass(frozen=True)
class TranscriptIndex:
    """Precomputed lookups in oriented coordinates (``x = strand * genomic position``).

    Exons are in transcript order, so their oriented starts ascend. ``n`` positions are 1-based
    positions on the spliced transcript (n.1 = first transcript base).
    """

    x_starts: tuple[int, ...]
    x_ends: tuple[int, ...]
    n_starts: tuple[int, ...]  # n. position of each exon's first base
    length: int  # spliced length
    cds_n_start: int | None  # n. position of c.1
    cds_n_end: int | None  # n. position of the last base of the stop codon

    def locate(self, x: int) -> tuple[int, int]:
        """(exon index, 0) when ``x`` is exonic, (intron index, 1) when intronic (intron i lies
        between exon i and exon i+1), (-1, 2) upstream of the transcript, (-1, 3) downstream."""
        i = bisect_right(self.x_starts, x) - 1
        if i < 0:
            return -1, 2
        if x <= self.x_ends[i]:
            return i, 0
        if i == len(self.x_starts) - 1:
            return -1, 3
        return i, 1

    def n_of(self, x: int, exon: int) -> int:
        """n. position of an exonic oriented position in exon ``exon``."""
        return self.n_starts[exon] + (x - self.x_starts[exon])


@dataclass(frozen=True)
class Transcript:
    gene: str
    refseq: str
    ensembl: str | None
    chrom: str  # no 'chr'
    strand: int  # +1 / -1
    exons: tuple[tuple[int, int], ...]  # 1-based closed genomic, transcript (5'->3') order
    cds_start: int | None  # genomic 1-based, lowest CDS base (stop codon included)
    cds_end: int | None  # genomic 1-based, highest CDS base
    build: str
    is_mane: bool = True

    @property
    def start(self) -> int:
        """Lowest genomic position of the transcript."""
        return min(s for s, _ in self.exons)

    @property
    def end(self) -> int:
        """Highest genomic position of the transcript."""
        return max(e for _, e in self.exons)

    @property
    def coding(self) -> bool:
        return self.cds_start is not None and self.cds_end is not None

    @property
    def exon_count(self) -> int:
        return len(self.exons)

    @cached_property
    def index(self) -> TranscriptIndex:
        return build_index(self)

    @property
    def length(self) -> int:
        return self.index.length

    @property
    def cds_length(self) -> int | None:
        ix = self.index
        if ix.cds_n_start is None or ix.cds_n_end is None:
            return None
        return ix.cds_n_end - ix.cds_n_start + 1


def build_index(tx: Transcript) -> TranscriptIndex:
    """Oriented exon starts/ends and cumulative offsets (see ``TranscriptIndex``)."""
    s = tx.strand
    xs: list[int] = []
    xe: list[int] = []
    ns: list[int] = []
    n = 1
    for a, b in tx.exons:
        lo, hi = (a, b) if s == 1 else (-b, -a)
        xs.append(lo)
        xe.append(hi)
        ns.append(n)
        n += hi - lo + 1
    length = n - 1
    cds_n_start: int | None = None
    cds_n_end: int | None = None
    if tx.cds_start is not None and tx.cds_end is not None:
        first, last = (tx.cds_start, tx.cds_end) if s == 1 else (tx.cds_end, tx.cds_start)
        cds_n_start = _n_of_genomic(xs, xe, ns, s * first)
        cds_n_end = _n_of_genomic(xs, xe, ns, s * last)
    return TranscriptIndex(tuple(xs), tuple(xe), tuple(ns), length, cds_n_start, cds_n_end)


def _n_of_genomic(xs: list[int], xe: list[int], ns: list[int], x: int) -> int | None:
    i = bisect_right(xs, x) - 1
    if i < 0 or x > xe[i]:
        return None
    return ns[i] + x - xs[i]


def _fail(path: Path, line: int, problem: str, fix: str) -> InputError:
    return InputError(path, problem, fix, where=f"line {line}")


def _int(path: Path, line: int, col: str, v: str) -> int:
    try:
        out = int(v)
    except ValueError:
        raise _fail(path, line, f"column {col!r} is {v!r}, not a whole number",
                    "write a 1-based genomic position") from None
    if out < 1:
        raise _fail(path, line, f"column {col!r} is {out}", "write a 1-based position (>= 1)")
    return out


def _parse_exons(path: Path, line: int, text: str) -> list[tuple[int, int]]:
    exons: list[tuple[int, int]] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        a, sep, b = part.partition("-")
        if not sep:
            raise _fail(path, line, f"exon {part!r} is not 'start-end'",
                        "write exons as start-end,start-end (1-based closed)")
        s, e = _int(path, line, "exons", a), _int(path, line, "exons", b)
        if e < s:
            raise _fail(path, line, f"exon {part} ends before it starts", "swap start and end")
        exons.append((s, e))
    if not exons:
        raise _fail(path, line, "no exons", "list the exons as start-end,start-end")
    for (s1, e1), (s2, _) in pairwise(exons):
        if s2 <= e1 + 1:
            raise _fail(path, line, f"exons {s1}-{e1} and {s2}-... overlap, touch or are not "
                        "in ascending genomic order",
                        "list exons in ascending genomic order with introns between them")
    return exons


def _row_to_transcript(path: Path, line: int, rec: dict[str, str], build: str) -> Transcript:
    gene = rec["gene"].strip()
    refseq = rec["refseq"].strip()
    if not gene or not refseq:
        raise _fail(path, line, "empty gene or refseq", "write the HGNC symbol and NM_ accession")
    if "." not in refseq:
        raise _fail(path, line, f"refseq {refseq!r} has no version",
                    "write the accession with its version, e.g. NM_000478.6")
    strand_s = rec["strand"].strip()
    if strand_s not in ("+", "-"):
        raise _fail(path, line, f"strand is {strand_s!r}", "write + or -")
    strand = 1 if strand_s == "+" else -1
    mane = rec["is_mane"].strip().lower()
    if mane not in ("yes", "no"):
        raise _fail(path, line, f"is_mane is {mane!r}", "write yes or no")
    chrom = rec["chrom"].strip()
    chrom = chrom[3:] if chrom.lower().startswith("chr") else chrom
    if not chrom:
        raise _fail(path, line, "empty chrom", "write the chromosome without 'chr'")
    exons = _parse_exons(path, line, rec["exons"])
    cs_s, ce_s = rec["cds_start"].strip(), rec["cds_end"].strip()
    cds_start = _int(path, line, "cds_start", cs_s) if cs_s else None
    cds_end = _int(path, line, "cds_end", ce_s) if ce_s else None
    if (cds_start is None) != (cds_end is None):
        raise _fail(path, line, "only one of cds_start/cds_end is given",
                    "give both (coding) or neither (non-coding)")
    tx = Transcript(
        gene=gene,
        refseq=refseq,
        ensembl=rec["ensembl"].strip() or None,
        chrom=chrom,
        strand=strand,
        exons=tuple(exons if strand == 1 else exons[::-1]),
        cds_start=cds_start,
        cds_end=cds_end,
        build=build,
        is_mane=mane == "yes",
    )
    if cds_start is not None and cds_end is not None:
        ix = tx.index
        if cds_end < cds_start:
            raise _fail(path, line, f"cds_end {cds_end} is before cds_start {cds_start}",
                        "swap cds_start and cds_end")
        if ix.cds_n_start is None or ix.cds_n_end is None:
            raise _fail(path, line, f"CDS limit {cds_start} or {cds_end} is not inside an exon",
                        "check the CDS limits against the exons")
        cds_len = ix.cds_n_end - ix.cds_n_start + 1
        if cds_len % 3:
            raise _fail(path, line, f"{refseq} CDS length {cds_len} is not a multiple of 3",
                        "check exon boundaries and CDS limits (stop codon included)")
    return tx


def load_all_transcripts(path: str | Path, build: str) -> list[Transcript]:
    """Every transcript row of a model file (MANE and others), in file order."""
    p = Path(path)
    if not p.is_file():
        raise InputError(p, "transcript model file not found",
                         "point 'transcripts' to resources/transcripts/mane_select.<build>.tsv")
    numbered = [
        (i, ln) for i, ln in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if ln.strip() and not ln.startswith("#")
    ]
    if not numbered:
        raise InputError(p, "no header and no transcripts", "see resources/transcripts/README.md")
    reader = csv.reader([ln for _, ln in numbered], delimiter="\t")
    cols = next(reader)
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise InputError(p, f"header lacks column(s) {', '.join(missing)}",
                         "use the columns described in resources/transcripts/README.md",
                         where=f"line {numbered[0][0]}")
    out: list[Transcript] = []
    seen: set[str] = set()
    for (lineno, _), row in zip(numbered[1:], reader, strict=True):
        if len(row) != len(cols):
            raise _fail(p, lineno, f"{len(row)} fields where the header has {len(cols)}",
                        "separate columns with one tab each")
        tx = _row_to_transcript(p, lineno, dict(zip(cols, row, strict=True)), build)
        if tx.refseq in seen:
            raise _fail(p, lineno, f"transcript {tx.refseq} is listed twice",
                        "keep one row per transcript")
        seen.add(tx.refseq)
        out.append(tx)
    return out


def load_transcript_models(path: str | Path, build: str) -> dict[str, Transcript]:
    """MANE Select model of each gene, keyed by gene symbol.

    Rows with ``is_mane=no`` are validated but not returned here (see ``load_other_transcripts``).
    Raises InputError when a gene has no MANE row or two of them.
    """
    p = Path(path)
    models: dict[str, Transcript] = {}
    genes: set[str] = set()
    for tx in load_all_transcripts(p, build):
        genes.add(tx.gene)
        if not tx.is_mane:
            continue
        if tx.gene in models:
            raise InputError(p, f"gene {tx.gene} has two MANE rows "
                             f"({models[tx.gene].refseq}, {tx.refseq})",
                             "mark one of them is_mane=no")
        models[tx.gene] = tx
    lacking = sorted(genes - set(models))
    if lacking:
        raise InputError(p, f"gene(s) {', '.join(lacking)} have no is_mane=yes row",
                         "mark the MANE Select transcript of each gene is_mane=yes")
    return models


def load_other_transcripts(path: str | Path, build: str) -> dict[str, list[Transcript]]:
    """Non-MANE transcripts (``is_mane=no``) by gene symbol; empty lists are omitted."""
    out: dict[str, list[Transcript]] = {}
    for tx in load_all_transcripts(path, build):
        if not tx.is_mane:
            out.setdefault(tx.gene, []).append(tx)
    return out


def transcripts_at(models: dict[str, Transcript], chrom: str, pos: int,
                   flank: int = 0) -> list[Transcript]:
    """Models whose extent (widened by ``flank`` on each side) contains ``chrom:pos``."""
    c = chrom[3:] if chrom.lower().startswith("chr") else chrom
    return [t for t in models.values()
            if t.chrom == c and t.start - flank <= pos <= t.end + flank]
