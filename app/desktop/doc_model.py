"""The document list as a Qt model: one object for 10,000 documents, not 10,000 widgets.

Why a model (QAbstractTableModel + QSortFilterProxyModel + QTableView): the view asks only for the rows
it paints, so filling, sorting, filtering and switching collections cost a list assignment and a sort
in C++, where a widget-per-row tree built (and re-styled) every item. bench/bench_large.py measures it.
The status column shows an icon and a whole word; the reason is in its tooltip, in the UI language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from sillok.app.desktop.i18n import tr
from sillok.app.desktop.reasons import reason_text

SOURCE_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
NAME, STATUS, PAGES, PASSAGES, ADDED = range(5)
Index = QModelIndex | QPersistentModelIndex


def status_text(status: str) -> str:
    return {"indexed": tr("indexed"), "needs_ocr": tr("needs OCR"), "failed": tr("failed")}.get(status, status)


def _icon(status: str) -> QIcon:
    style = QApplication.style()
    pixmap = {"indexed": QStyle.StandardPixmap.SP_DialogApplyButton,
              "needs_ocr": QStyle.StandardPixmap.SP_MessageBoxWarning}.get(status, QStyle.StandardPixmap.SP_MessageBoxCritical)
    return style.standardIcon(pixmap)


class DocumentModel(QAbstractTableModel):
    """Rows are sillok.foundation.types.DocumentInfo; names are computed once per set_documents."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.docs: list[Any] = []
        self._names: list[str] = []
        self._icons: dict[str, QIcon] = {}

    def set_documents(self, docs: list[Any]) -> None:
        self.beginResetModel()
        self.docs = list(docs)
        self._names = [Path(d.source).name for d in self.docs]
        self.endResetModel()

    def headers(self) -> list[str]:
        return [tr("Name"), tr("Status"), tr("Pages"), tr("Passages"), tr("Added")]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.docs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        d, col = self.docs[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == NAME:
                return self._names[index.row()]
            if col == STATUS:
                return status_text(d.status)
            if col == PAGES:
                return str(d.pages) if d.pages else ""
            if col == PASSAGES:
                return str(d.chunks) if d.chunks else ""
            return d.added[:10]
        if role == SORT_ROLE:
            return (self._names[index.row()].casefold(), d.status, d.pages, d.chunks, d.added)[col]
        if role == SOURCE_ROLE:
            return d.source
        if role == Qt.ItemDataRole.DecorationRole and col == STATUS:
            if d.status not in self._icons:
                self._icons[d.status] = _icon(d.status)
            return self._icons[d.status]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == STATUS:
                return reason_text(d.reason) if d.reason else status_text(d.status)
            if col == ADDED:
                return d.added.replace("T", " ")
            return d.title or d.source if col == NAME else None
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS and d.status != "indexed":
            return QColor(Qt.GlobalColor.darkRed)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (PAGES, PASSAGES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DocumentFilter(QSortFilterProxyModel):
    """Filter on name, status word and full path (case-insensitive); sort on SORT_ROLE."""

    def __init__(self, model: DocumentModel) -> None:
        super().__init__()
        self.setSourceModel(model)
        self.setSortRole(SORT_ROLE)
        self.needle = ""
        self._model = model

    def set_needle(self, text: str) -> None:
        self.beginFilterChange()
        self.needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802 - Qt API
        if not self.needle:
            return True
        d = self._model.docs[row]
        return self.needle in f"{d.source} {status_text(d.status)}".casefold()
