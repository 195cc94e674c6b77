"""Stage ``filter_panel``: extract the panel regions of a family's VCF(s) into one biallelic,
left-aligned, sorted, bgzipped and tabix-indexed VCF, and say in ``filter_stats.json`` what was
read, dropped or distrusted (counts and caveats).

Steps, each in its own module:

1. Candidate records of the panel windows (:mod:`dualdx.inputs.prefilter`): tabix region
   queries of a bgzipped VCF with an index that belongs to it (:mod:`dualdx.inputs.vcf_index`),
   else one streaming pass with a text prefilter.
2. htslib parses them (``pysam.VariantFile``, :func:`dualdx.inputs.vcf.parse_lines`); what htslib
   accepts silently but dualdx must refuse is checked (:func:`dualdx.inputs.vcf.check_record`).
3. Multiallelic records are split, fields cut per allele, symbolic and ``*`` alleles and gVCF
   reference blocks dropped and counted (:mod:`dualdx.inputs.splitting`). Symbolic ALTs and
   breakends are the structural-variant stage's (``interpret_structural`` reads them from the
   same VCF and says which it interprets and which not), so they are counted here, not reported.
4. With a reference FASTA, indels are left-aligned by ``bcftools norm``
   (:mod:`dualdx.inputs.normalize`); without one, or outside it, they stay as the caller wrote
   them (trimmed) and a caveat says so (ClinVar and gnomAD matching depend on it).
5. The inputs are merged (one VCF per person, or one multi-sample VCF: each person's genotypes
   from the VCF on their row of the sample sheet), duplicates resolved without "first wins", and
   the panel VCF written by htslib (:mod:`dualdx.inputs.panel_vcf`).

A biallelic record is written when its REF span overlaps a padded panel region.

Build check
    The header's ``##contig`` lengths are compared with the GRCh37 and GRCh38 chromosome lengths
    (:data:`dualdx.core.genome.CONTIG_LENGTHS`); a file that looks like the other build is
    refused. Without contig lengths the build cannot be verified: that is logged and returned as
    ``FilterStats.build_verified = False``.

Contig names
    ``chr11`` and ``11`` are the same contig. The panel VCF uses one spelling: the inputs' own
    (the first input's, with a caveat, when per-person VCFs disagree).

Size: about 600 lines because it is the stage's orchestration (build check, contig style, caveats,
the cohort carry-over); each step above is already its own module.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pysam

from dualdx.core.caveats import Caveat
from dualdx.core.contracts import read_stage_file, write_stage_file
from dualdx.core.errors import InputError
from dualdx.core.genome import CONTIG_LENGTHS, REFSEQ_CHROMOSOMES
from dualdx.core.intervals import IntervalSet
from dualdx.core.model import chrom_rank, normalize_chrom
from dualdx.inputs.normalize import NormResult, left_align
from dualdx.inputs.panel import BUILDS, load_panel
from dualdx.inputs.panel_vcf import MergeNotes, header_lines, merge_record, write_panel_vcf
from dualdx.inputs.prefilter import (
    ContigStyle,
    contig_name,
    first_contig,
    iter_indexed,
    iter_streaming,
    merged_windows,
    prefilter_pattern,
    style_of,
)
from dualdx.inputs.splitting import Dropped, SplitRecord, split_record, trim_alleles
from dualdx.inputs.vcf import (
    VcfHeader,
    check_record,
    compression,
    open_binary,
    parse_lines,
    read_header,
    read_header_lines,
)
from dualdx.inputs.vcf_index import check_index, find_index

__all__ = ["CONTIG_LENGTHS", "FilterStats", "guess_build", "run_filter_panel", "trim_alleles",
           "write_filter_stats"]

STAGE = "filter_panel"
_SHOW = 5  # variants named in a caveat's message (all of them are in its ``variants``)


@dataclass
class FilterStats:
    """What ``filter_panel`` did; counts are summed over the input VCFs.

    ``records_read``: data lines read (streaming: every line of the file; indexed: the lines the
    index returned for the panel windows). ``skipped_*`` count records (or, for symbolic, gVCF
    placeholder and ``*`` alleles, alleles) overlapping the panel that were kept out of the
    small variants; ``skipped_symbolic`` are read by the structural-variant stage instead.
    ``caveats``: what a reader of the report should know (``dualdx.core.caveats.Caveat``).
    """

    records_read: int = 0
    records_written: int = 0
    split_multiallelic: int = 0
    skipped_symbolic: int = 0
    skipped_gvcf_alleles: int = 0
    skipped_ref_blocks: int = 0
    skipped_star: int = 0
    duplicate_records: int = 0
    conflicting_duplicates: int = 0
    values_miscounted: int = 0
    left_aligned: int = 0
    indels_not_left_aligned: int = 0
    normalization: str = "trimmed"  # "bcftools norm" when a reference FASTA was used
    build_verified: bool = False
    mode: str = "streaming"  # "indexed" | "streaming" (streaming when any input is streamed)
    contig_style: str = "unknown"  # "chr" | "no_chr" | "unknown": the panel VCF's spelling
    build: str = ""
    build_note: str = ""
    #: panel chromosomes that no input VCF declares a contig for (e.g. RefSeq names like
    #: NC_000011.10): its genes cannot be assessed. Judged by :func:`_absent_chromosomes`.
    panel_chromosomes_absent: list[str] = field(default_factory=list)
    caveats: list[Caveat] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "caveats"}
        out["caveats"] = [c.to_dict() for c in self.caveats]
        return out

    def note(self, code: str, message: str, severity: str = "note", *,
             variants: Collection[str] = (), samples: Collection[str] = ()) -> None:
        self.caveats.append(Caveat(code, message, "caution" if severity == "caution" else "note",
                                   STAGE, tuple(variants), tuple(samples)))


# --------------------------------------------------------------------------------------------
# Build


def guess_build(contigs: dict[str, int | None]) -> tuple[str | None, list[str]]:
    """(build whose lengths all known chromosomes match, or None; evidence sentences).

    Returns ('unverifiable', []) when no chromosome of the table has a length in the header.
    """
    seen = {normalize_chrom(c): n for c, n in contigs.items() if n is not None}
    known = {c: n for c, n in seen.items() if c in CONTIG_LENGTHS["GRCh38"]}
    if not known:
        return "unverifiable", []
    matching = [build for build, table in CONTIG_LENGTHS.items()
                if all(table[c] == n for c, n in known.items())]
    evidence = [f"contig {c} length {known[c]}"
                for c in sorted(known, key=lambda x: (len(x), x))[:3]]
    return (matching[0] if len(matching) == 1 else None), evidence


def check_build(path: str, header: VcfHeader, build: str) -> bool:
    """True when the header's contig lengths confirm ``build``; False when it has none.

    Raises InputError when the lengths belong to another build (or to no known build).
    """
    if build not in BUILDS:
        raise InputError(None, f"genome build {build!r} is not supported",
                         f"set genome_build to one of {', '.join(BUILDS)}")
    found, evidence = guess_build(header.contigs)
    if found == "unverifiable":
        return False
    if found == build:
        return True
    if found is None:
        raise InputError(path, f"the ##contig lengths ({'; '.join(evidence)}) match neither "
                         "GRCh37 nor GRCh38", "give a VCF called on GRCh37 or GRCh38",
                         where="header")
    raise InputError(path, f"the file looks like {found} ({'; '.join(evidence)}), but the "
                     f"genome build requested is {build}",
                     f"set genome_build to {found} for this family, or give a {build} VCF",
                     where="header")


# --------------------------------------------------------------------------------------------
# Inputs


@dataclass
class _Input:
    path: str
    header: VcfHeader
    samples: list[str]  # family samples read from this file
    index: str | None
    verified: bool
    style: ContigStyle
    first_contig: str | None = None  # the first record's contig, read only without ##contig lines


def _open_input(path: str, build: str, force_streaming: bool) -> tuple[VcfHeader, str | None,
                                                                        bool]:
    header = read_header(path)
    verified = check_build(path, header, build)
    index = None
    if compression(path) == "bgzf":
        index = find_index(path)
        if index is not None:
            check_index(path, index)
    if force_streaming:
        index = None
    return header, index, verified


def _read_input(inp: _Input, windows: IntervalSet, regions: IntervalSet, stats: FilterStats,
                dropped: list[Dropped]) -> Iterator[SplitRecord]:
    counter = [0]
    if inp.index is not None:
        lines = iter_indexed(inp.path, inp.index, windows, inp.style, counter)
        yield from _split(inp, lines, regions, stats, dropped)
    else:
        with open_binary(inp.path) as fh:
            read_header_lines(inp.path, fh)
            lines = iter_streaming(inp.path, fh, inp.header.n_lines + 1,
                                   prefilter_pattern(windows), counter)
            yield from _split(inp, lines, regions, stats, dropped)
    stats.records_read += counter[0]


def _split(inp: _Input, lines: Iterator[tuple[str, str]], regions: IntervalSet,
           stats: FilterStats, dropped: list[Dropped]) -> Iterator[SplitRecord]:
    columns = [inp.header.samples.index(s) for s in inp.samples]

    def named() -> Iterator[tuple[str, str]]:
        for where, text in lines:
            head = text.split("\t", 2)
            yield f"{where} ({head[0]}:{head[1] if len(head) > 1 else '?'})", text

    for where, text, rec in parse_lines(inp.header, named()):
        check_record(inp.path, where, text, rec, list(zip(inp.samples, columns, strict=True)))
        out, drop = split_record(rec, inp.header.info, inp.header.formats, inp.samples,
                                 regions, inp.path, where)
        dropped.extend(drop)
        if len(rec.alts or ()) > 1 and out:
            stats.split_multiallelic += 1
        yield from out


def _assign_samples(vcfs: list[str], headers: list[VcfHeader], samples: list[str],
                    sample_vcfs: Mapping[str, str] | None) -> dict[str, int]:
    """Sample -> index of the VCF its genotypes come from (the sample sheet's row)."""
    if sample_vcfs is None and len(vcfs) == 1:
        sample_vcfs = dict.fromkeys(samples, vcfs[0])
    out: dict[str, int] = {}
    for s in samples:
        if sample_vcfs is not None:
            vcf = sample_vcfs.get(s)
            if vcf is None or vcf not in vcfs:
                raise InputError(None, f"no VCF is given for sample {s!r}",
                                 "give every person of the family a 'vcf' in the samples sheet")
            k = vcfs.index(vcf)
            if s not in headers[k].samples:
                there = ", ".join(headers[k].samples) or "no samples"
                raise InputError(vcf, f"the samples sheet names this VCF for sample {s!r}, but "
                                 f"it holds no such sample (samples there: {there})",
                                 f"correct the sample ID {s!r}, or the 'vcf' column of its row "
                                 "in the samples sheet")
            out[s] = k
            continue
        for k, h in enumerate(headers):
            if s in h.samples:
                out[s] = k
                break
        else:
            found = "; ".join(f"{Path(v).name}: {', '.join(h.samples) or 'no samples'}"
                              for v, h in zip(vcfs, headers, strict=True))
            raise InputError(", ".join(vcfs), f"family sample {s!r} is in none of the VCFs "
                             f"(samples there: {found})",
                             "fix the sample ID in the samples sheet or give the VCF that holds "
                             "this person")
    return out


def _sample_notes(vcfs: list[str], headers: list[VcfHeader], chosen: dict[str, int],
                  listed_elsewhere: Collection[str], family: str | None,
                  stats: FilterStats) -> None:
    fam = f"family {family}" if family else "this family"
    for k, (vcf, h) in enumerate(zip(vcfs, headers, strict=True)):
        name = Path(vcf).name
        elsewhere = [s for s in h.samples if s in chosen and chosen[s] != k]
        if elsewhere:
            stats.note("sample_read_from_its_own_vcf",
                       f"{name} also holds {', '.join(elsewhere)}; their genotypes were read "
                       "from the VCF on their own row of the sample sheet "
                       f"({', '.join(sorted({Path(vcfs[chosen[s]]).name for s in elsewhere}))})",
                       samples=elsewhere)
        unlisted = [s for s in h.samples if s not in chosen and s not in listed_elsewhere]
        if unlisted:
            shown = ", ".join(unlisted[:10]) + (f" and {len(unlisted) - 10} more"
                                                if len(unlisted) > 10 else "")
            stats.note("samples_not_in_sample_sheet",
                       f"{name} holds sample(s) {shown} that the sample sheet does not list for "
                       f"{fam}; they were not read (a typo in a sample ID would look like this)",
                       samples=unlisted)


# --------------------------------------------------------------------------------------------
# Caveats


def _key(chrom: str, pos: int, ref: str, alt: str) -> str:
    return f"{chrom}-{pos}-{ref}-{alt}"


def _listing(keys: list[str]) -> str:
    return ", ".join(keys[:_SHOW]) + (f" and {len(keys) - _SHOW} more" if len(keys) > _SHOW
                                      else "")


def _dropped_caveats(dropped: list[Dropped], stats: FilterStats) -> None:
    by: dict[str, list[Dropped]] = {}
    for d in dropped:
        by.setdefault(d.kind, []).append(d)
    # symbolic ALTs and breakends: counted only; interpret_structural reads and reports them
    stats.skipped_symbolic = len(by.get("symbolic", []))
    stats.skipped_gvcf_alleles = len(by.get("gvcf_allele", []))
    stats.skipped_star = len(by.get("star", []))
    stats.skipped_ref_blocks = len(by.get("ref_block", []))
    if "star" in by:
        keys = [f"{d.chrom}-{d.pos}-*" for d in by["star"]]
        carriers = sorted({s for d in by["star"] for s in d.samples})
        stats.note("spanning_deletion_alleles_dropped",
                   f"{len(keys)} '*' allele(s) (an overlapping deletion, which has its own "
                   f"record) were left out ({_listing(keys)})", variants=keys, samples=carriers)
    if "ref_block" in by:
        stats.note("reference_blocks_not_used",
                   f"{len(by['ref_block'])} gVCF reference block(s) in the panel regions were not "
                   "used: where a person's VCF has no variant record, their genotype is unknown, "
                   "not reference")


def _merge_caveats(notes: MergeNotes, samples_of: dict[str, str], stats: FilterStats,
                   spell: Mapping[str, str]) -> None:
    def key(r: SplitRecord) -> str:
        return _key(spell.get(normalize_chrom(r.chrom), r.chrom), r.pos, r.ref, r.alt)

    stats.duplicate_records = len(notes.duplicates) + len(notes.conflicts)
    stats.conflicting_duplicates = len(notes.conflicts)
    if notes.duplicates:
        keys = [key(r) for r, _ in notes.duplicates]
        stats.note("duplicate_record",
                   f"{len(keys)} variant(s) appear twice in the same VCF with the same genotypes "
                   f"({_listing(keys)}); each was read once (a value that differed between the "
                   "two records is written as missing)", variants=keys)
    for rec, who in notes.conflicts:
        k = key(rec)
        stats.note("conflicting_duplicate_record",
                   f"{k} appears twice in {Path(rec.source).name} with different genotypes; the "
                   "genotype there of the person(s) concerned is unknown (neither record was "
                   "chosen)", "caution", variants=[k], samples=who)
    for norm_key, sources in notes.filter_differs.items():
        chrom = spell.get(norm_key[0], norm_key[0])
        k = _key(chrom, *norm_key[1:])
        said = "; ".join(f"{Path(src).name}: {';'.join(f) or '.'}" for src, f in sources.items())
        who = sorted(s for s, src in samples_of.items() if src in sources)
        stats.note("filter_differs_between_vcfs",
                   f"the callers' FILTER for {k} differs between the VCFs ({said}); the failed "
                   "filters are written for the site", "caution", variants=[k], samples=who)


def _norm_caveats(result: NormResult | None, records: list[SplitRecord], stats: FilterStats,
                  spell: Mapping[str, str]) -> None:
    def key(r: SplitRecord) -> str:
        return _key(spell.get(normalize_chrom(r.chrom), r.chrom), r.pos, r.ref, r.alt)

    if result is None:
        indels = [key(r) for r in records if r.is_indel]
        stats.indels_not_left_aligned = len(indels)
        if indels:
            stats.note("indels_not_left_aligned",
                       f"{len(indels)} indel(s) could not be left-aligned because no reference "
                       f"FASTA is configured ({_listing(indels)}): a ClinVar or gnomAD record "
                       "written in another position of the same repeat would not be matched "
                       "(set annotation.reference_fasta)", "caution", variants=indels)
        return
    stats.left_aligned = len(result.left_aligned)
    unaligned = list(dict.fromkeys(key(r) for r, _ in result.not_aligned))
    stats.indels_not_left_aligned = len(unaligned)
    if unaligned:
        why = "; ".join(dict.fromkeys(w for _, w in result.not_aligned))
        stats.note("indels_not_left_aligned",
                   f"{len(unaligned)} indel(s) could not be left-aligned ({_listing(unaligned)}: "
                   f"{why}): a ClinVar or gnomAD record written in another position of the same "
                   "repeat would not be matched", "caution", variants=unaligned)
    if result.ref_mismatch:
        keys = [key(r) for r, _ in result.ref_mismatch]
        shown = ", ".join(f"{key(r)} (reference {g})" for r, g in result.ref_mismatch[:_SHOW])
        stats.note("ref_differs_from_reference",
                   f"the REF of {len(keys)} record(s) differs from the reference FASTA "
                   f"({shown}): the VCF and the reference may be of different builds",
                   "caution", variants=keys)


#: Caveats of the cohort filter (a joint VCF filtered once for several families) that a family
#: reading the cohort's panel VCF cannot find again itself; carried into its filter_stats.json
#: when they concern one of its people (or no one in particular).
CARRIED_FROM_COHORT = ("conflicting_duplicate_record",
                       "spanning_deletion_alleles_dropped", "reference_blocks_not_used",
                       "fields_not_in_header")


def _carry_over(paths: Collection[str], samples: Collection[str], stats: FilterStats) -> None:
    mine = set(samples)
    for p in paths:
        doc = read_stage_file("filter_stats", p)
        for d in doc["caveats"]:
            try:
                c = Caveat.from_dict(d)
            except (KeyError, TypeError, ValueError) as e:
                raise InputError(p, f"a caveat is unreadable ({e})",
                                 "re-run filter_cohort") from None
            if c.code not in CARRIED_FROM_COHORT:
                continue
            if c.samples:
                ours = tuple(s for s in c.samples if s in mine)
                if not ours:
                    continue
                c = replace(c, samples=ours)
            stats.caveats.append(c)


# --------------------------------------------------------------------------------------------
# Entry point


_CHROMOSOMES = frozenset(REFSEQ_CHROMOSOMES["GRCh38"])  # 1..22, X, Y, MT (same in both builds)


def _contigs_of(inp: _Input, n_kept: int) -> list[str]:
    """The contig names :func:`_absent_chromosomes` judges an input by (its docstring)."""
    if inp.header.contigs:
        return list(inp.header.contigs)
    if inp.index is not None:
        try:
            with pysam.TabixFile(inp.path, index=inp.index) as tbx:
                indexed = list(tbx.contigs)
        except (OSError, ValueError):
            return []
        # An index lists only the contigs that hold records: a chromosome without variant
        # records is missing from it however the file names it. Its names show the naming only
        # when none of them is a chromosome (RefSeq NC_000011.10 ...); otherwise they say nothing.
        return [] if any(normalize_chrom(c) in _CHROMOSOMES for c in indexed) else indexed
    first = inp.first_contig if n_kept == 0 else None
    return [first] if first and normalize_chrom(first) not in _CHROMOSOMES else []


def _absent_chromosomes(inputs: list[_Input], panel_chroms: Collection[str],
                        stats: FilterStats, read_from: Mapping[str, int]) -> None:
    """Panel chromosomes no input has a contig for: a caution, and ``panel_chromosomes_absent``
    for the assessment. The contigs of an input are its ##contig lines; without them, those its
    index lists when none of them names a chromosome (an index lists only contigs with records,
    so a chromosome it lacks may merely have no variants), or else, when none of its records fell
    in a panel region, the contig of its first record if that names no chromosome (e.g. RefSeq
    ``NC_000011.10``: a sorted VCF starts with a chromosome). An input without ##contig lines
    whose index or first record names a chromosome, or that did give panel records, says nothing
    either way."""
    named = {i.path: _contigs_of(i, read_from.get(i.path, 0)) for i in inputs}
    declared = [{normalize_chrom(c) for c in cs} for cs in named.values() if cs]
    if not declared:
        return
    absent = [c for c in sorted(panel_chroms, key=chrom_rank) if not any(c in d for d in declared)]
    if not absent:
        return
    stats.panel_chromosomes_absent = absent
    names = sorted({c for cs in named.values() for c in cs})
    shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
    stats.note("panel_chromosome_absent",
               f"the VCF has no contig for panel chromosome(s) {', '.join(absent)} (its contigs are "
               f"named {shown}): the genes there could not be assessed. Rename the contigs to "
               "1..22, X, Y (or chr1..chrY), e.g. with 'bcftools annotate --rename-chrs'",
               "caution")


def run_filter_panel(vcfs: list[str], samples: list[str], panel_path: str, build: str,
                     out_vcf: str, log: logging.Logger, *,
                     force_streaming: bool = False,
                     sample_vcfs: Mapping[str, str] | None = None,
                     reference_fasta: str | None = None,
                     family: str | None = None,
                     listed_elsewhere: Collection[str] = (),
                     upstream_stats: Collection[str] = ()) -> FilterStats:
    """Write the family's panel variants (biallelic, sorted, bgzipped + .tbi) to ``out_vcf``.

    ``vcfs``: one multi-sample VCF or one VCF per person; ``samples``: family sample IDs in
    output order; ``sample_vcfs``: the VCF of each sample's row in the sample sheet (its
    genotypes are read from that VCF only; without it, one VCF holds everyone, or each sample
    is read from the first VCF that holds it). ``reference_fasta``: left-align indels against it
    (a genome FASTA or the panel slices of ``download_resources``). ``listed_elsewhere``: sample
    IDs the sample sheet gives other families (not reported as unlisted). ``upstream_stats``: the
    ``filter_stats.json`` of the cohort filter whose panel VCF is among ``vcfs`` (its caveats
    about this family's people are carried over, :data:`CARRIED_FROM_COHORT`).
    ``force_streaming`` reads indexed files by streaming too (benchmarks, tests).
    """
    if not vcfs:
        raise InputError(None, "no VCF given for the family", "list a VCF in the samples sheet")
    if not samples:
        raise InputError(None, "no samples given for the family", "list the family's samples")
    dup = sorted({s for s in samples if samples.count(s) > 1})
    if dup:
        raise InputError(None, f"family sample(s) {', '.join(dup)} listed twice",
                         "list every sample of the family once")
    vcfs = [str(v) for v in vcfs]
    panel = load_panel(panel_path)
    padded = [r for _, r in panel.regions(build, padded=True)]
    regions = IntervalSet((r.chrom, r.start, r.end) for r in padded)
    windows = merged_windows(padded)

    for v in vcfs:
        if not os.path.isfile(v):
            raise InputError(v, "VCF not found", "check the 'vcf' column of the samples sheet")
    opened = [_open_input(v, build, force_streaming) for v in vcfs]
    headers = [h for h, _, _ in opened]
    chosen = _assign_samples(vcfs, headers, samples, sample_vcfs)
    stats = FilterStats(build=build)
    for s, k in chosen.items():
        log.info("genotypes of %s are read from %s", s, vcfs[k])
    _sample_notes(vcfs, headers, chosen, set(listed_elsewhere), family, stats)

    inputs: list[_Input] = []
    for k, (v, (h, index, verified)) in enumerate(zip(vcfs, opened, strict=True)):
        mine = [s for s in samples if chosen[s] == k]
        if not mine:
            log.warning("%s holds none of the family's samples; it is not read", v)
            continue
        file_style = style_of(list(h.contigs))
        first = None
        if file_style == "unknown":
            first = first_contig(v)
            file_style = style_of([first] if first else [])
        inputs.append(_Input(v, h, mine, index, verified, file_style, first))

    stats.build_verified = all(i.verified for i in inputs)
    stats.mode = "indexed" if all(i.index is not None for i in inputs) else "streaming"
    if not stats.build_verified:
        unverified = [Path(i.path).name for i in inputs if not i.verified]
        stats.build_note = (f"genome build {build} could not be verified: no ##contig lengths "
                            f"in {', '.join(unverified)}")
        log.warning("%s", stats.build_note)
    styles = [i.style for i in inputs if i.style != "unknown"]
    style: ContigStyle = styles[0] if styles else "unknown"
    stats.contig_style = style
    if len(set(styles)) > 1:
        said = ", ".join(f"{Path(i.path).name}: {'chr1' if i.style == 'chr' else '1'}"
                         for i in inputs if i.style != "unknown")
        stats.note("contig_names_differ_between_vcfs",
                   f"the VCFs spell contig names differently ({said}); they were matched without "
                   f"'chr' and written as in {Path(inputs[0].path).name}")

    records: list[SplitRecord] = []
    dropped: list[Dropped] = []
    read_from: dict[str, int] = {}
    for inp in inputs:
        log.info("reading %s (%s)", inp.path, "indexed" if inp.index else "streaming")
        got = list(_read_input(inp, windows, regions, stats, dropped))
        read_from[inp.path] = len(got)
        records.extend(got)
        if got and not any("GT" in r.format for r in got):
            stats.note("no_genotype_field",
                       f"{Path(inp.path).name} has no GT (genotype) FORMAT field at any of its "
                       f"{len(got)} panel record(s): the genotypes of {', '.join(inp.samples)} "
                       "there are unknown (not reference). Fix: give the VCF with its genotypes "
                       "(the caller's GT field)", "caution", samples=inp.samples)
    for r in records:
        stats.values_miscounted += len(r.miscounted)

    norm: NormResult | None = None
    if reference_fasta:
        stats.normalization = "bcftools norm"
        norm = left_align(records, reference_fasta)

    known = [c for i in inputs for c in i.header.contigs] + [r.chrom for r in records]
    spell = {c: contig_name(c, style, known) for c in
             dict.fromkeys([*regions.chroms, *(normalize_chrom(r.chrom) for r in records)])}
    notes = MergeNotes()
    merged: dict[tuple[str, int, str, str], SplitRecord] = {}
    for rec in records:
        merge_record(merged, rec, notes)
    ordered = sorted(merged.values(), key=lambda r: (chrom_rank(r.chrom), r.pos, r.ref, r.alt))
    samples_of = {s: vcfs[k] for s, k in chosen.items()}
    _dropped_caveats(dropped, stats)
    _merge_caveats(notes, samples_of, stats, spell)
    _norm_caveats(norm, ordered, stats, spell)
    if stats.values_miscounted:
        keys = [_key(spell[normalize_chrom(r.chrom)], r.pos, r.ref, r.alt)
                for r in ordered if r.miscounted]
        fields = sorted({k for r in records for k in r.miscounted})
        stats.note("per_allele_value_miscounted",
                   f"{stats.values_miscounted} per-allele value(s) ({', '.join(fields)}) did not "
                   "have the count their header's Number= says; they are written as missing "
                   f"('.'), never guessed ({_listing(keys)})", variants=keys)

    _absent_chromosomes(inputs, regions.chroms, stats, read_from)
    _carry_over(upstream_stats, samples, stats)
    _write(out_vcf, inputs, list(samples), ordered, spell, regions, build, stats, panel_path)
    stats.records_written = len(ordered)
    log.info("filter_panel: %d records read, %d written (%d multiallelic split; skipped: %d "
             "symbolic alleles (read by interpret_structural), %d gVCF alleles, %d reference "
             "blocks, %d '*' alleles; %d left-aligned); mode %s; contigs %s; build %s %s",
             stats.records_read, stats.records_written, stats.split_multiallelic,
             stats.skipped_symbolic, stats.skipped_gvcf_alleles, stats.skipped_ref_blocks,
             stats.skipped_star, stats.left_aligned, stats.mode, stats.contig_style, build,
             "verified" if stats.build_verified else "NOT verified")
    for c in stats.caveats:
        log.warning("%s: %s", c.code, c.message)
    return stats


def _write(out_vcf: str, inputs: list[_Input], samples: list[str], ordered: list[SplitRecord],
           spell: Mapping[str, str], regions: IntervalSet, build: str, stats: FilterStats,
           panel_path: str) -> None:
    infos: dict[str, str] = {}
    formats: dict[str, str] = {}
    filters: dict[str, str] = {}
    lengths: dict[str, int | None] = {}
    for inp in inputs:
        for line in inp.header.meta_lines:
            kind, _, rest = line[2:].partition("=<ID=")
            ident = rest.split(",", 1)[0].split(">", 1)[0]
            target = {"INFO": infos, "FORMAT": formats, "FILTER": filters}.get(kind)
            if target is not None:
                target.setdefault(ident, line)
        for c, n in inp.header.contigs.items():
            lengths.setdefault(normalize_chrom(c), n)
    contigs = [(spell[c], lengths.get(c)) for c in
               sorted(dict.fromkeys([*regions.chroms, *(normalize_chrom(r.chrom)
                                                        for r in ordered)]), key=chrom_rank)]
    extra = [f"##dualdx_filter_panel=<build={build},build_verified="
             f"{'true' if stats.build_verified else 'false'},panel={Path(panel_path).name},"
             f"inputs={'|'.join(Path(i.path).name for i in inputs)},"
             f"normalization={stats.normalization.replace(' ', '_')}>"]
    lines, undefined = header_lines(infos, formats, filters, contigs, ordered, extra)
    if undefined:
        stats.note("fields_not_in_header",
                   f"the VCF uses field(s) its header does not define ({', '.join(undefined)}); "
                   "they were read as text")
    info_defs = {k: fd for i in inputs for k, fd in i.header.info.items()}
    format_defs = {k: fd for i in inputs for k, fd in i.header.formats.items()}
    write_panel_vcf(out_vcf, lines, samples,
                    [(spell[normalize_chrom(r.chrom)], r) for r in ordered], info_defs,
                    format_defs)


def write_filter_stats(stats: FilterStats, path: str) -> None:
    """``filter_stats.json`` beside the panel VCF: the filter funnel and its caveats."""
    write_stage_file("filter_stats", path, stats.to_dict(), indent=2)
