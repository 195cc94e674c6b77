"""Pedigree loading, validation, proband choice and the genotype sex check."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualdx.core.errors import InputError
from dualdx.core.model import Call
from dualdx.inputs.pedigree import (
    Pedigree,
    Person,
    check_sex_from_genotypes,
    load_ped,
    pedigree_from_phenopackets,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "inheritance"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "f.ped"
    p.write_text(text)
    return p


def test_quartet_structure() -> None:
    fams = load_ped(DATA / "quartet.ped")
    ped = fams["MIOP"]
    assert ped.parents("MIOP-II-1") == ("MIOP-I-1", "MIOP-I-2")
    assert sorted(ped.children("MIOP-I-2")) == ["MIOP-II-1", "MIOP-II-2"]
    assert ped.founders() == ["MIOP-I-1", "MIOP-I-2"]
    assert ped.people["MIOP-I-2"].sex == "female"
    assert ped.people["MIOP-I-1"].affected == "unaffected"
    assert ped.siblings("MIOP-II-1") == ["MIOP-II-2"]
    # affected mother and affected son: the son has typed ancestors, so he is the proband
    assert ped.proband() == "MIOP-II-1"
    # with only the mother typed the son still has the most typed ancestors
    assert ped.proband(typed=["MIOP-II-1", "MIOP-I-2"]) == "MIOP-II-1"


def test_several_families_generations_half_sibs_duo() -> None:
    fams = load_ped(DATA / "three_generations.ped")
    assert set(fams) == {"F1", "F2"}
    f1 = fams["F1"]
    assert f1.proband() == "P1"  # singleton
    f2 = fams["F2"]
    assert f2.generation("KID1") == 2
    assert f2.people["KID2"].affected == "unknown"  # -9
    assert f2.people["MUM2"].affected == "unknown"  # 0
    assert f2.siblings("KID1") == []  # KID2 is a half-sib only
    assert f2.parents("DUOKID") == (None, "MUM1")
    # affected: DAD (gen 1, 2 ancestors) and KID1 (gen 2, 4 ancestors): KID1
    assert f2.proband() == "KID1"
    # if only DAD's parents are typed, DAD has 2 typed ancestors, KID1 also 2 (GF, GM): KID1
    # wins on generation
    assert f2.proband(typed=["GF", "GM", "DAD", "KID1"]) == "KID1"
    # explicit proband wins
    f2.proband_id = "DAD"
    assert f2.proband() == "DAD"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("F a 0 0 1 2\nF a 0 0 1 2\n", "duplicate sample ID"),
        ("F a 0 0 1\n", "expected 6 columns"),
        ("F a 0 0 1 2 extra\n", "expected 6 columns"),
        ("F a 0 0 3 2\n", "invalid sex code"),
        ("F a 0 0 1 5\n", "invalid affection code"),
        ("F a b 0 1 2\n", "missing parent row"),
        ("F a b 0 1 2\nF b 0 0 2 1\n", "father 'b' of 'a' is recorded as female"),
        ("F a 0 b 1 2\nF b 0 0 1 1\n", "mother 'b' of 'a' is recorded as male"),
        ("F a b 0 1 2\nF b a 0 1 1\n", "pedigree loop"),
        ("F a a 0 1 2\n", "pedigree loop"),
    ],
)
def test_bad_ped(tmp_path: Path, text: str, needle: str) -> None:
    p = write(tmp_path, "# header\n" + text)
    with pytest.raises(InputError) as e:
        load_ped(p)
    msg = str(e.value)
    assert needle in msg
    assert str(p) in msg and "line " in msg and "Fix:" in msg


def test_missing_parent_error_names_line_and_fix(tmp_path: Path) -> None:
    p = write(tmp_path, "F kid dad 0 1 2\n")
    with pytest.raises(InputError) as e:
        load_ped(p)
    assert e.value.where == "line 1"
    assert "add a row for dad" in e.value.fix and "set the father column to 0" in e.value.fix


def test_unknown_sex_parent_allowed_and_tabs(tmp_path: Path) -> None:
    p = write(tmp_path, "F\tkid\tdad\tmum\t2\t2\nF\tdad\t0\t0\t0\t1\nF\tmum\t0\t0\t0\t1\n")
    ped = load_ped(p)["F"]
    assert ped.people["dad"].sex == "unknown"


def test_no_affected_person(tmp_path: Path) -> None:
    ped = load_ped(write(tmp_path, "F a 0 0 1 1\n"))["F"]
    with pytest.raises(InputError, match="no affected person"):
        ped.proband()


def test_empty_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no person rows"):
        load_ped(write(tmp_path, "# nothing\n\n"))
    with pytest.raises(InputError, match="not found"):
        load_ped(tmp_path / "nope.ped")


def test_phenopacket_family() -> None:
    ped, pheno = pedigree_from_phenopackets(DATA / "family_phenopacket.json")
    assert ped.family_id == "FAM1"
    assert ped.proband() == "KID"
    assert ped.parents("KID") == ("DAD", "MUM")
    assert ped.people["MUM"].affected == "affected"
    assert pheno == {"KID": ["HP:0011002"], "MUM": ["HP:0006323"]}  # excluded term dropped


def test_single_phenopacket(tmp_path: Path) -> None:
    p = tmp_path / "pp.json"
    p.write_text('{"id": "x", "subject": {"id": "S1", "sex": "FEMALE"}, '
                 '"phenotypicFeatures": [{"type": {"id": "HP:0003282"}}]}')
    ped, pheno = pedigree_from_phenopackets(p)
    assert ped.proband() == "S1" and ped.people["S1"].sex == "female"
    assert pheno == {"S1": ["HP:0003282"]}


def _ped_male() -> Pedigree:
    return Pedigree("F", {"m": Person("F", "m", None, None, "male", "affected"),
                          "f": Person("F", "f", None, None, "female", "unaffected")})


def test_sex_check() -> None:
    het, hom = Call((0, 1)), Call((1, 1))
    ped = _ped_male()
    assert check_sex_from_genotypes(ped, {"m": [het] * 5 + [hom] * 7}) != []
    assert "m is male" in check_sex_from_genotypes(ped, {"m": [het] * 5 + [hom] * 7})[0]
    # hemizygous-looking calls only: fine
    assert check_sex_from_genotypes(ped, {"m": [hom] * 12 + [Call((1,))] * 3}) == []
    # too few sites: not checked
    assert check_sex_from_genotypes(ped, {"m": [het] * 4}) == []
    # females are not checked
    assert check_sex_from_genotypes(ped, {"f": [het] * 20}) == []
