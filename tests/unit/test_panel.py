"""The panel reader (inputs/panel.py): one build or both, and the error a missing build gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualdx.core.errors import InputError
from dualdx.inputs.panel import load_panel

HEAD = "symbol\thgnc_id\trefseq_transcript\tensembl_transcript"
# TCIRG1 and ALPL rows of resources/panels/default.tsv
TCIRG1_38 = "\t11\t68039025\t68050895"
ALPL_38 = "\t1\t21509423\t21578410"
TCIRG1_37 = "\t11\t67806492\t67818362"


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "user.tsv"
    p.write_text(text)
    return p


def test_default_panel_gives_both_builds() -> None:
    panel = load_panel(Path(__file__).parents[2] / "resources/panels/default.tsv")
    for build in ("GRCh38", "GRCh37"):
        assert [s for s, _ in panel.regions(build)] and len(panel.regions(build)) == 4


def test_a_grch38_only_panel_runs_on_grch38_and_names_its_genes_on_grch37(tmp_path: Path) -> None:
    p = _write(tmp_path, f"{HEAD}\tgrch38_chrom\tgrch38_start\tgrch38_end\n"
                         f"TCIRG1\tHGNC:11647\tNM_006019.4\tENST00000265686.8{TCIRG1_38}\n"
                         f"ALPL\tHGNC:438\tNM_000478.6\tENST00000374840.8{ALPL_38}\n")
    panel = load_panel(p)
    assert [(s, r.chrom, r.start) for s, r in panel.regions("GRCh38", padded=False)] == \
        [("ALPL", "1", 21509423), ("TCIRG1", "11", 68039025)]
    with pytest.raises(InputError) as e:
        panel.regions("GRCh37")
    msg = str(e.value)
    assert "user.tsv" in msg and "no GRCh37 coordinates for TCIRG1, ALPL" in msg
    assert "grch37_chrom, grch37_start, grch37_end" in msg


def test_empty_columns_of_one_build_leave_that_gene_without_it(tmp_path: Path) -> None:
    cols = "\tgrch38_chrom\tgrch38_start\tgrch38_end\tgrch37_chrom\tgrch37_start\tgrch37_end"
    p = _write(tmp_path, f"{HEAD}{cols}\n"
                         f"TCIRG1\tHGNC:11647\tNM_006019.4\tENST00000265686.8{TCIRG1_38}"
                         f"{TCIRG1_37}\n"
                         f"ALPL\tHGNC:438\tNM_000478.6\tENST00000374840.8{ALPL_38}\t\t\t\n")
    panel = load_panel(p)
    assert len(panel.regions("GRCh38")) == 2
    with pytest.raises(InputError, match="no GRCh37 coordinates for ALPL "):
        panel.regions("GRCh37")


@pytest.mark.parametrize(("header_cols", "row", "wanted"), [
    ("", "", "header lacks column(s) grch38_chrom, grch38_start, grch38_end"),
    ("\tgrch38_chrom\tgrch38_start", "\t11\t68039025", "header lacks column(s) grch38_end"),
    ("\tgrch38_chrom\tgrch38_start\tgrch38_end", "\t\t68039025\t68050895",
     "TCIRG1 has GRCh38 start/end but no grch38_chrom"),
    ("\tgrch38_chrom\tgrch38_start\tgrch38_end", "\t\t\t", "no gene has coordinates"),
])
def test_a_panel_without_usable_coordinates_is_refused(tmp_path: Path, header_cols: str, row: str,
                                                        wanted: str) -> None:
    p = _write(tmp_path, f"{HEAD}{header_cols}\n"
                         f"TCIRG1\tHGNC:11647\tNM_006019.4\tENST00000265686.8{row}\n")
    with pytest.raises(InputError, match=wanted.replace("(", r"\(").replace(")", r"\)")):
        load_panel(p)


def test_the_run_stops_at_the_configuration_when_the_panel_lacks_its_build(tmp_path: Path) -> None:
    from dualdx.inputs.config import resolve_config

    repo = Path(__file__).parents[2]
    panel = _write(tmp_path, f"{HEAD}\tgrch38_chrom\tgrch38_start\tgrch38_end\n"
                             f"TCIRG1\tHGNC:11647\tNM_006019.4\tENST00000265686.8{TCIRG1_38}\n")
    example = repo / "config" / "example"
    cfg = {"samples": str(example / "samples.tsv"), "pedigree": str(example / "pedigree.ped"),
           "phenotypes": str(example / "phenotypes.tsv"), "panel": str(panel)}
    assert resolve_config(dict(cfg, genome_build="GRCh38"), repo, tmp_path, "config.yaml")
    with pytest.raises(InputError, match="no GRCh37 coordinates for TCIRG1"):
        resolve_config(dict(cfg, genome_build="GRCh37"), repo, tmp_path, "config.yaml")
