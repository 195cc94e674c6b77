"""Phase evidence is checked, not assumed (issue 14 item 6): phased GTs without PS are not
read-backed, two records at one position are not automatically in trans, a parent's own
read-backed phase is compared, and conflicts give phase unknown with a caveat."""

from __future__ import annotations

from typing import Any

from dualdx.core.model import Affection, Call, Sex, VariantRecord
from dualdx.inputs.pedigree import Pedigree, Person
from dualdx.interpretation.inheritance import assign_inheritance
from dualdx.interpretation.phasing import phase_pair
from dualdx.interpretation.quality import TrustThresholds


def call(gt: str, **kw: Any) -> Call:
    parts = gt.replace("|", "/").split("/")
    return Call(tuple(None if a == "." else (-1 if a == "*" else int(a)) for a in parts),
                phased="|" in gt, **kw)


def rec(pos: int, gts: dict[str, str | Call], alt: str = "T") -> VariantRecord:
    return VariantRecord("1", pos, "C", alt,
                         {s: g if isinstance(g, Call) else call(g) for s, g in gts.items()})


def person(sid: str, f: str | None = None, m: str | None = None, sex: Sex = "male",
           aff: Affection = "unaffected") -> Person:
    return Person("F", sid, f, m, sex, aff)


SINGLE = Pedigree("F", {"kid": person("kid", aff="affected")}, proband_id="kid")
TRIO = Pedigree("F", {"kid": person("kid", "dad", "mum", aff="affected"), "dad": person("dad"),
                      "mum": person("mum", sex="female")}, proband_id="kid")


def test_phased_without_ps_is_statistical_not_read_backed() -> None:
    a = rec(100, {"kid": call("0|1")})
    b = rec(200, {"kid": call("1|0")})
    pp = phase_pair(a, b, "kid", SINGLE)
    assert pp.phase == "unknown" and "read-backed" not in pp.basis.split(";")[0]
    assert "statistical phasing" in pp.basis and "shows trans" in pp.basis
    # with a phase set it is read-backed
    a2 = rec(100, {"kid": call("0|1", ps=100)})
    b2 = rec(200, {"kid": call("1|0", ps=100)})
    assert (phase_pair(a2, b2, "kid", SINGLE).phase, phase_pair(a2, b2, "kid", SINGLE).basis) == \
        ("trans", "read-backed phase")


def test_two_records_at_one_position_are_not_automatically_in_trans() -> None:
    snv = rec(100, {"kid": "0/1"}, alt="T")
    other = rec(100, {"kid": "0/1"}, alt="G")
    assert phase_pair(snv, other, "kid", SINGLE).phase == "unknown"
    # parents can still phase them (here: both from the father, so in cis)
    a = rec(100, {"kid": "0/1", "dad": "0/1", "mum": "0/0"}, alt="T")
    b = rec(100, {"kid": "0/1", "dad": "0/1", "mum": "0/0"}, alt="G")
    assert phase_pair(a, b, "kid", TRIO).phase == "cis"
    # a split multiallelic site (1/* and */1) is in trans by construction
    s1 = rec(100, {"kid": "1/*"}, alt="T")
    s2 = rec(100, {"kid": "*/1"}, alt="G")
    assert phase_pair(s1, s2, "kid", SINGLE).basis == "same site"


def test_parent_own_phase_is_compared() -> None:
    # the father carries both (the mother neither): the child got both from him, so in cis ...
    a = rec(100, {"kid": "0/1", "dad": call("0|1", ps=7), "mum": "0/0"})
    b = rec(200, {"kid": "0/1", "dad": call("0|1", ps=7), "mum": "0/0"})
    assert phase_pair(a, b, "kid", TRIO).phase == "cis"
    # ... unless his own read-backed phase puts them on different haplotypes: a conflict
    b2 = rec(200, {"kid": "0/1", "dad": call("1|0", ps=7), "mum": "0/0"})
    pp = phase_pair(a, b2, "kid", TRIO)
    assert (pp.phase, pp.conflict) == ("unknown", True) and "father" in pp.basis
    # statistical phase of the parent (no PS) is not evidence against the genotypes
    b3 = rec(200, {"kid": "0/1", "dad": call("1|0"), "mum": "0/0"})
    assert phase_pair(a, b3, "kid", TRIO).phase == "cis"


def test_parents_and_reads_disagree_is_a_caveat() -> None:
    a = rec(100, {"kid": call("0|1", ps=5), "dad": "0/1", "mum": "0/0"})
    b = rec(200, {"kid": call("0|1", ps=5), "dad": "0/0", "mum": "0/1"})
    pp = phase_pair(a, b, "kid", TRIO)
    assert (pp.phase, pp.conflict) == ("unknown", True) and "parents say trans" in pp.basis
    kn = {"genes": {"G": ["D:1"]}, "diseases": {"D:1": {"name": "D", "genes": ["G"],
                                                        "modes": ["autosomal_recessive"],
                                                        "terms": []}}, "terms": {}}
    doc = assign_inheritance([(a, "G"), (b, "G")], TRIO, "kid", kn, {}, TrustThresholds(),
                             "GRCh38")
    cav = [c for c in doc["caveats"] if c["code"] == "phase_conflict"]
    assert len(cav) == 1 and cav[0]["variants"] == [a.key, b.key]
    row = next(r for r in doc["calls"] if r["variant"] == a.key)
    assert row["label"] == "compound_het_unknown_phase"
