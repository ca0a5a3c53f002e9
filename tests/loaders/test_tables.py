"""Tables kept as Markdown tables in every format, and long tables split with their header (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sillok.foundation.types import Chunk, Document
from sillok.ingest.chunking import chunk_document
from sillok.ingest.loaders import load
from sillok.ingest.loaders.pdf_tables import has_rules
from sillok.ingest.loaders.tables import render_table
from tests.support.pdf import build_layout_pdf, write_pdf
from tests.support.tables import (
    DISCHARGE_NOTE,
    FEE_HEADER,
    FEE_NOTICE,
    FEE_ROW,
    FEE_SCHEDULE,
    FORMATS,
    LAB_HEADER,
    LAB_PANEL,
    LAB_ROW,
    markdown,
    write_document,
)

FEE_HEADER_LINE = "| " + " | ".join(FEE_HEADER) + " |"
LAB_HEADER_LINE = "| " + " | ".join(LAB_HEADER) + " |"


def _rows_in(chunk: Chunk) -> list[str]:
    return [line for line in chunk.text.splitlines() if line.startswith("| ") and "---" not in line]


def _page_text(doc: Document, chunk: Chunk) -> str:
    return next(p.text for p in doc.pages if p.number == chunk.page)


def test_render_table_escapes_flattens_and_pads() -> None:
    text = render_table([["Test", "Result\nvalue", "Note"], ["a|b", " 7.2 ", None], ["only"]])
    assert text.splitlines() == [
        "| Test | Result value | Note |",
        "| --- | --- | --- |",
        "| a\\|b | 7.2 |  |",
        "| only |  |  |",
    ]


def test_layout_tables_stay_plain_lines() -> None:
    assert render_table([["성명", "홍길동"]]) == "성명 | 홍길동"  # one row: a form line, no header
    assert render_table([["첫 문단"], ["둘째 문단"]]) == "첫 문단\n둘째 문단"  # one column: a text box
    # A title merged across the table goes above it; empty rows and trailing empty columns go.
    assert render_table([["수가표", "", ""], ["항목", "금액", ""], ["", "", ""], ["진찰료", "17,610", ""]]) == (
        "수가표\n| 항목 | 금액 |\n| --- | --- |\n| 진찰료 | 17,610 |"
    )
    assert render_table([]) == "" and render_table([["", ""]]) == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_lab_panel_is_a_markdown_table(tmp_path: Path, fmt: str) -> None:
    doc = load(write_document(tmp_path / f"discharge.{fmt}", DISCHARGE_NOTE, title="Discharge summary"))
    text = "\n\n".join(p.text for p in doc.pages)
    assert markdown(LAB_PANEL) in text
    assert "Continue metformin" in text.split(LAB_ROW, 1)[1]  # the text after the table stays after it
    chunks = chunk_document(doc, "lab")
    holder = [c for c in chunks if LAB_ROW in c.text]
    assert len(holder) == 1 and LAB_HEADER_LINE in holder[0].text


@pytest.mark.parametrize("fmt", FORMATS)
def test_long_fee_schedule_repeats_its_header(tmp_path: Path, fmt: str) -> None:
    doc = load(write_document(tmp_path / f"수가표.{fmt}", FEE_NOTICE, title="수가 안내"))
    assert markdown(FEE_SCHEDULE) in "\n\n".join(p.text for p in doc.pages)
    chunks = chunk_document(doc, "fee", size=900)
    with_rows = [c for c in chunks if set(_rows_in(c)) - {FEE_HEADER_LINE}]
    assert len(with_rows) >= 2, "the 30-row schedule is longer than one chunk"
    for i, c in enumerate(with_rows):
        rows = _rows_in(c)
        assert rows.index(FEE_HEADER_LINE) < min(i for i, r in enumerate(rows) if r != FEE_HEADER_LINE)
        body = c.text
        if i:  # a later piece: the header and separator repeated in front of its page text
            assert c.text.startswith(FEE_HEADER_LINE + "\n| --- | --- | --- | --- |\n| ")
            body = c.text.split("\n", 2)[2]
        assert _page_text(doc, c)[c.start : c.end] == body
    # Every row is whole in exactly one chunk: no row is cut or merged mid-row with prose.
    all_rows = [r for c in with_rows for r in _rows_in(c) if r != FEE_HEADER_LINE]
    assert all_rows == [markdown([FEE_HEADER, row]).splitlines()[2] for row in FEE_SCHEDULE[1:]]
    assert any(FEE_ROW in c.text and c is not with_rows[0] for c in chunks)


def test_pdf_table_keeps_its_page_number(tmp_path: Path) -> None:
    pages = [["Discharge summary", "Patient: Jordan Lee, 58 years."], ["Laboratory results", LAB_PANEL, "End of report."]]
    path = tmp_path / "two-pages.pdf"
    path.write_bytes(build_layout_pdf(pages))
    doc = load(path)
    assert [p.number for p in doc.pages] == [1, 2]
    assert markdown(LAB_PANEL) not in doc.pages[0].text and markdown(LAB_PANEL) in doc.pages[1].text
    assert doc.pages[1].text.startswith("Laboratory results\n\n| Test |")
    assert doc.pages[1].text.endswith("\n\nEnd of report.")
    (holder,) = [c for c in chunk_document(doc, "p") if LAB_ROW in c.text]
    assert holder.page == 2 and doc.pages[1].text[holder.start : holder.end] == holder.text


def test_pdf_pages_without_rules_keep_pypdf_text(tmp_path: Path) -> None:
    from pypdf import PdfReader

    plain = write_pdf(tmp_path / "plain.pdf", [["Test Result Unit", "Hemoglobin A1c 7.2 %"]])
    ruled = tmp_path / "ruled.pdf"
    ruled.write_bytes(build_layout_pdf([["Results", LAB_PANEL]]))
    assert not has_rules(PdfReader(plain).pages[0]) and has_rules(PdfReader(ruled).pages[0])
    assert load(plain).pages[0].text == "Test Result Unit\nHemoglobin A1c 7.2 %"


def test_korean_pdf_table_cells(tmp_path: Path) -> None:
    path = tmp_path / "수가.pdf"
    path.write_bytes(build_layout_pdf([["수가 안내", FEE_SCHEDULE[:6]]]))
    text = load(path).pages[0].text
    assert text == "수가 안내\n\n" + markdown(FEE_SCHEDULE[:6])
