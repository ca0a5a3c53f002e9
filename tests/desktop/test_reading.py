"""Reading: search mode lists passages (page, article, highlight) and opens them in the source pane;
at 1024×700 the chat keeps a usable width (the source becomes a tab); PDF zoom (fit width, +/−); the
source pane clears when its context goes (new conversation, collection switch, removal)."""

from __future__ import annotations

from pathlib import Path

from tests.support.corpus import PDF_PAGES
from tests.support.pdf import write_pdf

LONG = 300_000


def _ingested(tmp_path: Path, make_window, qtbot):
    pdf = write_pdf(tmp_path / "contract.pdf", PDF_PAGES)
    law = tmp_path / "근로기준법.md"
    law.write_text("# 근로기준법\n\n제56조(연장·야간 및 휴일 근로) 사용자는 연장근로에 대하여는 통상임금의 100분의 50 이상을 "
                   "가산하여 근로자에게 지급하여야 한다.\n\n제60조(연차 유급휴가) 사용자는 1년간 80퍼센트 이상 출근한 "
                   "근로자에게 15일의 유급휴가를 주어야 한다.\n", encoding="utf-8")
    w = make_window(tmp_path / "home")
    w.add_paths([str(pdf), str(law)])
    qtbot.waitUntil(lambda: len(w.sidebar.document_rows()) == 2, timeout=LONG)
    return w, pdf


def test_search_mode_lists_passages_and_opens_them(tmp_path: Path, make_window, qtbot) -> None:
    w, pdf = _ingested(tmp_path, make_window, qtbot)
    w.act_search.trigger()
    assert w.center.mode == "search"
    w.search_view.box.setText("ninety days written notice")
    w.search_view.go.click()
    qtbot.waitUntil(lambda: bool(w.search_view.hits), timeout=LONG)
    first = w.search_view.hits[0]
    assert Path(first.source).name == "contract.pdf" and first.page == 2
    html = w.search_view.results.toHtml()
    assert "contract.pdf" in html and "p. 2" in w.search_view.results.toPlainText()
    assert "#ffe678" in html  # the query's words are highlighted
    w.search_view.results.anchorClicked.emit(__import__("PySide6.QtCore", fromlist=["QUrl"]).QUrl("hit:0"))
    qtbot.waitUntil(lambda: w.viewer.path == pdf.resolve() and w.viewer.current_page == 2, timeout=30_000)
    w.search_view.box.setText("연장근로 가산")
    w.search_view.go.click()
    qtbot.waitUntil(lambda: any("근로기준법" in h.source for h in w.search_view.hits), timeout=LONG)
    hit = next(h for h in w.search_view.hits if "근로기준법" in h.source)
    assert hit.article and hit.article.startswith("제56조")
    assert "제56조" in w.search_view.results.toPlainText()
    assert hit.core and "제60조" in hit.text  # the hit is a window: the next article came with it…
    w.search_view.results.anchorClicked.emit(__import__("PySide6.QtCore", fromlist=["QUrl"]).QUrl(
        f"hit:{w.search_view.hits.index(hit)}"))
    qtbot.waitUntil(lambda: "연장근로" in w.viewer.highlight, timeout=30_000)
    assert "제60조" not in w.viewer.highlight  # …but the source pane marks what matched


def test_the_list_shows_the_match_not_the_start_of_its_window() -> None:
    from sillok.app.desktop.search_view import snippet

    before = "제30조(중재판정부의 의사결정) " + "당사자 간에 다른 합의가 없는 경우 과반수의 결의에 따른다. " * 12
    match = "제36조(중재판정 취소의 소) 중재판정에 대한 불복은 법원에 중재판정 취소의 소를 제기하는 방법으로만 할 수 있다."
    text = before + "\n" + match + "\n" + "제37조(중재판정의 승인과 집행) 중재판정은 승인되거나 집행된다. " * 6
    core = (len(before) + 1, len(before) + 1 + len(match))
    shown = snippet(text, ["중재판정"], size=200, core=core)
    assert shown.startswith("…제36조(중재판정 취소의 소)") and shown.endswith("…") and len(shown) <= 202
    assert snippet(text, ["중재판정"], size=200).startswith("제30조")  # without the match: the window's start
    assert snippet(match, ["중재판정"], size=200, core=(0, len(match))) == match  # short: whole


def test_narrow_window_keeps_the_chat_wide_and_pdf_zooms(tmp_path: Path, make_window, qtbot) -> None:
    from sillok.foundation.types import Citation

    w, pdf = _ingested(tmp_path, make_window, qtbot)
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.narrow, timeout=5000)
    qtbot.wait(100)
    assert w.chat.input.width() >= 400 and w.chat.transcript.width() >= 400
    w.viewer.header.setText("x" * 400)  # a very long file name does not widen anything
    qtbot.wait(50)
    assert w.width() <= 1024
    w.show_citation(Citation(1, str(pdf.resolve()), 2, None, "Either party may terminate this agreement", "c", 0, 0))
    assert w.center_tabs.currentWidget() is w.viewer  # the Source tab comes forward
    v = w.viewer
    qtbot.waitUntil(lambda: v.current_page == 2 and v.zoom_bar.isVisible(), timeout=10_000)
    fit = v.zoom_factor
    v.zoom_in_btn.click()
    assert v.zoom_factor > fit and not v.fit_btn.isChecked()
    v.zoom_out_btn.click()
    v.zoom_out_btn.click()
    assert v.zoom_factor < fit
    v.fit_btn.click()
    assert abs(v.zoom_factor - fit) < 0.05 and "fit" in v.zoom_label.text()
    # Context goes: a new conversation clears the pane.
    w.new_conversation()
    assert v.path is None and not v.zoom_bar.isVisible() and "Click a citation" in v.placeholder.text()
    w.resize(1400, 860)
    qtbot.waitUntil(lambda: not w.narrow, timeout=5000)
    assert w.splitter.indexOf(w.viewer) == 2


def test_switching_collection_clears_the_source(tmp_path: Path, make_window, qtbot) -> None:
    from sillok.foundation.types import Citation

    w, pdf = _ingested(tmp_path, make_window, qtbot)
    w.show_citation(Citation(1, str(pdf.resolve()), 1, None, "MASTER SERVICES AGREEMENT", "c", 0, 0))
    qtbot.waitUntil(lambda: w.viewer.path is not None, timeout=30_000)  # pages come masked, from the worker
    w.sidebar.createCollection.emit("other")
    qtbot.waitUntil(lambda: w.collection == "other", timeout=30_000)
    assert w.viewer.path is None
