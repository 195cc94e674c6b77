"""Screenshots of the example's report for a reviewer: the page at 1400 and 390 px and every PDF
page as an image. Nothing is committed; the images go to a folder outside the repository.

    python benchmarks/report_screenshots.py [--out DIR] [--html results/F/report.html]

Without ``--html`` the bundled example is run first in a scratch directory (``--workdir``,
default $TMPDIR/dualdx_report_example). Writes ``page_1400.png`` and ``page_390.png`` (full
page), ``pdf-N.png`` (one per PDF page, 80 dpi) and ``print-N.png`` (Chromium's own print of the
page, to compare with the PDF). Needs Debian ``chromium`` and ``poppler-utils`` and the Python
package ``playwright`` (no ``playwright install``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _report_example import run_example

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    tmp = Path(tempfile.gettempdir())
    ap.add_argument("--out", type=Path, default=tmp / "dualdx_report_screenshots")
    ap.add_argument("--html", type=Path, help="a report.html (its report.pdf beside it)")
    ap.add_argument("--workdir", type=Path, default=tmp / "dualdx_report_example")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None or not Path(args.chromium).is_file():
        sys.exit("needs Debian packages chromium and poppler-utils")
    from playwright.sync_api import sync_playwright

    html = args.html.resolve() if args.html else run_example(args.workdir) / "report.html"
    pdf = html.with_name("report.pdf")
    args.out.mkdir(parents=True, exist_ok=True)
    for old in [*args.out.glob("pdf-*.png"), *args.out.glob("print-*.png")]:
        old.unlink()
    printed = args.out / "print.pdf"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            for width in (1400, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(html.as_uri(), wait_until="load")
                page.screenshot(path=str(args.out / f"page_{width}.png"), full_page=True)
                page.close()
            page = browser.new_page()
            page.goto(html.as_uri(), wait_until="load")
            page.emulate_media(media="print")
            page.pdf(path=str(printed), format="A4", print_background=True,
                     prefer_css_page_size=True)
        finally:
            browser.close()
    if pdf.is_file():
        subprocess.run([pdftoppm, "-r", "80", "-png", str(pdf), str(args.out / "pdf")], check=True)
    else:
        print(f"no {pdf}: PDF pages skipped (report.pdf: false?)")
    subprocess.run([pdftoppm, "-r", "80", "-png", str(printed), str(args.out / "print")],
                   check=True)
    printed.unlink()
    for f in sorted(args.out.glob("*.png")):
        print(f)


if __name__ == "__main__":
    main()
