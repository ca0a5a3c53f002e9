"""Embeddings from an OpenAI-compatible /v1/embeddings server (llama-cpp-python's server in embedding mode
with the bundled SmolLM2, token-protected) through `sillok.models.remote_embedding.RemoteEmbedder`, and the
facade using it by setting. The tests that start the server are slow (`make test-slow`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from sillok.foundation.errors import SillokError
from sillok.foundation.secrets import store_token
from sillok.foundation.servers import RemoteUnavailable, TokenRefused
from sillok.foundation.settings import load_settings
from sillok.ingest.office_index import EmbeddingMismatch
from sillok.models.embedding import Embedder
from sillok.models.remote_embedding import RemoteEmbedder
from sillok.service.backends import build_embedder
from sillok.service.facade import Sillok
from tests.support.keyring_memory import memory_keyring
from tests.support.servers import TOKEN, Server, free_port

MODEL = "smollm2-135m-mean"  # the name the vectors are keyed by
QUESTION = "What was the mean time required for in-flight intubation?"
GOLD = "pmid-10135926.txt"


@pytest.fixture
def keyring_with_tokens(proxy, embed_server: Server) -> Iterator[None]:
    with memory_keyring():
        store_token(proxy.url, TOKEN)
        store_token(embed_server.url, TOKEN)
        yield


# -- without a server -------------------------------------------------------------------------------
def test_the_setting_picks_the_embedder(tmp_path: Path) -> None:
    url = "http://sillok.office.lan:8445"
    office = load_settings(home=tmp_path, office_mode=True, embedding_server_url=url, embedding_server_model=MODEL)
    remote = build_embedder(office)
    assert isinstance(remote, RemoteEmbedder) and remote.name == MODEL and remote.source == url
    assert not remote.loaded  # nothing is sent before the first text
    # "This computer": the server settings are kept but not used.
    assert isinstance(build_embedder(load_settings(home=tmp_path, embedding_server_url=url,
                                                  embedding_server_model=MODEL)), Embedder)
    # The key follows the model name (and prefixes), never the address; it differs from any local model's.
    assert RemoteEmbedder("https://elsewhere:1", MODEL).key == remote.key
    assert RemoteEmbedder(url, "multilingual-e5-small").key != remote.key
    assert remote.key != Embedder().key
    e5 = RemoteEmbedder(url, "intfloat/multilingual-e5-small")
    assert (e5.query_prefix, e5.passage_prefix) == ("query: ", "passage: ")  # as for a local e5
    with pytest.raises(SillokError, match="embedding_server_model is empty"):
        RemoteEmbedder(url, " ")


def test_embedding_server_down_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    t0 = time.perf_counter()
    with pytest.raises(RemoteUnavailable) as err:
        RemoteEmbedder(url, MODEL, retries=1).embed_passages(["night work"])
    assert time.perf_counter() - t0 < 10
    msg = str(err.value)
    assert f"Office embedding server at {url} is not reachable" in msg and "connection refused" in msg
    assert "nothing was written" in msg


# -- against the real server ----------------------------------------------------------------------
@pytest.mark.slow
def test_vectors_come_from_the_server_with_the_token(embed_server: Server) -> None:
    with pytest.raises(TokenRefused, match="Office embedding server"):
        RemoteEmbedder(embed_server.url, MODEL, "wrong").embed_query("x")
    e = RemoteEmbedder(embed_server.url, MODEL, TOKEN)
    texts = ["Night work wages are paid at one and a half times.", "Intubation in flight took 20 seconds.",
             "Barthel index after stroke."]
    vecs = e.embed_passages(texts)
    assert vecs.shape == (3, e.dim) and e.dim > 100 and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert float(e.embed_query(texts[1]) @ vecs[1]) > 0.999  # same text, same vector (no prefixes here)
    assert len({round(float(vecs[i] @ vecs[j]), 4) for i in range(3) for j in range(3) if i < j}) == 3


@pytest.mark.slow
def test_office_ingest_and_search_through_the_embedding_server(keyring_with_tokens, proxy, embed_server,
                                                               docs: list[Path], tmp_path: Path) -> None:
    s = Sillok(home=tmp_path / "a", office_mode=True, chroma_url=proxy.url, top_k=3,
               embedding_server_url=embed_server.url, embedding_server_model=MODEL)
    coll = "via embedding server"
    report = s.ingest(docs, coll)
    assert [f.status for f in report.files] == ["indexed"] * 3
    assert {c.name: c.embedding_model for c in s.collections()}[coll] == MODEL
    hits = s.search(QUESTION, coll)
    assert Path(hits[0].source).name == GOLD and "dense" in hits[0].ranks
    dense = s.search(QUESTION, coll, mode="dense")
    assert dense and {Path(h.source).name for h in dense} <= {d.name for d in docs}
    # A desktop embedding locally is told which model the office uses; the spaces never mix.
    local = Sillok(home=tmp_path / "b", office_mode=True, chroma_url=proxy.url)
    with pytest.raises(EmbeddingMismatch, match=MODEL):
        local.search(QUESTION, coll)


@pytest.mark.slow
def test_desktop_index_with_the_embedding_server(keyring_with_tokens, embed_server, docs: list[Path],
                                                 tmp_path: Path) -> None:
    s = Sillok(home=tmp_path / "a", office_mode=True, embedding_server_url=embed_server.url,
               embedding_server_model=MODEL)  # no index server: this computer's index, the office's vectors
    assert [f.status for f in s.ingest(docs).files] == ["indexed"] * 3
    assert [c.embedding_model for c in s.collections()] == [MODEL]
    assert Path(s.search(QUESTION)[0].source).name == GOLD


@pytest.mark.slow
def test_a_chat_server_is_not_an_embedding_server(llm: Server) -> None:
    with pytest.raises(SillokError, match="started as an embedding server") as err:
        RemoteEmbedder(llm.url, MODEL, retries=0).embed_query("x")
    assert llm.url in str(err.value)
