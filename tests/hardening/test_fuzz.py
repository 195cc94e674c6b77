"""Property-based fuzzing of the input parsers: bad input ends in ``InputError``, never another
exception, and what is accepted is well formed for the next stage.

CI runs a few examples per property. Long run (see docs/bad_inputs.md)::

    DUALDX_FUZZ_EXAMPLES=100000 python -m pytest tests/hardening/test_fuzz.py -p no:cacheprovider

Every crash a run finds becomes a file in ``tests/hardening/fuzz_regressions/`` (replayed by
``test_fuzz_regressions`` below) plus a fix in the module where the logic lives.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path

import pysam
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dualdx.annotation.consequence import annotate_transcript, genomic_to_c
from dualdx.core.caveats import Caveat
from dualdx.core.errors import InputError
from dualdx.inputs.filtering import CONTIG_LENGTHS, FilterStats, run_filter_panel
from dualdx.inputs.pedigree import parse_ped_lines
from dualdx.inputs.phenotypes import HPO_ID_RE, load_phenotype_table
from dualdx.inputs.vcf import read_panel_vcf
from dualdx.knowledge.sequence import TranscriptSequences, revcomp
from dualdx.knowledge.transcripts import Transcript, load_transcript_models

REPO = Path(__file__).resolve().parents[2]
PANEL = str(REPO / "resources" / "panels" / "default.tsv")
MANE = REPO / "resources" / "transcripts" / "mane_select.GRCh38.tsv"
REGRESSIONS = Path(__file__).parent / "fuzz_regressions"
LOG = logging.getLogger("test_fuzz")
LOG.addHandler(logging.NullHandler())
LOG.propagate = False

EXAMPLES = int(os.environ.get("DUALDX_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
    derandomize=EXAMPLES <= 50,  # CI: the same examples every run; long runs explore
    database=None,
)

# --------------------------------------------------------------------------------------------
# VCF records through filter_panel

TCIRG1 = (68039025 - 100, 68050895 + 100)  # GRCh38 extent + padding, resources/panels/default.tsv
SAMPLES = ["S1", "S2"]
HEADER_BASE = [
    "##fileformat=VCFv4.2",
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count">',
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred likelihoods">',
]
CONTIGS = [f"##contig=<ID=chr{c},length={n}>" for c, n in CONTIG_LENGTHS["GRCh38"].items()]

bases = st.text(alphabet="ACGTN", min_size=1, max_size=6)
weird = st.text(alphabet="ACGTNacgtn*<>.[]:,X; \t=", max_size=8)
chrom = st.sampled_from(["chr11", "11", "chr1", "chrX", "chr11_alt", "", "CHR11", "chrM"])
pos = st.one_of(st.integers(TCIRG1[0] - 20, TCIRG1[1] + 20), st.integers(-3, 10**12),
                st.sampled_from(["", "x", "1e5", "+68040000", " 68040000", "068040000"]))
alt_allele = st.one_of(bases, st.sampled_from(["*", "<DEL>", "<NON_REF>", "<*>", ".",
                                                "A[chr1:5[", "]chr2:7]N", "<INS:ME>"]), weird)
alts = st.lists(alt_allele, min_size=1, max_size=4).map(",".join)
number_a = st.lists(st.sampled_from(["1", "0", ".", "2", "x", ""]), min_size=0,
                    max_size=5).map(",".join)
info_item = st.one_of(
    number_a.map(lambda v: f"AC={v}"), number_a.map(lambda v: f"AF={v}"),
    st.sampled_from(["DB", "END=68040100", "END=x", "=", "==", "AC", ";", "K=v=w"]),
    st.text(alphabet="ABC=,;.0123", max_size=10),
)
info = st.one_of(st.just("."), st.lists(info_item, max_size=5).map(";".join))
gt = st.one_of(st.sampled_from(["0/1", "1/1", "./.", "0|1", "1|2", "2/1", ".", "1", "0/3",
                                "a/b", "", "0/1/1", "|", "/", "-1/0", "00/1"]),
               st.text(alphabet="0123./|", max_size=5))
fmt = st.sampled_from(["GT:AD:DP", "GT", "", "AD:GT", "GT:AD:DP:PL", "DP", "GT:GT"])
sample_value = st.tuples(gt, number_a, st.sampled_from(["", "30", "x", "."]), number_a).map(
    lambda t: ":".join(t))


@st.composite
def vcf_record(draw: st.DrawFn) -> str:
    n_samples = draw(st.sampled_from([2, 2, 2, 1, 3]))
    cols = [draw(chrom), str(draw(pos)), draw(st.sampled_from([".", "rs1", ""])),
            draw(st.one_of(bases, weird)), draw(alts),
            draw(st.sampled_from([".", "50", "abc", "1e400", "-1"])),
            draw(st.sampled_from(["PASS", ".", "LowQual", "a;b", ""])), draw(info),
            draw(fmt), *[draw(sample_value) for _ in range(n_samples)]]
    return "\t".join(cols)


header_line = st.one_of(
    st.sampled_from([
        '##INFO=<ID=AC,Number=R,Type=Integer,Description="conflicting redefinition">',
        '##FORMAT=<ID=AD,Number=.,Type=Integer,Description="AD as dot">',
        '##INFO=<ID=X,Number=A,Description="no type, quote \\" escaped">',
        "##contig=<ID=chr11,length=135006516>",  # GRCh37 length on a GRCh38 header
        "##contig=<ID=chr11,length=abc>",
        "##reference=GRCh38", "##INFO=<ID=Y", '##INFO=<ID=Z,Description="unclosed>',
        "##", "##=", "#", "##INFO=<>", "##FILTER=<ID=q10,Description=\"x\">",
    ]),
    st.text(max_size=30).map(lambda s: "##" + s.replace("\n", "").replace("\r", "")),
)


def _write_vcf(d: Path, header_extra: list[str], with_contigs: bool, records: list[str],
               mode: str, samples: list[str]) -> str:
    lines = [*HEADER_BASE, *header_extra, *(CONTIGS if with_contigs else [])]
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                            "FORMAT", *samples]))
    plain = d / "in.vcf"
    plain.write_text("\n".join(lines + records) + "\n", encoding="utf-8")
    if mode == "plain":
        return str(plain)
    gz = str(plain) + ".gz"
    pysam.tabix_compress(str(plain), gz, force=True)
    if mode == "indexed":
        try:
            pysam.tabix_index(gz, preset="vcf", force=True)
        except Exception:  # unsortable junk cannot be indexed: read it by streaming instead
            for ext in (".tbi", ".csi"):
                Path(gz + ext).unlink(missing_ok=True)
    return gz


def check_filter(header_extra: list[str], with_contigs: bool, records: list[str], mode: str,
                 samples: list[str] | None = None) -> None:
    """Either a FilterStats and a panel VCF the next stage reads, or InputError and no output."""
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        vcf = _write_vcf(d, header_extra, with_contigs, records, mode, samples or SAMPLES)
        out = d / "out" / "panel.vcf.gz"
        try:
            stats = run_filter_panel([vcf], list(SAMPLES), PANEL, "GRCh38", str(out), LOG)
        except InputError as e:
            assert str(e).strip(), "an InputError needs a message"
            assert not out.exists(), "a refused input must not leave a panel VCF"
            assert not list(out.parent.glob("*.part")) if out.parent.exists() else True
            return
        assert isinstance(stats, FilterStats)
        assert out.exists() and Path(str(out) + ".tbi").exists()
        _caveats_account_for_the_counts(stats)
        samples_out, recs = read_panel_vcf(out)  # the next stage must read it without error
        assert samples_out == SAMPLES
        assert stats.records_written == len(recs)
        for r in recs:
            assert re.fullmatch("[ACGTN]+", r.ref) and re.fullmatch("[ACGTN]+", r.alt), r
            assert r.ref != r.alt


def _caveats_account_for_the_counts(stats: FilterStats) -> None:
    """Whatever the filter dropped or could not trust is said in a caveat, not only counted."""
    by: dict[str, list[Caveat]] = {}
    for c in stats.caveats:
        assert c.stage == "filter_panel" and c.message and c.severity in ("caution", "note")
        assert Caveat.from_dict(c.to_dict()) == c
        by.setdefault(c.code, []).append(c)
    # symbolic alleles are counted only: the structural-variant stage reads and reports them
    assert not any("symbolic" in code for code in by)
    for count, code in ((stats.skipped_star, "spanning_deletion_alleles_dropped"),):
        assert count == sum(len(c.variants) for c in by.get(code, [])), (code, count)
    assert bool(stats.skipped_ref_blocks) == ("reference_blocks_not_used" in by)
    assert stats.conflicting_duplicates == len(by.get("conflicting_duplicate_record", []))
    assert bool(stats.values_miscounted) == ("per_allele_value_miscounted" in by)
    assert stats.indels_not_left_aligned == sum(len(c.variants)
                                                for c in by.get("indels_not_left_aligned", []))


@FUZZ
@given(header_extra=st.lists(header_line, max_size=3), with_contigs=st.booleans(),
       records=st.lists(vcf_record(), max_size=6),
       mode=st.sampled_from(["plain", "bgzip", "indexed"]))
def test_fuzz_vcf_through_filter_panel(header_extra: list[str], with_contigs: bool,
                                       records: list[str], mode: str) -> None:
    check_filter(header_extra, with_contigs, records, mode)


# --------------------------------------------------------------------------------------------
# PED lines

ped_id = st.sampled_from(["A", "B", "C", "D", "0", "a b", "A/B", "é"])
ped_line = st.one_of(
    st.tuples(st.sampled_from(["F1", "F2"]), ped_id, ped_id, ped_id,
              st.sampled_from(["1", "2", "0", "3", "M", ""]),
              st.sampled_from(["1", "2", "0", "-9", "9", ""])).map("\t".join),
    st.text(max_size=40),
    st.sampled_from(["#header", "", "   ", "F1 A 0 0 1 2 extra"]),
)


@FUZZ
@given(lines=st.lists(ped_line, max_size=8))
def test_fuzz_parse_ped_lines(lines: list[str]) -> None:
    try:
        fams = parse_ped_lines(lines, "fuzz.ped")
    except InputError as e:
        assert "fuzz.ped" in str(e)
        return
    for ped in fams.values():
        for sid in ped.people:
            assert sid not in ped.ancestors(sid)  # loops are refused at load
            ped.generation(sid)
            for parent in ped.parents(sid):
                assert parent is None or parent in ped.people
        try:
            proband = ped.proband()
        except InputError as e:
            assert "no affected person" in str(e)
            assert all(p.affected != "affected" for p in ped.people.values())
        else:
            assert ped.people[proband].affected == "affected"


# --------------------------------------------------------------------------------------------
# Phenotype TSV

tsv_cell = st.one_of(st.sampled_from(["sample_id", "hpo_id", "excluded", "P1", "HP:0011002",
                                      "HP:001100", "hp:0011002", "true", "no", "maybe", ""]),
                     st.text(alphabet="HP:0123abc\" \t", max_size=12))
tsv_line = st.one_of(st.lists(tsv_cell, max_size=4).map("\t".join), st.text(max_size=30))


@FUZZ
@given(lines=st.lists(tsv_line, max_size=6), header=st.booleans(),
       raw=st.one_of(st.none(), st.binary(max_size=40)))
def test_fuzz_load_phenotype_table(lines: list[str], header: bool, raw: bytes | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "phenotypes.tsv"
        if raw is not None:
            p.write_bytes(raw)
        else:
            text = "\n".join((["sample_id\thpo_id\texcluded"] if header else []) + lines)
            p.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            table = load_phenotype_table(p)
        except InputError as e:
            assert str(p) in str(e)
            return
    for sample, terms in table.items():
        assert sample and sample == sample.strip()
        for t in terms:
            assert HPO_ID_RE.match(t.id) and isinstance(t.excluded, bool)


# --------------------------------------------------------------------------------------------
# HGVS around the real MANE models

MODELS: dict[str, Transcript] = load_transcript_models(MANE, "GRCh38")


@pytest.fixture(scope="module")
def alpl_mrna(test_data: Path) -> TranscriptSequences:
    """The real ALPL MANE mRNA (../shared/data), so protein effects are derived too."""
    return TranscriptSequences(test_data / "transcripts" / "NM_000478.6.seq")


_P = r"(?:[-*]?[1-9][0-9]*(?:[+-][1-9][0-9]*)?)"
C_RE = re.compile(rf"^c\.(?:{_P}[ACGTN]>[ACGTN]|{_P}=|{_P}(?:_{_P})?(?:del|dup|delins[ACGTN]+)"
                  rf"|{_P}_{_P}ins[ACGTN]+)$")
P_RE = re.compile(r"^p\.(?:\(.+\)|\?|0|=|\(=\)|.+)$")


@st.composite
def near_models(draw: st.DrawFn) -> tuple[Transcript, int]:
    tx = draw(st.sampled_from(sorted(MODELS.values(), key=lambda t: t.gene)))
    anchors = [tx.start, tx.end, *(x for e in tx.exons for x in e)]
    if tx.cds_start is not None and tx.cds_end is not None:
        anchors += [tx.cds_start, tx.cds_end]
    around = draw(st.sampled_from(anchors)) + draw(st.integers(-12, 12))
    anywhere = draw(st.integers(tx.start - 300, tx.end + 300))
    return tx, draw(st.sampled_from([around, around, anywhere]))


allele = st.one_of(st.text(alphabet="ACGT", max_size=4), st.sampled_from(["", "-", ".", "N"]),
                   st.text(alphabet="ACGT", min_size=5, max_size=40))


@FUZZ
@given(model=near_models(), ref=allele, alt=allele, chr_prefix=st.booleans(),
       use_seq=st.booleans())
def test_fuzz_annotate_transcript(alpl_mrna: TranscriptSequences, model: tuple[Transcript, int],
                                  ref: str, alt: str, chr_prefix: bool, use_seq: bool) -> None:
    tx, p = model
    chrom = ("chr" if chr_prefix else "") + tx.chrom
    seqs = alpl_mrna if use_seq else None
    csq = annotate_transcript(chrom, p, ref, alt, tx, tx_seqs=seqs)
    assert csq.gene == tx.gene and csq.transcript == tx.refseq
    assert csq.consequence
    if csq.hgvs_c is None:
        return
    assert C_RE.match(csq.hgvs_c), csq.hgvs_c
    if csq.hgvs_p is not None:
        assert P_RE.match(csq.hgvs_p), csq.hgvs_p
    r, a = (x.strip(".-") for x in (ref, alt))
    if len(r) == 1 and len(a) == 1 and r != a:
        want = f"c.{genomic_to_c(tx, p)}"
        if any("described against the transcript" in n for n in csq.notes):
            assert csq.hgvs_c.startswith(want)  # REF is not the transcript's base: c. follows it
            return
        want += f"{r}>{a}" if tx.strand == 1 else f"{revcomp(r)}>{revcomp(a)}"
        assert csq.hgvs_c == want


# --------------------------------------------------------------------------------------------
# Crashes found by long runs, replayed on every CI run


def _regressions() -> list[Path]:
    return sorted(p for p in REGRESSIONS.glob("*") if p.suffix in (".vcf", ".ped", ".tsv"))


@pytest.mark.parametrize("case", _regressions(), ids=lambda p: p.name)
def test_fuzz_regressions(case: Path) -> None:
    if case.suffix == ".vcf":
        text = case.read_text(encoding="utf-8")
        lines = text.splitlines()
        header = [ln for ln in lines if ln.startswith("##") and ln not in HEADER_BASE]
        records = [ln for ln in lines if not ln.startswith("#")]
        check_filter(header, False, records, "plain")
    elif case.suffix == ".ped":
        test_fuzz_parse_ped_lines.hypothesis.inner_test(  # type: ignore[attr-defined]
            case.read_text(encoding="utf-8").splitlines())
    else:
        test_fuzz_load_phenotype_table.hypothesis.inner_test(  # type: ignore[attr-defined]
            [], False, case.read_bytes())
