"""Watched folders: a folder added to a collection is remembered, and the index follows the folder.

Why sync compares the disk with the index instead of replaying file events: events are lost when the
window is closed or killed (kill -9), a sync is not. `sync` ingests the folder again (the pipeline skips
files whose sha256 is unchanged, so new and changed files are what gets indexed) and removes what the
index holds under the folder but the disk no longer has. Both steps are the facade's own ingest and
remove, which are durable under kill -9, and a repeated sync converges: the index ends up exactly as
a fresh ingest of the folder would leave it. The window's watcher (sillok.app.desktop.folder_watch)
only decides *when* to sync and *which paths*; `sync_paths` does the same for those paths alone.

A folder that is not there (a USB disk unplugged, a network share not mounted) is reported as
unavailable and nothing under it is removed. An unmounted mount point often stays as an empty folder,
so a folder that is empty *and* sits on another device than when it was added counts as absent too.

Only the facade's public methods (ingest, remove, documents) touch the index. The list lives in
`<home>/folders.json`: {collection: [{"path": ..., "dev": st_dev}]}, replaced atomically.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.foundation.types import FileResult, IngestReport
from sillok.ingest.loaders import is_supported

FILE = "folders.json"
_LOCK = threading.Lock()  # the window's UI thread and its worker both read and write the list


@dataclass
class SyncReport(IngestReport):
    """An IngestReport (what was indexed, updated, unchanged, failed) plus files removed because they
    left the folder (status "removed") and folders that could not be reached."""

    unavailable: list[str] = field(default_factory=list)

    @property
    def removed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "removed"]

    @property
    def changed(self) -> bool:
        return any(f.status != "unchanged" for f in self.files)


def _norm(path: str | Path) -> str:
    return str(Path(path).expanduser().resolve())


def _under(source: str, folder: str) -> bool:
    return source == folder or source.startswith(folder.rstrip("/\\") + os.sep)


class FolderList:
    """The remembered folders of every collection in one data folder."""

    def __init__(self, home: str | Path) -> None:
        self.file = Path(home) / FILE

    def _read(self) -> dict[str, list[dict[str, Any]]]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise SillokError(f"watched-folder list {self.file} is unreadable ({e}); fix or delete it") from None
        return {str(k): [x for x in v if isinstance(x, dict) and x.get("path")] for k, v in data.items()
                if isinstance(v, list)} if isinstance(data, dict) else {}

    def _write(self, data: dict[str, list[dict[str, Any]]]) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False, indent=1),
                       encoding="utf-8")
        os.replace(tmp, self.file)  # a kill leaves the old list or the new one, never half of one

    def folders(self, collection: str) -> list[str]:
        with _LOCK:
            return [str(x["path"]) for x in self._read().get(collection, [])]

    def all(self) -> dict[str, list[str]]:
        with _LOCK:
            return {c: [str(x["path"]) for x in v] for c, v in self._read().items()}

    def entry(self, collection: str, folder: str) -> dict[str, Any] | None:
        with _LOCK:
            return next((x for x in self._read().get(collection, []) if x["path"] == folder), None)

    def add(self, collection: str, folder: str | Path) -> str:
        """Remember ``folder`` for ``collection`` (its resolved path is returned)."""
        path = _norm(folder)
        if not Path(path).is_dir():
            raise SillokError(f"{path} is not a folder")
        with _LOCK:
            data = self._read()
            rows = [x for x in data.get(collection, []) if x["path"] != path]
            data[collection] = [*rows, {"path": path, "dev": os.stat(path).st_dev}]
            self._write(data)
        return path

    def remove(self, collection: str, folder: str | Path) -> bool:
        """Forget ``folder`` (and remembered folders inside it); True when one was remembered."""
        path = _norm(folder)
        with _LOCK:
            data = self._read()
            before = data.get(collection, [])
            data[collection] = [x for x in before if not _under(str(x["path"]), path)]
            self._write(data)
            return len(data[collection]) != len(before)

    def rename_collection(self, old: str, new: str) -> None:
        with _LOCK:
            data = self._read()
            if old in data:
                data[new] = data.pop(old) + data.get(new, [])
                self._write(data)

    def drop_collection(self, name: str) -> None:
        with _LOCK:
            data = self._read()
            if data.pop(name, None) is not None:
                self._write(data)

    def available(self, collection: str, folder: str) -> bool:
        """False for a folder that is gone, or an empty folder on another device than when added
        (an unmounted mount point)."""
        p = Path(folder)
        try:
            if not p.is_dir():
                return False
            dev = p.stat().st_dev
        except OSError:  # a network share that does not answer
            return False
        row = self.entry(collection, folder)
        if row is None or row.get("dev") in (None, dev):
            return True
        empty = next(os.scandir(p), None) is None
        if not empty:  # a network share remounted with a new device number: still the folder
            with _LOCK:
                data = self._read()
                for x in data.get(collection, []):
                    if x["path"] == folder:
                        x["dev"] = dev
                self._write(data)
        return not empty


def _ingestible(path: Path, folder: str) -> bool:
    """What ingesting ``folder`` would pick up: supported files, no hidden part below the folder."""
    try:
        rel = path.relative_to(folder)
    except ValueError:
        return False
    return not any(part.startswith(".") for part in rel.parts) and (path.is_dir() or is_supported(path))


def sync(svc: Any, collection: str, folders: Iterable[str] | None = None, progress: Any = None,
         cancel: CancelToken | None = None) -> SyncReport:
    """Bring the index of ``collection`` in line with its remembered folders (or ``folders``)."""
    listed = FolderList(svc.settings.home)
    wanted = [_norm(f) for f in folders] if folders is not None else listed.folders(collection)
    return _sync(svc, listed, collection, {f: [f] for f in wanted}, progress, cancel)


def sync_paths(svc: Any, collection: str, paths: Iterable[str], progress: Any = None,
               cancel: CancelToken | None = None) -> SyncReport:
    """Sync only ``paths`` (files or folders that changed, appeared or went), those inside a remembered
    folder of ``collection``: what the window's watcher calls after its debounce."""
    listed = FolderList(svc.settings.home)
    roots = listed.folders(collection)
    by_root: dict[str, list[str]] = {}
    for raw in paths:
        p = os.path.abspath(os.path.expanduser(raw))
        root = next((r for r in roots if _under(p, r)), None)
        if root is not None:
            by_root.setdefault(root, []).append(p)
    return _sync(svc, listed, collection, by_root, progress, cancel)


def _sync(svc: Any, listed: FolderList, collection: str, targets: dict[str, list[str]], progress: Any,
          cancel: CancelToken | None) -> SyncReport:
    t0 = time.monotonic()
    cancel = cancel or CancelToken()
    report = SyncReport()
    indexed = sorted({d.source for d in svc.documents(collection)})
    to_ingest: list[str] = []
    to_remove: list[str] = []
    for root, paths in targets.items():
        if not listed.available(collection, root):
            report.unavailable.append(root)
            continue
        for p in paths:
            path = Path(p)
            if path.exists():
                if p == root or _ingestible(path, root):
                    to_ingest.append(p)
            to_remove += [s for s in indexed if _under(s, p) and not os.path.isfile(s)]
    for source in dict.fromkeys(to_remove):  # first: a renamed file's old name goes before the new one lands
        cancel.check()
        try:
            svc.remove(source, collection)
        except SillokError as e:  # removed meanwhile (another window, the CLI): nothing left to do
            report.files.append(FileResult(source, "unchanged", str(e)))
            continue
        report.files.append(FileResult(source, "removed", "no longer in the folder"))
    if to_ingest:
        ingested = svc.ingest(list(dict.fromkeys(to_ingest)), collection, progress=progress, cancel=cancel)
        report.files += ingested.files
        report.cancelled = ingested.cancelled
    report.seconds = time.monotonic() - t0
    return report


def sync_all(svc: Any, progress: Any = None, cancel: CancelToken | None = None) -> dict[str, SyncReport]:
    """`sillok sync`: every remembered folder of every collection, once."""
    out = {}
    for collection in FolderList(svc.settings.home).all():
        out[collection] = sync(svc, collection, progress=progress, cancel=cancel)
    return out
