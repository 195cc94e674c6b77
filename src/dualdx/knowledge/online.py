"""Opt-in online look-ups: the Ensembl VEP REST API.

Nothing here runs unless the caller asks (the workflow's ``annotation.online`` is off by default).
``VepClient.annotate`` POSTs variants to ``/vep/homo_sapiens/region`` in batches of at most 200,
at most one request per ``min_interval`` seconds, retrying on HTTP 429 (honouring
``Retry-After``), 5xx and dropped connections. Every answer is cached on disk under
``cache_dir/vep_<release>/`` keyed by release and variant, so a re-run gives identical results and
needs no network. ``release`` is the caller's label of the Ensembl release the answers come from
(e.g. "113"); "current" is accepted but then the cache keeps the first answer it got.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import requests

from dualdx.core import atomic
from dualdx.core.errors import ResourceError
from dualdx.core.model import TranscriptConsequence, normalize_chrom

VariantT = tuple[str, int, str, str]

DEFAULT_PARAMS: dict[str, str] = {
    "refseq": "1", "mane": "1", "hgvs": "1", "numbers": "1", "canonical": "1",
    "transcript_version": "1", "variant_class": "1", "LoF": "1",
}

_AA3 = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "U": "Sec",
    "O": "Pyl", "*": "Ter",
}


def variant_key(chrom: str, pos: int, ref: str, alt: str) -> str:
    """``chrom-pos-ref-alt`` with the chromosome without ``chr`` (the keys ``annotate`` returns)."""
    return f"{normalize_chrom(chrom)}-{pos}-{ref.upper()}-{alt.upper()}"


def _cache_name(key: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", key)
    if len(safe) > 100:
        safe = safe[:60] + "-" + hashlib.sha256(key.encode()).hexdigest()[:16]
    return safe + ".json"


def predicted_hgvs_p(hgvsp: str | None) -> str | None:
    """VEP's ``NP_…:p.Tyr2469Ter`` -> ``p.(Tyr2469Ter)`` (predicted consequence in parentheses)."""
    if not hgvsp:
        return None
    p = unquote(hgvsp.split(":", 1)[1] if ":" in hgvsp else hgvsp)
    if not p.startswith("p.") or p in ("p.?", "p.0") or p.startswith("p.("):
        return p
    return f"p.({p[2:]})"


def _aa_pair(amino_acids: str | None) -> tuple[str | None, str | None]:
    if not amino_acids:
        return None, None
    ref, _, alt = amino_acids.partition("/")
    if not alt:  # synonymous: VEP writes one letter
        aa = _AA3.get(ref) if len(ref) == 1 else None
        return aa, aa
    return (_AA3.get(ref) if len(ref) == 1 else None,
            _AA3.get(alt) if len(alt) == 1 else None)


def _length_change(amino_acids: str | None, terms: list[str]) -> int | None:
    if not amino_acids or not any(t.startswith("inframe_") for t in terms):
        return None
    ref, _, alt = amino_acids.partition("/")
    return len(alt.replace("-", "")) - len(ref.replace("-", ""))


def consequence_from_vep(tc: dict[str, Any], release: str) -> TranscriptConsequence:
    """One ``transcript_consequences`` element -> :class:`TranscriptConsequence`."""
    tid = str(tc.get("transcript_id", ""))
    mane = tc.get("mane_select")
    if tid.startswith("ENST"):
        refseq = str(mane) if isinstance(mane, str) and mane.startswith("N") else tid
        ensembl: str | None = tid
    else:
        refseq = tid
        ensembl = str(mane) if isinstance(mane, str) and mane.startswith("ENST") else None
    terms = [str(t) for t in tc.get("consequence_terms", [])]
    ref_aa, alt_aa = _aa_pair(tc.get("amino_acids"))
    exon = tc.get("exon")
    last_exon = None
    if isinstance(exon, str) and re.fullmatch(r"\d+(-\d+)?/\d+", exon):
        nums, total = exon.split("/")
        last_exon = int(nums.split("-")[-1]) == int(total)
    nmd = None
    lof_info = str(tc.get("lof_info") or "")
    m = re.search(r"50_BP_RULE:(PASS|FAIL)", lof_info)
    if m:
        nmd = m.group(1) == "PASS"
    hgvsc = tc.get("hgvsc")
    return TranscriptConsequence(
        gene=str(tc.get("gene_symbol") or ""),
        transcript=refseq,
        ensembl_transcript=ensembl,
        consequence="&".join(terms),
        hgvs_c=unquote(hgvsc.split(":", 1)[1]) if isinstance(hgvsc, str) and ":" in hgvsc
        else None,
        hgvs_p=predicted_hgvs_p(tc.get("hgvsp")),
        protein_effect_determined=True,
        is_mane=bool(mane),
        exon=exon if isinstance(exon, str) else None,
        intron=tc.get("intron") if isinstance(tc.get("intron"), str) else None,
        cds_pos=int(tc["cds_start"]) if isinstance(tc.get("cds_start"), int) else None,
        protein_pos=int(tc["protein_start"]) if isinstance(tc.get("protein_start"), int)
        else None,
        ref_aa=ref_aa,
        alt_aa=alt_aa,
        nmd_predicted=nmd,
        last_exon=last_exon,
        protein_length_change=_length_change(tc.get("amino_acids"), terms),
        notes=[f"from Ensembl VEP REST (release {release})"],
    )


def pick_transcript(answer: dict[str, Any],
                    transcript_ids: Collection[str] | None = None) -> dict[str, Any] | None:
    """The requested transcript's element (by accession, version optional) or the MANE Select
    one (RefSeq preferred); None when there is neither."""
    tcs = [t for t in answer.get("transcript_consequences", []) if isinstance(t, dict)]
    if transcript_ids:
        wanted = set(transcript_ids) | {t.split(".")[0] for t in transcript_ids}
        for t in tcs:
            tid = str(t.get("transcript_id", ""))
            if tid in wanted or tid.split(".")[0] in wanted:
                return t
    mane = [t for t in tcs if t.get("mane_select")]
    mane.sort(key=lambda t: not str(t.get("transcript_id", "")).startswith("NM_"))
    return mane[0] if mane else None


class VepClient:
    """Ensembl VEP REST client with batching, rate limiting, retries and an on-disk cache."""

    def __init__(self, base_url: str = "https://rest.ensembl.org", *,
                 cache_dir: Path, release: str, batch_size: int = 200,
                 min_interval: float = 0.07, timeout: float = 60.0, retries: int = 4,
                 backoff: float = 1.0, params: dict[str, str] | None = None,
                 session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not 1 <= batch_size <= 200:
            raise ValueError("batch_size must be 1..200 (the VEP REST POST limit)")
        self.base_url = base_url.rstrip("/")
        self.release = release
        self.cache = Path(cache_dir) / f"vep_{re.sub(r'[^A-Za-z0-9._-]', '_', release)}"
        self.batch_size = batch_size
        self.min_interval = min_interval
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.params = dict(DEFAULT_PARAMS if params is None else params)
        self.session = session
        self._sleep = sleep
        self._last = 0.0
        self.requests_made = 0

    # -- raw answers ------------------------------------------------------------------------

    def raw(self, variants: list[VariantT]) -> dict[str, dict[str, Any]]:
        """VEP's answer element per variant key (cached); variants VEP did not answer are absent."""
        keys = {variant_key(*v): v for v in variants}
        out: dict[str, dict[str, Any]] = {}
        todo: list[str] = []
        for key in keys:
            f = self.cache / _cache_name(key)
            if f.is_file():
                out[key] = json.loads(f.read_text(encoding="utf-8"))
            else:
                todo.append(key)
        for i in range(0, len(todo), self.batch_size):
            batch = todo[i:i + self.batch_size]
            for key, answer in self._post(batch, keys).items():
                atomic.write_text(self.cache / _cache_name(key),
                                  json.dumps(answer, sort_keys=True) + "\n")
                out[key] = answer
        return out

    def annotate(self, variants: list[VariantT],
                 transcript_ids: Collection[str] | None = None) -> dict[str, TranscriptConsequence]:
        """TranscriptConsequence (MANE Select, or one of ``transcript_ids``) per variant key.

        Keys are ``chrom-pos-ref-alt`` with the chromosome without ``chr``. A variant VEP did not
        answer, or whose answer has no such transcript, is absent.
        """
        out: dict[str, TranscriptConsequence] = {}
        for key, answer in self.raw(variants).items():
            tc = pick_transcript(answer, transcript_ids)
            if tc is not None:
                out[key] = consequence_from_vep(tc, self.release)
        return out

    # -- HTTP ------------------------------------------------------------------------------

    def _post(self, batch: list[str], keys: dict[str, VariantT]) -> dict[str, dict[str, Any]]:
        lines = []
        for key in batch:
            chrom, pos, ref, alt = keys[key]
            lines.append(f"{normalize_chrom(chrom)} {pos} {key} {ref.upper()} {alt.upper()} . . .")
        url = f"{self.base_url}/vep/homo_sapiens/region"
        answers = self._request(url, {"variants": lines})
        by_key: dict[str, dict[str, Any]] = {}
        for ans in answers:
            if not isinstance(ans, dict):
                continue
            vid = ans.get("id")
            got = vid if isinstance(vid, str) and vid in keys else self._key_from_input(ans)
            if got is not None and got in batch:
                by_key[got] = ans
        return by_key

    @staticmethod
    def _key_from_input(ans: dict[str, Any]) -> str | None:
        parts = str(ans.get("input", "")).split()
        if len(parts) >= 5 and parts[1].isdigit():
            return variant_key(parts[0], int(parts[1]), parts[3], parts[4])
        return None

    def _wait_turn(self) -> None:
        gap = self.min_interval - (time.monotonic() - self._last)
        if gap > 0:
            self._sleep(gap)
        self._last = time.monotonic()

    def _request(self, url: str, body: dict[str, Any]) -> list[Any]:
        sess = self.session or requests.Session()
        problems: list[str] = []
        try:
            for attempt in range(self.retries + 1):
                self._wait_turn()
                self.requests_made += 1
                try:
                    resp = sess.post(url, json=body, params=self.params, timeout=self.timeout,
                                     headers={"Accept": "application/json"})
                except (requests.Timeout, requests.ConnectionError) as e:
                    problems.append(f"attempt {attempt + 1}: {type(e).__name__}")
                    self._sleep(self.backoff * 2 ** attempt)
                    continue
                if resp.status_code == 429:
                    wait = _retry_after(resp.headers.get("Retry-After"), self.backoff * 2 ** attempt)
                    problems.append(f"attempt {attempt + 1}: HTTP 429 (waited {wait:g} s)")
                    self._sleep(wait)
                    continue
                if resp.status_code >= 500:
                    problems.append(f"attempt {attempt + 1}: HTTP {resp.status_code}")
                    self._sleep(self.backoff * 2 ** attempt)
                    continue
                if resp.status_code != 200:
                    raise ResourceError(f"{url}: Ensembl VEP REST answered HTTP "
                                        f"{resp.status_code}: {resp.text[:300]}")
                try:
                    data = resp.json()
                except ValueError:
                    raise ResourceError(f"{url}: Ensembl VEP REST answer is not JSON") from None
                if not isinstance(data, list):
                    raise ResourceError(f"{url}: Ensembl VEP REST answer is not a JSON array")
                return data
        finally:
            if self.session is None:
                sess.close()
        raise ResourceError(f"{url}: Ensembl VEP REST failed after {self.retries + 1} attempts ("
                            + "; ".join(problems) + ")")


def _retry_after(value: str | None, default: float) -> float:
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
    return default
