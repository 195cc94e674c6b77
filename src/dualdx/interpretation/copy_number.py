"""Copy number in the inheritance rules: CNVs join the family's variants, and small-variant
calls inside a deletion are read with the copy number.

* Every copy-number event of ``structural.json`` becomes a biallelic record
  (:class:`StructuralRecord`) whose per-person genotype is the event's: ``0/1`` one copy lost
  (or gained), ``1/1`` both, ``0/0`` not carried, ``./.`` unknown; hemizygous regions (X in
  males) get one allele. The inheritance rules then treat it as any variant: de novo, inherited,
  homozygous, compound heterozygous with an SNV or another CNV, segregation.
* A small variant inside a deletion that a person carries on one copy is read on the remaining
  copy: a ``1/1`` call is one copy of the variant beside the deletion (*apparent homozygosity*:
  hemizygous, written ``1/*`` as VCF writes an allele removed by an overlapping deletion); a
  ``0/0`` call is one reference copy (``0/*``), so a parent who lacks the SNV but carries the
  deletion is consistent, not a Mendelian error. A heterozygous call inside a person's deletion
  cannot be (the deletion or the SNV call is wrong): it becomes unknown and a caution says so,
  as does any call inside a deletion of both copies.
* Phase: a variant inside a deletion that the proband carries lies on the other copy, so the
  pair is in trans whatever the parents show (:func:`phase_by_copy_number`).

The hooks are marked lines: the stage entry of :mod:`dualdx.interpretation.inheritance` calls
:func:`prepare` and :meth:`CopyNumberContext.annotate`, and
:func:`dualdx.interpretation.phasing.phase_pair` asks :func:`phase_by_copy_number` first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from dualdx.core.caveats import Caveat, unique
from dualdx.core.contracts import read_stage_file
from dualdx.core.model import Call, VariantRecord, normalize_chrom
from dualdx.core.stage_files import StructuralEvent
from dualdx.inputs.pedigree import Pedigree
from dualdx.interpretation.quality import CallCheck, Problem, TrustThresholds, problem_caveats
from dualdx.interpretation.zygosity import (
    describe_beside_deletion,
    describe_event,
    person_ploidy,
    ploidy,
)

STAGE = "assign_inheritance"
#: SO terms through which a CNV can be one allele of a recessive genotype (pairs are formed only
#: among such variants, as for small variants).
PAIRABLE_TERMS = frozenset({"transcript_ablation", "exon_loss_variant", "coding_sequence_variant",
                            "feature_elongation", "feature_truncation"})


@dataclass
class StructuralRecord(VariantRecord):
    """A copy-number event as a biallelic record for the inheritance rules."""

    end: int = 0
    svtype: str = "DEL"
    event_key: str = ""
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # carriers' own calls

    @property
    def key(self) -> str:
        return self.event_key

    def covers(self, sample: str, start: int, end: int) -> bool:
        lo, hi = self.spans.get(sample, (self.pos + 1, self.end))
        return lo <= start and end <= hi


def event_calls(event: StructuralEvent, ped: Pedigree, build: str) -> dict[str, Call]:
    """Genotypes of one event (``structural.json``) for the inheritance rules (module doc)."""
    calls: dict[str, Call] = {}
    for s, c in event["calls"].items():
        person = ped.people.get(s)
        haploid = ploidy(event["chrom"], event["start"],
                         person.sex if person else "unknown", build) == 1
        status = c["status"]
        if status == "carrier":
            copies = c["copies"]
            if haploid:
                alleles: tuple[int | None, ...] = (1,)
            elif copies == 2:
                alleles = (1, 1)
            elif copies == 1:
                alleles = (0, 1)
            else:
                alleles = (1, None)
        elif status == "non_carrier":
            alleles = (0,) if haploid else (0, 0)
        else:
            alleles = (None,) if haploid else (None, None)
        calls[s] = Call(alleles=alleles)
    return calls


def structural_records(events: Sequence[StructuralEvent], ped: Pedigree, build: str
                       ) -> list[tuple[StructuralRecord, str | None, bool]]:
    """(record, gene, pairable) for every event and each panel gene it touches (a gene without
    a transcript model has no consequence: not pairable)."""
    out: list[tuple[StructuralRecord, str | None, bool]] = []
    for ev in events:
        spans = {s: (start, end) for s, c in ev["calls"].items()
                 if c["status"] == "carrier" and (start := c["start"]) is not None
                 and (end := c["end"]) is not None}
        rec = StructuralRecord(chrom=ev["chrom"], pos=ev["pos"], ref="N",
                               alt=f"<{ev['svtype']}>", calls=event_calls(ev, ped, build),
                               id=None, filter=ev["filter"], end=ev["end"],
                               svtype=ev["svtype"], event_key=ev["key"], spans=spans)
        # consequence: CnvConsequence.to_dict() (its "consequence" is None outside the gene)
        terms_of = {c["gene"]: set((c["consequence"] or "").split("&"))
                    for c in ev["consequences"]}
        genes: list[str | None] = list(ev["genes"]) or [None]
        for gene in genes:
            out.append((rec, gene, bool(terms_of.get(gene, set()) & PAIRABLE_TERMS)))
    return out


def phase_by_copy_number(a: VariantRecord, b: VariantRecord, proband: str
                         ) -> tuple[Literal["trans"], str] | None:
    """("trans", basis) when one of the pair is a deletion the proband carries on one copy and the
    other a variant inside it that the proband carries; None otherwise."""
    for cnv, other in ((a, b), (b, a)):
        if not isinstance(cnv, StructuralRecord) or isinstance(other, StructuralRecord):
            continue
        if cnv.svtype != "DEL" or normalize_chrom(cnv.chrom) != normalize_chrom(other.chrom):
            continue
        cc, oc = cnv.calls.get(proband), other.calls.get(proband)
        if cc is None or oc is None or not any(x == 1 for x in cc.alleles) \
                or not any(x == 1 for x in oc.alleles):
            continue
        if cnv.covers(proband, other.pos, other.pos + max(1, len(other.ref)) - 1):
            return "trans", ("the variant lies inside the deletion, so it is on the copy the "
                             "deletion leaves")
    return None


@dataclass
class CopyNumberContext:
    """What :func:`prepare` did, for :meth:`annotate` to explain in the inheritance rows."""

    events: list[StructuralEvent]
    variants: list[tuple[VariantRecord, str | None]]
    pairable: set[str]
    notes: dict[tuple[str, str], str] = field(default_factory=dict)  # (variant, sample) -> text
    called: dict[tuple[str, str], str] = field(default_factory=dict)  # VCF GT before reading
    read: dict[tuple[str, str], Call] = field(default_factory=dict)  # read beside a deletion
    caveats: list[Caveat] = field(default_factory=list)

    def annotate(self, doc: dict[str, Any]) -> None:
        """Explain copy-number readings in the rows of ``inheritance.json`` and add the caveats
        to its ``caveats`` (``call_diagnoses`` gathers them into the report's warnings)."""
        proband = str(doc.get("proband"))
        kinds = {str(e["key"]): str(e["svtype"]) for e in self.events}
        for row in doc.get("calls") or []:
            key = str(row.get("variant"))
            words = str(row.get("zygosity") or "")
            new_words = words
            read = self.read.get((key, proband))
            if read is not None and row.get("label"):
                new_words = describe_beside_deletion(read)
            elif key in kinds and row.get("label"):
                new_words = describe_event(words, "deletion" if kinds[key] == "DEL"
                                           else "duplication")
            expl = str(row.get("explanation") or "")
            if new_words != words:
                row["zygosity"] = new_words
                lead = _capital(words) + ","
                if words and expl.startswith(lead):
                    expl = _capital(new_words) + "," + expl[len(lead):]
            note = self.notes.get((key, proband))
            if note is not None:
                expl = note + " " + expl
            row["explanation"] = expl
            readings = {s: {"called": self.called[(key, s)], "read": row["genotypes"].get(s),
                            "note": self.notes.get((key, s))}
                        for s in sorted({s for (k, s) in self.called if k == key})}
            if readings:
                row["copy_number"] = readings
        doc["caveats"] = [c.to_dict() for c in unique(
            [*self._uncalled_in_the_vcf(map(Caveat.from_dict, doc.get("caveats") or [])),
             *self.caveats])]

    def _uncalled_in_the_vcf(self, caveats: Iterable[Caveat]) -> list[Caveat]:
        """``call_missing_gt`` without the calls read as unknown here: the VCF called them (their
        caveat is ``genotype_conflicts_with_deletion``)."""
        out: list[Caveat] = []
        for c in caveats:
            if c.code != "call_missing_gt" or not any((v, s) in self.called for v in c.variants
                                                      for s in c.samples):
                out.append(c)
                continue
            left = [(v, s) for v in c.variants for s in c.samples if (v, s) not in self.called]
            uncalled = CallCheck(Call((None, None)), (Problem("missing_gt", "not called"),))
            out += problem_caveats(((v, {s: uncalled}) for v, s in left), TrustThresholds(),
                                   c.stage or STAGE, only=("missing_gt",))
        return out


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _read_in_deletion(rec: VariantRecord, dels: Sequence[StructuralRecord], ped: Pedigree,
                      build: str, ctx: CopyNumberContext) -> VariantRecord:
    end = rec.pos + max(1, len(rec.ref)) - 1
    calls = dict(rec.calls)
    changed = False
    for s, call in rec.calls.items():
        for d in dels:
            dc = d.calls.get(s)
            if dc is None or not any(a == 1 for a in dc.alleles) \
                    or any(a is None for a in dc.alleles) or not d.covers(s, rec.pos, end):
                continue  # not carried, or how many copies are lost is not known
            copies = person_ploidy(rec, ped, s, build)
            known = [a for a in call.alleles if a is not None]
            if not known:
                break
            one_copy_left = copies == 2 and dc.alleles in ((0, 1), (1, 0))
            if one_copy_left and len(call.alleles) == 2 and len(known) == 2 \
                    and set(known) <= {0, 1}:
                if known[0] == known[1]:
                    a = known[0]
                    calls[s] = replace(call, alleles=(a, -1))
                    ctx.called[(rec.key, s)] = call.gt
                    ctx.read[(rec.key, s)] = calls[s]
                    changed = True
                    if a == 1:
                        ctx.notes[(rec.key, s)] = (
                            f"Called {call.gt} in {s}, but {s} carries the deletion {d.key} over "
                            "this position: apparent homozygosity. One copy of the variant is "
                            "present (hemizygous) and the other copy is deleted.")
                    else:
                        ctx.notes[(rec.key, s)] = (
                            f"{s} lacks the variant and carries the deletion {d.key} over it: "
                            f"the {call.gt} call is one reference copy beside the deletion, "
                            "consistent with transmitting the deleted copy (not a Mendelian "
                            "error).")
                    break
                why = (f"{s} is called {call.gt} at {rec.key}, inside the deletion {d.key} "
                       f"{s} carries on one copy: one of the two calls is wrong (or the deletion "
                       "ends differ); the small-variant genotype is treated as unknown")
            else:
                why = (f"{s} is called {call.gt} at {rec.key}, inside the deletion {d.key} that "
                       f"removes every copy {s} has there: the small-variant genotype is "
                       "treated as unknown")
            calls[s] = replace(call, alleles=tuple(None for _ in call.alleles), phased=False)
            ctx.called[(rec.key, s)] = call.gt
            ctx.caveats.append(Caveat("genotype_conflicts_with_deletion", why, "caution", STAGE,
                                      (rec.key, d.key), (s,)))
            changed = True
            break
    return replace(rec, calls=calls) if changed else rec


def prepare(structural_json: str, variants: Sequence[tuple[VariantRecord, str | None]],
            pairable: set[str], ped: Pedigree, build: str) -> CopyNumberContext:
    """Add the family's copy-number events to ``variants`` and read small-variant calls inside
    deletions with the copy number (module doc)."""
    doc = read_stage_file("structural", structural_json)
    events = doc["events"]
    ctx = CopyNumberContext(events, [], set(pairable))
    recs = structural_records(events, ped, build)
    dels = list({id(r): r for r, _, _ in recs if r.svtype == "DEL"}.values())
    for rec, gene in variants:
        ctx.variants.append((_read_in_deletion(rec, dels, ped, build, ctx), gene))
    for rec, gene, can_pair in recs:
        ctx.variants.append((rec, gene))
        if can_pair:
            ctx.pairable.add(rec.key)
    return ctx
