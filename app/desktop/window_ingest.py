"""The window's ingest side: adding files and folders, re-indexing, dropping, and the watched folders.

Why one queue: adding files, re-indexing and a watched folder's sync all report in the same progress
panel and all write the index, so they run one after another in arrival order (each on the worker,
with progress and cancel). A folder added is remembered (sillok.service.folders) and watched while the
window runs (sillok.app.desktop.folder_watch); at start the remembered folders are synced once, which
also catches up after a kill -9: the sync compares the disk with the index, it does not replay events.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QProgressBar, QToolButton

from sillok.app.desktop.i18n import tr


def local_paths(mime: QMimeData) -> list[str]:
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


def file_filters() -> str:
    """The Add dialog's filters: every type the loaders read first, then one per kind."""
    from sillok.service.model_admin import SUPPORTED_SUFFIXES

    every = " ".join(f"*{s}" for s in sorted(SUPPORTED_SUFFIXES))
    rows = [(tr("All documents"), every), ("PDF", "*.pdf"), (tr("Word"), "*.docx"), (tr("HWP / HWPX"), "*.hwp *.hwpx"),
            (tr("Text"), " ".join(f"*{s}" for s in sorted(SUPPORTED_SUFFIXES) if s in (".txt", ".md", ".csv", ".log",
                                                                                        ".rst", ".json"))),
            ("HTML", "*.html *.htm"), (tr("Images (need OCR)"), " ".join(
                f"*{s}" for s in sorted(SUPPORTED_SUFFIXES) if s in (".png", ".jpg", ".jpeg", ".tif", ".tiff"))),
            (tr("All files"), "*")]
    return ";;".join(f"{name} ({pats})" for name, pats in rows if pats)


class IngestMixin:
    """Mixed into MainWindow (needs: worker, ingest_panel, collection, settings, refresh, show_error)."""

    _ingest_job: Any = None
    _vector_job: Any = None
    _vectors_paused = False
    _vectors_left = 0
    _ingest_queue: list[tuple[str, str, list[str], bool]]  # kind, collection, paths, quiet
    watcher: Any = None

    def _init_ingest(self) -> None:
        from sillok.app.desktop.folder_watch import FolderWatcher

        self._ingest_queue = []
        self.watcher = FolderWatcher(self.settings.home, self)
        self.watcher.changed.connect(lambda coll, paths: self._enqueue("sync", coll, paths, quiet=True))
        self.watcher.availability.connect(self._folder_availability)
        self.ingest_panel.cancelRequested.connect(self._cancel_ingest)

    def start_watching(self, catch_up: bool = True) -> None:
        """Watch every remembered folder; with ``catch_up``, sync each collection's folders once now."""
        self.watcher.reload()
        if catch_up:
            for coll, folders in self.watcher.folders.items():
                self._enqueue("sync", coll, [f for f in folders if f not in self.watcher.unavailable], quiet=True)

    # -- asking for files ----------------------------------------------------------------------------
    def add_documents(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, tr("Add documents"), "", file_filters())
        if paths:
            self.add_paths(paths)

    def add_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Add folder"))
        if path:
            self.add_paths([path])

    def add_paths(self, paths: list[str]) -> None:
        """Files are ingested; folders are also remembered and watched from now on."""
        from sillok.service.folders import FolderList

        listed = FolderList(self.settings.home)
        for p in paths:
            if Path(p).is_dir():
                listed.add(self.collection, p)
        if any(Path(p).is_dir() for p in paths):
            self.watcher.reload()
        self._enqueue("add", self.collection, list(paths))

    def reindex(self, source: str) -> None:
        self._enqueue("reindex", self.collection, [source])

    def _enqueue(self, kind: str, coll: str, paths: list[str], quiet: bool = False) -> None:
        if not paths:
            return
        if kind == "sync":  # one pending sync per collection takes the new paths too
            for i, (k, c, ps, q) in enumerate(self._ingest_queue):
                if k == "sync" and c == coll:
                    self._ingest_queue[i] = (k, c, list(dict.fromkeys(ps + paths)), q and quiet)
                    return
        self._ingest_queue.append((kind, coll, paths, quiet))
        self._next_ingest()

    def _next_ingest(self) -> None:
        if self._ingest_job is not None or not self._ingest_queue:
            return
        kind, coll, paths, quiet = self._ingest_queue.pop(0)
        self.ingest_panel.start(coll, paths, syncing=kind == "sync", quiet=quiet)
        if kind == "sync":
            from sillok.service.folders import sync_paths

            fn: Any = lambda s, j: sync_paths(s, coll, paths, progress=j.report, cancel=j.cancel)  # noqa: E731
        elif kind == "reindex":
            from sillok.app.desktop.jobs import reindex

            fn = lambda s, j: reindex(s, j, paths[0], coll)  # noqa: E731
        else:
            from sillok.app.desktop.jobs import ingest

            fn = lambda s, j: ingest(s, j, paths, coll)  # noqa: E731
        self._ingest_job = self.worker.submit(fn, name=kind, done=self._ingested, error=self._ingest_failed,
                                              progress=self.ingest_panel.on_progress)

    def _ingested(self, report: Any) -> None:
        self._ingest_job = None
        self.ingest_panel.finish(report)
        self.refresh()
        self._next_ingest()
        self.follow_vectors()

    # -- vectors follow in the background ------------------------------------------------------------
    def _init_vectors(self) -> None:
        """The status bar's vectors indicator: progress while vectors are made, and Pause / Resume."""
        self.vectors_bar = QProgressBar()
        self.vectors_bar.setMaximumWidth(140)
        self.vectors_bar.setFormat(tr("vectors %p%"))
        self.vectors_pause = QToolButton()
        self.vectors_pause.setAutoRaise(True)
        self.vectors_pause.clicked.connect(self.toggle_vectors)
        for w in (self.vectors_bar, self.vectors_pause):
            w.hide()
            self.statusBar().addPermanentWidget(w)
        self._vectors_total = 0

    def follow_vectors(self) -> None:
        """Make the collection's missing vectors (new files, or all after an embedding-model upgrade) in
        slices on the worker, so questions and new files go between two slices. Search works all along:
        by keyword at once, and with the collection's last complete vector set during an upgrade."""
        if (self._vector_job is not None or self._ingest_job is not None or self._ingest_queue
                or self._vectors_paused):
            return
        from sillok.app.desktop.jobs import vector_slice

        coll = self.collection
        self._vector_job = self.worker.submit(lambda s, j: vector_slice(s, j, coll), name="vectors",
                                              done=self._vector_slice_done, error=self._vector_failed)

    def toggle_vectors(self) -> None:
        """Pause (the slice under way stops at its next batch; what was made is kept) or resume."""
        self._vectors_paused = not self._vectors_paused
        if self._vectors_paused and self._vector_job is not None:
            self._vector_job.cancel.cancel()
        self._show_vectors(self._vectors_left)
        if not self._vectors_paused:
            self.follow_vectors()

    def _show_vectors(self, left: int) -> None:
        self._vectors_left = left
        self._vectors_total = max(self._vectors_total, left) if left else 0
        busy = left > 0
        self.vectors_bar.setVisible(busy)
        self.vectors_pause.setVisible(busy)
        if busy:
            self.vectors_bar.setRange(0, self._vectors_total)
            self.vectors_bar.setValue(self._vectors_total - left)
            self.vectors_bar.setToolTip(tr("Making search vectors: {0} passages left (already found by keyword)")
                                        .format(left))
            self.vectors_pause.setText(tr("Resume") if self._vectors_paused else tr("Pause"))

    def _vector_slice_done(self, result: tuple[int, int] | None) -> None:
        self._vector_job = None
        made, left = result if result else (0, self._vectors_left)
        self._show_vectors(left)
        if left and made:
            self.follow_vectors()
        elif made:
            self.statusBar().showMessage(tr("Search vectors complete"), 5000)
            self.refresh()

    def _vector_failed(self, message: str) -> None:
        self._vector_job = None
        if not self._vectors_paused:
            self.statusBar().showMessage(tr("Search vectors not made: {0}").format(message), 15000)

    def _ingest_failed(self, message: str) -> None:
        self._ingest_job = None
        self.ingest_panel.fail(message)
        self.refresh()
        self._next_ingest()

    def _cancel_ingest(self) -> None:
        self._ingest_queue = []  # a later change or the next start syncs the folders again
        if self._ingest_job is not None:
            self._ingest_job.cancel.cancel()

    def _folder_availability(self, coll: str, folder: str, there: bool) -> None:
        text = (tr("Watched folder is back: {0}") if there else
                tr("Watched folder not available (disconnected?): {0}. Its documents are kept.")).format(folder)
        self.statusBar().showMessage(text, 15000)

    # -- drag and drop -------------------------------------------------------------------------------
    def dragEnterEvent(self, e: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if local_paths(e.mimeData()):
            e.acceptProposedAction()

    dragMoveEvent = dragEnterEvent  # noqa: N815

    def dropEvent(self, e: QDropEvent) -> None:  # noqa: N802 - Qt override
        if self.handle_drop(e.mimeData()):
            e.acceptProposedAction()

    def handle_drop(self, mime: QMimeData) -> bool:
        paths = local_paths(mime)
        if paths:
            self.add_paths(paths)
        return bool(paths)
