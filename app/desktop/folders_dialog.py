"""File → Watched folders…: the folders of this collection that Sillok follows, and how to stop.

"Stop watching" forgets the folder (its documents stay searchable); "Remove from collection" also takes
its documents out of the index (asked first); "Sync now" brings the index in line at once. The list and
the sync are sillok.service.folders; the window's watcher is reloaded after every change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop.i18n import tr
from sillok.service.folders import FolderList

ROLE = Qt.ItemDataRole.UserRole


class FoldersDialog(QDialog):
    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.collection = window.collection
        self.listed = FolderList(window.settings.home)
        self.setWindowTitle(tr("Watched folders"))
        note = QLabel(tr("Sillok follows these folders of “{0}”: new, changed and deleted files reach the index "
                         "by themselves while the window is open.").format(self.collection))
        note.setWordWrap(True)
        self.list = QListWidget()
        self.stop_btn = QPushButton(tr("Stop watching"))
        self.remove_btn = QPushButton(tr("Remove from collection…"))
        self.sync_btn = QPushButton(tr("Sync now"))
        self.stop_btn.clicked.connect(self.stop_watching)
        self.remove_btn.clicked.connect(self.remove_folder)
        self.sync_btn.clicked.connect(self.sync_now)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for b in (self.sync_btn, self.stop_btn, self.remove_btn):
            buttons.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        for w in (note, self.list, buttons):
            lay.addWidget(w)
        self.resize(640, 320)
        self.fill()

    def fill(self) -> None:
        self.list.clear()
        for folder in self.listed.folders(self.collection):
            there = self.listed.available(self.collection, folder)
            item = QListWidgetItem(folder + ("" if there else "  — " + tr("not connected; its documents are kept")))
            item.setData(ROLE, folder)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        for b in (self.stop_btn, self.remove_btn, self.sync_btn):
            b.setEnabled(self.list.count() > 0)

    def selected(self) -> str | None:
        item = self.list.currentItem()
        return item.data(ROLE) if item else None

    def stop_watching(self) -> None:
        folder = self.selected()
        if folder:
            self.listed.remove(self.collection, folder)
            self.window_.watcher.reload()
            self.window_.statusBar().showMessage(
                tr("No longer watching {0}; its documents stay in the collection.").format(folder), 10000)
            self.fill()

    def remove_folder(self) -> None:
        folder = self.selected()
        if not folder:
            return
        answer = QMessageBox.question(self, tr("Remove from collection"), tr(
            "Stop watching {0} and remove its documents from “{1}”? The files themselves stay.").format(
                folder, self.collection))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.listed.remove(self.collection, folder)
        self.window_.watcher.reload()
        docs = [d.source for d in (self.window_.snapshot.documents if self.window_.snapshot else [])
                if d.source == folder or d.source.startswith(folder.rstrip("/") + "/")]
        if docs:
            self.window_.remove_documents(docs)
        self.fill()

    def sync_now(self) -> None:
        folder = self.selected()
        if folder:
            self.window_._enqueue("sync", self.collection, [folder])
