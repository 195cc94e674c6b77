"""Acceptance: the rendered report opens in headless Chromium without errors or network use.

Needs Debian ``chromium`` and the Python package ``playwright`` (the browser download of
``playwright install`` is NOT used: Chromium is started from ``DUALDX_CHROMIUM`` or
/usr/bin/chromium). Fails under CI=true when either is missing; skips with the reason otherwise.

Environment:
- ``DUALDX_REPORT_HTML``: report to open (default: the seed-case fixture rendered to tmp).
- ``DUALDX_REPORT_SCREENSHOT``: where to save the full-page screenshot
  (default ``results/report_screenshot.png`` in the checkout; ``results/`` is git-ignored).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from dualdx.report.render import render_html

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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


@pytest.fixture
def report_html(tmp_path: Path) -> Path:
    given = os.environ.get("DUALDX_REPORT_HTML")
    if given:
        return Path(given).resolve()
    load = lambda n: json.loads((DATA / n).read_text(encoding="utf-8"))  # noqa: E731
    out = tmp_path / "report.html"
    out.write_text(render_html(load("report.json"), load("provenance.json"),
                               load("reanalysis.json")), encoding="utf-8")
    return out


@pytest.fixture
def screenshot_path(tmp_path: Path) -> Path:
    # never into the checkout's results/ (set DUALDX_REPORT_SCREENSHOT to keep the picture)
    p = Path(os.environ.get("DUALDX_REPORT_SCREENSHOT", tmp_path / "report_screenshot.png"))
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def test_report_opens_cleanly(chromium_path: str, sync_playwright: Any, report_html: Path,
                              screenshot_path: Path) -> None:
    url = report_html.as_uri()
    requests: list[str] = []
    console_errors: list[str] = []
    page_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: console_errors.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: page_errors.append(str(e)))
            page.goto(url, wait_until="load")
            assert page.locator("#dual-banner").is_visible()
            banner = page.locator("#dual-banner").inner_text()
            assert "diagnosis" in banner.lower()
            assert page.locator("svg.matrix-svg").is_visible()
            assert page.locator("svg.pedigree-svg").is_visible()
            box = page.locator("svg.pedigree-svg").bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 80
            assert page.locator("#not-checked").is_visible()
            assert page.evaluate("document.scripts.length") == 0
            page.screenshot(path=str(screenshot_path), full_page=True)
        finally:
            browser.close()
    assert requests == [url], f"unexpected requests: {requests}"
    assert console_errors == [] and page_errors == []
    assert screenshot_path.stat().st_size > 10_000
