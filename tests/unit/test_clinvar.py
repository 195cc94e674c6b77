"""ClinVar reader on real NCBI-layout files (tests/data/clinvar)."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import shutil
from pathlib import Path

import pysam
import pytest

from dualdx.annotation.clinvar_index import run_index_clinvar
from dualdx.core.errors import InputError
from dualdx.core.model import ClinVarAssertion
from dualdx.knowledge.clinvar import (
    ClinVarDB,
    ResidueIndex,
    decode_origin,
    load_clinvar_index,
)
from dualdx.knowledge.clinvar_assertion import review_stars, significance_category
from dualdx.knowledge.sites import minimal_representation

BUILDS = ("GRCh38", "GRCh37")


def _clinvar(shared: Path, build: str) -> Path:
    return shared / "clinvar" / f"clinvar_2016-09_{build}_panel.ncbi-keys.derived.vcf"


def _raw_records(path: Path) -> list[list[str]]:
    lines = path.read_text().splitlines()
    return [ln.split("\t") for ln in lines if ln and not ln.startswith("#")]


def _info(field: str) -> dict[str, str]:
    return dict(kv.split("=", 1) for kv in field.split(";"))


def _check_all(db: ClinVarDB, raw: list[list[str]]) -> None:
    assert len(raw) == 73
    for f in raw:
        a = db.lookup(f[0], int(f[1]), f[3], f[4])
        assert a is not None, f[:5]
        assert a.variation_id == f[2]
        assert a.significance == _info(f[7])["CLNSIG"].replace("_", " ")


@pytest.mark.parametrize("build", BUILDS)
def test_every_record_found_by_its_coordinates(test_data: Path, build: str) -> None:
    path = _clinvar(test_data, build)
    db = ClinVarDB.open(path)
    assert db.release == "2016-09-27"
    assert db.build == build
    _check_all(db, _raw_records(path))
    assert len(list(db.records())) == 73


@pytest.mark.parametrize("build", BUILDS)
def test_bgzipped_tabix_copy_gives_identical_results(test_data: Path, tmp_path: Path,
                                                     build: str) -> None:
    src = _clinvar(test_data, build)
    plain = tmp_path / "clinvar.vcf"
    shutil.copy(src, plain)
    bgz = pysam.tabix_index(str(plain), preset="vcf", force=True)
    assert Path(bgz + ".tbi").is_file()
    db = ClinVarDB.open(bgz)
    assert db.release == "2016-09-27"
    _check_all(db, _raw_records(src))
    assert list(db.records()) == list(ClinVarDB.open(src).records())


@pytest.mark.parametrize("build", BUILDS)
def test_regions_restrict_records_indexed_and_plain(test_data: Path, tmp_path: Path,
                                                   build: str) -> None:
    src = _clinvar(test_data, build)
    raw = _raw_records(src)
    # the TCIRG1 records only: chromosome 11
    chrom11 = [f for f in raw if f[0].removeprefix("chr") == "11"]
    lo, hi = min(int(f[1]) for f in chrom11), max(int(f[1]) for f in chrom11)
    regions = [("11", lo, hi)]
    plain_db = ClinVarDB.open(src, regions)
    copy = tmp_path / "c.vcf"
    shutil.copy(src, copy)
    idx_db = ClinVarDB.open(pysam.tabix_index(str(copy), preset="vcf", force=True), regions)
    for db in (plain_db, idx_db):
        ids = sorted(a.variation_id for *_, a, _end in db.records())
        assert ids == sorted(f[2] for f in chrom11)
        assert db.lookup(raw[0][0], int(raw[0][1]), raw[0][3], raw[0][4]) is None  # ALPL


def test_chrless_copy_and_chr_insensitive_lookup(test_data: Path, tmp_path: Path) -> None:
    src = _clinvar(test_data, "GRCh38")
    text = src.read_text().replace("\nchr", "\n").replace("ID=chr", "ID=")
    nochr = tmp_path / "nochr.vcf"
    nochr.write_text(text)
    db = ClinVarDB.open(nochr)
    raw = _raw_records(src)
    assert raw[0][0].startswith("chr")
    _check_all(db, raw)  # looked up with 'chr' names
    for f in raw:
        assert db.lookup(f[0].removeprefix("chr"), int(f[1]), f[3], f[4]) is not None
    bgz = pysam.tabix_index(str(nochr), preset="vcf", force=True)
    _check_all(ClinVarDB.open(bgz, [("chr1", 1, 300_000_000), ("11", 1, 200_000_000),
                                    ("16", 1, 100_000_000), ("6", 1, 200_000_000)]), raw)


def test_minimal_representation_match_both_sides(test_data: Path) -> None:
    db = ClinVarDB.open(_clinvar(test_data, "GRCh38"))
    # chr1 21563212 AC>CA (188877): same change written with a padding base on the right
    a = db.lookup("chr1", 21563212, "ACG", "CAG")
    assert a is not None and a.variation_id == "188877"
    assert minimal_representation(100, "CTT", "CT") == (100, "CT", "C")
    assert minimal_representation(100, "GCTC", "GC") == (100, "GCT", "G")
    assert minimal_representation(100, "ACG", "ATG") == (101, "C", "T")


def test_real_2023_ncbi_excerpt_every_record_parses(test_data: Path, tmp_path: Path) -> None:
    path = test_data / "clinvar" / "clinvar_20230710_GRCh37.chr1_excerpt.vcf"
    db = ClinVarDB.open(path)
    assert db.release == "2023-07-10"
    assert db.build == "GRCh37"
    recs = list(db.records())
    raw = _raw_records(path)
    assert len(recs) == len(raw) == 341
    for (chrom, pos, _ref, alt, a, _end), f in zip(recs, raw, strict=True):
        info = _info(f[7])
        assert (chrom, pos, a.variation_id) == (f[0], int(f[1]), f[2])
        assert a.significance == info["CLNSIG"].replace("_", " ")
        assert a.stars == review_stars(info["CLNREVSTAT"])
        if f[4] != ".":
            assert db.lookup(f[0], int(f[1]), f[3], f[4]) is a
        else:
            assert alt == "."
    # quirks: conflicting, multi-gene GENEINFO, URL-encoded CLNHGVS, ALT '.', no MC
    by_id = {a.variation_id: a for *_, a, _end in recs}
    conflicting = [a for a in by_id.values() if significance_category(a.significance)
                   == "conflicting"]
    assert len(conflicting) == 25 and all(a.stars == 1 for a in conflicting)
    multi = [a for a in by_id.values() if len(a.genes) > 1]
    assert multi and all(":" not in g for a in multi for g in a.genes)
    assert by_id["836156"].hgvs == "NC_000001.10:g.877831="
    assert by_id["836156"].molecular_consequences == ["no_sequence_alteration"]
    assert any(not a.molecular_consequences for a in by_id.values())
    assert any(len(o) > 1 for o in db.origins.values())  # ORIGIN bitmasks decoded
    # gzip (not bgzip) copy streams the same records
    gz = tmp_path / "c.vcf.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert [r[4].variation_id for r in ClinVarDB.open(gz).records()] == [
        r[4].variation_id for r in recs]


def test_2024_grch38_header_accepted(test_data: Path) -> None:
    path = (test_data / "clinvar"
            / "seqr_test_clinvar_20241111_GRCh38.header_plus_records.vcf")
    db = ClinVarDB.open(path)
    assert db.release == "2024-11-11"
    assert db.build == "GRCh38"
    assert len(list(db.records())) == 12
    with pytest.raises(InputError, match="GRCh38 but the run uses GRCh37"):
        db.check_build("GRCh37")


def test_not_a_clinvar_file_is_refused(test_data: Path, tmp_path: Path) -> None:
    gnomad = test_data / "gnomad" / "gnomad.exomes.r2.1.1.sites.grch37.excerpt.vcf"
    with pytest.raises(InputError, match="no CLNSIG"):
        ClinVarDB.open(gnomad)
    bad = tmp_path / "bad.vcf"
    bad.write_text("##fileformat=VCFv4.1\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   "1\tx\t1\tA\tG\t.\t.\tCLNSIG=Benign\n")
    with pytest.raises(InputError, match="line 3"):
        ClinVarDB.open(bad)
    with pytest.raises(InputError, match="not found"):
        ClinVarDB.open(tmp_path / "missing.vcf")


def test_decode_origin() -> None:
    assert decode_origin("1") == ["germline"]
    assert decode_origin("5") == ["germline", "inherited"]
    assert decode_origin("33") == ["germline", "de novo"]
    assert decode_origin("0") == ["unknown"]


def test_conditions_keep_not_provided_and_drop_duplicates(test_data: Path) -> None:
    db = ClinVarDB.open(_clinvar(test_data, "GRCh38"))
    a = db.lookup("chr1", 21563158, "G", "A")
    assert a is not None
    assert a.conditions[0] == "not provided"
    assert "Infantile hypophosphatasia" in a.conditions
    b = db.lookup("chr1", 21561130, "T", "C")
    assert b is not None and b.conditions == ["Infantile hypophosphatasia"]
    assert a.genes == ["ALPL"] and a.stars == 2


def _assertion(vid: str, sig: str, stars: int = 1) -> ClinVarAssertion:
    return ClinVarAssertion(variation_id=vid, significance=sig, review_status="x", stars=stars)


def test_residue_index_pm5_and_ps1() -> None:
    idx = ResidueIndex()
    idx.add("ALPL", 190, "Arg", "Gln", "1-100-G-A", _assertion("1", "Pathogenic"), "p.(Arg190Gln)")
    idx.add("ALPL", 190, "Arg", "Trp", "1-99-C-T", _assertion("2", "Likely pathogenic"),
            "p.(Arg190Trp)")
    idx.add("ALPL", 190, "Arg", "Gly", "1-99-C-G", _assertion("3", "Benign"), "p.(Arg190Gly)")
    idx.add("ALPL", 190, "Arg", "Ter", "1-99-C-A", _assertion("4", "Pathogenic"), "p.(Arg190Ter)")
    idx.add("ALPL", 190, "Arg", "Arg", "1-101-G-A", _assertion("5", "Pathogenic"), "p.(Arg190=)")
    # a new Arg190Gln from another nucleotide change: PS1 sees record 1, PM5 sees record 2
    ps1 = idx.same_aa_change("ALPL", 190, "Gln", exclude_key="chr1-100-G-C")
    assert [d["variation_id"] for d in ps1] == ["1"]
    assert set(ps1[0]) == {"variation_id", "hgvs_p", "significance", "stars", "key"}
    pm5 = idx.same_residue_pathogenic("ALPL", 190, "Gln", exclude_key="chr1-100-G-C")
    assert [d["variation_id"] for d in pm5] == ["2"]
    # the variant itself (chr-prefixed key, padded representation) is excluded
    assert idx.same_aa_change("ALPL", 190, "Gln", exclude_key="chr1-100-GT-AT") == []
    assert idx.same_residue_pathogenic("ALPL", 191, "Gln", exclude_key="x") == []
    assert idx.same_residue_pathogenic("TCIRG1", 190, "Gln", exclude_key="x") == []


def test_run_index_clinvar_not_configured(tmp_path: Path, repo: Path) -> None:
    out = tmp_path / "clinvar_panel.json"
    run_index_clinvar(None, str(repo / "resources/panels/default.tsv"), "GRCh38", "unused",
                      None, None, str(out), logging.getLogger("t"))
    data = json.loads(out.read_text())
    assert data["source"]["name"] == "clinvar"
    assert data["source"]["status"] == "not_configured"
    assert data["records"] == []
    status, by_key, idx = load_clinvar_index(out)
    assert status.status == "not_configured" and by_key == {} and idx.entries == {}


def test_run_index_clinvar_real_file(test_data: Path, tmp_path: Path, repo: Path) -> None:
    src = _clinvar(test_data, "GRCh38")
    out = tmp_path / "clinvar_panel.json"
    run_index_clinvar(str(src), str(repo / "resources/panels/default.tsv"), "GRCh38",
                      str(repo / "resources/transcripts/mane_select.GRCh38.tsv"),
                      str(test_data / "transcripts" / "NM_000478.6.seq"), None, str(out),
                      logging.getLogger("t"))
    data = json.loads(out.read_text())
    src_status = data["source"]
    assert src_status["status"] == "used" and src_status["release"] == "2016-09-27"
    assert src_status["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert len(data["records"]) == 73  # all four genes are in the default panel
    assert all(not r["chrom"].startswith("chr") for r in data["records"])
    by_id = {r["clinvar"]["variation_id"]: r for r in data["records"]}
    # ALPL Variation 13662: NC_000001.11:g.21564103G>A = NM_000478.5:c.535G>A
    # (shared/data/transcripts/hgvs_dual_build_pairs.tsv); codon 179 GCC>ACC, Ala>Thr
    r = by_id["13662"]
    assert (r["gene"], r["hgvs_c"], r["protein_pos"], r["ref_aa"], r["alt_aa"]) == (
        "ALPL", "c.535G>A", 179, "Ala", "Thr")
    assert r["hgvs_p"] and "Ala179Thr" in r["hgvs_p"]
    status, by_key, idx = load_clinvar_index(out)
    assert status.release == "2016-09-27"
    assert by_key.get(("chr1", 21564103, "G", "A")) is not None  # chr-insensitive get
    assert ("1", 21564103, "G", "A") in by_key
    ps1 = idx.same_aa_change("ALPL", 179, "Thr", exclude_key="chr1-21564103-G-T")
    assert [d["variation_id"] for d in ps1] == ["13662"]
    assert idx.same_aa_change("ALPL", 179, "Thr", exclude_key="chr1-21564103-G-A") == []


def test_run_index_clinvar_build_mismatch(test_data: Path, tmp_path: Path, repo: Path) -> None:
    with pytest.raises(InputError, match="GRCh37 but the run uses GRCh38"):
        run_index_clinvar(str(_clinvar(test_data, "GRCh37")),
                          str(repo / "resources/panels/default.tsv"), "GRCh38",
                          str(repo / "resources/transcripts/mane_select.GRCh38.tsv"), None, None,
                          str(tmp_path / "o.json"), logging.getLogger("t"))
    assert not (tmp_path / "o.json").exists()


def test_snapshot_matches_its_source(test_data: Path, tmp_path: Path, repo: Path) -> None:
    snap_path = repo / "resources/knowledge/clinvar_example_snapshot.vcf"
    snap = ClinVarDB.open(snap_path)
    src = ClinVarDB.open(_clinvar(test_data, "GRCh38"))
    recs = list(snap.records())
    assert sorted(a.variation_id for *_, a, _end in recs) == ["13670", "189246", "5460"]
    assert snap.is_snapshot and not src.is_snapshot
    assert snap.release == src.release == "2016-09-27" and snap.build == "GRCh38"
    for chrom, pos, ref, alt, a, end in recs:
        assert src.lookup(chrom, pos, ref, alt) == a
        assert end == pos + len(ref) - 1
    out = tmp_path / "cv.json"
    run_index_clinvar(str(snap_path), str(repo / "resources/panels/default.tsv"), "GRCh38",
                      str(repo / "resources/transcripts/mane_select.GRCh38.tsv"), None, None,
                      str(out), logging.getLogger("t"))
    status, by_key, _ = load_clinvar_index(out)
    assert status.status == "embedded" and "snapshot" in (status.detail or "")
    a = by_key.get(("chr11", 68049080, "G", "A"))
    assert a is not None and a.variation_id == "189246" and a.stars == 1
