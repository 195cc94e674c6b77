"""The ``dualdx`` command: check a configuration, write a ready-to-run example, print versions.

    dualdx validate CONFIG [--directory DIR]   load and validate a config and its sample sheet,
                                               print the resolved config (or the error)
    dualdx example DIR                         write a ready-to-run copy of the bundled example
    dualdx version                             print the package and workflow versions

The analysis itself is the Snakemake workflow (``snakemake -s <workflow>/Snakefile …``); this
command never runs it. The workflow folder (the one holding the ``Snakefile``, its schemas and
bundled resources) is the checkout this package comes from, or ``--workflow DIR``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

import dualdx
from dualdx.core.errors import InputError

_HERE = Path(__file__).resolve().parent  # src/dualdx


def find_workflow(given: str | None) -> Path:
    """The workflow folder: ``given``, else the checkout holding this package (``src/dualdx``)."""
    candidates = [Path(given)] if given else [_HERE.parent.parent]
    for c in candidates:
        if (c / "Snakefile").is_file() and (c / "workflow" / "schemas" / "config.schema.json").is_file():
            return c.resolve()
    where = given or str(_HERE.parent.parent)
    raise InputError(where, "not a dualdx workflow folder (no Snakefile and "
                     "workflow/schemas/config.schema.json)",
                     "pass --workflow /path/to/dualdx, the folder holding the Snakefile")


def _load_config(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(path, f"cannot read the configuration ({e.strerror or e})",
                         "give the path of a YAML or JSON config file") from None
    try:
        data = yaml.safe_load(text)  # YAML is a superset of JSON
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        raise InputError(path, f"not valid YAML or JSON ({getattr(e, 'problem', None) or e})",
                         "fix the syntax (indentation, quotes, colons)", where=where) from None
    if not isinstance(data, dict):
        raise InputError(path, "the configuration is not a mapping of keys to values",
                         "write it as 'key: value' lines (see config/config.yaml)")
    return data


def validate(config_path: str, directory: str | None, workflow: str | None) -> str:
    """The resolved configuration and the families of its sample sheet, as YAML text."""
    from dualdx.inputs.config import load_sample_sheet, resolve_config

    wf = find_workflow(workflow)
    cfg_file = Path(config_path)
    workdir = Path(directory) if directory else Path.cwd()
    resolved = resolve_config(_load_config(cfg_file), wf, workdir, str(cfg_file))
    families = load_sample_sheet(resolved["samples"], wf / "workflow" / "schemas" / "samples.schema.json")
    doc = {
        "config": resolved,
        "families": {fid: {"samples": fam.sample_ids, "vcfs": fam.vcfs,
                           "proband": fam.proband or "(the affected person in the PED file)"}
                     for fid, fam in sorted(families.items())},
        "workflow": str(wf),
        "working_directory": str(workdir.resolve()),
    }
    return yaml.safe_dump(json.loads(json.dumps(doc)), sort_keys=False, allow_unicode=True)


def write_example(dest: str, workflow: str | None) -> Path:
    """Copy the bundled example (``config/config.yaml`` + ``config/example/``) into ``dest``.

    The copy's own files are relative to ``dest``; the workflow's bundled resources are named
    ``workflow:<path>`` in its config, so ``snakemake -s <workflow>/Snakefile --directory dest``
    runs it. Refuses to overwrite an existing ``dest/config``; writes nothing half-way.
    """
    wf = find_workflow(workflow)
    root = Path(dest)
    target = root / "config"
    if target.exists():
        raise InputError(target, "already exists",
                         "choose an empty folder, or remove its config/ folder first")
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=".dualdx-example-") as tmp:
        staged = Path(tmp) / "config"
        staged.mkdir()
        shutil.copy2(wf / "config" / "config.yaml", staged / "config.yaml")
        shutil.copytree(wf / "config" / "example", staged / "example")
        staged.rename(target)
    return target


def _version_text(workflow: str | None) -> str:
    from dualdx.provenance.record import workflow_version

    try:
        wf: Path | None = find_workflow(workflow)
    except InputError:
        wf = None
    where = f"workflow {workflow_version(wf)} at {wf}" if wf else "workflow folder not found"
    return f"dualdx {dualdx.__version__} ({where})"


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="dualdx", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workflow", metavar="DIR",
                    help="the dualdx workflow folder (default: the checkout of this package)")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    v = sub.add_parser("validate", help="load and validate a config and its sample sheet")
    v.add_argument("config", help="config file (YAML or JSON)")
    v.add_argument("--directory", metavar="DIR",
                   help="the run's working directory, which relative paths resolve against "
                        "(default: the current one; as snakemake --directory)")
    e = sub.add_parser("example", help="write a ready-to-run copy of the bundled example")
    e.add_argument("dir", help="folder to write config/ into (created if needed)")
    sub.add_parser("version", help="print the package and workflow versions")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            sys.stdout.write(validate(args.config, args.directory, args.workflow))
        elif args.command == "example":
            target = write_example(args.dir, args.workflow)
            wf = find_workflow(args.workflow)
            root = target.parent.resolve()
            print(f"dualdx: wrote the example to {target.resolve()}")
            print(f"run it with:\n  snakemake -s {wf / 'Snakefile'} --directory {root} --cores 4")
        else:
            print(_version_text(args.workflow))
    except InputError as err:
        print(f"dualdx: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # python -m dualdx.cli
    sys.exit(main())
