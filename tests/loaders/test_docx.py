from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from sillok.foundation.errors import LoadError
from sillok.ingest.loaders import load


def _make_docx(path: Path, core_title: str = "") -> Path:
    d = docx.Document()
    d.add_heading("연간 사업 계획", level=0)
    d.add_paragraph("이 문서는 올해의 사업 계획을 설명한다.")
    d.add_heading("1. 예산", level=1)
    d.add_paragraph("총 예산은 10억 원이다.")
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate([["항목", "금액", "비고"], ["인건비", "6억", ""]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_heading("1.1 세부 내역", level=2)
    d.add_paragraph("")  # empty paragraphs are dropped
    d.add_paragraph("표 다음 문단.")
    d.core_properties.title = core_title
    d.save(str(path))
    return path


def test_docx_order_headings_and_table(tmp_path: Path) -> None:
    doc = load(_make_docx(tmp_path / "plan.docx"))
    assert doc.format == "docx"
    assert len(doc.pages) == 1 and doc.pages[0].number is None
    assert doc.pages[0].text.split("\n\n") == [
        "# 연간 사업 계획",
        "이 문서는 올해의 사업 계획을 설명한다.",
        "# 1. 예산",
        "총 예산은 10억 원이다.",
        "| 항목 | 금액 | 비고 |\n| --- | --- | --- |\n| 인건비 | 6억 |  |",
        "## 1.1 세부 내역",
        "표 다음 문단.",
    ]
    assert doc.title == "연간 사업 계획"  # no core title: first heading


def test_docx_core_title_wins(tmp_path: Path) -> None:
    assert load(_make_docx(tmp_path / "p.docx", core_title="2025 Plan")).title == "2025 Plan"


def test_merged_cells_not_repeated(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "머리"
    for c, v in enumerate(["a", "b", "c"]):
        t.cell(1, c).text = v
    path = tmp_path / "merged.docx"
    d.save(str(path))
    assert load(path).pages[0].text == "머리\na | b | c"


def test_empty_docx_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    with pytest.raises(LoadError, match="no text found"):
        load(path)


def test_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.docx"
    path.write_bytes(bytes((i * 37) % 251 for i in range(4000)))
    with pytest.raises(LoadError) as info:
        load(path)
    assert info.value.reason == "not a valid DOCX (corrupt zip)"


def test_zip_that_is_not_docx(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a word document")
    with pytest.raises(LoadError, match="not a valid DOCX"):
        load(path)


def test_truncated_docx(tmp_path: Path) -> None:
    data = _make_docx(tmp_path / "ok.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError, match="not a valid DOCX"):
        load(path)


def test_docx_zip_bomb_refused(tmp_path: Path) -> None:
    path = _make_docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/zeros.bin", b"\0" * (12 * 1024 * 1024))
    with pytest.raises(LoadError, match="zip bomb"):
        load(path)


def test_text_inside_content_control_kept_in_order(tmp_path: Path) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    d.add_paragraph("앞 문단")
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>목차 안의 글</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    d.add_paragraph("뒤 문단")._p.addprevious(sdt)
    path = tmp_path / "sdt.docx"
    d.save(str(path))
    assert load(path).pages[0].text == "앞 문단\n\n목차 안의 글\n\n뒤 문단"
