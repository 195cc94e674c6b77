"""Bad structural-variant input (rows 48–54 of docs/bad_inputs.md): one test per row.

Package-level tests call the stage function (``run_interpret_structural``); the ``e2e`` test
runs Snakemake on a copy of the copy-number example and checks what the user sees: one message
naming the file, the record, the problem and the fix, no traceback, no report left behind.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from dualdx.annotation.structural import run_interpret_structural
from dualdx.core.errors import InputError

REPO = Path(__file__).resolve().parents[2]
EX = REPO / "config" / "example_cnv"
PANEL = str(REPO / "resources" / "panels" / "default.tsv")
TX = str(REPO / "resources" / "transcripts" / "mane_select.GRCh38.tsv")
LOG = logging.getLogger("test_bad_sv_inputs")
SAMPLES = ["OSAPH-I-1", "OSAPH-I-2", "OSAPH-II-1"]
META = (
    "##fileformat=VCFv4.2\n##contig=<ID=chr11,length=135086622>\n"
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End">\n'
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">\n'
    '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Length">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(SAMPLES) + "\n")


def run(tmp: Path, record: str) -> dict[str, Any]:
    vcf = tmp / "sv.vcf"
    vcf.write_text(META + record.replace(" ", "\t") + "\n")
    cv = tmp / "clinvar_panel.json"
    cv.write_text(json.dumps({"source": {"name": "clinvar", "status": "not_configured",
                                         "release": None, "path": None, "sha256": None,
                                         "detail": None}, "records": []}))
    out = tmp / "structural.json"
    try:
        return run_interpret_structural("OSAPH", [], [str(vcf)], SAMPLES, PANEL,
                                        str(EX / "pedigree.ped"), "GRCh38", TX, str(cv),
                                        str(out), LOG)
    finally:
        if not out.exists():
            assert not list(tmp.glob(".*.part"))


def test_sv_end_before_pos(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        run(tmp_path, "chr11 68041000 del1 N <DEL> . PASS END=68040000;SVTYPE=DEL GT 0/0 0/1 0/1")
    assert str(e.value) == (
        f"{tmp_path}/sv.vcf, record chr11:68041000 (del1): END 68040000 is before POS 68041000. "
        "Fix: write END as the last base of the event (END >= POS); if POS and END were swapped, "
        "swap them back")
    assert not (tmp_path / "structural.json").exists()


def test_sv_unknown_symbolic_allele_without_svtype(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        run(tmp_path, "chr11 68041000 sv1 N <SV> . PASS END=68043000 GT 0/0 0/1 0/1")
    assert str(e.value) == (
        f"{tmp_path}/sv.vcf, record chr11:68041000 (sv1): the symbolic ALT <SV> names no known "
        "structural-variant type and INFO has no SVTYPE. Fix: write SVTYPE (DEL, DUP, CNV, INV, "
        "INS or BND) in INFO, or use a standard symbolic allele (<DEL>, <DUP>, <CNV>, <INV>, "
        "<INS>)")


def test_sv_standard_alt_without_svtype_works(tmp_path: Path) -> None:
    doc = run(tmp_path, "chr11 68041000 del1 N <DEL> . PASS END=68043000 GT 0/0 0/1 0/1")
    (ev,) = doc["events"]
    assert ev["svtype"] == "DEL" and ev["consequences"][0]["exons"] == [2, 3, 4]


def test_sv_without_end_or_svlen(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"record chr11:68041000 \(dup1\): the DUP record has "
                       r"neither END nor SVLEN, so its extent is unknown\. Fix: write END"):
        run(tmp_path, "chr11 68041000 dup1 N <DUP> . PASS SVTYPE=DUP GT 0/0 0/1 0/1")


def test_sv_svtype_contradicts_alt(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"SVTYPE=DUP contradicts the ALT <DEL>\. Fix: make "
                       "SVTYPE and the symbolic ALT name the same type"):
        run(tmp_path, "chr11 68041000 x N <DEL> . PASS END=68043000;SVTYPE=DUP GT 0/0 0/1 0/1")


def test_sv_breakends_recognised_not_interpreted(tmp_path: Path) -> None:
    doc = run(tmp_path, "chr11 68045000 bnd1 A A]chr3:1000] . PASS SVTYPE=BND GT 0/0 0/1 0/1")
    assert doc["events"] == [] and doc["funnel"]["not_interpreted"] == {"BND": 1}
    (n,) = doc["not_interpreted"]
    assert n["carriers"] == ["OSAPH-I-2", "OSAPH-II-1"] and "not interpreted" in n["why"]
    (c,) = doc["caveats"]
    assert c["code"] == "sv_not_interpreted" and c["severity"] == "caution"


def test_sv_vcf_not_found(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        run_interpret_structural("OSAPH", [], [str(tmp_path / "nope.vcf")], SAMPLES, PANEL,
                                 str(EX / "pedigree.ped"), "GRCh38", TX, "unused",
                                 str(tmp_path / "s.json"), LOG)
    assert str(e.value) == (f"{tmp_path}/nope.vcf: VCF not found. Fix: check the 'vcf' and "
                            "'sv_vcf' columns of the samples sheet")


@pytest.mark.workflow
def test_e2e_sv_end_before_pos(tmp_path: Path) -> None:
    from workflow_helpers import CACHE_DIR, run_snakemake

    shutil.copytree(EX, tmp_path / "config" / "example_cnv")
    vcf = tmp_path / "config" / "example_cnv" / "family_OSAPH.vcf"
    text = vcf.read_text()
    vcf.write_text(text.replace("END=108079741;", "END=108059000;"))
    cfg: dict[str, Any] = yaml.safe_load((EX / "config.yaml").read_text())
    cfg["annotation"]["cache_dir"] = CACHE_DIR
    proc = run_snakemake(tmp_path, cfg, "results/OSAPH/report.json", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Traceback" not in out, out[-4000:]
    (line,) = [ln for ln in out.splitlines() if ln.startswith("dualdx interpret_structural:")]
    assert line == ("dualdx interpret_structural: config/example_cnv/family_OSAPH.vcf, record "
                    "chr6:108059385 (MantaDEL:1:0:1:0:0:0): END 108059000 is before POS "
                    "108059385. Fix: write END as the last base of the event (END >= POS); if "
                    "POS and END were swapped, swap them back")
    assert not list((tmp_path / "results").glob("*/report.*"))
    assert not (tmp_path / "results" / "OSAPH" / "structural.json").exists()
