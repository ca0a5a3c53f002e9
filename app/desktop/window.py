"""The main window: wires the panes to the worker. Widgets live in their own modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop import jobs
from sillok.app.desktop.chat_view import ChatView, Turn, hit_citation
from sillok.app.desktop.i18n import install_language, tr
from sillok.app.desktop.ingest_panel import IngestPanel
from sillok.app.desktop.reasons import reason_text
from sillok.app.desktop.search_view import CenterPane, SearchView
from sillok.app.desktop.sidebar import Sidebar
from sillok.app.desktop.source_viewer import SourceViewer
from sillok.app.desktop.window_ingest import IngestMixin
from sillok.app.desktop.window_layout import LayoutMixin
from sillok.app.desktop.window_matters import MattersMixin
from sillok.app.desktop.window_menus import MenusMixin
from sillok.app.desktop.workers import Worker


class MainWindow(IngestMixin, MattersMixin, LayoutMixin, MenusMixin, QMainWindow):
    def __init__(self, settings: Any, flags: dict[str, Any] | None = None, language: str = "en") -> None:
        super().__init__()
        self.settings, self._flags, self.language = settings, dict(flags or {}), language
        self.collection, self.conversation_id = jobs.DEFAULT_COLLECTION, None
        self.snapshot: jobs.Snapshot | None = None
        self.status_info: dict[str, Any] = {}
        self._closing = False
        self._ask_job: Any = None
        self._shown: Any = None  # the citation the source pane shows
        self.worker = Worker(self._make_service, jobs.close)
        self.worker.busyChanged.connect(self._busy)

        self.sidebar, self.chat, self.viewer = Sidebar(), ChatView(), SourceViewer()
        self.search_view = SearchView()
        self.center = CenterPane(self.chat, self.search_view)  # Ask | Search
        self.ingest_panel = IngestPanel()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for w in (self.sidebar, self.center, self.viewer):
            self.splitter.addWidget(w)
        self.splitter.setSizes([360, 560, 440])
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self._init_layout()
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.splitter, 1)
        lay.addWidget(self.ingest_panel)
        self.setCentralWidget(central)
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self._init_ingest()
        self.setAcceptDrops(True)
        self.resize(1400, 860)
        self.retranslate()
        QTimer.singleShot(0, self.refresh)  # after the first paint: starts the worker

    # -- construction -------------------------------------------------------------------------------
    def _make_service(self) -> Any:  # runs on the worker thread
        from sillok.service.facade import Sillok

        return Sillok(settings=self.settings)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.model_label, self.backend_label, self.ctx_label = QLabel(), QLabel(), QLabel()
        self.emb_label, self.size_label = QLabel(), QLabel()
        self.where_label = QLabel()  # "This computer" / "Office server: host"
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.hide()
        for w in (self.busy_bar, self.where_label, self.model_label, self.backend_label, self.ctx_label,
                  self.emb_label, self.size_label):
            if isinstance(w, QLabel):
                w.setStyleSheet("padding: 0 6px; border-left: 1px solid palette(mid)")
            sb.addPermanentWidget(w)
        self._init_vectors()

    def _connect(self) -> None:
        sb, ch = self.sidebar, self.chat
        sb.collectionSelected.connect(self.select_collection)
        sb.createCollection.connect(lambda n: self._run(lambda s, j: s.create_collection(n), select=n))
        self._connect_matters()
        sb.reindexDocument.connect(self.reindex)
        sb.conversationSelected.connect(self.open_conversation)
        sb.newConversation.connect(self.new_conversation)
        sb.deleteConversation.connect(self.delete_conversation)
        ch.askRequested.connect(self.ask)
        ch.stopRequested.connect(self.stop)
        ch.citationClicked.connect(self.show_citation)
        ch.copyRequested.connect(self.copy_answer)
        ch.exportRequested.connect(self.export_answer)
        ch.downloadRequested.connect(lambda: self.open_settings(download=True))
        self.search_view.searchRequested.connect(self.search)
        self.search_view.hitClicked.connect(self.show_hit)
        self.viewer.on_reveal = self.reveal_shown
        self.viewer.on_open = self.open_shown

    def retranslate(self) -> None:
        self.setWindowTitle(f"Sillok — {self.collection}")
        self._retranslate_menus()
        for pane in (self.sidebar, self.chat, self.viewer, self.ingest_panel, self.search_view, self.center):
            pane.retranslate()
        self._retranslate_layout()
        self._show_status()
        self._update_hint()

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802 - Qt override
        if e.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(e)

    # -- worker plumbing ----------------------------------------------------------------------------
    def _run(self, fn: Any, select: str | None = None, **kw: Any) -> Any:
        """Run ``fn(service, job)`` on the worker; afterwards refresh the lists; errors go to a dialog."""
        return self.worker.submit(fn, done=lambda _r: self.refresh(select), error=self.show_error, **kw)

    def _busy(self, on: bool) -> None:
        self.busy_bar.setVisible(on and not self._closing)

    def show_error(self, message: str) -> None:
        if self._closing:
            return
        self.statusBar().showMessage(message, 15000)
        QMessageBox.warning(self, "Sillok", message)

    def refresh(self, select: str | None = None) -> None:
        coll = select or self.collection
        self.worker.submit(lambda s, j: jobs.snapshot(s, coll), name="snapshot", done=self._got_snapshot,
                           error=self.show_error)
        if not self.status_info:
            self.refresh_status()

    def refresh_status(self) -> None:
        self.worker.submit(lambda s, j: jobs.status(s), name="status", done=self._got_status,
                           error=lambda m: self.statusBar().showMessage(m))

    def _got_snapshot(self, snap: jobs.Snapshot) -> None:
        if self._closing or snap is None:
            return
        changed = snap.collection != self.collection
        if self.snapshot is None:  # first snapshot: the worker is up; catch up with the watched folders
            self.start_watching()
            self.follow_vectors()  # vectors left by a kill or an embedding-model upgrade
        self.snapshot, self.collection = snap, snap.collection
        self.sidebar.set_collections(snap.collections, snap.collection)
        self.sidebar.set_documents(snap.documents)
        self.sidebar.set_conversations(snap.conversations, self.conversation_id)
        if changed:
            self.new_conversation()
            self.viewer.clear()  # the source pane shows nothing of another matter
            self.search_view.clear()
            self.follow_vectors()
        self.setWindowTitle(f"Sillok — {self.collection}")
        self._show_status()
        self._update_hint()

    def _got_status(self, info: dict[str, Any]) -> None:
        if info is not None:
            self.status_info = info
            self._show_status()

    def _show_status(self) -> None:
        from sillok.app.desktop.settings_dialog import office_servers, where_text

        self.where_label.setText(where_text(self.settings))
        self.where_label.setToolTip("\n".join(f"{label}: {url}" for label, url in office_servers(self.settings)))
        i = self.status_info
        if i:
            backend = str(i.get("backend", "cpu")).upper()
            layers = i.get("layers", "")
            loaded = "" if i.get("loaded") else f" ({tr('not loaded')})"
            self.model_label.setText(f"{tr('Model')}: {i.get('model', '—')}{loaded}")
            self.model_label.setToolTip(i.get("model_error") or i.get("note") or "")
            self.backend_label.setText(f"{backend}" + (f" · {tr('layers')} {layers}" if backend != "CPU" else ""))
            self.ctx_label.setText(f"{tr('Context')}: {i.get('n_ctx')}")
            self.emb_label.setText(f"{tr('Embedding')}: {i.get('embedding')}")
        info = next((c for c in (self.snapshot.collections if self.snapshot else []) if c.name == self.collection), None)
        if info is not None:
            self.size_label.setText(tr("{0} documents, {1} passages").format(info.documents, info.chunks))

    def _update_hint(self) -> None:
        docs = [d for d in (self.snapshot.documents if self.snapshot else []) if d.status == "indexed"]
        if not docs:
            hint = "### " + tr("Welcome to Sillok") + "\n\n" + tr(
                "Drop documents (PDF, Word, HWP, text…) anywhere on this window, or use "
                "File → Add documents… (Ctrl+O). Then ask a question below: answers cite the passages "
                "they come from, and everything stays on this computer.")
        else:
            hint = tr("Ask a question about the {0} documents in “{1}”.").format(len(docs), self.collection)
        self.chat.set_hint(hint)

    # -- collections & conversations ----------------------------------------------------------------
    def select_collection(self, name: str) -> None:
        if name and name != self.collection:
            self.refresh(name)

    def new_conversation(self) -> None:
        self.conversation_id = None
        self.viewer.clear()
        self.chat.set_turns([])
        self.sidebar.convs.clearSelection()

    def open_conversation(self, conversation_id: str) -> None:
        if self.chat.generating:
            return

        def done(rows: list[tuple[str, str, list[Any]]]) -> None:
            self.conversation_id = conversation_id
            self.chat.set_turns([Turn(q, a, c, "done") for q, a, c in rows])

        self.worker.submit(lambda s, j: jobs.load_turns(s, conversation_id), done=done, error=self.show_error)

    def delete_conversation(self, conversation_id: str) -> None:
        if conversation_id == self.conversation_id:
            self.new_conversation()
        self._run(lambda s, j: s.conversations().delete(conversation_id))

    # -- asking -------------------------------------------------------------------------------------
    def ask(self, question: str) -> None:
        if self.chat.generating or not question.strip():
            return
        self.chat.begin_turn(question)
        coll, conv, on_token = self.collection, self.conversation_id, self.chat.buffer.append
        self._ask_job = self.worker.submit(
            lambda s, j: jobs.ask(s, j, question, coll, conv, on_token), name="ask",
            done=self._answered, error=self._ask_failed, progress=self._ask_stage)

    def _ask_stage(self, stage: str) -> None:
        self.statusBar().showMessage(tr("Loading the language model…") if stage == "loading" else tr("Answering…"))

    def _ask_failed(self, message: str) -> None:
        self.statusBar().clearMessage()
        self._ask_job = None
        self.chat.fail_turn(message)

    def _answered(self, answer: Any) -> None:
        self.statusBar().clearMessage()
        self.chat.finish_turn(answer)
        self._ask_job = None
        if answer is not None and answer.conversation_id:
            self.conversation_id = answer.conversation_id
        self.refresh()
        if not self.status_info.get("loaded"):
            self.refresh_status()

    def stop(self) -> None:
        if self._ask_job is not None:
            self._ask_job.cancel.cancel()

    def show_citation(self, c: Any) -> None:
        """The cited passage in the source pane: identifiers masked (text, or a PDF's pages when it
        holds none); `reveal_shown` shows it in full, audited."""
        self.show_source_pane()
        self._shown = c
        is_pdf = str(c.source).lower().endswith(".pdf") and Path(c.source).is_file()
        scans = (Path(self.settings.home) / "ocr.db").exists()  # some page may be a scan: ask the worker
        if is_pdf and not getattr(self.settings, "mask_identifiers", True) and not scans:
            self.viewer.show_pdf(c.source, c.page, c.quote)
            return

        def done(result: tuple[list[Any], bool, Any]) -> None:
            pages, held, scan = result
            if self._shown is not c:  # another citation was clicked meanwhile
                return
            if scan is not None and not held:  # a page read by OCR: the scan, quoted words outlined
                self.viewer.show_scan(c.source, c.page, scan, c.quote, c.start, c.end)
                return
            if is_pdf and not held:
                self.viewer.show_pdf(c.source, c.page, c.quote)
                return
            self.viewer.show_text(c.source, pages, c.page, c.quote, c.start, c.end)
            self.viewer.set_masked(held, pdf_as_text=is_pdf)

        from sillok.app.desktop.jobs import citation_view

        self.worker.submit(lambda s, j: citation_view(s, c.source, c.page), name="pages", done=done,
                           error=self.viewer.show_message)

    def reveal_shown(self) -> None:
        """The Reveal button: the service writes the audit line, then the view shows the document in full."""
        c, coll = self._shown, self.collection
        if c is None:
            return
        is_pdf = str(c.source).lower().endswith(".pdf")

        def done(result: tuple[list[Any], str]) -> None:
            pages, quote = result
            if self._shown is not c:
                return
            if is_pdf:
                self.viewer.revealed_pdf(c.source, c.page, quote)
            else:
                self.viewer.reveal_text(pages)

        def job(s: Any, j: Any) -> tuple[list[Any], str]:
            from sillok.service.masking import masker_of, unmask_quote

            pages = s.reveal_pages(c.source, coll, c.page, c.chunk_id)  # writes the audit line first
            return pages, unmask_quote(c.quote, pages, c.page, masker_of(s))

        self.worker.submit(job, name="reveal", done=done, error=self.show_error)

    def open_shown(self, masked: bool) -> None:
        """Open the original in the system viewer; when this view hid identifiers, that is a reveal (audited)."""
        c, coll = self._shown, self.collection
        if not masked or c is None:
            self.viewer.open_external()
            return
        from sillok.service.audit import record_reveal

        self.worker.submit(lambda s, j: record_reveal(s, coll, [c.source], [[c.page] if c.page else []],
                                                      [c.chunk_id], "opened in system viewer"),
                           name="reveal", done=lambda _r: self.viewer.open_external(), error=self.show_error)

    # -- search mode --------------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.center.set_mode(mode)
        if self.narrow:
            self.center_tabs.setCurrentWidget(self.center)

    def search(self, query: str) -> None:
        coll = self.collection
        self.worker.submit(lambda s, j: s.search(query, coll, k=20), name="search",
                           done=lambda hits: self.search_view.set_results(query, hits or []),
                           error=lambda m: self.search_view.summary.setText(reason_text(m)))

    def show_hit(self, h: Any) -> None:
        self.show_citation(hit_citation(h))

    def copy_answer(self, i: int) -> None:
        if 0 <= i < len(self.chat.turns):
            QApplication.clipboard().setText(self.chat.markdown_of(i))
            self.statusBar().showMessage(tr("Answer copied"), 3000)

    # -- settings, view, about ----------------------------------------------------------------------
    def apply_settings(self, values: dict[str, Any]) -> None:
        """Persist the values, switch the UI language, and rebuild the facade with the new settings."""
        from sillok.foundation.settings import load_settings

        self.settings.save_user_values(values)
        self.set_language(values.get("ui_language", self.language))
        old_home = self.settings.home
        self.settings = load_settings(**self._flags)
        self.status_info = {}
        self.worker.reset_service(self._make_service)
        if self.settings.home != old_home:  # another data folder: its own watched folders
            from sillok.service.folders import FolderList

            self.watcher.listed = FolderList(self.settings.home)
            self.start_watching()
        self.refresh()

    def set_language(self, lang: str) -> None:
        if lang != self.language:
            self.language = install_language(lang)
            self.retranslate()  # now, not when the posted LanguageChange event arrives

    def closeEvent(self, e: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._closing = True
        self.stop()
        self.watcher.stop()
        self.worker.stop()
        self.viewer.release()
        e.accept()
