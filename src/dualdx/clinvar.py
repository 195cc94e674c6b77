"""Reader for NCBI's ClinVar VCF release, and the same-residue index used by ACMG PS1/PM5.

The reader takes the official file as NCBI publishes it (``ID`` = Variation ID; INFO ``CLNSIG``,
``CLNREVSTAT``, ``CLNDN``, ``GENEINFO``, ``MC``, ``CLNHGVS``, ``ORIGIN`` …; every other key is
tolerated), bgzipped and tabix-indexed (only the requested regions are read) or plain / gzipped
(streamed, records outside the regions dropped), GRCh38 or GRCh37, contigs with or without ``chr``.

Decisions (documented here because the report relies on them):

* ``ClinVarAssertion.conditions`` keeps every CLNDN name, ``not_provided`` / ``not_specified``
  included (as ``"not provided"`` / ``"not specified"``), with ``_`` turned into spaces and exact
  duplicates dropped (order kept). Whoever renders a report filters them out when it wants to.
* Combined significances map to the *less certain* category:
  ``Pathogenic/Likely pathogenic`` -> ``likely_pathogenic``, ``Benign/Likely benign`` ->
  ``likely_benign``. Secondary terms after ``|`` or ``,`` (``risk factor``, ``low penetrance``)
  do not change the primary category.
* An unknown review-status wording gets 0 stars (the least trust), never more.
* Records with ``ALT=.`` (no sequence change) are listed by :meth:`ClinVarDB.records` but can never
  match a variant.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from dualdx.errors import InputError
from dualdx.genome import CONTIG_LENGTHS
from dualdx.model import ClinVarAssertion, DatabaseStatus, normalize_chrom

RegionT = tuple[str, int, int]
VariantKey = tuple[str, int, str, str]

SignificanceCategory = Literal[
    "pathogenic", "likely_pathogenic", "vus", "likely_benign", "benign", "conflicting", "other"
]

# --------------------------------------------------------------------------------------------
# small pure helpers shared with dualdx.gnomad


def minimal_representation(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Trim bases shared by REF and ALT (suffix first, then prefix), keeping at least one base.

    Both sides of a look-up go through this, so ``1:100 CT>C`` and ``1:100 CTT>CT`` match.
    Symbolic or empty alleles are returned unchanged.
    """
    ref_u, alt_u = ref.upper(), alt.upper()
    if not ref_u or not alt_u or alt_u.startswith("<") or alt_u in (".", "*"):
        return pos, ref_u, alt_u
    while len(ref_u) > 1 and len(alt_u) > 1 and ref_u[-1] == alt_u[-1]:
        ref_u, alt_u = ref_u[:-1], alt_u[:-1]
    while len(ref_u) > 1 and len(alt_u) > 1 and ref_u[0] == alt_u[0]:
        ref_u, alt_u = ref_u[1:], alt_u[1:]
        pos += 1
    return pos, ref_u, alt_u


def variant_key(chrom: str, pos: int, ref: str, alt: str) -> VariantKey:
    """The matching key: chrom without ``chr``, minimal representation, upper case."""
    p, r, a = minimal_representation(pos, ref, alt)
    return normalize_chrom(chrom), p, r, a


def parse_key_string(key: str) -> VariantKey | None:
    """``chr11-68047480-G-A`` -> normalized :func:`variant_key`; None when not of that form."""
    parts = key.rsplit("-", 3)
    if len(parts) != 4 or not parts[1].isdigit():
        return None
    return variant_key(parts[0], int(parts[1]), parts[2], parts[3])


def parse_info(info: str) -> dict[str, str]:
    """INFO column to a dict (flags map to ``""``); values are kept as written (not split)."""
    out: dict[str, str] = {}
    if info in ("", "."):
        return out
    for item in info.split(";"):
        if not item:
            continue
        k, sep, v = item.partition("=")
        out[k] = v if sep else ""
    return out


def merge_regions(regions: Iterable[RegionT]) -> list[RegionT]:
    """Normalize chrom names and merge overlapping/adjacent regions (per chromosome)."""
    by_chrom: dict[str, list[tuple[int, int]]] = {}
    for chrom, start, end in regions:
        by_chrom.setdefault(normalize_chrom(chrom), []).append((min(start, end), max(start, end)))
    out: list[RegionT] = []
    for chrom, ivs in by_chrom.items():
        ivs.sort()
        cur_s, cur_e = ivs[0]
        for s, e in ivs[1:]:
            if s <= cur_e + 1:
                cur_e = max(cur_e, e)
            else:
                out.append((chrom, cur_s, cur_e))
                cur_s, cur_e = s, e
        out.append((chrom, cur_s, cur_e))
    return out


def in_regions(regions: list[RegionT], chrom: str, pos: int) -> bool:
    c = normalize_chrom(chrom)
    return any(rc == c and s <= pos <= e for rc, s, e in regions)


def build_from_header(meta_lines: list[str]) -> str | None:
    """GRCh37/GRCh38 from ``##reference`` / ``##assembly`` or, failing that, contig lengths."""
    for line in meta_lines:
        low = line.lower()
        if low.startswith(("##reference=", "##assembly=")):
            value = line.split("=", 1)[1]
            for build, names in (("GRCh38", ("grch38", "hg38")), ("GRCh37", ("grch37", "hg19",
                                                                               "b37"))):
                if any(n in value.lower() for n in names):
                    return build
    votes: set[str] = set()
    for line in meta_lines:
        if not line.startswith("##contig=<"):
            continue
        m_id = re.search(r"[<,]ID=([^,>]+)", line)
        m_len = re.search(r"[<,]length=(\d+)", line)
        if not (m_id and m_len):
            continue
        chrom, length = normalize_chrom(m_id.group(1)), int(m_len.group(1))
        for build, table in CONTIG_LENGTHS.items():
            if table.get(chrom) == length:
                votes.add(build)
    return votes.pop() if len(votes) == 1 else None


@dataclass
class SiteVcf:
    """Header and (region-restricted) records of a sites VCF, read as text lines."""

    path: str
    meta: list[str]
    records: list[tuple[str, list[str]]]  # (where, fields)

    def meta_value(self, key: str) -> str | None:
        prefix = f"##{key}="
        for line in self.meta:
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        return None


def _index_of(path: str) -> str | None:
    for suffix in (".tbi", ".csi"):
        if Path(path + suffix).is_file():
            return path + suffix
    return None


def _split_record(path: str, where: str, line: str) -> list[str]:
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) < 8:
        raise InputError(path, f"record has {len(fields)} tab-separated columns, a VCF needs 8",
                         "give a VCF file (CHROM POS ID REF ALT QUAL FILTER INFO, tab-separated)",
                         where=where)
    if not fields[1].isdigit():
        raise InputError(path, f"POS is {fields[1]!r}, not a whole number",
                         "give a valid VCF file", where=where)
    return fields


def read_tabix(path: str, index: str | None, regions: list[RegionT] | None) -> SiteVcf:
    """Read header + records in ``regions`` through a tabix index (local path or URL)."""
    import pysam

    try:
        tbx = pysam.TabixFile(path, index=index) if index else pysam.TabixFile(path)
    except (OSError, ValueError) as e:
        raise InputError(path, f"cannot open as a bgzipped, tabix-indexed VCF ({e})",
                         "give a bgzip-compressed VCF with its .tbi/.csi index, or a plain VCF"
                         ) from None
    with tbx:
        meta = [h for h in tbx.header if h.startswith("##")]
        contigs = {normalize_chrom(c): c for c in tbx.contigs}
        records: list[tuple[str, list[str]]] = []
        if regions is None:
            lines: Iterable[str] = tbx.fetch()
            for line in lines:
                records.append(_record(path, line))
        else:
            for chrom, start, end in merge_regions(regions):
                contig = contigs.get(chrom)
                if contig is None:
                    continue
                for line in tbx.fetch(contig, start - 1, end):
                    records.append(_record(path, line))
    return SiteVcf(path=path, meta=meta, records=records)


def _record(path: str, line: str) -> tuple[str, list[str]]:
    head = line.split("\t", 2)
    where = f"record {head[0]}:{head[1] if len(head) > 1 else '?'}"
    return where, _split_record(path, where, line)


def _open_text(path: Path) -> io.TextIOBase:
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return io.TextIOWrapper(path.open("rb"), encoding="utf-8")


def read_stream(path: Path, regions: list[RegionT] | None) -> SiteVcf:
    """Stream a plain or gzipped VCF, keeping records inside ``regions`` (all when None)."""
    merged = merge_regions(regions) if regions is not None else None
    meta: list[str] = []
    records: list[tuple[str, list[str]]] = []
    seen_header = False
    try:
        with _open_text(path) as fh:
            for lineno, line in enumerate(fh, 1):
                if line.startswith("##"):
                    meta.append(line.rstrip("\r\n"))
                    continue
                if line.startswith("#CHROM"):
                    seen_header = True
                    continue
                if not line.strip():
                    continue
                where = f"line {lineno}"
                if not seen_header:
                    raise InputError(path, "record before the #CHROM header line",
                                     "give a VCF file with its header", where=where)
                fields = _split_record(str(path), where, line)
                if merged is not None and not in_regions(merged, fields[0], int(fields[1])):
                    continue
                records.append((where, fields))
    except (UnicodeDecodeError, EOFError, gzip.BadGzipFile) as e:
        raise InputError(path, f"cannot be read as a VCF text file ({e})",
                         "give a plain or (b)gzipped VCF file") from None
    if not seen_header:
        raise InputError(path, "no #CHROM header line: not a VCF file",
                         "give a VCF file (plain, or bgzipped with a .tbi index)")
    return SiteVcf(path=str(path), meta=meta, records=records)


def read_site_vcf(path: str | Path, regions: list[RegionT] | None) -> SiteVcf:
    """Local VCF: through its tabix index when it has one, else streamed."""
    p = Path(path)
    if not p.is_file():
        raise InputError(p, "file not found", "check the path in the config")
    index = _index_of(str(p))
    if index is not None:
        return read_tabix(str(p), index, regions)
    return read_stream(p, regions)


# --------------------------------------------------------------------------------------------
# ClinVar vocabulary

_STARS: dict[str, int] = {
    "practice guideline": 4,
    "reviewed by expert panel": 3,
    "criteria provided, multiple submitters, no conflicts": 2,
    "criteria provided, multiple submitters": 2,
    "criteria provided, single submitter": 1,
    "criteria provided, conflicting interpretations": 1,
    "criteria provided, conflicting classifications": 1,
    "no assertion criteria provided": 0,
    "no assertion provided": 0,
    "no interpretation for the single variant": 0,
    "no classification provided": 0,
    "no classification for the single variant": 0,
    "no classifications from unflagged records": 0,
    "flagged submission": 0,
}


def normalize_review_status(review_status: str) -> str:
    """``criteria_provided,_single_submitter`` -> ``criteria provided, single submitter``."""
    s = review_status.replace("_", " ").strip().lower()
    s = re.sub(r"\s*,\s*", ", ", s)
    return re.sub(r"\s+", " ", s)


def review_stars(review_status: str) -> int:
    """ClinVar's review-status -> gold stars (4 practice guideline … 0 no assertion).

    Accepts the VCF form (``_`` for spaces) and the spaced form. Unknown wording -> 0.
    """
    return _STARS.get(normalize_review_status(review_status), 0)


_TERM_CATEGORY = {
    "pathogenic": "P",
    "likely pathogenic": "LP",
    "uncertain significance": "VUS",
    "likely benign": "LB",
    "benign": "B",
}


def significance_category(sig: str) -> SignificanceCategory:
    """Map a CLNSIG value (``_`` or spaced form) to a coarse category (see module docstring)."""
    s = re.sub(r"\s+", " ", sig.replace("_", " ").strip().lower())
    if "conflicting" in s:
        return "conflicting"
    primary = re.split(r"[|,;]", s)[0].strip()
    parts = {_TERM_CATEGORY.get(p.strip()) for p in primary.split("/")}
    if not parts or None in parts:
        return "other"
    if parts <= {"P", "LP"}:
        return "pathogenic" if parts == {"P"} else "likely_pathogenic"
    if parts <= {"B", "LB"}:
        return "benign" if parts == {"B"} else "likely_benign"
    if parts == {"VUS"}:
        return "vus"
    return "conflicting"


def is_pathogenic(sig: str) -> bool:
    return significance_category(sig) in ("pathogenic", "likely_pathogenic")


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
    sig = info.get("CLNSIG", "")
    sig_text = unquote(sig).replace("_", " ").strip() if sig else "not provided"
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
    _records: list[tuple[str, int, str, str, ClinVarAssertion]] = field(default_factory=list,
                                                                          repr=False)
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
                                    assertion))
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

    def records(self) -> Iterator[tuple[str, int, str, str, ClinVarAssertion]]:
        """(chrom without chr, pos, ref, alt, assertion) in file order."""
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


# --------------------------------------------------------------------------------------------
# run-level index for the workflow


def _not_configured() -> dict[str, Any]:
    status = DatabaseStatus(name="clinvar", status="not_configured",
                            detail="no ClinVar VCF configured: ClinVar assertions not checked")
    return {"source": status.to_dict(), "records": []}


def run_index_clinvar(clinvar_path: str | None, panel_path: str, build: str,
                      transcripts_path: str, tx_fasta: str | None, genome_fasta: str | None,
                      out_json: str, log: logging.Logger) -> None:
    """Write ``clinvar_panel.json``: the ClinVar records in the panel regions + protein fields."""
    from dualdx import atomic
    from dualdx.download import sha256_file
    from dualdx.panel import load_panel

    if not clinvar_path:
        log.info("no ClinVar configured; writing an empty index marked not_configured")
        atomic.write_text(out_json, json.dumps(_not_configured(), indent=1) + "\n")
        return
    panel = load_panel(panel_path)
    gene_regions = panel.regions(build)
    regions = [(r.chrom, r.start, r.end) for _, r in gene_regions]
    db = ClinVarDB.open(clinvar_path, regions)
    db.check_build(build)
    log.info("ClinVar %s (release %s): %d records in %d panel regions", clinvar_path,
             db.release, len(db), len(regions))
    annotate = _protein_annotator(panel, build, transcripts_path, tx_fasta, genome_fasta, log)
    out_records: list[dict[str, Any]] = []
    for chrom, pos, ref, alt, assertion in db.records():
        genes = [sym for sym, r in gene_regions if r.chrom == chrom and r.start <= pos <= r.end]
        preferred = [g for g in genes if g in assertion.genes]
        gene = (preferred or genes)[0] if genes else None
        rec: dict[str, Any] = {"chrom": chrom, "pos": pos, "ref": ref, "alt": alt,
                               "clinvar": assertion.to_dict(), "gene": gene,
                               "protein_pos": None, "ref_aa": None, "alt_aa": None,
                               "hgvs_p": None, "hgvs_c": None}
        if gene is not None and alt not in (".", "*") and not alt.startswith("<"):
            rec.update(annotate(gene, chrom, pos, ref, alt))
        out_records.append(rec)
    detail = f"{db.build or 'build not stated'}; {len(out_records)} records in the panel regions"
    if db.is_snapshot:
        detail += ("; embedded example snapshot holding only the example's variants "
                   "(resources/knowledge/README.md)")
    status = DatabaseStatus(name="clinvar", status="embedded" if db.is_snapshot else "used",
                            release=db.release, path=str(clinvar_path),
                            sha256=sha256_file(Path(clinvar_path)), detail=detail)
    atomic.write_text(out_json, json.dumps({"source": status.to_dict(), "records": out_records},
                                           indent=1) + "\n")


def _protein_annotator(panel: Any, build: str, transcripts_path: str, tx_fasta: str | None,
                       genome_fasta: str | None,
                       log: logging.Logger) -> Callable[[str, str, int, str, str], dict[str, Any]]:
    """A function (gene, chrom, pos, ref, alt) -> protein fields, via dualdx.hgvs."""
    from dualdx.hgvs import annotate_transcript
    from dualdx.sequence import GenomeSequence, TranscriptSequences
    from dualdx.transcripts import load_transcript_models

    models = load_transcript_models(transcripts_path, build)
    genome = GenomeSequence(genome_fasta) if genome_fasta else None
    tx_seqs = TranscriptSequences(tx_fasta) if tx_fasta else None
    if genome is None and tx_seqs is None:
        log.warning("no reference or transcript FASTA: protein positions of ClinVar records "
                    "may not be determined, so PS1/PM5 look-ups can find nothing")
    warned: set[str] = set()

    def annotate(gene: str, chrom: str, pos: int, ref: str, alt: str) -> dict[str, Any]:
        tx = models.get(gene)
        if tx is None:
            if gene not in warned:
                log.warning("no transcript model for %s: protein fields left null", gene)
                warned.add(gene)
            return {}
        try:
            tc = annotate_transcript(chrom, pos, ref, alt, tx, genome=genome,
                                          tx_seqs=tx_seqs)
        except InputError as e:
            log.warning("ClinVar record %s:%d %s>%s not annotated: %s", chrom, pos, ref, alt, e)
            return {}
        return {"protein_pos": tc.protein_pos, "ref_aa": tc.ref_aa, "alt_aa": tc.alt_aa,
                "hgvs_p": tc.hgvs_p, "hgvs_c": tc.hgvs_c}

    return annotate


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
