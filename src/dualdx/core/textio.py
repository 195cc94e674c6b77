"""Reading the text files a user gives (sample sheet, PED, panel, phenotype tables, phenopackets)."""

from __future__ import annotations

from pathlib import Path

from dualdx.core.errors import InputError


def read_user_text(path: Path, missing: str, fix_missing: str, save_as: str) -> str:
    """The UTF-8 text of ``path`` without a byte-order mark (as Windows tools save it).

    InputError naming the file when it does not exist (``missing``, ``fix_missing``) or is not
    UTF-8 (the first bad byte and its offset; the fix: save it as ``save_as``)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, missing, fix_missing) from None
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 text (byte {e.object[e.start]:#04x} at offset "
                         f"{e.start})", f"save {save_as}") from None


def content_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line number, line) of every line that is neither blank nor a ``#`` comment."""
    return [(i, ln) for i, ln in enumerate(text.splitlines(), 1)
            if ln.strip() and not ln.startswith("#")]
