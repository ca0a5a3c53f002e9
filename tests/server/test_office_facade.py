"""The facade (`sillok.service.facade.Sillok`) in office mode against the real `chroma run` behind the token proxy:
collections, documents, shared failures, remove, re-embed, create/delete, and the local audit log.

Two `Sillok` objects with their own data folders play two desktops of one office. The token comes from
the OS keyring (an in-memory backend: this machine has none), as on a real desktop.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sillok.foundation.errors import SillokError
from sillok.foundation.secrets import store_token
from sillok.foundation.servers import RemoteUnavailable
from sillok.ingest.office_index import EmbeddingMismatch, OfficeIndex
from sillok.service.facade import Sillok
from tests.support.keyring_memory import memory_keyring
from tests.support.pdf import broken_pdf, write_pdf
from tests.support.servers import TOKEN, TokenProxy, free_port

QUESTION = "What was the mean time required for in-flight intubation?"
GOLD = "pmid-10135926.txt"


@pytest.fixture(scope="module")
def keyring_with_token(proxy: TokenProxy) -> Iterator[None]:
    with memory_keyring():
        store_token(proxy.url, TOKEN)
        yield


def desktop(home: Path, proxy: TokenProxy, **kw: object) -> Sillok:
    return Sillok(home=home, office_mode=True, chroma_url=proxy.url, top_k=3, **kw)


@pytest.fixture
def share(tmp_path: Path, docs: list[Path]) -> Path:
    """The office file share: three abstracts in a folder, plus a file that cannot be read as text."""
    root = tmp_path / "share"
    (root / "abstracts").mkdir(parents=True)
    for d in docs:
        shutil.copy(d, root / "abstracts" / d.name)
    (root / "scan.pdf").write_bytes(broken_pdf(b"% a scanner wrote nothing readable here\n"))
    return root


def names(infos: list) -> dict[str, str]:
    return {Path(d.source).name: d.status for d in infos}


def test_two_desktops_share_collections_documents_and_failures(keyring_with_token, proxy, tmp_path, share):
    a, b = desktop(tmp_path / "a", proxy), desktop(tmp_path / "b", proxy)
    coll = "facade shared"
    report = a.ingest([share], coll)
    assert sorted((Path(f.path).name, f.status) for f in report.files) == [
        ("pmid-10135926.txt", "indexed"), ("pmid-10158597.txt", "indexed"), ("pmid-10173769.txt", "indexed"),
        ("scan.pdf", "failed")]
    # Desktop B never ingested anything, yet lists the collection, its documents and A's failure.
    info = {c.name: c for c in b.collections()}[coll]
    assert (info.documents, info.embedding_model) == (3, "multilingual-e5-small")
    assert info.chunks == sum(f.chunks for f in report.files) > 3
    listed = b.documents(coll)
    assert names(listed) == {"pmid-10135926.txt": "indexed", "pmid-10158597.txt": "indexed",
                             "pmid-10173769.txt": "indexed", "scan.pdf": "failed"}
    failed = next(d for d in listed if d.status == "failed")
    assert "PDF" in failed.reason and failed.added
    assert not (tmp_path / "b" / "chroma").exists()  # nothing was indexed on the desktop itself
    # B replaces the scan with a real PDF: indexed, and the failure is cleared for everyone.
    write_pdf(share / "scan.pdf", [["Night work wages are paid at one and a half times the normal rate."]])
    assert [f.status for f in b.ingest([share / "scan.pdf"], coll).files] == ["indexed"]
    assert names(a.documents(coll))["scan.pdf"] == "indexed"
    assert {f.status for f in a.ingest([share], coll).files} == {"unchanged"}  # nothing to do on A
    assert Path(a.search("night work wages", coll, k=2)[0].source).name == "scan.pdf"
    assert Path(b.search(QUESTION, coll)[0].source).name == GOLD


def test_remove_is_seen_everywhere_and_audited_locally(keyring_with_token, proxy, tmp_path, share):

    a, b = desktop(tmp_path / "a", proxy), desktop(tmp_path / "b", proxy)
    coll = "facade remove"
    a.ingest([share / "abstracts", share / "scan.pdf"], coll)
    assert b.remove(share / "scan.pdf", coll) == 0  # a file that only failed: its record goes
    assert "scan.pdf" not in names(a.documents(coll))
    # a conversation on desktop a quoting the document (what ask stores), scrubbed when it goes
    gold = str((share / "abstracts" / GOLD).resolve())
    convs = a.conversations()
    cid = convs.create(coll, "q")
    convs.add_turn(cid, "q", "It took 25.9 seconds [1].", [{"n": 1, "source": gold, "page": None,
                   "article": None, "quote": "zqxmarker 25.9 seconds", "chunk_id": "c", "start": 0, "end": 9}])
    assert a.remove(share / "abstracts" / GOLD, coll) == 1
    assert "zqxmarker" not in str(convs.turns(cid)[0].citations)
    assert GOLD not in names(b.documents(coll))
    assert all(Path(h.source).name != GOLD for h in b.search(QUESTION, coll))
    assert b.remove(share / "abstracts", coll) == 2  # a folder: every file under it
    assert b.documents(coll) == [] and {c.name: c.documents for c in a.collections()}[coll] == 0
    with pytest.raises(SillokError, match="is not in collection"):
        a.remove(share / "abstracts" / GOLD, coll)
    events = [(e["event"], e["collection"]) for e in a.audit.read()]
    assert events == [("ingest", coll), ("remove", coll)]  # the desktop's own audit log, office mode too
    first = a.audit.read()[0]
    assert sorted(Path(p).name for p in first["documents"]) == sorted(p.name for p in (share / "abstracts").iterdir())
    assert [Path(f["source"]).name for f in first["failed"]] == ["scan.pdf"]
    assert [(e["event"], e["removed"]) for e in b.audit.read()] == [("remove", 0), ("remove", 2)]


def test_reembed_moves_the_collection_and_every_desktop_follows(keyring_with_token, proxy, tmp_path, share):
    coll = "facade reembed"
    a = desktop(tmp_path / "a", proxy)
    # Same model, other input length: another vector space (another key), no second model to load.
    b = desktop(tmp_path / "b", proxy, embedding_max_seq_length=64)
    assert a.embedder.key != b.embedder.key
    a.ingest([share / "abstracts"], coll)
    with pytest.raises(EmbeddingMismatch, match="vector set"):
        b.search(QUESTION, coll)
    with pytest.raises(EmbeddingMismatch):
        b.ingest([share / "scan.pdf"], coll)
    n_chunks = {c.name: c.chunks for c in a.collections()}[coll]
    steps: list = []
    assert b.reembed(coll, progress=steps.append) == n_chunks
    assert steps and steps[-1].stage == "re-embedding" and steps[-1].chunks_done == n_chunks
    assert b.reembed(coll) == 0  # already current
    hits = b.search(QUESTION, coll)
    assert Path(hits[0].source).name == GOLD and "dense" in hits[0].ranks
    # A (old key) is now told, not silently given vectors of another space; reading and removing still work.
    with pytest.raises(EmbeddingMismatch):
        a.search(QUESTION, coll)
    assert len(a.documents(coll)) == 3
    gold_chunks = next(d.chunks for d in a.documents(coll) if Path(d.source).name == GOLD)
    assert a.remove(share / "abstracts" / GOLD, coll) == 1
    assert GOLD not in names(b.documents(coll))
    client = b.backend.client
    sets = [c.name for c in client.list_collections() if c.name.startswith(f"sillok-o-{b.index(coll).slug}-")]
    assert sets == [f"sillok-o-{b.index(coll).slug}-{b.embedder.key}"]  # the old vectors are gone
    assert OfficeIndex(client, coll, b.embedder.key).count() == n_chunks - gold_chunks


def test_create_delete_and_rename(keyring_with_token, proxy, tmp_path, share):
    a, b = desktop(tmp_path / "a", proxy), desktop(tmp_path / "b", proxy)
    a.create_collection("facade 계약서")
    assert "facade 계약서" in [c.name for c in b.collections()]
    b.ingest([share / "abstracts" / GOLD], "facade 계약서")
    with pytest.raises(SillokError, match="cannot be renamed"):
        a.rename_collection("facade 계약서", "other")
    a.delete_collection("facade 계약서")
    assert "facade 계약서" not in [c.name for c in b.collections()]
    assert b.documents("facade 계약서") == []
    with pytest.raises(SillokError, match="no collection named"):
        b.search(QUESTION, "facade 계약서")
    # B's cached handle is stale; ingesting makes the collection again, empty but for this file.
    assert [f.status for f in b.ingest([share / "abstracts" / GOLD], "facade 계약서").files] == ["indexed"]
    assert names(a.documents("facade 계약서")) == {GOLD: "indexed"}
    a.delete_collection("facade 계약서")


def test_office_index_down_or_token_wrong_is_a_clear_error(keyring_with_token, proxy, tmp_path):
    down = Sillok(home=tmp_path / "a", office_mode=True, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(RemoteUnavailable, match="Office index server at http://127.0.0.1:.*not reachable"):
        down.collections()
    # doctor names each office server and where its token comes from, never the token itself.
    assert down.doctor()["office"]["index"]["token"].startswith("none (no token stored")
    up = desktop(tmp_path / "c", proxy)
    report = up.doctor()
    assert report["office"] == {"index": {"url": proxy.url, "token": "keyring"}} and TOKEN not in str(report)
    other = TokenProxy(int(proxy.url.rsplit(":", 1)[1]), "another-token")  # a proxy with no stored token
    try:
        with pytest.raises(SillokError, match="refused the access token"):
            Sillok(home=tmp_path / "b", office_mode=True, chroma_url=other.url).documents()
    finally:
        other.close()


def test_office_index_gives_the_gate_the_same_document_frequencies(keyring_with_token, proxy, tmp_path, share):
    """Issue 13: the answerability gate weighs terms by document frequency; the office index counts them
    as the desktop's SQLite index does, so an off-topic question is refused in office mode too."""
    office, local = desktop(tmp_path / "o", proxy), Sillok(home=tmp_path / "l", top_k=3)
    coll = "facade gate"
    office.ingest([share / "abstracts"], coll)
    local.ingest([share / "abstracts"], coll)
    terms = ["intubation", "flight", "in-flight", "tungsten", "the"]
    df, n = office.index(coll).reader().term_doc_freq(terms)
    assert (df, n) == local.index(coll).reader().term_doc_freq(terms)
    assert df["intubation"] >= 1 and df["tungsten"] == 0 and n > 3
    answer = office.ask("What is the boiling point of tungsten in kelvin?", coll)
    assert not answer.found and not answer.citations and answer.closest


def test_office_hits_grow_the_same_windows_as_local_ones(keyring_with_token, proxy, tmp_path):
    """A hit's window (the chunks around its match, service/retrieval.py _widen) is read from the office
    index as from the desktop's: same text, same chunks."""
    laws = tmp_path / "laws"
    laws.mkdir()
    articles = [("제298조(강제추행)", "폭행 또는 협박으로 사람에 대하여 추행을 한 자는 10년 이하의 징역에 처한다."),
                ("제299조(준강제추행)", "사람의 심신상실 또는 항거불능의 상태를 이용하여 추행을 한 자는 제298조의 예에 의한다."),
                ("제300조(미수범)", "제298조 및 제299조의 미수범은 처벌한다."),
                ("제329조(절도)", "타인의 재물을 절취한 자는 6년 이하의 징역에 처한다.")]
    (laws / "형법.md").write_text("# 형법\n\n" + "\n\n".join(f"{a} {b}" for a, b in articles), encoding="utf-8")
    office, local = desktop(tmp_path / "o", proxy), Sillok(home=tmp_path / "l", top_k=3)
    coll = "facade windows"
    office.ingest([laws], coll)
    local.ingest([laws], coll)
    question = "심신상실 상태를 이용하여 추행한 자는 어떻게 처벌되는가?"
    got, want = office.search(question, coll, k=1)[0], local.search(question, coll, k=1)[0]
    assert len(want.chunk_ids) > 1 and "제300조(미수범)" in want.text
    assert (got.text, got.core, len(got.chunk_ids)) == (want.text, want.core, len(want.chunk_ids))
