"""Removing a document also takes its text out of the conversations that quoted it.

An answer's citations keep the quoted span, so `conversations.db` is a cache of document text. Real
Sillok, real Chroma and embedding model; the turn is written through the real conversations API with
a citation quoting a marker that exists only in the removed document (and an answer sentence copied
from it). After `remove` the marker must be gone from every byte under the data folder — SQLite file
and WAL included — while the service is still open and after it is closed; the citation keeps its
source and page. The audit log holds metadata only: the file name, never the quote.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from sillok.service.conversations import REMOVED
from tests.support.erasure import MARKER, holding, marked_docs

QUOTE = f"식별자 {MARKER} 는 이 문서에만 있다."


def _turn(svc, chart: Path, keep: Path) -> str:
    convs = svc.conversations()
    cid = convs.create("default")
    answer = f"{QUOTE[:-1]} [1]. 계약의 목적은 용역 범위를 정하는 것이다 [2]."
    convs.add_turn(cid, "환자 식별자가 무엇인가?", answer, [
        {"n": 1, "source": str(chart), "page": 1, "article": None, "quote": QUOTE,
         "chunk_id": "x-00001", "start": 0, "end": len(QUOTE)},
        {"n": 2, "source": str(keep), "page": 1, "article": "제1조(목적)", "quote": "이 계약은 용역의 범위를 정한다.",
         "chunk_id": "y-00000", "start": 0, "end": 16},
    ])
    return cid


@pytest.mark.parametrize("own_connection", [False, True], ids=["shared-connection", "own-connection"])
def test_remove_scrubs_quotes_from_conversations(tmp_path: Path, own_connection: bool,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from sillok.service.facade import Sillok

    home, chart, keep = marked_docs(tmp_path)
    svc = Sillok(home=home)
    assert not svc.ingest([chart, keep]).failed
    cid = _turn(svc, chart, keep)
    assert "conversations.db" in " ".join(holding(home, MARKER.encode()))
    if own_connection:  # a CLI `sillok remove` never imports the answering side: scrub opens the file itself
        monkeypatch.delitem(sys.modules, "sillok.service.answering")
    assert svc.remove(chart) == 1
    monkeypatch.undo()

    (turn,) = svc.conversations().turns(cid)
    gone, kept = turn.citations
    assert gone["quote"] == REMOVED and gone["removed"] is True
    assert (gone["source"], gone["page"], gone["n"]) == (str(chart), 1, 1)  # metadata stays
    assert kept["quote"] == "이 계약은 용역의 범위를 정한다." and "removed" not in kept
    assert turn.answer.startswith(REMOVED) and "계약의 목적은 용역 범위를 정하는 것이다 [2]." in turn.answer
    assert holding(home, MARKER.encode()) == []  # while open: sillok.db-wal and conversations.db-wal
    audit = (home / "audit" / "audit.jsonl").read_bytes()
    assert b"chart-0001.md" in audit and MARKER.encode() not in audit and QUOTE.encode() not in audit
    del svc, turn
    gc.collect()
    assert holding(home, MARKER.encode()) == []
    assert holding(home, MARKER.encode(), skip_audit=False) == []


def test_scrub_is_idempotent_and_leaves_other_collections(tmp_path: Path) -> None:
    from sillok.service.conversations import Conversations

    c = Conversations(tmp_path / "conversations.db")
    a, b = c.create("default"), c.create("other")
    cits = [{"n": 1, "source": "/d/x.md", "page": 2, "quote": "secret clinical text here"}]
    c.add_turn(a, "q", "The patient has secret clinical text here [1].", cits)
    c.add_turn(b, "q", "same [1]", cits)
    assert c.cited_sources("default") == {"/d/x.md"}
    assert c.scrub_sources("default", ["/d/x.md"], ["The patient has secret clinical text here."]) == 1
    assert c.scrub_sources("default", ["/d/x.md"], ["The patient has secret clinical text here."]) == 0
    assert c.turns(a)[0].answer == REMOVED and c.turns(a)[0].citations[0]["page"] == 2
    assert c.turns(b)[0].citations[0]["quote"] == "secret clinical text here"  # another collection's index
