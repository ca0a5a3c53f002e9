"""The audit log's hash chain: `sillok audit verify` passes on an untouched log and names the first line
edited, removed or reordered — across rotated files, with sealed (`encrypt_history`) lines, after a
crash-torn line, with several processes writing at once; `sillok audit export` hands an inspector the
events and the chain head. Real files, the real CLI; the only fake is the in-memory OS keyring.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from sillok.foundation.atrest import Box
from sillok.service.audit import AuditLog
from sillok.service.audit_verify import verify
from tests.support.keyring_memory import MemoryKeyring, memory_keyring


@pytest.fixture(name="memory_keyring")
def memory_keyring_fixture() -> Iterator[MemoryKeyring]:
    with memory_keyring() as mem:
        yield mem


def _fill(log: AuditLog, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        log.append("ask", "default", question=f"question {i:03d} about the lease", documents=[f"/docs/{i}.pdf"],
                   pages=[[i % 7 + 1]], found=True)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _cli(home: Path, *args: str) -> int:
    from sillok.app import cli

    return cli.main(["audit", *args, "--data-dir", str(home)])


def test_untouched_log_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = AuditLog(tmp_path)
    _fill(log, 5)
    v = verify(log)
    assert v.ok and v.lines == 5 and v.head_seq == 5 and len(v.head) == 64
    assert [e["seq"] for e in log.read()] == [1, 2, 3, 4, 5]
    assert _cli(tmp_path, "verify") == 0
    assert "intact" in capsys.readouterr().out
    e = log.read()[0]
    assert e["user"] and e["host"] and "prev" not in e


def test_empty_log_verifies(tmp_path: Path) -> None:
    assert verify(AuditLog(tmp_path)).ok


def test_edited_line_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = AuditLog(tmp_path)
    _fill(log, 6)
    lines = _lines(log.path)
    lines[2] = lines[2].replace("question 002", "question 999")
    _write(log.path, lines)
    v = verify(log)
    assert not v.ok and v.problem.startswith("audit.jsonl line 3 was edited")
    assert _cli(tmp_path, "verify") == 1
    assert "audit.jsonl line 3 was edited" in capsys.readouterr().out


def test_edited_last_line_is_named(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    _fill(log, 4)
    lines = _lines(log.path)
    lines[-1] = lines[-1].replace('"found": true', '"found": false')
    _write(log.path, lines)
    assert verify(log).problem.startswith("audit.jsonl line 4 was edited")


def test_line_edited_with_its_hash_recomputed_is_named_by_the_next_link(tmp_path: Path) -> None:
    from sillok.service.audit import _chain_text

    log = AuditLog(tmp_path)
    _fill(log, 5)
    lines = _lines(log.path)
    obj = json.loads(lines[1])
    obj.pop("hash")
    obj["question"] = "forged question"
    lines[1] = _chain_text(obj)  # a careful forger recomputes the line's own hash
    _write(log.path, lines)
    assert verify(log).problem.startswith("audit.jsonl line 2 was edited (the next line's link")


def test_removed_line_is_named(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    _fill(log, 6)
    lines = _lines(log.path)
    del lines[2]
    _write(log.path, lines)
    v = verify(log)
    assert not v.ok and "seq 3–3 were removed before audit.jsonl line 3" in v.problem


def test_reordered_lines_are_named(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    _fill(log, 6)
    lines = _lines(log.path)
    lines[2], lines[3] = lines[3], lines[2]
    _write(log.path, lines)
    v = verify(log)
    assert not v.ok and "audit.jsonl line 3 is out of order: lines were reordered" in v.problem


def test_chain_runs_across_rotation(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, max_bytes=1500, keep=20)
    _fill(log, 40)
    files = log.files()
    assert len(files) >= 5
    v = verify(log)
    assert v.ok and v.lines == 40 and v.head_seq == 40 and v.files == len(files)
    # the first line of each newer file links to the last line of the file before it
    for older, newer in zip(files, files[1:], strict=False):
        assert json.loads(_lines(newer)[0])["prev"] == json.loads(_lines(older)[-1])["hash"]
    # edit a line in a rotated file: named by file and line
    middle = files[1]
    lines = _lines(middle)
    lines[1] = lines[1].replace("about the lease", "about the house")
    _write(middle, lines)
    assert verify(log).problem == f"{middle.name} line 2 was edited (its text no longer matches its hash)"


def test_a_whole_rotated_file_removed_is_caught(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, max_bytes=1500, keep=20)
    _fill(log, 30)
    files = log.files()
    files[1].unlink()  # a middle file
    assert "were removed before" in verify(log).problem
    files[0].unlink()  # now the oldest files are gone, though rotation never dropped any
    assert "no file was rotated away" in verify(log).problem


def test_rotation_dropping_the_oldest_file_is_not_a_break(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, max_bytes=1200, keep=3)
    _fill(log, 60)
    v = verify(log)
    assert v.ok and v.head_seq == 60 and v.lines < 60
    assert any("rotated away" in n for n in v.notes)


def test_torn_line_is_skipped_but_a_garbled_one_is_caught(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    _fill(log, 3)
    with log.path.open("a", encoding="utf-8") as fh:
        fh.write('{"time": "2026-01-01T00:00:00Z", "event": "as')  # a crash mid-write
    _fill(log, 2, start=3)
    v = verify(log)
    assert v.ok and v.lines == 5 and any("torn" in n for n in v.notes)
    lines = _lines(log.path)
    lines[1] = lines[1][:40]  # a complete line cut short afterwards
    _write(log.path, lines)
    assert verify(log).problem.startswith("audit.jsonl line 2 was edited (it is not a valid line")


def test_lines_from_before_the_chain_are_bound_by_it(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    log.dir.mkdir(parents=True)
    old = [json.dumps({"time": f"2020-01-0{i}T00:00:00.000Z", "event": "ask", "collection": "default",
                       "question": f"old {i}"}) for i in (1, 2)]
    _write(log.path, old)
    _fill(log, 3)
    v = verify(log)
    assert v.ok and v.lines == 3
    lines = _lines(log.path)
    lines[1] = lines[1].replace("old 2", "old X")  # an edit of a pre-chain line breaks the first link
    _write(log.path, lines)
    assert verify(log).problem.startswith("audit.jsonl line 2 was edited")
    _write(log.path, [*old, *_lines(log.path)[2:4], old[0], *_lines(log.path)[4:]])
    assert "has no chain hash" in verify(log).problem


def test_sealed_lines_are_chained_and_verified_without_the_key(tmp_path: Path, memory_keyring: MemoryKeyring,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    sealed = AuditLog(tmp_path, box=Box(True), max_bytes=2500, keep=20)
    plain = AuditLog(tmp_path, box=Box(False), max_bytes=2500, keep=20)
    _fill(plain, 2)
    _fill(sealed, 12, start=2)  # encrypt_history turned on: sealed lines chain on from the plain ones
    raw = b"".join(p.read_bytes() for p in sealed.files())
    assert b"question 005" not in raw and b"sillok-fernet1:" in raw
    assert len(sealed.files()) >= 2
    memory_keyring.store.clear()  # the verifier needs no key
    v = verify(AuditLog(tmp_path, box=Box(False), keep=20))
    assert v.ok and v.lines == 14 and v.head_seq == 14
    path = sealed.path
    lines = _lines(path)
    obj = json.loads(lines[-2])
    token = obj["sealed"]
    lines[-2] = lines[-2].replace(token, token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:])
    _write(path, lines)
    assert verify(AuditLog(tmp_path, keep=20)).problem.startswith(f"audit.jsonl line {len(lines) - 1} was edited")
    assert _cli(tmp_path, "verify") == 1
    capsys.readouterr()


def test_head_anchor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = AuditLog(tmp_path)
    _fill(log, 5)
    head = verify(log).head
    _fill(log, 2, start=5)
    assert _cli(tmp_path, "verify", "--head", head) == 0
    lines = _lines(log.path)
    _write(log.path, lines[:3])  # cut back past the anchor: the remaining chain is intact, the anchor gone
    assert verify(log).ok
    assert _cli(tmp_path, "verify", "--head", head, "--json") == 1
    out = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert out["ok"] is False and head in out["problem"]


def _writer(home: str, n: int, tag: str) -> None:
    log = AuditLog(home)
    for i in range(n):
        log.append("ask", "default", question=f"{tag} {i}", documents=[], found=False)


def test_processes_writing_at_once_keep_one_chain(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), 40, f"p{k}")) for k in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    log = AuditLog(tmp_path)
    v = verify(log)
    assert v.ok and v.lines == 120 and [e["seq"] for e in log.read()] == list(range(1, 121))


def test_identifiers_are_masked_in_audit_lines(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    log.append("ask", "default", question="환자 850314-1234567 의 연락처 010-1234-5678 은?", documents=[],
               found=False)
    raw = log.path.read_text(encoding="utf-8")
    assert "850314-1234567" not in raw and "010-1234-5678" not in raw
    assert "850314-1******" in raw and "010-****-5678" in raw
    assert verify(log).ok


def test_export_for_an_inspector(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = AuditLog(tmp_path)
    log.append("ingest", "clinic", documents=["/docs/note.hwp"], pages=[], failed=[{"source": "/docs/x.pdf",
                                                                                      "reason": "needs OCR"}])
    log.append("ask", "clinic", question="김민지 환자의 진단은?", documents=["/docs/note.hwp"], pages=[[1]],
               shown=["/docs/note.hwp", "/docs/b.pdf"], shown_pages=[[1], [2, 3]], found=True,
               model="default (smollm2.gguf)", conversation_id="c1")
    log.append("reveal", "clinic", documents=["/docs/note.hwp"], pages=[[1]], chunk_ids=["d-00001"],
               how="passage")
    log.append("remove", "clinic", documents=["/docs/b.pdf"], removed=1)
    head = verify(log).head
    out = tmp_path / "inspect.csv"
    assert _cli(tmp_path, "export", "--since", "2020-01-01", "--format", "csv", "-o", str(out)) == 0
    assert head in capsys.readouterr().err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["event"] for r in rows] == ["ingest", "ask", "reveal", "remove", "chain_head"]
    ingest, ask, reveal, remove, anchor = rows
    assert ingest["added"] == "/docs/note.hwp" and "needs OCR" in ingest["failed"]
    assert ask["question"] == "김민지 환자의 진단은?" and ask["documents"] == "/docs/note.hwp (p. 1)"
    assert ask["shown"] == "/docs/note.hwp (p. 1); /docs/b.pdf (p. 2, 3)" and ask["user"]
    assert reveal["revealed"] == "/docs/note.hwp (p. 1)" and remove["removed"] == "/docs/b.pdf"
    assert anchor["hash"] == head == remove["hash"] and "intact" in anchor["question"]
    assert _cli(tmp_path, "export", "--format", "jsonl", "--event", "reveal") == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x.get("event") for x in lines[:-1]] == ["reveal"]
    assert lines[-1]["chain_head"] == head and lines[-1]["verified"] is True
    assert _cli(tmp_path, "list", "--event", "reveal") == 0
    assert "revealed identifiers (passage): note.hwp p. 1" in capsys.readouterr().out
