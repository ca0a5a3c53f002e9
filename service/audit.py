"""The audit log: who-asked-what and which files were read, as JSON lines under `<home>/audit/`.

Why: an office that answers from patient and client files must be able to show, afterwards, which
documents the assistant read for which question, and when files were added or removed. Each event is
one line of `audit.jsonl`, appended and fsynced before the call returns (a crash loses at most the line
being written, and a torn last line is skipped on reading). At `max_bytes` the file is rotated to
`audit.jsonl.1` … `audit.jsonl.<keep>` (oldest dropped), so the log cannot fill the disk.

The log holds metadata only — paths, page numbers, the model, the question (unless
`settings.audit_questions` is off, then "[not logged]") — never document text or answer text, so
removing a document from the index is not undone by the log. The file is created owner-only (0600).

With `encrypt_history` on (sillok.foundation.atrest) a line is `{"time", "sealed": "sillok-fernet1:…"}`: the event
is sealed whole (question, paths, model); only the time stays readable, which the Fernet token shows
anyway. Reading opens sealed lines with the key from the OS keyring, so `sillok audit` shows plain and
sealed lines alike.

Tamper evidence: every line carries `seq` (1, 2, … across rotated files), `prev` (the hash of the line
before it; 64 zeros for the first) and `hash` (SHA-256 of the line's own text up to its `"hash"` key), so
editing, removing or reordering a line breaks the chain at that line (`AuditLog.verify`, `sillok audit
verify`). A sealed line is chained as written (`{"time", "seq", "prev", "sealed", "hash"}`), so the
chain is checked without the key. Only the newest lines can be cut or rewritten unseen: an inspector
anchors the log by noting the chain head (`sillok audit export` prints it; `verify --head` checks it).

Identifiers in any text field are masked (sillok.foundation.identifiers) before the line is written, and
every line names the OS user and computer (`user`, `host`): in office mode each desktop keeps its own log.

Line shape (keys present for every event; `question` only for "ask"):
`{"time": ISO-8601 UTC, "event": "ask"|"ingest"|"remove", "collection", "question", "documents": [paths],
"pages": [[pages of documents[i]], …], "model", "found", "conversation_id"}` plus per-event extras:
ask → "shown" (sources given to the model); ingest → "failed" [{"source", "reason"}], "unchanged" (count);
remove → "removed" (documents removed); reveal → "chunk_ids", "how" (a passage or a document view shown
unmasked).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import platform
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock

from sillok.foundation.atrest import Box
from sillok.foundation.identifiers import Masker

log = logging.getLogger(__name__)

FILE = "audit.jsonl"
MAX_BYTES = 5 * 1024 * 1024
KEEP = 10
NOT_LOGGED = "[not logged]"

GENESIS = "0" * 64  # the `prev` of the first line ever written
HASH_TAIL_RE = re.compile(rb', "hash": "([0-9a-f]{64})"\}$')
TAIL_READ = 64 * 1024
UNMASKED_KEYS = frozenset({"time", "seq", "prev", "hash", "sealed"})


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    """A line's `time` as an aware UTC datetime."""
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _who() -> tuple[str, str]:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (some containers): say so rather than fail the write
        user = "unknown"
    return user, platform.node() or "unknown"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _chain_text(obj: dict[str, Any]) -> str:
    """The line for `obj` (which holds seq and prev) with its own hash appended as the last key."""
    body = json.dumps(obj, ensure_ascii=False, default=str)
    return body[:-1] + f', "hash": "{_sha(body.encode("utf-8"))}"}}'


def _link(raw: bytes) -> tuple[int, str] | None:
    """(seq, hash) a complete line hands to the next one; None for a torn or foreign line.
    A line written before the chain existed is linked by the hash of its bytes (seq 0)."""
    try:
        obj = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(obj, dict) or "time" not in obj:
        return None
    m = HASH_TAIL_RE.search(raw)
    if m is None:
        return 0, _sha(raw)
    seq = obj.get("seq")
    return (seq if isinstance(seq, int) else 0), m.group(1).decode("ascii")


def _mask_value(value: Any, masker: Masker) -> Any:
    if isinstance(value, str):
        return masker.mask(value)
    if isinstance(value, list | tuple):
        return [_mask_value(v, masker) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in UNMASKED_KEYS else _mask_value(v, masker)) for k, v in value.items()}
    return value


class AuditLog:
    """Append-only, hash-chained JSON-lines log with size-based rotation. Thread- and process-safe."""

    def __init__(self, home: str | Path, log_questions: bool = True, *, max_bytes: int = MAX_BYTES,
                 keep: int = KEEP, box: Box | None = None, masker: Masker | None = None) -> None:
        self.box = box if box is not None else Box(False)  # reads sealed lines (OS keyring); seals nothing
        self.masker = masker if masker is not None else Masker()  # the built-in identifier patterns
        self.dir = Path(home) / "audit"
        self.path = self.dir / FILE
        self.log_questions = log_questions
        self.max_bytes = max_bytes
        self.keep = keep
        self._lock = threading.Lock()

    # -- writing --------------------------------------------------------------------------------
    def append(self, event: str, collection: str, **fields: Any) -> dict[str, Any]:
        """Write one event line (identifiers masked, chained to the line before, fsynced) and return it."""
        entry: dict[str, Any] = {"time": _now(), "event": event, "collection": collection}
        if "question" in fields and not self.log_questions:
            fields["question"] = NOT_LOGGED
        entry.update(fields)
        entry["user"], entry["host"] = _who()
        entry = _mask_value(entry, self.masker)
        with self._lock:
            self.dir.mkdir(parents=True, exist_ok=True)
            with self._file_lock():
                seq, prev = self._last_link()
                entry.update(seq=seq + 1, prev=prev)
                if self.box.enabled:  # sealed whole; the chain fields stay outside so anyone can verify
                    inner = {k: v for k, v in entry.items() if k not in ("seq", "prev")}
                    sealed = self.box.seal(json.dumps(inner, ensure_ascii=False, default=str))
                    text = _chain_text({"time": entry["time"], "seq": seq + 1, "prev": prev, "sealed": sealed})
                else:
                    text = _chain_text(entry)
                line = (text + "\n").encode("utf-8")
                entry["hash"] = HASH_TAIL_RE.search(text.encode("utf-8")).group(1).decode()  # type: ignore[union-attr]
                self._rotate_if_needed(len(line))
                fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
                try:
                    if _ends_torn(fd):  # a crash cut the last line: start ours on a fresh one
                        line = b"\n" + line
                    os.write(fd, line)
                    os.fsync(fd)
                finally:
                    os.close(fd)
        return entry

    def _file_lock(self) -> Any:
        # filelock: flock on POSIX, msvcrt locking on Windows; the lock file is kept (unlinking it races).
        return FileLock(self.dir / ".lock", mode=0o600, preserve_lock_file=True)

    def _last_link(self) -> tuple[int, str]:
        """(seq, hash) of the last complete line, in the current file or (just rotated) the one before."""
        for path in (self.path, self.rotated(1)):
            try:
                with open(path, "rb") as fh:
                    size = fh.seek(0, os.SEEK_END)
                    fh.seek(max(0, size - TAIL_READ))
                    tail = fh.read()
            except FileNotFoundError:
                continue
            lines = tail.split(b"\n")
            if size > TAIL_READ:
                lines = lines[1:]  # the first piece may be the end of a longer line
            for raw in reversed(lines):
                link = _link(raw.strip()) if raw.strip() else None
                if link is not None:
                    return link
        return 0, GENESIS

    def _rotate_if_needed(self, incoming: int) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size == 0 or size + incoming <= self.max_bytes:
            return
        oldest = self.rotated(self.keep)
        if oldest.exists():
            oldest.unlink()
        for n in range(self.keep - 1, 0, -1):
            src = self.rotated(n)
            if src.exists():
                os.replace(src, self.rotated(n + 1))
        os.replace(self.path, self.rotated(1))
        _fsync_dir(self.dir)

    def rotated(self, n: int) -> Path:
        return self.dir / f"{FILE}.{n}"

    # -- reading --------------------------------------------------------------------------------
    def files(self) -> list[Path]:
        """Log files oldest first (rotated ones, then the current one)."""
        out = [self.rotated(n) for n in range(self.keep, 0, -1) if self.rotated(n).exists()]
        return out + ([self.path] if self.path.exists() else [])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for path in self.files():
            try:
                raw = path.read_bytes()
            except FileNotFoundError:  # rotated away while reading
                continue
            for line in raw.splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line torn by a crash mid-write
                if isinstance(entry, dict) and "sealed" in entry:
                    chain = {k: entry[k] for k in ("seq", "hash") if k in entry}
                    entry = {**json.loads(self.box.open(str(entry["sealed"]))), **chain}
                if isinstance(entry, dict) and "time" in entry:
                    entry.pop("prev", None)
                    yield entry

    def read(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Every event (oldest first) at or after `since` (naive datetimes are local time)."""
        if since is None:
            return list(self)
        floor = since.astimezone(UTC)
        out = []
        for entry in self:
            try:
                if parse_time(str(entry["time"])) >= floor:
                    out.append(entry)
            except ValueError:
                continue
        return out


def _ends_torn(fd: int) -> bool:
    size = os.fstat(fd).st_size
    if size == 0:
        return False
    os.lseek(fd, size - 1, os.SEEK_SET)  # reading only; O_APPEND still writes at the end
    return os.read(fd, 1) != b"\n"


def _fsync_dir(path: Path) -> None:
    """Make renames durable (POSIX); a no-op where directories cannot be opened (Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- hooks called by the facade and sillok.service.answering -------------------------------------------
def audit_log(svc: Any) -> AuditLog:
    """The AuditLog the facade opened for its data folder."""
    return svc.audit


def _safe(write: Any) -> None:
    """An audit write that fails (disk full, permissions) is logged loudly but never loses the work."""
    try:
        write()
    except Exception:  # noqa: BLE001 - the answer/ingest already happened; say so, don't crash
        log.exception("could not write the audit log")


def _unique(items: Any) -> list[Any]:
    return list(dict.fromkeys(items))


def record_answer(svc: Any, answer: Any, collection: str) -> Any:
    """Log an `ask` (sources cited, pages, model, found) and return `answer` unchanged."""
    documents = _unique(c.source for c in answer.citations)
    pages = [sorted({c.page for c in answer.citations if c.source == d and c.page is not None})
             for d in documents]
    shown = _unique(h.source for h in answer.hits) if answer.found else []
    shown_pages = [sorted({h.page for h in answer.hits if h.source == d and h.page is not None}) for d in shown]
    _safe(lambda: audit_log(svc).append(
        "ask", collection, question=answer.question, documents=documents, pages=pages,
        model=svc.model_label(), found=bool(answer.found), conversation_id=answer.conversation_id,
        shown=shown, shown_pages=shown_pages, cancelled=bool(answer.cancelled)))
    return answer


def record_ingest(svc: Any, report: Any, collection: str) -> Any:
    """Log an ingest run (files indexed or updated, failures with their reason); returns `report`."""
    documents = [f.path for f in report.files if f.status in ("indexed", "updated")]
    failed = [{"source": f.path, "reason": f.reason} for f in report.failed]
    unchanged = sum(f.status == "unchanged" for f in report.files)
    _safe(lambda: audit_log(svc).append(
        "ingest", collection, documents=documents, pages=[], model=None, found=None, conversation_id=None,
        failed=failed, unchanged=unchanged, cancelled=bool(report.cancelled)))
    return report


def record_remove(svc: Any, target: str | Path, collection: str, n: int) -> int:
    """Log a removal (the path asked for and how many documents went); returns `n`."""
    _safe(lambda: audit_log(svc).append(
        "remove", collection, documents=[str(target)], pages=[], model=None, found=None,
        conversation_id=None, removed=int(n)))
    return n


def record_reveal(svc: Any, collection: str, documents: list[str], pages: list[list[int]], chunk_ids: list[str],
                  how: str) -> None:
    """Log a Reveal (a passage or a document view shown with identifiers unmasked). Unlike the other
    hooks this one must not fail quietly: nothing is revealed unless the line was written."""
    audit_log(svc).append("reveal", collection, documents=documents, pages=pages, model=None, found=None,
                          conversation_id=None, chunk_ids=chunk_ids, how=how)
