"""Inline SVG drawings for the report: the pedigree and its legend swatches. (The phenotype ×
diagnosis matrix is an HTML table, :mod:`dualdx.report.matrix`: it reflows, prints fast and
its glyphs are CSS shapes.)

Every function is pure and returns ``markupsafe.Markup`` built only from escaped text: sample IDs,
HPO labels and disease names from the report are untrusted and end up in SVG text nodes and
``<title>`` elements, never in element names, ids or unquoted attributes. Element ids are derived
from positions (``ped-hatch-0``), never from input. Output is deterministic (no randomness, no
dict-order dependence beyond the input's own order).

Conventions (design note, Bennett 2008): square = male, circle = female, diamond = sex unknown;
one region of the symbol per diagnosis (halves for two, quadrants for three or four); a region is
filled when the person is affected with that diagnosis' disease; a dot marks an unaffected
heterozygous carrier of a recessive disease, a vertical line an unaffected heterozygote of a
dominant one; the proband gets an arrow and "P". Fills differ by pattern, not colour alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# ---------------------------------------------------------------------------------------------
# shared helpers


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _e(value: object) -> str:
    """Escape for SVG text and double-quoted attribute values; characters XML forbids become
    U+FFFD so the SVG stays well-formed."""
    return str(escape(_XML_INVALID.sub("\ufffd", str(value))))


def _num(x: float) -> str:
    """Fixed, locale-free number formatting so output bytes are stable."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 11,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = "#1a1a1a",
    cls: str | None = None,
) -> str:
    c = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}"{c}>{_e(content)}</text>'
    )


# Fill styles for up to four diagnoses: (pattern id suffix, swatch description, colour).
# Region fills differ by pattern (solid, hatch, cross-hatch, dots), so greyscale prints work.
DIAGNOSIS_FILLS: tuple[tuple[str, str, str], ...] = (
    ("solid", "solid fill", "#1f4e79"),
    ("hatch", "diagonal hatching", "#b45309"),
    ("cross", "cross-hatching", "#166534"),
    ("dots", "dotted fill", "#6b21a8"),
)


def letter(index: int) -> str:
    """Diagnosis letter: 0 → A, 1 → B, … (26+ → A27…, never reached with a gene panel)."""
    return chr(ord("A") + index) if index < 26 else f"A{index + 1}"


def pattern_defs(prefix: str, count: int) -> str:
    """``<defs>`` with one fill pattern per diagnosis region (ids ``{prefix}-fill-{i}``)."""
    out: list[str] = ["<defs>"]
    for i in range(min(count, len(DIAGNOSIS_FILLS))):
        kind, _desc, colour = DIAGNOSIS_FILLS[i]
        pid = f"{prefix}-fill-{i}"
        if kind == "solid":
            continue  # drawn as a plain fill (region_fill), not a pattern
        if kind == "hatch":
            out.append(
                f'<pattern id="{pid}" width="5" height="5" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff"/>'
                f'<rect width="2.4" height="5" fill="{colour}"/></pattern>'
            )
        elif kind == "cross":
            out.append(
                f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<rect width="6" height="6" fill="#fff"/>'
                f'<path d="M0 0L6 6M6 0L0 6" stroke="{colour}" stroke-width="1.4"/></pattern>'
            )
        else:
            out.append(
                f'<pattern id="{pid}" width="5" height="5" patternUnits="userSpaceOnUse">'
                f'<rect width="5" height="5" fill="#fff"/>'
                f'<circle cx="2.5" cy="2.5" r="1.4" fill="{colour}"/></pattern>'
            )
    out.append("</defs>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# pedigree


@dataclass(frozen=True)
class PedMember:
    sample_id: str
    father: str | None
    mother: str | None
    sex: str  # male / female / unknown
    affected: str  # affected / unaffected / unknown
    regions: tuple[str, ...]  # per diagnosis: tokens "affected", "carrier", "heterozygote", "unknown"
    labels: tuple[str, ...]  # text lines under the symbol (genotypes)
    is_proband: bool = False


@dataclass
class PedLayout:
    """Generation (0 = top) and x slot (float, in symbol units) of every member."""

    generation: dict[str, int] = field(default_factory=dict)
    x: dict[str, float] = field(default_factory=dict)
    unconnected: list[str] = field(default_factory=list)


def _parents(m: PedMember, ids: set[str]) -> tuple[str | None, str | None]:
    f = m.father if m.father in ids and m.father != m.sample_id else None
    mo = m.mother if m.mother in ids and m.mother != m.sample_id else None
    if f is not None and f == mo:
        mo = None
    return f, mo


def assign_generations(members: Sequence[PedMember]) -> dict[str, int]:
    """Generation depth: founders 0, children one below their deepest parent; a founder who has
    children with someone deeper moves down to that partner's generation (kinship2's alignment
    of spouses). Parent IDs absent from ``members`` are ignored. Cycles cannot raise: depth is
    capped at the number of members."""
    ids = {m.sample_id for m in members}
    by_id = {m.sample_id: m for m in members}
    gen: dict[str, int] = {m.sample_id: 0 for m in members}
    cap = len(members)
    for _ in range(cap + 1):
        changed = False
        for m in members:
            f, mo = _parents(m, ids)
            ps = [p for p in (f, mo) if p is not None]
            if ps:
                want = min(cap, max(gen[p] for p in ps) + 1)
                if want > gen[m.sample_id]:
                    gen[m.sample_id] = want
                    changed = True
        # spouses to the same row: a parent without parents joins the partner's row
        for m in members:
            f, mo = _parents(m, ids)
            if f is not None and mo is not None:
                for a, b in ((f, mo), (mo, f)):
                    pa = _parents(by_id[a], ids)
                    if pa == (None, None) and gen[a] < gen[b]:
                        gen[a] = gen[b]
                        changed = True
        if not changed:
            break
    return gen


def layout_pedigree(members: Sequence[PedMember]) -> PedLayout:
    """Place members on rows by generation; children grouped under their parents (sibships in
    input order), partners adjacent, people with several partners between them (half-sibs),
    and samples linked to nobody set apart on the right."""
    ids = {m.sample_id for m in members}
    order = {m.sample_id: i for i, m in enumerate(members)}
    gen = assign_generations(members)
    partners: dict[str, list[str]] = {m.sample_id: [] for m in members}
    children: dict[str, list[str]] = {m.sample_id: [] for m in members}
    for m in members:
        f, mo = _parents(m, ids)
        if f is not None and mo is not None:
            if mo not in partners[f]:
                partners[f].append(mo)
            if f not in partners[mo]:
                partners[mo].append(f)
        for p in (f, mo):
            if p is not None:
                children[p].append(m.sample_id)
    layout = PedLayout(generation=gen)
    connected = [
        m.sample_id
        for m in members
        if partners[m.sample_id] or children[m.sample_id] or _parents(m, ids) != (None, None)
    ]
    layout.unconnected = [m.sample_id for m in members if m.sample_id not in set(connected)]
    if not connected:
        for i, sid in enumerate(layout.unconnected):
            layout.x[sid] = float(i)
            layout.generation[sid] = 0
        return layout

    by_id = {m.sample_id: m for m in members}
    max_gen = max(gen[s] for s in connected)
    placed: set[str] = set()

    def chain(start: str) -> list[str]:
        """The start person with partners on the same row, a multi-partner person in the
        middle."""
        row = gen[start]
        mates = [p for p in partners[start] if gen[p] == row and p not in placed]
        if not mates:
            return [start]
        if len(mates) == 1:
            other = mates[0]
            more = [p for p in partners[other] if gen[p] == row and p != start and p not in placed]
            if more:  # the partner has another partner: put the partner in the middle
                return [start, other, *more]
            return [start, other]
        return [mates[0], start, *mates[1:]]

    next_free: dict[int, float] = {}
    for g in range(max_gen + 1):
        row_people = [s for s in connected if gen[s] == g]
        if g == 0:
            groups: list[tuple[float, list[str]]] = []
            for s in sorted(row_people, key=lambda s: order[s]):
                if s in placed:
                    continue
                c = chain(s)
                placed.update(c)
                groups.append((0.0, c))
        else:
            # sibships keyed by their parents, placed in order of the parents' midpoint
            sibships: dict[tuple[str | None, str | None], list[str]] = {}
            for s in sorted(row_people, key=lambda s: order[s]):
                key = _parents(by_id[s], ids)
                if key == (None, None):
                    continue
                sibships.setdefault(key, []).append(s)

            def mid(key: tuple[str | None, str | None]) -> float:
                xs = [layout.x[p] for p in key if p is not None and p in layout.x]
                return sum(xs) / len(xs) if xs else 0.0

            groups = []
            for key in sorted(sibships, key=lambda k: (mid(k), order[sibships[k][0]])):
                seq: list[str] = []
                for s in sibships[key]:
                    if s in placed:
                        continue
                    c = chain(s)
                    placed.update(c)
                    seq.extend(c)
                groups.append((mid(key), seq))
            # married-in founders whose partner was not placed through a sibship
            for s in sorted(row_people, key=lambda s: order[s]):
                if s not in placed:
                    c = chain(s)
                    placed.update(c)
                    groups.append((groups[-1][0] + 1 if groups else 0.0, c))
        cursor = next_free.get(g, 0.0)
        for centre, seq in groups:
            start = max(cursor, centre - (len(seq) - 1) / 2) if g > 0 else cursor
            for i, s in enumerate(seq):
                layout.x[s] = start + i
            cursor = start + len(seq) + (0.4 if g == 0 else 0.0)
        next_free[g] = cursor
    # centre each couple of the top rows over its children when it lies left of them
    for g in range(max_gen - 1, -1, -1):
        row = sorted((s for s in connected if gen[s] == g), key=lambda s: layout.x[s])
        shift = 0.0
        prev_right = -1e9
        for s in row:
            kids = [c for c in children[s] if c in layout.x]
            new_x = layout.x[s] + shift
            if kids and not partners[s]:
                want = sum(layout.x[c] for c in kids) / len(kids)
                new_x = max(new_x, want)
            elif kids and partners[s]:
                mates_right = [p for p in partners[s] if layout.x[p] > layout.x[s]]
                if mates_right:
                    couple_kids = [
                        c for c in kids if set(_parents(by_id[c], ids)) == {s, mates_right[0]}
                    ]
                    if couple_kids:
                        want = sum(layout.x[c] for c in couple_kids) / len(couple_kids) - 0.5
                        new_x = max(new_x, want)
            new_x = max(new_x, prev_right + 1)
            shift = new_x - layout.x[s]
            layout.x[s] = new_x
            prev_right = new_x
    right = max(layout.x.values()) + 1.6 if layout.x else 0.0
    for i, sid in enumerate(layout.unconnected):
        layout.x[sid] = right + i
        layout.generation[sid] = 0
    return layout


def _roman(n: int) -> str:
    vals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def pedigree_numbers(layout: PedLayout) -> dict[str, str]:
    """Bennett numbering: generation in Roman numerals, position from the left (II-3)."""
    rows: dict[int, list[str]] = {}
    for sid, g in layout.generation.items():
        rows.setdefault(g, []).append(sid)
    out: dict[str, str] = {}
    for g, sids in rows.items():
        for i, sid in enumerate(sorted(sids, key=lambda s: (layout.x.get(s, 0.0), s))):
            out[sid] = f"{_roman(g + 1)}-{i + 1}"
    return out


def _regions(shape: str, cx: float, cy: float, h: float, n: int) -> list[str]:
    """SVG path data for the n regions of a symbol (n = 1, 2 halves, 3–4 quadrants)."""
    if n <= 1:
        if shape == "square":
            return [f"M{_num(cx - h)} {_num(cy - h)}h{_num(2 * h)}v{_num(2 * h)}h{_num(-2 * h)}Z"]
        if shape == "circle":
            return [
                f"M{_num(cx - h)} {_num(cy)}A{_num(h)} {_num(h)} 0 1 0 {_num(cx + h)} {_num(cy)}"
                f"A{_num(h)} {_num(h)} 0 1 0 {_num(cx - h)} {_num(cy)}Z"
            ]
        return [
            f"M{_num(cx)} {_num(cy - h)}L{_num(cx + h)} {_num(cy)}L{_num(cx)} {_num(cy + h)}"
            f"L{_num(cx - h)} {_num(cy)}Z"
        ]
    if n == 2:
        if shape == "square":
            return [
                f"M{_num(cx - h)} {_num(cy - h)}H{_num(cx)}V{_num(cy + h)}H{_num(cx - h)}Z",
                f"M{_num(cx)} {_num(cy - h)}H{_num(cx + h)}V{_num(cy + h)}H{_num(cx)}Z",
            ]
        if shape == "circle":
            return [
                f"M{_num(cx)} {_num(cy - h)}A{_num(h)} {_num(h)} 0 0 0 {_num(cx)} {_num(cy + h)}Z",
                f"M{_num(cx)} {_num(cy - h)}A{_num(h)} {_num(h)} 0 0 1 {_num(cx)} {_num(cy + h)}Z",
            ]
        return [
            f"M{_num(cx)} {_num(cy - h)}L{_num(cx - h)} {_num(cy)}L{_num(cx)} {_num(cy + h)}Z",
            f"M{_num(cx)} {_num(cy - h)}L{_num(cx + h)} {_num(cy)}L{_num(cx)} {_num(cy + h)}Z",
        ]
    # quadrants: top-left, top-right, bottom-left, bottom-right
    quads: list[str] = []
    for sx, sy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):
        if shape == "square":
            quads.append(
                f"M{_num(cx)} {_num(cy)}H{_num(cx + sx * h)}V{_num(cy + sy * h)}H{_num(cx)}Z"
            )
        elif shape == "circle":
            sweep = 1 if sx * sy < 0 else 0
            quads.append(
                f"M{_num(cx)} {_num(cy)}L{_num(cx + sx * h)} {_num(cy)}A{_num(h)} {_num(h)} 0 0 "
                f"{sweep} {_num(cx)} {_num(cy + sy * h)}Z"
            )
        else:
            quads.append(
                f"M{_num(cx)} {_num(cy)}L{_num(cx + sx * h)} {_num(cy)}L{_num(cx)} "
                f"{_num(cy + sy * h)}Z"
            )
    return quads[:n]


def _region_centre(cx: float, cy: float, h: float, n: int, i: int) -> tuple[float, float]:
    if n <= 1:
        return cx, cy
    if n == 2:
        return (cx - h / 2 if i == 0 else cx + h / 2), cy
    sx = -1 if i in (0, 2) else 1
    sy = -1 if i in (0, 1) else 1
    return cx + sx * h / 2.2, cy + sy * h / 2.2


def _shape(sex: str) -> str:
    return {"male": "square", "female": "circle"}.get(sex, "diamond")


def region_fill(prefix: str, index: int) -> str:
    """The fill of region ``index``: a plain colour for the first (solid) style, so it prints as
    a solid fill in every renderer, else the pattern of :func:`pattern_defs`."""
    if index < len(DIAGNOSIS_FILLS) and DIAGNOSIS_FILLS[index][0] == "solid":
        return DIAGNOSIS_FILLS[index][2]
    return f"url(#{prefix}-fill-{index})"


def symbol_svg(
    shape: str, cx: float, cy: float, h: float, regions: Sequence[str], prefix: str
) -> str:
    """One pedigree symbol: region fills, carrier marks, '?' for an unknown status and the
    outline. A region's state is a space-separated set of ``affected``, ``carrier``,
    ``heterozygote`` and ``unknown``."""
    n = max(1, len(regions))
    paths = _regions(shape, cx, cy, h, n)
    states = [set(r.split()) for r in regions]
    out: list[str] = []
    for i, state in enumerate(states):
        if "affected" in state:
            out.append(f'<path d="{paths[i]}" fill="{region_fill(prefix, i)}"/>')
    for i, state in enumerate(states):
        rx, ry = _region_centre(cx, cy, h, n, i)
        if "carrier" in state:
            out.append(f'<circle cx="{_num(rx)}" cy="{_num(ry)}" r="3.6" fill="#111"/>')
        elif "heterozygote" in state:
            out.append(
                f'<line x1="{_num(rx)}" y1="{_num(cy - h * 0.7)}" x2="{_num(rx)}" '
                f'y2="{_num(cy + h * 0.7)}" stroke="#111" stroke-width="2.6"/>'
            )
        if "unknown" in state and "affected" not in state:
            marked = bool(state & {"carrier", "heterozygote"})
            qx = rx + (h * 0.22 if marked and n > 1 else 0) * (1 if rx >= cx else -1)
            qy = ry - (h * 0.38 if marked else 0)
            out.append(_text(qx, qy + 4, "?", size=10 if marked else 12, anchor="middle",
                             weight="bold", fill="#444"))
    if n >= 2:
        out.append(
            f'<line x1="{_num(cx)}" y1="{_num(cy - h)}" x2="{_num(cx)}" y2="{_num(cy + h)}" '
            f'stroke="#111" stroke-width="1"/>'
        )
    if n >= 3:
        out.append(
            f'<line x1="{_num(cx - h)}" y1="{_num(cy)}" x2="{_num(cx + h)}" y2="{_num(cy)}" '
            f'stroke="#111" stroke-width="1"/>'
        )
    out.append(
        f'<path d="{_regions(shape, cx, cy, h, 1)[0]}" fill="none" stroke="#111" '
        f'stroke-width="1.8"/>'
    )
    return "".join(out)


def swatch_svg(kind: str, index: int, ndiag: int, prefix: str = "legend") -> Markup:
    """A small legend symbol: region ``index`` of a square in state ``kind``."""
    regions = ["" for _ in range(max(1, ndiag))]
    if kind in ("affected", "carrier", "heterozygote", "unknown"):
        regions[index] = kind
    pid = f"{prefix}{index}{kind[:3]}"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="26" height="26" viewBox="0 0 26 26" '
        f'role="img" aria-label="{_e(kind)}">{pattern_defs(pid, max(1, ndiag))}'
        f"{symbol_svg('square', 13, 13, 10, regions, pid)}</svg>"
    )


def pedigree_svg(
    members: Sequence[PedMember],
    diagnosis_count: int,
    layout: PedLayout | None = None,
) -> Markup:
    """The family drawn as a pedigree: generations as rows, partners joined, sibships under
    their parents, genotype labels under each symbol, proband arrow + "P"."""
    if not members:
        return Markup("")
    lay = layout or layout_pedigree(members)
    nums = pedigree_numbers(lay)
    by_id = {m.sample_id: m for m in members}
    ids = set(by_id)
    h = 17.0
    slot = 150.0
    max_lines = max((len(m.labels) for m in members), default=0)
    row_gap = 2 * h + 58 + 14 * max_lines
    margin_x = 40.0 + slot / 2
    top = 44.0
    xs = list(lay.x.values())
    min_x = min(xs)
    max_gen = max(lay.generation.values())
    width = (max(xs) - min_x) * slot + 2 * margin_x
    height = top + max_gen * row_gap + 2 * h + 48 + 14 * max_lines

    def pos(sid: str) -> tuple[float, float]:
        return (
            margin_x + (lay.x[sid] - min_x) * slot,
            top + lay.generation[sid] * row_gap + h,
        )

    prefix = "ped"
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pedigree-svg" role="img" '
        f'width="{_num(width)}" height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'font-family="DejaVu Sans, Arial, Helvetica, sans-serif" aria-label="Pedigree">',
        "<title>Pedigree</title>",
        pattern_defs(prefix, diagnosis_count),
        f'<rect width="{_num(width)}" height="{_num(height)}" fill="#fff"/>',
    ]
    # generation labels
    for g in sorted(set(lay.generation.values())):
        out.append(_text(10, top + g * row_gap + h + 4, _roman(g + 1), weight="bold", size=12))
    lines: list[str] = []
    # partner lines and sibships
    couples: dict[tuple[str | None, str | None], list[str]] = {}
    for m in members:
        f, mo = _parents(m, ids)
        if f is None and mo is None:
            continue
        couples.setdefault((f, mo), []).append(m.sample_id)
    for (f, mo), kids in couples.items():
        if f is not None and mo is not None:
            (x1, y1), (x2, y2) = pos(f), pos(mo)
            left, right = sorted((x1, x2))
            lines.append(
                f'<line x1="{_num(left + h)}" y1="{_num(y1)}" x2="{_num(right - h)}" '
                f'y2="{_num(y2)}" stroke="#111" stroke-width="1.5"/>'
            )
            drop_x, drop_y = (x1 + x2) / 2, y1
        else:
            p = f if f is not None else mo
            assert p is not None
            drop_x, drop_y = pos(p)[0], pos(p)[1] + h
            if f is None or mo is None:
                drop_y = pos(p)[1] + h
        kid_pos = [pos(k) for k in kids]
        sib_y = kid_pos[0][1] - h - 22
        lines.append(
            f'<line x1="{_num(drop_x)}" y1="{_num(drop_y)}" x2="{_num(drop_x)}" '
            f'y2="{_num(sib_y)}" stroke="#111" stroke-width="1.5"/>'
        )
        span = [kx for kx, _ in kid_pos] + [drop_x]
        lines.append(
            f'<line x1="{_num(min(span))}" y1="{_num(sib_y)}" x2="{_num(max(span))}" '
            f'y2="{_num(sib_y)}" stroke="#111" stroke-width="1.5"/>'
        )
        for kx, ky in kid_pos:
            lines.append(
                f'<line x1="{_num(kx)}" y1="{_num(sib_y)}" x2="{_num(kx)}" y2="{_num(ky - h)}" '
                f'stroke="#111" stroke-width="1.5"/>'
            )
    out.extend(lines)
    if lay.unconnected:
        ux = min(lay.x[s] for s in lay.unconnected)
        sx = margin_x + (ux - min_x) * slot - slot / 2 + 10
        out.append(
            f'<line x1="{_num(sx)}" y1="{_num(top - 20)}" x2="{_num(sx)}" y2="{_num(height - 8)}" '
            f'stroke="#999" stroke-dasharray="4 4"/>'
        )
        out.append(_text(sx + 6, top - 26, "not linked to the family in the PED", size=10,
                         fill="#555"))
    for m in sorted(members, key=lambda m: (lay.generation[m.sample_id], lay.x[m.sample_id])):
        cx, cy = pos(m.sample_id)
        regions = list(m.regions) if m.regions else [""]
        out.append(f"<g><title>{_e(m.sample_id)}</title>")
        out.append(symbol_svg(_shape(m.sex), cx, cy, h, regions, prefix))
        if m.affected == "unknown":
            out.append(_text(cx + h + 4, cy - h + 8, "?", size=12, weight="bold"))
        if m.is_proband:
            tip_x, tip_y = cx - h - 3, cy + h * 0.5
            tail_x, tail_y = tip_x - 24, tip_y + 14
            out.append(
                f'<path d="M{_num(tail_x)} {_num(tail_y)}L{_num(tip_x - 5)} {_num(tip_y + 3)}" '
                f'stroke="#111" stroke-width="2"/>'
                f'<path d="M{_num(tip_x)} {_num(tip_y)}l-9.5 0.8l4.6 7.6Z" fill="#111"/>'
            )
            out.append(_text(tail_x - 11, tail_y + 4, "P", size=13, weight="bold"))
        ty = cy + h + 15
        out.append(_text(cx, ty, f"{nums[m.sample_id]}  {m.sample_id}", anchor="middle",
                         size=10.5, weight="bold"))
        for i, line in enumerate(m.labels):
            out.append(_text(cx, ty + 14 * (i + 1), line, anchor="middle", size=10.5))
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def unique_in_order(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for i in items:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out
