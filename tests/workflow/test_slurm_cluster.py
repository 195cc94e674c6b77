"""The example through ``profiles/slurm`` on a real SLURM: one job per family, the same bytes as a
local run, and a failed family reported with its SLURM log while the other one completes.

Needs the single-node SLURM with accounting that ``.ci/slurm.sh`` starts (root, Debian);
``.ci/run`` runs that script and, when it succeeded, sets ``DUALDX_SLURM_ENV`` to the file it
wrote (cluster, partition, account). Without it the test is skipped with the reason.

Two families in one working directory: MIOP (the bundled example) and BRK, a copy of it whose VCF
is a truncated bgzip file (with the same HPO terms, so knowledge.json is the example's). The same
configuration runs first locally (``--keep-going``), its results moved aside, then through the
SLURM profile with partition and account given on the command line as the README says.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pysam
import pytest
from workflow_helpers import REPO, copy_example, guarded_env, job_counts, run_snakemake

pytestmark = [pytest.mark.workflow, pytest.mark.cluster]

GOOD, BROKEN = "MIOP", "BRK"
RUN_ONCE = {"distill_knowledge", "index_clinvar"}
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}


def cluster_settings() -> dict[str, str]:
    """The cluster .ci/slurm.sh started, or a skip naming why there is none."""
    env_file = os.environ.get("DUALDX_SLURM_ENV")
    if not env_file:
        if os.geteuid() != 0:
            pytest.skip(f"no SLURM cluster: .ci/slurm.sh starts one but needs root (this is uid "
                        f"{os.geteuid()}); CI runs it through .ci/run")
        pytest.skip("no SLURM cluster: run 'bash .ci/slurm.sh' (root, Debian) and set "
                    "DUALDX_SLURM_ENV=/run/dualdx-slurm/cluster.env, as .ci/run does")
    path = Path(env_file)
    if not path.is_file():
        pytest.fail(f"DUALDX_SLURM_ENV={env_file} is set but the file does not exist: "
                    ".ci/slurm.sh writes it when the cluster is up")
    pytest.importorskip("snakemake_executor_plugin_slurm",
                        reason='the SLURM executor plugin is not installed: pip install -e '
                               '".[cluster]"')
    settings = dict(line.split("=", 1) for line in path.read_text().split())
    return {k.removeprefix("DUALDX_SLURM_").lower(): v for k, v in settings.items()}


def add_broken_family(wd: Path, cfg: dict[str, Any]) -> None:
    """Family BRK: the example's people renamed, its VCF a bgzip file cut before its end."""
    example = wd / "config" / "example"
    text = (example / "family_MIOP.vcf").read_text().replace("MIOP-", "BRK-")
    (wd / "brk.vcf").write_text(text)
    gz = example / "family_BRK.vcf.gz"
    pysam.tabix_compress(str(wd / "brk.vcf"), str(gz), force=True)
    gz.write_bytes(gz.read_bytes()[:-40])
    for name in ("samples.tsv", "pedigree.ped", "phenotypes.tsv"):
        lines = (example / name).read_text().splitlines()
        body = [ln for ln in lines if ln.startswith("MIOP")]
        extra = [ln.replace("MIOP", "BRK").replace("family_BRK.vcf", "family_BRK.vcf.gz")
                 for ln in body]
        (example / name).write_text("\n".join([*lines, *extra]) + "\n")
    cfg["report"] = dict(cfg.get("report") or {}, pdf=True)


def submissions(log: str) -> dict[str, Path]:
    """SLURM job id -> its SLURM log, from the executor's 'has been submitted' lines."""
    return {m.group(1): Path(m.group(2)) for m in re.finditer(
        r"has been submitted with SLURM jobid (\d+) \(log: (.+?)\)\.$", log, re.M)}


def jobs_in_slurm_log(text: str) -> set[tuple[str, str]]:
    """(rule, family or '') of every job a SLURM job's own Snakemake started."""
    out: set[tuple[str, str]] = set()
    for block in re.split(r"^\s*(?=rule \w+:$)", text, flags=re.M):
        m = re.match(r"rule (\w+):$", block, re.M)
        if m and re.search(r"^\s+reason: ", block, re.M):  # a job starting, not an error list
            fam = re.search(r"^\s+wildcards: family=(\S+)$", block, re.M)
            out.add((m.group(1), fam.group(1) if fam else ""))
    return out


def finished_rules(text: str) -> list[str]:
    return re.findall(r"^Finished jobid: \d+ \(Rule: (\w+)\)$", text, re.M)


def sacct_rows(run_id: str) -> list[dict[str, str]]:
    start = (datetime.now() - timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    fields = ("JobIDRaw", "State", "Partition", "Account", "Comment")
    out = subprocess.run(["sacct", "-X", "-P", "-n", "-S", start, "--name", run_id,
                          "-o", ",".join(fields)], capture_output=True, text=True, check=True)
    return [dict(zip(fields, ln.split("|"), strict=True)) for ln in out.stdout.splitlines()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    slurm = cluster_settings()
    wd = tmp_path_factory.mktemp("slurm")
    cfg = copy_example(wd)
    add_broken_family(wd, cfg)
    netlog = wd / "netguard.log"
    local = run_snakemake(wd, cfg, "--keep-going", check=False,
                          env=guarded_env(netlog) | EPOCH)
    assert local.returncode != 0, "the local run should fail for family BRK"
    shutil.move(wd / "results", wd / "results_local")
    shutil.move(wd / "logs", wd / "logs_local")
    # as the README says: the profile, partition and account on the command line; for the test
    # only: poll sooner than the plugin's 40 s, and keep the SLURM logs of jobs that worked
    cluster = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory", str(wd),
         "--configfile", str(wd / "config.yaml"), "--profile", str(REPO / "profiles" / "slurm"),
         "--slurm-init-seconds-before-status-checks=5", "--slurm-keep-successful-logs",
         "--default-resources", f"slurm_partition={slurm['partition']}",
         f"slurm_account={slurm['account']}"],
        capture_output=True, text=True, cwd=wd, env=os.environ | guarded_env(netlog) | EPOCH)
    log = cluster.stdout + cluster.stderr
    m = re.search(r"^SLURM run ID: (\S+)$", log, re.M)
    assert m, log[-4000:]
    return {"wd": wd, "local": local, "cluster": cluster, "log": log, "run_id": m.group(1),
            "slurm": slurm, "netlog": netlog}


def test_every_job_but_all_ran_inside_a_slurm_job_seen_by_sacct(runs: dict[str, Any]) -> None:
    log = runs["log"]
    planned = job_counts(log)
    assert planned.pop("all") == 1
    subs = submissions(log)
    rows = {r["JobIDRaw"]: r for r in sacct_rows(runs["run_id"])}
    # every submission is in the accounting database under this run, and nothing else is
    assert set(rows) == set(subs), (rows, subs)
    for row in rows.values():
        assert row["Partition"] == runs["slurm"]["partition"], row
        assert row["Account"] == runs["slurm"]["account"], row
    # what each SLURM job's own Snakemake ran: every planned job of MIOP and the run-once rules
    ran: dict[str, set[tuple[str, str]]] = {
        jid: jobs_in_slurm_log(path.read_text()) for jid, path in subs.items() if path.exists()}
    done = set().union(*ran.values())
    expected = {(r, "") for r in RUN_ONCE} | {(r, GOOD) for r in planned.keys() - RUN_ONCE}
    assert expected <= done, expected - done
    assert {(r, BROKEN) for r in planned.keys() - RUN_ONCE} <= done
    # nothing ran in the main process except the local rule 'all'
    local_rules = set(re.findall(r"^localrule (\w+):$", log, re.M))
    assert local_rules <= {"all"}, local_rules
    # one job per family, one for the once-per-run rules
    groups = [{fam or "run" for _, fam in jobs} for jobs in ran.values()]
    assert all(len(g) == 1 for g in groups), groups
    good = [jid for jid, jobs in ran.items() if {f for _, f in jobs} == {GOOD}]
    assert len(good) == 1 and rows[good[0]]["State"] == "COMPLETED", (good, rows)
    run_once = [jid for jid, jobs in ran.items() if {f for _, f in jobs} == {""}]
    assert len(run_once) == 1 and rows[run_once[0]]["State"] == "COMPLETED", (run_once, rows)
    # and each of their jobs finished there
    assert set(finished_rules(subs[run_once[0]].read_text())) == RUN_ONCE
    assert set(finished_rules(subs[good[0]].read_text())) == planned.keys() - RUN_ONCE


def test_grouped_run_submits_at_most_two_plus_one_job_per_family(runs: dict[str, Any]) -> None:
    subs = submissions(runs["log"])
    families = 2
    # BRK's family job fails and the profile retries it once (retries: 1)
    failed_attempts = sum(1 for r in sacct_rows(runs["run_id"]) if r["State"] != "COMPLETED")
    assert failed_attempts == 2, sacct_rows(runs["run_id"])
    assert len(subs) - (failed_attempts - 1) <= 2 + families, subs


def test_results_equal_the_local_runs_byte_for_byte(runs: dict[str, Any]) -> None:
    wd: Path = runs["wd"]
    local, cluster = wd / "results_local", wd / "results"
    names = sorted(str(p.relative_to(local)) for p in local.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(cluster)) for p in cluster.rglob("*") if p.is_file())
    assert f"{GOOD}/report.html" in names and f"{GOOD}/report.json" in names
    assert not any(n.startswith(f"{BROKEN}/") for n in names)
    differ = [n for n in names if (local / n).read_bytes() != (cluster / n).read_bytes()]
    # provenance.json records how each run was started; that is the only difference
    assert differ == [f"{GOOD}/provenance.json"], differ
    prov_local = json.loads((local / GOOD / "provenance.json").read_text())
    prov_cluster = json.loads((cluster / GOOD / "provenance.json").read_text())
    assert {k for k in prov_local if prov_local[k] != prov_cluster.get(k)} == {"command_line"}
    # the user's command, not the one the executor ran inside the SLURM job
    assert any(a.startswith("--profile") for a in prov_cluster["command_line"])
    assert "--target-jobs" not in prov_cluster["command_line"]
    assert not runs["netlog"].exists() or runs["netlog"].read_text() == ""


def test_failed_family_is_reported_with_its_slurm_log(runs: dict[str, Any]) -> None:
    cluster = runs["cluster"]
    assert cluster.returncode != 0
    log = runs["log"]
    failed = [r["JobIDRaw"] for r in sacct_rows(runs["run_id"]) if r["State"] == "FAILED"]
    subs = submissions(log)
    assert len(failed) == 2, failed  # the first attempt and the profile's one retry
    for jid in failed:
        path = subs[jid]
        # Snakemake's error for the family's job names its SLURM log ...
        m = re.search(rf"^\s+message: Error in group family\n\s+log: {re.escape(str(path))} ", log,
                      re.M)
        assert m, log[-6000:]
        # ... which holds dualdx's one-line message naming the file and the fix
        text = path.read_text()
        assert ("dualdx filter_panel: config/example/family_BRK.vcf.gz, end of file: the bgzip "
                "file is truncated") in text, text[-3000:]
        assert {f for _, f in jobs_in_slurm_log(text)} == {BROKEN}
    # the other family completed, and BRK left no report
    assert (runs["wd"] / "results" / GOOD / "report.html").is_file()
    assert not (runs["wd"] / "results" / BROKEN / "report.json").exists()
