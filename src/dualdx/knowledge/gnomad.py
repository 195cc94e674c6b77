"""gnomAD sites-VCF reader: allele frequencies for the panel regions.

Reads a local sites VCF (bgzipped + ``.tbi`` -> tabix queries of the panel regions only; plain or
gzip -> streamed) or an ``https://`` URL of a bgzipped, indexed file. For a URL the ``.tbi`` is
downloaded first into a temporary folder (retried, :func:`dualdx.knowledge.download.fetch`) and
handed to htslib explicitly (htslib would otherwise save it in the current directory); htslib
then reads only the BGZF blocks of the panel regions with HTTP range requests (pysam's htslib is
built with libcurl), and a read that fails is repeated twice (``sites.read_tabix``). A local
index is checked to belong to its file first (``dualdx.inputs.vcf_index``).

Field names: v4 ``AF``, ``AF_grpmax``, ``grpmax``, ``nhomalt``; v2/v3 ``AF``, ``AF_popmax``,
``popmax``, ``nhomalt``. Keys may be absent on a record (then None, never 0). A line with several
ALTs is split per ALT for ``Number=A`` values. ``PopulationFrequency.queried`` is True only for a
position inside a region that was read; ``found`` tells whether gnomAD has the allele there.

The release comes from the file name (``gnomad.exomes.v4.0.sites…`` -> 4.0, ``…r2.1.1…`` ->
2.1.1): gnomAD's VCF headers state no release. When the name does not tell, the release is None
and the source names only the field generation (``gnomAD (v4 fields)``).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dualdx.core.errors import InputError, ResourceError
from dualdx.core.intervals import in_intervals, merge_intervals
from dualdx.core.model import PopulationFrequency
from dualdx.knowledge.sites import (
    RegionT,
    SiteVcf,
    VariantKey,
    parse_info,
    read_site_vcf,
    read_tabix,
    variant_key,
)

_NAME_RE = re.compile(r"gnomad[._-](exomes|genomes|joint)?[._-]?(?:v|r)(\d+(?:\.\d+)*)",
                      re.IGNORECASE)


def release_from_name(name: str) -> tuple[str | None, str | None]:
    """(release, dataset) from a gnomAD file name, e.g. ("4.0", "exomes"); Nones if unknown."""
    m = _NAME_RE.search(name)
    if not m:
        return None, None
    rel = m.group(2).rstrip(".")
    return rel, (m.group(1).lower() if m.group(1) else None)


def _generation(meta: list[str]) -> str | None:
    ids = {m.group(1) for line in meta if (m := re.match(r"##INFO=<ID=([^,>]+)", line))}
    if "AF_grpmax" in ids or "grpmax" in ids:
        return "v4"
    if "AF_popmax" in ids and any(k.endswith("_XX") for k in ids):
        return "v3"
    if "AF_popmax" in ids:
        return "v2"
    return None


def _float(v: str | None) -> float | None:
    if v is None or v in ("", "."):
        return None
    try:
        return float(v)
    except ValueError:
        return None


def _int(v: str | None) -> int | None:
    f = _float(v)
    return int(f) if f is not None else None


def _allele_value(info: dict[str, str], key: str, idx: int, n_alts: int) -> str | None:
    v = info.get(key)
    if v is None:
        return None
    parts = v.split(",")
    if n_alts > 1 and len(parts) == n_alts:
        return parts[idx]
    return parts[0] if len(parts) == 1 else None


@dataclass
class GnomadDB:
    """Frequencies of the queried regions, by normalized variant key."""

    path: str
    source: str
    release: str | None
    regions: list[RegionT]
    _by_key: dict[VariantKey, PopulationFrequency] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, path_or_url: str, regions: list[tuple[str, int, int]],
             release: str | None = None, source: str | None = None) -> GnomadDB:
        """Read the records of ``regions`` (1-based closed, chrom with or without ``chr``).

        ``path_or_url`` may hold a ``{chrom}`` placeholder (chromosome without ``chr``) for
        gnomAD's one-file-per-chromosome releases: each region is read from its chromosome's
        file (see ``dualdx.knowledge.download.gnomad_url_template``).
        """
        if "{chrom}" in path_or_url:
            return cls._open_per_chromosome(path_or_url, regions, release, source)
        is_url = path_or_url.startswith(("http://", "https://"))
        vcf = _read_remote(path_or_url, regions) if is_url else read_site_vcf(path_or_url,
                                                                                regions)
        name = Path(urlsplit(path_or_url).path).name if is_url else Path(path_or_url).name
        rel, dataset = release_from_name(name)
        gen = _generation(vcf.meta)
        if gen is None and not any(line.startswith("##INFO=<ID=AF,") for line in vcf.meta):
            raise InputError(path_or_url, "no AF field in the header: not a gnomAD sites VCF",
                             "give a gnomAD sites VCF (gnomad.exomes.v4.1.sites.chrN.vcf.bgz)")
        release = release or rel
        if source is None:
            if release:
                source = f"gnomAD v{release}" + (f" {dataset}" if dataset else "")
            else:
                source = "gnomAD" + (f" ({gen} fields; release not stated)" if gen else "")
        db = cls(path=path_or_url, source=source, release=release,
                 regions=merge_intervals(regions))
        db._load(vcf)
        return db

    @classmethod
    def _open_per_chromosome(cls, template: str, regions: list[tuple[str, int, int]],
                             release: str | None, source: str | None) -> GnomadDB:
        merged = merge_intervals(regions)
        parts = [cls.open(template.replace("{chrom}", chrom), [r for r in merged if r[0] == chrom],
                          release, source)
                 for chrom in dict.fromkeys(r[0] for r in merged)]
        if not parts:
            rel, dataset = release_from_name(template)
            rel = release or rel
            return cls(path=template, source=source or f"gnomAD v{rel}" +
                       (f" {dataset}" if dataset else ""), release=rel, regions=[])
        db = cls(path=template, source=parts[0].source, release=parts[0].release, regions=merged)
        for part in parts:
            db._by_key.update(part._by_key)
        return db

    def _load(self, vcf: SiteVcf) -> None:
        for _, f in vcf.records:
            chrom, pos, ref, alts = f[0], int(f[1]), f[3], f[4].split(",")
            info = parse_info(f[7])
            for i, alt in enumerate(alts):
                if alt in ("*", ".") or alt.startswith("<"):
                    continue
                pf = self._frequency(info, i, len(alts))
                self._by_key.setdefault(variant_key(chrom, pos, ref, alt), pf)

    def _frequency(self, info: dict[str, str], i: int, n: int) -> PopulationFrequency:
        popmax_af = _allele_value(info, "AF_grpmax", i, n)
        popmax = _allele_value(info, "grpmax", i, n)
        if popmax_af is None and popmax is None:
            popmax_af = _allele_value(info, "AF_popmax", i, n)
            popmax = _allele_value(info, "popmax", i, n)
        return PopulationFrequency(
            queried=True,
            found=True,
            af=_float(_allele_value(info, "AF", i, n)),
            popmax_af=_float(popmax_af),
            popmax_population=popmax if popmax not in (None, "", ".") else None,
            nhomalt=_int(_allele_value(info, "nhomalt", i, n)),
            ac=_int(_allele_value(info, "AC", i, n)),
            an=_int(info.get("AN")),
            source=self.source,
            release=self.release,
        )

    def lookup(self, chrom: str, pos: int, ref: str, alt: str) -> PopulationFrequency:
        """Frequency of this allele; ``queried=False`` when the position was not read."""
        if not in_intervals(self.regions, chrom, pos):
            return PopulationFrequency(queried=False, source=self.source, release=self.release)
        got = self._by_key.get(variant_key(chrom, pos, ref, alt))
        if got is None:
            return PopulationFrequency(queried=True, found=False, source=self.source,
                                       release=self.release)
        return got

    def __len__(self) -> int:
        return len(self._by_key)


def _read_remote(url: str, regions: list[RegionT]) -> SiteVcf:
    """Tabix-query a remote bgzipped VCF; its .tbi is fetched to a temporary folder first."""
    from dualdx.knowledge.download import Source, fetch

    tmp = Path(tempfile.mkdtemp(prefix="dualdx-gnomad-"))
    try:
        idx_url = url + ".tbi"
        try:
            idx = fetch(Source("gnomad_index", idx_url, "remote", None), tmp, retries=2,
                        backoff=0.5)
        except ResourceError as e:
            raise InputError(url, f"its tabix index could not be fetched ({e})",
                             "give the URL of a bgzipped VCF with a .tbi beside it, or a local "
                             "copy") from None
        return read_tabix(url, str(idx), regions, retries=2, backoff=0.5)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
