"""The first screen: the result headline, the interpretive summary and the diagnosis cards, all
generated from report.json (no sentence is written for one family).

Status words follow the evidence: a diagnosis confirmed through a reviewed ClinVar assertion
while the computed class is VUS says so; a candidate says which allele or which missing fact
keeps it a candidate; a compound heterozygote's card lists each allele with its own class."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dualdx.interpretation.cnv_report import short_name
from dualdx.interpretation.relatives import (
    diagnosis_order,
    disease_display_name,
    mode_words,
)
from dualdx.interpretation.zygosity import is_one_word
from dualdx.report.evidence import (
    class_rank,
    clinvar_view,
    get_list,
    variant_index,
    variant_names,
)
from dualdx.report.svg import DIAGNOSIS_FILLS, letter
from dualdx.report.words import (
    LABEL_WORDS,
    ORIGIN_WORDS,
    STATUS_WORDS,
    class_slug,
    flag_words,
    join_words,
    plural,
    points_words,
    sci,
)

PLP = ("Pathogenic", "Likely pathogenic")


def lower_first(text: str) -> str:
    """'Low alkaline phosphatase' → 'low alkaline phosphatase' (acronyms kept: 'HbA1c')."""
    return text[:1].lower() + text[1:] if len(text) > 1 and text[1:2].islower() else text


def caveats(report: Mapping[str, Any], key: str = "warnings") -> list[dict[str, str]]:
    """Caveat objects (``dualdx.core.caveats.Caveat.to_dict``) or, in older reports, strings."""
    out = []
    for w in get_list(report, key):
        if isinstance(w, Mapping):
            out.append({"message": str(w.get("message") or w.get("code") or ""),
                        "severity": "note" if w.get("severity") == "note" else "caution",
                        "code": str(w.get("code") or "")})
        elif w:
            out.append({"message": str(w), "severity": "caution", "code": ""})
    return out


def assessment_view(report: Mapping[str, Any]) -> dict[str, Any]:
    a = report.get("assessment")
    status = str((report.get("dual_diagnosis") or {}).get("status") or "none")
    if not isinstance(a, Mapping):
        return {"status": "not_assessable" if status == "not_assessable" else "assessable",
                "reason": "", "not_assessed": []}
    genes = [{"gene": str(g.get("gene")), "why": str(g.get("why") or "no reason given")}
             for g in a.get("genes") or [] if isinstance(g, Mapping) and not g.get("assessed", True)]
    return {"status": str(a.get("status") or "assessable"), "reason": str(a.get("reason") or ""),
            "not_assessed": genes}


def _tier_flags(v: Mapping[str, Any], dx: Mapping[str, Any]) -> set[str]:
    key = str(v.get("key"))
    out = {str(f) for f in get_list(v, "tier_flags")}
    out |= {str(f).partition(":")[0] for f in get_list(dx, "flags") if str(f).endswith(":" + key)}
    return out


def _criteria_list(v: Mapping[str, Any]) -> str:
    cnv = v.get("cnv")
    if isinstance(cnv, Mapping):  # cnv hook: the ClinGen/ACMG CNV sections that scored
        cls = cnv.get("classification") or {}
        scored = [f"{c.get('code')} {float(c.get('points') or 0):+.2f}"
                  for c in cls.get("criteria") or [] if float(c.get("points") or 0)]
        return (f"{float(cls.get('points') or 0):.2f} CNV points"
                + (f" ({', '.join(scored)})" if scored else ""))
    labels = [str(c.get("label") or c.get("code")) for c in get_list(v, "acmg_criteria")]
    return ", ".join(labels) if labels else "no criterion met"


def _copy_number_reading(v: Mapping[str, Any], proband: str) -> str:
    """'called 1/1 over the deletion: apparent homozygosity' when the proband's call at a small
    variant was read with the copy number (cnv hook; the reading is the inheritance stage's)."""
    g = (v.get("genotypes") or {}).get(proband)
    if not isinstance(g, Mapping) or not g.get("called_gt"):
        return ""
    called = str(g["called_gt"])
    if called.replace("|", "/") == "1/1" and str(g.get("gt", "")).startswith("1/"):
        return f"called {called} over the other allele's deletion: apparent homozygosity"
    return f"called {called}, read as {g.get('gt')} with the copy number"


def allele_views(dx: Mapping[str, Any], report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each allele of a diagnosis: name, origin, computed class and ClinVar, and how it counts."""
    vidx = variant_index(report)
    out = []
    for key in (str(k) for k in get_list(dx, "variants")):
        v = vidx.get(key)
        if v is None:
            continue
        det: Mapping[str, Any] = next(
            (d for d in get_list(v, "inheritance_detail")
             if d.get("disease_id") == dx.get("disease_id") and d.get("origin")), {})
        flags = _tier_flags(v, dx)
        cv = clinvar_view(v, report)
        counts = ("counted as pathogenic through ClinVar" if "clinvar_plp_over_vus" in flags else
                  "of uncertain significance" if v.get("acmg_class") not in PLP else
                  "pathogenic" if v.get("acmg_class") == "Pathogenic" else "likely pathogenic")
        out.append({
            "key": key, "hgvs_c": str(v.get("hgvs_c") or key),
            # cnv hook: what a copy-number variant removes or repeats, in words
            "cnv": short_name(v["cnv"]) if isinstance(v.get("cnv"), Mapping) else "",
            "reading": _copy_number_reading(v, str(report.get("proband") or "")),
            "hgvs_p": str(v.get("hgvs_p") or ""),
            "origin": ORIGIN_WORDS.get(str(det.get("origin")), "origin not determined"),
            "acmg_class": str(v.get("acmg_class") or "not classified"),
            "class_slug": class_slug(v.get("acmg_class")),
            "points": points_words(v.get("acmg_points")), "criteria": _criteria_list(v),
            "clinvar": cv, "counts_as": counts,
        })
    return out


def status_sentence(dx: Mapping[str, Any], report: Mapping[str, Any]) -> str:
    """Why the diagnosis is confirmed or a candidate, in words that agree with the evidence."""
    vidx = variant_index(report)
    names = variant_names(report)
    label = LABEL_WORDS.get(str(dx.get("label") or ""), "")
    mode = mode_words(str(dx.get("inheritance_mode") or ""))
    flags = [str(f) for f in get_list(dx, "flags")]
    alleles = [vidx[k] for k in (str(x) for x in get_list(dx, "variants")) if k in vidx]
    if dx.get("status") == "confirmed":
        over = [v for v in alleles if "clinvar_plp_over_vus" in _tier_flags(v, dx)]
        head = (f"Confirmed: the genotype ({label}) fits the {mode} inheritance of the disease"
                if label else f"Confirmed: the genotype fits the {mode} inheritance of the disease")
        if not over:
            return head + ", and every variant is classified pathogenic or likely pathogenic."
        parts = []
        for v in over:
            cv = clinvar_view(v, report)
            parts.append(f"{names[str(v.get('key'))]} counts as pathogenic through its ClinVar "
                         f"{cv.get('significance', '')} assertion ({cv.get('star_words', '')}, "
                         f"{cv.get('review_status', '')}); the criteria evaluated here reach only "
                         f"{str(v.get('acmg_class') or '').lower()} ({_criteria_list(v)})")
        return head + "; " + "; ".join(parts) + "."
    reasons = []
    for v in alleles:
        if v.get("acmg_class") in PLP or "clinvar_plp_over_vus" in _tier_flags(v, dx):
            continue
        r = f"{names[str(v.get('key'))]} is of uncertain significance ({_criteria_list(v)})"
        cv = clinvar_view(v, report)
        if cv.get("present") and cv.get("slug") in ("p", "lp") and not cv.get("star_count"):
            r += (f"; its ClinVar {cv['significance']} assertion has no review stars and is not "
                  "counted")
        reasons.append(r)
    if "phase_unknown" in flags:
        reasons.append("the two variants' phase is unknown: whether they lie on different copies "
                       "of the gene was not determined")
    other = [flag_words(f, names) for f in flags
             if f.partition(":")[0] not in ("vus", "phase_unknown", "clinvar_plp_over_vus")]
    reasons += other
    return "Candidate: " + ("; ".join(reasons) if reasons else "not every requirement of a "
                            "confirmed diagnosis is met") + "."


def diagnosis_views(report: Mapping[str, Any], present_terms: int) -> list[dict[str, Any]]:
    """One card per reported diagnosis in report order (A, B, …)."""
    from dualdx.report.matrix import explained_sets

    vidx = variant_index(report)
    explained = explained_sets(report)
    diseases = get_list(report, "diseases")
    out: list[dict[str, Any]] = []
    for i, dx in enumerate(diagnosis_order(report)):
        did = str(dx.get("disease_id", ""))
        keys = [str(k) for k in get_list(dx, "variants")]
        weakest = max((vidx[k] for k in keys if k in vidx), key=class_rank, default=None)
        label = str(dx.get("label") or dx.get("zygosity") or "")
        catalogue = str(dx.get("disease_name") or did)
        name = disease_display_name(dx, diseases)
        alternatives = [f"{a.get('disease_name')} ({a.get('disease_id')})"
                        for a in get_list(dx, "alternatives") if isinstance(a, Mapping)]
        out.append({
            "letter": letter(i),
            "fill": DIAGNOSIS_FILLS[i][1] if i < len(DIAGNOSIS_FILLS) else "not drawn",
            "disease_id": did, "disease_name": name,
            "catalogue": catalogue if catalogue != name else "",
            "gene": str(dx.get("gene") or ""),
            "moi": mode_words(str(dx.get("inheritance_mode") or "")),
            "mode": str(dx.get("inheritance_mode") or ""),
            "status": str(dx.get("status") or "candidate"),
            "status_sentence": status_sentence(dx, report),
            "genotype": LABEL_WORDS.get(label, label.replace("_", " ")) or "genotype not given",
            "alleles": allele_views(dx, report),
            "class": str(weakest.get("acmg_class")) if weakest else "no classified variant",
            "class_slug": class_slug(weakest.get("acmg_class")) if weakest else "unk",
            "fit": f"{len(explained.get(did, set()))} of {present_terms}",
            "cautions": caveats(dx, "cautions"),
            "alternatives": alternatives,
            "keys": keys,
        })
    return out


# --------------------------------------------------------------------------- headline


def _dx_phrase(d: Mapping[str, Any]) -> str:
    return f"{d['disease_name']} ({d['gene']}, {d['moi']})"


def headline(report: Mapping[str, Any], cards: Sequence[Mapping[str, Any]],
             assessment: Mapping[str, Any]) -> dict[str, str]:
    """The result in plain words: title (status) and one sentence."""
    dual = report.get("dual_diagnosis") or {}
    status = str(dual.get("status") or "none")
    genes = [str(g) for g in (report.get("panel") or {}).get("genes") or []]
    title = STATUS_WORDS.get(status, status.replace("_", " "))
    if status == "not_assessable" or assessment.get("status") == "not_assessable":
        why = assessment.get("reason") or str(dual.get("reason") or "")
        return {"status": "not_assessable", "title": STATUS_WORDS["not_assessable"],
                "sentence": (f"{why[:1].upper()}{why[1:]}" if why else
                             "The panel genes could not be assessed for this proband")
                + ". This is not a negative result."}
    if not cards:
        return {"status": "none", "title": title,
                "sentence": f"No genotype in the {plural(len(genes), 'panel gene')} fits a disease of "
                "those genes. This does not exclude a genetic cause: see what was not checked."}
    named = {d["disease_id"]: d for d in cards}
    pair = [named[x] for x in (str(y) for y in dual.get("diagnoses") or []) if x in named] or [cards[0]]
    if status == "dual":
        sentence = (f"{_dx_phrase(pair[0])} and {_dx_phrase(pair[1])}, both confirmed, together "
                    "explain the proband's features." if len(pair) > 1 else _dx_phrase(pair[0]))
    elif status == "possible_dual" and len(pair) > 1:
        sentence = (f"{_dx_phrase(pair[0])}, {pair[0]['status']}, and {_dx_phrase(pair[1])}, "
                    f"{pair[1]['status']}; together they explain the proband's features, but the "
                    "evidence for a candidate needs review before both can be reported as confirmed."
                    if any(p["status"] != "confirmed" for p in pair) else
                    f"{_dx_phrase(pair[0])} and {_dx_phrase(pair[1])}; whether both are needed to "
                    "explain the features was not determined.")
    else:
        sentence = f"{_dx_phrase(pair[0])}, {pair[0]['status']}."
        overlap = dual.get("overlap")
        if status == "single" and overlap and overlap["b"] in named:
            sentence += (f" The {overlap['b_gene']} genotype for {_dx_phrase(named[overlap['b']])} "
                         "is confirmed too; the HPO terms cannot show whether it contributes "
                         "beyond the first (see the interpretation).")
    return {"status": status, "title": title, "sentence": sentence}


# --------------------------------------------------------------------------- interpretation


def _term_names(report: Mapping[str, Any]) -> dict[str, str]:
    out = {str(t.get("id")): str(t.get("name")) for t in
           get_list(report.get("phenotype_matrix") or {}, "terms")}
    for s in get_list(report, "samples"):
        for t in get_list(s, "phenotypes"):
            out.setdefault(str(t.get("id")), str(t.get("name")))
    return out


def _features(ids: Sequence[str], names: Mapping[str, str], limit: int = 6) -> str:
    words = [lower_first(names.get(i, i)) for i in ids]
    if len(words) > limit:
        return ", ".join(words[:limit]) + f" and {len(words) - limit} more"
    return join_words(words)


def _unbracket(text: str) -> str:
    """``"de novo (in neither parent)"`` -> ``"de novo, in neither parent"`` (for use inside
    parentheses); text without a trailing parenthesis is returned as it is."""
    head, sep, tail = text.partition(" (")
    return f"{head}, {tail[:-1]}" if sep and tail.endswith(")") else text


def _genotype_phrase(dx: Mapping[str, Any], card: Mapping[str, Any]) -> str:
    alleles = card["alleles"]
    gene = card["gene"]
    label = str(dx.get("label") or dx.get("zygosity") or "")
    # inside parentheses an origin's own "(...)" becomes ", ..." ("de novo, in neither parent")
    parts = [f"{a['hgvs_c']}{', a ' + a['cnv'] if a.get('cnv') else ''} "
             f"({_unbracket(str(a['origin']))}"
             f"{'; ' + a['reading'] if a.get('reading') else ''})" for a in alleles]
    if len(alleles) == 2 and (label.startswith("compound_het") or "compound" in label):
        phase = ("in trans" if label == "compound_het_trans" else
                 "phase unknown" if label == "compound_het_unknown_phase" else "")
        return (f"compound heterozygous for two {gene} variants"
                + (f", {phase}" if phase else "") + f": {join_words(parts)}")
    zyg = str(dx.get("zygosity") or "")  # worded by the zygosity owner
    if is_one_word(zyg):
        return f"{zyg} for {gene} {join_words(parts)}"
    # a longer reading (a QC problem, an uncalled allele, sex unknown) does not fit "He is _ for":
    # the sentence names the variant and gives the reading after it
    return f"carrying {gene} {join_words(parts)}" + (f" (genotype: {zyg})" if zyg else "")


def interpretation(report: Mapping[str, Any], cards: Sequence[Mapping[str, Any]],
                   assessment: Mapping[str, Any], present: int,
                   notes: Sequence[Mapping[str, str]]) -> list[str]:
    """The interpretive summary: which disease explains which features, how each genotype was
    inherited, what remains unexplained and why."""
    proband = str(report.get("proband") or "the proband")
    sex = next((str(s.get("sex")) for s in get_list(report, "samples")
                if s.get("sample_id") == report.get("proband")), "unknown")
    pron = {"male": "He", "female": "She"}.get(sex, proband)
    poss = {"male": "his", "female": "her"}.get(sex, "the proband's")
    names = _term_names(report)
    dual = report.get("dual_diagnosis") or {}
    test = dual.get("test") if isinstance(dual.get("test"), Mapping) else {}
    paras: list[str] = []
    if assessment.get("status") == "not_assessable":
        paras.append("No panel gene could be assessed (the reason is given with the result), so "
                     "these data can neither make nor exclude a diagnosis; a new analysis with "
                     "usable genotypes is needed.")
    elif assessment.get("status") == "partly_assessable":
        genes = [str(g["gene"]) for g in assessment.get("not_assessed") or []]
        paras.append(f"Partly assessable: {join_words(genes) or 'some genes'} could not be "
                     "assessed (the reason is given with the result); nothing below speaks for "
                     f"{'it' if len(genes) == 1 else 'them'}.")
    dxs = {str(d.get("disease_id")): d for d in diagnosis_order(report)}
    explained_all: set[str] = set()
    for i, card in enumerate(cards):
        dx = dxs[card["disease_id"]]
        expl = [str(h) for h in get_list(dx, "explained_hpo")]
        explained_all |= set(expl)
        subject = proband if i == 0 else pron
        text = f"{subject} is {_genotype_phrase(dx, card)}. {card['disease_name']} explains "
        if test and str(test.get("b")) == card["disease_id"] and test.get("p_value") is not None:
            gained = [str(t) for t in test.get("gained_terms") or []]
            first = cards[0]["disease_name"]
            text += f"{len(expl)} of {poss} {present} recorded features"
            if gained:  # what the dual test counted: explained better than the first does
                left = len(test.get("terms_unexplained_by_a") or [])
                text += (f"; {_features(gained, names)} "
                         f"{'is' if len(gained) == 1 else 'are'} explained by it better than by "
                         f"{first} (which leaves {plural(left, 'feature')} unexplained; a disease "
                         f"chosen at random would explain {float(test.get('expected') or 0):.2g} "
                         f"of them), p = {sci(float(test['p_value']))}.")
            else:
                text += f", none of them better than {first} does."
        else:
            text += f"{len(expl)} of {poss} {present} recorded features ({_features(expl, names)})."
        text += " " + card["status_sentence"]
        paras.append(text)
    shared = [str(h) for h in dual.get("shared_hpo") or []]
    if len(cards) > 1 and shared:
        paras.append(f"{_features(shared, names).capitalize()} "
                     f"{'fits' if len(shared) == 1 else 'fit'} both diagnoses (a blended phenotype).")
    overlap = dual.get("overlap")
    second = next((c for c in cards if overlap and c["disease_id"] == overlap["b"]), None)
    if overlap and second:  # a confirmed second genotype the terms cannot separate
        paras.append(f"The {overlap['b_gene']} genotype is confirmed, so "
                     f"{second['disease_name']} may be present as well; the HPO terms cannot "
                     f"show whether it contributes beyond {cards[0]['disease_name']}.")
    for f in get_list(report, "molecular_findings"):
        paras.append(f"{f.get('gene')}: {f.get('reason')}.".replace("..", "."))
    unexplained = [str(h) for h in dual.get("unexplained_hpo") or []] if cards else []
    if unexplained:
        gaps = [n for n in notes if any(n["term"].endswith(f"({u})") for u in unexplained)]
        text = (f"{plural(len(unexplained), 'recorded feature is', 'recorded features are')} "
                f"explained by no reported diagnosis: {_features(unexplained, names, 8)}.")
        if gaps:
            text += (f" For {'one' if len(gaps) == 1 else len(gaps)} of them the reason is an "
                     "annotation gap (listed under the matrix), not a clinical finding.")
        paras.append(text)
    if not cards and dual.get("reason") and dual.get("status") != "not_assessable":
        paras.append(f"{str(dual['reason'])[:1].upper()}{str(dual['reason'])[1:]}.".replace("..", "."))
    panel = [str(g) for g in (report.get("panel") or {}).get("genes") or []]
    kinds = ("single-nucleotide variants, small insertions and deletions, and copy-number losses "
             "and gains" if (report.get("methods") or {}).get("structural")  # cnv hook
             else "single-nucleotide variants and small insertions and deletions")
    paras.append(f"Only the {plural(len(panel), 'panel gene')} ({', '.join(panel)}) were analysed, "
                 f"for {kinds}; a cause outside them is not excluded.")
    return paras
