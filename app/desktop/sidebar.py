"""Left pane: collections, the selected collection's documents (with status) and its conversations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
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
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop.doc_model import (
    ADDED,
    NAME,
    PAGES,
    PASSAGES,
    SOURCE_ROLE,
    STATUS,
    DocumentModel,
)
from sillok.app.desktop.i18n import tr

ROLE = Qt.ItemDataRole.UserRole


def count_text(n: int, one: str, many: str) -> str:
    return (one if n == 1 else many).format(n)


def open_in_system_viewer(parent: QWidget, source: str) -> bool:
    """Open ``source`` with the system's viewer; say so when that is not possible."""
    if not Path(source).is_file():
        QMessageBox.warning(parent, tr("Open in system viewer"), tr("The file is no longer there: {0}").format(source))
        return False
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(source)):
        QMessageBox.warning(parent, tr("Open in system viewer"),
                            tr("No program on this computer opens {0}; open it from its folder.").format(Path(source).name))
        return False
    return True


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
    deleteCollection = Signal(str, bool)  # noqa: N815 - name, keep its conversations
    removeDocuments = Signal(list)  # noqa: N815 - sources (confirmed)
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
        self.model = DocumentModel(self)
        self.docs = QTableView()
        self.docs.setModel(self.model)
        self.docs.setSortingEnabled(True)
        self.docs.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)  # A→Z
        self.docs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.docs.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.docs.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.docs.setShowGrid(False)
        self.docs.setWordWrap(False)
        self.docs.verticalHeader().hide()
        self.docs.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.docs.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.docs.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        head = self.docs.horizontalHeader()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        head.setMinimumSectionSize(30)
        self.docs.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.docs.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.docs.customContextMenuRequested.connect(self._doc_menu)
        self.docs.doubleClicked.connect(lambda i: open_in_system_viewer(self, i.data(SOURCE_ROLE)))
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.docs)
        delete.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.activated.connect(self.remove_selected)
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
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 4)
        self._fit_columns()

    def set_compact(self, compact: bool) -> None:
        """Narrow window: the status column shows its icon only (the word and the reason in its tooltip),
        so the file names keep the room."""
        if compact != self.model.compact:
            self.model.compact = compact
            self.model.layoutChanged.emit()
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Whole words: the status column as wide as its longest word plus the icon, the date whole."""
        fm = self.docs.fontMetrics()
        pad = 18
        status = max(fm.horizontalAdvance(w) for w in (tr("indexed"), tr("needs OCR"), tr("failed"), tr("check OCR"),
                                                        tr("Status")))
        widths = {STATUS: 30 if self.model.compact else status + pad + 20, PAGES: fm.horizontalAdvance(tr("Pages")) + pad,
                  PASSAGES: fm.horizontalAdvance(tr("Passages")) + pad}
        # The name needs the room: the date the document was added is in the name's tooltip.
        self.docs.setColumnHidden(ADDED, True)
        for col, width in widths.items():
            self.docs.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.docs.setColumnWidth(col, width)

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
            item.setToolTip(count_text(c.documents, tr("{0} document"), tr("{0} documents")) + ", "
                            + count_text(c.chunks, tr("{0} passage"), tr("{0} passages")))
            self.collections.addItem(item)
            if c.name == current:
                self.collections.setCurrentItem(item)
        self.collections.blockSignals(False)

    def set_documents(self, docs: list[Any]) -> None:
        """New rows (a refresh after an ingest, a removal or finished vectors) keep what was selected
        and the current row, so a refresh in the background never changes what the Delete key acts on."""
        keep = set(self.selected_sources())
        current = self.docs.currentIndex().data(SOURCE_ROLE) if self.docs.currentIndex().isValid() else None
        self.model.set_documents(docs)
        if not keep and current is None:
            return
        sel = self.docs.selectionModel()
        for r in range(self.model.rowCount()):
            src = self.model.index(r, NAME).data(SOURCE_ROLE)
            if src in keep:
                sel.select(self.model.index(r, NAME), QItemSelectionModel.SelectionFlag.Select
                           | QItemSelectionModel.SelectionFlag.Rows)
            if src == current:
                sel.setCurrentIndex(self.model.index(r, NAME), QItemSelectionModel.SelectionFlag.NoUpdate)

    def document_rows(self) -> list[list[str]]:
        """The rows as shown (filtered, sorted): name, status, pages, passages, added (tests, bench)."""
        p = self.model
        return [[p.index(r, c).data() or "" for c in range(5)] for r in range(p.rowCount())]

    def selected_sources(self) -> list[str]:
        return [i.data(SOURCE_ROLE) for i in self.docs.selectionModel().selectedRows(NAME)]

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
        self.model.set_needle(text)

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
        if not name:
            return
        box = QMessageBox(QMessageBox.Icon.Question, tr("Delete collection"),
                          tr("Delete the collection “{0}”, its index and its {1} conversation(s)? "
                             "Your files are not touched.").format(name, self.convs.count()),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        keep = QCheckBox(tr("Keep its conversations (filed apart, under no collection)"))
        box.setCheckBox(keep)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.delete_box = box  # tests answer it
        if box.exec() == QMessageBox.StandardButton.Yes:
            self.deleteCollection.emit(name, keep.isChecked())

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def remove_selected(self, sources: list[str] | None = None) -> None:
        """Ask, then remove the documents from the collection (Delete key, context menu)."""
        sources = sources if sources is not None else self.selected_sources()
        if not sources:
            return
        names = ", ".join(Path(s).name for s in sources[:3]) + (" …" if len(sources) > 3 else "")
        text = count_text(len(sources), tr("Remove {0} document from the collection?"),
                          tr("Remove {0} documents from the collection?"))
        if self.confirm(tr("Remove documents"), text + "\n" + names + "\n\n" +
                        tr("The files stay where they are; answers that quoted them show “[document removed]”.")):
            self.removeDocuments.emit(list(sources))

    def _doc_menu(self, pos: QPoint) -> None:
        index = self.docs.indexAt(pos)
        if not index.isValid():
            return
        source = index.data(SOURCE_ROLE)
        chosen = self.selected_sources() if source in self.selected_sources() else [source]
        menu = QMenu(self)
        menu.addAction(tr("Re-index"), lambda: self.reindexDocument.emit(source))
        menu.addAction(tr("Remove from collection…"), lambda: self.remove_selected(chosen))
        menu.addSeparator()
        menu.addAction(tr("Open in system viewer"), lambda: open_in_system_viewer(self, source))
        menu.exec(self.docs.viewport().mapToGlobal(pos))

    def _conv_menu(self, pos: QPoint) -> None:
        item = self.convs.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction(tr("Delete conversation"), lambda: self.deleteConversation.emit(item.data(ROLE)))
        menu.exec(self.convs.viewport().mapToGlobal(pos))
