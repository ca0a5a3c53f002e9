"""`sillok audit [--since YYYY-MM-DD] [--json]`: read the audit log (sillok.service.audit) of the data folder.

Why a command: whoever answers for the office's records (a privacy officer, an auditor) needs the log
without opening files by hand. It reads only; nothing is loaded but the settings. All collections are
shown (the log records each event's collection); `--event` narrows to ask, ingest or remove.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from sillok.foundation.errors import SillokError

EXIT_OK = 0


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("audit", parents=[common], help="who asked what, which files were read, added, removed")
    s.add_argument("--since", help="only events on or after this day (YYYY-MM-DD, local time) or ISO time")
    s.add_argument("--event", choices=["ask", "ingest", "remove"], help="only this kind of event")
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
    entries = AuditLog(settings.home).read(parse_since(args.since))
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
    return f"{head} {json.dumps(e, ensure_ascii=False)}"
