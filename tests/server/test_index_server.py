"""The office index server (`chroma run`) on loopback behind a token-checking proxy: auth, the desktop's
VectorIndex on it, concurrent writers, version replacement (see tests/server/conftest.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from sillok.foundation.servers import RemoteUnavailable, TokenRefused
from sillok.foundation.types import Chunk
from sillok.ingest.chroma_server import make_chroma_client
from sillok.ingest.office_index import OfficeIndex, shared_doc_id
from sillok.ingest.vector_index import VectorIndex
from tests.support.paths import REPO
from tests.support.servers import TOKEN, free_port


def test_request_without_token_is_refused(proxy) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(proxy.url + "/api/v2/heartbeat", timeout=5)
    assert err.value.code == 401
    with pytest.raises(TokenRefused):
        make_chroma_client(proxy.url, None)
    with pytest.raises(TokenRefused):
        make_chroma_client(proxy.url, "wrong-token")


def test_index_server_down_is_a_clear_error() -> None:
    with pytest.raises(RemoteUnavailable, match="Office index server at http://127.0.0.1:"):
        make_chroma_client(f"http://127.0.0.1:{free_port()}", TOKEN)


def test_vector_index_on_the_server(proxy, tmp_path: Path) -> None:
    client = make_chroma_client(proxy.url, TOKEN)
    vi = VectorIndex(tmp_path / "unused", client=client)
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(4, 8)).astype(np.float32)
    vi.upsert(901, "k1", [1, 2, 3, 4], ["d1", "d1", "d2", "d2"], vecs)
    assert vi.count(901, "k1") == 4
    top = vi.query(901, "k1", vecs[2], 2)
    assert top[0][0] == 3 and top[0][1] > 0.99
    assert [r for r, _, _ in vi.query(901, "k1", vecs[2], 4, doc_ids=["d1"])] in ([1, 2], [2, 1])
    vi.delete_doc(901, "k1", "d1")
    assert vi.count(901, "k1") == 2
    vi.drop(901)
    assert not (tmp_path / "unused").exists()  # nothing was written locally


WRITER = textwrap.dedent("""
    import sys, numpy as np
    sys.path.insert(0, {repo!r})
    from sillok.ingest.chroma_server import make_chroma_client
    from sillok.ingest.office_index import OfficeIndex, shared_doc_id
    from sillok.foundation.types import Chunk
    url, token, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    idx = OfficeIndex(make_chroma_client(url, token), "office race", "k-test")
    doc = shared_doc_id("office race", "/share/contract.txt", "a" * 64)
    chunks = [Chunk(f"{{doc}}-{{i:05d}}", "/share/contract.txt", doc, i, f"clause {{i}} night work wages",
                    1, 0, 10) for i in range(40)]
    terms = [f"clause {{i}} night work wages" for i in range(40)]
    vecs = np.random.default_rng(7).normal(size=(40, 16)).astype(np.float32)
    for _ in range(rounds):
        idx.upsert_document("/share/contract.txt", "a" * 64, 1000.0, chunks, terms, vecs, title="contract")
    print("ok")
""")


def test_two_desktops_ingesting_the_same_file_leave_one_copy(proxy, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(repo=str(REPO)))
    procs = [subprocess.Popen([sys.executable, str(script), proxy.url, TOKEN, "4"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        outs = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert all(p.returncode == 0 for p in procs), [o[1][-1500:] for o in outs]
    idx = OfficeIndex(make_chroma_client(proxy.url, TOKEN), "office race", "k-test")
    assert idx.count() == 40  # 2 writers x 4 rounds x 40 chunks → exactly one copy of each
    docs = idx.manifest_records(state=None)
    assert list(docs) == [shared_doc_id("office race", "/share/contract.txt", "a" * 64)]
    assert docs[next(iter(docs))]["state"] == "committed"


def test_newer_version_replaces_older_whoever_writes_last(proxy) -> None:
    idx = OfficeIndex(make_chroma_client(proxy.url, TOKEN), "versions", "k-test")

    def write(sha: str, mtime: float, word: str) -> str:
        doc = shared_doc_id("versions", "/share/a.txt", sha)
        ch = [Chunk(f"{doc}-00000", "/share/a.txt", doc, 0, word, None, 0, len(word))]
        return idx.upsert_document("/share/a.txt", sha, mtime, ch, [word], np.ones((1, 4), np.float32))

    new = write("b" * 64, 2000.0, "newer")
    write("a" * 64, 1000.0, "older")  # a slow desktop finishes the old version afterwards
    assert [d.doc_id for d in idx.documents()] == [new] and idx.count() == 1  # …and drops its own stale version
    write("c" * 64, 3000.0, "newest")  # the next newer version removes every older one
    assert [d.doc_id for d in idx.documents()] == [shared_doc_id("versions", "/share/a.txt", "c" * 64)]
    assert idx.count() == 1


def test_shared_bm25_ranks_like_the_desktop_fts5(proxy, docs: list[Path], tmp_path: Path) -> None:
    """Same chunks and terms in the desktop's SQLite FTS5 and in the shared index: same keyword ranking."""
    import time

    from sillok.ingest.analyzer import analyse, analyse_query
    from sillok.ingest.store import COMMITTED, DocRow, Store

    store = Store(tmp_path / "sillok.db")
    cid = store.collection_id("bm25")
    idx = OfficeIndex(make_chroma_client(proxy.url, TOKEN), "bm25", "k-test")
    ids: dict[int, str] = {}
    for n, path in enumerate(docs):
        paras = [p for p in path.read_text(encoding="utf-8").split(". ") if p.strip()]
        doc = shared_doc_id("bm25", str(path), str(n))
        chunks = [Chunk(f"{doc}-{i:05d}", str(path), doc, i, p, None, 0, len(p)) for i, p in enumerate(paras)]
        terms = [" ".join(analyse(c.text)) for c in chunks]
        row = DocRow(cid or 0, doc, str(path), str(n), 0, COMMITTED, path.stem, "txt", 1, len(chunks), time.time())
        with store.tx():
            rowids = store.add_document(cid or 0, row, chunks, terms)
        ids.update({r: c.chunk_id for r, c in zip(rowids, chunks, strict=True)})
        idx.upsert_document(str(path), str(n), 1.0, chunks, terms, np.ones((len(chunks), 4), np.float32))
    for q in ("mean time required for in-flight intubation", "Barthel Index stroke outcome", "patients"):
        terms = analyse_query(q)
        local = [(ids[r], round(s, 4)) for r, s in store.keyword_search(cid or 0, terms, 10)]
        shared = [(c, round(s, 4)) for c, s in idx.reader().keyword_search(terms, 10)]
        assert shared == local, q
