"""HGVS naming (dualdx.annotation.nomenclature): every p. form the annotator emits, spelt as
HGVS recommends and as ClinVar writes it (three-letter residues, Ter for the stop)."""

from __future__ import annotations

import pytest

from dualdx.annotation.nomenclature import ProteinChange, aa3, aas3, format_c, format_p
from dualdx.knowledge.transcripts import Transcript

SYN = Transcript("SYN", "NM_900001.1", None, "Z", 1, ((11, 40), (61, 90), (111, 150)),
                 21, 120, "GRCh38")


@pytest.mark.parametrize(("change", "text"), [
    (ProteinChange("substitution", 270, "W", "*"), "p.(Trp270Ter)"),
    (ProteinChange("substitution", 191, "E", "K"), "p.(Glu191Lys)"),
    (ProteinChange("unchanged", 110, "S", "S"), "p.(Ser110=)"),
    (ProteinChange("unchanged", 525, "*", "*"), "p.(Ter525=)"),
    (ProteinChange("frameshift", 520, "L", "R", 86), "p.(Leu520ArgfsTer86)"),
    (ProteinChange("frameshift", 5, "G", "V", None), "p.(Gly5ValfsTer?)"),
    (ProteinChange("extension", 525, "*", "Q", 17), "p.(Ter525GlnextTer17)"),
    (ProteinChange("start_lost"), "p.(Met1?)"),
    (ProteinChange("unknown"), "p.?"),
    (ProteinChange("deletion", 4, "K"), "p.(Lys4del)"),
    (ProteinChange("deletion", 4, "KKG"), "p.(Lys4_Gly6del)"),
    (ProteinChange("duplication", 4, "K"), "p.(Lys4dup)"),
    (ProteinChange("insertion", 1, "MA", "W"), "p.(Met1_Ala2insTrp)"),
    (ProteinChange("delins", 5, "KG", "W*"), "p.(Lys5_Gly6delinsTrpTer)"),
])
def test_format_p(change: ProteinChange, text: str) -> None:
    assert format_p(change) == text


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown protein change kind"):
        format_p(ProteinChange("inversion", 3, "A", "G"))


def test_residue_codes() -> None:
    assert aa3("*") == "Ter" and aa3("B") == "Xaa" and aas3("MW*") == "MetTrpTer"


def test_format_c_forms() -> None:
    # c.1 = genomic 21 (exon 1 11-40, CDS 21-120)
    assert format_c(SYN, 24, 24, "G", "A", dup=False) == "c.4G>A"
    assert format_c(SYN, 24, 24, "A", "A", dup=False) == "c.4="
    assert format_c(SYN, 24, 26, "GCC", "", dup=False) == "c.4_6del"
    assert format_c(SYN, 25, 24, "", "C", dup=True) == "c.4dup"
    assert format_c(SYN, 25, 24, "", "TT", dup=False) == "c.4_5insTT"
    assert format_c(SYN, 24, 25, "GC", "TT", dup=False) == "c.4_5delinsTT"
    assert format_c(SYN, 42, 42, "T", "C", dup=False) == "c.20+2T>C"
