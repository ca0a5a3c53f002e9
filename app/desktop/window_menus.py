"""The window's menus: File, View and a Help menu that helps (getting started, shortcuts, where the data
is, a check of this installation, the first-run guide), the Settings shortcut (Ctrl+,), text size,
and the export (a Word memo or Markdown) that confirms where it saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMessageBox

from sillok.app.desktop import exports
from sillok.app.desktop.i18n import tr
from sillok.foundation.errors import SillokError


class MenusMixin:
    """Mixed into MainWindow (needs: worker, chat, sidebar, settings, language, show_error, apply_settings)."""

    def _build_menus(self) -> None:
        def act(slot: Any, keys: Any = None) -> QAction:
            a = QAction(self)
            a.triggered.connect(slot)
            if keys is not None:
                a.setShortcut(QKeySequence(keys))
            return a

        self.act_add = act(self.add_documents, QKeySequence.StandardKey.Open)
        self.act_add_folder = act(self.add_folder)
        self.act_folders = act(self.watched_folders)
        self.act_evaluate = act(lambda: self.evaluate_collection())
        self.act_export = act(lambda: self.export_answer(len(self.chat.turns) - 1))
        self.act_export_conv = act(lambda: self.export_conversation())
        self.act_copy = act(lambda: self.copy_answer(len(self.chat.turns) - 1))
        # Preferences is empty on Linux and Windows: Ctrl+, everywhere (Cmd+, on macOS)
        self.act_settings = act(self.open_settings, QKeySequence("Ctrl+,"))
        self.act_quit = act(self.close, QKeySequence.StandardKey.Quit)
        self.act_bigger = act(lambda: self.zoom(1), QKeySequence("Ctrl+="))
        self.act_smaller = act(lambda: self.zoom(-1), QKeySequence("Ctrl+-"))
        self.act_search = act(lambda: self.set_mode("search"), QKeySequence("Ctrl+Shift+F"))
        self.act_ask = act(lambda: self.set_mode("ask"), QKeySequence("Ctrl+Shift+A"))
        self.act_guide = act(self.getting_started, QKeySequence.StandardKey.HelpContents)
        self.act_keys = act(self.shortcuts)
        self.act_data = act(self.open_data_folder)
        self.act_check = act(self.check_installation)
        self.act_first_run = act(lambda: self.first_run(force=True))
        self.act_about = act(self.about)
        self.menu_file, self.menu_view, self.menu_help = (self.menuBar().addMenu("") for _ in range(3))
        for a in (self.act_add, self.act_add_folder, self.act_folders, None, self.act_evaluate, None,
                  self.act_copy, self.act_export,
                  self.act_export_conv, None,
                  self.act_settings, None, self.act_quit):
            self.menu_file.addAction(a) if a else self.menu_file.addSeparator()
        self.menu_view.addActions([self.act_ask, self.act_search])
        self.menu_view.addSeparator()
        self.menu_view.addActions([self.act_bigger, self.act_smaller])
        for a in (self.act_guide, self.act_keys, None, self.act_first_run, self.act_check, self.act_data, None,
                  self.act_about):
            self.menu_help.addAction(a) if a else self.menu_help.addSeparator()
        QShortcut(QKeySequence("Ctrl++"), self, lambda: self.zoom(1))
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.stop)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_filter)

    def _retranslate_menus(self) -> None:
        self.menu_file.setTitle(tr("&File"))
        self.menu_view.setTitle(tr("&View"))
        self.menu_help.setTitle(tr("&Help"))
        for a, text in ((self.act_add, tr("Add documents…")), (self.act_add_folder, tr("Add folder…")),
                        (self.act_folders, tr("Watched folders…")),
                        (self.act_evaluate, tr("Evaluate this collection…")),
                        (self.act_copy, tr("Copy answer")), (self.act_export, tr("Export answer…")),
                        (self.act_export_conv, tr("Export conversation…")),
                        (self.act_settings, tr("Settings…")), (self.act_quit, tr("Quit")),
                        (self.act_bigger, tr("Larger text")), (self.act_smaller, tr("Smaller text")),
                        (self.act_ask, tr("Ask (answers)")), (self.act_search, tr("Search (passages)")),
                        (self.act_guide, tr("Getting started")), (self.act_keys, tr("Keyboard shortcuts")),
                        (self.act_data, tr("Open the data folder")), (self.act_check, tr("Check this installation…")),
                        (self.act_first_run, tr("Choose a better model…")), (self.act_about, tr("About Sillok"))):
            a.setText(text)

    # -- File ----------------------------------------------------------------------------------------
    def export_answer(self, i: int, path: str | None = None) -> None:
        """One answer as a Word memo with footnotes (.docx) or as Markdown (.md)."""
        if not 0 <= i < len(self.chat.turns):
            return
        if path is None:
            path = exports.ask_path(self, tr("Export answer"), "answer")
        if path:
            self._export([i], path)

    def export_conversation(self, path: str | None = None) -> None:
        """Every finished answer of this conversation as one memo (.docx) or Markdown file."""
        done = [i for i, t in enumerate(self.chat.turns) if t.state in ("done", "stopped") and t.text]
        if not done:
            return
        if path is None:
            path = exports.ask_path(self, tr("Export conversation"), "conversation")
        if path:
            self._export(done, path)

    def _export(self, indexes: list[int], path: str) -> None:
        try:
            exports.write(self.chat, indexes, path, self.language)
        except (OSError, SillokError) as e:
            self.show_error(tr("Could not save {0}: {1}").format(path, getattr(e, "strerror", None) or e))
            return
        self.statusBar().showMessage(tr("Answer saved to {0}").format(path), 10000)

    def watched_folders(self) -> None:
        from sillok.app.desktop.folders_dialog import FoldersDialog

        self.folders_dialog = FoldersDialog(self)  # tests reach it here
        self.folders_dialog.open()

    def evaluate_collection(self, path: str | None = None) -> None:
        """Run a JSONL file of the office's own questions on this collection and show the report."""
        from PySide6.QtWidgets import QFileDialog

        from sillok.app.desktop.eval_dialog import EvalDialog

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, tr("Questions to evaluate (JSONL)"), "",
                                                  tr("Questions (*.jsonl *.json *.txt);;All files (*)"))
        if not path:
            return
        self.eval_dialog = EvalDialog(self, path, self.collection, self)  # tests reach it here
        self.eval_dialog.open()

    def open_settings(self, download: bool = False) -> None:
        """Settings (window-modal); ``download``: straight on to its Download dialog (an answer's notice
        that the model cannot write the question's language points here)."""
        from sillok.app.desktop.settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.settings, self.language, self)
        self.settings_dialog = dlg  # tests reach it here
        dlg.accepted.connect(lambda: self.apply_settings(dlg.values()))
        dlg.open()
        if download:
            dlg.download_btn.click()

    # -- View ----------------------------------------------------------------------------------------
    def zoom(self, step: int) -> None:
        font = QApplication.font()
        size = max(7.0, min(32.0, font.pointSizeF() + step))
        font.setPointSizeF(size)
        QApplication.setFont(font)
        self.settings.save_user_values({"ui_font_pt": size})

    def _focus_filter(self) -> None:
        self.sidebar.filter.setFocus()
        self.sidebar.filter.selectAll()

    # -- Help ----------------------------------------------------------------------------------------
    def getting_started(self) -> None:
        QMessageBox.information(self, tr("Getting started"), tr(
            "1. Add documents: drop files or folders on the window, or File → Add documents… (Ctrl+O). A folder "
            "you add is watched: new, changed and deleted files follow by themselves.\n"
            "2. Ask a question below the conversation. Each answer cites its passages as [1], [2]; click one to "
            "see the passage in its document.\n"
            "3. Search (Ctrl+Shift+F) lists the passages themselves, when you want the documents and not an answer.\n"
            "4. Keep matters apart with collections: each has its own documents and conversations.\n"
            "Everything stays on this computer."))

    def shortcuts(self) -> None:
        rows = [("Ctrl+O", tr("Add documents")), ("Enter / Shift+Enter", tr("Send / new line")),
                ("Esc", tr("Stop the answer")), ("Ctrl+F", tr("Filter the documents")),
                ("Ctrl+Shift+F / Ctrl+Shift+A", tr("Search passages / ask")), ("Delete", tr("Remove the selected documents")),
                ("Ctrl+,", tr("Settings")), ("Ctrl+= / Ctrl+-", tr("Larger / smaller text")), ("F1", tr("Getting started"))]
        QMessageBox.information(self, tr("Keyboard shortcuts"), "\n".join(f"{k}\t{v}" for k, v in rows))

    def open_data_folder(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.settings.home))):
            QMessageBox.information(self, tr("Open the data folder"),
                                    tr("Sillok keeps its index and conversations in {0}").format(self.settings.home))

    def check_installation(self) -> None:
        from sillok.service.checks import warnings

        def done(found: list[str]) -> None:
            from sillok.app.desktop.reasons import reason_text

            text = "\n\n".join("⚠ " + reason_text(w) for w in found) if found else tr("No problems found.")
            QMessageBox.information(self, tr("Check this installation"), text)

        self.worker.submit(lambda s, j: warnings(s), done=done, error=self.show_error)

    def about(self) -> None:
        def done(info: dict[str, Any]) -> None:
            model = Path(str(info.get("llm_model", ""))).name
            lines = [f"<b>Sillok {info.get('sillok', '')}</b>", tr("Answers from your own documents, offline."),
                     tr("Answering model: {0}").format(model), tr("Search model: {0}").format(info.get("embedding_model")),
                     tr("Your documents, index and conversations stay on this computer.")]
            QMessageBox.about(self, tr("About Sillok"), "<br>".join(lines))

        self.worker.submit(lambda s, j: s.doctor(), done=done, error=self.show_error)

    def first_run(self, force: bool = False) -> None:
        """The first-run guide (once per data folder, or from Help)."""
        from sillok.app.desktop.first_run import FirstRunDialog, should_show

        if not force and not should_show(self.settings):
            return
        dlg = FirstRunDialog(self.settings, self.language, self)
        dlg.modelChosen.connect(lambda path: self.apply_settings({"llm_model": path}))
        self.first_run_dialog = dlg

        def gpu(s: Any, j: Any) -> str:
            from sillok.service.model_admin import detect_backend

            return detect_backend()

        self.worker.submit(gpu, done=lambda g: dlg.set_gpu(g) if g else None)
        dlg.open()
