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
from PySide6.QtWidgets import QFileDialog

from sillok.app.desktop.i18n import tr


def local_paths(mime: QMimeData) -> list[str]:
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


def file_filters() -> str:
    """The Add dialog's filters: every type the loaders read first, then one per kind."""
    from sillok.ingest.loaders import SUPPORTED_SUFFIXES

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
    def follow_vectors(self) -> None:
        """Make the collection's missing vectors (new files, or all after an embedding-model upgrade) in
        slices on the worker, so questions and new files go between two slices. Search works all along:
        by keyword at once, and with the collection's last complete vector set during an upgrade."""
        if self._vector_job is not None or self._ingest_job is not None or self._ingest_queue:
            return
        from sillok.app.desktop.jobs import vector_slice

        coll = self.collection
        self._vector_job = self.worker.submit(lambda s, j: vector_slice(s, j, coll), name="vectors",
                                              done=self._vector_slice_done, error=self._vector_failed)

    def _vector_slice_done(self, result: tuple[int, int]) -> None:
        self._vector_job = None
        made, left = result
        if left and made:
            self.statusBar().showMessage(tr("Making search vectors: {0} passages left (already found by keyword)")
                                         .format(left))
            self.follow_vectors()
        elif made:
            self.statusBar().showMessage(tr("Search vectors complete"), 5000)
            self.refresh()

    def _vector_failed(self, message: str) -> None:
        self._vector_job = None
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
