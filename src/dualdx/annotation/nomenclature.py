"""HGVS naming: c./n. positions and descriptions, and p. descriptions of a predicted protein change.

This module only *names* what :mod:`dualdx.annotation.consequence` *predicts* (it reads no
sequence and decides no consequence). Rules: HGVS Nomenclature (varnomen), summarised with
citations in ``shared/data/formats/HGVS_RULES.md``, and checked against ClinVar's own HGVS:

- c. numbering: c.1 is the A of ATG, the last coding base is the last base of the stop codon;
  5'UTR ``c.-N``, 3'UTR ``c.*N``; intronic ``c.87+1`` / ``c.88-1`` from the nearest exon base
  (the centre base of an odd-length intron counts from the upstream exon). Non-coding: ``n.``.
- Deleted bases are not written (``c.1559del``); a tandem copy of the 5' flank is ``dup``;
  ``ins`` names its two flanking positions; a base the sample shares with the transcript where
  the genome differs is ``c.330=``.
- Protein descriptions are predictions, so they are parenthesised; three-letter amino acids,
  the stop is ``Ter`` everywhere (``p.(Trp270Ter)``, ``p.(Leu520ArgfsTer86)``,
  ``p.(Ter525GlnextTer17)``), as in ClinVar's HGVS; a synonymous change names its residue
  (``p.(Ser110=)``); ``p.(Met1?)`` for a predicted start loss, ``p.?`` for an unknown effect.
  In ``fsTerN`` and ``extTerN`` the first changed residue is counted as position 1.

Not named after (and not a replacement for) the biocommons ``hgvs`` package: that package parses,
validates and maps HGVS against UTA; here only the descriptions the annotator emits are written.
"""

from __future__ import annotations

from dataclasses import dataclass

from dualdx.knowledge.transcripts import Transcript, TranscriptIndex

AA3: dict[str, str] = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
    "U": "Sec", "X": "Xaa",
}
STOP = AA3["*"]


def aa3(one_letter: str) -> str:
    """Three-letter code of one amino acid ('*' -> 'Ter'; unknown -> 'Xaa')."""
    return AA3.get(one_letter, "Xaa")


def aas3(seq: str) -> str:
    """Three-letter codes of a one-letter peptide, concatenated."""
    return "".join(aa3(a) for a in seq)


# ---------------------------------------------------------------------------------------------
# c. / n.


def _n_to_c(ix: TranscriptIndex, n: int) -> str:
    cs, ce = ix.cds_n_start, ix.cds_n_end
    if cs is None or ce is None:
        return str(n)
    if n < cs:
        return f"-{cs - n}"
    if n > ce:
        return f"*{n - ce}"
    return str(n - cs + 1)


def hgvs_position(tx: Transcript, x: int) -> str:
    """c. (or n.) position string of an oriented position ``x = strand * genomic``."""
    ix = tx.index
    k, kind = ix.locate(x)
    if kind == 0:
        return _n_to_c(ix, ix.n_of(x, k))
    if kind == 1:
        d5 = x - ix.x_ends[k]
        d3 = ix.x_starts[k + 1] - x
        if d5 <= d3:
            return f"{_n_to_c(ix, ix.n_of(ix.x_ends[k], k))}+{d5}"
        return f"{_n_to_c(ix, ix.n_starts[k + 1])}-{d3}"
    if kind == 2:
        return _n_to_c(ix, 1 - (ix.x_starts[0] - x))
    return _n_to_c(ix, ix.length + (x - ix.x_ends[-1]))


def genomic_to_c(tx: Transcript, pos: int) -> str:
    """c. position string of a genomic position (without the 'c.' prefix)."""
    return hgvs_position(tx, tx.strand * pos)


def format_c(tx: Transcript, x1: int, x2: int, ref: str, alt: str, dup: bool) -> str:
    """``c.``/``n.`` description of replacing oriented positions ``x1..x2`` (bases ``ref``, in
    transcript sense; ``x2 = x1 - 1`` and ``ref == ''`` for an insertion before ``x1``) by ``alt``.
    ``dup``: the inserted bases copy the 5'-flanking ones (an insertion only)."""
    p = hgvs_position
    prefix = "c." if tx.coding else "n."
    if not ref:
        if dup:
            m = len(alt)
            if m == 1:
                return f"{prefix}{p(tx, x1 - 1)}dup"
            return f"{prefix}{p(tx, x1 - m)}_{p(tx, x1 - 1)}dup"
        return f"{prefix}{p(tx, x1 - 1)}_{p(tx, x1)}ins{alt}"
    rng = p(tx, x1) if x1 == x2 else f"{p(tx, x1)}_{p(tx, x2)}"
    if ref == alt:
        return f"{prefix}{rng}="
    if not alt:
        return f"{prefix}{rng}del"
    if len(ref) == 1 and len(alt) == 1:
        return f"{prefix}{rng}{ref}>{alt}"
    return f"{prefix}{rng}delins{alt}"


# ---------------------------------------------------------------------------------------------
# p.


@dataclass(frozen=True)
class ProteinChange:
    """A predicted protein change, in one-letter residues, as the consequence module found it.

    ``kind``: ``start_lost``, ``unknown``, ``unchanged`` (synonymous or stop retained),
    ``substitution`` (missense or nonsense), ``extension`` (stop lost), ``frameshift``,
    ``deletion``, ``duplication``, ``insertion``, ``delins``. ``pos`` is the first changed residue
    (1-based); ``ref``/``alt`` the reference and new residues of the changed block; ``new_stop``
    the position of the new stop counted from ``pos`` as 1 (None: no stop before the sequence
    ends); for an insertion ``ref`` holds the two flanking residues and ``pos`` the left one.
    """

    kind: str
    pos: int = 1
    ref: str = ""
    alt: str = ""
    new_stop: int | None = None


def format_p(ch: ProteinChange) -> str:
    """HGVS p. description (predicted, so parenthesised) of ``ch``."""
    pos, ref, alt = ch.pos, ch.ref, ch.alt
    if ch.kind == "start_lost":
        return "p.(Met1?)"
    if ch.kind == "unknown":
        return "p.?"
    if ch.kind == "unchanged":
        return f"p.({aa3(ref)}{pos}=)"
    if ch.kind == "substitution":
        return f"p.({aa3(ref)}{pos}{aa3(alt)})"
    n = "?" if ch.new_stop is None else str(ch.new_stop)
    if ch.kind == "extension":
        return f"p.({STOP}{pos}{aa3(alt)}ext{STOP}{n})"
    if ch.kind == "frameshift":
        return f"p.({aa3(ref)}{pos}{aa3(alt)}fs{STOP}{n})"
    last = pos + len(ref) - 1
    loc = f"{aa3(ref[0])}{pos}_{aa3(ref[-1])}{last}" if len(ref) > 1 else f"{aa3(ref)}{pos}"
    if ch.kind == "deletion":
        return f"p.({loc}del)"
    if ch.kind == "duplication":
        return f"p.({loc}dup)"
    if ch.kind == "insertion":
        return f"p.({aa3(ref[0])}{pos}_{aa3(ref[1])}{pos + 1}ins{aas3(alt)})"
    if ch.kind == "delins":
        return f"p.({loc}delins{aas3(alt)})"
    raise ValueError(f"unknown protein change kind {ch.kind!r}")
