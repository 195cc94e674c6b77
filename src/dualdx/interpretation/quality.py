"""Call quality: when a genotype call is trusted, what it is read as, and the QC flags and caveats
that say so. The one owner of depth, genotype-quality and allele-balance thresholds
(``tests/unit/test_rule_owners.py`` checks that no other module compares them).

Thresholds come from the configuration only (``inheritance.min_dp``, ``min_gq``, ``het_ab_min``,
``het_ab_max``; defaults 8, 20, 0.2, 0.8). The inheritance stage records the values it used in
``inheritance.json`` (``thresholds``) and the diagnosis stage reads them from there, so the two
stages cannot disagree.

Rules, per call (``ploidy`` from :mod:`dualdx.interpretation.zygosity`; *f* is the ALT read
fraction from a two-entry AD, REF and this ALT; a field absent from the VCF is not tested):

1. DP below ``min_dp`` or GQ below ``min_gq``: every allele unknown (``low_depth``, ``low_gq``).
   A weak call is *unknown*, never reference.
2. Heterozygous ``0/1`` where two copies are expected: *f* outside ``het_ab_min..het_ab_max``
   makes the call unknown (``allele_balance``).
3. ``0/0`` with *f* at or above ``het_ab_min`` (e.g. 11 of 33 reads): unknown
   (``ref_with_alt_reads``): possibly a missed heterozygote or a mosaic parent, so never a
   confirmed non-carrier (no confirmed de novo, no PS2 from it).
4. ``1/1`` with *f* below ``het_ab_min``: unknown; below ``het_ab_max`` (e.g. AD 11,4): not a
   trustworthy homozygote, read as one ALT copy with the other allele unknown
   (``hom_alt_few_alt_reads``).
5. Ploidy from sex (a male on X outside the PARs has one copy):
   ``0/1`` with *f* above ``het_ab_max`` (AD 2,48) is a hemizygous ALT call written as a diploid
   genotype, read as ``1``; below ``het_ab_min`` a hemizygous REF call, read as ``0``
   (``diploid_gt_in_haploid_region``). Balanced or without AD it stays ``0/1`` and is flagged
   ``het_in_haploid_region``: a QC problem (PED sex, sample swap, mapping), never reported as
   hemizygous, never enough for a confirmed X-linked diagnosis.
6. A haploid genotype (``1``) where two copies are expected (an autosome, a PAR, a female's X) is
   flagged ``haploid_gt_in_diploid_region`` and read as one called copy with the other allele
   unknown.

Calls holding another ALT of a split site (``1/*``) and partly called genotypes (``./1``) get the
DP/GQ test only: their reads cannot be split into REF and this ALT.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from dualdx.core.caveats import Caveat
from dualdx.core.model import Call, VariantRecord

STAGE = "assign_inheritance"


@dataclass(frozen=True)
class TrustThresholds:
    """The configuration's ``inheritance`` thresholds (module docstring)."""

    min_dp: int = 8
    min_gq: float = 20
    het_ab_min: float = 0.2
    het_ab_max: float = 0.8

    @classmethod
    def from_mapping(cls, d: Mapping[str, Any] | None) -> TrustThresholds:
        """From ``inheritance.json`` ``thresholds`` (or the config block); missing keys default."""
        d = d or {}
        base = cls()
        return cls(min_dp=int(d.get("min_dp", base.min_dp)),
                   min_gq=float(d.get("min_gq", base.min_gq)),
                   het_ab_min=float(d.get("het_ab_min", base.het_ab_min)),
                   het_ab_max=float(d.get("het_ab_max", base.het_ab_max)))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Problem:
    code: str
    detail: str  # the numbers behind it, e.g. "DP 5 < 8", "AD 22,11"


@dataclass(frozen=True)
class CallCheck:
    """A call as the interpretation uses it, and what was wrong with the call as written."""

    call: Call
    problems: tuple[Problem, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)

    @property
    def changed(self) -> bool:
        """The call is read otherwise than written (made unknown, or its copies re-read)."""
        return any(p.code in CHANGING for p in self.problems)


#: Problems after which the call is used otherwise than written.
CHANGING = frozenset({"low_depth", "low_gq", "allele_balance", "ref_with_alt_reads",
                      "hom_alt_few_alt_reads", "diploid_gt_in_haploid_region",
                      "haploid_gt_in_diploid_region"})


def alt_fraction(call: Call) -> float | None:
    """ALT reads / (REF + ALT reads) from a two-entry AD; None when AD cannot say it.

    Only two-entry AD is used: a longer AD (unsplit multiallelic) does not say which entry is this
    record's ALT, and calls holding another ALT (-1) have no single REF/ALT fraction.
    """
    if call.ad is None or len(call.ad) != 2 or any(a is None or a < 0 for a in call.alleles):
        return None
    total = call.ad[0] + call.ad[1]
    return call.ad[1] / total if total > 0 else None


def allele_balance(call: Call) -> float | None:
    """:func:`alt_fraction` of a diploid ``0/1`` call; None for any other genotype."""
    if len(call.alleles) != 2 or sorted(a for a in call.alleles if a is not None) != [0, 1]:
        return None
    return alt_fraction(call)


def _reads(call: Call) -> str:
    assert call.ad is not None
    return f"AD {call.ad[0]},{call.ad[1]}"


def _unknown(call: Call) -> Call:
    return replace(call, alleles=tuple(None for _ in call.alleles), phased=False)


def check_call(call: Call, ploidy: int | None, t: TrustThresholds) -> CallCheck:
    """Apply the rules of the module docstring to one call of a person with ``ploidy`` copies
    (``None``: unknown, e.g. PED sex unknown on X: read as diploid, nothing re-read)."""
    if not call.alleles or all(a is None for a in call.alleles):
        return CallCheck(call, (Problem("missing_gt", "genotype not called"),))
    low = []
    if call.dp is not None and call.dp < t.min_dp:
        low.append(Problem("low_depth", f"DP {call.dp} < {t.min_dp}"))
    if call.gq is not None and call.gq < t.min_gq:
        low.append(Problem("low_gq", f"GQ {call.gq:g} < {t.min_gq:g}"))
    if low:
        return CallCheck(_unknown(call), tuple(low))
    alleles = call.alleles
    if any(a is None or a < 0 for a in alleles):
        return CallCheck(call)
    f = alt_fraction(call)
    n_alt = sum(1 for a in alleles if a == 1)
    if len(alleles) == 1:
        if ploidy == 2:
            return CallCheck(replace(call, alleles=(alleles[0], None), phased=False),
                             (Problem("haploid_gt_in_diploid_region",
                                      f"haploid genotype {call.gt}"),))
        if f is None:
            return CallCheck(call)
        if n_alt == 0:
            if f >= t.het_ab_min:
                return CallCheck(_unknown(call), (Problem("ref_with_alt_reads", _reads(call)),))
            return CallCheck(call)
        if f < t.het_ab_min:
            return CallCheck(_unknown(call), (Problem("hom_alt_few_alt_reads", _reads(call)),))
        if f <= t.het_ab_max:
            return CallCheck(replace(call, alleles=(0, 1), phased=False),
                             (Problem("het_in_haploid_region", _reads(call)),))
        return CallCheck(call)
    if n_alt == 0:
        if f is not None and f >= t.het_ab_min:
            return CallCheck(_unknown(call), (Problem("ref_with_alt_reads", _reads(call)),))
        return CallCheck(call)
    if n_alt == 1 and len(alleles) == 2:
        if ploidy == 1:
            if f is not None and f > t.het_ab_max:
                return CallCheck(replace(call, alleles=(1,), phased=False),
                                 (Problem("diploid_gt_in_haploid_region", _reads(call)),))
            if f is not None and f < t.het_ab_min:
                return CallCheck(replace(call, alleles=(0,), phased=False),
                                 (Problem("diploid_gt_in_haploid_region", _reads(call)),))
            return CallCheck(call, (Problem("het_in_haploid_region",
                                            _reads(call) if f is not None else "no AD"),))
        if f is not None and not t.het_ab_min <= f <= t.het_ab_max:
            return CallCheck(_unknown(call), (Problem("allele_balance", _reads(call)),))
        return CallCheck(call)
    # homozygous ALT (1/1)
    if f is not None and f < t.het_ab_min:
        return CallCheck(_unknown(call), (Problem("hom_alt_few_alt_reads", _reads(call)),))
    if f is not None and f <= t.het_ab_max:
        if ploidy == 1:
            return CallCheck(replace(call, alleles=(0, 1), phased=False),
                             (Problem("het_in_haploid_region", _reads(call)),))
        return CallCheck(replace(call, alleles=(1, None), phased=False),
                         (Problem("hom_alt_few_alt_reads", _reads(call)),))
    return CallCheck(call)


def trusted(call: Call, t: TrustThresholds, ploidy: int | None = 2) -> Call:
    """The call as the interpretation uses it (:func:`check_call`)."""
    return check_call(call, ploidy, t).call


PloidyOf = Callable[[VariantRecord, str], int | None]


def apply_trust(rec: VariantRecord, t: TrustThresholds,
                ploidy_of: PloidyOf | None = None) -> tuple[VariantRecord, dict[str, CallCheck]]:
    """A copy of ``rec`` with every call as the interpretation uses it, and each sample's check.

    ``ploidy_of(rec, sample)``: copies expected (:func:`dualdx.interpretation.zygosity.person_ploidy`);
    default diploid everywhere.
    """
    checks: dict[str, CallCheck] = {}
    for s, c in rec.calls.items():
        checks[s] = check_call(c, ploidy_of(rec, s) if ploidy_of else 2, t)
    return replace(rec, calls={s: ch.call for s, ch in checks.items()}), checks


def qc_flags(variant: Mapping[str, Any], checks: Mapping[str, CallCheck]) -> list[str]:
    """The report's per-variant QC flags: ``filter:<FILTER>`` when the caller's filter failed,
    ``not_mane_transcript``, and ``<problem>:<sample>`` for each call problem (module docstring);
    ``missing_gt:<sample>`` for uncalled genotypes."""
    flags = [str(f) for f in variant.get("qc_flags", [])]
    filt = variant.get("filter")
    if filt not in (None, "", ".", "PASS"):
        flags.append(f"filter:{filt}")
    cons = variant.get("consequence")
    if isinstance(cons, dict) and cons.get("is_mane") is False:
        flags.append("not_mane_transcript")
    for sample, ch in sorted(checks.items()):
        flags.extend(f"{code}:{sample}" for code in ch.codes)
    return sorted(set(flags))


def failed_filter(variant: Mapping[str, Any]) -> str | None:
    """The caller's FILTER value when the record did not pass it, else None."""
    filt = variant.get("filter")
    return None if filt in (None, "", ".", "PASS") else str(filt)


_PROBLEM_TEXT = {
    "missing_gt": "without a genotype in the VCF ('./.' or no GT): unknown there, never reference",
    "low_depth": "below the QC thresholds: treated as not called, never as reference",
    "low_gq": "below the QC thresholds: treated as not called, never as reference",
    "allele_balance": ("heterozygous with an allele balance outside {ab}: treated as not "
                       "called"),
    "ref_with_alt_reads": ("called homozygous reference but the reads carry the ALT: "
                           "possible mosaicism or a missed heterozygote, so not counted as a "
                           "non-carrier (no confirmed de novo from this call)"),
    "hom_alt_few_alt_reads": ("called homozygous ALT but few reads carry the ALT: not "
                              "a trustworthy homozygote"),
    "haploid_gt_in_diploid_region": ("a haploid genotype where two copies are expected: "
                                     "counted as one called copy, the other unknown"),
    "diploid_gt_in_haploid_region": ("a diploid genotype where one copy is expected (X outside "
                                     "the PARs in a male), resolved by the reads: a "
                                     "genotype-format problem"),
    "het_in_haploid_region": ("heterozygous where one copy is expected (X outside the PARs in a "
                              "male): a QC problem (PED sex, sample swap or a mapping "
                              "artefact), not reported as hemizygous and not enough for a "
                              "confirmed X-linked diagnosis"),
}


def problem_text(code: str) -> str:
    """The words for a call problem's code (``het_in_haploid_region`` → "heterozygous where one
    copy is expected …"); an unknown code with its underscores made spaces."""
    return _PROBLEM_TEXT.get(code, code.replace("_", " "))


def problem_caveats(checks: Iterable[tuple[str, Mapping[str, CallCheck]]], t: TrustThresholds,
                    stage: str = STAGE, only: Collection[str] | None = None) -> list[Caveat]:
    """One caveat per (sample, problem) over ``(variant key, checks by sample)`` pairs, naming the
    variants. Uncalled genotypes (``missing_gt``) are a note: nothing was distrusted, but the
    report must not read as if every call of the panel were known. ``only``: these problem codes
    alone."""
    by: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for key, per_sample in checks:
        for sid, ch in per_sample.items():
            for p in ch.problems:
                if p.code in _PROBLEM_TEXT and (only is None or p.code in only):
                    by[(sid, p.code)].append((key, p.detail))
    out: list[Caveat] = []
    ab = f"{t.het_ab_min:g}-{t.het_ab_max:g}"
    for (sid, code), items in sorted(by.items()):
        items = sorted(set(items))
        shown = "; ".join(k if code == "missing_gt" else f"{k} ({d})" for k, d in items[:5])
        more = f" and {len(items) - 5} more" if len(items) > 5 else ""
        text = _PROBLEM_TEXT[code].format(ab=ab)
        n = len(items)
        message = (f"{sid}: {n} call{'s' if n != 1 else ''} {text}: {shown}{more}.")
        out.append(Caveat(code=f"call_{code}", message=message,
                          severity="note" if code == "missing_gt" else "caution", stage=stage,
                          variants=tuple(k for k, _ in items), samples=(sid,)))
    return out


def summary(checks: Sequence[CallCheck]) -> list[str]:
    """Problem codes of several calls, sorted and without repeats."""
    return sorted({c for ch in checks for c in ch.codes})


__all__ = [
    "CHANGING", "CallCheck", "Problem", "TrustThresholds", "allele_balance", "alt_fraction",
    "apply_trust", "check_call", "failed_filter", "problem_caveats", "problem_text", "qc_flags",
    "summary", "trusted",
]
