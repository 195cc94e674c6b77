"""--use-conda: the bundled environment file installs the workflow's own package.

conda cannot be run here (no conda, no conda channels); what is checked is the contract between
workflow/envs/dualdx.yaml and common.smk. By hand: `DUALDX_WORKFLOW_ROOT=<checkout> pip install
--dry-run --no-deps -r <file holding the pip line>` resolves to dualdx 0.1.0 from that folder with
the pdf extra."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def test_env_file_pip_installs_the_workflow_package() -> None:
    env = yaml.safe_load((REPO / "workflow" / "envs" / "dualdx.yaml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert pip == ["${DUALDX_WORKFLOW_ROOT}[pdf]"]
    common = (REPO / "workflow" / "rules" / "common.smk").read_text()
    assert re.search(r"os\.environ\.update\(DUALDX_WORKFLOW_ROOT=str\(WORKFLOW_ROOT\)\)", common)
    rules = (REPO / "workflow" / "rules").glob("*.smk")
    for smk in rules:  # every rule that runs a script uses this one environment
        text = smk.read_text()
        assert text.count("script:") == text.count('conda:\n        "../envs/dualdx.yaml"'), smk
