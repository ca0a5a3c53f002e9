"""The chunker keeps Markdown tables whole row by row and repeats a long table's header (issue 15)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sillok.foundation.types import Document, Page
from sillok.ingest.chunking import chunk_document
from sillok.ingest.loaders import load
from sillok.ingest.loaders.tables import render_table

CELL = st.text(alphabet="abc xyz 가나다 0123456789.-%()", min_size=6, max_size=24).map(str.strip).filter(bool)
PROSE = st.text(alphabet="Lorem ipsum dolor 검사 결과 안내. ", min_size=0, max_size=400)


def _split(text: str, page: str, start: int, end: int) -> tuple[str, str]:
    """(repeated header, page part) of a chunk's text; the page part must be page[start:end]."""
    body = page[start:end]
    assert text.endswith(body)
    prefix = text[: len(text) - len(body)]
    assert prefix == "" or prefix.endswith("\n")
    return prefix.rstrip("\n"), body


@settings(max_examples=60, deadline=None)
@given(
    header=st.lists(CELL, min_size=2, max_size=5, unique=True),
    rows=st.lists(st.lists(CELL, min_size=5, max_size=5), min_size=1, max_size=60),
    before=PROSE,
    after=PROSE,
    size=st.integers(min_value=400, max_value=900),
)
def test_tables_cut_between_rows_with_the_header_repeated(
    header: list[str], rows: list[list[str]], before: str, after: str, size: int
) -> None:
    table = render_table([header] + [r[: len(header)] for r in rows])
    head = "\n".join(table.splitlines()[:2])
    row_lines = table.splitlines()[2:]
    page = "\n\n".join(p for p in (before.strip(), table, after.strip()) if p)
    chunks = chunk_document(Document(Path("t.md"), [Page(None, page)]), "t", size=size, min_size=100)
    seen: list[str] = []
    repeated = 0
    for c in chunks:
        prefix, body = _split(c.text, page, c.start, c.end)
        repeated += bool(prefix)
        assert prefix in ("", head)
        lines = body.splitlines()
        own = [ln for ln in lines if ln in row_lines]
        seen += own
        if own and head not in body:  # rows without their table's start: the header leads the chunk
            assert prefix == head
        if prefix:
            assert lines[0] in row_lines, "a repeated header is followed by a row"
    if len(table) > size:  # the table was split, so some piece carries the header again
        assert repeated
    # Every row whole, once, in order (the rows are short enough that none needs cutting).
    assert seen == row_lines


def test_a_row_longer_than_a_chunk_is_cut_and_keeps_the_header() -> None:
    long_cell = "환자 안내문 본문. " * 200
    table = render_table([["구분", "내용"], ["1", "짧은 내용"], ["2", long_cell], ["3", "끝"]])
    page = "안내\n\n" + table
    chunks = chunk_document(Document(Path("t.md"), [Page(None, page)]), "t", size=500)
    assert len(chunks) >= 5
    for c in chunks[1:]:
        assert c.text.startswith("| 구분 | 내용 |\n| --- | --- |\n")
        assert len(c.text) <= 500
        _split(c.text, page, c.start, c.end)


def test_a_short_table_stays_whole_with_its_prose(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    table = render_table([["Test", "Result"], ["Hemoglobin A1c", "7.2 %"], ["Glucose", "131 mg/dL"]])
    path.write_text(f"# Labs\n\nFasting sample.\n\n{table}\n\nRepeat in three months.\n", encoding="utf-8")
    doc = load(path)
    (chunk,) = chunk_document(doc, "n")
    assert table in chunk.text and chunk.text == doc.pages[0].text[chunk.start : chunk.end]


def test_merged_neighbours_show_a_table_header_once() -> None:
    from sillok.ingest.chunking import without_repeated_header

    head = "| 항목 | 금액(원) |\n| --- | --- |"
    first, second = f"안내\n\n{head}\n| 초진 | 17,610 |", f"{head}\n| 재진 | 12,590 |"
    assert without_repeated_header(second, first) == "| 재진 | 12,590 |"
    assert without_repeated_header(second, "안내") == second  # not shown before: kept
    assert without_repeated_header("plain text", first) == "plain text"
