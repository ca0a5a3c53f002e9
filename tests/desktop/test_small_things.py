"""Small things in the window: real Add-dialog filters, a Help menu beyond About (and an About without
raw paths), Ctrl+, opens Settings, saving an export confirms, a failing system viewer says so, no
time-left guess from the first quick file, and a deleted collection says what became of its conversations."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

LONG = 300_000


def test_add_dialog_filters() -> None:
    from sillok.app.desktop.window_ingest import file_filters

    f = file_filters()
    assert f.startswith("All documents (") and "*.hwpx" in f.split(";;")[0]
    for part in ("PDF (*.pdf)", "Word (*.docx)", "HWP / HWPX (*.hwp *.hwpx)", "HTML (*.html *.htm)", "All files (*)"):
        assert part in f, f


def test_eta_waits_for_enough_data(qtbot) -> None:
    from sillok.app.desktop.ingest_panel import IngestPanel
    from sillok.foundation.types import Progress

    panel = IngestPanel()
    qtbot.addWidget(panel)
    panel.start("default", ["a", "b"])
    panel.on_progress(Progress("ingest", 1, 2, 3, "/m/b.pdf", 0.4))
    assert "left" not in panel.detail.text()  # one quick file says nothing about the next
    panel._started -= 60
    panel.on_progress(Progress("ingest", 5, 9, 3, "/m/f.pdf", 40))
    assert "about 0:40 left" in panel.detail.text()
    panel._eta_until -= 39.5  # the estimate ran out while one big file is still being read
    panel._show_detail()
    assert "left" not in panel.detail.text() and "5/9" in panel.detail.text()


def test_menus_export_viewer_and_collection_delete(tmp_path: Path, make_window, qtbot, monkeypatch) -> None:
    from sillok.app.desktop.chat_view import Turn

    w = make_window(tmp_path / "home")
    assert w.act_settings.shortcut() == QKeySequence("Ctrl+,")
    assert len([a for a in w.menu_help.actions() if not a.isSeparator()]) >= 5
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    w.about()
    qtbot.waitUntil(lambda: bool(shown), timeout=LONG)
    assert "data_dir" not in shown[0] and "Answering model: " in shown[0]

    w.chat.set_turns([Turn("q?", "an answer", [], "done")])
    out = tmp_path / "answer.md"
    w.export_answer(0, str(out))
    assert out.is_file() and f"Answer saved to {out}" in w.statusBar().currentMessage()

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    w.viewer._set_path(tmp_path / "gone.pdf", 1)
    assert w.viewer.open_external() is False and "no longer there" in warned[-1]

    w.sidebar.createCollection.emit("matter")
    qtbot.waitUntil(lambda: w.collection == "matter", timeout=30_000)
    w.worker.submit(lambda s, j: s.conversations().add_turn(s.conversations().create("matter"), "q", "a"))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    w.sidebar.deleteCollection.emit("matter", False)
    qtbot.waitUntil(lambda: bool(told), timeout=LONG)
    assert told[0] == "Deleted the collection “matter”, its index and its 1 conversation(s)."
    qtbot.waitUntil(lambda: w.collection == "default", timeout=30_000)


def test_a_huge_ingest_does_not_become_a_huge_list(qtbot) -> None:
    from sillok.app.desktop.ingest_panel import MAX_LINES, IngestPanel
    from sillok.foundation.types import FileResult, IngestReport, Progress

    panel = IngestPanel()
    qtbot.addWidget(panel)
    panel.start("default", ["/m"])
    for i in range(MAX_LINES + 200):
        panel.on_progress(Progress("ingest", i, 10_000, 0, f"/m/f{i:05d}.txt"))
    assert panel.results.count() == MAX_LINES
    files = [FileResult(f"/m/f{i:05d}.txt", "indexed", "", 1, 1) for i in range(10_000)]
    files.append(FileResult("/m/zz-broken.pdf", "failed", "PDF has no pages"))
    panel.finish(IngestReport(files, False, 60.0))
    assert panel.results.count() == MAX_LINES + 1
    assert panel.results.item(0).text().startswith("✗ zz-broken.pdf")  # the failure first
    assert panel.results.item(MAX_LINES).text() == "… and 9501 more (the document list shows every file)"


def test_the_screenshot_script_still_loads() -> None:
    """scripts/screens.py is run by hand (it needs Xvfb and `import`), so nothing else notices when a
    test helper it borrows moves: it once failed at its imports. Loading it runs them."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / "screens.py"
    spec = importlib.util.spec_from_file_location("sillok_screens", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.main) and module.PDF_PAGES
