"""The ingest job's panel: per-file progress, an overall bar with ETA, cancel, and the results.

Also shows a watched folder's sync (sillok.service.folders): files removed because they left the folder,
and folders that are not connected. A quiet sync (at start, or after the watcher saw a change) hides
the panel again when it found nothing to do.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop.i18n import tr
from sillok.app.desktop.reasons import reason_text

ROLE = Qt.ItemDataRole.UserRole
ETA_AFTER_S = 5.0  # no time-left guess before this much work and…
ETA_AFTER_FILES = 3
MAX_LINES = 500  # a 10,000-file folder must not become 10,000 list items (each one costs the UI thread)  # …this many files: one quick first file says nothing about the next big one


def count(n: int, one: str, many: str) -> str:
    """"1 page" / "2 pages": both forms go through tr() (Korean has one form for both)."""
    return (one if n == 1 else many).format(n)


def pages_passages(pages: int, chunks: int) -> str:
    return count(pages, tr("{0} page"), tr("{0} pages")) + ", " + count(chunks, tr("{0} passage"), tr("{0} passages"))


def result_text(f: Any) -> str:
    """One line for a sillok.foundation.types.FileResult."""
    name = Path(f.path).name
    if f.status in ("indexed", "updated"):
        what = tr("indexed") if f.status == "indexed" else tr("updated")
        line = f"✓ {name} — {what} ({pages_passages(f.pages, f.chunks)})"
        if f.reason.startswith("OCR:"):  # a scan (sillok.ingest.pipeline.ocr_note)
            check = "low confidence" in f.reason or "skipped" in f.reason
            line += " — " + (tr("read by OCR; some pages need checking") if check else tr("read by OCR"))
        return line
    if f.status == "unchanged":
        return f"= {name} — {tr('already indexed')}"
    if f.status == "removed":
        return f"− {name} — {tr('removed: no longer in the folder')}"
    if f.status == "needs_ocr":  # the reason already says "needs OCR"
        return f"⚠ {name} — {reason_text(f.reason)}"
    return f"✗ {name} — {tr('failed')}: {reason_text(f.reason)}"


def eta_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = max(1, int(round(seconds)))
    return tr("about {0}:{1:02d} left").format(s // 60, s % 60)


class IngestPanel(QFrame):
    cancelRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.report: Any = None
        self.running = False
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600")
        self.bar = QProgressBar()
        self.detail = QLabel()
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancel_btn = QPushButton()
        self.cancel_btn.clicked.connect(self._cancel)
        self.close_btn = QPushButton()
        self.close_btn.clicked.connect(self.hide)
        self.results = QListWidget()
        self.results.setMaximumHeight(110)
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.cancel_btn)
        row.addWidget(self.close_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addLayout(row)
        lay.addWidget(self.bar)
        lay.addWidget(self.detail)
        lay.addWidget(self.results)
        self._collection = ""
        self.syncing = self.quiet = False
        self._started = 0.0
        self._eta_until: float | None = None
        self._parts: list[str] = []
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_detail)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.cancel_btn.setText(tr("Cancel"))
        self.close_btn.setText(tr("Close"))
        self._set_title()

    def _set_title(self) -> None:
        if self.running:
            self.title.setText((tr("Updating “{0}” from its folders…") if self.syncing else
                                tr("Adding documents to “{0}”…")).format(self._collection))
        elif self.report is not None:
            ok = sum(f.status in ("indexed", "updated") for f in self.report.files)
            bad = len(self.report.failed)
            done = tr("Cancelled") if self.report.cancelled else tr("Done")
            text = tr("{0}: {1} added, {2} failed").format(done, ok, bad)
            removed = sum(f.status == "removed" for f in self.report.files)
            if removed:
                text += ", " + tr("{0} removed").format(removed)
            self.title.setText(text)

    def start(self, collection: str, paths: list[str], syncing: bool = False, quiet: bool = False) -> None:
        self.running, self.report, self._collection = True, None, collection
        self.syncing, self.quiet, self._started = syncing, quiet, time.monotonic()
        self.results.clear()
        self.bar.setRange(0, 0)  # busy until the first progress report (models may be loading)
        self.detail.setText(count(len(paths), tr("Preparing {0} item…"), tr("Preparing {0} items…")))
        self.cancel_btn.setEnabled(True)
        self.close_btn.setEnabled(False)
        self._set_title()
        self.show()

    def on_progress(self, p: Any) -> None:
        """``p`` is a sillok.foundation.types.Progress."""
        if not self.running:
            return
        if p.files_total:
            self.bar.setRange(0, p.files_total)
            self.bar.setValue(p.files_done)
        name = Path(p.current).name if p.current else ""
        stage = tr("Reading") if p.stage == "ingest" else tr("Preparing the index")
        if p.stage == "ocr":  # a scan: the page OCR is on, so a long file shows it is moving
            stage = tr("OCR page {0} of {1}:").format(min(p.page + 1, p.pages), p.pages)
        enough = p.files_done >= ETA_AFTER_FILES and time.monotonic() - self._started >= ETA_AFTER_S
        # The estimate counts down between reports (one big file can take a minute); when it runs out
        # it is dropped rather than left saying "about 0:01 left".
        self._eta_until = time.monotonic() + p.eta_s if enough and p.eta_s is not None else None
        self._parts = [f"{p.files_done}/{p.files_total}", f"{stage} {name}".strip()]
        self._show_detail()
        if not self._tick.isActive():
            self._tick.start()
        if name and (self.results.count() == 0 or self.results.item(self.results.count() - 1).data(ROLE) != p.current):
            item = QListWidgetItem(f"… {name}")
            item.setData(ROLE, p.current)
            self.results.addItem(item)
            while self.results.count() > MAX_LINES:  # the latest files only, while it runs
                self.results.takeItem(0)
            self.results.scrollToBottom()

    def _show_detail(self) -> None:
        if not self.running:
            self._tick.stop()
            return
        left = None if self._eta_until is None else self._eta_until - time.monotonic()
        eta = eta_text(left) if left is not None and left >= 1 else ""
        self.detail.setText(" — ".join(x for x in [*self._parts, eta] if x))

    def finish(self, report: Any) -> None:
        """``report`` is a sillok.foundation.types.IngestReport, or None if the job was cancelled before it ran."""
        self.running = False
        self._tick.stop()
        self.report = report
        self.cancel_btn.setEnabled(False)
        self.close_btn.setEnabled(True)
        self.results.clear()
        if report is None:
            self.title.setText(tr("Cancelled"))
            return
        unavailable = list(getattr(report, "unavailable", []))
        if self.quiet and not unavailable and all(f.status == "unchanged" for f in report.files):
            self.hide()  # a folder check that found nothing to do says nothing
            return
        for folder in unavailable:
            item = QListWidgetItem("⚠ " + tr("{0} — not connected; its documents are kept").format(folder))
            item.setForeground(Qt.GlobalColor.darkRed)
            self.results.addItem(item)
        self.bar.setRange(0, max(1, len(report.files)))
        self.bar.setValue(len(report.files) if not report.cancelled else self.bar.value())
        # Failures first: they are what the person has to act on; then what changed; "already indexed" last.
        order = {"failed": 0, "needs_ocr": 0, "removed": 1, "indexed": 1, "updated": 1, "unchanged": 2}
        ranked = sorted(report.files, key=lambda f: (order.get(f.status, 1), f.path))
        self.results.setUpdatesEnabled(False)
        for f in ranked[:MAX_LINES]:
            item = QListWidgetItem(result_text(f))
            item.setData(ROLE, f.path)
            item.setToolTip(f.path)
            if f.status in ("failed", "needs_ocr"):
                item.setForeground(Qt.GlobalColor.darkRed)
            self.results.addItem(item)
        if len(ranked) > MAX_LINES:
            self.results.addItem(tr("… and {0} more (the document list shows every file)").format(len(ranked) - MAX_LINES))
        self.results.setUpdatesEnabled(True)
        self.detail.setText(count(len(report.files), tr("{0} file"), tr("{0} files")) + " " + tr("in {0:.1f} s").format(report.seconds))
        self._set_title()

    def fail(self, message: str) -> None:
        self.running = False
        self.cancel_btn.setEnabled(False)
        self.close_btn.setEnabled(True)
        self.bar.setRange(0, 1)
        self.title.setText(tr("Adding documents failed"))
        self.detail.setText(reason_text(message))

    def _cancel(self) -> None:
        self.cancel_btn.setEnabled(False)
        self.detail.setText(tr("Cancelling…"))
        self.cancelRequested.emit()
