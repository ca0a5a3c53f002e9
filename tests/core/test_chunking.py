"""Structure-aware chunking of a real Korean statute and of headed documents."""

from __future__ import annotations

from pathlib import Path

from sillok.foundation.types import Document, Page
from sillok.ingest.chunking import chunk_document
from sillok.ingest.loaders import load
from tests.support.paths import shared_path

STATUTE = """# 근로기준법

제1조(목적) 이 법은 헌법에 따라 근로조건의 기준을 정함으로써 근로자의 기본적 생활을 보장한다.

제2조(정의)
① 이 법에서 사용하는 용어의 뜻은 다음과 같다.
1. "근로자"란 직업의 종류와 관계없이 임금을 목적으로 사업이나 사업장에 근로를 제공하는 사람을 말한다.
2. "사용자"란 사업주 또는 사업 경영 담당자를 말한다.
② 제1항제6호에 따른 평균임금이 통상임금보다 적으면 그 통상임금액을 평균임금으로 한다.

제56조(연장ㆍ야간 및 휴일 근로)
① 사용자는 연장근로에 대하여는 통상임금의 100분의 50 이상을 가산하여 근로자에게 지급하여야 한다.
③ 사용자는 야간근로(오후 10시부터 다음 날 오전 6시 사이의 근로를 말한다)에 대하여는 통상임금의 100분의 50 이상을 가산하여 지급하여야 한다.
"""


def _doc(text: str, number: int | None = None) -> Document:
    return Document(Path("/tmp/law.md"), [Page(number, text)], "근로기준법", "md")


def test_statute_is_cut_at_articles_with_labels_and_offsets() -> None:
    chunks = chunk_document(_doc(STATUTE), "d1", size=900)
    assert [c.article for c in chunks] == ["제1조(목적)", "제2조(정의)", "제56조(연장ㆍ야간 및 휴일 근로)"]
    for c in chunks:
        assert STATUTE[c.start : c.end] == c.text  # offsets point into the page text
        assert c.heading == "근로기준법"
    # The document heading travels with the first article instead of being a chunk of its own.
    assert chunks[0].text.startswith("# 근로기준법")
    # A reference to another article inside a sentence does not start a new article.
    assert not any("제1항제6호" in (c.article or "") for c in chunks)


def test_long_article_splits_at_paragraph_marks_and_labels_hang() -> None:
    chunks = chunk_document(_doc(STATUTE), "d1", size=120, min_size=20)
    art56 = [c for c in chunks if c.article and c.article.startswith("제56조")]
    assert len(art56) >= 2
    assert any(c.text.startswith("③") and c.article.endswith("제3항") for c in art56)
    assert all(len(c.text) <= 200 for c in chunks)


def test_pages_and_headings_carry_over(tmp_path: Path) -> None:
    doc = Document(tmp_path / "r.pdf", [Page(1, "# Report\n\nIntro text. " * 3), Page(2, "## Findings\n\nMore text here.")],
                   "Report", "pdf")
    chunks = chunk_document(doc, "d2")
    assert [c.page for c in chunks] == [1, 2]
    assert chunks[1].heading == "Report > Findings"


def test_real_statute_from_eval_set() -> None:
    folder = shared_path("eval", "ko-statutes", "docs")
    path = folder / "가사소송법.md"
    doc = load(path)
    chunks = chunk_document(doc, "d3")
    assert chunks and all(c.article and c.article.startswith("제") for c in chunks)
    page = doc.pages[0].text
    assert all(page[c.start : c.end] == c.text for c in chunks)


def test_chunk_ids_are_stable() -> None:
    a = chunk_document(_doc(STATUTE), "same")
    b = chunk_document(_doc(STATUTE), "same")
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
