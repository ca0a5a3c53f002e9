"""Office mode: one model server and one index server for the whole office, on existing engines.

* Model: any OpenAI-compatible chat server (llama-cpp-python's `python -m llama_cpp.server`, llama.cpp's
  `llama-server`, vLLM, Ollama's /v1) through LangChain's `ChatOpenAI`, so `sillok.service.answering.ask(...,
  chat_model=make_chat_model(...))` runs the very same chain as on the desktop. `OfficeChatModel` adds
  what an office needs on top: a bounded retry before the first token (never after: a retried stream
  would repeat text), one clear `RemoteUnavailable` message naming the address, and a stream that closes
  its HTTP response when the caller stops reading (cancel), so the server stops generating.
* Index: the chromadb package's own server (`chroma run`). Chroma 1.x's Rust server has no auth of its
  own (its frontend auth hook is a no-op in the open-source build), so the token is checked by a reverse
  proxy in front of it (docs/deploy.md); `make_chroma_client` sends `Authorization: Bearer <token>`.
* Shared keyword index + manifest (`SharedIndex`): kept in Chroma too, beside the vectors. Why (see
  docs/deploy.md for the options weighed): one record per chunk holds the vector, the Kiwi keyword
  terms (as the Chroma document) and the chunk text and position (metadata), so a chunk's vector and
  keywords can never disagree and there is no cross-engine two-phase commit to get wrong; record ids
  are deterministic (`doc_id = sha1(collection|source|sha256)`, chunk id = doc_id-ordinal), so desktops
  that ingest the same file at the same time upsert the same ids and end with one copy; IT runs,
  secures and backs up one server. BM25 is computed here with FTS5's formula (k1=1.2, b=0.75) over
  the chunks that Chroma's full-text filter (`where_document` $contains, a trigram FTS5 index inside
  Chroma) returns for any query term — every chunk that can score is in that set, so term document
  frequencies come out exact. Chroma 1.5's open-source server has no sparse-vector/BM25 index
  ("Sparse vector indexing is not enabled in local"), which is why the scoring is client-side.
"""

from __future__ import annotations

import hashlib
import math
import socket
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from langchain_openai import ChatOpenAI

from sillok.foundation.errors import SillokError
from sillok.foundation.types import Chunk, Hit, IngestReport

RETRY_BACKOFF_S = 0.5


class RemoteUnavailable(SillokError):  # noqa: N818 - reads as a state, like the other SillokErrors
    """An office server could not be reached (down, wrong address, too slow). The question is kept by
    the caller; `retry_in` is a suggested wait in seconds before trying again."""

    def __init__(self, what: str, url: str, reason: str, retry_in: float = 10.0,
                 kept: str = "your question is kept") -> None:
        self.url, self.reason, self.retry_in = url, reason, retry_in
        super().__init__(
            f"{what} at {url} is not reachable ({reason}); {kept} — retrying in "
            f"{retry_in:.0f} s may help, otherwise check the address in Settings or ask IT whether it is running"
        )


class TokenRefused(SillokError):  # noqa: N818
    def __init__(self, what: str, url: str) -> None:
        super().__init__(f"{what} at {url} refused the access token; enter the token IT gave you in Settings")


def _split(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if not parts.hostname or parts.scheme not in ("http", "https"):
        raise SillokError(f"{url!r} is not a server address; use e.g. http://sillok.office.lan:8000")
    return parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def openai_base_url(url: str) -> str:
    """`http://host:8000` or `…/v1/` → `http://host:8000/v1` (what ChatOpenAI expects)."""
    _split(url)
    url = url.rstrip("/")
    return url if url.endswith("/v1") else url + "/v1"


# -- the shared model ---------------------------------------------------------------------------------
def _classify(exc: BaseException) -> str | None:
    """'down' (retry), 'auth' (don't), or None (not ours to translate)."""
    import openai

    if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return "auth"
    if isinstance(exc, (openai.APIConnectionError, openai.InternalServerError, openai.RateLimitError)):
        return "down"  # APITimeoutError is an APIConnectionError
    if isinstance(exc, openai.APIStatusError) and exc.status_code in (502, 503, 504):
        return "down"
    return None


def _reason(exc: BaseException) -> str:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "no reply in time"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    chain, e = [], exc
    while e is not None and len(chain) < 6:
        chain.append(f"{type(e).__name__} {e}".lower())
        e = e.__cause__ or e.__context__
    text = " ".join(chain)
    if "refused" in text:
        return "connection refused"
    if "timed out" in text or "timeout" in text:
        return "no reply in time"
    if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "unknown host name"
    return "cannot connect"


class OfficeChatModel(ChatOpenAI):
    """ChatOpenAI with a bounded retry before the first token and Sillok's error messages."""

    retries: int = 2
    backoff_s: float = RETRY_BACKOFF_S
    server_label: str = "Office model server"

    def _fail(self, exc: BaseException, attempts: int) -> SillokError:
        url = str(self.openai_api_base or "")
        if _classify(exc) == "auth":
            return TokenRefused(self.server_label, url)
        reason = _reason(exc) + (f", {attempts} attempts" if attempts > 1 else "")
        return RemoteUnavailable(self.server_label, url, reason, retry_in=max(10.0, self.backoff_s * 8))

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        attempt = 0
        while True:
            inner = super()._stream(messages, stop, run_manager, **kwargs)
            try:
                first = next(inner)
                break
            except StopIteration:
                return
            except Exception as exc:
                inner.close()
                kind = _classify(exc)
                if kind is None:
                    raise
                if kind == "auth" or attempt >= self.retries:
                    raise self._fail(exc, attempt + 1) from exc
                time.sleep(self.backoff_s * 2**attempt)
                attempt += 1
        try:
            yield first
            yield from inner
        except Exception as exc:
            if _classify(exc) is None:
                raise
            raise self._fail(exc, 1) from exc  # mid-answer: no retry (it would repeat the text)
        finally:
            inner.close()  # GeneratorExit (cancel) lands here: closes the HTTP response → server stops

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Any:
        from langchain_core.language_models.chat_models import generate_from_stream

        return generate_from_stream(self._stream(messages, stop, run_manager, **kwargs))


def make_chat_model(url: str, token: str | None = None, model: str = "default", temperature: float = 0.0,
                    max_tokens: int = 384, timeout: float = 60.0, *, retries: int = 2,
                    backoff_s: float = RETRY_BACKOFF_S, http_client: Any = None) -> OfficeChatModel:
    """A streaming LangChain chat model on the office's OpenAI-compatible server at `url`.

    `token` is sent as the bearer token ("none" when the server is open on a trusted subnet).
    `timeout` bounds connecting and each read (a stalled server fails instead of hanging the window).
    The OpenAI client's own retries are off: `OfficeChatModel` retries (only before the first token).
    """
    kw: dict[str, Any] = {}
    if http_client is not None:
        kw["http_client"] = http_client
    return OfficeChatModel(
        base_url=openai_base_url(url), api_key=token or "none", model=model, temperature=temperature,
        max_tokens=max_tokens, timeout=timeout, max_retries=0, streaming=True, retries=retries,
        backoff_s=backoff_s, **kw,
    )


# -- the shared index server ----------------------------------------------------------------------------
def make_chroma_client(url: str, token: str | None = None, *, tenant: str = "default_tenant",
                       database: str = "default_database") -> Any:
    """A `chromadb.HttpClient` for the office index at `url` (telemetry off; bearer token if given).

    Raises RemoteUnavailable when nothing answers there and TokenRefused when the proxy refuses the token.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    scheme, host, port = _split(url)
    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        client = chromadb.HttpClient(host=host, port=port, ssl=scheme == "https", headers=headers,
                                     settings=ChromaSettings(anonymized_telemetry=False),
                                     tenant=tenant, database=database)
    except Exception as exc:
        raise _chroma_error(url, exc) from exc
    try:
        client.sillok_url = url  # for messages that name the address the person typed
    except AttributeError:
        pass
    return client


def _chroma_error(url: str, exc: BaseException) -> SillokError:
    """For connecting: anything that goes wrong means the server cannot be used."""
    err = _server_error(url, exc)
    if err is not None:
        return err
    return RemoteUnavailable("Office index server", url, type(exc).__name__, kept=INDEX_KEPT)


def _server_error(url: str, exc: BaseException) -> SillokError | None:
    """A refused token, an unreachable server, or a collection deleted meanwhile, as a SillokError;
    None for anything else (a bug should keep its own traceback)."""
    text = f"{type(exc).__name__}: {exc}"
    if any(s in text for s in ("401", "403", "Unauthorized", "Forbidden", "AuthorizationError")):
        return TokenRefused("Office index server", url)
    if isinstance(exc, SillokError):
        return exc
    low = text.lower()
    if "refused" in low or "could not connect" in low or "connecterror" in low:
        return RemoteUnavailable("Office index server", url, "connection refused", kept=INDEX_KEPT)
    if isinstance(exc, (ConnectionError, TimeoutError)) or any(
            s in low for s in ("timed out", "timeout", "remoteprotocolerror", "disconnected", "connection reset")):
        return RemoteUnavailable("Office index server", url, "no reply in time" if "time" in low else "connection lost",
                                 kept=INDEX_KEPT)
    if type(exc).__name__ == "NotFoundError" and "does not exist" in low:
        return SillokError("the office collection was deleted or re-created on another desktop meanwhile; "
                           "try again (it is looked up afresh)")
    return None


# -- the shared index: vectors + keyword terms + chunk texts + manifest, all in Chroma ---------------
PENDING, COMMITTED = "pending", "committed"
K1, B = 1.2, 0.75  # FTS5's bm25() constants, so shared and desktop keyword rankings agree
MAX_CANDIDATES = 20000


def fts_tokens(texts: Sequence[str]) -> list[list[str]]:
    """Each text as the desktop's FTS5 index sees it ('porter unicode61': lower-cased, split, stemmed).

    Why SQLite itself: the desktop keyword index is FTS5 with the porter tokenizer, and using the very
    same tokenizer (via an in-memory table and fts5vocab) is the only way the shared BM25 ranks alike;
    no stemmer package is needed.
    """
    import sqlite3

    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61')")
        db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        db.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", [(i + 1, x) for i, x in enumerate(texts)])
        out: list[list[str]] = [[] for _ in texts]
        for term, doc, _offset in db.execute("SELECT term, doc, offset FROM v ORDER BY doc, offset"):
            out[int(doc) - 1].append(str(term))
        return out
    finally:
        db.close()


def _phrase_count(tokens: Sequence[str], phrase: tuple[str, ...]) -> int:
    if len(phrase) == 1:
        return sum(1 for t in tokens if t == phrase[0])
    n = len(phrase)
    return sum(1 for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n]) == phrase)


def shared_doc_id(collection: str, source: str, sha256: str) -> str:
    """Deterministic per (collection name, path, content): every desktop computes the same id."""
    return hashlib.sha1(f"{collection}|{source}|{sha256}".encode()).hexdigest()[:16]


def _slug(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:12]  # any collection name → [0-9a-f]


REGISTRY = "sillok-registry"
REEMBED_BATCH = 256
INDEX_KEPT = "nothing typed or ingested is lost"


_UNSET = object()


class NoSuchCollection(SillokError):  # noqa: N818
    """The office index has no Sillok collection of that name."""


class EmbeddingMismatch(SillokError):  # noqa: N818
    """This desktop's embedding model is not the one the office collection's vectors were made with."""

    def __init__(self, collection: str, office_model: str, own_model: str, office_key: str = "",
                 own_key: str = "") -> None:
        if office_model == own_model:  # same model, other prefixes or input length: name the vector sets
            office_model, own_model = f"{office_model} (vector set {office_key})", f"{own_model} (vector set {own_key})"
        super().__init__(
            f"the office collection {collection!r} is indexed with the embedding model {office_model}, but this "
            f"computer uses {own_model}; vectors of two models cannot be searched together. Ask IT to set the "
            "same embedding model on every desktop (machine-wide settings), or re-embed the collection for this "
            f"model once (Sillok.reembed({collection!r}); docs/deploy.md)"
        )


def _open(client: Any, name: str) -> Any:
    return client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)


def office_collections(client: Any) -> list[dict[str, Any]]:
    """The Sillok collections registered on the office index server ({"name", "key", "model", "created"}),
    sorted by name."""
    with _talking(client):
        res = _open(client, REGISTRY).get(include=["metadatas"])
    metas = [dict(m) for m in res["metadatas"] or [] if m and m.get("name")]
    return sorted(metas, key=lambda m: str(m["name"]))


class SharedIndex:
    """One Sillok collection on the office Chroma server (see module docstring and docs/deploy.md §6).

    Chroma collections (slug = sha1 of the collection name):
    * `sillok-registry`: one record per Sillok collection (id = slug; metadata = name, key, model,
      created). `key` names the vector set every desktop reads and writes — one embedding model per
      collection, office-wide, so vectors of two models never mix.
    * `sillok-o-<slug>-<key>`: one record per chunk (id = chunk id; embedding; document = space-joined
      keyword terms; metadata = doc_id, source, ordinal, page, offsets, heading, article, title, text).
    * `sillok-m-<slug>`: the manifest, one record per document version (id = doc_id; metadata = source,
      sha256, mtime, state, chunks, pages, title, names, n_terms).
    * `sillok-f-<slug>`: ingest failures, one record per file (id = sha1 of the path; metadata = source,
      status, reason, at, host), so every desktop sees which files could not be indexed and why.

    Write protocol (crash-safe without transactions): manifest `add` as pending (a no-op when any
    desktop already wrote this version, so a state never goes back) → chunks upserted → manifest
    upserted as committed → every version of the same path but the newest (largest mtime, then sha256)
    deleted — including this one, when a newer version was committed meanwhile by another desktop —
    and the file's failure record cleared. Readers only return chunks of committed versions. A writer
    that dies leaves a pending version that nobody sees; the next desktop that ingests the file
    finishes it (same ids).

    `embedding_key` is this desktop's; when it differs from the collection's (`office_key`), reading
    the manifest and removing still work, but search and ingest raise `EmbeddingMismatch` until
    `reembed` moves the collection to this desktop's model (or the desktop is set back).
    """

    def __init__(self, client: Any, collection: str, embedding_key: str, model: str = "", *,
                 create: bool = True) -> None:
        self.client, self.name, self.key = client, collection, embedding_key
        self.model = model or embedding_key
        self.slug = _slug(collection)
        self._sets: dict[str, Any] = {}
        self._created: Any = _UNSET
        with _talking(client):
            self.registry = _open(client, REGISTRY)
        self.refresh(create)

    # -- which collection, which vector set -------------------------------------------------------
    def _record(self) -> dict[str, Any] | None:
        res = self.registry.get(ids=[self.slug], include=["metadatas"])
        return dict(res["metadatas"][0]) if res["ids"] else None

    def refresh(self, create: bool = False) -> str:
        """Re-read the collection's registry record (another desktop may have re-embedded, deleted or
        re-created it) and return the key of the vector set the office uses for it."""
        with _talking(self.client):
            record = self._record()
            if record is None:
                if not create:
                    raise NoSuchCollection(f"no collection named {self.name!r} on the office index server; "
                                           "`sillok collections` lists them")
                meta = {"name": self.name, "key": self.key, "model": self.model, "created": time.time()}
                self.registry.add(ids=[self.slug], embeddings=[[1.0]], metadatas=[meta])  # no-op if another won
                record = self._record() or meta
            if record.get("created") != self._created:  # new, or deleted and made again: fresh handles
                self._created = record.get("created")
                self._sets.clear()
                self.manifest = _open(self.client, f"sillok-m-{self.slug}")
                self.failures = _open(self.client, f"sillok-f-{self.slug}")
        self.office_key = str(record.get("key") or self.key)
        self.office_model = str(record.get("model") or self.office_key)
        return self.office_key

    def _check(self, create: bool = False) -> None:
        if self.refresh(create) != self.key:
            raise EmbeddingMismatch(self.name, self.office_model, self.model, self.office_key, self.key)

    def _set(self, key: str) -> Any:
        col = self._sets.get(key)
        if col is None:
            with _talking(self.client):
                col = self._sets[key] = _open(self.client, f"sillok-o-{self.slug}-{key}"[:500])
        return col

    @property
    def chunks(self) -> Any:
        """The chunk records of the vector set every desktop uses for this collection."""
        return self._set(self.office_key)

    # -- manifest and failures -------------------------------------------------------------------
    def documents(self, state: str | None = COMMITTED) -> dict[str, dict[str, Any]]:
        with _talking(self.client):
            res = self.manifest.get(where={"state": state} if state else None, include=["metadatas"])
        return dict(zip(res["ids"], res["metadatas"] or [], strict=True))

    def _versions(self, source: str) -> dict[str, dict[str, Any]]:
        with _talking(self.client):
            res = self.manifest.get(where={"source": source}, include=["metadatas"])
        return dict(zip(res["ids"], res["metadatas"] or [], strict=True))

    def is_indexed(self, source: str, sha256: str) -> bool:
        doc = self._versions(source).get(shared_doc_id(self.name, source, sha256))
        return doc is not None and doc.get("state") == COMMITTED

    def failure_list(self) -> list[tuple[str, str, str, float]]:
        """(source, status, reason, time) of files some desktop could not index, as Store.failures."""
        with _talking(self.client):
            res = self.failures.get(include=["metadatas"])
        return [(str(m["source"]), str(m.get("status", "failed")), str(m.get("reason", "")), float(m.get("at", 0)))
                for m in res["metadatas"] or [] if m]

    def record_failure(self, source: str, status: str, reason: str) -> None:
        """One record per file (the latest attempt wins): which desktop saw what, for every desktop."""
        meta = {"source": source, "status": status, "reason": reason, "at": time.time(),
                "host": socket.gethostname()}
        with _talking(self.client):
            self.failures.upsert(ids=[_failure_id(source)], embeddings=[[1.0]], metadatas=[meta])

    # -- write ------------------------------------------------------------------------------------
    def upsert_document(self, source: str, sha256: str, mtime: float, chunks: Sequence[Chunk],
                        terms: Sequence[str], vectors: Any, *, title: str = "", pages: int = 0,
                        names: Sequence[str] = ()) -> str:
        """Write one document version (chunks must carry `shared_doc_id(...)` ids); returns its doc_id."""
        self._check(create=True)  # per document: a re-embed elsewhere switches this desktop off at once
        doc_id = shared_doc_id(self.name, source, sha256)
        tokens = [" ".join(t) for t in fts_tokens(terms)]  # what the desktop's FTS5 would index
        meta = {"source": source, "sha256": sha256, "mtime": float(mtime), "chunks": len(chunks),
                "pages": pages, "title": title, "names": "\x1f".join(names),
                "n_terms": sum(len(t.split()) for t in tokens), "added": time.time()}
        one = [[1.0]]  # the manifest needs an embedding; it is never queried by vector
        with _talking(self.client):
            self.manifest.add(ids=[doc_id], embeddings=one, metadatas=[{**meta, "state": PENDING}])
            step = max(1, int(self.client.get_max_batch_size()))
            for i in range(0, len(chunks), step):
                part = chunks[i : i + step]
                self.chunks.upsert(
                    ids=[c.chunk_id for c in part], embeddings=vectors[i : i + step],
                    documents=tokens[i : i + step], metadatas=[_chunk_meta(c) for c in part],
                )
            self.manifest.upsert(ids=[doc_id], embeddings=one, metadatas=[{**meta, "state": COMMITTED}])
            self._settle(source)
            self.failures.delete(ids=[_failure_id(source)])
        return doc_id

    def _settle(self, source: str) -> None:
        """Keep only the newest version of `source` (largest mtime, then sha256); every writer runs this
        after its commit, so concurrent writers of different versions converge on the same one."""
        versions = {d: (float(m.get("mtime", 0.0)), str(m.get("sha256", ""))) for d, m in
                    self._versions(source).items()}
        if versions:
            newest = max(versions, key=lambda d: versions[d])
            for doc_id in versions:
                if doc_id != newest:
                    self.delete_document(doc_id)

    def delete_document(self, doc_id: str) -> None:
        with _talking(self.client):
            self.manifest.update(ids=[doc_id], metadatas=[{"state": "deleting"}])
            self.chunks.delete(where={"doc_id": doc_id})
            self.manifest.delete(ids=[doc_id])

    def remove(self, target: str) -> int:
        """Remove a file, or every file under a folder, with its failure record; returns documents removed."""
        self.refresh()
        prefix = target.rstrip("/\\") + "/"

        def hit(source: Any) -> bool:
            return str(source) == target or str(source).startswith(prefix)

        with _talking(self.client):
            docs = [d for d, m in self.documents(state=None).items() if hit(m.get("source"))]
            failed = [_failure_id(s) for s, _, _, _ in self.failure_list() if hit(s)]
            if not docs and not failed:
                raise SillokError(f"{target} is not in collection {self.name!r}")
            for doc_id in docs:
                self.delete_document(doc_id)
            if failed:
                self.failures.delete(ids=failed)
        return len(docs)

    def drop(self) -> None:
        """Delete the whole collection from the office index (every desktop loses it)."""
        with _talking(self.client):
            self.registry.delete(ids=[self.slug])  # first: nobody lists it while it is taken apart
            mine = {f"sillok-m-{self.slug}", f"sillok-f-{self.slug}"}
            for col in self.client.list_collections():
                name = col if isinstance(col, str) else col.name
                if name in mine or name.startswith(f"sillok-o-{self.slug}-"):
                    self.client.delete_collection(name)
        self._sets.clear()
        self._created = _UNSET

    def count(self) -> int:
        with _talking(self.client):
            return int(self.chunks.count())

    # -- re-embedding -----------------------------------------------------------------------------
    def reembed(self, embedder: Any, progress: Any = None, cancel: Any = None) -> int:
        """Move the collection to this desktop's embedding model; returns the chunks embedded.

        The chunk records keep their text, so nothing is re-read from the files: each chunk's indexed
        text (title/heading header + text, as at ingest) is embedded into a new vector set with the same
        ids, keyword terms and metadata. Then the registry is switched (every desktop reads the new set
        from its next search or document), chunks that desktops still on the old model wrote meanwhile
        are copied over, chunks of documents removed meanwhile are dropped, and the old set is deleted.
        Cancelled or crashed before the switch: the old set is untouched and still in use.
        """
        old = self.refresh()
        if old == self.key:
            return 0
        t0 = time.monotonic()
        with _talking(self.client):
            src, dst = self._set(old), self._set(self.key)
            done = self._copy(src, dst, src.get(include=[])["ids"], embedder, progress, cancel, t0)
            self.registry.update(ids=[self.slug], metadatas=[{"key": self.key, "model": self.model,
                                                               "updated": time.time()}])
            self.office_key, self.office_model = self.key, self.model
            have = set(dst.get(include=[])["ids"])
            late = [i for i in src.get(include=[])["ids"] if i not in have]
            done += self._copy(src, dst, late, embedder, progress, None, t0, done)
            live = list(self.documents(state=None))
            gone = dst.get(where={"doc_id": {"$nin": live}} if live else None, include=[])["ids"]
            if gone:
                dst.delete(ids=gone)
            self.client.delete_collection(src.name)
        self._sets.pop(old, None)
        return done

    def _copy(self, src: Any, dst: Any, ids: Sequence[str], embedder: Any, progress: Any, cancel: Any,
              t0: float, done: int = 0) -> int:
        from sillok.foundation.types import Progress
        from sillok.ingest.pipeline import indexed_text

        copied = 0
        for i in range(0, len(ids), REEMBED_BATCH):
            if cancel is not None:
                cancel.check()
            res = src.get(ids=list(ids[i : i + REEMBED_BATCH]), include=["documents", "metadatas"])
            metas = res["metadatas"] or []
            texts = [indexed_text(_meta_chunk(cid, m)) for cid, m in zip(res["ids"], metas, strict=True)]
            if not texts:
                continue
            vectors = embedder.embed_passages(texts)
            dst.upsert(ids=res["ids"], embeddings=vectors, documents=res["documents"], metadatas=metas)
            copied += len(texts)
            if progress is not None:
                rate = (done + copied) / max(time.monotonic() - t0, 1e-6)
                progress(Progress("re-embedding", 0, 0, done + copied, "", (len(ids) - i - len(texts)) / rate))
        return copied

    # -- read -------------------------------------------------------------------------------------
    def keyword_search(self, terms: Sequence[str], limit: int, sources: Sequence[str] | None = None,
                       committed: dict[str, dict[str, Any]] | None = None) -> list[tuple[str, float]]:
        """BM25 (FTS5's formula) over the chunks holding any of `terms`; (chunk_id, score) best first."""
        terms = [t for t in terms if t.strip()][:64]
        if not terms:
            return []
        docs = self.documents() if committed is None else committed
        if not docs:
            return []
        phrases = [tuple(p) for p in fts_tokens(terms)]  # a term may be several tokens ("in-flight")
        pairs = [(t, p) for t, p in zip(terms, phrases, strict=True) if p]
        uniq = list(dict.fromkeys(p for _, p in pairs))
        if not uniq:
            return []
        words = list(dict.fromkeys(max(p, key=len) for p in uniq))  # one token per phrase for the prefilter
        clauses = [{"$contains": w} for w in words]
        with _talking(self.client):
            res = self.chunks.get(where_document=clauses[0] if len(clauses) == 1 else {"$or": clauses},
                                  where=_source_filter(sources), include=["documents", "metadatas"],
                                  limit=MAX_CANDIDATES)
        n_chunks = sum(int(m.get("chunks", 0)) for m in docs.values()) or 1
        avgdl = sum(int(m.get("n_terms", 0)) for m in docs.values()) / n_chunks or 1.0
        tfs: dict[str, tuple[int, dict[tuple[str, ...], int]]] = {}
        for cid, text, meta in zip(res["ids"], res["documents"] or [], res["metadatas"] or [], strict=True):
            if meta.get("doc_id") in docs:
                toks = (text or "").split()
                counts = {p: _phrase_count(toks, p) for p in uniq}
                if any(counts.values()):
                    tfs[cid] = (len(toks), counts)
        df = {p: sum(1 for _, c in tfs.values() if c[p]) for p in uniq}
        idf = {p: math.log((n_chunks - df[p] + 0.5) / (df[p] + 0.5)) for p in uniq}
        idf = {p: v if v > 0 else 1e-6 for p, v in idf.items()}
        scores: dict[str, float] = {}
        for cid, (dl, counts) in tfs.items():
            s = 0.0
            for _, p in pairs:  # repeated query terms weigh twice, as with FTS5's OR of phrases
                tf = counts[p]
                if tf:
                    s += idf[p] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))
            scores[cid] = s
        return sorted(scores.items(), key=lambda kv: -kv[1])[:limit]

    def dense_search(self, vector: Any, k: int, sources: Sequence[str] | None = None,
                     committed: dict[str, dict[str, Any]] | None = None) -> list[tuple[str, float]]:
        docs = self.documents() if committed is None else committed
        with _talking(self.client):
            try:  # count() is a round trip of its own: asked only when k exceeds the collection
                res = self.chunks.query(query_embeddings=[vector], n_results=k, where=_source_filter(sources),
                                        include=["distances", "metadatas"])
            except Exception as exc:  # noqa: BLE001 - chromadb raises several types when k > records
                if _server_error(_client_url(self.client), exc) is not None:
                    raise
                n = int(self.chunks.count())
                if n == 0:
                    return []
                res = self.chunks.query(query_embeddings=[vector], n_results=min(k, n),
                                        where=_source_filter(sources), include=["distances", "metadatas"])
        return [(i, 1.0 - float(d)) for i, d, m in zip(res["ids"][0], res["distances"][0], res["metadatas"][0],
                                                       strict=True) if m.get("doc_id") in docs]

    def chunk_meta(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        with _talking(self.client):
            res = self.chunks.get(ids=list(ids), include=["metadatas"])
        return dict(zip(res["ids"], res["metadatas"] or [], strict=True))

    def search(self, query: str, embedder: Any, k: int = 5, sources: Sequence[str] | None = None, *,
               candidates: int = 50, rrf_k: int = 60, dense_weight: float | None = None,
               merge_neighbours: bool = True, mode: str = "hybrid") -> list[Hit]:
        """The desktop's hybrid search (routing, keyword + dense, weighted RRF, merging) on the shared index."""
        from sillok.ingest.analyzer import analyse_query
        from sillok.ingest.doc_names import named_in
        from sillok.service.retrieval import _merge_into, rrf, weights_for

        self._check()
        docs = self.documents()
        names = {d: [n for n in str(m.get("names", "")).split("\x1f") if n] for d, m in docs.items()}
        named = named_in(query, names)
        if named:
            routed = [str(docs[d]["source"]) for d in named]
            sources = [s for s in routed if not sources or s in set(sources)] or sources
        w = weights_for(query, embedder.name, dense_weight)
        lists: dict[str, list[tuple[Any, float]]] = {}
        if mode in ("hybrid", "keyword"):
            lists["keyword"] = self.keyword_search(analyse_query(query), candidates, sources, docs)
        if mode in ("hybrid", "dense") and (mode == "dense" or w.dense > 0):
            lists["dense"] = self.dense_search(embedder.embed_query(query), candidates, sources, docs)
        fused = rrf(lists, {"dense": w.dense, "keyword": w.keyword}, rrf_k)  # type: ignore[arg-type]
        pool = fused[: max(k * 4, k + 10)]
        metas = self.chunk_meta([str(r) for r, _, _ in pool])
        hits: list[Hit] = []
        for cid, score, ranks in pool:
            m = metas.get(str(cid))
            if m is None:
                continue
            hit = Hit(chunk_id=str(cid), source=m["source"], text=m["text"], score=round(score, 6),
                      page=m.get("page"), article=m.get("article") or None, heading=m.get("heading", ""),
                      start=int(m.get("start", 0)), end=int(m.get("end", 0)), doc_id=m["doc_id"],
                      ordinal=int(m["ordinal"]), title=m.get("title", ""), ranks=dict(ranks),
                      chunk_ids=[str(cid)], last_ordinal=int(m["ordinal"]))
            if merge_neighbours and _merge_into(hits, hit):
                continue
            hits.append(hit)
            if len(hits) >= k:
                break
        return hits

    # -- ingest -----------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], embedder: Any, chunk_size: int = 900, chunk_min: int = 200,
               progress: Any = None, cancel: Any = None, max_file_bytes: int = 200 * 1024 * 1024) -> IngestReport:
        """Load, chunk, analyse and embed files on this desktop, then write them to the shared index.

        Same loaders, chunking, keyword analysis and embedding as `sillok.ingest.pipeline` (so the shared and
        desktop indexes hold the same chunks); one bad file is reported, recorded in the shared failures
        (every desktop lists it) and the batch goes on. A changed file that no longer loads keeps its
        last good version, as on the desktop.
        """
        from dataclasses import replace

        from sillok.foundation.errors import Cancelled, LoadError
        from sillok.foundation.types import FileResult, Progress
        from sillok.ingest import loaders
        from sillok.ingest.analyzer import analyse
        from sillok.ingest.chunking import chunk_document
        from sillok.ingest.doc_names import document_names
        from sillok.ingest.pipeline import _title_for, expand, indexed_text

        t0 = time.monotonic()
        self._check(create=True)
        files, bad = expand(paths)
        report = IngestReport(files=list(bad))
        try:
            for i, path in enumerate(files):
                if cancel is not None:
                    cancel.check()
                if progress is not None:
                    progress(Progress("ingest", i, len(files), report.chunks, str(path), None))
                source = str(path)
                try:
                    size = path.stat().st_size
                    if size > max_file_bytes:
                        raise LoadError(path, f"too large ({size / 2**20:.0f} MB > limit "
                                              f"{max_file_bytes / 2**20:.0f} MB)")
                    data = path.read_bytes()
                    sha = hashlib.sha256(data).hexdigest()
                    versions = self._versions(source)
                    committed = [m for m in versions.values() if m.get("state") == COMMITTED]
                    if any(m.get("sha256") == sha for m in committed):
                        report.files.append(FileResult(source, "unchanged", "already indexed"))
                        continue
                    try:
                        doc = loaders.load(path, max_bytes=max_file_bytes)
                    except LoadError:
                        raise
                    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the batch
                        raise LoadError(path, f"unexpected error while reading ({type(exc).__name__}: {exc})") from exc
                    title = _title_for(path, doc.title)
                    doc_id = shared_doc_id(self.name, source, sha)
                    chunks = chunk_document(replace(doc, title=title), doc_id, chunk_size, chunk_min)
                    if not chunks:
                        raise LoadError(path, "no text found")
                    texts = [indexed_text(c) for c in chunks]
                    terms = [" ".join(analyse(t)) for t in texts]
                    vectors = embedder.embed_passages(texts)
                    names = document_names(path, title, doc.pages[0].text)
                    self.upsert_document(source, sha, path.stat().st_mtime, chunks, terms, vectors,
                                         title=title, pages=len(doc.pages), names=names)
                    status = "updated" if committed else "indexed"
                    report.files.append(FileResult(source, status, "", len(chunks), len(doc.pages)))
                except LoadError as exc:
                    self.record_failure(source, exc.status, exc.reason)
                    report.files.append(FileResult(source, exc.status, exc.reason))
                except OSError as exc:  # the file's own I/O: server errors arrive as SillokError
                    reason = f"cannot read file ({exc.strerror or exc})"
                    self.record_failure(source, "failed", reason)
                    report.files.append(FileResult(source, "failed", reason))
        except Cancelled:
            report.cancelled = True
        report.seconds = time.monotonic() - t0
        return report


def _chunk_meta(c: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {"doc_id": c.doc_id, "source": c.source, "ordinal": c.ordinal, "start": c.start,
                            "end": c.end, "heading": c.heading, "title": c.title, "text": c.text}
    if c.page is not None:
        meta["page"] = c.page
    if c.article:
        meta["article"] = c.article
    return meta


def _meta_chunk(chunk_id: str, m: dict[str, Any]) -> Chunk:
    return Chunk(chunk_id, str(m["source"]), str(m["doc_id"]), int(m["ordinal"]), str(m.get("text", "")),
                 m.get("page"), int(m.get("start", 0)), int(m.get("end", 0)), str(m.get("heading", "")),
                 m.get("article") or None, str(m.get("title", "")))


def _failure_id(source: str) -> str:
    return hashlib.sha1(source.encode()).hexdigest()[:16]


def _source_filter(sources: Sequence[str] | None) -> dict[str, Any] | None:
    if not sources:
        return None
    return {"source": {"$in": list(sources)}} if len(sources) > 1 else {"source": sources[0]}


def _client_url(client: Any) -> str:
    url = getattr(client, "sillok_url", None)
    if url:
        return str(url)
    try:
        return str(client.get_settings().chroma_server_host)
    except Exception:  # noqa: BLE001 - only for the message
        return "the configured address"


@contextmanager
def _talking(client: Any) -> Iterator[None]:
    """Chroma calls: a server that is down, or refuses the token, becomes one clear SillokError."""
    try:
        yield
    except SillokError:
        raise
    except Exception as exc:
        err = _server_error(_client_url(client), exc)
        if err is None:
            raise
        raise err from exc
