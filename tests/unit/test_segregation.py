"""One Segregation shape for the inheritance stage and the ACMG criteria; unknown affection or
genotype is never counted."""

from __future__ import annotations

from dualdx.core.model import Call, VariantRecord
from dualdx.inputs.pedigree import Pedigree, Person
from dualdx.interpretation.acmg import criteria
from dualdx.interpretation.modes import get
from dualdx.interpretation.segregation import Segregation, segregation


def test_one_class_round_trip() -> None:
    assert criteria.Segregation is Segregation
    s = Segregation(1, 2, 3, 4, None)
    assert Segregation.from_dict(s.to_dict()) == s
    assert Segregation.from_dict({"affected_carriers": 2}) == Segregation(2, 0, 0, 0, None)


def test_counts_skip_unknowns() -> None:
    people = {"kid": Person("F", "kid", "dad", "mum", "male", "affected"),
              "dad": Person("F", "dad", None, None, "male", "affected"),
              "mum": Person("F", "mum", None, None, "female", "affected"),
              "sib": Person("F", "sib", "dad", "mum", "female", "unaffected")}
    ped = Pedigree("F", people, proband_id="kid")
    r = VariantRecord("1", 100, "C", "T", {"kid": Call((0, 1)), "dad": Call((0, 1)),
                                            "mum": Call((0, 0)), "sib": Call((None, None))})
    mode = get("autosomal_dominant")
    aff = {"kid": "affected", "dad": "affected", "mum": "unknown", "sib": "unaffected"}
    seg, who = segregation("autosomal_dominant", "kid", ped, aff,
                           mode.positive(r, None, ped, "GRCh38"), r, "GRCh38")
    assert seg == Segregation(2, 0, 0, 0, 0)
    assert who.affected_carriers == ("dad", "kid") and who.not_counted == ("mum", "sib")
