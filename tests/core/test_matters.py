"""Collections keep matters apart: conversations follow a rename, go with a delete (or are kept under a
name no collection has, when asked), and the watched folders follow too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sillok.service.folders import FolderList
from sillok.service.matters import delete_collection, rename_collection


def _turn(svc, collection: str, text: str) -> str:
    convs = svc.conversations()
    cid = convs.create(collection)
    convs.add_turn(cid, f"question about {text}", f"answer quoting {text}")
    return cid


def test_rename_carries_conversations_and_folders(svc, tmp_path: Path) -> None:
    svc.create_collection("사건 A")
    cid = _turn(svc, "사건 A", "the lease")
    (tmp_path / "docs").mkdir()
    FolderList(svc.settings.home).add("사건 A", tmp_path / "docs")
    assert rename_collection(svc, "사건 A", "사건 A-2024") == 1
    assert svc.conversations().get(cid).collection == "사건 A-2024"
    names = [c.name for c in svc.collections()]
    assert "사건 A-2024" in names and "사건 A" not in names
    assert FolderList(svc.settings.home).folders("사건 A-2024") == [str((tmp_path / "docs").resolve())]


def test_delete_removes_the_conversations_from_disk(svc) -> None:
    svc.create_collection("matter-1")
    svc.create_collection("matter-2")
    _turn(svc, "matter-1", "SECRET-WORD-ALPHA")
    other = _turn(svc, "matter-2", "other matter")
    gone = delete_collection(svc, "matter-1")
    assert gone.conversations == 1 and gone.kept_as is None
    assert [c.collection for c in svc.conversations().list()] == ["matter-2"]
    assert svc.conversations().get(other)
    svc.conversations().close()
    raw = b"".join(p.read_bytes() for p in Path(svc.settings.home).glob("conversations.db*"))
    assert b"SECRET-WORD-ALPHA" not in raw  # secure_delete + checkpoint: not left in free pages
    assert "matter-1" not in [c.name for c in svc.collections()]


def test_delete_can_keep_conversations_apart_from_every_collection(svc) -> None:
    svc.create_collection("matter-1")
    cid = _turn(svc, "matter-1", "kept")
    kept = delete_collection(svc, "matter-1", keep_conversations=True)
    assert kept.conversations == 1 and kept.kept_as.startswith("matter-1 (deleted ")
    assert svc.conversations().get(cid).collection == kept.kept_as
    svc.create_collection("matter-1")  # a new matter of the same name does not inherit them
    assert svc.conversations().count("matter-1") == 0
    assert sqlite3.connect(Path(svc.settings.home) / "conversations.db").execute(
        "SELECT COUNT(*) FROM turns").fetchone()[0] == 1
