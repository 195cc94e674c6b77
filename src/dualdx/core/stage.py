"""Run one stage from a Snakemake ``script:`` adapter with logging and clean error reporting.

Input errors end as one line on stderr and in the rule's log, never as a Python traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from dualdx.core.errors import DualdxError


def stage_logger(log_path: str | None, name: str) -> logging.Logger:
    logger = logging.getLogger(f"dualdx.{name}")
    logger.setLevel(logging.INFO)
    logger.handlers.clear()
    logger.propagate = False
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        fh = logging.FileHandler(log_path, mode="w", encoding="utf-8")
        fh.setFormatter(fmt)
        logger.addHandler(fh)
    return logger


def run_stage(name: str, log_path: str | None, body: Callable[[logging.Logger], object]) -> None:
    """Call ``body(logger)``; on a DualdxError print its message and exit 1 without a traceback."""
    logger = stage_logger(log_path, name)
    logger.info("dualdx package: %s", Path(__file__).resolve().parents[1])
    try:
        body(logger)
    except DualdxError as err:
        logger.error("%s", err)
        print(f"dualdx {name}: {err}", file=sys.stderr)
        sys.exit(1)


def as_list(value: object) -> list[str]:
    """A Snakemake named input as a list of paths (a single file comes as a plain string)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]  # type: ignore[attr-defined]


def first_or_none(value: object) -> str | None:
    """The first path of an optional named input (an empty list when not configured), or None."""
    paths = as_list(value)
    return paths[0] if paths else None


def use_workflow_package(src_dir: str) -> None:
    """Put the workflow's own ``src/`` first on ``PYTHONPATH``, so the rules' scripts (separate
    Python processes, locally, under ``--use-conda`` and in cluster jobs) import this workflow's
    dualdx rather than whatever version is installed. Called once by ``common.smk``."""
    rest = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != src_dir]
    os.environ["PYTHONPATH"] = os.pathsep.join([src_dir, *rest])
