"""Conversations and their turns, kept in their own SQLite file (`<home>/conversations.db`).

Why a separate file from the index database: the index can be rebuilt or deleted (re-embed, a new
collection) without losing anyone's conversations, and a chat write never waits on an ingest.

Answers quote documents (each citation keeps the quoted span), so this file is a cache of document
text: removing a document calls `scrub_removed`, which replaces the quotes of citations pointing at it
with "[document removed]" (source, page and article stay, like the audit log's metadata) and blanks
answer sentences copied verbatim from it; `secure_delete` and a WAL checkpoint take the old bytes off
the disk. With `encrypt_history` on (sillok.foundation.atrest) titles, questions, answers and citations are sealed;
plain and sealed rows read back side by side. Identifiers (sillok.foundation.identifiers) are masked in
titles, questions, answers and quotes before they are written, whichever path wrote the turn.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sillok.foundation.atrest import Box, is_sealed
from sillok.foundation.errors import SillokError
from sillok.foundation.identifiers import Masker

REMOVED = "[document removed]"

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

    def __init__(self, path: str | Path, box: Box | None = None, masker: Masker | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # No box given: read sealed turns (key from the OS keyring) but seal nothing new; no masker given:
        # the built-in identifier patterns.
        self.box = box if box is not None else Box(False)
        self.masker = masker if masker is not None else Masker()
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA secure_delete=ON")  # scrubbed quotes must not stay in free space
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as e:
            raise SillokError(f"conversation file {self.path} is unreadable ({e}); move it away to start afresh") from None

    def _q(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def create(self, collection: str = "default", title: str = "") -> str:
        cid, now = uuid.uuid4().hex, time.time()
        title = self.masker.mask(title.strip()[:200])
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
        question, answer = self.masker.mask(question), self.masker.mask(answer)
        citations = [dict(c, quote=self.masker.mask(c["quote"])) if isinstance(c.get("quote"), str) else c
                     for c in citations or []]
        payload = seal(json.dumps(citations, ensure_ascii=False))
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
        title = self.masker.mask(title.strip()[:200])
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

    # -- collections ---------------------------------------------------------------------------
    def count(self, collection: str) -> int:
        return int(self._q("SELECT COUNT(*) FROM conversations WHERE collection = ?", (collection,))[0][0])

    def rename_collection(self, old: str, new: str) -> int:
        """Conversations follow their collection's new name; returns how many moved."""
        with self._lock:
            return self._db.execute("UPDATE conversations SET collection = ? WHERE collection = ?", (new, old)).rowcount

    def delete_collection(self, collection: str) -> int:
        """Delete every conversation of ``collection`` (turns first), then take the freed pages off the
        disk (secure_delete is on; the WAL is checkpointed). Returns how many were deleted."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM turns WHERE conversation_id IN (SELECT id FROM conversations WHERE "
                           "collection = ?)", (collection,))
                n = db.execute("DELETE FROM conversations WHERE collection = ?", (collection,)).rowcount
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(n)

    def _info(self, r: sqlite3.Row) -> ConversationInfo:
        return ConversationInfo(r["id"], self.box.open(r["title"]), r["collection"], r["created"], r["updated"],
                                r["n"])

    # -- removal -------------------------------------------------------------------------------
    def cited_sources(self, collection: str) -> set[str]:
        """Every source path cited by a turn of this collection's conversations."""
        out: set[str] = set()
        for _key, _answer, cits in self._collection_turns(collection):
            out.update(str(c.get("source")) for c in cits if isinstance(c, dict) and c.get("source"))
        return out

    def scrub_sources(self, collection: str, sources: Iterable[str], texts: Sequence[str] = ()) -> int:
        """Take removed documents' text out of this collection's turns; returns the turns changed.

        Each citation of a removed source keeps n, source, page, article and chunk_id, gets
        `quote = "[document removed]"` and `removed = True`. Answer sentences found verbatim in `texts`
        (the removed documents' chunk texts) become "[document removed]"; paraphrases cannot be found
        this way and stay. Then the WAL is checkpointed so the old pages leave `conversations.db-wal`.
        """
        gone = set(sources)
        if not gone:
            return 0
        # Answers were kept masked: match their sentences against the masked texts too.
        haystack = _norm(" ".join([*texts, *(self.masker.mask(t) for t in texts if self.masker.holds_identifiers(t))]))
        changed = 0
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                rows = db.execute(
                    "SELECT t.conversation_id, t.idx, t.answer, t.citations FROM turns t JOIN conversations c"
                    " ON c.id = t.conversation_id WHERE c.collection = ?", (collection,)).fetchall()
                for r in rows:
                    cits = json.loads(self.box.open(r["citations"]))
                    hit = [c for c in cits if isinstance(c, dict) and c.get("source") in gone]
                    if not hit:
                        continue
                    for c in hit:
                        c["quote"], c["removed"] = REMOVED, True
                    answer = self.box.open(r["answer"])
                    cleaned = _strip_verbatim(answer, haystack) if haystack else answer
                    new_cits = json.dumps(cits, ensure_ascii=False)
                    if new_cits == self.box.open(r["citations"]) and cleaned == answer:
                        continue
                    db.execute("UPDATE turns SET answer = ?, citations = ? WHERE conversation_id = ? AND idx = ?",
                               (self._reseal(r["answer"], cleaned), self._reseal(r["citations"], new_cits),
                                r["conversation_id"], r["idx"]))
                    changed += 1
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            if changed:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return changed

    def _reseal(self, original: str, text: str) -> str:
        """Sealed stays sealed (even with the option now off); plain is sealed when the option is on."""
        return self.box.seal(text, force=is_sealed(original))

    def _collection_turns(self, collection: str) -> list[tuple[tuple[str, int], str, list[Any]]]:
        rows = self._q("SELECT t.conversation_id, t.idx, t.answer, t.citations FROM turns t JOIN conversations c"
                       " ON c.id = t.conversation_id WHERE c.collection = ?", (collection,))
        return [((r["conversation_id"], r["idx"]), r["answer"], json.loads(self.box.open(r["citations"])))
                for r in rows]


_SENTENCE = re.compile(r"[^\n]+?(?:[.!?。](?=\s|$)|\n|$)")
_CITE = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
MIN_VERBATIM = 20  # characters: shorter sentences ("Yes [1].") say nothing of the document


def _norm(text: str) -> str:
    return " ".join(text.split())


def _strip_verbatim(answer: str, haystack: str) -> str:
    """Replace each answer sentence that occurs word for word in `haystack` by REMOVED."""
    out, last = [], 0
    for m in _SENTENCE.finditer(answer):
        sentence = _norm(_CITE.sub("", m.group(0))).rstrip(".!?。 ")
        if len(sentence) >= MIN_VERBATIM and sentence in haystack:
            out.append(answer[last:m.start()])
            lead = m.group(0)[: len(m.group(0)) - len(m.group(0).lstrip())]
            out.append(lead + REMOVED + ("\n" if m.group(0).endswith("\n") else ""))
            last = m.end()
    out.append(answer[last:])
    return "".join(out)


def scrub_removed(convs: Conversations, collection: str, sources: Sequence[str], texts: Sequence[str]) -> int:
    """Before `sources` leave the index: scrub them from the conversations of `collection` (see
    `Conversations.scrub_sources`); `texts` are their chunk texts, to match answer sentences against.
    The facade runs this first, while those texts are still there; a kill after it leaves the documents
    in place and the next `remove` repeats it."""
    cited = convs.cited_sources(collection) & set(sources)
    if not cited:
        return 0
    return convs.scrub_sources(collection, cited, list(texts))
