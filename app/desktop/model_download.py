"""Download a recommended model — only when the person presses Download, with progress and cancel.

Why a thread of its own (not the facade's worker): a multi-gigabyte download must not hold up
searching and asking, and it touches nothing the facade owns; it only writes into the models folder
through `download` (sillok.models.download, reached via sillok.service.model_admin), which resumes a `.part` file, checks sha256 where known and
validates the GGUF before the file takes its final name.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop.i18n import tr
from sillok.app.desktop.reasons import reason_text
from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import Cancelled, SillokError
from sillok.service.model_admin import RECOMMENDED, RecommendedModel, download


class _Fetch(QThread):
    progress = Signal(int, int)  # done bytes, total bytes (0 when unknown)
    finished_ok = Signal(str)
    failed = Signal(str)

    def __init__(self, spec: RecommendedModel, dest: Path, base_url: str | None) -> None:
        super().__init__()
        self.spec, self.dest, self.base_url = spec, dest, base_url
        self.cancel = CancelToken()

    def run(self) -> None:
        try:
            path = download(self.spec, self.dest, lambda d, t: self.progress.emit(d, t or 0), self.cancel,
                            base_url=self.base_url)
        except Cancelled:
            self.failed.emit(tr("Download cancelled; pressing Download again resumes it."))
        except SillokError as e:
            self.failed.emit(str(e))
        except Exception as e:  # noqa: BLE001 - a download error is reported, never raised into Qt
            self.failed.emit(f"{type(e).__name__}: {e}")
        else:
            self.finished_ok.emit(str(path))


class DownloadDialog(QDialog):
    """The recommended models that can be fetched; `downloaded(path)` when one arrives."""

    downloaded = Signal(str)

    def __init__(self, models_dir: Path, parent: QWidget | None = None,
                 models: list[RecommendedModel] | None = None, base_url: str | None = None,
                 select: RecommendedModel | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Download a model"))
        self.models_dir, self.base_url = Path(models_dir), base_url
        self.models = [m for m in (RECOMMENDED if models is None else models) if not m.bundled and m.filename]
        self.fetch: _Fetch | None = None
        self.table = QTableWidget(len(self.models), 5)
        self.table.setHorizontalHeaderLabels([tr("Model"), tr("Size"), tr("Memory"), tr("Languages"),
                                              tr("License")])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, m in enumerate(self.models):
            cells = [m.name, f"{m.size_gb:.1f} GB", f"{m.ram_gb:.0f} GB", m.languages, m.license]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(m.notes)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        if self.models:
            self.table.selectRow(self.models.index(select) if select in self.models else 0)
        note = QLabel(tr("Sillok connects to the internet only for the download you start here. "
                         "Files go to {0}.").format(self.models_dir))
        note.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.download_btn = QPushButton(tr("Download"))
        self.download_btn.clicked.connect(self.start)
        self.cancel_btn = QPushButton(tr("Cancel download"))
        self.cancel_btn.setEnabled(False)
        self.cancel_btn.clicked.connect(self.stop)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.download_btn, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_btn, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        for w in (self.table, note, self.bar, self.status, buttons):
            lay.addWidget(w)
        self.resize(900, 380)

    def selected(self) -> RecommendedModel | None:
        rows = self.table.selectionModel().selectedRows()
        return self.models[rows[0].row()] if rows else None

    def start(self) -> None:
        spec = self.selected()
        if spec is None or self.fetch is not None or not self.licence_accepted(spec):
            return
        self.fetch = _Fetch(spec, self.models_dir, self.base_url)
        self.fetch.progress.connect(self._progress)
        self.fetch.finished_ok.connect(self._done)
        self.fetch.failed.connect(self._failed)
        self.download_btn.setEnabled(False)
        self.cancel_btn.setEnabled(True)
        self.status.setText(tr("Downloading {0}…").format(spec.filename))
        self.fetch.start()

    def licence_accepted(self, spec: RecommendedModel) -> bool:
        """A non-commercial licence is confirmed before anything is fetched (never on one click)."""
        from sillok.service.model_admin import noncommercial

        if not noncommercial(spec):
            return True
        answer = QMessageBox.question(
            self, tr("Licence"),
            tr("{0} is published under “{1}”: use for commercial purposes is not allowed. A law or medical "
               "office must check that its use is permitted before using it.\n\nDownload it anyway?").format(
                spec.name, spec.license),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            self.status.setText(tr("Not downloaded: the licence was not accepted."))
            return False
        return True

    def stop(self) -> None:
        if self.fetch is not None:
            self.fetch.cancel.cancel()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, 100)
            self.bar.setValue(int(done * 100 / total))
        else:
            self.bar.setRange(0, 0)  # unknown size: busy indicator
        self.status.setText(tr("{0} MB received").format(done // (1 << 20)))

    def _finish(self) -> None:
        if self.fetch is not None:
            self.fetch.wait()
            self.fetch = None
        self.download_btn.setEnabled(True)
        self.cancel_btn.setEnabled(False)

    def _done(self, path: str) -> None:
        self._finish()
        self.bar.setRange(0, 100)
        self.bar.setValue(100)
        self.status.setText(tr("Downloaded and checked: {0}").format(path))
        self.downloaded.emit(path)

    def _failed(self, reason: str) -> None:
        self._finish()
        self.status.setText(reason_text(reason))

    def reject(self) -> None:
        """Closing cancels a running download (the .part file stays for a resume)."""
        if self.fetch is not None:
            self.fetch.cancel.cancel()
            self.fetch.wait()
        super().reject()
