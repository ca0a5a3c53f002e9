"""The source pane: the cited document at the cited page with the quoted passage highlighted.

PDFs are shown as pages (QtPdf); the quote is found in the page's own text layer (pdfium, synchronous)
so the search model is asked for a string that really is on the page, then that hit is selected.
Other formats are shown as text (the loader's pages, fetched on the worker) with the span highlighted.
A page read by OCR (a scan) is shown as its image with the quoted words outlined (app/desktop/scan_pane.py).

Identifiers (sillok.foundation.identifiers) are masked in what this pane shows: text pages arrive masked,
and a PDF that holds identifiers is shown as its masked text rather than its pages. The Reveal button
shows the passage's document in full for this view only; the window asks the service, which writes the
audit line first. Opening the original in the system viewer reveals it too, and is logged the same way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPointF, QTimer, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QTextCharFormat, QTextCursor
from PySide6.QtPdf import QPdfDocument, QPdfSearchModel
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop.i18n import tr
from sillok.app.desktop.scan_pane import ScanPane, words_in_span

HIGHLIGHT = QColor(255, 230, 120)
ZOOM_STEPS = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0)


def find_phrase(page_text: str, quote: str, longest: int = 16, shortest: int = 3) -> str:
    """The longest run of the quote's words (≤ ``longest``) that occurs verbatim in ``page_text``."""
    words = quote.split()[:60]
    for size in range(min(longest, len(words)), shortest - 1, -1):
        for i in range(0, len(words) - size + 1):
            phrase = " ".join(words[i:i + size])
            if len(phrase) >= 12 and phrase in page_text:
                return phrase
    short = " ".join(words)
    return short if 4 <= len(short) < 12 and short in page_text else ""  # a short quote, whole


def find_span(text: str, quote: str, hint: int = 0) -> tuple[int, int] | None:
    """Where ``quote`` is in ``text`` (whitespace-insensitive), preferring the match nearest ``hint``."""
    words = quote.split()
    if not words:
        return None
    for take in (len(words), 30, 12, 6):
        pattern = r"\s+".join(re.escape(w) for w in words[:take])
        matches = list(re.finditer(pattern, text))
        if matches:
            m = min(matches, key=lambda m: abs(m.start() - hint))
            return m.start(), m.end()
    return None


class SourceViewer(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.page: int | None = None  # 1-based, as cited
        self.highlight: str = ""  # the text actually highlighted (tests read it)
        self.highlight_selected = False  # PDF: the search hit on the cited page is selected
        self.masked = False  # identifiers in this view are masked (a Reveal is offered)
        self.revealed = False  # this view shows identifiers in full (after an audited Reveal)
        self.on_reveal: Any = None  # set by the window: runs the audited reveal
        self.on_open: Any = None  # set by the window: opens the original (audited when masked)
        self._span: tuple[int, int] | None = None
        self._pages_layout: list[tuple[int | None, str]] = []
        self.header = QLabel()
        self.header.setWordWrap(True)
        # A long file name must not widen the pane (it would squeeze the chat): it wraps or is cut.
        self.header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.open_btn = QPushButton()
        self.open_btn.setEnabled(False)
        self.open_btn.clicked.connect(self._open_clicked)
        self.fit_btn, self.zoom_out_btn, self.zoom_in_btn = QToolButton(), QToolButton(), QToolButton()
        self.fit_btn.setCheckable(True)
        self.fit_btn.setChecked(True)
        self.fit_btn.clicked.connect(self.fit_width)
        self.zoom_out_btn.setText("−")
        self.zoom_in_btn.setText("+")
        self.zoom_out_btn.clicked.connect(lambda: self.zoom(-1))
        self.zoom_in_btn.clicked.connect(lambda: self.zoom(1))
        self.zoom_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.open_btn)
        zoom_row = QHBoxLayout()
        for w in (self.fit_btn, self.zoom_out_btn, self.zoom_label, self.zoom_in_btn):
            zoom_row.addWidget(w)
        zoom_row.addStretch(1)
        self.zoom_bar = QWidget()
        self.zoom_bar.setLayout(zoom_row)
        zoom_row.setContentsMargins(0, 0, 0, 0)
        self.zoom_bar.hide()
        self.mask_note = QLabel()
        self.mask_note.setWordWrap(True)
        self.mask_note.setObjectName("maskNote")
        self.reveal_btn = QPushButton()
        self.reveal_btn.clicked.connect(self._reveal_clicked)
        self.mask_bar = QWidget()
        bar = QHBoxLayout(self.mask_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.mask_note, 1)
        bar.addWidget(self.reveal_btn)
        self.mask_bar.hide()
        self.placeholder = QLabel()
        self.placeholder.setWordWrap(True)
        self.placeholder.setMargin(16)
        # The document and search model are the view's children, so the view is torn down before them.
        self.pdf_view = QPdfView()
        self.pdf_doc = QPdfDocument(self.pdf_view)
        self.search = QPdfSearchModel(self.pdf_view)
        self.search.setDocument(self.pdf_doc)
        self.pdf_view.setDocument(self.pdf_doc)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf_view.setSearchModel(self.search)
        for sig in (self.search.modelReset, self.search.rowsInserted, self.search.layoutChanged):
            sig.connect(self._select_hit)
        self.text_view = QTextBrowser()
        self.text_view.setAcceptDrops(False)
        self.scan_view = ScanPane()
        self.outlined: list[tuple[float, float, float, float]] = []  # word boxes outlined on a scan (tests read it)
        self.stack = QStackedWidget()
        for w in (self.placeholder, self.pdf_view, self.text_view, self.scan_view):
            self.stack.addWidget(w)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.zoom_bar)
        lay.addWidget(self.mask_bar)
        lay.addWidget(self.stack, 1)
        self._pdf_as_text = False
        self.retranslate()

    def retranslate(self) -> None:
        self.open_btn.setText(tr("Open in system viewer"))
        self.fit_btn.setText(tr("Fit width"))
        self.zoom_in_btn.setToolTip(tr("Zoom in"))
        self.zoom_out_btn.setToolTip(tr("Zoom out"))
        self._zoom_label()
        self.placeholder.setText(tr("Click a citation such as [1] in an answer to see the passage here."))
        self.reveal_btn.setText(tr("Reveal"))
        self.reveal_btn.setToolTip(tr("Show this document with its identifiers in full, in this view only "
                                      "(written to the audit log)"))
        self._set_header()
        self._set_mask_note()

    # -- masking ------------------------------------------------------------------------------------
    def set_masked(self, masked: bool, pdf_as_text: bool = False) -> None:
        """After showing a view: whether it hides identifiers (then Reveal is offered)."""
        self.masked, self.revealed, self._pdf_as_text = masked, False, pdf_as_text
        self._set_mask_note()

    def _set_mask_note(self) -> None:
        if self.revealed:
            self.mask_note.setText(tr("Shown in full for this view only; the reveal was written to the audit log."))
        elif self._pdf_as_text:
            self.mask_note.setText(tr("This PDF holds personal identifiers, so it is shown as masked text."))
        else:
            self.mask_note.setText(tr("Identifiers in this document are masked."))
        self.reveal_btn.setVisible(self.masked and not self.revealed)
        self.mask_bar.setVisible(self.masked or self.revealed)

    def _reveal_clicked(self) -> None:
        if self.on_reveal is not None and self.masked:
            self.on_reveal()

    def reveal_text(self, pages: list[Any]) -> None:
        """Show the unmasked pages in place of the masked ones, same highlight (masking keeps offsets)."""
        full = self._join(pages)[0]
        self.text_view.setPlainText(full)
        self.stack.setCurrentWidget(self.text_view)
        self._mark(self._span)
        self.highlight = full[self._span[0]:self._span[1]] if self._span else ""
        self.masked, self.revealed = False, True
        self._set_mask_note()

    def revealed_pdf(self, path: str | Path, page: int | None, quote: str) -> None:
        """The original PDF pages after an audited Reveal."""
        self.show_pdf(path, page, quote)
        self.masked, self.revealed, self._pdf_as_text = False, True, False
        self._set_mask_note()

    def _open_clicked(self) -> None:
        if self.on_open is not None:
            self.on_open(self.masked)
        else:
            self.open_external()

    def _set_header(self) -> None:
        if self.path is None:
            self.header.setText(f"<b>{tr('Source')}</b>")
            return
        where = f" — {tr('p.')} {self.page}" if self.page else ""
        self.header.setText(f"<b>{self.path.name}</b>{where}")
        self.header.setToolTip(str(self.path))

    # -- PDF ----------------------------------------------------------------------------------------
    def show_pdf(self, path: str | Path, page: int | None, quote: str) -> bool:
        self._set_path(path, page)
        if self.pdf_doc.load(str(self.path)) != QPdfDocument.Error.None_:
            self.show_message(tr("Cannot open {0}").format(self.path.name))
            return False
        self.stack.setCurrentWidget(self.pdf_view)
        self.zoom_bar.show()
        self._zoom_label()
        idx = max(0, min((page or 1) - 1, self.pdf_doc.pageCount() - 1))
        self._want_page = idx
        self.highlight = find_phrase(self.pdf_doc.getAllText(idx).text(), quote)
        self.search.setSearchString(self.highlight)
        self._jump(idx)
        QTimer.singleShot(0, self, lambda: self._jump(idx))  # again once the view has laid the pages out
        self._select_hit()
        return True

    def _jump(self, idx: int) -> None:
        if not self.highlight_selected:
            self.pdf_view.pageNavigator().jump(idx, QPointF(0, 0), 0)

    def _select_hit(self, *_: Any) -> None:
        if self.highlight_selected or not self.highlight or self.stack.currentWidget() is not self.pdf_view:
            return
        for i in range(self.search.rowCount(QModelIndex())):
            if self.search.resultAtIndex(i).page() == self._want_page:
                self.pdf_view.setCurrentSearchResultIndex(i)
                self.highlight_selected = True
                self.pdf_view.pageNavigator().jump(self.search.resultAtIndex(i))
                return

    @property
    def current_page(self) -> int | None:
        """1-based page shown now (PDF), or the cited page (text)."""
        if self.stack.currentWidget() is self.pdf_view:
            return self.pdf_view.pageNavigator().currentPage() + 1
        return self.page

    # -- zoom (PDF) ----------------------------------------------------------------------------------
    def fit_width(self) -> None:
        self.fit_btn.setChecked(True)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._zoom_label()
        self._keep_place()

    def zoom(self, step: int) -> None:
        """One step along ZOOM_STEPS from the zoom shown now (fit-to-width included)."""
        now = self.zoom_factor
        if step > 0:
            target = next((z for z in ZOOM_STEPS if z > now + 0.01), ZOOM_STEPS[-1])
        else:
            target = next((z for z in reversed(ZOOM_STEPS) if z < now - 0.01), ZOOM_STEPS[0])
        self.fit_btn.setChecked(False)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.pdf_view.setZoomFactor(target)
        self._zoom_label()
        self._keep_place()

    def _keep_place(self) -> None:
        """After a zoom, bring the cited passage (or the page shown) back into view."""
        page = self.pdf_view.pageNavigator().currentPage()

        def back() -> None:
            i = self.pdf_view.currentSearchResultIndex()
            if self.highlight_selected and 0 <= i < self.search.rowCount(QModelIndex()):
                link = self.search.resultAtIndex(i)
                loc = link.location()
                # the passage a little below the top edge, at the left margin of the page
                self.pdf_view.pageNavigator().jump(link.page(), QPointF(0, max(0.0, loc.y() - 40)), 0)
            else:
                self.pdf_view.pageNavigator().jump(page, QPointF(0, 0), 0)

        QTimer.singleShot(0, self, back)

    @property
    def zoom_factor(self) -> float:
        """The scale the page is drawn at now (in fit-to-width: page width to viewport width)."""
        if self.pdf_view.zoomMode() == QPdfView.ZoomMode.Custom or self.pdf_doc.pageCount() == 0:
            return self.pdf_view.zoomFactor()
        page_pt = self.pdf_doc.pagePointSize(max(0, self.pdf_view.pageNavigator().currentPage())).width()
        px = page_pt / 72 * self.logicalDpiX()
        return max(0.1, (self.pdf_view.viewport().width() - 12) / px) if px else 1.0

    def _zoom_label(self) -> None:
        fit = self.pdf_view.zoomMode() == QPdfView.ZoomMode.FitToWidth
        self.zoom_label.setText(f"{round(self.zoom_factor * 100)}%" + (f" ({tr('fit')})" if fit else ""))

    def resizeEvent(self, e: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(e)
        self._zoom_label()

    # -- text ---------------------------------------------------------------------------------------
    def show_text(self, path: str | Path, pages: list[Any], page: int | None, quote: str,
                  start: int = 0, end: int = 0) -> None:
        """``pages`` are sillok.foundation.types.Page; ``start``/``end`` are offsets into the cited page's text."""
        self._set_path(path, page)
        full, target_offset, target_text = self._join(pages, page)
        self.text_view.setPlainText(full)
        self.stack.setCurrentWidget(self.text_view)
        span: tuple[int, int] | None = None
        if end > start and target_text[start:end].split() == quote.split()[: len(target_text[start:end].split())]:
            span = (start, end)
        span = span or find_span(target_text, quote, start)
        if span:
            span = (span[0] + target_offset, span[1] + target_offset)
        else:
            span = find_span(full, quote)
        self.highlight = full[span[0]:span[1]] if span else ""
        self._span = span
        self._mark(span)

    # -- scans (pages read by OCR) -------------------------------------------------------------------
    def show_scan(self, path: str | Path, page: int | None, view: Any, quote: str, start: int = 0,
                  end: int = 0) -> None:
        """``view`` is a sillok.foundation.types.ScanView of the cited page; the words of the quoted span
        (``start``/``end`` into the page's OCR text, or where the quote is found) are outlined."""
        self._set_path(path, page)
        text = view.text
        span: tuple[int, int] | None = None
        if end > start and text[start:end].split() == quote.split()[: len(text[start:end].split())]:
            span = (start, end)
        span = span or find_span(text, quote, start)
        if span is None and quote.strip():
            phrase = find_phrase(text, quote)
            at = text.find(phrase) if phrase else -1
            span = (at, at + len(phrase)) if at >= 0 else None
        self._span = span
        self.highlight = text[span[0]:span[1]] if span else ""
        self.outlined = [w.box for w in words_in_span(view.words, span)]
        self.stack.setCurrentWidget(self.scan_view)
        self.scan_view.show_page(view, self.outlined)

    def _join(self, pages: list[Any], page: int | None = None) -> tuple[str, int, str]:
        """The pages as one text (page headers between), and where the cited page starts in it."""
        parts: list[str] = []
        offset, target_offset, target_text = 0, 0, ""
        for p in pages:
            head = f"— {tr('p.')} {p.number} —\n" if p.number is not None and len(pages) > 1 else ""
            if p.number == page or (page is None and not target_text):
                target_offset, target_text = offset + len(head), p.text
            parts.append(head + p.text)
            offset += len(head) + len(p.text) + 2
        return "\n\n".join(parts), target_offset, target_text

    def _mark(self, span: tuple[int, int] | None) -> None:
        if not span:
            self.text_view.setExtraSelections([])
            return
        cursor = self.text_view.textCursor()
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        sel = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(HIGHLIGHT)
        sel.format, sel.cursor = fmt, cursor
        self.text_view.setExtraSelections([sel])
        end = self.text_view.textCursor()
        end.setPosition(span[0])
        self.text_view.setTextCursor(end)
        self.text_view.ensureCursorVisible()

    # -- common -------------------------------------------------------------------------------------
    def _set_path(self, path: str | Path, page: int | None) -> None:
        self.zoom_bar.hide()
        self.outlined = []
        self.scan_view.clear_page()
        self.path, self.page = Path(path), page
        self.highlight, self.highlight_selected, self._span = "", False, None
        self.masked = self.revealed = self._pdf_as_text = False
        self._set_mask_note()
        self.open_btn.setEnabled(True)
        self._set_header()

    def show_message(self, text: str) -> None:
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)
        self.zoom_bar.hide()

    def clear(self) -> None:
        """Back to the hint: the conversation, collection or document the pane belonged to is gone."""
        self.search.setSearchString("")
        self.pdf_doc.close()
        self.text_view.clear()
        self.path, self.page, self.highlight, self.highlight_selected = None, None, "", False
        self.open_btn.setEnabled(False)
        self.header.setToolTip("")
        self.retranslate()
        self.show_message(tr("Click a citation such as [1] in an answer to see the passage here."))

    def release(self) -> None:
        """Detach the PDF parts (window close): no search or paint may run on a closing document."""
        self.search.setSearchString("")
        self.pdf_doc.close()

    def open_external(self) -> bool:
        """Open the document in the system's viewer; say so when that fails (no silent failure)."""
        if self.path is None:
            return False
        if not self.path.is_file():
            QMessageBox.warning(self, tr("Open in system viewer"), tr("The file is no longer there: {0}").format(self.path))
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path))):
            QMessageBox.warning(self, tr("Open in system viewer"),
                                tr("No program on this computer opens {0}; open it from its folder.").format(self.path.name))
            return False
        return True
