"""The document list: a model (no widget per row), A→Z, whole status words with icons and reasons in
the tooltip, one word for chunks; the Delete key asks, removes and reports; "1 page" not "1 pages"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget

from sillok.foundation.types import DocumentInfo, FileResult

LONG = 300_000


def _doc(name: str, status: str = "indexed", reason: str = "") -> DocumentInfo:
    return DocumentInfo(f"/m/{name}", "d", status, 2 if status == "indexed" else 0, 5 if status == "indexed" else 0,
                        "2026-11-23T10:00:00", reason, name)


def test_the_list_is_a_model_sorted_a_to_z_with_whole_statuses(qtbot) -> None:
    from sillok.app.desktop.doc_model import STATUS
    from sillok.app.desktop.sidebar import Sidebar

    sb = Sidebar()
    qtbot.addWidget(sb)
    sb.resize(420, 600)
    sb.show()
    sb.set_documents([_doc("zeta.pdf"), _doc("Alpha.hwp"), _doc("scan.pdf", "needs_ocr", "needs OCR: no text layer on any page"),
                      _doc("broken.pdf", "failed", "corrupt or unreadable PDF (PdfReadError)")])
    assert not sb.findChildren(QTreeWidget)
    rows = sb.document_rows()
    assert [r[0] for r in rows] == ["Alpha.hwp", "broken.pdf", "scan.pdf", "zeta.pdf"]
    assert sb.model.headers()[3] == "Passages"
    status = {r[0]: r[1] for r in rows}
    assert status == {"Alpha.hwp": "indexed", "broken.pdf": "failed", "scan.pdf": "needs OCR", "zeta.pdf": "indexed"}
    fm = sb.docs.fontMetrics()
    assert sb.docs.columnWidth(STATUS) >= fm.horizontalAdvance("needs OCR") + 16  # whole, beside its icon
    idx = sb.model.index(2, STATUS)
    assert sb.model.data(idx, Qt.ItemDataRole.ToolTipRole) == "no text layer on any page: needs OCR"
    assert not sb.model.data(idx, Qt.ItemDataRole.DecorationRole).isNull()
    sb.filter.setText("PDF")
    assert [r[0] for r in sb.document_rows()] == ["broken.pdf", "scan.pdf", "zeta.pdf"]
    sb.filter.setText("needs ocr")
    assert [r[0] for r in sb.document_rows()] == ["scan.pdf"]


def test_plural_and_no_doubled_prefix() -> None:
    from sillok.app.desktop.ingest_panel import result_text

    assert "(1 page, 1 passage)" in result_text(FileResult("/m/a.txt", "indexed", "", 1, 1))
    assert "(2 pages, 3 passages)" in result_text(FileResult("/m/a.txt", "indexed", "", 3, 2))
    line = result_text(FileResult("/m/s.pdf", "needs_ocr", "needs OCR: pages are images with no text layer (scanned)"))
    assert line.count("OCR") == 1 and line == "⚠ s.pdf — scanned pages without a text layer: needs OCR"


def test_delete_key_asks_removes_and_reports(tmp_path: Path, make_window, qtbot, monkeypatch) -> None:
    from sillok.app.desktop.sidebar import Sidebar

    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"Document {name} about the lease of the office in Seoul.\n", encoding="utf-8")
    w = make_window(tmp_path / "home")
    w.add_paths([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    qtbot.waitUntil(lambda: len(w.sidebar.document_rows()) == 2, timeout=LONG)
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(Sidebar, "confirm", lambda self, title, text: asked.append(text) or answer[0])
    w.sidebar.docs.selectRow(0)
    w.sidebar.docs.setFocus()
    qtbot.keyClick(w.sidebar.docs, Qt.Key.Key_Delete)
    assert asked and "Remove 1 document" in asked[0] and "a.txt" in asked[0]
    qtbot.wait(300)
    assert len(w.sidebar.document_rows()) == 2  # "No": nothing removed
    # a refresh in the background (finished vectors, a watched folder) keeps the selection
    chosen = w.sidebar.selected_sources()
    w.sidebar.set_documents(list(w.snapshot.documents))
    assert w.sidebar.selected_sources() == chosen and len(chosen) == 1
    answer[0] = True
    qtbot.keyClick(w.sidebar.docs, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(w.sidebar.document_rows()) == 1, timeout=LONG)
    assert "Removed 1 document from “default”: a.txt" in w.statusBar().currentMessage()
