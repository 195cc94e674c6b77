"""The protein a coding change predicts: the genetic code, the reference protein of a transcript
(cached, checked for a whole CDS with start and stop) and the effect of a change in the CDS
(missense, nonsense, frameshift with its new stop, in-frame indels, stop loss, start loss). Used by
:mod:`dualdx.annotation.consequence`; named as HGVS p. by :mod:`dualdx.annotation.nomenclature`."""

from __future__ import annotations

from dataclasses import dataclass

from dualdx.annotation.nomenclature import ProteinChange, aa3, aas3, format_p
from dualdx.knowledge.transcripts import Transcript


def _codon_table() -> dict[str, str]:
    bases = "TCAG"
    aas = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
    table: dict[str, str] = {}
    i = 0
    for a in bases:
        for b in bases:
            for c in bases:
                table[a + b + c] = aas[i]
                i += 1
    return table


CODONS: dict[str, str] = _codon_table()


def translate(seq: str, to_stop: bool = False) -> str:
    """Standard-code translation of whole codons; unknown codons give 'X'."""
    out: list[str] = []
    get = CODONS.get
    for i in range(0, len(seq) - 2, 3):
        aa = get(seq[i:i + 3], "X")
        out.append(aa)
        if to_stop and aa == "*":
            break
    return "".join(out)



# ---------------------------------------------------------------------------------------------
# Reference protein cache


@dataclass(frozen=True)
class RefProtein:
    protein: str  # one-letter, ending with '*'
    ok: bool
    problem: str | None


_PROTEIN_CACHE: dict[tuple[str, int, int, int], RefProtein] = {}


def reference_protein(tx: Transcript, mrna: str) -> RefProtein:
    ix = tx.index
    cs, ce = ix.cds_n_start, ix.cds_n_end
    assert cs is not None and ce is not None
    key = (tx.refseq, cs, ce, hash(mrna))
    hit = _PROTEIN_CACHE.get(key)
    if hit is not None:
        return hit
    cds = mrna[cs - 1:ce]
    prot = translate(cds)
    problem: str | None = None
    if len(cds) % 3:
        problem = f"CDS of {tx.refseq} from the sequence is not a multiple of 3"
    elif not prot.endswith("*"):
        problem = f"CDS of {tx.refseq} from the sequence does not end in a stop codon"
    elif "*" in prot[:-1]:
        problem = f"CDS of {tx.refseq} from the sequence has an internal stop codon"
    elif cds[:3] != "ATG":
        problem = f"CDS of {tx.refseq} from the sequence does not start with ATG"
    res = RefProtein(prot, problem is None, problem)
    if len(_PROTEIN_CACHE) > 256:
        _PROTEIN_CACHE.clear()
    _PROTEIN_CACHE[key] = res
    return res


# ---------------------------------------------------------------------------------------------
# Protein effect


@dataclass
class ProteinEffect:
    terms: list[str]
    change: ProteinChange
    protein_pos: int | None
    ref_aa: str | None  # three-letter code(s)
    alt_aa: str | None
    length_change: int | None
    ptc_cds_index: int | None  # 0-based CDS index of the first base of a premature stop

    @property
    def hgvs_p(self) -> str:
        return format_p(self.change)


START_LOST = ProteinChange("start_lost")


def protein_effect(ref_prot: str, mrna: str, cs: int, d1: int, d2: int,
                    ins: str) -> ProteinEffect:
    """Effect of replacing CDS bases d1..d2 (0-based CDS coordinates; d2 = d1-1 for an
    insertion) with ``ins``, on a CDS starting at n. position ``cs`` of ``mrna``."""
    ext = mrna[cs - 1:]
    alt_ext = ext[:d1] + ins + ext[d2 + 1:]
    delta = len(ins) - (d2 - d1 + 1)
    frameshift = delta % 3 != 0
    ref_len = len(ref_prot)  # includes '*'
    stop_index = ref_len - 1
    touches_start = d1 <= 2
    # start codon
    if touches_start and alt_ext[:3] != "ATG":
        terms = ["start_lost"]
        if frameshift:
            terms.append("frameshift_variant")
        elif delta < 0:
            terms.append("inframe_deletion")
        elif delta > 0:
            terms.append("inframe_insertion")
        return ProteinEffect(terms, START_LOST, 1, "Met", None, None, None)
    k0 = d1 // 3
    if frameshift:
        tail = translate(alt_ext[k0 * 3:], to_stop=True)
        alt_prot = ref_prot[:k0] + tail
    else:
        kr_end = -(-(d2 + 1) // 3)
        ka_end = kr_end + delta // 3
        mid = translate(alt_ext[k0 * 3:ka_end * 3])
        if "*" in mid:
            alt_prot = ref_prot[:k0] + mid[:mid.index("*") + 1]
        elif kr_end <= stop_index:
            alt_prot = ref_prot[:k0] + mid + ref_prot[kr_end:]
        else:  # the reference stop codon was inside the changed block: read on
            alt_prot = ref_prot[:k0] + mid + translate(alt_ext[ka_end * 3:], to_stop=True)
    # first difference
    i = k0
    n_alt = len(alt_prot)
    while i < ref_len and i < n_alt and ref_prot[i] == alt_prot[i]:
        i += 1
    has_stop = alt_prot.endswith("*")
    if i >= ref_len and i >= n_alt:
        touches_stop = d2 >= stop_index * 3 and d1 <= stop_index * 3 + 2
        term = "stop_retained_variant" if touches_stop else "synonymous_variant"
        codon = min(d1 // 3, stop_index)
        res = ref_prot[codon]
        return ProteinEffect([term], ProteinChange("unchanged", codon + 1, res, res), codon + 1,
                        aa3(res), aa3(res), 0, None)
    if i >= n_alt:  # alt ran out of sequence without a stop before differing
        return ProteinEffect(["frameshift_variant" if frameshift else "coding_sequence_variant"],
                        ProteinChange("unknown"), i + 1,
                        aa3(ref_prot[i]) if i < ref_len else None, None, None, None)
    r_i = ref_prot[i] if i < ref_len else None
    a_i = alt_prot[i]
    pos = i + 1
    new_stop = alt_prot.index("*") if has_stop else None
    n_to_stop = new_stop - i + 1 if new_stop is not None else None
    if r_i == "*":  # the stop codon is changed: extension
        terms = ["stop_lost"]
        if frameshift:
            terms.append("frameshift_variant")
        change = (new_stop - stop_index) if new_stop is not None else None
        return ProteinEffect(terms, ProteinChange("extension", pos, "*", a_i, n_to_stop), pos,
                        aa3("*"), aa3(a_i), change, None)
    assert r_i is not None
    if frameshift:
        if a_i == "*":  # a nonsense change is a substitution, never fsTer1
            return ProteinEffect(["frameshift_variant"], ProteinChange("substitution", pos, r_i, "*"),
                            pos, aa3(r_i), aa3("*"), None, i * 3)
        ptc = new_stop * 3 if new_stop is not None else None
        return ProteinEffect(["frameshift_variant"],
                        ProteinChange("frameshift", pos, r_i, a_i, n_to_stop), pos,
                        aa3(r_i), aa3(a_i), None, ptc)
    # in frame
    if new_stop is not None and new_stop < stop_index + delta // 3:
        change = new_stop - stop_index
        if a_i == "*":
            return ProteinEffect(["stop_gained"], ProteinChange("substitution", pos, r_i, "*"), pos,
                            aa3(r_i), aa3("*"), change, i * 3)
        rb = ref_prot[i:new_stop + 1]
        ab = alt_prot[i:new_stop + 1]
        return ProteinEffect(["stop_gained"], ProteinChange("delins", pos, rb, ab), pos, aa3(r_i),
                        aa3(a_i), change, new_stop * 3)
    # strip the common suffix (not into the common prefix)
    rr, ar = ref_prot[i:], alt_prot[i:]
    j = 0
    while j < len(rr) and j < len(ar) and rr[-1 - j] == ar[-1 - j]:
        j += 1
    rb, ab = rr[:len(rr) - j], ar[:len(ar) - j]
    change = len(alt_prot) - len(ref_prot)
    if len(rb) == 1 and len(ab) == 1:
        return ProteinEffect(["missense_variant"], ProteinChange("substitution", pos, rb, ab), pos,
                        aa3(rb), aa3(ab), 0, None)
    if not ab:
        return ProteinEffect(["inframe_deletion"], ProteinChange("deletion", pos, rb), pos, aas3(rb),
                        None, change, None)
    if not rb:
        # insertion between residues i (1-based pos-1) and i+1 (pos)
        m = len(ab)
        if i - m >= 0 and ref_prot[i - m:i] == ab:
            ch = ProteinChange("duplication", i - m + 1, ab)
        else:
            ch = ProteinChange("insertion", i, ref_prot[i - 1:i + 1], ab)
        return ProteinEffect(["inframe_insertion"], ch, pos, None, aas3(ab), change, None)
    term = ("missense_variant" if change == 0 else
            "inframe_deletion" if change < 0 else "inframe_insertion")
    return ProteinEffect([term], ProteinChange("delins", pos, rb, ab), pos, aas3(rb), aas3(ab),
                    change, None)


