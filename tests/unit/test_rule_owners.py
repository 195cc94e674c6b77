"""One owner per clinical rule (issue 15): an AST walk over ``src/dualdx`` fails when a module
other than the owner

* parses a ClinVar significance or review status (owner: ``knowledge/clinvar_assertion.py``):
  a string method, comparison or regular expression applied to a value read from a
  ``significance`` field (or a variable of that name), or ClinVar's review-status wording;
* compares a depth, genotype-quality or allele-balance value with a threshold (owner:
  ``interpretation/quality.py``);
* decides zygosity (owner: ``interpretation/zygosity.py``): writes the words "hemizygous",
  "heterozygous", "homozygous" as values, uses the pseudo-autosomal table, or tests whether a
  contig is X or Y. The PAR table and the ploidy by sex (``ploidy``) live in ``core/genome.py``,
  below the structural-variant reader of layer 2 that needs them; zygosity builds on them, so
  those two modules are the only ones allowed to test for X/Y or read the table.

Each check is itself tested on small snippets, so the walk cannot pass by finding nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "dualdx"
CLINVAR_OWNER = "knowledge/clinvar_assertion.py"
QUALITY_OWNER = "interpretation/quality.py"
ZYGOSITY_OWNER = "interpretation/zygosity.py"
# the ploidy rule (PAR table, copies of X/Y by sex) the zygosity owner builds on (module doc)
ZYGOSITY_GENOME = {"core/genome.py"}
# synthetic.py writes made-up depths for generated example data; it decides no call's trust
QUALITY_EXEMPT = {"synthetic.py"}
# synthetic_cnv.py copies two ClinVar VCF records verbatim into its example's snapshot (data, with
# their review status as ClinVar wrote it); it reads no assertion
CLINVAR_EXEMPT = {"synthetic_cnv.py"}

SIG_NAMES = {"significance", "clinvar_significance", "sig", "clnsig"}
STRING_METHODS = {"lower", "upper", "casefold", "split", "rsplit", "replace", "strip",
                  "startswith", "endswith", "partition", "find", "index", "count"}
REVIEW_WORDING = ("criteria provided", "reviewed by expert panel", "practice guideline",
                  "no assertion criteria")
QUALITY_NAMES = {"dp", "gq", "ad", "ab", "min_dp", "min_gq", "het_ab_min", "het_ab_max",
                 "allele_balance", "alt_fraction", "MIN_DP", "MIN_GQ", "HET_AB_RANGE"}
ZYGOSITY_WORDS = {"hemizygous", "heterozygous", "homozygous", "compound heterozygous"}


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _key(node: ast.AST) -> str | None:
    """The field a node reads: ``x.name``, ``x["name"]``, ``x.get("name")``, or a variable."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "get" and node.args and isinstance(node.args[0], ast.Constant):
        return str(node.args[0].value)
    return None


def _docstrings(tree: ast.AST) -> set[ast.AST]:
    out: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(body[0].value)
    return out


def clinvar_parsing(tree: ast.AST) -> Iterator[int]:
    """Lines that parse a ClinVar significance or review status."""
    parents = _parents(tree)
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node not in docs \
                and any(w in node.value.lower().replace("_", " ") for w in REVIEW_WORDING):
            yield node.lineno
        if _key(node) not in SIG_NAMES or (isinstance(node, ast.Name)
                                          and not isinstance(node.ctx, ast.Load)):
            continue
        cur: ast.AST = node
        while True:
            up = parents.get(cur)
            if isinstance(up, ast.Attribute) and up.attr in STRING_METHODS:
                yield node.lineno  # type: ignore[attr-defined]
                break
            if isinstance(up, ast.Compare) and not all(
                    isinstance(op, (ast.Is, ast.IsNot)) for op in up.ops):
                yield node.lineno  # type: ignore[attr-defined]
                break
            if isinstance(up, ast.Call) and isinstance(up.func, ast.Attribute) and \
                    isinstance(up.func.value, ast.Name) and up.func.value.id == "re":
                yield node.lineno  # type: ignore[attr-defined]
                break
            if isinstance(up, (ast.BoolOp, ast.IfExp, ast.FormattedValue)) or (
                    isinstance(up, ast.Call) and isinstance(up.func, ast.Name)
                    and up.func.id in ("str", "unquote")):
                if isinstance(up, ast.FormattedValue):
                    break
                cur = up
                continue
            break


def quality_thresholds(tree: ast.AST) -> Iterator[int]:
    """Lines that compare a depth / GQ / allele-balance value (ordering comparisons)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or not any(
                isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in node.ops):
            continue
        for side in (node.left, *node.comparators):
            if any(_key(n) in QUALITY_NAMES for n in ast.walk(side)):
                yield node.lineno
                break


def zygosity_decisions(tree: ast.AST) -> Iterator[int]:
    """Lines that word zygosity, use the PAR table or test for contig X / Y."""
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node not in docs \
                and node.value.strip().lower() in ZYGOSITY_WORDS:
            yield node.lineno
        if isinstance(node, ast.Name) and node.id == "PAR":
            yield node.lineno
        if isinstance(node, ast.alias) and node.name == "PAR":
            yield node.lineno
        if isinstance(node, ast.Compare):
            consts = [c for c in (node.left, *node.comparators) if isinstance(c, ast.Constant)]
            if any(c.value in ("X", "Y", "chrX", "chrY") for c in consts):
                yield node.lineno


CHECKS = (
    ("parses a ClinVar significance or review status", CLINVAR_OWNER, clinvar_parsing,
     CLINVAR_EXEMPT),
    ("compares a depth/GQ/allele-balance threshold", QUALITY_OWNER, quality_thresholds,
     QUALITY_EXEMPT),
    ("decides zygosity", ZYGOSITY_OWNER, zygosity_decisions, ZYGOSITY_GENOME),
)


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_rules_live_with_their_owner() -> None:
    problems = []
    for what, owner, check, exempt in CHECKS:
        for path in _modules():
            rel = path.relative_to(SRC).as_posix()
            if rel == owner or rel in exempt:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for line in sorted(set(check(tree))):
                problems.append(f"src/dualdx/{rel}:{line} {what} (owner: {owner})")
    assert not problems, "\n".join(problems)


def test_the_genome_module_holds_only_the_ploidy() -> None:
    """core/genome.py may read the PAR table and test X/Y (the ploidy), never word zygosity."""
    for rel in ZYGOSITY_GENOME:
        tree = ast.parse((SRC / rel).read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        words = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant)
                 and isinstance(n.value, str) and n not in docs
                 and n.value.strip().lower() in ZYGOSITY_WORDS]
        assert not words, f"src/dualdx/{rel}:{words} words zygosity (owner: {ZYGOSITY_OWNER})"
        assert list(zygosity_decisions(tree)), rel


def test_the_owners_do_hold_their_rules() -> None:
    for _, owner, check, _ in CHECKS:
        assert list(check(ast.parse((SRC / owner).read_text(encoding="utf-8")))), owner


@pytest.mark.parametrize(("snippet", "check", "hits"), [
    ('def f(v):\n    return "pathogenic" in str(v.get("significance") or "").lower()\n',
     clinvar_parsing, 1),
    ('def f(cv):\n    return cv.significance.split("|")[0]\n', clinvar_parsing, 1),
    ('def f(significance):\n    return significance == "Pathogenic"\n', clinvar_parsing, 1),
    ('import re\ndef f(sig):\n    return re.split(r"[|,]", sig)\n', clinvar_parsing, 1),
    ('X = {"criteria_provided,_single_submitter": 1}\n', clinvar_parsing, 1),
    ('def f(cv):\n    return {"significance": cv.significance, "slug": g(cv.significance)}\n',
     clinvar_parsing, 0),
    ('def f(cv):\n    return f"ClinVar {cv.significance}" if cv.significance is not None else ""\n',
     clinvar_parsing, 0),
    ('def f(c):\n    return c.dp is not None and c.dp < 10\n', quality_thresholds, 1),
    ('def f(c, t):\n    return c.get("gq") >= t.min_gq\n', quality_thresholds, 1),
    ('def f(ab):\n    return not 0.2 <= ab <= 0.8\n', quality_thresholds, 1),
    ('def f(c):\n    return c.dp is None\n', quality_thresholds, 0),
    ('def f(n):\n    if n:\n        return "hemizygous"\n    return "Heterozygous"\n',
     zygosity_decisions, 2),
    ('def f(v):\n    return normalize_chrom(v.chrom) == "X"\n', zygosity_decisions, 1),
    ('from z import PAR\n', zygosity_decisions, 1),
    ('def f():\n    """hemizygous"""\n    return "homozygous (recessive)"\n',
     zygosity_decisions, 0),
])
def test_each_check_finds_what_it_should(snippet: str, check: object, hits: int) -> None:
    assert callable(check)
    assert len(set(check(ast.parse(snippet)))) == hits
