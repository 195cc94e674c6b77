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
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from dualdx.core import atomic
from dualdx.core.errors import ResourceError

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
    default :func:`dualdx.knowledge.reference_slices.official_reference`) are also read remotely
    (through htslib) and written to
    ``dest/reference/<release>/<panel>.<build>.slices.fa`` (+ ``.fai``); the manifest entry lists
    each slice with its sha256 (``reference_slices.fasta_slices_info``).
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
        from dualdx.knowledge.reference_slices import reference_slices

        entries += reference_slices(build, base, Path(panel_path), reference, log,
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
