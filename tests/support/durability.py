"""Kill -9 durability helpers shared by tests: a generated corpus, the real CLI in a subprocess, a kill
loop, and `problems()` — what a data folder holds that a clean ingest would not (documents, chunks,
keyword rows, names, failures, vector sets), read by raw sqlite3 + chromadb in a fresh process.

Used by tests/core/test_durability.py (ingest/remove/re-embed kill loops) and the folder-sync tests.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tests.support.paths import REPO, SHARED

KILLS = int(os.environ.get("SILLOK_KILLS", "20"))
N_FILES = 200
SEED = 8_2024
REMOVED_DIR = "sub"  # the folder the remove test removes (70 of the 200 files)
MAX_SEQ_AFTER = 64  # the re-embed test changes embedding_max_seq_length 512 → 64 (a new embedding key)

# -- the corpus --------------------------------------------------------------------------------------

KO = ("근로계약", "임금", "야간근로", "휴게시간", "연차휴가", "해고예고", "취업규칙", "퇴직금", "사용자",
      "근로자", "수당", "통상임금", "계약기간", "진료기록", "환자", "처방", "보호자", "동의서", "개인정보",
      "보관기간", "열람", "정정", "위임", "대리인", "소송", "합의", "손해배상", "지연이자", "이행", "해지")
EN = ("agreement", "party", "licensee", "warranty", "indemnify", "term", "renewal", "notice", "patient",
      "dosage", "follow-up", "consent", "record", "retention", "confidential", "breach", "remedy",
      "invoice", "payment", "schedule", "clinic", "referral", "diagnosis", "insurance", "liability")


def marker(i: int) -> str:
    """A unique lower-case word per generated file ('zx' + three letters + 'vault'): found by raw scans."""
    s, n = "", i
    for _ in range(3):
        s, n = s + chr(97 + n % 26), n // 26
    return f"zx{s}vault"


def _sentence(rng: random.Random, ko: bool) -> str:
    if ko:
        words = rng.sample(KO, rng.randint(4, 9))
        return " ".join(words[:-1]) + f"에 관하여 {words[-1]}을 정한다."
    words = rng.sample(EN, rng.randint(5, 11))
    return (" ".join(words)).capitalize() + "."


def _paragraphs(rng: random.Random, ko: bool, n: int) -> list[str]:
    return [" ".join(_sentence(rng, ko) for _ in range(rng.randint(1, 8))) for _ in range(n)]


def _write_generated(path: Path, i: int, rng: random.Random) -> None:
    ko = rng.random() < 0.6
    paras = _paragraphs(rng, ko, rng.choice([1, 1, 2, 3, 5, 8, 13]))
    paras[rng.randrange(len(paras))] += f" {marker(i)} 식별번호 {i:04d}."
    kind = path.suffix
    if kind == ".md":
        body = [f"# {'규정' if ko else 'Policy'} {i}"]
        for n, p in enumerate(paras, 1):
            body.append(f"제{n}조({KO[n % len(KO)]}) {p}" if ko else f"## Section {n}\n\n{p}")
        path.write_text("\n\n".join(body) + "\n", encoding="utf-8")
    elif kind == ".html":
        cells = "".join(f"<tr><td>{rng.choice(EN)}</td><td>{rng.randint(1, 999)}</td></tr>" for _ in range(3))
        ps = "".join(f"<h2>Part {n}</h2><p>{p}</p>" for n, p in enumerate(paras, 1))
        path.write_text(f"<html><head><title>Memo {i}</title><script>var x = 1;</script></head><body>"
                        f"<nav>menu</nav><h1>Memo {i}</h1>{ps}<table>{cells}</table></body></html>",
                        encoding="utf-8")
    elif ko and rng.random() < 0.3:
        path.write_bytes("\n\n".join(paras).encode("cp949"))  # offices still save CP949 text
    else:
        path.write_text("\n\n".join(paras) + "\n", encoding="utf-8")


REAL = (  # (folder under ../shared, file name): a few real files of each kind, where present
    ("eval/pubmedqa/docs", "pmid-10135926.txt"), ("eval/pubmedqa/docs", "pmid-10158597.txt"),
    ("eval/pubmedqa/docs", "pmid-10173769.txt"), ("eval/ko-statutes/docs", "중재법.txt"),
    ("eval/ko-statutes/docs", "국유재산법.md"), ("eval/ko-statutes/docs", "파견근로자 보호 등에 관한 법률.md"),
    ("eval/cuad-contracts/docs", "PACIFICSYSTEMSCONTROLTECHNOLOGYINC_08_24_2000-EX-10.53-SPONSORSHIP AGREEMENT.txt"),
    ("eval/cuad-contracts-pdf/docs",
     "PACIFICSYSTEMSCONTROLTECHNOLOGYINC_08_24_2000-EX-10.53-SPONSORSHIP AGREEMENT.pdf"),
    ("samples/hwp", "changing-paragraph-text.hwp"), ("samples/hwpx", "reader_writer_SimpleTable.hwpx"),
    ("samples/hwp", "blank.hwp"),  # no text: must fail the same way in every run
)


def make_corpus(folder: Path, seed: int = SEED) -> list[Path]:
    """200 files: real ones copied from ../shared (when present), the rest generated; 70 under sub/."""
    rng = random.Random(seed)
    files: list[Path] = []
    (folder / "real").mkdir(parents=True)
    for sub, name in REAL:
        src = SHARED / sub / name
        if src.is_file():
            dst = folder / "real" / name
            shutil.copyfile(src, dst)
            files.append(dst)
    for i in range(N_FILES - len(files)):
        where = folder / (REMOVED_DIR if i % 17 < 6 or i < 10 else "a") / f"g{i // 50}"
        where.mkdir(parents=True, exist_ok=True)
        path = where / f"doc-{i:03d}{rng.choice(['.md', '.md', '.txt', '.txt', '.html'])}"
        _write_generated(path, i, rng)
        files.append(path)
    return files


# -- running the CLI ---------------------------------------------------------------------------------

def _env(home: Path, **settings: Any) -> dict[str, str]:
    env = {**os.environ, "SILLOK_HOME": str(home), "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    env.update({f"SILLOK_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def cli(args: list[str], env: dict[str, str], timeout: float = 900) -> tuple[int, str, float]:
    """Run `sillok ARGS` to the end; returns (exit code, stdout, wall seconds)."""
    t0 = time.monotonic()
    res = subprocess.run([sys.executable, "-m", "sillok.app.cli", *args], env=env, capture_output=True, text=True,
                         timeout=timeout, check=False)
    wall = time.monotonic() - t0
    assert res.returncode in (0, 1), f"sillok {' '.join(args)} → {res.returncode}\n{res.stderr[-3000:]}"
    return res.returncode, res.stdout, wall


@dataclass
class KillLog:
    """What a kill loop did: the figures the report gives."""

    kills: int = 0  # SIGKILLs delivered to a running process
    wrote: int = 0  # … of which after the run had changed the index (the rest hit start-up)
    half: int = 0  # … and left a half-done state (documents pending/deleting, key not yet switched)
    finished_first: int = 0  # runs that ended before their kill moment
    moments: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def line(self, what: str) -> str:
        ms = sorted(self.moments)
        return (f"{what}: {self.kills} kills survived ({self.wrote} after the run had written to the index, "
                f"{self.half} of them leaving it half-done), {self.finished_first} runs finished before their kill, "
                f"kill moments {ms[0] if ms else 0:.1f}–{ms[-1] if ms else 0:.1f}s after start, "
                f"{self.seconds:.0f}s in all")


def kill_loop(args: list[str], home: Path, env: dict[str, str] | Callable[[], dict[str, str]],
              delay: Callable[[int], float], half_done: Callable[[], bool], kills: int = KILLS,
              finished: Callable[[], None] | None = None) -> KillLog:
    """Start `sillok ARGS`, SIGKILL it after `delay(i)` seconds, start it again … until `kills` kills
    have hit a running process. `env` may be a function (read before each start); `finished` is called
    when a run ends before its kill."""
    log = KillLog()
    t0 = time.monotonic()
    runs = 0
    while log.kills < kills and runs < 3 * kills:
        moment = delay(log.kills)
        before = fingerprint(home)
        runs += 1
        proc = subprocess.Popen([sys.executable, "-m", "sillok.app.cli", *args], env=env() if callable(env) else env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=moment)
            log.finished_first += 1
            if finished is not None:
                finished()
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            log.kills += 1
            log.moments.append(moment)
            wrote = fingerprint(home) != before
            log.wrote += wrote
            log.half += wrote and half_done()
    log.seconds = time.monotonic() - t0
    return log


def first_write(args: list[str], env: dict[str, str], home: Path,
                progress: Callable[[Path], Any] | None = None) -> tuple[float, float]:
    """Run `sillok ARGS` to the end; returns (seconds until `progress(home)` first changed — by default
    the index's fingerprint —, wall seconds)."""
    progress = progress or fingerprint
    before = progress(home)
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "sillok.app.cli", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    first = None
    while proc.poll() is None:
        if first is None and progress(home) != before:
            first = time.monotonic() - t0
        time.sleep(0.05)
    wall = time.monotonic() - t0
    assert proc.returncode in (0, 1), f"sillok {' '.join(args)} → {proc.returncode}"
    return (first if first is not None else wall), wall


def fingerprint(home: Path) -> tuple[Any, ...]:
    """What a run changes in the index: documents per state, chunks, key, unfinished tasks, and the
    last sequence number of Chroma's write log (every vector written or deleted advances it)."""
    out: list[Any] = []
    for path, sql in ((home / "sillok.db", "SELECT (SELECT group_concat(state || count) FROM (SELECT state, "
                       "COUNT(*) AS count FROM documents GROUP BY state)), (SELECT COUNT(*) FROM chunks), "
                       "(SELECT group_concat(embedding_key) FROM collections), (SELECT COUNT(*) FROM unfinished)"),
                      (home / "chroma" / "chroma.sqlite3", "SELECT MAX(seq_id) FROM embeddings_queue")):
        if not path.exists():
            out.append(None)
            continue
        with sqlite3.connect(path, timeout=30) as db:
            try:
                out.append(tuple(db.execute(sql).fetchone()))
            except sqlite3.OperationalError:
                out.append(None)
    return tuple(out)


def _db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "sillok.db", timeout=30)


def committed_fraction(home: Path, expected: int) -> float:
    if not (home / "sillok.db").exists():
        return 0.0
    with _db(home) as db:
        try:
            n = db.execute("SELECT COUNT(*) FROM documents WHERE state='committed'").fetchone()[0]
        except sqlite3.OperationalError:
            n = 0
    return min(1.0, n / max(expected, 1))


def unfinished_documents(home: Path) -> int:
    if not (home / "sillok.db").exists():
        return 0
    with _db(home) as db:
        try:
            return int(db.execute("SELECT COUNT(*) FROM documents WHERE state!='committed'").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


# -- the consistency helper --------------------------------------------------------------------------

def snapshot(home: Path) -> dict[str, Any]:
    """Everything the collection holds, read by raw sqlite3 and chromadb (call in a fresh process)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    db = sqlite3.connect(home / "sillok.db")
    cols = db.execute("SELECT id, name, embedding_key, embedding_model FROM collections").fetchall()
    assert len(cols) == 1, cols
    cid, name, key, model = cols[0]
    chunks = db.execute("SELECT rowid, chunk_id, doc_id, ordinal, text FROM chunks WHERE collection_id=? "
                        "ORDER BY doc_id, ordinal", (cid,)).fetchall()
    snap: dict[str, Any] = {
        "collection": [name, key, model],
        "documents": [list(r) for r in db.execute(
            "SELECT source, doc_id, sha256, state, chunks, pages, title FROM documents WHERE collection_id=?"
            " ORDER BY source, doc_id", (cid,))],
        "chunks": [[r[0], r[1], r[2], r[3], _h(r[4])] for r in chunks],
        "fts": [[r[0], _h(r[1])] for r in db.execute(f"SELECT rowid, terms FROM fts_{cid} ORDER BY rowid")],
        "names": sorted([r[0], r[1]] for r in db.execute(
            "SELECT doc_id, name FROM doc_names WHERE collection_id=?", (cid,))),
        "failures": sorted([r[0], r[1]] for r in db.execute(
            "SELECT source, status FROM failures WHERE collection_id=?", (cid,))),
        "unfinished": sorted(r[0] for r in db.execute("SELECT task FROM unfinished WHERE collection_id=?", (cid,))),
        "vector_sets": {},
    }
    db.close()
    client = chromadb.PersistentClient(path=str(home / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    for col in client.list_collections():
        col_name = col if isinstance(col, str) else col.name
        got = client.get_collection(col_name).get(include=["metadatas", "embeddings"])
        snap["vector_sets"][col_name] = {
            i: [m.get("doc_id") if m else None, [round(float(x), 5) for x in e]]
            for i, m, e in zip(got["ids"], got["metadatas"], got["embeddings"], strict=True)
        }
    return snap


def _h(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def read_snapshot(home: Path) -> dict[str, Any]:
    """snapshot() in a fresh interpreter: no Chroma client of this process caches the folder."""
    res = subprocess.run([sys.executable, "-m", "tests.support.durability", str(home)], cwd=REPO,
                         env=_env(home), capture_output=True, text=True, timeout=600, check=False)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout)


def problems(snap: dict[str, Any], ref: dict[str, Any] | None = None) -> list[str]:
    """What is inconsistent in `snap`, and (with `ref`) how it differs from the clean collection."""
    out: list[str] = []
    _name, key, _model = snap["collection"]
    docs = snap["documents"]
    by_doc = {d[1]: d for d in docs}
    sources = [d[0] for d in docs]
    out += [f"duplicate documents for {s}" for s in sorted({s for s in sources if sources.count(s) > 1})]
    out += [f"document {d[0]} is {d[3]}, not committed" for d in docs if d[3] != "committed"]
    per_doc: dict[str, list[list[Any]]] = {}
    for c in snap["chunks"]:
        per_doc.setdefault(c[2], []).append(c)
    out += [f"orphan chunks of unknown doc_id {d} ({len(cs)})" for d, cs in per_doc.items() if d not in by_doc]
    for d in docs:
        have = len(per_doc.get(d[1], []))
        if have != d[4]:
            out.append(f"{d[0]}: manifest says {d[4]} chunks, chunk table holds {have}")
    rowid_doc = {c[0]: c[2] for c in snap["chunks"]}
    fts = {r[0] for r in snap["fts"]}
    if orphan := sorted(fts - set(rowid_doc)):
        out.append(f"{len(orphan)} orphan keyword-index rows (rowids {orphan[:5]}…)")
    if missing := sorted(set(rowid_doc) - fts):
        out.append(f"{len(missing)} chunks missing from the keyword index (rowids {missing[:5]}…)")
    out += [f"document name {n!r} of unknown doc_id {d}" for d, n in snap["names"] if d not in by_doc]
    indexed = set(sources)
    out += [f"{s} is both indexed and recorded as {st}" for s, st in snap["failures"] if s in indexed]
    out += [f"unfinished task left behind: {t}" for t in snap.get("unfinished", [])]
    sets = snap["vector_sets"]
    wanted = f"sillok-1-{key}"
    out += [f"orphan Chroma collection {n} ({len(v)} vectors; current key {key})" for n, v in sets.items()
            if n != wanted]
    vecs = sets.get(wanted, {})
    if docs and not vecs:
        out.append(f"no vectors for the current key {key}")
    ids = {int(i) for i in vecs}
    if orphan := sorted(ids - set(rowid_doc)):
        out.append(f"{len(orphan)} orphan vectors in Chroma (ids {orphan[:5]}…)")
    if missing := sorted(set(rowid_doc) - ids):
        out.append(f"{len(missing)} chunks without a vector (rowids {missing[:5]}…)")
    wrong = [i for i, (doc, _) in vecs.items() if int(i) in rowid_doc and rowid_doc[int(i)] != doc]
    if wrong:
        out.append(f"{len(wrong)} vectors carry another document's doc_id (ids {wrong[:5]}…)")
    counts: dict[str | None, int] = {}
    for doc, _ in vecs.values():
        counts[doc] = counts.get(doc, 0) + 1
    for d in docs:
        if counts.get(d[1], 0) != d[4]:
            out.append(f"{d[0]}: {counts.get(d[1], 0)} vectors in Chroma for {d[4]} chunks")
    if ref is not None:
        out += [f"reference: {p}" for p in problems(ref)]
        out += _differences(snap, ref)
    return out


def _by_chunk(snap: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """chunk_id → its text hash, keyword terms hash and vector (rowids differ between folders)."""
    terms = {r[0]: r[1] for r in snap["fts"]}
    vecs = snap["vector_sets"].get(f"sillok-1-{snap['collection'][1]}", {})
    return {c[1]: {"text": c[4], "terms": terms.get(c[0]), "vec": vecs.get(str(c[0]), [None, None])[1]}
            for c in snap["chunks"]}


def _differences(snap: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if snap["collection"][1:] != ref["collection"][1:]:
        out.append(f"embedding key/model {snap['collection'][1:]} ≠ clean {ref['collection'][1:]}")
    mine = {d[0]: d for d in snap["documents"]}
    theirs = {d[0]: d for d in ref["documents"]}
    out += [f"extra document {s}" for s in sorted(set(mine) - set(theirs))]
    out += [f"missing document {s}" for s in sorted(set(theirs) - set(mine))]
    for s in sorted(set(mine) & set(theirs)):
        a, b = mine[s], theirs[s]
        if a[1:3] != b[1:3]:
            out.append(f"{s}: doc_id/sha {a[1:3]} ≠ clean {b[1:3]}")
        if a[4] != b[4]:
            out.append(f"{s}: {a[4]} chunks ≠ clean {b[4]}")
        if a[5:] != b[5:]:
            out.append(f"{s}: pages/title {a[5:]} ≠ clean {b[5:]}")
    if snap["failures"] != ref["failures"]:
        out.append(f"failures {snap['failures']} ≠ clean {ref['failures']}")
    if snap["names"] != ref["names"]:
        out.append("document names differ from the clean run's")
    a, b = _by_chunk(snap), _by_chunk(ref)
    if set(a) != set(b):
        out.append(f"chunk ids differ: {len(set(a) - set(b))} extra, {len(set(b) - set(a))} missing")
    far = []
    for cid in sorted(set(a) & set(b)):
        if a[cid]["text"] != b[cid]["text"]:
            out.append(f"chunk {cid}: text differs from the clean run's")
        if a[cid]["terms"] != b[cid]["terms"]:
            out.append(f"chunk {cid}: keyword terms differ from the clean run's")
        if a[cid]["vec"] is not None and b[cid]["vec"] is not None and _cos(a[cid]["vec"], b[cid]["vec"]) < 0.999:
            far.append(cid)
    if far:
        out.append(f"{len(far)} vectors differ from the clean run's (cos < 0.999), e.g. {far[:3]}")
    return out


def _cos(a: list[float], b: list[float]) -> float:
    x, y = np.asarray(a), np.asarray(b)
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y) + 1e-12))


def assert_same(home: Path, ref: dict[str, Any]) -> dict[str, Any]:
    snap = read_snapshot(home)
    found = problems(snap, ref)
    assert not found, f"{len(found)} differences from the clean collection:\n" + "\n".join(found[:60])
    # What anyone can check by hand: `sillok collections --json`.
    _rc, out, _wall = cli(["collections", "--json"], _env(home))
    assert json.loads(out) == [{"name": "default", "documents": len(ref["documents"]),
                                "chunks": sum(d[4] for d in ref["documents"]), "embedding_model": ref["collection"][2]}]
    return snap


def holding(home: Path, words: list[str]) -> list[str]:
    """Files under `home` (the audit log aside) whose bytes contain any of `words`."""
    needles = [w.encode() for w in words]
    out = []
    for p in sorted(home.rglob("*")):
        if p.is_file() and "audit" not in p.relative_to(home).parts:
            data = p.read_bytes()
            hits = [n.decode() for n in needles if n in data]
            if hits:
                out.append(f"{p.relative_to(home)}: {len(hits)} markers, e.g. {hits[:3]}")
    return out


# -- the tests ---------------------------------------------------------------------------------------



# -- a watched folder that changes (tests/core/test_folders.py, tests/desktop/test_watch.py) ---------

def make_folder(root: Path, n: int = 12, seed: int = 5) -> Path:
    rng = random.Random(seed)
    folder = root / "matter"
    for i in range(n):
        where = folder / ("sub" if i % 3 == 0 else "")
        where.mkdir(parents=True, exist_ok=True)
        _write_generated(where / f"doc-{i:02d}{rng.choice(['.md', '.txt', '.html'])}", i, rng)
    (folder / "notes.xyz").write_text("not a supported type")  # ingest skips it; so must sync
    return folder


def mutate(folder: Path) -> dict[str, Path]:
    """Add one file, change one, delete one, delete a subfolder's file and hide one in a dot-folder."""
    rng = random.Random(99)
    files = sorted(p for p in folder.rglob("doc-*"))
    changed, deleted = files[1], files[2]
    _write_generated(changed, 500, rng)  # new text and a new marker word
    deleted.unlink()
    added = folder / "sub" / "doc-new.md"
    _write_generated(added, 501, rng)
    (folder / ".trash").mkdir()
    _write_generated(folder / ".trash" / "doc-hidden.md", 502, rng)
    return {"changed": changed, "deleted": deleted, "added": added}



if __name__ == "__main__":  # read_snapshot's subprocess
    print(json.dumps(snapshot(Path(sys.argv[1]))))
