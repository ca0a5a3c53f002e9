"""One worker thread that owns the facade and runs every heavy call, one job at a time.

Why one thread: llama-cpp-python is not thread-safe and the store has one writer, so the `Sillok`
object is created on, and only used from, this thread (Anki's taskman does the same for its DB).
Results travel back through a queued signal to a QObject living on the UI thread, so callbacks
always run on the UI thread and never touch widgets from the worker (Picard's rule).
"""

from __future__ import annotations

import logging
import queue
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import Cancelled, SillokError

log = logging.getLogger(__name__)
Callback = Callable[..., Any] | None


class Job:
    """A unit of work: ``fn(service, job)`` runs on the worker; callbacks run on the UI thread."""

    def __init__(self, fn: Callable[[Any, Job], Any], name: str, done: Callback, error: Callback,
                 progress: Callback, worker: Worker) -> None:
        self.fn, self.name = fn, name
        self.done_cb, self.error_cb, self.progress_cb = done, error, progress
        self.cancel = CancelToken()
        self._worker = worker
        self.finished = False

    def report(self, value: Any) -> None:
        """Called from the worker: hand ``value`` to the progress callback on the UI thread."""
        if self.progress_cb is not None and not self.cancel.cancelled:
            self._worker._post(self.progress_cb, value)


class _Bridge(QObject):
    """Lives on the UI thread; runs posted callbacks there (queued even when posted from it)."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _run(self, payload: Any) -> None:
        fn, args = payload
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - a broken callback must not kill the event loop
            log.exception("UI callback failed")


class Worker(QThread):
    """A job queue drained by one thread. ``make_service`` runs on that thread on first use."""

    busyChanged = Signal(bool)  # noqa: N815 - Qt naming

    def __init__(self, make_service: Callable[[], Any], close_service: Callable[[Any], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make_service = make_service
        self._close = close_service
        self._service: Any = None
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._bridge = _Bridge()
        self._current: Job | None = None
        self._pending = 0
        self._lock = threading.Lock()
        self._stopping = False

    # -- UI thread ---------------------------------------------------------------------------------
    def submit(self, fn: Callable[[Any, Job], Any], *, name: str = "", done: Callback = None,
               error: Callback = None, progress: Callback = None) -> Job:
        job = Job(fn, name, done, error, progress, self)
        if self._stopping:
            job.cancel.cancel()
            return job
        with self._lock:
            self._pending += 1
            if self._pending == 1:
                self.busyChanged.emit(True)
        if not self.isRunning():
            self.start()
        self._queue.put(job)
        return job

    def reset_service(self, make_service: Callable[[], Any]) -> Job:
        """Drop the facade (and its loaded models) and build the next one with ``make_service``."""

        def swap(_svc: Any, _job: Job) -> None:
            self._close_service()
            self._make_service = make_service

        return self.submit(swap, name="reset")

    def cancel_all(self) -> None:
        current = self._current
        if current is not None:
            current.cancel.cancel()
        for job in list(self._queue.queue):
            if job is not None:
                job.cancel.cancel()

    def stop(self, timeout_ms: int = 20000) -> bool:
        """Cancel everything, let the thread finish its current step, and wait for it."""
        self._stopping = True
        self.cancel_all()
        self._queue.put(None)
        if not self.isRunning():
            return True
        return self.wait(timeout_ms)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    # -- worker thread -----------------------------------------------------------------------------
    def _post(self, fn: Callable[..., Any], *args: Any) -> None:
        self._bridge.call.emit((fn, args))

    def run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                break
            self._current = job
            try:
                self._run_one(job)
            finally:
                self._current = None
                job.finished = True
                with self._lock:
                    self._pending -= 1
                    if self._pending == 0:
                        self._post(self.busyChanged.emit, False)
        self._close_service()

    def _run_one(self, job: Job) -> None:
        if job.cancel.cancelled:  # cancelled while queued: say so, as a cancelled run would
            if job.done_cb is not None and not self._stopping:
                self._post(job.done_cb, None)
            return
        try:
            if self._service is None:
                self._service = self._make_service()
            result = job.fn(self._service, job)
        except Cancelled:
            if job.done_cb is not None:
                self._post(job.done_cb, None)
        except SillokError as e:
            self._post_error(job, str(e))
        except BaseException as e:  # noqa: BLE001 - everything is reported, nothing kills the thread
            log.error("job %s failed:\n%s", job.name, traceback.format_exc())
            self._post_error(job, f"{type(e).__name__}: {e}")
        else:
            if job.done_cb is not None:
                self._post(job.done_cb, result)

    def _post_error(self, job: Job, message: str) -> None:
        if job.error_cb is not None:
            self._post(job.error_cb, message)
        else:
            log.error("job %s: %s", job.name, message)

    def _close_service(self) -> None:
        svc, self._service = self._service, None
        if svc is not None and self._close is not None:
            try:
                self._close(svc)
            except Exception:  # noqa: BLE001
                log.exception("closing the service failed")
