"""Downloads against a loopback HTTP server serving real files from tests/data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import requests
from loopback import LoopbackServer, forbid_outside_network

from dualdx.core.errors import ResourceError
from dualdx.knowledge.download import Source, fetch, official_sources, sha256_file, write_manifest

REL = "clinvar/clinvar_2016-09_GRCh38_panel.ncbi-keys.derived.vcf"
FAST = {"backoff": 0.01, "timeout": 0.5}


@pytest.fixture
def server(test_data: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    forbid_outside_network(monkeypatch)
    with LoopbackServer(test_data, stall=1.5) as srv:
        yield srv


def _source(srv: LoopbackServer, shared: Path, sha: str | None = "auto",
            index: str | None = None) -> Source:
    digest = hashlib.sha256((shared / REL).read_bytes()).hexdigest() if sha == "auto" else sha
    return Source("clinvar", srv.url(REL), "2016-09", digest, srv.url(index) if index else None)


def _gets(srv: LoopbackServer) -> list[tuple[str, str, str | None]]:
    return [r for r in srv.requests if r[0] == "GET"]


def test_fetch_verifies_and_places_file_and_index(server: LoopbackServer, test_data: Path,
                                                  tmp_path: Path) -> None:
    server.add_file("idx/clinvar.vcf.tbi", b"index bytes")
    dest = tmp_path / "db" / "clinvar" / "2016-09"
    out = fetch(_source(server, test_data, index="idx/clinvar.vcf.tbi"), dest, **FAST)
    assert out == dest / Path(REL).name
    assert out.read_bytes() == (test_data / REL).read_bytes()
    assert (dest / "clinvar.vcf.tbi").read_bytes() == b"index bytes"
    assert not list(dest.glob("*.part"))
    # a second fetch with a matching checksum does not download again
    n = len(_gets(server))
    fetch(_source(server, test_data, index="idx/clinvar.vcf.tbi"), dest, **FAST)
    assert len(_gets(server)) == n


def test_resume_from_part_with_range(server: LoopbackServer, test_data: Path,
                                     tmp_path: Path) -> None:
    data = (test_data / REL).read_bytes()
    (tmp_path / (Path(REL).name + ".part")).write_bytes(data[:1000])
    out = fetch(_source(server, test_data), tmp_path, **FAST)
    assert out.read_bytes() == data
    assert _gets(server)[-1][2] == "bytes=1000-"


def test_500_then_success(server: LoopbackServer, test_data: Path, tmp_path: Path) -> None:
    server.fail(REL, "500")
    out = fetch(_source(server, test_data), tmp_path, **FAST)
    assert sha256_file(out) == _source(server, test_data).sha256
    assert len(_gets(server)) == 2


def test_timeout_then_success(server: LoopbackServer, test_data: Path, tmp_path: Path) -> None:
    server.fail(REL, "timeout")
    out = fetch(_source(server, test_data), tmp_path, backoff=0.01, timeout=0.3)
    assert out.read_bytes() == (test_data / REL).read_bytes()
    assert len(_gets(server)) == 2


def test_truncated_body_is_resumed(server: LoopbackServer, test_data: Path,
                                   tmp_path: Path) -> None:
    rel = "gnomad/gnomad.exomes.r2.1.1.sites.grch37.excerpt.vcf"  # 183 KB: > 1 chunk
    data = (test_data / rel).read_bytes()
    server.fail(rel, "truncate")
    src = Source("gnomad", server.url(rel), "2.1.1", hashlib.sha256(data).hexdigest())
    out = fetch(src, tmp_path, **FAST)
    assert out.read_bytes() == data
    gets = _gets(server)
    assert len(gets) == 2
    # the bytes received before the connection broke were kept: the second try asked for the rest
    assert gets[0][2] is None
    assert gets[1][2] is not None and gets[1][2].startswith("bytes=")
    assert 0 < int(gets[1][2][6:-1]) <= len(data) // 2


def test_checksum_mismatch_leaves_previous_release(server: LoopbackServer, test_data: Path,
                                                   tmp_path: Path) -> None:
    final = tmp_path / Path(REL).name
    final.write_text("previous release\n")
    with pytest.raises(ResourceError, match="checksum mismatch") as e:
        fetch(_source(server, test_data, sha="0" * 64), tmp_path, **FAST)
    assert server.url(REL) in str(e.value)
    assert final.read_text() == "previous release\n"
    assert not list(tmp_path.glob("*.part"))


def test_persistent_failure_names_url_and_keeps_previous(server: LoopbackServer,
                                                         test_data: Path,
                                                         tmp_path: Path) -> None:
    final = tmp_path / Path(REL).name
    final.write_text("previous release\n")
    server.fail(REL, "500", "500", "500")
    with pytest.raises(ResourceError) as e:
        fetch(_source(server, test_data), tmp_path, retries=2, **FAST)
    msg = str(e.value)
    assert server.url(REL) in msg and "HTTP 500" in msg and "3 attempts" in msg
    assert final.read_text() == "previous release\n"


def test_index_failure_leaves_the_pair_untouched(server: LoopbackServer, test_data: Path,
                                                 tmp_path: Path) -> None:
    final = tmp_path / Path(REL).name
    final.write_text("previous release\n")
    with pytest.raises(ResourceError, match="HTTP 404"):
        fetch(_source(server, test_data, index="missing.tbi"), tmp_path, **FAST)
    assert final.read_text() == "previous release\n"


def test_not_found_fails_at_once(server: LoopbackServer, tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="HTTP 404"):
        fetch(Source("x", server.url("nope.vcf"), "1", None), tmp_path, **FAST)
    assert len(_gets(server)) == 1
    assert list(tmp_path.iterdir()) == []


def test_connection_refused_is_retried_then_reported(tmp_path: Path) -> None:
    with LoopbackServer() as srv:
        url = srv.url("gone.vcf")
    with pytest.raises(ResourceError, match=r"gone\.vcf.*2 attempts"):
        fetch(Source("x", url, "1", None), tmp_path, retries=1, backoff=0.01, timeout=0.5,
              session=requests.Session())


def test_write_manifest(tmp_path: Path) -> None:
    (tmp_path / "clinvar.vcf.gz").write_bytes(b"abc")
    write_manifest(tmp_path, [{"url": "https://example.org/clinvar.vcf.gz",
                               "path": "clinvar.vcf.gz", "release": "latest",
                               "file_date": "2025-01-01"}])
    data = json.loads((tmp_path / "MANIFEST.json").read_text())
    entry = data["files"][0]
    assert entry["sha256"] == hashlib.sha256(b"abc").hexdigest()
    assert entry["release"] == "latest" and entry["file_date"] == "2025-01-01"
    assert len(entry["date"]) == 10
    with pytest.raises(ResourceError):
        write_manifest(tmp_path, [{"path": "x"}])


def test_official_sources() -> None:
    s38 = official_sources("GRCh38", ["1", "11"])
    urls = [s.url for s in s38]
    assert "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/vcf_GRCh38/clinvar.vcf.gz" in urls
    clinvar = next(s for s in s38 if s.name == "clinvar")
    assert clinvar.release == "latest" and clinvar.index_url == clinvar.url + ".tbi"
    gnomad = [s for s in s38 if s.name == "gnomad"]
    assert [s.filename for s in gnomad] == ["gnomad.exomes.v4.1.sites.chr1.vcf.bgz",
                                            "gnomad.exomes.v4.1.sites.chr11.vcf.bgz"]
    assert any("MANE.GRCh38" in u for u in urls)
    s37 = official_sources("GRCh37")
    assert s37[0].url.endswith("vcf_GRCh37/clinvar.vcf.gz")
    assert len([s for s in s37 if s.name == "gnomad"]) == 24
    assert not any("MANE" in s.url for s in s37)
    with pytest.raises(ResourceError):
        official_sources("hg18")


def test_run_download_resources(server: LoopbackServer, test_data: Path,
                                tmp_path: Path) -> None:
    import gzip
    import logging

    from dualdx.knowledge.download import run_download_resources

    vcf = (test_data / REL).read_bytes()
    server.add_file("pub/clinvar/vcf_GRCh38/clinvar.vcf.gz", gzip.compress(vcf))
    server.add_file("pub/clinvar/vcf_GRCh38/clinvar.vcf.gz.tbi", b"tbi")
    url = server.url("pub/clinvar/vcf_GRCh38/clinvar.vcf.gz")
    manifest = tmp_path / "manifest.GRCh38.json"
    run_download_resources("GRCh38", str(tmp_path / "db"), str(manifest), logging.getLogger("t"),
                           sources=[Source("clinvar", url, "latest", None, url + ".tbi")],
                           backoff=0.01, timeout=1.0)
    got = tmp_path / "db" / "clinvar" / "latest" / "clinvar.vcf.gz"
    assert gzip.decompress(got.read_bytes()) == vcf
    doc = json.loads(manifest.read_text())
    assert doc["build"] == "GRCh38"
    main, idx = doc["files"]
    assert main["url"] == url and main["release"] == "latest"
    assert main["file_date"] == "2016-09-27"  # the resolved release, from ##fileDate
    assert main["sha256"] == hashlib.sha256(got.read_bytes()).hexdigest()
    assert main["path"] == "clinvar/latest/clinvar.vcf.gz"
    assert idx["path"] == "clinvar/latest/clinvar.vcf.gz.tbi" and idx["sha256"]


def test_gnomad_url_template() -> None:
    from dualdx.knowledge.download import gnomad_url_template

    t38 = gnomad_url_template("GRCh38")
    assert t38.format(chrom="11").endswith("/release/4.1/vcf/exomes/"
                                           "gnomad.exomes.v4.1.sites.chr11.vcf.bgz")
    assert official_sources("GRCh38", ["11"])[-1].url == t38.format(chrom="11")
    assert gnomad_url_template("GRCh37").format(chrom="1").endswith(
        "gnomad.exomes.r2.1.1.sites.1.vcf.bgz")
