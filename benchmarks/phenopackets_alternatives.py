"""Rule changes that were tried against the phenopackets calibration and not kept, re-decided on
the cases of a finished ``benchmarks/phenopackets.py`` run (so every figure in the README's
"Calibration on real patients" can be reproduced).

    python benchmarks/phenopackets.py                      # first: the real code path
    python benchmarks/phenopackets_alternatives.py [--workdir DIR]

It reads that run's ``results.json`` (which diagnoses each case had, A and B of its dual test),
``background.json`` and HPO store, re-matches each case's terms with
:mod:`dualdx.interpretation.phenotype_match` and decides it again under each alternative rule.
It first re-decides every case under the **current** rule and stops if that does not reproduce
the run's figures (the re-decision would then not be comparing like with like).

Singles (which of the published gene's qualifying diseases is chosen; right = the published one):

* ``current``: the workflow's order (mode stated, score, explains some term, evidence);
* ``symmetric``: the score averaged with the share of the disease's own annotations
  (IC x frequency weighted) that some present term matches (PhenoDigm-style both directions);
* ``missing r``: each disease annotation no present term matches costs ``-ln(1 - r f)`` (a
  feature with frequency ``f`` is reported, when present, with probability ``r``).

Two-patient duals and one-phenotype controls (the dual test's conditions kept: B gains some term,
A explains some term better, both confirmed; only how p is computed changes):

* ``sidak``: the workflow's (share of OMIM diseases whose gain reaches B's, Sidak over the n
  diseases of B's gene the genotype qualifies for);
* ``uncorrected``: that share alone;
* ``gene null``: the share of OMIM *genes* whose best disease's gain reaches B's (the choice of
  the best disease of a gene is in the null itself, correlation between a gene's diseases kept);
* ``frequency``: each match tells ``-ln(share) + ln f`` (the annotation's frequency: a hallmark
  tells more than an occasional feature), for B, A's baseline and every disease of the null
  alike; Sidak as the workflow.

Prints, for each, the figures at several levels of alpha (pooled over the folds).
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from dualdx.interpretation.phenotype_knowledge import omim_diseases
from dualdx.interpretation.phenotype_match import (
    DiseaseMatch,
    PatientTerm,
    background_probability,
    candidate_annotations,
    chance_of,
    contradiction_cost,
    effective_frequency,
    match_disease,
    null_statistics,
    relate,
    term_weight,
)
from dualdx.knowledge.hpo_store import HpoStore, open_store

ALPHAS = (0.01, 0.02, 0.05, 0.1)


def case_terms(res: Mapping[str, Any]) -> list[PatientTerm]:
    """The terms the case ran with, as the run recorded them (``observed``, ``excluded``)."""
    return ([PatientTerm(t) for t in res["observed"]]
            + [PatientTerm(t, excluded=True) for t in res["excluded"]])


# ------------------------------------------------------------------------------------ singles


def annotation_seen(store: HpoStore, annotation: str, present: Sequence[str]) -> bool:
    return any(relate(store, t, annotation).explains for t in present)


def singles(store: HpoStore, results: list[dict[str, Any]]) -> int:
    """Prints the figures of each rule; returns the current rule's count of right singles."""
    rules: dict[str, Callable[[str, DiseaseMatch, Sequence[str], float], float]] = {}

    def current(_d: str, m: DiseaseMatch, _p: Sequence[str], _t: float) -> float:
        return m.score

    def symmetric(d: str, m: DiseaseMatch, present: Sequence[str], _t: float) -> float:
        num = den = 0.0
        for a, f in store.disease(d).terms.items():  # type: ignore[union-attr]
            w = effective_frequency(f) * store.ic_of(a)
            den += w
            num += w if annotation_seen(store, a, present) else 0.0
        return (m.score + (num / den if den else 0.0)) / 2 if m.explained else 0.0

    def missing(r: float) -> Callable[[str, DiseaseMatch, Sequence[str], float], float]:
        def rule(d: str, m: DiseaseMatch, present: Sequence[str], total: float) -> float:
            cost = sum(-math.log(1 - r * min(effective_frequency(f), 0.95))
                       for a, f in store.disease(d).terms.items()  # type: ignore[union-attr]
                       if not annotation_seen(store, a, present))
            return max(0.0, min(1.0, m.evidence - cost / total)) if total else 0.0
        return rule

    rules["current"] = current
    rules["symmetric"] = symmetric
    for r in (0.02, 0.05, 0.1, 0.2):
        rules[f"missing r={r}"] = missing(r)
    tally: dict[str, collections.Counter[str]] = {k: collections.Counter() for k in rules}
    for res in results:
        if res["kind"] != "single":
            continue
        gene = res["expect_gene"]
        chosen = [d for g, d, _st, _sc in res["diagnoses"] if g == gene]
        if not chosen:  # no diagnosis of the gene (molecular finding): no rule here changes it
            for k in rules:
                tally[k]["all"] += 1
            continue
        cands = [chosen[0]] + [a for a, _ in res["alternatives"].get(gene, [])]
        terms = case_terms(res)
        present = [t.id for t in terms if not t.excluded]
        total = sum(store.ic_of(t) for t in present)
        matches = {d: match_disease(store, d, terms) for d in cands}
        known = {d: bool(set(store.disease(d).modes) - {"unknown"})  # type: ignore[union-attr]
                 for d in cands}
        for k, rule in rules.items():
            keys = {d: (not known[d], -rule(d, matches[d], present, total),
                        -int(bool(matches[d].explained)), -matches[d].evidence) for d in cands}
            best = min(cands, key=keys.__getitem__)
            tally[k]["all"] += 1
            tally[k]["right"] += best == res["expect_disease"]
    print("\nsingles: the published disease chosen")
    for k, c in tally.items():
        print(f"  {k:18s} {c['right']:5d} / {c['all']} = {100 * c['right'] / c['all']:.1f} %")
    return tally["current"]["right"]


# -------------------------------------------------------------------------------------- duals


class FrequencyNull:
    """Per term: every OMIM disease that explains it, with the shared IC and the frequency of
    its best matching annotation (the frequency-weighted statistic's null)."""

    def __init__(self, store: HpoStore, knowledge: Mapping[str, Any]) -> None:
        self.store, self.kn = store, knowledge
        self.annotated = store.omim_by_term()
        self.tables: dict[str, dict[str, tuple[float, float]]] = {}

    def table(self, t: str) -> dict[str, tuple[float, float]]:
        got = self.tables.get(t)
        if got is None:
            got = {}
            for a in candidate_annotations(self.store, t):
                ds = self.annotated.get(a)
                if not ds:
                    continue
                m = relate(self.store, t, a)
                if not m.explains:
                    continue
                for d in ds:
                    f = effective_frequency(self.store.disease(d).terms.get(a))  # type: ignore[union-attr]
                    if d not in got or (m.shared_ic, f) > got[d]:
                        got[d] = (m.shared_ic, f)
            self.tables[t] = got
        return got

    def weight(self, t: str, shared_ic: float, f: float) -> float:
        share = background_probability(self.kn, t, shared_ic) or 1.0
        return max(0.0, -math.log(share) + math.log(max(f, 1e-3)))


def duals(store: HpoStore, results: list[dict[str, Any]], bg: dict[str, Any]
          ) -> tuple[int, int]:
    """Prints the figures of each way to compute p; returns the workflow's (Sidak, alpha 0.05)
    counts of duals and controls called dual."""
    kn = {"background": bg}
    omim = omim_diseases(store)
    n_omim = len(omim)
    genes_of: dict[str, list[int]] = collections.defaultdict(list)
    for i, d in enumerate(omim):
        for g in store.disease(d).genes:  # type: ignore[union-attr]
            genes_of[g].append(i)
    freq = FrequencyNull(store, kn)
    rows: list[tuple[str, dict[str, float | None]]] = []
    for res in results:
        if res["kind"] not in ("dual", "control"):
            continue
        t = res["test"]
        if not t.get("a") or not t.get("b"):
            rows.append((res["kind"], {}))
            continue
        terms = case_terms(res)
        present = sorted({x.id for x in terms if not x.excluded})
        ma, mb = match_disease(store, t["a"], terms), match_disease(store, t["b"], terms)
        both = all(st == "confirmed" for _g, _d, st, _sc in res["diagnoses"])
        b_gene = next(g for g, d, _st, _sc in res["diagnoses"] if d == t["b"])
        n_b = 1 + len(res["alternatives"].get(b_gene, []))
        # the workflow's statistic and its nulls
        a_told = {m.hpo_id: w for m in ma.matches if m.hpo_id in present and m.explains
                  for w in [term_weight(kn, m)] if w is not None}
        ch = chance_of(kn, present, mb.matches, baseline=a_told)
        wb = {m.hpo_id: term_weight(kn, m) or 0.0 for m in mb.matches if m.explains}
        a_better = any(w > wb.get(k, 0.0) + 1e-9 for k, w in a_told.items())
        ok = bool(ch.gained) and a_better and both
        null = null_statistics(kn, present, a_told) or {}
        stat = ch.statistic
        reach = sum(1 for g in genes_of
                    if max((null.get(i, 0.0) for i in genes_of[g]), default=0.0) >= stat - 1e-6)
        p: dict[str, float | None] = {"sidak": None, "uncorrected": None, "gene null": None,
                                      "frequency": None}
        if ok and ch.p_value is not None:
            p["uncorrected"] = ch.p_value
            p["sidak"] = 1 - (1 - ch.p_value) ** n_b
            p["gene null"] = 1.0 if stat <= 1e-9 else max(reach, 1) / len(genes_of)
        # the frequency-weighted statistic
        fa = {m.hpo_id: freq.weight(m.hpo_id, m.shared_ic, effective_frequency(m.frequency))
              for m in ma.matches if m.hpo_id in present and m.explains}
        fb = {m.hpo_id: freq.weight(m.hpo_id, m.shared_ic, effective_frequency(m.frequency))
              for m in mb.matches if m.hpo_id in present and m.explains}
        gained = {k: v - fa.get(k, 0.0) for k, v in fb.items() if v - fa.get(k, 0.0) > 1e-9}
        fstat = sum(gained.values()) - sum(contradiction_cost(m) for m in mb.matches)
        fnull: dict[str, float] = collections.defaultdict(float)
        for q in present:
            for d, (ic, f) in freq.table(q).items():
                g = freq.weight(q, ic, f) - fa.get(q, 0.0)
                if g > 0:
                    fnull[d] += g
        f_better = any(v > fb.get(k, 0.0) + 1e-9 for k, v in fa.items())
        if gained and f_better and both:
            share = 1.0 if fstat <= 1e-9 else max(
                sum(1 for v in fnull.values() if v >= fstat - 1e-6), 1) / n_omim
            p["frequency"] = 1 - (1 - share) ** n_b
        rows.append((res["kind"], p))
    n = collections.Counter(k for k, _ in rows)
    print(f"\nduals called dual / controls called dual ({n['dual']} duals, {n['control']} "
          "controls), by how p is computed:")
    print(f"  {'alpha':8s}" + "".join(f"{k:>24s}" for k in ("sidak", "uncorrected", "gene null",
                                                             "frequency")))
    for alpha in ALPHAS:
        cells = []
        for key in ("sidak", "uncorrected", "gene null", "frequency"):
            d = sum(1 for k, p in rows if k == "dual" and (p.get(key) or 2) < alpha)
            c = sum(1 for k, p in rows if k == "control" and (p.get(key) or 2) < alpha)
            cells.append(f"{100 * d / n['dual']:5.1f} % / {100 * c / n['control']:4.1f} %")
        print(f"  {alpha:<8}" + "".join(f"{x:>24s}" for x in cells))
    return tuple(sum(1 for k, p in rows if k == kind and (p.get("sidak") or 2) < 0.05)  # type: ignore[return-value]
                 for kind in ("dual", "control"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(),
                                                      "dualdx_benchmarks", "phenopackets"),
                    help="a finished benchmarks/phenopackets.py run's --workdir")
    ap.add_argument("--cache-dir", default=None, help="its --cache-dir (default WORKDIR/cache)")
    args = ap.parse_args()
    work = Path(args.workdir)
    if not (work / "results.json").exists():
        sys.exit(f"{work}/results.json: run benchmarks/phenopackets.py --workdir {work} first")
    store = open_store(Path(args.cache_dir) if args.cache_dir else work / "cache")[0]
    results = json.loads((work / "results.json").read_text(encoding="utf-8"))
    bg = json.loads((work / "background.json").read_text(encoding="utf-8"))
    right = sum(1 for r in results if r["kind"] == "single" and r["cause"] is None)
    print(f"{work}: {len(results)} cases; singles right in that run: {right}")
    ran = (sum(1 for r in results if r["kind"] == "dual" and r["cause"] is None),
           sum(1 for r in results if r["kind"] == "control" and r["cause"] is not None))
    if singles(store, results) != right:
        sys.exit("the current rule re-decided does not reproduce the run's singles: is "
                 "results.json from this source? (re-run benchmarks/phenopackets.py)")
    if duals(store, results, bg) != ran:
        sys.exit(f"the current dual test re-decided does not reproduce the run's {ran}: is "
                 "results.json from this source? (re-run benchmarks/phenopackets.py)")
    print("(the current rule re-decided reproduces the run's figures)")


if __name__ == "__main__":
    main()
