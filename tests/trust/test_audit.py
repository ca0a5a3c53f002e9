"""The audit log: one JSON line per ask/ingest/remove, fsynced, rotated, readable with `sillok audit`.

Real Sillok over two pubmedqa abstracts; one question the gate turns away (model not loaded) and one
real answer from the bundled SmolLM2.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from sillok.service.audit import NOT_LOGGED, AuditLog, record_answer
from tests.support.paths import shared_path

KEYS = {"time", "event", "collection", "question", "documents", "pages", "model", "found", "conversation_id"}
QUESTION = "Does the in-flight environment impair intubation by flight nurses?"
NOT_FOUND_Q = "화성 탐사선의 연료 효율은 얼마인가?"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    from sillok.service.facade import Sillok

    docs = [shared_path("eval", "pubmedqa", "docs", f"pmid-{p}.txt") for p in ("10135926", "10158597")]
    home = tmp_path_factory.mktemp("audit-home")
    svc = Sillok(home=home, top_k=2, max_answer_tokens=32)
    report = svc.ingest(docs)
    assert not report.failed
    missing = svc.ask(NOT_FOUND_Q)
    answer = svc.ask(QUESTION)
    removed = svc.remove(docs[1])
    return SimpleNamespace(svc=svc, home=home, docs=docs, missing=missing, answer=answer, removed=removed)


def _real(paths) -> list[str]:
    """Paths resolved (symbolic links followed): the log records the resolved path of each file, and
    ../shared may be reached through a link, so both sides of a comparison go through this."""
    return [str(Path(p).resolve()) for p in paths]


def _lines(home: Path) -> list[dict]:
    raw = (home / "audit" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in raw]


def test_every_event_is_one_line_with_the_promised_keys(run: SimpleNamespace) -> None:
    lines = _lines(run.home)
    assert [e["event"] for e in lines] == ["ingest", "ask", "ask", "remove"]
    for e in lines:
        assert KEYS - {"question"} <= set(e), e
        assert datetime.fromisoformat(e["time"].replace("Z", "+00:00")).tzinfo is not None
        assert e["collection"] == "default"
    ingest, missing, answered, removed = lines
    assert sorted(_real(ingest["documents"])) == sorted(_real(run.docs)) and ingest["failed"] == []
    assert missing == {**missing, "question": NOT_FOUND_Q, "found": False, "documents": [], "pages": [],
                       "conversation_id": run.missing.conversation_id}
    assert answered["question"] == QUESTION and answered["found"] is True
    assert answered["conversation_id"] == run.answer.conversation_id
    assert answered["model"].startswith("default (") and answered["model"].endswith(".gguf)")
    assert answered["shown"] and set(_real(answered["shown"])) <= set(_real(run.docs))
    assert answered["documents"] == list(dict.fromkeys(c.source for c in run.answer.citations))
    assert len(answered["pages"]) == len(answered["documents"])
    assert _real(removed["documents"]) == _real([run.docs[1]]) and removed["removed"] == run.removed == 1


def test_log_never_holds_document_or_answer_text(run: SimpleNamespace) -> None:
    raw = (run.home / "audit" / "audit.jsonl").read_text(encoding="utf-8")
    body = run.docs[0].read_text(encoding="utf-8")
    assert body[:60] not in raw and "25.9 +/- 10.9" not in raw
    if len(run.answer.text) > 20:
        assert run.answer.text not in raw


def test_log_file_is_private_and_fsynced_per_line(run: SimpleNamespace) -> None:
    path = run.home / "audit" / "audit.jsonl"
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().endswith(b"\n")


def test_read_since(run: SimpleNamespace) -> None:
    log = AuditLog(run.home)
    assert len(log.read()) == 4
    assert len(log.read(datetime.now(UTC) - timedelta(hours=1))) == 4
    assert log.read(datetime.now(UTC) + timedelta(minutes=1)) == []
    assert len(log.read(datetime.now() - timedelta(days=1))) == 4  # naive = local time


def test_cli_audit(run: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from sillok.app import cli, cli_audit

    extra = cli._extra_commands()
    if cli_audit.add_commands not in extra:
        monkeypatch.setattr(cli, "_extra_commands", lambda: [*extra, cli_audit.add_commands])
    today = datetime.now().date()
    assert cli.main(["audit", "--data-dir", str(run.home), "--json", "--since", today.isoformat()]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["event"] for e in out] == ["ingest", "ask", "ask", "remove"]
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert cli.main(["audit", "--data-dir", str(run.home), "--json", "--since", tomorrow]) == 0
    assert capsys.readouterr().out == ""
    assert cli.main(["audit", "--data-dir", str(run.home), "--event", "ask"]) == 0
    text = capsys.readouterr().out
    assert "not found" in text and "answered" in text and QUESTION in text
    assert cli.main(["audit", "--data-dir", str(run.home), "--since", "last tuesday"]) == 2


def test_since_filters_older_lines_and_skips_torn_ones(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    log.dir.mkdir(parents=True)
    old = {"time": "2020-01-02T03:04:05.000Z", "event": "ask", "collection": "default", "question": "old"}
    log.path.write_text(json.dumps(old) + "\n", encoding="utf-8")
    log.append("remove", "default", documents=["/x.pdf"], removed=1)
    with log.path.open("a", encoding="utf-8") as fh:
        fh.write('{"time": "2026-01-01T00:00:00Z", "event": "as')  # a crash mid-write
    assert [e["event"] for e in log.read()] == ["ask", "remove"]
    assert [e["event"] for e in log.read(datetime(2021, 1, 1, tzinfo=UTC))] == ["remove"]
    log.append("ingest", "default", documents=[])  # appending after a torn line still yields whole lines
    assert [e["event"] for e in log.read(datetime(2021, 1, 1, tzinfo=UTC))] == ["remove", "ingest"]


def test_rotation_keeps_the_newest_and_a_bounded_number_of_files(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, max_bytes=4000, keep=3)  # lines carry user, host and the chain (~330 bytes)
    for i in range(200):
        log.append("ask", "default", question=f"question number {i:03d} " + "x" * 80, documents=[], found=False)
    names = sorted(p.name for p in log.dir.iterdir() if p.name != ".lock")
    assert names == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2", "audit.jsonl.3"]
    assert all(p.stat().st_size <= 4000 for p in log.files())
    numbers = [int(e["question"].split()[2]) for e in log.read()]
    assert numbers == list(range(numbers[0], 200)) and 20 < len(numbers) < 200


def test_question_not_logged_when_setting_off(tmp_path: Path, run: SimpleNamespace) -> None:
    class Svc:  # what record_answer reads of a Sillok: its audit log and the answering model's name
        audit = AuditLog(tmp_path, log_questions=False)

        def model_label(self) -> str:
            return "/models/other.gguf"

    record_answer(Svc(), run.answer, "clinic")
    (entry,) = AuditLog(tmp_path).read()
    assert entry["question"] == NOT_LOGGED and QUESTION not in json.dumps(entry)
    assert entry["collection"] == "clinic" and entry["model"] == "/models/other.gguf"
    assert entry["documents"] == list(dict.fromkeys(c.source for c in run.answer.citations))


def test_setting_audit_questions_reaches_the_log(tmp_path: Path) -> None:
    from sillok.foundation.settings import Settings
    from sillok.service.facade import Sillok

    if "audit_questions" not in Settings.model_fields:
        pytest.skip("Settings has no audit_questions field yet (patch for core/settings.py in the trust report)")
    svc = Sillok(home=tmp_path, audit_questions=False)
    svc.create_collection("default")
    svc.ask(NOT_FOUND_Q)
    (entry,) = AuditLog(tmp_path).read()
    assert entry["question"] == NOT_LOGGED


def test_the_model_named_is_the_one_that_answered() -> None:
    from types import SimpleNamespace

    from sillok.service.backends import model_label

    office = SimpleNamespace(office_mode=True, llm_server_url="https://llm.office.lan:8443",
                             llm_server_model="qwen2.5-7b", llm_model="default")
    assert model_label(office) == "qwen2.5-7b (https://llm.office.lan:8443)"
    local = SimpleNamespace(office_mode=False, llm_server_url="", llm_model="/m/x.gguf")
    assert model_label(local) == "/m/x.gguf"
