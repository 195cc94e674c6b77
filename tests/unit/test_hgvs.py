"""Consequences, HGVS c. and p. (dualdx.annotation.consequence).

Independent expectations: biocommons/hgvs ClinVar vectors (hgvs_dual_build_pairs.tsv), the
NM_000478.6 mRNA with hgvs-weaver's exon mapping (amino acids derived here with the NCBI
translation table 1, not with the code under test), and a small hand-built synthetic gene whose
expected descriptions were worked out by hand (see the layout comment below).
"""

from __future__ import annotations

import re
from pathlib import Path

import pysam
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualdx.annotation.consequence import (
    annotate_transcript,
    genomic_to_c,
    join_consequences,
    most_severe_consequence,
    trim_alleles,
)
from dualdx.core.errors import InputError
from dualdx.knowledge.sequence import GenomeSequence, TranscriptSequences
from dualdx.knowledge.transcripts import Transcript, load_transcript_models

REPO = Path(__file__).resolve().parents[2]
MODELS = {b: REPO / "resources" / "transcripts" / f"mane_select.{b}.tsv"
          for b in ("GRCh38", "GRCh37")}

# ---------------------------------------------------------------------------------------------
# Independent genetic code (NCBI transl_table=1, written as its four published rows)
_AAS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
_B1 = "TTTTTTTTTTTTTTTTCCCCCCCCCCCCCCCCAAAAAAAAAAAAAAAAGGGGGGGGGGGGGGGG"
_B2 = "TTTTCCCCAAAAGGGGTTTTCCCCAAAAGGGGTTTTCCCCAAAAGGGGTTTTCCCCAAAAGGGG"
_B3 = "TCAGTCAGTCAGTCAGTCAGTCAGTCAGTCAGTCAGTCAGTCAGTCAGTCAGTCAGTCAGTCAG"
NCBI1 = {a + b + c: aa for aa, a, b, c in zip(_AAS, _B1, _B2, _B3, strict=True)}
THREE = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
         "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
         "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter"}


@pytest.fixture(scope="module")
def models() -> dict[str, dict[str, Transcript]]:
    return {b: load_transcript_models(p, b) for b, p in MODELS.items()}


@pytest.fixture(scope="module")
def alpl_seq(test_data: Path) -> TranscriptSequences:
    return TranscriptSequences(test_data / "transcripts" / "NM_000478.6.seq")


# ---------------------------------------------------------------------------------------------
# 1. biocommons/hgvs ClinVar vectors on both builds

_BUILD_OF = {"NC_000001.10": "GRCh37", "NC_000001.11": "GRCh38",
             "NC_000006.11": "GRCh37", "NC_000006.12": "GRCh38",
             "NC_000011.9": "GRCh37", "NC_000011.10": "GRCh38",
             "NC_000016.9": "GRCh37", "NC_000016.10": "GRCh38"}
_CHROM_OF = {"NC_000001": "1", "NC_000006": "6", "NC_000011": "11", "NC_000016": "16"}
_G = re.compile(r"^(NC_\d+)\.(\d+):g\.(\d+)(?:_(\d+))?(.*)$")


def _g_to_alleles(g: str) -> tuple[str, str, int, str, str]:
    """(build, chrom, pos, ref, alt) from a g. HGVS string (bare alleles, '' for none)."""
    m = _G.match(g)
    assert m, g
    acc, ver, start_s, end_s, edit = m.groups()
    start = int(start_s)
    end = int(end_s) if end_s else start
    build = _BUILD_OF[f"{acc}.{ver}"]
    chrom = _CHROM_OF[acc]
    if (s := re.fullmatch(r"([ACGT])>([ACGT])", edit)):
        return build, chrom, start, s.group(1), s.group(2)
    if (s := re.fullmatch(r"del([ACGT]+)ins([ACGT]+)", edit)):
        assert len(s.group(1)) == end - start + 1
        return build, chrom, start, s.group(1), s.group(2)
    if (s := re.fullmatch(r"del([ACGT]+)", edit)):
        assert len(s.group(1)) == end - start + 1
        return build, chrom, start, s.group(1), ""
    if (s := re.fullmatch(r"ins([ACGT]+)", edit)):
        assert end == start + 1
        return build, chrom, end, "", s.group(1)  # inserted before `end`
    raise AssertionError(f"unparsed {g}")


def _current_hgvs(c: str) -> str:
    """Old ClinVar c. spelling -> current HGVS (deleted bases not written)."""
    c = re.sub(r"del[ACGT]+ins", "delins", c)
    return re.sub(r"del[ACGT]+$", "del", c)


def _pair_rows(test_data: Path) -> list[tuple[str, str, list[str], str]]:
    rows = []
    for line in (test_data / "transcripts" / "hgvs_dual_build_pairs.tsv").read_text().splitlines():
        if not line.strip():
            continue
        gene, vid, rest = line.split("\t", 2)
        items = rest.split()
        gs = [x for x in items if ":g." in x]
        cs = [x for x in items if ":c." in x]
        rows.append((gene, vid, gs, cs[-1]))  # compare against the newest listed version
    return rows


def test_dual_build_vectors_reproduce(test_data: Path,
                                      models: dict[str, dict[str, Transcript]]) -> None:
    rows = _pair_rows(test_data)
    assert len(rows) == 8
    checked = 0
    for gene, vid, gs, c_full in rows:
        expected = _current_hgvs(c_full.split(":", 1)[1])
        assert len(gs) == 2, vid
        for g in gs:
            build, chrom, pos, ref, alt = _g_to_alleles(g)
            tx = models[build][gene]
            cons = annotate_transcript(chrom, pos, ref, alt, tx)
            # NM_000478.4/.5, NM_001287.5, NM_014028.3, NM_006019.3 share the CDS numbering
            # of the MANE versions (.6/.6/.4/.4); the vectors agree on both builds.
            assert cons.hgvs_c == expected, (vid, build, g, cons.hgvs_c, c_full)
            assert cons.hgvs_p is None and not cons.protein_effect_determined
            checked += 1
    assert checked == 16


def test_dual_build_vectors_vcf_anchored(test_data: Path,
                                         models: dict[str, dict[str, Transcript]]) -> None:
    """The same deletion given VCF-style with its anchor base (ALPL c.1559del, ClinVar 13674)."""
    tx = models["GRCh38"]["ALPL"]
    cons = annotate_transcript("chr1", 21577631, "CT", "C", tx)
    assert cons.hgvs_c == "c.1559del"
    assert cons.consequence == "frameshift_variant"


# ---------------------------------------------------------------------------------------------
# 2. ALPL coding SNVs from ClinVar: p. derived independently from the mRNA


def _weaver_exons(test_data: Path) -> list[tuple[int, int, int, int]]:
    out = []
    for line in (test_data / "transcripts"
                 / "ALPL_NM_000478.6_exons_GRCh38_hgvs-weaver.tsv").read_text().splitlines():
        if line.startswith(("#", "exon")) or not line.strip():
            continue
        f = line.split("\t")
        out.append((int(f[1]), int(f[2]), int(f[3]), int(f[4])))  # tx 0-based [s,e), ref 0-based
    return out


def _alpl_clinvar(test_data: Path, build: str) -> list[tuple[str, int, str, str]]:
    name = f"clinvar_2016-09_{build}_panel.ncbi-keys.derived.vcf"
    recs = []
    for line in (test_data / "clinvar" / name).read_text().splitlines():
        if line.startswith("#"):
            continue
        f = line.split("\t")
        if "GENEINFO=ALPL:" in f[7]:
            recs.append((f[2], int(f[1]), f[3], f[4]))
    return recs


def test_alpl_clinvar_coding_snvs_protein(test_data: Path, alpl_seq: TranscriptSequences,
                                          models: dict[str, dict[str, Transcript]]) -> None:
    mrna = alpl_seq.get("NM_000478.6")
    assert mrna is not None and len(mrna) == 2536
    exons = _weaver_exons(test_data)
    tx = models["GRCh38"]["ALPL"]
    n_checked = 0
    for vid, pos, ref, alt in _alpl_clinvar(test_data, "GRCh38"):
        if len(ref) != 1 or len(alt) != 1:
            continue
        g0 = pos - 1
        idx = next((ts + g0 - rs for ts, _te, rs, re_ in exons if rs <= g0 <= re_), None)
        if idx is None or not 199 <= idx <= 1773:
            continue
        assert mrna[idx] == ref, vid  # ALPL is on +: genome REF equals the mRNA base
        c = idx - 199 + 1
        k = (c - 1) // 3
        codon = mrna[199 + 3 * k:199 + 3 * k + 3]
        alt_codon = codon[:(c - 1) % 3] + alt + codon[(c - 1) % 3 + 1:]
        r_aa, a_aa = NCBI1[codon], NCBI1[alt_codon]
        exp_p = (f"p.({THREE[r_aa]}{k + 1}=)" if r_aa == a_aa
                 else f"p.({THREE[r_aa]}{k + 1}{THREE[a_aa]})")
        cons = annotate_transcript("chr1", pos, ref, alt, tx, tx_seqs=alpl_seq)
        assert cons.hgvs_c == f"c.{c}{ref}>{alt}", vid
        assert cons.hgvs_p == exp_p, (vid, cons.hgvs_p, exp_p)
        assert cons.protein_effect_determined
        assert cons.protein_pos == k + 1
        exp_term = ("synonymous_variant" if r_aa == a_aa else "stop_gained" if a_aa == "*"
                    else "missense_variant")
        assert exp_term in cons.consequence.split("&"), (vid, cons.consequence)
        n_checked += 1
    assert n_checked >= 25


def test_alpl_clinvar_same_hgvs_on_both_builds(test_data: Path, alpl_seq: TranscriptSequences,
                                               models: dict[str, dict[str, Transcript]]) -> None:
    """Every ALPL record gives the same c./p./consequence on GRCh37 and GRCh38."""
    r37 = {v: (p, r, a) for v, p, r, a in _alpl_clinvar(test_data, "GRCh37")}
    r38 = {v: (p, r, a) for v, p, r, a in _alpl_clinvar(test_data, "GRCh38")}
    assert set(r37) == set(r38) and len(r38) == 37
    for vid, (p38, ref, alt) in r38.items():
        p37, ref37, alt37 = r37[vid]
        a = annotate_transcript("1", p38, ref, alt, models["GRCh38"]["ALPL"], tx_seqs=alpl_seq)
        b = annotate_transcript("1", p37, ref37, alt37, models["GRCh37"]["ALPL"],
                                tx_seqs=alpl_seq)
        assert (a.hgvs_c, a.hgvs_p, a.consequence) == (b.hgvs_c, b.hgvs_p, b.consequence), vid


def test_alpl_splice_donor_from_clinvar(test_data: Path, alpl_seq: TranscriptSequences,
                                        models: dict[str, dict[str, Transcript]]) -> None:
    """ClinVar 13678 (chr1:21564217 G>A) is the first base of intron 6: c.648+1G>A.
    Exon 6 of NM_000478.6 ends at transcript index 846 (hgvs-weaver), c. = 847 - 199 = 648."""
    exons = _weaver_exons(test_data)
    _ts, te, _rs, re_ = exons[5]
    assert re_ + 1 == 21564217 - 1  # 1-based last exon base is 21564216
    c_end = te - 199
    cons = annotate_transcript("1", 21564217, "G", "A", models["GRCh38"]["ALPL"],
                               tx_seqs=alpl_seq)
    assert cons.hgvs_c == f"c.{c_end}+1G>A" == "c.648+1G>A"
    assert cons.consequence == "splice_donor_variant"
    assert cons.intron == "6/11" and cons.exon is None
    assert cons.hgvs_p is None and cons.last_exon is False


def test_alpl_known_frameshift_and_nmd(alpl_seq: TranscriptSequences,
                                       models: dict[str, dict[str, Transcript]]) -> None:
    """c.1559del is the recurrent p.Leu520ArgfsTer86 allele (last exon: no NMD)."""
    tx = models["GRCh38"]["ALPL"]
    cons = annotate_transcript("1", 21577631, "CT", "C", tx, tx_seqs=alpl_seq)
    assert cons.hgvs_c == "c.1559del"
    assert cons.hgvs_p == "p.(Leu520ArgfsTer86)"
    assert cons.consequence == "frameshift_variant"
    assert cons.last_exon is True and cons.nmd_predicted is False
    # without sequence: still a frameshift, still NMD-escaping (last exon), no p.
    bare = annotate_transcript("1", 21577631, "CT", "C", tx)
    assert bare.consequence == "frameshift_variant" and bare.hgvs_p is None
    assert bare.nmd_predicted is False and not bare.protein_effect_determined
    assert any("3' shift" in n for n in bare.notes)


def test_alpl_early_stop_triggers_nmd(test_data: Path, alpl_seq: TranscriptSequences,
                                      models: dict[str, dict[str, Transcript]]) -> None:
    """The first codon from codon 20 on that one substitution turns into a stop: NMD expected
    (far upstream of the last junction); found and placed with hgvs-weaver's mapping here."""
    mrna = alpl_seq.get("NM_000478.6")
    assert mrna is not None
    found = None
    for k in range(19, 200):
        codon = mrna[199 + 3 * k:199 + 3 * k + 3]
        for off in range(3):
            for b in "ACGT":
                mut = codon[:off] + b + codon[off + 1:]
                if b != codon[off] and NCBI1[mut] == "*" and found is None:
                    found = (k, off, codon[off], b, NCBI1[codon])
    assert found is not None
    k, off, ref, alt, aa = found
    idx = 199 + 3 * k + off
    ts, _te, rs, _re = next(e for e in _weaver_exons(test_data) if e[0] <= idx < e[1])
    pos = rs + (idx - ts) + 1
    cons = annotate_transcript("1", pos, ref, alt, models["GRCh38"]["ALPL"], tx_seqs=alpl_seq)
    assert cons.hgvs_c == f"c.{3 * k + off + 1}{ref}>{alt}"
    assert cons.hgvs_p == f"p.({THREE[aa]}{k + 1}Ter)"
    assert cons.consequence.split("&")[0] == "stop_gained"
    assert cons.nmd_predicted is True and cons.last_exon is False
    assert cons.protein_length_change == k - 524


def test_ref_mismatch_is_reported_not_translated(alpl_seq: TranscriptSequences,
                                                 models: dict[str, dict[str, Transcript]]) -> None:
    tx = models["GRCh38"]["ALPL"]
    cons = annotate_transcript("1", 21564103, "C", "A", tx, tx_seqs=alpl_seq)  # REF is G
    assert cons.hgvs_p is None and not cons.protein_effect_determined
    assert any("does not match" in n for n in cons.notes)


# ---------------------------------------------------------------------------------------------
# 3. Synthetic gene with a genome FASTA, worked out by hand
#
# Contig Z (200 bp, named chrZ in the FASTA), gene SYN on +:
#   1-10 upstream | exon1 11-40 (11-20 5'UTR c.-10..c.-1, 21-40 c.1-c.20) | intron1 41-60
#   | exon2 61-90 (c.21-c.50) | intron2 91-110 | exon3 111-150 (111-120 c.51-c.60, stop TAA
#   c.58-60; 121-150 c.*1-c.*30) | 151-200 downstream
# Protein: M A K K G S W Q L E R Y D P F T G H V * (19 aa + stop).
# Contig Y is the reverse complement of Z; gene SYNM on Y (-) is SYN mirrored (p -> 201 - p).

CDS = "ATGGCCAAAAAGGGATCCTGGCAGCTGGAACGTTACGACCCATTCACAGGTCATGTGTAA"
UTR5 = "C" * 10
UTR3 = "TGATAACTAGATAAC" + "C" * 15
MRNA = UTR5 + CDS + UTR3
GENOME_Z = ("T" * 10 + MRNA[:30] + "GTAAGT" + "C" * 11 + "CAG" + MRNA[30:60] + "GTGAGT"
            + "A" * 11 + "TAG" + MRNA[60:] + "G" * 50)


def _rc(s: str) -> str:
    return s.translate(str.maketrans("ACGT", "TGCA"))[::-1]


SYN = Transcript("SYN", "NM_900001.1", None, "Z", 1, ((11, 40), (61, 90), (111, 150)),
                 21, 120, "GRCh38")
SYNM = Transcript("SYNM", "NM_900002.1", None, "Y", -1, ((161, 190), (111, 140), (51, 90)),
                  81, 180, "GRCh38")


@pytest.fixture(scope="module")
def genome(tmp_path_factory: pytest.TempPathFactory) -> GenomeSequence:
    assert len(GENOME_Z) == 200
    d = tmp_path_factory.mktemp("genome")
    fa = d / "syn.fa"
    fa.write_text(f">chrZ\n{GENOME_Z}\n>Y\n{_rc(GENOME_Z)}\n")
    pysam.faidx(str(fa))
    return GenomeSequence(fa)


@pytest.fixture(scope="module")
def syn_mrna(tmp_path_factory: pytest.TempPathFactory) -> TranscriptSequences:
    d = tmp_path_factory.mktemp("mrna")
    fa = d / "syn_mrna.fa"
    fa.write_text(f">NM_900001.1 synthetic\n{MRNA[:50]}\n{MRNA[50:]}\n"
                  f">NM_900002.1 synthetic mirror\n{MRNA}\n")
    return TranscriptSequences(fa)


def test_synthetic_genome_layout(genome: GenomeSequence) -> None:
    assert genome.fetch("Z", 21, 23) == "ATG"
    assert genome.fetch("chrZ", 118, 120) == "TAA"
    assert genome.fetch("Z", 41, 42) == "GT" and genome.fetch("Z", 59, 60) == "AG"
    assert genome.mrna(SYN) == MRNA and genome.mrna(SYNM) == MRNA


# (pos, ref, alt) on Z (bare or VCF-anchored alleles) -> expected fields
CASES: list[tuple[str, int, str, str, dict[str, object]]] = [
    ("missense", 24, "G", "A", {"hgvs_c": "c.4G>A", "hgvs_p": "p.(Ala2Thr)",
                                "consequence": "missense_variant", "exon": "1/3",
                                "cds_pos": 4, "protein_pos": 2, "ref_aa": "Ala",
                                "alt_aa": "Thr", "protein_length_change": 0}),
    ("synonymous", 26, "C", "T", {"hgvs_c": "c.6C>T", "hgvs_p": "p.(Ala2=)",
                                  "consequence": "synonymous_variant"}),
    ("stop gained at exon end", 40, "G", "A",
     {"hgvs_c": "c.20G>A", "hgvs_p": "p.(Trp7Ter)",
      "consequence": "stop_gained&splice_region_variant", "nmd_predicted": False,
      "protein_length_change": -13}),
    ("stop lost", 118, "T", "C", {"hgvs_c": "c.58T>C", "hgvs_p": "p.(Ter20GlnextTer2)",
                                  "consequence": "stop_lost", "protein_length_change": 1,
                                  "last_exon": True}),
    ("stop retained", 119, "A", "G", {"hgvs_c": "c.59A>G", "hgvs_p": "p.(Ter20=)",
                                      "consequence": "stop_retained_variant"}),
    ("start lost", 21, "A", "G", {"hgvs_c": "c.1A>G", "hgvs_p": "p.(Met1?)",
                                  "consequence": "start_lost"}),
    # the shape of VEP's LMNA answer (NM_170707.4:c.2_3insA, p.Met1?, frameshift&start_lost)
    ("start lost by insertion", 23, "", "A",
     {"hgvs_c": "c.2_3insA", "hgvs_p": "p.(Met1?)",
      "consequence": "frameshift_variant&start_lost"}),
    ("frameshift, 3' shifted", 26, "CA", "C",
     {"hgvs_c": "c.11del", "hgvs_p": "p.(Lys4ArgfsTer20)", "consequence": "frameshift_variant",
      "nmd_predicted": False}),
    ("dup", 26, "C", "CA", {"hgvs_c": "c.11dup", "hgvs_p": "p.(Ser6IlefsTer20)",
                            "consequence": "frameshift_variant"}),
    ("in-frame deletion, 3' shifted", 26, "CAAA", "C",
     {"hgvs_c": "c.9_11del", "hgvs_p": "p.(Lys4del)", "consequence": "inframe_deletion",
      "protein_length_change": -1}),
    # the shape of VEP's LMNA answer (c.298_300del GCC, p.Ala100del)
    ("in-frame codon deletion", 23, "GGCC", "G",
     {"hgvs_c": "c.4_6del", "hgvs_p": "p.(Ala2del)", "consequence": "inframe_deletion"}),
    ("in-frame dup", 26, "C", "CAAA", {"hgvs_c": "c.9_11dup", "hgvs_p": "p.(Lys4dup)",
                                       "consequence": "inframe_insertion",
                                       "protein_length_change": 1}),
    ("in-frame insertion", 24, "", "TGG",
     {"hgvs_c": "c.3_4insTGG", "hgvs_p": "p.(Met1_Ala2insTrp)",
      "consequence": "inframe_insertion"}),
    ("delins", 24, "GC", "TT", {"hgvs_c": "c.4_5delinsTT", "hgvs_p": "p.(Ala2Phe)",
                                "consequence": "missense_variant"}),
    ("deletion stops at the exon end", 88, "AG", "A",
     {"hgvs_c": "c.50del", "hgvs_p": "p.(Gly17ValfsTer7)",
      "consequence": "frameshift_variant&splice_region_variant"}),
    ("donor +2", 42, "T", "C", {"hgvs_c": "c.20+2T>C", "consequence": "splice_donor_variant",
                                "intron": "1/2", "exon": None, "hgvs_p": None}),
    ("donor +5", 45, "G", "A", {"hgvs_c": "c.20+5G>A",
                                "consequence": "splice_region_variant&intron_variant"}),
    ("deep intron +10", 50, "C", "T", {"hgvs_c": "c.20+10C>T", "consequence": "intron_variant"}),
    ("intron -10", 51, "C", "T", {"hgvs_c": "c.21-10C>T", "consequence": "intron_variant"}),
    ("acceptor -2", 59, "A", "G", {"hgvs_c": "c.21-2A>G",
                                   "consequence": "splice_acceptor_variant"}),
    ("acceptor -1", 60, "G", "A", {"hgvs_c": "c.21-1G>A",
                                   "consequence": "splice_acceptor_variant"}),
    ("first exon base", 61, "G", "T", {"hgvs_c": "c.21G>T", "hgvs_p": "p.(Trp7Cys)",
                                       "consequence": "missense_variant&splice_region_variant"}),
    ("intronic deletion shifted in the intron", 46, "TC", "T",
     {"hgvs_c": "c.21-3del", "consequence": "splice_region_variant&intron_variant"}),
    ("5'UTR", 15, "C", "T", {"hgvs_c": "c.-6C>T", "consequence": "5_prime_UTR_variant",
                             "hgvs_p": None}),
    ("3'UTR", 125, "A", "G", {"hgvs_c": "c.*5A>G", "consequence": "3_prime_UTR_variant"}),
    ("upstream", 5, "T", "C", {"hgvs_c": "c.-16T>C", "consequence": "upstream_gene_variant"}),
    ("downstream", 160, "G", "A", {"hgvs_c": "c.*40G>A",
                                   "consequence": "downstream_gene_variant"}),
]


@pytest.mark.parametrize(("name", "pos", "ref", "alt", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_synthetic_plus_strand(genome: GenomeSequence, name: str, pos: int, ref: str, alt: str,
                               expected: dict[str, object]) -> None:
    cons = annotate_transcript("Z", pos, ref, alt, SYN, genome=genome)
    got = {k: getattr(cons, k) for k in expected}
    assert got == expected, (name, cons)


def _mirror(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    p, r, a = trim_alleles(pos, ref, alt)
    if r:
        return 201 - (p + len(r) - 1), _rc(r), _rc(a)
    return 202 - p, "", _rc(a)


@pytest.mark.parametrize(("name", "pos", "ref", "alt", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_synthetic_minus_strand_mirror(genome: GenomeSequence, name: str, pos: int, ref: str,
                                       alt: str, expected: dict[str, object]) -> None:
    """The mirrored gene on the reverse strand gives the same descriptions."""
    mp, mr, ma = _mirror(pos, ref, alt)
    cons = annotate_transcript("Y", mp, mr, ma, SYNM, genome=genome)
    got = {k: getattr(cons, k) for k in expected}
    assert got == expected, (name, mp, mr, ma, cons)


@settings(max_examples=150, deadline=None)
@given(pos=st.integers(min_value=2, max_value=199), dl=st.integers(min_value=0, max_value=4),
       ins=st.text(alphabet="ACGT", max_size=4))
def test_strand_symmetry_property(genome: GenomeSequence, pos: int, dl: int, ins: str) -> None:
    ref = GENOME_Z[pos - 1:pos - 1 + dl]
    if ref == ins or pos + dl > 200:
        return
    a = annotate_transcript("Z", pos, ref, ins, SYN, genome=genome)
    mp, mr, ma = _mirror(pos, ref, ins)
    b = annotate_transcript("Y", mp, mr, ma, SYNM, genome=genome)
    fields = ("hgvs_c", "hgvs_p", "consequence", "exon", "intron", "cds_pos", "protein_pos",
              "nmd_predicted", "last_exon", "protein_length_change")
    assert {f: getattr(a, f) for f in fields} == {f: getattr(b, f) for f in fields}


def test_mrna_only_matches_genome_for_exonic(genome: GenomeSequence,
                                             syn_mrna: TranscriptSequences) -> None:
    for _name, pos, ref, alt, _exp in CASES:
        g = annotate_transcript("Z", pos, ref, alt, SYN, genome=genome)
        m = annotate_transcript("Z", pos, ref, alt, SYN, tx_seqs=syn_mrna)
        if g.intron is None and g.exon is not None:
            assert (m.hgvs_c, m.hgvs_p, m.consequence) == (g.hgvs_c, g.hgvs_p, g.consequence)


def test_intronic_indel_without_genome_is_not_shifted(syn_mrna: TranscriptSequences) -> None:
    cons = annotate_transcript("Z", 46, "TC", "T", SYN, tx_seqs=syn_mrna)
    assert cons.hgvs_c == "c.20+7del"  # the given position, honestly kept
    assert any("not applied" in n for n in cons.notes)


def test_without_sequence_no_amino_acids() -> None:
    for _name, pos, ref, alt, _exp in CASES:
        cons = annotate_transcript("Z", pos, ref, alt, SYN)
        assert cons.hgvs_p is None and cons.ref_aa is None and cons.alt_aa is None
        assert not cons.protein_effect_determined
        for term in ("missense_variant", "synonymous_variant", "stop_gained", "stop_lost"):
            assert term not in cons.consequence.split("&")
    snv = annotate_transcript("Z", 24, "G", "A", SYN)
    assert snv.consequence == "coding_sequence_variant" and snv.protein_pos == 2
    fs = annotate_transcript("Z", 26, "CA", "C", SYN)
    assert fs.consequence == "frameshift_variant" and fs.hgvs_c == "c.7del"
    ifd = annotate_transcript("Z", 23, "GGCC", "G", SYN)
    assert ifd.consequence == "inframe_deletion" and ifd.protein_length_change == -1
    start = annotate_transcript("Z", 21, "A", "G", SYN)
    assert start.consequence == "start_lost" and start.hgvs_p is None


def test_allele_forms_and_errors() -> None:
    a = annotate_transcript("chrZ", 27, "A", "-", SYN)
    b = annotate_transcript("Z", 26, "CA", "C", SYN)
    c = annotate_transcript("Z", 27, "A", "", SYN)
    assert a.hgvs_c == b.hgvs_c == c.hgvs_c == "c.7del"
    with pytest.raises(InputError):
        annotate_transcript("Z", 27, "A", "<DEL>", SYN)
    same = annotate_transcript("Z", 27, "A", "A", SYN)
    assert same.hgvs_c is None and same.notes


def test_far_away_is_intergenic() -> None:
    cons = annotate_transcript("Z", 30_000, "A", "G", SYN)
    assert cons.consequence == "intergenic_variant"
    assert genomic_to_c(SYN, 9) == "-12"


def test_severity_helpers() -> None:
    assert most_severe_consequence(["intron_variant", "splice_region_variant&intron_variant",
                                    "missense_variant"]) == "missense_variant"
    assert most_severe_consequence(["frameshift_variant", "start_lost"]) == "frameshift_variant"
    assert most_severe_consequence([]) == ""
    assert join_consequences(["intron_variant", "splice_region_variant"]) == \
        "splice_region_variant&intron_variant"


# ---------------------------------------------------------------------------------------------
# 4. Where the transcript and the genome differ at a base, c. and p. follow the transcript
#    (issue 13 item 8; ClinVar and VEP describe RefSeq transcripts this way). The synthetic
#    transcript below has A at c.4 (codon 2 ACC, Thr) where the genome Z has G (GCC, Ala).

MRNA_A4 = MRNA[:13] + "A" + MRNA[14:]


@pytest.fixture(scope="module")
def syn_mrna_a4(tmp_path_factory: pytest.TempPathFactory) -> TranscriptSequences:
    fa = tmp_path_factory.mktemp("mrna_a4") / "syn_a4.fa"
    fa.write_text(f">NM_900001.1 synthetic, c.4 differs from the genome\n{MRNA_A4}\n")
    return TranscriptSequences(fa)


def test_transcript_base_differs_from_genome(genome: GenomeSequence,
                                             syn_mrna_a4: TranscriptSequences) -> None:
    assert GENOME_Z[23] == "G" and MRNA_A4[13] == "A"
    # the sample carries the transcript's base: no change against the transcript
    for g in (genome, None):
        same = annotate_transcript("Z", 24, "G", "A", SYN, genome=g, tx_seqs=syn_mrna_a4)
        assert (same.hgvs_c, same.hgvs_p, same.consequence) == (
            "c.4=", "p.(Thr2=)", "synonymous_variant"), g
        assert any("described against the transcript" in n for n in same.notes)
    # a third base, the genome confirming REF: described from the transcript's A
    other = annotate_transcript("Z", 24, "G", "T", SYN, genome=genome, tx_seqs=syn_mrna_a4)
    assert (other.hgvs_c, other.hgvs_p) == ("c.4A>T", "p.(Thr2Ser)")
    # without the genome a REF unlike the transcript and an ALT unlike it stay unexplained
    lone = annotate_transcript("Z", 24, "G", "T", SYN, tx_seqs=syn_mrna_a4)
    assert lone.hgvs_p is None and any("does not match" in n for n in lone.notes)
    # where both agree nothing changes
    plain = annotate_transcript("Z", 24, "G", "A", SYN, genome=genome)
    assert (plain.hgvs_c, plain.hgvs_p) == ("c.4G>A", "p.(Ala2Thr)")
    assert not any("described against" in n for n in plain.notes)


def test_clinvar_vectors_name_stops_ter_and_synonymous_residues(
        test_data: Path, alpl_seq: TranscriptSequences,
        models: dict[str, dict[str, Transcript]]) -> None:
    """ClinVar 197678 (ALPL c.330T>C, both builds) is the synonymous p.(Ser110=); ClinVar 13674
    (c.1559del) p.(Leu520ArgfsTer86); no description uses '*' for a stop."""
    by_vid = {}
    for build in ("GRCh37", "GRCh38"):
        for vid, pos, ref, alt in _alpl_clinvar(test_data, build):
            cons = annotate_transcript("1", pos, ref, alt, models[build]["ALPL"], tx_seqs=alpl_seq)
            assert cons.hgvs_p is None or "*" not in cons.hgvs_p.replace("c.*", ""), cons.hgvs_p
            by_vid[(build, vid)] = cons
    for build in ("GRCh37", "GRCh38"):
        syn = by_vid[(build, "197678")]
        assert (syn.hgvs_c, syn.hgvs_p, syn.consequence) == (
            "c.330T>C", "p.(Ser110=)", "synonymous_variant")
        assert by_vid[(build, "13674")].hgvs_p == "p.(Leu520ArgfsTer86)"
