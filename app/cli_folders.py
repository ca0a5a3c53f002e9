"""`sillok folders` and `sillok sync`: the watched folders of a collection (sillok.service.folders).

Why commands: the window watches its folders while it runs; `sillok sync` catches up the index with
every remembered folder at once (after the window was closed, from a scheduled task), so a changed file
is found again and a deleted one stops being found, without anyone re-adding the folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_SOME_FAILED = 0, 1


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("sync", parents=[common],
                       help="bring every remembered folder's index up to date (new, changed, deleted files)")
    s.add_argument("--only", action="store_true", help="only the collection given with --collection")
    s.set_defaults(handler=cmd_sync)
    s = sub.add_parser("folders", parents=[common], help="list, add or forget the watched folders of a collection")
    s.add_argument("action", nargs="?", choices=["list", "add", "remove"], default="list")
    s.add_argument("path", nargs="?", help="the folder (add: remembered and indexed; remove: forgotten, its "
                                           "documents stay until `sillok remove`)")
    s.set_defaults(handler=cmd_folders)


def _service(args: argparse.Namespace) -> Any:
    from sillok.service.facade import Sillok

    return Sillok(home=args.data_dir, embedding_model=args.embedding_model)


def _line(collection: str, report: Any) -> str:
    count = {s: sum(f.status == s for f in report.files) for s in ("indexed", "updated", "removed", "unchanged")}
    text = (f"{collection}: {count['indexed']} new, {count['updated']} changed, {count['removed']} removed, "
            f"{count['unchanged']} unchanged, {len(report.failed)} failed")
    return text + "".join(f"\n  unavailable (not removed; connect it and sync again): {u}" for u in report.unavailable)


def cmd_sync(args: argparse.Namespace) -> int:
    from sillok.service.folders import sync, sync_all

    svc = _service(args)
    reports = {args.collection: sync(svc, args.collection)} if args.only else sync_all(svc)
    if args.json:
        print(json.dumps({c: {"files": [f.__dict__ for f in r.files], "unavailable": r.unavailable}
                          for c, r in reports.items()}, ensure_ascii=False))
    else:
        if not reports:
            print("no watched folders; `sillok folders add FOLDER` (or Add folder… in the window) remembers one")
        for c, r in reports.items():
            for f in r.files:
                if f.status in ("failed", "needs_ocr"):
                    print(f"✗ {f.path}: {f.reason}", file=sys.stderr)
                elif f.status != "unchanged":
                    print(f"{'-' if f.status == 'removed' else '+'} {f.path} ({f.status})")
            print(_line(c, r))
    return EXIT_SOME_FAILED if any(r.failed for r in reports.values()) else EXIT_OK


def cmd_folders(args: argparse.Namespace) -> int:
    from sillok.foundation.errors import SillokError
    from sillok.foundation.settings import load_settings
    from sillok.service.folders import FolderList, sync

    if args.action != "list" and not args.path:
        raise SillokError(f"`sillok folders {args.action}` needs a folder")
    if args.action == "add":
        svc = _service(args)
        folder = FolderList(svc.settings.home).add(args.collection, Path(args.path))
        print(_line(args.collection, sync(svc, args.collection, [folder])))
        print(f"watching {folder} for {args.collection!r}; `sillok sync` (or the open window) keeps it up to date")
        return EXIT_OK
    home = load_settings(home=args.data_dir).home
    listed = FolderList(home)
    if args.action == "remove":
        if not listed.remove(args.collection, Path(args.path)):
            raise SillokError(f"{args.path} is not a watched folder of {args.collection!r}")
        print(f"no longer watching {args.path}; its documents stay until `sillok remove {args.path}`")
        return EXIT_OK
    folders = listed.folders(args.collection)
    if args.json:
        print(json.dumps([{"path": f, "available": listed.available(args.collection, f)} for f in folders],
                         ensure_ascii=False))
    for f in [] if args.json else folders:
        print(f + ("" if listed.available(args.collection, f) else "  (unavailable: not connected?)"))
    return EXIT_OK
