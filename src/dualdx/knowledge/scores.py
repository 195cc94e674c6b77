"""In-silico score tables (REVEL, SpliceAI, CADD) supplied by the user.

A TSV with a header: ``chrom pos ref alt`` and any of ``revel``, ``spliceai``, ``cadd``
(SpliceAI as the maximum delta score). Only the scores present are reported; PP3/BP4 are
evaluated only for what is configured.
"""

from __future__ import annotations

import csv
from pathlib import Path

from dualdx.core.errors import InputError
from dualdx.core.model import normalize_chrom

SCORE_COLUMNS = ("revel", "spliceai", "cadd")
VariantKey = tuple[str, int, str, str]


def load_scores(path: str | Path) -> tuple[list[str], dict[VariantKey, dict[str, float]]]:
    """Return (score names present, scores by (chrom without chr, pos, ref, alt))."""
    p = Path(path)
    with p.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("##")]
    if not rows:
        raise InputError(p, "the score table is empty", "add a header: chrom pos ref alt revel spliceai cadd")
    header = [h.strip().lstrip("#").lower() for h in rows[0]]
    missing = [c for c in ("chrom", "pos", "ref", "alt") if c not in header]
    present = [c for c in SCORE_COLUMNS if c in header]
    if missing or not present:
        raise InputError(p, f"header {header} lacks {missing or 'any score column'}",
                         "use columns chrom, pos, ref, alt and at least one of revel, spliceai, cadd",
                         where="line 1")
    out: dict[VariantKey, dict[str, float]] = {}
    for i, row in enumerate(rows[1:], start=2):
        rec = dict(zip(header, row, strict=False))
        try:
            key = (normalize_chrom(rec["chrom"]), int(rec["pos"]), rec["ref"].upper(), rec["alt"].upper())
            vals = {c: float(rec[c]) for c in present if rec.get(c, "") not in ("", ".")}
        except (ValueError, KeyError) as err:
            raise InputError(p, f"unreadable value ({err})", "write numbers, '.' for missing",
                             where=f"line {i}") from None
        out[key] = vals
    return present, out
