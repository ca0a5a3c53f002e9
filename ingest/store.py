"""The manifest, chunk store and keyword index: one SQLite file under the data folder.

Why one SQLite file: the manifest (which files are indexed, at which content hash, in which state), the
chunk texts and the FTS5 keyword index change together in one transaction, so they can never disagree.
A new document version is written `committed` in one transaction that also drops the old version's rows
(so it is searchable by keyword at once). Chroma (the dense side) follows: each chunk row records in
`vkey` which vector set holds its vector ('' = none yet), so vectors can be made later, in the
background, and a kill loses nothing (the next pass embeds whatever `vkey` says is missing). Vectors of
dropped versions are listed as unfinished `drop-vectors:<doc_id>` tasks in the same transaction and
deleted from Chroma after it (sillok.ingest.local_index). `pending`/`deleting` rows, written by earlier
versions of Sillok, are rolled back / finished on the next start.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sillok.foundation.errors import SillokError
from sillok.foundation.types import Chunk

SCHEMA = """
CREATE TABLE IF NOT EXISTS collections (
    id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, created REAL NOT NULL,
    embedding_key TEXT NOT NULL DEFAULT '', embedding_model TEXT NOT NULL DEFAULT '',
    embedding_spec TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS documents (
    collection_id INTEGER NOT NULL, doc_id TEXT NOT NULL, source TEXT NOT NULL, sha256 TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    format TEXT NOT NULL DEFAULT '', pages INTEGER NOT NULL DEFAULT 0, chunks INTEGER NOT NULL DEFAULT 0,
    added REAL NOT NULL, PRIMARY KEY (collection_id, doc_id));
CREATE INDEX IF NOT EXISTS documents_source ON documents (collection_id, source);
CREATE TABLE IF NOT EXISTS failures (
    collection_id INTEGER NOT NULL, source TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL,
    at REAL NOT NULL, PRIMARY KEY (collection_id, source));
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY, collection_id INTEGER NOT NULL, chunk_id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL, ordinal INTEGER NOT NULL, source TEXT NOT NULL, page INTEGER,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, heading TEXT NOT NULL, article TEXT,
    title TEXT NOT NULL, text TEXT NOT NULL, vkey TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (collection_id, doc_id, ordinal);
CREATE TABLE IF NOT EXISTS doc_names (
    collection_id INTEGER NOT NULL, doc_id TEXT NOT NULL, name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS doc_names_doc ON doc_names (collection_id, doc_id);
CREATE TABLE IF NOT EXISTS unfinished (
    collection_id INTEGER NOT NULL, task TEXT NOT NULL, PRIMARY KEY (collection_id, task));
"""

# Work that must be finished after a kill (recorded durably before it starts; cleared when done).
SCRUB, DROP_STALE_VECTORS, DROP_VECTORS = "scrub", "drop-stale-vectors", "drop-vectors:"

# Committed states: what search may return. Others are mid-flight and are cleaned up on start.
PENDING, COMMITTED, DELETING = "pending", "committed", "deleting"


@dataclass(frozen=True)
class DocRow:
    collection_id: int
    doc_id: str
    source: str
    sha256: str
    size: int
    state: str
    title: str
    format: str
    pages: int
    chunks: int
    added: float


class Store:
    """Thread-safe wrapper around one SQLite connection (WAL, one writer at a time)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        try:
            self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            # Removed documents must not linger in free pages (patient/client text).
            self.db.execute("PRAGMA secure_delete=ON")
            self.db.executescript(SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise SillokError(f"index database {path} is damaged or not a database ({exc})") from exc

    def _migrate(self) -> None:
        """Folders written before chunks had `vkey`: their committed chunks all had a vector in the
        collection's current set (that was the old protocol), so they are marked as holding it."""
        if "embedding_spec" not in {r[1] for r in self.db.execute("PRAGMA table_info(collections)")}:
            self.db.execute("ALTER TABLE collections ADD COLUMN embedding_spec TEXT NOT NULL DEFAULT ''")
        cols = {r[1] for r in self.db.execute("PRAGMA table_info(chunks)")}
        if "vkey" in cols:
            self.db.execute("CREATE INDEX IF NOT EXISTS chunks_vkey ON chunks (collection_id, vkey)")
        else:
            with self.tx():
                self.db.execute("ALTER TABLE chunks ADD COLUMN vkey TEXT NOT NULL DEFAULT ''")
                self.db.execute("UPDATE chunks SET vkey = (SELECT embedding_key FROM collections c"
                                " WHERE c.id = chunks.collection_id)")
                self.db.execute("CREATE INDEX IF NOT EXISTS chunks_vkey ON chunks (collection_id, vkey)")

    # -- transactions ---------------------------------------------------------------------------
    def tx(self) -> _Tx:
        return _Tx(self)

    # -- collections ----------------------------------------------------------------------------
    def collection_id(self, name: str, create: bool = True) -> int | None:
        with self._lock:
            row = self.db.execute("SELECT id FROM collections WHERE name=?", (name,)).fetchone()
            if row:
                return int(row[0])
            if not create:
                return None
            # One transaction: a kill between the two statements used to leave a collection without
            # its keyword table, and every later ingest into it failed with "no such table".
            with self.tx():
                cur = self.db.execute("INSERT INTO collections(name, created) VALUES (?, ?)", (name, time.time()))
                cid = int(cur.lastrowid or 0)
                self.db.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS fts_{cid} USING fts5(terms, tokenize='porter unicode61')"
                )
            return cid

    def collections(self) -> list[tuple[int, str, str, str]]:
        with self._lock:
            rows = self.db.execute("SELECT id, name, embedding_key, embedding_model FROM collections ORDER BY name")
            return [(int(r[0]), r[1], r[2], r[3]) for r in rows]

    def embedding_key(self, cid: int) -> str | None:
        """The key of the vectors this collection holds ('' before its first vectors; None: no collection)."""
        with self._lock:
            row = self.db.execute("SELECT embedding_key FROM collections WHERE id=?", (cid,)).fetchone()
        return None if row is None else str(row[0])

    def set_embedding(self, cid: int, key: str, model: str, spec: str = "") -> None:
        """Record the vector set the collection searches (`spec`: how to rebuild its embedder, JSON)."""
        with self._lock:
            self.db.execute("UPDATE collections SET embedding_key=?, embedding_model=?, embedding_spec=? WHERE id=?",
                            (key, model, spec, cid))

    def embedding(self, cid: int) -> tuple[str, str, str]:
        """(key, model name, spec JSON) of the collection's complete vector set ('' parts before any)."""
        with self._lock:
            row = self.db.execute("SELECT embedding_key, embedding_model, embedding_spec FROM collections"
                                  " WHERE id=?", (cid,)).fetchone()
        return (str(row[0]), str(row[1]), str(row[2])) if row else ("", "", "")

    def rename_collection(self, old: str, new: str) -> None:
        with self._lock:
            if self.collection_id(new, create=False) is not None:
                raise SillokError(f"a collection named {new!r} already exists")
            self.db.execute("UPDATE collections SET name=? WHERE name=?", (new, old))

    def drop_collection(self, cid: int) -> None:
        with self.tx():
            for table in ("documents", "failures", "chunks", "doc_names", "unfinished"):
                self.db.execute(f"DELETE FROM {table} WHERE collection_id=?", (cid,))
            self.db.execute(f"DROP TABLE IF EXISTS fts_{cid}")
            self.db.execute("DELETE FROM collections WHERE id=?", (cid,))

    # -- documents ------------------------------------------------------------------------------
    def documents(self, cid: int, source: str | None = None, state: str | None = None) -> list[DocRow]:
        sql, args = "SELECT * FROM documents WHERE collection_id=?", [cid]
        if source is not None:
            sql += " AND source=?"
            args.append(source)
        if state is not None:
            sql += " AND state=?"
            args.append(state)
        with self._lock:
            return [DocRow(*r) for r in self.db.execute(sql + " ORDER BY source", args)]

    def doc_ids_for(self, cid: int, sources: Sequence[str]) -> list[str]:
        """Committed doc_ids of these source paths (the dense index filters by doc_id, not by path)."""
        with self._lock:
            marks = ",".join("?" * len(sources))
            rows = self.db.execute(
                f"SELECT doc_id FROM documents WHERE collection_id=? AND state=? AND source IN ({marks})",
                [cid, COMMITTED, *sources],
            )
            return [r[0] for r in rows]

    def failures(self, cid: int) -> list[tuple[str, str, str, float]]:
        with self._lock:
            rows = self.db.execute("SELECT source, status, reason, at FROM failures WHERE collection_id=?", (cid,))
            return [tuple(r) for r in rows]  # type: ignore[misc]

    def record_failure(self, cid: int, source: str, status: str, reason: str) -> None:
        with self._lock:
            self.db.execute(
                "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?)", (cid, source, status, reason, time.time())
            )

    def clear_failure(self, cid: int, source: str) -> None:
        with self._lock:
            self.db.execute("DELETE FROM failures WHERE collection_id=? AND source=?", (cid, source))

    def add_document(self, cid: int, doc: DocRow, chunks: Sequence[Chunk], terms: Sequence[str],
                     names: Sequence[str] = ()) -> list[int]:
        """Write a document (in `doc.state`) with its chunks, keyword terms and names; returns the chunk
        rowids. Its chunks hold no vector yet (`vkey` '')."""
        rowids: list[int] = []
        with self._lock:
            self.db.executemany("INSERT INTO doc_names VALUES (?, ?, ?)", [(cid, doc.doc_id, n) for n in names])
            self.db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (cid, doc.doc_id, doc.source, doc.sha256, doc.size, doc.state, doc.title, doc.format,
                 doc.pages, len(chunks), doc.added),
            )
            for c, t in zip(chunks, terms, strict=True):
                cur = self.db.execute(
                    'INSERT INTO chunks(collection_id, chunk_id, doc_id, ordinal, source, page, start, "end",'
                    " heading, article, title, text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (cid, c.chunk_id, c.doc_id, c.ordinal, c.source, c.page, c.start, c.end, c.heading,
                     c.article, c.title, c.text),
                )
                rowid = int(cur.lastrowid or 0)
                rowids.append(rowid)
                self.db.execute(f"INSERT INTO fts_{cid}(rowid, terms) VALUES (?, ?)", (rowid, t))
        return rowids

    def set_state(self, cid: int, doc_ids: Iterable[str], state: str) -> None:
        with self._lock:
            self.db.executemany(
                "UPDATE documents SET state=? WHERE collection_id=? AND doc_id=?",
                [(state, cid, d) for d in doc_ids],
            )

    def delete_document(self, cid: int, doc_id: str) -> None:
        """Remove a document's chunks, keyword terms and manifest row (one transaction)."""
        with self.tx():
            self.delete_rows(cid, doc_id)
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # deleted text must not linger in the WAL

    def delete_rows(self, cid: int, doc_id: str) -> None:
        """The rows of `delete_document`, inside the caller's transaction."""
        with self._lock:
            rowids = [r[0] for r in self.db.execute(
                "SELECT rowid FROM chunks WHERE collection_id=? AND doc_id=?", (cid, doc_id))]
            self.db.executemany(f"DELETE FROM fts_{cid} WHERE rowid=?", [(r,) for r in rowids])
            self.db.execute("DELETE FROM chunks WHERE collection_id=? AND doc_id=?", (cid, doc_id))
            self.db.execute("DELETE FROM doc_names WHERE collection_id=? AND doc_id=?", (cid, doc_id))
            self.db.execute("DELETE FROM documents WHERE collection_id=? AND doc_id=?", (cid, doc_id))

    def checkpoint(self) -> None:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def doc_names(self, cid: int) -> dict[str, tuple[str, list[str]]]:
        """doc_id → (source, names) for committed documents; cached until the database changes."""
        with self._lock:
            version = (self.db.execute("PRAGMA data_version").fetchone()[0], self.db.total_changes, cid)
            if getattr(self, "_names_version", None) != version:
                rows = self.db.execute(
                    "SELECT n.doc_id, d.source, n.name FROM doc_names n JOIN documents d"
                    " ON d.collection_id=n.collection_id AND d.doc_id=n.doc_id WHERE n.collection_id=? AND d.state=?",
                    (cid, COMMITTED),
                )
                names: dict[str, tuple[str, list[str]]] = {}
                for doc_id, source, name in rows:
                    names.setdefault(doc_id, (source, []))[1].append(name)
                self._names, self._names_version = names, version
            return self._names

    def mark(self, cid: int, task: str) -> None:
        """Record, durably, that `task` has started, so that recover() finishes it after a kill."""
        with self._lock:
            self.db.execute("INSERT OR IGNORE INTO unfinished VALUES (?, ?)", (cid, task))

    def marked(self, cid: int, task: str) -> bool:
        with self._lock:
            row = self.db.execute("SELECT 1 FROM unfinished WHERE collection_id=? AND task=?", (cid, task))
            return row.fetchone() is not None

    def tasks(self, cid: int, prefix: str) -> list[str]:
        with self._lock:
            rows = self.db.execute("SELECT task FROM unfinished WHERE collection_id=? AND substr(task, 1, ?)=?",
                                   (cid, len(prefix), prefix))
            return [r[0] for r in rows]

    def done(self, cid: int, task: str) -> None:
        with self._lock:
            self.db.execute("DELETE FROM unfinished WHERE collection_id=? AND task=?", (cid, task))

    def scrub(self, cid: int) -> None:
        """Rewrite the keyword index and checkpoint the WAL so a removed document's terms leave the disk
        (SQLite 3.40's FTS5 has no secure-delete; 'optimize' rebuilds the segments without them)."""
        with self._lock:
            self.db.execute(f"INSERT INTO fts_{cid}(fts_{cid}) VALUES('optimize')")
            self.db.execute("DELETE FROM unfinished WHERE collection_id=? AND task=?", (cid, SCRUB))
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- chunks ---------------------------------------------------------------------------------
    def chunk_rows(self, rowids: Sequence[int]) -> dict[int, sqlite3.Row]:
        if not rowids:
            return {}
        with self._lock:
            self.db.row_factory = sqlite3.Row
            try:
                marks = ",".join("?" * len(rowids))
                rows = self.db.execute(f"SELECT * FROM chunks WHERE rowid IN ({marks})", list(rowids)).fetchall()
            finally:
                self.db.row_factory = None
        return {int(r["rowid"]): r for r in rows}

    def chunk_docs(self, rowids: Sequence[int]) -> dict[int, str]:
        """rowid → doc_id of these chunk rows (those that exist)."""
        if not rowids:
            return {}
        with self._lock:
            marks = ",".join("?" * len(rowids))
            rows = self.db.execute(f"SELECT rowid, doc_id FROM chunks WHERE rowid IN ({marks})", list(rowids))
            return {int(r[0]): str(r[1]) for r in rows}

    def neighbours(self, cid: int, doc_id: str, ordinals: Sequence[int]) -> dict[int, sqlite3.Row]:
        with self._lock:
            self.db.row_factory = sqlite3.Row
            try:
                marks = ",".join("?" * len(ordinals))
                rows = self.db.execute(
                    f"SELECT * FROM chunks WHERE collection_id=? AND doc_id=? AND ordinal IN ({marks})",
                    [cid, doc_id, *ordinals],
                ).fetchall()
            finally:
                self.db.row_factory = None
        return {int(r["ordinal"]): r for r in rows}

    def iter_chunks(self, cid: int, batch: int = 256) -> Iterable[list[tuple[Any, ...]]]:
        """Committed chunks in batches: (rowid, chunk_id, doc_id, source, text, title, heading, article)."""
        last = 0
        while True:
            with self._lock:
                rows = self.db.execute(
                    "SELECT c.rowid, c.chunk_id, c.doc_id, c.source, c.text, c.title, c.heading, c.article"
                    " FROM chunks c JOIN documents d ON d.collection_id=c.collection_id AND d.doc_id=c.doc_id"
                    " WHERE c.collection_id=? AND d.state=? AND c.rowid>? ORDER BY c.rowid LIMIT ?",
                    (cid, COMMITTED, last, batch),
                ).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [tuple(r) for r in rows]

    def counts(self, cid: int) -> tuple[int, int]:
        with self._lock:
            row = self.db.execute(
                "SELECT COUNT(*), COALESCE(SUM(chunks), 0) FROM documents WHERE collection_id=? AND state=?",
                (cid, COMMITTED),
            ).fetchone()
        return int(row[0]), int(row[1])

    # -- vectors bookkeeping (which chunks still need a vector in a given set) ---------------------
    def unembedded(self, cid: int, key: str, limit: int = 256) -> list[tuple[Any, ...]]:
        """Committed chunks without a vector in set `key`, oldest first:
        (rowid, doc_id, title, heading, article, text)."""
        with self._lock:
            return [tuple(r) for r in self.db.execute(
                "SELECT c.rowid, c.doc_id, c.title, c.heading, c.article, c.text FROM chunks c JOIN documents d"
                " ON d.collection_id=c.collection_id AND d.doc_id=c.doc_id WHERE c.collection_id=? AND"
                " d.state=? AND c.vkey!=? ORDER BY c.rowid LIMIT ?", (cid, COMMITTED, key, limit))]

    def vector_debt(self, cid: int, key: str) -> int:
        with self._lock:
            row = self.db.execute(
                "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.collection_id=c.collection_id AND"
                " d.doc_id=c.doc_id WHERE c.collection_id=? AND d.state=? AND c.vkey!=?", (cid, COMMITTED, key))
            return int(row.fetchone()[0])

    def has_vector_debt(self, cid: int, key: str) -> bool:
        """Cheap `vector_debt(...) > 0` for every search: two range probes of the (collection, vkey)
        index instead of a count over every chunk."""
        with self._lock:
            row = self.db.execute(
                "SELECT EXISTS(SELECT 1 FROM chunks WHERE collection_id=? AND vkey<?) OR"
                " EXISTS(SELECT 1 FROM chunks WHERE collection_id=? AND vkey>?)", (cid, key, cid, key))
            return bool(row.fetchone()[0])

    def vector_debt_by_doc(self, cid: int, key: str) -> dict[str, int]:
        """doc_id → chunks still without a vector in set `key` (documents with none missing left out)."""
        if not self.has_vector_debt(cid, key):
            return {}
        with self._lock:
            rows = self.db.execute("SELECT doc_id, COUNT(*) FROM chunks WHERE collection_id=? AND vkey!=?"
                                   " GROUP BY doc_id", (cid, key))
            return {str(r[0]): int(r[1]) for r in rows}

    def set_vkey(self, cid: int, rowids: Sequence[int], key: str) -> None:
        with self._lock:
            self.db.executemany("UPDATE chunks SET vkey=? WHERE collection_id=? AND rowid=?",
                                [(key, cid, r) for r in rowids])

    def keyword_search(
        self, cid: int, terms: Sequence[str], limit: int, sources: Sequence[str] | None = None
    ) -> list[tuple[int, float]]:
        """BM25 over the analysed terms; returns (rowid, score) best first, score higher = better."""
        terms = self._prune(cid, terms)
        if not terms:
            return []
        query = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        sql = f"SELECT f.rowid, -bm25(fts_{cid}) FROM fts_{cid} f"
        args: list[object] = [query]
        where = f" WHERE fts_{cid} MATCH ?"
        if sources:
            sql += " JOIN chunks c ON c.rowid = f.rowid"
            where += f" AND c.source IN ({','.join('?' * len(sources))})"
            args.extend(sources)
        sql += where + f" ORDER BY bm25(fts_{cid}) LIMIT ?"
        args.append(limit)
        with self._lock:
            try:
                return [(int(r[0]), float(r[1])) for r in self.db.execute(sql, args)]
            except sqlite3.OperationalError:
                return []

    def term_doc_freq(self, cid: int, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """How many committed chunks hold each analysed term (as FTS5 matches it: stemmed, a phrase for a
        multi-token term), and how many chunks there are: what IDF weights need (service/gate.py)."""
        out: dict[str, int] = {}
        with self._lock:
            for t in dict.fromkeys(t for t in terms if t.strip()):
                try:
                    row = self.db.execute(f"SELECT COUNT(*) FROM fts_{cid} WHERE fts_{cid} MATCH ?",
                                          ('"' + t.replace('"', '""') + '"',)).fetchone()
                    out[t] = int(row[0])
                except sqlite3.OperationalError:  # a term FTS5 cannot parse matches nothing
                    out[t] = 0
        return out, self.counts(cid)[1]

    def _prune(self, cid: int, terms: Sequence[str], max_terms: int = 64) -> list[str]:
        """Keep at most `max_terms` query terms (long narratives make slow OR-queries)."""
        return [t for t in terms if t.strip()][:max_terms]


class _Tx:
    """`with store.tx():` — BEGIN IMMEDIATE … COMMIT, rolled back on error; re-entrant per thread."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.outer = False

    def __enter__(self) -> _Tx:
        self.store._lock.acquire()
        self.outer = not self.store.db.in_transaction
        if self.outer:
            self.store.db.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if self.outer:
                self.store.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.store._lock.release()
