"""Complete hand-made stage files for unit tests, so the readers can validate them.

Unit tests build small stage files by hand and spell out only the fields the test is about.
The readers validate every stage file against its schema (``workflow/schemas``), so
:func:`complete` fills each missing *required* key with what the writing stage writes when it
has nothing to say there (an empty list of caveats, ``clinvar: null`` for a variant ClinVar does
not list, gnomAD ``{"queried": false}`` when no gnomAD file was given, ...), then validates the
result and fails the test naming the violations if the document still breaks its contract (a
fixture with a wrong type or value is the test's bug, never silently patched).

Keys the test gave are never changed. :func:`write` completes and writes the file.
:func:`cnv_event` builds a whole ``structural.json`` event with the writer's own classes
(``CnvEvent``, ``EventCall``) and the real consequence function (``annotate_event`` on the
MANE transcript models of ``resources/transcripts``), so a CNV test states only the extent and
who carries it.
"""

from __future__ import annotations

import copy
import functools
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
    from dualdx.inputs.structural import SvFunnel

    _fill(doc, {"family": "F1", "genome_build": "GRCh38", "samples": [],
                "funnel": SvFunnel().to_dict(),  # the reader's own defaults (nothing read)
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
        "untrusted": [], "call_problems": {},
        # what assign_inheritance writes when the proband's call is not known
        "zygosity": "unknown"}))


def _classification(doc: Doc) -> None:
    _fill(doc, {"ruleset": "acmg2015", "ruleset_version": "Richards 2015 (PMID 25741868)",
                "caveats": [], "variants": {}})
    for v in doc["variants"].values():
        _fill(v, {"criteria": [], "not_evaluated": [], "clinvar_disagreement": False})


def _cnv_classification(doc: Doc) -> None:
    from dualdx.interpretation.cnv_classify import FRAMEWORK, FRAMEWORK_VERSION

    _fill(doc, {"framework": FRAMEWORK, "framework_version": FRAMEWORK_VERSION, "caveats": [],
                "variants": {}})
    for key, v in doc["variants"].items():
        # the direction is the event key's: chrom-POS-END-DEL|DUP
        _fill(v, {"framework": FRAMEWORK, "direction": "loss" if key.endswith("-DEL") else "gain",
                  "criteria": [], "not_evaluated": [], "clinvar_disagreement": False})


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
    "cnv_classification": _cnv_classification, "provenance": _provenance,
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


REPO = Path(__file__).resolve().parents[1]


@functools.cache
def _transcripts(build: str) -> Any:
    from dualdx.knowledge.transcripts import load_transcript_models

    return load_transcript_models(REPO / "resources" / "transcripts" / f"mane_select.{build}.tsv",
                                  build)


def consequence(gene: str, term: str, **kw: Any) -> Doc:
    """A ``TranscriptConsequence.to_dict()`` of ``term`` on ``gene``'s MANE transcript (from
    ``resources/transcripts``), the other facts unknown unless given in ``kw``."""
    from dualdx.core.model import TranscriptConsequence

    tx = _transcripts("GRCh38")[gene]
    fields: Doc = {"gene": gene, "transcript": tx.refseq, "ensembl_transcript": tx.ensembl,
                   "consequence": term, "hgvs_c": None, "hgvs_p": None,
                   "protein_effect_determined": False, **kw}
    return TranscriptConsequence(**fields).to_dict()


def cnv_event(chrom: str, start: int, end: int, gene: str, carriers: Mapping[str, Any],
              svtype: str = "DEL", build: str = "GRCh38", clinvar: Doc | None = None,
              filter: str | None = None) -> Doc:
    """One ``structural.json`` event as ``interpret_structural`` writes it: the merged event
    (:class:`dualdx.inputs.cnv_events.CnvEvent`, POS the base before ``start``), its consequence
    on ``gene``'s MANE transcript (:func:`dualdx.annotation.cnv_consequence.annotate_event`), no
    population data configured. ``carriers``: person -> :class:`EventCall` keyword arguments
    (``status``, ``copies``, and ``gt``/``cn``/``start``/``end``/``basis`` when the test cares;
    a carrier's own call spans the event by default). ``clinvar``: the matched ClinVar record."""
    from dualdx.annotation.cnv_consequence import annotate_event
    from dualdx.inputs.cnv_events import CnvEvent, EventCall

    calls = {}
    for person, given in carriers.items():
        carrier = given["status"] == "carrier"
        copies = given.get("copies")
        gt = {"non_carrier": "0/0", "unknown": "./."}.get(given["status"],
                                                          {1: "0/1", 2: "1/1"}.get(copies, "1/."))
        calls[person] = EventCall(**{"gt": gt, "cn": None, "start": start if carrier else None,
                                     "end": end if carrier else None, "basis": "test",
                                     **given})
    ev = CnvEvent(chrom=chrom, pos=start - 1, start=start, end=end,
                  direction="loss" if svtype == "DEL" else "gain",
                  svtype="DEL" if svtype == "DEL" else "DUP", imprecise=False, cipos=None,
                  ciend=None, tandem=None, caller="generic", filter=filter,
                  sources=["test.vcf: test record"], calls=calls)
    cons = annotate_event(_transcripts(build)[gene], build, chrom, start, end, ev.svtype, False)
    doc = ev.to_dict()
    doc.update({"genes": [gene], "consequences": [cons.to_dict()], "clinvar": clinvar,
                "clinvar_overlaps": [],
                "clinvar_last_exon": {gene: []} if cons.extent == "three_prime" else {},
                "population": {"queried": False, "why": "not configured", "overlaps": []}})
    return doc
