"""`encrypt_history`: conversations and audit lines sealed on disk (Fernet, key in the OS keyring).

The OS keyring cannot run headless here, so the keyring is an in-memory backend set with
`keyring.set_keyring` (the one fake; everything else is real: Sillok, SQLite, the audit log, the CLI's
`audit` command, `Sillok.ask` through its not-found path, which writes a turn and an audit line without
loading the model). The marker question must not appear in any byte under the data folder, yet the
conversations API and `sillok audit` return it; records written before the option was turned on stay
readable beside sealed ones, and turning it off again keeps sealed ones readable.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from sillok.foundation import atrest
from sillok.foundation.errors import SillokError
from sillok.service.audit import AuditLog
from tests.support.keyring_memory import MemoryKeyring, memory_keyring

MARKER_Q = "환자 ZEBRAQUARTZ-5678 의 화성 탐사선 연료 효율은?"  # nothing in the collection: "not found"
PLAIN_Q = "PLAINQUESTION-0001 화성 탐사선 궤도는?"


@pytest.fixture(name="memory_keyring")
def memory_keyring_fixture() -> Iterator[MemoryKeyring]:
    with memory_keyring() as mem:
        yield mem


def _on_disk(home: Path, text: str) -> list[str]:
    needle = text.encode()
    return [str(p.relative_to(home)) for p in sorted(home.rglob("*")) if p.is_file() and needle in p.read_bytes()]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "contract.md").write_text("# 용역 계약서\n\n" + "제1조(목적) 이 계약은 용역의 범위를 정한다. " * 20,
                                      encoding="utf-8")
    home = tmp_path / "home"
    from sillok.service.facade import Sillok

    assert not Sillok(home=home).ingest([docs]).failed
    return home


def test_sealed_on_disk_yet_readable_mixed_with_plain(home: Path, memory_keyring: MemoryKeyring,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from sillok.app.cli import main
    from sillok.service.facade import Sillok

    plain = Sillok(home=home)
    first = plain.ask(PLAIN_Q)  # before the option: a plain turn and a plain audit line
    assert not first.found
    assert _on_disk(home, "PLAINQUESTION-0001")

    svc = Sillok(home=home, encrypt_history=True)
    assert memory_keyring.store[(atrest.SERVICE, atrest.ACCOUNT)]  # the key went to the keyring
    answer = svc.ask(MARKER_Q)
    follow = svc.ask(MARKER_Q + " 다시", conversation_id=answer.conversation_id)
    assert not answer.found and follow.conversation_id == answer.conversation_id

    # On disk: not the question, not the title made from it — in no file, WAL included.
    assert _on_disk(home, "ZEBRAQUARTZ") == []
    assert _on_disk(home, "화성 탐사선 연료") == []
    assert "conversations.db" in " ".join(_on_disk(home, atrest.PREFIX))
    assert "audit/audit.jsonl" in _on_disk(home, atrest.PREFIX)
    assert _on_disk(home, "PLAINQUESTION-0001")  # older plain records are left as they were

    # Through the API: both, plain and sealed.
    convs = svc.conversations()
    info = convs.get(answer.conversation_id)
    assert info.title.startswith("환자 ZEBRAQUARTZ-5678") and info.turns == 2
    assert [t.question for t in convs.turns(answer.conversation_id)] == [MARKER_Q, MARKER_Q + " 다시"]
    assert {i.title for i in convs.list()} >= {info.title, " ".join(PLAIN_Q.split())[:60]}

    # `sillok audit` decrypts transparently (and a log opened without the option reads it too).
    assert main(["audit", "--data-dir", str(home), "--event", "ask", "--json"]) == 0
    asked = [json.loads(line)["question"] for line in capsys.readouterr().out.splitlines()]
    assert asked == [PLAIN_Q, MARKER_Q, MARKER_Q + " 다시"]
    assert [e["question"] for e in AuditLog(home, box=atrest.Box(False)).read() if e["event"] == "ask"] == asked
    assert main(["audit", "--data-dir", str(home)]) == 0
    assert "ZEBRAQUARTZ-5678" in capsys.readouterr().out

    # Turned off again: sealed records still read; new ones are plain.
    off = Sillok(home=home)
    assert [t.question for t in off.conversations().turns(answer.conversation_id)][0] == MARKER_Q
    off.ask("OFFAGAIN-0002 화성 궤도?")
    assert _on_disk(home, "OFFAGAIN-0002")


def test_refused_without_an_os_keyring(home: Path) -> None:
    from sillok.service.facade import Sillok

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(SillokError, match="no OS keyring"):
            Sillok(home=home, encrypt_history=True)
        # Reading a sealed record without the keyring says why instead of showing ciphertext.
        with pytest.raises(SillokError, match="encrypted"):
            atrest.Box(False).open(atrest.PREFIX + "gAAAA")
    finally:
        keyring.set_keyring(previous)
    assert not (home / "conversations.db").exists()


def test_a_key_from_elsewhere_is_refused_clearly(memory_keyring: MemoryKeyring) -> None:
    sealed = atrest.Box(True).seal("비밀 질문")
    assert sealed.startswith(atrest.PREFIX) and "비밀" not in sealed
    assert atrest.Box(False).open(sealed) == "비밀 질문"
    assert atrest.Box(False).open("plain text") == "plain text"
    memory_keyring.store.clear()
    memory_keyring.set_password(atrest.SERVICE, atrest.ACCOUNT, "x" * 43 + "=")
    with pytest.raises(SillokError):
        atrest.Box(False).open(sealed)


def test_scrub_rewrites_sealed_rows_sealed(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    from sillok.service.conversations import REMOVED, Conversations

    c = Conversations(tmp_path / "conversations.db", atrest.Box(True))
    cid = c.create("default")
    c.add_turn(cid, "q", "answer [1]", [{"n": 1, "source": "/d/x.md", "page": 3, "quote": "QUOTEDTEXT-42"}])
    c.close()
    off = Conversations(tmp_path / "conversations.db", atrest.Box(False))  # option since turned off
    assert off.scrub_sources("default", ["/d/x.md"]) == 1
    (turn,) = off.turns(cid)
    assert turn.citations[0]["quote"] == REMOVED and turn.citations[0]["page"] == 3
    raw = off._db.execute("SELECT citations FROM turns").fetchone()[0]
    assert atrest.is_sealed(raw)  # stays sealed although new writes would be plain
    off.close()
    assert _on_disk(tmp_path, "QUOTEDTEXT-42") == [] and _on_disk(tmp_path, "page") == []
