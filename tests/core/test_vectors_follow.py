"""Keyword first, vectors after: a file is searchable as soon as it is parsed, and its vectors follow
(durable, resumable, reported per document). Real parts: loaders, Kiwi, SQLite FTS5, Chroma, the default embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import Cancelled
from sillok.service.facade import Sillok
from tests.support.corpus import GOLD, copy_pubmed

QUESTION = "mean time required for in-flight intubation"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_pubmed(tmp_path / "docs", 5)


def test_keyword_search_works_before_the_vectors_and_dense_after(tmp_path: Path, folder: Path) -> None:
    svc = Sillok(home=tmp_path / "home")
    report = svc.ingest([folder], vectors=False)
    chunks = report.chunks
    assert chunks > 6 and not report.failed
    assert svc.vector_debt() == chunks
    docs = svc.documents()
    assert sum(d.vectors_pending for d in docs) == chunks and all(d.vectors_pending == d.chunks for d in docs)
    cid = svc.backend.store.collection_id("default", create=False)
    assert svc.backend.vectors.keys(cid) == []  # not a single vector yet
    hits = svc.retriever().search(svc.index(), QUESTION, 3, mode="keyword")
    assert Path(hits[0].source).name == GOLD  # found by keyword at once
    steps: list = []
    assert svc.embed_pending(progress=steps.append) == chunks
    assert steps[-1].stage == "vectors" and steps[-1].chunks_done == chunks
    assert svc.vector_debt() == 0 and all(d.vectors_pending == 0 for d in svc.documents())
    assert svc.backend.vectors.count(cid, svc.embedder.key) == chunks
    dense = svc.search(QUESTION, k=3, mode="dense")
    assert Path(dense[0].source).name == GOLD
    assert svc.collections()[0].embedding_model == svc.embedder.name


def test_cancelled_vectors_resume_where_they_stopped(tmp_path: Path, folder: Path, monkeypatch) -> None:
    from sillok.ingest import local_index

    monkeypatch.setattr(local_index, "EMBED_BATCH", 4)  # several batches from a small folder
    svc = Sillok(home=tmp_path / "home")
    chunks = svc.ingest([folder], vectors=False).chunks
    cancel = CancelToken()
    done: list[int] = []

    def progress(p) -> None:
        done.append(p.chunks_done)
        if p.chunks_done >= 8:
            cancel.cancel()

    with pytest.raises(Cancelled):
        svc.embed_pending(progress=progress, cancel=cancel)
    assert svc.vector_debt() == chunks - 8  # the two finished batches are kept
    again = Sillok(home=tmp_path / "home")  # a new process, as after a kill
    assert again.embed_pending() == chunks - 8  # only what was missing
    cid = again.backend.store.collection_id("default", create=False)
    assert again.backend.vectors.count(cid, again.embedder.key) == chunks and again.vector_debt() == 0
