from __future__ import annotations

from pathlib import Path

import pytest

from sillok.foundation.errors import LoadError
from sillok.ingest.loaders import SUPPORTED_SUFFIXES, is_supported, load


def test_supported_suffixes() -> None:
    assert {".pdf", ".docx", ".hwp", ".hwpx", ".html", ".htm", ".txt", ".md",
            ".png", ".jpg", ".jpeg", ".tif", ".tiff"} == SUPPORTED_SUFFIXES  # images: scans, read by OCR
    assert is_supported("a/B.PDF") and is_supported(Path("x.hwpx"))
    assert not is_supported("notes.xyz") and not is_supported("README")


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "data.xyz"
    path.write_text("hello")
    with pytest.raises(LoadError, match="unsupported file type"):
        load(path)


@pytest.mark.parametrize("suffix", sorted(SUPPORTED_SUFFIXES))
def test_empty_file_every_format(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    with pytest.raises(LoadError) as info:
        load(path)
    assert info.value.reason == "empty file"
    assert info.value.status == "failed"


@pytest.mark.parametrize("suffix", sorted(SUPPORTED_SUFFIXES))
def test_garbage_every_format_raises_loaderror_only(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"garbage{suffix}"
    path.write_bytes(bytes(range(256)) * 8 + b"\x00\xff" * 100)
    with pytest.raises(LoadError):
        load(path)


def test_too_large_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(LoadError, match=r"too large \(3 MB > limit 1 MB\)"):
        load(path, max_bytes=1024 * 1024)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="file not found"):
        load(tmp_path / "nope.txt")
    folder = tmp_path / "folder.md"
    folder.mkdir()
    with pytest.raises(LoadError, match="not a regular file"):
        load(folder)


def test_suffix_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "UPPER.TXT"
    path.write_text("plain words", encoding="utf-8")
    doc = load(path)
    assert doc.format == "txt" and doc.pages[0].text == "plain words"
