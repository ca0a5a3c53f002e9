"""Ingest with the real parts: loaders, Kiwi, SQLite FTS5, Chroma on tmp dirs, the default embedder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.service.facade import Sillok
from tests.support.paths import REPO, shared_path
from tests.support.pdf import broken_pdf


def _consistent(svc: Sillok, collection: str = "default") -> tuple[int, int]:
    """Assert SQLite chunks, FTS rows and Chroma vectors agree; return (documents, chunks)."""
    cid = svc.backend.store.collection_id(collection, create=False)
    assert cid is not None
    docs, chunks = svc.backend.store.counts(cid)
    db = svc.backend.store.db
    assert db.execute("SELECT COUNT(*) FROM chunks WHERE collection_id=?", (cid,)).fetchone()[0] == chunks
    assert db.execute(f"SELECT COUNT(*) FROM fts_{cid}").fetchone()[0] == chunks
    assert db.execute("SELECT COUNT(*) FROM documents WHERE state!='committed'").fetchone()[0] == 0
    assert svc.backend.vectors.count(cid, svc.embedder.key) == chunks
    dup = db.execute("SELECT source, COUNT(*) FROM documents GROUP BY collection_id, source HAVING COUNT(*)>1")
    assert dup.fetchall() == []
    return docs, chunks


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    src = shared_path("eval", "pubmedqa", "docs")
    for f in sorted(src.iterdir())[:6]:
        shutil.copy(f, folder / f.name)
    (folder / "노트.md").write_text("# 회의록\n\n제1조(목적) 이 규정은 야간 근로수당 지급 기준을 정한다.\n", encoding="utf-8")
    (folder / "cp949.txt").write_bytes("제2조(지급) 야간근로에는 통상임금의 100분의 50을 가산한다.".encode("cp949"))
    return folder


def test_ingest_search_and_idempotent_reingest(svc: Sillok, corpus: Path) -> None:
    report = svc.ingest([corpus])
    assert not report.failed and len(report.files) == 8
    docs, chunks = _consistent(svc)
    assert docs == 8 and chunks >= 8
    hits = svc.search("야간근로 가산 임금")
    assert hits and Path(hits[0].source).name in ("cp949.txt", "노트.md")
    assert hits[0].article and hits[0].article.startswith("제")
    again = svc.ingest([corpus])
    assert {f.status for f in again.files} == {"unchanged"}
    assert _consistent(svc) == (docs, chunks)


def test_changed_file_replaces_and_remove_deletes_everywhere(svc: Sillok, corpus: Path) -> None:
    svc.ingest([corpus])
    before = _consistent(svc)
    note = corpus / "노트.md"
    note.write_text("# 회의록\n\n제1조(목적) 이 규정은 주말 당직 순번을 정한다.\n\n제2조(당직비) 당직비는 매월 지급한다.\n",
                    encoding="utf-8")
    report = svc.ingest([note])
    assert [f.status for f in report.files] == ["updated"]
    docs, chunks = _consistent(svc)
    assert docs == before[0]
    assert "야간" not in " ".join(h.text for h in svc.search("회의록 야간 근로수당", k=10, sources=[str(note)]))
    assert svc.remove(note) == 1
    assert _consistent(svc)[0] == docs - 1
    assert not svc.search("주말 당직 순번", sources=[str(note)])
    with pytest.raises(SillokError):
        svc.remove(note)


def test_bad_inputs_are_reported_and_batch_goes_on(svc: Sillok, corpus: Path, tmp_path: Path) -> None:
    svc.ingest([corpus])
    good = _consistent(svc)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "corrupt.pdf").write_bytes(broken_pdf(b"1 0 obj << /Type /Catalog >> garbage"))
    (bad / "random.docx").write_bytes(os.urandom(2048))
    (bad / "broken.hwpx").write_bytes(b"PK\x03\x04 not really a zip")
    (bad / "ok.txt").write_text("Metformin lowers blood glucose in type 2 diabetes.", encoding="utf-8")
    unsupported = tmp_path / "notes.xyz"
    unsupported.write_text("hello")
    report = svc.ingest([bad, unsupported, tmp_path / "missing.pdf"])
    failed = {Path(f.path).name: f.reason for f in report.failed}
    assert set(failed) == {"empty.txt", "corrupt.pdf", "random.docx", "broken.hwpx", "notes.xyz", "missing.pdf"}
    assert all(reason for reason in failed.values())
    assert [Path(f.path).name for f in report.files if f.status == "indexed"] == ["ok.txt"]
    docs, _ = _consistent(svc)
    assert docs == good[0] + 1
    listed = {Path(d.source).name: d for d in svc.documents()}
    assert listed["corrupt.pdf"].status == "failed" and listed["corrupt.pdf"].reason


def test_cli_exit_codes_and_json(tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sillok.app.cli import main

    home = ["--data-dir", str(tmp_path / "h")]
    assert main(["ingest", str(corpus), "--quiet", *home]) == 0
    (tmp_path / "empty.md").write_text("")
    assert main(["ingest", str(tmp_path / "empty.md"), "--quiet", *home]) == 1
    capsys.readouterr()
    assert main(["search", "야간근로 가산", "--json", *home]) == 0
    import json

    hits = json.loads(capsys.readouterr().out)
    assert {"source", "page", "text", "score", "chunk_id", "article"} <= set(hits[0])
    assert Path(hits[0]["source"]).is_absolute()
    qfile = tmp_path / "q.jsonl"
    qfile.write_text('{"id": "a", "question": "야간근로 가산"}\n{"id": "b", "question": "glucose"}\n')
    assert main(["search", "--batch", str(qfile), "-k", "3", *home]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"] and len(lines[0]["hits"]) <= 3
    assert main(["search", "x", "--collection", "nope", *home]) == 2
    assert main(["collections", "--json", *home]) == 0
    cols = json.loads(capsys.readouterr().out)
    assert cols[0]["name"] == "default" and cols[0]["documents"] == 8


def test_cancel_leaves_index_consistent(svc: Sillok, corpus: Path) -> None:
    token = CancelToken()
    seen = []

    def progress(p) -> None:  # cancel as soon as the job has started on files
        seen.append(p)
        if p.files_done >= 1:
            token.cancel()

    report = svc.ingest([corpus], progress=progress, cancel=token)
    assert report.cancelled and seen
    _consistent(svc)
    svc.ingest([corpus])
    assert _consistent(svc)[0] == 8


def test_embedding_model_change_reembeds_without_mixing(tmp_path: Path, corpus: Path) -> None:
    home = tmp_path / "h"
    a = Sillok(home=home)
    a.ingest([corpus])
    docs, chunks = _consistent(a)
    b = Sillok(home=home, embedding_max_seq_length=256)  # a different vector space key
    assert b.embedder.key != a.embedder.key
    # Until the new vectors exist, search reads the old model's complete set (never mixing the two)...
    hits = b.search("glucose metformin", mode="dense")
    assert hits and b.dense_embedder(b.index()).key == a.embedder.key
    assert b.reembed() == chunks  # ...then the new set is made (the window does it in the background)
    assert b.dense_embedder(b.index()).key == b.embedder.key and b.search("glucose metformin")
    cid = b.backend.store.collection_id("default")
    assert b.backend.vectors.count(cid, b.embedder.key) == chunks
    names = [c.name for c in b.backend.vectors.client.list_collections()]
    assert names == [b.backend.vectors.name(cid, b.embedder.key)]


def test_kill_during_ingest_then_restart_is_consistent(tmp_path: Path) -> None:
    src = shared_path("eval", "pubmedqa", "docs")
    folder = tmp_path / "docs"
    folder.mkdir()
    for f in sorted(src.iterdir())[:120]:
        shutil.copy(f, folder / f.name)
    home = tmp_path / "h"
    env = {**os.environ, "SILLOK_HOME": str(home), "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "sillok.app.cli", "ingest", str(folder), "--quiet"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Wait until the first batch is committed, then kill mid-flight.
    deadline = time.time() + 120
    db = home / "sillok.db"
    while time.time() < deadline and proc.poll() is None:
        if db.exists() and db.stat().st_size > 64 * 1024:
            break
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    svc = Sillok(home=home)
    report = svc.ingest([folder])
    assert not report.failed
    docs, chunks = _consistent(svc)
    assert docs == 120
    clean = Sillok(home=tmp_path / "clean")
    clean.ingest([folder])
    assert _consistent(clean) == (docs, chunks)
