"""A collection on this computer: SQLite (manifest, chunk texts, FTS5 keyword index) + Chroma on disk.

How it stays consistent under kill -9 (sillok.ingest.store has the schema):
* `add` is one SQLite transaction: the new version's rows go in `committed` (keyword-searchable at
  once), the old version's rows go out, and a `drop-vectors:<doc_id>` task is recorded for each old
  version; its vectors leave Chroma right after, and `recover` finishes that after a kill.
* vectors follow (`embed_pending`): each chunk row records in `vkey` which vector set holds its
  vector; a batch is upserted to Chroma, then marked. A kill in between re-embeds that batch
  (same ids: an upsert, never a duplicate).
* After a model change the same pass fills the new set (every chunk's `vkey` differs from the new
  key); when nothing is missing, the collection's key is switched and the old sets are dropped
  (the switch is recorded with a `drop-stale-vectors` task, finished by `recover` after a kill).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sillok.foundation.errors import SillokError
from sillok.foundation.protocols import Embedder
from sillok.foundation.types import Chunk, Progress
from sillok.ingest.chunking import with_header
from sillok.ingest.index import Failure, Key, ParsedDoc, StoredDoc
from sillok.ingest.store import (
    COMMITTED,
    DELETING,
    DROP_STALE_VECTORS,
    DROP_VECTORS,
    PENDING,
    SCRUB,
    DocRow,
    Store,
)
from sillok.ingest.vector_index import VectorIndex

EMBED_BATCH = 256


class LocalIndex:
    inline_vectors = False

    def __init__(self, store: Store, vectors: VectorIndex, cid: int, name: str) -> None:
        self.store, self.vectors, self.cid, self.name = store, vectors, cid, name

    # -- manifest ----------------------------------------------------------------------------------
    def doc_id(self, source: str, sha256: str) -> str:
        return hashlib.sha1(f"{self.cid}|{source}|{sha256}".encode()).hexdigest()[:16]

    def documents(self) -> list[StoredDoc]:
        return [_stored(d) for d in self.store.documents(self.cid, state=COMMITTED)]

    def versions(self, source: str) -> list[StoredDoc]:
        return [_stored(d) for d in self.store.documents(self.cid, source=source, state=COMMITTED)]

    def failures(self) -> list[Failure]:
        return [Failure(*f) for f in self.store.failures(self.cid)]

    def record_failure(self, source: str, status: str, reason: str) -> None:
        self.store.record_failure(self.cid, source, status, reason)

    def doc_names(self) -> dict[str, tuple[str, list[str]]]:
        return self.store.doc_names(self.cid)

    def counts(self) -> tuple[int, int]:
        return self.store.counts(self.cid)

    def sources(self) -> set[str]:
        return {d.source for d in self.store.documents(self.cid)} | {f[0] for f in self.store.failures(self.cid)}

    # -- writing -------------------------------------------------------------------------------------
    def recover(self) -> int:
        """Finish what a kill interrupted: rows of half-written versions (`pending`/`deleting`, left by
        earlier Sillok versions), vectors of dropped versions, a keyword-index scrub, stale vector
        sets. Returns the documents rolled back."""
        st, cid = self.store, self.cid
        legacy = st.documents(cid, state=PENDING) + st.documents(cid, state=DELETING)
        if legacy:
            with st.tx():
                for doc in legacy:
                    st.delete_rows(cid, doc.doc_id)
                    st.mark(cid, DROP_VECTORS + doc.doc_id)
        self._drop_vectors()
        if st.marked(cid, SCRUB):
            st.scrub(cid)
        self._drop_stale_sets()
        return len(legacy)

    def begin_ingest(self) -> None:
        self.recover()

    def add(self, docs: Sequence[ParsedDoc], vectors: np.ndarray | None = None) -> None:
        st, cid = self.store, self.cid
        dropped = False
        with st.tx():
            for p in docs:
                old = st.documents(cid, source=p.source)
                for d in old:
                    st.delete_rows(cid, d.doc_id)
                    st.mark(cid, DROP_VECTORS + d.doc_id)
                p.replaced = any(d.state == COMMITTED for d in old)
                dropped = dropped or bool(old)
                row = DocRow(cid, p.doc_id, p.source, p.sha256, p.size, COMMITTED, p.title, p.format, p.pages,
                             len(p.chunks), time.time())
                st.add_document(cid, row, p.chunks, p.terms, p.names)
                st.clear_failure(cid, p.source)
        if dropped:
            self._drop_vectors()
            st.checkpoint()

    def remove(self, sources: Sequence[str]) -> int:
        st, cid = self.store, self.cid
        n = 0
        with st.tx():
            st.mark(cid, SCRUB)
            for source in sources:
                for d in st.documents(cid, source=source):
                    st.delete_rows(cid, d.doc_id)
                    st.mark(cid, DROP_VECTORS + d.doc_id)
                    n += 1
                st.clear_failure(cid, source)
        self._drop_vectors()
        st.scrub(cid)  # removed terms leave the FTS segments and the WAL
        return n

    def match(self, target: str) -> list[str]:
        """The sources that are `target` or lie under the folder `target`; SillokError when none do."""
        prefix = target.rstrip("/\\") + "/"
        found = sorted(s for s in self.sources() if s == target or s.startswith(prefix))
        if not found:
            raise SillokError(f"{target} is not in collection {self.name!r}")
        return found

    def passages(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        if not chunk_ids:
            return {}
        with self.store._lock:
            marks = ",".join("?" * len(chunk_ids))
            rows = self.store.db.execute(f"SELECT rowid FROM chunks WHERE collection_id=? AND chunk_id IN ({marks})",
                                         [self.cid, *chunk_ids]).fetchall()
        return {c.chunk_id: c for c in self.chunks([r[0] for r in rows]).values()}

    def sample_texts(self, n: int) -> list[str]:
        with self.store._lock:
            rows = self.store.db.execute("SELECT text FROM chunks WHERE collection_id=? ORDER BY rowid LIMIT ?",
                                         (self.cid, n))
            return [r[0] for r in rows]

    def texts_of(self, sources: Sequence[str]) -> list[str]:
        if not sources:
            return []
        with self.store._lock:
            marks = ",".join("?" * len(sources))
            rows = self.store.db.execute(f"SELECT text FROM chunks WHERE collection_id=? AND source IN ({marks})",
                                         [self.cid, *sources])
            return [r[0] for r in rows]

    def _drop_vectors(self) -> None:
        tasks = self.store.tasks(self.cid, DROP_VECTORS)
        if not tasks:
            return
        keys = self.vectors.keys(self.cid)
        for task in tasks:
            doc_id = task[len(DROP_VECTORS):]
            for key in keys:
                self.vectors.delete_doc(self.cid, key, doc_id)
            self.store.done(self.cid, task)

    def _drop_stale_sets(self) -> None:
        if self.store.marked(self.cid, DROP_STALE_VECTORS):
            current = self.store.embedding_key(self.cid)
            if current:
                self.vectors.drop(self.cid, keep_key=current)
            self.store.done(self.cid, DROP_STALE_VECTORS)

    # -- vectors ------------------------------------------------------------------------------------
    def vector_debt(self, embedder: Embedder) -> int:
        if not self.store.has_vector_debt(self.cid, embedder.key):
            return 0
        return self.store.vector_debt(self.cid, embedder.key)

    def vector_debt_by_doc(self, embedder: Embedder) -> dict[str, int]:
        return self.store.vector_debt_by_doc(self.cid, embedder.key)

    def embed_pending(self, embedder: Embedder, progress: Any = None, cancel: Any = None,
                      limit: int | None = None) -> int:
        st, cid, key = self.store, self.cid, embedder.key
        total = st.vector_debt(cid, key)
        if total == 0 and st.embedding_key(cid) in ("", key):
            return 0  # nothing to make and no model change to finish: the vector store is not even opened
        stage = "vectors" if st.embedding_key(cid) in ("", key) else "re-embedding"
        done, t0 = 0, time.monotonic()
        while True:
            if cancel is not None:
                cancel.check()
            if limit is not None and done >= limit:
                break
            rows = st.unembedded(cid, key, EMBED_BATCH if limit is None else min(EMBED_BATCH, limit - done))
            if not rows:
                break
            texts = [with_header(title, heading, article, text) for _, _, title, heading, article, text in rows]
            vecs = embedder.embed_passages(texts)
            rowids = [r[0] for r in rows]
            self.vectors.upsert(cid, key, rowids, [r[1] for r in rows], vecs)
            st.set_vkey(cid, rowids, key)
            done += len(rows)
            if progress is not None:
                rate = done / max(time.monotonic() - t0, 1e-6)
                progress(Progress(stage, 0, 0, done, "", max(total - done, 0) / rate))
        if st.embedding_key(cid) != key and st.vector_debt(cid, key) == 0:
            with st.tx():  # the mark goes in with the key, so a kill before the drop is finished later
                st.set_embedding(cid, key, embedder.name, str(getattr(embedder, "spec_json", "")))
                st.mark(cid, DROP_STALE_VECTORS)
            self._drop_stale_sets()
        return done

    def reembed(self, embedder: Embedder, progress: Any = None, cancel: Any = None) -> int:
        return self.embed_pending(embedder, progress, cancel)

    def complete_set(self) -> tuple[str, str, str]:
        """(key, model name, spec JSON) of the last complete vector set: what dense search can use while
        a new model's vectors are still being made."""
        return self.store.embedding(self.cid)

    # -- reading ------------------------------------------------------------------------------------
    def reader(self) -> LocalIndex:
        return self  # SQLite and Chroma on disk: every read is already consistent and cheap

    def keyword_search(self, terms: Sequence[str], limit: int,
                       sources: Sequence[str] | None = None) -> list[tuple[Key, float]]:
        return self.store.keyword_search(self.cid, terms, limit, sources)

    def term_doc_freq(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        return self.store.term_doc_freq(self.cid, terms)

    def dense_search(self, vector: np.ndarray, embedder: Embedder, k: int,
                     sources: Sequence[str] | None = None) -> list[tuple[Key, float]]:
        doc_ids = self.store.doc_ids_for(self.cid, sources) if sources else None
        found = self.vectors.query(self.cid, embedder.key, vector, k, doc_ids)
        # A vector whose row went (a version replaced, its vectors not yet dropped) must not stand for
        # whatever row reuses its id: keep only ids whose row still belongs to the vector's document.
        owners = self.store.chunk_docs([r for r, _, _ in found])
        return [(r, s) for r, s, doc in found if owners.get(r) == doc]

    def chunks(self, keys: Sequence[Key]) -> dict[Key, Chunk]:
        return {k: _row_chunk(r) for k, r in self.store.chunk_rows(list(keys)).items()}

    def neighbours(self, wanted: Mapping[str, Sequence[int]]) -> dict[tuple[str, int], Chunk]:
        return {(d, o): _row_chunk(r) for d, ordinals in wanted.items() if ordinals
                for o, r in self.store.neighbours(self.cid, d, list(ordinals)).items()}


def _row_chunk(r: Any) -> Chunk:
    return Chunk(r["chunk_id"], r["source"], r["doc_id"], r["ordinal"], r["text"], r["page"], r["start"],
                 r["end"], r["heading"], r["article"], r["title"])


def _stored(d: DocRow) -> StoredDoc:
    return StoredDoc(d.doc_id, d.source, d.sha256, d.pages, d.chunks, d.added, d.title)
