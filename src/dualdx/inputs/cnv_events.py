"""Family copy-number events: the copy-number calls of a family's people and callers merged
(:mod:`dualdx.inputs.structural` reads them).

Copy-number changes (losses and gains) of the family's people are merged into events: calls of
the same direction on one chromosome with a reciprocal overlap of at least 50% are one event
(one caller's breakpoints differ from another's, and per-person files never share
coordinates). For every person the event says ``carrier``, ``non_carrier`` (a copy-neutral
call, a reference segment or a ``0/0`` genotype covering at least half of it, or the opposite
change there) or ``unknown`` (no call covers it: absence from a caller's output is not
taken as evidence). Inversions, insertions and breakends are recognised and reported as not
interpreted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from dualdx.core.model import normalize_chrom
from dualdx.inputs.panel import Region
from dualdx.inputs.structural import (
    COPY_NUMBER_TYPES,
    CallerStyle,
    Status,
    SvCall,
    SvFunnel,
    SvRecord,
    read_sv_file,
)

#: Reciprocal overlap at which two calls of the same direction are one event.
MIN_RECIPROCAL_OVERLAP = 0.5


@dataclass
class EventCall:
    """What one person's calls say about one family event."""

    status: Status
    gt: str  # display genotype for this event: "0/1", "1/1", "0/0", "./."
    cn: int | None
    copies: int | None
    start: int | None  # this person's own call (carriers)
    end: int | None
    basis: str  # one sentence: which call of which file
    fields: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CnvEvent:
    """A copy-number change in the family (a loss or a gain), merged over people and callers."""

    chrom: str
    pos: int  # VCF POS of the representative call
    start: int
    end: int
    direction: Literal["loss", "gain"]
    svtype: Literal["DEL", "DUP"]
    imprecise: bool
    cipos: tuple[int, int] | None
    ciend: tuple[int, int] | None
    tandem: bool | None
    caller: CallerStyle
    filter: str | None
    sources: list[str]  # "file: record" of every call merged into the event
    calls: dict[str, EventCall]

    @property
    def key(self) -> str:
        """``chrom-POS-END-DEL``: the representative record's POS and END and the direction."""
        return f"{self.chrom}-{self.pos}-{self.end}-{self.svtype}"

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["key"] = self.key
        d["length"] = self.length
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CnvEvent:
        calls = {s: EventCall(**c) for s, c in (d.get("calls") or {}).items()}
        return cls(chrom=str(d["chrom"]), pos=int(d["pos"]), start=int(d["start"]),
                   end=int(d["end"]), direction=d["direction"], svtype=d["svtype"],
                   imprecise=bool(d["imprecise"]),
                   cipos=(int(d["cipos"][0]), int(d["cipos"][1])) if d.get("cipos") else None,
                   ciend=(int(d["ciend"][0]), int(d["ciend"][1])) if d.get("ciend") else None,
                   tandem=d.get("tandem"), caller=d["caller"], filter=d.get("filter"),
                   sources=list(d.get("sources") or []), calls=calls)


# --------------------------------------------------------------------------------------------
# Family events


def reciprocal_overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Overlap of two closed intervals divided by the longer one's length (0..1)."""
    ov = min(a[1], b[1]) - max(a[0], b[0]) + 1
    if ov <= 0:
        return 0.0
    return ov / max(a[1] - a[0] + 1, b[1] - b[0] + 1)


def _covers(call: tuple[int, int], event: tuple[int, int]) -> float:
    """Share of ``event`` covered by ``call``."""
    ov = min(call[1], event[1]) - max(call[0], event[0]) + 1
    return max(0, ov) / (event[1] - event[0] + 1)


@dataclass
class _Obs:
    rec: SvRecord
    call: SvCall


def _display_gt(call: SvCall, direction: str) -> str:
    if call.state == "neutral":
        return "0/0"
    if call.state != direction:
        return "./."
    if call.copies == 2:
        return "1/1"
    if call.copies == 1:
        return "0/1"
    return "1/."  # carries the change, zygosity not determined


def family_events(records: Sequence[SvRecord], samples: Sequence[str]
                  ) -> tuple[list[CnvEvent], list[str]]:
    """Merge the copy-number calls of the family into events (module doc). Returns the events and
    notes (plain sentences) about calls that were merged or set aside."""
    notes: list[str] = []
    changes: list[_Obs] = []
    neutral: list[_Obs] = []
    for rec in records:
        if rec.svtype not in COPY_NUMBER_TYPES:
            continue
        for call in rec.calls.values():
            if call.state in ("loss", "gain"):
                changes.append(_Obs(rec, call))
            elif call.state == "neutral":
                neutral.append(_Obs(rec, call))
    clusters: list[list[_Obs]] = []
    for ob in changes:
        span = (ob.rec.start, ob.rec.end)
        for cl in clusters:
            head = cl[0]
            if (normalize_chrom(head.rec.chrom) == normalize_chrom(ob.rec.chrom)
                    and head.call.state == ob.call.state
                    and reciprocal_overlap((head.rec.start, head.rec.end), span)
                    >= MIN_RECIPROCAL_OVERLAP):
                cl.append(ob)
                break
        else:
            clusters.append([ob])
    events: list[CnvEvent] = []
    for cl in clusters:
        head = cl[0]
        direction: Literal["loss", "gain"] = "loss" if head.call.state == "loss" else "gain"
        span = (head.rec.start, head.rec.end)
        calls: dict[str, EventCall] = {}
        for ob in cl:
            s = ob.call.sample
            if s in calls:
                notes.append(f"{s} has two calls of the {direction} at "
                             f"{head.rec.chrom}:{head.rec.start}-{head.rec.end}: the one at "
                             f"{ob.rec.where} in {Path(ob.rec.source).name} is not used (the "
                             f"first is: {calls[s].basis})")
                continue
            what = f"CN {ob.call.cn}" if ob.call.cn is not None else f"GT {ob.call.gt}"
            calls[s] = EventCall("carrier", _display_gt(ob.call, direction), ob.call.cn,
                                 ob.call.copies, ob.rec.start, ob.rec.end,
                                 f"{what} at {ob.rec.where} in {Path(ob.rec.source).name}",
                                 dict(ob.call.fields))
        for s in samples:
            if s in calls:
                continue
            best: tuple[float, _Obs] | None = None
            for ob in neutral:
                if ob.call.sample != s or normalize_chrom(ob.rec.chrom) != normalize_chrom(
                        head.rec.chrom):
                    continue
                cov = _covers((ob.rec.start, ob.rec.end), span)
                if cov >= MIN_RECIPROCAL_OVERLAP and (best is None or cov > best[0]):
                    best = (cov, ob)
            other = next((ob for ob in changes if ob.call.sample == s
                          and ob.call.state != direction
                          and normalize_chrom(ob.rec.chrom) == normalize_chrom(head.rec.chrom)
                          and _covers((ob.rec.start, ob.rec.end), span)
                          >= MIN_RECIPROCAL_OVERLAP), None)
            if best is not None:
                ob = best[1]
                what = f"CN {ob.call.cn}" if ob.call.cn is not None else f"GT {ob.call.gt}"
                calls[s] = EventCall("non_carrier", "0/0", ob.call.cn, 0, None, None,
                                     f"copy-neutral call ({what}) covering {best[0]:.0%} of the "
                                     f"region at {ob.rec.where} in {Path(ob.rec.source).name}",
                                     dict(ob.call.fields))
            elif other is not None:
                calls[s] = EventCall("non_carrier", "0/0", other.call.cn, 0, None, None,
                                     f"carries the opposite change ({other.call.state}) here "
                                     f"({other.rec.where} in {Path(other.rec.source).name})")
            else:
                calls[s] = EventCall("unknown", "./.", None, None, None, None,
                                     "no copy-number call covers this region for this person "
                                     "(absence from a caller's output is not taken as evidence)")
        sources = list(dict.fromkeys(f"{Path(ob.rec.source).name}: {ob.rec.where}" for ob in cl))
        imprecise = any(ob.rec.imprecise for ob in cl) or head.rec.caller in (
            "gatk_gcnv", "cnvkit", "dragen")
        events.append(CnvEvent(
            head.rec.chrom, head.rec.pos, head.rec.start, head.rec.end, direction,
            "DEL" if direction == "loss" else "DUP", imprecise, head.rec.cipos, head.rec.ciend,
            next((ob.rec.tandem for ob in cl if ob.rec.tandem is not None), None),
            head.rec.caller, head.rec.filter, sources, {s: calls[s] for s in samples}))
    events.sort(key=lambda e: (normalize_chrom(e.chrom), e.start, e.end, e.svtype))
    return events, notes


def read_structural(vcfs: Sequence[str], sv_vcfs: Sequence[str], samples: Sequence[str],
                    regions: Mapping[str, list[Region]], build: str,
                    sex_of: Mapping[str, str] | None = None,
                    progress: Callable[[str], None] | None = None,
                    sample_files: Mapping[str, Sequence[str]] | None = None,
                    ) -> tuple[list[CnvEvent], list[SvRecord], SvFunnel, list[str]]:
    """Read every file of the family; return the copy-number events, the SV records that are
    not interpreted (inversions, insertions, breakends), the funnel and notes.

    ``sample_files``: person -> the files on their row of the sample sheet (``vcf``, ``sv_vcf``);
    a person's calls are read from those files only, as the small variants are (another file
    of the family that also holds the person is not read for them). None: every file for every
    person."""
    funnel = SvFunnel()
    records: list[SvRecord] = []
    order = [(v, False) for v in vcfs] + [(v, True) for v in sv_vcfs if v not in vcfs]
    for path, is_sv in order:
        if progress:
            progress(f"reading {path} for structural variants")
        who = [s for s in samples if sample_files is None or path in (sample_files.get(s) or ())]
        records += read_sv_file(str(path), who, regions, build, is_sv, sex_of or {}, funnel)
    cn_records = [r for r in records if r.svtype in COPY_NUMBER_TYPES]
    funnel.copy_number_records = sum(
        1 for r in cn_records if any(c.state in ("loss", "gain", "unknown")
                                     for c in r.calls.values()))
    funnel.reference_segments = sum(
        1 for r in cn_records if r.calls and all(c.state == "neutral" for c in r.calls.values()))
    events, notes = family_events(records, samples)
    funnel.events = len(events)
    others = [r for r in records if r.svtype not in COPY_NUMBER_TYPES]
    for r in others:
        funnel.not_interpreted[r.svtype] = funnel.not_interpreted.get(r.svtype, 0) + 1
    def unread(c: SvCall) -> bool:
        return c.state == "unknown" and (c.cn is not None or c.gt not in (".", "./."))

    unclear = [r for r in cn_records if any(unread(c) for c in r.calls.values())]
    for r in unclear:
        who = sorted(s for s, c in r.calls.items() if unread(c))
        notes.append(f"{r.where} in {Path(r.source).name}: the copy-number change of "
                     f"{', '.join(who)} could not be read (no copy number, or the sex needed for "
                     "the expected copy number on X/Y is unknown)")
    return events, others, funnel, notes
