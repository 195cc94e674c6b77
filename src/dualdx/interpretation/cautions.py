"""What the report must say beside its conclusions: the caveats every stage recorded, gathered into
``report.json`` ``warnings``, and the cautions specific to one diagnosis (``diagnoses[].cautions``).

Report-level caveats come from ``filter_stats.json``, ``annotations.json``, ``inheritance.json``
and ``classification.json`` (their ``caveats`` lists; an older ``warnings`` list of strings is
read as caveats too) and from the diagnosis stage itself (phenotype rows for people in no
pedigree, a variant used in a conclusion that failed the caller's filter, ...).

A diagnosis gets a caution when it rests on a call that failed the caller's FILTER, on a call with
a QC problem, on a pair whose phase is unknown, on a ClinVar "low penetrance" assertion, or when a
relative *unaffected for that disease* has the genotype the disease needs (e.g. "inherited from an
unaffected father: requires reduced penetrance"), or when a parent's reference call has ALT reads
(so a de novo is not confirmed). A female proband who carries one copy of a variant of an
X-linked recessive disease that explains her features gets a report-level caution (no diagnosis
by genotype; a second variant or skewed X-inactivation would be needed).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dualdx.core.caveats import Caveat, unique
from dualdx.inputs.pedigree import Pedigree
from dualdx.interpretation.modes import X_RECESSIVE_MODES, XLR_HETEROZYGOUS_FEMALE
from dualdx.interpretation.quality import CallCheck, failed_filter

STAGE = "call_diagnoses"


def stage_caveats(doc: Mapping[str, Any], stage: str) -> list[Caveat]:
    """The caveats of one stage file (``caveats``; legacy ``warnings`` strings as caveats)."""
    out: list[Caveat] = []
    for i, c in enumerate(doc.get("caveats") or []):
        try:
            out.append(Caveat.from_dict(c))
        except (KeyError, TypeError, ValueError) as e:
            out.append(Caveat("malformed_caveat", f"{stage} recorded a caveat that could not be "
                              f"read (item {i}: {e})", "caution", STAGE))
    for w in doc.get("warnings") or []:
        if isinstance(w, str):
            out.append(Caveat(f"{stage}_warning", w, "caution", stage))
        elif isinstance(w, Mapping):
            out.append(Caveat.from_dict(w))
    return out


def orphan_phenotype_caveats(phenotype_samples: Iterable[str],
                             peds: Mapping[str, Pedigree]) -> list[Caveat]:
    """Phenotype rows for sample IDs that are in no pedigree of the PED file (probably a typo)."""
    everyone = sorted({s for p in peds.values() for s in p.people})
    out = []
    for sid in sorted(set(phenotype_samples) - set(everyone)):
        close = difflib.get_close_matches(sid, everyone, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        out.append(Caveat("phenotypes_for_unknown_sample",
                          f"the phenotypes name {sid}, who is in no family of the PED file{hint}: "
                          f"probably a typo; {sid}'s terms were not used. Fix: correct the sample "
                          "ID in the phenotype file or add the person to the PED",
                          "caution", STAGE, samples=(sid,)))
    return out


def failed_filter_caveat(variants: Sequence[Mapping[str, Any]], used: Iterable[str]) -> list[Caveat]:
    """One caveat naming the variants used in a conclusion that failed the caller's FILTER."""
    used_set = set(used)
    bad = [(str(v["key"]), failed_filter(v)) for v in variants
           if str(v["key"]) in used_set and failed_filter(v)]
    if not bad:
        return []
    listed = "; ".join(f"{k} (FILTER {f})" for k, f in bad)
    return [Caveat("failed_filter_used",
                   f"{len(bad)} variant(s) used in a diagnosis or carrier finding failed the "
                   f"variant caller's filter: {listed}. Confirm them independently",
                   "caution", STAGE, variants=tuple(k for k, _ in bad))]


def heterozygous_female_caveats(carriers: Sequence[Mapping[str, Any]],
                                knowledge: Mapping[str, Any],
                                explained: Mapping[str, Sequence[str]], n_terms: int,
                                proband: str, ped: Pedigree) -> list[Caveat]:
    """A female proband heterozygous for a usable variant (counted as pathogenic, or of uncertain
    significance) of an X-linked recessive disease that explains some of her recorded features
    (``explained``: disease ID -> her terms it explains, of ``n_terms``). She is a carrier, so no
    diagnosis is made by genotype; but "no diagnosis" must not read as "nothing found": the
    disease would be hers with a second variant or skewed X-inactivation (a caution)."""
    person = ped.people.get(proband)
    if person is None or person.sex != "female":
        return []
    out: list[Caveat] = []
    for c in carriers:
        for did in c.get("disease_ids") or [c.get("disease_id")]:
            dis = knowledge.get("diseases", {}).get(did) or {}
            terms = explained.get(str(did)) or []
            if not terms or not set(dis.get("modes") or []) & X_RECESSIVE_MODES - {"x_linked"}:
                continue
            tier = "counted as pathogenic" if c.get("tier") == "PLP" else \
                "of uncertain significance"
            out.append(Caveat(
                "heterozygous_female_x_linked_recessive",
                f"{proband} is heterozygous for {c['gene']} {c['variant']} ({tier}), and "
                f"{dis.get('name') or did} ({did}, X-linked recessive) explains {len(terms)} of "
                f"her {n_terms} recorded features: no diagnosis is made by genotype. "
                f"{XLR_HETEROZYGOUS_FEMALE[0].upper()}{XLR_HETEROZYGOUS_FEMALE[1:]}.",
                "caution", STAGE, variants=(str(c["variant"]),), samples=(proband,),
                genes=(str(c["gene"]),)))
    return unique(out)


def _relation(ped: Pedigree, proband: str, sid: str) -> str:
    father, mother = ped.parents(proband) if proband in ped.people else (None, None)
    if sid == father:
        return "father"
    if sid == mother:
        return "mother"
    if sid in ped.siblings(proband):
        return {"male": "brother", "female": "sister"}.get(ped.people[sid].sex, "sibling")
    return "relative"


_QC_TEXT = {
    "het_in_haploid_region": ("the proband's call at {k} is heterozygous on X outside the PARs in "
                              "a male: a QC problem (PED sex, sample swap or mapping), not a "
                              "hemizygote; the diagnosis stays a candidate until the call is "
                              "checked"),
    "diploid_gt_in_haploid_region": ("the proband's call at {k} is written as a diploid genotype "
                                     "on X in a male; the reads show one copy ({d}): a "
                                     "genotype-format problem to check"),
    "hom_alt_few_alt_reads": ("the proband's homozygous call at {k} is not supported by the "
                              "reads ({d})"),
    "haploid_gt_in_diploid_region": ("the proband's call at {k} is a haploid genotype on a "
                                     "diploid chromosome ({d})"),
}


def diagnosis_cautions(
    dx: Mapping[str, Any],
    proband: str,
    ped: Pedigree,
    variants: Mapping[str, Mapping[str, Any]],
    checks: Mapping[str, Mapping[str, CallCheck]],
    rows: Sequence[Mapping[str, Any]],
) -> list[Caveat]:
    """Cautions for one diagnosis (``report.json`` diagnosis dict), see the module docstring.

    ``variants``: annotations.json variants by key; ``checks``: call checks by variant and
    sample; ``rows``: the inheritance.json rows of the diagnosis's disease and mode."""
    keys = [str(k) for k in dx.get("variants") or []]
    genes = (str(dx.get("gene")),) if dx.get("gene") else ()
    name = str(dx.get("disease_name") or dx.get("disease_id"))
    out: list[Caveat] = []

    def add(code: str, message: str, vs: Sequence[str] = (), ss: Sequence[str] = ()) -> None:
        out.append(Caveat(code, message, "caution", STAGE, variants=tuple(vs),
                          samples=tuple(ss), genes=genes))

    for k in keys:
        f = failed_filter(variants.get(k) or {})
        if f:
            add("failed_filter", f"this diagnosis rests on {k}, a call that failed the variant "
                f"caller's filter (FILTER {f}): confirm it independently", [k])
        pb = (checks.get(k) or {}).get(proband)
        for p in pb.problems if pb else ():
            if p.code in _QC_TEXT:
                add(f"proband_call_{p.code}", _QC_TEXT[p.code].format(k=k, d=p.detail), [k],
                    [proband])
        for sid, ch in sorted((checks.get(k) or {}).items()):
            if sid != proband and sid in ped.parents(proband) and \
                    "ref_with_alt_reads" in ch.codes:
                detail = next(p.detail for p in ch.problems if p.code == "ref_with_alt_reads")
                add("parent_ref_call_with_alt_reads",
                    f"the {_relation(ped, proband, sid)} ({sid}) is called homozygous reference "
                    f"at {k} but the reads carry the ALT ({detail}): possible mosaicism or a "
                    "missed heterozygote, so a de novo origin is not confirmed", [k], [sid])
    if "clinvar_low_penetrance" in " ".join(str(f) for f in dx.get("flags") or []):
        add("clinvar_low_penetrance", f"ClinVar classifies a variant of this {name} genotype as "
            "pathogenic with low penetrance: it may not explain the phenotype on its own", keys)
    if dx.get("label") == "compound_het_unknown_phase" and len(keys) == 2:
        add("phase_unknown", f"the phase of {keys[0]} and {keys[1]} is unknown: they make "
            f"{name} only if they are on different chromosomes (in trans); testing the parents "
            "would resolve it", keys)
    unaffected: dict[str, set[str]] = {}
    for r in rows:
        if str(r.get("variant")) not in keys:
            continue
        for sid in (r.get("relatives") or {}).get("unaffected_carriers") or []:
            if sid != proband:
                unaffected.setdefault(sid, set()).add(str(r["variant"]))
    for sid, vs in sorted(unaffected.items()):
        rel = _relation(ped, proband, sid)
        inherited = any(
            (r.get("origin") == "paternal" and rel == "father")
            or (r.get("origin") == "maternal" and rel == "mother")
            for r in rows if str(r.get("variant")) in vs)
        what = (f"inherited from an unaffected {rel} ({sid})" if inherited
                else f"the same genotype is present in an unaffected {rel} ({sid})")
        add("unaffected_carrier", f"{what}: {name} then requires reduced penetrance or a later "
            "onset in that relative", sorted(vs), [sid])
    return unique(out)


def gather(*groups: Iterable[Caveat]) -> list[dict[str, Any]]:
    """Every caveat once, cautions first, as ``report.json`` ``warnings`` items."""
    return [c.to_dict() for c in unique(c for g in groups for c in g)]


__all__ = ["diagnosis_cautions", "failed_filter_caveat", "gather", "heterozygous_female_caveats",
           "orphan_phenotype_caveats", "stage_caveats"]
