"""Facts about the reference genome builds (shared by the VCF, ClinVar and gnomAD readers)."""

from __future__ import annotations

import re

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
