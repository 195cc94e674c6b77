"""Patients' HPO terms: a TSV table or GA4GH Phenopacket v2 JSON files, checked against HPO.

TSV: a header with columns ``sample_id`` and ``hpo_id`` (optional ``excluded``: true/false, yes/no,
1/0; empty means false), one term per row; other columns are ignored; ``#`` lines are comments.
Phenopacket v2: ``subject.id`` and ``phenotypicFeatures[].type.id`` (``excluded`` optional).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualdx.core.errors import InputError
from dualdx.core.textio import content_lines, read_user_text

HPO_ID_RE = re.compile(r"^HP:[0-9]{7}$")
PHENOTYPIC_ABNORMALITY = "HP:0000118"
TRUE = {"true", "yes", "1", "y", "t"}
FALSE = {"false", "no", "0", "n", "f", ""}


@dataclass(frozen=True)
class PhenotypeTerm:
    id: str
    excluded: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "excluded": self.excluded}


def _add(out: dict[str, list[PhenotypeTerm]], sample: str, term: PhenotypeTerm) -> None:
    terms = out.setdefault(sample, [])
    if term not in terms:
        terms.append(term)


def load_phenotype_table(path: str | Path) -> dict[str, list[PhenotypeTerm]]:
    """Read a phenotype TSV (see module doc). Raises InputError naming file and line."""
    p = Path(path)
    text = read_user_text(p, "phenotype table not found", "check the 'phenotypes' path",
                          "the phenotype table as UTF-8 tab-separated text")
    lines = content_lines(text)
    if not lines:
        raise InputError(p, "no header and no terms",
                         "write a header 'sample_id<TAB>hpo_id[<TAB>excluded]' and one term a line")
    header_no = lines[0][0]
    rows = list(csv.reader([ln for _, ln in lines], delimiter="\t"))
    cols = [c.strip() for c in rows[0]]
    for needed in ("sample_id", "hpo_id"):
        if needed not in cols:
            raise InputError(p, f"header lacks column {needed!r}",
                             "name the columns sample_id, hpo_id and optionally excluded",
                             where=f"line {header_no}")
    si, hi = cols.index("sample_id"), cols.index("hpo_id")
    ei = cols.index("excluded") if "excluded" in cols else None
    out: dict[str, list[PhenotypeTerm]] = {}
    for (lineno, _), row in zip(lines[1:], rows[1:], strict=True):
        where = f"line {lineno}"
        if len(row) <= max(si, hi):
            raise InputError(p, f"{len(row)} field(s), fewer than the header names",
                             "separate sample_id and hpo_id with one tab", where=where)
        sample, hpo_id = row[si].strip(), row[hi].strip()
        if not sample:
            raise InputError(p, "empty sample_id", "write the sample ID of the PED file",
                             where=where)
        if not HPO_ID_RE.match(hpo_id):
            raise InputError(p, f"{hpo_id!r} is not an HPO ID",
                             "write HP: followed by 7 digits, e.g. HP:0011002", where=where)
        excluded = False
        if ei is not None and ei < len(row):
            flag = row[ei].strip().lower()
            if flag not in TRUE | FALSE:
                raise InputError(p, f"excluded is {row[ei]!r}", "write true or false",
                                 where=where)
            excluded = flag in TRUE
        _add(out, sample, PhenotypeTerm(hpo_id, excluded))
    return out


def load_phenopackets(paths: Iterable[str | Path]) -> dict[str, list[PhenotypeTerm]]:
    """Read GA4GH Phenopacket v2 JSON files (one individual each; a Family's proband too)."""
    out: dict[str, list[PhenotypeTerm]] = {}
    for path in paths:
        p = Path(path)
        text = read_user_text(p, "phenopacket not found", "check the phenopacket path",
                              "the phenopacket as UTF-8 JSON")
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(p, f"not valid JSON ({e.msg})", "save the phenopacket as JSON",
                             where=f"line {e.lineno}") from None
        packets = [doc]
        if isinstance(doc, dict) and isinstance(doc.get("proband"), dict):
            packets = [doc["proband"], *[r for r in doc.get("relatives", []) if isinstance(r, dict)]]
        for i, packet in enumerate(packets):
            _read_packet(p, packet, i, out)
    return out


def _read_packet(p: Path, packet: Any, index: int, out: dict[str, list[PhenotypeTerm]]) -> None:
    subject = packet.get("subject") if isinstance(packet, dict) else None
    sid = subject.get("id") if isinstance(subject, dict) else None
    if not isinstance(sid, str) or not sid:
        raise InputError(p, "phenopacket has no subject.id", "set subject.id to the sample ID",
                         where=f"phenopacket {index}")
    features = packet.get("phenotypicFeatures", [])
    if not isinstance(features, list):
        raise InputError(p, "phenotypicFeatures is not a list", "write a JSON array",
                         where=f"subject {sid}")
    out.setdefault(sid, [])
    for j, feat in enumerate(features):
        where = f"subject {sid}, phenotypicFeatures[{j}]"
        ftype = feat.get("type") if isinstance(feat, dict) else None
        hpo_id = ftype.get("id") if isinstance(ftype, dict) else None
        if not isinstance(hpo_id, str) or not HPO_ID_RE.match(hpo_id):
            raise InputError(p, f"type.id is {hpo_id!r}, not an HPO ID",
                             "write HP: followed by 7 digits", where=where)
        excluded = feat.get("excluded", False)
        if not isinstance(excluded, bool):
            raise InputError(p, f"excluded is {excluded!r}", "write true or false", where=where)
        _add(out, sid, PhenotypeTerm(hpo_id, excluded))


def validate_terms(
    terms: Mapping[str, list[PhenotypeTerm]],
    knowledge: Mapping[str, Any],
    source: str | None = None,
) -> tuple[dict[str, list[PhenotypeTerm]], list[str]]:
    """Check terms against the HPO release of ``knowledge``.

    Obsolete (or alternative) IDs are replaced by their ``replaced_by`` term with a warning; an
    obsolete term without replacement and terms outside "Phenotypic abnormality" (HP:0000118,
    e.g. mode-of-inheritance or onset terms) are dropped with a warning; an unknown ID raises
    InputError naming the individual and the term. When a term is both present and excluded for
    one person, the present one is kept, with a warning.
    """
    known = knowledge["terms"]
    release = knowledge.get("hpo_release") or "this release"
    warnings: list[str] = []
    out: dict[str, list[PhenotypeTerm]] = {}
    for sample in sorted(terms):
        kept: dict[str, PhenotypeTerm] = {}
        for t in terms[sample]:
            info = known.get(t.id)
            if info is None:
                if t.id in knowledge.get("unknown_terms", []):
                    problem = f"{sample}'s term {t.id} does not exist in HPO {release}"
                    fix = "check the ID at https://hpo.jax.org and use a current term"
                else:
                    problem = (f"{sample}'s term {t.id} is not in the distilled knowledge "
                               "(knowledge.json was built without it)")
                    fix = "re-run distill_knowledge with every patient's terms"
                raise InputError(source, problem, fix, where=f"individual {sample}")
            hid = t.id
            if info.get("obsolete"):
                rep = info.get("replaced_by")
                if not rep or rep not in known:
                    warnings.append(f"{sample}: {t.id} is obsolete in HPO {release} and has no "
                                    "replacement; it was not used")
                    continue
                warnings.append(f"{sample}: {t.id} is obsolete in HPO {release}; "
                                f"used its replacement {rep} ({known[rep]['name']})")
                hid = rep
            if PHENOTYPIC_ABNORMALITY not in known[hid]["ancestors"]:
                warnings.append(f"{sample}: {hid} ({known[hid]['name']}) is not a phenotypic "
                                "abnormality (e.g. a mode of inheritance); it was not used")
                continue
            prev = kept.get(hid)
            if prev is not None and prev.excluded != t.excluded:
                warnings.append(f"{sample}: {hid} is listed both present and excluded; "
                                "kept as present")
                kept[hid] = PhenotypeTerm(hid, False)
            elif prev is None:
                kept[hid] = PhenotypeTerm(hid, t.excluded)
        out[sample] = [kept[k] for k in sorted(kept)]
    return out, warnings


def load_phenotypes(paths: Iterable[str | Path]) -> dict[str, list[PhenotypeTerm]]:
    """Read the configured phenotypes: one TSV, or GA4GH Phenopacket v2 JSON files (``.json``)."""
    plist = [Path(p) for p in paths]
    packets = [p for p in plist if p.suffix.lower() == ".json"]
    tables = [p for p in plist if p.suffix.lower() != ".json"]
    out: dict[str, list[PhenotypeTerm]] = {}
    for table in tables:
        for sample, terms in load_phenotype_table(table).items():
            for t in terms:
                _add(out, sample, t)
    if packets:
        for sample, terms in load_phenopackets(packets).items():
            for t in terms:
                _add(out, sample, t)
    return out
