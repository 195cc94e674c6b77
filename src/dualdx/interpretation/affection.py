"""Affected *for which disease*: per person and per disease, ``affected``, ``unaffected`` or
``unknown``, with one plain sentence saying why. The one owner of this decision: segregation
counts, BS4, PP1, BS2, PS2/PM6 (de novo in an affected person), the inheritance explanation and
the report's ``samples[].affection`` all use it.

A PED affection is one number for the whole person; in a family with two candidate diagnoses it
is not evidence about each disease. The rule, for person *s* and disease *D*:

* *s* has HPO terms (present ones):

  - some of them are explained by *D* and not by any **other candidate diagnosis of the family**
    (a candidate disease of another gene): ``affected`` for *D*;
  - *D* explains only terms that another candidate diagnosis also explains: ``unknown`` (which
    disease causes them cannot be told);
  - *D* explains none of them: ``unknown`` when the PED says affected or unknown (affected by
    something else, or by *D* with features not recorded), ``unaffected`` when the PED says
    unaffected.

* *s* has no HPO terms: the PED status, except that a PED-affected person in a family with two
  or more candidate diagnoses is ``unknown`` for each (the PED does not say which).

Whether a term is explained by a disease is the one phenotype rule,
:func:`dualdx.interpretation.phenotype_match.match_term`. An unknown is never counted as an
affected non-carrier nor as unaffected (:mod:`dualdx.interpretation.segregation`).

*Candidate diagnoses of the family* are chosen by the caller (the inheritance stage: diseases of
known mode for which the proband's genotype qualifies, formed from variants that can cause
disease, :mod:`dualdx.interpretation.candidacy`). Diseases of one gene are alternatives of one
diagnosis, never "another diagnosis" of each other.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dualdx.core.model import Affection
from dualdx.inputs.pedigree import Pedigree
from dualdx.interpretation.phenotype_match import PatientTerm, match_term


@dataclass(frozen=True)
class AffectionCall:
    status: Affection
    basis: str  # one sentence

    def to_dict(self) -> dict[str, str]:
        return {"status": self.status, "basis": self.basis}


def _current(term: str, terms_db: Mapping[str, Mapping[str, Any]]) -> str:
    """An obsolete ID's replacement when knowledge.json names one (ID normalisation only)."""
    e = terms_db.get(term) or {}
    rb = e.get("replaced_by")
    return rb if e.get("obsolete") and isinstance(rb, str) else term


def _name(term: str, terms_db: Mapping[str, Mapping[str, Any]]) -> str:
    n = (terms_db.get(term) or {}).get("name")
    return f"{n} ({term})" if n else term


def _list(items: Sequence[str]) -> str:
    return ", ".join(items[:4]) + (f" and {len(items) - 4} more" if len(items) > 4 else "")


def explained_terms(knowledge: Mapping[str, Any], disease_id: str,
                    terms: Sequence[str]) -> list[str]:
    """The terms (present HPO IDs) that ``disease_id`` explains, by the one phenotype rule."""
    disease = (knowledge.get("diseases") or {}).get(disease_id) or {}
    dterms = list(disease.get("terms") or [])
    return [t for t in terms if match_term(knowledge, PatientTerm(t), dterms).informative]


def family_affection(
    ped: Pedigree,
    phenotypes: Mapping[str, Sequence[str]],
    knowledge: Mapping[str, Any],
    diseases: Collection[str],
    candidates: Mapping[str, Collection[str]],
) -> dict[str, dict[str, AffectionCall]]:
    """``{sample: {disease: AffectionCall}}`` for every pedigree member and every disease in
    ``diseases`` (module docstring). ``phenotypes``: present HPO terms per sample (people outside
    the pedigree are ignored). ``candidates``: candidate diseases of the family -> their genes."""
    terms_db: Mapping[str, Mapping[str, Any]] = knowledge.get("terms") or {}
    disease_info: Mapping[str, Mapping[str, Any]] = knowledge.get("diseases") or {}
    groups = {frozenset(g) for g in candidates.values() if g}
    n_groups = len(_merge(groups))
    cand_names = sorted(f"{(disease_info.get(d) or {}).get('name') or d} ({d})"
                        for d in candidates)
    out: dict[str, dict[str, AffectionCall]] = {}
    for sid, person in ped.people.items():
        terms = sorted({_current(t, terms_db) for t in phenotypes.get(sid) or []})
        explained = {d: set(explained_terms(knowledge, d, terms))
                     for d in set(diseases) | set(candidates)} if terms else {}
        row: dict[str, AffectionCall] = {}
        for did in sorted(diseases):
            genes = set(candidates.get(did) or (disease_info.get(did) or {}).get("genes") or [])
            others = [o for o in candidates if o != did and not genes & set(candidates[o])]
            row[did] = _decide(person.affected, terms, explained, did, others, n_groups,
                               cand_names, terms_db, disease_info)
        out[sid] = row
    return out


def _merge(groups: set[frozenset[str]]) -> list[frozenset[str]]:
    """Gene sets sharing a gene are one diagnosis (allelic diseases, digenic entries)."""
    merged: list[frozenset[str]] = []
    for g in sorted(groups, key=sorted):
        hit = [m for m in merged if m & g]
        for m in hit:
            merged.remove(m)
        merged.append(frozenset(g.union(*hit)))
    return merged


def _decide(ped_status: Affection, terms: Sequence[str], explained: Mapping[str, set[str]],
            did: str, others: Sequence[str], n_groups: int, cand_names: Sequence[str],
            terms_db: Mapping[str, Mapping[str, Any]],
            disease_info: Mapping[str, Mapping[str, Any]]) -> AffectionCall:
    dname = (disease_info.get(did) or {}).get("name") or did
    if not terms:
        if ped_status == "affected" and n_groups >= 2:
            return AffectionCall("unknown", f"affected in the PED, without HPO terms, in a family "
                                 f"with {n_groups} candidate diagnoses ({_list(cand_names)}): "
                                 f"the PED does not say whether {dname} is the cause")
        words = {"affected": "affected in the PED (no HPO terms)",
                 "unaffected": "unaffected in the PED (no HPO terms)",
                 "unknown": "affection unknown in the PED and no HPO terms"}
        return AffectionCall(ped_status, words[ped_status])
    mine = explained.get(did, set())
    by_others = set().union(*(explained.get(o, set()) for o in others)) if others else set()
    specific = sorted(mine - by_others)
    if specific:
        return AffectionCall("affected", f"{_list([_name(t, terms_db) for t in specific])} "
                             f"explained by {dname} and by no other candidate diagnosis of the "
                             "family")
    if mine:
        also = sorted({(disease_info.get(o) or {}).get("name") or o for o in others
                       if explained.get(o, set()) & mine})
        return AffectionCall("unknown", f"the terms {dname} explains "
                             f"({_list([_name(t, terms_db) for t in sorted(mine)])}) are also "
                             f"explained by {_list(also)}: which disease causes them is not "
                             "known")
    n = len(terms)
    none = f"none of the {n} HPO term{'s' if n != 1 else ''} is explained by {dname}"
    if ped_status == "unaffected":
        return AffectionCall("unaffected", f"unaffected in the PED; {none}")
    if ped_status == "affected":
        return AffectionCall("unknown", f"affected in the PED, but {none}: affected by "
                             "something else, or by this disease with features not recorded")
    return AffectionCall("unknown", f"affection unknown in the PED; {none}")


def statuses(calls: Mapping[str, Mapping[str, AffectionCall]],
             disease_id: str) -> dict[str, Affection]:
    """``{sample: status}`` for one disease (what segregation needs)."""
    return {sid: row[disease_id].status for sid, row in calls.items() if disease_id in row}


__all__ = ["AffectionCall", "explained_terms", "family_affection", "statuses"]
