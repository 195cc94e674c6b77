"""Consequence of a copy-number or structural variant on the MANE Select transcript.

Which part of the gene a deletion or duplication covers (the whole gene, its 5′ end, its 3′ end,
exons inside it, or an intron only), which exons by number (transcript order, 1-based), where each
breakpoint lies (exon, intron, or outside the gene), how many coding bases it removes or repeats,
whether the reading frame is kept, and whether nonsense-mediated decay (NMD) is predicted.

Decisions, written here because the classification relies on them:

* The event is ``[start, end]`` on the forward strand; the transcript's 5′ breakpoint is the
  event's first base in transcript orientation.
* Frame: the coding bases inside the event (exonic overlap intersected with the CDS). A
  duplication is assumed to lie in tandem, directly after the duplicated segment; whether that is
  proven (``<DUP:TANDEM>``) or presumed is the classification's business.
* NMD: only predicted from a sequence. With the reference genome or the transcript's mRNA the
  mutant transcript (exons removed, or repeated after themselves) is translated from c.1 to its
  first stop codon; NMD is predicted when that stop lies more than 50 nt upstream of the mutant's
  last exon-exon junction (the rule of :mod:`dualdx.annotation.consequence`). Without a sequence
  NMD is *not determined* and the description says so. A breakpoint inside an exon also changes
  splicing there, which is not predicted: the frame is then given with that caveat.
* HGVS: genomic ``NC_…:g.start_enddel`` for precise breakpoints, ``g.(s1_s2)_(e1_e2)del`` with
  the caller's confidence intervals (CIPOS/CIEND), ``g.(?_start)_(end_?)del`` for imprecise calls
  without them (the called segment is the minimal extent). Exon-level ``c.`` for breakpoints in
  introns: ``c.(117+1_118-1)_(1398+1_1399-1)del``; beyond the gene ``c.(?_-57)`` / ``(*120_?)``.
  ``p.0?`` for a deletion of the whole coding sequence, ``p.?`` when coding sequence is changed
  otherwise (HGVS: protein effect unknown), none when it is not.
* Sequence Ontology terms: ``transcript_ablation`` (whole transcript deleted),
  ``transcript_amplification`` (whole transcript duplicated), ``exon_loss_variant`` with
  ``feature_truncation`` and, when coding bases are lost, ``coding_sequence_variant``;
  ``feature_elongation`` (+ ``coding_sequence_variant``) for partial duplications;
  ``5_prime_UTR_variant`` / ``3_prime_UTR_variant`` / ``intron_variant`` /
  ``upstream_gene_variant`` / ``downstream_gene_variant`` when only those are touched.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from dualdx.annotation.consequence import genomic_to_c, region_of, translate
from dualdx.core.genome import REFSEQ_CHROMOSOMES
from dualdx.core.model import normalize_chrom
from dualdx.knowledge.sequence import GenomeSequence, TranscriptSequences
from dualdx.knowledge.transcripts import Transcript

Extent = Literal["whole_gene", "five_prime", "three_prime", "intragenic", "intronic",
                 "outside"]


@dataclass
class Breakpoint:
    pos: int  # genomic position of the first (5′) or last (3′) affected base
    side: Literal["5prime", "3prime"]  # transcript orientation
    region: str  # "intron 4", "exon 5", "upstream of the gene", "downstream of the gene"
    exonic: bool


@dataclass
class CnvConsequence:
    """Effect of one event on one MANE transcript (module doc)."""

    gene: str
    transcript: str
    ensembl_transcript: str | None
    svtype: str  # DEL, DUP, INV, INS
    extent: Extent
    exon_count: int
    exons: list[int]  # exons inside the event (whole), transcript numbering
    partial_exons: list[int]  # exons with a breakpoint inside them
    breakpoints: list[Breakpoint]
    coding_bases: int | None  # coding bases removed or repeated (None: not coding)
    frame: Literal["in_frame", "frameshift"] | None
    removes_start: bool
    removes_stop: bool
    nmd: bool | None
    nmd_basis: str
    protein_length: int | None  # reference protein, amino acids without the stop
    protein_removed_fraction: float | None  # deleted or truncated share of the protein
    consequence: str  # SO terms joined by '&'
    hgvs_g: str
    hgvs_c: str | None
    hgvs_p: str | None
    description: str
    notes: list[str] = field(default_factory=list)

    @property
    def affected_exons(self) -> list[int]:
        return sorted(set(self.exons) | set(self.partial_exons))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ranges(nums: list[int]) -> str:
    """[1, 2, 3, 5] -> '1–3 and 5'."""
    if not nums:
        return ""
    out: list[str] = []
    a = b = nums[0]
    for n in nums[1:]:
        if n == b + 1:
            b = n
            continue
        out.append(f"{a}–{b}" if b > a else str(a))
        a = b = n
    out.append(f"{a}–{b}" if b > a else str(a))
    return out[0] if len(out) == 1 else ", ".join(out[:-1]) + " and " + out[-1]


def exon_text(exons: list[int]) -> str:
    """'exon 5', 'exons 2–5', 'exons 2–3 and 7'."""
    if not exons:
        return "no exon"
    return ("exon " if len(exons) == 1 else "exons ") + _ranges(exons)


def _region(tx: Transcript, x: int) -> tuple[str, bool]:
    ix = tx.index
    k, kind = ix.locate(x)
    if kind == 0:
        return f"exon {k + 1}", True
    if kind == 1:
        return f"intron {k + 1}", False
    return ("upstream of the gene" if kind == 2 else "downstream of the gene"), False


def breakpoint_region(tx: Transcript, pos: int) -> str:
    """'exon 5', 'intron 4', 'upstream of the gene' or 'downstream of the gene' of a genomic
    position (transcript numbering and orientation)."""
    return _region(tx, tx.strand * pos)[0]


def hgvs_g(build: str, chrom: str, start: int, end: int, kind: str, imprecise: bool,
           cipos: tuple[int, int] | None = None, ciend: tuple[int, int] | None = None) -> str:
    """Genomic HGVS-style description of a deletion or duplication (module doc)."""
    acc = REFSEQ_CHROMOSOMES.get(build, {}).get(normalize_chrom(chrom), f"chr{chrom}")
    op = "del" if kind == "DEL" else "dup" if kind == "DUP" else "inv" if kind == "INV" else kind
    if not imprecise:
        return f"{acc}:g.{start}_{end}{op}"
    if cipos is not None and ciend is not None and (cipos != (0, 0) or ciend != (0, 0)):
        return (f"{acc}:g.({start + cipos[0]}_{start + cipos[1]})_"
                f"({end + ciend[0]}_{end + ciend[1]}){op}")
    return f"{acc}:g.(?_{start})_({end}_?){op}"


def _c(tx: Transcript, pos: int) -> str:
    return genomic_to_c(tx, pos)


def _hgvs_c(tx: Transcript, x1: int, x2: int, op: str, exons: list[int], imprecise: bool
            ) -> str | None:
    """Exon-level c. description when both breakpoints are outside exons; precise c. otherwise
    (without the transcript prefix, as the small variants' ``hgvs_c``)."""
    ix = tx.index
    s = tx.strand
    _, kind1 = ix.locate(x1)
    _, kind2 = ix.locate(x2)
    if not imprecise:
        a, b = s * x1, s * x2
        return f"c.{_c(tx, a)}_{_c(tx, b)}{op}"
    if kind1 == 0 or kind2 == 0 or not exons:
        return None  # an imprecise breakpoint inside an exon: no exon-level description
    first, last = exons[0] - 1, exons[-1] - 1  # 0-based exon indices
    if first == 0 and kind1 == 2:
        left = f"(?_{_c(tx, s * ix.x_starts[0])})"
    else:
        left = f"({_c(tx, s * (ix.x_ends[first - 1] + 1))}_{_c(tx, s * (ix.x_starts[first] - 1))})"
    if last == len(ix.x_starts) - 1 and kind2 == 3:
        right = f"({_c(tx, s * ix.x_ends[-1])}_?)"
    else:
        right = f"({_c(tx, s * (ix.x_ends[last] + 1))}_{_c(tx, s * (ix.x_starts[last + 1] - 1))})"
    return f"c.{left}_{right}{op}"


def _mrna(tx: Transcript, genome: GenomeSequence | None,
          tx_seqs: TranscriptSequences | None) -> str | None:
    """The transcript's mRNA when a sequence source holds all of it (checked against the model)."""
    if tx_seqs is not None:
        m = tx_seqs.get(tx.refseq)
        if m is not None and len(m) == tx.length:
            return m.upper()
    if genome is not None and genome.has_contig(tx.chrom):
        try:
            m = genome.mrna(tx)
        except Exception:  # an exon outside the slices of a slice FASTA: not known
            return None
        if len(m) == tx.length and "N" not in m:
            return m
    return None


def _nmd_after(mrna: str, exon_lengths: list[int], cds_start_n: int) -> tuple[bool, str]:
    """NMD of a mutant mRNA given its exon lengths: first stop from c.1, then the 50-nt rule."""
    cds = mrna[cds_start_n - 1:]
    prot = translate(cds, to_stop=True)
    if not prot.endswith("*"):
        return False, "the mutant reading frame meets no stop codon before the transcript end"
    ptc_n = cds_start_n + 3 * (len(prot) - 1)
    if len(exon_lengths) < 2:
        return False, "single-exon mutant transcript"
    last_junction = sum(exon_lengths[:-1])
    if ptc_n <= last_junction - 50:
        return True, (f"the new stop codon (mutant transcript position {ptc_n}) lies more than 50 "
                      "nt upstream of the last exon-exon junction")
    return False, (f"the new stop codon (mutant transcript position {ptc_n}) lies in the last "
                   "exon or within 50 nt of the last exon-exon junction")


def annotate_event(tx: Transcript, build: str, chrom: str, start: int, end: int, svtype: str,
                   imprecise: bool, cipos: tuple[int, int] | None = None,
                   ciend: tuple[int, int] | None = None,
                   genome: GenomeSequence | None = None,
                   tx_seqs: TranscriptSequences | None = None) -> CnvConsequence:
    """Effect of a DEL or DUP (or an INV/INS, described by its breakpoints) on ``tx``."""
    ix = tx.index
    s = tx.strand
    x1, x2 = (start, end) if s == 1 else (-end, -start)
    if svtype == "INS":
        x1 = x2 = s * start
    n_ex = len(ix.x_starts)
    whole = [k for k in range(n_ex) if ix.x_starts[k] >= x1 and ix.x_ends[k] <= x2]
    part = [k for k in range(n_ex) if k not in whole
            and ix.x_starts[k] <= x2 and x1 <= ix.x_ends[k]]
    r1, ex1 = _region(tx, x1)
    r2, ex2 = _region(tx, x2)
    bps = [Breakpoint(s * x1, "5prime", r1, ex1), Breakpoint(s * x2, "3prime", r2, ex2)]
    if x1 <= ix.x_starts[0] and x2 >= ix.x_ends[-1]:
        extent: Extent = "whole_gene"
    elif x2 < ix.x_starts[0] or x1 > ix.x_ends[-1]:
        extent = "outside"
    elif x1 <= ix.x_starts[0]:
        extent = "five_prime"
    elif x2 >= ix.x_ends[-1]:
        extent = "three_prime"
    elif whole or part:
        extent = "intragenic"
    else:
        extent = "intronic"
    cs, ce = ix.cds_n_start, ix.cds_n_end
    coding = 0
    n_lo: int | None = None  # first affected coding n
    removes_start = removes_stop = False
    for k in whole + part:
        a, b = max(x1, ix.x_starts[k]), min(x2, ix.x_ends[k])
        na, nb = ix.n_of(a, k), ix.n_of(b, k)
        if cs is None or ce is None:
            continue
        lo, hi = max(na, cs), min(nb, ce)
        if lo <= hi:
            coding += hi - lo + 1
            n_lo = lo if n_lo is None else min(n_lo, lo)
            removes_start = removes_start or lo <= cs + 2
            removes_stop = removes_stop or hi >= ce - 2
    protein_length = (ce - cs + 1) // 3 - 1 if cs is not None and ce is not None else None
    notes: list[str] = []
    frame: Literal["in_frame", "frameshift"] | None = None
    nmd: bool | None = None
    nmd_basis = "not applicable"
    removed: float | None = None
    kind_word = {"DEL": "Deletion", "DUP": "Duplication", "INV": "Inversion",
                 "INS": "Insertion"}.get(svtype, svtype)
    if svtype in ("DEL", "DUP") and coding and extent == "intragenic" \
            and not (removes_start or removes_stop):
        frame = "in_frame" if coding % 3 == 0 else "frameshift"
        if part:
            notes.append(f"a breakpoint lies inside {exon_text([k + 1 for k in part])}: splicing "
                         "there is changed in a way that is not predicted")
        mrna = _mrna(tx, genome, tx_seqs)
        if frame == "frameshift":
            if mrna is None:
                nmd_basis = "not determined: no reference or transcript sequence configured"
            elif part:
                nmd_basis = "not determined: a breakpoint lies inside an exon"
            else:
                lengths = [ix.x_ends[k] - ix.x_starts[k] + 1 for k in range(n_ex)]
                if svtype == "DEL":
                    mut = "".join(mrna[ix.n_starts[k] - 1:ix.n_starts[k] - 1 + lengths[k]]
                                  for k in range(n_ex) if k not in whole)
                    mut_lengths = [lengths[k] for k in range(n_ex) if k not in whole]
                else:
                    last = whole[-1]
                    seg_lo = ix.n_starts[whole[0]] - 1
                    seg_hi = ix.n_starts[last] - 1 + lengths[last]
                    mut = mrna[:seg_hi] + mrna[seg_lo:seg_hi] + mrna[seg_hi:]
                    mut_lengths = (lengths[:last + 1] + [lengths[k] for k in whole]
                                   + lengths[last + 1:])
                assert cs is not None
                nmd, nmd_basis = _nmd_after(mut, mut_lengths, cs)
        elif frame == "in_frame":
            nmd_basis = "not applicable: the reading frame is kept"
        if protein_length:
            if svtype == "DUP":
                removed = None
            elif frame == "in_frame":
                removed = (coding // 3) / protein_length
            elif n_lo is not None and cs is not None:
                first_codon = (n_lo - cs) // 3 + 1
                removed = (protein_length - first_codon + 1) / protein_length
    op = {"DEL": "del", "DUP": "dup", "INV": "inv", "INS": "ins"}.get(svtype, svtype.lower())
    exons_1 = [k + 1 for k in whole]
    part_1 = [k + 1 for k in part]
    terms: list[str] = []
    if svtype == "DEL":
        if extent == "whole_gene":
            terms = ["transcript_ablation"]
        elif whole or part:
            terms = ["exon_loss_variant", "feature_truncation"] + (
                ["coding_sequence_variant"] if coding else [])
    elif svtype == "DUP":
        if extent == "whole_gene":
            terms = ["transcript_amplification"]
        elif whole or part:
            terms = ["feature_elongation"] + (["coding_sequence_variant"] if coding else [])
    elif svtype in ("INV", "INS") and (ex1 or ex2) and coding:
        terms = ["coding_sequence_variant"]
    if not terms:
        regions = {_utr_or_intron(tx, x) for x in (x1, x2)}
        terms = sorted(regions)
    consequence = "&".join(terms)
    g = hgvs_g(build, chrom, start, end, svtype, imprecise, cipos, ciend)
    c = _hgvs_c(tx, x1, x2, op, exons_1, imprecise) if svtype in ("DEL", "DUP") else None
    p: str | None = None
    if svtype == "DEL" and coding and cs is not None and ce is not None \
            and coding >= ce - cs + 1:
        p = "p.0?"
    elif coding and svtype in ("DEL", "DUP") and extent != "whole_gene":
        p = "p.?"
    desc = _describe(tx, kind_word, extent, exons_1, part_1, n_ex, bps, frame, coding,
                     removes_start, removes_stop, nmd, nmd_basis, svtype)
    return CnvConsequence(tx.gene, tx.refseq, tx.ensembl, svtype, extent, n_ex, exons_1, part_1,
                          bps, coding if coding else None, frame, removes_start, removes_stop,
                          nmd, nmd_basis, protein_length, removed, consequence, g, c, p, desc,
                          notes)


#: The Sequence Ontology term of a breakpoint outside the deleted/duplicated exons, by the
#: transcript region :func:`region_of` (the one owner of "where in a transcript") places it in.
_REGION_TERM = {"upstream": "upstream_gene_variant", "downstream": "downstream_gene_variant",
                "intron": "intron_variant", "5_prime_UTR": "5_prime_UTR_variant",
                "3_prime_UTR": "3_prime_UTR_variant", "CDS": "coding_sequence_variant",
                "non_coding_exon": "non_coding_transcript_exon_variant"}


def _utr_or_intron(tx: Transcript, x: int) -> str:
    """The SO term of transcript coordinate ``x`` (``strand * pos``)."""
    return _REGION_TERM[region_of(tx, tx.strand * x)]


def _describe(tx: Transcript, kind: str, extent: Extent, exons: list[int], part: list[int],
              n_ex: int, bps: list[Breakpoint], frame: str | None, coding: int,
              removes_start: bool, removes_stop: bool, nmd: bool | None, nmd_basis: str,
              svtype: str) -> str:
    """One sentence a counselor reads."""
    gene = f"{tx.gene} ({tx.refseq})"

    def at(region: str) -> str:
        return region if region.endswith("of the gene") else f"in {region}"

    where = f"breakpoints {at(bps[0].region)} and {at(bps[1].region)}" \
        if bps[0].region != bps[1].region else f"both breakpoints {at(bps[0].region)}"
    if svtype in ("INV", "INS"):
        what = "Insertion" if svtype == "INS" else "Inversion"
        place = at(bps[0].region) if svtype == "INS" else where
        return (f"{what} at {tx.gene} ({tx.refseq}), {place}; not interpreted (the CNV "
                "framework covers copy-number losses and gains).")
    if extent == "whole_gene":
        return f"{kind} of the whole {tx.gene} gene ({tx.refseq}, all {n_ex} exons)."
    if extent == "outside":
        return f"{kind} next to {gene}, {where}; no exon of the gene is affected."
    if extent == "intronic":
        return f"{kind} within {bps[0].region} of {gene}; no exon is affected."
    affected = sorted(set(exons) | set(part))
    text = f"{kind} of {exon_text(affected)} of {n_ex} of {gene}"
    if extent == "five_prime":
        text += ", including the 5′ end of the gene"
    elif extent == "three_prime":
        text += ", including the 3′ end of the gene"
    text += f"; {where}"
    if part:
        text += f" ({exon_text(part)} only in part)"
    extra: list[str] = []
    if removes_start:
        extra.append("removes the start codon")
    if removes_stop:
        extra.append("removes the stop codon")
    if frame == "in_frame":
        extra.append(f"in frame ({coding} coding bases, {coding // 3} codons)")
    elif frame == "frameshift":
        extra.append(f"out of frame ({coding} coding bases)")
        if nmd is True:
            extra.append("nonsense-mediated decay predicted")
        elif nmd is False:
            extra.append("nonsense-mediated decay not predicted: " + nmd_basis)
        else:
            extra.append("nonsense-mediated decay " + nmd_basis)
    elif not coding:
        extra.append("no coding base affected")
    if svtype == "DUP" and extent == "intragenic":
        extra.append("effect computed for a tandem copy")
    return text + ("; " + "; ".join(extra) if extra else "") + "."
