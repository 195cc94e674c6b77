"""The candidacy rule (can a variant cause disease?), pinned at its owner
dualdx.interpretation.candidacy: a splice-region change outside the canonical sites needs splice
evidence (issue 13 item 4)."""

from __future__ import annotations

from typing import Any

import pytest

from dualdx.interpretation.candidacy import assess, assess_variant


@pytest.mark.parametrize(("csq", "sig", "scores", "ok", "reason"), [
    ("missense_variant", None, None, True, "protein_or_canonical_splice"),
    ("splice_acceptor_variant", None, None, True, "protein_or_canonical_splice"),
    ("coding_sequence_variant", None, None, True, "protein_or_canonical_splice"),
    ("stop_gained&splice_region_variant", None, None, True, "protein_or_canonical_splice"),
    ("splice_region_variant&intron_variant", None, None, False,
     "splice_region_without_splice_evidence"),
    ("splice_region_variant&synonymous_variant", None, {"spliceai": 0.05}, False,
     "splice_region_spliceai_low"),
    ("splice_donor_5th_base_variant&intron_variant", None, {"spliceai": 0.35}, True,
     "splice_evidence"),
    ("splice_region_variant", None, {"spliceai": 0.2}, True, "splice_evidence"),
    ("intron_variant", None, None, False, "not_protein_or_splice"),
    ("synonymous_variant", None, {"spliceai": 0.9}, False, "not_protein_or_splice"),
    ("3_prime_UTR_variant", None, None, False, "not_protein_or_splice"),
    (None, None, None, False, "no_consequence"),
    ("intron_variant", "Pathogenic", None, True, "clinvar_plp"),
    ("intron_variant", "Likely_pathogenic,_low_penetrance", None, True, "clinvar_plp"),
    ("intron_variant", "Conflicting interpretations of pathogenicity", None, False,
     "not_protein_or_splice"),
])
def test_assess(csq: str | None, sig: str | None, scores: dict[str, Any] | None, ok: bool,
                reason: str) -> None:
    c = assess(csq, sig, scores)
    assert (c.candidate, c.reason) == (ok, reason)


def test_assess_variant_reads_annotations_json() -> None:
    v = {"consequence": {"consequence": "splice_region_variant&intron_variant"},
         "clinvar": None, "scores": {"spliceai": 0.6}}
    assert assess_variant(v).candidate
    assert not assess_variant({**v, "scores": {}}).candidate
    assert not assess_variant({"consequence": None}).candidate
