"""Facts about the reference genome builds (shared by the VCF, ClinVar and gnomAD readers)."""

from __future__ import annotations

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

#: Pseudo-autosomal regions of X, 1-based closed (Genome Reference Consortium region pages for
#: GRCh38.p14 / GRCh37.p13): diploid in males too.
PSEUDOAUTOSOMAL_X: dict[str, tuple[tuple[int, int], ...]] = {
    "GRCh38": ((10001, 2781479), (155701383, 156030895)),
    "GRCh37": ((60001, 2699520), (154931044, 155260560)),
}


def expected_ploidy(chrom: str, pos: int, sex: str, build: str) -> int | None:
    """Copies of ``chrom:pos`` a person of ``sex`` ('male', 'female', 'unknown') normally carries:
    2 on autosomes and in the X pseudo-autosomal regions; on X 1 for males, 2 for females; on Y 1
    for males, 0 for females; None when the sex is unknown outside the PARs (not determinable)."""
    c = chrom[3:] if chrom.lower().startswith("chr") else chrom
    c = "MT" if c == "M" else c
    if c not in ("X", "Y"):
        return 2
    in_par = any(lo <= pos <= hi for lo, hi in PSEUDOAUTOSOMAL_X.get(build, ()))
    if c == "X" and in_par:
        return 2
    if sex == "male":
        return 1
    if sex == "female":
        return 2 if c == "X" else 0
    return None
