"""Genomic intervals: the one implementation of merging and look-up used by every reader.

Intervals are ``(chrom, start, end)``, 1-based and closed. Contig names are compared without
``chr`` (``chr11`` and ``11`` are the same contig, ``M`` is ``MT``; see
:func:`dualdx.core.model.normalize_chrom`), and merged intervals carry the normalized name.
Overlapping and touching intervals (``end + 1 == next start``) merge.

Used by the panel filter (its query windows and the overlap test of each record), the sites
VCF readers (ClinVar, gnomAD: which regions were read, and whether a position was queried) and
the reference-slice download (which slices to read).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator

from dualdx.core.model import chrom_rank, normalize_chrom

Interval = tuple[str, int, int]


def merge_intervals(intervals: Iterable[tuple[str, int, int]]) -> list[Interval]:
    """Merge overlapping or touching intervals per contig; sorted in genome order.

    Raises ValueError for an interval that ends before it starts.
    """
    by_chrom: dict[str, list[tuple[int, int]]] = {}
    for chrom, start, end in intervals:
        if end < start:
            raise ValueError(f"interval {chrom}:{start}-{end} ends before it starts")
        by_chrom.setdefault(normalize_chrom(chrom), []).append((start, end))
    out: list[Interval] = []
    for chrom in sorted(by_chrom, key=chrom_rank):
        ivs = sorted(by_chrom[chrom])
        cur_s, cur_e = ivs[0]
        for s, e in ivs[1:]:
            if s <= cur_e + 1:
                cur_e = max(cur_e, e)
            else:
                out.append((chrom, cur_s, cur_e))
                cur_s, cur_e = s, e
        out.append((chrom, cur_s, cur_e))
    return out


class IntervalSet:
    """Merged intervals with fast membership and overlap tests (binary search per contig)."""

    def __init__(self, intervals: Iterable[tuple[str, int, int]]) -> None:
        self._merged = merge_intervals(intervals)
        self._starts: dict[str, list[int]] = {}
        self._ends: dict[str, list[int]] = {}
        for chrom, s, e in self._merged:
            self._starts.setdefault(chrom, []).append(s)
            self._ends.setdefault(chrom, []).append(e)

    def __iter__(self) -> Iterator[Interval]:
        return iter(self._merged)

    def __len__(self) -> int:
        return len(self._merged)

    def __bool__(self) -> bool:
        return bool(self._merged)

    @property
    def chroms(self) -> list[str]:
        """Normalized contig names, in genome order."""
        return list(self._starts)

    def on(self, chrom: str) -> list[tuple[int, int]]:
        """(start, end) of the merged intervals of one contig (either spelling)."""
        c = normalize_chrom(chrom)
        return list(zip(self._starts.get(c, ()), self._ends.get(c, ()), strict=True))

    def overlaps(self, chrom: str, start: int, end: int) -> bool:
        """True when ``start..end`` shares at least one base with an interval."""
        c = normalize_chrom(chrom)
        starts = self._starts.get(c)
        if not starts:
            return False
        i = bisect.bisect_right(starts, end) - 1  # last interval starting at or before end
        return i >= 0 and self._ends[c][i] >= start

    def contains(self, chrom: str, pos: int) -> bool:
        return self.overlaps(chrom, pos, pos)


def in_intervals(intervals: list[Interval], chrom: str, pos: int) -> bool:
    """``pos`` lies in one of ``intervals`` (any list of intervals, merged or not)."""
    c = normalize_chrom(chrom)
    return any(normalize_chrom(ic) == c and s <= pos <= e for ic, s, e in intervals)
