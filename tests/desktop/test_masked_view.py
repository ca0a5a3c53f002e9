"""The window with identifiers masked: a citation's passage shows them masked, Reveal shows the document
in full for that view only and is audited, a PDF holding identifiers is shown as masked text, statute
citations read "민법 제750조", and an answer exports as a Word memo with footnotes.

Real window (pytest-qt offscreen), real facade, loaders and embedding model; no model is asked (the
turns are built from real search hits), so this runs without the LLM.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sillok.foundation.types import Citation
from tests.support.paths import shared_path
from tests.support.pdf import write_pdf

NOTE = ("외래 진료기록\n\n환자 김민지 (여) 주민등록번호 850314-2345678, 연락처 010-2345-6789.\n\n"
        "2024-03-15 내원, 고혈압으로 암로디핀 5mg 처방.\n")
LEASE = [["RESIDENTIAL LEASE", "Tenant John Carver, SSN 123-45-6789, phone (415) 555-0132.",
          "Rent of $2,450.00 is due on the first day of each month."]]
PLAIN = [["SERVICES AGREEMENT", "Either party may terminate this agreement by giving ninety days notice."]]


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("masked-docs")
    (d / "note.txt").write_text(NOTE, encoding="utf-8")
    write_pdf(d / "lease.pdf", LEASE)
    write_pdf(d / "plain.pdf", PLAIN)
    law = shared_path("eval", "ko-statutes", "docs", "민법.md")
    (d / "민법.md").write_bytes(law.read_bytes())
    return {p.name: p for p in d.iterdir()}


@pytest.fixture(scope="module")
def home(tmp_path_factory, docs) -> Path:
    from sillok.service.facade import Sillok

    home = tmp_path_factory.mktemp("masked-home") / "home"
    assert not Sillok(home=home).ingest(list(docs.values())).failed
    return home


def _citation(w, qtbot, query: str, source: Path, quote: str) -> Citation:
    got: list = []
    w.worker.submit(lambda s, j: s.search(query, sources=[str(source)]), done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=60_000)
    h = got[0][0]
    return Citation(1, h.source, h.page, h.article, quote, h.chunk_id, h.start, h.end, h.title)


def _audit(home: Path) -> list[dict]:
    from sillok.service.audit import AuditLog

    return AuditLog(home).read()


def test_text_passage_masked_and_revealed_once_with_an_audit_line(home, docs, make_window, qtbot) -> None:
    w = make_window(home)
    v = w.viewer
    c = _citation(w, qtbot, "김민지 주민등록번호", docs["note.txt"],
                  "환자 김민지 (여) 주민등록번호 850314-2******, 연락처 010-****-6789.")
    w.show_citation(c)
    qtbot.waitUntil(lambda: v.masked and v.stack.currentWidget() is v.text_view, timeout=30_000)
    shown = v.text_view.toPlainText()
    assert "850314-2******" in shown and "850314-2345678" not in shown and "010-2345-6789" not in shown
    assert "850314-2******" in v.highlight  # the masked quote is found and highlighted in the masked page
    assert v.mask_bar.isVisible() and v.reveal_btn.isVisible()
    before = len(_audit(home))
    v.reveal_btn.click()
    qtbot.waitUntil(lambda: v.revealed, timeout=30_000)
    assert "850314-2345678" in v.text_view.toPlainText() and "850314-2345678" in v.highlight
    assert not v.reveal_btn.isVisible() and "audit log" in v.mask_note.text()
    entry = _audit(home)[-1]
    assert len(_audit(home)) == before + 1
    assert entry["event"] == "reveal" and entry["documents"] == [c.source] and entry["user"] and entry["time"]
    assert entry["chunk_ids"] == [c.chunk_id] and entry["how"] == "document view"
    w.show_citation(c)  # the next view is masked again: a reveal is for that view only
    qtbot.waitUntil(lambda: v.masked and not v.revealed, timeout=30_000)
    assert "850314-2345678" not in v.text_view.toPlainText()
    opened: list = []
    v.open_external = lambda: opened.append(v.path)  # no system viewer under the offscreen platform
    v.open_btn.click()  # opening the original while identifiers are hidden is a reveal too
    qtbot.waitUntil(lambda: bool(opened), timeout=30_000)
    assert _audit(home)[-1]["how"] == "opened in system viewer"


def test_pdf_with_identifiers_is_shown_as_masked_text_until_revealed(home, docs, make_window, qtbot) -> None:
    w = make_window(home)
    v = w.viewer
    c = _citation(w, qtbot, "tenant SSN phone", docs["lease.pdf"], "Rent of $2,450.00 is due on the first day")
    w.show_citation(c)
    qtbot.waitUntil(lambda: v.masked, timeout=30_000)
    assert v.stack.currentWidget() is v.text_view
    assert "***-**-6789" in v.text_view.toPlainText() and "123-45-6789" not in v.text_view.toPlainText()
    assert "PDF" in v.mask_note.text()
    v.reveal_btn.click()
    qtbot.waitUntil(lambda: v.revealed and v.stack.currentWidget() is v.pdf_view, timeout=30_000)
    assert _audit(home)[-1]["event"] == "reveal"
    c2 = Citation(1, c.source, c.page, None, "Tenant John Carver, SSN ***-**-6789, phone (415) ***-0132.", c.chunk_id)
    w.show_citation(c2)
    qtbot.waitUntil(lambda: v.masked, timeout=30_000)
    v.reveal_btn.click()  # the revealed page highlights the quote with its identifiers in full
    qtbot.waitUntil(lambda: v.revealed and "123-45-6789" in v.highlight, timeout=30_000)
    plain = _citation(w, qtbot, "terminate ninety days", docs["plain.pdf"], "Either party may terminate")
    w.show_citation(plain)  # no identifiers: the pages themselves, nothing to reveal
    qtbot.waitUntil(lambda: v.stack.currentWidget() is v.pdf_view and not v.revealed, timeout=30_000)
    assert not v.masked and not v.mask_bar.isVisible()


def test_chat_shows_masks_and_statute_labels_and_exports_a_memo(home, docs, make_window, qtbot,
                                                               tmp_path) -> None:
    from sillok.app.desktop.chat_view import Turn
    from sillok.service.memo import read_footnotes

    w = make_window(home, lang="ko")
    law = _citation(w, qtbot, "불법행위 손해배상", docs["민법.md"],
                    "고의 또는 과실로 인한 위법행위로 타인에게 손해를 가한 자는 그 손해를 배상할 책임이 있다.")
    note = _citation(w, qtbot, "김민지 연락처", docs["note.txt"], "연락처 010-****-6789.")
    law = Citation(1, law.source, law.page, "제750조(불법행위의 내용)", law.quote, law.chunk_id, title="민법")
    note = Citation(2, note.source, None, None, note.quote, note.chunk_id)
    w.chat.set_turns([Turn("손해배상 책임과 환자 연락처는?", "가해자는 손해를 배상합니다 [1]. 연락처는 010-****-6789입니다 [2].",
                           [law, note], "done")])
    text = w.chat.transcript.toPlainText()
    assert "010-****-6789" in text and "민법 제750조" in text and "note.txt" in text
    assert w.viewer.reveal_btn.text() == "가림 해제"
    memo = tmp_path / "answer.docx"
    w.export_answer(0, str(memo))
    notes = read_footnotes(memo)
    assert notes[0].startswith("민법 제750조 (민법.md). “고의 또는 과실로") and "010-****-6789" in notes[1]
    md = tmp_path / "conversation.md"
    w.export_conversation(str(md))
    assert "민법 제750조" in md.read_text(encoding="utf-8") and "010-\\*\\*\\*\\*-6789" in md.read_text(encoding="utf-8")
