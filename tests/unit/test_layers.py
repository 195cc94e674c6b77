"""The package's dependency direction (docs/ARCHITECTURE.md, "Package layout and dependency
direction"): a module imports only from its own layer or earlier ones. Top-level modules
(``cli``, ``summary``, ``synthetic``, ``synthetic_cnv``) sit beside the layers and may import any."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "dualdx"
LAYERS = ["core", "inputs", "knowledge", "annotation", "interpretation", "provenance", "report"]


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted module) of every absolute import of ``dualdx`` in the tree (also inside
    functions: a lazy import is still a dependency)."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "dualdx":  # from dualdx import core, report ...
                out += [(node.lineno, f"dualdx.{a.name}") for a in node.names]
            else:
                out.append((node.lineno, node.module))
    return [(line, m) for line, m in out if m == "dualdx" or m.startswith("dualdx.")]


def layer_violations(package: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if len(rel.parts) == 1:
            continue  # top-level modules may import anything
        own = LAYERS.index(rel.parts[0])
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, module in imported_modules(tree):
            parts = module.split(".")
            if len(parts) < 2:
                continue
            if parts[1] not in LAYERS:
                found.append(f"{rel}:{line} imports the top-level module {module}")
            elif LAYERS.index(parts[1]) > own:
                found.append(f"{rel}:{line} ({rel.parts[0]}) imports {module} "
                             f"(a later layer, {parts[1]})")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                found.append(f"{rel}:{node.lineno} uses a relative import")
    return found


def test_every_folder_is_a_known_layer() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(LAYERS)


def test_no_module_imports_from_a_later_layer() -> None:
    assert layer_violations(PACKAGE) == []


@pytest.mark.parametrize(("source", "expected"), [
    ("from dualdx.report.render import render_html\n", "imports dualdx.report.render"),
    ("import dualdx.interpretation.dual\n", "imports dualdx.interpretation.dual"),
    ("def f():\n    from dualdx.annotation import consequence\n", "imports dualdx.annotation"),
    ("from dualdx import summary\n", "top-level module dualdx.summary"),
    ("from . import vcf\n", "relative import"),
])
def test_the_check_finds_a_backward_import(tmp_path: Path, source: str, expected: str) -> None:
    pkg = tmp_path / "dualdx"
    (pkg / "inputs").mkdir(parents=True)
    (pkg / "inputs" / "bad.py").write_text(source)
    (pkg / "inputs" / "good.py").write_text("from dualdx.core.errors import InputError\n")
    (pkg / "cli.py").write_text("from dualdx.report.render import render_html\n")
    (found,) = layer_violations(pkg)
    assert found.startswith("inputs/bad.py:") and expected in found
