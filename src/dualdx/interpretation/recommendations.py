"""Recommendations for a family, computed from the content of ``report.json``.

``call_diagnoses`` adds them, with the results for relatives
(:func:`dualdx.interpretation.relatives.relatives`), by one call (:func:`add_recommendations`)
once the rest of the report is assembled; the page only renders them. Everything here is derived
from report fields (``samples``, ``variants`` with their genotypes, QC flags, ClinVar, criteria
not evaluated and inheritance detail, ``diagnoses`` and ``dual_diagnosis``) and, for clinical
evaluations, the HPO annotations of the diagnosed diseases in ``knowledge.json``. Nothing is
written for one family: a family with no diagnosis gets no recommendation.

Rules (what a counselor would derive by hand), in the order they are listed:

* **Cascade testing**: every relative in the pedigree with a missing genotype at a diagnosis'
  variants is offered targeted testing, with what the result would tell (a sibling of an
  autosomal-recessive proband: 25 % affected, 50 % carrier, 25 % neither, when both parents
  carry); a parent who transmitted a variant gets an offer for their own relatives.
* **Recurrence risk** for the parents' further children, by the mode of the diagnosis and the
  parental origin found by the inheritance stage: autosomal recessive 25 % (both parents
  carriers), autosomal dominant 50 % from the transmitting parent, X-linked by the sex of the
  child and of the transmitting parent; a de novo variant: low but not zero.
* **Clinical evaluation**: a relative at risk, with the measurable features HPO annotates to the
  disease (:data:`MEASURABLE`); for the proband, measurable features of a diagnosed disease that
  are not recorded either way.
* **Evidence that would change the result**: for the variants of a candidate diagnosis, or of a
  confirmed one that rests on ClinVar over a computed VUS: the criteria not evaluated, grouped by
  the missing source (gnomAD, in-silico scores, a reference sequence, more relatives); a ClinVar
  P/LP assertion without review stars; an unknown phase (testing the parents).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dualdx.core.stage_files import Report
from dualdx.interpretation.relatives import (
    GENO_WORDS,
    PLP,
    RECESSIVE,
    X_RECESSIVE,
    Person,
    affection,
    cap_first,
    diagnosis_order,
    diagnosis_variants,
    disease_display_name,
    genotype_of,
    join_words,
    mode_words,
    pedigree_people,
    relationship,
    relatives,
    variant_name,
)
from dualdx.knowledge.clinvar_assertion import is_pathogenic

# HPO classes whose members are measured by a standard test, and the test in words. A disease
# annotated with a term below one of these can be checked clinically by that test; the list is
# deliberately short (classes whose test is unambiguous).
MEASURABLE: dict[str, str] = {
    "HP:0012379": "blood test of enzyme activity",
    "HP:0032180": "blood test of a metabolite",
    "HP:0010876": "blood test of a protein",
    "HP:0003117": "blood test of a hormone",
    "HP:0003111": "blood test of an ion",
    "HP:0003119": "blood test of a lipid",
    "HP:0033354": "urine test of a metabolite",
    "HP:0020129": "urine test of a protein",
    "HP:0004348": "bone density measurement or skeletal radiographs",
    "HP:0011873": "blood count",
    "HP:0011893": "blood count",
    "HP:0020061": "blood count",
    "HP:0001903": "blood count",
}
# What a criterion not evaluated is waiting for, from the words of its reason.
SOURCES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("gnomad", "population frequency"), "gnomAD population frequencies"),
    (("score", "in-silico", "revel", "spliceai", "cadd"), "in-silico predictions"),
    (("sequence", "fasta", "protein", "codon", "exon"), "a reference sequence for the gene"),
    (("meios", "relative", "segregat"), "genotypes of more affected relatives"),
    (("parent", "de novo"), "the parents' genotypes"),
)


# --------------------------------------------------------------------------- recommendations


def _rec(kind: str, text: str, basis: str, samples: Sequence[str] = (),
         disease_id: str | None = None, variants: Sequence[str] = ()) -> dict[str, Any]:
    return {"kind": kind, "text": text, "basis": basis, "samples": list(samples),
            "disease_id": disease_id, "variants": list(variants)}


def _who(sid: str, rels: Mapping[str, str]) -> str:
    return f"{sid} ({rels[sid]})" if sid in rels else sid


def _origins(dx: Mapping[str, Any], vidx: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Parental origin of each variant of a diagnosis, from its inheritance detail."""
    out = {}
    for v in diagnosis_variants(dx, vidx):
        det = [d for d in v.get("inheritance_detail") or []
               if d.get("disease_id") == dx.get("disease_id")] or list(v.get("inheritance_detail") or [])
        out[str(v.get("key"))] = str(next((d.get("origin") for d in det if d.get("origin")), "unknown"))
    return out


def _prior_words(mode: str, rel: Person, proband: Person, origins: Mapping[str, str],
                 parents_carry: bool) -> str:
    """What a test of an untested sibling would tell, with the a-priori chances."""
    if rel.sid in (proband.father, proband.mother):
        return "which allele came from this parent (and so the phase and recurrence risk)"
    sib = bool(proband.father and proband.mother and
               (rel.father, rel.mother) == (proband.father, proband.mother))
    if not sib:
        return "whether this relative carries the variant(s)"
    if mode in RECESSIVE and parents_carry:
        return "whether this sibling is affected (25 % beforehand), a carrier (50 %) or neither (25 %)"
    if mode in RECESSIVE:
        return "whether this sibling is affected, a carrier or neither"
    if mode in X_RECESSIVE and "maternal" in origins.values():
        return ("whether this brother is affected (50 % beforehand)" if rel.sex == "male" else
                "whether this sister is a carrier (50 % beforehand)" if rel.sex == "female" else
                "whether this sibling carries the variant")
    if set(origins.values()) & {"maternal", "paternal"}:
        return "whether this sibling inherited the variant (50 % beforehand)"
    return "whether this sibling carries the variant"


def _recurrence(dx: Mapping[str, Any], proband: Person, people: Mapping[str, Person],
                vidx: Mapping[str, Mapping[str, Any]], rels: Mapping[str, str], build: str,
                name: str, samples: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | None:
    """The chance for the proband's parents' further children, by mode and parental origin."""
    mode = str(dx.get("inheritance_mode") or "unknown")
    did = str(dx.get("disease_id"))
    keys = [str(v.get("key")) for v in diagnosis_variants(dx, vidx)]
    origins = _origins(dx, vidx)
    parents = [people[p] for p in (proband.father, proband.mother) if p and p in people]
    pnames = join_words([_who(p.sid, rels) for p in parents]) or "the proband's parents"
    cond = "If this candidate diagnosis is confirmed: " if dx.get("status") != "confirmed" else ""

    def rec(text: str, basis: str) -> dict[str, Any]:
        body = text[:1].lower() + text[1:] if cond else text
        return _rec("recurrence_risk", cond + body, cap_first(basis), [p.sid for p in parents], did,
                    keys)

    carry = {p.sid: [genotype_of(vidx[k], p, build) for k in keys] for p in parents}
    if "de_novo" in origins.values():
        new = join_words([str(vidx[k].get("hgvs_c") or k) for k, o in origins.items() if o == "de_novo"])
        return rec(f"For further children of {pnames} the chance of {name} is low but not zero "
                   "(the variant may be present in a parent's egg or sperm cells: germline "
                   f"mosaicism).", f"{new} was not found in either parent (de novo).")
    if mode in RECESSIVE:
        status = {sid: ("carrier" if any((g.copies or 0) > 0 for g in gs) else
                        "non-carrier" if all(g.copies == 0 for g in gs) else "untested")
                  for sid, gs in carry.items()}
        basis = "; ".join(f"{_who(s, rels)}: {w}" for s, w in status.items()) or \
            "the parents are not in this pedigree"
        if len(parents) == 2 and all(w == "carrier" for w in status.values()):
            return rec(f"Each further child of {pnames} has a 25 % chance of {name}, a 50 % chance "
                       "of being a carrier like the parents and a 25 % chance of inheriting "
                       "neither variant.", f"{mode_words(mode)}; both parents carry one of the "
                       f"proband's variants ({basis}).")
        if any(w == "non-carrier" for w in status.values()):
            return rec(f"Further children of {pnames} have a chance of {name} below the usual "
                       "25 %: one of the proband's variants was not found in a parent (de novo "
                       "change or uniparental disomy); low but not zero.", f"{mode_words(mode)}; {basis}.")
        return rec(f"Each further child of the proband's parents has a 25 % chance of {name} if "
                   "both parents are carriers, as expected for a recessive disease; testing the "
                   "parents would confirm it.", f"{mode_words(mode)}; {basis}.")
    maternal = "maternal" in origins.values()
    paternal = "paternal" in origins.values()
    parent = people.get((proband.mother if maternal else proband.father) or "") \
        if (maternal or paternal) else None
    if mode in X_RECESSIVE:
        if parent is not None and maternal:
            return rec(f"Each further son of {_who(parent.sid, rels)} has a 50 % chance of {name}; "
                       "each daughter has a 50 % chance of being a carrier (carriers are usually "
                       "unaffected or mildly affected).", f"{mode_words(mode)}; the variant was "
                       "inherited from the mother, who carries it on one X chromosome.")
        if parent is not None:
            return rec(f"Every daughter of {_who(parent.sid, rels)} inherits the variant (a carrier, "
                       "sometimes affected); none of his sons does.", f"{mode_words(mode)}; the "
                       "variant was inherited from the father, who passes his X chromosome to "
                       "all daughters and to no son.")
        return rec(f"If the mother carries the variant, each further son has a 50 % chance of "
                   f"{name} and each daughter a 50 % chance of being a carrier; testing her would "
                   "tell.", f"{mode_words(mode)}; the origin of the variant was not determined.")
    if mode == "x_linked_dominant":
        if parent is not None and maternal:
            return rec(f"Each further child of {_who(parent.sid, rels)}, son or daughter, has a "
                       f"50 % chance of inheriting the variant and {name}.",
                       f"{mode_words(mode)}; inherited from the mother.")
        if parent is not None:
            return rec(f"Every daughter of {_who(parent.sid, rels)} inherits the variant; none of "
                       "his sons does.", f"{mode_words(mode)}; inherited from the father.")
        return rec("If a parent carries the variant: from the mother, 50 % for each child; from "
                   "the father, every daughter and no son; testing the parents would tell.",
                   f"{mode_words(mode)}; the origin of the variant was not determined.")
    if mode == "autosomal_dominant":
        if parent is not None:
            aff, _basis = affection(samples.get(parent.sid, {}), did)
            state = "recorded as unaffected" if aff == "unaffected" else "not known to be affected"
            pen = ("" if aff == "affected" else
                   f" {_who(parent.sid, rels)} is {state}: penetrance may be incomplete, so a "
                   "child who inherits it may be mildly affected or unaffected.")
            return rec(f"Each further child of {_who(parent.sid, rels)} has a 50 % chance of "
                       f"inheriting {join_words([str(vidx[k].get('hgvs_c') or k) for k in keys])}.{pen}",
                       f"{mode_words(mode)}; inherited from the "
                       f"{'mother' if maternal else 'father'}.")
        return rec("If a parent carries the variant, each further child has a 50 % chance of "
                   "inheriting it; testing the parents would tell.",
                   f"{mode_words(mode)}; the origin of the variant was not determined.")
    return None


def _parents_carry(dx: Mapping[str, Any], proband: Person, people: Mapping[str, Person],
                   vidx: Mapping[str, Mapping[str, Any]], build: str) -> bool:
    keys = [str(v.get("key")) for v in diagnosis_variants(dx, vidx)]
    parents = [people[p] for p in (proband.father, proband.mother) if p and p in people]
    return len(parents) == 2 and all(
        any((genotype_of(vidx[k], p, build).copies or 0) > 0 for k in keys) for p in parents)


def _ancestors(sid: str | None, people: Mapping[str, Person]) -> set[str]:
    """``sid`` and every ancestor of it in the pedigree."""
    out: set[str] = set()
    todo = [sid] if sid else []
    while todo:
        cur = todo.pop()
        if cur in out or cur not in people:
            continue
        out.add(cur)
        todo += [p for p in (people[cur].father, people[cur].mother) if p]
    return out


def _sides(sid: str, proband: Person, people: Mapping[str, Person]) -> set[str]:
    """Which of the proband's parents ``sid`` is a blood relative of ('maternal', 'paternal'):
    the parent, an ancestor of the parent, or a descendant of one of those. A relative on the
    mother's side can carry only the variants the proband inherited from the mother."""
    mine = _ancestors(sid, people)
    out = set()
    for parent, side in ((proband.mother, "maternal"), (proband.father, "paternal")):
        line = _ancestors(parent, people)
        if mine & line:
            out.add(side)
    return out


def _cascade(dxs: Sequence[Mapping[str, Any]], proband: Person, people: Mapping[str, Person],
             vidx: Mapping[str, Mapping[str, Any]], rels: Mapping[str, str], build: str
             ) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for sid, person in people.items():
        if sid == proband.sid:
            continue
        sides = _sides(sid, proband, people)
        tells: list[str] = []
        keys: list[str] = []
        states: dict[str, list[str]] = {}
        for dx in dxs:
            mode = str(dx.get("inheritance_mode") or "unknown")
            origins = _origins(dx, vidx)
            missing = []
            for v in diagnosis_variants(dx, vidx):
                side = {"maternal": "maternal", "paternal": "paternal"}.get(
                    origins.get(str(v.get("key")), ""))
                if side and sides and side not in sides:
                    continue  # the other side of the family cannot carry it
                g = genotype_of(v, person, build)
                if g.copies is None:
                    missing.append(str(v.get("key")))
                    states.setdefault(GENO_WORDS[g.state], []).append(variant_name(v))
            if not missing:
                continue
            keys += [k for k in missing if k not in keys]
            tell = _prior_words(mode, person, proband, origins,
                                _parents_carry(dx, proband, people, vidx, build))
            tells.append(f"for {dx.get('gene')} ({mode_words(mode)}): {tell}")
        if keys:
            state = "; ".join(f"{w} at {join_words(v)}" for w, v in states.items())
            out.append(_rec("cascade_testing",
                            f"Offer {_who(sid, rels)} targeted testing for "
                            f"{join_words([variant_name(vidx[k]) for k in keys])}.",
                            f"{sid}: {state}. The result would show {'; '.join(tells)}.",
                            [sid], None, keys))
    # parents who transmitted a variant: their own relatives may carry it
    transmitted: dict[str, list[str]] = {}
    for dx in dxs:
        for key, org in _origins(dx, vidx).items():
            parent = {"maternal": proband.mother, "paternal": proband.father}.get(org)
            if parent and parent in people and key not in transmitted.get(parent, []):
                transmitted.setdefault(parent, []).append(key)
    for parent, keys in transmitted.items():
        p = people[parent]
        whose = p.word("his", "her", "their")
        known = p.father in people and p.mother in people
        who = f"{whose} siblings and their children" + ("" if known else f", and {whose} parents")
        out.append(_rec("cascade_testing",
                        f"Offer testing for {join_words([variant_name(vidx[k]) for k in keys])} to the "
                        f"relatives of {_who(parent, rels)} outside this pedigree ({who}).",
                        f"{parent} carries {join_words([str(vidx[k].get('hgvs_c') or k) for k in keys])} "
                        f"and passed {'them' if len(keys) > 1 else 'it'} to the proband; blood "
                        "relatives on this side may carry "
                        f"{'them' if len(keys) > 1 else 'it'}.",
                        [parent], None, keys))
    return out


def _source(why: str) -> str:
    low = why.lower()
    for words, source in SOURCES:
        if any(w in low for w in words):
            return source
    return why


def _evidence(dxs: Sequence[Mapping[str, Any]], vidx: Mapping[str, Mapping[str, Any]],
              proband: Person, people: Mapping[str, Person], rels: Mapping[str, str]
              ) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for dx in dxs:
        did = str(dx.get("disease_id"))
        flags = [str(f) for f in dx.get("flags") or []]
        over_vus = any(f.startswith("clinvar_plp_over_vus") for f in flags)
        if dx.get("status") == "confirmed" and not over_vus:
            continue
        for v in diagnosis_variants(dx, vidx):
            key = str(v.get("key"))
            if v.get("acmg_class") in PLP:
                continue
            groups: dict[str, tuple[list[str], list[str]]] = {}
            for n in v.get("acmg_not_evaluated") or []:
                why = str(n.get("why") or "")
                codes, whys = groups.setdefault(_source(why), ([], []))
                if str(n.get("code")) not in codes:
                    codes.append(str(n.get("code")))
                if why not in whys:
                    whys.append(why)
            parts = [f"{source} ({', '.join(codes)})" for source, (codes, _w) in groups.items()]
            basis = [f"not evaluated: {'; '.join(w for _c, ws in groups.values() for w in ws)}"] \
                if groups else []
            cv = v.get("clinvar")
            sig = str((cv or {}).get("significance") or "")
            if isinstance(cv, Mapping) and is_pathogenic(sig) and not cv.get("stars"):
                parts.append(f"a reviewed ClinVar assertion (one star or more), which would "
                             f"count its {sig} classification")
                basis.append(f"ClinVar Variation {cv.get('variation_id')} says {sig} without "
                             "review stars, and an assertion without stars is not counted")
            if parts:
                out.append(_rec("evidence",
                                f"{variant_name(v)} is of uncertain significance by the criteria "
                                f"evaluated here; the class could change with "
                                f"{join_words(parts)}.", cap_first("; ".join(basis)) + ".",
                                (), did, [key]))
        if "phase_unknown" in flags:
            parents = [p for p in (proband.father, proband.mother) if p]
            names = join_words([variant_name(v) for v in diagnosis_variants(dx, vidx)])
            out.append(_rec("phase",
                            f"Testing {join_words([_who(p, rels) for p in parents]) or 'the parents'} "
                            f"would show whether {names} lie on different copies of "
                            f"{dx.get('gene')} (in trans), as the recessive disease requires.",
                            "The phase of the two variants is unknown.", parents, did,
                            [str(v.get("key")) for v in diagnosis_variants(dx, vidx)]))
    return out


def measurable_terms(disease_id: str, knowledge: Mapping[str, Any] | None
                     ) -> list[tuple[str, str, str]]:
    """(HPO id, name, test) of the disease's annotated terms that a standard test measures
    (:data:`MEASURABLE`), most informative first."""
    if not knowledge:
        return []
    terms = knowledge.get("terms") or {}
    info = (knowledge.get("diseases") or {}).get(disease_id) or {}
    out = []
    for t in info.get("terms") or []:
        anc = (terms.get(t) or {}).get("ancestors") or []
        test = next((MEASURABLE[a] for a in [t, *anc] if a in MEASURABLE), None)
        if test:
            out.append((float((terms.get(t) or {}).get("ic") or 0.0), str(t),
                        str((terms.get(t) or {}).get("name") or t), test))
    out.sort(key=lambda x: (-x[0], x[1]))
    return [(t, n, test) for _ic, t, n, test in out]


def _related(a: str, b: str, knowledge: Mapping[str, Any]) -> bool:
    """Two terms name the same measurement: one is an ancestor of the other, or their most
    specific common ancestor lies below a :data:`MEASURABLE` class (low and high alkaline
    phosphatase are one blood test)."""
    terms = knowledge.get("terms") or {}

    def anc(t: str) -> set[str]:
        return {t, *((terms.get(t) or {}).get("ancestors") or [])}

    if a in anc(b) or b in anc(a):
        return True
    common = anc(a) & anc(b)
    if not common:
        return False
    deepest = max(common, key=lambda c: (len(anc(c)), c))
    return deepest not in MEASURABLE and bool(anc(deepest) & set(MEASURABLE))


def _clinical(dxs: Sequence[Mapping[str, Any]], rel_rows: Sequence[Mapping[str, Any]],
              report: Mapping[str, Any], knowledge: Mapping[str, Any] | None,
              rels: Mapping[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    proband = str(report.get("proband") or "")
    recorded = [str(t.get("id")) for s in report.get("samples") or []
                if s.get("sample_id") == proband for t in s.get("phenotypes") or []]
    for dx in dxs:
        did = str(dx.get("disease_id"))
        tests = measurable_terms(did, knowledge)
        name = disease_display_name(dx, report.get("diseases") or [])
        for r in rel_rows:
            row = next((x for x in r["diagnoses"] if x["disease_id"] == did), None)
            if row is None or row["status"] != "at_risk":
                continue
            what = (" Measurable features HPO annotates to the disease: " + "; ".join(
                f"{n} ({test})" for _t, n, test in tests[:4]) + ".") if tests else ""
            out.append(_rec("clinical_evaluation",
                            f"Offer {_who(r['sample_id'], rels)} clinical evaluation for {name}.",
                            f"{row['meaning']}{what}", [r["sample_id"]], did))
        if knowledge:
            missing = [(t, n, test) for t, n, test in tests
                       if not any(_related(t, x, knowledge) for x in recorded)]
            if missing:
                out.append(_rec("clinical_evaluation",
                                f"Clinical confirmation in {proband}: "
                                + "; ".join(f"{n} ({test})" for _t, n, test in missing[:3]) + ".",
                                f"HPO annotates {name} with these measurable features; none is "
                                f"recorded for {proband}, present or absent.", [proband], did))
    return out


def recommendations(report: Mapping[str, Any], rel_rows: Sequence[Mapping[str, Any]],
                    knowledge: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every recommendation, in the order cascade testing, recurrence risk, clinical
    evaluation, evidence that would change the result (module doc)."""
    dxs = diagnosis_order(report)
    if not dxs:
        return []
    people = pedigree_people(report)
    proband = people.get(str(report.get("proband") or ""))
    if proband is None:
        return []
    build = str(report.get("genome_build") or "GRCh38")
    vidx = {str(v.get("key")): v for v in report.get("variants") or []}
    rels = {sid: relationship(proband.sid, sid, people) for sid in people if sid != proband.sid}
    samples = {str(s.get("sample_id")): s for s in report.get("samples") or []}
    out = _cascade(dxs, proband, people, vidx, rels, build)
    for dx in dxs:
        r = _recurrence(dx, proband, people, vidx, rels, build,
                        disease_display_name(dx, report.get("diseases") or []), samples)
        if r is not None:
            out.append(r)
    out += _clinical(dxs, rel_rows, report, knowledge, rels)
    out += _evidence(dxs, vidx, proband, people, rels)
    return out


def add_recommendations(report: Report, knowledge: Mapping[str, Any] | None = None
                        ) -> None:
    """Add ``relatives`` and ``recommendations`` to an assembled report (module doc)."""
    rows = relatives(report) if diagnosis_order(report) else []
    report["relatives"] = rows
    report["recommendations"] = recommendations(report, rows, knowledge)
