"""Left pane: collections, the selected collection's documents (with status) and its conversations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop.i18n import tr

ROLE = Qt.ItemDataRole.UserRole


def status_text(status: str, reason: str = "") -> str:
    if status == "indexed":
        return tr("indexed")
    if status == "needs_ocr":
        return tr("needs OCR")
    if status == "failed":
        return tr("failed") + (f": {reason}" if reason else "")
    return status


def _section(title: QLabel, *buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(title, 1)
    for b in buttons:
        row.addWidget(b)
    return row


class Sidebar(QWidget):
    collectionSelected = Signal(str)  # noqa: N815
    createCollection = Signal(str)  # noqa: N815
    renameCollection = Signal(str, str)  # noqa: N815
    deleteCollection = Signal(str)  # noqa: N815
    removeDocument = Signal(str)  # noqa: N815
    reindexDocument = Signal(str)  # noqa: N815
    conversationSelected = Signal(str)  # noqa: N815
    newConversation = Signal()  # noqa: N815
    deleteConversation = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.coll_label, self.docs_label, self.conv_label = QLabel(), QLabel(), QLabel()
        for label in (self.coll_label, self.docs_label, self.conv_label):
            label.setStyleSheet("font-weight: 600")
        self.new_btn, self.rename_btn, self.delete_btn = QPushButton(), QPushButton(), QPushButton()
        self.new_btn.clicked.connect(self._new)
        self.rename_btn.clicked.connect(self._rename)
        self.delete_btn.clicked.connect(self._delete)
        self.collections = QListWidget()
        self.collections.currentItemChanged.connect(self._on_collection)
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.filter.setAcceptDrops(False)
        self.filter.textChanged.connect(self._apply_filter)
        self.docs = QTreeWidget()
        self.docs.setRootIsDecorated(False)
        self.docs.setColumnCount(5)
        self.docs.setSortingEnabled(True)
        head = self.docs.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # The file name is what people scan for: give it the room, keep the rest narrow (the full
        # status reason and the exact date are in the tooltip).
        head.setMinimumSectionSize(36)
        for col, width in ((1, 72), (2, 40), (3, 44), (4, 84)):  # 84: "2026-11-23" whole
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.docs.setColumnWidth(col, width)
        self.docs.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.docs.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.docs.customContextMenuRequested.connect(self._doc_menu)
        self.new_conv_btn = QPushButton()
        self.new_conv_btn.clicked.connect(self.newConversation)
        self.convs = QListWidget()
        self.convs.itemActivated.connect(self._on_conversation)
        self.convs.itemClicked.connect(self._on_conversation)
        self.convs.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.convs.customContextMenuRequested.connect(self._conv_menu)

        top, mid, bottom = QWidget(), QWidget(), QWidget()
        t = QVBoxLayout(top)
        t.addLayout(_section(self.coll_label, self.new_btn, self.rename_btn, self.delete_btn))
        t.addWidget(self.collections)
        m = QVBoxLayout(mid)
        m.addWidget(self.docs_label)
        m.addWidget(self.filter)
        m.addWidget(self.docs)
        b = QVBoxLayout(bottom)
        b.addLayout(_section(self.conv_label, self.new_conv_btn))
        b.addWidget(self.convs)
        for w in (t, m, b):
            w.setContentsMargins(4, 4, 4, 4)
        split = QSplitter(Qt.Orientation.Vertical)
        for w, stretch in ((top, 1), (mid, 3), (bottom, 2)):
            split.addWidget(w)
            split.setStretchFactor(split.indexOf(w), stretch)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)
        self.retranslate()

    def retranslate(self) -> None:
        self.coll_label.setText(tr("Collections"))
        self.docs_label.setText(tr("Documents"))
        self.conv_label.setText(tr("Conversations"))
        self.new_btn.setText(tr("New"))
        self.rename_btn.setText(tr("Rename"))
        self.delete_btn.setText(tr("Delete"))
        self.new_conv_btn.setText(tr("New"))
        self.new_conv_btn.setToolTip(tr("Start a new conversation"))
        self.filter.setPlaceholderText(tr("Filter documents (Ctrl+F)"))
        self.docs.setHeaderLabels([tr("Name"), tr("Status"), tr("Pages"), tr("Chunks"), tr("Added")])

    # -- data ---------------------------------------------------------------------------------------
    @property
    def current_collection(self) -> str:
        item = self.collections.currentItem()
        return item.data(ROLE) if item else ""

    def set_collections(self, infos: list[Any], current: str) -> None:
        self.collections.blockSignals(True)
        self.collections.clear()
        for c in infos:
            item = QListWidgetItem(f"{c.name}  ({c.documents})")
            item.setData(ROLE, c.name)
            item.setToolTip(tr("{0} documents, {1} passages").format(c.documents, c.chunks))
            self.collections.addItem(item)
            if c.name == current:
                self.collections.setCurrentItem(item)
        self.collections.blockSignals(False)

    def set_documents(self, docs: list[Any]) -> None:
        self.docs.setSortingEnabled(False)
        self.docs.clear()
        for d in docs:
            name = Path(d.source).name
            item = QTreeWidgetItem([name, status_text(d.status, d.reason), str(d.pages or ""),
                                    str(d.chunks or ""), d.added[:10]])
            item.setData(0, ROLE, d.source)
            item.setToolTip(0, d.title or d.source)
            item.setToolTip(1, d.reason or status_text(d.status))
            if d.status != "indexed":
                item.setForeground(1, Qt.GlobalColor.darkRed)
            self.docs.addTopLevelItem(item)
        self.docs.setSortingEnabled(True)
        self.docs.setColumnWidth(1, 72)  # the full reason is in the tooltip
        self._apply_filter(self.filter.text())

    def set_conversations(self, convs: list[tuple[str, str, str]], current: str | None) -> None:
        """``convs``: (id, title, when) newest first."""
        self.convs.clear()
        for cid, title, when in convs:
            item = QListWidgetItem(title or tr("(untitled)"))
            item.setData(ROLE, cid)
            item.setToolTip(when)
            self.convs.addItem(item)
            if cid == current:
                self.convs.setCurrentItem(item)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.docs.topLevelItemCount()):
            item = self.docs.topLevelItem(i)
            hay = f"{item.text(0)} {item.text(1)} {item.data(0, ROLE)}".lower()
            item.setHidden(bool(needle) and needle not in hay)

    # -- actions ------------------------------------------------------------------------------------
    def _on_collection(self, item: QListWidgetItem | None, _prev: Any = None) -> None:
        if item is not None:
            self.collectionSelected.emit(item.data(ROLE))

    def _on_conversation(self, item: QListWidgetItem) -> None:
        self.conversationSelected.emit(item.data(ROLE))

    def _new(self) -> None:
        name, ok = QInputDialog.getText(self, tr("New collection"), tr("Name:"))
        if ok and name.strip():
            self.createCollection.emit(name.strip())

    def _rename(self) -> None:
        old = self.current_collection
        if not old:
            return
        name, ok = QInputDialog.getText(self, tr("Rename collection"), tr("New name:"), text=old)
        if ok and name.strip() and name.strip() != old:
            self.renameCollection.emit(old, name.strip())

    def _delete(self) -> None:
        name = self.current_collection
        if name and self.confirm(tr("Delete collection"),
                                 tr("Delete the collection “{0}” and its index? Your files are not touched.")
                                 .format(name)):
            self.deleteCollection.emit(name)

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _doc_menu(self, pos: QPoint) -> None:
        item = self.docs.itemAt(pos)
        if item is None:
            return
        source = item.data(0, ROLE)
        menu = QMenu(self)
        menu.addAction(tr("Re-index"), lambda: self.reindexDocument.emit(source))
        menu.addAction(tr("Remove from collection"), lambda: self.removeDocument.emit(source))
        menu.addSeparator()
        menu.addAction(tr("Open in system viewer"),
                       lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(source)))
        menu.exec(self.docs.viewport().mapToGlobal(pos))

    def _conv_menu(self, pos: QPoint) -> None:
        item = self.convs.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction(tr("Delete conversation"), lambda: self.deleteConversation.emit(item.data(ROLE)))
        menu.exec(self.convs.viewport().mapToGlobal(pos))
