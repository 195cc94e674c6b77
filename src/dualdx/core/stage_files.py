"""The typed models of the stage files: ``TypedDict`` s of the exact JSON nesting, one per file.

Each mirrors ``workflow/schemas/<kind>.schema.json`` (the schema is the contract and documents
every field; :func:`dualdx.core.contracts.read_stage_file` returns these after validating). Objects
that are the ``to_dict()`` of a class of the package (a caveat, a genotype call, a ClinVar
assertion, a transcript consequence, ...) stay ``dict[str, Any]`` here: their model is that class
(``Caveat.from_dict``, ``Call.from_dict``, ...), defined once in ``common.schema.json``.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

#: ``Caveat.to_dict()`` (common.schema.json#/$defs/Caveat); read back with ``Caveat.from_dict``
CaveatDict = dict[str, Any]


class NotChecked(TypedDict):
    what: str
    why: str


# ------------------------------------------------------------------------ filter_stats.json


class FilterStats(TypedDict):
    records_read: int
    records_written: int
    split_multiallelic: int
    skipped_symbolic: int
    skipped_gvcf_alleles: int
    skipped_ref_blocks: int
    skipped_star: int
    duplicate_records: int
    conflicting_duplicates: int
    values_miscounted: int
    left_aligned: int
    indels_not_left_aligned: int
    normalization: str
    build_verified: bool
    mode: str
    contig_style: str
    build: str
    build_note: str
    panel_chromosomes_absent: list[str]
    caveats: list[CaveatDict]


# --------------------------------------------------------------------------- knowledge.json


class KnowledgeDisease(TypedDict):
    name: str
    genes: list[str]
    modes: list[str]
    onset: list[str]
    terms: list[str]
    frequencies: dict[str, float | None]
    not_terms: list[str]
    incomplete_penetrance: NotRequired[bool | None]


class KnowledgeTerm(TypedDict):
    name: str
    ic: float
    ancestors: list[str]
    parents: list[str]
    obsolete: bool
    replaced_by: str | None


class Background(TypedDict):
    description: str
    ic_threshold: float
    n_diseases: int
    explaining: dict[str, int]
    diseases: dict[str, list[list[Any]]]  # [[shared IC, [ordinals]], ...]


class Knowledge(TypedDict):
    hpo_release: str
    hpo_source: dict[str, Any]
    ic: dict[str, Any]
    genes: dict[str, list[str]]
    diseases: dict[str, KnowledgeDisease]
    terms: dict[str, KnowledgeTerm]
    unknown_terms: list[str]
    background: Background
    caveats: list[CaveatDict]


# ----------------------------------------------------------------------- clinvar_panel.json


class ClinvarPanelRecord(TypedDict):
    chrom: str
    pos: int
    ref: str
    alt: str
    end: int
    clinvar: dict[str, Any]  # ClinVarAssertion.to_dict()
    gene: str | None
    protein_pos: int | None
    ref_aa: str | None
    alt_aa: str | None
    hgvs_p: str | None
    hgvs_c: str | None


class ClinvarPanel(TypedDict):
    source: dict[str, Any]  # DatabaseStatus.to_dict()
    records: list[ClinvarPanelRecord]


# ------------------------------------------------------------------------- annotations.json


class AnnotatedVariant(TypedDict):
    chrom: str
    pos: int
    ref: str
    alt: str
    id: str | None
    qual: float | None
    filter: str | None
    calls: dict[str, dict[str, Any]]  # sample -> Call.to_dict()
    key: str
    gene: str | None
    consequence: dict[str, Any] | None  # TranscriptConsequence.to_dict()
    consequence_source: NotRequired[str]
    other_transcripts_more_severe: list[str]
    clinvar: dict[str, Any] | None  # ClinVarAssertion.to_dict()
    clinvar_same_residue: list[dict[str, Any]]
    clinvar_same_aa_change: list[dict[str, Any]]
    gnomad: dict[str, Any]  # PopulationFrequency.to_dict()
    scores: dict[str, float]


class Annotations(TypedDict):
    family: str
    genome_build: str
    samples: list[str]
    databases: list[dict[str, Any]]  # DatabaseStatus.to_dict()
    not_checked: list[NotChecked]
    caveats: NotRequired[list[CaveatDict]]
    variants: list[AnnotatedVariant]


# -------------------------------------------------------------------------- structural.json


class EventCall(TypedDict):
    """``dualdx.inputs.cnv_events.EventCall.to_dict()``: what one person's calls say."""

    status: str  # carrier | non_carrier | unknown
    gt: str
    cn: int | None
    copies: int | None
    start: int | None
    end: int | None
    basis: str
    fields: dict[str, Any]


class StructuralEvent(TypedDict):
    """``CnvEvent.to_dict()`` + what ``interpret_structural`` adds."""

    key: str
    chrom: str
    pos: int
    start: int
    end: int
    length: int
    direction: str  # loss | gain
    svtype: str  # DEL | DUP
    imprecise: bool
    cipos: list[int] | None
    ciend: list[int] | None
    tandem: bool | None
    caller: str
    filter: str | None
    sources: list[str]
    calls: dict[str, EventCall]
    genes: list[str]
    consequences: list[dict[str, Any]]  # CnvConsequence.to_dict()
    clinvar: dict[str, Any] | None  # ClinVarAssertion.to_dict() + "match"
    clinvar_overlaps: list[dict[str, Any]]
    clinvar_last_exon: dict[str, list[str]]
    population: dict[str, Any]


class Structural(TypedDict):
    family: str
    genome_build: str
    samples: list[str]
    funnel: dict[str, Any]
    databases: list[dict[str, Any]]
    not_checked: list[NotChecked]
    events: list[StructuralEvent]
    not_interpreted: list[dict[str, Any]]
    caveats: list[CaveatDict]


# ------------------------------------------------------------------------- inheritance.json


class Segregation(TypedDict):
    affected_carriers: int
    affected_noncarriers: int
    unaffected_carriers: int
    unaffected_noncarriers: int
    informative_meioses: int | None


class InheritanceRow(TypedDict):
    variant: str
    gene: str
    disease_id: str
    disease_name: str | None
    disease_mode: str
    label: str | None
    origin: str | None
    partner: str | None
    partners: list[str]
    partner_phases: list[dict[str, str]]
    qualifies: bool | None
    explanation: str
    segregation: Segregation
    relatives: dict[str, list[str]]
    zygosity: str
    genotypes: dict[str, str | None]
    untrusted: list[str]
    call_problems: dict[str, list[str]]
    copy_number: NotRequired[dict[str, dict[str, str | None]]]


class Inheritance(TypedDict):
    family: str
    proband: str
    genome_build: str
    thresholds: dict[str, float]
    caveats: list[CaveatDict]
    candidate_diseases: list[str]
    proband_ancestors: list[str]
    affection: dict[str, dict[str, dict[str, str]]]  # person -> disease -> {status, basis}
    affected_by_disease: dict[str, list[str]]
    calls: list[InheritanceRow]


# ---------------------------------------------------------- classification.json (SNV, CNV)


class VariantClass(TypedDict):
    acmg_class: str
    points: float
    criteria: list[dict[str, Any]]
    not_evaluated: list[dict[str, str]]
    clinvar_disagreement: bool


class Classification(TypedDict):
    ruleset: str
    ruleset_version: str
    caveats: list[CaveatDict]
    variants: dict[str, VariantClass]


class CnvClass(VariantClass):
    framework: str
    framework_version: NotRequired[str]
    direction: str


class CnvClassification(TypedDict):
    framework: str
    framework_version: str
    caveats: list[CaveatDict]
    variants: dict[str, CnvClass]


# ------------------------------------------------------------ provenance.json, reanalysis.json


class Provenance(TypedDict):
    schema_version: str
    family: str
    generated_at: str
    generated_at_source: str
    workflow_version: str | None
    dualdx_version: str
    snakemake_version: str | None
    python_version: str
    packages: dict[str, str | None]
    config: dict[str, Any]
    config_sha256: str
    config_files: list[dict[str, Any]]
    inputs: dict[str, list[dict[str, Any]]]
    databases: list[dict[str, Any]]
    hpo_release: str | None
    ruleset: dict[str, str | None]
    command_line: list[str] | None


class Reanalysis(TypedDict):
    schema_version: str
    family: str | None
    previous_found: bool
    previous_date: str | None
    previous_workflow_version: str | None
    date: str | None
    workflow_version: str | None
    previous_report: NotRequired[str]
    run_differences: list[dict[str, Any]]
    changes: dict[str, Any]
    variant_history: dict[str, dict[str, str | None]]
    warnings: list[str]
    summary: str


# ------------------------------------------------------------------------------ report.json


class Report(TypedDict):
    """report.json at its top level (``workflow/schemas/report.schema.json``): the keys, which of
    them the schema requires, and their containers; each row's fields are the schema's (the page
    and the reanalysis read them through the helpers of ``dualdx.report`` and
    ``dualdx.interpretation.relatives``)."""
    schema_version: str
    family: str
    proband: str
    genome_build: str
    ruleset: dict[str, Any]
    panel: dict[str, Any]
    samples: list[dict[str, Any]]
    variants: list[dict[str, Any]]
    diseases: list[dict[str, Any]]
    diagnoses: list[dict[str, Any]]
    carriers: list[dict[str, Any]]
    dual_diagnosis: dict[str, Any]
    phenotype_matrix: dict[str, Any]
    not_checked: list[dict[str, str]]
    warnings: list[dict[str, Any]]
    databases: list[dict[str, Any]]
    # written by call_diagnoses on every run; optional in the schema (reports of older runs)
    hpo_release: NotRequired[str | None]
    phenotype_method: NotRequired[dict[str, Any]]
    assessment: NotRequired[dict[str, Any]]
    molecular_findings: NotRequired[list[dict[str, Any]]]
    reanalysis: NotRequired[dict[str, Any] | None]
    # added by the steps after the assembly (filter funnel, CNVs, relatives and recommendations)
    methods: NotRequired[dict[str, Any]]
    relatives: NotRequired[list[dict[str, Any]]]
    recommendations: NotRequired[list[dict[str, Any]]]
    structural_not_interpreted: NotRequired[list[dict[str, Any]]]
