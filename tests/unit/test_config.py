"""dualdx.inputs.config: schema validation, defaults, path resolution, sample sheet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from dualdx.core.errors import InputError
from dualdx.inputs.config import load_sample_sheet, resolve_config, shared_vcfs

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "workflow" / "schemas" / "samples.schema.json"


def _inputs(d: Path) -> dict[str, str]:
    for name in ("s.tsv", "p.ped", "ph.tsv"):
        (d / name).write_text("x\n")
    return {"samples": "s.tsv", "pedigree": "p.ped", "phenotypes": "ph.tsv"}


def test_three_keys_are_enough_and_defaults_are_documented(tmp_path: Path) -> None:
    cfg = resolve_config(_inputs(tmp_path), REPO, tmp_path, "c.yaml")
    assert cfg["genome_build"] == "GRCh38"
    assert cfg["panel"] == str(REPO / "resources" / "panels" / "default.tsv")  # bundled: workflow
    assert cfg["samples"] == str(tmp_path / "s.tsv")  # user paths: working directory
    assert cfg["annotation"]["clinvar"] is None and cfg["annotation"]["online"] is False
    assert cfg["annotation"]["transcripts"] == str(
        REPO / "resources" / "transcripts" / "mane_select.GRCh38.tsv")
    assert cfg["classification"]["ruleset"] == "acmg2015" and cfg["report"]["pdf"] is True
    cfg37 = resolve_config({**_inputs(tmp_path), "genome_build": "GRCh37"}, REPO, tmp_path, "c")
    assert cfg37["annotation"]["transcripts"].endswith("mane_select.GRCh37.tsv")


def test_json_is_a_valid_config_file(tmp_path: Path) -> None:
    text = json.dumps({**_inputs(tmp_path), "annotation": {"gnomad": None}})
    assert resolve_config(yaml.safe_load(text), REPO, tmp_path, "c.json")["annotation"]["gnomad"] is None


def test_misspelt_key_names_the_file_and_suggests_the_fix(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        resolve_config({**_inputs(tmp_path), "genom_build": "GRCh38"}, REPO, tmp_path, "my.yaml")
    msg = str(e.value)
    assert "my.yaml" in msg and "'genom_build'" in msg and "did you mean 'genome_build'" in msg


def test_missing_required_key_and_missing_file(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    del inputs["pedigree"]
    with pytest.raises(InputError, match="'pedigree' is a required property"):
        resolve_config(inputs, REPO, tmp_path, "c.yaml")
    with pytest.raises(InputError, match="does not exist"):
        resolve_config({**_inputs(tmp_path), "samples": "nope.tsv"}, REPO, tmp_path, "c.yaml")
    with pytest.raises(InputError, match=r"annotation\.clinvar"):
        resolve_config({**_inputs(tmp_path), "annotation": {"clinvar": "no.vcf"}}, REPO, tmp_path, "c")


def test_phenopackets_list_and_urls(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    (tmp_path / "a.json").write_text("{}")
    inputs["phenotypes"] = ["a.json"]  # type: ignore[assignment]
    cfg = resolve_config({**inputs, "annotation": {"gnomad": "https://example.org/g.vcf.bgz"}},
                         REPO, tmp_path, "c")
    assert cfg["phenotypes"] == [str(tmp_path / "a.json")]
    assert cfg["annotation"]["gnomad"] == "https://example.org/g.vcf.bgz"


def _sheet(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "samples.tsv"
    p.write_text("family_id\tsample_id\tvcf\n" + body)
    return p


def test_sample_sheet_families_and_cohort_vcfs(tmp_path: Path) -> None:
    fams = load_sample_sheet(_sheet(tmp_path, "F1\tA\tjoint.vcf\nF1\tB\tjoint.vcf\nF2\tC\tjoint.vcf\n"
                                    "F3\tD\td.vcf\n"), SCHEMA)
    assert sorted(fams) == ["F1", "F2", "F3"] and fams["F1"].sample_ids == ["A", "B"]
    assert fams["F1"].vcfs == ["joint.vcf"]
    shared = shared_vcfs(fams)
    assert list(shared) == ["joint.vcf"] and shared["joint.vcf"].startswith("cohort_")


@pytest.mark.parametrize(("body", "problem"), [
    ("F1\tA\ta.vcf\nF1\tA\ta.vcf\n", "listed twice"),
    ("F/1\tA\ta.vcf\n", "row 2"),
    ("F1\t../x\ta.vcf\n", "row 2"),
    ("F1\tA;rm\ta.vcf\n", "row 2"),
    ("F1\tA\n", "2 fields"),
])
def test_sample_sheet_errors(tmp_path: Path, body: str, problem: str) -> None:
    with pytest.raises(InputError, match=r"samples\.tsv") as e:
        load_sample_sheet(_sheet(tmp_path, body), SCHEMA)
    assert problem in str(e.value)


def test_workflow_prefix_and_bundled_sequence(tmp_path: Path) -> None:
    """workflow:<path> resolves against the workflow; null sequences become the bundled ones
    (TCIRG1 slice of the build, ALPL mRNA) unless bundled_sequence is false; a user's own file
    replaces each separately."""
    cfg = resolve_config({**_inputs(tmp_path), "panel": "workflow:resources/panels/default.tsv",
                          "annotation": {"clinvar": "workflow:resources/knowledge/"
                                                    "clinvar_example_snapshot.vcf"}},
                         REPO, tmp_path, "c.yaml")
    assert cfg["panel"] == str(REPO / "resources" / "panels" / "default.tsv")
    ann = cfg["annotation"]
    assert ann["clinvar"] == str(REPO / "resources" / "knowledge" / "clinvar_example_snapshot.vcf")
    assert ann["reference_fasta"] == str(REPO / "resources" / "reference" / "TCIRG1_LRG_115.GRCh38.fa")
    assert ann["transcript_fasta"] == str(REPO / "resources" / "reference" / "ALPL_NM_000478.6.fa")
    assert Path(ann["reference_fasta"]).is_file() and Path(ann["transcript_fasta"]).is_file()
    cfg37 = resolve_config({**_inputs(tmp_path), "genome_build": "GRCh37"}, REPO, tmp_path, "c")
    assert cfg37["annotation"]["reference_fasta"].endswith("TCIRG1_LRG_115.GRCh37.fa")
    (tmp_path / "genome.fa").write_text(">chr1\nACGT\n")
    own = resolve_config({**_inputs(tmp_path), "annotation": {"reference_fasta": "genome.fa"}},
                         REPO, tmp_path, "c")["annotation"]
    assert own["reference_fasta"] == str(tmp_path / "genome.fa")
    assert own["transcript_fasta"].endswith("ALPL_NM_000478.6.fa")
    off = resolve_config({**_inputs(tmp_path), "annotation": {"bundled_sequence": False}},
                         REPO, tmp_path, "c")["annotation"]
    assert off["reference_fasta"] is None and off["transcript_fasta"] is None
    with pytest.raises(InputError, match="does not exist"):
        resolve_config({**_inputs(tmp_path), "panel": "workflow:resources/panels/nope.tsv"},
                       REPO, tmp_path, "c")
