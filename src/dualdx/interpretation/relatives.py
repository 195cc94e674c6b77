"""Results for relatives, and the words shared with the recommendations and the page,
computed from the content of ``report.json`` (see :mod:`dualdx.interpretation.recommendations`
for how both reach the report).

* **Diagnosis order**: ``dual_diagnosis.diagnoses`` (A, then B), then the other diagnoses in
  report order. Every list here, the recommendations and the page use it
  (:func:`diagnosis_order`).
* **Disease name**: the catalogue label, with the form the family's inheritance selects when the
  disease entry lists several modes (:func:`disease_display_name`).
* **Genotype of a relative** at a variant: ``not tested`` (no genotype in the VCFs), ``no call``
  (missing allele), ``not trusted`` (a QC flag names that person at that variant: low depth,
  genotype quality or allele balance), else the number of copies; a male on X outside the
  pseudo-autosomal regions is hemizygous.
* **Status per relative and diagnosis**: ``affected`` when the affection rule says so
  (``samples[].affection``; older reports: ``affected_for``); ``at_risk`` when the relative has
  the genotype that causes the disease (both variants or a homozygote for a recessive disease,
  one copy for a dominant one, a hemizygous male or homozygous female for X-linked recessive)
  but is not known to be affected; ``carrier`` for one variant of a recessive (or a
  heterozygous female for an X-linked recessive) disease; ``not_carrier``; ``unknown`` when a
  genotype needed is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dualdx.core.model import Call, Sex
from dualdx.interpretation import modes, zygosity
from dualdx.interpretation.cnv_report import short_name
from dualdx.interpretation.quality import CHANGING

#: Every mode name with its words (the registry of :mod:`dualdx.interpretation.modes`).
MODE_WORDS: dict[str, str] = {name: modes.text(name) for name in modes.REGISTRY}
RECESSIVE = modes.AUTOSOMAL_RECESSIVE_MODES
X_RECESSIVE = modes.X_RECESSIVE_MODES
PLP = {"Pathogenic", "Likely pathogenic"}
#: QC problems after which a call is not used as written (the quality owner's list).
UNTRUSTED_FLAGS = tuple(sorted(CHANGING | {"het_in_haploid_region"}))
ONSET_QUALIFIERS = ("adult", "infantile", "childhood", "juvenile", "perinatal", "neonatal",
                    "adolescent", "congenital", "late-onset", "early-onset")


# --------------------------------------------------------------------------- shared words


def mode_words(mode: str | None) -> str:
    return "unknown inheritance" if mode in (None, "", "unknown") else modes.text(str(mode))


def diagnosis_order(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The diagnoses in reporting order: A and B of ``dual_diagnosis.diagnoses``, then the rest."""
    dxs = [d for d in report.get("diagnoses") or [] if isinstance(d, dict)]
    first = [str(x) for x in (report.get("dual_diagnosis") or {}).get("diagnoses") or []]
    rank = {did: i for i, did in enumerate(first)}
    return sorted(dxs, key=lambda d: rank.get(str(d.get("disease_id")), len(rank)))


def disease_display_name(diagnosis: Mapping[str, Any], diseases: Sequence[Mapping[str, Any]]
                         ) -> str:
    """The catalogue label, with the form the family's inheritance selects when the disease entry
    has several modes: 'Hypophosphatasia, adult' diagnosed as autosomal dominant in a child reads
    'Hypophosphatasia, autosomal dominant form' (the catalogue label is shown beside it)."""
    name = str(diagnosis.get("disease_name") or diagnosis.get("disease_id") or "")
    mode = str(diagnosis.get("inheritance_mode") or "")
    entry = next((d for d in diseases if d.get("disease_id") == diagnosis.get("disease_id")), {})
    modes = [str(m) for m in entry.get("modes") or []]
    if len(set(modes)) < 2 or mode not in modes or mode not in MODE_WORDS:
        return name
    words = mode_words(mode)
    if words.lower() in name.lower():
        return name
    base, sep, tail = name.rpartition(",")
    if sep and tail.strip().lower() in ONSET_QUALIFIERS:
        name = base.strip()
    return f"{name}, {words} form"


def variant_name(variant: Mapping[str, Any]) -> str:
    """'TCIRG1 c.1392C>A' (or the genomic key when no c. name is known); a copy-number variant
    with what it removes or repeats: 'TCIRG1 c.(?_-99)_(503+1_504-1)del (deletion of exons 1–5)'."""
    gene = str(variant.get("gene") or "")
    c = variant.get("hgvs_c") or variant.get("key")
    cnv = variant.get("cnv")
    if isinstance(cnv, Mapping):  # cnv hook
        return f"{gene} {c} ({short_name(cnv)})".strip()
    return f"{gene} {c}".strip()


def cap_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_words(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------- the family


@dataclass(frozen=True)
class Person:
    sid: str
    sex: str
    father: str | None
    mother: str | None
    affected: str

    def word(self, male: str, female: str, other: str) -> str:
        return {"male": male, "female": female}.get(self.sex, other)


def pedigree_people(report: Mapping[str, Any]) -> dict[str, Person]:
    out = {}
    for s in report.get("samples") or []:
        sid = str(s.get("sample_id"))
        out[sid] = Person(sid, str(s.get("sex") or "unknown"), s.get("father") or None,
                          s.get("mother") or None, str(s.get("affected") or "unknown"))
    return out


def relationship(proband: str, sid: str, people: Mapping[str, Person]) -> str:
    """How ``sid`` is related to the proband, from the PED links ('mother', 'brother',
    'maternal grandmother', 'half-sister', 'paternal uncle', ...; 'relative' otherwise)."""
    p, s = people.get(proband), people.get(sid)
    if p is None or s is None:
        return "relative"
    if sid == p.father:
        return "father"
    if sid == p.mother:
        return "mother"
    if proband in (s.father, s.mother):
        return s.word("son", "daughter", "child")
    if p.father and p.mother and (s.father, s.mother) == (p.father, p.mother):
        return s.word("brother", "sister", "sibling")
    if {x for x in (s.father, s.mother) if x} & {x for x in (p.father, p.mother) if x}:
        return s.word("half-brother", "half-sister", "half-sibling")
    for parent, side in ((p.father, "paternal"), (p.mother, "maternal")):
        par = people.get(parent or "")
        if par is None:
            continue
        if sid in (par.father, par.mother):
            return f"{side} " + s.word("grandfather", "grandmother", "grandparent")
        if par.father and par.mother and (s.father, s.mother) == (par.father, par.mother):
            return f"{side} " + s.word("uncle", "aunt", "parent's sibling")
    return "relative"


def affection(report_sample: Mapping[str, Any], disease_id: str) -> tuple[str, str]:
    """(affected|unaffected|unknown, basis) for one person and disease: ``samples[].affection``
    (the affection rule); for older reports ``affected_for`` and the PED status."""
    aff = report_sample.get("affection")
    if isinstance(aff, Mapping) and isinstance(aff.get(disease_id), Mapping):
        entry = aff[disease_id]
        status = str(entry.get("status") or "unknown")
        return (status if status in ("affected", "unaffected", "unknown") else "unknown",
                str(entry.get("basis") or ""))
    if disease_id in [str(x) for x in report_sample.get("affected_for") or []]:
        return "affected", "recorded features match this disease"
    if report_sample.get("affected") == "unaffected":
        return "unaffected", "recorded as unaffected in the pedigree"
    return "unknown", "no recorded features of this disease"


# --------------------------------------------------------------------------- genotypes


@dataclass(frozen=True)
class Geno:
    """One person's genotype at one variant: ``state`` in not_tested / no_call / not_trusted /
    absent / heterozygous / homozygous / hemizygous; ``copies`` None when not known."""

    state: str
    copies: int | None
    gt: str | None


def genotype_of(variant: Mapping[str, Any], person: Person, build: str) -> Geno:
    """A relative's genotype at a reported variant, in the words of
    :mod:`dualdx.interpretation.zygosity` (ploidy by sex and the PARs). A call the QC flags name
    for this person, or a heterozygous call where one copy is expected, is not trusted."""
    calls = variant.get("genotypes") or {}
    call = calls.get(person.sid) if isinstance(calls, Mapping) else None
    if not isinstance(call, Mapping):
        return Geno("not_tested", None, None)
    gt = str(call.get("gt") or "")
    flags = {str(f) for f in variant.get("qc_flags") or []}
    if any(f"{f}:{person.sid}" in flags for f in UNTRUSTED_FLAGS):
        return Geno("not_trusted", None, gt)
    alleles = call.get("alleles")
    if not isinstance(alleles, list):
        alleles = [None if a in (".", "") else (1 if a == "1" else 0 if a == "0" else -1)
                   for a in gt.replace("|", "/").split("/")]
    sex: Sex = "male" if person.sex == "male" else "female" if person.sex == "female" else "unknown"
    ploidy = zygosity.ploidy(str(variant.get("chrom") or ""), int(variant.get("pos") or 0),
                             sex, build)
    state, copies = zygosity.state(Call(alleles=tuple(alleles)), ploidy)
    return Geno(state, copies, gt)


GENO_WORDS = zygosity.STATE_WORDS


def _dx_genotype(mode: str, genos: Sequence[Geno], sex: str) -> str:
    """positive / carrier / none / partial / unknown for one diagnosis' variants."""
    known = [g for g in genos if g.copies is not None]
    carried = sum(g.copies or 0 for g in known)
    complete = len(known) == len(genos)
    if mode in RECESSIVE:
        if carried >= 2:
            return "positive"
        if carried == 1:
            return "carrier" if complete else "partial"
    elif mode in X_RECESSIVE:
        if carried >= 1 and (sex == "male" or carried >= 2):
            return "positive"
        if carried == 1:
            return "carrier" if sex == "female" and complete else "partial"
    elif carried >= 1:
        return "positive"
    return "none" if complete else "unknown"


# --------------------------------------------------------------------------- relatives


def diagnosis_variants(dx: Mapping[str, Any], vidx: Mapping[str, Mapping[str, Any]]
                 ) -> list[Mapping[str, Any]]:
    return [vidx[k] for k in (str(x) for x in dx.get("variants") or []) if k in vidx]


def _meaning(status: str, geno: str, aff: str, rel: Person, name: str, mode: str,
             carried: Sequence[str]) -> str:
    """What the status means for this relative, in one or two sentences."""
    they = rel.sex not in ("male", "female")
    pron = rel.word("He", "She", "They")

    def verb(one: str, many: str) -> str:
        return f"{pron} {many if they else one}"

    which = join_words(list(carried))
    if status == "affected":
        if geno == "positive":
            return f"{verb('has', 'have')} the genotype and features of {name}."
        if geno in ("none", "carrier"):
            extra = f" (carries {which} only)" if geno == "carrier" else ""
            return (f"{verb('has', 'have')} features of {name} but not the genotype found in the "
                    f"proband{extra}: the features may have another cause, which weakens the "
                    "evidence for this variant.")
        return (f"{verb('has', 'have')} features of {name}; testing would show whether the same "
                "genotype is present.")
    if status == "at_risk":
        why = (f"{verb('is', 'are')} recorded as unaffected: the disease may show later, more "
               "mildly or not at all (reduced penetrance)" if aff == "unaffected" else
               f"{verb('has', 'have')} no recorded features of it: clinical evaluation is advised")
        return f"{verb('carries', 'carry')} {which}, the genotype that causes {name}. {why}."
    if status == "carrier":
        if mode in X_RECESSIVE:
            return (f"{verb('is', 'are')} a carrier of {which} ({mode_words(mode)}): usually not "
                    "affected or mildly affected; each son has a 50 % chance of being affected.")
        return (f"{verb('is', 'are')} a carrier of {which}: not expected to develop {name}; "
                "children are at risk only if the other parent is also a carrier.")
    if status == "not_carrier":
        return f"{verb('does', 'do')} not carry the variant(s) of {name} found in the proband."
    if geno == "partial":
        return (f"{verb('carries', 'carry')} {which}; the other variant was not determined, so "
                "carrier and affected status are not settled.")
    return "Not determined: no usable genotype at the variant(s) of this diagnosis."


def relatives(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per relative (pedigree order), genotype at each reported variant and status per
    diagnosis, with what it means."""
    proband = str(report.get("proband") or "")
    people = pedigree_people(report)
    build = str(report.get("genome_build") or "GRCh38")
    vidx = {str(v.get("key")): v for v in report.get("variants") or []}
    dxs = diagnosis_order(report)
    diseases = report.get("diseases") or []
    samples = {str(s.get("sample_id")): s for s in report.get("samples") or []}
    keys: list[str] = []
    for dx in dxs:
        keys += [str(k) for k in dx.get("variants") or [] if str(k) in vidx and str(k) not in keys]
    out = []
    for sid, person in people.items():
        if sid == proband:
            continue
        genos = {k: genotype_of(vidx[k], person, build) for k in keys}
        rows = []
        for dx in dxs:
            did = str(dx.get("disease_id"))
            mode = str(dx.get("inheritance_mode") or "unknown")
            dkeys = [str(k) for k in dx.get("variants") or [] if str(k) in vidx]
            geno = _dx_genotype(mode, [genos[k] for k in dkeys], person.sex)
            aff, basis = affection(samples[sid], did)
            status = ("affected" if aff == "affected" else
                      "at_risk" if geno == "positive" else
                      "carrier" if geno == "carrier" else
                      "not_carrier" if geno == "none" else "unknown")
            carried = [str(vidx[k].get("hgvs_c") or k) for k in dkeys if (genos[k].copies or 0) > 0]
            name = disease_display_name(dx, diseases)
            rows.append({"disease_id": did, "disease_name": name, "status": status,
                         "genotype": geno, "affection": aff, "affection_basis": basis,
                         "meaning": _meaning(status, geno, aff, person, name, mode,
                                             [f"{dx.get('gene')} {c}" for c in carried])})
        out.append({
            "sample_id": sid, "relationship": relationship(proband, sid, people),
            "sex": person.sex,
            "tested": any(isinstance((v.get("genotypes") or {}).get(sid), Mapping)
                          for v in report.get("variants") or []),
            "variants": [{"variant": k, "name": variant_name(vidx[k]),
                          "genotype": genos[k].state, "gt": genos[k].gt} for k in keys],
            "diagnoses": rows,
        })
    return out
