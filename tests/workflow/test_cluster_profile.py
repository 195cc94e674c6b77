"""The cluster profiles plan a 100-family cohort correctly, and every rule declares its resources.

``snakemake --profile profiles/slurm --dry-run`` on a synthetic cohort of 100 quartets sharing one
joint VCF (``dualdx.synthetic.write_cohort``). The dry run needs the SLURM executor plugin
(``pip install "dualdx[cluster]"``) but neither ``sinfo`` nor ``sbatch``: nothing is submitted.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from workflow_helpers import REPO, job_counts

from dualdx.synthetic import write_cohort

pytestmark = pytest.mark.workflow

FAMILIES = 100
PER_FAMILY = ("filter_panel", "annotate_variants", "assign_inheritance", "classify_variants",
              "call_diagnoses", "write_report",
              "interpret_structural", "classify_structural")  # cnv hook: the CNV stages
RULE_FILES = (REPO / "Snakefile", *sorted((REPO / "workflow" / "rules").glob("*.smk")))
ACTIONS = ("script:", "shell:", "run:", "wrapper:", "notebook:")


def rule_blocks() -> dict[str, str]:
    """rule name -> its text, from the Snakefile and workflow/rules/*.smk (snakefmt layout)."""
    blocks: dict[str, str] = {}
    for path in RULE_FILES:
        text = path.read_text()
        starts = list(re.finditer(r"^(?:local)?rule (\w+):", text, re.M))
        for i, m in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
            body = text[m.end():end]
            # the block ends at the first line back at column 0 (a def, an include, ...)
            stop = re.search(r"^\S", body, re.M)
            blocks[m.group(1)] = body[: stop.start()] if stop else body
    return blocks


def declared_resources(block: str) -> dict[str, str]:
    m = re.search(r"^    resources:\n((?:        .*\n)+)", block, re.M)
    if not m:
        return {}
    return dict(re.findall(r"^        (\w+)=([^,\n]+),?$", m.group(1), re.M))




def planned_resources(log: str) -> dict[str, set[str]]:
    """rule -> the distinct 'resources:' lines of its planned jobs in a dry-run log."""
    out: dict[str, set[str]] = {}
    rule = None
    for line in log.splitlines():
        if m := re.match(r"^\s*(?:local)?rule (\w+):$", line):
            rule = m.group(1)
        elif rule and (m := re.match(r"^\s+resources: (.*)$", line)):
            out.setdefault(rule, set()).add(m.group(1))
            rule = None
    return out


@pytest.fixture(scope="module")
def cohort_config(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    wd = tmp_path_factory.mktemp("cluster")
    files = write_cohort(wd / "cohort", FAMILIES, seed=1, layout="joint")
    assert files.joint_samples is not None
    with (REPO / "config" / "config.yaml").open() as fh:
        cfg: dict[str, Any] = yaml.safe_load(fh)
    cfg.pop("panel", None)
    cfg.update(samples=str(files.joint_samples), pedigree=str(files.pedigree),
               phenotypes=str(files.phenotypes))
    cfg["annotation"]["clinvar"] = str(REPO / "resources" / "knowledge"
                                       / "clinvar_example_snapshot.vcf")
    cfg["report"]["pdf"] = True
    return wd, cfg


def test_every_rule_declares_threads_mem_and_runtime() -> None:
    blocks = rule_blocks()
    assert {"filter_panel", "filter_cohort", "distill_knowledge", "index_clinvar"} <= set(blocks)
    acting = {name: b for name, b in blocks.items() if any(f"    {a}" in b for a in ACTIONS)}
    assert "all" not in acting
    missing = []
    for name, block in sorted(acting.items()):
        res = declared_resources(block)
        if not re.search(r"^    threads: \S", block, re.M):
            missing.append(f"{name}: threads")
        missing += [f"{name}: {k}" for k in ("mem_mb", "runtime") if k not in res]
    assert not missing, f"rules without a declared resource: {missing}"


def test_every_rule_is_in_the_job_group_of_its_scope() -> None:
    """Per-family rules in group "family" (one SLURM job per family), the others in "run"."""
    wrong = []
    for name, block in sorted(rule_blocks().items()):
        if name in ("all", "download_resources"):  # local; run on demand, alone
            continue
        m = re.search(r'^    group:\n        "(\w+)"$', block, re.M)
        want = "family" if "{family}" in block else "run"
        if not m or m.group(1) != want:
            wrong.append(f"{name}: {m.group(1) if m else 'no group'}, expected {want}")
    assert not wrong, wrong


def test_slurm_dry_run_plans_one_cohort_filter_and_every_family(
        cohort_config: tuple[Path, dict[str, Any]]) -> None:
    pytest.importorskip("snakemake_executor_plugin_slurm",
                        reason='the SLURM executor plugin is not installed: pip install '
                               '"dualdx[cluster]"')
    wd, cfg = cohort_config
    (wd / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    # partition and account as the README tells a user to give them
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory", str(wd),
         "--configfile", str(wd / "config.yaml"), "--profile", str(REPO / "profiles" / "slurm"),
         "--dry-run", "--default-resources", "slurm_partition=short", "slurm_account=lab42"],
        capture_output=True, text=True, cwd=wd)
    assert proc.returncode == 0, proc.stderr[-4000:]
    log = proc.stdout + proc.stderr
    counts = job_counts(log)
    expected = {"filter_cohort": 1, "distill_knowledge": 1, "index_clinvar": 1, "all": 1}
    expected |= {rule: FAMILIES for rule in PER_FAMILY}
    assert counts == expected
    # each planned job carries the resources its rule declares, not the profile's defaults
    planned = planned_resources(log)
    blocks = rule_blocks()
    for rule in expected.keys() - {"all"}:
        declared = declared_resources(blocks[rule])
        for line in planned[rule]:
            for key in ("mem_mb", "runtime"):
                assert f"{key}={declared[key]}" in line.split(", "), (rule, key, line)
            assert {"slurm_partition=short", "slurm_account=lab42"} <= set(line.split(", ")), line
    # one SLURM job per family (group "family"), one for the once-per-run rules (group "run")
    headers = re.findall(r"Group job (\w+) \(jobs in lexicogr\. order\):", log)
    assert headers.count("family") == FAMILIES and headers.count("run") == 1, headers
    assert len(headers) == FAMILIES + 1


def test_slurm_profile_names_no_partition_or_account() -> None:
    """A partition or account written into the profile would not exist on most clusters."""
    profile = yaml.safe_load((REPO / "profiles" / "slurm" / "config.yaml").read_text())
    assert not re.search(r"slurm_(partition|account)", yaml.safe_dump(profile)), profile
