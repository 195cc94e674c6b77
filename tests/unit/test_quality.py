"""Call quality, pinned once at its owner (dualdx.interpretation.quality): thresholds from the
config only (the former call_diagnoses copy hard-coded DP 10 while the config says 8), ploidy-aware
allele balance, read checks of homozygous calls and of parents' reference calls (issue 14 item 5)."""

from __future__ import annotations

from typing import Any

import pytest

from dualdx.core.model import Call, VariantRecord
from dualdx.interpretation.quality import (
    TrustThresholds,
    alt_fraction,
    apply_trust,
    check_call,
    failed_filter,
    problem_caveats,
    qc_flags,
)

T = TrustThresholds()


def call(gt: str, **kw: Any) -> Call:
    parts = gt.replace("|", "/").split("/")
    return Call(tuple(None if a == "." else (-1 if a == "*" else int(a)) for a in parts),
                phased="|" in gt, **kw)


def test_thresholds_from_the_config_only() -> None:
    assert TrustThresholds.from_mapping(None) == T
    t = TrustThresholds.from_mapping({"min_dp": 12, "het_ab_min": 0.3})
    assert (t.min_dp, t.min_gq, t.het_ab_min, t.het_ab_max) == (12, 20.0, 0.3, 0.8)
    assert TrustThresholds.from_mapping(t.to_dict()) == t
    # DP 9 passes the config's 8 (the former report copy flagged it against its own 10)
    assert check_call(call("0/1", dp=9, ad=(5, 4)), 2, T).problems == ()
    assert check_call(call("0/1", dp=9, ad=(5, 4)), 2, t).codes == ("low_depth",)


@pytest.mark.parametrize(("gt", "kw", "ploidy", "alleles", "codes"), [
    ("0/1", {"dp": 30, "gq": 99.0, "ad": (15, 15)}, 2, (0, 1), ()),
    ("0/1", {"dp": 5}, 2, (None, None), ("low_depth",)),
    ("0/0", {"gq": 10.0}, 2, (None, None), ("low_gq",)),
    ("0/1", {"dp": 5, "gq": 5.0}, 2, (None, None), ("low_depth", "low_gq")),
    ("0/1", {"ad": (27, 3)}, 2, (None, None), ("allele_balance",)),
    ("0/1", {"ad": (2, 28)}, 2, (None, None), ("allele_balance",)),
    ("./.", {}, 2, (None, None), ("missing_gt",)),
    # a parent's 0/0 with 11 of 33 ALT reads is not a confirmed non-carrier
    ("0/0", {"ad": (22, 11)}, 2, (None, None), ("ref_with_alt_reads",)),
    ("0/0", {"ad": (30, 1)}, 2, (0, 0), ()),
    # 1/1 with AD 11,4 is not a trustworthy homozygote: one ALT copy, the other unknown
    ("1/1", {"ad": (11, 4)}, 2, (1, None), ("hom_alt_few_alt_reads",)),
    ("1/1", {"ad": (28, 2)}, 2, (None, None), ("hom_alt_few_alt_reads",)),
    ("1/1", {"ad": (0, 30)}, 2, (1, 1), ()),
    # a haploid genotype on an autosome: flagged, one called copy
    ("1", {}, 2, (1, None), ("haploid_gt_in_diploid_region",)),
    # a male on X: 0/1 with AD 2,48 is a hemizygous ALT call with a genotype-format problem
    ("0/1", {"ad": (2, 48)}, 1, (1,), ("diploid_gt_in_haploid_region",)),
    ("0/1", {"ad": (47, 3)}, 1, (0,), ("diploid_gt_in_haploid_region",)),
    # ... and a balanced male X het is a QC problem, kept as written (never hemizygous)
    ("0/1", {"ad": (20, 22)}, 1, (0, 1), ("het_in_haploid_region",)),
    ("0/1", {}, 1, (0, 1), ("het_in_haploid_region",)),
    ("1/1", {"ad": (15, 15)}, 1, (0, 1), ("het_in_haploid_region",)),
    ("1", {"ad": (0, 30)}, 1, (1,), ()),
    ("0", {"ad": (20, 10)}, 1, (None,), ("ref_with_alt_reads",)),
    # unknown ploidy (sex unknown on X): read as diploid, nothing re-read
    ("0/1", {"ad": (20, 22)}, None, (0, 1), ()),
    # another ALT, partial calls, AD of unknown layout: DP/GQ only
    ("1/*", {"ad": (0, 10)}, 2, (1, -1), ()),
    ("./1", {"ad": (10, 10)}, 2, (None, 1), ()),
    ("0/1", {"ad": (1, 1, 30)}, 2, (0, 1), ()),
])
def test_check_call(gt: str, kw: dict[str, Any], ploidy: int | None,
                    alleles: tuple[int | None, ...], codes: tuple[str, ...]) -> None:
    ch = check_call(call(gt, **kw), ploidy, T)
    assert ch.call.alleles == alleles
    assert ch.codes == codes


def test_alt_fraction() -> None:
    assert alt_fraction(call("0/1", ad=(10, 30))) == 0.75
    assert alt_fraction(call("0/1", ad=(0, 0))) is None
    assert alt_fraction(call("0/1")) is None
    assert alt_fraction(call("1/*", ad=(3, 4))) is None


def test_apply_trust_qc_flags_and_caveats() -> None:
    rec = VariantRecord("X", 50_000_000, "C", "T", {
        "kid": call("0/1", ad=(20, 22), dp=42), "dad": call("0/0", ad=(22, 11), dp=33),
        "mum": call("0/1", ad=(15, 15), dp=30), "sib": call("./.")}, filter="LowQual")
    ploidy = {"kid": 1, "dad": 1, "mum": 2, "sib": 1}
    out, checks = apply_trust(rec, T, lambda r, s: ploidy[s])
    assert out.calls["dad"].alleles == (None, None) and out.calls["kid"].alleles == (0, 1)
    flags = qc_flags({**rec.to_dict(), "consequence": {"is_mane": False}}, checks)
    assert flags == ["filter:LowQual", "het_in_haploid_region:kid", "missing_gt:sib",
                     "not_mane_transcript", "ref_with_alt_reads:dad"]
    assert failed_filter(rec.to_dict()) == "LowQual" and failed_filter({"filter": "PASS"}) is None
    cav = problem_caveats([(rec.key, checks)], T)
    assert [(c.code, c.samples, c.severity) for c in cav] == [
        ("call_ref_with_alt_reads", ("dad",), "caution"),
        ("call_het_in_haploid_region", ("kid",), "caution"),
        ("call_missing_gt", ("sib",), "note")]  # uncalled: not distrusted, but not known either
    assert cav[2].message == (f"sib: 1 call without a genotype in the VCF ('./.' or no GT): "
                              f"unknown there, never reference: {rec.key}.")
    assert "possible mosaicism or a missed heterozygote" in cav[0].message
    assert f"{rec.key} (AD 22,11)" in cav[0].message and cav[0].variants == (rec.key,)
