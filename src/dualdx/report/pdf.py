"""The report's PDF: the page printed under its print stylesheet (A4, page header with family
and proband, page numbers), by headless Chromium or by WeasyPrint.

Engines (``report.pdf_engine``):

* ``chromium`` — Debian's headless Chromium, ``--print-to-pdf``: the browser's own print view,
  so the PDF is what a reader gets from the page's Print button. About 2.5 times less CPU than
  WeasyPrint on the example (``benchmarks/pdf.py``). The headless shell (Debian package
  ``chromium-headless-shell``: Blink without the browser's user interface) is preferred where it
  is installed: the full browser's ``--headless`` starts its whole UI (profile services, the
  omnibox's WebUI) before it prints, about 0.7 s CPU of the 1.0 s it takes on the example's page;
  the shell prints the same pages (the same text, fonts and pixels at 60 dpi; only the PDF's
  /Creator differs) in 0.3 s CPU (issue 20). Run with a throw-away profile, no sandbox
  (it only reads the local file), background networking, sync, extensions and component
  updates off; the page's Content-Security-Policy forbids every fetch.
* ``weasyprint`` — pure Python (PyPI ``weasyprint`` + Pango), no browser needed; nothing is
  fetched (the URL fetcher allows ``data:`` only).
* ``auto`` (default) — Chromium when one is found (``DUALDX_CHROMIUM``, else
  ``chromium-headless-shell``, ``chromium``, ``chromium-browser``, ``google-chrome`` on PATH), else
  WeasyPrint.

Both write atomically: no partial PDF is ever left in place.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from dualdx.core import atomic
from dualdx.core.errors import DualdxError

PDF_ENGINES = ("auto", "chromium", "weasyprint")
CHROMIUM_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome",
                  "google-chrome-stable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-extensions", "--disable-default-apps",
                  "--no-first-run", "--no-default-browser-check")
CHROMIUM_TIMEOUT_S = 180


def find_chromium() -> str | None:
    """``DUALDX_CHROMIUM`` when set, else the first Chromium or Chrome on PATH (the headless shell
    first)."""
    given = os.environ.get("DUALDX_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    return next((p for p in (shutil.which(n) for n in CHROMIUM_NAMES) if p), None)


def render_pdf(html: str, out_pdf: str, engine: str = "auto",
               log: logging.Logger | None = None) -> str:
    """Print ``html`` to ``out_pdf`` (A4) with ``engine``; returns the engine used."""
    if engine not in PDF_ENGINES:
        raise DualdxError(f"unknown PDF engine {engine!r}. Fix: set report.pdf_engine to one of "
                          f"{', '.join(PDF_ENGINES)}")
    exe = find_chromium() if engine in ("auto", "chromium") else None
    if engine == "chromium" and exe is None:
        raise DualdxError(
            f"cannot write {out_pdf}: report.pdf_engine is 'chromium' but no Chromium was found "
            "(DUALDX_CHROMIUM, or chromium / chromium-browser / google-chrome on PATH). Fix: "
            "install Debian package chromium-headless-shell (or chromium), or set "
            "report.pdf_engine to weasyprint or auto")
    if exe is not None:
        chromium_pdf(exe, html, out_pdf)
        used = f"chromium ({exe})"
    else:
        weasyprint_pdf(html, out_pdf)
        used = "weasyprint"
    if log is not None:
        log.info("wrote %s with %s", out_pdf, used)
    return used.split()[0]


def chromium_pdf(exe: str, html: str, out_pdf: str) -> None:
    """Headless Chromium's print of ``html`` (written to a private temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="dualdx-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        printed = Path(tmp) / "report.pdf"
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
               f"--print-to-pdf={printed}", page.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            raise DualdxError(f"cannot write {out_pdf}: Chromium did not finish within "
                              f"{CHROMIUM_TIMEOUT_S} s. Fix: set report.pdf_engine to "
                              "weasyprint") from exc
        except OSError as exc:
            raise DualdxError(f"cannot write {out_pdf}: cannot start {exe} ({exc.strerror}). "
                              "Fix: install Debian package chromium, or set report.pdf_engine "
                              "to weasyprint") from exc
        if proc.returncode != 0 or not printed.is_file() or printed.stat().st_size == 0:
            tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-3:]
            raise DualdxError(f"cannot write {out_pdf}: Chromium's print failed (exit "
                              f"{proc.returncode}: {' | '.join(tail)}). Fix: set "
                              "report.pdf_engine to weasyprint")
        with atomic.atomic_path(out_pdf) as dest:
            Path(dest).write_bytes(without_print_time(printed.read_bytes()))


_PRINT_TIME = re.compile(rb"/(?:CreationDate|ModDate) ?\(D:[0-9+\-Z']*\)")


def without_print_time(pdf: bytes) -> bytes:
    """``pdf`` with Chromium's /CreationDate and /ModDate blanked, so that the same report prints
    to the same bytes on every run (local, cluster, rerun). Each entry becomes spaces of the same
    length, which keeps the cross-reference offsets valid; both entries are optional in a PDF's
    document information dictionary (ISO 32000-1, 14.3.3)."""
    return _PRINT_TIME.sub(lambda m: b" " * len(m.group(0)), pdf)


def weasyprint_pdf(html: str, out_pdf: str) -> None:
    """WeasyPrint's print of ``html``. Nothing is fetched: the URL fetcher refuses every URL."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: missing pango/harfbuzz shared libraries
        raise DualdxError(
            f"cannot write {out_pdf}: WeasyPrint is not usable ({exc}). Fix: `pip install "
            "weasyprint` and install its system libraries (Debian: libpango-1.0-0 "
            "libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core), install Debian package "
            "chromium, or disable the PDF output"
        ) from exc
    # the screen-only rules (phone layout, scrolling) are meant to be ignored in print: keep
    # WeasyPrint's notes about them out of the rule log
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    doc = weasyprint.HTML(string=html, url_fetcher=_no_fetcher(weasyprint), base_url=None)
    with atomic.atomic_path(out_pdf) as tmp:
        doc.write_pdf(str(tmp))


def _no_fetcher(weasyprint: Any) -> Any:
    """A WeasyPrint URL fetcher that fetches nothing but ``data:`` URIs (the HTML has none)."""
    cls = getattr(getattr(weasyprint, "urls", None), "URLFetcher", None)
    if cls is not None:  # WeasyPrint >= 66
        return cls(allowed_protocols=["data"])

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"report rendering fetches nothing (refused {url!r})")

    return refuse
