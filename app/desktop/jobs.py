"""Functions the worker runs: each calls the facade and returns plain data for the window.

No Qt here and no retrieval/prompt/model logic: only composing facade calls, so the window's code
stays about widgets. Every function takes the facade (``s``, a sillok.service.facade.Sillok) first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
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
    if not s.model_ready():
        job.report("loading")
        s.load_model()
        job.cancel.check()
    job.report("answering")
    return s.ask(question, collection, conversation_id=conversation_id, on_token=on_token, cancel=job.cancel)


def close(s: Any) -> None:
    """Free the loaded model and the conversations file (window close, settings change)."""
    s.close()


def status(s: Any) -> dict[str, Any]:
    """What the status bar shows: model, backend and layers, context size, embedding model."""
    return s.status()


def pages_of(s: Any, path: str) -> list[Any]:
    """The document's pages as the index saw them (so cited offsets line up)."""
    return s.pages(path)


def citation_view(s: Any, source: str, page: int | None) -> tuple[list[Any], bool, Any]:
    """What the source pane needs for a citation: the pages as shown (identifiers masked), whether
    masking changed them, and the cited page's scan (ScanView) when that page was read by OCR."""
    from sillok.service.masking import viewer_pages

    pages, held = viewer_pages(s, source)
    return pages, held, s.scan_view(source, page)


def reindex(s: Any, job: Any, source: str, collection: str) -> Any:
    s.remove(source, collection)
    return s.ingest([source], collection, progress=job.report, cancel=job.cancel, vectors=False)


def ingest(s: Any, job: Any, paths: list[str], collection: str) -> Any:
    """Searchable by keyword as soon as parsed; the vectors follow in `vector_slice` jobs."""
    return s.ingest(paths, collection, progress=job.report, cancel=job.cancel, vectors=False)


VECTOR_SLICE = 128  # passages per background job: a question waits at most a few seconds behind one


def vector_slice(s: Any, job: Any, collection: str) -> tuple[int, int]:
    """One slice of the vectors still missing; returns (made now, still missing)."""
    if collection not in {c.name for c in s.collections()}:
        return 0, 0  # a first start: nothing stored yet
    made = s.embed_pending(collection, progress=job.report, cancel=job.cancel, limit=VECTOR_SLICE)
    return made, s.vector_debt(collection)


def evaluate(s: Any, job: Any, path: str, collection: str, retrieval_only: bool) -> Any:
    """File → Evaluate this collection…: the questions of `path`, with progress and cancel (an EvalReport)."""
    return s.evaluate(path, collection, retrieval_only=retrieval_only, progress=job.report, cancel=job.cancel)
