from __future__ import annotations

from pathlib import Path

import pytest

from sillok.foundation.errors import LoadError
from sillok.ingest.loaders import load

PAGE = """<!DOCTYPE html>
<html><head><title> 민원 안내 </title><style>body { color: red; }</style>
<script>var secret = "script text";</script></head>
<body>
<header>Site header menu</header>
<nav><a href="/">Home</a> <a href="/about">About us</a></nav>
<main>
  <h1>민원 처리 절차</h1>
  <p>민원은   온라인으로
     접수합니다.</p>
  <!-- a comment that must not appear -->
  <h2>처리 기간</h2>
  <ul><li>일반 민원: 7일</li><li>복합 민원: <b>14일</b></li></ul>
  <table>
    <tr><th>구분</th><th>기간</th></tr>
    <tr><td>일반</td><td>7일</td></tr>
  </table>
  <div>Loose text in a div</div>
  <h6>Small heading</h6>
  <noscript>Enable JavaScript</noscript>
</main>
<footer>Copyright footer</footer>
<script>document.write("late script")</script>
</body></html>
"""


def test_html_structure(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = load(path)
    assert doc.format == "html" and doc.title == "민원 안내"
    assert doc.pages[0].number is None
    assert doc.pages[0].text.split("\n\n") == [
        "# 민원 처리 절차",
        "민원은 온라인으로 접수합니다.",
        "## 처리 기간",
        "- 일반 민원: 7일",
        "- 복합 민원: 14일",
        "| 구분 | 기간 |\n| --- | --- |\n| 일반 | 7일 |",
        "Loose text in a div",
        "###### Small heading",
    ]
    for gone in (
        "script text",
        "late script",
        "color: red",
        "Home",
        "Site header",
        "footer",
        "comment",
        "JavaScript",
    ):
        assert gone not in doc.pages[0].text


def test_htm_euc_kr_with_meta(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="euc-kr"><title>공지</title></head><body><p>제3조 시행일</p></body></html>'
    )
    path = tmp_path / "old.htm"
    path.write_bytes(html.encode("cp949"))
    doc = load(path)
    assert doc.title == "공지" and doc.pages[0].text == "제3조 시행일"


def test_html_cp949_without_declaration(tmp_path: Path) -> None:
    path = tmp_path / "nodecl.html"
    path.write_bytes("<p>회의 결과를 보고합니다.</p>".encode("cp949"))
    doc = load(path)
    assert doc.pages[0].text == "회의 결과를 보고합니다."
    assert doc.title == "nodecl"


def test_html_title_from_h1_when_no_title(tmp_path: Path) -> None:
    path = tmp_path / "t.html"
    path.write_text("<body><h1>Budget</h1><p>Numbers</p></body>", encoding="utf-8")
    assert load(path).title == "Budget"


def test_html_only_chrome_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "chrome.html"
    path.write_text(
        "<html><head><title>x</title><script>a=1</script></head><body><nav>menu</nav></body></html>"
    )
    with pytest.raises(LoadError, match="no text found"):
        load(path)
