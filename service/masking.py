"""Identifiers masked at the service boundary, and the audited Reveal (see sillok.foundation.identifiers).

Why here: the index keeps documents whole (a search by a patient's name, or by words around an
identifier, still finds the passage), and everything that leaves the service is masked: search hits
(which are also what the model is given, through the retriever), answers and their citation quotes,
the pages the source viewer shows. Masking is character for character, so hit, quote and page offsets
stay valid. Revealing one passage in full is a deliberate act: `reveal` / `reveal_pages` return the
unmasked text and write a `reveal` line to the audit log (who, which document and page, when).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from sillok.foundation.errors import SillokError
from sillok.foundation.identifiers import Masker, StreamMasker
from sillok.foundation.types import Answer, Citation, Hit, Page


def masker_of(svc: Any) -> Masker:
    """The facade's Masker (built once from its settings)."""
    return svc.masker


def mask_hits(hits: Sequence[Hit], masker: Masker) -> list[Hit]:
    """Copies of `hits` with their text masked (same offsets); the originals are left as they are."""
    if not masker.enabled:
        return list(hits)
    return [dataclasses.replace(h, text=masker.mask(h.text), chunk_ids=list(h.chunk_ids), ranks=dict(h.ranks))
            for h in hits]


# What the answering path calls on the sources it puts in the prompt (the model never sees an identifier).
mask_sources = mask_hits


def mask_citation(c: Citation, masker: Masker) -> Citation:
    return dataclasses.replace(c, quote=masker.mask(c.quote)) if masker.enabled else c


def mask_answer(answer: Answer, masker: Masker) -> Answer:
    """The answer with its text, question, citation quotes, sources and uncited sentences masked."""
    if not masker.enabled:
        return answer
    m = masker.mask
    return dataclasses.replace(
        answer, question=m(answer.question), text=m(answer.text),
        citations=[mask_citation(c, masker) for c in answer.citations], hits=mask_hits(answer.hits, masker),
        uncited=[m(s) for s in answer.uncited], standalone_query=m(answer.standalone_query),
        unverified_text=m(answer.unverified_text))  # quotes and closest come from the masked hits


def mask_pages(pages: Sequence[Page], masker: Masker) -> list[Page]:
    return [Page(p.number, masker.mask(p.text)) for p in pages] if masker.enabled else list(pages)


def masking_stream(on_token: Callable[[str], None] | None, masker: Masker) -> StreamMasker | None:
    """`on_token` wrapped so streamed pieces are masked (call `.flush()` after the last piece)."""
    return StreamMasker(masker, on_token) if on_token is not None else None


def mask_turn_fields(question: str, answer: str, citations: Sequence[dict[str, Any]] | None,
                     masker: Masker) -> tuple[str, str, list[dict[str, Any]]]:
    """A conversation turn as stored: question, answer and each citation's quote masked."""
    cits = [dict(c) for c in (citations or [])]
    for c in cits:
        if isinstance(c.get("quote"), str):
            c["quote"] = masker.mask(c["quote"])
    return masker.mask(question), masker.mask(answer), cits


# -- reveal ----------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Passage:
    """One chunk in full (unmasked), as `reveal` returns it."""

    chunk_id: str
    source: str
    page: int | None
    text: str


def reveal(svc: Any, chunk_ids: str | Sequence[str], collection: str = "default") -> str:
    """The unmasked text of one passage (a hit's `chunk_ids`, merged chunks joined by a line break as in
    search), after writing a `reveal` audit line; SillokError when a chunk is not in the collection."""
    from sillok.service.audit import record_reveal

    ids = [chunk_ids] if isinstance(chunk_ids, str) else list(dict.fromkeys(chunk_ids))
    if not ids or not all(ids):
        raise SillokError("reveal: give the passage's chunk id (from a search hit or a citation)")
    found = svc.index(collection).passages(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise SillokError(f"reveal: no passage {missing[0]!r} in collection {collection!r} (removed or re-indexed?)")
    passages = [found[i] for i in ids]  # Chunks: chunk_id, source, page, text
    sources = list(dict.fromkeys(p.source for p in passages))
    pages = [sorted({p.page for p in passages if p.source == s and p.page is not None}) for s in sources]
    record_reveal(svc, collection, sources, pages, ids, how="passage")
    return "\n".join(p.text for p in passages)


def reveal_pages(svc: Any, source: str, collection: str = "default", page: int | None = None,
                 chunk_id: str = "") -> list[Page]:
    """A document's pages unmasked (the source viewer's Reveal for the view it shows), audited."""
    from sillok.service.audit import record_reveal

    pages = svc.pages(source)
    record_reveal(svc, collection, [str(source)], [[page] if page is not None else []],
                  [chunk_id] if chunk_id else [], how="document view")
    return list(pages)


def unmask_quote(quote: str, pages: Sequence[Page], page: int | None, masker: Masker) -> str:
    """The revealed form of a masked quote: found in the masked page text, read from the original at the
    same place (masking keeps offsets); the quote itself when it is not found."""
    import re

    words = quote.split()
    if not words or not masker.enabled:
        return quote
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    for p in sorted(pages, key=lambda p: p.number != page):  # the cited page first
        m = pattern.search(masker.mask(p.text))
        if m:
            return p.text[m.start():m.end()]
    return quote


def viewer_pages(svc: Any, source: str) -> tuple[list[Page], bool]:
    """A document's pages as the source viewer shows them by default (identifiers masked), and whether
    masking changed anything (then the viewer offers Reveal, and shows a PDF as this text)."""
    pages = svc.pages(source)
    masked = mask_pages(pages, masker_of(svc))
    return masked, any(a.text != b.text for a, b in zip(pages, masked, strict=True))
