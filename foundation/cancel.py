"""A cancel token that long jobs check between batches (threading.Event, so any thread may set it)."""

from __future__ import annotations

import threading

from sillok.foundation.errors import Cancelled


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled")
