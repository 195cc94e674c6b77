"""Pedigree layout and SVG drawings: structure, conventions, escaping, determinism."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from dualdx.report.svg import (
    DIAGNOSIS_FILLS,
    PedMember,
    assign_generations,
    layout_pedigree,
    letter,
    pedigree_numbers,
    pedigree_svg,
    swatch_svg,
)

SVG_NS = "{http://www.w3.org/2000/svg}"


def m(
    sid: str,
    father: str | None = None,
    mother: str | None = None,
    sex: str = "male",
    regions: tuple[str, ...] = ("", ""),
    labels: tuple[str, ...] = (),
    proband: bool = False,
) -> PedMember:
    return PedMember(sid, father, mother, sex, "unaffected", regions, labels, proband)


def trio_plus_grandparents() -> list[PedMember]:
    return [
        m("GF"), m("GM", sex="female"), m("F"),
        m("M", "GF", "GM", sex="female"),
        m("P", "F", "M", regions=("affected", "affected"), proband=True),
        m("S", "F", "M", sex="unknown", regions=("carrier", "heterozygote")),
    ]


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


def test_letters() -> None:
    assert [letter(i) for i in range(3)] == ["A", "B", "C"]
    assert letter(26) == "A27"


def test_generations_three_rows_and_married_in_founder() -> None:
    gen = assign_generations(trio_plus_grandparents())
    assert gen == {"GF": 0, "GM": 0, "F": 1, "M": 1, "P": 2, "S": 2}


def test_layout_rows_do_not_overlap_and_partners_adjacent() -> None:
    lay = layout_pedigree(trio_plus_grandparents())
    rows: dict[int, list[float]] = {}
    for sid, g in lay.generation.items():
        rows.setdefault(g, []).append(lay.x[sid])
    for xs in rows.values():
        xs.sort()
        assert all(b - a >= 1 for a, b in itertools.pairwise(xs))
    assert abs(lay.x["F"] - lay.x["M"]) == 1
    # children sit under their parents' span
    lo, hi = sorted((lay.x["F"], lay.x["M"]))
    mid = (lo + hi) / 2
    kids = [lay.x["P"], lay.x["S"]]
    assert min(kids) <= mid <= max(kids)
    assert pedigree_numbers(lay)["GF"] == "I-1"
    assert {pedigree_numbers(lay)[s] for s in ("P", "S")} == {"III-1", "III-2"}


def test_half_sibs_put_shared_parent_between_partners() -> None:
    members = [
        m("DAD"), m("MUM1", sex="female"), m("MUM2", sex="female"),
        m("K1", "DAD", "MUM1"), m("K2", "DAD", "MUM2", sex="female"),
    ]
    lay = layout_pedigree(members)
    xs = sorted(("MUM1", "DAD", "MUM2"), key=lambda s: lay.x[s])
    assert xs[1] == "DAD"
    svg = pedigree_svg(members, 1)
    ET.fromstring(svg)  # well-formed


def test_singleton_and_unconnected_samples() -> None:
    lay = layout_pedigree([m("ONLY", proband=True)])
    assert lay.unconnected == ["ONLY"] and lay.generation["ONLY"] == 0
    members = [*trio_plus_grandparents(), m("STRAY", sex="female")]
    lay2 = layout_pedigree(members)
    assert lay2.unconnected == ["STRAY"]
    assert lay2.x["STRAY"] > max(x for s, x in lay2.x.items() if s != "STRAY")
    svg = str(pedigree_svg(members, 2))
    assert "not linked to the family" in " ".join(texts(svg))
    single = str(pedigree_svg([m("ONLY", proband=True, regions=("affected",))], 1))
    assert "P" in texts(single)


def test_missing_parent_ids_and_cycles_do_not_crash() -> None:
    members = [m("A", "NOT_IN_FILE", "ALSO_MISSING"), m("B", "C", None), m("C", "B", None)]
    lay = layout_pedigree(members)
    assert set(lay.x) == {"A", "B", "C"}
    ET.fromstring(str(pedigree_svg(members, 1)))


def test_regions_filled_per_condition_and_carrier_marks() -> None:
    svg = str(pedigree_svg(trio_plus_grandparents(), 2))
    root = ET.fromstring(svg)
    fills = [p.get("fill") for p in root.iter(f"{SVG_NS}path")]
    # region A is a plain solid fill (prints solid in every renderer), B a pattern
    assert fills.count(DIAGNOSIS_FILLS[0][2]) == 1  # proband, region A
    assert fills.count("url(#ped-fill-1)") == 1  # proband, region B
    circles = [c for c in root.iter(f"{SVG_NS}circle") if c.get("r") == "3.6"]
    assert len(circles) == 1  # the sibling's carrier dot
    shapes = {p.get("d", "")[:1] for p in root.iter(f"{SVG_NS}path") if p.get("fill") == "none"}
    assert shapes == {"M"}
    # patterns differ (solid vs hatch), not colour alone
    pats = {p.get("id"): p for p in root.iter(f"{SVG_NS}pattern")}
    assert pats["ped-fill-1"].get("patternTransform") == "rotate(45)"


def test_genotype_labels_and_ids_are_escaped_text() -> None:
    evil = '<script>alert(1)</script>"onload="x'
    members = [m(evil, labels=("TCIRG1 v1/v2", "ALPL <b>v</b>/+"), proband=True)]
    svg = str(pedigree_svg(members, 2))
    assert "<script" not in svg and '"onload=' not in svg
    root = ET.fromstring(svg)
    all_text = " ".join(texts(svg))
    assert evil in all_text and "ALPL <b>v</b>/+" in all_text
    titles = ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}title")]
    assert evil in titles
    for el in root.iter():
        assert not any(k.lower().startswith("on") for k in el.attrib)


def test_unknown_for_a_disease_is_a_question_mark_in_its_region() -> None:
    members = [m("F"), m("M", sex="female"),
               m("P", "F", "M", regions=("affected", "affected"), proband=True),
               m("S", "F", "M", regions=("unknown", "heterozygote unknown"))]
    svg = str(pedigree_svg(members, 2))
    root = ET.fromstring(svg)
    sib = next(g for g in root.iter(f"{SVG_NS}g")
               if ["".join(t.itertext()) for t in g.iter(f"{SVG_NS}title")] == ["S"])
    marks = ["".join(t.itertext()) for t in sib.iter(f"{SVG_NS}text")]
    assert marks.count("?") == 2  # one per region: unknown for both diseases
    assert any(line.get("stroke-width") == "2.6" for line in sib.iter(f"{SVG_NS}line"))
    affected = next(g for g in root.iter(f"{SVG_NS}g")
                    if ["".join(t.itertext()) for t in g.iter(f"{SVG_NS}title")] == ["P"])
    assert "?" not in ["".join(t.itertext()) for t in affected.iter(f"{SVG_NS}text")]
    for kind in ("affected", "carrier", "heterozygote", "unknown"):
        ET.fromstring(str(swatch_svg(kind, 1, 2)))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=6, unique=True),
       st.data())
def test_any_family_draws_well_formed_and_deterministic(ids: list[str], data: st.DataObject
                                                        ) -> None:
    members = []
    for i, sid in enumerate(ids):
        earlier = [None, *ids[:i]]
        members.append(
            m(sid, data.draw(st.sampled_from(earlier)), data.draw(st.sampled_from(earlier)),
              sex=data.draw(st.sampled_from(["male", "female", "unknown"])),
              regions=(data.draw(st.sampled_from(["", "affected", "carrier"])),))
        )
    a = str(pedigree_svg(members, 1))
    assert a == str(pedigree_svg(members, 1))
    ET.fromstring(a)
