"""Caveats: what a stage skipped, distrusted or could not decide, in one shape for every stage.

A caveat changes what a reader of the report should believe (a dropped record, a call that
failed the caller's filter, a phenotype row for nobody in the pedigree, an X-linked call in a
person of unknown sex, ...). Every stage that meets one records it in its output file; the
``call_diagnoses`` stage gathers them into ``report.json`` (``warnings``) and the page shows each
one. A log line alone is never enough for such a finding.

``code`` is stable and machine-readable (snake_case, e.g. ``duplicate_record``); ``message`` is
one plain sentence a genetic counselor can read, naming the variant, person or file concerned.
``severity``: ``caution`` when the finding can change a conclusion, ``note`` when it is
information only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["caution", "note"]
SEVERITIES: tuple[Severity, ...] = ("caution", "note")


@dataclass(frozen=True)
class Caveat:
    code: str
    message: str
    severity: Severity = "caution"
    stage: str = ""
    variants: tuple[str, ...] = ()
    samples: tuple[str, ...] = ()
    genes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "severity": self.severity,
                "stage": self.stage, "variants": list(self.variants),
                "samples": list(self.samples), "genes": list(self.genes)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Caveat:
        severity = d.get("severity", "caution")
        if severity not in SEVERITIES:
            raise ValueError(f"caveat severity {severity!r} is not one of {SEVERITIES}")
        return cls(code=str(d["code"]), message=str(d["message"]), severity=severity,
                   stage=str(d.get("stage") or ""),
                   variants=tuple(str(v) for v in d.get("variants") or ()),
                   samples=tuple(str(s) for s in d.get("samples") or ()),
                   genes=tuple(str(g) for g in d.get("genes") or ()))


def unique(caveats: Iterable[Caveat]) -> list[Caveat]:
    """Caveats without exact repeats, cautions first, then by stage, code and message."""
    seen = dict.fromkeys(caveats)
    return sorted(seen, key=lambda c: (SEVERITIES.index(c.severity), c.stage, c.code, c.message))
