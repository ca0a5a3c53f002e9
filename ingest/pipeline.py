"""The ingest pipeline: files → loader → chunks → keyword terms + vectors, incremental and crash-safe.

A file is identified by its absolute path and the SHA-256 of its bytes. Unchanged files are skipped; a
changed file's new version is written as `pending`, embedded, then committed, and only then is the old
version deleted — so a kill at any moment leaves either the old or the new version, never both or none.
`recover()` (run before every job) rolls back `pending` documents and finishes `deleting` ones.
Files are embedded in batches across files, because a batch of one abstract's two chunks wastes the model.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import Cancelled, LoadError
from sillok.foundation.types import Chunk, FileResult, IngestReport, Progress
from sillok.ingest import loaders
from sillok.ingest.analyzer import analyse
from sillok.ingest.chunking import chunk_document
from sillok.ingest.doc_names import document_names
from sillok.ingest.store import COMMITTED, DELETING, DROP_STALE_VECTORS, PENDING, SCRUB, DocRow, Store
from sillok.ingest.vector_index import VectorIndex
from sillok.models.embedding import Embedder

ProgressFn = Callable[[Progress], None]
BATCH_CHUNKS = 256


@dataclass
class _Parsed:
    path: Path
    doc: DocRow
    chunks: list[Chunk]
    replaces: list[str]
    names: list[str]


def expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (folders recursively, supported types only) and results for bad arguments."""
    files: list[Path] = []
    bad: list[FileResult] = []
    for raw in paths:
        p = Path(raw).expanduser().resolve()
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    if loaders.is_supported(f):
                        files.append(f)
        elif p.is_file():
            files.append(p)
        else:
            bad.append(FileResult(str(p), "failed", "no such file or folder"))
    seen: set[Path] = set()
    return [f for f in files if not (f in seen or seen.add(f))], bad


def context_header(chunk: Chunk) -> str:
    """Document title and heading path, prepended to the text that is embedded and keyword-indexed.

    A clause rarely names its contract and a paragraph rarely names its statute; the header lets a
    question that names the document ("Consider the Franchise Agreement…", "가사소송법상…") find it.
    """
    return _header(chunk.title, chunk.heading, chunk.article, chunk.text)


def _header(title: str, heading: str, article: str | None, text: str) -> str:
    parts: list[str] = []
    for part in (title, heading, article or ""):
        part = part.strip()
        if part and part not in parts and part not in text[:200]:
            parts.append(part)
    return " · ".join(parts)


def indexed_text(chunk: Chunk) -> str:
    return _with_header(chunk.title, chunk.heading, chunk.article, chunk.text)


def _with_header(title: str, heading: str, article: str | None, text: str) -> str:
    header = _header(title, heading, article, text)
    return f"{header}\n{text}" if header else text


def _title_for(path: Path, title: str) -> str:
    stem = path.stem.replace("_", " ").strip()
    if not title or title == path.stem:
        return stem
    return title if stem.lower() in title.lower() else f"{title} ({stem})"


class Pipeline:
    def __init__(self, store: Store, vectors: VectorIndex, embedder: Embedder, chunk_size: int = 900,
                 chunk_min: int = 200, max_file_bytes: int = 200 * 1024 * 1024) -> None:
        self.store, self.vectors, self.embedder = store, vectors, embedder
        self.chunk_size, self.chunk_min, self.max_file_bytes = chunk_size, chunk_min, max_file_bytes

    # -- consistency ----------------------------------------------------------------------------
    def recover(self, cid: int) -> int:
        """Roll back half-written documents and finish half-done deletions and re-embeddings (a kill
        between recording the new embedding key and dropping the old vector set left that set behind)
        and removals (a kill before the keyword index was scrubbed); returns the documents fixed."""
        fixed = 0
        for doc in self.store.documents(cid, state=PENDING) + self.store.documents(cid, state=DELETING):
            self._delete(cid, doc.doc_id)
            fixed += 1
        if self.store.marked(cid, SCRUB):
            self.store.scrub(cid)
        self._drop_stale_vectors(cid)
        return fixed

    def _delete(self, cid: int, doc_id: str) -> None:
        self.store.set_state(cid, [doc_id], DELETING)
        for k in {self.store.embedding_key(cid) or "", self.embedder.key} - {""}:
            self.vectors.delete_doc(cid, k, doc_id)
        self.store.delete_document(cid, doc_id)

    def remove(self, cid: int, source: str) -> int:
        """Delete every version of `source` from every index; returns the number of documents removed."""
        self.recover(cid)
        docs = self.store.documents(cid, source=source)
        if docs:
            self.store.mark(cid, SCRUB)
        for doc in docs:
            self._delete(cid, doc.doc_id)
        self.store.clear_failure(cid, source)
        if docs:
            self.store.scrub(cid)
        return len(docs)

    def ensure_embeddings(self, cid: int, progress: ProgressFn | None = None,
                          cancel: CancelToken | None = None) -> int:
        """Re-embed the collection when the embedding model changed; returns chunks embedded."""
        current = self.store.embedding_key(cid)
        if current is None or current == self.embedder.key:
            if current:
                self._drop_stale_vectors(cid)
            return 0
        _, total = self.store.counts(cid)
        if total == 0:
            self._switch_key(cid)
            return 0
        done = 0
        start = time.monotonic()
        for batch in self.store.iter_chunks(cid):
            if cancel:
                cancel.check()
            # The very text ingest embeds (indexed_text): re-embedded vectors equal a fresh ingest's.
            texts = [_with_header(title, heading, article, text) for *_, text, title, heading, article in batch]
            vecs = self.embedder.embed_passages(texts)
            self.vectors.upsert(cid, self.embedder.key, [b[0] for b in batch], [b[2] for b in batch], vecs)
            done += len(batch)
            if progress:
                rate = done / max(time.monotonic() - start, 1e-6)
                progress(Progress("re-embedding", 0, 0, done, "", (total - done) / rate))
        self._switch_key(cid)
        return done

    def _switch_key(self, cid: int) -> None:
        """Record the new embedding key, then drop the other vector sets; a kill in between is finished
        by `_drop_stale_vectors` on the next start (the mark is written with the key, atomically)."""
        with self.store.tx():
            self.store.set_embedding(cid, self.embedder.key, self.embedder.name)
            self.store.mark(cid, DROP_STALE_VECTORS)
        self._drop_stale_vectors(cid)

    def _drop_stale_vectors(self, cid: int) -> None:
        if self.store.marked(cid, DROP_STALE_VECTORS):
            current = self.store.embedding_key(cid)
            if current:
                self.vectors.drop(cid, keep_key=current)
            self.store.done(cid, DROP_STALE_VECTORS)

    # -- ingest ---------------------------------------------------------------------------------
    def ingest(self, cid: int, paths: Iterable[str | Path], progress: ProgressFn | None = None,
               cancel: CancelToken | None = None) -> IngestReport:
        t0 = time.monotonic()
        cancel = cancel or CancelToken()
        report = IngestReport()
        self.recover(cid)
        try:
            self.ensure_embeddings(cid, progress, cancel)
        except Cancelled:
            report.cancelled = True
            return report
        files, bad = expand(paths)
        report.files.extend(bad)
        total = len(files)
        batch: list[_Parsed] = []
        chunks_done = 0

        def emit(i: int, current: str) -> None:
            if progress:
                elapsed = time.monotonic() - t0
                eta = elapsed / i * (total - i) if i else None
                progress(Progress("ingest", i, total, chunks_done, current, eta))

        try:
            for i, path in enumerate(files):
                cancel.check()
                emit(i, str(path))
                parsed = self._parse(cid, path, report)
                if parsed is not None:
                    batch.append(parsed)
                if sum(len(p.chunks) for p in batch) >= BATCH_CHUNKS:
                    chunks_done += self._commit(cid, batch, report, cancel)
                    batch = []
            chunks_done += self._commit(cid, batch, report, cancel)
            emit(total, "")
        except Cancelled:
            report.cancelled = True
            self.recover(cid)
        report.seconds = time.monotonic() - t0
        return report

    def _parse(self, cid: int, path: Path, report: IngestReport) -> _Parsed | None:
        source = str(path)
        try:
            size = path.stat().st_size
            if size > self.max_file_bytes:
                raise LoadError(path, f"too large ({size / 2**20:.0f} MB > limit {self.max_file_bytes / 2**20:.0f} MB)")
            data = path.read_bytes()
        except LoadError as exc:
            return self._fail(cid, source, exc.status, exc.reason, report)
        except OSError as exc:
            return self._fail(cid, source, "failed", f"cannot read file ({exc.strerror or exc})", report)
        sha = hashlib.sha256(data).hexdigest()
        existing = self.store.documents(cid, source=source, state=COMMITTED)
        if any(d.sha256 == sha for d in existing):
            report.files.append(FileResult(source, "unchanged", "already indexed", existing[0].chunks, existing[0].pages))
            return None
        try:
            doc = loaders.load(path, max_bytes=self.max_file_bytes)
        except LoadError as exc:
            # A changed file that no longer loads keeps its last good version in the index.
            return self._fail(cid, source, exc.status, exc.reason, report)
        except Exception as exc:  # noqa: BLE001 - one bad file must never stop the batch
            return self._fail(cid, source, "failed", f"unexpected error while reading ({type(exc).__name__}: {exc})", report)
        doc_id = hashlib.sha1(f"{cid}|{source}|{sha}".encode()).hexdigest()[:16]
        title = _title_for(path, doc.title)
        chunks = chunk_document(replace(doc, title=title), doc_id, self.chunk_size, self.chunk_min)
        if not chunks:
            return self._fail(cid, source, "failed", "no text found", report)
        row = DocRow(cid, doc_id, source, sha, size, PENDING, title, doc.format,
                     len(doc.pages), len(chunks), time.time())
        names = document_names(path, title, doc.pages[0].text)
        return _Parsed(path, row, chunks, [d.doc_id for d in existing], names)

    def _fail(self, cid: int, source: str, status: str, reason: str, report: IngestReport) -> None:
        self.store.record_failure(cid, source, status, reason)
        report.files.append(FileResult(source, status, reason))
        return None

    def _commit(self, cid: int, batch: list[_Parsed], report: IngestReport, cancel: CancelToken) -> int:
        if not batch:
            return 0
        key = self.embedder.key
        all_rowids: list[int] = []
        texts: list[str] = []
        doc_ids: list[str] = []
        with self.store.tx():
            for p in batch:
                terms = [" ".join(analyse(indexed_text(c))) for c in p.chunks]
                all_rowids += self.store.add_pending(cid, p.doc, p.chunks, terms, p.names)
                texts += [indexed_text(c) for c in p.chunks]
                doc_ids += [c.doc_id for c in p.chunks]
        step = self.embedder.batch_size * 4
        for i in range(0, len(texts), step):
            cancel.check()
            vecs = self.embedder.embed_passages(texts[i : i + step])
            self.vectors.upsert(cid, key, all_rowids[i : i + step], doc_ids[i : i + step], vecs)
        with self.store.tx():
            self.store.set_state(cid, [p.doc.doc_id for p in batch], COMMITTED)
            for p in batch:
                self.store.set_state(cid, p.replaces, DELETING)
                self.store.clear_failure(cid, p.doc.source)
            if not self.store.embedding_key(cid):
                self.store.set_embedding(cid, key, self.embedder.name)
        for p in batch:
            for old in p.replaces:
                self._delete(cid, old)
            status = "updated" if p.replaces else "indexed"
            report.files.append(FileResult(p.doc.source, status, "", len(p.chunks), p.doc.pages))
        return len(texts)

