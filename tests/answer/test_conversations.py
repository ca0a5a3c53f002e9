"""The conversations file: create, turns, rename, delete, and survival across instances."""

from __future__ import annotations

from pathlib import Path

import pytest

from sillok.foundation.errors import SillokError
from sillok.service.conversations import Conversations


def test_crud_and_reopen(tmp_path: Path) -> None:
    db = tmp_path / "conversations.db"
    c = Conversations(db)
    cid = c.create("laws", "")
    assert c.add_turn(cid, "연장근로 수당은?", "50% 가산 [1].", [{"n": 1, "source": "a.md"}]) == 0
    assert c.add_turn(cid, "야간근로는요?", "없음", found=False) == 1
    other = c.create("default", "second")
    c.close()

    again = Conversations(db)
    info = again.get(cid)
    assert (info.title, info.collection, info.turns) == ("연장근로 수당은?", "laws", 2)
    turns = again.turns(cid)
    assert [t.idx for t in turns] == [0, 1] and turns[0].citations == [{"n": 1, "source": "a.md"}]
    assert turns[1].found is False
    assert [i.id for i in again.list()] == [other, cid]  # most recently updated first
    again.add_turn(cid, "q", "a")
    assert again.list()[0].id == cid
    again.rename(cid, "수당")
    assert again.get(cid).title == "수당"
    again.delete(cid)
    assert [i.id for i in again.list()] == [other] and again.turns(cid) == []
    with pytest.raises(SillokError, match="no conversation"):
        again.add_turn(cid, "q", "a")
    with pytest.raises(SillokError, match="no conversation"):
        again.rename("nope", "x")
