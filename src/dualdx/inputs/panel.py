"""Gene panel definitions (``resources/panels/*.tsv``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dualdx.core.errors import InputError
from dualdx.core.model import chrom_rank
from dualdx.core.textio import content_lines, read_user_text

Build = Literal["GRCh38", "GRCh37"]
BUILDS: tuple[Build, ...] = ("GRCh38", "GRCh37")

REQUIRED_COLUMNS = (
    "symbol",
    "hgnc_id",
    "refseq_transcript",
    "ensembl_transcript",
)
#: Coordinates per build: a panel gives the three columns of at least one build. A row may leave
#: all three of a build empty (a panel made from MANE, which is GRCh38 only); a run on that build
#: then stops with an error naming the genes (``Panel.regions``), never a guessed position.
BUILD_COLUMNS: dict[str, tuple[str, ...]] = {
    b: tuple(f"{b.lower()}_{c}" for c in ("chrom", "start", "end")) for b in BUILDS}
DEFAULTS = {
    "padding": "100",
    "lof_mechanism": "yes",
    "ba1_af": "0.05",
    "bs1_af": "0.005",
    "pm2_af": "0.0001",
}


@dataclass(frozen=True)
class Region:
    chrom: str  # without 'chr'
    start: int  # 1-based, closed
    end: int

    def padded(self, padding: int) -> Region:
        return Region(self.chrom, max(1, self.start - padding), self.end + padding)


@dataclass(frozen=True)
class PanelGene:
    symbol: str
    hgnc_id: str
    refseq_transcript: str
    ensembl_transcript: str
    regions: dict[str, Region]  # by build
    padding: int
    lof_mechanism: bool
    ba1_af: float
    bs1_af: float
    pm2_af: float

    def region(self, build: str, padded: bool = True) -> Region:
        """The gene's extent on ``build``; KeyError when the panel gives none (``Panel.regions``
        turns that into the user's error)."""
        r = self.regions[build]
        return r.padded(self.padding) if padded else r


@dataclass(frozen=True)
class Panel:
    name: str
    path: str
    genes: tuple[PanelGene, ...]

    @property
    def symbols(self) -> list[str]:
        return [g.symbol for g in self.genes]

    def require_build(self, build: str) -> None:
        """InputError when a gene of the panel has no coordinates on ``build``."""
        lacking = [g.symbol for g in self.genes if build not in g.regions]
        if lacking:
            cols = ", ".join(BUILD_COLUMNS.get(build, (f"{build.lower()}_chrom",)))
            raise InputError(
                self.path, f"no {build} coordinates for {', '.join(lacking)} (columns {cols} "
                f"empty or absent), but this run is on {build}",
                f"fill {cols} for these genes (the MANE Select transcript's extent on {build}), "
                "or set genome_build to a build the panel gives for every gene, with a VCF of "
                "that build")

    def gene(self, symbol: str) -> PanelGene:
        for g in self.genes:
            if g.symbol == symbol:
                return g
        raise KeyError(symbol)

    def regions(self, build: str, padded: bool = True) -> list[tuple[str, Region]]:
        """(symbol, region) sorted by chromosome order then start. InputError naming the genes
        when the panel gives no coordinates on ``build`` for some of them."""
        self.require_build(build)
        out = [(g.symbol, g.region(build, padded)) for g in self.genes]
        return sorted(out, key=lambda sr: (chrom_rank(sr[1].chrom), sr[1].start))




def _parse_int(path: Path, line: int, col: str, value: str) -> int:
    try:
        v = int(value)
    except ValueError:
        raise InputError(
            path, f"column {col!r} is {value!r}, not a whole number", "write a 1-based position",
            where=f"line {line}",
        ) from None
    if v < 0:
        raise InputError(path, f"column {col!r} is negative ({v})", "use a positive number",
                         where=f"line {line}")
    return v


def _parse_float(path: Path, line: int, col: str, value: str) -> float:
    try:
        v = float(value)
    except ValueError:
        raise InputError(path, f"column {col!r} is {value!r}, not a number",
                         "write an allele frequency between 0 and 1", where=f"line {line}") from None
    if not 0.0 <= v <= 1.0:
        raise InputError(path, f"column {col!r} is {v}, outside 0..1",
                         "write an allele frequency between 0 and 1", where=f"line {line}")
    return v


def load_panel(path: str | Path) -> Panel:
    """Read a panel TSV (comment lines start with '#'); raise InputError naming the line on error."""
    p = Path(path)
    if not p.is_file():
        raise InputError(p, "panel file not found", "set 'panel' in the config to an existing TSV")
    text = read_user_text(p, "panel file not found",
                          "set 'panel' in the config to an existing TSV",
                          "the panel as UTF-8 tab-separated text")
    lines = content_lines(text)
    if not lines:
        raise InputError(p, "panel has no header and no genes", "see resources/panels/default.tsv")
    header_line = lines[0][0]
    reader = csv.reader([ln for _, ln in lines], delimiter="\t")
    cols = next(reader)
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    builds = [b for b, bcols in BUILD_COLUMNS.items() if any(c in cols for c in bcols)]
    missing += [c for b in builds for c in BUILD_COLUMNS[b] if c not in cols]
    if not builds:
        missing += list(BUILD_COLUMNS["GRCh38"])
    if missing:
        raise InputError(p, f"header lacks column(s) {', '.join(missing)}",
                         "use the columns of resources/panels/default.tsv", where=f"line {header_line}")
    genes: list[PanelGene] = []
    seen: set[str] = set()
    for (lineno, _), row in zip(lines[1:], reader, strict=True):
        if len(row) != len(cols):
            raise InputError(p, f"{len(row)} fields where the header has {len(cols)}",
                             "separate columns with one tab each", where=f"line {lineno}")
        rec = dict(zip(cols, row, strict=True))
        for k, v in DEFAULTS.items():
            if not rec.get(k):
                rec[k] = v
        sym = rec["symbol"].strip()
        if not sym:
            raise InputError(p, "empty gene symbol", "write the HGNC symbol", where=f"line {lineno}")
        if sym in seen:
            raise InputError(p, f"gene {sym} is listed twice", "keep one row per gene",
                             where=f"line {lineno}")
        seen.add(sym)
        regions: dict[str, Region] = {}
        for build in builds:
            chrom_col, start_col, end_col = BUILD_COLUMNS[build]
            if not any(rec[c].strip() for c in BUILD_COLUMNS[build]):
                continue  # no coordinates on this build for this gene: Panel.require_build
            chrom = rec[chrom_col].strip()
            if not chrom:
                raise InputError(p, f"{sym} has {build} start/end but no {chrom_col}",
                                 "write the chromosome (e.g. 11 or chr11)", where=f"line {lineno}")
            chrom = chrom[3:] if chrom.lower().startswith("chr") else chrom
            start = _parse_int(p, lineno, start_col, rec[start_col])
            end = _parse_int(p, lineno, end_col, rec[end_col])
            if end < start:
                raise InputError(p, f"{sym} {build} end {end} is before start {start}",
                                 "swap start and end", where=f"line {lineno}")
            regions[build] = Region(chrom, start, end)
        lof = rec["lof_mechanism"].strip().lower()
        if lof not in ("yes", "no"):
            raise InputError(p, f"lof_mechanism is {lof!r}", "write yes or no", where=f"line {lineno}")
        genes.append(
            PanelGene(
                symbol=sym,
                hgnc_id=rec["hgnc_id"].strip(),
                refseq_transcript=rec["refseq_transcript"].strip(),
                ensembl_transcript=rec["ensembl_transcript"].strip(),
                regions=regions,
                padding=_parse_int(p, lineno, "padding", rec["padding"]),
                lof_mechanism=lof == "yes",
                ba1_af=_parse_float(p, lineno, "ba1_af", rec["ba1_af"]),
                bs1_af=_parse_float(p, lineno, "bs1_af", rec["bs1_af"]),
                pm2_af=_parse_float(p, lineno, "pm2_af", rec["pm2_af"]),
            )
        )
    if not genes:
        raise InputError(p, "panel lists no genes", "add one row per gene under the header")
    if not any(g.regions for g in genes):
        raise InputError(p, "no gene has coordinates on either build",
                         "fill grch38_chrom, grch38_start, grch38_end (or the grch37_ columns)")
    return Panel(name=p.stem, path=str(p), genes=tuple(genes))
