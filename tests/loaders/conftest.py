"""Fixtures that build real files (PDF, HWPX) on disk for the loader tests: no mocks. The writers
themselves are in tests/support (pdf.py, hwpx.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.hwpx import write_hwpx
from tests.support.pdf import write_pdf


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    """make_pdf(name, pages, title=..., image_pages=...): a PDF in tmp_path (see support.pdf.build_pdf)."""

    def make(name: str, pages: list[str | None], **kwargs: object) -> Path:
        return write_pdf(tmp_path / name, pages, **kwargs)

    return make


@pytest.fixture
def make_hwpx(tmp_path: Path) -> Callable[..., Path]:
    """make_hwpx(name, sections, spine=..., manifest=..., extra=...): an HWPX package in tmp_path."""

    def make(name: str, sections: list[str], **kwargs: object) -> Path:
        return write_hwpx(tmp_path / name, sections, **kwargs)  # type: ignore[arg-type]

    return make
