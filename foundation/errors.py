"""One exception type for errors a person can act on.

The message names the file or setting and what to do; the CLI prints it without a traceback and the
window shows it in place.
"""

from __future__ import annotations


class SillokError(Exception):
    """An error the user can act on; ``str(err)`` is the whole message."""


class LoadError(SillokError):
    """A file could not be read. ``reason`` is short and human; ``status`` is failed or needs_ocr."""

    def __init__(self, path: object, reason: str, status: str = "failed") -> None:
        self.path = str(path)
        self.reason = reason
        self.status = status
        super().__init__(f"{self.path}: {reason}")


class NeedsOCR(LoadError):
    def __init__(self, path: object, reason: str = "needs OCR: no text layer (scanned or image-only)") -> None:
        super().__init__(path, reason, status="needs_ocr")


class Cancelled(SillokError):
    """Raised inside long jobs when the cancel token is set; callers treat it as a clean stop."""
