from __future__ import annotations

import struct
from pathlib import Path

import pytest

from sillok.foundation.errors import LoadError, NeedsOCR
from sillok.ingest.loaders import load
from sillok.ingest.loaders.hwp import decode_para_text, iter_records
from tests.support import paths

SAMPLES = paths.SAMPLES / "hwp"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="HWP samples not found in ../shared/samples/hwp"
)


def _units(*parts: str | list[int]) -> bytes:
    out = b""
    for part in parts:
        out += part.encode("utf-16-le") if isinstance(part, str) else struct.pack(f"<{len(part)}H", *part)
    return out


def _ext(code: int) -> list[int]:
    """An 8-unit inline/extended control: code, 6 units of data, code again."""
    return [code, 0x6C74, 0x2062, 0, 0, 0, 0, code]


def test_decode_para_text_controls() -> None:
    payload = _units(
        _ext(2),  # section definition (extended)
        "가나",
        _ext(11),  # table / drawing object anchor (extended)
        "다",
        _ext(9),  # tab is an inline control of 8 units
        "라",
        [10],  # line break: one unit
        "마",
        [30],  # bound space
        "바",
        [24],  # hyphen
        "사",
        _ext(4),  # field end (inline)
        "😀",  # a surrogate pair survives
        [13],  # paragraph end
    )
    assert decode_para_text(payload) == "가나다\t라\n마 바-사😀"


def test_iter_records_extended_size_and_truncation() -> None:
    big = b"x" * 5000
    data = struct.pack("<I", 67 | (1 << 10) | (0xFFF << 20)) + struct.pack("<I", len(big)) + big
    data += struct.pack("<I", 66 | (3 << 20)) + b"abc"
    data += struct.pack("<I", 67 | (100 << 20)) + b"short"  # truncated tail is ignored
    assert [(t, lvl, len(p)) for t, lvl, p in iter_records(data)] == [(67, 1, 5000), (66, 0, 3)]


def test_not_ole(tmp_path: Path) -> None:
    path = tmp_path / "fake.hwp"
    path.write_bytes(b"just some text, not a compound file" * 20)
    with pytest.raises(LoadError, match="not a valid HWP"):
        load(path)


def test_hwp3_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.hwp"
    path.write_bytes(b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + b"\0" * 200)
    with pytest.raises(LoadError, match="HWP 3"):
        load(path)


@needs_samples
def test_truncated_sample(tmp_path: Path) -> None:
    data = (SAMPLES / "hwpjs_noori.hwp").read_bytes()
    path = tmp_path / "cut.hwp"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(LoadError):
        load(path)


@needs_samples
def test_distribution_document_is_drm() -> None:
    with pytest.raises(LoadError) as info:
        load(SAMPLES / "distribution.hwp")
    assert info.value.reason == (
        "HWP distribution document (DRM-protected): open it in Hangul and save an unprotected copy"
    )


@needs_samples
@pytest.mark.parametrize("name", ["blank.hwp", "basic_blank.hwp"])
def test_blank_documents(name: str) -> None:
    with pytest.raises(LoadError) as info:
        load(SAMPLES / name)
    assert info.value.reason == "no text found"


@needs_samples
def test_image_only_needs_ocr() -> None:
    with pytest.raises(NeedsOCR):
        load(SAMPLES / "changing-image.hwp")


@needs_samples
def test_report_sample_text_and_table() -> None:
    doc = load(SAMPLES / "hwpjs_basicsReport.hwp")
    assert doc.format == "hwp" and doc.pages[0].number is None
    text = doc.pages[0].text
    assert "리포트의 제목" in text
    assert "| 과목명 | ○○○○ |\n| --- | --- |\n| 담당교수 | ○○○ |" in text  # rebuilt from cell addresses
    assert "\x00" not in text and "\ufffd" not in text


@needs_samples
def test_press_release_sample() -> None:
    doc = load(SAMPLES / "hwpjs_noori.hwp")
    text = doc.pages[0].text
    assert "한국형발사체" in text and "과학기술정보통신부" in text
    assert "배포일시 | 2018. 9. 3.(월) 09:00 | 담당부서 | 거대공공연구정책과" in text
    paragraphs = text.split("\n\n")
    assert len(paragraphs) > 10


@needs_samples
def test_merged_table_layout() -> None:
    lines = load(SAMPLES / "merging-cell.hwp").pages[0].text.splitlines()
    assert lines[0] == "| 0,0 | 0,1 | 0,2 | 0,3 | 0,4 | 0,5 | 0,6 |"
    assert lines[1] == "| --- " * 7 + "|"
    assert len(lines) == 8


@needs_samples
def test_title_from_summary_information() -> None:
    doc = load(SAMPLES / "changing-paragraph-text.hwp")
    assert doc.title == "안녕하세요"
    assert doc.pages[0].text == "안녕하세요.\n\n이것은 샘플입니다."


@needs_samples
def test_corrupt_summary_information_does_not_hang(tmp_path: Path) -> None:
    """olefile's property parser spins on absurd counts; the loader must not use it on HWP files."""
    import shutil
    import time

    import olefile

    path = tmp_path / "bad-summary.hwp"
    shutil.copy(SAMPLES / "changing-paragraph-text.hwp", path)
    name = "\x05HwpSummaryInformation"
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream(name).read())
        (section,) = struct.unpack_from("<I", data, 44)
        struct.pack_into("<I", data, section + 4, 0xFFFFFFF0)  # property count
        for i in range(8):  # every property a vector of ~4 billion VT_EMPTY items
            (_, offset) = struct.unpack_from("<II", data, section + 8 + 8 * i)
            if section + offset + 8 <= len(data):
                struct.pack_into("<II", data, section + offset, 0x1000, 0xFFFFFFF0)
        ole.write_stream(name, bytes(data))
    start = time.monotonic()
    doc = load(path)
    assert time.monotonic() - start < 5
    assert doc.title == "bad-summary"
    assert "이것은 샘플입니다." in doc.pages[0].text
