"""Panel-region slices of a remote indexed FASTA read by htslib (loopback server), and
GenomeSequence on them."""

from __future__ import annotations

import hashlib
import json
import logging
import random
from pathlib import Path

import pysam
import pytest
from loopback import LoopbackServer, forbid_outside_network

from dualdx.core.errors import InputError, ResourceError
from dualdx.knowledge.download import Source, run_download_resources
from dualdx.knowledge.reference_slices import (
    fasta_slices_info,
    fetch_fasta_slices,
    official_reference,
)
from dualdx.knowledge.sequence import GenomeSequence

LENGTHS = {"1": 150_000, "2": 90_001}  # > 64 KiB each: several BGZF blocks per contig
# the 2nd region spans three BGZF blocks; the 3rd ends past the end of its contig
REGIONS = [("1", 100, 5_000), ("1", 60_000, 135_000), ("2", 60_000, 90_500)]


def _genome() -> dict[str, str]:
    rng = random.Random(20240611)
    out: dict[str, str] = {}
    for c, n in LENGTHS.items():
        seq = list(rng.choices("ACGT", k=n))
        seq[1_000:1_200] = "N" * 200  # a gap and a soft-masked stretch, as real FASTAs have
        seq[2_000:2_100] = [b.lower() for b in seq[2_000:2_100]]
        out[c] = "".join(seq)
    return out


GENOME = _genome()


def _write_fasta(path: Path, chr_prefix: bool, width: int = 60) -> None:
    with path.open("w") as fh:
        for c, seq in GENOME.items():
            fh.write(f">{'chr' if chr_prefix else ''}{c} fake contig\n")
            for i in range(0, len(seq), width):
                fh.write(seq[i:i + width] + "\n")


def _sub(chrom: str, start: int, end: int) -> str:
    c = chrom.removeprefix("chr")
    return GENOME[c][start - 1:min(end, LENGTHS[c])]


@pytest.fixture(params=[True, False], ids=["chr-source", "bare-source"])
def chr_source(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def served(tmp_path: Path, chr_source: bool, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A bgzipped genome.fa.gz (+.fai, .gzi) and a plain genome.fa (+.fai) on a loopback server."""
    forbid_outside_network(monkeypatch)
    root = tmp_path / "srv"
    root.mkdir()
    plain = root / "genome.fa"
    _write_fasta(plain, chr_source)
    pysam.tabix_compress(str(plain), str(root / "genome.fa.gz"))
    pysam.faidx(str(root / "genome.fa.gz"))
    pysam.faidx(str(plain))
    assert (root / "genome.fa.gz.gzi").is_file()
    with LoopbackServer(root, stall=1.5) as srv:
        yield srv


def _gets(srv: LoopbackServer, path: str) -> list[str | None]:
    return [r[2] for r in srv.requests if r[0] == "GET" and r[1] == path]


def test_bgzipped_slices_equal_source(served: LoopbackServer, chr_source: bool,
                                      tmp_path: Path) -> None:
    out = tmp_path / "out" / "panel.slices.fa"
    # regions spelt the other way round from the source: naming must not matter
    regions = [(("" if chr_source else "chr") + c, s, e) for c, s, e in REGIONS]
    got = fetch_fasta_slices(served.url("genome.fa.gz"), regions, out, release="r1",
                             backoff=0.01, timeout=1.0)
    assert got == out
    pre = "chr" if chr_source else ""
    with pysam.FastaFile(str(out)) as fa:
        assert list(fa.references) == [f"{pre}1:100-5000", f"{pre}1:60000-135000",
                                       f"{pre}2:60000-90001"]  # clipped at the contig end
        assert fa.fetch(f"{pre}1:100-5000") == _sub("1", 100, 5_000)
        assert fa.fetch(f"{pre}1:60000-135000") == _sub("1", 60_000, 135_000)
        assert fa.fetch(f"{pre}2:60000-90001") == _sub("2", 60_000, 90_001)
    assert (tmp_path / "out" / "panel.slices.fa.fai").is_file()
    assert out.read_text().splitlines()[0] == (f">{pre}1:100-5000 "
                                               f"source={served.url('genome.fa.gz')} release=r1")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["panel.slices.fa",
                                                                    "panel.slices.fa.fai"]
    # the indexes were fetched once each; htslib read the FASTA itself with the local indexes
    assert len(_gets(served, "/genome.fa.gz.fai")) == 1
    assert len(_gets(served, "/genome.fa.gz.gzi")) == 1
    assert _gets(served, "/genome.fa.gz")


def test_slice_info_for_manifest(served: LoopbackServer, tmp_path: Path) -> None:
    out = tmp_path / "s.fa"
    fetch_fasta_slices(served.url("genome.fa.gz"), REGIONS, out, release="r1", backoff=0.01, timeout=1.0)
    info = fasta_slices_info(out)
    assert [(i["chrom"].removeprefix("chr"), i["start"], i["end"], i["length"]) for i in info] \
        == [("1", 100, 5_000, 4_901), ("1", 60_000, 135_000, 75_001),
            ("2", 60_000, 90_001, 30_002)]
    for i in info:
        want = _sub(i["chrom"], i["start"], i["end"]).encode()
        assert i["sha256"] == hashlib.sha256(want).hexdigest()


def test_plain_fasta_and_merged_regions(served: LoopbackServer, tmp_path: Path) -> None:
    out = tmp_path / "s.fa"
    regions = [("1", 3_000, 4_000), ("1", 100, 3_500), ("1", 4_001, 4_100), ("2", 10, 20)]
    fetch_fasta_slices(served.url("genome.fa"), regions, out, release="r1", backoff=0.01, timeout=1.0)
    with pysam.FastaFile(str(out)) as fa:
        names = [n.split(":", 1)[1] for n in fa.references]
        assert names == ["100-4100", "10-20"]  # overlapping and touching regions merged
        assert fa.fetch(fa.references[0]) == _sub("1", 100, 4_100)
        assert fa.fetch(fa.references[1]) == _sub("2", 10, 20)
    assert _gets(served, "/genome.fa.gzi") == []  # a plain FASTA needs no .gzi


def test_500_then_success(served: LoopbackServer, tmp_path: Path) -> None:
    served.fail("genome.fa.gz", "500")
    out = tmp_path / "s.fa"
    fetch_fasta_slices(served.url("genome.fa.gz"), REGIONS[:1], out, release="r1", backoff=0.01, timeout=1.0)
    with pysam.FastaFile(str(out)) as fa:
        assert fa.fetch(fa.references[0]) == _sub("1", 100, 5_000)
    assert len(_gets(served, "/genome.fa.gz")) >= 2


def test_500_on_index_then_success(served: LoopbackServer, tmp_path: Path) -> None:
    served.fail("genome.fa.gz.gzi", "500")
    out = tmp_path / "s.fa"
    fetch_fasta_slices(served.url("genome.fa.gz"), REGIONS[:1], out, release="r1", backoff=0.01, timeout=1.0)
    assert len(_gets(served, "/genome.fa.gz.gzi")) == 2
    assert out.is_file()


@pytest.mark.parametrize("name", ["genome.fa.gz", "genome.fa"])
def test_truncated_then_success(served: LoopbackServer, tmp_path: Path, name: str) -> None:
    served.fail(name, "truncate", "truncate")
    out = tmp_path / "s.fa"
    fetch_fasta_slices(served.url(name), REGIONS[1:2], out, release="r1", backoff=0.01, timeout=1.0)
    with pysam.FastaFile(str(out)) as fa:
        assert fa.fetch(fa.references[0]) == _sub("1", 60_000, 135_000)


@pytest.mark.parametrize("name", ["genome.fa.gz", "genome.fa"])
def test_persistent_failure_fails_clearly_and_writes_nothing(served: LoopbackServer,
                                                             tmp_path: Path, name: str) -> None:
    out_dir = tmp_path / "out"
    out = out_dir / "s.fa"
    served.fail(name, *["500"] * 40)
    with pytest.raises(ResourceError) as e:
        fetch_fasta_slices(served.url(name), REGIONS, out, release="r1", retries=1, backoff=0.01, timeout=1.0)
    msg = str(e.value)
    assert msg.startswith(f"{served.url(name)}: reading the panel regions failed after 2 attempts")
    assert "nothing was written, retry later" in msg
    assert not out.exists() and not out_dir.exists()
    # a previous slice file is left untouched
    out_dir.mkdir()
    out.write_text(">1:1-4\nACGT\n")
    with pytest.raises(ResourceError):
        fetch_fasta_slices(served.url(name), REGIONS, out, release="r1", retries=0, backoff=0.01, timeout=1.0)
    assert out.read_text() == ">1:1-4\nACGT\n"
    assert [p.name for p in out_dir.iterdir()] == ["s.fa"]


def test_bad_regions_and_missing_contig(served: LoopbackServer, tmp_path: Path) -> None:
    url = served.url("genome.fa.gz")
    with pytest.raises(ResourceError, match=r"contig '7' is not in its index"):
        fetch_fasta_slices(url, [("7", 1, 10)], tmp_path / "s.fa", release="r1",
                           backoff=0.01, timeout=1.0)
    with pytest.raises(ResourceError, match="starts after the end of contig"):
        fetch_fasta_slices(url, [("2", 95_000, 96_000)], tmp_path / "s.fa", release="r1",
                           backoff=0.01, timeout=1.0)
    with pytest.raises(ResourceError, match="no regions"):
        fetch_fasta_slices(url, [], tmp_path / "s.fa", release="r1", backoff=0.01, timeout=1.0)
    assert not (tmp_path / "s.fa").exists()


def test_plain_gzip_with_gzi_is_refused(served: LoopbackServer, tmp_path: Path) -> None:
    import gzip

    root = tmp_path / "srv"
    served.add_file("gz/genome.fa.gz", gzip.compress((root / "genome.fa").read_bytes()))
    served.add_file("gz/genome.fa.gz.fai", (root / "genome.fa.gz.fai").read_bytes())
    served.add_file("gz/genome.fa.gz.gzi", (root / "genome.fa.gz.gzi").read_bytes())
    with pytest.raises(ResourceError, match=r"must be bgzipped \(not plain gzip\)") as e:
        fetch_fasta_slices(served.url("gz/genome.fa.gz"), [("2", 60_000, 61_000)],
                           tmp_path / "s.fa", release="r1", backoff=0.01, timeout=1.0)
    assert "gz/genome.fa.gz" in str(e.value)
    assert not (tmp_path / "s.fa").exists()


def test_run_download_resources_with_panel(served: LoopbackServer, chr_source: bool,
                                           tmp_path: Path) -> None:
    panel = tmp_path / "mini.tsv"
    panel.write_text(
        "symbol\thgnc_id\trefseq_transcript\tensembl_transcript\tgrch38_chrom\tgrch38_start\t"
        "grch38_end\tgrch37_chrom\tgrch37_start\tgrch37_end\tpadding\n"
        "GENEA\tHGNC:1\tNM_1.1\tENST1.1\tchr2\t70000\t71000\t2\t1\t2\t50\n"
        "GENEB\tHGNC:2\tNM_2.1\tENST2.1\t1\t500\t900\t1\t1\t2\t100\n")
    url = served.url("genome.fa.gz")
    manifest = tmp_path / "manifest.GRCh38.json"
    run_download_resources("GRCh38", str(tmp_path / "db"), str(manifest), logging.getLogger("t"),
                           sources=[], panel_path=panel,
                           reference=Source("reference", url, "test-1", None, url + ".fai"),
                           backoff=0.01, timeout=1.0)
    doc = json.loads(manifest.read_text())
    main, idx = doc["files"]
    assert main["name"] == "reference_slices" and main["url"] == url
    assert main["release"] == "test-1" and main["path"] == "reference/test-1/mini.GRCh38.slices.fa"
    fa = tmp_path / "db" / main["path"]
    assert main["sha256"] == hashlib.sha256(fa.read_bytes()).hexdigest()
    pre = "chr" if chr_source else ""
    assert [s["name"] for s in main["slices"]] == [f"{pre}1:400-1000", f"{pre}2:69950-71050"]
    assert main["slices"][1]["sha256"] == hashlib.sha256(
        _sub("2", 69_950, 71_050).encode()).hexdigest()
    assert idx["path"] == main["path"] + ".fai" and idx["sha256"]
    genome = GenomeSequence(fa)
    assert genome.fetch("chr2", 70_000, 70_010) == _sub("2", 70_000, 70_010).upper()


def test_official_reference() -> None:
    g38 = official_reference("GRCh38")
    assert g38.url == ("https://ftp.ensembl.org/pub/release-113/fasta/homo_sapiens/dna_index/"
                       "Homo_sapiens.GRCh38.dna.toplevel.fa.gz")
    assert g38.index_url == g38.url + ".fai" and g38.release == "ensembl-113"
    g37 = official_reference("GRCh37")
    assert g37.url.endswith("/hg19/v0/Homo_sapiens_assembly19.fasta")
    with pytest.raises(ResourceError):
        official_reference("hg18")


# --- GenomeSequence on a slice FASTA --------------------------------------------------------

@pytest.fixture
def slices_and_full(served: LoopbackServer, tmp_path: Path) -> tuple[GenomeSequence,
                                                                     GenomeSequence]:
    out = tmp_path / "s.fa"
    fetch_fasta_slices(served.url("genome.fa.gz"), REGIONS, out, release="r1", backoff=0.01, timeout=1.0)
    return GenomeSequence(out), GenomeSequence(tmp_path / "srv" / "genome.fa.gz")


def test_genome_sequence_on_slices_matches_full(
        slices_and_full: tuple[GenomeSequence, GenomeSequence]) -> None:
    sl, full = slices_and_full
    assert sl.is_slices and not full.is_slices
    rng = random.Random(5)
    spans = [(c, s, e) for c, s, e in REGIONS]
    spans = [(c, s, min(e, LENGTHS[c])) for c, s, e in spans]
    cases = [(c, s, s) for c, s, _ in spans] + [(c, e, e) for c, _, e in spans] + list(spans)
    for _ in range(200):
        c, s, e = rng.choice(spans)
        a = rng.randint(s, e)
        cases.append((c, a, rng.randint(a, e)))
    for c, a, b in cases:
        for spelling in (c, "chr" + c):
            got = sl.fetch(spelling, a, b)
            assert got == full.fetch(spelling, a, b)
            assert got == _sub(c, a, b).upper()
    assert sl.fetch("1", 10, 9) == ""
    assert sl.has_contig("chr1") and sl.has_contig("2") and not sl.has_contig("3")


@pytest.mark.parametrize("chrom,start,end", [("1", 99, 200), ("1", 4_990, 5_001),
                                             ("1", 20_000, 20_010), ("3", 1, 5)])
def test_genome_sequence_outside_slices(slices_and_full: tuple[GenomeSequence, GenomeSequence],
                                        chrom: str, start: int, end: int) -> None:
    sl, full = slices_and_full
    with pytest.raises(InputError, match=r"not in the panel slices of .*s\.fa") as e:
        sl.fetch(chrom, start, end)
    assert "re-run download_resources for this panel" in str(e.value)
    if chrom != "3":
        assert len(full.fetch(chrom, start, end)) == end - start + 1  # full genome: unchanged


def test_slice_with_wrong_length_is_refused(tmp_path: Path) -> None:
    fa = tmp_path / "bad.fa"
    fa.write_text(">11:100-109\nACGTACGT\n")
    with pytest.raises(InputError, match="holds 8 bases, not the 10"):
        GenomeSequence(fa)


def test_full_fasta_with_colon_names_is_not_slices(tmp_path: Path) -> None:
    fa = tmp_path / "mixed.fa"
    fa.write_text(">chr1\nACGTACGTAC\n>HLA-A*01:01:01:01\nACGT\n")
    g = GenomeSequence(fa)
    assert not g.is_slices
    assert g.fetch("1", 3, 6) == "GTAC"
