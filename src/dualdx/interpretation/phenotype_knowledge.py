"""Stage ``distill_knowledge``: ``results/_run/knowledge.json`` for the panel and every person's
HPO terms, from the HPO store, with the background rates of the matching rule.

The store (:mod:`dualdx.knowledge.hpo_store`) is built once per HPO release and machine in
``annotation.cache_dir``; this stage loads it (a fraction of a second), distils the panel's
diseases and the terms in use (:func:`dualdx.knowledge.hpo.distill_knowledge`, neutral facts),
and counts, for each patient term, the OMIM diseases that explain it under the rule of
:mod:`dualdx.interpretation.phenotype_match` (the rule lives here, in the interpretation layer,
so the knowledge layer never imports it). An unknown HPO ID fails here, naming the person, before
any family is processed. A store that had to be rebuilt is recorded in knowledge.json's
``caveats`` (a note: the results do not depend on it).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dualdx.core.atomic import write_text
from dualdx.core.caveats import Caveat
from dualdx.core.errors import InputError
from dualdx.inputs.panel import load_panel
from dualdx.interpretation.phenotype_match import IC_THRESHOLD, background_counts
from dualdx.knowledge.hpo import distill_knowledge, patient_term_ids
from dualdx.knowledge.hpo_files import HPO_ID_RE
from dualdx.knowledge.hpo_store import HpoStore, open_store


def omim_diseases(store: HpoStore) -> list[str]:
    """The background population of the dual test and PP4: every OMIM disease of the release
    (the N of the information content), sorted."""
    return sorted(d for d in store.disease_ids() if d.startswith("OMIM:"))


def build_knowledge(store: HpoStore, gene_symbols: Iterable[str],
                    patient_terms: Iterable[str]) -> dict[str, Any]:
    """knowledge.json's content: the distilled facts plus ``background``."""
    terms = sorted(set(patient_terms))
    knowledge = distill_knowledge(store, gene_symbols, terms)
    resolved, _ = patient_term_ids(store, terms)
    knowledge["background"] = background_counts(store, resolved, store.omim_by_term(),
                                                omim_diseases(store), IC_THRESHOLD)
    return knowledge


def run_distill_knowledge(
    panel_path: str, phenotype_terms: list[str], out_json: str, log: logging.Logger,
    cache_dir: str | None = None, hpo_dir: str | None = None,
) -> list[Caveat]:
    """Write ``knowledge.json`` for the panel's genes and the patients' terms; returns the
    caveats (also written into the file)."""
    panel = load_panel(panel_path)
    bad = sorted({t for t in phenotype_terms if not HPO_ID_RE.match(t)})
    if bad:
        raise InputError(None, f"phenotype term(s) {', '.join(bad)} are not HPO IDs",
                         "write HPO IDs as HP: followed by 7 digits")
    t0 = time.perf_counter()
    store, caveats = open_store(cache_dir, hpo_dir, log)
    t1 = time.perf_counter()
    knowledge = build_knowledge(store, panel.symbols, phenotype_terms)
    log.info("HPO store ready in %.2f s; knowledge distilled in %.2f s (%d terms, %d diseases)",
             t1 - t0, time.perf_counter() - t1, len(knowledge["terms"]),
             len(knowledge["diseases"]))
    for sym, ids in knowledge["genes"].items():
        log.info("%s: %d HPO-linked disease(s): %s", sym, len(ids), ", ".join(ids) or "none")
    if knowledge["unknown_terms"]:
        log.warning("terms unknown to HPO %s: %s", knowledge["hpo_release"],
                    ", ".join(knowledge["unknown_terms"]))
    knowledge["caveats"] = [c.to_dict() for c in caveats]
    write_text(out_json, json.dumps(knowledge, indent=1, sort_keys=True) + "\n")
    return caveats


def run_distill_for_phenotypes(
    panel_path: str, phenotype_files: list[str], out_json: str, log: logging.Logger,
    cache_dir: str | None = None, hpo_dir: str | None = None,
) -> list[Caveat]:
    """Stage ``distill_knowledge``: read every person's terms, distil, then check the terms.

    An unknown HPO ID fails here, at the first stage, naming the person and the term (and no
    knowledge.json is left); obsolete IDs are only logged here and replaced downstream.
    """
    from dualdx.inputs.phenotypes import load_phenotypes, validate_terms

    pheno = load_phenotypes(phenotype_files)
    terms = sorted({t.id for ts in pheno.values() for t in ts})
    caveats = run_distill_knowledge(panel_path, terms, out_json, log, cache_dir=cache_dir,
                                    hpo_dir=hpo_dir)
    knowledge = json.loads(Path(out_json).read_text(encoding="utf-8"))
    try:
        _, warnings = validate_terms(pheno, knowledge, source=", ".join(phenotype_files))
    except InputError:
        Path(out_json).unlink(missing_ok=True)
        raise
    for w in warnings:
        log.warning("%s", w)
    return caveats
