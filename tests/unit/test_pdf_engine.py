"""dualdx.report.pdf.find_chromium: which Chromium prints the report (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualdx.report import pdf


def _on_path(monkeypatch: pytest.MonkeyPatch, names: set[str]) -> None:
    monkeypatch.delenv("DUALDX_CHROMIUM", raising=False)
    monkeypatch.setattr(pdf.shutil, "which", lambda n: f"/usr/bin/{n}" if n in names else None)


def test_the_headless_shell_is_preferred_over_the_full_browser(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _on_path(monkeypatch, {"chromium", "chromium-headless-shell"})
    assert pdf.find_chromium() == "/usr/bin/chromium-headless-shell"


def test_the_full_browser_when_the_shell_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    _on_path(monkeypatch, {"chromium", "google-chrome"})
    assert pdf.find_chromium() == "/usr/bin/chromium"
    _on_path(monkeypatch, set())
    assert pdf.find_chromium() is None


def test_dualdx_chromium_overrides_the_search(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    _on_path(monkeypatch, {"chromium-headless-shell"})
    exe = tmp_path / "my-chrome"
    exe.write_text("")
    monkeypatch.setenv("DUALDX_CHROMIUM", str(exe))
    assert pdf.find_chromium() == str(exe)
