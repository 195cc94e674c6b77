"""Stage classify_variants: JSON in, classification.json out; PM3 two-pass; real ClinVar records."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import stage_docs

from dualdx.core.errors import InputError
from dualdx.core.model import ClinVarAssertion
from dualdx.interpretation.acmg.classify import (
    clinvar_disagreement,
    configured_scores,
    gene_settings,
    run_classify_variants,
)

LOG = logging.getLogger("test_acmg")

# Disease modes of the panel genes (single facts: OMIM entries 259700 TCIRG1 AR; 611490 CLCN7 AR,
# 166600 CLCN7 AD; 259720 OSTM1 AR; 241500 ALPL AR, 146300 ALPL AD).
KNOWLEDGE: dict[str, Any] = {
    "hpo_release": "test",
    "genes": {"TCIRG1": ["OMIM:259700"], "CLCN7": ["OMIM:611490", "OMIM:166600"],
              "OSTM1": ["OMIM:259720"], "ALPL": ["OMIM:241500", "OMIM:146300"]},
    "diseases": {
        "OMIM:259700": {"name": "OPTB1", "genes": ["TCIRG1"], "modes": ["autosomal_recessive"],
                        "terms": []},
        "OMIM:611490": {"name": "OPTB4", "genes": ["CLCN7"], "modes": ["autosomal_recessive"],
                        "terms": []},
        "OMIM:166600": {"name": "ADO2", "genes": ["CLCN7"], "modes": ["autosomal_dominant"],
                        "terms": []},
        "OMIM:259720": {"name": "OPTB5", "genes": ["OSTM1"], "modes": ["autosomal_recessive"],
                        "terms": []},
        "OMIM:241500": {"name": "HPP infantile", "genes": ["ALPL"],
                        "modes": ["autosomal_recessive"], "terms": []},
        "OMIM:146300": {"name": "HPP adult", "genes": ["ALPL"], "modes": ["autosomal_dominant"],
                        "terms": []},
    },
    "terms": {},
}


def consequence(gene: str, csq: str, **kw: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "gene": gene, "transcript": "NM_006019.4", "ensembl_transcript": None,
        "consequence": csq, "hgvs_c": "c.1A>G", "hgvs_p": None,
        "protein_effect_determined": False, "is_mane": True, "exon": None, "intron": None,
        "cds_pos": None, "protein_pos": None, "ref_aa": None, "alt_aa": None,
        "nmd_predicted": None, "last_exon": None, "protein_length_change": None, "notes": [],
    }
    d.update(kw)
    return d


def clinvar(sig: str, stars: int, vid: str = "1") -> dict[str, Any]:
    return ClinVarAssertion(variation_id=vid, significance=sig, review_status="test",
                            stars=stars).to_dict()


def variant(key: str, gene: str, csq: dict[str, Any] | None, cv: dict[str, Any] | None = None,
            gnomad: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    chrom, pos, ref, alt = key.split("-")
    d: dict[str, Any] = {"chrom": chrom, "pos": int(pos), "ref": ref, "alt": alt, "id": None,
                         "qual": None, "filter": None, "calls": {}, "key": key, "gene": gene,
                         "consequence": csq, "other_transcripts_more_severe": [],
                         "clinvar": cv, "clinvar_same_residue": [],
                         "clinvar_same_aa_change": [],
                         "gnomad": gnomad or {"queried": False}, "scores": {}}
    d.update(kw)
    return d


def icall(key: str, gene: str, disease: str, mode: str, label: str | None,
          partner: str | None = None, origin: str = "paternal",
          qualifies: bool = True) -> dict[str, Any]:
    return {"variant": key, "gene": gene, "disease_id": disease, "disease_mode": mode,
            "label": label, "origin": origin, "partner": partner, "qualifies": qualifies,
            "explanation": "test",
            "segregation": {"affected_carriers": 1, "affected_noncarriers": 0,
                            "unaffected_carriers": 0, "unaffected_noncarriers": 0,
                            "informative_meioses": 0}}


def run(tmp: Path, variants: list[dict[str, Any]], calls: list[dict[str, Any]],
        ruleset: str = "acmg2015", panel: str | None = None,
        break_inheritance: Callable[[dict[str, Any]], None] | None = None,
        **kw: Any) -> dict[str, Any]:
    """Write the stage files (completed by ``stage_docs``; ``break_inheritance`` then edits the
    inheritance file, to test the reader's refusal), run classify_variants, return its output."""
    ann = tmp / "annotations.json"
    inh = tmp / "inheritance.json"
    kn = tmp / "knowledge.json"
    out = tmp / "classification.json"
    stage_docs.write("annotations", ann, {"family": "F1", "genome_build": "GRCh38",
                                          "samples": ["P"], "variants": variants})
    diseases = {c["disease_id"] for c in calls}
    inh_doc = stage_docs.complete("inheritance", {
        "family": "F1", "proband": "P", "affected_by_disease": {d: ["P"] for d in diseases},
        "calls": calls})
    if break_inheritance:
        break_inheritance(inh_doc)
    inh.write_text(json.dumps(inh_doc))
    stage_docs.write("knowledge", kn, KNOWLEDGE)
    run_classify_variants(str(ann), str(inh), str(kn), panel or str(_panel()), ruleset,
                          kw.pop("scores", None), str(out), LOG, **kw)
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def _panel() -> Path:
    return Path(__file__).resolve().parents[2] / "resources" / "panels" / "default.tsv"


A = "chr11-68047480-G-A"
B = "chr11-68049080-G-A"


def tcirg1_pair(cv_a: dict[str, Any] | None, cv_b: dict[str, Any] | None,
                csq_a: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]],
                                                              list[dict[str, Any]]]:
    miss = consequence("TCIRG1", "missense_variant")
    variants = [variant(A, "TCIRG1", csq_a or miss, cv_a), variant(B, "TCIRG1", miss, cv_b)]
    calls = [icall(A, "TCIRG1", "OMIM:259700", "autosomal_recessive", "compound_het_trans", B),
             icall(B, "TCIRG1", "OMIM:259700", "autosomal_recessive", "compound_het_trans", A,
                   origin="maternal")]
    return variants, calls


def test_tcirg1_compound_het_each_gets_pm3_from_the_other(tmp_path: Path) -> None:
    variants, calls = tcirg1_pair(clinvar("Pathogenic", 1, "10"), clinvar("Pathogenic", 2, "20"))
    data = run(tmp_path, variants, calls)
    assert data["ruleset"] == "acmg2015"
    assert data["ruleset_version"] == "Richards et al. 2015, PMID 25741868"
    for me, other in ((A, B), (B, A)):
        v = data["variants"][me]
        pm3 = [c for c in v["criteria"] if c["code"] == "PM3"]
        assert len(pm3) == 1
        assert pm3[0]["strength"] == "Moderate" and pm3[0]["label"] == "PM3"
        assert pm3[0]["points"] == 2 and pm3[0]["direction"] == "pathogenic"
        assert other in pm3[0]["evidence"] and "in trans" in pm3[0]["evidence"]
        # gnomAD not queried: population criteria are reported as not evaluated
        assert {"BA1", "BS1", "PM2", "BS2"} <= {n["code"] for n in v["not_evaluated"]}
        assert set(v) == {"acmg_class", "points", "criteria", "not_evaluated",
                          "clinvar_disagreement"}
        assert v["acmg_class"] == "Uncertain significance"  # PM3 alone
        assert v["points"] == 2
        assert v["clinvar_disagreement"] is True  # ClinVar P vs computed VUS: two steps


def test_pm3_from_unreviewed_clinvar_partners_is_supporting_only(tmp_path: Path) -> None:
    # two 0-star ClinVar P variants, computed VUS: each partner counts as LP (0.5 point), so each
    # gets PM3_Supporting, never more; computed classes cannot loop (first pass is without PM3)
    variants, calls = tcirg1_pair(clinvar("Pathogenic", 0), clinvar("Pathogenic", 0))
    data = run(tmp_path, variants, calls)
    for key in (A, B):
        labels = {c["label"] for c in data["variants"][key]["criteria"] if c["code"] == "PM3"}
        assert labels == {"PM3_Supporting"}
        assert data["variants"][key]["acmg_class"] == "Uncertain significance"


def test_pm3_from_partner_computed_class(tmp_path: Path) -> None:
    # A: nonsense, NMD, absent from gnomAD -> PVS1 + PM2_Supporting = 9 points, LP (points);
    # B receives PM3_Supporting (in trans with LP: 0.5 point); A receives nothing from B (VUS)
    nonsense = consequence("TCIRG1", "stop_gained", nmd_predicted=True)
    variants, calls = tcirg1_pair(None, None, csq_a=nonsense)
    absent = {"queried": True, "found": False}
    variants[0]["gnomad"] = absent
    variants[1]["gnomad"] = absent
    data = run(tmp_path, variants, calls, ruleset="clingen_points_2020")
    a, b = data["variants"][A], data["variants"][B]
    assert data["ruleset_version"] == "Tavtigian et al. 2020, PMID 32720330"
    assert [c["label"] for c in a["criteria"]] == ["PVS1", "PM2_Supporting"]
    assert (a["acmg_class"], a["points"]) == ("Likely pathogenic", 9)
    assert [c["label"] for c in b["criteria"]] == ["PM2_Supporting", "PM3_Supporting"]
    assert "computed Likely pathogenic without PM3" in b["criteria"][1]["evidence"]
    assert (b["acmg_class"], b["points"]) == ("Uncertain significance", 2)


DEL = "chr11-68036025-68043201-DEL"


def cnv_files(tmp: Path, cnv_class: str, cv: dict[str, Any] | None) -> dict[str, str]:
    """structural.json and cnv_classification.json with one TCIRG1 deletion."""
    sv, cls = tmp / "structural.json", tmp / "cnv_classification.json"
    event = stage_docs.cnv_event("chr11", 68036026, 68043201, "TCIRG1",
                                 {"P": {"status": "carrier", "copies": 1}}, clinvar=cv)
    assert event["key"] == DEL
    stage_docs.write("structural", sv, {"events": [event]})
    stage_docs.write("cnv_classification", cls,
                     {"variants": {DEL: {"acmg_class": cnv_class, "points": 0.9}}})
    return {"structural_json": str(sv), "cnv_classification_json": str(cls)}


def test_pm3_counts_a_copy_number_partner(tmp_path: Path) -> None:
    """An SNV in trans with a deletion: PM3 from the deletion's ClinGen/ACMG CNV class (LP: 0.5
    point, Supporting), or from the ClinVar record matched to it (P, 1 star: 1 point)."""
    snv = variant(B, "TCIRG1", consequence("TCIRG1", "missense_variant"))
    calls = [icall(B, "TCIRG1", "OMIM:259700", "autosomal_recessive", "compound_het_trans", DEL)]
    without = run(tmp_path, [snv], calls)["variants"][B]
    assert "PM3" not in {c["code"] for c in without["criteria"]}
    lp = run(tmp_path, [snv], calls, **cnv_files(tmp_path, "Likely pathogenic", None))
    (pm3,) = [c for c in lp["variants"][B]["criteria"] if c["code"] == "PM3"]
    assert pm3["label"] == "PM3_Supporting"
    assert f"in trans with {DEL} (computed Likely pathogenic by the ClinGen/ACMG CNV " \
        "points; 0.5 point)" in pm3["evidence"]
    p = run(tmp_path, [snv], calls, **cnv_files(tmp_path, "Uncertain significance",
                                                clinvar("Pathogenic", 1, "99")))
    (pm3,) = [c for c in p["variants"][B]["criteria"] if c["code"] == "PM3"]
    assert pm3["label"] == "PM3" and "ClinVar Pathogenic (1★)" in pm3["evidence"]


def test_criteria_sorted_pathogenic_first_then_strength(tmp_path: Path) -> None:
    nonsense = consequence("TCIRG1", "stop_gained", nmd_predicted=True)
    v = variant(A, "TCIRG1", nonsense, gnomad={"queried": True, "found": True, "af": 0.003,
                                                "popmax_af": 0.008, "nhomalt": 0})
    data = run(tmp_path, [v], [icall(A, "TCIRG1", "OMIM:259700", "autosomal_recessive",
                                     "recessive_homozygous", origin="biparental")])
    labels = [c["label"] for c in data["variants"][A]["criteria"]]
    assert labels == ["PVS1", "PM3_Supporting", "BS1"]


def test_scores_and_pp4_passed_through(tmp_path: Path) -> None:
    table = tmp_path / "scores.tsv"
    table.write_text("chrom\tpos\tref\talt\trevel\tspliceai\n11\t68047480\tG\tA\t0.95\t0.01\n")
    miss = consequence("TCIRG1", "missense_variant")
    v = variant(A, "TCIRG1", miss, scores={"revel": 0.95, "spliceai": 0.01})
    data = run(tmp_path, [v], [icall(A, "TCIRG1", "OMIM:259700", "autosomal_recessive",
                                     "carrier", qualifies=False)],
               scores={"path": str(table)}, pp4_specific={"TCIRG1": "MIOP is the top match"})
    crit = {c["label"]: c for c in data["variants"][A]["criteria"]}
    assert set(crit) == {"PP3_Strong", "PP4"}
    assert "REVEL 0.950" in crit["PP3_Strong"]["evidence"]
    assert crit["PP4"]["evidence"] == "MIOP is the top match"
    codes = {n["code"] for n in data["variants"][A]["not_evaluated"]}
    assert "PP3" not in codes and "PP4" not in codes


def test_configured_scores() -> None:
    assert configured_scores(None) is None
    assert configured_scores({"revel": "REVEL v1.3"}) == {"revel": "REVEL v1.3"}
    with pytest.raises(InputError, match="score table not readable"):
        configured_scores({"path": "/nonexistent/scores.tsv"})


def test_clinvar_disagreement_rule() -> None:
    def cv(sig: str) -> ClinVarAssertion:
        return ClinVarAssertion("1", sig, "x", 1)

    assert clinvar_disagreement("Pathogenic", cv("Uncertain significance"))
    assert clinvar_disagreement("Likely pathogenic", cv("Likely benign"))
    assert clinvar_disagreement("Uncertain significance", cv("Pathogenic/Likely pathogenic"))
    assert not clinvar_disagreement("Likely pathogenic", cv("Pathogenic"))
    assert not clinvar_disagreement("Uncertain significance", cv("Likely pathogenic"))
    assert not clinvar_disagreement("Benign", cv("Benign/Likely benign"))
    assert not clinvar_disagreement("Pathogenic", cv("Conflicting interpretations of "
                                                     "pathogenicity"))
    assert not clinvar_disagreement("Pathogenic", None)


def test_panel_bs2_nhomalt_column(tmp_path: Path) -> None:
    lines = _panel().read_text().splitlines()
    rows = [ln for ln in lines if ln and not ln.startswith("#")]
    out = [rows[0] + "\tbs2_nhomalt"] + [r + ("\t5" if r.startswith("TCIRG1") else "\t")
                                         for r in rows[1:]]
    p = tmp_path / "panel.tsv"
    p.write_text("\n".join(out) + "\n")
    s = gene_settings(str(p))
    assert s["TCIRG1"].bs2_nhomalt == 5 and s["ALPL"].bs2_nhomalt == 2
    assert gene_settings(str(_panel()))["TCIRG1"].bs2_nhomalt == 2
    p.write_text("\n".join([out[0], out[1].rsplit("\t", 1)[0] + "\tmany", *out[2:]]) + "\n")
    with pytest.raises(InputError, match="bs2_nhomalt"):
        gene_settings(str(p))


def test_bad_inputs_raise_input_error(tmp_path: Path) -> None:
    variants, calls = tcirg1_pair(None, None)
    with pytest.raises(InputError, match="rule set"):
        run(tmp_path, variants, calls, ruleset="acmg2099")
    bad_gene = [variant(A, "BRCA1", None)]
    with pytest.raises(InputError, match="BRCA1"):
        run(tmp_path, bad_gene, [])
    with pytest.raises(InputError, match=r"inheritance.json does not match its schema.*"
                                         r"\$\.calls\[0\]: \"disease_id\" is a required"):
        run(tmp_path, variants, calls,
            break_inheritance=lambda doc: doc["calls"][0].pop("disease_id"))
    ann = tmp_path / "bad.json"
    ann.write_text("{not json")
    with pytest.raises(InputError, match="not readable JSON"):
        run_classify_variants(str(ann), str(ann), str(ann), str(_panel()), "acmg2015", None,
                              str(tmp_path / "o.json"), LOG)
    assert not (tmp_path / "o.json").exists()


# ------------------------------------------------------------------------------ real ClinVar


def _clinvar_records(path: Path) -> list[dict[str, Any]]:
    out = []
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            continue
        f = line.split("\t")
        info = dict(x.split("=", 1) for x in f[7].split(";") if "=" in x)
        out.append({"chrom": f[0], "pos": int(f[1]), "id": f[2], "ref": f[3], "alt": f[4],
                    "sig": info["CLNSIG"].replace("_", " "),
                    "revstat": info["CLNREVSTAT"].replace("_", " "),
                    "gene": info["GENEINFO"].split(":")[0]})
    return out


_STARS = {"no assertion criteria provided": 0, "criteria provided, single submitter": 1,
          "criteria provided, multiple submitters, no conflicts": 2,
          "reviewed by expert panel": 3, "practice guideline": 4}


def test_real_clinvar_records_never_flip_direction(test_data: Path, repo: Path,
                                                   tmp_path: Path) -> None:
    """Each 2016-09 ClinVar record of the panel genes as a heterozygous variant in a singleton
    without gnomAD: no ClinVar-benign record is computed P/LP and no ClinVar-pathogenic record
    B/LB. Consequences come from dualdx.annotation.consequence (ALPL with its real mRNA; other genes without
    sequence, so their SNVs have no protein effect). Same-residue lists come from the other
    records of the file; the record's own assertion is never used."""
    from dualdx.annotation.consequence import annotate_transcript
    from dualdx.knowledge.sequence import TranscriptSequences
    from dualdx.knowledge.transcripts import load_transcript_models

    tx_path = repo / "resources" / "transcripts" / "mane_select.GRCh38.tsv"
    models = load_transcript_models(tx_path, "GRCh38")
    seqs = TranscriptSequences(test_data / "transcripts" / "NM_000478.6.seq")
    recs = _clinvar_records(
        test_data / "clinvar" / "clinvar_2016-09_GRCh38_panel.ncbi-keys.derived.vcf")
    assert len(recs) == 73
    variants = []
    for r in recs:
        tc = annotate_transcript(r["chrom"], r["pos"], r["ref"], r["alt"], models[r["gene"]],
                                 tx_seqs=seqs)
        r["key"] = f"{r['chrom']}-{r['pos']}-{r['ref']}-{r['alt']}"
        r["tc"] = tc
        cv = ClinVarAssertion(r["id"], r["sig"], r["revstat"], _STARS[r["revstat"]]).to_dict()
        variants.append(variant(r["key"], r["gene"], tc.to_dict(), cv))
    # same residue / same amino-acid change from the other records (missense only)
    for v, r in zip(variants, recs, strict=True):
        tc = r["tc"]
        if "missense_variant" not in tc.consequence or tc.protein_pos is None:
            continue
        for o in recs:
            otc = o["tc"]
            if (o is r or o["gene"] != r["gene"] or otc.protein_pos != tc.protein_pos
                    or "missense_variant" not in otc.consequence):
                continue
            item = {"variation_id": o["id"], "hgvs_p": otc.hgvs_p, "significance": o["sig"],
                    "stars": _STARS[o["revstat"]], "key": o["key"]}
            lst = "clinvar_same_aa_change" if otc.alt_aa == tc.alt_aa else "clinvar_same_residue"
            v[lst].append(item)
    calls = []
    for r in recs:
        for d in KNOWLEDGE["genes"][r["gene"]]:
            mode = KNOWLEDGE["diseases"][d]["modes"][0]
            ar = mode == "autosomal_recessive"
            calls.append(icall(r["key"], r["gene"], d, mode, "carrier" if ar else "dominant",
                               origin="unknown", qualifies=not ar))
    seen_codes: set[str] = set()
    for ruleset in ("acmg2015", "clingen_points_2020"):
        data = run(tmp_path, variants, calls, ruleset=ruleset,
                   transcripts_path=str(tx_path))
        assert set(data["variants"]) == {r["key"] for r in recs}
        for r in recs:
            got = data["variants"][r["key"]]
            seen_codes |= {c["label"] for c in got["criteria"]}
            sig = r["sig"].lower()
            if sig in ("benign", "likely benign"):
                assert got["acmg_class"] not in ("Pathogenic", "Likely pathogenic"), (r, got)
            if sig.startswith("pathogenic") or sig == "likely pathogenic":
                assert got["acmg_class"] not in ("Benign", "Likely benign"), (r, got)
            assert not any(c["code"] in ("PP5", "BP6") for c in got["criteria"])
    # the run did apply evidence (the test would be vacuous otherwise)
    assert {"PVS1", "PS1", "PM5", "BP7"} & seen_codes
    splice = next(r for r in recs if r["tc"].consequence == "splice_acceptor_variant")
    pvs1 = [c for c in data["variants"][splice["key"]]["criteria"] if c["code"] == "PVS1"]
    assert pvs1 and "-nt exon" in pvs1[0]["evidence"]  # exon length from the MANE model
