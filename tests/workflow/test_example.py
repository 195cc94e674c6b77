"""The bundled example (seed case) end to end, run from another directory and offline-guarded."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.workflow

FAMILY = "MIOP"
PROBAND = "MIOP-II-1"
TCIRG1_PATERNAL = "chr11-68049080-G-A"  # ClinVar Variation 189246
TCIRG1_MATERNAL = "chr11-68047733-C-A"  # ClinVar Variation 5460
ALPL_MATERNAL = "chr1-21564139-G-A"  # ClinVar Variation 13670


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_outputs_written_under_the_working_directory(example_run: Path) -> None:
    res = example_run / "results" / FAMILY
    for name in ("panel.vcf.gz", "panel.vcf.gz.tbi", "annotated.vcf.gz", "variants.tsv",
                 "inheritance.tsv", "report.json", "report.html", "report.pdf", "provenance.json"):
        assert (res / name).is_file(), name
    with gzip.open(res / "panel.vcf.gz", "rt") as fh:
        body = [ln for ln in fh if not ln.startswith("#")]
    assert body, "the panel VCF has no records"
    # off-panel records were removed: every record lies on a panel chromosome
    assert {ln.split("\t")[0] for ln in body} <= {"chr1", "chr6", "chr11", "chr16"}


def test_default_run_opens_no_network_connection(example_run: Path) -> None:
    log = example_run / "netguard.log"
    assert not log.exists() or log.read_text() == "", log.read_text()


def test_variants_tsv_names_gene_transcript_hgvs_and_clinvar(example_run: Path) -> None:
    rows = {f"{r['chrom']}-{r['pos']}-{r['ref']}-{r['alt']}": r
            for r in _tsv(example_run / "results" / FAMILY / "variants.tsv")}
    expected = {
        TCIRG1_PATERNAL: ("TCIRG1", "NM_006019.4", "189246"),
        TCIRG1_MATERNAL: ("TCIRG1", "NM_006019.4", "5460"),
        ALPL_MATERNAL: ("ALPL", "NM_000478.6", "13670"),
    }
    for key, (gene, tx, vid) in expected.items():
        row = rows[key]
        assert row["gene"] == gene
        assert row["transcript"] == tx
        assert row["hgvs_c"].startswith("c.")
        assert row["clinvar_id"] == vid
        assert row["clinvar_significance"] == "Pathogenic"
    header = list(next(iter(rows.values())).keys())
    for col in ("chrom", "pos", "ref", "alt", "gene", "transcript", "hgvs_c", "hgvs_p", "consequence",
                "clinvar_id", "clinvar_significance", "clinvar_review_status", "gnomad_af",
                "gnomad_popmax_af", "gnomad_nhomalt", "inheritance", "acmg_class", "acmg_criteria"):
        assert col in header, col
    assert [c for c in header if c.startswith("gt_")] == [
        "gt_MIOP-I-1", "gt_MIOP-I-2", "gt_MIOP-II-1", "gt_MIOP-II-2"]


def test_inheritance_labels(example_run: Path) -> None:
    doc = json.loads((example_run / "results" / FAMILY / "inheritance.json").read_text())
    calls = doc["calls"]
    tc = [c for c in calls if c["variant"] in (TCIRG1_PATERNAL, TCIRG1_MATERNAL)
          and c["disease_id"] == "OMIM:259700"]
    assert {c["label"] for c in tc} == {"compound_het_trans"}
    assert {c["origin"] for c in tc} == {"paternal", "maternal"}
    alpl = [c for c in calls if c["variant"] == ALPL_MATERNAL]
    by_mode = {}
    for c in alpl:
        by_mode.setdefault(c["disease_mode"], set()).add(c["label"])
    assert "dominant" in by_mode.get("autosomal_dominant", set())
    assert "carrier" in by_mode.get("autosomal_recessive", set())
    assert {c["origin"] for c in alpl} == {"maternal"}
    assert "MIOP-I-2" in doc["affected_by_disease"].get(
        next(c["disease_id"] for c in alpl if c["disease_mode"] == "autosomal_dominant"), [])
    assert "MIOP-I-2" not in doc["affected_by_disease"].get("OMIM:259700", [])


def test_tcirg1_variants_get_pm3_from_each_other(example_run: Path) -> None:
    doc = json.loads((example_run / "results" / FAMILY / "classification.json").read_text())
    for key in (TCIRG1_PATERNAL, TCIRG1_MATERNAL):
        codes = {c["code"] for c in doc["variants"][key]["criteria"]}
        assert "PM3" in codes, (key, codes)


def test_bundled_sequence_gives_protein_effects_and_pvs1(example_run: Path) -> None:
    """Issue 13: HGVS p. for the coding seed variants and PVS1 for the nonsense allele, from the
    real sequence in resources/reference/; CLCN7 and OSTM1 (not covered) listed as not checked."""
    rep = json.loads((example_run / "results" / FAMILY / "report.json").read_text())
    by_key = {v["key"]: v for v in rep["variants"]}
    assert by_key[TCIRG1_MATERNAL]["hgvs_c"] == "c.1392C>A"
    assert by_key[TCIRG1_MATERNAL]["hgvs_p"] == "p.(Cys464Ter)"
    assert by_key[ALPL_MATERNAL]["hgvs_p"] == "p.(Glu191Lys)"
    cls = json.loads((example_run / "results" / FAMILY / "classification.json").read_text())
    for key in (TCIRG1_MATERNAL, TCIRG1_PATERNAL):
        v = cls["variants"][key]
        codes = {c["code"] for c in v["criteria"]}
        assert v["acmg_class"] == "Pathogenic" and "PVS1" in codes, (key, codes)
        assert "BS4" not in codes, (key, codes)
    ann = json.loads((example_run / "results" / FAMILY / "annotations.json").read_text())
    seq_gaps = [n for n in ann["not_checked"] if n["what"].startswith("protein effects")]
    assert len(seq_gaps) == 1
    assert "CLCN7" in seq_gaps[0]["what"] and "OSTM1" in seq_gaps[0]["what"]
    assert "TCIRG1" not in seq_gaps[0]["what"] and "ALPL" not in seq_gaps[0]["what"]
    assert any(n["what"] == seq_gaps[0]["what"] for n in rep["not_checked"])


def test_two_diagnoses_and_the_partition(example_run: Path) -> None:
    """With the bundled sequence (resources/reference/: TCIRG1 LRG_115 locus, ALPL NM_000478.6)
    both TCIRG1 alleles are computed Pathogenic (PVS1: c.1392C>A is p.(Cys464Ter), c.1674-1G>A
    a canonical acceptor) and in trans: MIOP is confirmed; the maternal ALPL allele
    (p.(Glu191Lys); computed VUS offline, lifted by its 2-star ClinVar Pathogenic assertion) makes
    hypophosphatasia confirmed: a dual diagnosis. Without the sequence the same family is only a
    possible dual diagnosis (tests/workflow/test_reanalysis_and_reruns.py)."""
    rep = json.loads((example_run / "results" / FAMILY / "report.json").read_text())
    assert rep["family"] == FAMILY and rep["proband"] == PROBAND
    dual = rep["dual_diagnosis"]
    assert dual["status"] == "dual", dual["reason"]
    dx = {d["gene"]: d for d in rep["diagnoses"]}
    assert dx["TCIRG1"]["disease_id"] == "OMIM:259700"
    assert dx["TCIRG1"]["inheritance_mode"] == "autosomal_recessive"
    assert dx["TCIRG1"]["status"] == "confirmed"
    assert sorted(dx["TCIRG1"]["variants"]) == sorted([TCIRG1_MATERNAL, TCIRG1_PATERNAL])
    assert dx["ALPL"]["status"] == "confirmed"
    assert dx["ALPL"]["variants"] == [ALPL_MATERNAL]
    assert "autosomal_dominant" in dx["ALPL"]["inheritance_mode"]
    assert set(dual["diagnoses"]) == {dx["TCIRG1"]["disease_id"], dx["ALPL"]["disease_id"]}
    by_each = dual["explained_by_each"]
    assert "HP:0011002" in by_each[dx["TCIRG1"]["disease_id"]]  # Osteopetrosis
    assert "HP:0003282" in by_each[dx["ALPL"]["disease_id"]]  # Low alkaline phosphatase
    assert "HP:0006480" in by_each[dx["ALPL"]["disease_id"]]  # Premature loss of teeth
    assert "HP:0011002" not in by_each[dx["ALPL"]["disease_id"]]
    assert "HP:0003282" not in by_each[dx["TCIRG1"]["disease_id"]]
    assert "HP:0000670" in dual["shared_hpo"]  # Carious teeth: blended (both diseases)


def test_report_html_shows_the_dual_diagnosis(example_run: Path) -> None:
    html = (example_run / "results" / FAMILY / "report.html").read_text()
    assert "TCIRG1" in html and "ALPL" in html
    assert "<svg" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_example_report_in_headless_chromium(example_run: Path, repo: Path, tmp_path: Path) -> None:
    """The browser and PDF acceptance tests (tests/browser) on the bundled example's own report
    and PDF: layout at 1400 and 390 px, print view against the PDF, page images."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, DUALDX_REPORT_HTML=str(example_run / "results" / FAMILY / "report.html"),
               DUALDX_REPORT_SCREENSHOTS=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(repo / "tests" / "browser")], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "skipped" not in proc.stdout and "failed" not in proc.stdout
    for shot in ("page_1400.png", "page_390.png", "pdf-1.png"):
        assert (tmp_path / shot).stat().st_size > 2_000, shot


def test_snakemake_report_collects_the_family_reports(example_run: Path) -> None:
    import zipfile

    from workflow_helpers import run_snakemake

    run_snakemake(example_run, None, "--report=report.zip")
    with zipfile.ZipFile(example_run / "report.zip") as zf:
        names = zf.namelist()
        index = zf.read("report/report.html").decode()
    for name in ("report.html", "report.json", "report.pdf", "variants.tsv"):
        assert any(n.startswith("report/data/raw/") and n.endswith(name) for n in names), names
    assert FAMILY in index  # files are categorised by family


def test_phenopackets_give_the_same_result(example_run: Path, tmp_path: Path) -> None:
    """The example's phenotypes as GA4GH Phenopacket v2 files (one per individual)."""
    from workflow_helpers import copy_example, run_snakemake

    cfg = copy_example(tmp_path)
    by_person: dict[str, list[str]] = {}
    for row in _tsv(tmp_path / "config" / "example" / "phenotypes.tsv"):
        by_person.setdefault(row["sample_id"], []).append(row["hpo_id"])
    packets = []
    for person, terms in sorted(by_person.items()):
        p = tmp_path / f"{person}.json"
        p.write_text(json.dumps({"id": f"pp-{person}", "subject": {"id": person},
                                 "phenotypicFeatures": [{"type": {"id": t}} for t in terms],
                                 "metaData": {"phenopacketSchemaVersion": "2.0"}}))
        packets.append(str(p))
    cfg["phenotypes"] = packets
    cfg["report"] = {"pdf": False}
    run_snakemake(tmp_path, cfg, f"results/{FAMILY}/report.json")
    new = json.loads((tmp_path / "results" / FAMILY / "report.json").read_text())
    old = json.loads((example_run / "results" / FAMILY / "report.json").read_text())
    assert new["dual_diagnosis"] == old["dual_diagnosis"]
    assert new["diagnoses"] == old["diagnoses"]


def test_end_of_run_says_where_to_look(example_run: Path) -> None:
    log = (example_run / "run.log").read_text()
    assert "dualdx: finished. Reports:" in log
    assert f"{FAMILY}: dual diagnosis: " in log
    assert str(example_run.resolve() / "results" / FAMILY / "report.html") in log


def test_up_to_date_run_is_quiet(example_run: Path) -> None:
    """After a run, `snakemake -n` has nothing to do, and a run with other --cores does no job
    (the command line reaches provenance through the environment, not a rule parameter)."""
    from workflow_helpers import run_snakemake

    before = (example_run / "results" / FAMILY / "provenance.json").read_bytes()
    dry = run_snakemake(example_run, None, "-n")
    assert "Nothing to be done" in dry.stdout + dry.stderr, dry.stdout + dry.stderr
    again = run_snakemake(example_run, None, "--cores=1")
    text = again.stdout + again.stderr
    assert "Nothing to be done" in text and "Finished jobid" not in text, text
    assert (example_run / "results" / FAMILY / "provenance.json").read_bytes() == before
    prov = json.loads(before)
    assert prov["command_line"][-4:] == ["--directory", str(example_run), "--cores", "2"]

