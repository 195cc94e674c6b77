"""Variant consequence on a transcript: SO terms, the predicted protein change, NMD.

The prediction lives here; writing it down as HGVS c./p. is :mod:`dualdx.annotation.nomenclature`,
positions and the 3' shift in transcript coordinates are :mod:`dualdx.annotation.transcript_position`,
the protein a coding change predicts is :mod:`dualdx.annotation.protein_effect`.
:func:`annotate_transcript` does both and returns one ``TranscriptConsequence``.

Conventions (HGVS Nomenclature, varnomen):
- Indels are shifted 3' in the transcript direction before formatting, but only when the reference
  sequence is known (genome FASTA, or the mRNA for exonic positions) and never across an
  exon/intron boundary (as biocommons ``hgvs`` does by default). Without sequence the given
  position is kept and a note says so.
- Deleted bases are not written (``c.1559del``); a tandem copy of the 5' flank is ``dup``.
- Protein descriptions (named by ``nomenclature``) are predictions, so they are parenthesised:
  ``p.(Ala179Thr)``, ``p.(Arg71Ter)``, ``p.(Gly5ValfsTer12)``, ``p.(Ser110=)``, ``p.(Met1?)``,
  ``p.(Ter525GlnextTer17)``.
- Where the transcript sequence and the genome differ at the variant's base (typically a genome
  REF that is a minor allele the RefSeq transcript does not carry, as on GRCh37), c. and p.
  follow the transcript: the transcript's base is the reference of the description, and a sample
  allele equal to it is written ``c.330=``. A note says so. This is decided for SNVs when the
  genome confirms REF, or, with only the transcript known, when ALT is the transcript's base;
  any other REF that disagrees with the sequence is reported as a mismatch, not described.
- Amino acids are only ever derived from a reference sequence; without one ``hgvs_p`` is None
  and ``protein_effect_determined`` is False.
- NMD rule: a premature stop codon whose first base lies more than 50 nt upstream of the last
  exon-exon junction (i.e. not in the last exon and not in the 3'-most 50 nt of the penultimate
  exon) is predicted to trigger nonsense-mediated decay.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from dualdx.annotation.nomenclature import format_c, genomic_to_c, hgvs_position
from dualdx.annotation.protein_effect import (
    START_LOST,
    ProteinEffect,
    protein_effect,
    reference_protein,
    translate,
)
from dualdx.annotation.transcript_position import (
    OrientedSequence,
    OrientedVariant,
    clean_allele,
    region_of,
    shift_3prime,
    trim_alleles,
)
from dualdx.core.errors import InputError
from dualdx.core.model import TranscriptConsequence
from dualdx.knowledge.sequence import GenomeSequence, TranscriptSequences, revcomp
from dualdx.knowledge.transcripts import Transcript, TranscriptIndex

__all__ = ["SEVERITY_ORDER", "SEVERITY_RANK", "annotate_transcript", "genomic_to_c", "has_sequence",
           "join_consequences", "most_severe_consequence", "region_of", "translate",
           "trim_alleles"]

# Severity order of Ensembl VEP (most severe first), restricted to terms this module can emit
# plus the common others so that terms from elsewhere can be ranked too.
SEVERITY_ORDER: tuple[str, ...] = (
    "transcript_ablation",
    "splice_acceptor_variant",
    "splice_donor_variant",
    "stop_gained",
    "frameshift_variant",
    "stop_lost",
    "start_lost",
    "transcript_amplification",
    "feature_elongation",
    "feature_truncation",
    "inframe_insertion",
    "inframe_deletion",
    "missense_variant",
    "protein_altering_variant",
    "splice_donor_5th_base_variant",
    "splice_region_variant",
    "splice_donor_region_variant",
    "splice_polypyrimidine_tract_variant",
    "incomplete_terminal_codon_variant",
    "start_retained_variant",
    "stop_retained_variant",
    "synonymous_variant",
    "coding_sequence_variant",
    "mature_miRNA_variant",
    "5_prime_UTR_variant",
    "3_prime_UTR_variant",
    "non_coding_transcript_exon_variant",
    "intron_variant",
    "NMD_transcript_variant",
    "non_coding_transcript_variant",
    "coding_transcript_variant",
    "upstream_gene_variant",
    "downstream_gene_variant",
    "TFBS_ablation",
    "TFBS_amplification",
    "TF_binding_site_variant",
    "regulatory_region_ablation",
    "regulatory_region_amplification",
    "regulatory_region_variant",
    "intergenic_variant",
    "sequence_variant",
)
SEVERITY_RANK: dict[str, int] = {t: i for i, t in enumerate(SEVERITY_ORDER)}
_UNKNOWN_RANK = len(SEVERITY_ORDER)

UP_DOWN_DISTANCE = 5000  # bp, VEP default for upstream/downstream_gene_variant


def most_severe_consequence(terms: Iterable[str]) -> str:
    """The most severe SO term (VEP order); terms may be '&'-joined. '' for no terms."""
    flat = [t for term in terms for t in term.split("&") if t]
    if not flat:
        return ""
    return min(flat, key=lambda t: SEVERITY_RANK.get(t, _UNKNOWN_RANK))


def join_consequences(terms: Iterable[str]) -> str:
    """Unique terms, most severe first, joined with '&'."""
    uniq = set(terms)
    return "&".join(sorted(uniq, key=lambda t: (SEVERITY_RANK.get(t, _UNKNOWN_RANK), t)))


# ---------------------------------------------------------------------------------------------
# Location-based terms


def _splice_terms(ix: TranscriptIndex, a: int, b: int, ins: bool) -> set[str]:
    """Splice-site terms for oriented span a..b (for an insertion: its two flanks)."""
    out: set[str] = set()
    n_ex = len(ix.x_starts)
    k_lo = max(0, bisect_right(ix.x_starts, a) - 2)
    k_hi = min(n_ex - 2, bisect_right(ix.x_starts, b))
    for k in range(k_lo, k_hi + 1):
        e_end = ix.x_ends[k]  # last base of exon k
        n_start = ix.x_starts[k + 1]  # first base of exon k+1
        if ins:
            # an insertion disrupts a dinucleotide when it falls inside it or between it and
            # the exon it belongs to
            if e_end <= a <= e_end + 1:
                out.add("splice_donor_variant")
            elif n_start - 2 <= a <= n_start - 1:
                out.add("splice_acceptor_variant")
            elif e_end - 3 <= a <= e_end + 8 or n_start - 9 <= a <= n_start + 2:
                out.add("splice_region_variant")
            continue
        if a <= e_end + 2 and b >= e_end + 1:
            out.add("splice_donor_variant")
        if a <= n_start - 1 and b >= n_start - 2:
            out.add("splice_acceptor_variant")
        if (a <= e_end + 8 and b >= e_end + 3) or (a <= e_end and b >= e_end - 2) or \
                (a <= n_start - 3 and b >= n_start - 8) or (a <= n_start + 2 and b >= n_start):
            out.add("splice_region_variant")
    return out


def _mrna_for(tx: Transcript, genome: GenomeSequence | None,
              tx_seqs: TranscriptSequences | None, notes: list[str]) -> str | None:
    if tx_seqs is not None:
        m = tx_seqs.get(tx.refseq)
        if m is not None:
            if len(m) == tx.length:
                return m
            notes.append(f"{tx.refseq} sequence is {len(m)} nt but the model's exons sum to "
                         f"{tx.length} nt: transcript sequence not used")
        elif genome is None:
            notes.append(f"{tx.refseq} is not in the transcript sequence file")
    if genome is not None and genome.has_contig(tx.chrom):
        try:
            m = genome.mrna(tx)
        except InputError:  # a slice FASTA (panel slices) that does not hold this gene
            notes.append(f"{tx.refseq} is not covered by the reference FASTA's slices")
            return None
        if len(m) == tx.length and "N" not in m:
            return m
        notes.append(f"{tx.refseq} exons could not be read completely from the genome FASTA")
    return None


def has_sequence(tx: Transcript, genome: GenomeSequence | None,
                 tx_seqs: TranscriptSequences | None) -> bool:
    """Whether the given sequences hold the whole spliced transcript ``tx`` (so its protein
    effects, HGVS p. and 3' shifts can be derived)."""
    return _mrna_for(tx, genome, tx_seqs, []) is not None


def annotate_transcript(chrom: str, pos: int, ref: str, alt: str, tx: Transcript,
                        genome: GenomeSequence | None = None,
                        tx_seqs: TranscriptSequences | None = None) -> TranscriptConsequence:
    """Consequence of one biallelic variant on ``tx``.

    ``ref``/``alt`` may be VCF alleles with an anchor base or bare alleles where one is empty
    ('' / '-' / '.'); the shared suffix then prefix are trimmed. ``pos`` is 1-based on the
    forward strand of ``chrom`` (with or without 'chr'), in the transcript's genome build.
    """
    r = clean_allele(ref, chrom, pos)
    a = clean_allele(alt, chrom, pos)
    gpos, gref, galt = trim_alleles(pos, r, a)
    notes: list[str] = []
    ix = tx.index
    s = tx.strand
    if not gref and not galt:
        return TranscriptConsequence(
            gene=tx.gene, transcript=tx.refseq, ensembl_transcript=tx.ensembl,
            consequence="sequence_variant", hgvs_c=None, hgvs_p=None,
            protein_effect_determined=False, is_mane=tx.is_mane,
            notes=["ref and alt alleles are identical: no change"])
    L = len(gref)
    if s == 1:
        v = OrientedVariant(gpos, gpos + L - 1, gref, galt)
    else:
        v = OrientedVariant(-(gpos + L - 1), -gpos, revcomp(gref), revcomp(galt))

    have_seq = genome is not None or tx_seqs is not None
    seq: OrientedSequence | None = None
    mrna: str | None = None
    ref_ok = True
    if have_seq:
        mrna = _mrna_for(tx, genome, tx_seqs, notes)
        seq = OrientedSequence(tx, genome, mrna)
        if v.ref:
            in_genome = seq.from_genome(v.x1, v.x2)
            in_mrna = seq.from_mrna(v.x1, v.x2)
            known = in_genome if in_genome is not None else in_mrna
            if in_genome is None and in_mrna is not None and in_mrna != v.ref \
                    and len(v.ref) == len(v.alt) == 1 and v.alt == in_mrna:
                known = None  # the genome's REF is not the transcript's base, the ALT is
            elif in_genome == v.ref and in_mrna is not None and in_mrna != v.ref \
                    and len(v.ref) == len(v.alt) == 1:
                known = None  # the genome confirms REF; the transcript has another base
            if known is None and in_mrna is not None and in_mrna != v.ref:
                # The transcript and the genome differ at this base: c. and p. follow the
                # transcript (as ClinVar's and VEP's HGVS on RefSeq transcripts do).
                notes.append(f"the genome has {gref} at {chrom}:{gpos} where {tx.refseq} has "
                             f"{in_mrna if s == 1 else revcomp(in_mrna)} "
                             f"(c.{hgvs_position(tx, v.x1)}): c. and p. are described against "
                             "the transcript")
                v = OrientedVariant(v.x1, v.x2, in_mrna, v.alt)
            elif known is not None and known != v.ref:
                ref_ok = False
                notes.append(f"REF {gref} does not match the reference sequence "
                             f"({known if s == 1 else revcomp(known)}): wrong genome build or "
                             "reference? protein effect not derived")
                seq = None
                mrna = None
    pure_indel = (not v.ref) != (not v.alt)
    dup = False
    if pure_indel:
        if seq is not None:
            v, done = shift_3prime(v, seq)
            if not done:
                notes.append("3' shift (HGVS 3' rule) not applied: reference sequence unknown "
                             "at this position; the given position is kept")
            if v.is_ins:
                m = len(v.alt)
                prev = seq.get(v.x1 - m, v.x1 - 1)
                if prev is not None:
                    dup = prev == v.alt
                else:
                    notes.append("dup vs ins not checked: flanking sequence unknown")
        else:
            notes.append("3' shift (HGVS 3' rule) and dup check not applied: no reference "
                         "sequence; the given position is kept")

    cons: set[str] = set()
    exon_str: str | None = None
    intron_str: str | None = None
    cds_pos: int | None = None
    protein_pos: int | None = None
    ref_aa: str | None = None
    alt_aa: str | None = None
    hgvs_p: str | None = None
    determined = False
    nmd: bool | None = None
    last_exon: bool | None = None
    length_change: int | None = None

    # span of affected oriented positions (insertion: its two flanks)
    a_x, b_x = (v.x1 - 1, v.x1) if v.is_ins else (v.x1, v.x2)
    t_lo, t_hi = ix.x_starts[0], ix.x_ends[-1]
    n_ex = len(ix.x_starts)
    if b_x < t_lo or a_x > t_hi:
        up = b_x < t_lo
        dist = (t_lo - b_x) if up else (a_x - t_hi)
        if dist <= UP_DOWN_DISTANCE:
            cons.add("upstream_gene_variant" if up else "downstream_gene_variant")
        else:
            cons.add("intergenic_variant")
    else:
        if a_x <= t_lo and b_x >= t_hi and not v.is_ins:
            cons.add("transcript_ablation")
        k1 = ix.locate(max(a_x, t_lo))[0]
        k2 = ix.locate(min(b_x, t_hi))[0]
        # exons and introns touched
        ex_hit: list[int] = []
        in_hit: list[int] = []
        for k in range(k1, k2 + 1):
            if ix.x_starts[k] <= b_x and ix.x_ends[k] >= a_x:
                ex_hit.append(k)
            if k < n_ex - 1 and ix.x_ends[k] + 1 <= b_x and ix.x_starts[k + 1] - 1 >= a_x:
                in_hit.append(k)
        if v.is_ins and len(ex_hit) == 1 and in_hit:
            # insertion between an exon's last/first base and the intron: located at the
            # boundary; counted as intronic (splice terms decide the rest)
            ex_hit = []
        if ex_hit:
            e1, e2 = ex_hit[0] + 1, ex_hit[-1] + 1
            exon_str = f"{e1}/{n_ex}" if e1 == e2 else f"{e1}-{e2}/{n_ex}"
            last_exon = ex_hit[-1] == n_ex - 1
        elif in_hit:
            last_exon = False
        if in_hit:
            i1, i2 = in_hit[0] + 1, in_hit[-1] + 1
            intron_str = f"{i1}/{n_ex - 1}" if i1 == i2 else f"{i1}-{i2}/{n_ex - 1}"
        cons |= _splice_terms(ix, a_x, b_x, v.is_ins)
        if in_hit and not cons & {"splice_donor_variant", "splice_acceptor_variant"}:
            cons.add("intron_variant")
        if ex_hit:
            cons |= _exonic_terms(tx, ix, v, ex_hit, in_hit)
            cs, ce = ix.cds_n_start, ix.cds_n_end
            coding = "coding_sequence_variant" in cons
            if coding and cs is not None and ce is not None:
                # n. range of the exonic part touching the CDS
                n_a, n_b = _n_span(ix, v, ex_hit)
                first_cds_n = max(n_a, cs) if not v.is_ins else n_a - 1
                cds_pos = first_cds_n - cs + 1
                protein_pos = (cds_pos - 1) // 3 + 1
                whole_in_one_exon = not in_hit and len(ex_hit) == 1
                if whole_in_one_exon and mrna is not None and ref_ok:
                    rp = reference_protein(tx, mrna)
                    if not rp.ok:
                        notes.append(f"{rp.problem}: protein effect not derived")
                    else:
                        d1 = n_a - cs
                        d2 = d1 - 1 if v.is_ins else n_b - cs
                        if d1 < 0:  # deletion from the 5'UTR into the CDS
                            pe = ProteinEffect(["start_lost"], START_LOST, 1, "Met", None, None,
                                          None)
                        else:
                            pe = protein_effect(rp.protein, mrna, cs, d1, d2, v.alt)
                        cons.discard("coding_sequence_variant")
                        cons.discard("frameshift_variant")
                        cons.discard("inframe_deletion")
                        cons.discard("inframe_insertion")
                        cons.discard("start_lost")
                        cons |= set(pe.terms)
                        hgvs_p, protein_pos = pe.hgvs_p, pe.protein_pos
                        ref_aa, alt_aa = pe.ref_aa, pe.alt_aa
                        length_change = pe.length_change
                        determined = pe.hgvs_p != "p.?"
                        if pe.ptc_cds_index is not None:
                            nmd = _nmd(ix, cs + pe.ptc_cds_index)
                        elif "stop_gained" in pe.terms or "frameshift_variant" in pe.terms:
                            nmd = None
                        if len(cons) > 1 and "coding_sequence_variant" in cons:
                            cons.discard("coding_sequence_variant")
                else:
                    if not whole_in_one_exon:
                        notes.append("variant spans an exon-intron boundary: protein effect "
                                     "not predicted")
                    elif mrna is None:
                        notes.append("protein effect not determined: no reference sequence "
                                     "for this transcript")
                    if "frameshift_variant" in cons:
                        codon_start = cs + ((first_cds_n - cs) // 3) * 3
                        if last_exon or codon_start > _last_junction_n(ix) - 50:
                            nmd = False
                    if whole_in_one_exon:
                        length_change = _inframe_length_change(v, n_a - cs, ce - cs)
    if "coding_sequence_variant" in cons and cons & _SPECIFIC_CODING:
        cons.discard("coding_sequence_variant")
    if not cons:
        cons.add("sequence_variant")
    hgvs_c = format_c(tx, v.x1, v.x2, v.ref, v.alt, dup)
    if not determined and have_seq and hgvs_p is None and "coding_sequence_variant" in cons \
            and ref_ok and mrna is not None:
        hgvs_p = "p.?"
    return TranscriptConsequence(
        gene=tx.gene,
        transcript=tx.refseq,
        ensembl_transcript=tx.ensembl,
        consequence=join_consequences(cons),
        hgvs_c=hgvs_c,
        hgvs_p=hgvs_p,
        protein_effect_determined=determined,
        is_mane=tx.is_mane,
        exon=exon_str,
        intron=intron_str,
        cds_pos=cds_pos,
        protein_pos=protein_pos,
        ref_aa=ref_aa,
        alt_aa=alt_aa,
        nmd_predicted=nmd,
        last_exon=last_exon,
        protein_length_change=length_change,
        notes=notes,
    )


_SPECIFIC_CODING = frozenset({
    "start_lost", "stop_lost", "stop_gained", "frameshift_variant", "inframe_insertion",
    "inframe_deletion", "missense_variant", "synonymous_variant", "stop_retained_variant",
})


def _inframe_length_change(v: OrientedVariant, d1: int, stop_d: int) -> int | None:
    """Amino acids gained/lost by a codon-aligned in-frame pure indel, known without the
    reference sequence (None otherwise). ``d1``: 0-based CDS index of the first deleted base
    (insertion: of the base after it); ``stop_d``: 0-based CDS index of the last stop base."""
    if d1 % 3 or (v.ref and v.alt):
        return None
    if v.ref and len(v.ref) % 3 == 0 and d1 + len(v.ref) - 1 < stop_d - 2:
        return -(len(v.ref) // 3)
    if v.alt and len(v.alt) % 3 == 0 and "*" not in translate(v.alt):
        return len(v.alt) // 3
    return None


def _last_junction_n(ix: TranscriptIndex) -> int:
    """n. position of the last base of the penultimate exon (0 for one-exon transcripts)."""
    return ix.n_starts[-1] - 1 if len(ix.n_starts) > 1 else 0


def _nmd(ix: TranscriptIndex, ptc_n: int) -> bool:
    if len(ix.n_starts) < 2:
        return False
    return ptc_n <= _last_junction_n(ix) - 50


def _n_span(ix: TranscriptIndex, v: OrientedVariant, ex_hit: list[int]) -> tuple[int, int]:
    """n. positions of the first and last exonic base touched (insertion: right flank twice)."""
    if v.is_ins:
        k = ex_hit[0]
        n = ix.n_of(v.x1, k)
        return n, n
    k1, k2 = ex_hit[0], ex_hit[-1]
    a = max(v.x1, ix.x_starts[k1])
    b = min(v.x2, ix.x_ends[k2])
    return ix.n_of(a, k1), ix.n_of(b, k2)


def _exonic_terms(tx: Transcript, ix: TranscriptIndex, v: OrientedVariant, ex_hit: list[int],
                  in_hit: list[int]) -> set[str]:
    """Terms from where the exonic part lies relative to the CDS (no sequence needed)."""
    out: set[str] = set()
    cs, ce = ix.cds_n_start, ix.cds_n_end
    if cs is None or ce is None:
        out.add("non_coding_transcript_exon_variant")
        return out
    n_a, n_b = _n_span(ix, v, ex_hit)
    if v.is_ins:
        left = n_a - 1  # insertion between n. left and left+1
        if left < cs:
            out.add("5_prime_UTR_variant")
            return out
        if left >= ce:
            out.add("3_prime_UTR_variant")
            return out
        out.add("coding_sequence_variant")
        if len(v.alt) % 3:
            out.add("frameshift_variant")
        else:
            out.add("inframe_insertion")
        if left - cs + 1 in (1, 2):
            out.add("start_lost")
        return out
    if n_a < cs:
        out.add("5_prime_UTR_variant")
    if n_b > ce:
        out.add("3_prime_UTR_variant")
    if n_b < cs or n_a > ce:
        return out
    out.add("coding_sequence_variant")
    if in_hit or len(ex_hit) > 1:
        return out
    delta = len(v.alt) - len(v.ref)
    if delta % 3:
        out.add("frameshift_variant")
    elif not v.alt:
        out.add("inframe_deletion")
    elif delta > 0 and not v.ref:
        out.add("inframe_insertion")
    if n_a <= cs + 2:  # a base of the start codon (ATG; a change of it always loses Met)
        out.add("start_lost")
    return out
