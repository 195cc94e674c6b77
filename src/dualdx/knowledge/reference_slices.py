"""Panel-region slices of a remote indexed reference FASTA, read through htslib.

``download_resources`` writes the reference bases of the panel regions (padded) to a small FASTA
whose records are named ``chrom:start-end`` (``dualdx.knowledge.sequence.GenomeSequence`` reads it
in genome coordinates; the panel filter left-aligns indels against it). The reference itself is
never downloaded: its ``.fai`` (and ``.gzi`` when bgzipped) are fetched whole with
:func:`dualdx.knowledge.download.fetch` (retried, atomic), and htslib (``pysam.FastaFile`` on the
URL, with those local indexes) reads only the BGZF blocks or byte ranges of the regions over
HTTPS. htslib resumes a transfer that breaks off; whatever else fails is retried here by
opening the file again, with back-off. Every slice is checked to hold exactly the bases its name
says before anything is written, and the slice FASTA and its ``.fai`` replace a previous pair
only when complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pysam
import requests

from dualdx.core.errors import ResourceError
from dualdx.core.genome import parse_slice_name
from dualdx.core.intervals import merge_intervals
from dualdx.core.model import normalize_chrom
from dualdx.knowledge.download import Source, fetch

RegionT = tuple[str, int, int]
_SLICE_LINE = 60


def official_reference(build: str) -> Source:
    """The reference FASTA of a build, read by region (never downloaded whole).

    GRCh38: Ensembl release 113 ``dna_index`` toplevel FASTA, bgzipped with ``.fai`` and ``.gzi``
    beside it (contigs ``1``..``22``, ``X``, ``Y``, ``MT``; same sequence as the primary assembly
    on those contigs). Pattern:
    ``https://ftp.ensembl.org/pub/release-<N>/fasta/homo_sapiens/dna_index/Homo_sapiens.GRCh38.dna.toplevel.fa.gz{,.fai,.gzi}``.
    GRCh37: Ensembl publishes no indexed GRCh37 FASTA (its ``primary_assembly.fa.gz`` is plain
    gzip), so the Broad b37 FASTA is used, uncompressed with a ``.fai`` (contigs ``1``..): pattern
    ``https://storage.googleapis.com/gcp-public-data--broad-references/hg19/v0/Homo_sapiens_assembly19.fasta{,.fai}``.
    Neither host is reachable from the development machine (no internet there): the URLs were
    not fetched during development; the remote reading is tested on a loopback server.
    """
    if build == "GRCh38":
        url = ("https://ftp.ensembl.org/pub/release-113/fasta/homo_sapiens/dna_index/"
               "Homo_sapiens.GRCh38.dna.toplevel.fa.gz")
        return Source("reference", url, "ensembl-113", None, url + ".fai")
    if build == "GRCh37":
        url = ("https://storage.googleapis.com/gcp-public-data--broad-references/hg19/v0/"
               "Homo_sapiens_assembly19.fasta")
        return Source("reference", url, "broad-hg19-v0", None, url + ".fai")
    raise ResourceError(f"unknown genome build {build!r}; use GRCh38 or GRCh37")


def _contig(chrom: str, lengths: dict[str, int], url: str) -> str:
    """The FASTA's own name for ``chrom``, whether it says ``chr11`` or ``11``."""
    if chrom in lengths:
        return chrom
    key = normalize_chrom(chrom)
    for name in lengths:
        if normalize_chrom(name) == key:
            return name
    some = ", ".join(list(lengths)[:5])
    raise ResourceError(f"{url}: contig {chrom!r} is not in its index ({len(lengths)} contigs: "
                        f"{some}, ...); check that the FASTA is of the configured genome build")


def _open_remote(url: str, fai: Path, gzi: Path | None) -> Any:
    before = pysam.set_verbosity(0)
    try:
        return pysam.FastaFile(url, filepath_index=str(fai),
                               filepath_index_compressed=str(gzi) if gzi else None)
    finally:
        pysam.set_verbosity(before)


def _read_regions(url: str, fai: Path, gzi: Path | None, merged: list[RegionT], retries: int,
                  backoff: float) -> list[tuple[str, str]]:
    """(record name, bases) of each region, read by htslib; retried as a whole on failure."""
    errors: list[str] = []
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            fa = _open_remote(url, fai, gzi)
        except (OSError, ValueError) as e:
            errors.append(f"attempt {attempt + 1}: cannot open it ({e})")
            continue
        try:
            lengths = dict(zip(fa.references, fa.lengths, strict=True))
            records: list[tuple[str, str]] = []
            for chrom, start, end in merged:
                name = _contig(chrom, lengths, url)
                if start > lengths[name]:
                    raise ResourceError(f"{url}: region {chrom}:{start}-{end} starts after the end "
                                        f"of contig {name} ({lengths[name]} bp); check the "
                                        "genome build")
                end = min(end, lengths[name])
                before = pysam.set_verbosity(0)
                try:
                    seq = str(fa.fetch(name, start - 1, end))
                finally:
                    pysam.set_verbosity(before)
                if len(seq) != end - start + 1 or not seq.isalpha():
                    raise ValueError(f"read {len(seq)} of the {end - start + 1} bases of "
                                     f"{name}:{start}-{end}")
                records.append((f"{name}:{start}-{end}", seq))
            return records
        except (OSError, ValueError) as e:
            errors.append(f"attempt {attempt + 1}: {e}")
        finally:
            fa.close()
    hint = (" A gzip-compressed FASTA must be bgzipped (not plain gzip) and its .gzi must belong "
            "to it." if gzi is not None else "")
    raise ResourceError(f"{url}: reading the panel regions failed after {retries + 1} attempts ("
                        + "; ".join(errors) + "); nothing was written, retry later. The "
                        ".fai/.gzi index must belong to the FASTA." + hint)


def fetch_fasta_slices(url: str, regions: list[RegionT], out_fasta: Path, *, release: str,
                       fai_url: str | None = None, gzi_url: str | None = None,
                       retries: int = 4, backoff: float = 1.0, timeout: float = 30.0,
                       session: requests.Session | None = None) -> Path:
    """Read only ``regions`` of a remote indexed FASTA and write them to ``out_fasta`` (+ .fai).

    ``url`` is a bgzipped FASTA (``.gz``/``.bgz``: ``.fai`` and ``.gzi`` beside it) or a plain
    one (``.fai`` beside it); ``fai_url``/``gzi_url`` override the index locations. Both indexes
    are fetched to a temporary folder (removed afterwards; ``timeout`` and ``session`` apply to
    them); htslib then reads the regions (module doc). ``regions`` are ``(chrom, start, end)``,
    1-based closed; ``chr11`` and ``11`` both match whichever spelling the file uses. Overlapping
    or touching regions are merged; an end past the contig end is clipped. Each record is named
    ``<chrom>:<start>-<end>`` (chrom as in the source) with ``source=<url> release=<release>``
    after the name, 60 bases a line.

    On any failure a :class:`ResourceError` is raised and ``out_fasta`` is left as it was.
    Per-slice checksums: :func:`fasta_slices_info`.
    """
    out_fasta = Path(out_fasta)
    if not regions:
        raise ResourceError(f"{url}: no regions to read; give the panel's regions")
    try:
        merged = merge_intervals(regions)
    except ValueError as err:
        raise ResourceError(f"{url}: {err}") from None
    bgzipped = urlsplit(url).path.endswith((".gz", ".bgz", ".bgzf"))
    fai_url = fai_url or url + ".fai"
    gzi_url = gzi_url or (url + ".gzi" if bgzipped else None)
    tmp = Path(tempfile.mkdtemp(prefix="dualdx-fasta-index-"))
    try:
        kw: dict[str, Any] = {"retries": retries, "backoff": backoff, "timeout": timeout,
                              "session": session}
        fai = fetch(Source("fai", fai_url, release, None), tmp / "fai", **kw)
        gzi = fetch(Source("gzi", gzi_url, release, None), tmp / "gzi", **kw) if gzi_url else None
        records = _read_regions(url, fai, gzi, merged, retries, backoff)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _write_slices(out_fasta, records, f"source={url} release={release}")
    return out_fasta


def _write_slices(out_fasta: Path, records: list[tuple[str, str]], note: str) -> None:
    out_fasta.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out_fasta.name}.", dir=out_fasta.parent))
    try:
        fa = stage / out_fasta.name
        with fa.open("w", encoding="ascii", newline="\n") as fh:
            for name, seq in records:
                fh.write(f">{name} {note}\n")
                for i in range(0, len(seq), _SLICE_LINE):
                    fh.write(seq[i:i + _SLICE_LINE] + "\n")
        pysam.faidx(str(fa))
        fai = out_fasta.with_name(out_fasta.name + ".fai")
        with contextlib.suppress(FileNotFoundError):
            fai.unlink()
        os.replace(fa, out_fasta)
        os.replace(stage / (out_fasta.name + ".fai"), fai)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def fasta_slices_info(fasta: Path) -> list[dict[str, Any]]:
    """Per-slice manifest info of a slice FASTA: name, chrom, start, end, length, sha256.

    ``sha256`` is over the slice's bases exactly as stored (no header, no line breaks), so it
    can be re-checked from any FASTA holding the same interval of the same release.
    """
    out: list[dict[str, Any]] = []
    with pysam.FastaFile(str(fasta)) as fa:
        for name in fa.references:
            sl = parse_slice_name(name)
            if sl is None:
                raise ResourceError(f"{fasta}: record {name!r} is not named chrom:start-end")
            seq = fa.fetch(name).encode("ascii")
            out.append({"name": name, "chrom": sl[0], "start": sl[1], "end": sl[2],
                        "length": len(seq), "sha256": hashlib.sha256(seq).hexdigest()})
    return out


def reference_slices(build: str, base: Path, panel_path: Path, reference: Source | None,
                     log: logging.Logger, **kw: Any) -> list[dict[str, Any]]:
    """Fetch the panel-region slices of the reference; return their manifest entries."""
    from dualdx.inputs.panel import load_panel

    panel = load_panel(panel_path)
    ref = reference or official_reference(build)
    regions = [(r.chrom, r.start, r.end) for _, r in panel.regions(build)]
    out = base / ref.name / ref.release / f"{panel.name}.{build}.slices.fa"
    log.info("reading %d panel regions of %s (%s) -> %s", len(regions), ref.url, ref.release, out)
    fetch_fasta_slices(ref.url, regions, out, release=ref.release, fai_url=ref.index_url, **kw)
    return [
        {"name": "reference_slices", "url": ref.url, "release": ref.release,
         "path": str(out.relative_to(base)), "panel": str(panel_path),
         "mode": "panel-region slices of a remote indexed FASTA (read by htslib over HTTP)",
         "slices": fasta_slices_info(out)},
        {"name": "reference_slices_index", "url": None, "release": ref.release,
         "path": str(Path(str(out) + ".fai").relative_to(base)),
         "mode": "built locally (pysam.faidx)"},
    ]
