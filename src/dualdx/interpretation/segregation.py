"""Segregation of a genotype with a disease in the family: who has the genotype the disease needs
(:meth:`dualdx.interpretation.modes.Mode.positive`) among the people affected and unaffected *for
that disease* (:mod:`dualdx.interpretation.affection`), and the informative meioses of the mode
(:meth:`dualdx.interpretation.modes.Mode.meioses`).

One :class:`Segregation` shape for the inheritance stage (writer) and the ACMG criteria (reader:
PP1, BS4, BS2). People whose affection for the disease is unknown, or whose genotype is unknown,
are not counted: an unknown is never an affected non-carrier nor an unaffected one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from dualdx.core.model import Affection, VariantRecord
from dualdx.inputs.pedigree import Pedigree
from dualdx.interpretation.modes import Positive, get

COUNTS = ("affected_carriers", "affected_noncarriers", "unaffected_carriers",
          "unaffected_noncarriers")


@dataclass(frozen=True)
class Segregation:
    affected_carriers: int = 0
    affected_noncarriers: int = 0
    unaffected_carriers: int = 0
    unaffected_noncarriers: int = 0
    informative_meioses: int | None = 0  # None: not determined for this mode

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Segregation:
        """From an ``inheritance.json`` row's ``segregation`` (missing counts are 0)."""
        im = d.get("informative_meioses")
        return cls(**{k: int(d.get(k) or 0) for k in COUNTS},
                   informative_meioses=int(im) if im is not None else None)


@dataclass(frozen=True)
class Members:
    """Who is in each segregation count (sample IDs, sorted), the proband included."""

    affected_carriers: tuple[str, ...] = ()
    affected_noncarriers: tuple[str, ...] = ()
    unaffected_carriers: tuple[str, ...] = ()
    unaffected_noncarriers: tuple[str, ...] = ()
    not_counted: tuple[str, ...] = field(default=())  # affection or genotype unknown

    def to_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in asdict(self).items()}


def segregation(mode: str, proband: str, ped: Pedigree, affection: Mapping[str, Affection],
                positive: Positive, rec: VariantRecord,
                build: str) -> tuple[Segregation, Members]:
    """Counts over people with a known genotype and a known affection for the disease, and the
    informative meioses of ``mode``."""
    groups: dict[str, list[str]] = {k: [] for k in (*COUNTS, "not_counted")}
    for sid in ped.people:
        aff = affection.get(sid, "unknown")
        p = positive(sid)
        if aff == "unknown" or p is None:
            groups["not_counted"].append(sid)
        elif aff == "affected":
            groups["affected_carriers" if p else "affected_noncarriers"].append(sid)
        else:
            groups["unaffected_carriers" if p else "unaffected_noncarriers"].append(sid)
    n = get(mode).meioses(proband, ped, affection, positive, rec, build)
    seg = Segregation(**{k: len(groups[k]) for k in COUNTS}, informative_meioses=n)
    return seg, Members(**{k: tuple(sorted(v)) for k, v in groups.items()})


__all__ = ["COUNTS", "Members", "Segregation", "segregation"]
