"""Watch the remembered folders while the window runs; say, debounced, which paths changed.

Why watchdog and not QFileSystemWatcher: Qt's watcher is not recursive (one watch per subfolder, added
by hand) and, on Linux, a folder watch does not see a file rewritten in place; watchdog's inotify
observer (FSEvents on macOS, ReadDirectoryChangesW on Windows) watches a tree and reports writes. Its
events arrive on watchdog's thread; they are only collected there and handed to the UI thread by a
queued signal, where a timer waits for a quiet moment (DEBOUNCE_MS) so a copy of 500 files becomes one
sync, not 500. What to do with the paths (sillok.service.folders.sync_paths) is the window's job.
A folder on a network share (NFS, SMB…) is polled every POLL_S instead: inotify there sees only the
writes made from this computer. Every CHECK_MS the folders are looked at: one that went away (a USB disk unplugged, a share not
mounted) is reported unavailable and unwatched, and when it is back it is watched and synced whole.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from sillok.service.folders import FolderList

log = logging.getLogger(__name__)
DEBOUNCE_MS = 1500
CHECK_MS = 30_000
POLL_S = 30  # network shares: inotify sees only this computer's writes, so they are polled
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs", "davfs",
              "fuse.davfs2", "fuse.rclone"}


def network_fs(folder: str, mounts: str | None = None) -> bool:
    """True when ``folder`` lies on a network file system (Linux /proc/mounts; elsewhere False)."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    best, kind = "", ""
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            point = parts[1].replace("\\040", " ")
            if (folder == point or folder.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
                best, kind = point, parts[2]
    return kind in NETWORK_FS


class _Handler:
    """watchdog event handler (duck-typed: watchdog calls ``dispatch``); runs on watchdog's thread."""

    def __init__(self, owner: FolderWatcher) -> None:
        self.owner = owner

    def dispatch(self, event: Any) -> None:
        if event.is_directory and event.event_type in ("modified", "opened", "closed_no_write"):
            return  # a folder's mtime changes with every child: the child's own event says which
        if event.event_type in ("opened", "closed_no_write"):
            return  # reading a file changes nothing
        paths = [event.src_path, getattr(event, "dest_path", "")]
        self.owner._collect([p.decode() if isinstance(p, bytes) else str(p) for p in paths if p])


class FolderWatcher(QObject):
    changed = Signal(str, list)  # collection, paths that changed (files or folders; may no longer exist)
    availability = Signal(str, str, bool)  # collection, folder, now available?
    _poke = Signal()

    def __init__(self, home: Path, parent: QObject | None = None, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.listed = FolderList(home)
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._observer: Any = None
        self._poller: Any = None  # for folders on network shares
        self._watches: dict[str, tuple[Any, Any]] = {}  # folder → (observer, watchdog ObservedWatch)
        self.folders: dict[str, list[str]] = {}  # collection → folders
        self.unavailable: set[str] = set()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._flush)
        self._poke.connect(self._debounce.start, Qt.ConnectionType.QueuedConnection)
        self._check = QTimer(self)
        self._check.setInterval(CHECK_MS)
        self._check.timeout.connect(self.check)

    # -- UI thread ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the remembered folders again and watch exactly those that are there."""
        self.folders = self.listed.all()
        wanted = {f for fs in self.folders.values() for f in fs}
        for folder in list(self._watches):
            if folder not in wanted:
                self._unwatch(folder)
        self.unavailable &= wanted
        self.check()
        if not self._check.isActive():
            self._check.start()

    def check(self) -> None:
        """Watch folders that are (back) there, unwatch and report those that went away."""
        for collection, folders in self.folders.items():
            for folder in folders:
                there = self.listed.available(collection, folder)
                if there and folder not in self._watches:
                    back = folder in self.unavailable
                    self.unavailable.discard(folder)
                    self._watch(folder)
                    if back:  # changes made while it was away: sync the whole folder
                        self.availability.emit(collection, folder, True)
                        self.changed.emit(collection, [folder])
                elif not there and folder not in self.unavailable:
                    self.unavailable.add(folder)
                    self._unwatch(folder)
                    self.availability.emit(collection, folder, False)

    def stop(self) -> None:
        self._check.stop()
        self._debounce.stop()
        for observer in (self._observer, self._poller):
            if observer is not None:
                observer.stop()
                observer.join(5)
        self._observer = self._poller = None
        self._watches.clear()

    def _watch(self, folder: str) -> None:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        remote = network_fs(folder)
        observer = self._poller if remote else self._observer
        if observer is None:
            observer = PollingObserver(timeout=POLL_S) if remote else Observer()
            observer.daemon = True
            observer.start()
            if remote:
                self._poller = observer
            else:
                self._observer = observer
        try:
            self._watches[folder] = (observer, observer.schedule(_Handler(self), folder, recursive=True))
        except OSError as e:  # e.g. the inotify watch limit: `sillok sync` still catches up
            log.warning("cannot watch %s: %s", folder, e)

    def _unwatch(self, folder: str) -> None:
        entry = self._watches.pop(folder, None)
        if entry is not None:
            observer, watch = entry
            try:
                observer.unschedule(watch)
            except (KeyError, OSError):  # already gone with its device
                pass

    def _flush(self) -> None:
        with self._lock:
            paths, self._pending = sorted(self._pending), set()
        for collection, folders in self.folders.items():
            mine = [p for p in paths if any(p == f or p.startswith(f.rstrip("/") + "/") for f in folders)]
            if mine:
                self.changed.emit(collection, mine)

    # -- watchdog's thread ---------------------------------------------------------------------------
    def _collect(self, paths: list[str]) -> None:
        with self._lock:
            self._pending.update(paths)
        self._poke.emit()
