"""Citation labels (sillok.service.labels): statutes read as a lawyer writes them, other files by name and page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sillok.foundation.types import Citation, Hit, Quote
from sillok.service.labels import citation_label, cite, lawyer_article
from tests.support.paths import shared_path


@pytest.mark.parametrize(("article", "quote", "label"), [
    ("제56조(연장·야간 및 휴일 근로) 제1항", "", "제56조 제1항"),
    ("제750조(불법행위의 내용)", "고의 또는 과실로 인한 위법행위로 …", "제750조"),
    ("제3조의2(정의)", "", "제3조의2"),
    ("제56조(연장·야간 및 휴일 근로)", "② 사용자는 야간근로에 대하여는 …", "제56조 제2항"),
    ("제56조(연장·야간 및 휴일 근로) 제1항 제2호", "", "제56조 제1항 제2호"),
    ("제26조(해고의 예고) 제1항", "1. 근로자가 계속 근로한 기간이 3개월 미만인 경우", "제26조 제1항 제1호"),
    ("제56조(연장·야간 및 휴일 근로) 제3항", "제57조(보상 휴가제) 사용자는 근로자대표와의 서면 합의에 따라 …", "제57조"),
    ("부칙 제1조(시행일)", "", "부칙 제1조"),
])
def test_lawyer_article(article: str, quote: str, label: str) -> None:
    assert lawyer_article(article, quote) == label


def test_labels_for_statutes_and_files() -> None:
    assert citation_label("/docs/근로기준법.md", None, "제56조(연장·야간 및 휴일 근로) 제1항", "근로기준법") \
        == "근로기준법 제56조 제1항"
    assert citation_label("/docs/민법.md", 4, "제750조(불법행위의 내용)") == "민법 제750조"  # no title: file stem
    assert citation_label("C:\\docs\\lease.pdf", 3) == "lease.pdf, p. 3"
    assert citation_label("/docs/lease.pdf", 3, page_word="{0}쪽") == "lease.pdf, 3쪽"
    assert citation_label("/docs/memo.hwp") == "memo.hwp"
    c = Citation(1, "/d/근로기준법.md", None, "제56조(연장·야간 및 휴일 근로)", "② 사용자는 …", "c1", title="근로기준법")
    assert cite(c) == "근로기준법 제56조 제2항"
    assert cite({"source": "/d/a.pdf", "page": 2, "article": None, "quote": "x"}) == "a.pdf, p. 2"  # a stored citation
    assert cite(Hit("h", "/d/민법.md", "…", 0.1, article="제750조(불법행위의 내용)", title="민법")) == "민법 제750조"
    # A quote's own words refine its label, as a citation's do (`sillok ask` printed "제10조의6" alone).
    q = Quote("/d/상가건물 임대차보호법.md", None, "제10조의6(임대차계약 해지)", "⑤ 제4항의 경우 임차인은 언제든지 …",
              0, 20, "c2", "상가건물 임대차보호법")
    assert cite(q) == "상가건물 임대차보호법 제10조의6 제5항"


def test_real_statute_chunks_are_cited_by_law_and_article() -> None:
    from sillok.ingest.chunking import chunk_document
    from sillok.ingest.loaders import load

    doc = load(shared_path("eval", "ko-statutes", "docs", "민법.md"))
    chunks = chunk_document(doc, "d")
    labels = {cite(c) for c in chunks if c.article}
    assert "민법 제750조" in labels
    assert all(label.startswith("민법 제") and "(" not in label for label in labels)


def test_search_json_and_ask_json_carry_cite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sillok.app import cli

    doc = shared_path("eval", "ko-statutes", "docs", "민법.md")
    home = str(tmp_path / "h")
    assert cli.main(["ingest", str(doc), "--data-dir", home, "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["search", "불법행위로 인한 손해배상", "--json", "--data-dir", home]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert any(h["cite"] == "민법 제750조" for h in hits)
    assert all(h["article"] is not None for h in hits)  # existing fields stay
    assert cli.main(["search", "불법행위로 인한 손해배상", "--data-dir", home]) == 0
    assert "민법 제750조" in capsys.readouterr().out
