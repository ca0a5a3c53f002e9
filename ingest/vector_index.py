"""The dense side: one Chroma collection per (Sillok collection, embedding model).

Naming the Chroma collection after the embedding key is what guarantees that vectors of two models never
mix: a new model starts an empty collection that is filled from the stored chunk texts, and the old one is
dropped only when the new one is complete. Telemetry is off in code (Settings(anonymized_telemetry=False)).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# How wide HNSW searches (Chroma's `ef_search`). Chroma's default, 100, returned 95.4% of the true 50
# nearest passages on the Korean dev set (e5's similarities bunch within a few hundredths), and not the
# same 95% in every process: the same question could get other passages after a restart. 400 returns
# 99.5% (1000: 100%); search latency: docs/retrieval.md.
EF_SEARCH = 400


def open_dense(client: Any, name: str) -> Any:
    """Get or create a vector collection with Sillok's HNSW settings. An older collection (made with
    Chroma's default breadth) is raised to them; Chroma applies that when it next loads the index."""
    col = client.get_or_create_collection(
        name, configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}}, embedding_function=None)
    hnsw = (getattr(col, "configuration_json", None) or {}).get("hnsw") or {}
    if int(hnsw.get("ef_search") or EF_SEARCH) < EF_SEARCH:
        try:
            col.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
        except Exception:  # noqa: BLE001 - a read-only office token, a server that refuses: search still works
            pass
    return col


class VectorIndex:
    def __init__(self, path: Path, client: Any | None = None) -> None:
        self.path = path
        self._client = client
        self._lock = threading.Lock()
        self._cols: dict[str, Any] = {}

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                import chromadb
                from chromadb.config import Settings as ChromaSettings

                self.path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(
                    path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False)
                )
            return self._client

    @staticmethod
    def name(cid: int, key: str) -> str:
        return f"sillok-{cid}-{key}"  # [a-zA-Z0-9._-], 3–512 chars as Chroma requires

    def collection(self, cid: int, key: str) -> Any:
        name = self.name(cid, key)
        col = self._cols.get(name)
        if col is None:
            col = open_dense(self.client, name)
            self._cols[name] = col
        return col

    def upsert(self, cid: int, key: str, rowids: Sequence[int], doc_ids: Sequence[str],
               vectors: np.ndarray) -> None:
        """Vectors with their doc_id only: no text and no file path goes to Chroma, whose write-ahead
        queue keeps removed records until it purges (file names can be as sensitive as text)."""
        col = self.collection(cid, key)
        step = max(1, int(self.client.get_max_batch_size()))
        for i in range(0, len(rowids), step):
            j = i + step
            col.upsert(
                ids=[str(r) for r in rowids[i:j]],
                embeddings=vectors[i:j],
                metadatas=[{"doc_id": d} for d in doc_ids[i:j]],
            )

    def delete_doc(self, cid: int, key: str, doc_id: str) -> None:
        self.collection(cid, key).delete(where={"doc_id": doc_id})

    def query(self, cid: int, key: str, vector: np.ndarray, k: int,
              doc_ids: Sequence[str] | None = None) -> list[tuple[int, float, str]]:
        """(rowid, cosine similarity, the vector's doc_id), best first."""
        col = self.collection(cid, key)
        where: dict[str, Any] | None = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            where = {"doc_id": {"$in": list(doc_ids)}} if len(doc_ids) > 1 else {"doc_id": doc_ids[0]}
        include = ["distances", "metadatas"]
        try:  # count() costs a round trip (~4 ms): ask it only when the collection may be smaller than k
            res = col.query(query_embeddings=[vector], n_results=k, where=where, include=include)
        except Exception:  # noqa: BLE001 - chromadb raises several types when k exceeds the collection
            n = col.count()
            if n == 0:
                return []
            res = col.query(query_embeddings=[vector], n_results=min(k, n), where=where, include=include)
        ids, dists, metas = res["ids"][0], res["distances"][0], res["metadatas"][0]
        return [(int(i), 1.0 - float(d), str((m or {}).get("doc_id", ""))) for i, d, m in zip(ids, dists, metas, strict=True)]

    def keys(self, cid: int) -> list[str]:
        """The embedding keys of this collection's vector sets in Chroma."""
        prefix = f"sillok-{cid}-"
        out = []
        for col in self.client.list_collections():
            name = col if isinstance(col, str) else col.name
            if name.startswith(prefix):
                out.append(name[len(prefix):])
        return out

    def count(self, cid: int, key: str) -> int:
        return int(self.collection(cid, key).count())

    def drop(self, cid: int, keep_key: str | None = None) -> None:
        """Drop this collection's vector sets (all, or all but `keep_key`)."""
        for col in self.client.list_collections():
            name = col if isinstance(col, str) else col.name
            if name.startswith(f"sillok-{cid}-") and name != (self.name(cid, keep_key) if keep_key else None):
                self._cols.pop(name, None)
                try:
                    self.client.delete_collection(name)
                except Exception as exc:  # noqa: BLE001 - chromadb's NotFoundError moved between versions
                    # Another process on this data folder (the CLI beside the window) finished the same
                    # unfinished drop first: the set is gone either way, which is what was asked.
                    if "does not exist" not in str(exc):
                        raise
