"""Computational criteria PP3 and BP4: REVEL/CADD thresholds of Pejaver et al. 2022 and SpliceAI
thresholds of Walker et al. 2023."""

from __future__ import annotations

from dualdx.interpretation.acmg.evidence import (
    CADD_BP4,
    CADD_PP3,
    CANONICAL_SPLICE,
    MISSENSE,
    NULL_TRUNCATING,
    REVEL_BP4,
    REVEL_PP3,
    SPLICEAI_BENIGN,
    SPLICEAI_PP3,
    STRENGTH_RANK,
    Criterion,
    NotEvaluated,
    Outcome,
    Strength,
    VariantEvidence,
    consequence_terms,
    score,
)


def _grade(value: float, table: tuple[tuple[float, str], ...], above: bool) -> Strength | None:
    for thr, strength in table:
        if (above and value >= thr) or (not above and value <= thr):
            return strength  # type: ignore[return-value]
    return None


def _strongest(a: Strength | None, b: Strength | None) -> Strength | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if STRENGTH_RANK[a] >= STRENGTH_RANK[b] else b


def _is_null(ev: VariantEvidence) -> bool:
    return bool(consequence_terms(ev.consequence) & (NULL_TRUNCATING | CANONICAL_SPLICE))


def _insilico(ev: VariantEvidence) -> tuple[Strength | None, Strength | None, list[str]]:
    """(PP3 strength, BP4 strength, scores used); no scores used -> empty list."""
    missense = bool(consequence_terms(ev.consequence) & MISSENSE)
    revel, cadd, sai = score(ev, "revel"), score(ev, "cadd"), score(ev, "spliceai")
    pp3: Strength | None = None
    bp4: Strength | None = None
    used: list[str] = []
    if missense and revel is not None:
        pp3 = _grade(revel, REVEL_PP3, above=True)
        bp4 = _grade(revel, REVEL_BP4, above=False)
        used.append(f"REVEL {revel:.3f}")
    elif missense and cadd is not None:
        pp3 = _grade(cadd, CADD_PP3, above=True)
        bp4 = _grade(cadd, CADD_BP4, above=False)
        used.append(f"CADD {cadd:.1f}")
    if sai is not None:
        used.append(f"SpliceAI {sai:.2f}")
        if sai >= SPLICEAI_PP3:
            pp3 = _strongest(pp3, "Supporting")
            bp4 = None  # a predicted splice effect contradicts benign evidence
        elif sai <= SPLICEAI_BENIGN and not missense:
            bp4 = _strongest(bp4, "Supporting")
        elif not sai <= SPLICEAI_BENIGN:
            bp4 = None  # splice impact uncertain (0.1 < score < 0.2): no benign evidence
    elif used and bp4 is not None:
        used.append("splicing not predicted (no SpliceAI score)")
    return pp3, bp4, used


def _insilico_missing(code: str, ev: VariantEvidence) -> NotEvaluated | None:
    if not ev.configured_scores:
        return NotEvaluated(code, "no in-silico score source configured")
    return None


def pp3(ev: VariantEvidence) -> Outcome:
    missing = _insilico_missing("PP3", ev)
    if missing:
        return missing
    if ev.consequence is not None and _is_null(ev):
        return None  # predicted null variants: PVS1 carries this evidence (no double count)
    strength, _, why = _insilico(ev)
    if not why:
        return NotEvaluated("PP3", "no configured in-silico score applies to this variant")
    if strength is None:
        return None
    return Criterion("PP3", strength, "pathogenic",
                     f"computational evidence supports a deleterious effect: {', '.join(why)} "
                     "(Pejaver 2022 / Walker 2023 thresholds).")


def bp4(ev: VariantEvidence) -> Outcome:
    missing = _insilico_missing("BP4", ev)
    if missing:
        return missing
    if ev.consequence is not None and _is_null(ev):
        return None
    _, strength, why = _insilico(ev)
    if not why:
        return NotEvaluated("BP4", "no configured in-silico score applies to this variant")
    if strength is None:
        return None
    return Criterion("BP4", strength, "benign",
                     f"computational evidence suggests no impact: {', '.join(why)} "
                     "(Pejaver 2022 / Walker 2023 thresholds).")

