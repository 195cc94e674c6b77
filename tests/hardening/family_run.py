"""The per-family stages run in-process, from a VCF, a PED and a phenotype table to report.json.

The same package entry points the rule adapters call (filter_panel -> annotate_variants ->
assign_inheritance -> classify_variants -> call_diagnoses), with the bundled panel, MANE models
and an empty ClinVar index, and knowledge.json distilled once from the real HPO of the tests'
cache. A Snakemake run per input is far too slow for the bad-input tests and the property test;
the workflow tests (tests/workflow/) show that the rules wire these functions the same way.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualdx.annotation.annotate import AnnotationSettings, run_annotate_variants
from dualdx.annotation.clinvar_index import run_index_clinvar
from dualdx.inputs.filtering import run_filter_panel, write_filter_stats
from dualdx.inputs.pedigree import load_ped
from dualdx.inputs.phenotypes import load_phenotypes
from dualdx.interpretation.acmg.classify import run_classify_variants
from dualdx.interpretation.call_diagnoses import run_call_diagnoses
from dualdx.interpretation.inheritance import run_assign_inheritance
from dualdx.interpretation.phenotype_knowledge import build_knowledge
from dualdx.interpretation.quality import TrustThresholds

REPO = Path(__file__).resolve().parents[2]
PANEL = str(REPO / "resources" / "panels" / "default.tsv")
MANE = str(REPO / "resources" / "transcripts" / "mane_select.GRCh38.tsv")
SCHEMA = REPO / "workflow" / "schemas" / "report.schema.json"
EXAMPLE = REPO / "config" / "example"
LOG = logging.getLogger("dualdx.tests.pipeline")
STAGE_FILES = ("panel.vcf.gz", "filter_stats.json", "annotations.json", "inheritance.json",
               "classification.json", "report.json")


def example_terms() -> list[str]:
    """Every HPO term of the example's phenotype table."""
    return sorted({t.id for ts in load_phenotypes([str(EXAMPLE / "phenotypes.tsv")]).values()
                   for t in ts})


def knowledge_file(store: Any, dest: Path, extra_terms: list[str] | None = None,
                   genes: list[str] | None = None) -> Path:
    """knowledge.json for the default panel (or ``genes``) and the example's terms (plus
    ``extra_terms``)."""
    genes = genes or ["TCIRG1", "CLCN7", "OSTM1", "ALPL"]
    doc = build_knowledge(store, genes, example_terms() + (extra_terms or []))
    dest.write_text(json.dumps({**doc, "caveats": []}), encoding="utf-8")  # the store opened
    return dest


@dataclass
class Family:
    """One family's inputs as the sample sheet gives them."""

    family: str
    samples: list[str]
    vcfs: dict[str, str]  # sample -> the VCF on its row
    ped: str
    phenotypes: str
    proband: str | None = None


def run_family(fam: Family, knowledge_json: Path, out: Path, *, panel: str = PANEL,
               clinvar_vcf: str | None = None) -> dict[str, Any]:
    """Run the stages into ``out``; return report.json. Raises what the stages raise.
    ``panel``: a panel TSV (default: the bundled one); ``clinvar_vcf``: a ClinVar VCF to index
    (default: none, an empty index)."""
    out.mkdir(parents=True, exist_ok=True)
    clinvar = out / "clinvar_panel.json"
    run_index_clinvar(clinvar_vcf, panel, "GRCh38", MANE, None, None, str(clinvar), LOG)
    vcfs = list(dict.fromkeys(fam.vcfs[s] for s in fam.samples))
    stats = run_filter_panel(vcfs, fam.samples, panel, "GRCh38", str(out / "panel.vcf.gz"),
                             LOG, sample_vcfs=fam.vcfs, family=fam.family)
    write_filter_stats(stats, str(out / "filter_stats.json"))
    settings = AnnotationSettings("GRCh38", panel, MANE, str(clinvar))
    run_annotate_variants(fam.family, str(out / "panel.vcf.gz"), settings,
                          str(out / "annotated.vcf.gz"), str(out / "annotations.json"), LOG)
    pheno = load_phenotypes([fam.phenotypes])
    run_assign_inheritance(str(out / "annotations.json"), fam.ped, fam.family, fam.proband,
                           str(knowledge_json),
                           {s: [t.id for t in ts if not t.excluded] for s, ts in pheno.items()},
                           TrustThresholds(), str(out / "inheritance.tsv"),
                           str(out / "inheritance.json"), LOG)
    run_classify_variants(str(out / "annotations.json"), str(out / "inheritance.json"),
                          str(knowledge_json), panel, "acmg2015", None,
                          str(out / "classification.json"), LOG, phenotypes=pheno)
    run_call_diagnoses(fam.family, fam.proband, "GRCh38", panel, fam.ped,
                       str(out / "annotations.json"), str(out / "inheritance.json"),
                       str(out / "classification.json"), str(knowledge_json),
                       {s: [{"id": t.id, "excluded": t.excluded} for t in ts]
                        for s, ts in pheno.items()},
                       "acmg2015", str(out / "report.json"),
                       str(out / "variants.tsv"), LOG, phenotypes_source=fam.phenotypes,
                       filter_stats_json=str(out / "filter_stats.json"))
    return dict(json.loads((out / "report.json").read_text(encoding="utf-8")))


def stage_doc(out: Path, name: str) -> dict[str, Any]:
    return dict(json.loads((out / name).read_text(encoding="utf-8")))


def ped_people(ped: str, family: str) -> set[str]:
    return set(load_ped(ped)[family].people)


def page_text(report: dict[str, Any]) -> str:
    """The text a reader sees on report.html (tags dropped, entities and white space resolved)."""
    import html as html_lib
    import re

    from dualdx.report.render import render_html

    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", render_html(report, None, None)))
    return " ".join(text.split())
