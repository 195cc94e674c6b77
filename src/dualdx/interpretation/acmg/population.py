"""Population criteria: BA1, BS1, PM2 (at Supporting, SVI 2020) from gnomAD, and BS2 from gnomAD
homozygotes or from unaffected relatives (:mod:`dualdx.interpretation.penetrance`)."""

from __future__ import annotations

from dualdx.core.model import PopulationFrequency
from dualdx.interpretation import modes
from dualdx.interpretation.acmg.evidence import (
    RECESSIVE_MODES,
    STRENGTH_RANK,
    Criterion,
    NotEvaluated,
    Outcome,
    Strength,
    VariantEvidence,
)
from dualdx.interpretation.penetrance import Course, family_bs2_applies


def _frequency(g: PopulationFrequency) -> float | None:
    """Filtering frequency: popmax when known, else overall AF; 0 when absent; None: unknown."""
    if not g.found:
        return 0.0
    if g.popmax_af is not None:
        return g.popmax_af
    return g.af


def _freq_text(g: PopulationFrequency) -> str:
    src = g.source or "gnomAD"
    if not g.found:
        return f"absent from {src}"
    if g.popmax_af is not None:
        pop = f" ({g.popmax_population})" if g.popmax_population else ""
        return f"{src} popmax AF {g.popmax_af:.3g}{pop}"
    return f"{src} AF {g.af:.3g}" if g.af is not None else f"{src}: AF not reported"


def _gnomad_missing(code: str, g: PopulationFrequency) -> NotEvaluated | None:
    if not g.queried:
        return NotEvaluated(code, "gnomAD was not queried: population frequency unknown")
    if g.found and _frequency(g) is None:
        return NotEvaluated(code, "gnomAD record has no allele frequency")
    return None



def ba1(ev: VariantEvidence) -> Outcome:
    missing = _gnomad_missing("BA1", ev.gnomad)
    if missing:
        return missing
    f = _frequency(ev.gnomad)
    assert f is not None
    if f > ev.settings.ba1_af:
        return Criterion("BA1", "Stand-alone", "benign",
                         f"{_freq_text(ev.gnomad)} is above the BA1 threshold "
                         f"{ev.settings.ba1_af:g} for {ev.gene}.")
    return None


def bs1(ev: VariantEvidence) -> Outcome:
    missing = _gnomad_missing("BS1", ev.gnomad)
    if missing:
        return missing
    f = _frequency(ev.gnomad)
    assert f is not None
    if ev.settings.bs1_af < f <= ev.settings.ba1_af:
        return Criterion("BS1", "Strong", "benign",
                         f"{_freq_text(ev.gnomad)} is above the BS1 threshold "
                         f"{ev.settings.bs1_af:g} for {ev.gene} (greater than expected).")
    return None


def pm2(ev: VariantEvidence) -> Outcome:
    """PM2 at Supporting (ClinGen SVI 2020).

    Genes with a recessive disease: popmax AF at or below ``pm2_af``. Genes with dominant
    diseases only (or no mode known): absent from gnomAD.
    """
    missing = _gnomad_missing("PM2", ev.gnomad)
    if missing:
        return missing
    f = _frequency(ev.gnomad)
    assert f is not None
    recessive = any(m in RECESSIVE_MODES for m in ev.disease_modes)
    if not ev.gnomad.found or (ev.gnomad.ac is not None and ev.gnomad.ac == 0):
        return Criterion("PM2", "Supporting", "pathogenic",
                         f"{_freq_text(ev.gnomad)} (gnomAD was queried).")
    if recessive and f <= ev.settings.pm2_af:
        return Criterion("PM2", "Supporting", "pathogenic",
                         f"{_freq_text(ev.gnomad)} is at or below {ev.settings.pm2_af:g}, "
                         f"rare enough for the recessive disease of {ev.gene}.")
    return None


def bs2(ev: VariantEvidence) -> Outcome:
    """BS2 from the population (:func:`bs2_gnomad`) or from the family (:func:`bs2_family`): the
    stronger of the two when both apply, with both evidence sentences."""
    pop, fam = bs2_gnomad(ev), bs2_family(ev)
    if fam is None:
        return pop
    if isinstance(pop, Criterion):
        strength = pop.strength if STRENGTH_RANK[pop.strength] >= STRENGTH_RANK[fam.strength] \
            else fam.strength
        return Criterion("BS2", strength, "benign", f"{pop.evidence} {fam.evidence}")
    return fam


def bs2_family(ev: VariantEvidence) -> Criterion | None:
    """Unaffected adult relatives with the genotype a fully penetrant, early-onset disease needs
    (rule: :mod:`dualdx.interpretation.penetrance`). Applied only when it holds for every disease
    (of known mode) the proband's genotype qualifies for: a variant that may still cause an
    adult-onset or incompletely penetrant form gets no BS2 from the family."""
    rows = [c for c in ev.calls if c.qualifies and c.disease_mode in modes.KNOWN_MODES]
    if not rows:
        return None
    whys: list[str] = []
    for c in rows:
        ok, why = family_bs2_applies(ev.disease_courses.get(c.disease_id, Course(None, None)))
        if not ok or not c.unaffected_ancestor_carriers:
            return None
        whys.append(f"{c.disease_id}: {why}")
    n = min(len(c.unaffected_ancestor_carriers) for c in rows)
    who = sorted({s for c in rows for s in c.unaffected_ancestor_carriers})
    strength: Strength = "Strong" if n >= 2 else "Supporting"
    return Criterion("BS2", strength, "benign",
                     f"unaffected {', '.join(who)} (ancestor{'s' if len(who) > 1 else ''} of the "
                     f"proband) ha{'ve' if len(who) > 1 else 's'} the genotype the disease needs "
                     f"({'; '.join(sorted(set(whys)))}).")


def bs2_gnomad(ev: VariantEvidence) -> Outcome:
    """Healthy homozygotes in gnomAD (``nhomalt`` at least ``bs2_nhomalt``).

    A homozygote is counter-evidence for both a recessive and a dominant disease, so the rule is
    applied when every disease mode of the gene is autosomal. Healthy heterozygotes in gnomAD
    against a dominant disease are not used (gnomAD ages and penetrance are not known to the
    workflow); healthy relatives are (:func:`bs2_family`).
    """
    missing = _gnomad_missing("BS2", ev.gnomad)
    if missing:
        return missing
    if not ev.disease_modes:
        return NotEvaluated("BS2", f"no disease mode known for {ev.gene}")
    other = sorted(m for m in ev.disease_modes
                   if m not in ("autosomal_recessive", "autosomal_dominant"))
    if other:
        return NotEvaluated("BS2", f"mode(s) {', '.join(other)}: hemizygote counts not used")
    if not ev.gnomad.found:
        return None
    if ev.gnomad.nhomalt is None:
        return NotEvaluated("BS2", "gnomAD record has no homozygote count")
    if ev.gnomad.nhomalt >= ev.settings.bs2_nhomalt:
        return Criterion("BS2", "Strong", "benign",
                         f"{ev.gnomad.nhomalt} homozygotes in {ev.gnomad.source or 'gnomAD'} "
                         f"(threshold {ev.settings.bs2_nhomalt}) for a disease of early onset "
                         f"({', '.join(sorted(set(ev.disease_modes)))}).")
    return None

