"""Desktop tests: pytest-qt offscreen, one QApplication, a tmp data folder, the real facade and models."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6", reason="the desktop extra (PySide6) is not installed")

