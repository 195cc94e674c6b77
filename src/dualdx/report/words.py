"""Words for the page: fixed vocabularies and small pure formatters.

Every code that report.json carries (inheritance labels, flags, QC flags, ClinVar condition
names as NCBI writes them in its VCF) is turned into words here, so no raw code reaches the
page. Unknown codes are shown with underscores as spaces, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from dualdx.interpretation import zygosity
from dualdx.interpretation.modes import LABEL_WORDS
from dualdx.interpretation.quality import problem_text
from dualdx.interpretation.relatives import MODE_WORDS, join_words, mode_words

__all__ = ["LABEL_WORDS", "MODE_WORDS", "join_words", "mode_words"]

CLASS_ORDER: tuple[str, ...] = (
    "Pathogenic",
    "Likely pathogenic",
    "Uncertain significance",
    "Likely benign",
    "Benign",
)
CLASS_SHORT: dict[str, str] = {
    "Pathogenic": "P",
    "Likely pathogenic": "LP",
    "Uncertain significance": "VUS",
    "Likely benign": "LB",
    "Benign": "B",
}
STRENGTH_ORDER: tuple[str, ...] = ("Stand-alone", "Very strong", "Strong", "Moderate", "Supporting")
RULESET_WORDS: dict[str, str] = {
    "acmg2015": "ACMG/AMP 2015 combining rules (Richards et al. 2015)",
    "clingen_points_2020": "Bayesian points (Tavtigian et al. 2020)",
}
MODE_SHORT: dict[str, str] = {
    "autosomal_dominant": "AD",
    "autosomal_recessive": "AR",
    "x_linked_dominant": "XLD",
    "x_linked_recessive": "XLR",
    "x_linked": "XL",
    "mitochondrial": "MT",
    "unknown": "?",
}
ORIGIN_WORDS: dict[str, str] = {
    "maternal": "inherited from the mother",
    "paternal": "inherited from the father",
    "de_novo": "de novo (in neither parent)",
    "biparental": "inherited from both parents",
    "unknown": "origin not determined",
}
FLAG_WORDS: dict[str, str] = {
    "clinvar_plp_over_vus": "counted as pathogenic through its reviewed ClinVar assertion",
    "clinvar_benign_over_vus": "not used: ClinVar calls it benign (reviewed)",
    "vus_not_protein_or_splice_altering": "not used: no protein or splice effect",
    "vus": "of uncertain significance",
    "phase_unknown": "phase of the two variants unknown",
}
QC_WORDS: dict[str, str] = {
    "low_gq": "low genotype quality in {s}",
    "low_depth": "low read depth in {s}",
    "allele_balance": "unbalanced allele reads in {s}",
    "missing_gt": "no genotype call in {s}",
    "filter": "failed the caller's filter ({s})",
    "not_mane_transcript": "not on the MANE Select transcript",
}
STATUS_WORDS: dict[str, str] = {
    "dual": "Dual diagnosis",
    "possible_dual": "Possible dual diagnosis",
    "single": "Single diagnosis",
    "none": "No diagnosis found",
    "not_assessable": "Not assessable",
}
RELATIVE_STATUS_WORDS: dict[str, str] = {
    "affected": "affected",
    "at_risk": "has the genotype",
    "carrier": "carrier",
    "not_carrier": "not a carrier",
    "unknown": "not determined",
}
GENOTYPE_WORDS = zygosity.STATE_WORDS


def stars_text(stars: Any) -> str:
    """ClinVar review stars as text: 2 → '★★☆☆'. Unknown values → 'stars not given'."""
    if isinstance(stars, bool) or not isinstance(stars, int) or not 0 <= stars <= 4:
        return "stars not given"
    return "★" * stars + "☆" * (4 - stars)


def star_words(stars: Any) -> str:
    """'2 stars', '1 star', 'no review stars'."""
    if isinstance(stars, bool) or not isinstance(stars, int):
        return "review stars not given"
    return "no review stars" if stars == 0 else f"{stars} star{'s' if stars != 1 else ''}"


def format_af(af: Any) -> str:
    """Allele frequency for humans: 0.0123 → '0.0123', 1.2e-05 → '1.2×10⁻⁵', 0 → '0'."""
    if isinstance(af, bool) or not isinstance(af, int | float):
        return "not given"
    if af == 0:
        return "0"
    if af >= 0.001:
        return f"{af:.4f}".rstrip("0").rstrip(".")
    return sci(af)


def sci(x: float, digits: int = 2) -> str:
    """1.87e-07 → '1.9×10⁻⁷'; numbers ≥ 0.001 plainly."""
    if x >= 0.001 or x == 0:
        return f"{x:.{digits + 1}g}"
    mant, exp = f"{x:.{digits - 1}e}".split("e")
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"{mant}×10{str(int(exp)).translate(sup)}"


def points_words(points: Any) -> str:
    if isinstance(points, bool) or not isinstance(points, int):
        return "no points"
    return f"{points} point{'s' if abs(points) != 1 else ''}"


def class_slug(acmg_class: str | None) -> str:
    """CSS class name for a class badge (fixed vocabulary, never input text)."""
    return {
        "Pathogenic": "p",
        "Likely pathogenic": "lp",
        "Uncertain significance": "vus",
        "Likely benign": "lb",
        "Benign": "b",
    }.get(acmg_class or "", "unk")


def flag_words(flag: str, variant_names: Mapping[str, str]) -> str:
    """'clinvar_plp_over_vus:chr1-…' → 'ALPL c.571G>A counted as pathogenic through its
    reviewed ClinVar assertion'."""
    code, _sep, target = flag.partition(":")
    words = FLAG_WORDS.get(code, code.replace("_", " "))
    if code == "qc":  # qc:<call problem>:<variant>, a problem of the proband's call
        problem, _sep, target = target.partition(":")
        words = f"the proband's call is {problem_text(problem)}"
    if target:
        name = variant_names.get(target, target)
        return f"{name}: {words}"
    return words


def qc_words(flag: str) -> str:
    code, _sep, target = flag.partition(":")
    template = QC_WORDS.get(code)
    if template is None:
        return flag.replace("_", " ").replace(":", ": ")
    return template.format(s=target) if "{s}" in template else template


def genotype_copies(gt: Any) -> tuple[int, int, bool]:
    """(alt copies, ref copies, any missing) from a GT string such as '0/1', '1|1', './.'.
    Alleles other than 0/1 (another alt, '*') count as neither ref nor this alt."""
    if not isinstance(gt, str) or not gt:
        return 0, 0, True
    alleles = re.split(r"[/|]", gt)
    alt = sum(1 for a in alleles if a == "1")
    ref = sum(1 for a in alleles if a == "0")
    missing = any(a in (".", "") for a in alleles)
    return alt, ref, missing


def compact_genotype(gene: str, labels: Sequence[str], gts: Sequence[Any | None]) -> str:
    """'TCIRG1 v1/v2', 'ALPL v/+', 'ALPL +/+', 'ALPL ?' or 'ALPL not tested'.

    ``labels`` names each variant (v, or v1, v2 …); ``gts`` holds the person's GT string at
    each variant, None when the person has no genotype there (not sequenced)."""
    if all(g is None for g in gts):
        return f"{gene} not tested"
    alts: list[str] = []
    missing = False
    for lab, gt in zip(labels, gts, strict=True):
        if gt is None:
            missing = True
            continue
        a, _r, miss = genotype_copies(gt)
        missing = missing or miss
        alts.extend([lab] * a)
    if missing and not alts:
        return f"{gene} ?"
    alleles = alts[:]
    while len(alleles) < 2 and not missing:  # diploid display: pad with reference alleles
        alleles.append("+")
    if missing:
        alleles.append("?")
    return f"{gene} " + "/".join(alleles)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
