"""Family structure: PED files, GA4GH Phenopacket Family JSON, proband choice, sex checks.

PED format (PLINK/Ped standard, 6 columns separated by tabs or spaces)::

    family_id  sample_id  father_id  mother_id  sex  affection

``0`` means "no parent in the file"; sex ``1`` male, ``2`` female, ``0`` unknown; affection ``1``
unaffected, ``2`` affected, ``0`` or ``-9`` unknown. Lines starting with ``#`` and blank lines are
ignored. A parent ID that has no row of its own is an error ("missing parent row"): genotypes and
sexes of parents matter for inheritance, so every parent must be described (use ``0`` instead of
an ID for a parent who is not in the study).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualdx.core.errors import InputError
from dualdx.core.model import Affection, Call, Sex
from dualdx.core.textio import read_user_text

PED_COLUMNS = ("family", "sample", "father", "mother", "sex", "affection")
_EMPTY_FIX = {
    "father": "write 0 for a father who is not in the file, or his sample ID",
    "mother": "write 0 for a mother who is not in the file, or her sample ID",
    "sex": "write 1 (male), 2 (female) or 0 (unknown)",
    "affection": "write 2 (affected), 1 (unaffected) or 0 (unknown)",
}

SEX_CODES: dict[str, Sex] = {"1": "male", "2": "female", "0": "unknown"}
AFFECTION_CODES: dict[str, Affection] = {
    "1": "unaffected",
    "2": "affected",
    "0": "unknown",
    "-9": "unknown",
}

# Phenopacket v2 enums (org.phenopackets.schema.v2.core.Sex / Pedigree.Person.AffectedStatus)
PHENOPACKET_SEX: dict[str, Sex] = {
    "MALE": "male",
    "FEMALE": "female",
    "UNKNOWN_SEX": "unknown",
    "OTHER_SEX": "unknown",
}
PHENOPACKET_AFFECTED: dict[str, Affection] = {
    "AFFECTED": "affected",
    "UNAFFECTED": "unaffected",
    "MISSING": "unknown",
}


@dataclass(frozen=True)
class Person:
    family_id: str
    sample_id: str
    father: str | None
    mother: str | None
    sex: Sex
    affected: Affection


@dataclass
class Pedigree:
    """One family. ``proband_id`` is set when the input names the proband explicitly."""

    family_id: str
    people: dict[str, Person]
    proband_id: str | None = None
    source: str | None = None  # file the pedigree was read from, for error messages
    _order: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if not self._order:
            self._order = list(self.people)

    def children(self, sid: str) -> list[str]:
        return [p.sample_id for p in self.people.values() if sid in (p.father, p.mother)]

    def parents(self, sid: str) -> tuple[str | None, str | None]:
        """(father, mother) of ``sid``; None for a parent not in the pedigree."""
        p = self.people[sid]
        return p.father, p.mother

    def founders(self) -> list[str]:
        return [s for s in self._order if self.people[s].father is None
                and self.people[s].mother is None]

    def ancestors(self, sid: str) -> set[str]:
        """Every ancestor of ``sid`` in the pedigree (the pedigree is acyclic once loaded)."""
        out: set[str] = set()
        stack = [x for x in self.parents(sid) if x is not None]
        while stack:
            a = stack.pop()
            if a in out:
                continue
            out.add(a)
            stack.extend(x for x in self.parents(a) if x is not None)
        return out

    def generation(self, sid: str) -> int:
        """Length of the longest chain of ancestors above ``sid`` (founders are generation 0)."""
        parents = [x for x in self.parents(sid) if x is not None]
        return 0 if not parents else 1 + max(self.generation(x) for x in parents)

    def siblings(self, sid: str) -> list[str]:
        """Full siblings: same known father and mother (half-sibs are not included)."""
        f, m = self.parents(sid)
        if f is None or m is None:
            return []
        return [s for s in self._order if s != sid and self.parents(s) == (f, m)]

    def proband(self, typed: Collection[str] | None = None) -> str:
        """The index person.

        The explicitly named proband when there is one. Otherwise, among affected people: the one
        with the most ancestors that are typed (in ``typed``, the VCF's samples; all ancestors when
        ``typed`` is None), then the youngest generation (longest ancestor chain), then the first
        in file order. Raises InputError when nobody is affected.
        """
        if self.proband_id is not None:
            return self.proband_id
        affected = [s for s in self._order if self.people[s].affected == "affected"]
        if not affected:
            raise InputError(
                self.source,
                f"family {self.family_id} has no affected person, so no proband can be chosen",
                "mark the proband as affected (6th PED column 2), or name the proband in the "
                "sample sheet (column 'proband' = yes) to report on an unaffected family",
            )

        def score(s: str) -> tuple[int, int, int]:
            anc = self.ancestors(s)
            n_typed = len(anc) if typed is None else len(anc & set(typed))
            return (-n_typed, -self.generation(s), self._order.index(s))

        return min(affected, key=score)


def _validate(ped: Pedigree, lines: Mapping[str, str]) -> None:
    """Missing parent rows, parents of the wrong sex, loops. ``lines`` maps ID to 'line N'."""
    path = ped.source
    for sid in ped._order:
        p = ped.people[sid]
        for role, pid, bad_sex in (("father", p.father, "female"), ("mother", p.mother, "male")):
            if pid is None:
                continue
            if pid not in ped.people:
                raise InputError(
                    path,
                    f"missing parent row: {role} {pid!r} of {sid!r} (family {p.family_id}) "
                    "has no row of its own",
                    f"add a row for {pid} in family {p.family_id}, or set the {role} column to 0",
                    where=lines.get(sid),
                )
            if ped.people[pid].sex == bad_sex:
                raise InputError(
                    path,
                    f"{role} {pid!r} of {sid!r} is recorded as {bad_sex}",
                    f"correct the sex of {pid} (5th column) or swap the father/mother columns "
                    f"of {sid}",
                    where=lines.get(pid),
                )
    # loops: depth-first search with colours
    state: dict[str, int] = {}

    def visit(s: str, chain: list[str]) -> None:
        st = state.get(s, 0)
        if st == 2:
            return
        if st == 1:
            loop = " -> ".join([*chain[chain.index(s):], s])
            raise InputError(
                path,
                f"pedigree loop: {s!r} is their own ancestor ({loop})",
                "correct the father/mother columns so that nobody descends from themselves",
                where=lines.get(s),
            )
        state[s] = 1
        for par in ped.parents(s):
            if par is not None:
                visit(par, [*chain, s])
        state[s] = 2

    for sid in ped._order:
        visit(sid, [])


def parse_ped_lines(lines: Iterable[str], path: str | Path | None) -> dict[str, Pedigree]:
    """Parse PED text (see module docstring). Families in file order."""
    fams: dict[str, Pedigree] = {}
    where_of: dict[str, dict[str, str]] = {}
    seen: dict[str, str] = {}
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"line {n}"
        cols = line.split()
        if len(cols) != 6 and "\t" in line:
            by_tab = [c.strip() for c in raw.rstrip("\r\n").split("\t")]
            empty = [name for name, c in zip(PED_COLUMNS, by_tab, strict=False) if not c]
            if len(by_tab) == 6 and empty:
                who = by_tab[1] or "this person"
                raise InputError(path, f"the {empty[0]} column of {who!r} is empty",
                                 _EMPTY_FIX.get(empty[0], "fill in every column"), where=where)
        if len(cols) != 6:
            raise InputError(
                path,
                f"expected 6 columns (family, sample, father, mother, sex, affection), "
                f"found {len(cols)}",
                "write one person per line with exactly 6 tab- or space-separated columns; "
                "start header lines with '#'",
                where=where,
            )
        fid, sid, fa, mo, sex, aff = cols
        if sid == "0":
            raise InputError(path, "sample ID '0' is reserved for 'no parent'",
                             "give the person a real sample ID", where=where)
        if sex not in SEX_CODES:
            raise InputError(path, f"invalid sex code {sex!r} for {sid!r}",
                             "use 1 (male), 2 (female) or 0 (unknown)", where=where)
        if aff not in AFFECTION_CODES:
            raise InputError(path, f"invalid affection code {aff!r} for {sid!r}",
                             "use 2 (affected), 1 (unaffected), 0 or -9 (unknown)", where=where)
        if sid in seen:
            raise InputError(path, f"duplicate sample ID {sid!r} (first at {seen[sid]})",
                             "give every person one row with a unique sample ID", where=where)
        seen[sid] = where
        person = Person(fid, sid, None if fa == "0" else fa, None if mo == "0" else mo,
                        SEX_CODES[sex], AFFECTION_CODES[aff])
        ped = fams.setdefault(fid, Pedigree(fid, {}, source=str(path) if path else None))
        ped.people[sid] = person
        ped._order.append(sid)
        where_of.setdefault(fid, {})[sid] = where
    for fid, ped in fams.items():
        _validate(ped, where_of[fid])
    return fams


def load_ped(path: str | Path) -> dict[str, Pedigree]:
    """Read a 6-column PED file into pedigrees keyed by family ID."""
    p = Path(path)
    text = read_user_text(p, "PED file not found", "check the 'pedigree' path in the config",
                          "the PED file as UTF-8")
    fams = parse_ped_lines(text.splitlines(), p)
    if not fams:
        raise InputError(p, "no person rows", "add one 6-column row per family member")
    return fams


def _pp_terms(packet: Mapping[str, Any]) -> list[str]:
    """Observed (not excluded) HPO IDs of one Phenopacket."""
    out: list[str] = []
    for feat in packet.get("phenotypicFeatures", []) or []:
        t = (feat.get("type") or {}).get("id")
        if isinstance(t, str) and not feat.get("excluded", False) and t not in out:
            out.append(t)
    return out


def pedigree_from_phenopackets(path: str | Path) -> tuple[Pedigree, dict[str, list[str]]]:
    """Read a GA4GH Phenopacket v2 JSON: a ``Family`` message or a single ``Phenopacket``.

    Family: ``pedigree.persons`` gives the structure (familyId, individualId, paternalId,
    maternalId, sex, affectedStatus); ``proband`` names the proband; observed phenotypic features
    of the proband and relatives are returned as HPO terms by individual. A single Phenopacket
    gives a one-person pedigree whose subject is the proband (affected).
    Returns (pedigree, {sample_id: [HPO IDs]}).
    """
    p = Path(path)
    text = read_user_text(p, "Phenopacket file not found", "check the path",
                          "the Phenopacket as UTF-8 JSON")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(p, f"not valid JSON ({e.msg})", "fix the JSON syntax",
                         where=f"line {e.lineno}") from None
    if not isinstance(doc, dict):
        raise InputError(p, "top level is not a JSON object", "provide a Phenopacket or Family")
    pheno: dict[str, list[str]] = {}
    if "pedigree" not in doc:  # a single Phenopacket
        subj = doc.get("subject") or {}
        sid = subj.get("id")
        if not isinstance(sid, str) or not sid:
            raise InputError(p, "Phenopacket has no subject.id", "add subject.id",
                             where="subject")
        sex = PHENOPACKET_SEX.get(str(subj.get("sex", "UNKNOWN_SEX")), "unknown")
        fid = str(doc.get("id") or sid)
        ped = Pedigree(fid, {sid: Person(fid, sid, None, None, sex, "affected")},
                       proband_id=sid, source=str(p))
        pheno[sid] = _pp_terms(doc)
        return ped, pheno
    persons = (doc.get("pedigree") or {}).get("persons") or []
    lines: list[str] = []
    sex_code = {"male": "1", "female": "2", "unknown": "0"}
    aff_code = {"affected": "2", "unaffected": "1", "unknown": "0"}
    for i, per in enumerate(persons):
        sid = per.get("individualId")
        if not isinstance(sid, str) or not sid or any(c.isspace() for c in sid):
            raise InputError(p, "person without a usable individualId", "set individualId",
                             where=f"pedigree.persons[{i}]")
        sx = PHENOPACKET_SEX.get(str(per.get("sex", "UNKNOWN_SEX")))
        af = PHENOPACKET_AFFECTED.get(str(per.get("affectedStatus", "MISSING")))
        if sx is None or af is None:
            raise InputError(p, f"unknown sex or affectedStatus for {sid!r}",
                             "use MALE/FEMALE/UNKNOWN_SEX/OTHER_SEX and "
                             "AFFECTED/UNAFFECTED/MISSING", where=f"pedigree.persons[{i}]")
        lines.append("\t".join([str(per.get("familyId") or doc.get("id") or "F"), sid,
                                str(per.get("paternalId") or "0"),
                                str(per.get("maternalId") or "0"),
                                sex_code[sx], aff_code[af]]))
    fams = parse_ped_lines(lines, p)
    if len(fams) != 1:
        raise InputError(p, f"pedigree.persons describe {len(fams)} families",
                         "use one familyId per Family message")
    ped = next(iter(fams.values()))
    proband = doc.get("proband") or {}
    pid = (proband.get("subject") or {}).get("id")
    if pid is not None:
        if pid not in ped.people:
            raise InputError(p, f"proband {pid!r} is not in pedigree.persons",
                             "add the proband to the pedigree", where="proband.subject.id")
        ped.proband_id = pid
        pheno[pid] = _pp_terms(proband)
    for rel in doc.get("relatives") or []:
        rid = (rel.get("subject") or {}).get("id")
        if isinstance(rid, str):
            pheno[rid] = _pp_terms(rel)
    return ped, pheno


def check_sex_from_genotypes(
    ped: Pedigree,
    calls_on_x: Mapping[str, list[Call]],
    min_sites: int = 10,
    max_het_fraction: float = 0.1,
) -> list[str]:
    """Warnings for PED males with heterozygous calls on X outside the PARs.

    ``calls_on_x`` holds each sample's calls at X sites outside the pseudo-autosomal regions.
    A male is checked only when he has at least ``min_sites`` fully called diploid or haploid
    genotypes there that carry an alt allele (hom-ref sites tell nothing); he is flagged when more
    than ``max_het_fraction`` of them are heterozygous. Too few sites → no warning (not checked).
    """
    warnings: list[str] = []
    for sid, person in ped.people.items():
        if person.sex != "male":
            continue
        calls = calls_on_x.get(sid, [])
        informative = [c for c in calls
                       if all(a is not None for a in c.alleles) and any(a != 0 for a in c.alleles)]
        if len(informative) < min_sites:
            continue
        het = sum(1 for c in informative if len(set(c.alleles)) > 1)
        if het / len(informative) > max_het_fraction:
            warnings.append(
                f"sex check: {sid} is male in the PED but has {het} heterozygous calls among "
                f"{len(informative)} non-reference X sites outside the PARs; check the PED sex "
                "or for a sample swap"
            )
    return warnings
