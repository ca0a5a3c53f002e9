"""Shared fixtures: real files, real Chroma on tmp dirs, the real bundled embedding model.

Helpers that test modules share live in tests/support (paths, the PDF writer, servers, ...).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture
def svc(tmp_path: Path):
    from sillok.service.facade import Sillok

    return Sillok(home=tmp_path / "home")


@pytest.fixture
def make_window(qtbot):
    """Build MainWindow(s) on a data folder (after saving `values` as the user's settings); every
    window is closed (worker stopped) at teardown. Used by tests/desktop and the office desktop test."""
    from sillok.app.desktop.i18n import install_language
    from sillok.app.desktop.window import MainWindow
    from sillok.foundation.settings import load_settings

    made = []

    def make(home: Path, lang: str = "en", **values: object) -> MainWindow:
        if values:
            load_settings(home=home).save_user_values(values)
        language = install_language(lang)
        w = MainWindow(load_settings(home=home), {"home": home}, language)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: w.snapshot is not None, timeout=60_000)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()
    install_language("en")
