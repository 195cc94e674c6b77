"""The family's panel VCF: the split records of every input merged into one site list, then
written by htslib (``pysam.VariantFile``, bgzipped) with its ``.tbi``.

Merging
    Sites are the union over the inputs, keyed by contig (without ``chr``), POS, REF and ALT;
    each person's values come from the one input the sample sheet names for them. A person
    without a record at a site gets a missing genotype (``./.``): a site absent from a VCF is
    unknown (gVCF reference blocks are not used to fill in 0/0). QUAL, ID and INFO come from
    the first input that has the site. FILTER: when the inputs disagree, the failed filters of
    all of them are written (a caveat names whose VCF said what).

Duplicates
    A VCF that has the same variant twice (after splitting, trimming and left-alignment) is
    never resolved by "first wins": where the two records give a person the same genotype, it is
    kept and any other value that differs is written as missing; where the genotypes differ,
    that person's call is written as missing (unknown) and a caveat says so. FILTER: the
    failed filters of both records are written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pysam

from dualdx.core.atomic import atomic_path
from dualdx.inputs.splitting import MISSING, SplitRecord, number_of
from dualdx.inputs.vcf import (
    NUMERIC_FORMAT,
    SGT_KEY,
    STANDARD_FORMAT_LINES,
    FieldDef,
    quiet_htslib,
)

Key = tuple[str, int, str, str]


@dataclass
class MergeNotes:
    """What merging met, for the filter's caveats."""

    duplicates: list[tuple[SplitRecord, list[str]]] = field(default_factory=list)  # same calls
    conflicts: list[tuple[SplitRecord, list[str]]] = field(default_factory=list)  # samples
    filter_differs: dict[Key, dict[str, tuple[str, ...]]] = field(default_factory=dict)


def _same(a: Any, b: Any) -> bool:
    return a is b or (a is not MISSING and b is not MISSING and a == b)


def merge_record(merged: dict[Key, SplitRecord], rec: SplitRecord, notes: MergeNotes) -> None:
    """Add ``rec`` to ``merged`` (see the module doc for duplicates and FILTER)."""
    have = merged.get(rec.key)
    if have is None:
        rec.calls = dict(rec.calls)
        merged[rec.key] = rec
        rec.sources[rec.source] = rec.filters
        return
    sources = have.sources
    if rec.source in sources:  # the same VCF has this variant twice
        _resolve_duplicate(have, rec, notes)
        if rec.filters != have.filters:  # neither record's FILTER wins: the failed ones stay
            failed = [f for f in (*have.filters, *rec.filters) if f != "PASS"]
            have.filters = tuple(dict.fromkeys(failed)) or ("PASS",)
    elif rec.filters != have.filters:
        sources[rec.source] = rec.filters
        failed = [f for fs in sources.values() for f in fs if f != "PASS"]
        have.filters = tuple(dict.fromkeys(failed)) or ("PASS",)
        notes.filter_differs[have.key] = dict(sources)
    else:
        sources[rec.source] = rec.filters
    new_keys = [k for k in rec.format if k not in have.format]
    have.format = have.format + new_keys
    for s, values in rec.calls.items():
        if s not in have.calls:
            have.calls[s] = dict(values)
            have.phased[s] = rec.phased.get(s, False)


def _resolve_duplicate(have: SplitRecord, rec: SplitRecord, notes: MergeNotes) -> None:
    conflicting: list[str] = []
    for s, values in rec.calls.items():
        old = have.calls.get(s)
        if old is None:
            continue
        same_gt = (_same(old.get("GT"), values.get("GT"))
                   and _same(old.get(SGT_KEY), values.get(SGT_KEY))
                   and have.phased.get(s) == rec.phased.get(s))
        if not same_gt:
            conflicting.append(s)
            gt = old.get("GT")
            ploidy = len(gt) if isinstance(gt, tuple) else 2
            have.calls[s] = {"GT": (None,) * ploidy} if "GT" in old else {}
            if SGT_KEY in old:
                have.calls[s][SGT_KEY] = "/".join(["."] * ploidy)
            have.phased[s] = False
            continue
        for k in set(old) | set(values):
            if k not in ("GT", SGT_KEY) and not _same(old.get(k), values.get(k)):
                old[k] = MISSING if (old.get(k) is not None or values.get(k) is not None) else None
    if conflicting:
        notes.conflicts.append((have, conflicting))
    else:
        notes.duplicates.append((have, sorted(rec.calls)))


# --------------------------------------------------------------------------------------------
# Writing


def _missing(number: str) -> Any:
    """The missing value of a field of this Number on a biallelic record (None: leave unset)."""
    if number == "A":
        return (None,)
    if number == "R":
        return (None, None)
    if number == "G":
        return (None, None, None)
    if number.isdigit() and int(number) > 1:
        return (None,) * int(number)
    return None


def header_lines(infos: dict[str, str], formats: dict[str, str], filters: dict[str, str],
                 contigs: list[tuple[str, int | None]], records: list[SplitRecord],
                 extra: Iterable[str]) -> tuple[list[str], list[str]]:
    """The output header's ##-lines, and the INFO/FORMAT keys no input header defined."""
    used_info = {k for r in records for k in r.info}
    used_format = {k for r in records for k in r.format}
    undefined: list[str] = []
    infos, formats = dict(infos), dict(formats)
    for k in ("GT", "AD", "DP", "GQ", "PS"):
        if k in used_format and k not in formats:
            formats[k] = STANDARD_FORMAT_LINES[k]
    if SGT_KEY in used_format:
        formats[SGT_KEY] = (
            f'##FORMAT=<ID={SGT_KEY},Number=1,Type=String,Description="Genotype relative to '
            "this record after multiallelic splitting: 0 REF, 1 this ALT, * another ALT of the "
            'original record (written . in GT), . missing (dualdx filter_panel)">')
    if "OLD_MULTIALLELIC" in used_info:
        infos["OLD_MULTIALLELIC"] = ('##INFO=<ID=OLD_MULTIALLELIC,Number=1,Type=String,'
                                     'Description="Original multiallelic record '
                                     '(chrom:pos:REF/ALT1/ALT2...) before splitting">')
    for k in sorted(used_info - set(infos)):
        flag = all(r.info.get(k) in (None, True) for r in records if k in r.info)
        infos[k] = (f"##INFO=<ID={k},Number={0 if flag else '.'},Type="
                    f"{'Flag' if flag else 'String'},Description=\"Not defined in the input "
                    "VCF's header (dualdx filter_panel)\">")
        undefined.append(f"INFO {k}")
    for k in sorted(used_format - set(formats)):
        formats[k] = (f"##FORMAT=<ID={k},Number=.,Type=String,Description=\"Not defined in "
                      "the input VCF's header (dualdx filter_panel)\">")
        undefined.append(f"FORMAT {k}")
    filters = {"PASS": '##FILTER=<ID=PASS,Description="All filters passed">', **filters}
    for f in sorted({f for r in records for f in r.filters} - set(filters)):
        filters[f] = (f'##FILTER=<ID={f},Description="Not defined in the input VCF\'s header '
                      '(dualdx filter_panel)">')
    lines = ["##fileformat=VCFv4.2", *filters.values(), *infos.values(), *formats.values()]
    lines += [f"##contig=<ID={c},length={n}>" if n else f"##contig=<ID={c}>" for c, n in contigs]
    lines += list(extra)
    return lines, undefined


def write_panel_vcf(out_vcf: str, lines: list[str], samples: list[str],
                    records: list[tuple[str, SplitRecord]], info_defs: dict[str, FieldDef],
                    format_defs: dict[str, FieldDef]) -> None:
    """Write ``records`` ((output contig name, record)) bgzipped with a ``.tbi``, atomically.

    Both files are written under temporary names and renamed only when both are complete.
    """
    hdr = pysam.VariantHeader()
    with quiet_htslib():
        for line in lines[1:]:
            hdr.add_line(line)
        for s in samples:
            hdr.add_sample(s)
    with atomic_path(out_vcf + ".tbi") as tmp_tbi, atomic_path(out_vcf) as tmp_vcf:
        with quiet_htslib(), pysam.VariantFile(str(tmp_vcf), "wz", header=hdr) as vf:
            for chrom, rec in records:
                vf.write(_to_pysam(vf, chrom, rec, samples, info_defs, format_defs))
        pysam.tabix_index(str(tmp_vcf), preset="vcf", force=True, index=str(tmp_tbi))


def _as_numbers(key: str, text: str) -> Any:
    """A FORMAT value that htslib read as text (no header definition), as the numbers of the
    standard definition written for it (the text was checked to be numbers before)."""
    def num(x: str) -> int | float | None:
        if x in (".", ""):
            return None
        return int(x) if x.lstrip("-").isdigit() else float(x)

    if key == "AD":
        return tuple(num(x) for x in text.split(","))
    return num(text)


def _to_pysam(vf: Any, chrom: str, rec: SplitRecord, samples: list[str],
              info_defs: dict[str, FieldDef], format_defs: dict[str, FieldDef]) -> Any:
    out = vf.new_record(contig=chrom, start=rec.pos - 1, alleles=(rec.ref, rec.alt),
                        id=rec.id, qual=rec.qual, filter=list(rec.filters) or None)
    for k, v in rec.info.items():
        value = _missing(number_of(info_defs, k)) if v is MISSING else v
        if value is None:
            continue
        if isinstance(value, tuple) and number_of(info_defs, k) in ("A", "R", "G") and \
                all(x is None for x in value):
            value = _missing(number_of(info_defs, k))
        out.info[k] = value
    keys = ["GT"] if "GT" in rec.format else []
    keys += [k for k in rec.format if k != "GT"]
    for s in samples:
        values = rec.calls.get(s)
        smp = out.samples[s]
        if values is None:
            if "GT" in keys:
                smp["GT"] = (None, None)
                if SGT_KEY in keys:
                    smp[SGT_KEY] = "./."
            continue
        for k in keys:
            v = values.get(k)
            if v is MISSING:
                v = _missing(number_of(format_defs, k))
            if v is None:
                continue
            if isinstance(v, str) and k in NUMERIC_FORMAT and k not in format_defs:
                v = _as_numbers(k, v)  # undefined in the input header: htslib read it as text
            smp[k] = v
            if k == "GT":
                smp.phased = rec.phased.get(s, False)
    return out
