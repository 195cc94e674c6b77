"""gnomAD reader on the four real sites-VCF excerpts (tests/data/gnomad)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pysam
import pytest
from loopback import LoopbackServer, forbid_outside_network

from dualdx.core.errors import InputError
from dualdx.knowledge.gnomad import GnomadDB, release_from_name

V4E = "gnomad.exomes.v4.0.sites.chr1_55039893-55039951.excerpt.vcf"
V4G = "gnomad.genomes.v4.0.sites.chr1_55039893-55039951.excerpt.vcf"
V31 = "gnomad.genomes.v3.1.sites.grch38.excerpt.vcf"
V2 = "gnomad.exomes.r2.1.1.sites.grch37.excerpt.vcf"

# (file, region, expected source, a record checked field by field:
#  (chrom, pos, ref, alt, AF, popmax AF, popmax population, nhomalt, AC, AN))
CASES = [
    (V4E, ("1", 55039890, 55039951), "gnomAD v4.0 exomes",
     ("chr1", 55039894, "G", "C", 4.24589e-06, 0.000153487, "afr", 0, 6, 1413132)),
    (V4G, ("1", 55039890, 55039951), "gnomAD v4.0 genomes",
     ("chr1", 55039910, "C", "G", 6.56720e-06, 1.46959e-05, "nfe", 0, 1, 152272)),
    (V31, ("1", 15900, 16000), "gnomAD v3.1 genomes",
     ("chr1", 15973, "G", "A", 1.81153e-05, 5.39549e-05, "afr", 0, 2, 110404)),
    (V2, ("1", 55505500, 55505700), "gnomAD v2.1.1 exomes",
     ("1", 55505615, "C", "T", 1.08183e-05, 8.21558e-05, "sas", 0, 2, 184872)),
]


def _records(path: Path) -> list[list[str]]:
    return [ln.split("\t") for ln in path.read_text().splitlines()
            if ln and not ln.startswith("#")]


def _check(db: GnomadDB, path: Path, source: str, rec: tuple[object, ...]) -> None:
    chrom, pos, ref, alt, af, pmaf, pop, nhom, ac, an = rec
    assert db.source == source
    f = db.lookup(str(chrom), int(str(pos)), str(ref), str(alt))
    assert f.queried and f.found
    assert f.af == pytest.approx(af)
    assert f.popmax_af == pytest.approx(pmaf)
    assert (f.popmax_population, f.nhomalt, f.ac, f.an) == (pop, nhom, ac, an)
    assert f.source == source
    # every record of the excerpt is found (chr-insensitive), AF as written
    for r in _records(path):
        got = db.lookup(r[0].removeprefix("chr"), int(r[1]), r[3], r[4])
        assert got.found, r[:5]
        info = dict(kv.split("=", 1) for kv in r[7].split(";") if "=" in kv)
        assert got.af == pytest.approx(float(info["AF"]))
    # a position inside the region without this allele: queried, not found
    missing = db.lookup(str(chrom), int(str(pos)), str(ref), "N" if alt != "N" else "A")
    assert missing.queried and not missing.found and missing.af is None
    # outside every queried region: nothing known
    outside = db.lookup(str(chrom), 1_000_000_000, "A", "G")
    assert not outside.queried and not outside.found


@pytest.mark.parametrize(("name", "region", "source", "rec"), CASES)
def test_plain_excerpts(test_data: Path, name: str, region: tuple[str, int, int], source: str,
                        rec: tuple[object, ...]) -> None:
    path = test_data / "gnomad" / name
    db = GnomadDB.open(str(path), [region])
    _check(db, path, source, rec)


@pytest.mark.parametrize(("name", "region", "source", "rec"), CASES)
def test_bgzipped_tabix_excerpts(test_data: Path, tmp_path: Path, name: str,
                                 region: tuple[str, int, int], source: str,
                                 rec: tuple[object, ...]) -> None:
    src = test_data / "gnomad" / name
    shutil.copy(src, tmp_path / name)
    bgz = pysam.tabix_index(str(tmp_path / name), preset="vcf", force=True)
    db = GnomadDB.open(bgz, [region])
    _check(db, src, source, rec)


def test_absent_keys_are_none_not_zero(test_data: Path) -> None:
    db = GnomadDB.open(str(test_data / "gnomad" / V4E), [("chr1", 55039890, 55039951)])
    f = db.lookup("1", 55039894, "G", "GCTC")  # PASS record without AF_grpmax / grpmax
    assert f.found and f.af == pytest.approx(7.07648e-07)
    assert f.popmax_af is None and f.popmax_population is None
    ac0 = db.lookup("1", 55039897, "G", "A")  # AC0 filtered record: AF written as 0.00000
    assert ac0.found and ac0.af == 0.0 and ac0.ac == 0
    # same-position multiallelic sites split over lines keep their own values
    assert db.lookup("1", 55039894, "G", "C").af == pytest.approx(4.24589e-06)
    # a padded representation of the insertion matches
    assert db.lookup("1", 55039894, "GA", "GCTCA").af == pytest.approx(7.07648e-07)


def test_regions_limit_what_is_read(test_data: Path) -> None:
    db = GnomadDB.open(str(test_data / "gnomad" / V4G), [("1", 55039894, 55039903)])
    assert len(db) == 2
    assert db.lookup("chr1", 55039910, "C", "G").queried is False


def test_multiallelic_line_split_per_alt(tmp_path: Path) -> None:
    vcf = tmp_path / "gnomad.genomes.v3.1.sites.chr1.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n"
        '##INFO=<ID=AF,Number=A,Type=Float,Description="x">\n'
        '##INFO=<ID=AF_popmax,Number=A,Type=Float,Description="x">\n'
        '##INFO=<ID=AF_XX,Number=A,Type=Float,Description="x">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "chr1\t100\t.\tA\tG,T\t.\tPASS\tAC=3,1;AN=10;AF=0.3,0.1;AF_popmax=0.5,0.2;"
        "popmax=nfe,afr;nhomalt=1,0\n")
    db = GnomadDB.open(str(vcf), [("1", 1, 200)])
    g, t = db.lookup("1", 100, "A", "G"), db.lookup("1", 100, "A", "T")
    assert (g.af, g.popmax_af, g.popmax_population, g.nhomalt, g.ac) == (0.3, 0.5, "nfe", 1, 3)
    assert (t.af, t.popmax_af, t.popmax_population, t.nhomalt, t.ac) == (0.1, 0.2, "afr", 0, 1)
    assert db.release == "3.1"


def test_release_from_name_and_unknown_name(test_data: Path, tmp_path: Path) -> None:
    assert release_from_name("gnomad.exomes.v4.1.sites.chr1.vcf.bgz") == ("4.1", "exomes")
    assert release_from_name("gnomad.exomes.r2.1.1.sites.1.vcf.bgz") == ("2.1.1", "exomes")
    assert release_from_name("freqs.vcf") == (None, None)
    copy = tmp_path / "freqs.vcf"
    shutil.copy(test_data / "gnomad" / V4G, copy)
    db = GnomadDB.open(str(copy), [("1", 55039890, 55039951)])
    assert db.release is None
    assert db.source == "gnomAD (v4 fields; release not stated)"
    db2 = GnomadDB.open(str(copy), [("1", 55039890, 55039951)], release="4.0",
                        source="gnomAD v4.0 genomes")
    assert db2.lookup("1", 55039910, "C", "G").release == "4.0"


def test_not_gnomad_refused(test_data: Path) -> None:
    with pytest.raises(InputError, match="not a gnomAD sites VCF"):
        GnomadDB.open(str(test_data / "clinvar" /
                          "clinvar_2016-09_GRCh38_panel.ncbi-keys.derived.vcf"), [("1", 1, 10)])


def test_remote_url_through_loopback(test_data: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    src = test_data / "gnomad" / V4E
    shutil.copy(src, tmp_path / V4E)
    bgz = Path(pysam.tabix_index(str(tmp_path / V4E), preset="vcf", force=True))
    refused = forbid_outside_network(monkeypatch)
    monkeypatch.chdir(tmp_path)
    cwd_before = set(tmp_path.iterdir())
    with LoopbackServer(tmp_path) as srv:
        db = GnomadDB.open(srv.url(bgz.name), [("1", 55039890, 55039951)])
        paths = {p for _, p, _ in srv.requests}
    assert db.source == "gnomAD v4.0 exomes"
    _check(db, src, "gnomAD v4.0 exomes", CASES[0][3])
    assert f"/{bgz.name}.tbi" in paths and f"/{bgz.name}" in paths
    assert set(tmp_path.iterdir()) == cwd_before  # htslib left no index copy in the cwd
    assert refused == []


def test_remote_read_retried_then_refused_clearly(test_data: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    src = test_data / "gnomad" / V4E
    shutil.copy(src, tmp_path / V4E)
    bgz = Path(pysam.tabix_index(str(tmp_path / V4E), preset="vcf", force=True))
    forbid_outside_network(monkeypatch)
    monkeypatch.setattr("dualdx.knowledge.sites.time.sleep", lambda s: None)
    with LoopbackServer(tmp_path) as srv:
        srv.fail(bgz.name, "500")  # a passing server error: read again
        db = GnomadDB.open(srv.url(bgz.name), [("1", 55039890, 55039951)])
        assert db.lookup("chr1", 55039894, "G", "C").found
        srv.fail(bgz.name, *["500"] * 30)  # the server keeps failing: one clear error
        with pytest.raises(InputError) as e:
            GnomadDB.open(srv.url(bgz.name), [("1", 55039890, 55039951)])
    msg = str(e.value)
    assert msg.startswith(f"{srv.url(bgz.name)}: cannot be read as a bgzipped, tabix-indexed VCF "
                          "(attempt 1: ")
    assert "attempt 3: " in msg and "Fix: " in msg


def test_local_index_of_another_file_refused(test_data: Path, tmp_path: Path) -> None:
    src = test_data / "gnomad"
    a = Path(pysam.tabix_index(str(shutil.copy(src / V4E, tmp_path / V4E)), preset="vcf",
                               force=True))
    b = Path(pysam.tabix_index(str(shutil.copy(src / V31, tmp_path / V31)), preset="vcf",
                               force=True))
    Path(str(a) + ".tbi").write_bytes(Path(str(b) + ".tbi").read_bytes())
    with pytest.raises(InputError, match=r"the index does not belong to"):
        GnomadDB.open(str(a), [("1", 55039890, 55039951)])


def test_remote_url_without_index_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "gnomad.exomes.v4.1.sites.chr1.vcf.bgz").write_bytes(b"x")
    with LoopbackServer(tmp_path) as srv, pytest.raises(InputError, match="tabix index"):
        GnomadDB.open(srv.url("gnomad.exomes.v4.1.sites.chr1.vcf.bgz"), [("1", 1, 10)])


def test_per_chromosome_template(test_data: Path, tmp_path: Path) -> None:
    # two 'chromosome files' named like gnomAD's per-chromosome release
    (tmp_path / "gnomad.genomes.v4.0.sites.chr1.vcf").write_bytes(
        (test_data / "gnomad" / V4G).read_bytes())
    v31 = (test_data / "gnomad" / V31).read_text()
    header = [ln for ln in v31.splitlines() if ln.startswith("#")]
    body = [ln.replace("chr1\t", "chr2\t", 1) for ln in v31.splitlines()
            if not ln.startswith("#")]
    (tmp_path / "gnomad.genomes.v4.0.sites.chr2.vcf").write_text("\n".join(header + body) + "\n")
    template = str(tmp_path / "gnomad.genomes.v4.0.sites.chr{chrom}.vcf")
    db = GnomadDB.open(template, [("chr1", 55039890, 55039951), ("2", 15900, 16000)])
    assert db.source == "gnomAD v4.0 genomes" and db.release == "4.0"
    assert db.lookup("1", 55039910, "C", "G").af == pytest.approx(6.56720e-06)
    assert db.lookup("2", 15973, "G", "A").af == pytest.approx(1.81153e-05)
    assert db.lookup("2", 15974, "G", "A").queried
    assert not db.lookup("3", 15973, "G", "A").queried
    with pytest.raises(InputError, match="not found"):
        GnomadDB.open(template, [("3", 1, 10)])
