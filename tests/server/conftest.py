"""Office servers for tests/server, started once per package on loopback and stopped after: the chat
model server (`llm`), the embedding server (`embed_server`), `chroma run` (`chroma`) behind the token
proxy (`proxy`), and a desktop Sillok with three abstracts (`svc`). The servers themselves are in
tests/support/servers.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import EVAL
from tests.support.servers import (
    TOKEN,
    Server,
    TokenProxy,
    chroma_server,
    embedding_server,
    llm_server,
    running,
    skip_without_llama_server,
)

PUBMED = EVAL / "pubmedqa" / "docs"
DOCS = ["10135926", "10158597", "10173769"]


@pytest.fixture(scope="package")
def server_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("office-servers")


@pytest.fixture(scope="package")
def llm(server_tmp: Path) -> Iterator[Server]:
    skip_without_llama_server()
    with running(llm_server(server_tmp)) as server:
        yield server


@pytest.fixture(scope="package")
def embed_server(server_tmp: Path) -> Iterator[Server]:
    skip_without_llama_server()
    with running(embedding_server(server_tmp)) as server:
        yield server


@pytest.fixture(scope="package")
def chroma(server_tmp: Path) -> Iterator[Server]:
    with running(chroma_server(server_tmp)) as server:
        yield server


@pytest.fixture(scope="package")
def proxy(chroma: Server) -> Iterator[TokenProxy]:
    p = TokenProxy(chroma.port, TOKEN)
    try:
        yield p
    finally:
        p.close()


@pytest.fixture(scope="package")
def docs() -> list[Path]:
    files = [PUBMED / f"pmid-{d}.txt" for d in DOCS]
    if not all(f.is_file() for f in files):
        pytest.skip(f"evaluation documents not found ({PUBMED})")
    return files


@pytest.fixture(scope="package")
def svc(tmp_path_factory: pytest.TempPathFactory, docs: list[Path]):
    """A desktop Sillok with three abstracts, answers kept short so the server answers quickly.

    Sources are the matched passages alone (window_tokens 0), as in tests/answer/conftest.py: the model
    server's tests check that what SmolLM2 streams is what is kept, and with whole windows in the prompt
    this 135M model answers the test question "The answer is [1].", which grounding rightly drops."""
    from sillok.service.facade import Sillok

    s = Sillok(home=tmp_path_factory.mktemp("office-home"), top_k=3, max_answer_tokens=48, n_ctx=2048,
               window_tokens=0)
    report = s.ingest(docs)
    assert not report.failed, report.failed
    return s
