"""HTML/PDF report rendering from a report.json (hand-built seed-case fixture in tests/data)."""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualdx.core.errors import InputError
from dualdx.report.render import (
    compact_genotype,
    format_af,
    genotype_copies,
    matrix_view,
    render_html,
    render_pdf,
    run_render_report,
    stars_text,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
SECTION_IDS = ["summary", "matrix", "pedigree", "variants", "other", "not-checked", "warnings",
               "provenance", "glossary"]


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture
def report() -> dict[str, Any]:
    return load("report.json")


class Collector(HTMLParser):
    """Tags, attributes, section ids and visible text of a document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    return c


def section_order(html: str) -> list[str]:
    return [a["id"] or "" for t, a in parse(html).tags if t == "section" and a.get("id")]


# ---------------------------------------------------------------- formatters


def test_stars_and_af_formatting() -> None:
    assert stars_text(0) == "☆☆☆☆"
    assert stars_text(2) == "★★☆☆"
    assert stars_text(4) == "★★★★"
    assert stars_text(None) == "stars not given"
    assert stars_text(7) == "stars not given"
    assert format_af(0.0123) == "0.0123"
    assert format_af(1.2e-05) == "1.2×10⁻⁵"
    assert format_af(0) == "0"
    assert format_af(None) == "not given"


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


# ---------------------------------------------------------------- the seed-case fixture


def test_fixture_follows_the_schema(repo: Path, report: dict[str, Any]) -> None:
    schema = json.loads((repo / "workflow/schemas/report.schema.json").read_text())
    jsonschema.validate(report, schema)


def test_matrix_bands_and_counts(report: dict[str, Any]) -> None:
    mv = matrix_view(report)
    assert mv["counts"] == {"A only": 9, "blended": 2, "B only": 3, "unexplained": 1,
                            "excluded": 1}
    bands = [r.band for r in mv["rows"]]
    assert bands == sorted(bands, key=["A only", "blended", "B only", "unexplained",
                                       "excluded"].index)
    assert [c.letter for c in mv["columns"]] == ["A", "B", None]
    low_alp = next(r for r in mv["rows"] if r.hpo_id == "HP:0003282")
    assert low_alp.cells[0] == "contradicts" and low_alp.band == "B only"
    assert mv["explained_union"] == 14 and mv["present"] == 15


def test_page_order_and_key_content(report: dict[str, Any]) -> None:
    html = render_html(report, load("provenance.json"), load("reanalysis.json"))
    assert section_order(html) == ["changes", *SECTION_IDS]
    text = " ".join(parse(html).text)
    for expected in (
        "Dual diagnosis", "9 explained by A only (TCIRG1)", "2 explained by both (blended)",
        "3 explained by B only (ALPL)", "1 explained by neither",
        "Osteopetrosis, autosomal recessive 1", "Hypophosphatasia, adult", "11/15 terms",
        "5/15 terms", "compound heterozygous, in trans", "What changed since 2024-06-01",
        "ALPL c.535G>A", "★★☆☆", "criteria provided, multiple submitters, no conflicts",
        "AF 3.1×10⁻⁵", "popmax 0.0093 (afr)", "Report date 2025-02-03",
        "for review by a qualified professional",
        "TCIRG1 c.1213G>A / c.1331G>T", "p. not determined", "PM3_Strong",
    ):
        assert expected in re.sub(r"\s+", " ", text), expected


def test_self_contained_and_no_script(report: dict[str, Any]) -> None:
    html = render_html(report, load("provenance.json"), load("reanalysis.json"))
    doc = parse(html)
    tags = [t for t, _ in doc.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert "iframe" not in tags and "object" not in tags
    for _t, attrs in doc.tags:
        assert "src" not in attrs
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("https://www.ncbi.nlm.nih.gov/clinvar/variation/")
    csp = [a for t, a in doc.tags if t == "meta" and a.get("http-equiv")]
    assert csp[0]["content"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    assert "@import" not in html and "url(http" not in html
    assert html.count("<svg") >= 2


def test_deterministic(report: dict[str, Any]) -> None:
    a = render_html(report, load("provenance.json"), load("reanalysis.json"))
    b = render_html(copy.deepcopy(report), load("provenance.json"), load("reanalysis.json"))
    assert a == b


def test_inputs_are_escaped_in_html_and_svg(report: dict[str, Any]) -> None:
    evil_id = '<script>alert(1)</script>"onload="alert(2)'
    r = copy.deepcopy(report)
    r["family"] = '<script>alert("fam")</script>'
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
    text = "".join(doc.text)
    assert evil_id in text and '<script>alert("fam")</script>' in text
    assert '<img src=x onerror="alert(3)">' in text


def test_not_checked_is_never_hidden(report: dict[str, Any]) -> None:
    html = render_html(report)
    sec = html[html.index('id="not-checked"'):html.index('id="warnings"')]
    for expected in ("In-silico predictions", "reference_fasta", "not configured", "revel",
                     "PP3", "BS1", "no disease-specific allele-frequency threshold"):
        assert expected in sec
    r = copy.deepcopy(report)
    r["not_checked"] = []
    r["databases"] = []
    for v in r["variants"]:
        v["acmg_not_evaluated"] = []
    html2 = render_html(r)
    assert 'id="not-checked"' in html2
    assert "The pipeline recorded no unchecked source." in html2


def test_clinvar_and_gnomad_not_checked_vs_absent(report: dict[str, Any]) -> None:
    r = copy.deepcopy(report)
    r["variants"][0]["clinvar"] = None
    r["variants"][0]["gnomad"] = {"queried": False}
    html = render_html(r)
    assert "not in ClinVar (release 2016-09)" in html
    assert ">not checked<" in html
    r["databases"] = [d for d in r["databases"] if d["name"] != "clinvar"]
    assert "ClinVar not checked" in render_html(r)


def test_disagreement_is_highlighted(report: dict[str, Any]) -> None:
    html = render_html(report)
    assert "disagrees with ClinVar" in html
    r = copy.deepcopy(report)
    for v in r["variants"]:
        v["clinvar_disagreement"] = False
    assert "disagrees with ClinVar" not in render_html(r)


def test_provenance_and_reanalysis_optional(report: dict[str, Any]) -> None:
    html = render_html(report, None, None)
    assert "What changed since" not in html
    assert "Report date</dt><dd>not recorded" in html
    assert "No provenance record was given" in html
    with_prov = render_html(report, load("provenance.json"))
    assert "inputs.vcf.sha256" in with_prov and "0.1.0" in with_prov


def test_variant_printed_once_and_others_by_class(report: dict[str, Any]) -> None:
    html = render_html(report)
    other = html[html.index('id="other"'):html.index('id="not-checked"')]
    assert other.count("c.197-5C&gt;T") == 1 and other.count("c.455G&gt;A") == 1
    assert other.index("c.197-5C&gt;T") < other.index("c.455G&gt;A")  # both VUS: input order kept
    assert "c.1213G&gt;A" not in other
    r = copy.deepcopy(report)
    r["variants"][4]["acmg_class"] = "Pathogenic"
    other2 = render_html(r)
    other2 = other2[other2.index('id="other"'):other2.index('id="not-checked"')]
    assert other2.index("c.455G&gt;A") < other2.index("c.197-5C&gt;T")


def test_carriers_rendered(report: dict[str, Any]) -> None:
    r = copy.deepcopy(report)
    r["carriers"] = [{"gene": "TCIRG1", "disease_id": "OMIM:259700",
                      "variant": "chr11-68042638-C-T"}]
    html = render_html(r)
    sec = html[html.index("Carrier findings"):html.index("Other panel variants")]
    assert "c.197-5C&gt;T" in sec and "Osteopetrosis, autosomal recessive 1" in sec


def test_minimal_report_renders(report: dict[str, Any]) -> None:
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
    assert "No diagnosis" in html and section_order(html) == SECTION_IDS
    assert "No phenotype terms or no candidate disease" in html


def test_unknown_extra_fields_and_column_major_cells(report: dict[str, Any]) -> None:
    r = copy.deepcopy(report)
    r["something_new"] = {"x": 1}
    cells = r["phenotype_matrix"]["cells"]
    r["phenotype_matrix"]["cells"] = {
        col: {t: cells[t][col] for t in cells} for col in r["phenotype_matrix"]["columns"]}
    assert matrix_view(r)["counts"] == matrix_view(report)["counts"]
    assert [x.cells for x in matrix_view(r)["rows"]] == [
        x.cells for x in matrix_view(report)["rows"]]
    render_html(r)


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_any_family_id_is_text(family: str) -> None:
    r = load("report.json")
    r["family"] = family
    html = render_html(r)
    tags = {t for t, _ in parse(html).tags}
    assert "script" not in tags and "img" not in tags


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
    with pytest.raises(InputError, match=r"report.json, line 1"):
        run_render_report(str(bad), None, None, str(tmp_path / "r.html"), None,
                          logging.getLogger("t"))
    bad.write_text(json.dumps({"family": "F"}))
    with pytest.raises(InputError, match="missing required field"):
        run_render_report(str(bad), None, None, str(tmp_path / "r.html"), None,
                          logging.getLogger("t"))
    with pytest.raises(InputError, match="cannot read"):
        run_render_report(str(tmp_path / "absent.json"), None, None, str(tmp_path / "r.html"),
                          None, logging.getLogger("t"))
    assert not (tmp_path / "r.html").exists()


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


def test_pdf_has_the_same_sections_as_html(tmp_path: Path, report: dict[str, Any]) -> None:
    _need_pdf_tools()
    import pypdf

    html = render_html(report, load("provenance.json"), load("reanalysis.json"))
    pdf = tmp_path / "report.pdf"
    render_pdf(html, str(pdf))
    text = "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(str(pdf)).pages)
    flat = re.sub(r"\s+", " ", text)
    headings = ["What changed since 2024-06-01", "Dual diagnosis", "Phenotype × diagnosis match",
                "Pedigree", "Variants by diagnosis", "Other findings", "What was not checked",
                "Warnings", "Methods and provenance", "Glossary", "Disclaimer"]
    html_flat = re.sub(r"\s+", " ", " ".join(parse(html).text))
    pos_html = [html_flat.index(h) for h in headings]
    assert pos_html == sorted(pos_html)
    pos_pdf = [flat.find(h) for h in headings]
    assert -1 not in pos_pdf, [h for h, p in zip(headings, pos_pdf, strict=True) if p < 0]
    assert pos_pdf == sorted(pos_pdf)
    assert "FAM-MIOP-01" in flat and "MIOP-P1" in flat


def test_render_pdf_error_when_weasyprint_missing(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    from dualdx.core.errors import DualdxError

    with pytest.raises(DualdxError, match=r"libpango-1\.0-0"):
        render_pdf("<html></html>", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_pdftotext_agrees_when_available(tmp_path: Path, report: dict[str, Any]) -> None:
    """Second extractor (poppler-utils pdftotext), used only when installed."""
    _need_pdf_tools()
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (Debian poppler-utils) not installed")
    import subprocess

    pdf = tmp_path / "r.pdf"
    render_pdf(render_html(report), str(pdf))
    out = subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert "What was not checked" in out and "Glossary" in out


def test_wall_clock_time_stays_out_of_the_page() -> None:
    import json
    from pathlib import Path

    from dualdx.report.render import render_html

    data = Path(__file__).resolve().parents[1] / "data" / "report"
    report = json.loads((data / "report.json").read_text())
    prov = json.loads((data / "provenance.json").read_text())
    prov.update(generated_at="2031-07-09T10:11:12Z", generated_at_source="clock")
    html = render_html(report, prov)
    assert "2031-07-09" not in html and "recorded in provenance.json" in html
    prov["generated_at_source"] = "SOURCE_DATE_EPOCH"
    assert "2031-07-09" in render_html(report, prov)


def test_diagnosis_card_shows_the_least_certain_allele() -> None:
    import json
    from pathlib import Path

    from dualdx.report.render import diagnosis_views

    data = Path(__file__).resolve().parents[1] / "data" / "report"
    report = json.loads((data / "report.json").read_text())
    classes = {"chr11-68047480-G-A": "Pathogenic", "chr11-68047672-G-T": "Uncertain significance"}
    for v in report["variants"]:
        v["acmg_class"] = classes.get(v["key"], v["acmg_class"])
    cards = {c["gene"]: c for c in diagnosis_views(report, [s["sample_id"] for s in report["samples"]], 10)}
    assert cards["TCIRG1"]["class"] == "Uncertain significance"


def test_filter_funnel_in_methods() -> None:
    import json
    from pathlib import Path

    from dualdx.report.render import render_html

    data = Path(__file__).resolve().parents[1] / "data" / "report"
    report = json.loads((data / "report.json").read_text())
    assert "Panel filter" not in render_html(report)  # no methods given: section left out
    report["methods"] = {"filter": {"records_read": 1200, "records_written": 9, "split_multiallelic": 1,
                                    "skipped_symbolic": 2, "skipped_ref_blocks": 0, "skipped_star": 0,
                                    "build_verified": False, "mode": "streaming",
                                    "build_note": "no contig lengths in the header of x.vcf"}}
    html = render_html(report)
    assert "Panel filter" in html and "1200" in html and "panel variants written" in html
    assert "not verified: no contig lengths in the header of x.vcf" in html
