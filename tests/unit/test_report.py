"""HTML/PDF report rendering from a report.json (hand-built seed-case fixture in tests/data/report).

Structure and generation from fields are tested, never the example's numbers."""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualdx.core.errors import DualdxError, InputError
from dualdx.interpretation.recommendations import add_recommendations
from dualdx.report.evidence import not_checked_view
from dualdx.report.matrix import matrix_view
from dualdx.report.pdf import find_chromium
from dualdx.report.render import css_string, nowrap_hgvs, render_html, render_pdf, run_render_report
from dualdx.report.summary import diagnosis_views
from dualdx.report.words import (
    compact_genotype,
    flag_words,
    format_af,
    genotype_copies,
    qc_words,
    sci,
    stars_text,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
SECTIONS = ["result", "interpretation", "diagnoses", "recommendations", "relatives", "matrix",
            "variants", "methods", "appendix"]
FIRST_SEVEN = SECTIONS[:7]  # (a)–(g): nothing here may read like a developer's note
KEY = re.compile(r"\b(chr)?[0-9XYM]{1,2}-[0-9]+-[ACGTN]+-[ACGTN]+\b")


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture
def report() -> dict[str, Any]:
    return load("report.json")


class Collector(HTMLParser):
    """Tags with attributes, visible text, and visible text per section id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.by_section: dict[str, list[str]] = {}
        self.h2: list[str] = []
        self._section: str | None = None
        self._in: list[str] = []

    INLINE = frozenset({"span", "strong", "a", "em", "b", "i", "sup", "sub"})

    def _gap(self, tag: str) -> None:
        if tag not in self.INLINE:
            self.handle_data(" ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._gap(tag)
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "section":
            self._section = a.get("id")
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self._gap(tag)
        if self._in and self._in[-1] == tag:
            self._in.pop()
        if tag == "section":
            self._section = None

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] in ("style", "title"):
            return
        self.text.append(data)
        if self._section:
            self.by_section.setdefault(self._section, []).append(data)
        if self._in and self._in[-1] == "h2" and data.strip():
            self.h2.append(data.strip())


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    return c


def flat(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def section_order(html: str) -> list[str]:
    return [a["id"] or "" for t, a in parse(html).tags if t == "section" and a.get("id")]


def section_text(html: str, sid: str) -> str:
    return flat(parse(html).by_section.get(sid, []))


def strip_new_fields(r: dict[str, Any]) -> dict[str, Any]:
    """The fixture as a report written before the helpers' contracts (schema version 1)."""
    old = copy.deepcopy(r)
    for k in ("assessment", "relatives", "recommendations"):
        old.pop(k, None)
    old["warnings"] = [w["message"] for w in old["warnings"]]
    for s in old["samples"]:
        s.pop("affection", None)
    for d in old["diagnoses"]:
        d.pop("cautions", None)
    for t in old["phenotype_matrix"]["terms"]:
        t.pop("annotation_gap", None)
        t.pop("annotation_gap_text", None)
    return old


# ---------------------------------------------------------------- words


def test_stars_af_and_numbers() -> None:
    assert stars_text(0) == "☆☆☆☆" and stars_text(2) == "★★☆☆" and stars_text(4) == "★★★★"
    assert stars_text(None) == "stars not given" and stars_text(7) == "stars not given"
    assert format_af(0.0123) == "0.0123" and format_af(1.2e-05) == "1.2×10⁻⁵"
    assert format_af(0) == "0" and format_af(None) == "not given"
    assert sci(1.87e-07) == "1.9×10⁻⁷" and sci(0.0647) == "0.0647"


def test_compact_genotypes() -> None:
    assert genotype_copies("0|1") == (1, 1, False)
    assert genotype_copies("./.") == (0, 0, True)
    assert compact_genotype("TCIRG1", ["v1", "v2"], ["0/1", "0/1"]) == "TCIRG1 v1/v2"
    assert compact_genotype("TCIRG1", ["v1", "v2"], ["1/1", "0/0"]) == "TCIRG1 v1/v1"
    assert compact_genotype("ALPL", ["v"], ["0/1"]) == "ALPL v/+"
    assert compact_genotype("ALPL", ["v"], ["0/0"]) == "ALPL +/+"
    assert compact_genotype("ALPL", ["v"], ["./."]) == "ALPL ?"
    assert compact_genotype("ALPL", ["v"], [None]) == "ALPL not tested"
    assert compact_genotype("X", ["v1", "v2"], ["0/1", None]) == "X v1/?"


def test_flags_and_qc_codes_become_words() -> None:
    names = {"chr1-21564139-G-A": "ALPL c.571G>A"}
    assert flag_words("clinvar_plp_over_vus:chr1-21564139-G-A", names) == (
        "ALPL c.571G>A: counted as pathogenic through its reviewed ClinVar assertion")
    assert flag_words("phase_unknown", names) == "phase of the two variants unknown"
    assert flag_words("some_new_flag", names) == "some new flag"
    # a problem of the proband's call (diagnosis.genotypes_from_calls: qc:<problem>:<variant>)
    assert flag_words("qc:het_in_haploid_region:chr1-21564139-G-A", names) == (
        "ALPL c.571G>A: the proband's call is heterozygous where one copy is expected (X "
        "outside the PARs in a male): a QC problem (PED sex, sample swap or a mapping artefact), "
        "not reported as hemizygous and not enough for a confirmed X-linked diagnosis")
    assert qc_words("low_gq:MIOP-I-1") == "low genotype quality in MIOP-I-1"
    assert qc_words("filter:LowQual") == "failed the caller's filter (LowQual)"
    assert qc_words("not_mane_transcript") == "not on the MANE Select transcript"


def test_variant_names_never_break_and_css_strings_cannot_escape() -> None:
    out = str(nowrap_hgvs("TCIRG1 c.1674-1G>A and p.(Cys464Ter)."))
    assert '<span class="nw">c.1674-1G&gt;A</span>' in out
    assert '<span class="nw">p.(Cys464Ter)</span>.' in out
    s = css_string('F"}</style><script>x')
    assert s.startswith('"') and s.endswith('"') and '"' not in s[1:-1]
    assert "<" not in s and "}" not in s


# ---------------------------------------------------------------- the fixture


def test_fixture_follows_the_schema(repo: Path, report: dict[str, Any]) -> None:
    schema = json.loads((repo / "workflow/schemas/report.schema.json").read_text())
    jsonschema.validate(report, schema)


def test_fixture_relatives_and_recommendations_are_what_the_code_computes(
        report: dict[str, Any]) -> None:
    again = copy.deepcopy(report)
    add_recommendations(again)
    assert again["relatives"] == report["relatives"]
    assert again["recommendations"] == report["recommendations"]


def test_page_order_and_headings(report: dict[str, Any]) -> None:
    html = render_html(report, load("provenance.json"), load("reanalysis.json"))
    order = section_order(html)
    assert order == [*SECTIONS[:2], "changes", *SECTIONS[2:]]
    h2 = parse(html).h2
    assert h2[0] == "Result" and h2[1] == "Interpretation"
    assert h2[2].startswith("What changed since the analysis of 2024-06-01")
    assert h2[3:] == ["Diagnoses", "Recommendations", "Results for relatives",
                      "Phenotype × diagnosis match", "Variant evidence",
                      "Methods, limitations and what was not checked", "Appendix: run record"]
    assert section_order(render_html(report)) == SECTIONS


def test_diagnoses_follow_dual_diagnosis_order_not_list_order(report: dict[str, Any]) -> None:
    assert [d["gene"] for d in report["diagnoses"]] == ["ALPL", "TCIRG1"]  # list order
    html = render_html(report)
    cards = [a["data-disease"] for t, a in parse(html).tags if t == "article" and
             a.get("data-disease")]
    assert cards == report["dual_diagnosis"]["diagnoses"]
    mv = matrix_view(report)
    assert [c.disease_id for c in mv["columns"] if c.letter] == cards
    assert [c.letter for c in mv["columns"]] == ["A", "B", None]
    swapped = copy.deepcopy(report)
    swapped["dual_diagnosis"]["diagnoses"].reverse()
    html2 = render_html(swapped)
    assert [a["data-disease"] for t, a in parse(html2).tags if t == "article" and
            a.get("data-disease")] == swapped["dual_diagnosis"]["diagnoses"]


def test_matrix_bands_counts_and_annotation_gap(report: dict[str, Any]) -> None:
    mv = matrix_view(report)
    bands = [r.band for r in mv["rows"]]
    assert bands == sorted(bands, key=mv["bands"].index)
    present = [t for t in report["phenotype_matrix"]["terms"] if not t["excluded"]]
    assert mv["present"] == len(present)
    assert sum(mv["counts"].values()) == len(report["phenotype_matrix"]["terms"])
    gap_terms = [t for t in report["phenotype_matrix"]["terms"] if t.get("annotation_gap")]
    assert gap_terms and len(mv["notes"]) == len(gap_terms)
    html = render_html(report)
    sec = section_text(html, "matrix")
    assert "Annotation gaps:" in sec and gap_terms[0]["annotation_gap_text"] in sec
    row = next(r for r in mv["rows"] if r.hpo_id == gap_terms[0]["id"])
    assert row.explained_by == "not annotated"
    # one table row per term, one glyph per cell, glyphs never colour alone (labelled)
    doc = parse(html)
    glyphs = [a for t, a in doc.tags if t == "span" and (a.get("class") or "").startswith("g g-")
              and a.get("aria-label")]
    assert len(glyphs) == len(mv["rows"]) * len(mv["columns"])


def test_nothing_in_a_to_g_reads_like_a_developers_note(report: dict[str, Any]) -> None:
    html = render_html(report, load("provenance.json"), load("reanalysis.json"))
    for sid in [*FIRST_SEVEN, "changes"]:
        text = section_text(html, sid)
        assert text, sid
        for bad in ("provenance.json", "report data", "report.json", " 1 points", "_over_",
                    "..", "None", "null", "clinvar_", "compound_het", "autosomal_"):
            assert bad not in text, (sid, bad)
        assert not KEY.search(text), (sid, KEY.search(text))


def test_status_words_agree_with_the_evidence(report: dict[str, Any]) -> None:
    r = copy.deepcopy(report)
    alpl = next(v for v in r["variants"] if v["gene"] == "ALPL" and v["acmg_class"] ==
                "Likely pathogenic")
    alpl.update(acmg_class="Uncertain significance", acmg_points=1, tier="PLP",
                tier_flags=["clinvar_plp_over_vus"],
                acmg_criteria=[c for c in alpl["acmg_criteria"] if c["code"] == "PP4"])
    alpl["clinvar"].update(significance="Pathogenic", stars=2,
                           review_status="criteria provided, multiple submitters, no conflicts")
    cards = {c["gene"]: c for c in diagnosis_views(r, 20)}
    words = cards["ALPL"]["status_sentence"]
    assert words.startswith("Confirmed")
    assert "counts as pathogenic through its ClinVar Pathogenic assertion (2 stars" in words
    assert "the criteria evaluated here reach only uncertain significance (PP4)" in words
    assert [a["counts_as"] for a in cards["ALPL"]["alleles"]] == [
        "counted as pathogenic through ClinVar"]
    assert [a["acmg_class"] for a in cards["ALPL"]["alleles"]] == ["Uncertain significance"]
    # a compound heterozygote shows each allele with its own class; a VUS allele keeps it a
    # candidate, in words naming that allele
    tc = next(d for d in r["diagnoses"] if d["gene"] == "TCIRG1")
    tc["status"] = "candidate"
    weak = next(v for v in r["variants"] if v["key"] == tc["variants"][1])
    weak.update(acmg_class="Uncertain significance", tier="VUS")
    tc["flags"] = [f"vus:{weak['key']}"]
    card = next(c for c in diagnosis_views(r, 20) if c["gene"] == "TCIRG1")
    assert [a["acmg_class"] for a in card["alleles"]] == ["Likely pathogenic",
                                                           "Uncertain significance"]
    assert card["status_sentence"].startswith(f"Candidate: TCIRG1 {weak['hgvs_c']} is of uncertain")
    assert "its ClinVar Pathogenic assertion has no review stars and is not counted" in \
        card["status_sentence"]


def test_disease_names_a_clinician_recognises(report: dict[str, Any]) -> None:
    html = render_html(report)
    sec = section_text(html, "diagnoses")
    assert "Hypophosphatasia, autosomal dominant form" in sec
    assert "catalogue name: Hypophosphatasia, adult" in sec
    assert "Osteopetrosis, autosomal recessive 1" in sec
    # one mode only: the catalogue name as it is
    r = copy.deepcopy(report)
    for d in r["diseases"]:
        if d["disease_id"] == "OMIM:146300":
            d["modes"] = ["autosomal_dominant"]
    assert "Hypophosphatasia, adult" in section_text(render_html(r), "diagnoses")


def test_recommendations_and_relatives_rendered_from_the_report(report: dict[str, Any]) -> None:
    html = render_html(report)
    rec = section_text(html, "recommendations")
    for r in report["recommendations"]:
        assert flat([r["text"]]) in rec and flat([r["basis"]]) in rec
    rel = section_text(html, "relatives")
    for person in report["relatives"]:
        assert person["sample_id"] in rel and person["relationship"] in rel
        for row in person["diagnoses"]:
            assert row["meaning"] in rel
    # a change in report.json changes the page: nothing is typed in the template
    r = copy.deepcopy(report)
    r["recommendations"][0]["text"] = "Offer the test to nobody."
    assert "Offer the test to nobody." in section_text(render_html(r), "recommendations")


def test_affection_per_disease_in_family_table_and_pedigree(report: dict[str, Any]) -> None:
    html = render_html(report)
    rel = section_text(html, "relatives")
    brother = next(s for s in report["samples"] if s["sample_id"] == "MIOP-B1")
    assert {a["status"] for a in brother["affection"].values()} == {"unknown"}
    row = re.search(r"MIOP-B1 brother male yes (\S+) (\S+)", rel)
    assert row and row.groups() == ("?", "?")
    pedigree = html[html.index('class="pedigree-svg"'):]
    pedigree = pedigree[:pedigree.index("</svg>")]
    assert re.search(r">\?</text>", pedigree)


def test_warnings_cautions_and_the_none_wording(report: dict[str, Any]) -> None:
    html = render_html(report)
    cautions = [w["message"] for w in report["warnings"] if w["severity"] == "caution"]
    notes = [w["message"] for w in report["warnings"] if w["severity"] == "note"]
    assert cautions and notes
    assert all(c in section_text(html, "result") for c in cautions)
    assert all(n in section_text(html, "methods") for n in notes)
    assert "Warnings: none" not in html
    card = next(d for d in report["diagnoses"] if d["cautions"])
    assert card["cautions"][0]["message"] in section_text(html, "diagnoses")
    empty = copy.deepcopy(report)
    empty["warnings"] = []
    assert "Warnings: none." in render_html(empty)


def test_older_report_without_the_new_fields_renders(report: dict[str, Any]) -> None:
    old = strip_new_fields(report)
    html = render_html(old)
    assert section_order(html) == SECTIONS
    assert all(w in section_text(html, "result") for w in old["warnings"])  # strings: cautions
    # relatives computed from the report's own fields, as add_recommendations would
    rel = section_text(html, "relatives")
    assert all(p["sample_id"] in rel for p in report["relatives"])
    assert "Annotation gaps" not in html


def test_not_assessable_headline_and_genes(report: dict[str, Any]) -> None:
    r = copy.deepcopy(report)
    r["diagnoses"], r["relatives"], r["recommendations"] = [], [], []
    r["dual_diagnosis"].update(status="not_assessable", diagnoses=[], explained_by_each={},
                               reason="the proband has no usable genotype in the panel")
    r["assessment"] = {"status": "not_assessable",
                       "reason": "no VCF contig matches a panel chromosome (NC_000011.10, …)",
                       "genes": [{"gene": g, "assessed": False, "why": "no callable genotype"}
                                 for g in r["panel"]["genes"]]}
    html = render_html(r)
    res = section_text(html, "result")
    assert res.startswith("Result Not assessable.")
    assert "No VCF contig matches a panel chromosome" in res and "not a negative result" in res
    for g in r["panel"]["genes"]:
        assert f"{g} (no callable genotype)" in res
    assert "No diagnosis found" not in html


def test_none_family_has_no_recommendations_but_says_what_was_not_checked(
        report: dict[str, Any]) -> None:
    r = copy.deepcopy(report)
    r["diagnoses"] = []
    r["dual_diagnosis"].update(status="none", diagnoses=[], explained_by_each={},
                               reason="no genotype qualifies for a disease of the panel genes")
    add_recommendations(r)
    assert r["recommendations"] == [] and r["relatives"] == []
    html = render_html(r)
    rec = section_text(html, "recommendations")
    assert rec.startswith("Recommendations No recommendation follows from this result")
    for n in not_checked_view(r)["entries"]:
        assert n["what"] in rec
    assert section_text(html, "result").startswith("Result No diagnosis found.")


def test_self_contained_and_no_script(report: dict[str, Any]) -> None:
    html = render_html(report, load("provenance.json"), load("reanalysis.json"))
    doc = parse(html)
    tags = [t for t, _ in doc.tags]
    assert not {"script", "link", "img", "iframe", "object"} & set(tags)
    for _t, attrs in doc.tags:
        assert "src" not in attrs
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("https://www.ncbi.nlm.nih.gov/clinvar/variation/")
    csp = [a for t, a in doc.tags if t == "meta" and a.get("http-equiv")]
    assert csp[0]["content"] == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    assert "@import" not in html and "url(http" not in html


def test_deterministic(report: dict[str, Any]) -> None:
    a = render_html(report, load("provenance.json"), load("reanalysis.json"))
    b = render_html(copy.deepcopy(report), load("provenance.json"), load("reanalysis.json"))
    assert a == b


def test_inputs_are_escaped_in_html_svg_and_css(report: dict[str, Any]) -> None:
    evil_id = '<script>alert(1)</script>"onload="alert(2)'
    r = copy.deepcopy(report)
    r["family"] = '</style><script>alert("fam")</script>'
    old = r["proband"]
    r["proband"] = evil_id
    for s in r["samples"]:
        if s["sample_id"] == old:
            s["sample_id"] = evil_id
        for k in ("father", "mother"):
            if s[k] == old:
                s[k] = evil_id
    for v in r["variants"]:
        v["genotypes"] = {(evil_id if k == old else k): g for k, g in v["genotypes"].items()}
    r["phenotype_matrix"]["terms"][0]["name"] = '<img src=x onerror="alert(3)">'
    r["diagnoses"][0]["disease_name"] = "</style><script>alert(4)</script>"
    r["warnings"].append("<iframe src='http://127.0.0.1/'>")
    html = render_html(r, {"workflow_version": "<b>1</b>"}, {"previous_date": "<i>x</i>"})
    doc = parse(html)
    assert not {"script", "img", "iframe", "b", "i"} & {t for t, _ in doc.tags}
    for _t, attrs in doc.tags:
        assert not any(k.startswith("on") for k in attrs)
    assert "<script" not in html and '"onload=' not in html and "<img" not in html
    assert html.count("</style>") == 1
    text = "".join(doc.text)
    assert evil_id in text and '<img src=x onerror="alert(3)">' in text


def test_not_checked_is_given_once_and_never_hidden(report: dict[str, Any]) -> None:
    html = render_html(report)
    sec = section_text(html, "methods")
    for expected in ("In-silico predictions", "reference_fasta", "not configured",
                     "PP3", "BS1"):
        assert expected in sec
    for n in report["not_checked"]:  # listed once, with its reason
        assert sec.count(f"{n['what']}: {n['why']}") == 1, n
    r = copy.deepcopy(report)
    r["not_checked"], r["databases"] = [], []
    for v in r["variants"]:
        v["acmg_not_evaluated"] = []
    assert "Every source and criterion was checked." in render_html(r)


def test_clinvar_and_gnomad_not_checked_vs_absent(report: dict[str, Any]) -> None:
    r = copy.deepcopy(report)
    r["variants"][0]["clinvar"] = None
    r["variants"][0]["gnomad"] = {"queried": False}
    html = render_html(r)
    assert "not in ClinVar (release 2016-09)" in html and "not checked" in html
    r["databases"] = [d for d in r["databases"] if d["name"] != "clinvar"]
    assert "ClinVar not checked" in render_html(r)


def test_disagreement_is_highlighted(report: dict[str, Any]) -> None:
    assert "disagrees with ClinVar" in render_html(report)
    r = copy.deepcopy(report)
    for v in r["variants"]:
        v["clinvar_disagreement"] = False
    assert "disagrees with ClinVar" not in render_html(r)


def test_provenance_and_reanalysis_optional(report: dict[str, Any]) -> None:
    html = render_html(report, None, None)
    assert "What changed since" not in html and "Analysis date" not in html
    assert "No provenance record was given" in html
    with_prov = render_html(report, load("provenance.json"))
    app = section_text(with_prov, "appendix")
    assert "FAM-MIOP-01.vcf.gz" in app and load("provenance.json")["config_sha256"] in app
    assert "Analysis date 2025-02-03" in flat(parse(with_prov).text)


def test_reanalysis_names_each_change_with_its_cause(report: dict[str, Any]) -> None:
    re_ = load("reanalysis.json")
    sec = section_text(render_html(report, load("provenance.json"), re_), "changes")
    assert re_["summary"] in sec
    dual = re_["changes"]["dual_status"]
    assert f"Result: {dual['old']} → {dual['new']}" in sec
    assert f"Cause: {dual['cause']}" in sec and "ClinVar record of ALPL" in dual["cause"]
    # an older free-form reanalysis file is still shown, every key
    legacy = {"previous_date": "2024-06-01", "dual_status_change": {"before": "single",
              "after": "dual", "cause": "ALPL reclassified"}}
    sec2 = section_text(render_html(report, None, legacy), "changes")
    assert "Dual status change" in sec2 and "ALPL reclassified" in sec2


def test_variant_printed_once_and_others_by_class(report: dict[str, Any]) -> None:
    html = render_html(report)
    var = section_text(html, "variants")
    other = var[var.index("Other panel variants"):]
    assert other.count("c.197-5C>T") == 1 and other.count("c.455G>A") == 1
    assert other.index("c.197-5C>T") < other.index("c.455G>A")  # VUS before benign-ClinVar VUS
    for d in report["diagnoses"]:
        for k in d["variants"]:
            v = next(x for x in report["variants"] if x["key"] == k)
            assert v["hgvs_c"] not in other
    r = copy.deepcopy(report)
    next(v for v in r["variants"] if v["hgvs_c"] == "c.455G>A")["acmg_class"] = "Pathogenic"
    var2 = section_text(render_html(r), "variants")
    other2 = var2[var2.index("Other panel variants"):]
    assert other2.index("c.455G>A") < other2.index("c.197-5C>T")


def test_carriers_rendered(report: dict[str, Any]) -> None:
    r = copy.deepcopy(report)
    r["carriers"] = [{"gene": "TCIRG1", "disease_id": "OMIM:259700",
                      "variant": "chr11-68042638-C-T"}]
    sec = section_text(render_html(r), "variants")
    sec = sec[sec.index("Carrier findings"):]
    assert "c.197-5C>T" in sec and "Osteopetrosis, autosomal recessive 1" in sec


def test_minimal_report_renders() -> None:
    r = {
        "schema_version": "1", "family": "F0", "proband": "P", "genome_build": "GRCh37",
        "ruleset": {"name": "clingen_points_2020", "version": "v1"},
        "panel": {"name": "x", "genes": []},
        "samples": [{"sample_id": "P", "father": None, "mother": None, "sex": "unknown",
                     "affected": "affected", "phenotypes": [], "affected_for": []}],
        "variants": [], "diseases": [], "diagnoses": [], "carriers": [],
        "dual_diagnosis": {"status": "none", "diagnoses": [], "explained_by_each": {},
                           "shared_hpo": [], "unexplained_hpo": [], "reason": "nothing"},
        "phenotype_matrix": {"terms": [], "columns": [], "cells": {}},
        "not_checked": [], "warnings": [], "databases": [],
    }
    html = render_html(r)
    assert "No diagnosis found" in html and section_order(html) == SECTIONS
    assert "there is no matrix to draw" in html and "No relative in the pedigree." in html


def test_unknown_extra_fields_and_column_major_cells(report: dict[str, Any]) -> None:
    r = copy.deepcopy(report)
    r["something_new"] = {"x": 1}
    cells = r["phenotype_matrix"]["cells"]
    r["phenotype_matrix"]["cells"] = {
        col: {t: cells[t][col] for t in cells} for col in r["phenotype_matrix"]["columns"]}
    assert matrix_view(r)["counts"] == matrix_view(report)["counts"]
    assert [x.cells for x in matrix_view(r)["rows"]] == [x.cells for x in matrix_view(report)["rows"]]
    render_html(r)


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_any_family_id_is_text(family: str) -> None:
    r = load("report.json")
    r["family"] = family
    html = render_html(r)
    tags = {t for t, _ in parse(html).tags}
    assert "script" not in tags and "img" not in tags
    assert html.count("</style>") == 1


def test_wall_clock_time_stays_out_of_the_page(report: dict[str, Any]) -> None:
    prov = load("provenance.json")
    prov.update(generated_at="2031-07-09T10:11:12Z", generated_at_source="clock")
    html = render_html(report, prov)
    assert "2031-07-09" not in html
    assert "kept in provenance.json only" in section_text(html, "appendix")
    prov["generated_at_source"] = "SOURCE_DATE_EPOCH"
    assert "2031-07-09" in render_html(report, prov)


def test_filter_funnel_in_methods(report: dict[str, Any]) -> None:
    assert "Panel filter" not in render_html(report)  # no methods given: left out
    report["methods"] = {"filter": {"records_read": 1200, "records_written": 9,
                                    "split_multiallelic": 1, "skipped_symbolic": 2,
                                    "skipped_ref_blocks": 0, "skipped_star": 0,
                                    "build_verified": False, "mode": "streaming",
                                    "build_note": "no contig lengths in the header of x.vcf"}}
    sec = section_text(render_html(report), "methods")
    assert "Panel filter" in sec and "1200" in sec and "panel variants kept 9" in sec
    assert "not verified: no contig lengths in the header of x.vcf" in sec


# ---------------------------------------------------------------- files, errors, PDF


def test_run_render_report_writes_html(tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    run_render_report(str(DATA / "report.json"), str(DATA / "provenance.json"),
                      str(DATA / "reanalysis.json"), str(out), None, logging.getLogger("t"))
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert list(out.parent.iterdir()) == [out]  # no temporary left behind


def test_run_render_report_bad_inputs(tmp_path: Path) -> None:
    bad = tmp_path / "report.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match=r"report.json, line 1, column 2: report.json is not "
                                         r"readable JSON .*Fix: re-run call_diagnoses"):
        run_render_report(str(bad), None, None, str(tmp_path / "r.html"), None,
                          logging.getLogger("t"))
    bad.write_text(json.dumps({"family": "F"}))
    # the report contract (report.schema.json) names every missing field and the stage to re-run
    with pytest.raises(InputError, match=r"report.json does not match its schema .*"
                                         r"\$: \"proband\" is a required property.*"
                                         r"Fix: re-run call_diagnoses"):
        run_render_report(str(bad), None, None, str(tmp_path / "r.html"), None,
                          logging.getLogger("t"))
    with pytest.raises(InputError, match=r"absent.json: report.json not found"):
        run_render_report(str(tmp_path / "absent.json"), None, None, str(tmp_path / "r.html"),
                          None, logging.getLogger("t"))
    assert not (tmp_path / "r.html").exists()


def _missing_tool(msg: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg)
    pytest.skip(msg)


def _need_pdf_tools() -> None:
    missing = []
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        missing.append("weasyprint (pip install weasyprint; Debian libpango-1.0-0 "
                       "libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core)")
    try:
        import pypdf  # noqa: F401
    except ImportError:
        missing.append("pypdf (pip install pypdf)")
    if missing:
        msg = "PDF test needs " + ", ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
def test_pdf_has_the_sections_of_the_html_in_order(tmp_path: Path, report: dict[str, Any],
                                                   engine: str) -> None:
    _need_pdf_tools()
    if engine == "chromium" and find_chromium() is None:
        _missing_tool("headless Chromium (Debian package chromium) for report.pdf_engine chromium")
    import pypdf

    html = render_html(report, load("provenance.json"), load("reanalysis.json"))
    pdf = tmp_path / "report.pdf"
    assert render_pdf(html, str(pdf), engine) == engine
    assert list(tmp_path.iterdir()) == [pdf]  # nothing else left behind
    pages = pypdf.PdfReader(str(pdf)).pages
    text = flat([p.extract_text() or "" for p in pages])
    headings = parse(html).h2
    pos = [text.find(h) for h in headings]
    assert -1 not in pos, [h for h, p in zip(headings, pos, strict=True) if p < 0]
    assert pos == sorted(pos)
    # page header (family, proband) and numbers on every page; the run record only at the end
    for i, page in enumerate(pages, 1):
        t = page.extract_text() or ""
        assert "family FAM-MIOP-01" in t and "proband MIOP-P1" in t, i
        assert f"page {i} / {len(pages)}" in t, i
    appendix = next(i for i, p in enumerate(pages) if "Appendix: run record" in (p.extract_text() or ""))
    assert all(load("provenance.json")["config_sha256"] not in (p.extract_text() or "")
               for p in pages[:appendix])


@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
def test_the_same_report_prints_to_the_same_bytes(tmp_path: Path, report: dict[str, Any],
                                                  engine: str) -> None:
    """A rerun (or the cluster run) of the same inputs gives a byte-identical PDF: no print time."""
    _need_pdf_tools()
    if engine == "chromium" and find_chromium() is None:
        _missing_tool("headless Chromium (Debian package chromium) for report.pdf_engine chromium")
    import pypdf

    html = render_html(report)
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render_pdf(html, str(first), engine)
    time.sleep(1.1)  # the PDF dates have one-second resolution
    render_pdf(html, str(second), engine)
    assert first.read_bytes() == second.read_bytes()
    assert b"/CreationDate (D:" not in first.read_bytes()
    reader = pypdf.PdfReader(str(first), strict=True)  # the cross-reference table still holds
    assert len(reader.pages) >= 1


def test_render_pdf_error_when_weasyprint_missing(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(DualdxError, match=r"libpango-1\.0-0"):
        render_pdf("<html></html>", str(tmp_path / "x.pdf"), "weasyprint")
    assert not (tmp_path / "x.pdf").exists()


def test_pdf_engine_choice_and_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(DualdxError, match="unknown PDF engine 'latex'"):
        render_pdf("<html></html>", str(tmp_path / "x.pdf"), "latex")
    monkeypatch.setenv("DUALDX_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(DualdxError, match=r"no Chromium was found.*set report\.pdf_engine"):
        render_pdf("<html></html>", str(tmp_path / "x.pdf"), "chromium")
    broken = tmp_path / "fake-chromium"
    broken.write_text("#!/bin/sh\necho 'no display' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("DUALDX_CHROMIUM", str(broken))
    with pytest.raises(DualdxError, match=r"Chromium's print failed \(exit 3: no display\)"):
        render_pdf("<html></html>", str(tmp_path / "x.pdf"), "auto")
    assert not (tmp_path / "x.pdf").exists()


def test_pdftotext_agrees_when_available(tmp_path: Path, report: dict[str, Any]) -> None:
    """Second extractor (poppler-utils pdftotext), used only when installed."""
    _need_pdf_tools()
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (Debian poppler-utils) not installed")
    pdf = tmp_path / "r.pdf"
    render_pdf(render_html(report), str(pdf), "weasyprint")
    out = subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert "What was not checked" in out and "Glossary" in out


def test_single_with_a_confirmed_overlapping_second_genotype_says_so(
        report: dict[str, Any]) -> None:
    """A single result whose second genotype is confirmed but cannot be separated by the terms:
    the headline names it and the interpretation says it may be present (not only a log line or
    a field of report.json)."""
    r = copy.deepcopy(report)
    r["dual_diagnosis"].update(status="single", diagnoses=["OMIM:259700"], overlap={
        "b": "OMIM:146300", "b_gene": "ALPL", "explained_hpo": ["HP:0000670"],
        "words": "the ALPL genotype is confirmed, so ... (the dual test's words)"})
    html = render_html(r)
    res = section_text(html, "result")
    assert "Single diagnosis" in res
    assert "The ALPL genotype for Hypophosphatasia" in res and "is confirmed too" in res
    assert ("The ALPL genotype is confirmed, so Hypophosphatasia, autosomal dominant form may be "
            "present as well; the HPO terms cannot show whether it contributes beyond Osteopetrosis"
            in section_text(html, "interpretation"))
    r["dual_diagnosis"].pop("overlap")
    assert "confirmed too" not in section_text(render_html(r), "result")


def test_an_origin_in_parentheses_is_not_nested() -> None:
    from dualdx.report.summary import _unbracket

    assert _unbracket("de novo (in neither parent)") == "de novo, in neither parent"
    assert _unbracket("inherited from the mother") == "inherited from the mother"
    assert _unbracket("origin unknown (parents not genotyped") == (
        "origin unknown (parents not genotyped")
