"""Upgrading a collection embedded with the old default (all-MiniLM-L6-v2) to multilingual-e5-small: it
stays searchable with its old vectors until the new set is complete, the new vectors are made on request
(progress, cancel, resumable), then the old set goes. Real parts: MiniLM, the e5 port, Chroma, SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import Cancelled
from sillok.models.embedding import E5, MINILM
from sillok.service.facade import Sillok
from tests.support.corpus import GOLD, copy_pubmed

QUESTION = "mean time required for in-flight intubation"


@pytest.fixture
def old_home(tmp_path: Path) -> Path:
    """A data folder as the previous release left it: MiniLM vectors, no embedder spec recorded."""
    docs = copy_pubmed(tmp_path / "docs", 4)
    home = tmp_path / "home"
    old = Sillok(home=home, embedding_model="minilm")
    assert old.ingest([docs]).chunks > 5 and old.vector_debt() == 0
    old.backend.store.db.execute("UPDATE collections SET embedding_spec=''")  # written before specs were kept
    return home


def test_old_vectors_serve_search_until_the_new_set_is_complete(old_home: Path, monkeypatch) -> None:
    from sillok.ingest import local_index

    svc = Sillok(home=old_home)  # the new default: e5
    assert svc.embedder.name == E5
    chunks = svc.collections()[0].chunks
    assert svc.vector_debt() == chunks  # every chunk needs an e5 vector
    dense = svc.dense_embedder(svc.index())
    assert dense.name == MINILM  # rebuilt from the collection's record, checked against its key
    hits = svc.search(QUESTION, k=3, mode="dense")
    assert Path(hits[0].source).name == GOLD  # found through the old vectors meanwhile
    assert all(d.vectors_pending == d.chunks for d in svc.documents())

    monkeypatch.setattr(local_index, "EMBED_BATCH", 4)
    cancel, seen = CancelToken(), []

    def progress(p) -> None:
        seen.append(p)
        if p.chunks_done >= 4:
            cancel.cancel()

    with pytest.raises(Cancelled):
        svc.reembed(progress=progress, cancel=cancel)
    assert seen[0].stage == "re-embedding" and svc.vector_debt() == chunks - 4
    assert svc.dense_embedder(svc.index()).name == MINILM  # still the complete old set
    assert Path(svc.search(QUESTION, k=3, mode="dense")[0].source).name == GOLD

    again = Sillok(home=old_home)
    assert again.reembed() == chunks - 4  # resumed, not restarted
    assert again.vector_debt() == 0 and again.dense_embedder(again.index()).name == E5
    cid = again.backend.store.collection_id("default", create=False)
    assert again.backend.vectors.keys(cid) == [again.embedder.key]  # the MiniLM set is gone
    assert again.collections()[0].embedding_model == E5
    assert Path(again.search(QUESTION, k=3, mode="dense")[0].source).name == GOLD


def test_an_unknown_old_model_falls_back_to_the_partial_new_set(old_home: Path) -> None:
    svc = Sillok(home=old_home)
    svc.backend.store.db.execute("UPDATE collections SET embedding_model='some-folder-model'")
    assert svc.dense_embedder(svc.index()).key == svc.embedder.key  # nothing rebuilt by guesswork
    assert svc.search(QUESTION, k=3)  # keyword still finds it
