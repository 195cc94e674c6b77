"""Downloading public databases: resumable, retried, checksum-verified, never half-written.

A file is first written to ``<name>.part`` beside its destination; an interrupted download resumes
from there with an HTTP ``Range`` request. Only a complete body (Content-Length honoured) whose
sha256 matches (when known) is renamed onto the final path, so the final path holds either the
previous release, or the new one whole. Transient failures (5xx, 429, time-outs, dropped
connections, truncated bodies) are retried with exponential back-off; everything else raises
:class:`dualdx.core.errors.ResourceError` naming the URL and what happened.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import logging
import os
import re
import shutil
import struct
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pysam
import requests

from dualdx.core import atomic
from dualdx.core.errors import ResourceError
from dualdx.core.intervals import merge_intervals
from dualdx.core.model import normalize_chrom

_CHUNK = 1 << 16


@dataclass
class Source:
    """One downloadable file. ``release`` "latest" marks a moving URL (resolved date recorded)."""

    name: str
    url: str
    release: str
    sha256: str | None
    index_url: str | None = None

    @property
    def filename(self) -> str:
        return Path(urlsplit(self.url).path).name


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _Retryable(Exception):
    """A failure worth another try (the message says what happened)."""


def _download_once(url: str, part: Path, session: requests.Session, timeout: float) -> None:
    """Append the missing bytes of ``url`` to ``part``; raise _Retryable / ResourceError."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        resp = session.get(url, headers=headers, stream=True, timeout=timeout)
    except (requests.Timeout, requests.ConnectionError) as e:
        raise _Retryable(f"connection failed or timed out ({type(e).__name__})") from None
    with resp:
        status = resp.status_code
        if status == 416 and have:
            # the .part already holds the whole file (or is longer than it): start over
            part.unlink()
            raise _Retryable("server refused the resume range (HTTP 416); restarting")
        if status == 429 or status >= 500:
            raise _Retryable(f"server answered HTTP {status}")
        if status not in (200, 206):
            raise ResourceError(f"{url}: server answered HTTP {status} {resp.reason}; "
                                "check the URL (or that the release still exists)")
        mode = "ab"
        if status == 200 and have:
            mode = "wb"  # server ignored Range: the body is the whole file
            have = 0
        expected_len: int | None = None
        if resp.headers.get("Content-Length", "").isdigit():
            expected_len = int(resp.headers["Content-Length"])
        got = 0
        try:
            with part.open(mode) as fh:
                for chunk in resp.iter_content(_CHUNK):
                    fh.write(chunk)
                    got += len(chunk)
        except (requests.Timeout, requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError) as e:
            raise _Retryable(f"transfer broke off after {have + got} bytes "
                             f"({type(e).__name__})") from None
        if expected_len is not None and got != expected_len:
            raise _Retryable(f"body truncated: {got} of {expected_len} bytes received")


def fetch(source: Source, dest_dir: Path, *, retries: int = 4, backoff: float = 1.0,
          timeout: float = 30.0, session: requests.Session | None = None) -> Path:
    """Download ``source.url`` into ``dest_dir`` (and ``index_url`` beside it); return the path.

    ``retries`` is the number of extra attempts after the first; the wait before attempt k is
    ``backoff * 2**(k-1)`` seconds. An existing final file whose sha256 matches is kept as is.
    The file and its index are both downloaded completely (to ``.part`` files) before either is
    renamed into place, so a failure leaves the previous pair untouched.
    """
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    final = dest_dir / source.filename
    if final.exists() and source.sha256 and sha256_file(final) == source.sha256.lower():
        idx_ok = source.index_url is None or (
            dest_dir / Path(urlsplit(source.index_url).path).name).exists()
        if idx_ok:
            return final
    sess = session or requests.Session()
    try:
        staged = [(_download_verified(source.url, final, source.sha256, sess, retries, backoff,
                                      timeout), final)]
        if source.index_url:
            idx_final = dest_dir / Path(urlsplit(source.index_url).path).name
            staged.append((_download_verified(source.index_url, idx_final, None, sess, retries,
                                              backoff, timeout), idx_final))
    finally:
        if session is None:
            sess.close()
    for part, target in staged:
        os.replace(part, target)
    return final


def _download_verified(url: str, final: Path, sha256: str | None, session: requests.Session,
                       retries: int, backoff: float, timeout: float) -> Path:
    """Download ``url`` to ``final``.part (resuming), verify it, and return the .part path."""
    part = final.with_name(final.name + ".part")
    errors: list[str] = []
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            _download_once(url, part, session, timeout)
        except _Retryable as e:
            errors.append(f"attempt {attempt + 1}: {e}")
            continue
        except ResourceError:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
            raise
        break
    else:
        raise ResourceError(f"{url}: download failed after {retries + 1} attempts ("
                            + "; ".join(errors) + f"). The partial file {part} is kept so the "
                            "next run resumes; any previous release is left in place")
    if sha256:
        got = sha256_file(part)
        if got != sha256.lower():
            part.unlink()
            raise ResourceError(f"{url}: checksum mismatch (sha256 {got}, expected "
                                f"{sha256.lower()}); the download was discarded and any "
                                "previous release left in place. Check the expected checksum or "
                                "retry later")
    return part


def manifest_entries(dest_dir: Path, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Complete manifest entries: ``sha256`` of the file when absent, ``date`` (UTC day) today."""
    today = _dt.datetime.now(_dt.UTC).date().isoformat()
    out: list[dict[str, Any]] = []
    for e in entries:
        if "url" not in e or "path" not in e:
            raise ResourceError(f"manifest entry {e!r} lacks 'url' or 'path'")
        item = dict(e)
        item.setdefault("release", None)
        if item["path"] is not None:
            p = Path(item["path"])
            full = p if p.is_absolute() else Path(dest_dir) / p
            item["path"] = str(p)
            if not item.get("sha256"):
                item["sha256"] = sha256_file(full) if full.is_file() else None
        item.setdefault("sha256", None)
        item.setdefault("date", today)
        out.append(item)
    return out


def write_manifest(dest_dir: Path, entries: list[dict[str, Any]]) -> None:
    """Write ``MANIFEST.json`` in ``dest_dir``: one entry per file (URL, release, sha256, date).

    Each entry needs ``url`` and ``path`` (relative to ``dest_dir``, or None for a file read
    remotely); ``sha256`` is computed when absent and ``date`` (the UTC day the file was
    resolved) defaults to today.
    """
    dest_dir = Path(dest_dir)
    doc = {"files": manifest_entries(dest_dir, entries)}
    atomic.write_text(dest_dir / "MANIFEST.json", json.dumps(doc, indent=1) + "\n")


def gnomad_url_template(build: str) -> str:
    """Per-chromosome gnomAD exomes URL with a ``{chrom}`` placeholder (no ``chr``)."""
    bucket = "https://storage.googleapis.com/gcp-public-data--gnomad/release/"
    if build == "GRCh38":
        return bucket + "4.1/vcf/exomes/gnomad.exomes.v4.1.sites.chr{chrom}.vcf.bgz"
    if build == "GRCh37":
        return bucket + "2.1.1/vcf/exomes/gnomad.exomes.r2.1.1.sites.{chrom}.vcf.bgz"
    raise ResourceError(f"unknown genome build {build!r}; use GRCh38 or GRCh37")


def _date_line(lines: Iterable[str]) -> str | None:
    for n, line in enumerate(lines):
        if line.startswith("##fileDate="):
            return line.split("=", 1)[1].strip()
        if n > 200 or not line.startswith("##"):
            return None
    return None


def _file_date(path: Path) -> str | None:
    """``##fileDate`` of a (gzipped) VCF, read from its first lines only."""
    import gzip

    try:
        with path.open("rb") as raw:
            gz = raw.read(2) == b"\x1f\x8b"
        if gz:
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
                return _date_line(fh)
        with path.open(encoding="utf-8", errors="replace") as fh2:
            return _date_line(fh2)
    except (OSError, EOFError):
        return None


def run_download_resources(build: str, dest: str, manifest: str, log: logging.Logger,
                           sources: list[Source] | None = None,
                           session: requests.Session | None = None,
                           retries: int = 4, backoff: float = 1.0, timeout: float = 30.0,
                           panel_path: str | Path | None = None,
                           reference: Source | None = None) -> None:
    """Fetch the official files of ``build`` (ClinVar, MANE) under ``dest/<name>/<release>/``
    and write ``manifest`` (JSON). gnomAD is not downloaded (tens of GB per chromosome): its
    per-chromosome URL template is recorded for remote reading (``annotation.gnomad``).

    With ``panel_path``, the panel's padded regions of the reference FASTA (``reference``, by
    default :func:`official_reference`) are also read remotely and written to
    ``dest/reference/<release>/<panel>.<build>.slices.fa`` (+ ``.fai``); the manifest entry lists
    each slice with its sha256 (:func:`fasta_slices_info`).
    """
    chosen = sources if sources is not None else official_sources(build, chromosomes=())
    base = Path(dest)
    entries: list[dict[str, Any]] = []
    for src in chosen:
        dest_dir = base / src.name / src.release
        log.info("fetching %s (%s) -> %s", src.url, src.release, dest_dir)
        path = fetch(src, dest_dir, retries=retries, backoff=backoff, timeout=timeout,
                     session=session)
        entry: dict[str, Any] = {"name": src.name, "url": src.url, "release": src.release,
                                 "path": str(path.relative_to(base))}
        if src.name == "clinvar":
            entry["file_date"] = _file_date(path)
        entries.append(entry)
        if src.index_url:
            idx = dest_dir / Path(urlsplit(src.index_url).path).name
            entries.append({"name": src.name + "_index", "url": src.index_url,
                            "release": src.release, "path": str(idx.relative_to(base))})
    if sources is None:
        release = "4.1" if build == "GRCh38" else "2.1.1"
        entries.append({"name": "gnomad", "url": gnomad_url_template(build), "release": release,
                        "path": None, "mode": "remote (tabix over HTTPS, panel regions only)"})
    if panel_path is not None:
        entries += _reference_slices(build, base, Path(panel_path), reference, log,
                                     session=session, retries=retries, backoff=backoff,
                                     timeout=timeout)
    doc = {"build": build, "files": manifest_entries(base, entries)}
    atomic.write_text(manifest, json.dumps(doc, indent=1) + "\n")
    log.info("manifest written: %s (%d entries)", manifest, len(entries))


_ALL_CHROMS = tuple([str(i) for i in range(1, 23)] + ["X", "Y"])


def official_sources(build: str, chromosomes: tuple[str, ...] | list[str] | None = None
                     ) -> list[Source]:
    """The official downloads for a build.

    ClinVar's weekly VCF is a moving URL (release "latest": the manifest records the day it was
    resolved and the file's ``##fileDate``). MANE (GRCh38 only) is pinned to release 1.4. gnomAD
    is one file per chromosome (v4.1 exomes on GRCh38, v2.1.1 exomes on GRCh37); pass
    ``chromosomes`` (without ``chr``) to list only those, e.g. the panel's. These gnomAD files are
    large: the workflow can also read them remotely (``dualdx.knowledge.gnomad.GnomadDB.open(url, ...)``).
    """
    if build not in ("GRCh38", "GRCh37"):
        raise ResourceError(f"unknown genome build {build!r}; use GRCh38 or GRCh37")
    chroms = tuple(chromosomes) if chromosomes is not None else _ALL_CHROMS
    clinvar = f"https://ftp.ncbi.nlm.nih.gov/pub/clinvar/vcf_{build}/clinvar.vcf.gz"
    sources = [Source("clinvar", clinvar, "latest", None, clinvar + ".tbi")]
    bucket = "https://storage.googleapis.com/gcp-public-data--gnomad/release/"
    if build == "GRCh38":
        mane = "https://ftp.ncbi.nlm.nih.gov/refseq/MANE/MANE_human/release_1.4/"
        sources += [
            Source("mane", mane + "MANE.GRCh38.v1.4.summary.txt.gz", "1.4", None),
            Source("mane", mane + "MANE.GRCh38.v1.4.refseq_genomic.gff.gz", "1.4", None),
            Source("mane", mane + "MANE.GRCh38.v1.4.refseq_rna.fna.gz", "1.4", None),
        ]
        for chrom in chroms:
            url = f"{bucket}4.1/vcf/exomes/gnomad.exomes.v4.1.sites.chr{chrom}.vcf.bgz"
            sources.append(Source("gnomad", url, "4.1", None, url + ".tbi"))
    else:
        for chrom in chroms:
            url = f"{bucket}2.1.1/vcf/exomes/gnomad.exomes.r2.1.1.sites.{chrom}.vcf.bgz"
            sources.append(Source("gnomad", url, "2.1.1", None, url + ".tbi"))
    return sources


# --- Panel-region slices of a remote indexed reference FASTA --------------------------------

RegionT = tuple[str, int, int]
_SLICE_NAME = re.compile(r"^(?P<chrom>.+):(?P<start>\d+)-(?P<end>\d+)$")
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
    not fetched during development; the range-reading code is tested on a loopback server.
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


@dataclass(frozen=True)
class _FaiEntry:
    name: str
    length: int
    offset: int
    linebases: int
    linewidth: int

    def byte(self, pos: int) -> int:
        """Offset in the (uncompressed) file of 1-based position ``pos``."""
        q, r = divmod(pos - 1, self.linebases)
        return self.offset + q * self.linewidth + r


def _parse_fai(path: Path, url: str) -> dict[str, _FaiEntry]:
    out: dict[str, _FaiEntry] = {}
    for n, line in enumerate(path.read_text(encoding="ascii", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        f = line.split("\t")
        try:
            e = _FaiEntry(f[0], int(f[1]), int(f[2]), int(f[3]), int(f[4]))
        except (IndexError, ValueError):
            raise ResourceError(f"{url}: line {n} of its .fai index is not 'name, length, offset, "
                                "linebases, linewidth'; check that the index belongs to this "
                                "FASTA") from None
        if e.linebases <= 0 or e.linewidth < e.linebases:
            raise ResourceError(f"{url}: line {n} of its .fai index has impossible line sizes")
        out[e.name] = e
    if not out:
        raise ResourceError(f"{url}: its .fai index is empty")
    return out


def _parse_gzi(path: Path, url: str) -> list[tuple[int, int]]:
    """(compressed, uncompressed) offsets of each BGZF block start, (0, 0) included."""
    data = path.read_bytes()
    if len(data) < 8:
        raise ResourceError(f"{url}: its .gzi index is too short ({len(data)} bytes)")
    (n,) = struct.unpack_from("<Q", data, 0)
    if len(data) != 8 + 16 * n:
        raise ResourceError(f"{url}: its .gzi index announces {n} blocks but holds "
                            f"{len(data) - 8} bytes of offsets; re-fetch it")
    pairs = [struct.unpack_from("<QQ", data, 8 + 16 * i) for i in range(n)]
    return [(0, 0)] + [(int(c), int(u)) for c, u in pairs]


def _contig(chrom: str, fai: dict[str, _FaiEntry], url: str) -> _FaiEntry:
    """The index entry for ``chrom``, whether the file says ``chr11`` or ``11``."""
    if chrom in fai:
        return fai[chrom]
    key = normalize_chrom(chrom)
    for name, e in fai.items():
        if normalize_chrom(name) == key:
            return e
    some = ", ".join(list(fai)[:5])
    raise ResourceError(f"{url}: contig {chrom!r} is not in its index ({len(fai)} contigs: "
                        f"{some}, ...); check that the FASTA is of the configured genome build")


def _get_range(url: str, start: int, end: int | None, session: requests.Session, retries: int,
               backoff: float, timeout: float) -> bytes:
    """Bytes ``start..end`` (closed; ``end`` None: to the end of file) of ``url``, retried."""
    rng = f"bytes={start}-{'' if end is None else end}"
    errors: list[str] = []
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            return _get_range_once(url, rng, start, end, session, timeout)
        except _Retryable as e:
            errors.append(f"attempt {attempt + 1}: {e}")
    raise ResourceError(f"{url}: reading {rng} failed after {retries + 1} attempts ("
                        + "; ".join(errors) + "); nothing was written, retry later")


def _get_range_once(url: str, rng: str, start: int, end: int | None,
                    session: requests.Session, timeout: float) -> bytes:
    try:
        resp = session.get(url, headers={"Range": rng}, stream=True, timeout=timeout)
    except (requests.Timeout, requests.ConnectionError) as e:
        raise _Retryable(f"connection failed or timed out ({type(e).__name__})") from None
    with resp:
        status = resp.status_code
        if status == 429 or status >= 500:
            raise _Retryable(f"server answered HTTP {status}")
        if status == 200 and start != 0:
            raise ResourceError(f"{url}: the server ignored the HTTP Range request (answered "
                                "200 with the whole file); use a server that supports ranges")
        if status not in (200, 206):
            raise ResourceError(f"{url}: server answered HTTP {status} {resp.reason} to {rng}; "
                                "check the URL (or that the release still exists)")
        expected: int | None = None
        if resp.headers.get("Content-Length", "").isdigit():
            expected = int(resp.headers["Content-Length"])
        chunks: list[bytes] = []
        try:
            for chunk in resp.iter_content(_CHUNK):
                chunks.append(chunk)
        except (requests.Timeout, requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError) as e:
            got = sum(len(c) for c in chunks)
            raise _Retryable(f"transfer broke off after {got} bytes ({type(e).__name__})"
                             ) from None
    body = b"".join(chunks)
    if expected is not None and len(body) != expected:
        raise _Retryable(f"body truncated: {len(body)} of {expected} bytes received")
    if status == 200 and end is not None:
        body = body[: end + 1]  # whole file from offset 0: keep the asked range
    if end is not None and len(body) != end - start + 1:
        raise _Retryable(f"asked for {end - start + 1} bytes ({rng}), received {len(body)}")
    return body


def _bgzf_decompress(data: bytes, url: str) -> bytes:
    """Inflate concatenated BGZF (gzip) members; each member's CRC is checked by zlib."""
    out: list[bytes] = []
    rest = data
    while rest:
        d = zlib.decompressobj(wbits=31)
        try:
            out.append(d.decompress(rest))
        except zlib.error as e:
            raise ResourceError(f"{url}: bytes at the .gzi block offsets are not BGZF ({e}); "
                                "the FASTA must be bgzipped (not plain gzip) and the .gzi must "
                                "belong to it") from None
        if not d.eof:
            raise ResourceError(f"{url}: a BGZF block ends early; the file or its .gzi index "
                                "is inconsistent")
        rest = d.unused_data
    return b"".join(out)


def _read_region(url: str, e: _FaiEntry, start: int, end: int, gzi: list[tuple[int, int]] | None,
                 get: Callable[[int, int | None], bytes]) -> str:
    """Bases ``start..end`` (1-based closed, within the contig) of contig ``e`` of ``url``."""
    u0, u1 = e.byte(start), e.byte(end)
    if gzi is None:
        raw = get(u0, u1)
    else:
        i = max(k for k, (_, u) in enumerate(gzi) if u <= u0)
        c0, ubase = gzi[i]
        nxt = [c for c, u in gzi[i + 1:] if u > u1]
        c1 = nxt[0] - 1 if nxt else None
        data = _bgzf_decompress(get(c0, c1), url)
        raw = data[u0 - ubase: u1 - ubase + 1]
    seq = raw.replace(b"\n", b"").replace(b"\r", b"")
    if len(seq) != end - start + 1 or b">" in seq or not seq.isalpha():
        raise ResourceError(f"{url}: bytes read for {e.name}:{start}-{end} are not "
                            f"{end - start + 1} bases of sequence; the .fai/.gzi index does not "
                            "match the FASTA (re-fetch both from the same release)")
    return seq.decode("ascii")


def fetch_fasta_slices(url: str, regions: list[RegionT], out_fasta: Path, *, release: str,
                       fai_url: str | None = None, gzi_url: str | None = None,
                       retries: int = 4, backoff: float = 1.0, timeout: float = 30.0,
                       session: requests.Session | None = None) -> Path:
    """Read only ``regions`` of a remote indexed FASTA and write them to ``out_fasta`` (+ .fai).

    ``url`` is a bgzipped FASTA (``.gz``/``.bgz``: ``.fai`` and ``.gzi`` beside it) or a plain
    one (``.fai`` beside it); ``fai_url``/``gzi_url`` override the index locations. Both indexes
    are fetched to a temporary folder (removed afterwards); the sequence is then read with HTTP
    Range requests, each retried like :func:`fetch` (5xx, 429, time-outs, truncated bodies).
    ``regions`` are ``(chrom, start, end)``, 1-based closed; ``chr11`` and ``11`` both match
    whichever spelling the file uses. Overlapping or touching regions are merged; an end past
    the contig end is clipped. Each record is named ``<chrom>:<start>-<end>`` (chrom as in the
    source) with ``source=<url> release=<release>`` after the name, 60 bases a line.

    Everything is read before anything is written; the FASTA and its ``.fai`` then replace any
    previous pair (the old ``.fai`` is removed first, so a crash never pairs a new FASTA with a
    stale index). On any failure a :class:`ResourceError` is raised and ``out_fasta`` is left
    as it was. Per-slice checksums: :func:`fasta_slices_info`.
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
    sess = session or requests.Session()
    tmp = Path(tempfile.mkdtemp(prefix="dualdx-fasta-index-"))
    try:
        kw: dict[str, Any] = {"retries": retries, "backoff": backoff, "timeout": timeout,
                              "session": sess}
        fai = _parse_fai(fetch(Source("fai", fai_url, release, None), tmp, **kw), url)
        gzi = _parse_gzi(fetch(Source("gzi", gzi_url, release, None), tmp / "gzi", **kw), url
                         ) if gzi_url else None

        def get(a: int, b: int | None) -> bytes:
            return _get_range(url, a, b, sess, retries, backoff, timeout)

        records: list[tuple[str, str]] = []
        for chrom, start, end in merged:
            e = _contig(chrom, fai, url)
            if start > e.length:
                raise ResourceError(f"{url}: region {chrom}:{start}-{end} starts after the end "
                                    f"of contig {e.name} ({e.length} bp); check the genome build")
            end = min(end, e.length)
            records.append((f"{e.name}:{start}-{end}", _read_region(url, e, start, end, gzi, get)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if session is None:
            sess.close()
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
            m = _SLICE_NAME.match(name)
            if m is None:
                raise ResourceError(f"{fasta}: record {name!r} is not named chrom:start-end")
            seq = fa.fetch(name).encode("ascii")
            out.append({"name": name, "chrom": m["chrom"], "start": int(m["start"]),
                        "end": int(m["end"]), "length": len(seq),
                        "sha256": hashlib.sha256(seq).hexdigest()})
    return out


def _reference_slices(build: str, base: Path, panel_path: Path, reference: Source | None,
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
         "mode": "panel-region slices of a remote indexed FASTA (HTTP ranges)",
         "slices": fasta_slices_info(out)},
        {"name": "reference_slices_index", "url": None, "release": ref.release,
         "path": str(Path(str(out) + ".fai").relative_to(base)),
         "mode": "built locally (pysam.faidx)"},
    ]
