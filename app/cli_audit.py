"""`sillok audit [list|verify|export]`: read, check and hand over the audit log (sillok.service.audit).

Why a command: whoever answers for the office's records (a privacy officer, an auditor) needs the log
without opening files by hand. It reads only; nothing is loaded but the settings. All collections are
shown (the log records each event's collection); `--event` narrows to ask, ingest, remove or reveal.
`verify` walks the hash chain across rotated files and exits 0 when intact, 1 naming the first line
edited, removed or reordered (`--head HASH`: a head noted earlier must still be in the chain).
`export --since DATE --format csv|jsonl [-o FILE]` writes what an inspector asks for, ending with the
chain head that anchors it (also printed on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from sillok.foundation.errors import SillokError

EXIT_OK, EXIT_BROKEN = 0, 1


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("audit", parents=[common],
                       help="who asked what, which files were read, added, removed or revealed; verify; export")
    s.add_argument("action", nargs="?", choices=["list", "verify", "export"], default="list",
                   help="list events (default), verify the hash chain, or export for an inspector")
    s.add_argument("--since", help="only events on or after this day (YYYY-MM-DD, local time) or ISO time")
    s.add_argument("--event", choices=["ask", "ingest", "remove", "reveal"], help="only this kind of event")
    s.add_argument("--format", choices=["csv", "jsonl"], default="csv", help="export: file format")
    s.add_argument("-o", "--output", type=Path, help="export: write to this file (default: standard output)")
    s.add_argument("--head", help="verify: a chain head noted earlier that must still be in the log")
    s.set_defaults(handler=cmd_audit)


def parse_since(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise SillokError(f"--since {text!r}: give a day as YYYY-MM-DD (or an ISO time)") from exc


def cmd_audit(args: argparse.Namespace) -> int:
    from sillok.foundation.settings import load_settings
    from sillok.service.audit import AuditLog

    settings = load_settings(home=args.data_dir)
    log = AuditLog(settings.home)
    if args.action == "verify":
        return _verify(log, args)
    entries = log.read(parse_since(args.since))
    if args.event:
        entries = [e for e in entries if e.get("event") == args.event]
    if args.action == "export":
        from sillok.service.audit_verify import export, write_export

        text = export(log, entries, args.format, args.since)
        write_export(text, args.output)
        head = text.rstrip("\n").rsplit("\n", 1)[-1]
        print(f"chain head: {head}" if args.format == "csv" else f"chain head: {json.loads(head)['chain_head']}",
              file=sys.stderr)
        return EXIT_OK
    if args.event:
        entries = [e for e in entries if e.get("event") == args.event]
    if args.json:
        for e in entries:
            sys.stdout.write(json.dumps(e, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not entries:
        print("no audit events" + (f" since {args.since}" if args.since else ""))
    for e in entries:
        print(describe(e))
    return EXIT_OK


def _verify(log: Any, args: argparse.Namespace) -> int:
    from sillok.service.audit_verify import verify

    v = verify(log, args.head)
    if args.json:
        sys.stdout.write(json.dumps({"ok": v.ok, "lines": v.lines, "files": v.files, "head": v.head,
                                     "head_seq": v.head_seq, "problem": v.problem or None, "notes": v.notes},
                                    ensure_ascii=False) + "\n")
    else:
        print(v.summary())
        for note in v.notes:
            print(f"  note: {note}")
    return EXIT_OK if v.ok else EXIT_BROKEN


def _where(doc: str, pages: list[Any]) -> str:
    name = Path(doc).name
    return f"{name} p. {', '.join(map(str, pages))}" if pages else name


def describe(e: dict[str, Any]) -> str:
    """One readable line per event."""
    head = f"{e.get('time', '?')} {e.get('event', '?'):<6} [{e.get('collection', '')}]"
    docs = list(e.get("documents") or [])
    if e.get("event") == "ask":
        pages = list(e.get("pages") or [])
        cited = ", ".join(_where(d, pages[i] if i < len(pages) else []) for i, d in enumerate(docs))
        state = "answered" if e.get("found") else "not found"
        return f"{head} {state}: {e.get('question', '')!r} → {cited or 'no citations'} ({e.get('model', '')})"
    if e.get("event") == "ingest":
        failed = e.get("failed") or []
        return f"{head} {len(docs)} added, {e.get('unchanged', 0)} unchanged, {len(failed)} failed" + (
            f": {', '.join(Path(d).name for d in docs)}" if docs else "")
    if e.get("event") == "remove":
        return f"{head} removed {e.get('removed', 0)} document(s): {', '.join(docs)}"
    if e.get("event") == "reveal":
        pages = list(e.get("pages") or [])
        shown = ", ".join(_where(d, pages[i] if i < len(pages) else []) for i, d in enumerate(docs))
        return f"{head} {e.get('user', '?')} revealed identifiers ({e.get('how', '')}): {shown}"
    return f"{head} {json.dumps(e, ensure_ascii=False)}"
