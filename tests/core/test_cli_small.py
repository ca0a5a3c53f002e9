"""The small things of the command line: `search --source` takes a bare file name or a path relative to
the current folder; ingest output starts with our lines, not pypdf's "invalid pdf header"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.durability import _env


def run(args: list[str], home: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sillok.app.cli", *args], env=_env(home), cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_source_by_name_or_relative_path_and_clean_ingest_output(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for sub in ("a", "b"):
        (docs / sub).mkdir(parents=True)
        (docs / sub / "same.txt").write_text(f"The lease of office {sub} ends in March.\n", encoding="utf-8")
    (docs / "a" / "lease.txt").write_text("The lease of the Seoul office ends on 31 March 2027.\n", encoding="utf-8")
    (docs / "bad.pdf").write_bytes(b"hello, not a pdf")
    home = tmp_path / "home"
    out = run(["ingest", str(docs)], home, tmp_path)
    assert out.returncode == 1  # one file failed
    assert out.stderr.splitlines()[0].startswith("✗ ") and "invalid pdf header" not in out.stderr
    assert "EOF marker" not in out.stderr
    hits = json.loads(run(["search", "lease office", "--source", "lease.txt", "--json"], home, tmp_path).stdout)
    assert hits and {Path(h["source"]).name for h in hits} == {"lease.txt"}
    rel = run(["search", "lease office", "--source", "a/same.txt", "--json"], home, docs)  # relative to cwd
    assert {h["source"] for h in json.loads(rel.stdout)} == {str((docs / "a" / "same.txt").resolve())}
    both = run(["search", "lease", "--source", "same.txt"], home, tmp_path)
    assert both.returncode == 2 and "names 2 documents" in both.stderr
    none = run(["search", "lease", "--source", "nothing.txt"], home, tmp_path)
    assert none.returncode == 2 and "no document of collection 'default' is named so" in none.stderr


def test_a_non_commercial_model_is_not_downloaded_without_accepting_its_licence(tmp_path: Path) -> None:
    out = run(["models", "download", "EXAONE-3.5-2.4B-Instruct"], tmp_path / "home", tmp_path)
    assert out.returncode == 2 and "--accept-licence" in out.stderr and "non-commercial" in out.stderr
    assert not (tmp_path / "home" / "models").exists() or not any((tmp_path / "home" / "models").iterdir())
