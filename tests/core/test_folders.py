"""Watched folders (sillok.service.folders): after files are added, changed and deleted in a remembered
folder, `sillok sync` leaves the index exactly as a fresh ingest of the folder would — compared with
the durability tests' snapshot (documents, chunk texts, keyword rows, names, failures, vectors), also
after SIGKILLs in the middle of a sync. An absent folder (unplugged disk) is reported, nothing removed."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest

from tests.support.durability import (
    _env,
    _write_generated,
    cli,
    kill_loop,
    make_folder,
    mutate,
    problems,
    read_snapshot,
)


def test_sync_leaves_the_index_as_a_fresh_ingest_of_the_folder(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    home, fresh = tmp_path / "home", tmp_path / "fresh"
    _rc, out, _ = cli(["folders", "add", str(folder)], _env(home))
    assert "watching" in out
    _rc, out, _ = cli(["folders", "--json"], _env(home))
    assert json.loads(out) == [{"path": str(folder.resolve()), "available": True}]
    what = mutate(folder)
    _rc, out, _ = cli(["sync"], _env(home))
    assert f"- {what['deleted'].resolve()} (removed)" in out
    assert f"+ {what['added'].resolve()} (indexed)" in out and f"+ {what['changed'].resolve()} (updated)" in out
    assert "default: 1 new, 1 changed, 1 removed" in out
    cli(["ingest", str(folder)], _env(fresh))
    found = problems(read_snapshot(home), read_snapshot(fresh))
    assert not found, "\n".join(found[:40])
    _rc, out, _ = cli(["sync"], _env(home))  # nothing left to do
    assert "0 new, 0 changed, 0 removed" in out


@pytest.mark.slow
def test_sync_killed_with_sigkill_still_converges(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, n=40)
    home, fresh = tmp_path / "home", tmp_path / "fresh"
    cli(["folders", "add", str(folder)], _env(home))
    rng = random.Random(3)
    for p in sorted(folder.rglob("doc-*"))[::3]:
        p.unlink()
    for i in range(20):
        _write_generated(folder / f"late-{i:02d}.md", 600 + i, rng)
    log = kill_loop(["sync"], home, _env(home), delay=lambda i: 4.0 + rng.random() * 8, half_done=lambda: False,
                    kills=5)
    print(log.line("sync"))
    cli(["sync"], _env(home))
    cli(["ingest", str(folder)], _env(fresh))
    found = problems(read_snapshot(home), read_snapshot(fresh))
    assert not found, "\n".join(found[:40])


def test_an_absent_folder_is_reported_and_nothing_is_removed(svc, tmp_path: Path) -> None:
    from sillok.service.folders import FolderList, sync

    folder = make_folder(tmp_path, n=4)
    listed = FolderList(svc.settings.home)
    listed.add("default", folder)
    first = sync(svc, "default")
    assert sum(f.status == "indexed" for f in first.files) == 4 and not first.unavailable
    away = tmp_path / "unplugged"
    folder.rename(away)  # the USB disk is gone
    report = sync(svc, "default")
    assert report.unavailable == [str(folder.resolve())] and not report.removed
    assert len(svc.documents("default")) == 4
    # An unmounted mount point: the folder is there but empty, on another device than when added.
    folder.mkdir()
    data = json.loads(listed.file.read_text(encoding="utf-8"))
    data["default"][0]["dev"] = os.stat(folder).st_dev + 1
    listed.file.write_text(json.dumps(data), encoding="utf-8")
    report = sync(svc, "default")
    assert report.unavailable and not report.removed and len(svc.documents("default")) == 4
    # Plugged in again (files back, the share remounted with a new device number): synced, not lost.
    folder.rmdir()
    shutil.move(str(away), str(folder))
    report = sync(svc, "default")
    assert not report.unavailable and not report.changed and len(svc.documents("default")) == 4


def test_paths_sync_and_forgetting_a_folder(svc, tmp_path: Path) -> None:
    """What the window's watcher calls: only the paths it saw change; removing the folder forgets it."""
    from sillok.service.folders import FolderList, sync, sync_paths

    folder = make_folder(tmp_path, n=4)
    listed = FolderList(svc.settings.home)
    listed.add("default", folder)
    sync(svc, "default")
    what = mutate(folder)
    paths = [str(p) for p in what.values()] + [str(folder / ".trash" / "doc-hidden.md"), str(tmp_path / "elsewhere.md")]
    report = sync_paths(svc, "default", paths)
    status = {Path(f.path).name: f.status for f in report.files}
    assert status == {what["changed"].name: "updated", what["deleted"].name: "removed", "doc-new.md": "indexed"}
    names = sorted(Path(d.source).name for d in svc.documents("default"))
    assert names == sorted(p.name for p in folder.rglob("doc-*") if ".trash" not in p.parts)
    listed.rename_collection("default", "renamed")
    assert listed.folders("renamed") == [str(folder.resolve())] and listed.folders("default") == []
    assert listed.remove("renamed", folder) and listed.all() == {}
