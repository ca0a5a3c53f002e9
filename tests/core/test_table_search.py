"""A question about one row of a table finds that row with its column names, in every format (issue 15).

Real ingest (loaders, chunking, Kiwi, SQLite keyword index, Chroma with the bundled embedder) over a
small office folder: the discharge note with its lab panel, the Korean fee schedule (long enough to be
split, the asked row in a later piece) and unrelated documents around them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.tables import (
    DISCHARGE_NOTE,
    FEE_HEADER,
    FEE_NOTICE,
    FEE_ROW,
    FORMATS,
    LAB_HEADER,
    LAB_ROW,
    write_document,
)

OTHER_DOCS = {
    "lease": ["# Office lease", "The tenant pays rent of 2,400,000 won on the first day of each month. The deposit "
              "is returned within 30 days after the premises are handed back in their original state."],
    "minutes": ["# 운영위원회 회의록", "2024년 2월 운영위원회는 야간 진료 시간 연장과 주차장 확장 공사 일정을 논의하였다. "
                "공사는 4월에 시작하며 기간 중 외래 주차는 제2주차장을 이용한다."],
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_row_question_finds_the_row_with_its_header(tmp_path: Path, fmt: str) -> None:
    from sillok.service.facade import Sillok

    # Touching chunks are not merged into one hit, nor widened into a window, here, so the hit is the one
    # chunk that answers: the fee row's piece must carry the header itself (not the schedule's first piece).
    svc = Sillok(home=tmp_path / "home", merge_neighbours=False, window_tokens=0)
    folder = tmp_path / "office"
    folder.mkdir()
    write_document(folder / f"discharge.{fmt}", DISCHARGE_NOTE, title="Discharge summary")
    write_document(folder / f"fees.{fmt}", FEE_NOTICE, title="2024년 진료비 수가 안내")
    for name, items in OTHER_DOCS.items():
        write_document(folder / f"{name}.{fmt}", items, title=name)
    report = svc.ingest([folder])
    assert not report.failed and len(report.files) == 4

    top = svc.search("What is the reference range of Hemoglobin A1c?")[0]
    assert LAB_ROW in top.text and "| " + " | ".join(LAB_HEADER) + " |" in top.text
    assert top.chunk_ids == [top.chunk_id]
    assert Path(top.source).name == f"discharge.{fmt}"

    top = svc.search("당화혈색소 검사 수가 금액은 얼마인가요?")[0]
    assert FEE_ROW in top.text and top.chunk_ids == [top.chunk_id] and top.ordinal > 0
    assert top.text.startswith("| " + " | ".join(FEE_HEADER) + " |\n| --- |")
    assert Path(top.source).name == f"fees.{fmt}"


def test_merged_hits_read_a_split_table_with_one_header(svc, tmp_path: Path) -> None:
    write_document(tmp_path / "fees.docx", FEE_NOTICE, title="2024년 진료비 수가 안내")
    svc.ingest([tmp_path / "fees.docx"])
    header = "| " + " | ".join(FEE_HEADER) + " |"
    for hit in svc.search("진료비 수가 검사 금액"):
        assert hit.text.count(header) == 1, hit.text
        if len(hit.chunk_ids) > 1:
            assert FEE_ROW in hit.text
