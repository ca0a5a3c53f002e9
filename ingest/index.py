"""What the ingest pipeline and retrieval need from a collection's storage, local or office.

One ingest path (sillok.ingest.pipeline) and one fusion path (sillok.service.retrieval) run over this
interface; the two implementations differ only in where things are kept:
* `LocalIndex` (sillok.ingest.local_index): SQLite (manifest, chunk texts, FTS5 keyword index) + Chroma
  on disk, vectors made after the keyword side (in the background) and tracked per chunk;
* `OfficeIndex` (sillok.ingest.office_index): everything in the office's Chroma server, one record per
  chunk holding its vector, keyword terms and text, so vectors are written with the chunk
  (`inline_vectors`).
Chunk keys are whatever the storage uses as record id (a SQLite rowid, an office chunk id); callers
treat them as opaque.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from sillok.foundation.protocols import Embedder
from sillok.foundation.types import Chunk

Key = Any  # a chunk's record id in its storage


@dataclass
class ParsedDoc:
    """One file, loaded, chunked and analysed, ready to be written as a new version of `source`."""

    source: str
    sha256: str
    size: int
    mtime: float
    doc_id: str
    title: str
    format: str
    pages: int
    chunks: list[Chunk]
    texts: list[str]  # what is embedded: title/heading header + chunk text (chunking.indexed_text)
    terms: list[str]  # Kiwi keyword terms of each text, space-joined
    names: list[str] = field(default_factory=list)  # how a question may name the document
    replaced: bool = False  # set by `add`: an older version of the same source was replaced


@dataclass(frozen=True)
class StoredDoc:
    """A committed document version as the manifest lists it."""

    doc_id: str
    source: str
    sha256: str
    pages: int
    chunks: int
    added: float
    title: str = ""


@dataclass(frozen=True)
class Failure:
    source: str
    status: str
    reason: str
    at: float


class IndexReader(Protocol):
    """What one search reads (a consistent view: the office index fetches its manifest once)."""

    def doc_names(self) -> dict[str, tuple[str, list[str]]]: ...

    def keyword_search(self, terms: Sequence[str], limit: int,
                       sources: Sequence[str] | None = None) -> list[tuple[Key, float]]: ...

    def dense_search(self, vector: np.ndarray, embedder: Embedder, k: int,
                     sources: Sequence[str] | None = None) -> list[tuple[Key, float]]: ...

    def term_doc_freq(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """(analysed term -> chunks holding it, chunks in the collection): the document frequencies the
        answerability gate weighs a question's terms by (a word every chunk has says little)."""
        ...

    def chunks(self, keys: Sequence[Key]) -> dict[Key, Chunk]: ...

    def neighbours(self, wanted: Mapping[str, Sequence[int]]) -> dict[tuple[str, int], Chunk]:
        """The chunks at these ordinals of these documents (those that exist), by (doc_id, ordinal): what
        hits' windows grow into (sillok.service.retrieval), read at once (one round trip in the office)."""
        ...


class CollectionIndex(Protocol):
    name: str
    inline_vectors: bool  # True: `add` needs the vectors (office); False: they follow (local)

    # -- manifest --------------------------------------------------------------------------------
    def doc_id(self, source: str, sha256: str) -> str: ...

    def documents(self) -> list[StoredDoc]: ...

    def versions(self, source: str) -> list[StoredDoc]: ...

    def failures(self) -> list[Failure]: ...

    def record_failure(self, source: str, status: str, reason: str) -> None: ...

    def counts(self) -> tuple[int, int]: ...

    # -- writing ---------------------------------------------------------------------------------
    def recover(self) -> int:
        """Finish or roll back what a kill interrupted; returns the documents rolled back."""
        ...

    def begin_ingest(self) -> None:
        """Before an ingest run: recover, and refuse (SillokError) when this desktop cannot write here."""
        ...

    def add(self, docs: Sequence[ParsedDoc], vectors: np.ndarray | None = None) -> None:
        """Commit each doc as the one version of its source (older versions and the source's failure
        record go), searchable by keyword at once."""
        ...

    def match(self, target: str) -> list[str]:
        """The sources that are `target` or lie under the folder `target`; SillokError when none do."""
        ...

    def remove(self, sources: Sequence[str]) -> int:
        """Remove these sources from every index (and their failure records); returns the documents
        removed."""
        ...

    def sources(self) -> set[str]:
        """Every source the collection knows: indexed or failed."""
        ...

    # -- vectors ---------------------------------------------------------------------------------
    def embed_pending(self, embedder: Embedder, progress: Any = None, cancel: Any = None,
                      limit: int | None = None) -> int:
        """Make the vectors still missing for `embedder` (new chunks, or all of them after a model
        change); returns the chunks embedded. `limit`: stop after about that many (the window works in
        slices so a question never waits long behind the background vectors)."""
        ...

    def vector_debt(self, embedder: Embedder) -> int: ...

    def vector_debt_by_doc(self, embedder: Embedder) -> dict[str, int]: ...

    def complete_set(self) -> tuple[str, str, str]:
        """(key, model name, spec JSON) of the last complete vector set (what the dense side searches
        while a new model's vectors are made)."""
        ...

    def reembed(self, embedder: Embedder, progress: Any = None, cancel: Any = None) -> int:
        """Move the whole collection to `embedder`'s vectors (local: the same pass as `embed_pending`;
        office: an explicit switch for every desktop)."""
        ...

    # -- reading ---------------------------------------------------------------------------------
    def reader(self) -> IndexReader: ...

    def passages(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """Chunks by their chunk id (a hit's or a citation's), those that exist."""
        ...

    def sample_texts(self, n: int) -> list[str]:
        """Up to `n` chunk texts (to tell the collection's language)."""
        ...

    def texts_of(self, sources: Sequence[str]) -> list[str]:
        """The chunk texts of these sources (to scrub answers that quote them before removal)."""
        ...
