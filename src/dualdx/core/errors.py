"""Errors raised for bad input: every one names the file, the place, the problem and the fix."""

from __future__ import annotations

from pathlib import Path


class DualdxError(Exception):
    """Base class of every error dualdx raises on purpose."""


class InputError(DualdxError):
    """Bad user input. The message names the file, where in it, what is wrong and how to fix it.

    Workflow adapters catch this, print ``str(error)`` (no traceback) and exit non-zero.
    """

    def __init__(
        self,
        path: str | Path | None,
        problem: str,
        fix: str,
        where: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.where = where
        self.problem = problem
        self.fix = fix
        super().__init__(self.format())

    def __reduce__(self) -> tuple[type[InputError], tuple[str | None, str, str, str | None]]:
        # Rebuilt from its parts (not from ``args``), so it crosses process boundaries
        # (multiprocessing, Snakemake's workers) as the same error.
        return (type(self), (self.path, self.problem, self.fix, self.where))

    def format(self) -> str:
        place = self.path or "<input>"
        if self.where:
            place = f"{place}, {self.where}"
        return f"{place}: {self.problem}. Fix: {self.fix}"


class ResourceError(DualdxError):
    """A database or reference could not be obtained or verified (download, checksum, format)."""
