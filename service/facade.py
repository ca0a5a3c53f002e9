"""The service facade: what the window, the CLI, the benchmarks and the tests call.

`Sillok` owns everything one data folder needs — the settings, the backend (collections on this computer
or on the office server, built once by sillok.service.backends), the embedder, the answering model's
holder, the conversations, the follow-up sessions, the audit log and the at-rest box — and hands out
plain dataclasses. Nothing heavy is loaded in the constructor: Chroma, torch and llama.cpp are touched on
first use, so the window can build a Sillok on its first paint and do the loading in a worker.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sillok.foundation import atrest, identifiers
from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.foundation.protocols import ChatModel, Embedder
from sillok.foundation.settings import Settings, load_settings
from sillok.foundation.types import CollectionInfo, DocumentInfo, Hit, IngestReport, Page, ScanView
from sillok.ingest.index import CollectionIndex
from sillok.ingest.pipeline import Pipeline, ProgressFn
from sillok.service import backends
from sillok.service.audit import AuditLog, record_ingest, record_remove
from sillok.service.llm_holder import LLMHolder
from sillok.service.masking import mask_answer, mask_hits, masking_stream
from sillok.service.sessions import Sessions


class Sillok:
    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or load_settings(**overrides)
        from sillok.foundation import privacy

        privacy.apply(self.settings.allow_hub_download)  # telemetry/tracing of every dependency off
        home = self.settings.home
        home.mkdir(parents=True, exist_ok=True)
        # Conversations and audit lines of this folder are sealed when encrypt_history is on
        # (foundation/atrest.py); without an OS keyring that is refused here, before anything is written.
        self.atrest = atrest.box_from_settings(self.settings)
        self.atrest.check()
        # Identifiers masked in what leaves the service (sillok.service.masking); a bad office pattern fails here.
        self.masker = identifiers.masker_from_settings(self.settings)
        self.backend = backends.build_backend(self.settings)
        self.audit = AuditLog(home, bool(self.settings.audit_questions), box=self.atrest, masker=self.masker)
        self.llm = LLMHolder()
        self.sessions = Sessions()
        self._embedder: Embedder | None = None
        self._old_embedders: dict[str, Embedder] = {}  # by vector-set key: a complete set still searched
        self._conversations: Any = None
        self._ocr_cache: Any = None
        self._lock = threading.RLock()  # one writer: ingest/remove/re-embed never interleave

    # -- components (lazy) -------------------------------------------------------------------------
    @property
    def office_index(self) -> bool:
        """True when collections live on the office index server (docs/deploy.md), not in this folder."""
        return backends.office_index(self.settings)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = backends.build_embedder(self.settings)
        return self._embedder

    @property
    def pipeline(self) -> Pipeline:
        s = self.settings
        return Pipeline(self.embedder, s.chunk_size, s.chunk_min, s.max_file_mb * 1024 * 1024, self.ocr_context)

    def ocr_cache(self) -> Any:
        """The OCR pages read in this data folder (`<home>/ocr.db`, sillok.ingest.ocr_cache), opened once."""
        with self._lock:
            if self._ocr_cache is None:
                from sillok.ingest.ocr_cache import OcrCache

                self._ocr_cache = OcrCache(self.settings.home / "ocr.db")
            return self._ocr_cache

    def ocr_context(self) -> Any:
        """A fresh OCR context for one run (sillok.ingest.loaders.scan.OcrContext), or None when OCR is
        switched off in the settings (scans are then named "needs OCR")."""
        s = self.settings
        if not s.ocr:
            return None
        from sillok.ingest.loaders.scan import OcrContext

        return OcrContext(cache=self.ocr_cache(), page_seconds=s.ocr_page_seconds, workers=s.ocr_workers,
                          tessdata=s.ocr_tessdata)

    def index(self, collection: str = "default", create: bool = False) -> CollectionIndex:
        """The collection's storage (sillok.ingest.index.CollectionIndex), local or office."""
        return self.backend.index(collection, self.embedder, create)

    def retriever(self) -> Any:
        from sillok.service.retrieval import Retriever

        s = self.settings
        return Retriever(self.embedder, candidates=s.candidates, rrf_k=s.rrf_k,
                         merge_neighbours=s.merge_neighbours, dense_weight=s.dense_weight,
                         window=s.window_tokens)

    def chat_model(self) -> ChatModel:
        """The answering model: the office model server, or the local GGUF (loaded once, here)."""
        return backends.build_chat_model(self.settings, lambda: self.llm.get(self.settings))

    def load_model(self) -> bool:
        """Load the local answering model now (the window does this in a worker before the first
        answer, to say "loading"); False when answers come from the office model server."""
        if backends.office_model(self.settings):
            return False
        self.llm.get(self.settings)
        return True

    def model_ready(self) -> bool:
        """True when an answer needs no model loading first (loaded, or answered by the office server)."""
        return backends.office_model(self.settings) or self.llm.loaded

    def model_info(self) -> Any:
        """The loaded local model's LLMInfo, or None while none is loaded (never loads)."""
        llm = self.llm.llm
        return llm.info if llm is not None else None

    def model_languages(self) -> tuple[frozenset[str] | None, str]:
        """(languages the answering model can write, or None when unknown; its name)."""
        return backends.model_languages(self.settings)

    def recommended_model(self, language: str) -> str:
        """The recommended model to download for answers in `language` ("ko", "en")."""
        return backends.recommended_model(self.settings, language)

    def model_label(self) -> str:
        return backends.model_label(self.settings)

    def conversations(self) -> Any:
        """The persisted conversations store (`<home>/conversations.db`), opened once."""
        with self._lock:
            if self._conversations is None:
                from sillok.service.conversations import Conversations

                self._conversations = Conversations(self.settings.home / "conversations.db", self.atrest,
                                                    self.masker)
            return self._conversations

    def close(self) -> None:
        """Free the loaded model and the conversations file (window close, settings change)."""
        self.llm.unload()
        with self._lock:
            if self._conversations is not None:
                self._conversations.close()
                self._conversations = None
            if self._ocr_cache is not None:
                self._ocr_cache.close()
                self._ocr_cache = None

    # -- collections -------------------------------------------------------------------------------
    def create_collection(self, name: str) -> None:
        self.backend.create(name, self.embedder)

    def rename_collection(self, old: str, new: str) -> None:
        self.backend.rename(old, new)

    def delete_collection(self, name: str) -> None:
        with self._lock:
            self.backend.drop(name, self.embedder)

    def collections(self) -> list[CollectionInfo]:
        return self.backend.collections()

    def documents(self, collection: str = "default") -> list[DocumentInfo]:
        from sillok.ingest.office_index import NoSuchCollection

        try:
            index = self.index(collection)
        except NoSuchCollection:
            return []
        except SillokError:
            if self.office_index:
                raise
            return []  # no such local collection: nothing in it

        def when(t: float) -> str:
            return datetime.fromtimestamp(float(t or 0)).isoformat(timespec="seconds")

        pending = index.vector_debt_by_doc(self.embedder)
        docs = index.documents()
        scans = self._scans([d.sha256 for d in docs])
        out = [DocumentInfo(d.source, d.doc_id, "indexed", d.pages, d.chunks, when(d.added), "", d.title,
                            pending.get(d.doc_id, 0), *scans.get(d.sha256, (0, None, ())))
               for d in docs]
        out += [DocumentInfo(f.source, "", f.status, 0, 0, when(f.at), f.reason) for f in index.failures()]
        return sorted(out, key=lambda d: d.source)

    def _scans(self, shas: list[str]) -> dict[str, tuple[int, float | None, tuple[int, ...]]]:
        """sha256 → (OCR pages, mean confidence, pages to check) for the scanned documents among these."""
        if not (self.settings.home / "ocr.db").exists():
            return {}
        from sillok.ingest.ocr import LOW_CONFIDENCE

        return dict(self.ocr_cache().summary(shas, LOW_CONFIDENCE))

    def resolve_sources(self, collection: str, given: list[str] | None) -> list[str] | None:
        """`--source` as people type it: a path (absolute, or relative to the current folder), or the bare
        file name of a document in the collection. SillokError when a name matches none or several."""
        if not given:
            return None
        out: list[str] = []
        known: list[str] | None = None
        for raw in given:
            p = Path(raw).expanduser()
            if p.exists():
                out.append(str(p.resolve()))
                continue
            if known is None:
                known = [d.source for d in self.documents(collection)]
            tail = raw.replace("\\", "/").strip("/")
            matches = [s for s in known if s == raw or s.replace("\\", "/").endswith("/" + tail)]
            if not matches:
                raise SillokError(f"--source {raw!r}: no such file, and no document of collection {collection!r} "
                                  "is named so (`sillok documents` lists them)")
            if len(matches) > 1:
                raise SillokError(f"--source {raw!r} names {len(matches)} documents: " + ", ".join(matches[:5])
                                  + "; give more of the path")
            out.append(matches[0])
        return out

    def pages(self, source: str) -> list[Page]:
        """A document's pages as the index saw them (so cited offsets line up in the viewer); scanned
        pages come from the OCR cache (read again only where this computer never read them)."""
        from sillok.ingest.loaders import load

        ocr = self.ocr_context()
        try:
            return load(Path(source), max_bytes=self.settings.max_file_mb * 1024 * 1024, ocr=ocr).pages
        finally:
            if ocr is not None:
                ocr.close()

    def scan_view(self, source: str, page: int | None) -> ScanView | None:
        """The cited page of a scan as the source viewer shows it — the upright page image with the OCR
        words and their boxes — or None when that page was not read by OCR (a text page)."""
        import hashlib

        if page is None or not self.settings.ocr or not (self.settings.home / "ocr.db").exists():
            return None
        path = Path(source)
        if not path.is_file():
            return None
        read = self.ocr_cache().page(hashlib.sha256(path.read_bytes()).hexdigest(), page)
        if read is None or read.skipped:
            return None
        from sillok.ingest import ocr_image
        from sillok.ingest.loaders.scan import page_image

        img = ocr_image.upright(ocr_image.limit_size(page_image(path, page)), read.turn, read.skew)
        return ScanView(img.shape[1], img.shape[0], img.tobytes(), read.text, read.words, read.confidence)

    # -- ingest / remove ---------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], collection: str = "default",
               progress: ProgressFn | None = None, cancel: CancelToken | None = None, *,
               vectors: bool = True) -> IngestReport:
        """Ingest files and folders. `vectors=False` returns once the files are searchable by keyword
        and leaves this computer's vectors to `embed_pending` (the office index always embeds)."""
        with self._lock:
            index = self.index(collection, create=True)
            report = self.pipeline.ingest(index, paths, progress, cancel, vectors=vectors)
            return record_ingest(self, report, collection)

    def embed_pending(self, collection: str = "default", progress: ProgressFn | None = None,
                      cancel: CancelToken | None = None, limit: int | None = None) -> int:
        """Make the vectors still missing in the collection (new chunks, or all after a model change);
        `limit` bounds one call (the window's background slices)."""
        with self._lock:
            return self.index(collection).embed_pending(self.embedder, progress, cancel, limit)

    def vector_debt(self, collection: str = "default") -> int:
        """Chunks of the collection still waiting for their vector."""
        return self.index(collection).vector_debt(self.embedder)

    def remove(self, path: str | Path, collection: str = "default") -> int:
        """Remove a document (or every document under a folder) from every index, and its text from the
        conversations and the follow-up memory (while the text is still there to match against)."""
        target = str(Path(path).expanduser().resolve())
        with self._lock:
            index = self.index(collection)
            index.recover()  # a killed remove is finished (and scrubbed) even when nothing is left
            matches = index.match(target)
            self.forget_sources(matches)
            shas = [v.sha256 for m in matches for v in index.versions(m)]
            if (self.settings.home / "conversations.db").exists():
                from sillok.service.conversations import scrub_removed

                scrub_removed(self.conversations(), collection, matches, index.texts_of(matches))
            removed = record_remove(self, target, collection, index.remove(matches))
            if shas and (self.settings.home / "ocr.db").exists():
                self.ocr_cache().forget(shas)  # a removed scan's text must not stay in the OCR cache
            return removed

    def forget_sources(self, sources: Sequence[str]) -> int:
        """Drop the follow-up sessions that showed the model text of `sources`, and the model's prompt
        cache with them (a removed document's text must not stay in any cache)."""
        dropped = self.sessions.drop_showing(sources)
        llm = self.llm.llm
        if dropped and llm is not None:
            llm.forget()
        return dropped

    def reembed(self, collection: str = "default", progress: ProgressFn | None = None,
                cancel: CancelToken | None = None) -> int:
        """Embed the collection's stored chunks with the current embedding model (after a model change);
        returns the chunks embedded (0: already current). Local collections also do this on first use;
        an office collection only here, because it switches every desktop."""
        with self._lock:
            return int(self.index(collection).reembed(self.embedder, progress, cancel))

    # -- search ------------------------------------------------------------------------------------
    def search(self, query: str, collection: str = "default", k: int | None = None,
               sources: Sequence[str] | None = None, mode: str = "hybrid") -> list[Hit]:
        if not query.strip():
            raise SillokError("empty query")
        index = self.index(collection)
        srcs = [str(Path(s).expanduser().resolve()) for s in sources] if sources else None
        hits = self.retriever().search(index, query, k or self.settings.top_k, srcs, mode,
                                       dense_embedder=self.dense_embedder(index))
        return mask_hits(hits, self.masker)

    def dense_embedder(self, index: CollectionIndex) -> Embedder:
        """The model whose vectors dense search reads: this one's, unless its vectors are still being made
        (new chunks, or a new model) and the collection's last complete set can still be queried — then
        that set's model, so search stays good while `embed_pending` works (issue: never make staff wait)."""
        emb = self.embedder
        if not index.vector_debt(emb):
            return emb
        key, model, spec = index.complete_set()
        if not key or key == emb.key:
            return emb  # a first ingest or new chunks: the current set, partial for now
        with self._lock:
            old = self._old_embedders.get(key)
            if old is None:
                old = backends.embedder_from_spec(self.settings, key, model, spec) or emb
                self._old_embedders[key] = old
        return old

    # -- answering (sillok.service.answering) ------------------------------------------------------
    def ask(self, question: str, collection: str = "default", *, conversation_id: str | None = None,
            on_token: Any = None, cancel: CancelToken | None = None, sources: Sequence[str] | None = None) -> Any:
        """Answer from the collection's documents, streaming pieces to `on_token`; returns an Answer."""
        from sillok.service.answering import ask

        stream = masking_stream(on_token, self.masker)  # the model saw masked sources; this masks what it adds
        answer = ask(self, question, collection, conversation_id=conversation_id, on_token=stream,
                     cancel=cancel, sources=sources)
        if stream is not None:
            stream.flush()
        return mask_answer(answer, self.masker)

    def reveal(self, chunk_ids: str | Sequence[str], collection: str = "default") -> str:
        """One passage (a hit's or citation's chunk id(s)) with identifiers unmasked; writes a `reveal` audit line."""
        from sillok.service.masking import reveal

        return reveal(self, chunk_ids, collection)

    def reveal_pages(self, source: str, collection: str = "default", page: int | None = None,
                     chunk_id: str = "") -> list[Any]:
        """A document's pages unmasked for the source viewer's Reveal; writes a `reveal` audit line."""
        from sillok.service.masking import reveal_pages

        return reveal_pages(self, source, collection, page, chunk_id)

    def evaluate(self, path: str | Path, collection: str = "default", retrieval_only: bool = False,
                 progress: Any = None, cancel: CancelToken | None = None) -> Any:
        """Measure the collection on the questions of a JSONL file (recall@k and MRR of the expected source,
        refusals, citations, expected answers, timings); returns an EvalReport (sillok.service.evaluation)."""
        from sillok.service.evaluation import evaluate

        return evaluate(self, path, collection, retrieval_only, progress, cancel)

    # -- diagnostics -------------------------------------------------------------------------------
    def doctor(self) -> dict[str, Any]:
        """Versions, paths, models and GPU backend, for `sillok doctor` and the About box."""
        from sillok.service.doctor import doctor

        return doctor(self)

    def status(self) -> dict[str, Any]:
        """The answering and embedding models as the window's status bar shows them."""
        from sillok.service.doctor import model_status

        return model_status(self)
