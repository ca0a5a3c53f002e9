from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from sillok.foundation.errors import LoadError
from sillok.ingest.loaders import load
from sillok.ingest.loaders.text import decode_bytes
from tests.support.paths import EVAL

STATUTE = "제1조(목적) 이 법은 국민의 권리를 보호함을 목적으로 한다."
STATUTES_DIR = EVAL / "ko-statutes" / "docs"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_with_crlf(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "a.txt", "첫 줄\r\n둘째 줄\r마지막".encode()))
    assert doc.format == "txt" and doc.title == "a"
    assert doc.pages == doc.pages[:1] and doc.pages[0].number is None
    assert doc.pages[0].text == "첫 줄\n둘째 줄\n마지막"


def test_utf8_bom(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "b.txt", codecs.BOM_UTF8 + STATUTE.encode()))
    assert doc.pages[0].text == STATUTE


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    data = STATUTE.encode(codec) if codec == "utf-16" else codecs.BOM_UTF16_BE + STATUTE.encode(codec)
    assert load(_write(tmp_path, "c.txt", data)).pages[0].text == STATUTE


def test_utf16_le_without_bom(tmp_path: Path) -> None:
    text = "Meeting notes 2024: 예산 검토 and follow-up."
    assert load(_write(tmp_path, "d.txt", text.encode("utf-16-le"))).pages[0].text == text


@pytest.mark.parametrize(
    "text",
    [STATUTE, "제1조", "가", "한국어", "회의록\r\n참석자: 김철수, 이영희\r\n", "Report 2024 요약"],
)
@pytest.mark.parametrize("codec", ["cp949", "euc-kr"])
def test_korean_legacy_encodings_decode_as_korean(tmp_path: Path, text: str, codec: str) -> None:
    doc = load(_write(tmp_path, "k.txt", text.encode(codec)))
    assert doc.pages[0].text == text.replace("\r\n", "\n").strip()


def test_cp949_only_syllables(tmp_path: Path) -> None:
    # 똠, 뷁 exist in CP949 (Unified Hangul Code) but not in plain EUC-KR (KS X 1001).
    text = "똠방각하 뷁 제2조(정의)"
    assert load(_write(tmp_path, "u.txt", text.encode("cp949"))).pages[0].text == text


def test_decode_bytes_other_scripts() -> None:
    assert decode_bytes("Привет мир, это обычный тест кодировки".encode("cp1251")) == (
        "Привет мир, это обычный тест кодировки"
    )
    assert (
        decode_bytes("日本語のテキストです。テストします。".encode("shift_jis"))
        == "日本語のテキストです。テストします。"
    )


def test_broken_bytes_refused(tmp_path: Path) -> None:
    data = bytes((i * 73 + 11) % 256 for i in range(600))
    with pytest.raises(LoadError, match="cannot detect text encoding"):
        load(_write(tmp_path, "broken.txt", data))


def test_binary_with_nuls_refused(tmp_path: Path) -> None:
    with pytest.raises(LoadError):
        load(_write(tmp_path, "bin.txt", b"\x00\x01\x02\x03" * 200))


def test_whitespace_only_is_no_text(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no text found"):
        load(_write(tmp_path, "blank.txt", b" \n\r\n\t \n"))


def test_markdown_title_and_format(tmp_path: Path) -> None:
    doc = load(_write(tmp_path, "notes.md", "intro line\n\n# 사업 계획서\n\n## 목표\n본문".encode()))
    assert doc.format == "md" and doc.title == "사업 계획서"
    assert "## 목표" in doc.pages[0].text
    doc = load(_write(tmp_path, "plain.md", b"no heading here"))
    assert doc.title == "plain"


def _cp949_statutes() -> list[Path]:
    if not STATUTES_DIR.is_dir():
        return []
    found = []
    for path in sorted(STATUTES_DIR.glob("*.txt")):
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            found.append(path)
    return found[:3]


@pytest.mark.skipif(not _cp949_statutes(), reason="no CP949 files in ../shared/eval/ko-statutes/docs")
@pytest.mark.parametrize("path", _cp949_statutes(), ids=lambda p: p.name)
def test_real_cp949_statutes(path: Path) -> None:
    path.read_bytes().decode("cp949")  # really CP949, and strictly decodable
    doc = load(path)
    text = doc.pages[0].text
    assert "제" in text and "조" in text
    assert doc.title == path.stem
    assert text.startswith("# ") and path.stem in text.splitlines()[0]
