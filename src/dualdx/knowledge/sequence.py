"""Reference sequences: an indexed genome FASTA and RefSeq transcript (mRNA) sequences."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from pathlib import Path

from dualdx.core.errors import InputError
from dualdx.core.genome import parse_slice_name
from dualdx.core.model import normalize_chrom
from dualdx.knowledge.transcripts import Transcript

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")
_SEQ_OK = re.compile(r"^[ACGTNacgtnRYKMSWBDHVryk mswbdhv]*$")


def revcomp(seq: str) -> str:
    """Reverse complement (A/C/G/T/N; case kept)."""
    return seq.translate(_COMPLEMENT)[::-1]


class GenomeSequence:
    """Indexed FASTA (``.fai``; bgzipped with ``.gzi`` also works) read through pysam.

    Contigs may be named ``chr1`` or ``1`` in the file; either spelling is accepted by ``fetch``.
    A file whose every record is named ``chrom:start-end`` (1-based closed; the panel-region
    slices written by ``dualdx.knowledge.reference_slices.fetch_fasta_slices``) is read as those
    intervals of the genome: ``fetch`` maps genome coordinates into the slice holding them and
    raises InputError for an interval outside every slice.
    """

    def __init__(self, fasta_path: str | Path) -> None:
        # here, not at module level (it imports pysam): the report stages import this
        # module's helpers
        from dualdx.inputs.normalize import open_indexed_fasta

        p = Path(fasta_path)
        self._fa = open_indexed_fasta(p, "set 'reference_fasta' to an existing FASTA file")
        self.path = str(p)
        self._names: dict[str, str] = {}
        for name in self._fa.references:
            self._names[name] = name
            bare = name[3:] if name.lower().startswith("chr") else name
            self._names.setdefault(bare, name)
            self._names.setdefault("chr" + bare, name)
            if bare in ("M", "MT"):
                for alias in ("M", "MT", "chrM", "chrMT"):
                    self._names.setdefault(alias, name)
        self._mrna: dict[tuple[str, str, tuple[tuple[int, int], ...]], str] = {}
        # slice FASTA: normalized chrom -> [(start, end, record name)]
        self._slices: dict[str, list[tuple[int, int, str]]] | None = _slice_table(
            self._fa.references)
        if self._slices is not None:
            for name, length in zip(self._fa.references, self._fa.lengths, strict=True):
                sl = parse_slice_name(name)
                assert sl is not None
                if length != sl[2] - sl[1] + 1:
                    raise InputError(p, f"slice {name} holds {length} bases, not the "
                                     f"{sl[2] - sl[1] + 1} its name says",
                                     "re-run download_resources for this panel",
                                     where=f"record {name}")

    @property
    def is_slices(self) -> bool:
        """True when the file holds panel-region slices (records named chrom:start-end)."""
        return self._slices is not None

    def has_contig(self, chrom: str) -> bool:
        if self._slices is not None:
            return normalize_chrom(chrom) in self._slices
        return chrom in self._names

    def fetch(self, chrom: str, start: int, end: int) -> str:
        """Bases ``start..end`` (1-based closed), uppercase; shorter at the contig end."""
        if self._slices is not None:
            return self._fetch_slice(chrom, start, end)
        name = self._names.get(chrom)
        if name is None:
            raise InputError(self.path, f"contig {chrom!r} is not in the reference FASTA",
                             "use the FASTA of the genome build the VCF was called on")
        if end < start:
            return ""
        return str(self._fa.fetch(name, max(0, start - 1), end)).upper()

    def _fetch_slice(self, chrom: str, start: int, end: int) -> str:
        assert self._slices is not None
        if end < start:
            return ""
        start = max(1, start)
        slices = self._slices.get(normalize_chrom(chrom), [])
        for s_start, s_end, name in slices:
            if s_start <= start and end <= s_end:
                return str(self._fa.fetch(name, start - s_start, end - s_start + 1)).upper()
        held = ", ".join(name for _, _, name in slices) or "none on this chromosome"
        raise InputError(self.path, f"interval {chrom}:{start}-{end} is not in the panel slices "
                         f"of {self.path} (slices held: {held})",
                         "re-run download_resources for this panel (or give a full-genome "
                         "FASTA as 'reference_fasta')")

    def mrna(self, tx: Transcript) -> str:
        """Spliced transcript sequence (5'->3') built from the exons; cached per transcript."""
        key = (tx.refseq, tx.chrom, tx.exons)
        seq = self._mrna.get(key)
        if seq is None:
            parts = [self.fetch(tx.chrom, s, e) for s, e in tx.exons]
            seq = "".join(parts) if tx.strand == 1 else "".join(revcomp(p) for p in parts)
            self._mrna[key] = seq
        return seq

    def close(self) -> None:
        self._fa.close()


def _slice_table(names: Iterable[str]) -> dict[str, list[tuple[int, int, str]]] | None:
    """Slices by normalized chrom when every record is named chrom:start-end, else None."""
    table: dict[str, list[tuple[int, int, str]]] = {}
    any_name = False
    for name in names:
        any_name = True
        sl = parse_slice_name(name)
        if sl is None:
            return None
        table.setdefault(normalize_chrom(sl[0]), []).append((sl[1], sl[2], name))
    if not any_name:
        return None
    for v in table.values():
        v.sort()
    return table


class TranscriptSequences:
    """RefSeq mRNA sequences by accession.version.

    Reads a FASTA (plain or gzip; header ``>NM_000478.6 ...`` or ``>ref|NM_000478.6|...``) or a
    file holding one raw sequence (no ``>`` line), whose accession is the file name without its
    last suffix (``NM_000478.6.seq`` -> ``NM_000478.6``). ``only`` limits what is kept in memory.
    """

    def __init__(self, path: str | Path, only: Iterable[str] | None = None) -> None:
        p = Path(path)
        if not p.is_file():
            raise InputError(p, "transcript sequence file not found",
                             "set 'transcript_fasta' to a RefSeq mRNA FASTA")
        self.path = str(p)
        keep = set(only) if only is not None else None
        opener = gzip.open if p.suffix == ".gz" else open
        try:
            with opener(p, "rt", encoding="ascii") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(p, f"cannot read as text ({e})",
                             "give a FASTA or raw-sequence file (gzip allowed)") from None
        self._seqs: dict[str, str] = {}
        if text.lstrip().startswith(">"):
            self._parse_fasta(p, text, keep)
        else:
            seq = "".join(text.split())
            if not seq or not _SEQ_OK.match(seq):
                raise InputError(p, "neither FASTA ('>' header) nor a plain nucleotide sequence",
                                 "give a FASTA of RefSeq mRNAs or one raw sequence")
            acc = p.name[:-3] if p.name.endswith(".gz") else p.name
            acc = acc.rsplit(".", 1)[0] if acc.count(".") >= 2 else acc
            if keep is None or acc in keep:
                self._seqs[acc] = seq.upper()

    def _parse_fasta(self, p: Path, text: str, keep: set[str] | None) -> None:
        acc: str | None = None
        chunks: list[str] = []
        lineno_of_header = 0

        def flush() -> None:
            if acc is not None and (keep is None or acc in keep):
                seq = "".join(chunks).upper()
                if not _SEQ_OK.match(seq):
                    raise InputError(p, f"sequence of {acc} has non-nucleotide characters",
                                     "give nucleotide FASTA", where=f"line {lineno_of_header}")
                self._seqs[acc] = seq

        for i, line in enumerate(text.splitlines(), 1):
            if line.startswith(">"):
                flush()
                chunks = []
                lineno_of_header = i
                acc = _accession(line[1:])
                if not acc:
                    raise InputError(p, "FASTA header without an accession",
                                     "start each header with the accession.version",
                                     where=f"line {i}")
            elif line.strip():
                if acc is None:
                    raise InputError(p, "sequence before the first '>' header",
                                     "start the file with a '>' header line", where=f"line {i}")
                chunks.append(line.strip())
        flush()

    def get(self, accession: str) -> str | None:
        """mRNA sequence (uppercase) of ``accession`` (with version); None when absent."""
        return self._seqs.get(accession)

    def __contains__(self, accession: object) -> bool:
        return accession in self._seqs

    def __len__(self) -> int:
        return len(self._seqs)


def _accession(header: str) -> str:
    tok = header.split()[0] if header.split() else ""
    if "|" in tok:
        parts = [x for x in tok.split("|") if x]
        for x in parts:
            if re.match(r"^[NX][MR]_\d+\.\d+$", x):
                return x
        return parts[-1] if parts else ""
    return tok
