"""Reading the JSON files that stages hand to each other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dualdx.core.errors import InputError


def read_json_object(path: str | Path, what: str, fix: str | None = None) -> dict[str, Any]:
    """The JSON object in ``path``; InputError naming the file (and line) when it is missing,
    unreadable, not JSON or not an object. ``fix`` defaults to re-running the writing stage."""
    p = Path(path)
    fix = fix or f"re-run the stage that writes {what}"
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(p, f"{what} not found", fix) from None
    except json.JSONDecodeError as e:
        raise InputError(p, f"{what} is not readable JSON (not valid JSON: {e.msg})", fix,
                         where=f"line {e.lineno}, column {e.colno}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(p, f"{what} is not readable JSON ({e})", fix) from None
    if not isinstance(data, dict):
        raise InputError(p, f"{what} is not a JSON object", fix)
    return data
