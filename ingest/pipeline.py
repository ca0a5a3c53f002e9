"""The ingest pipeline: files → loader → chunks → keyword terms → the collection's index → vectors.

One path for every collection: the storage behind `CollectionIndex` (this computer or the office server)
is the only difference. A file is identified by its absolute path and the SHA-256 of its bytes;
unchanged files are skipped; a changed file's new version replaces the old one atomically (the index's
`add`); a file that fails is reported with its reason and the batch goes on — a changed file that no
longer loads keeps its last good version. Files are written in batches across files, because a batch of
one abstract's two chunks wastes the embedding model.

Vectors: the office index stores a chunk with its vector, so they are made before `add`; on this
computer the keyword side is committed first (searchable at once) and the vectors follow
(`embed_pending`), so a slow embedder never keeps a file from being found.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import Cancelled, LoadError
from sillok.foundation.protocols import Embedder
from sillok.foundation.types import Document, FileResult, IngestReport, Progress
from sillok.ingest import loaders
from sillok.ingest.analyzer import analyse
from sillok.ingest.chunking import chunk_document, indexed_text
from sillok.ingest.doc_names import document_names
from sillok.ingest.index import CollectionIndex, ParsedDoc
from sillok.ingest.loaders.scan import OcrContext

ProgressFn = Callable[[Progress], None]
OcrFactory = Callable[[], OcrContext | None]  # a fresh OCR context per run (None: scans are named "needs OCR")
BATCH_CHUNKS = 256


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


def ocr_note(doc: Document) -> str:
    """What a scanned file's result says: pages read by OCR, their confidence, the pages to check."""
    from sillok.ingest.ocr import LOW_CONFIDENCE

    read = [p for p in doc.ocr if not p.skipped]
    mean = sum(p.confidence for p in read) / len(read) if read else 0.0
    note = f"OCR: {len(doc.ocr)} pages, confidence {mean:.2f}"
    low = [str(p.number) for p in read if p.confidence < LOW_CONFIDENCE]
    skipped = [f"{p.number} ({p.skipped})" for p in doc.ocr if p.skipped]
    if low:
        note += f"; low confidence on p. {', '.join(low)}"
    if skipped:
        note += f"; skipped p. {', '.join(skipped)}"
    return note


def title_for(path: Path, title: str) -> str:
    stem = path.stem.replace("_", " ").strip()
    if not title or title == path.stem:
        return stem
    return title if stem.lower() in title.lower() else f"{title} ({stem})"


class Pipeline:
    def __init__(self, embedder: Embedder, chunk_size: int = 900, chunk_min: int = 200,
                 max_file_bytes: int = 200 * 1024 * 1024, ocr: OcrFactory | None = None) -> None:
        self.embedder = embedder
        self.chunk_size, self.chunk_min, self.max_file_bytes = chunk_size, chunk_min, max_file_bytes
        self.ocr = ocr

    def ingest(self, index: CollectionIndex, paths: Iterable[str | Path], progress: ProgressFn | None = None,
               cancel: CancelToken | None = None, *, vectors: bool = True) -> IngestReport:
        """Ingest files and folders into `index`. `vectors=False` leaves this computer's vectors to a
        later `embed_pending` (the window does that in the background)."""
        t0 = time.monotonic()
        cancel = cancel or CancelToken()
        report = IngestReport()
        index.begin_ingest()
        files, bad = expand(paths)
        report.files.extend(bad)
        total = len(files)
        batch: list[ParsedDoc] = []
        chunks_done = 0
        started: float | None = None
        ocr = self.ocr() if self.ocr else None

        def emit(i: int, current: str) -> None:
            if progress:
                # The estimate starts after the first file: the first one pays for loading the models.
                elapsed = time.monotonic() - (started or t0)
                eta = elapsed / (i - 1) * (total - i) if started and i > 1 else None
                progress(Progress("ingest", i, total, chunks_done, current, eta))

        at = 0  # the file being read now

        def pages(current: str, done: int, of: int) -> None:
            if progress:
                progress(Progress("ocr", at, total, chunks_done, current, None, done, of))

        if ocr is not None:
            ocr.cancel, ocr.progress = cancel, pages
        try:
            for i, path in enumerate(files):
                cancel.check()
                if i == 1:
                    started = time.monotonic()
                at = i
                emit(i, str(path))
                parsed = self._parse(index, path, report, ocr)
                if parsed is not None:
                    batch.append(parsed)
                if sum(len(p.chunks) for p in batch) >= BATCH_CHUNKS:
                    chunks_done += self._commit(index, batch, report, cancel)
                    batch = []
            chunks_done += self._commit(index, batch, report, cancel)
            emit(total, "")
            if vectors:
                self.embed_pending(index, progress, cancel)
        except Cancelled:
            report.cancelled = True
        finally:
            if ocr is not None:
                ocr.close()
        report.seconds = time.monotonic() - t0
        return report

    def embed_pending(self, index: CollectionIndex, progress: ProgressFn | None = None,
                      cancel: CancelToken | None = None) -> int:
        return index.embed_pending(self.embedder, progress, cancel)

    def _parse(self, index: CollectionIndex, path: Path, report: IngestReport,
               ocr: OcrContext | None = None) -> ParsedDoc | None:
        source = str(path)
        try:
            stat = path.stat()
            if stat.st_size > self.max_file_bytes:
                raise LoadError(path, f"too large ({stat.st_size / 2**20:.0f} MB > limit "
                                      f"{self.max_file_bytes / 2**20:.0f} MB)")
            data = path.read_bytes()
        except LoadError as exc:
            return self._fail(index, source, exc.status, exc.reason, report)
        except OSError as exc:
            return self._fail(index, source, "failed", f"cannot read file ({exc.strerror or exc})", report)
        sha = hashlib.sha256(data).hexdigest()
        existing = index.versions(source)
        if any(d.sha256 == sha for d in existing):
            report.files.append(FileResult(source, "unchanged", "already indexed", existing[0].chunks,
                                           existing[0].pages))
            return None
        if ocr is not None:
            ocr.sha256 = sha  # the OCR cache keeps finished pages under the file's hash
        try:
            doc = loaders.load(path, max_bytes=self.max_file_bytes, ocr=ocr)
        except Cancelled:
            raise
        except LoadError as exc:
            # A changed file that no longer loads keeps its last good version in the index.
            return self._fail(index, source, exc.status, exc.reason, report)
        except Exception as exc:  # noqa: BLE001 - one bad file must never stop the batch
            return self._fail(index, source, "failed",
                              f"unexpected error while reading ({type(exc).__name__}: {exc})", report)
        doc_id = index.doc_id(source, sha)
        title = title_for(path, doc.title)
        chunks = chunk_document(replace(doc, title=title), doc_id, self.chunk_size, self.chunk_min)
        if not chunks:
            return self._fail(index, source, "failed", "no text found", report)
        texts = [indexed_text(c) for c in chunks]
        if doc.ocr:
            report.notes[source] = ocr_note(doc)
        return ParsedDoc(source, sha, stat.st_size, stat.st_mtime, doc_id, title, doc.format, len(doc.pages),
                         chunks, texts, [" ".join(analyse(t)) for t in texts],
                         document_names(path, title, doc.pages[0].text))

    @staticmethod
    def _fail(index: CollectionIndex, source: str, status: str, reason: str, report: IngestReport) -> None:
        index.record_failure(source, status, reason)
        report.files.append(FileResult(source, status, reason))
        return None

    def _commit(self, index: CollectionIndex, batch: list[ParsedDoc], report: IngestReport,
                cancel: CancelToken) -> int:
        if not batch:
            return 0
        vectors = None
        if index.inline_vectors:
            texts = [t for p in batch for t in p.texts]
            parts = []
            step = self.embedder.batch_size * 4
            for i in range(0, len(texts), step):
                cancel.check()
                parts.append(self.embedder.embed_passages(texts[i : i + step]))
            vectors = np.concatenate(parts) if parts else None
        index.add(batch, vectors)
        for p in batch:
            report.files.append(FileResult(p.source, "updated" if p.replaced else "indexed",
                                           report.notes.pop(p.source, ""), len(p.chunks), p.pages))
        return sum(len(p.chunks) for p in batch)
