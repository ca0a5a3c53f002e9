"""Conversations and their turns, kept in their own SQLite file (`<home>/conversations.db`).

Why a separate file from the index database: the index can be rebuilt or deleted (re-embed, a new
collection) without losing anyone's conversations, and a chat write never waits on an ingest.

With `encrypt_history` on (core.atrest) titles, questions, answers and citations are sealed; plain and
sealed rows read back side by side.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.atrest import Box, box_for
from core.errors import SillokError

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, collection TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]', created REAL NOT NULL,
    found INTEGER NOT NULL DEFAULT 1, cancelled INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, idx));
"""


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    title: str
    collection: str
    created: float
    updated: float
    turns: int = 0


@dataclass(frozen=True)
class Turn:
    idx: int
    question: str
    answer: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    created: float = 0.0
    found: bool = True
    cancelled: bool = False


class Conversations:
    """CRUD over the conversations file; one connection guarded by a lock (any thread may call)."""

    def __init__(self, path: str | Path, box: Box | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # No box given (core.answering opens by path): the one core.service registered for the folder.
        self.box = box if box is not None else box_for(self.path.parent)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as e:
            raise SillokError(f"conversation file {self.path} is unreadable ({e}); move it away to start afresh") from None

    def _q(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def create(self, collection: str = "default", title: str = "") -> str:
        cid, now = uuid.uuid4().hex, time.time()
        title = title.strip()[:200]
        self._q("INSERT INTO conversations VALUES (?,?,?,?,?)",
                (cid, self.box.seal(title) if title else "", collection, now, now))
        return cid

    def get(self, conversation_id: str) -> ConversationInfo:
        rows = self._q("SELECT c.*, (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS n "
                       "FROM conversations c WHERE c.id = ?", (conversation_id,))
        if not rows:
            raise SillokError(f"no conversation with id {conversation_id!r}; `sillok chat` starts a new one")
        return self._info(rows[0])

    def list(self) -> list[ConversationInfo]:
        """Most recently updated first."""
        rows = self._q("SELECT c.*, (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS n "
                       "FROM conversations c ORDER BY c.updated DESC, c.created DESC")
        return [self._info(r) for r in rows]

    def turns(self, conversation_id: str) -> list[Turn]:
        rows = self._q("SELECT * FROM turns WHERE conversation_id = ? ORDER BY idx", (conversation_id,))
        o = self.box.open
        return [Turn(r["idx"], o(r["question"]), o(r["answer"]), json.loads(o(r["citations"])), r["created"],
                     bool(r["found"]), bool(r["cancelled"])) for r in rows]

    def add_turn(self, conversation_id: str, question: str, answer: str,
                 citations: list[dict[str, Any]] | None = None, *, found: bool = True,
                 cancelled: bool = False) -> int:
        """Append a turn and return its index; the first question also titles an untitled conversation."""
        now = time.time()
        seal = self.box.seal
        payload = seal(json.dumps(citations or [], ensure_ascii=False))
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT title FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
                if row is None:
                    raise SillokError(f"no conversation with id {conversation_id!r}")
                idx = db.execute("SELECT COALESCE(MAX(idx) + 1, 0) FROM turns WHERE conversation_id = ?",
                                 (conversation_id,)).fetchone()[0]
                db.execute("INSERT INTO turns VALUES (?,?,?,?,?,?,?,?)",
                           (conversation_id, idx, seal(question), seal(answer), payload, now, int(found),
                            int(cancelled)))
                title = row["title"] or seal(" ".join(question.split())[:60])
                db.execute("UPDATE conversations SET updated = ?, title = ? WHERE id = ?", (now, title, conversation_id))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return int(idx)

    def rename(self, conversation_id: str, title: str) -> None:
        self.get(conversation_id)
        title = title.strip()[:200]
        self._q("UPDATE conversations SET title = ?, updated = ? WHERE id = ?",
                (self.box.seal(title) if title else "", time.time(), conversation_id))

    def delete(self, conversation_id: str) -> None:
        self.get(conversation_id)
        with self._lock:
            self._db.execute("DELETE FROM turns WHERE conversation_id = ?", (conversation_id,))
            self._db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _info(self, r: sqlite3.Row) -> ConversationInfo:
        return ConversationInfo(r["id"], self.box.open(r["title"]), r["collection"], r["created"], r["updated"],
                                r["n"])
