"""The invariant of issue 14 as a property: a run on a mutated family either stops with one clear
error and no report, or its report.json validates and its ``warnings`` (and ``assessment``)
account for every record, call, sample and phenotype row the run did not use.

Inputs are the bundled example (config/example: VCF, PED, phenotypes) changed the way real files
go wrong: genotypes blanked, depth or genotype quality lowered, reads that contradict the
genotype, records duplicated (same and conflicting genotypes), dropped, given a failed FILTER,
contigs renamed (RefSeq accessions, with and without ##contig lines, one record in the other
``chr`` style), the GT field removed, VCF samples the sample sheet or the PED does not list,
sheet rows the VCF lacks, phenotype rows for IDs in no pedigree, PED sex set to unknown.

The stages run in-process (tests/hardening/family_run.py), ~1 s per example. What was not used is
derived from the inputs and the stage outputs, not from which mutation was drawn:

- records: every input record in a panel region (its contig read as a chromosome; a RefSeq
  ``NC_0000NN`` accession is chromosome NN) is a report variant, or a warning names it, or its
  chromosome is in ``filter_stats.json`` ``panel_chromosomes_absent`` with a warning saying so
  and the genes there not assessed;
- calls: every genotype of a report variant that is uncalled, below DP 8 or GQ 20, or whose reads
  contradict it (heterozygous allele balance outside 0.2-0.8, ``0/0`` with >= 20% ALT reads,
  ``1/1`` with < 80%) is named by a warning (variant and person, or a file-level warning naming
  the person); so is every ``<problem>:<person>`` QC flag that changed how a call is used;
- samples: every VCF sample the run did not read is named by a warning;
- phenotype rows: every sample ID of the phenotype table that is not in the family is named;
- a diagnosis resting on a call that failed the caller's FILTER carries a ``failed_filter``
  caution; a proband without one usable genotype gives ``not_assessable``, never ``none``;
- every warning's message is on the page, and "Warnings: none" only when there is none.

Deterministic (``derandomize``), 40 examples by default (``DUALDX_PROPERTY_EXAMPLES``).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from family_run import EXAMPLE, PANEL, SCHEMA, Family, knowledge_file, run_family
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dualdx.core.errors import DualdxError, InputError
from dualdx.core.model import normalize_chrom
from dualdx.inputs.panel import load_panel
from dualdx.interpretation.quality import CHANGING
from dualdx.report.render import render_html

EXAMPLES = int(os.environ.get("DUALDX_PROPERTY_EXAMPLES", "40"))
FAMILY = "MIOP"
BASE_SAMPLES = ["MIOP-I-1", "MIOP-I-2", "MIOP-II-1", "MIOP-II-2"]
PROBAND = "MIOP-II-1"
MIN_DP, MIN_GQ, AB_MIN, AB_MAX = 8, 20, 0.2, 0.8  # the configuration's defaults
REFSEQ = {"1": "NC_000001.11", "6": "NC_000006.12", "11": "NC_000011.10", "16": "NC_000016.10"}
REFSEQ_RE = re.compile(r"^NC_0000(\d\d)\.\d+$")


# ----------------------------------------------------------------------------- the inputs


@dataclass
class Inputs:
    meta: list[str]
    columns: list[str]  # the #CHROM line's sample columns
    records: list[list[str]]
    sheet: list[str]  # the family's rows of the sample sheet
    ped: list[list[str]]
    pheno: list[list[str]]
    done: list[str] = field(default_factory=list)  # what was drawn (for the failure report)

    @classmethod
    def example(cls) -> Inputs:
        lines = (EXAMPLE / "family_MIOP.vcf").read_text(encoding="utf-8").splitlines()
        header = next(ln for ln in lines if ln.startswith("#CHROM"))
        return cls([ln for ln in lines if ln.startswith("##")], header.split("\t")[9:],
                   [ln.split("\t") for ln in lines if ln and not ln.startswith("#")],
                   list(BASE_SAMPLES),
                   [ln.split("\t") for ln in (EXAMPLE / "pedigree.ped").read_text(
                       encoding="utf-8").splitlines() if ln.strip()],
                   [ln.split("\t") for ln in (EXAMPLE / "phenotypes.tsv").read_text(
                       encoding="utf-8").splitlines()[1:] if ln.strip()])

    def write(self, d: Path) -> Family:
        vcf = d / "family.vcf"
        head = "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                          "FORMAT", *self.columns])
        vcf.write_text("\n".join([*self.meta, head, *("\t".join(r) for r in self.records)])
                       + "\n", encoding="utf-8")
        (d / "f.ped").write_text("".join("\t".join(r) + "\n" for r in self.ped), "utf-8")
        (d / "ph.tsv").write_text("sample_id\thpo_id\n"
                                  + "".join("\t".join(r) + "\n" for r in self.pheno), "utf-8")
        return Family(FAMILY, list(self.sheet), dict.fromkeys(self.sheet, str(vcf)),
                      str(d / "f.ped"), str(d / "ph.tsv"))

    # a sample's value of a FORMAT key at record i
    def _fields(self, i: int, col: int) -> tuple[list[str], list[str]]:
        return self.records[i][8].split(":"), self.records[i][9 + col].split(":")

    def set_value(self, i: int, col: int, key: str, value: str) -> None:
        keys, vals = self._fields(i, col)
        if key not in keys:
            return
        vals += ["."] * (len(keys) - len(vals))
        vals[keys.index(key)] = value
        self.records[i][9 + col] = ":".join(vals)

    def biallelic(self, i: int) -> bool:
        return "," not in self.records[i][4]


Mutation = Callable[[Inputs], None]


def _pick(n: int, k: int) -> int:
    return k % n


def blank_gt(i: int, col: int) -> Mutation:
    def m(x: Inputs) -> None:
        if x.records:
            x.set_value(_pick(len(x.records), i), _pick(len(x.columns), col), "GT", "./.")
    return m


def lower(key: str, value: str, i: int, col: int) -> Mutation:
    def m(x: Inputs) -> None:
        if x.records:
            x.set_value(_pick(len(x.records), i), _pick(len(x.columns), col), key, value)
    return m


def reads(gt: str, ad: str, i: int, col: int) -> Mutation:
    """A genotype with reads that may contradict it (e.g. 0/0 with AD 22,11)."""
    def m(x: Inputs) -> None:
        if x.records and x.biallelic(k := _pick(len(x.records), i)):
            c = _pick(len(x.columns), col)
            x.set_value(k, c, "GT", gt)
            x.set_value(k, c, "AD", ad)
            x.set_value(k, c, "DP", str(sum(int(a) for a in ad.split(","))))
    return m


def duplicate(i: int, conflicting: bool, col: int) -> Mutation:
    def m(x: Inputs) -> None:
        if not x.records:
            return
        k = _pick(len(x.records), i)
        x.records.insert(k + 1, list(x.records[k]))
        if conflicting and x.biallelic(k):
            c = _pick(len(x.columns), col)
            gt = x.records[k][9 + c].split(":")[0]
            x.set_value(k + 1, c, "GT", "0/0" if gt in ("0/1", "1/1") else "0/1")
    return m


def drop(i: int) -> Mutation:
    def m(x: Inputs) -> None:
        if x.records:
            del x.records[_pick(len(x.records), i)]
    return m


def set_filter(i: int, value: str) -> Mutation:
    def m(x: Inputs) -> None:
        if x.records:
            x.records[_pick(len(x.records), i)][6] = value
    return m


def refseq_contigs(keep_contig_lines: bool) -> Mutation:
    """Every contig as its RefSeq accession; ##contig lines renamed too, or removed."""
    def m(x: Inputs) -> None:
        for r in x.records:
            r[0] = REFSEQ.get(normalize_chrom(r[0]), r[0])
        meta = []
        for ln in x.meta:
            if ln.startswith("##contig=<ID="):
                if not keep_contig_lines:
                    continue
                name = ln[len("##contig=<ID="):].split(",", 1)[0].rstrip(">")
                ln = ln.replace(f"ID={name}", f"ID={REFSEQ.get(normalize_chrom(name), name)}")
            meta.append(ln)
        x.meta = meta
    return m


def other_chr_style(i: int) -> Mutation:
    def m(x: Inputs) -> None:
        if x.records:
            r = x.records[_pick(len(x.records), i)]
            r[0] = normalize_chrom(r[0]) if r[0].startswith("chr") else "chr" + r[0]
    return m


def no_gt_field(x: Inputs) -> None:
    for r in x.records:
        keys = r[8].split(":")
        if "GT" in keys:
            j = keys.index("GT")
            r[8] = ":".join(k for n, k in enumerate(keys) if n != j) or "DP"
            for c in range(9, len(r)):
                vals = r[c].split(":")
                r[c] = ":".join(v for n, v in enumerate(vals) if n != j) or "."


def extra_vcf_sample(name: str, in_sheet: bool) -> Mutation:
    """A VCF column for ``name`` (in no PED); listed in the sample sheet or not."""
    def m(x: Inputs) -> None:
        if name in x.columns:
            return
        x.columns.append(name)
        for r in x.records:
            n_alt = len(r[4].split(","))
            call = {"GT": "0/1", "AD": ",".join(["10", "10"] + ["0"] * (n_alt - 1)),
                    "DP": "20", "GQ": "99"}
            r.append(":".join(call.get(k, ".") for k in r[8].split(":")))
        if in_sheet:
            x.sheet.append(name)
    return m


def sheet_row_not_in_vcf(name: str) -> Mutation:
    def m(x: Inputs) -> None:
        if name not in x.sheet and name not in x.columns:
            x.sheet.append(name)
    return m


def orphan_phenotypes(name: str) -> Mutation:
    def m(x: Inputs) -> None:
        x.pheno.append([name, "HP:0011002"])
    return m


def sex_unknown(col: int) -> Mutation:
    def m(x: Inputs) -> None:
        x.ped[_pick(len(x.ped), col)][4] = "0"
    return m


REC = st.integers(0, 40)
COL = st.integers(0, 5)
NAMES = st.sampled_from(["MIOP-II-3", "MIOP-II-l", "NA12878", "miop-ii-1"])


def _named(label: str, strat: st.SearchStrategy[Mutation]) -> st.SearchStrategy[
        tuple[str, Mutation]]:
    return st.tuples(st.just(label), strat)


CALLS = (  # the call-level changes, drawn about as often as all the others together
    _named("blank_gt", st.builds(blank_gt, REC, COL)),
    _named("low_dp", st.builds(lower, st.just("DP"), st.sampled_from(["3", "7", "0"]), REC, COL)),
    _named("low_gq", st.builds(lower, st.just("GQ"), st.sampled_from(["5", "19"]), REC, COL)),
    _named("reads", st.builds(reads, st.sampled_from(["0/1", "0/0", "1/1"]),
                              st.sampled_from(["30,2", "22,11", "11,4", "2,48", "15,15"]),
                              REC, COL)),
)
OTHERS = (
    _named("duplicate", st.builds(duplicate, REC, st.booleans(), COL)),
    _named("drop", st.builds(drop, REC)),
    _named("filter", st.builds(set_filter, REC, st.sampled_from(["LowQual", "VQSRTrancheSNP99.9",
                                                                 "."]))),
    _named("refseq_contigs", st.builds(refseq_contigs, st.booleans())),
    _named("other_chr_style", st.builds(other_chr_style, REC)),
    _named("no_gt_field", st.just(no_gt_field)),
    _named("extra_vcf_sample", st.builds(extra_vcf_sample, NAMES, st.booleans())),
    _named("sheet_row_not_in_vcf", st.builds(sheet_row_not_in_vcf, NAMES)),
    _named("orphan_phenotypes", st.builds(orphan_phenotypes, NAMES)),
    _named("sex_unknown", st.builds(sex_unknown, COL)),
)
MUTATIONS = st.booleans().flatmap(lambda call: st.one_of(*(CALLS if call else OTHERS)))


# ----------------------------------------------------------------------------- the oracle


def _chromosome(contig: str) -> str:
    """The chromosome a reader would take the contig for (RefSeq accessions included)."""
    m = REFSEQ_RE.match(contig)
    return str(int(m.group(1))) if m else normalize_chrom(contig)


def _site(key: str) -> tuple[str, int]:
    chrom, pos, _ = key.split("-", 2)
    return normalize_chrom(chrom), int(pos)


def _names(w: dict[str, Any], *, variant: str | None = None, sample: str | None = None) -> bool:
    if variant is not None and variant not in w["variants"]:
        return False
    return sample is None or sample in w["samples"] or sample in w["message"]


def _unused_reason(g: dict[str, Any]) -> str | None:
    """Why a report genotype is not usable as written (independent of the quality module)."""
    alleles = [a for a in g.get("alleles") or []]
    if not alleles or all(a is None for a in alleles):
        return "not called"
    if g.get("dp") is not None and g["dp"] < MIN_DP:
        return "low DP"
    if g.get("gq") is not None and g["gq"] < MIN_GQ:
        return "low GQ"
    ad = g.get("ad")
    if ad is None or len(ad) != 2 or sum(ad) == 0 or any(a is None or a < 0 for a in alleles):
        return None
    f = ad[1] / sum(ad)
    n_alt = sum(1 for a in alleles if a == 1)
    if n_alt == 1 and len(alleles) == 2 and not AB_MIN <= f <= AB_MAX:
        return "het allele balance"
    if n_alt == 0 and f >= AB_MIN:
        return "ref call with ALT reads"
    if n_alt == 2 and f < AB_MAX:
        return "hom ALT call with few ALT reads"
    return None


def check_accounted(x: Inputs, fam: Family, out: Path, report: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(report)
    warnings = report["warnings"]
    stats = json.loads((out / "filter_stats.json").read_text(encoding="utf-8"))
    variants = {v["key"]: v for v in report["variants"]}
    sites = {_site(k) for k in variants}
    absent = set(stats.get("panel_chromosomes_absent") or [])

    # records: every input record in a panel region is used, named, or on an absent chromosome
    regions = [r for _, r in load_panel(PANEL).regions("GRCh38", padded=False)]
    for r in x.records:
        chrom, pos, ref = _chromosome(r[0]), int(r[1]), r[3]
        if not any(g.chrom == chrom and g.start <= pos + len(ref) - 1 and pos <= g.end
                   for g in regions):
            continue
        if any(c == chrom and pos <= p <= pos + len(ref) for c, p in sites):
            continue
        if chrom in absent:
            assert any(w["code"] == "panel_chromosome_absent" for w in warnings), r[:5]
            continue
        assert any(any(_site(k)[0] == chrom and pos <= _site(k)[1] <= pos + len(ref)
                       for k in w["variants"]) for w in warnings), f"record not accounted: {r[:5]}"
    if absent:
        genes = {g["gene"]: g for g in report["assessment"]["genes"]}
        for g in load_panel(PANEL).genes:
            chrom = normalize_chrom(g.region("GRCh38").chrom)
            if chrom in absent:
                assert not genes[g.symbol]["assessed"], g.symbol

    # calls: every genotype not usable as written is named
    for key, v in variants.items():
        flagged = {tuple(f.split(":", 1)) for f in v.get("qc_flags") or [] if ":" in f}
        for sid, g in v["genotypes"].items():
            why = _unused_reason(g)
            codes = {c for c, s in flagged if s == sid and (c in CHANGING or c == "missing_gt")}
            if why is None and not codes:
                continue
            event(f"unused call: {why or sorted(codes)[0]}")
            assert any(_names(w, variant=key, sample=sid) for w in warnings) or any(
                not w["variants"] and sid in w["samples"] for w in warnings), \
                f"{sid}'s call at {key} ({why or codes}) is not named by a warning"

    # samples: every VCF sample the run did not read is named
    used = {s["sample_id"] for s in report["samples"]}
    for sid in x.columns:
        if sid not in used:
            assert any(_names(w, sample=sid) for w in warnings), f"VCF sample {sid} not named"
    # phenotype rows for people not in the family
    for sid in {row[0] for row in x.pheno} - used:
        assert any(_names(w, sample=sid) for w in warnings), f"phenotype rows of {sid} not named"

    # a diagnosis on a call that failed the caller's filter says so
    for d in report["diagnoses"]:
        for k in d["variants"]:
            filt = (variants.get(k) or {}).get("filter")
            if filt not in (None, "", ".", "PASS"):
                assert any(c["code"] == "failed_filter" and k in c["variants"]
                           for c in d["cautions"]), f"{d['disease_id']} rests on {k} ({filt})"

    # no usable proband genotype: not assessable, never "none"
    pb = report["proband"]
    if variants and all(_unused_reason(v["genotypes"][pb]) in ("not called", "low DP", "low GQ")
                        for v in variants.values() if pb in v["genotypes"]):
        assert report["assessment"]["status"] == "not_assessable"
        assert report["dual_diagnosis"]["status"] == "not_assessable"
    if report["assessment"]["status"] == "not_assessable":
        assert report["dual_diagnosis"]["status"] == "not_assessable"

    # the page shows every warning, and says "none" only when there is none
    page = html.unescape(re.sub(r"<[^>]+>", " ", render_html(report, None, None)))
    page = " ".join(page.split())
    for w in warnings:
        assert " ".join(w["message"].split())[:60] in page, w["message"]
    assert ("Warnings: none" in page) == (not warnings)


def check_refused(e: DualdxError, x: Inputs, fam: Family, out: Path) -> None:
    msg = str(e)
    assert isinstance(e, InputError), msg
    assert "Fix:" in msg, msg
    assert any(p in msg for p in (fam.ped, fam.phenotypes, *fam.vcfs.values())) or \
        "samples sheet" in msg or "sample sheet" in msg, msg
    assert not (out / "report.json").exists()
    assert not list(out.glob("*.part")) and not list(out.glob(".*.part"))


# ----------------------------------------------------------------------------- the property


@pytest.fixture(scope="module")
def knowledge(hpo_store_shared: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return knowledge_file(hpo_store_shared,
                          tmp_path_factory.mktemp("knowledge") / "knowledge.json")


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(mutations=st.lists(MUTATIONS, min_size=1, max_size=4))
def test_unused_input_is_accounted_for(knowledge: Path, tmp_path: Path,
                                       mutations: list[tuple[str, Mutation]]) -> None:
    x = Inputs.example()
    for label, mutate in mutations:
        mutate(x)
        x.done.append(label)
    d = tmp_path / f"run{abs(hash(tuple(x.done))) % 10**8}"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    fam = x.write(d)
    out = d / "out"
    for label in x.done:
        event(label)
    try:
        report = run_family(fam, knowledge, out)
    except DualdxError as e:
        event("refused")
        check_refused(e, x, fam, out)
        return
    event(f"report: {report['assessment']['status']}, "
          f"{'warnings' if report['warnings'] else 'no warnings'}")
    check_accounted(x, fam, out, report)


def test_the_example_itself_passes_the_oracle(knowledge: Path, tmp_path: Path) -> None:
    """The unmutated example: everything used, so no warning is needed (and none is given)."""
    x = Inputs.example()
    fam = x.write(tmp_path)
    report = run_family(fam, knowledge, tmp_path / "out")
    check_accounted(x, fam, tmp_path / "out", report)
    assert report["warnings"] == [] and report["assessment"]["status"] == "assessable"
