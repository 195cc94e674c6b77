"""Acceptance: the report in a real browser and as printed pages.

The page is opened in headless Chromium at 1400 and 390 px: no network request, no console error,
no element wider than the viewport (except inside the phenotype matrix's own scroller), the
header's fields do not overlap, the section headings come in the report's order and the
diagnoses in ``report.json``'s A/B order. The PDF (the one beside the report when given, and the
page printed by each engine, WeasyPrint and Chromium) is compared with the browser's own print
of the page (same headings in the same order, the same words), rendered to images (one per
page), its table headers checked for words broken in two, and the pages before the appendix
counted (at most 6).

Needs Debian ``chromium``, ``poppler-utils`` (pdftoppm, pdftotext) and the Python packages
``playwright``, ``weasyprint`` and ``pypdf`` (the browser download of ``playwright install`` is
NOT used: Chromium is started from ``DUALDX_CHROMIUM`` or /usr/bin/chromium). Fails under
CI=true when one is missing; skips with the reason otherwise.

Environment:
- ``DUALDX_REPORT_HTML``: report to check (default: the seed-case fixture rendered to tmp). The
  ``report.json`` beside it gives the A/B order; a ``report.pdf`` beside it is the PDF checked.
- ``DUALDX_REPORT_SCREENSHOTS``: folder for the screenshots (``page_1400.png``,
  ``page_390.png``) and page images (``pdf-N.png`` of the shipped PDF, ``<engine>/pdf-N.png``);
  default: the test's tmp folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from dualdx.interpretation.relatives import diagnosis_order
from dualdx.report.render import render_html, render_pdf

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HEADINGS = ["Result", "Interpretation", "What changed since", "Diagnoses", "Recommendations",
            "Results for relatives", "Phenotype × diagnosis match", "Variant evidence",
            "Methods, limitations and what was not checked", "Appendix: run record"]
MAX_PAGES_BEFORE_APPENDIX = 6

LAYOUT_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const scroller = document.getElementById('matrix-scroller');
  const bad = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (scroller && scroller !== el && scroller.contains(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > vw + 1 || r.left < -1)
      bad.push(el.tagName + '.' + (el.getAttribute('class') || '') + ' ' + Math.round(r.left)
               + '..' + Math.round(r.right));
  }
  const boxes = [...document.querySelectorAll('.meta > div')].map(d => d.getBoundingClientRect());
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      overlaps++;
  }
  return {vw, scrollWidth: document.documentElement.scrollWidth, bad: bad.slice(0, 20), overlaps,
          headings: [...document.querySelectorAll('h2')].map(h => h.textContent.trim()),
          cards: [...document.querySelectorAll('article.card')].map(a => a.dataset.disease),
          scroller: scroller ? {client: scroller.clientWidth, scroll: scroller.scrollWidth,
                                right: scroller.getBoundingClientRect().right} : null};
}"""


def _missing(msg: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="module")
def chromium_path() -> str:
    exe = os.environ.get("DUALDX_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).is_file():
        _missing("headless Chromium not found: install Debian package `chromium` "
                 "(apt-get install -y chromium) or set DUALDX_CHROMIUM")
    return exe


@pytest.fixture(scope="module")
def sync_playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright as sp
    except ImportError:
        _missing("Python package playwright missing: pip install playwright "
                 "(no `playwright install` needed)")
    return sp


@pytest.fixture(scope="module")
def pdf_tools() -> dict[str, str]:
    tools = {t: shutil.which(t) for t in ("pdftoppm", "pdftotext")}
    missing = [t for t, p in tools.items() if p is None]
    try:
        import pypdf  # noqa: F401
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        missing.append(f"pypdf/weasyprint ({exc})")
    if missing:
        _missing(f"PDF checks need {', '.join(missing)} (Debian poppler-utils; pip install "
                 "weasyprint pypdf)")
    return {t: str(p) for t, p in tools.items()}


@pytest.fixture(scope="module")
def subject(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report to check: the given one (with its report.json, and report.pdf if present)
    or the fixture rendered into a temporary folder."""
    given = os.environ.get("DUALDX_REPORT_HTML")
    if given:
        html = Path(given).resolve()
        return {"html": html, "json": html.with_name("report.json"),
                "pdf": html.with_name("report.pdf")}
    tmp = tmp_path_factory.mktemp("report")
    load = lambda n: json.loads((DATA / n).read_text(encoding="utf-8"))  # noqa: E731
    html = tmp / "report.html"
    html.write_text(render_html(load("report.json"), load("provenance.json"),
                                load("reanalysis.json")), encoding="utf-8")
    shutil.copy(DATA / "report.json", tmp / "report.json")
    return {"html": html, "json": tmp / "report.json", "pdf": tmp / "report.pdf"}


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = Path(os.environ.get("DUALDX_REPORT_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def _launch(sp: Any, chromium: str) -> Any:
    return sp.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)


@pytest.mark.parametrize("width", [1400, 390])
def test_page_layout_in_chromium(width: int, chromium_path: str, sync_playwright: Any,
                                 subject: dict[str, Path], shots: Path) -> None:
    url = subject["html"].as_uri()
    report = json.loads(subject["json"].read_text(encoding="utf-8"))
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = _launch(p, chromium_path)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url, wait_until="load")
            facts = page.evaluate(LAYOUT_JS)
            assert page.evaluate("document.scripts.length") == 0
            page.screenshot(path=str(shots / f"page_{width}.png"), full_page=True)
        finally:
            browser.close()
    assert requests == [url], f"unexpected requests: {requests}"
    assert errors == []
    assert facts["scrollWidth"] <= facts["vw"], facts
    assert facts["bad"] == [], f"wider than the {width} px viewport: {facts['bad']}"
    assert facts["overlaps"] == 0, "header fields overlap"
    def canonical(x: str) -> str:
        return "What changed since" if x.startswith("What changed since") else x

    expected = [h for h in HEADINGS if h != "What changed since" or
                any(x.startswith(h) for x in facts["headings"])]
    assert [canonical(x) for x in facts["headings"]] == expected
    assert facts["cards"] == [d["disease_id"] for d in diagnosis_order(report)]
    if facts["scroller"]:  # the matrix scrolls inside its own box, which fits the viewport
        assert facts["scroller"]["right"] <= facts["vw"] + 1
    assert (shots / f"page_{width}.png").stat().st_size > 10_000


class _Text(HTMLParser):
    """Words of the visible text (checksums left out: they may break anywhere) and of the
    table headers."""

    VOID = frozenset({"meta", "br", "img", "hr", "input", "link", "col"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.th: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        cls = dict(attrs).get("class") or ""
        self._stack.append("hash" if "hash" in cls.split() else tag)

    def handle_endtag(self, tag: str) -> None:
        if self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if {"style", "title", "hash"} & set(self._stack):
            return
        words = re.findall(r"[A-Za-z]{3,}", data)
        self.words += words
        if "th" in self._stack:
            self.th += words


def _pdf_words(pdf: Path, pdftotext: str) -> list[str]:
    out = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"[A-Za-z]{3,}", out)


def _pdf(subject: dict[str, Path], tmp_path: Path, engine: str) -> Path:
    """The PDF to check: the given report's own (``shipped``; for the fixture, what
    ``report.pdf_engine: auto`` prints), or the page printed by ``engine``."""
    if engine == "shipped":
        if subject["pdf"].is_file():
            return subject["pdf"]
        engine = "auto"
    out = tmp_path / f"report.{engine}.pdf"
    render_pdf(subject["html"].read_text(encoding="utf-8"), str(out), engine)
    return out


ENGINES = ["shipped", "weasyprint", "chromium"]


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_pages_headers_and_length(engine: str, subject: dict[str, Path],
                                      pdf_tools: dict[str, str], chromium_path: str,
                                      shots: Path, tmp_path: Path) -> None:
    import pypdf

    pdf = _pdf(subject, tmp_path, engine)
    shots = shots / engine if engine != "shipped" else shots
    shots.mkdir(exist_ok=True)
    pages = pypdf.PdfReader(str(pdf)).pages
    for old in shots.glob("pdf-*.png"):
        old.unlink()
    subprocess.run([pdf_tools["pdftoppm"], "-r", "50", "-png", str(pdf), str(shots / "pdf")],
                   check=True)
    images = sorted(shots.glob("pdf-*.png"))
    assert len(images) == len(pages) and all(i.stat().st_size > 2_000 for i in images)
    texts = [p.extract_text() or "" for p in pages]
    appendix = next(i for i, t in enumerate(texts) if "Appendix: run record" in t)
    assert appendix <= MAX_PAGES_BEFORE_APPENDIX, f"{appendix} pages before the appendix"
    # no table-header word broken in two: every header word is found whole in the PDF at
    # least as often as the page shows it
    doc = _Text()
    doc.feed(subject["html"].read_text(encoding="utf-8"))
    shown = Counter(doc.words)
    printed = Counter(_pdf_words(pdf, pdf_tools["pdftotext"]))
    broken = sorted(w for w in set(doc.th) if printed[w] < shown[w])
    assert broken == [], f"table-header words not found whole in the PDF: {broken}"


@pytest.mark.parametrize("engine", ENGINES)
def test_browser_print_view_matches_the_pdf(engine: str, chromium_path: str,
                                            sync_playwright: Any, subject: dict[str, Path],
                                            pdf_tools: dict[str, str], tmp_path: Path) -> None:
    """The browser's print of the page (print stylesheet) holds the same headings in the same
    order and the same words as the PDF (the shipped one, and each engine's)."""
    pdf = _pdf(subject, tmp_path, engine)
    printed = tmp_path / "browser_print.pdf"
    with sync_playwright() as p:
        browser = _launch(p, chromium_path)
        try:
            page = browser.new_page()
            page.goto(subject["html"].as_uri(), wait_until="load")
            page.emulate_media(media="print")
            page.pdf(path=str(printed), format="A4", print_background=True,
                     prefer_css_page_size=True)
        finally:
            browser.close()
    words_w = _pdf_words(pdf, pdf_tools["pdftotext"])
    words_c = _pdf_words(printed, pdf_tools["pdftotext"])
    doc = _Text()
    doc.feed(subject["html"].read_text(encoding="utf-8"))
    page_words = set(doc.words)
    assert page_words - set(words_w) == set(), "words of the page missing from the PDF"
    assert page_words - set(words_c) == set(), "words of the page missing from the print view"
    text_w, text_c = " ".join(words_w), " ".join(words_c)
    page_text = " ".join(doc.words)

    def phrase(h: str) -> str:
        return " ".join(re.findall(r"[A-Za-z]{3,}", h))

    heads = [phrase(h) for h in HEADINGS if phrase(h) in page_text]
    order_w = [text_w.find(h) for h in heads]
    order_c = [text_c.find(h) for h in heads]
    assert -1 not in order_w and -1 not in order_c, (heads, order_w, order_c)
    assert order_w == sorted(order_w) and order_c == sorted(order_c)
