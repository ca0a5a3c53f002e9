"""What OCR made of each page, kept in the data folder (`ocr.db`), keyed by the file's SHA-256 and page.

Why: OCR is slow (seconds a page), so a page once read is never read again — not after a kill -9 in the
middle of a long scan (the next ingest continues from the first page not stored), not when the source
viewer needs the page's text and word boxes, not when `sillok documents` lists the pages to check.
Each page is one committed row, written as soon as the page is read; a file's pages are only used once
the file is indexed, so a half-read file leaves nothing searchable behind. Keyed by content, a changed
file is read afresh; `forget` drops a removed document's pages (patient text must not linger:
secure_delete is on, as in the index database).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from sillok.foundation.errors import SillokError
from sillok.foundation.types import OcrPage, OcrWord

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    sha256 TEXT NOT NULL, page INTEGER NOT NULL, confidence REAL NOT NULL, skipped TEXT NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (sha256, page));
"""


def _dump(p: OcrPage) -> str:
    return json.dumps({"text": p.text, "lang": p.lang, "turn": p.turn, "skew": p.skew, "seconds": p.seconds,
                       "words": [[w.text, w.start, w.end, *w.box, w.confidence] for w in p.words]},
                      ensure_ascii=False, separators=(",", ":"))


def _load(page: int, confidence: float, skipped: str, data: str) -> OcrPage:
    d = json.loads(data)
    words = tuple(OcrWord(w[0], int(w[1]), int(w[2]), (w[3], w[4], w[5], w[6]), w[7]) for w in d["words"])
    return OcrPage(page, d["text"], words, confidence, d["lang"], int(d["turn"]), float(d["skew"]),
                   float(d["seconds"]), skipped)


class OcrCache:
    """Thread-safe; one SQLite connection (WAL), every `put` its own committed transaction. The file is
    made by the first page stored, so a data folder without scans has none (the window then knows no
    citation can be a scan without asking)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _conn(self, create: bool) -> sqlite3.Connection | None:
        """The connection (callers hold the lock); None when the file does not exist and `create` is off."""
        if self._db is None and (create or self.path.exists()):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("PRAGMA secure_delete=ON")
                db.executescript(SCHEMA)
            except sqlite3.DatabaseError as exc:
                raise SillokError(f"OCR cache {self.path} is damaged or not a database ({exc}); delete it to "
                                  "read scans afresh") from exc
            self._db = db
        return self._db

    def _rows(self, sql: str, args: Sequence[object]) -> list[tuple]:
        with self._lock:
            db = self._conn(create=False)
            return [] if db is None else db.execute(sql, args).fetchall()

    def get(self, sha256: str) -> dict[int, OcrPage]:
        """The pages of this file already read, by page number."""
        rows = self._rows("SELECT page, confidence, skipped, data FROM pages WHERE sha256=?", (sha256,))
        return {int(r[0]): _load(int(r[0]), float(r[1]), str(r[2]), str(r[3])) for r in rows}

    def page(self, sha256: str, number: int) -> OcrPage | None:
        rows = self._rows("SELECT page, confidence, skipped, data FROM pages WHERE sha256=? AND page=?",
                          (sha256, number))
        return _load(int(rows[0][0]), float(rows[0][1]), str(rows[0][2]), str(rows[0][3])) if rows else None

    def put(self, sha256: str, page: OcrPage) -> None:
        with self._lock:
            db = self._conn(create=True)
            assert db is not None
            db.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
                       (sha256, page.number, page.confidence, page.skipped, _dump(page)))

    def summary(self, shas: Iterable[str] | None = None,
                threshold: float = 0.8) -> dict[str, tuple[int, float, tuple[int, ...]]]:
        """sha256 → (pages read, their mean confidence, pages under `threshold` or skipped), in one
        query (the document list asks for every document at once)."""
        rows = self._rows("SELECT sha256, page, confidence, skipped FROM pages ORDER BY sha256, page", ())
        wanted = set(shas) if shas is not None else None
        acc: dict[str, list[tuple[int, float, str]]] = {}
        for sha, page, conf, skipped in rows:
            if wanted is None or sha in wanted:
                acc.setdefault(sha, []).append((int(page), float(conf), str(skipped)))
        out: dict[str, tuple[int, float, tuple[int, ...]]] = {}
        for sha, pages in acc.items():
            read = [c for _, c, s in pages if not s]
            low = tuple(p for p, c, s in pages if s or c < threshold)
            out[sha] = (len(pages), sum(read) / len(read) if read else 0.0, low)
        return out

    def forget(self, shas: Sequence[str]) -> None:
        """Drop these files' pages (their documents were removed)."""
        if not shas:
            return
        with self._lock:
            db = self._conn(create=False)
            if db is not None:
                db.executemany("DELETE FROM pages WHERE sha256=?", [(s,) for s in shas])
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
