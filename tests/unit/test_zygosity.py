"""Ploidy, PARs and zygosity words, pinned once at their owner (dualdx.interpretation.zygosity),
including the case where the former copy in call_diagnoses disagreed (a male heterozygote in PAR1
was called hemizygous there)."""

from __future__ import annotations

import pytest

from dualdx.core.model import Call, Sex, VariantRecord
from dualdx.inputs.pedigree import Pedigree, Person
from dualdx.interpretation import zygosity as z


def c(*alleles: int | None) -> Call:
    return Call(tuple(alleles))


@pytest.mark.parametrize(("chrom", "pos", "sex", "build", "n"), [
    ("1", 100, "male", "GRCh38", 2),
    ("chrX", 1_000_000, "male", "GRCh38", 2),  # PAR1
    ("X", 2_781_479, "male", "GRCh38", 2),  # last base of GRCh38 PAR1
    ("X", 2_781_480, "male", "GRCh38", 1),
    ("X", 2_750_000, "male", "GRCh37", 1),  # GRCh37 PAR1 ends at 2,699,520
    ("X", 155_800_000, "male", "GRCh38", 2),  # PAR2
    ("X", 50_000_000, "male", "GRCh38", 1),
    ("X", 50_000_000, "female", "GRCh38", 2),
    ("X", 50_000_000, "unknown", "GRCh38", None),  # never assumed female
    ("chrY", 3_000_000, "male", "GRCh38", 1),
    ("Y", 3_000_000, "female", "GRCh38", 0),
])
def test_ploidy(chrom: str, pos: int, sex: Sex, build: str, n: int | None) -> None:
    assert z.ploidy(chrom, pos, sex, build) == n


@pytest.mark.parametrize(("call", "ploidy", "words"), [
    (c(0, 1), 2, "heterozygous"),
    (c(1, 1), 2, "homozygous"),
    (c(0, 0), 2, "absent"),
    (c(None, None), 2, "unknown"),
    (c(1, None), 2, z.ONE_COPY_CALLED),
    (c(1), 1, "hemizygous"),
    (c(1, 1), 1, "hemizygous"),
    # the former call_diagnoses copy called any male X carrier "hemizygous", PAR1 included:
    (c(0, 1), 2, "heterozygous"),
    # a diploid 0/1 where one copy is expected is a QC problem, never a hemizygote
    (c(0, 1), 1, z.HET_IN_HAPLOID),
    (c(0, 1), None, z.SEX_UNKNOWN_X),
    (c(-1, 1), 2, "heterozygous"),
])
def test_describe(call: Call, ploidy: int | None, words: str) -> None:
    assert z.describe(call, ploidy) == words


def test_dosage_and_carries() -> None:
    assert z.carries(c(0, 1)) is True and z.carries(c(0, 0)) is False
    assert z.carries(c(0, None)) is None and z.carries(None) is None
    assert z.carries(c(-1, 0)) is False  # another ALT is not this one
    assert z.dosage(c(1, 1)) == 2 and z.dosage(c(1, 1), haploid=True) == 1
    assert z.dosage(c(1, None)) is None and z.dosage(c(1, None), haploid=True) == 1


def test_person_helpers_and_with_sex() -> None:
    ped = Pedigree("F", {"kid": Person("F", "kid", None, None, "unknown", "affected")})
    rec = VariantRecord("X", 50_000_000, "C", "T", {"kid": c(0, 1)})
    assert z.person_ploidy(rec, ped, "kid", "GRCh38") is None
    assert not z.hemizygous(rec, ped, "kid", "GRCh38")
    male = z.with_sex(ped, "kid", "male")
    assert z.hemizygous(rec, male, "kid", "GRCh38") and ped.people["kid"].sex == "unknown"
    assert z.person_dosage(rec, male, "kid", "GRCh38") == 1
    assert z.person_ploidy(rec, ped, "nobody", "GRCh38") is None
    assert z.is_x_nonpar(rec, "GRCh38") and z.is_sex_linked(rec, "GRCh38")
    assert not z.in_par("1", 1_000_000, "GRCh38")


def test_one_word_readings_and_sentences() -> None:
    assert all(z.is_one_word(w) for w in (z.HOMOZYGOUS, z.HETEROZYGOUS, z.HEMIZYGOUS))
    assert not any(z.is_one_word(w) for w in (z.HET_IN_HAPLOID, z.ONE_COPY_CALLED,
                                              z.SEX_UNKNOWN_X, z.UNKNOWN, ""))
