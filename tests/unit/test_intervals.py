"""Tests of dualdx.core.intervals (the one interval implementation)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualdx.core.intervals import IntervalSet, in_intervals, merge_intervals


def test_merge_overlapping_touching_and_spelling() -> None:
    got = merge_intervals([("chr1", 3_000, 4_000), ("1", 100, 3_500), ("1", 4_001, 4_100),
                           ("chr2", 10, 20), ("11", 5, 6), ("1", 5_000, 5_001)])
    assert got == [("1", 100, 4_100), ("1", 5_000, 5_001), ("2", 10, 20), ("11", 5, 6)]
    assert merge_intervals([]) == []
    with pytest.raises(ValueError, match="ends before it starts"):
        merge_intervals([("1", 10, 9)])


def test_interval_set_lookups() -> None:
    s = IntervalSet([("chr11", 100, 200), ("11", 300, 400), ("X", 1, 1)])
    assert s.chroms == ["11", "X"] and len(s) == 3
    assert s.on("chr11") == [(100, 200), (300, 400)]
    assert s.contains("11", 100) and s.contains("chr11", 200) and not s.contains("11", 201)
    assert s.overlaps("11", 50, 100) and s.overlaps("11", 250, 300) and not s.overlaps("11", 201, 299)
    assert s.contains("chrX", 1) and not s.contains("1", 150)


@given(st.lists(st.tuples(st.sampled_from(["1", "chr1", "2"]), st.integers(1, 300),
                          st.integers(0, 50)), max_size=12),
       st.sampled_from(["1", "chr2"]), st.integers(1, 400), st.integers(0, 30))
def test_interval_set_agrees_with_brute_force(raw: list[tuple[str, int, int]], chrom: str,
                                              start: int, width: int) -> None:
    ivs = [(c, s, s + w) for c, s, w in raw]
    s = IntervalSet(ivs)
    end = start + width
    brute = any(c.removeprefix("chr") == chrom.removeprefix("chr") and a <= end and start <= b
                for c, a, b in ivs)
    assert s.overlaps(chrom, start, end) == brute
    assert s.contains(chrom, start) == in_intervals(ivs, chrom, start)
    merged = list(s)
    assert all(m1[0] != m2[0] or m1[2] + 1 < m2[1] for m1, m2 in itertools.pairwise(merged))
