"""Modes of inheritance: one registry, and each mode one small class (in the manner of genmod's
models and Talos' MOI classes) that says three things about a variant and a family:

* :meth:`Mode.call`: the label of the proband's genotype and whether it fits the mode
  (``qualifies``; ``None`` for a mode the workflow does not judge);
* :meth:`Mode.positive`: whether a person has the genotype the disease needs under this mode (used
  by segregation: affected carriers, unaffected carriers, BS4, BS2, PP1);
* :meth:`Mode.meioses`: informative meioses for PP1 (adapted from Jarvik & Browning 2016,
  PMID 27236918; the proband's own meiosis is never counted, ascertainment).

Mode names are those of ``knowledge.json`` (HPO aspect ``I``): ``autosomal_dominant``,
``autosomal_recessive``, ``x_linked_dominant``, ``x_linked_recessive``, ``x_linked``,
``mitochondrial``, ``unknown``. :func:`get` returns the class for a name (an unrecognised name is
not judged); :data:`KNOWN_MODES` are the modes whose fit is judged; :func:`text` gives the words.

Allele codes and copy numbers come from :mod:`dualdx.interpretation.zygosity`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from dualdx.core.model import Affection, VariantRecord, normalize_chrom
from dualdx.inputs.pedigree import Pedigree
from dualdx.interpretation import zygosity as zyg
from dualdx.interpretation.phasing import PairPhase, basis_text
from dualdx.interpretation.transmission import is_de_novo
from dualdx.interpretation.zygosity import (
    hemizygous,
    is_sex_linked,
    is_x_nonpar,
    person_carries,
    person_dosage,
)

Label = Literal[
    "de_novo",
    "dominant",
    "recessive_homozygous",
    "compound_het_trans",
    "compound_het_cis",
    "compound_het_unknown_phase",
    "x_linked_recessive",
    "x_linked_dominant",
    "carrier",
]


#: The words for each genotype label (zygosity words from the zygosity owner).
LABEL_WORDS: dict[str, str] = {
    "de_novo": "de novo",
    "dominant": "one copy or more, dominant",
    "recessive_homozygous": f"{zyg.HOMOZYGOUS}, recessive",
    "compound_het_trans": f"{zyg.COMPOUND_HETEROZYGOUS}, in trans",
    "compound_het_cis": "two variants in cis (not a recessive genotype)",
    "compound_het_unknown_phase": f"{zyg.COMPOUND_HETEROZYGOUS}, phase unknown",
    "x_linked_recessive": f"{zyg.HEMIZYGOUS} or {zyg.HOMOZYGOUS}, X-linked recessive",
    "x_linked_dominant": "carries the variant, X-linked dominant",
    "carrier": f"{zyg.HETEROZYGOUS} carrier",
}


#: Why a heterozygous female is no X-linked recessive diagnosis, in the words a counsellor
#: needs: what else would make the disease hers.
XLR_HETEROZYGOUS_FEMALE = ("heterozygous female: carrier state for an X-linked recessive "
                           "disease, which would need a second variant (or loss of her other X "
                           "copy) or skewed X-inactivation (a manifesting heterozygote)")


@dataclass(frozen=True)
class ModeCall:
    label: Label | None
    qualifies: bool | None  # None: mode not judged (or withheld), fit not assessed
    partner: str | None
    note: str  # the assessment half of the explanation


@dataclass(frozen=True)
class Context:
    """One variant of the proband under one disease: what a mode needs to label it."""

    rec: VariantRecord
    proband: str
    ped: Pedigree
    build: str
    partner: tuple[str, PairPhase] | None  # the best compound-het partner, if any
    name: str  # "Disease name (ID)"
    gene: str


# --------------------------------------------------------------------------- genotype models


def is_dominant(rec: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38") -> bool:
    """The proband carries at least one copy on an autosome or a PAR (de novo included)."""
    return not is_x_nonpar(rec, build) and bool(person_carries(rec, proband))


def is_recessive_homozygous(rec: VariantRecord, proband: str, ped: Pedigree,
                            build: str = "GRCh38") -> bool:
    """Two known copies in a diploid region (autosome, PAR, or X in a female)."""
    return not hemizygous(rec, ped, proband, build) and \
        person_dosage(rec, ped, proband, build) == 2


def is_x_linked_recessive(rec: VariantRecord, proband: str, ped: Pedigree,
                          build: str = "GRCh38") -> bool:
    """X outside the PARs: a hemizygous male carrier, or a homozygous female."""
    if not is_x_nonpar(rec, build):
        return False
    if hemizygous(rec, ped, proband, build):
        return bool(person_carries(rec, proband))
    return person_dosage(rec, ped, proband, build) == 2


def is_x_linked_dominant(rec: VariantRecord, proband: str, ped: Pedigree,
                         build: str = "GRCh38") -> bool:
    """X outside the PARs and the proband carries at least one copy."""
    return is_x_nonpar(rec, build) and bool(person_carries(rec, proband))


def is_carrier(rec: VariantRecord, proband: str, ped: Pedigree, build: str = "GRCh38") -> bool:
    """One copy in a diploid region (or one copy with the other allele uncalled)."""
    if hemizygous(rec, ped, proband, build) or not person_carries(rec, proband):
        return False
    return person_dosage(rec, ped, proband, build) != 2


def comp_het_call(partner: tuple[str, PairPhase] | None, name: str, gene: str,
                  mode_txt: str) -> ModeCall:
    """Label of a heterozygous variant under a recessive mode, from its best partner's phase."""
    if partner is None:
        return ModeCall("carrier", False, None,
                        f"carrier state only for the {mode_txt} form of {name}: no second "
                        f"variant in {gene}")
    key, pp = partner
    if pp.phase == "trans":
        return ModeCall("compound_het_trans", True, key,
                        f"in trans with {key} ({basis_text(pp)}): qualifies for the {mode_txt} "
                        f"form of {name}")
    if pp.phase == "cis":
        return ModeCall("compound_het_cis", False, key,
                        f"in cis with {key} ({basis_text(pp)}), both on one haplotype: not a "
                        f"{mode_txt} diagnosis of {name}")
    return ModeCall("compound_het_unknown_phase", True, key,
                    f"with {key}, phase unknown ({pp.basis}): qualifies for the {mode_txt} form "
                    f"of {name} only if in trans")


# --------------------------------------------------------------------------- the modes

Positive = Callable[[str], bool | None]


def _carries(rec: VariantRecord) -> Positive:
    return lambda sid: person_carries(rec, sid)


def _biallelic(rec: VariantRecord, partner: VariantRecord | None, ped: Pedigree,
               build: str) -> Positive:
    """Two copies of this variant, or one copy of it and one of the proband's best partner
    (relatives' phase is not checked); one copy in a hemizygous male."""

    def pos(sid: str) -> bool | None:
        if hemizygous(rec, ped, sid, build):
            return person_carries(rec, sid)
        d = person_dosage(rec, ped, sid, build)
        if d == 2:
            return True
        if partner is None:
            return None if d is None else False
        dp = person_dosage(partner, ped, sid, build)
        if d == 0 or dp == 0:
            return False
        if d is None or dp is None:
            return None
        return True

    return pos


def _consistent(child: str, affection: Mapping[str, Affection], positive: Positive) -> bool:
    a, p = affection.get(child, "unknown"), positive(child)
    return (a == "affected" and p is True) or (a == "unaffected" and p is False)


class Mode:
    """A mode of inheritance. Subclasses override what differs."""

    name: str = "unknown"
    text: str = "unknown-mode"
    known: bool = False  # the workflow judges the fit of this mode
    recessive: bool = False  # the disease needs two copies (one in a hemizygous male)
    x_linked: bool = False
    autosomal: bool = False  # acts through autosomal copies: the variant must be on one

    def call(self, c: Context) -> ModeCall:
        """Label the genotype without judging the fit (modes the workflow does not judge)."""
        if is_recessive_homozygous(c.rec, c.proband, c.ped, c.build):
            lab: Label = "recessive_homozygous"
        elif c.partner is not None:
            lab = comp_het_call(c.partner, c.name, c.gene, self.text).label or "carrier"
        else:
            lab = "de_novo" if is_de_novo(c.rec, c.proband, c.ped, c.build) else "dominant"
        if is_x_nonpar(c.rec, c.build) and lab in ("dominant", "de_novo"):
            lab = "x_linked_dominant"
        return ModeCall(lab, None, c.partner[0] if c.partner else None,
                        f"mode of inheritance of {c.name} is {self.name}: fit not assessed")

    def positive(self, rec: VariantRecord, partner: VariantRecord | None, ped: Pedigree,
                 build: str) -> Positive:
        return _biallelic(rec, partner, ped, build) if self.recessive else _carries(rec)

    def meioses(self, proband: str, ped: Pedigree, affection: Mapping[str, Affection],
                positive: Positive, rec: VariantRecord, build: str) -> int | None:
        return None  # not determined


class AutosomalDominant(Mode):
    name, text, known, autosomal = "autosomal_dominant", "autosomal dominant", True, True

    def call(self, c: Context) -> ModeCall:
        lab: Label = "de_novo" if is_de_novo(c.rec, c.proband, c.ped, c.build) else "dominant"
        return ModeCall(lab, True, None, f"qualifies for the {self.text} form of {c.name}")

    def meioses(self, proband: str, ped: Pedigree, affection: Mapping[str, Affection],
                positive: Positive, rec: VariantRecord, build: str) -> int | None:
        """Transmissions from a genotype-positive, affected parent to a child other than the
        proband whose genotype and affection are known and consistent (affected carrier or
        unaffected non-carrier)."""
        n = 0
        for parent in ped.people:
            if positive(parent) is not True or affection.get(parent) != "affected":
                continue
            for child in ped.children(parent):
                if child != proband and self._transmits(ped, parent, child, rec, build):
                    n += _consistent(child, affection, positive)
        return n

    def _transmits(self, ped: Pedigree, parent: str, child: str, rec: VariantRecord,
                   build: str) -> bool:
        return True


class XLinkedDominant(AutosomalDominant):
    name, text, known, x_linked, autosomal = ("x_linked_dominant", "X-linked dominant", True,
                                              True, False)

    def call(self, c: Context) -> ModeCall:
        return ModeCall("x_linked_dominant", True, None,
                        f"qualifies for the {self.text} form of {c.name}")

    def _transmits(self, ped: Pedigree, parent: str, child: str, rec: VariantRecord,
                   build: str) -> bool:
        """A father passes his X to daughters only."""
        return not (is_x_nonpar(rec, build) and ped.people[parent].sex == "male"
                    and ped.people[child].sex != "female")


class AutosomalRecessive(Mode):
    name, text, known, recessive, autosomal = ("autosomal_recessive", "autosomal recessive",
                                               True, True, True)

    def call(self, c: Context) -> ModeCall:
        if is_recessive_homozygous(c.rec, c.proband, c.ped, c.build):
            return ModeCall("recessive_homozygous", True, None,
                            f"qualifies for the {self.text} form of {c.name}")
        if person_dosage(c.rec, c.ped, c.proband, c.build) is None:
            return ModeCall("carrier", False, None,
                            f"one allele not called: carrier state only for the {self.text} "
                            f"form of {c.name} as far as called")
        return comp_het_call(c.partner, c.name, c.gene, self.text)

    def meioses(self, proband: str, ped: Pedigree, affection: Mapping[str, Affection],
                positive: Positive, rec: VariantRecord, build: str) -> int | None:
        """Affected full siblings of the proband who share the biallelic genotype."""
        return sum(1 for s in ped.siblings(proband)
                   if affection.get(s) == "affected" and positive(s) is True)


class XLinkedRecessive(Mode):
    name, text, known, recessive, x_linked = ("x_linked_recessive", "X-linked recessive", True,
                                              True, True)

    def call(self, c: Context) -> ModeCall:
        if is_x_linked_recessive(c.rec, c.proband, c.ped, c.build):
            return ModeCall("x_linked_recessive", True, None,
                            f"qualifies for the {self.text} form of {c.name}")
        one = person_dosage(c.rec, c.ped, c.proband, c.build) == 1
        mc = comp_het_call(c.partner if one else None, c.name, c.gene, self.text)
        person = c.ped.people.get(c.proband)
        if one and mc.label == "carrier" and person is not None and person.sex == "female":
            return ModeCall("carrier", False, None, f"{XLR_HETEROZYGOUS_FEMALE} ({c.name}; "
                                                    f"no second variant in {c.gene})")
        return mc

    def meioses(self, proband: str, ped: Pedigree, affection: Mapping[str, Affection],
                positive: Positive, rec: VariantRecord, build: str) -> int | None:
        """Sons (other than the proband) of a heterozygous mother, genotype and affection known
        and consistent (affected hemizygous or unaffected non-carrier)."""
        n = 0
        for mother in ped.people:
            if ped.people[mother].sex != "female" or \
                    person_dosage(rec, ped, mother, build) != 1:
                continue
            for child in ped.children(mother):
                if child != proband and ped.people[child].sex == "male":
                    n += _consistent(child, affection, positive)
        return n


class XLinked(XLinkedRecessive):
    """X-linked without dominant/recessive stated: recessive in males and homozygous females; a
    heterozygous female qualifies only if it acts dominantly (said in the note)."""

    name, text = "x_linked", "X-linked"

    def call(self, c: Context) -> ModeCall:
        if is_x_linked_recessive(c.rec, c.proband, c.ped, c.build):
            return ModeCall("x_linked_recessive", True, None,
                            f"qualifies for the {self.text} form of {c.name}")
        return ModeCall("x_linked_dominant", True, None,
                        f"heterozygous female: qualifies for the {self.text} form of {c.name} "
                        "if it acts dominantly")


class Mitochondrial(Mode):
    name, text = "mitochondrial", "mitochondrial"


class Unknown(Mode):
    name, text = "unknown", "unknown-mode"


class Unrecognised(Mode):
    """A mode name the registry does not know: labelled, not judged."""

    def __init__(self, name: str) -> None:
        self.name = self.text = name


REGISTRY: dict[str, Mode] = {m.name: m for m in (
    AutosomalDominant(), AutosomalRecessive(), XLinkedDominant(), XLinkedRecessive(), XLinked(),
    Mitochondrial(), Unknown())}
#: Modes whose fit the workflow judges.
KNOWN_MODES: frozenset[str] = frozenset(n for n, m in REGISTRY.items() if m.known)
#: Modes HPO states (every registered mode but ``unknown``), judged or not.
STATED_MODES: frozenset[str] = frozenset(n for n in REGISTRY if n != "unknown")
RECESSIVE_MODES: frozenset[str] = frozenset(n for n, m in REGISTRY.items() if m.recessive)
DOMINANT_MODES: frozenset[str] = frozenset(n for n, m in REGISTRY.items()
                                           if m.known and not m.recessive)
AUTOSOMAL_RECESSIVE_MODES: frozenset[str] = frozenset(n for n in RECESSIVE_MODES
                                                      if not REGISTRY[n].x_linked)
X_RECESSIVE_MODES: frozenset[str] = frozenset(n for n in RECESSIVE_MODES if REGISTRY[n].x_linked)


def judged_first(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The labelled inheritance rows (``label``, ``disease_mode``) of a variant under the modes the
    workflow judges, or all labelled rows when none is judged. A disease of unknown mode (ORPHA)
    labels the genotype's shape only ("dominant" for one copy, "X-linked dominant" on X), which
    misleads beside a judged mode: ABCB7's heterozygous daughter is a carrier of its X-linked
    recessive disease, not an X-linked dominant genotype."""
    labelled = [r for r in rows if r.get("label")]
    return [r for r in labelled if r.get("disease_mode") in KNOWN_MODES] or labelled


def get(name: str) -> Mode:
    """The mode class for a knowledge.json mode name (unrecognised: labelled, not judged)."""
    return REGISTRY.get(name) or Unrecognised(name)


def text(name: str) -> str:
    """The words for a mode name ("autosomal recessive")."""
    return get(name).text


def on_autosomal_copy(rec: VariantRecord, build: str) -> bool:
    """The variant lies where every person has two copies whatever the sex: an autosome or a
    pseudo-autosomal region (not X or Y outside the PARs, not the mitochondrial genome)."""
    return not is_sex_linked(rec, build) and normalize_chrom(rec.chrom) != "MT"


def chromosome_fits(mode: str, rec: VariantRecord, build: str = "GRCh38") -> str | None:
    """Whether a variant's chromosome allows a mode at all: ``None`` when it does, otherwise why
    not in words. A variant on X outside the PARs cannot act through an autosomal mode (a male
    has one copy of it, and the disease's genetics are those of X), nor an autosomal variant (or
    one in a PAR) through an X-linked mode. Whatever a disease's other genes, the mode is the
    disease's mode *for this variant*: HPO links some genes to a disease of another gene
    (KDM6A, on X, to the autosomal dominant Kabuki syndrome 1 of KMT2D), and such a link never
    makes an X variant a dominant autosomal diagnosis. Modes the workflow does not judge
    (mitochondrial, unknown, unrecognised) are not restricted here."""
    m = get(mode)
    if m.x_linked and not is_x_nonpar(rec, build):
        return "the variant is not on X outside the PARs"
    if m.autosomal and not on_autosomal_copy(rec, build):
        where = ("on X outside the PARs" if is_x_nonpar(rec, build) else
                 f"on chromosome {normalize_chrom(rec.chrom)}")
        return f"the variant is {where}, not on an autosome or a PAR"
    return None


def mode_call(mode: str, rec: VariantRecord, proband: str, ped: Pedigree,
              partner: tuple[str, PairPhase] | None, name: str, gene: str,
              build: str = "GRCh38") -> ModeCall:
    """Label and fit of the proband's genotype at ``rec`` under one mode of inheritance (no label
    and no fit when the variant's chromosome does not allow the mode: :func:`chromosome_fits`)."""
    m = get(mode)
    carried = person_carries(rec, proband)
    if not carried:
        what = "not called in" if carried is None else "not carried by"
        return ModeCall(None, False, None, f"{what} the proband: not assessed for {name}")
    wrong = chromosome_fits(mode, rec, build)
    if wrong is not None:
        return ModeCall(None, False, None, f"{name} is {m.text} but {wrong}")
    return m.call(Context(rec, proband, ped, build, partner, name, gene))


__all__ = [
    "DOMINANT_MODES", "KNOWN_MODES", "RECESSIVE_MODES", "REGISTRY", "STATED_MODES",
    "XLR_HETEROZYGOUS_FEMALE", "AutosomalDominant", "AutosomalRecessive", "Context", "Label",
    "Mitochondrial", "Mode", "ModeCall", "Unknown", "XLinked", "XLinkedDominant",
    "XLinkedRecessive", "chromosome_fits", "comp_het_call", "get", "is_carrier", "is_dominant",
    "is_recessive_homozygous", "is_x_linked_dominant", "is_x_linked_recessive", "judged_first",
    "mode_call", "on_autosomal_copy", "text",
]
