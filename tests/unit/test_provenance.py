"""Tests for dualdx.provenance.record: hashing, versions, timestamps, deterministic output."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import stage_docs

import dualdx
from dualdx.core.errors import InputError
from dualdx.provenance import record as provenance

LOG = logging.getLogger("test_provenance")


def _write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _setup(tmp_path: Path) -> dict[str, Any]:
    vcf = _write(tmp_path / "in" / "F1.vcf", "##fileformat=VCFv4.2\n")
    ped = _write(tmp_path / "in" / "F1.ped", "F1\tP\tF\tM\t1\t2\n")
    pheno = _write(tmp_path / "in" / "F1.hpo.tsv", "P\tHP:0000001\n")
    gnomad = {"name": "gnomad", "status": "not_configured", "release": None, "path": None,
              "sha256": None, "detail": "no gnomAD configured"}
    clinvar = {"name": "clinvar", "status": "used", "release": "2017-01-05",
               "path": "/db/clinvar.vcf.gz", "sha256": "ab" * 32, "detail": None}
    (tmp_path / "res").mkdir()
    annotations = str(stage_docs.write("annotations", tmp_path / "res" / "annotations.json",
                                       {"family": "F1", "databases": [gnomad, clinvar]}))
    clinvar_index = str(stage_docs.write("clinvar_panel", tmp_path / "res" / "clinvar_panel.json",
                                         {"source": clinvar, "records": []}))
    knowledge = str(stage_docs.write("knowledge", tmp_path / "res" / "knowledge.json",
                                     {"hpo_release": "2025-01-16"}))
    return {
        "family": "F1",
        "config": {"genome_build": "GRCh38", "panel": "default", "families": {"F1": {"vcf": vcf}}},
        "config_files": [],
        "inputs": {"vcf": [vcf], "ped": [ped], "phenotypes": [pheno]},
        "databases_json": {"annotations": annotations, "clinvar_panel": clinvar_index,
                           "knowledge": knowledge},
        "ruleset": {"name": "acmg2015", "version": "Richards 2015 (PMID 25741868)"},
        "workflow_dir": str(tmp_path / "not_a_checkout"),
        "command_line": ["snakemake", "--cores", "1"],
    }


def _run(args: dict[str, Any], out: Path) -> dict[str, Any]:
    provenance.run_write_provenance(**args, out_json=str(out), log=LOG)
    loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


def test_sha256_file_streams_large_file(tmp_path: Path) -> None:
    data = bytes(range(256)) * 20000  # 5 MB, more than one chunk
    f = tmp_path / "big.bin"
    f.write_bytes(data)
    assert provenance.sha256_file(f) == hashlib.sha256(data).hexdigest()


def test_provenance_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1483574400")  # 2017-01-05T00:00:00Z
    args = _setup(tmp_path)
    doc = _run(args, tmp_path / "out" / "provenance.json")
    assert doc["generated_at"] == "2017-01-05T00:00:00Z"
    assert doc["generated_at_source"] == "SOURCE_DATE_EPOCH"
    assert doc["family"] == "F1"
    assert doc["workflow_version"] == dualdx.__version__  # not a git checkout
    assert doc["packages"]["dualdx"] == dualdx.__version__
    assert set(doc["packages"]) == set(provenance.PACKAGES)
    assert doc["snakemake_version"]
    vcf_sha = hashlib.sha256(b"##fileformat=VCFv4.2\n").hexdigest()
    assert doc["inputs"]["vcf"] == [{"path": args["inputs"]["vcf"][0], "sha256": vcf_sha,
                                     "kind": "file"}]
    canonical = json.dumps(args["config"], sort_keys=True, separators=(",", ":"))
    assert doc["config_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert doc["config"] == args["config"]
    # ClinVar is named in annotations.json and the index identically: kept once.
    assert [d["name"] for d in doc["databases"]] == ["clinvar", "gnomad"]
    assert doc["databases"][0]["release"] == "2017-01-05"
    assert doc["databases"][1]["status"] == "not_configured"
    assert doc["hpo_release"] == "2025-01-16"
    assert doc["ruleset"] == args["ruleset"]
    assert doc["command_line"] == ["snakemake", "--cores", "1"]


def test_byte_identical_with_fixed_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    args = _setup(tmp_path)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    _run(args, a)
    # Same inputs, config given with keys in another order: same bytes.
    args2 = dict(args, config=dict(reversed(list(args["config"].items()))))
    _run(args2, b)
    text = a.read_text(encoding="utf-8")
    assert a.read_bytes() == b.read_bytes()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    # An input change shows.
    Path(args["inputs"]["ped"][0]).write_text("F1\tP\t0\t0\t1\t2\n", encoding="utf-8")
    _run(args, b)
    assert a.read_bytes() != b.read_bytes()


def test_source_date_epoch_honoured_and_validated() -> None:
    assert provenance.generated_at({"SOURCE_DATE_EPOCH": "0"}) == (
        "1970-01-01T00:00:00Z",
        "SOURCE_DATE_EPOCH",
    )
    stamp, source = provenance.generated_at({})
    assert source == "clock" and stamp.endswith("Z") and len(stamp) == 20
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        provenance.generated_at({"SOURCE_DATE_EPOCH": "yesterday"})


def test_missing_input_names_file(tmp_path: Path) -> None:
    args = _setup(tmp_path)
    args["inputs"]["panel"] = [str(tmp_path / "nope.tsv")]
    with pytest.raises(InputError, match=r"nope\.tsv"):
        _run(args, tmp_path / "p.json")
    assert not (tmp_path / "p.json").exists()


def test_bad_database_json_names_file(tmp_path: Path) -> None:
    args = _setup(tmp_path)
    _write(Path(args["databases_json"]["knowledge"]), "{not json")
    with pytest.raises(InputError, match=r"knowledge\.json, line 1"):
        _run(args, tmp_path / "p.json")
    assert not (tmp_path / "p.json").exists()


def test_a_stage_file_breaking_its_contract_names_the_field_and_the_stage(tmp_path: Path) -> None:
    """The database entries are read through the stage files' contracts: a ClinVar index
    whose source entry has no name is refused, naming the file, the field and its writer."""
    args = _setup(tmp_path)
    path = Path(args["databases_json"]["clinvar_panel"])
    doc = json.loads(path.read_text(encoding="utf-8"))
    del doc["source"]["name"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError) as e:
        _run(args, tmp_path / "p.json")
    assert "clinvar_panel.json" in str(e.value) and "$.source" in str(e.value)
    assert "index_clinvar" in str(e.value)


def test_structural_databases_are_recorded(tmp_path: Path) -> None:
    args = _setup(tmp_path)
    gnomad_sv = {"name": "gnomad_sv", "status": "not_configured", "release": None, "path": None,
                 "sha256": None, "detail": "no gnomAD-SV configured"}
    args["databases_json"]["structural"] = str(stage_docs.write(
        "structural", tmp_path / "res" / "structural.json", {"databases": [gnomad_sv]}))
    doc = _run(args, tmp_path / "p.json")
    assert [d["name"] for d in doc["databases"]] == ["clinvar", "gnomad", "gnomad_sv"]


def test_directory_input_hash_is_content_based(tmp_path: Path) -> None:
    d1, d2 = tmp_path / "d1", tmp_path / "d2"
    for d in (d1, d2):
        _write(d / "a.txt", "A")
        _write(d / "sub" / "b.txt", "B")
    assert provenance.sha256_dir(d1) == provenance.sha256_dir(d2)
    _write(d2 / "sub" / "b.txt", "C")
    assert provenance.sha256_dir(d1) != provenance.sha256_dir(d2)


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_workflow_version_from_git(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    _write(repo / "f.txt", "1")
    git("add", "f.txt")
    git("commit", "-q", "-m", "one")
    git("tag", "v9.8.7")
    assert provenance.workflow_version(repo) == "v9.8.7"
    _write(repo / "f.txt", "2")
    assert provenance.workflow_version(repo) == "v9.8.7-dirty"
    assert provenance.workflow_version(None) == dualdx.__version__
    assert provenance.workflow_version(tmp_path / "missing") == dualdx.__version__


def test_command_line_comes_from_the_environment_not_a_rule_parameter() -> None:
    """common.smk puts the run's command line in $DUALDX_COMMAND_LINE (so a rerun with other
    --cores does not re-run write_report); the job reads it back, or records null."""
    from dualdx.provenance.record import COMMAND_LINE_ENV, command_line_from_env, command_line_of

    assert command_line_of(["/usr/bin/snakemake", "--cores", "4"]) == ["snakemake", "--cores", "4"]
    assert command_line_of(["/x/site-packages/snakemake/__main__.py", "-n"]) == [
        "python", "-m", "snakemake", "-n"]
    env = {COMMAND_LINE_ENV: json.dumps(["snakemake", "--cores", "4"])}
    assert command_line_from_env(env) == ["snakemake", "--cores", "4"]
    assert command_line_from_env({}) is None
    assert command_line_from_env({COMMAND_LINE_ENV: "not json"}) is None
    rules = (Path(__file__).resolve().parents[2] / "workflow" / "rules" / "report.smk").read_text()
    assert "command_line" not in rules
