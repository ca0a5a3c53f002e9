"""The service facade: what the window, the CLI, the benchmarks and the tests call.

`Sillok` owns the settings, the store, the vector index and the models, and hands out plain dataclasses.
Nothing heavy is loaded in the constructor: Chroma, torch and llama.cpp are touched on first use, so the
window can build a Sillok on its first paint and do the loading in a worker.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sillok.foundation import atrest, identifiers
from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.foundation.settings import Settings, load_settings
from sillok.foundation.types import CollectionInfo, DocumentInfo, Hit, IngestReport
from sillok.ingest.pipeline import Pipeline, ProgressFn
from sillok.ingest.store import COMMITTED, Store
from sillok.ingest.vector_index import VectorIndex
from sillok.models.embedding import Embedder, make_embedder
from sillok.service.audit import record_ingest, record_remove
from sillok.service.masking import mask_answer, mask_hits, masking_stream

COLLECTION_RE = re.compile(r"^[^\x00-\x1f/\\]{1,100}$")


class Sillok:
    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or load_settings(**overrides)
        from sillok.foundation import privacy

        privacy.apply(self.settings.allow_hub_download)  # telemetry/tracing of every dependency off
        home = self.settings.home
        home.mkdir(parents=True, exist_ok=True)
        # Conversations and audit lines of this folder are sealed when encrypt_history is on (core/atrest.py);
        # without an OS keyring that is refused here, before anything is written.
        box = atrest.box_from_settings(self.settings)
        box.check()
        self.atrest = atrest.register(home, box)
        # Identifiers masked in what leaves the service (sillok.service.masking); a bad office pattern fails here.
        self.masker = identifiers.register(home, identifiers.masker_from_settings(self.settings))
        self.store = Store(home / "sillok.db")
        self.vectors = VectorIndex(home / "chroma")
        self._embedder: Embedder | Any = None
        self._lock = threading.RLock()  # one writer: ingest/remove/re-embed never interleave
        self._office_client: Any = None
        self._shared: dict[str, Any] = {}

    @property
    def office_index(self) -> bool:
        """True when collections live on the office index server (docs/deploy.md), not in this folder."""
        return bool(self.settings.office_mode and self.settings.chroma_url)

    def office_client(self) -> Any:
        from sillok.foundation.secrets import read_token
        from sillok.service.remote import make_chroma_client

        if self._office_client is None:
            url = self.settings.chroma_url
            self._office_client = make_chroma_client(url, read_token(url).token)
        return self._office_client

    def shared_index(self, collection: str, create: bool = True) -> Any:
        """sillok.service.remote.SharedIndex for `collection` in office mode (docs/deploy.md), else None.

        `create=False`: sillok.service.remote.NoSuchCollection when the office index has no such collection."""
        if not self.office_index:
            return None
        from sillok.service.remote import SharedIndex

        if not COLLECTION_RE.match(collection):
            raise SillokError(f"invalid collection name {collection!r}: use 1–100 characters, no slashes")
        idx = self._shared.get(collection)
        if idx is None:
            idx = SharedIndex(self.office_client(), collection, self.embedder.key, self.embedder.name,
                              create=create)
            self._shared[collection] = idx
        return idx

    # -- components (lazy) -----------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings)  # office embedding server or a local model
        return self._embedder

    @property
    def pipeline(self) -> Pipeline:
        s = self.settings
        return Pipeline(self.store, self.vectors, self.embedder, s.chunk_size, s.chunk_min,
                        s.max_file_mb * 1024 * 1024)

    def retriever(self) -> Any:
        from sillok.service.retrieval import Retriever

        s = self.settings
        return Retriever(self.store, self.vectors, self.embedder, candidates=s.candidates, rrf_k=s.rrf_k,
                         merge_neighbours=s.merge_neighbours, dense_weight=s.dense_weight)

    def _cid(self, collection: str, create: bool = False) -> int:
        if not COLLECTION_RE.match(collection):
            raise SillokError(f"invalid collection name {collection!r}: use 1–100 characters, no slashes")
        cid = self.store.collection_id(collection, create=create)
        if cid is None:
            raise SillokError(f"no collection named {collection!r}; `sillok collections` lists them")
        return cid

    # -- collections ------------------------------------------------------------------------------
    def create_collection(self, name: str) -> None:
        if self.office_index:
            self.shared_index(name, create=True).refresh(create=True)
            return
        self._cid(name, create=True)

    def rename_collection(self, old: str, new: str) -> None:
        if self.office_index:
            raise SillokError("collections on the office server cannot be renamed (their records are named "
                              "after the collection); create a new one and add the files to it")
        self._cid(old)
        if not COLLECTION_RE.match(new):
            raise SillokError(f"invalid collection name {new!r}")
        self.store.rename_collection(old, new)

    def delete_collection(self, name: str) -> None:
        with self._lock:
            if self.office_index:
                self.shared_index(name, create=False).drop()
                self._shared.pop(name, None)
                return
            cid = self._cid(name)
            self.vectors.drop(cid)
            self.store.drop_collection(cid)

    def collections(self) -> list[CollectionInfo]:
        if self.office_index:
            return self._office_collections()
        out = []
        for cid, name, _key, model in self.store.collections():
            docs, chunks = self.store.counts(cid)
            out.append(CollectionInfo(name, docs, chunks, model))
        return out

    def _office_collections(self) -> list[CollectionInfo]:
        from sillok.service.remote import NoSuchCollection, office_collections

        out = []
        for meta in office_collections(self.office_client()):
            try:
                docs = self.shared_index(str(meta["name"]), create=False).documents()
            except NoSuchCollection:  # deleted by another desktop while we listed
                continue
            out.append(CollectionInfo(str(meta["name"]), len(docs), sum(int(m.get("chunks", 0)) for m in docs.values()),
                                      str(meta.get("model", ""))))
        return out

    def documents(self, collection: str = "default") -> list[DocumentInfo]:
        if self.office_index:
            return self._office_documents(collection)
        cid = self.store.collection_id(collection, create=False)
        if cid is None:
            return []
        out = [
            DocumentInfo(d.source, d.doc_id, "indexed", d.pages, d.chunks,
                         datetime.fromtimestamp(d.added).isoformat(timespec="seconds"), "", d.title)
            for d in self.store.documents(cid, state=COMMITTED)
        ]
        for source, status, reason, at in self.store.failures(cid):
            out.append(DocumentInfo(source, "", status, 0, 0,
                                    datetime.fromtimestamp(at).isoformat(timespec="seconds"), reason))
        return sorted(out, key=lambda d: d.source)

    def _office_documents(self, collection: str) -> list[DocumentInfo]:
        """The shared manifest and the failures any desktop recorded, shaped as on the desktop."""
        from sillok.service.remote import NoSuchCollection

        try:
            idx = self.shared_index(collection, create=False)
            idx.refresh()
        except NoSuchCollection:
            return []

        def when(t: Any) -> str:
            return datetime.fromtimestamp(float(t or 0)).isoformat(timespec="seconds")

        out = [DocumentInfo(str(m["source"]), d, "indexed", int(m.get("pages", 0)), int(m.get("chunks", 0)),
                            when(m.get("added")), "", str(m.get("title", "")))
               for d, m in idx.documents().items()]
        out += [DocumentInfo(source, "", status, 0, 0, when(at), reason)
                for source, status, reason, at in idx.failure_list()]
        return sorted(out, key=lambda d: d.source)

    # -- ingest / remove --------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], collection: str = "default",
               progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> IngestReport:
        shared = self.shared_index(collection)
        if shared is not None:
            s = self.settings
            with self._lock:  # the audit hook runs in office mode too (local log on this desktop)
                report = shared.ingest(paths, self.embedder, s.chunk_size, s.chunk_min, progress, cancel,
                                       s.max_file_mb * 1024 * 1024)
                return record_ingest(self, report, collection)
        with self._lock:
            cid = self._cid(collection, create=True)
            return record_ingest(self, self.pipeline.ingest(cid, paths, progress, cancel), collection)

    def remove(self, path: str | Path, collection: str = "default") -> int:
        """Remove a document (or every document under a folder) from every index."""
        shared = self.shared_index(collection, create=False)
        if shared is not None:
            target = str(Path(path).expanduser().resolve())
            with self._lock:
                from sillok.service.conversations import scrub_removed

                # this desktop's own conversations quote the shared documents too
                sources = {str(m.get("source", "")) for m in shared.documents().values()}
                matches = [s for s in sources if s == target or s.startswith(target.rstrip("/\\") + "/")]
                scrub_removed(self, collection, matches)
                return record_remove(self, target, collection, int(shared.remove(target)))
        with self._lock:
            cid = self._cid(collection)
            target = str(Path(path).expanduser().resolve())
            self.pipeline.recover(cid)  # a killed remove is finished (and scrubbed) even when nothing is left
            sources = {d.source for d in self.store.documents(cid)} | {f[0] for f in self.store.failures(cid)}
            matches = [s for s in sources if s == target or s.startswith(target.rstrip("/\\") + "/")]
            if not matches:
                raise SillokError(f"{target} is not in collection {collection!r}")
            from sillok.service.conversations import scrub_removed

            scrub_removed(self, collection, matches)  # answers quote documents: scrubbed while the text is here
            return record_remove(self, target, collection, sum(self.pipeline.remove(cid, s) for s in matches))

    def reembed(self, collection: str = "default", progress: ProgressFn | None = None,
                cancel: CancelToken | None = None) -> int:
        """Embed the collection's stored chunks with the current embedding model (after a model change);
        returns the chunks embedded (0: already current). Local collections also do this on first use;
        an office collection only here, because it switches every desktop (sillok.service.remote.SharedIndex.reembed)."""
        with self._lock:
            shared = self.shared_index(collection, create=False)
            if shared is not None:
                return int(shared.reembed(self.embedder, progress, cancel))
            return self.pipeline.ensure_embeddings(self._cid(collection), progress, cancel)

    # -- search -----------------------------------------------------------------------------------
    def search(self, query: str, collection: str = "default", k: int | None = None,
               sources: Sequence[str] | None = None, mode: str = "hybrid") -> list[Hit]:
        if not query.strip():
            raise SillokError("empty query")
        shared = self.shared_index(collection, create=False)
        if shared is not None:
            st = self.settings
            srcs = [str(Path(x).expanduser().resolve()) for x in sources] if sources else None
            return mask_hits(shared.search(query, self.embedder, k or st.top_k, srcs, candidates=st.candidates,
                                           rrf_k=st.rrf_k, dense_weight=st.dense_weight,
                                           merge_neighbours=st.merge_neighbours, mode=mode), self.masker)
        cid = self._cid(collection)
        with self._lock:
            self.pipeline.ensure_embeddings(cid)
        srcs = [str(Path(s).expanduser().resolve()) for s in sources] if sources else None
        return mask_hits(self.retriever().search(cid, query, k or self.settings.top_k, srcs, mode), self.masker)

    # -- diagnostics ------------------------------------------------------------------------------
    def doctor(self) -> dict[str, Any]:
        """Versions, paths, models and GPU backend, for `sillok doctor` and the About box."""
        import importlib.metadata as md
        import platform

        def version(pkg: str) -> str:
            try:
                return md.version(pkg)
            except md.PackageNotFoundError:
                return "not installed"

        info: dict[str, Any] = {
            "sillok": version("sillok"),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "data_dir": str(self.settings.home),
            "embedding_model": self.embedder.name,
            "embedding_source": self.embedder.source,
            "versions": {p: version(p) for p in ("chromadb", "sentence-transformers", "torch", "kiwipiepy",
                                                 "llama_cpp_python", "langchain-core", "PySide6")},
        }
        try:
            from sillok.models.gpu import detect_backend

            info["gpu_backend"] = detect_backend()
        except Exception as exc:  # noqa: BLE001 - doctor reports, it never fails
            info["gpu_backend"] = f"unknown ({exc})"
        st = self.settings
        if st.office_mode:  # which servers, and where each token comes from (never the token itself)
            from sillok.foundation.secrets import read_token

            servers = {"index": st.chroma_url, "model": st.llm_server_url, "embeddings": st.embedding_server_url}
            info["office"] = {k: {"url": u, "token": f"{t.where}" + (f" ({t.note})" if t.note else "")}
                              for k, u in servers.items() if u for t in [read_token(u)]}
        try:
            from sillok.models.defaults import default_llm_path

            info["llm_model"] = self.settings.llm_model if self.settings.llm_model != "default" else str(default_llm_path())
        except Exception as exc:  # noqa: BLE001
            info["llm_model"] = f"unknown ({exc})"
        return info

    # -- answering (implemented in sillok.service.answering; kept here so every caller has one facade) -----
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

    def conversations(self) -> Any:
        """The persisted conversations store (sillok.service.conversations.Conversations)."""
        from sillok.service.answering import conversations

        return conversations(self)
