"""The bad-input catalogue (docs/bad_inputs.md): one test per row.

Package-level tests call the stage function or loader directly; the ``e2e_*`` tests run Snakemake
on a copy of the bundled example and check what the user sees: one message naming the file, the
place, the problem and the fix; no Python traceback; no report left behind.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import pysam
import pytest
import yaml

from dualdx.annotation.annotate import AnnotationSettings, run_annotate_variants
from dualdx.annotation.clinvar_index import run_index_clinvar
from dualdx.core.errors import InputError
from dualdx.inputs.config import load_sample_sheet, resolve_config
from dualdx.inputs.filtering import CONTIG_LENGTHS, FilterStats, run_filter_panel
from dualdx.inputs.pedigree import load_ped
from dualdx.inputs.phenotypes import PhenotypeTerm, load_phenotype_table, validate_terms
from dualdx.inputs.vcf import read_panel_vcf

REPO = Path(__file__).resolve().parents[2]
PANEL = str(REPO / "resources" / "panels" / "default.tsv")
MANE = REPO / "resources" / "transcripts" / "mane_select.GRCh38.tsv"
SAMPLE_SCHEMA = REPO / "workflow" / "schemas" / "samples.schema.json"
EXAMPLE = REPO / "config" / "example"
LOG = logging.getLogger("test_bad_inputs")
SAMPLES = ["P", "F", "M"]
HEADER = [
    "##fileformat=VCFv4.2",
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End of a reference block">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
]
TCIRG1_POS = 68047733  # inside TCIRG1 on GRCh38 (config/example/family_MIOP.vcf)
GT3 = "GT:AD:DP\t0/1:10,9:19\t0/0:20,0:20\t0/1:8,8:16"


def vcf_text(records: list[str], *, build: str | None = "GRCh38", chr_prefix: bool = True,
             samples: list[str] | None = None, extra: list[str] | None = None) -> str:
    p = "chr" if chr_prefix else ""
    lines = [*HEADER, *(extra or [])]
    if build is not None:
        lines += [f"##contig=<ID={p}{c},length={n}>" for c, n in CONTIG_LENGTHS[build].items()]
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                            "FORMAT", *(samples or SAMPLES)]))
    return "\n".join(lines + records) + "\n"


def rec(ref: str = "C", alt: str = "A", *, chrom: str = "chr11", pos: int = TCIRG1_POS,
        info: str = ".", calls: str = GT3) -> str:
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t{info}\t{calls}"


def filter_(tmp_path: Path, text: str | None = None, *, vcf: Path | None = None,
            samples: list[str] | None = None) -> tuple[FilterStats, Path]:
    """Run filter_panel on ``text`` (written as plain VCF) or ``vcf``."""
    if vcf is None:
        vcf = tmp_path / "in.vcf"
        vcf.write_text(text or "", encoding="utf-8")
    out = tmp_path / "out" / "panel.vcf.gz"
    stats = run_filter_panel([str(vcf)], samples or SAMPLES, PANEL, "GRCh38", str(out), LOG)
    return stats, out


def refused(tmp_path: Path, text: str | None = None, *, vcf: Path | None = None,
            samples: list[str] | None = None) -> str:
    """filter_panel refuses the input: return the message; nothing was written."""
    with pytest.raises(InputError) as ei:
        filter_(tmp_path, text, vcf=vcf, samples=samples)
    out = tmp_path / "out"
    assert not out.exists() or not any(out.iterdir()), "a refused input left files behind"
    return str(ei.value)


def bgzip(tmp_path: Path, text: str, index: bool = True) -> Path:
    plain = tmp_path / "calls.vcf"
    plain.write_text(text, encoding="utf-8")
    gz = tmp_path / "calls.vcf.gz"
    pysam.tabix_compress(str(plain), str(gz), force=True)
    plain.unlink()
    if index:
        pysam.tabix_index(str(gz), preset="vcf", force=True)
    return gz


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ============================================================================================
# VCF: container and header


def test_truncated_bgzip(tmp_path: Path) -> None:
    gz = bgzip(tmp_path, vcf_text([rec()] * 200), index=False)
    data = gz.read_bytes()
    gz.write_bytes(data[: len(data) // 2])
    msg = refused(tmp_path, vcf=gz)
    assert str(gz) in msg and "truncated" in msg and "Fix:" in msg


def test_vcf_without_header(tmp_path: Path) -> None:
    msg = refused(tmp_path, rec() + "\n")
    assert "line 1" in msg and "no VCF header" in msg


def test_vcf_broken_header_line(tmp_path: Path) -> None:
    text = vcf_text([rec()], extra=['##INFO=<ID=XX,Number=1,Type=String,Description="open>'])
    msg = refused(tmp_path, text)
    assert "broken header line" in msg and "unbalanced double quote" in msg
    assert f"line {len(HEADER) + 1}" in msg


def test_wrong_genome_build(tmp_path: Path) -> None:
    msg = refused(tmp_path, vcf_text([rec()], build="GRCh37"))
    assert "looks like GRCh37" in msg and "GRCh38" in msg and "set genome_build" in msg


@pytest.mark.parametrize("chr_prefix", [True, False])
def test_contig_style_unlike_the_panel_just_works(tmp_path: Path, chr_prefix: bool) -> None:
    """The panel is written without 'chr'; a chr-prefixed VCF (and a bare one) is read as is."""
    chrom = "chr11" if chr_prefix else "11"
    stats, out = filter_(tmp_path, vcf_text([rec(chrom=chrom)], chr_prefix=chr_prefix))
    assert stats.records_written == 1
    assert stats.contig_style == ("chr" if chr_prefix else "no_chr")
    _, records = read_panel_vcf(out)
    assert [(r.chrom, r.pos) for r in records] == [(chrom, TCIRG1_POS)]


def test_empty_vcf_header_only(tmp_path: Path) -> None:
    stats, out = filter_(tmp_path, vcf_text([]))
    samples, records = read_panel_vcf(out)
    assert (samples, records, stats.records_written) == (SAMPLES, [], 0)


def test_vcf_not_found(tmp_path: Path) -> None:
    msg = refused(tmp_path, vcf=tmp_path / "nope.vcf.gz")
    assert "nope.vcf.gz" in msg and "VCF not found" in msg and "samples sheet" in msg


def test_index_older_than_vcf(tmp_path: Path) -> None:
    gz = bgzip(tmp_path, vcf_text([rec()]))
    tbi = Path(str(gz) + ".tbi")
    old = time.time() - 3600
    os.utime(tbi, (old, old))
    msg = refused(tmp_path, vcf=gz)
    assert str(tbi) in msg and "older than calls.vcf.gz" in msg and "tabix -f -p vcf" in msg


# ============================================================================================
# VCF: samples


def test_sample_in_sheet_but_not_in_vcf(tmp_path: Path) -> None:
    msg = refused(tmp_path, vcf_text([rec()]), samples=["P", "F", "M", "SIB"])
    assert msg.startswith(f"{tmp_path / 'in.vcf'}: the samples sheet names this VCF for sample "
                          "'SIB', but it holds no such sample (samples there: P, F, M)")


def test_duplicate_sample_in_vcf_header(tmp_path: Path) -> None:
    msg = refused(tmp_path, vcf_text([], samples=["P", "F", "P"]))
    assert "sample name(s) P appear twice" in msg and f"line {len(HEADER) + 25}" in msg


def test_duplicate_sample_ids_in_sheet(tmp_path: Path) -> None:
    sheet = write(tmp_path / "samples.tsv",
                  "family_id\tsample_id\tvcf\nF1\tA\ta.vcf\nF1\tB\ta.vcf\nF2\tA\tb.vcf\n")
    with pytest.raises(InputError, match=r"row 4: sample 'A' is listed twice \(rows 2 and 4\)"):
        load_sample_sheet(sheet, SAMPLE_SCHEMA)


@pytest.mark.parametrize("family, sample", [
    ("F/1", "A"), ("..", "A"), ("F1", "../etc"), ("F1", "A;rm -rf x"), ("F1", "$(id)"),
    ("F 1", "A"), ("F1", "A`b`"),
])
def test_ids_with_path_or_shell_characters_rejected(tmp_path: Path, family: str,
                                                    sample: str) -> None:
    sheet = write(tmp_path / "samples.tsv", f"family_id\tsample_id\tvcf\n{family}\t{sample}\tx.vcf\n")
    with pytest.raises(InputError) as ei:
        load_sample_sheet(sheet, SAMPLE_SCHEMA)
    msg = str(ei.value)
    col, value = ("family_id", family) if family != "F1" else ("sample_id", sample)
    assert msg.startswith(f"{sheet}, row 2: {col} {value!r} is not allowed: IDs become folder")
    assert "may contain only letters, digits, '.', '_' and '-'" in msg


# ============================================================================================
# VCF: records


def test_symbolic_alleles_and_gvcf_blocks_kept_out_and_counted(tmp_path: Path) -> None:
    records = [
        rec("C", "<DEL>", pos=TCIRG1_POS - 10, info="END=68047900"),
        rec("C", "<NON_REF>", pos=TCIRG1_POS - 5, info="END=68047730"),  # gVCF reference block
        rec("C", "<*>", pos=TCIRG1_POS - 3),                             # gVCF reference block
        rec("C", "A,<NON_REF>", calls="GT:AD:DP\t0/1:10,9,0:19\t0/0:20,0,0:20\t0/1:8,8,0:16"),
    ]
    stats, out = filter_(tmp_path, vcf_text(records))
    # <DEL> to the structural-variant stage, <NON_REF> beside A a gVCF placeholder, 2 blocks
    assert (stats.skipped_symbolic, stats.skipped_gvcf_alleles,
            stats.skipped_ref_blocks) == (1, 1, 2)
    assert {c.code for c in stats.caveats} == {"reference_blocks_not_used"}
    _, kept = read_panel_vcf(out)
    assert [(r.pos, r.ref, r.alt) for r in kept] == [(TCIRG1_POS, "C", "A")]
    assert kept[0].calls["P"].ad == (10, 9)


def test_star_alleles_kept_out_and_counted(tmp_path: Path) -> None:
    records = [rec("C", "A,*", calls="GT\t1/2\t0/0\t0/2")]
    stats, out = filter_(tmp_path, vcf_text(records))
    assert stats.skipped_star == 1
    _, kept = read_panel_vcf(out)
    assert len(kept) == 1 and kept[0].alt == "A"
    assert kept[0].calls["P"].alleles == (1, -1)  # the '*' is "another ALT", not REF


def test_non_acgt_bases(tmp_path: Path) -> None:
    msg = refused(tmp_path, vcf_text([rec("CR", "A")]))
    assert f"chr11:{TCIRG1_POS}" in msg and "REF 'CR' has characters other than A, C, G, T, N"\
        in msg


def test_megabyte_info_field(tmp_path: Path) -> None:
    big = "X" * (1 << 20)
    stats, out = filter_(tmp_path, vcf_text([rec(info=f"BIG={big}")]))
    assert stats.records_written == 1
    with gzip.open(out, "rt") as fh:
        assert any(big in line for line in fh)


def test_number_a_field_with_wrong_count_written_missing(tmp_path: Path) -> None:
    records = [rec("C", "A,T", info="AC=3", calls="GT:AD\t1/2:1,5,5\t0/0:9,0,0\t0/1:4,4,0"),
               rec("G", "A", pos=TCIRG1_POS + 10, info="AC=1,2", calls=GT3)]
    filter_(tmp_path, vcf_text(records))
    with gzip.open(tmp_path / "out" / "panel.vcf.gz", "rt") as fh:
        data = [ln.split("\t") for ln in fh if not ln.startswith("#")]
    assert [d[7].split(";")[0] for d in data] == ["AC=.", "AC=.", "AC=."]
    assert data[0][9] == "1/.:1,5:1/*"  # AD (Number=R, right count) is cut to REF and this ALT


def test_genotype_naming_a_missing_allele(tmp_path: Path) -> None:
    msg = refused(tmp_path, vcf_text([rec(calls="GT\t0/2\t0/0\t0/1")]))
    assert "sample P" in msg and "GT '0/2' names allele 2, the record has 1 ALT(s)" in msg


def test_format_value_not_a_number(tmp_path: Path) -> None:
    """Found by fuzzing: it used to pass filter_panel and fail in the next stage."""
    msg = refused(tmp_path, vcf_text([rec(calls="GT:AD:DP\t0/1:10,9:lots\t0/0:2,0:2\t0/1:1,1:2")]))
    assert "sample P" in msg and "FORMAT DP is 'lots', not a number" in msg


def test_more_sample_values_than_format_keys(tmp_path: Path) -> None:
    """Found by fuzzing: the extra values were silently cut off."""
    msg = refused(tmp_path, vcf_text([rec(calls="GT\t0/1:10,9\t0/0\t0/1")]))
    assert "sample P has 2 values" in msg and "FORMAT GT names 1 key(s)" in msg


def test_header_lines_htslib_reads_are_accepted(tmp_path: Path) -> None:
    """The GIAB trio VCF was refused at '##bcftools/csqVersion=...': htslib reads such lines."""
    extra = ["##bcftools/csqVersion=1.9+htslib-1.9",
             "##bcftools/csqCommand=csq -l -g Homo_sapiens.GRCh37.82.gff3.gz -s - -f ref.fa "
             "in.vcf.gz; Date=Tue Jul 30 13:09:48 2019",
             "##META=<ID=Assay,Type=String,Number=.,Values=[WholeGenome, Exome]>"]
    stats, _ = filter_(tmp_path, vcf_text([rec()], extra=extra))
    assert stats.records_written == 1


def test_giab_trio_vcf_is_read(tmp_path: Path) -> None:
    gz = REPO / "tests" / "data" / "giab" / "GIAB_AJ_trio_ALPL_excerpt.GRCh37.vcf.gz"
    out = tmp_path / "out" / "panel.vcf.gz"
    stats = run_filter_panel([str(gz)], ["HG002", "HG003", "HG004"], PANEL, "GRCh37", str(out),
                             LOG)
    assert (stats.records_read, stats.records_written, stats.build_verified) == (53, 13, True)


def _index_from(tmp_path: Path, other_records: list[str]) -> Path:
    """calls.vcf.gz with the .tbi of another file (or of an older version), newer than it."""
    other = tmp_path / "other"
    other.mkdir()
    old = bgzip(other, vcf_text(other_records))
    gz = bgzip(tmp_path, vcf_text([rec(chrom="chr1", pos=p) for p in range(1000, 60000, 7)]
                                  + [rec()]), index=False)
    tbi = Path(str(gz) + ".tbi")
    tbi.write_bytes(Path(str(old) + ".tbi").read_bytes())
    os.utime(tbi, (time.time() + 5, time.time() + 5))
    return gz


def test_index_of_another_file_or_version(tmp_path: Path) -> None:
    """An older version without chr11: trusted, its TCIRG1 record would be lost silently."""
    gz = _index_from(tmp_path, [rec(chrom="chr1", pos=p) for p in range(1000, 60000, 7)])
    msg = refused(tmp_path, vcf=gz)
    assert msg.startswith(f"{gz}.tbi: the index does not belong to calls.vcf.gz: ")
    assert msg.endswith(f"Fix: re-index with 'tabix -f -p vcf {gz}'")


def test_person_read_from_the_vcf_on_their_row(tmp_path: Path) -> None:
    trio = write(tmp_path / "trio.vcf", vcf_text([rec()]))
    own = write(tmp_path / "P.vcf", vcf_text([rec(calls="GT:AD:DP\t1/1:0,20:20")], samples=["P"]))
    out = tmp_path / "out" / "panel.vcf.gz"
    stats = run_filter_panel([str(trio), str(own)], SAMPLES, PANEL, "GRCh38", str(out), LOG,
                             sample_vcfs={"P": str(own), "F": str(trio), "M": str(trio)})
    _, recs = read_panel_vcf(out)
    assert recs[0].calls["P"].alleles == (1, 1)
    assert [c.code for c in stats.caveats] == ["sample_read_from_its_own_vcf"]


def test_unlisted_samples_noted(tmp_path: Path) -> None:
    stats, _ = filter_(tmp_path, vcf_text([rec(calls=GT3 + "\t0/0:9,0:9")],
                                          samples=[*SAMPLES, "X"]))
    assert [(c.code, c.samples) for c in stats.caveats] == [("samples_not_in_sample_sheet",
                                                             ("X",))]


def test_per_person_vcfs_mixing_chr_styles(tmp_path: Path) -> None:
    a = write(tmp_path / "a.vcf", vcf_text([rec(calls="GT\t0/1")], samples=["P"]))
    b = write(tmp_path / "b.vcf", vcf_text([rec(chrom="11", calls="GT\t0/1")], samples=["M"],
                                           chr_prefix=False))
    out = tmp_path / "out" / "panel.vcf.gz"
    stats = run_filter_panel([str(a), str(b)], ["P", "M"], PANEL, "GRCh38", str(out), LOG,
                             sample_vcfs={"P": str(a), "M": str(b)})
    _, recs = read_panel_vcf(out)
    assert [(r.chrom, r.calls["M"].gt) for r in recs] == [("chr11", "0/1")]
    assert stats.caveats[0].code == "contig_names_differ_between_vcfs"


def test_duplicate_and_conflicting_records(tmp_path: Path) -> None:
    same = rec(calls="GT:AD:DP\t0/1:10,9:19\t0/0:20,0:20\t0/1:8,8:16")
    other = rec(calls="GT:AD:DP\t1/1:0,19:19\t0/0:20,0:20\t0/1:8,8:16")
    stats, out = filter_(tmp_path, vcf_text([same, other]))
    _, recs = read_panel_vcf(out)
    assert recs[0].calls["P"].alleles == (None, None) and recs[0].calls["M"].alleles == (0, 1)
    c = stats.caveats[0]
    assert (c.code, c.severity, c.samples) == ("conflicting_duplicate_record", "caution", ("P",))


def test_indels_not_left_aligned_without_reference(tmp_path: Path) -> None:
    stats, _ = filter_(tmp_path, vcf_text([rec("CA", "C")]))
    c = stats.caveats[0]
    assert (c.code, c.severity) == ("indels_not_left_aligned", "caution")
    assert c.variants == (f"chr11-{TCIRG1_POS}-CA-C",)


# ============================================================================================
# PED


def test_ped_loop(tmp_path: Path) -> None:
    ped = write(tmp_path / "f.ped", "F\tA\tB\t0\t1\t2\nF\tB\tA\t0\t1\t1\n")
    with pytest.raises(InputError, match=r"f\.ped, line 1: pedigree loop: 'A' is their own "
                                         r"ancestor \(A -> B -> A\)"):
        load_ped(ped)


def test_ped_missing_parent_row(tmp_path: Path) -> None:
    ped = write(tmp_path / "f.ped", "F\tP\tDAD\tMUM\t1\t2\nF\tMUM\t0\t0\t2\t1\n")
    with pytest.raises(InputError, match=r"line 1: missing parent row: father 'DAD' of 'P' "
                                         r"\(family F\) has no row.*set the father column to 0"):
        load_ped(ped)


def test_ped_parent_of_wrong_sex(tmp_path: Path) -> None:
    ped = write(tmp_path / "f.ped", "F\tP\tDAD\tMUM\t1\t2\nF\tDAD\t0\t0\t2\t1\nF\tMUM\t0\t0\t2\t1\n")
    with pytest.raises(InputError, match=r"line 2: father 'DAD' of 'P' is recorded as female"):
        load_ped(ped)


def test_family_without_affected_member_and_no_proband_named(tmp_path: Path) -> None:
    ped = write(tmp_path / "f.ped", "F\tP\t0\t0\t1\t1\nF\tS\t0\t0\t2\t0\n")
    with pytest.raises(InputError) as ei:
        load_ped(ped)["F"].proband()
    assert "family F has no affected person" in str(ei.value)
    assert "column 'proband' = yes" in str(ei.value)


def test_ped_empty_parent_column(tmp_path: Path) -> None:
    ped = write(tmp_path / "f.ped", "F\tP\t\tMUM\t1\t2\nF\tMUM\t0\t0\t2\t1\n")
    with pytest.raises(InputError) as ei:
        load_ped(ped)
    assert str(ei.value) == (f"{ped}, line 1: the father column of 'P' is empty. Fix: write 0 "
                             "for a father who is not in the file, or his sample ID")


def test_byte_order_mark_in_sheet_ped_and_phenotypes(tmp_path: Path) -> None:
    bom = "\ufeff"
    sheet = write(tmp_path / "samples.tsv", bom + "family_id\tsample_id\tvcf\nF\tP\tp.vcf\n")
    assert load_sample_sheet(sheet, SAMPLE_SCHEMA)["F"].sample_ids == ["P"]
    ped = write(tmp_path / "f.ped", bom + "F\tP\t0\t0\t1\t2\n")
    assert list(load_ped(ped)) == ["F"]
    table = write(tmp_path / "ph.tsv", bom + "sample_id\thpo_id\nP\tHP:0011002\n")
    assert load_phenotype_table(table) == {"P": [PhenotypeTerm("HP:0011002")]}


def test_space_separated_sample_sheet(tmp_path: Path) -> None:
    sheet = write(tmp_path / "samples.tsv", "family_id sample_id vcf\nF  P  p.vcf\nF M m.vcf\n")
    assert load_sample_sheet(sheet, SAMPLE_SCHEMA)["F"].sample_ids == ["P", "M"]
    spaced_path = write(tmp_path / "s2.tsv", "family_id sample_id vcf\nF P my calls.vcf\n")
    with pytest.raises(InputError) as ei:
        load_sample_sheet(spaced_path, SAMPLE_SCHEMA)
    assert str(ei.value) == (f"{spaced_path}, row 2: 4 fields where the header has 3. Fix: the "
                             "sheet is space-separated, so a path with spaces splits into "
                             "several columns; separate the columns with tabs")


def test_two_rows_marked_proband(tmp_path: Path) -> None:
    sheet = write(tmp_path / "samples.tsv", "family_id\tsample_id\tvcf\tproband\n"
                  "F\tA\ta.vcf\tyes\nF\tB\ta.vcf\tno\nF\tC\ta.vcf\tyes\n")
    with pytest.raises(InputError) as ei:
        load_sample_sheet(sheet, SAMPLE_SCHEMA)
    assert str(ei.value) == (f"{sheet}, row 4: family F has 2 rows marked proband: row 2 (A) "
                             "and row 4 (C). Fix: mark one person per family as proband (column "
                             "'proband' = yes), the others no or empty")


# ============================================================================================
# Phenotypes

KNOWLEDGE: dict[str, Any] = {
    "hpo_release": "2025-01-16",
    "unknown_terms": ["HP:9999999"],
    "terms": {
        "HP:0000118": {"name": "Phenotypic abnormality", "ancestors": [], "obsolete": False,
                       "replaced_by": None, "ic": 0.0},
        "HP:0011002": {"name": "Osteopetrosis", "ancestors": ["HP:0000118"], "obsolete": False,
                       "replaced_by": None, "ic": 5.0},
        "HP:0000000": {"name": "obsolete thing", "ancestors": [], "obsolete": True,
                       "replaced_by": "HP:0011002", "ic": 0.0},
    },
}


def test_obsolete_hpo_id_replaced_with_warning() -> None:
    terms, warnings = validate_terms({"P": [PhenotypeTerm("HP:0000000")]}, KNOWLEDGE, "ph.tsv")
    assert terms == {"P": [PhenotypeTerm("HP:0011002")]}
    assert warnings == ["P: HP:0000000 is obsolete in HPO 2025-01-16; used its replacement "
                        "HP:0011002 (Osteopetrosis)"]


def test_unknown_hpo_id_names_person_and_term() -> None:
    with pytest.raises(InputError, match=r"ph\.tsv, individual P: P's term HP:9999999 does not "
                                         r"exist in HPO 2025-01-16"):
        validate_terms({"P": [PhenotypeTerm("HP:9999999")]}, KNOWLEDGE, "ph.tsv")


def test_malformed_hpo_id_names_line(tmp_path: Path) -> None:
    table = write(tmp_path / "ph.tsv", "sample_id\thpo_id\nP\tHP:0011002\nP\tHP:11002\n")
    with pytest.raises(InputError, match=r"ph\.tsv, line 3: 'HP:11002' is not an HPO ID"):
        load_phenotype_table(table)


def test_phenotype_table_not_utf8(tmp_path: Path) -> None:
    """Found by fuzzing: used to end in a UnicodeDecodeError traceback."""
    table = tmp_path / "ph.tsv"
    table.write_bytes(b"sample_id\thpo_id\nP\tHP:0011002 \xe9\n")
    with pytest.raises(InputError, match=r"ph\.tsv: not UTF-8 text \(byte 0xe9"):
        load_phenotype_table(table)


# ============================================================================================
# Panel, transcripts, config


def test_panel_gene_unknown_to_transcript_models(tmp_path: Path) -> None:
    """A panel gene without a transcript model: annotated, with 'consequence not checked'."""
    models = tmp_path / "mane.tsv"
    models.write_text("".join(ln for ln in MANE.read_text().splitlines(keepends=True)
                              if "\tALPL\t" not in ln and not ln.startswith("ALPL\t")))
    _, panel_vcf = filter_(tmp_path, vcf_text([rec(), rec("C", "T", chrom="chr1", pos=21525585)]))
    clinvar = tmp_path / "clinvar_panel.json"
    run_index_clinvar(None, PANEL, "GRCh38", str(models), None, None, str(clinvar), LOG)
    settings = AnnotationSettings("GRCh38", PANEL, str(models), str(clinvar))
    run_annotate_variants("F", str(panel_vcf), settings, str(tmp_path / "ann.vcf.gz"),
                          str(tmp_path / "ann.json"), LOG)
    ann = json.loads((tmp_path / "ann.json").read_text())
    assert {"what": "consequence and HGVS for ALPL",
            "why": f"no transcript model for ALPL in {models}"} in ann["not_checked"]
    by_gene = {v["gene"]: v for v in ann["variants"]}
    assert by_gene["ALPL"]["consequence"] is None
    assert by_gene["TCIRG1"]["consequence"]["transcript"] == "NM_006019.4"


def test_config_key_misspelt_suggests_the_right_one(tmp_path: Path) -> None:
    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    cfg["annotation"]["clinvr"] = cfg["annotation"].pop("clinvar")
    with pytest.raises(InputError) as ei:
        resolve_config(cfg, REPO, REPO, "my.yaml")
    msg = str(ei.value)
    assert msg.startswith("my.yaml: the configuration is invalid at annotation: unknown key(s) "
                          "'clinvr' (did you mean 'clinvar'?)")


def test_config_top_level_key_misspelt(tmp_path: Path) -> None:
    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    cfg["pedigre"] = cfg.pop("pedigree")
    with pytest.raises(InputError, match=r"unknown key\(s\) 'pedigre' \(did you mean 'pedigree'\?\)"):
        resolve_config(cfg, REPO, REPO, "my.yaml")


def test_previous_results_that_does_not_exist(tmp_path: Path) -> None:
    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    cfg["previous_results"] = "results_2024"
    with pytest.raises(InputError) as ei:
        resolve_config(cfg, REPO, REPO, "my.yaml")
    assert str(ei.value) == (f"my.yaml: 'previous_results' names {REPO / 'results_2024'}, which "
                             "does not exist. Fix: set it to the results/ folder of an earlier "
                             f"run (relative paths resolve against {REPO}), or to null for a "
                             "first analysis")


def test_http_database_url_refused(tmp_path: Path) -> None:
    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    cfg["annotation"]["gnomad"] = "http://example.org/gnomad.exomes.v4.1.sites.chr11.vcf.bgz"
    with pytest.raises(InputError) as ei:
        resolve_config(cfg, REPO, REPO, "my.yaml")
    assert str(ei.value).startswith(
        "my.yaml: 'annotation.gnomad' is an http:// URL (http://example.org/gnomad.exomes.v4.1."
        "sites.chr11.vcf.bgz): the connection is not encrypted")
    assert "Fix: use the https:// address of the same file" in str(ei.value)
    cfg["annotation"]["gnomad"] = None
    cfg["annotation"]["clinvar"] = "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/vcf_GRCh38/clinvar.vcf.gz"
    with pytest.raises(InputError, match=r"'annotation.clinvar' is a URL .*only annotation.gnomad "
                                         r"is read remotely"):
        resolve_config(cfg, REPO, REPO, "my.yaml")


# ============================================================================================
# Inputs that cannot support a conclusion, or that the run did not use: the report says so
# (issue 14 items 1 and 2). The per-family stages run in-process on the bundled example
# (tests/hardening/family_run.py); the page is rendered from the report.json they write.


@pytest.fixture(scope="module")
def knowledge(hpo_store_shared: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from family_run import knowledge_file

    return knowledge_file(hpo_store_shared, tmp_path_factory.mktemp("kn") / "knowledge.json")


EX_SAMPLES = ["MIOP-I-1", "MIOP-I-2", "MIOP-II-1", "MIOP-II-2"]
EX_PROBAND = 11  # VCF column of MIOP-II-1


def _example_family(d: Path, vcf: str | None = None, *, samples: list[str] | None = None,
                    pheno_extra: str = "") -> Any:
    from family_run import Family

    d.mkdir(parents=True, exist_ok=True)
    write(d / "in.vcf", vcf if vcf is not None else (EXAMPLE / "family_MIOP.vcf").read_text())
    write(d / "ph.tsv", (EXAMPLE / "phenotypes.tsv").read_text() + pheno_extra)
    samples = samples or EX_SAMPLES
    return Family("MIOP", samples, dict.fromkeys(samples, str(d / "in.vcf")),
                  str(EXAMPLE / "pedigree.ped"), str(d / "ph.tsv"))


def _example_lines() -> tuple[list[str], list[list[str]]]:
    lines = (EXAMPLE / "family_MIOP.vcf").read_text().splitlines()
    return ([ln for ln in lines if ln.startswith("#")],
            [ln.split("\t") for ln in lines if ln and not ln.startswith("#")])


def _page(report: dict[str, Any]) -> str:
    from family_run import page_text

    return page_text(report)


def _proband_calls(fields: Any) -> str:
    head, recs = _example_lines()
    for r in recs:
        r[EX_PROBAND] = fields(r)
    return "\n".join(head + ["\t".join(r) for r in recs]) + "\n"


def _no_gt() -> str:
    head, recs = _example_lines()
    out = [r[:8] + ["AD:DP:GQ"] + [c.split(":", 1)[1] for c in r[9:]] for r in recs]
    return "\n".join(head + ["\t".join(r) for r in out]) + "\n"


def _refseq(keep_contig_lines: bool) -> str:
    refseq = {"chr1": "NC_000001.11", "chr6": "NC_000006.12", "chr11": "NC_000011.10",
              "chr16": "NC_000016.10"}
    head, recs = _example_lines()
    meta = []
    for ln in head:
        if ln.startswith("##contig=<ID="):
            if not keep_contig_lines:
                continue
            name = ln[len("##contig=<ID="):].split(",", 1)[0]
            ln = ln.replace(f"ID={name},", f"ID={refseq.get(name, name)},")
        meta.append(ln)
    return "\n".join(meta + ["\t".join([refseq[r[0]], *r[1:]]) for r in recs]) + "\n"


NOT_ASSESSABLE = {
    "proband_gt_missing": (lambda: _proband_calls(lambda r: "./." + r[EX_PROBAND][3:]),
                           "call_missing_gt", "not called"),
    "proband_below_qc": (lambda: _proband_calls(lambda r: r[EX_PROBAND].rsplit(":", 2)[0]
                                                + ":5:99"),
                         "call_low_depth", "below the QC thresholds"),
    "no_gt_field": (_no_gt, "no_genotype_field", "not called"),
    "refseq_contigs": (lambda: _refseq(True), "panel_chromosome_absent", "has no contig"),
    "refseq_contigs_no_contig_lines": (lambda: _refseq(False), "panel_chromosome_absent",
                                       "has no contig"),
}


@pytest.mark.parametrize("case", sorted(NOT_ASSESSABLE))
def test_proband_without_usable_genotype_is_not_assessable(tmp_path: Path, knowledge: Path,
                                                           case: str) -> None:
    from family_run import run_family

    make, code, why = NOT_ASSESSABLE[case]
    report = run_family(_example_family(tmp_path, make()), knowledge, tmp_path / "out")
    assert report["assessment"]["status"] == "not_assessable"
    assert report["dual_diagnosis"]["status"] == "not_assessable" and report["diagnoses"] == []
    assert all(not g["assessed"] and why in g["why"] for g in report["assessment"]["genes"]
               if g["gene"] in ("TCIRG1", "ALPL"))
    warning = next(w for w in report["warnings"] if w["code"] == code)
    page = _page(report)
    assert "Result Not assessable." in page and "not a negative result" in page
    assert warning["message"] in page and "Warnings: none" not in page
    assert "No diagnosis found" not in page


@pytest.mark.parametrize("names", ["refseq", "ensembl"])
def test_indexed_vcf_without_contig_lines(tmp_path: Path, knowledge: Path, names: str) -> None:
    """A bgzipped + indexed VCF without ##contig lines: its contigs are read from the index.
    RefSeq names (NC_000011.10): not assessable, the caution on the page. Ensembl names (``11``)
    with no record on a panel chromosome (16 dropped): assessable; an index lists only the
    contigs that hold records, so a chromosome it lacks is not taken for a naming problem."""
    from family_run import run_family

    if names == "refseq":
        vcf = _refseq(False)
    else:
        head, recs = _example_lines()
        vcf = "\n".join([ln for ln in head if not ln.startswith("##contig")]
                        + ["\t".join([r[0].removeprefix("chr"), *r[1:]]) for r in recs
                           if r[0] != "chr16"]) + "\n"
    assert "##contig" not in vcf
    fam = _example_family(tmp_path, vcf)
    gz = str(tmp_path / "in.vcf.gz")
    pysam.tabix_compress(str(tmp_path / "in.vcf"), gz, force=True)
    pysam.tabix_index(gz, preset="vcf", force=True)
    fam.vcfs = dict.fromkeys(fam.samples, gz)
    report = run_family(fam, knowledge, tmp_path / "out")
    assert report["methods"]["filter"]["mode"] == "indexed"
    page = _page(report)
    genes = {g["gene"]: g for g in report["assessment"]["genes"]}
    if names == "refseq":
        assert report["assessment"]["status"] == "not_assessable"
        assert report["dual_diagnosis"]["status"] == "not_assessable"
        warning = next(w for w in report["warnings"] if w["code"] == "panel_chromosome_absent")
        assert "NC_000011.10" in warning["message"] and warning["message"] in page
        assert "Result Not assessable." in page and "No diagnosis found" not in page
    else:
        assert report["assessment"]["status"] == "assessable"
        assert genes["CLCN7"]["assessed"] and genes["CLCN7"]["why"] is None
        assert "panel_chromosome_absent" not in [w["code"] for w in report["warnings"]]
        assert report["diagnoses"]  # the example's diagnoses are still made


def test_unused_records_calls_samples_and_phenotype_rows_reach_the_report(
        tmp_path: Path, knowledge: Path) -> None:
    from family_run import run_family

    head, recs = _example_lines()
    head[-1] += "\tMIOP-II-3\tNA12878"  # one listed in the sample sheet (not the PED), one not
    for r in recs:
        r += ["0/1:10,10:20:99"] * 2 if "," not in r[4] else ["0/1:10,10,0:20:99"] * 2
    out = []
    for r in recs:
        out.append(r)
        if r[1] == "68049080":  # TCIRG1 (the example's pair): the caller's filter failed
            r[6] = "LowQual"
        if r[1] == "21564139":  # ALPL: the same record twice
            out.append(list(r))
        if r[1] == "68047733":  # TCIRG1: again, MIOP-I-1 0/1 instead of 0/0 (a conflict)
            out.append([*r[:9], "0/1:11,11:22:99", *r[10:]])
    vcf = "\n".join(head + ["\t".join(r) for r in out]) + "\n"
    fam = _example_family(tmp_path, vcf, samples=[*EX_SAMPLES, "MIOP-II-3"],
                          pheno_extra="MIOP-II-1x\tHP:0011002\n")
    report = run_family(fam, knowledge, tmp_path / "out")
    w = {x["code"]: x for x in report["warnings"]}
    assert w["duplicate_record"]["variants"] == ["chr1-21564139-G-A"]
    assert w["conflicting_duplicate_record"]["variants"] == ["chr11-68047733-C-A"]
    assert w["conflicting_duplicate_record"]["samples"] == ["MIOP-I-1"]
    assert "MIOP-I-1" in w["call_missing_gt"]["samples"]  # the unresolved call is unknown
    assert w["samples_not_in_sample_sheet"]["samples"] == ["NA12878"]
    assert w["vcf_sample_not_in_pedigree"]["samples"] == ["MIOP-II-3"]
    assert w["phenotypes_for_unknown_sample"]["samples"] == ["MIOP-II-1x"]
    assert "did you mean MIOP-II-1?" in w["phenotypes_for_unknown_sample"]["message"]
    assert w["failed_filter_used"]["variants"] == ["chr11-68049080-G-A"]
    card = next(d for d in report["diagnoses"] if "chr11-68049080-G-A" in d["variants"])
    caution = next(c for c in card["cautions"] if c["code"] == "failed_filter")
    assert "failed the variant caller's filter (FILTER LowQual)" in caution["message"]
    page = _page(report)
    assert all(x["message"] in page for x in report["warnings"]) and caution["message"] in page


# ============================================================================================
# End to end: what the user sees

def _example(wd: Path) -> dict[str, Any]:
    from workflow_helpers import copy_example

    cfg = copy_example(wd)
    cfg["report"] = {"pdf": False}
    return cfg


def _run(wd: Path, cfg: dict[str, Any]) -> Any:
    from workflow_helpers import run_snakemake

    return run_snakemake(wd, cfg, check=False, env={"SOURCE_DATE_EPOCH": "1767225600"})


def _assert_clean_failure(proc: Any, wd: Path, *needles: str) -> str:
    """Non-zero exit, one dualdx message with every needle, no traceback, no report left."""
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-3000:]
    assert "Traceback" not in out, out[-6000:]
    # the message line (not e.g. Snakemake's echo of an input path that contains a needle)
    lines = [ln for ln in out.splitlines() if "Fix:" in ln and all(n in ln for n in needles)]
    assert lines, f"no message line with {needles} and a fix:\n{out[-6000:]}"
    assert not list((wd / "results").glob("*/report.*"))
    assert not list(wd.rglob("*.part"))
    return lines[0]


@pytest.mark.workflow
def test_e2e_sample_in_sheet_but_not_in_vcf(tmp_path: Path) -> None:
    cfg = _example(tmp_path)
    sheet = tmp_path / "config" / "example" / "samples.tsv"
    sheet.write_text(sheet.read_text().replace("MIOP-II-2\t", "MIOP-II-3\t"))
    ped = tmp_path / "config" / "example" / "pedigree.ped"
    ped.write_text(ped.read_text().replace("MIOP-II-2", "MIOP-II-3"))
    line = _assert_clean_failure(_run(tmp_path, cfg), tmp_path, "dualdx filter_panel",
                                 "names this VCF for sample 'MIOP-II-3'")
    assert "family_MIOP.vcf: the samples sheet" in line and "MIOP-II-2" in line


@pytest.mark.workflow
def test_e2e_config_key_misspelt(tmp_path: Path) -> None:
    cfg = _example(tmp_path)
    cfg["genome_bulid"] = cfg.pop("genome_build")
    _assert_clean_failure(_run(tmp_path, cfg), tmp_path, "config.yaml",
                          "'genome_bulid' (did you mean 'genome_build'?)")


@pytest.mark.workflow
def test_e2e_unsafe_family_id(tmp_path: Path) -> None:
    cfg = _example(tmp_path)
    sheet = tmp_path / "config" / "example" / "samples.tsv"
    sheet.write_text(sheet.read_text().replace("\nMIOP\t", "\n../MIOP\t", 1))
    _assert_clean_failure(_run(tmp_path, cfg), tmp_path, "samples.tsv, row 2",
                          "family_id '../MIOP' is not allowed")


@pytest.mark.workflow
def test_e2e_ped_loop(tmp_path: Path) -> None:
    cfg = _example(tmp_path)
    ped = tmp_path / "config" / "example" / "pedigree.ped"
    ped.write_text(ped.read_text().replace("MIOP\tMIOP-I-1\t0\t0", "MIOP\tMIOP-I-1\tMIOP-II-2\t0"))
    _assert_clean_failure(_run(tmp_path, cfg), tmp_path, "pedigree.ped", "pedigree loop")


@pytest.mark.workflow
def test_e2e_unknown_hpo_id(tmp_path: Path) -> None:
    cfg = _example(tmp_path)
    ph = tmp_path / "config" / "example" / "phenotypes.tsv"
    ph.write_text(ph.read_text() + "MIOP-II-1\tHP:9999999\n")
    line = _assert_clean_failure(_run(tmp_path, cfg), tmp_path, "individual MIOP-II-1",
                                 "term HP:9999999 does not exist in HPO")
    assert "<input>" not in line  # the message names where the terms came from


@pytest.mark.workflow
def test_e2e_paths_with_spaces_and_no_panel_variants(tmp_path: Path) -> None:
    """A header-only VCF in a directory with spaces: a valid 'nothing found' report."""
    wd = tmp_path / "my run dir"
    wd.mkdir()
    cfg = _example(wd)
    vcf_dir = wd / "input files"
    vcf_dir.mkdir()
    header = [ln for ln in (EXAMPLE / "family_MIOP.vcf").read_text().splitlines()
              if ln.startswith("#")]
    (vcf_dir / "family MIOP.vcf").write_text("\n".join(header) + "\n")
    sheet = wd / "config" / "example" / "samples.tsv"
    sheet.write_text(sheet.read_text().replace("config/example/family_MIOP.vcf",
                                               "input files/family MIOP.vcf"))
    proc = _run(wd, cfg)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    report = json.loads((wd / "results" / "MIOP" / "report.json").read_text())
    assert report["dual_diagnosis"]["status"] == "none"
    assert report["diagnoses"] == [] and report["variants"] == []
    assert (wd / "results" / "MIOP" / "report.html").is_file()


@pytest.mark.workflow
def test_e2e_proband_without_phenotypes_and_no_affected_member(tmp_path: Path) -> None:
    """Nobody affected in the PED, the proband named in the sample sheet, no HPO terms for them:
    the report is written and says both things."""
    cfg = _example(tmp_path)
    ex = tmp_path / "config" / "example"
    ped = ex / "pedigree.ped"
    ped.write_text("".join(ln[:-2] + "1\n" for ln in ped.read_text().splitlines(keepends=True)))
    sheet = ex / "samples.tsv"
    rows = sheet.read_text().splitlines()
    sheet.write_text("\n".join([rows[0] + "\tproband"] + [
        r + ("\tyes" if "\tMIOP-II-1\t" in r else "\tno") for r in rows[1:]]) + "\n")
    ph = ex / "phenotypes.tsv"
    ph.write_text("".join(ln for ln in ph.read_text().splitlines(keepends=True)
                          if not ln.startswith("MIOP-II-1\t")))
    proc = _run(tmp_path, cfg)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    report = json.loads((tmp_path / "results" / "MIOP" / "report.json").read_text())
    assert report["proband"] == "MIOP-II-1"
    warnings = " ".join(w["message"] for w in report["warnings"])
    assert "no member of family MIOP is marked affected" in warnings
    assert "phenotype fit not determined" in warnings
    assert {"what": "phenotype match and dual-diagnosis test",
            "why": "no HPO terms for proband MIOP-II-1"} in report["not_checked"]


@pytest.mark.workflow
def test_e2e_truncated_bgzip(tmp_path: Path) -> None:
    cfg = _example(tmp_path)
    ex = tmp_path / "config" / "example"
    gz = ex / "family_MIOP.vcf.gz"
    pysam.tabix_compress(str(ex / "family_MIOP.vcf"), str(gz), force=True)
    gz.write_bytes(gz.read_bytes()[:-40])
    sheet = ex / "samples.tsv"
    sheet.write_text(sheet.read_text().replace("family_MIOP.vcf", "family_MIOP.vcf.gz"))
    _assert_clean_failure(_run(tmp_path, cfg), tmp_path, "family_MIOP.vcf.gz", "truncated")


@pytest.mark.workflow
def test_e2e_byte_order_marks(tmp_path: Path) -> None:
    """Config, sample sheet, PED and phenotypes saved with a UTF-8 BOM (as Windows tools do)."""
    cfg = _example(tmp_path)
    ex = tmp_path / "config" / "example"
    for name in ("samples.tsv", "pedigree.ped", "phenotypes.tsv"):
        (ex / name).write_text("\ufeff" + (ex / name).read_text(), encoding="utf-8")
    cfg_path = tmp_path / "bom.yaml"
    cfg_path.write_text("\ufeff" + yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    from workflow_helpers import run_snakemake

    proc = run_snakemake(tmp_path, None, f"--configfile={cfg_path}", check=False)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    report = json.loads((tmp_path / "results" / "MIOP" / "report.json").read_text())
    assert report["proband"] == "MIOP-II-1" and report["diagnoses"]


@pytest.mark.workflow
def test_e2e_previous_results_missing(tmp_path: Path) -> None:
    cfg = _example(tmp_path)
    cfg["previous_results"] = "old_results"
    proc = _run(tmp_path, cfg)
    line = _assert_clean_failure(proc, tmp_path, "'previous_results' names",
                                 "which does not exist")
    assert line.startswith("dualdx: ")
    assert not (tmp_path / "results").exists() and not (tmp_path / "logs").exists()


def test_catalogue_matches_tests() -> None:
    """docs/bad_inputs.md names every test of this file, and only tests that exist."""
    import re

    doc = (REPO / "docs" / "bad_inputs.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", doc))
    here = {n for n in globals() if n.startswith("test_")
            and n not in ("test_catalogue_matches_tests", "test_readme_shows_the_same_catalogue")}
    assert named >= here, f"not in docs/bad_inputs.md: {sorted(here - named)}"
    others = {m for f in ("test_fuzz.py", "test_faults.py", "../workflow/test_giab_trio.py",
                          "test_bad_sv_inputs.py",  # structural-variant rows 48-54
                          "test_unused_accounted.py",  # row 68, the property
                          # rows 55-67 and 69: the unit tests of the modules owning the rules
                          *(f"../unit/test_{m}.py" for m in ("quality", "inheritance", "phasing",
                                                             "family_scenarios", "report",
                                                             "diagnosis", "panel")))
              for m in re.findall(r"^def (test_[a-z0-9_]+)", (Path(__file__).parent / f)
                                  .read_text(encoding="utf-8"), re.M)}
    assert named <= here | others, f"documented but missing: {sorted(named - here - others)}"


def test_readme_shows_the_same_catalogue() -> None:
    def rows(text: str) -> list[str]:
        section = text[text.index("| # | Bad input"):]
        out = []
        for line in section.splitlines():
            if not line.startswith("|"):
                break
            out.append(line)
        return out

    doc = (REPO / "docs" / "bad_inputs.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert rows(readme) == rows(doc) and len(rows(doc)) > 27
