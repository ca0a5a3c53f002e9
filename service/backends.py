"""The composition root: the one place that decides, from settings, whether collections, vectors and the
answering model live on this computer or on the office servers, and builds those parts once.

Everything above (the facade, retrieval, answering) talks to what is built here through narrow
contracts — `CollectionIndex` (sillok.ingest.index), `Embedder` and `ChatModel`
(sillok.foundation.protocols) — and never asks "office or local?" again.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any, Protocol

from sillok.foundation.errors import SillokError
from sillok.foundation.protocols import ChatModel, Embedder
from sillok.foundation.settings import Settings
from sillok.foundation.types import CollectionInfo
from sillok.ingest.index import CollectionIndex

COLLECTION_RE = re.compile(r"^[^\x00-\x1f/\\]{1,100}$")


def check_collection_name(name: str) -> str:
    if not COLLECTION_RE.match(name):
        raise SillokError(f"invalid collection name {name!r}: use 1–100 characters, no slashes")
    return name


def office_index(settings: Settings) -> bool:
    """Collections live on the office index server (docs/deploy.md), not in the data folder."""
    return bool(settings.office_mode and settings.chroma_url)


def office_model(settings: Settings) -> bool:
    """Answers come from the office model server, not a model loaded on this computer."""
    return bool(settings.office_mode and settings.llm_server_url)


def office_embeddings(settings: Settings) -> bool:
    return bool(settings.office_mode and settings.embedding_server_url)


class Backend(Protocol):
    label: str

    def index(self, collection: str, embedder: Embedder, create: bool = False) -> CollectionIndex: ...

    def collections(self) -> list[CollectionInfo]: ...

    def create(self, name: str, embedder: Embedder) -> None: ...

    def rename(self, old: str, new: str) -> None: ...

    def drop(self, name: str, embedder: Embedder) -> None: ...


class LocalBackend:
    """Collections in this computer's data folder: `sillok.db` (SQLite) and `chroma/`."""

    label = "This computer"

    def __init__(self, home: Path) -> None:
        from sillok.ingest.store import Store
        from sillok.ingest.vector_index import VectorIndex

        self.store = Store(home / "sillok.db")
        self.vectors = VectorIndex(home / "chroma")
        self._recovered: set[int] = set()

    def _cid(self, name: str, create: bool = False) -> int:
        cid = self.store.collection_id(check_collection_name(name), create=create)
        if cid is None:
            raise SillokError(f"no collection named {name!r}; `sillok collections` lists them")
        return cid

    def index(self, collection: str, embedder: Embedder, create: bool = False) -> CollectionIndex:
        from sillok.ingest.local_index import LocalIndex

        cid = self._cid(collection, create)
        index = LocalIndex(self.store, self.vectors, cid, collection)
        if cid not in self._recovered:  # first use in this process: finish what a kill interrupted
            index.recover()
            self._recovered.add(cid)
        return index

    def collections(self) -> list[CollectionInfo]:
        out = []
        for cid, name, _key, model in self.store.collections():
            docs, chunks = self.store.counts(cid)
            out.append(CollectionInfo(name, docs, chunks, model))
        return out

    def create(self, name: str, embedder: Embedder) -> None:
        self._cid(name, create=True)

    def rename(self, old: str, new: str) -> None:
        self._cid(old)
        check_collection_name(new)
        self.store.rename_collection(old, new)

    def drop(self, name: str, embedder: Embedder) -> None:
        cid = self._cid(name)
        self.vectors.drop(cid)
        self.store.drop_collection(cid)


class OfficeBackend:
    """Collections on the office index server (a Chroma server behind the token proxy)."""

    def __init__(self, settings: Settings) -> None:
        from urllib.parse import urlsplit

        self.url = settings.chroma_url
        self.label = f"Office server: {urlsplit(self.url).hostname or self.url}"
        self._client: Any = None
        self._indexes: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                from sillok.foundation.secrets import read_token
                from sillok.ingest.chroma_server import make_chroma_client

                self._client = make_chroma_client(self.url, read_token(self.url).token)
            return self._client

    def index(self, collection: str, embedder: Embedder, create: bool = False) -> CollectionIndex:
        """The office collection (its handle is cached; its registry record is re-read on every call).
        `create=False`: NoSuchCollection when the office index has no such collection."""
        from sillok.ingest.office_index import OfficeIndex

        check_collection_name(collection)
        idx = self._indexes.get(collection)
        if idx is None:
            idx = OfficeIndex(self.client, collection, embedder.key, embedder.name, create=create)
            self._indexes[collection] = idx
        else:
            idx.refresh(create)  # another desktop may have deleted, re-created or re-embedded it
        return idx

    def collections(self) -> list[CollectionInfo]:
        from sillok.ingest.office_index import NoSuchCollection, OfficeIndex, office_collections

        out = []
        for meta in office_collections(self.client):
            name = str(meta["name"])
            try:
                idx = self._indexes.get(name) or OfficeIndex(self.client, name, str(meta.get("key", "")),
                                                             create=False)
                docs, chunks = idx.counts()
            except NoSuchCollection:  # deleted by another desktop while we listed
                continue
            out.append(CollectionInfo(name, docs, chunks, str(meta.get("model", ""))))
        return out

    def create(self, name: str, embedder: Embedder) -> None:
        self.index(name, embedder, create=True)

    def rename(self, old: str, new: str) -> None:
        raise SillokError("collections on the office server cannot be renamed (their records are named "
                          "after the collection); create a new one and add the files to it")

    def drop(self, name: str, embedder: Embedder) -> None:
        self.index(name, embedder, create=False).drop()  # type: ignore[attr-defined]
        self._indexes.pop(name, None)


def build_backend(settings: Settings) -> Backend:
    return OfficeBackend(settings) if office_index(settings) else LocalBackend(settings.home)


def build_embedder(settings: Settings) -> Embedder:
    """The office embedding server when one is set, else a model on this computer."""
    if office_embeddings(settings):
        from sillok.models.remote_embedding import RemoteEmbedder

        return RemoteEmbedder.from_settings(settings)
    from sillok.models.embedding import Embedder as LocalEmbedder

    s = settings
    return LocalEmbedder(
        s.embedding_model, query_prefix=s.embedding_query_prefix, passage_prefix=s.embedding_passage_prefix,
        batch_size=s.embedding_batch_size, max_seq_length=s.embedding_max_seq_length,
        allow_download=s.allow_hub_download, bf16=s.embedding_bf16, cache_dir=s.cache_dir,
        device=s.embedding_device,
    )


def embedder_from_spec(settings: Settings, key: str, model: str, spec: str) -> Embedder | None:
    """The embedder that made a collection's complete vector set (its `spec` JSON, or for sets made
    before specs were kept, the bundled MiniLM by name), or None when it cannot be made again here.
    Checked against `key`, so a wrong guess never queries a vector set with another model's vectors."""
    import json

    from sillok.models.embedding import MINILM
    from sillok.models.embedding import Embedder as LocalEmbedder

    try:
        args = json.loads(spec) if spec else ({"spec": "minilm"} if model == MINILM else None)
        if not isinstance(args, dict):
            return None
        old = LocalEmbedder(str(args.get("spec") or "default"), query_prefix=args.get("query_prefix"),
                            passage_prefix=args.get("passage_prefix"), max_seq_length=args.get("max_seq_length"),
                            batch_size=settings.embedding_batch_size, bf16=settings.embedding_bf16,
                            cache_dir=settings.cache_dir, device=settings.embedding_device)
    except (ValueError, SillokError):
        return None
    return old if old.key == key else None


def build_chat_model(settings: Settings, local: Any) -> ChatModel:
    """The office model server when one is set, else the local model `local()` loads (once)."""
    if office_model(settings):
        from sillok.foundation.secrets import read_token
        from sillok.models.office_chat import make_chat_model

        s = settings
        return make_chat_model(s.llm_server_url, read_token(s.llm_server_url).token, s.llm_server_model,
                               n_ctx=s.n_ctx, timeout=s.server_timeout_s)
    return local()


def model_label(settings: Settings) -> str:
    """The answering model as the audit log names it."""
    if office_model(settings):
        return f"{settings.llm_server_model} ({settings.llm_server_url})"
    name = str(settings.llm_model or "default")
    if name == "default":
        from sillok.models.defaults import default_llm_path  # find_spec only: cheap

        path = default_llm_path()
        return f"default ({path.name})" if path is not None else "default"
    return name


def model_languages(settings: Settings) -> tuple[frozenset[str] | None, str]:
    """(languages the answering model writes, its name): from the model catalogue for the bundled
    model and downloaded recommended ones; None where unknown (an office server, a file of one's own),
    which answering treats as able."""
    if office_model(settings):
        return None, settings.llm_server_model
    from sillok.models.recommend import bundled, languages, spec_for_file

    name = str(settings.llm_model or "default")
    spec = bundled() if name == "default" else spec_for_file(name)
    if spec is None:
        return None, Path(name).name
    return frozenset(languages(spec)), spec.name.removesuffix(" (default)")


def recommended_model(settings: Settings, language: str) -> str:
    """The catalogue's best downloadable model for `language` on this computer (Settings → Download)."""
    from sillok.models.recommend import handles, recommend, total_memory_gb

    advice = [a for a in recommend(language, total_memory_gb()) if handles(a.model, language)]
    fitting = [a for a in advice if a.fits] or advice
    return fitting[0].model.name if fitting else ""
