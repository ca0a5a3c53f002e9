"""The dense side's own promises, on a real Chroma persistent client: the nearest passages it returns
are the true nearest ones (HNSW searched wide enough), and collections made before that setting get it."""
from __future__ import annotations

import numpy as np

from sillok.ingest.vector_index import EF_SEARCH, VectorIndex, open_dense


def _bunched(rng: np.random.Generator, n: int, d: int = 384) -> np.ndarray:
    """Unit vectors crowded around one direction, as e5's passage vectors are (their cosines to a
    question lie within a few hundredths): where a narrow HNSW search loses true neighbours."""
    base = rng.standard_normal(d)
    v = base + 0.35 * rng.standard_normal((n, d))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_dense_search_returns_the_true_nearest_passages(tmp_path):
    rng = np.random.default_rng(0)
    vectors = _bunched(rng, 4000)
    queries = _bunched(np.random.default_rng(0), 4020)[4000:]  # same crowd, not stored
    vi = VectorIndex(tmp_path / "chroma")
    vi.upsert(1, "k", list(range(4000)), ["d"] * 4000, vectors)
    overlap = []
    for q in queries:
        got = {rowid for rowid, _, _ in vi.query(1, "k", q, 50)}
        true = set(np.argsort(-(vectors @ q))[:50].tolist())
        overlap.append(len(got & true) / 50)
    # Chroma's default breadth (ef_search 100) gives ~0.88 on this set.
    assert np.mean(overlap) >= 0.97 and min(overlap) >= 0.9


def test_a_collection_made_with_chromas_default_is_raised(tmp_path):
    vi = VectorIndex(tmp_path / "chroma")
    old = vi.client.get_or_create_collection("sillok-1-old", metadata={"hnsw:space": "cosine"},
                                             embedding_function=None)
    assert old.configuration_json["hnsw"]["ef_search"] < EF_SEARCH
    col = open_dense(vi.client, "sillok-1-old")
    assert vi.client.get_collection(col.name).configuration_json["hnsw"]["ef_search"] == EF_SEARCH
    assert vi.client.get_collection(col.name).configuration_json["hnsw"]["space"] == "cosine"
    assert vi.collection(1, "new").configuration_json["hnsw"]["ef_search"] == EF_SEARCH
