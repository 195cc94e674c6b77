"""Facts about the reference genome builds (shared by the VCF, ClinVar and gnomAD readers):
chromosome lengths, RefSeq accessions, the pseudo-autosomal regions and the copy number of each
chromosome by sex (:func:`ploidy`).

The ploidy rule lives here, below every layer that needs it: the structural-variant reader
(``dualdx.inputs.structural``, layer 2) reads a copy number against it, and the zygosity owner
(``dualdx.interpretation.zygosity``) builds every zygosity decision on it; nothing else reads the
PAR table or tests for X/Y (``tests/unit/test_rule_owners.py``)."""

from __future__ import annotations

import re

from dualdx.core.model import normalize_chrom

#: Chromosome lengths of the primary assemblies, from the NCBI GRC assembly reports
#: GCF_000001405.25 (GRCh37.p13) and GCF_000001405.40 (GRCh38.p14), "Sequence-Length" column.
#: The mitochondrion (16569 in both) cannot tell the builds apart and is left out.
CONTIG_LENGTHS: dict[str, dict[str, int]] = {
    "GRCh37": {
        "1": 249250621, "2": 243199373, "3": 198022430, "4": 191154276, "5": 180915260,
        "6": 171115067, "7": 159138663, "8": 146364022, "9": 141213431, "10": 135534747,
        "11": 135006516, "12": 133851895, "13": 115169878, "14": 107349540, "15": 102531392,
        "16": 90354753, "17": 81195210, "18": 78077248, "19": 59128983, "20": 63025520,
        "21": 48129895, "22": 51304566, "X": 155270560, "Y": 59373566,
    },
    "GRCh38": {
        "1": 248956422, "2": 242193529, "3": 198295559, "4": 190214555, "5": 181538259,
        "6": 170805979, "7": 159345973, "8": 145138636, "9": 138394717, "10": 133797422,
        "11": 135086622, "12": 133275309, "13": 114364328, "14": 107043718, "15": 101991189,
        "16": 90338345, "17": 83257441, "18": 80373285, "19": 58617616, "20": 64444167,
        "21": 46709983, "22": 50818468, "X": 156040895, "Y": 57227415,
    },
}


_SLICE_NAME = re.compile(r"^(?P<chrom>.+):(?P<start>\d+)-(?P<end>\d+)$")


def parse_slice_name(name: str) -> tuple[str, int, int] | None:
    """``chr11:68034016-68052899`` -> ("chr11", 68034016, 68052899): the name of a panel-region
    slice of the reference (``dualdx.knowledge.reference_slices.fetch_fasta_slices``); None otherwise."""
    m = _SLICE_NAME.match(name)
    if m is None:
        return None
    start, end = int(m["start"]), int(m["end"])
    if start < 1 or end < start:
        return None
    return m["chrom"], start, end


#: RefSeq accession.version of each primary chromosome, from the same NCBI GRC assembly reports
#: ("RefSeq-Accn" column): the ``NC_`` reference of genomic HGVS descriptions (``NC_000011.10:g.``).
REFSEQ_CHROMOSOMES: dict[str, dict[str, str]] = {
    "GRCh37": {
        "1": "NC_000001.10", "2": "NC_000002.11", "3": "NC_000003.11", "4": "NC_000004.11",
        "5": "NC_000005.9", "6": "NC_000006.11", "7": "NC_000007.13", "8": "NC_000008.10",
        "9": "NC_000009.11", "10": "NC_000010.10", "11": "NC_000011.9", "12": "NC_000012.11",
        "13": "NC_000013.10", "14": "NC_000014.8", "15": "NC_000015.9", "16": "NC_000016.9",
        "17": "NC_000017.10", "18": "NC_000018.9", "19": "NC_000019.9", "20": "NC_000020.10",
        "21": "NC_000021.8", "22": "NC_000022.10", "X": "NC_000023.10", "Y": "NC_000024.9",
        "MT": "NC_012920.1",
    },
    "GRCh38": {
        "1": "NC_000001.11", "2": "NC_000002.12", "3": "NC_000003.12", "4": "NC_000004.12",
        "5": "NC_000005.10", "6": "NC_000006.12", "7": "NC_000007.14", "8": "NC_000008.11",
        "9": "NC_000009.12", "10": "NC_000010.11", "11": "NC_000011.10", "12": "NC_000012.12",
        "13": "NC_000013.11", "14": "NC_000014.9", "15": "NC_000015.10", "16": "NC_000016.10",
        "17": "NC_000017.11", "18": "NC_000018.10", "19": "NC_000019.10", "20": "NC_000020.11",
        "21": "NC_000021.9", "22": "NC_000022.11", "X": "NC_000023.11", "Y": "NC_000024.10",
        "MT": "NC_012920.1",
    },
}

# Pseudo-autosomal regions, 1-based closed. Source: Genome Reference Consortium, "Human genome
# assembly GRCh38.p14 / GRCh37.p13" region pages (https://www.ncbi.nlm.nih.gov/grc/human).
# On Y the PARs are the same sequence at other coordinates; panel genes on Y are not expected,
# so Y records are treated as outside the PARs.
PAR: dict[str, tuple[tuple[int, int], ...]] = {
    "GRCh38": ((10001, 2781479), (155701383, 156030895)),
    "GRCh37": ((60001, 2699520), (154931044, 155260560)),
}

def in_par(chrom: str, pos: int, build: str) -> bool:
    """The position lies in a pseudo-autosomal region of X (``build`` GRCh38 or GRCh37)."""
    return normalize_chrom(chrom) == "X" and any(lo <= pos <= hi for lo, hi in PAR.get(build, ()))


def ploidy(chrom: str, pos: int, sex: str, build: str) -> int | None:
    """Copies of the chromosome at ``chrom:pos`` in a person of ``sex``: 2 on autosomes and in the
    X pseudo-autosomal regions; on X outside them 1 for a male, 2 for a female; on Y 1 for a male,
    0 for a female; None when the sex is unknown on X or Y outside the PARs (never assumed)."""
    c = normalize_chrom(chrom)
    if c == "X" and not in_par(chrom, pos, build):
        return {"male": 1, "female": 2}.get(sex)
    if c == "Y":
        return {"male": 1, "female": 0}.get(sex)
    return 2
