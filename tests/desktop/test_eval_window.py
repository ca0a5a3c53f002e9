"""File → Evaluate this collection…: the office's questions run on the worker with a progress bar and
Cancel, the report (table and recall@k chart) shown in the dialog and saved on request; a bad line is
named in place. Real window, real collection (the contract PDF), real worker."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.corpus import PDF_PAGES
from tests.support.pdf import write_pdf

LONG = 300_000
QUESTIONS = [
    {"question": "How many days of written notice does termination need?", "expected_source": "contract.pdf"},
    {"question": "Which law governs the agreement?", "expected_source": "CONTRACT.pdf",
     "expected_answer": "Republic of Korea"},
    {"question": "Who painted the Mona Lisa?", "answerable": False},
]


def _window(tmp_path: Path, make_window, qtbot, lang: str = "en"):
    pdf = write_pdf(tmp_path / "contract.pdf", PDF_PAGES)
    w = make_window(tmp_path / "home", lang)
    w.add_paths([str(pdf)])
    qtbot.waitUntil(lambda: len(w.sidebar.document_rows()) == 1, timeout=LONG)
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(q) for q in QUESTIONS) + "\n", encoding="utf-8")
    return w, questions


def test_evaluate_shows_progress_and_the_report(tmp_path: Path, make_window, qtbot) -> None:
    w, questions = _window(tmp_path, make_window, qtbot)
    assert w.act_evaluate in w.menu_file.actions() and w.act_evaluate.text() == "Evaluate this collection…"
    seen: list[tuple[int, int]] = []
    w.evaluate_collection(str(questions))
    dlg = w.eval_dialog
    assert dlg.isVisible() and not dlg.browser.isVisible()
    dlg.bar.valueChanged.connect(lambda v: seen.append((v, dlg.bar.maximum())))
    dlg.search_only.setChecked(True)
    dlg.start_btn.click()
    assert dlg.running and dlg.cancel_btn.isEnabled() and not dlg.start_btn.isEnabled()
    qtbot.waitUntil(lambda: dlg.report is not None, timeout=LONG)
    assert (3, 3) in seen or dlg.bar.value() == dlg.bar.maximum()
    assert any(total == 3 for _, total in seen)  # the bar counted the questions
    assert dlg.browser.isVisible() and "Done: 3 questions" in dlg.status.text()
    text = dlg.browser.toPlainText()
    assert "Recall@1 / @3 / @5 / @10" in text and "100.0%" in text and "MRR" in text
    assert all(q["question"] in text for q in QUESTIONS)  # the per-question table
    assert "sillok-recall-chart.png" in dlg.browser.toHtml()
    chart = dlg.browser.document().resource(dlg.browser.document().ResourceType.ImageResource,
                                            __import__("PySide6.QtCore", fromlist=["QUrl"]).QUrl("sillok-recall-chart.png"))
    assert chart is not None and chart.width() > 300  # the SVG chart, drawn for the text browser
    dlg.save(str(tmp_path / "out"))
    assert "<svg" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "| Line | Question |" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "report.html" in dlg.status.text()
    dlg.reject()


def test_cancel_and_a_bad_line_in_korean(tmp_path: Path, make_window, qtbot) -> None:
    w, questions = _window(tmp_path, make_window, qtbot, lang="ko")
    assert w.act_evaluate.text() == "이 컬렉션 평가…"
    w.evaluate_collection(str(questions))
    dlg = w.eval_dialog
    dlg.start_btn.click()  # with the answering model: long enough to cancel
    dlg.cancel_btn.click()
    qtbot.waitUntil(lambda: not dlg.running, timeout=LONG)
    assert dlg.status.text() == "평가가 취소되었습니다." and dlg.report is None
    dlg.search_only.setChecked(True)
    dlg.start_btn.click()
    qtbot.waitUntil(lambda: dlg.report is not None, timeout=LONG)
    text = dlg.browser.toPlainText()  # the report in the window's language (saved files stay English)
    assert "재현율@1 / @3 / @5 / @10" in text and "기대 출처" in text and "Recall@1" not in text
    dlg.reject()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "ok"}\n{"question": 5}\n', encoding="utf-8")
    w.evaluate_collection(str(bad))
    dlg = w.eval_dialog
    dlg.start_btn.click()
    qtbot.waitUntil(lambda: not dlg.running, timeout=LONG)
    assert dlg.status.text() == f'{bad}, 2번째 줄: "question"이 없거나 비어 있습니다'  # named, in Korean
    dlg.reject()
