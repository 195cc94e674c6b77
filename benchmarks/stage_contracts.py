"""Cost of validating a stage file against its schema: jsonschema-rs (what
``dualdx.core.contracts`` uses) against the pure-Python ``jsonschema``, in the same run.

    python3 benchmarks/stage_contracts.py RESULTS_DIR   # the results/ folder of a run

Prints, per file, the seconds per validation of each library and their ratio.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import jsonschema
from referencing import Registry, Resource

from dualdx.core.contracts import SCHEMA_ID_BASE, WRITER, problems, schema_dir


def _seconds(fn: object, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t)
    return best


def main(results: Path) -> None:
    resources = [(SCHEMA_ID_BASE + p.name,
                  Resource.from_contents(json.loads(p.read_text(encoding="utf-8"))))
                 for p in sorted(schema_dir().glob("*.schema.json"))]
    registry: Registry[object] = Registry().with_resources(resources)
    for kind in WRITER:
        for path in sorted(results.rglob(f"{kind}.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            problems(kind, data)  # type: ignore[arg-type]  # compile once
            rs = _seconds(lambda d=data, k=kind: problems(k, d))
            py_validator = jsonschema.Draft202012Validator(
                registry.contents(SCHEMA_ID_BASE + f"{kind}.schema.json"), registry=registry)
            py = _seconds(lambda d=data, v=py_validator: list(v.iter_errors(d)), repeat=1)
            print(f"{path.relative_to(results)}\tjsonschema-rs {rs:.4f} s\tjsonschema {py:.4f} s"
                  f"\tratio {py / max(rs, 1e-9):.0f}x")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "results"))
