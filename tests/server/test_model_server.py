"""The office model server (llama_cpp.server with the bundled SmolLM2) on loopback, used through
`make_chat_model` inside `sillok.service.answering.ask`. Slow (~2 min on 2 busy cores): `make test-slow`."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.foundation.secrets import store_token
from sillok.foundation.servers import RemoteUnavailable, openai_base_url
from sillok.ingest.chroma_server import make_chroma_client
from sillok.ingest.office_index import OfficeIndex
from sillok.ingest.pipeline import Pipeline
from sillok.models.office_chat import make_chat_model
from sillok.service.answering import ask
from sillok.service.facade import Sillok
from sillok.service.retrieval import Retriever
from tests.support.keyring_memory import memory_keyring
from tests.support.servers import TOKEN, Server, llm_server

QUESTION = "What was the mean time required for in-flight intubation?"
GOLD = "pmid-10135926.txt"

pytestmark = pytest.mark.slow


def _kept_from(streamed: str, kept: str) -> bool:
    """The kept answer is what streamed, with the citations Sillok verified or attributed (issue 13) and
    the tidying of grounding (an unbalanced bracket at a cut-off end): compared without [n] markers."""
    def unmarked(t: str) -> str:
        return re.sub(r"\s*\[\d+(?:,\s*\d+)*\]", "", t).strip()
    return bool(kept) and unmarked(kept) in unmarked(streamed)


def chat(url: str, **kw: Any):
    return make_chat_model(url, None, max_tokens=48, timeout=30, backoff_s=0.2, **kw)


# -- the shared model ---------------------------------------------------------------------------------
def test_ask_streams_through_the_office_model(svc, llm: Server) -> None:
    pieces: list[str] = []
    answer = ask(svc, QUESTION, chat_model=chat(llm.url), on_token=pieces.append)
    assert answer.found and not answer.cancelled
    assert len(pieces) > 3 and _kept_from("".join(pieces), answer.text)
    assert Path(answer.hits[0].source).name == GOLD
    # Citations are parsed exactly as for the local model: every [n] maps to a retrieved hit.
    for c in answer.citations:
        assert 1 <= c.n <= len(answer.hits) and c.source == answer.hits[c.n - 1].source
    assert answer.timings["first_token_ms"] > 0 and answer.timings["tokens_per_s"] > 0


def test_cancel_stops_the_stream_and_closes_the_response(svc, llm: Server) -> None:
    responses: list[httpx.Response] = []
    client = httpx.Client(event_hooks={"response": [responses.append]}, timeout=30)
    model = make_chat_model(llm.url, None, max_tokens=300, timeout=30, http_client=client)
    token = CancelToken()
    pieces: list[str] = []

    def on_token(p: str) -> None:
        pieces.append(p)
        if len(pieces) == 3:
            token.cancel()

    answer = ask(svc, QUESTION, chat_model=model, on_token=on_token, cancel=token)
    assert answer.cancelled and len(pieces) == 3
    assert responses and all(r.is_closed for r in responses)  # the HTTP stream was closed, not drained
    # The server is free again at once (it stopped generating for the closed connection).
    t0 = time.perf_counter()
    assert chat(llm.url).complete([{"role": "user", "content": "Say yes."}])
    assert time.perf_counter() - t0 < 20


def test_server_down_gives_a_clear_error_then_works_after_restart(svc, server_tmp: Path) -> None:
    server = llm_server(server_tmp)  # its own instance: stopping it must not disturb the shared one
    server.start()
    try:
        model = chat(server.url)
        assert model.complete([{"role": "user", "content": "Say yes."}])
        server.stop()
        t0 = time.perf_counter()
        with pytest.raises(RemoteUnavailable) as err:
            ask(svc, QUESTION, chat_model=model)
        assert time.perf_counter() - t0 < 10  # bounded: 2 retries with a short backoff
        msg = str(err.value)
        assert server.url in msg and "not reachable" in msg and "Settings" in msg and "kept" in msg
        assert isinstance(err.value, SillokError)
        server.start()
        answer = ask(svc, QUESTION, chat_model=model)  # the same question, the same model object
        assert answer.found and answer.text
    finally:
        server.stop()


def test_wrong_address_is_refused_early() -> None:
    with pytest.raises(SillokError, match="not a server address"):
        make_chat_model("ftp://x", None)
    assert openai_base_url("http://h:8000/") == "http://h:8000/v1"
    assert openai_base_url("http://h:8000/v1") == "http://h:8000/v1"


def test_shared_index_and_shared_model_answer_together(svc, llm: Server, proxy, docs: list[Path],
                                                       tmp_path: Path) -> None:
    index = OfficeIndex(make_chroma_client(proxy.url, TOKEN), "default", svc.embedder.key)
    pipeline, retriever = Pipeline(svc.embedder), Retriever(svc.embedder)
    report = pipeline.ingest(index, docs)
    assert sorted(Path(f.path).name for f in report.files if f.status == "indexed") == sorted(d.name for d in docs)
    again = pipeline.ingest(index, docs)
    assert [f.status for f in again.files] == ["unchanged"] * len(docs)  # another desktop: nothing to do
    n_local = sum(c.chunks for c in svc.collections())
    assert index.count() == n_local  # same chunking as the desktop pipeline
    hits = retriever.search(index, QUESTION, k=3)
    assert Path(hits[0].source).name == GOLD and "keyword" in hits[0].ranks and "dense" in hits[0].ranks
    local = svc.search(QUESTION, k=3)
    assert [h.chunk_id.split("-")[-1] for h in hits[:1]] == [h.chunk_id.split("-")[-1] for h in local[:1]]
    # The facade in office mode: the shared index, the server's model, this desktop's audit log.
    with memory_keyring():
        store_token(proxy.url, TOKEN)
        office = Sillok(home=tmp_path / "desk", office_mode=True, chroma_url=proxy.url, llm_server_url=llm.url,
                        top_k=3, max_answer_tokens=48, n_ctx=2048, window_tokens=0)  # as `svc`: see its docstring
        pieces: list[str] = []
        answer = office.ask(QUESTION, on_token=pieces.append)
    assert answer.found and Path(answer.hits[0].source).name == GOLD and _kept_from("".join(pieces), answer.text)
    assert not office.llm.loaded  # the local model was never loaded
    [event] = office.audit.read()
    assert (event["event"], event["question"], event["found"]) == ("ask", QUESTION, True)
    # The log and the index hold resolved paths; ../shared may be reached through a link: resolve both sides.
    gold = str(docs[0].resolve())
    assert gold in [str(Path(s).resolve()) for s in event["shown"]]
    assert index.remove(index.match(gold)) == 1 and all(Path(h.source).name != docs[0].name
                                                   for h in retriever.search(index, QUESTION, k=3))
