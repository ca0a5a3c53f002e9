from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from sillok.foundation.errors import LoadError, NeedsOCR
from sillok.ingest.loaders import load
from sillok.ingest.loaders.limits import check_zip
from tests.support.hwpx import hwpx_para, hwpx_table

MakeHwpx = Callable[..., Path]


def test_paragraphs_tables_and_spine_order(make_hwpx: MakeHwpx) -> None:
    s0 = hwpx_para("둘째 구역") + hwpx_table([["이름", "점수"], ["홍길동", "90"]])
    s1 = (
        hwpx_para("첫째 구역") + "<hp:p><hp:run><hp:t>탭<hp:tab/>뒤</hp:t><hp:t>이어서</hp:t></hp:run></hp:p>"
    )
    doc = load(make_hwpx("doc.hwpx", [s0, s1], spine=[1, 0]))
    assert doc.format == "hwpx" and doc.title == "doc"
    assert doc.pages[0].text.split("\n\n") == [
        "첫째 구역",
        "탭 뒤이어서",
        "둘째 구역",
        "| 이름 | 점수 |\n| --- | --- |\n| 홍길동 | 90 |",
    ]


def test_sorted_sections_without_manifest(make_hwpx: MakeHwpx) -> None:
    sections = [hwpx_para(f"구역 {i}") for i in range(12)]
    doc = load(make_hwpx("many.hwpx", sections))
    assert doc.pages[0].text.split("\n\n") == [f"구역 {i}" for i in range(12)]  # 10 after 9, not after 1


def test_namespace_agnostic(make_hwpx: MakeHwpx) -> None:
    body = '<x:p xmlns:x="urn:other"><x:run><x:t>다른 네임스페이스</x:t></x:run></x:p>'
    assert load(make_hwpx("ns.hwpx", [body])).pages[0].text == "다른 네임스페이스"


def test_encrypted_hwpx(make_hwpx: MakeHwpx) -> None:
    manifest = (
        '<odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<odf:file-entry odf:full-path="Contents/section0.xml"><odf:encryption-data odf:checksum="x">'
        '<odf:algorithm odf:algorithm-name="AES"/></odf:encryption-data></odf:file-entry></odf:manifest>'
    )
    with pytest.raises(LoadError, match="encrypted HWPX"):
        load(make_hwpx("locked.hwpx", ["garbled"], manifest=manifest))


def test_empty_and_image_only(make_hwpx: MakeHwpx) -> None:
    with pytest.raises(LoadError, match="no text found"):
        load(make_hwpx("empty.hwpx", ["<hp:p><hp:run><hp:t/></hp:run></hp:p>"]))
    pic = "<hp:p><hp:run><hp:pic><hc:img xmlns:hc='urn:c' binaryItemIDRef='image1'/></hp:pic></hp:run></hp:p>"
    with pytest.raises(NeedsOCR):
        load(make_hwpx("scan.hwpx", [pic], extra={"BinData/image1.png": b"\x89PNG fake"}))


def test_bad_zip_and_missing_sections(make_hwpx: MakeHwpx, tmp_path: Path) -> None:
    bad = tmp_path / "bad.hwpx"
    bad.write_bytes(b"PK\x03\x04 not really a zip" * 10)
    with pytest.raises(LoadError, match="not a valid HWPX"):
        load(bad)
    nosec = tmp_path / "nosec.hwpx"
    with zipfile.ZipFile(nosec, "w") as zf:
        zf.writestr("mimetype", "application/hwp+zip")
    with pytest.raises(LoadError, match="no Contents/section"):
        load(nosec)


def test_malformed_section_xml(make_hwpx: MakeHwpx) -> None:
    path = make_hwpx("broken.hwpx", [], extra={"Contents/section0.xml": b"\x00\x01 not xml at all <<<"})
    with pytest.raises(LoadError):
        load(path)


def test_zip_limits(make_hwpx: MakeHwpx) -> None:
    path = make_hwpx(
        "bomb.hwpx", [hwpx_para("본문")], extra={"BinData/zeros.bin": b"\0" * (12 * 1024 * 1024)}
    )
    with pytest.raises(LoadError, match="zip bomb"):
        load(path)
    small = make_hwpx("small.hwpx", [hwpx_para("본문" * 1000)])
    with zipfile.ZipFile(small) as zf, pytest.raises(LoadError, match="uncompressed size"):
        check_zip(small, zf, max_unzipped=1000)
