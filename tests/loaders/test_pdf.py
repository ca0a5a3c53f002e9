from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from sillok.foundation.errors import LoadError, NeedsOCR
from sillok.ingest.loaders import load

MakePdf = Callable[..., Path]


def test_pages_numbered_and_blank_pages_dropped(make_pdf: MakePdf) -> None:
    path = make_pdf(
        "report.pdf", ["First page text\nsecond line", None, "Third page (final)"], title="Annual Report"
    )
    doc = load(path)
    assert doc.format == "pdf" and doc.title == "Annual Report"
    assert [p.number for p in doc.pages] == [1, 3]
    assert "First page text" in doc.pages[0].text and "second line" in doc.pages[0].text
    assert "Third page (final)" in doc.pages[1].text


def test_title_falls_back_to_stem(make_pdf: MakePdf) -> None:
    assert load(make_pdf("minutes.pdf", ["Hello"])).title == "minutes"


def test_blank_pdf_needs_ocr(make_pdf: MakePdf) -> None:
    with pytest.raises(NeedsOCR, match="no text layer") as info:
        load(make_pdf("blank.pdf", [None]))
    assert info.value.status == "needs_ocr"


def test_image_only_pdf_needs_ocr(make_pdf: MakePdf) -> None:
    with pytest.raises(NeedsOCR, match="scanned"):
        load(make_pdf("scan.pdf", [None, None], image_pages=(0, 1)))


def test_image_plus_text_page_loads(make_pdf: MakePdf) -> None:
    doc = load(make_pdf("mixed.pdf", [None, "caption text"], image_pages=(0,)))
    assert [p.number for p in doc.pages] == [2]


def _encrypt(src: Path, dst: Path, user: str, owner: str | None = None) -> Path:
    writer = PdfWriter(clone_from=PdfReader(src))
    writer.encrypt(user_password=user, owner_password=owner)
    with open(dst, "wb") as fh:
        writer.write(fh)
    return dst


def test_password_protected_pdf(make_pdf: MakePdf, tmp_path: Path) -> None:
    path = _encrypt(make_pdf("plain.pdf", ["secret text"]), tmp_path / "locked.pdf", "pw")
    with pytest.raises(LoadError) as info:
        load(path)
    assert info.value.reason == "encrypted PDF (password protected)"
    assert not isinstance(info.value, NeedsOCR)


def test_owner_only_encryption_opens_with_empty_password(make_pdf: MakePdf, tmp_path: Path) -> None:
    path = _encrypt(make_pdf("plain.pdf", ["readable text"]), tmp_path / "owner.pdf", "", "owner-secret")
    doc = load(path)
    assert "readable text" in doc.pages[0].text


def test_truncated_pdf(make_pdf: MakePdf, tmp_path: Path) -> None:
    data = make_pdf("whole.pdf", ["some text here"]).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[:60])
    with pytest.raises(LoadError):
        load(path)


def test_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"This is just a text file pretending to be a PDF.\n" * 20)
    with pytest.raises(LoadError, match="PDF"):
        load(path)
