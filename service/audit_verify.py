"""Checking the audit log's hash chain (`sillok audit verify`) and shaping it for an inspector (`export`).

Why the checks are ordered as they are: a line whose text no longer matches its own hash was edited
by hand (named exactly); a line whose `prev` does not match the line before it, with `seq` running on,
means the line before was edited and its hash recomputed; a jump in `seq` means lines were removed,
a `seq` that turns up later means lines were reordered. A line torn by a crash (never completed, so no
hash at its end) is skipped, and the chain must pass over it. Sealed (`encrypt_history`) lines are
checked as written, without the key. The first line may start past seq 1 only when rotation has
dropped the oldest file; otherwise earlier lines or files were removed.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sillok.service.audit import GENESIS, HASH_TAIL_RE, AuditLog, _now, _sha


@dataclass
class Verification:
    ok: bool
    lines: int = 0  # chained lines checked
    files: int = 0
    head: str = ""  # hash of the newest line: what an inspector writes down to anchor the log
    head_seq: int = 0
    problem: str = ""  # first break, naming the file and line
    notes: list[str] = field(default_factory=list)
    hashes: set[str] = field(default_factory=set, repr=False)

    def summary(self) -> str:
        if not self.ok:
            return f"audit log BROKEN: {self.problem}"
        if not self.lines:
            return "audit log empty: nothing to verify"
        return (f"audit log intact: {self.lines} chained lines in {self.files} file(s), "
                f"head seq {self.head_seq} hash {self.head}")


def _records(log: AuditLog) -> list[tuple[str, int, bytes]]:
    out = []
    for path in log.files():
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        out += [(path.name, n, raw) for n, raw in enumerate(lines, 1)]
    return out


def _seq_of(raw: bytes) -> int | None:
    try:
        obj = json.loads(raw)
    except ValueError:
        return None
    seq = obj.get("seq") if isinstance(obj, dict) else None
    return seq if isinstance(seq, int) else None


def verify(log: AuditLog, head: str | None = None) -> Verification:
    """Walk every file oldest first; stop at the first break. `head`: a hash noted earlier that must
    still be in the chain (the log was not rewritten or cut back past it)."""
    records = _records(log)
    v = Verification(ok=True, files=len(log.files()))
    seqs = [_seq_of(raw) for _, _, raw in records]
    prev_hash: str | None = None
    prev_seq: int | None = None
    prev_where = ""
    torn_where = ""
    chained = False

    def fail(msg: str) -> Verification:
        v.ok, v.problem = False, msg
        return v

    for i, (name, n, raw) in enumerate(records):
        where = f"{name} line {n}"
        try:
            obj = json.loads(raw)
        except ValueError:
            obj = None
        tail = HASH_TAIL_RE.search(raw)
        if not isinstance(obj, dict):
            if tail is not None or (obj is not None):
                return fail(f"{where} was edited (it is no longer a valid log line)")
            torn_where = where
            v.notes.append(f"{where}: a line torn by a crash while writing, skipped")
            continue
        if tail is None or "hash" not in obj:
            if chained:
                return fail(f"{where} has no chain hash: it was inserted or edited")
            prev_hash, prev_seq, prev_where = _sha(raw), 0, where  # written before the chain existed
            v.notes.append(f"{where}: written before the chain existed (bound by the next line's hash)")
            continue
        own = tail.group(1).decode("ascii")
        if _sha(raw[:tail.start()] + b"}") != own or obj.get("hash") != own:
            return fail(f"{where} was edited (its text no longer matches its hash)")
        seq, prev = obj.get("seq"), obj.get("prev")
        if not isinstance(seq, int):
            return fail(f"{where} was edited (no sequence number)")
        if prev_hash is None:  # the oldest line kept
            if prev != GENESIS:
                if log.rotated(log.keep).exists():
                    v.notes.append(f"the log starts at seq {seq}: older lines were rotated away")
                else:
                    return fail(f"{where}: the log starts at seq {seq}, but no file was rotated away: "
                                f"earlier lines or files were removed")
        elif prev != prev_hash or (prev_seq and seq != prev_seq + 1):
            if torn_where and prev != prev_hash:
                return fail(f"{torn_where} was edited (it is not a valid line and the chain does not pass over it)")
            expected = (prev_seq or 0) + 1
            if seq == expected or not prev_seq:
                return fail(f"{prev_where} was edited (the next line's link no longer matches it)")
            if expected in seqs[i + 1:]:
                return fail(f"{where} is out of order: lines were reordered (seq {seq} where {expected} was due)")
            if seq > expected:
                return fail(f"line(s) with seq {expected}–{seq - 1} were removed before {where}")
            return fail(f"{where} is out of order: lines were reordered or repeated (seq {seq} after {prev_seq})")
        chained = True
        torn_where = ""
        prev_hash, prev_seq, prev_where = own, seq, where
        v.lines += 1
        v.hashes.add(own)
    if prev_hash is not None:
        v.head, v.head_seq = prev_hash, prev_seq or 0
    if head and head not in v.hashes:
        rotated = " (or rotated away)" if log.rotated(log.keep).exists() else ""
        return fail(f"the anchor {head} is not in the log{rotated}: the log was rewritten or cut back past it")
    return v


# -- export for an inspector -----------------------------------------------------------------------
COLUMNS = ["time", "seq", "user", "host", "event", "collection", "question", "found", "model", "documents",
           "shown", "added", "removed", "failed", "revealed", "conversation_id", "hash"]


def _where(docs: list[Any], pages: list[Any]) -> list[str]:
    out = []
    for i, d in enumerate(docs):
        p = pages[i] if i < len(pages) and isinstance(pages[i], list) else []
        out.append(f"{d} (p. {', '.join(map(str, p))})" if p else str(d))
    return out


def inspector_row(e: dict[str, Any]) -> dict[str, Any]:
    """One event in the inspector's terms: who asked what, which documents and pages were cited or
    shown, what was added or removed, what was revealed."""
    ev = e.get("event")
    docs, pages = list(e.get("documents") or []), list(e.get("pages") or [])
    row: dict[str, Any] = {k: e.get(k, "") for k in ("time", "seq", "user", "host", "event", "collection",
                                                     "question", "model", "conversation_id", "hash")}
    row.update(found=e.get("found", ""), documents=[], shown=[], added=[], removed=[], failed=[], revealed=[])
    if ev == "ask":
        row["documents"] = _where(docs, pages)
        row["shown"] = _where(list(e.get("shown") or []), list(e.get("shown_pages") or []))
    elif ev == "ingest":
        row["added"] = docs
        row["failed"] = [f"{f.get('source')}: {f.get('reason')}" for f in e.get("failed") or [] if isinstance(f, dict)]
    elif ev == "remove":
        row["removed"] = docs
    elif ev == "reveal":
        row["revealed"] = _where(docs, pages)
        row["how"] = e.get("how", "")
    return row


def export(log: AuditLog, entries: list[dict[str, Any]], fmt: str, since: str | None = None) -> str:
    """CSV or JSON lines of `entries` followed by the chain head (verified now) that anchors them."""
    v = verify(log)
    anchor = {"chain_head": v.head, "head_seq": v.head_seq, "verified": v.ok, "problem": v.problem or None,
              "exported": _now(), "since": since, "events": len(entries)}
    rows = [inspector_row(e) for e in entries]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [*rows, anchor])
    buf = io.StringIO()
    w = csv.DictWriter(buf, COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: "; ".join(map(str, r[k])) if isinstance(r.get(k), list) else r.get(k, "") for k in COLUMNS})
    w.writerow({"time": anchor["exported"], "seq": v.head_seq, "event": "chain_head",
                "question": v.summary(), "hash": v.head})
    return buf.getvalue()


def write_export(text: str, output: Path | None) -> None:
    if output is None:
        import sys

        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8", newline="")
