"""The document list as a Qt model: one object for 10,000 documents, not 10,000 widgets.

Why a model (QAbstractTableModel + QTableView): the view asks only for the rows it paints, so filling,
sorting, filtering and switching collections cost a list assignment and a Python sort, where a
widget-per-row tree built (and re-styled) every item. bench/bench_large.py measures it.
The status column shows an icon and a whole word; the reason is in its tooltip, in the UI language.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from sillok.app.desktop.i18n import tr
from sillok.app.desktop.reasons import reason_text

SOURCE_ROLE = Qt.ItemDataRole.UserRole
NAME, STATUS, PAGES, PASSAGES, ADDED = range(5)
Index = QModelIndex | QPersistentModelIndex


def status_text(status: str) -> str:
    return {"indexed": tr("indexed"), "needs_ocr": tr("needs OCR"), "failed": tr("failed"),
            OCR_LOW: tr("check OCR")}.get(status, status)


OCR_LOW = "ocr_low"  # shown status of an indexed scan with pages under the OCR confidence threshold


def shown_status(d: Any) -> str:
    """The status the list shows: a scan with low-confidence pages is flagged for a person to check."""
    return OCR_LOW if d.status == "indexed" and getattr(d, "low_confidence_pages", ()) else d.status


def ocr_tip(d: Any) -> str:
    """What the status tooltip says about a scanned document: its OCR confidence, the pages to check."""
    if not getattr(d, "ocr_pages", 0):
        return ""
    conf = round((d.ocr_confidence or 0.0) * 100)
    tip = tr("Read by OCR: {0} pages, confidence {1}%").format(d.ocr_pages, conf)
    if d.low_confidence_pages:
        tip += "\n" + tr("Low confidence: check page {0}").format(", ".join(str(p) for p in d.low_confidence_pages))
    return tip


def _icon(status: str) -> QIcon:
    style = QApplication.style()
    pixmap = {"indexed": QStyle.StandardPixmap.SP_DialogApplyButton,
              "needs_ocr": QStyle.StandardPixmap.SP_MessageBoxWarning,
              OCR_LOW: QStyle.StandardPixmap.SP_MessageBoxWarning}.get(status, QStyle.StandardPixmap.SP_MessageBoxCritical)
    return style.standardIcon(pixmap)


class DocumentModel(QAbstractTableModel):
    """Rows are sillok.foundation.types.DocumentInfo. Sorting and filtering happen here, in Python, on
    keys computed once per ``set_documents`` (a list sort and a list comprehension over 10,000 rows take
    milliseconds); a QSortFilterProxyModel would call ``data()`` from C++ some 300,000 times per sort,
    which took seconds (bench/bench_large.py). ``order`` holds the shown rows, in shown order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.docs: list[Any] = []
        self.order: list[int] = []
        self._names: list[str] = []
        self._hay: list[str] = []
        self._keys: list[str] = []
        self._status: list[str] = []
        self._icons: dict[str, QIcon] = {}
        self.needle = ""
        self.compact = False  # status as an icon only (narrow window); the word is in the tooltip
        self.sort_column, self.sort_order = NAME, Qt.SortOrder.AscendingOrder

    def set_documents(self, docs: list[Any]) -> None:
        self.beginResetModel()
        self.docs = list(docs)
        self._status = [shown_status(d) for d in self.docs]
        words = {st: status_text(st) for st in set(self._status)}  # tr() once per status
        self._names = [d.source.replace("\\", "/").rsplit("/", 1)[-1] for d in self.docs]  # Path(): 30x slower
        self._keys = [n.casefold() for n in self._names]
        self._hay = [f"{d.source} {words[st]}".casefold() for d, st in zip(self.docs, self._status, strict=True)]
        self.order = self._ordered()
        self.endResetModel()

    def set_needle(self, text: str) -> None:
        """Show only rows whose path or status word contains ``text`` (case-insensitive)."""
        needle = text.strip().casefold()
        if needle == self.needle:
            return
        self.beginResetModel()
        self.needle = needle
        self.order = self._ordered()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.beginResetModel()
        self.sort_column, self.sort_order = column, order
        self.order = self._ordered()
        self.endResetModel()

    def _ordered(self) -> list[int]:
        rows = range(len(self.docs))
        if self.needle:
            rows = [i for i in rows if self.needle in self._hay[i]]  # type: ignore[assignment]
        col, docs, names = self.sort_column, self.docs, self._keys
        shown = self._status
        key = {NAME: names.__getitem__, STATUS: lambda i: (shown[i], names[i]),
               PAGES: lambda i: docs[i].pages, PASSAGES: lambda i: docs[i].chunks,
               ADDED: lambda i: docs[i].added}[col]
        return sorted(rows, key=key, reverse=self.sort_order == Qt.SortOrder.DescendingOrder)

    def source_at(self, row: int) -> str:
        return str(self.docs[self.order[row]].source)

    def headers(self) -> list[str]:
        return [tr("Name"), tr("Status"), tr("Pages"), tr("Passages"), tr("Added")]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        i = self.order[index.row()]
        d, col, status = self.docs[i], index.column(), self._status[i]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == NAME:
                return self._names[i]
            if col == STATUS:
                return "" if self.compact else status_text(status)
            if col == PAGES:
                return str(d.pages) if d.pages else ""
            if col == PASSAGES:
                return str(d.chunks) if d.chunks else ""
            return d.added[:10]
        if role == SOURCE_ROLE:
            return d.source
        if role == Qt.ItemDataRole.DecorationRole and col == STATUS:
            if status not in self._icons:
                self._icons[status] = _icon(status)
            return self._icons[status]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == STATUS:
                word = status_text(status)
                if getattr(d, "ocr_pages", 0):
                    return f"{word}\n{ocr_tip(d)}"
                return f"{word}: {reason_text(d.reason)}" if d.reason and d.status == "failed" else (
                    reason_text(d.reason) if d.reason else word)
            if col == ADDED:
                return d.added.replace("T", " ")
            if col == NAME:
                added = tr("added {0}").format(d.added.replace("T", " ")) if d.added else ""
                return "\n".join(x for x in (d.title if d.title and d.title != self._names[i] else "", d.source, added) if x)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS and status != "indexed":
            return QColor(Qt.GlobalColor.darkRed)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (PAGES, PASSAGES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
