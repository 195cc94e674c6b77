"""A fresh clone passes its data-reading tests on its own (issue 16).

Clones this checkout's HEAD into a temporary folder with no ``../shared`` beside it (and no
``$DUALDX_SHARED``), then runs there every test module that reads reference data (through the
``test_data`` fixture or ``datafiles.shared_path``), without the Snakemake end-to-end ones (their
data use is the same fixtures; they are slow). They must pass, and the tests that need a GPL/AGPL
file from ``../shared/data`` must be reported as skipped, naming the file and its licence.

The full proof (the README's test command in such a clone) is in the report of the change that
added this test; this one runs on every CI run. Set DUALDX_SKIP_FRESH_CLONE=1 to leave it out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from datafiles import REPO, SHARED_ONLY

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DUALDX_IN_FRESH_CLONE") or os.environ.get("DUALDX_SKIP_FRESH_CLONE")),
    reason="already inside the fresh-clone run (or DUALDX_SKIP_FRESH_CLONE is set)")


def _data_test_modules(root: Path) -> list[str]:
    out = []
    for p in sorted((root / "tests").rglob("test_*.py")):
        if p.name == "test_fresh_clone.py" or "workflow" in p.parts or "browser" in p.parts:
            continue
        text = p.read_text(encoding="utf-8")
        if "test_data" in text or "shared_path" in text:
            out.append(str(p.relative_to(root)))
    return out


def test_data_reading_tests_pass_in_a_clone_without_shared(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout (or no git): nothing to clone")
    clone = tmp_path / "dualdx"
    assert not (tmp_path / "shared").exists()
    made = subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(REPO), str(clone)],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    modules = _data_test_modules(clone)
    assert len(modules) >= 10, modules
    env = {k: v for k, v in os.environ.items() if k not in ("DUALDX_SHARED", "PYTHONPATH")}
    env |= {"DUALDX_IN_FRESH_CLONE": "1", "PYTHONPATH": str(clone / "src")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
                           "-m", "not workflow and not browser", *modules],
                          capture_output=True, text=True, cwd=clone, env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    assert re.search(r"\b\d+ passed\b", out) and " failed" not in out, out[-3000:]
    skips = [ln for ln in out.splitlines() if ln.startswith("SKIPPED")]
    for ln in skips:  # every skip is a copyleft file that stays in ../shared, named with its licence
        assert any(f"needs {rel} ({lic}" in ln for rel, lic in SHARED_ONLY.items()), ln
    assert skips, "the GPL/AGPL-dependent tests should be reported as skipped"


def test_readme_opens_with_the_two_setup_commands() -> None:
    """The README's first section opens with exactly the two set-up commands; the second is what
    CI runs (.ci/run)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert readme[0] == "# dualdx" and readme[1] == "" and readme[2] == "```bash"
    assert readme[5] == "```"
    cmds = [ln.split("#", 1)[0].strip() for ln in readme[3:5]]
    assert cmds[0] == "bash .ci/setup.sh && snakemake --cores 4"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert cmds[1] == ci == ("bash .ci/setup.sh --test && python3 -m pytest -n 2 --dist loadfile "
                             "-p no:cacheprovider")
