"""Functions the worker runs: each calls the facade and returns plain data for the window.

No Qt here and no retrieval/prompt/model logic: only composing facade calls, so the window's code
stays about widgets. Every function takes the facade (``s``, a sillok.service.facade.Sillok) first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

DEFAULT_COLLECTION = "default"


@dataclass
class Snapshot:
    collections: list[Any]
    collection: str
    documents: list[Any]
    conversations: list[tuple[str, str, str]] = field(default_factory=list)


def snapshot(s: Any, collection: str) -> Snapshot:
    """Collections (creating an empty 'default' on first run), the documents and conversations of one."""
    cols = s.collections()
    if not cols:
        s.create_collection(DEFAULT_COLLECTION)
        cols = s.collections()
    names = [c.name for c in cols]
    if collection not in names:
        collection = DEFAULT_COLLECTION if DEFAULT_COLLECTION in names else names[0]
    return Snapshot(cols, collection, s.documents(collection), list_conversations(s, collection))


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    for n in names:
        v = obj.get(n) if isinstance(obj, dict) else getattr(obj, n, None)
        if v is not None:
            return v
    return default


def _when(v: Any) -> str:
    if isinstance(v, int | float):
        return datetime.fromtimestamp(v).isoformat(sep=" ", timespec="minutes")
    return str(v or "")


def list_conversations(s: Any, collection: str) -> list[tuple[str, str, str]]:
    """(id, title, when), newest first, of the conversations held on ``collection``."""
    try:
        store = s.conversations()
    except ImportError:  # answering not installed in this build: no history to list
        return []
    out = []
    for c in store.list():
        coll = _get(c, "collection")
        if coll is not None and coll != collection:
            continue
        title = _get(c, "title", default="") or ""
        out.append((str(_get(c, "id", "conversation_id")), title, _when(_get(c, "updated", "created"))))
    return out


def _citation(c: Any) -> Any:
    from sillok.foundation.types import Citation

    if isinstance(c, Citation):
        return c
    names = {f.name for f in fields(Citation)}
    return Citation(**{k: v for k, v in dict(c).items() if k in names})


def load_turns(s: Any, conversation_id: str) -> list[tuple[str, str, list[Any]]]:
    """(question, answer text, citations) of each earlier turn."""
    out = []
    for t in s.conversations().turns(conversation_id):
        cites = [_citation(c) for c in (_get(t, "citations", default=[]) or [])]
        out.append((_get(t, "question", default=""), _get(t, "answer", "text", default=""), cites))
    return out


def ask(s: Any, job: Any, question: str, collection: str, conversation_id: str | None,
        on_token: Callable[[str], None]) -> Any:
    """Load the model first (reported as "loading", so the window can say so), then answer."""
    from sillok.service.llm_holder import holder_for

    holder = holder_for(s)
    st = s.settings
    if not holder.loaded and not (st.office_mode and st.llm_server_url):  # office: the server's model
        job.report("loading")
        holder.get(s.settings)
        job.cancel.check()
    job.report("answering")
    return s.ask(question, collection, conversation_id=conversation_id, on_token=on_token, cancel=job.cancel)


def close(s: Any) -> None:
    """Free the loaded model and the conversations file (window close, settings change)."""
    from sillok.service.llm_holder import holder_for

    holder_for(s).unload()
    try:
        s.conversations().close()
    except ImportError:
        pass


def status(s: Any) -> dict[str, Any]:
    """What the status bar shows: model, backend and layers, context size, embedding model."""
    from sillok.models.defaults import default_llm_path
    from sillok.models.gpu import detect_backend
    from sillok.models.registry import inspect_gguf

    st = s.settings
    out: dict[str, Any] = {"embedding": s.embedder.name, "n_ctx": st.n_ctx, "loaded": False,
                           "backend": detect_backend(), "layers": str(st.n_gpu_layers)}
    if st.office_mode and st.llm_server_url:  # answers come from the office model server
        out.update(model=st.llm_server_model, loaded=True, note=st.llm_server_url)
        return out
    path = default_llm_path() if st.llm_model == "default" else Path(st.llm_model)
    # The file name, which people chose and recognise (a GGUF's general.name is often a training
    # tag like "Smollm2 135M 8k Lc100K Mix1 Ep2"); that name goes in the tooltip.
    out["model"] = Path(path).stem if path else "—"
    try:
        if path:
            out["note"] = inspect_gguf(path).name
    except Exception as e:  # noqa: BLE001 - the status bar names the problem, it never fails
        out["model_error"] = str(e)
    info = llm_info(s)
    if info is not None:
        out.update(model=Path(info.model_path).stem, backend=info.backend, n_ctx=info.n_ctx, loaded=True,
                   layers=f"{info.n_gpu_layers}/{info.n_layers}",
                   note="; ".join(x for x in (info.model_name, info.message) if x))
    return out


def llm_info(s: Any) -> Any:
    """The loaded model's sillok.models.llm.LLMInfo, or None while no model is loaded."""
    from sillok.service.llm_holder import holder_for

    llm = holder_for(s).llm
    return llm.info if llm is not None else None


def pages_of(s: Any, path: str) -> list[Any]:
    """The document's pages as the index saw them (so cited offsets line up)."""
    from sillok.ingest.loaders import load

    return load(Path(path), max_bytes=s.settings.max_file_mb * 1024 * 1024).pages


def reindex(s: Any, job: Any, source: str, collection: str) -> Any:
    s.remove(source, collection)
    return s.ingest([source], collection, progress=job.report, cancel=job.cancel)
