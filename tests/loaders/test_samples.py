"""Every real sample either loads with text or is refused with a clear reason — nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from sillok.foundation.errors import LoadError, NeedsOCR
from sillok.ingest.loaders import load
from tests.support.paths import SAMPLES

# What each sample is known to be, checked by reading its output. Unlisted samples must load with text.
REFUSED = {
    "distribution.hwp": (LoadError, "HWP distribution document (DRM-protected)"),
    "blank.hwp": (LoadError, "no text found"),
    "basic_blank.hwp": (LoadError, "no text found"),
    "basic_ole.hwp": (NeedsOCR, "needs OCR"),  # only an embedded OLE object and its picture
    "changing-image.hwp": (NeedsOCR, "needs OCR"),
    "inserting_image_cell.hwp": (LoadError, "no text found"),  # an empty table
    "making_caption.hwp": (LoadError, "no text found"),  # an empty drawing object
    "removing-row.hwp": (LoadError, "no text found"),  # an empty table
    "setting-celltext-by-field.hwp": (LoadError, "no text found"),  # empty tables with field names only
    "error_20240305_2022.hwpx": (LoadError, "no text found"),  # an empty rectangle
}
KNOWN_TEXT = {
    "hwpjs_basicsReport.hwp": "리포트의 제목",
    "source.hwp": "이것은 원본 HWP 파일의 내용입니다.",
    "target.hwp": "이것은 Target HWP의 문단 내용입니다.",
    "reader_writer_SimpleTable.hwpx": "| 1 |  | 2 |\n| --- | --- | --- |\n| 1 |  | 3 |",  # merged cells
    "tool_textextractor_Table.hwpx": "개똥이 | 89 | 65 | 78",
    "tool_textextractor_multipara.hwpx": "김하성은 2일(이하 한국시간)",
    "reader_writer_HeaderFooter.hwpx": "머리말 테스트",
    "tool_textextractor_RectInRect.hwpx": "사각형 안에 사각형의 텍스트입니다.",
    "error_20230413_test.hwpx": "서울특별시 강남구 공고 제2023-745호",
}


def _samples() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    return sorted([*SAMPLES.glob("hwp/*.hwp"), *SAMPLES.glob("hwpx/*.hwpx")])


@pytest.mark.skipif(not _samples(), reason="no samples in ../shared/samples")
@pytest.mark.parametrize("path", _samples(), ids=lambda p: p.name)
def test_sample_loads_or_is_refused_clearly(path: Path) -> None:
    expected = REFUSED.get(path.name)
    if expected is None:
        doc = load(path)
        text = "\n".join(p.text for p in doc.pages)
        assert text.strip(), path.name
        assert doc.format == path.suffix[1:] and doc.title
        assert "\x00" not in text
        if path.name in KNOWN_TEXT:
            assert KNOWN_TEXT[path.name] in text
    else:
        kind, reason = expected
        with pytest.raises(LoadError) as info:
            load(path)
        assert type(info.value) is kind
        assert info.value.reason.startswith(reason)
