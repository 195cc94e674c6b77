"""Complete hand-made stage files for unit tests, so the readers can validate them.

Unit tests build small stage files by hand and spell out only the fields the test is about.
The readers validate every stage file against its schema (``workflow/schemas``), so
:func:`complete` fills each missing *required* key with what the writing stage writes when it
has nothing to say there (an empty list of caveats, ``clinvar: null`` for a variant ClinVar does
not list, gnomAD ``{"queried": false}`` when no gnomAD file was given, ...), then validates the
result and fails the test naming the violations if the document still breaks its contract (a
fixture with a wrong type or value is the test's bug, never silently patched).

Keys the test gave are never changed. :func:`write` completes and writes the file.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from dualdx.core.contracts import StageKind, problems

Doc = dict[str, Any]

# What each writer writes for "nothing here" (the defaults of the empty case).
CALL = {"gt": "./.", "alleles": [None, None], "phased": False, "ps": None, "ad": None,
        "dp": None, "gq": None}
NO_SEGREGATION = {"affected_carriers": 0, "affected_noncarriers": 0, "unaffected_carriers": 0,
                  "unaffected_noncarriers": 0, "informative_meioses": None}
NO_RELATIVES = {"affected_carriers": [], "affected_noncarriers": [], "unaffected_carriers": [],
                "unaffected_noncarriers": [], "not_counted": []}
SV_CONSEQUENCE = {"gene": None, "transcript": None, "ensembl_transcript": None, "svtype": None,
                  "extent": None, "exon_count": None, "exons": [], "partial_exons": [],
                  "breakpoints": [], "coding_bases": None, "frame": None, "removes_start": None,
                  "removes_stop": None, "nmd": None, "nmd_basis": None, "protein_length": None,
                  "protein_removed_fraction": None, "consequence": None, "hgvs_g": None,
                  "hgvs_c": None, "hgvs_p": None, "description": "", "notes": []}


def _fill(doc: Doc, defaults: Mapping[str, Any]) -> Doc:
    for key, value in defaults.items():
        if key not in doc:
            doc[key] = copy.deepcopy(value(doc) if callable(value) else value)
    return doc


def _each(items: Any, fill: Callable[[Doc], Doc]) -> None:
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            fill(item)


def _annotations(doc: Doc) -> None:
    _fill(doc, {"family": "F1", "genome_build": "GRCh38", "samples": [], "databases": [],
                "not_checked": [], "variants": []})

    def variant(v: Doc) -> Doc:
        _fill(v, {"key": lambda v: f"{v['chrom']}-{v['pos']}-{v['ref']}-{v['alt']}",
                  "id": None, "qual": None, "filter": None, "calls": {}, "gene": None,
                  "consequence": None, "other_transcripts_more_severe": [], "clinvar": None,
                  "clinvar_same_residue": [], "clinvar_same_aa_change": [],
                  "gnomad": {"queried": False}, "scores": {}})
        for call in v["calls"].values():
            if isinstance(call, dict):
                _fill(call, CALL)
        return v

    _each(doc["variants"], variant)


def _knowledge(doc: Doc) -> None:
    from dualdx.knowledge.hpo import BUILDER_VERSION

    # a hand-made knowledge.json comes from no HPO files: no folder, no file, the current builder
    _fill(doc, {"hpo_release": "unknown", "hpo_source": {"data_dir": "", "hpoa_version": None,
                                                         "store_builder": BUILDER_VERSION,
                                                         "files": {}},
                "ic": {"source": "test", "description": "test", "n_diseases": 0},
                "genes": {}, "diseases": {}, "terms": {}, "unknown_terms": [],
                "background": {"description": "", "ic_threshold": 0.0, "n_diseases": 0,
                               "explaining": {}, "diseases": {}},
                "caveats": []})
    for d in doc["diseases"].values():
        _fill(d, {"name": "", "genes": [], "modes": [], "onset": [], "terms": [],
                  "frequencies": {}, "not_terms": []})
    for t in doc["terms"].values():
        _fill(t, {"name": "", "ic": 0.0, "ancestors": [], "parents": [], "obsolete": False,
                  "replaced_by": None})


def _clinvar_panel(doc: Doc) -> None:
    _fill(doc, {"source": {"name": "clinvar", "status": "used"}, "records": []})
    _each(doc["records"], lambda r: _fill(r, {
        "end": lambda r: r["pos"] + len(r["ref"]) - 1, "gene": None, "protein_pos": None,
        "ref_aa": None, "alt_aa": None, "hgvs_p": None, "hgvs_c": None}))


def _structural(doc: Doc) -> None:
    _fill(doc, {"family": "F1", "genome_build": "GRCh38", "samples": [],
                "funnel": {"files": [], "records_read": 0, "outside_panel": 0,
                           "copy_number_records": 0, "reference_segments": 0, "events": 0,
                           "not_interpreted": 0},
                "databases": [], "not_checked": [], "events": [], "not_interpreted": [],
                "caveats": []})

    def event(e: Doc) -> Doc:
        _fill(e, {"length": lambda e: e["end"] - e["start"] + 1, "imprecise": False,
                  "cipos": None, "ciend": None, "tandem": None, "caller": None, "filter": None,
                  "sources": [], "calls": {}, "genes": [], "consequences": [], "clinvar": None,
                  "clinvar_overlaps": [], "clinvar_last_exon": {},
                  "population": {"queried": False, "overlaps": []}})
        _each(e["consequences"], lambda c: _fill(c, {**SV_CONSEQUENCE, "svtype": e["svtype"]}))
        return e

    _each(doc["events"], event)
    if not doc["funnel"].get("events"):
        doc["funnel"]["events"] = len(doc["events"])


def _inheritance(doc: Doc) -> None:
    _fill(doc, {"family": "F1", "proband": "P", "genome_build": "GRCh38",
                "thresholds": {"min_dp": 8, "min_gq": 20, "het_ab_min": 0.2, "het_ab_max": 0.8},
                "caveats": [], "candidate_diseases": [], "proband_ancestors": [],
                "affection": {}, "affected_by_disease": {}, "calls": []})
    _each(doc["calls"], lambda row: _fill(row, {
        "disease_name": None, "label": None, "origin": None, "partner": None, "partners": [],
        "partner_phases": [], "qualifies": None, "explanation": "",
        "segregation": NO_SEGREGATION, "relatives": NO_RELATIVES, "genotypes": {},
        "untrusted": [], "call_problems": {}}))


def _classification(doc: Doc) -> None:
    _fill(doc, {"ruleset": "acmg2015", "ruleset_version": "Richards 2015 (PMID 25741868)",
                "caveats": [], "variants": {}})
    for v in doc["variants"].values():
        _fill(v, {"criteria": [], "not_evaluated": [], "clinvar_disagreement": False})


def _provenance(doc: Doc) -> None:
    _fill(doc, {"schema_version": "1", "family": "F1", "generated_at_source": "clock",
                "workflow_version": None, "dualdx_version": "0.0.0", "snakemake_version": None,
                "python_version": "3", "packages": {}, "config": {}, "config_sha256": "",
                "config_files": [], "inputs": {}, "databases": [], "hpo_release": None,
                "ruleset": {"name": None, "version": None}, "command_line": None})


def _filter_stats(doc: Doc) -> None:
    from dualdx.inputs.filtering import FilterStats

    _fill(doc, FilterStats().to_dict())  # the writer's own defaults (nothing counted)


FILLERS: dict[str, Callable[[Doc], None]] = {
    "annotations": _annotations, "knowledge": _knowledge, "clinvar_panel": _clinvar_panel,
    "structural": _structural, "inheritance": _inheritance, "classification": _classification,
    "provenance": _provenance,
    "filter_stats": _filter_stats}


def complete(kind: str, doc: Mapping[str, Any]) -> Doc:
    """A copy of ``doc`` with every missing required key of ``kind`` filled (module doc);
    AssertionError naming the violations if it still breaks the schema."""
    out = copy.deepcopy(dict(doc))
    FILLERS[kind](out)
    _each(out.get("caveats"), lambda c: _fill(c, {"variants": [], "samples": [], "genes": []}))
    found = problems(cast(StageKind, kind), out)
    assert not found, f"test fixture {kind}.json breaks its schema: {found[:5]}"
    return out


def write(kind: str, path: str | Path, doc: Mapping[str, Any]) -> Path:
    """Write ``complete(kind, doc)`` to ``path`` as JSON; return the path."""
    path = Path(path)
    path.write_text(json.dumps(complete(kind, doc)), encoding="utf-8")
    return path
