"""Follow-up sessions: each conversation as the model saw it, kept in memory by the facade.

Why: a follow-up that sends the very messages of the previous turns (system, questions with their
sources, the answers) lets llama.cpp reuse its KV cache for that prefix, so the next answer starts at a
fraction of a cold turn's time. `hits[n-1]` is source [n] across all turns. Lost on restart: the next
turn is then cold.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from sillok.foundation.protocols import Messages
from sillok.foundation.types import Hit


@dataclass
class Session:
    messages: Messages
    hits: list[Hit]


class Sessions:
    def __init__(self) -> None:
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, conversation_id: str | None) -> Session | None:
        if conversation_id is None:
            return None
        with self._lock:
            return self._by_id.get(conversation_id)

    def put(self, conversation_id: str, session: Session) -> None:
        with self._lock:
            self._by_id[conversation_id] = session

    def __contains__(self, conversation_id: object) -> bool:
        with self._lock:
            return conversation_id in self._by_id

    def drop_showing(self, sources: Sequence[str]) -> int:
        """Drop every session that showed the model text of `sources`; returns how many."""
        gone = set(sources)
        with self._lock:
            stale = [cid for cid, s in self._by_id.items() if any(h.source in gone for h in s.hits)]
            for cid in stale:
                del self._by_id[cid]
        return len(stale)
