"""Ensembl VEP REST client against a loopback server answering with six real VEP responses."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from loopback import LoopbackServer, forbid_outside_network

from dualdx.core.errors import ResourceError
from dualdx.knowledge.online import VepClient, predicted_hgvs_p

# VCF-style request -> the real response recorded for that variant (tests/data/vep_rest/).
# The insertion fixture is LMNA c.2_3insA (codons atg/atAg, + strand): anchor base c.2 = T.
FIXTURES = {
    ("16", 89279135, "G", "C"): "gpsea_16_89279135_89279135_G_C.json",
    ("16", 89284129, "CT", "C"): "gpsea_16_89284129_89284130_CT_C.json",
    ("16", 89284129, "CTTTTT", "C"): "gpsea_16_89284129_89284134_CTTTTT_C.json",
    ("1", 156114920, "T", "TA"): "gpsea_1_156114921_156114920_G_A.json",
    ("1", 156115215, "CGCC", "C"): "gpsea_1_156115215_156115218_CGCC_C.json",
    ("X", 31180437, "C", "T"): "gpsea_X_31180437_31180437_C_T.json",
}
VARIANTS = list(FIXTURES)


def _handler(shared: Path) -> Any:
    folder = shared / "vep_rest"

    def handle(path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        assert path == "/vep/homo_sapiens/region"
        lines = json.loads(body)["variants"]
        out = []
        for line in lines:
            chrom, pos, vid, ref, alt = line.split()[:5]
            name = FIXTURES.get((chrom, int(pos), ref, alt))
            if name is None:
                continue  # VEP gives no element for what it cannot place
            answer = json.loads((folder / name).read_text())
            answer["id"], answer["input"] = vid, line  # the real service echoes both
            out.append(answer)
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()

    return handle


@pytest.fixture
def vep(test_data: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    forbid_outside_network(monkeypatch)
    with LoopbackServer() as srv:
        srv.post_handler = _handler(test_data)
        yield srv


def _client(srv: LoopbackServer, cache: Path, **kw: Any) -> VepClient:
    kw.setdefault("min_interval", 0.0)
    kw.setdefault("backoff", 0.01)
    return VepClient(srv.url(""), cache_dir=cache, release="111", **kw)


def test_parses_the_mane_transcript_of_each_response(vep: LoopbackServer, tmp_path: Path) -> None:
    got = _client(vep, tmp_path).annotate(VARIANTS)
    assert set(got) == {"16-89279135-G-C", "16-89284129-CT-C", "16-89284129-CTTTTT-C",
                        "1-156114920-T-TA", "1-156115215-CGCC-C", "X-31180437-C-T"}
    sg = got["16-89279135-G-C"]
    assert (sg.gene, sg.transcript, sg.ensembl_transcript, sg.consequence) == (
        "ANKRD11", "NM_013275.6", "ENST00000301030.10", "stop_gained")
    assert (sg.hgvs_c, sg.hgvs_p, sg.protein_pos, sg.ref_aa, sg.alt_aa) == (
        "c.7407C>G", "p.(Tyr2469Ter)", 2469, "Tyr", "Ter")
    assert (sg.exon, sg.last_exon, sg.nmd_predicted, sg.is_mane, sg.cds_pos) == (
        "9/13", False, True, True, 7407)
    fs = got["16-89284129-CT-C"]
    assert (fs.consequence, fs.hgvs_c, fs.hgvs_p, fs.ref_aa, fs.alt_aa) == (
        "frameshift_variant", "c.2412del", "p.(Glu805LysfsTer58)", "Lys", None)
    assert got["16-89284129-CTTTTT-C"].hgvs_p == "p.(Lys803ArgfsTer5)"
    ins = got["1-156114920-T-TA"]
    assert (ins.gene, ins.consequence, ins.hgvs_c, ins.hgvs_p) == (
        "LMNA", "frameshift_variant&start_lost", "c.2_3insA", "p.(Met1?)")
    dl = got["1-156115215-CGCC-C"]
    assert (dl.consequence, dl.hgvs_p, dl.protein_length_change, dl.nmd_predicted) == (
        "inframe_deletion", "p.(Ala100del)", -1, None)
    ms = got["X-31180437-C-T"]
    assert (ms.gene, ms.transcript, ms.hgvs_p, ms.ref_aa, ms.alt_aa, ms.exon) == (
        "DMD", "NM_004006.3", "p.(Cys3340Tyr)", "Cys", "Tyr", "69/79")
    assert all(c.notes == ["from Ensembl VEP REST (release 111)"] for c in got.values())


def test_requested_transcript_wins_over_mane(vep: LoopbackServer, tmp_path: Path) -> None:
    raw = _client(vep, tmp_path).raw([VARIANTS[-1]])
    others = [t["transcript_id"] for t in raw["X-31180437-C-T"]["transcript_consequences"]
              if not t.get("mane_select") and t.get("hgvsp")]
    assert others
    got = _client(vep, tmp_path).annotate([VARIANTS[-1]], transcript_ids=[others[0]])
    assert got["X-31180437-C-T"].transcript == others[0]
    assert got["X-31180437-C-T"].is_mane is False


def test_batches_of_at_most_batch_size(vep: LoopbackServer, tmp_path: Path) -> None:
    _client(vep, tmp_path, batch_size=4).annotate([*VARIANTS, ("2", 100, "A", "G")])
    sizes = [len(json.loads(body)["variants"]) for _, body in vep.posts]
    assert sizes == [4, 3]
    with pytest.raises(ValueError):
        _client(vep, tmp_path, batch_size=201)


def test_cache_makes_reruns_identical_and_offline(vep: LoopbackServer, test_data: Path,
                                                  tmp_path: Path) -> None:
    first = _client(vep, tmp_path).annotate(VARIANTS)
    n = len(vep.posts)
    again = _client(vep, tmp_path).annotate(VARIANTS)
    assert len(vep.posts) == n and again == first
    # with no server at all the cached answers still come back
    with LoopbackServer() as gone:
        url = gone.url("")
    offline = VepClient(url, cache_dir=tmp_path, release="111", retries=0, backoff=0.0)
    assert offline.annotate(VARIANTS) == first and offline.requests_made == 0
    # another release is another cache
    _client(vep, tmp_path).annotate(VARIANTS)
    VepClient(vep.url(""), cache_dir=tmp_path, release="112", min_interval=0).annotate(VARIANTS)
    assert len(vep.posts) == n + 1


def test_429_with_retry_after_then_success(vep: LoopbackServer, tmp_path: Path) -> None:
    waits: list[float] = []
    vep.fail("/vep/homo_sapiens/region", "429", "500")
    got = _client(vep, tmp_path, sleep=waits.append).annotate(VARIANTS[:1])
    assert "16-89279135-G-C" in got
    assert len(vep.posts) == 3
    assert 0.01 in waits  # the server's Retry-After


def test_persistent_failure_is_a_resource_error(vep: LoopbackServer, tmp_path: Path) -> None:
    vep.fail("/vep/homo_sapiens/region", "500", "500")
    with pytest.raises(ResourceError, match=r"failed after 2 attempts.*HTTP 500"):
        _client(vep, tmp_path, retries=1).annotate(VARIANTS[:1])
    assert not list(tmp_path.rglob("*.json"))  # nothing cached from a failure


def test_rate_limit_spaces_requests(vep: LoopbackServer, tmp_path: Path) -> None:
    waits: list[float] = []
    _client(vep, tmp_path, batch_size=1, min_interval=5.0, sleep=waits.append).annotate(
        VARIANTS[:3])
    assert len(vep.posts) == 3
    assert len([w for w in waits if w > 4.0]) == 2  # before the 2nd and 3rd request


def test_predicted_hgvs_p() -> None:
    assert predicted_hgvs_p("NP_037407.4:p.Tyr2469Ter") == "p.(Tyr2469Ter)"
    assert predicted_hgvs_p("NP_1.1:p.Ala100%3D") == "p.(Ala100=)"
    assert predicted_hgvs_p("p.?") == "p.?"
    assert predicted_hgvs_p(None) is None


def test_outside_network_guard_blocks_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    attempted: list[Any] = []
    # replace the real connect first, so that nothing could leave the machine even if the guard
    # were broken
    monkeypatch.setattr(socket.socket, "connect", lambda self, addr: attempted.append(addr))
    refused = forbid_outside_network(monkeypatch)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(pytest.fail.Exception, match="only loopback"):
            s.connect(("192.0.2.1", 80))
        s.connect(("127.0.0.1", 9))
    finally:
        s.close()
    assert refused == ["192.0.2.1"]
    assert attempted == [("127.0.0.1", 9)]
