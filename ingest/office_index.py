"""A collection on the office index server: vectors, keyword terms, chunk texts and the manifest, all in
Chroma (docs/deploy.md §6), so that every desktop shares one index.

Chroma collections (slug = sha1 of the collection name):
* `sillok-registry`: one record per Sillok collection (id = slug; metadata = name, key, model, created).
  `key` names the vector set every desktop reads and writes — one embedding model per collection,
  office-wide, so vectors of two models never mix.
* `sillok-o-<slug>-<key>`: one record per chunk (id = chunk id; embedding; document = the keyword terms
  as FTS5 tokens; metadata = doc_id, source, ordinal, page, offsets, heading, article, title, text).
  One record holds a chunk's vector and keywords, so they can never disagree and there is no
  cross-engine two-phase commit to get wrong; that is also why vectors are written with the chunk
  (`inline_vectors`).
* `sillok-m-<slug>`: the manifest, one record per document version (id = doc_id; metadata = source,
  sha256, mtime, state, chunks, pages, title, names, n_terms).
* `sillok-f-<slug>`: ingest failures, one record per file (metadata = source, status, reason, at, host),
  so every desktop sees which files could not be indexed and why.

Write protocol (crash-safe without transactions): manifest `add` as pending (a no-op when any desktop
already wrote this version, so a state never goes back) → chunks upserted → manifest upserted as
committed → every version of the same path but the newest (largest mtime, then sha256) deleted —
including this one, when a newer version was committed meanwhile by another desktop — and the file's
failure record cleared. Ids are deterministic (`doc_id = sha1(collection|source|sha256)`, chunk id =
doc_id-ordinal), so desktops that ingest the same file at once upsert the same ids and end with one
copy. Readers only see chunks of committed versions; a writer that dies leaves a pending version nobody
sees, finished by the next desktop that ingests the file (same ids).

`embedding_key` is this desktop's; when it differs from the collection's (`office_key`), reading the
manifest and removing still work, but search and ingest raise `EmbeddingMismatch` until `reembed`
moves the collection to this desktop's model (never on its own: it switches every desktop).
"""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sillok.foundation.errors import SillokError
from sillok.foundation.protocols import Embedder
from sillok.foundation.types import Chunk, Progress
from sillok.ingest.chroma_server import client_url, server_error, talking
from sillok.ingest.chunking import indexed_text
from sillok.ingest.index import Failure, ParsedDoc, StoredDoc
from sillok.ingest.office_keyword import bm25, doc_freqs, fts_tokens, query_phrases
from sillok.ingest.vector_index import open_dense

PENDING, COMMITTED = "pending", "committed"
REGISTRY = "sillok-registry"
REEMBED_BATCH = 256
MAX_CANDIDATES = 20000
_UNSET = object()


class NoSuchCollection(SillokError):  # noqa: N818
    """The office index has no Sillok collection of that name."""


class EmbeddingMismatch(SillokError):  # noqa: N818
    """This desktop's embedding model is not the one the office collection's vectors were made with."""

    def __init__(self, collection: str, office_model: str, own_model: str, office_key: str = "",
                 own_key: str = "") -> None:
        if office_model == own_model:  # same model, other prefixes or input length: name the vector sets
            office_model, own_model = f"{office_model} (vector set {office_key})", f"{own_model} (vector set {own_key})"
        super().__init__(
            f"the office collection {collection!r} is indexed with the embedding model {office_model}, but this "
            f"computer uses {own_model}; vectors of two models cannot be searched together. Ask IT to set the "
            "same embedding model on every desktop (machine-wide settings), or re-embed the collection for this "
            f"model once (`sillok reembed --collection {collection}`; docs/deploy.md)"
        )


def shared_doc_id(collection: str, source: str, sha256: str) -> str:
    """Deterministic per (collection name, path, content): every desktop computes the same id."""
    return hashlib.sha1(f"{collection}|{source}|{sha256}".encode()).hexdigest()[:16]


def _slug(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:12]  # any collection name → [0-9a-f]


def _open(client: Any, name: str) -> Any:
    return open_dense(client, name)


def office_collections(client: Any) -> list[dict[str, Any]]:
    """The Sillok collections registered on the office index server ({"name", "key", "model",
    "created"}), sorted by name."""
    with talking(client):
        res = _open(client, REGISTRY).get(include=["metadatas"])
    metas = [dict(m) for m in res["metadatas"] or [] if m and m.get("name")]
    return sorted(metas, key=lambda m: str(m["name"]))


class OfficeIndex:
    inline_vectors = True

    def __init__(self, client: Any, collection: str, embedding_key: str, model: str = "", *,
                 create: bool = True) -> None:
        self.client, self.name, self.key = client, collection, embedding_key
        self.model = model or embedding_key
        self.slug = _slug(collection)
        self._sets: dict[str, Any] = {}
        self._created: Any = _UNSET
        with talking(client):
            self.registry = _open(client, REGISTRY)
        self.refresh(create)

    # -- which collection, which vector set ----------------------------------------------------------
    def _record(self) -> dict[str, Any] | None:
        res = self.registry.get(ids=[self.slug], include=["metadatas"])
        return dict(res["metadatas"][0]) if res["ids"] else None

    def refresh(self, create: bool = False) -> str:
        """Re-read the collection's registry record (another desktop may have re-embedded, deleted or
        re-created it) and return the key of the vector set the office uses for it."""
        with talking(self.client):
            record = self._record()
            if record is None:
                if not create:
                    raise NoSuchCollection(f"no collection named {self.name!r} on the office index server; "
                                           "`sillok collections` lists them")
                meta = {"name": self.name, "key": self.key, "model": self.model, "created": time.time()}
                self.registry.add(ids=[self.slug], embeddings=[[1.0]], metadatas=[meta])  # no-op if another won
                record = self._record() or meta
            if record.get("created") != self._created:  # new, or deleted and made again: fresh handles
                self._created = record.get("created")
                self._sets.clear()
                self.manifest = _open(self.client, f"sillok-m-{self.slug}")
                self.failure_records = _open(self.client, f"sillok-f-{self.slug}")
        self.office_key = str(record.get("key") or self.key)
        self.office_model = str(record.get("model") or self.office_key)
        return self.office_key

    def check(self, create: bool = False) -> None:
        """EmbeddingMismatch unless this desktop's vectors are the collection's."""
        if self.refresh(create) != self.key:
            raise EmbeddingMismatch(self.name, self.office_model, self.model, self.office_key, self.key)

    def _set(self, key: str) -> Any:
        col = self._sets.get(key)
        if col is None:
            with talking(self.client):
                col = self._sets[key] = _open(self.client, f"sillok-o-{self.slug}-{key}"[:500])
        return col

    @property
    def records(self) -> Any:
        """The chunk records of the vector set every desktop uses for this collection."""
        return self._set(self.office_key)

    # -- manifest and failures ------------------------------------------------------------------------
    def doc_id(self, source: str, sha256: str) -> str:
        return shared_doc_id(self.name, source, sha256)

    def manifest_records(self, state: str | None = COMMITTED) -> dict[str, dict[str, Any]]:
        with talking(self.client):
            res = self.manifest.get(where={"state": state} if state else None, include=["metadatas"])
        return dict(zip(res["ids"], res["metadatas"] or [], strict=True))

    def _versions(self, source: str) -> dict[str, dict[str, Any]]:
        with talking(self.client):
            res = self.manifest.get(where={"source": source}, include=["metadatas"])
        return dict(zip(res["ids"], res["metadatas"] or [], strict=True))

    def documents(self) -> list[StoredDoc]:
        return [_stored(d, m) for d, m in self.manifest_records().items()]

    def versions(self, source: str) -> list[StoredDoc]:
        return [_stored(d, m) for d, m in self._versions(source).items() if m.get("state") == COMMITTED]

    def failures(self) -> list[Failure]:
        with talking(self.client):
            res = self.failure_records.get(include=["metadatas"])
        return [Failure(str(m["source"]), str(m.get("status", "failed")), str(m.get("reason", "")),
                        float(m.get("at", 0))) for m in res["metadatas"] or [] if m]

    def record_failure(self, source: str, status: str, reason: str) -> None:
        """One record per file (the latest attempt wins): which desktop saw what, for every desktop."""
        meta = {"source": source, "status": status, "reason": reason, "at": time.time(),
                "host": socket.gethostname()}
        with talking(self.client):
            self.failure_records.upsert(ids=[_failure_id(source)], embeddings=[[1.0]], metadatas=[meta])

    def doc_names(self) -> dict[str, tuple[str, list[str]]]:
        return _names(self.manifest_records())

    def counts(self) -> tuple[int, int]:
        docs = self.manifest_records()
        return len(docs), sum(int(m.get("chunks", 0)) for m in docs.values())

    def sources(self) -> set[str]:
        return ({str(m.get("source", "")) for m in self.manifest_records(state=None).values()}
                | {f.source for f in self.failures()})

    def is_indexed(self, source: str, sha256: str) -> bool:
        doc = self._versions(source).get(shared_doc_id(self.name, source, sha256))
        return doc is not None and doc.get("state") == COMMITTED

    # -- write ---------------------------------------------------------------------------------------
    def recover(self) -> int:
        return 0  # nothing to roll back: a pending version is invisible and finished by its next writer

    def begin_ingest(self) -> None:
        self.check(create=True)  # EmbeddingMismatch before any file is read, not after the first parse

    def add(self, docs: Sequence[ParsedDoc], vectors: np.ndarray | None = None) -> None:
        if vectors is None:
            raise SillokError("the office index stores a chunk with its vector: embed before adding")
        i = 0
        for p in docs:
            n = len(p.chunks)
            p.replaced = bool(self.versions(p.source))
            self.upsert_document(p.source, p.sha256, p.mtime, p.chunks, p.terms, vectors[i : i + n],
                                 title=p.title, pages=p.pages, names=p.names)
            i += n

    def upsert_document(self, source: str, sha256: str, mtime: float, chunks: Sequence[Chunk],
                        terms: Sequence[str], vectors: Any, *, title: str = "", pages: int = 0,
                        names: Sequence[str] = ()) -> str:
        """Write one document version (chunks must carry `shared_doc_id(...)` ids); returns its doc_id."""
        self.check(create=True)  # per document: a re-embed elsewhere switches this desktop off at once
        doc_id = shared_doc_id(self.name, source, sha256)
        tokens = [" ".join(t) for t in fts_tokens(terms)]  # what the desktop's FTS5 would index
        meta = {"source": source, "sha256": sha256, "mtime": float(mtime), "chunks": len(chunks),
                "pages": pages, "title": title, "names": "\x1f".join(names),
                "n_terms": sum(len(t.split()) for t in tokens), "added": time.time()}
        one = [[1.0]]  # the manifest needs an embedding; it is never queried by vector
        with talking(self.client):
            self.manifest.add(ids=[doc_id], embeddings=one, metadatas=[{**meta, "state": PENDING}])
            step = max(1, int(self.client.get_max_batch_size()))
            for i in range(0, len(chunks), step):
                part = chunks[i : i + step]
                self.records.upsert(
                    ids=[c.chunk_id for c in part], embeddings=vectors[i : i + step],
                    documents=tokens[i : i + step], metadatas=[_chunk_meta(c) for c in part],
                )
            self.manifest.upsert(ids=[doc_id], embeddings=one, metadatas=[{**meta, "state": COMMITTED}])
            self._settle(source)
            self.failure_records.delete(ids=[_failure_id(source)])
        return doc_id

    def _settle(self, source: str) -> None:
        """Keep only the newest version of `source` (largest mtime, then sha256); every writer runs this
        after its commit, so concurrent writers of different versions converge on the same one."""
        versions = {d: (float(m.get("mtime", 0.0)), str(m.get("sha256", ""))) for d, m in
                    self._versions(source).items()}
        if versions:
            newest = max(versions, key=lambda d: versions[d])
            for doc_id in versions:
                if doc_id != newest:
                    self.delete_document(doc_id)

    def delete_document(self, doc_id: str) -> None:
        with talking(self.client):
            self.manifest.update(ids=[doc_id], metadatas=[{"state": "deleting"}])
            self.records.delete(where={"doc_id": doc_id})
            self.manifest.delete(ids=[doc_id])

    def match(self, target: str) -> list[str]:
        self.refresh()
        prefix = target.rstrip("/\\") + "/"
        found = sorted(s for s in self.sources() if s == target or s.startswith(prefix))
        if not found:
            raise SillokError(f"{target} is not in collection {self.name!r}")
        return found

    def remove(self, sources: Sequence[str]) -> int:
        """Remove these files with their failure records; returns the documents removed."""
        gone = set(sources)
        with talking(self.client):
            docs = [d for d, m in self.manifest_records(state=None).items() if str(m.get("source")) in gone]
            for doc_id in docs:
                self.delete_document(doc_id)
            failed = [_failure_id(f.source) for f in self.failures() if f.source in gone]
            if failed:
                self.failure_records.delete(ids=failed)
        return len(docs)

    def passages(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        return OfficeReader(self, {}).chunks(chunk_ids)  # the record id is the chunk id

    def sample_texts(self, n: int) -> list[str]:
        with talking(self.client):
            res = self.records.get(limit=n, include=["metadatas"])
        return [str((m or {}).get("text", "")) for m in res["metadatas"] or []]

    def texts_of(self, sources: Sequence[str]) -> list[str]:
        return []  # the chunk texts live on the server; answers quoting them are scrubbed by citation only

    def drop(self) -> None:
        """Delete the whole collection from the office index (every desktop loses it)."""
        with talking(self.client):
            self.registry.delete(ids=[self.slug])  # first: nobody lists it while it is taken apart
            mine = {f"sillok-m-{self.slug}", f"sillok-f-{self.slug}"}
            for col in self.client.list_collections():
                name = col if isinstance(col, str) else col.name
                if name in mine or name.startswith(f"sillok-o-{self.slug}-"):
                    self.client.delete_collection(name)
        self._sets.clear()
        self._created = _UNSET

    def count(self) -> int:
        with talking(self.client):
            return int(self.records.count())

    # -- vectors -------------------------------------------------------------------------------------
    def vector_debt(self, embedder: Embedder) -> int:
        return 0  # chunks are written with their vectors

    def vector_debt_by_doc(self, embedder: Embedder) -> dict[str, int]:
        return {}

    def complete_set(self) -> tuple[str, str, str]:
        return self.office_key, self.office_model, ""  # always complete: written with its chunks

    def embed_pending(self, embedder: Embedder, progress: Any = None, cancel: Any = None,
                      limit: int | None = None) -> int:
        return 0

    def reembed(self, embedder: Embedder, progress: Any = None, cancel: Any = None) -> int:
        """Move the collection to this desktop's embedding model; returns the chunks embedded.

        The chunk records keep their text, so nothing is re-read from the files: each chunk's indexed
        text is embedded into a new vector set with the same ids, keyword terms and metadata. Then the
        registry is switched (every desktop reads the new set from its next search), chunks that
        desktops still on the old model wrote meanwhile are copied over, chunks of documents removed
        meanwhile are dropped, and the old set is deleted. Cancelled or crashed before the switch: the
        old set is untouched and still in use.
        """
        old = self.refresh()
        if old == self.key:
            return 0
        t0 = time.monotonic()
        with talking(self.client):
            src, dst = self._set(old), self._set(self.key)
            done = self._copy(src, dst, src.get(include=[])["ids"], embedder, progress, cancel, t0)
            self.registry.update(ids=[self.slug], metadatas=[{"key": self.key, "model": self.model,
                                                               "updated": time.time()}])
            self.office_key, self.office_model = self.key, self.model
            have = set(dst.get(include=[])["ids"])
            late = [i for i in src.get(include=[])["ids"] if i not in have]
            done += self._copy(src, dst, late, embedder, progress, None, t0, done)
            live = list(self.manifest_records(state=None))
            gone = dst.get(where={"doc_id": {"$nin": live}} if live else None, include=[])["ids"]
            if gone:
                dst.delete(ids=gone)
            self.client.delete_collection(src.name)
        self._sets.pop(old, None)
        return done

    def _copy(self, src: Any, dst: Any, ids: Sequence[str], embedder: Embedder, progress: Any, cancel: Any,
              t0: float, done: int = 0) -> int:
        copied = 0
        for i in range(0, len(ids), REEMBED_BATCH):
            if cancel is not None:
                cancel.check()
            res = src.get(ids=list(ids[i : i + REEMBED_BATCH]), include=["documents", "metadatas"])
            metas = res["metadatas"] or []
            texts = [indexed_text(_meta_chunk(cid, m)) for cid, m in zip(res["ids"], metas, strict=True)]
            if not texts:
                continue
            vectors = embedder.embed_passages(texts)
            dst.upsert(ids=res["ids"], embeddings=vectors, documents=res["documents"], metadatas=metas)
            copied += len(texts)
            if progress is not None:
                rate = (done + copied) / max(time.monotonic() - t0, 1e-6)
                progress(Progress("re-embedding", 0, 0, done + copied, "", (len(ids) - i - len(texts)) / rate))
        return copied

    # -- reading -------------------------------------------------------------------------------------
    def reader(self) -> OfficeReader:
        """A read view for one search: the manifest is fetched once (names, statistics, which versions
        are committed) instead of once per list."""
        self.check()
        return OfficeReader(self, self.manifest_records())


class OfficeReader:
    """The reading half of CollectionIndex over one fetched manifest (see OfficeIndex.reader)."""

    def __init__(self, index: OfficeIndex, docs: dict[str, dict[str, Any]]) -> None:
        self.index, self.docs = index, docs

    def doc_names(self) -> dict[str, tuple[str, list[str]]]:
        return _names(self.docs)

    def keyword_search(self, terms: Sequence[str], limit: int,
                       sources: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """BM25 (FTS5's formula, sillok.ingest.office_keyword) over the chunks holding any of `terms`."""
        if not self.docs:
            return []
        pairs, words = query_phrases(terms)
        if not pairs:
            return []
        candidates = self._candidates(words, sources)
        n_chunks = sum(int(m.get("chunks", 0)) for m in self.docs.values()) or 1
        avgdl = sum(int(m.get("n_terms", 0)) for m in self.docs.values()) / n_chunks or 1.0
        scores = bm25(candidates, pairs, n_chunks, avgdl)
        return sorted(scores.items(), key=lambda kv: -kv[1])[:limit]

    def term_doc_freq(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """Document frequencies over the same candidate fetch keyword search makes (see IndexReader)."""
        n_chunks = sum(int(m.get("chunks", 0)) for m in self.docs.values())
        pairs, words = query_phrases(terms)
        df = doc_freqs(self._candidates(words, None), pairs) if pairs and self.docs else {}
        return {t: df.get(t, 0) for t in terms if t.strip()}, n_chunks

    def _candidates(self, words: Sequence[str], sources: Sequence[str] | None) -> dict[str, str]:
        """Chunk id -> keyword tokens of every committed chunk holding any of `words`."""
        clauses = [{"$contains": w} for w in words]
        idx = self.index
        with talking(idx.client):
            res = idx.records.get(where_document=clauses[0] if len(clauses) == 1 else {"$or": clauses},
                                  where=_source_filter(sources), include=["documents", "metadatas"],
                                  limit=MAX_CANDIDATES)
        return {cid: text for cid, text, meta in zip(res["ids"], res["documents"] or [],
                                                     res["metadatas"] or [], strict=True)
                if meta.get("doc_id") in self.docs}

    def dense_search(self, vector: np.ndarray, embedder: Embedder, k: int,
                     sources: Sequence[str] | None = None) -> list[tuple[str, float]]:
        idx = self.index
        with talking(idx.client):
            try:  # count() is a round trip of its own: asked only when k exceeds the collection
                res = idx.records.query(query_embeddings=[vector], n_results=k, where=_source_filter(sources),
                                        include=["distances", "metadatas"])
            except Exception as exc:  # noqa: BLE001 - chromadb raises several types when k > records
                if server_error(client_url(idx.client), exc) is not None:
                    raise
                n = int(idx.records.count())
                if n == 0:
                    return []
                res = idx.records.query(query_embeddings=[vector], n_results=min(k, n),
                                        where=_source_filter(sources), include=["distances", "metadatas"])
        return [(i, 1.0 - float(d)) for i, d, m in zip(res["ids"][0], res["distances"][0], res["metadatas"][0],
                                                       strict=True) if m.get("doc_id") in self.docs]

    def chunks(self, keys: Sequence[str]) -> dict[str, Chunk]:
        if not keys:
            return {}
        idx = self.index
        with talking(idx.client):
            res = idx.records.get(ids=list(keys), include=["metadatas"])
        return {cid: _meta_chunk(cid, m) for cid, m in zip(res["ids"], res["metadatas"] or [], strict=True)}

    def neighbours(self, wanted: Mapping[str, Sequence[int]]) -> dict[tuple[str, int], Chunk]:
        clauses: list[dict[str, Any]] = [{"$and": [{"doc_id": d}, {"ordinal": {"$in": list(o)}}]}
                                         for d, o in wanted.items() if o and d in self.docs]
        if not clauses:
            return {}
        idx = self.index
        with talking(idx.client):
            res = idx.records.get(where=clauses[0] if len(clauses) == 1 else {"$or": clauses},
                                  include=["metadatas"])
        chunks = (_meta_chunk(cid, m) for cid, m in zip(res["ids"], res["metadatas"] or [], strict=True))
        return {(c.doc_id, c.ordinal): c for c in chunks}


def _names(docs: dict[str, dict[str, Any]]) -> dict[str, tuple[str, list[str]]]:
    return {d: (str(m.get("source", "")), [n for n in str(m.get("names", "")).split("\x1f") if n])
            for d, m in docs.items()}


def _stored(doc_id: str, m: dict[str, Any]) -> StoredDoc:
    return StoredDoc(doc_id, str(m.get("source", "")), str(m.get("sha256", "")), int(m.get("pages", 0)),
                     int(m.get("chunks", 0)), float(m.get("added", 0) or 0), str(m.get("title", "")))


def _chunk_meta(c: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {"doc_id": c.doc_id, "source": c.source, "ordinal": c.ordinal, "start": c.start,
                            "end": c.end, "heading": c.heading, "title": c.title, "text": c.text}
    if c.page is not None:
        meta["page"] = c.page
    if c.article:
        meta["article"] = c.article
    return meta


def _meta_chunk(chunk_id: str, m: dict[str, Any]) -> Chunk:
    return Chunk(chunk_id, str(m["source"]), str(m["doc_id"]), int(m["ordinal"]), str(m.get("text", "")),
                 m.get("page"), int(m.get("start", 0)), int(m.get("end", 0)), str(m.get("heading", "")),
                 m.get("article") or None, str(m.get("title", "")))


def _failure_id(source: str) -> str:
    return hashlib.sha1(source.encode()).hexdigest()[:16]


def _source_filter(sources: Sequence[str] | None) -> dict[str, Any] | None:
    if not sources:
        return None
    return {"source": {"$in": list(sources)}} if len(sources) > 1 else {"source": sources[0]}
