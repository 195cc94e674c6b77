"""Reader for NCBI's ClinVar VCF release, and the same-residue index used by ACMG PS1/PM5.

The reader takes the official file as NCBI publishes it (``ID`` = Variation ID; INFO ``CLNSIG``,
``CLNREVSTAT``, ``CLNDN``, ``GENEINFO``, ``MC``, ``CLNHGVS``, ``ORIGIN`` …; every other key is
tolerated), bgzipped and tabix-indexed (only the requested regions are read) or plain / gzipped
(streamed, records outside the regions dropped), GRCh38 or GRCh37, contigs with or without ``chr``.

Decisions (documented here because the report relies on them):

* ``ClinVarAssertion.conditions`` keeps every CLNDN name, ``not_provided`` / ``not_specified``
  included (as ``"not provided"`` / ``"not specified"``), with ``_`` turned into spaces and exact
  duplicates dropped (order kept);
  :func:`dualdx.knowledge.clinvar_assertion.informative_conditions` drops them for display.
* What a significance or a review status means (categories, stars, when an assertion is usable)
  is decided by :mod:`dualdx.knowledge.clinvar_assertion`, not here.
* Records with ``ALT=.`` (no sequence change) are listed by :meth:`ClinVarDB.records` but can never
  match a variant.
* Every record keeps its extent (:func:`dualdx.knowledge.sites.record_end`): a symbolic ALT
  (``<DEL>``, ``<DUP>``, ``<CN0>``, …) its ``END`` (or ``SVLEN``), so copy-number records can be
  matched to a CNV by overlap (:mod:`dualdx.annotation.structural`); they never match a small
  variant by key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from dualdx.core.errors import InputError
from dualdx.core.model import ClinVarAssertion, DatabaseStatus, normalize_chrom
from dualdx.knowledge.clinvar_assertion import (
    is_pathogenic,
    normalize_review_status,
    review_stars,
    significance_text,
)
from dualdx.knowledge.sites import (
    RegionT,
    VariantKey,
    build_from_header,
    merge_regions,
    parse_info,
    parse_key_string,
    read_site_vcf,
    record_end,
    variant_key,
)

# --------------------------------------------------------------------------------------------
# ClinVar vocabulary: dualdx.knowledge.clinvar_assertion owns it (significance, stars, conditions)


_ORIGIN_BITS = (
    (1, "germline"), (2, "somatic"), (4, "inherited"), (8, "paternal"), (16, "maternal"),
    (32, "de novo"), (64, "biparental"), (128, "uniparental"), (256, "not tested"),
    (512, "tested inconclusive"), (1073741824, "other"),
)


def decode_origin(value: str) -> list[str]:
    """ClinVar ORIGIN bitmask (``"5"`` -> ``["germline", "inherited"]``; ``"0"`` -> unknown)."""
    labels: list[str] = []
    for part in value.replace("|", ",").split(","):
        part = part.strip()
        if not part.isdigit():
            continue
        mask = int(part)
        if mask == 0:
            labels.append("unknown")
        labels.extend(name for bit, name in _ORIGIN_BITS if mask & bit)
    return list(dict.fromkeys(labels))


def _split_clndn(value: str) -> list[str]:
    names = [unquote(n).replace("_", " ").strip() for n in value.split("|")]
    return list(dict.fromkeys(n for n in names if n and n != "."))


def assertion_from_info(variation_id: str, info: dict[str, str],
                        release: str | None) -> ClinVarAssertion:
    """Build a :class:`ClinVarAssertion` from one record's INFO (NCBI keys)."""
    sig_text = significance_text(unquote(info.get("CLNSIG", "")))
    revstat = info.get("CLNREVSTAT", "")
    genes = [g.split(":", 1)[0] for g in info.get("GENEINFO", "").split("|") if g.split(":")[0]]
    mcs: list[str] = []
    for item in info.get("MC", "").split(","):
        if item:
            mcs.append(item.split("|", 1)[1] if "|" in item else item)
    hgvs = info.get("CLNHGVS")
    return ClinVarAssertion(
        variation_id=variation_id,
        significance=sig_text,
        review_status=normalize_review_status(revstat) if revstat else "not stated",
        stars=review_stars(revstat) if revstat else 0,
        conditions=_split_clndn(info.get("CLNDN", "")),
        genes=list(dict.fromkeys(genes)),
        molecular_consequences=list(dict.fromkeys(mcs)),
        hgvs=unquote(hgvs).split(",")[0] if hgvs else None,
        release=release,
    )


# --------------------------------------------------------------------------------------------
# the database


@dataclass
class ClinVarDB:
    """ClinVar records (of the requested regions) indexed by normalized variant key."""

    path: str
    release: str | None
    build: str | None
    regions: list[RegionT] | None
    header: list[str] = field(default_factory=list, repr=False)
    _by_key: dict[VariantKey, ClinVarAssertion] = field(default_factory=dict, repr=False)
    _records: list[tuple[str, int, str, str, ClinVarAssertion, int]] = field(
        default_factory=list, repr=False)
    origins: dict[str, list[str]] = field(default_factory=dict, repr=False)  # by Variation ID

    @classmethod
    def open(cls, path: str | Path,
             regions: list[tuple[str, int, int]] | None = None) -> ClinVarDB:
        """Read ``path``; with ``regions`` ((chrom, start, end), 1-based closed) keep only those."""
        vcf = read_site_vcf(path, regions)
        if not any(line.startswith("##INFO=<ID=CLNSIG") for line in vcf.meta) and not any(
            "CLNSIG=" in f[7] for _, f in vcf.records[:50]
        ):
            raise InputError(path, "this VCF has no CLNSIG field: not an NCBI ClinVar VCF",
                             "download clinvar.vcf.gz from "
                             "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/ (vcf_GRCh38 or vcf_GRCh37)")
        release = vcf.meta_value("fileDate")
        if release and re.fullmatch(r"\d{8}", release):
            release = f"{release[:4]}-{release[4:6]}-{release[6:]}"
        db = cls(path=str(path), release=release, build=build_from_header(vcf.meta),
                 regions=merge_regions(regions) if regions is not None else None,
                 header=vcf.meta)
        for where, fields in vcf.records:
            chrom, pos, vid, ref, alts, info_s = (fields[0], int(fields[1]), fields[2], fields[3],
                                                  fields[4], fields[7])
            if vid in ("", "."):
                raise InputError(path, "ID column is empty; NCBI's ClinVar VCF carries the "
                                 "Variation ID there", "use the NCBI ClinVar VCF release",
                                 where=where)
            info = parse_info(info_s)
            assertion = assertion_from_info(vid, info, release)
            if "ORIGIN" in info:
                db.origins[vid] = decode_origin(info["ORIGIN"])
            for alt in alts.split(","):
                db._records.append((normalize_chrom(chrom), pos, ref.upper(), alt.upper(),
                                    assertion, record_end(pos, ref, alt, info)))
                if alt not in (".", "*", "") and not alt.startswith("<"):
                    db._by_key.setdefault(variant_key(chrom, pos, ref, alt), assertion)
        return db

    @property
    def is_snapshot(self) -> bool:
        """True for dualdx's embedded example snapshot (header line ``##dualdx_snapshot=``)."""
        return any(line.startswith("##dualdx_snapshot=") for line in self.header)

    def check_build(self, expected: str) -> None:
        """Raise InputError when the header names a build other than ``expected``."""
        if self.build is not None and self.build != expected:
            raise InputError(self.path, f"this ClinVar file is for {self.build} but the run uses "
                             f"{expected}", f"use the ClinVar vcf_{expected} release")

    def lookup(self, chrom: str, pos: int, ref: str, alt: str) -> ClinVarAssertion | None:
        """The record for this variant (chr-insensitive, minimal representation), or None."""
        return self._by_key.get(variant_key(chrom, pos, ref, alt))

    def records(self) -> Iterator[tuple[str, int, str, str, ClinVarAssertion, int]]:
        """(chrom without chr, pos, ref, alt, assertion, end) in file order; ``end`` the last
        base the record covers (a symbolic record's END)."""
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


# --------------------------------------------------------------------------------------------
# same-residue index (PS1 / PM5)

_AMINO_ACIDS = frozenset({
    "Ala", "Arg", "Asn", "Asp", "Cys", "Gln", "Glu", "Gly", "His", "Ile", "Leu",
    "Lys", "Met", "Phe", "Pro", "Ser", "Thr", "Trp", "Tyr", "Val", "Sec", "Pyl",
})


@dataclass
class ResidueIndex:
    """ClinVar missense records by (gene, protein position).

    Only missense changes are indexed (both amino acids standard three-letter codes and
    different): PS1 and PM5 speak about missense changes only.
    """

    entries: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, gene: str, protein_pos: int, ref_aa: str, alt_aa: str, key: str,
            assertion: ClinVarAssertion, hgvs_p: str | None) -> None:
        if ref_aa not in _AMINO_ACIDS or alt_aa not in _AMINO_ACIDS or ref_aa == alt_aa:
            return
        self.entries.setdefault((gene, protein_pos), []).append({
            "variation_id": assertion.variation_id,
            "hgvs_p": hgvs_p,
            "significance": assertion.significance,
            "stars": assertion.stars,
            "key": key,
            "_alt_aa": alt_aa,
        })

    def _pathogenic_at(self, gene: str, protein_pos: int,
                       exclude_key: str) -> Iterator[dict[str, Any]]:
        excl = parse_key_string(exclude_key)
        for e in self.entries.get((gene, protein_pos), []):
            ek = parse_key_string(e["key"])
            if e["key"] == exclude_key or (excl is not None and ek == excl):
                continue
            if is_pathogenic(e["significance"]):
                yield e

    @staticmethod
    def _public(e: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in e.items() if not k.startswith("_")}

    def same_residue_pathogenic(self, gene: str, protein_pos: int, alt_aa: str,
                                exclude_key: str) -> list[dict[str, Any]]:
        """P/LP missense records at this residue with a different alt amino acid (PM5)."""
        return [self._public(e) for e in self._pathogenic_at(gene, protein_pos, exclude_key)
                if e["_alt_aa"] != alt_aa]

    def same_aa_change(self, gene: str, protein_pos: int, alt_aa: str,
                       exclude_key: str) -> list[dict[str, Any]]:
        """P/LP records with the same amino-acid change from another nucleotide change (PS1)."""
        return [self._public(e) for e in self._pathogenic_at(gene, protein_pos, exclude_key)
                if e["_alt_aa"] == alt_aa]


class NormalizedKeyDict(dict[VariantKey, ClinVarAssertion]):
    """Assertions by :func:`variant_key`; look-ups normalize their key (``chr``, trimming)."""

    @staticmethod
    def _norm(key: object) -> Any:
        if isinstance(key, tuple) and len(key) == 4 and isinstance(key[1], int):
            return variant_key(str(key[0]), key[1], str(key[2]), str(key[3]))
        return key

    def __getitem__(self, key: VariantKey) -> ClinVarAssertion:
        return super().__getitem__(self._norm(key))

    def __contains__(self, key: object) -> bool:
        return super().__contains__(self._norm(key))

    def get(self, key: VariantKey, default: Any = None) -> Any:
        return super().get(self._norm(key), default)


def load_clinvar_index(
    path: str | Path,
) -> tuple[DatabaseStatus, dict[VariantKey, ClinVarAssertion], ResidueIndex]:
    """Read ``clinvar_panel.json``: status, assertions by normalized key, residue index."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        status = DatabaseStatus.from_dict(data["source"])
        records = data["records"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(p, f"not a readable ClinVar panel index ({e})",
                         "re-run the index_clinvar rule") from None
    by_key = NormalizedKeyDict()
    residues = ResidueIndex()
    for i, rec in enumerate(records):
        try:
            assertion = ClinVarAssertion.from_dict(rec["clinvar"])
            chrom, pos, ref, alt = rec["chrom"], int(rec["pos"]), rec["ref"], rec["alt"]
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(p, f"record is incomplete ({e})", "re-run the index_clinvar rule",
                             where=f"records[{i}]") from None
        if alt not in (".", "*"):
            by_key.setdefault(variant_key(chrom, pos, ref, alt), assertion)
        if rec.get("gene") and rec.get("protein_pos") and rec.get("ref_aa") and rec.get("alt_aa"):
            residues.add(rec["gene"], int(rec["protein_pos"]), rec["ref_aa"], rec["alt_aa"],
                         f"{chrom}-{pos}-{ref}-{alt}", assertion, rec.get("hgvs_p"))
    return status, by_key, residues
