"""Throughput of ``dualdx.annotation.consequence.annotate_transcript`` (consequence + HGVS c./p.).

    python benchmarks/annotate_throughput.py [--variants 100000] [--repeats 3] [--seed 7]

Generates seeded synthetic SNVs and indels (1-6 bp) inside the default panel's padded GRCh38
regions, then times, best of N, in this process:
  * baseline:  a plain loop doing only the transcript interval lookup (bisect on exon starts);
  * offline:   annotate_transcript without any sequence (target >= 20,000 variants/s);
  * with mRNA: annotate_transcript with the NM_000478.6 mRNA as transcript FASTA (ALPL variants
               get HGVS p.; the other genes have no mRNA in the shared data and take the
               offline path), read from ../shared/data beside the checkout; also reported
               for the exonic ALPL variants alone (where p. is derived).
Prints variants/s and the ratio against the baseline.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from _common import best_of

from dualdx.annotation.consequence import annotate_transcript
from dualdx.inputs.panel import load_panel
from dualdx.knowledge.sequence import TranscriptSequences
from dualdx.knowledge.transcripts import Transcript, load_transcript_models

REPO = Path(__file__).resolve().parents[1]
PANEL = REPO / "resources" / "panels" / "default.tsv"
MODELS = REPO / "resources" / "transcripts" / "mane_select.GRCh38.tsv"
SHARED_MRNA = REPO.parent / "shared" / "data" / "transcripts" / "NM_000478.6.seq"

Variant = tuple[str, int, str, str, Transcript]


def make_variants(n: int, seed: int, models: dict[str, Transcript],
                  mrna: dict[str, str]) -> list[Variant]:
    """Seeded SNVs (70 %), deletions and insertions in the padded panel regions. REF bases of
    exonic positions of a transcript with a known mRNA are taken from it (so the sequence path
    is exercised, not its REF-mismatch path); elsewhere they are random."""
    rng = random.Random(seed)
    panel = load_panel(PANEL)
    regions = [(g, r) for g, r in panel.regions("GRCh38", padded=True)]
    out: list[Variant] = []
    while len(out) < n:
        gene, reg = rng.choice(regions)
        tx = models[gene]
        pos = rng.randint(reg.start, reg.end - 8)
        kind = rng.random()
        dlen = 1 if kind < 0.7 else (rng.randint(1, 6) if kind < 0.85 else 0)
        ref = _ref_bases(tx, mrna.get(tx.refseq), pos, dlen, rng)
        if kind < 0.7:
            alt = rng.choice([b for b in "ACGT" if b != ref])
        elif kind < 0.85:
            alt = ""
        else:
            alt = "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 6)))
        out.append((tx.chrom, pos, ref, alt, tx))
    return out


def _ref_bases(tx: Transcript, mrna: str | None, pos: int, length: int,
               rng: random.Random) -> str:
    if length == 0:
        return ""
    ix = tx.index
    bases = []
    for p in range(pos, pos + length):
        k, kind = ix.locate(tx.strand * p)
        if mrna is not None and kind == 0:
            b = mrna[ix.n_of(tx.strand * p, k) - 1]
            bases.append(b if tx.strand == 1 else b.translate(str.maketrans("ACGT", "TGCA")))
        else:
            bases.append(rng.choice("ACGT"))
    return "".join(bases)




def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--mrna", type=Path, default=SHARED_MRNA,
                    help="transcript FASTA/raw sequence for the 'with mRNA' run")
    args = ap.parse_args(argv)

    models = load_transcript_models(MODELS, "GRCh38")
    tx_seqs = TranscriptSequences(args.mrna) if args.mrna.is_file() else None
    mrna = {}
    if tx_seqs is not None:
        for tx in models.values():
            s = tx_seqs.get(tx.refseq)
            if s is not None:
                mrna[tx.refseq] = s
    variants = make_variants(args.variants, args.seed, models, mrna)
    n = len(variants)

    def baseline() -> None:
        for _chrom, pos, _ref, _alt, tx in variants:
            tx.index.locate(tx.strand * pos)

    def offline() -> None:
        for chrom, pos, ref, alt, tx in variants:
            annotate_transcript(chrom, pos, ref, alt, tx)

    def with_mrna() -> None:
        for chrom, pos, ref, alt, tx in variants:
            annotate_transcript(chrom, pos, ref, alt, tx, tx_seqs=tx_seqs)

    t_base = best_of(args.repeats, baseline)
    t_off = best_of(args.repeats, offline)
    print(f"{n} variants, best of {args.repeats}")
    print(f"baseline (interval lookup only): {n / t_base:12,.0f} variants/s")
    print(f"annotate_transcript, offline:    {n / t_off:12,.0f} variants/s  "
          f"({t_off / t_base:.1f}x the baseline time)")
    if tx_seqs is not None:
        n_seq = sum(1 for v in variants if v[4].refseq in mrna)
        t_seq = best_of(args.repeats, with_mrna)
        print(f"annotate_transcript, with mRNA:  {n / t_seq:12,.0f} variants/s  "
              f"({t_seq / t_base:.1f}x the baseline time; {n_seq} of {n} variants on a "
              "transcript with a sequence)")
        exonic = [v for v in variants if v[4].refseq in mrna
                  and v[4].index.locate(v[4].strand * v[1])[1] == 0]

        def exonic_with_mrna() -> None:
            for chrom, pos, ref, alt, tx in exonic:
                annotate_transcript(chrom, pos, ref, alt, tx, tx_seqs=tx_seqs)

        if exonic:
            t_ex = best_of(args.repeats, exonic_with_mrna)
            print(f"  exonic variants with an mRNA only ({len(exonic)}; p. derived): "
                  f"{len(exonic) / t_ex:,.0f} variants/s")
    else:
        print(f"with mRNA: not run ({args.mrna} not found)")
    target = 20_000
    ok = n / t_off >= target
    print(f"offline target >= {target:,} variants/s: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
