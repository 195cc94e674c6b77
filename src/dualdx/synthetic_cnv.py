"""The copy-number example families (``config/example_cnv/``), seeded and reproducible.

``python -m dualdx.synthetic_cnv --out config/example_cnv`` writes:

* **TCDEL**: a quartet with exome small-variant calls and one GATK-gCNV segments VCF per person
  (sample sheet column ``sv_vcf``). The proband is compound heterozygous for TCIRG1: the real
  ClinVar Variation 189246 (c.1674-1G>A, paternal) in trans with a maternal deletion of exons 1–5
  (from 3 kb upstream of the gene to the middle of intron 5). The sister carries the deletion only.
* **OSAPH**: a trio whose one VCF holds the small variants and Manta-style joint SV records.
  The proband is called homozygous (``1/1``) for the real ClinVar Variation 195291 in OSTM1
  (c.415_416del, from the father) but carries the mother's deletion of OSTM1 exons 1–2 over it:
  apparent homozygosity, really one copy beside a deletion. The mother lacks the SNV.

Variant facts are real (ClinVar 2016-09, see :mod:`dualdx.synthetic`); the deletions' exon
boundaries come from the MANE transcript table (``resources/transcripts/mane_select.GRCh38.tsv``),
the breakpoints are placed relative to them; genotypes, depths, copy-number qualities and the
deletions themselves are synthetic.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path

from dualdx.core import atomic
from dualdx.knowledge.transcripts import Transcript, load_transcript_models
from dualdx.synthetic import GRCH38_LENGTHS, _header, _sample_field

TCDEL = ("TCDEL-I-1", "TCDEL-I-2", "TCDEL-II-1", "TCDEL-II-2")  # father, mother, proband, sister
OSAPH = ("OSAPH-I-1", "OSAPH-I-2", "OSAPH-II-1")  # father, mother, proband
TRANSCRIPTS = Path(__file__).resolve().parents[2] / "resources" / "transcripts" / \
    "mane_select.GRCh38.tsv"
#: gCNV-style segment ranges around TCIRG1 (the bins of a hypothetical exome cohort).
TCIRG1_SEGMENTS = (67_900_001, 68_200_000)

#: ClinVar 2016-09 records (tests/data/clinvar/clinvar_2016-09_GRCh38_panel.ncbi-keys.derived.vcf,
#: ID column = Variation ID), copied record by record for the snapshot of this example.
CLINVAR_RECORDS = (
    "chr6\t108064285\t195291\tACT\tA\t.\t.\tCLNDN=Osteopetrosis..autosomal_recessive_5|"
    "Osteopetrosis_autosomal_recessive_5;CLNREVSTAT=criteria_provided,_single_submitter;"
    "CLNSIG=Pathogenic;GENEINFO=OSTM1:28962;ORIGIN=1",
    "chr11\t68049080\t189246\tG\tA\t.\t.\tCLNDN=Osteopetrosis_autosomal_recessive_1|"
    "Infantile_malignant_osteopetrosis;CLNREVSTAT=criteria_provided,_single_submitter;"
    "CLNSIG=Pathogenic;GENEINFO=TCIRG1:10312;ORIGIN=1",
)

TCDEL_TERMS = ("HP:0011002", "HP:0011001", "HP:0004618", "HP:0000648", "HP:0001903",
               "HP:0001873", "HP:0001744", "HP:0001293")
#: Terms of OMIM:259720 (OSTM1 osteopetrosis, autosomal recessive 5) in HPO 2025-01-16.
OSAPH_TERMS = ("HP:0011002", "HP:0001250", "HP:0000648", "HP:0001276", "HP:0002240",
               "HP:0001903", "HP:0000238")


def tcirg1_deletion(tx: Transcript) -> tuple[int, int]:
    """Exons 1–5 of TCIRG1 (+ strand): 3 kb upstream of exon 1 to the middle of intron 5."""
    e1, e5, e6 = tx.exons[0], tx.exons[4], tx.exons[5]
    return e1[0] - 3000, (e5[1] + e6[0]) // 2


def ostm1_deletion(tx: Transcript) -> tuple[int, int]:
    """Exons 1–2 of OSTM1 (− strand): the middle of intron 2 to 5 kb upstream of exon 1."""
    e1, e2, e3 = tx.exons[0], tx.exons[1], tx.exons[2]  # transcript order
    return (e3[1] + e2[0]) // 2, e1[1] + 5000


def _gcnv_lines(sample: str, deletion: tuple[int, int] | None, rng: random.Random) -> list[str]:
    head = [
        "##fileformat=VCFv4.2",
        '##ALT=<ID=DEL,Description="Deletion">',
        '##ALT=<ID=DUP,Description="Duplication">',
        '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Segment most-likely copy-number call">',
        '##FORMAT=<ID=GT,Number=1,Type=Integer,Description="Segment genotype">',
        '##FORMAT=<ID=NP,Number=1,Type=Integer,Description="Number of points (i.e. targets or '
        'bins) in the segment">',
        '##FORMAT=<ID=QA,Number=1,Type=Integer,Description="Complementary Phred-scaled probability '
        'that all points (i.e. targets or bins) in the segment agree with the segment copy-number '
        'call">',
        '##FORMAT=<ID=QS,Number=1,Type=Integer,Description="Complementary Phred-scaled probability '
        'that at least one point (i.e. target or bin) in the segment agrees with the segment '
        'copy-number call">',
        '##FORMAT=<ID=QSE,Number=1,Type=Integer,Description="Complementary Phred-scaled '
        'probability that the segment end position is a genuine copy-number changepoint">',
        '##FORMAT=<ID=QSS,Number=1,Type=Integer,Description="Complementary Phred-scaled '
        'probability that the segment start position is a genuine copy-number changepoint">',
        '##GATKCommandLine=<ID=PostprocessGermlineCNVCalls,CommandLine="PostprocessGermlineCNVCalls '
        f'--sample-index 0 --output-genotyped-segments {sample}.gcnv.segments.vcf (dualdx.synthetic_cnv)",'
        'Version="4.2.0.0">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End coordinate of the variant">',
        f"##contig=<ID=chr11,length={GRCH38_LENGTHS['11']}>",
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT",
                   sample]),
    ]
    lo, hi = TCIRG1_SEGMENTS
    segs: list[tuple[int, int, int]] = [(lo, hi, 2)] if deletion is None else [
        (lo, deletion[0] - 1, 2), (deletion[0], deletion[1], 1), (deletion[1] + 1, hi, 2)]
    out = []
    for s, e, cn in segs:
        gt = "0" if cn == 2 else "1"
        np_ = max(2, (e - s) // 4000)
        q = rng.randint(60, 140)
        out.append("\t".join(["chr11", str(s), f"CNV_chr11_{s}_{e}", "N", "<DEL>,<DUP>", ".",
                              ".", f"END={e}", "GT:CN:NP:QA:QS:QSE:QSS",
                              f"{gt}:{cn}:{np_}:{q}:{3077 if cn == 2 else q * 3}:"
                              f"{rng.randint(40, 120)}:{rng.randint(40, 120)}"]))
    return head + out


def _small_record(rng: random.Random, chrom: str, pos: int, vid: str, ref: str, alt: str,
                  gts: Sequence[str]) -> str:
    fields, dps, ac = [], 0, 0
    for gt in gts:
        text, dp, counts = _sample_field(rng, gt, 1)
        fields.append(text)
        dps += dp
        ac += counts[0]
    return "\t".join([chrom, str(pos), vid, ref, alt, f"{rng.uniform(300, 2500):.1f}", "PASS",
                      f"AC={ac};AN={2 * len(gts)};DP={dps}", "GT:AD:DP:GQ", *fields])


def tcdel_files(out: Path, models: dict[str, Transcript], seed: int) -> list[Path]:
    rng = random.Random(seed)
    lines = _header(TCDEL, f"dualdx.synthetic_cnv TCDEL (seed {seed}); genotypes synthetic, "
                    "variant facts real (see config/example_cnv/README.md)")
    lines += [
        _small_record(rng, "chr11", 68046091, "rs574823844", "C", "T",
                      ("0/1", "0/0", "0/0", "0/1")),
        _small_record(rng, "chr11", 68049080, ".", "G", "A", ("0/1", "0/0", "0/1", "0/0")),
    ]
    paths = [out / "family_TCDEL.vcf"]
    atomic.write_text(paths[0], "\n".join(lines) + "\n")
    deletion = tcirg1_deletion(models["TCIRG1"])
    for s, carries in zip(TCDEL, (False, True, True, True), strict=True):
        p = out / f"{s}.gcnv.segments.vcf"
        atomic.write_text(p, "\n".join(_gcnv_lines(s, deletion if carries else None, rng)) + "\n")
        paths.append(p)
    return paths


def osaph_file(out: Path, models: dict[str, Transcript], seed: int) -> Path:
    rng = random.Random(seed + 1)
    extra = [
        '##ALT=<ID=DEL,Description="Deletion">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant '
        'described in this record">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
        '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Difference in length between REF '
        'and ALT alleles">',
        '##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise structural variation">',
        '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="Confidence interval around POS">',
        '##INFO=<ID=CIEND,Number=2,Type=Integer,Description="Confidence interval around END">',
        '##FORMAT=<ID=FT,Number=1,Type=String,Description="Sample filter, \'PASS\' indicates '
        'that all filters have passed for this sample">',
        '##FORMAT=<ID=PR,Number=.,Type=Integer,Description="Spanning paired-read support for the '
        'ref and alt alleles in the order listed">',
    ]
    lines = _header(OSAPH, f"dualdx.synthetic_cnv OSAPH (seed {seed}); small variants and "
                    "Manta-style joint SV calls (GenerateSVCandidates) in one VCF; genotypes "
                    "synthetic, variant facts real", extra=extra)
    start, end = ostm1_deletion(models["OSTM1"])
    pos = start - 1  # VCF padding base
    sv = "\t".join(["chr6", str(pos), "MantaDEL:1:0:1:0:0:0", "N", "<DEL>", "612", "PASS",
                    f"END={end};SVTYPE=DEL;SVLEN=-{end - start + 1};IMPRECISE;CIPOS=-150,150;"
                    "CIEND=-150,150", "GT:FT:GQ:PR",
                    "0/0:PASS:99:38,0", "0/1:PASS:99:21,17", "0/1:PASS:99:19,15"])
    records = [
        _small_record(rng, "chr6", 108059337, "rs9400185", "A", "G", ("0/1", "0/0", "0/1")),
        sv,
        _small_record(rng, "chr6", 108064285, ".", "ACT", "A", ("0/1", "0/0", "1/1")),
    ]
    body = sorted(records, key=lambda r: int(r.split("\t")[1]))
    path = out / "family_OSAPH.vcf"
    atomic.write_text(path, "\n".join(lines + body) + "\n")
    return path


def write_cnv_example(out: Path, seed: int = 18) -> list[Path]:
    """Write the two families, the sample sheet, PED, phenotypes, ClinVar snapshot and config."""
    out.mkdir(parents=True, exist_ok=True)
    models = load_transcript_models(TRANSCRIPTS, "GRCh38")
    paths = tcdel_files(out, models, seed)
    paths.append(osaph_file(out, models, seed))
    rel = Path("config/example_cnv")
    rows = ["family_id\tsample_id\tvcf\tsv_vcf\tproband"]
    rows += [f"TCDEL\t{s}\t{rel / 'family_TCDEL.vcf'}\t{rel / (s + '.gcnv.segments.vcf')}\t"
             f"{'yes' if s == TCDEL[2] else ''}" for s in TCDEL]
    rows += [f"OSAPH\t{s}\t{rel / 'family_OSAPH.vcf'}\t\t{'yes' if s == OSAPH[2] else ''}"
             for s in OSAPH]
    atomic.write_text(out / "samples.tsv", "\n".join(rows) + "\n")
    ped = [("TCDEL", TCDEL[0], "0", "0", "1", "1"), ("TCDEL", TCDEL[1], "0", "0", "2", "1"),
           ("TCDEL", TCDEL[2], TCDEL[0], TCDEL[1], "1", "2"),
           ("TCDEL", TCDEL[3], TCDEL[0], TCDEL[1], "2", "1"),
           ("OSAPH", OSAPH[0], "0", "0", "1", "1"), ("OSAPH", OSAPH[1], "0", "0", "2", "1"),
           ("OSAPH", OSAPH[2], OSAPH[0], OSAPH[1], "2", "2")]
    atomic.write_text(out / "pedigree.ped", "".join("\t".join(r) + "\n" for r in ped))
    terms = [(TCDEL[2], t) for t in TCDEL_TERMS] + [(OSAPH[2], t) for t in OSAPH_TERMS]
    atomic.write_text(out / "phenotypes.tsv", "sample_id\thpo_id\n" + "".join(
        f"{s}\t{t}\n" for s, t in terms))
    cv = [
        "##fileformat=VCFv4.1", "##fileDate=2016-09-27", "##source=ClinVar", "##reference=GRCh38",
        "##dualdx_snapshot=example_cnv: the 2 ClinVar records of the copy-number example families "
        "(config/example_cnv), copied record by record from ClinVar release 2016-09 as given in "
        "tests/data/clinvar/clinvar_2016-09_GRCh38_panel.ncbi-keys.derived.vcf. Not a ClinVar "
        "release: use the NCBI ClinVar VCF for real analyses.",
        '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance for this '
        'single variant">',
        '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status for the '
        'Variation ID">',
        '##INFO=<ID=CLNDN,Number=.,Type=String,Description="ClinVar\'s preferred disease name">',
        '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene(s) for the variant">',
        '##INFO=<ID=ORIGIN,Number=.,Type=String,Description="Allele origin">',
        f"##contig=<ID=chr6,length={GRCH38_LENGTHS['6']},assembly=GRCh38>",
        f"##contig=<ID=chr11,length={GRCH38_LENGTHS['11']},assembly=GRCh38>",
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO", *CLINVAR_RECORDS]
    atomic.write_text(out / "clinvar_snapshot.vcf", "\n".join(cv) + "\n")
    atomic.write_text(out / "config.yaml", (
        "# The copy-number example (families TCDEL and OSAPH): see config/example_cnv/README.md.\n"
        "# Run from the repository root: snakemake --cores 4 --configfile "
        "config/example_cnv/config.yaml\n"
        "genome_build: GRCh38\n"
        "samples: config/example_cnv/samples.tsv\n"
        "pedigree: config/example_cnv/pedigree.ped\n"
        "phenotypes: config/example_cnv/phenotypes.tsv\n"
        "annotation:\n"
        "  clinvar: config/example_cnv/clinvar_snapshot.vcf\n"
        "report:\n"
        "  pdf: false\n"))
    return [*paths, out / "samples.tsv", out / "pedigree.ped", out / "phenotypes.tsv",
            out / "clinvar_snapshot.vcf", out / "config.yaml"]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("config/example_cnv"))
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args(argv)
    for p in write_cnv_example(args.out, args.seed):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
