"""A local GGUF chat model through llama-cpp-python, with errors a person can act on.

Why these choices:
- llama_cpp is imported inside ``__init__`` so importing this module (CLI start, tests) stays cheap.
- Every file is checked (exists, GGUF magic, header, size) before llama.cpp sees it, and llama.cpp's
  own failure is caught and explained, so a bad model never takes the app down.
- Everything streams through ``create_completion`` on token ids we make ourselves from the rendered
  prompt: one code path, the exact tokens are testable, and no second BOS sneaks in.
- The same Llama object is reused and never ``reset()``: llama-cpp-python then keeps the KV cache
  for the longest common token prefix of the previous prompt (system prompt, earlier turns).
- llama-cpp-python is not thread-safe, so each generation holds a lock.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.models.chat_formats import ChatFormat, Messages, resolve_format
from sillok.models.gguf_header import GGUFInfo, validate_gguf
from sillok.models.gpu import choose_gpu_layers, detect_backend, free_vram_bytes, import_llama_cpp


@dataclass(frozen=True)
class LLMInfo:
    model_path: str
    model_name: str
    backend: str  # "cpu" | "cuda" | "metal"
    n_gpu_layers: int
    n_layers: int
    n_ctx: int
    chat_format: str
    message: str = ""  # e.g. the GPU decision or a fallback note
    prompt_lookup: bool = False  # prompt-lookup speculative decoding on (see use_prompt_lookup)


PROMPT_LOOKUP_TOKENS = 10


def use_prompt_lookup(setting: bool | None, backend: str, gpu_layers: int) -> bool:
    """Prompt-lookup decoding drafts tokens by copying n-grams from the prompt (RAG answers quote
    their sources) and verifies them in one batch. Worth it only where a batch of ~10 tokens costs
    about one decode step — a GPU holding the whole model; on a CPU the batch costs ~10 steps
    (bench_llm measured x0.30-0.35 here with SmolLM2), so `None` (auto) means on iff offloaded."""
    if setting is not None:
        return bool(setting)
    return backend in ("cuda", "metal") and gpu_layers > 0


@dataclass(frozen=True)
class Timings:
    """What the last generation cost. ``reused_tokens`` came from the KV cache (prefix reuse)."""

    prompt_tokens: int
    reused_tokens: int
    completion_tokens: int
    first_token_ms: float
    total_ms: float
    tokens_per_s: float  # generation speed after the first token
    cancelled: bool = False
    looped: bool = False  # stopped because the output had started repeating itself (see `looping`)


def looping(text: str, repeats: int = 4, min_chars: int = 48, max_unit: int = 100) -> bool:
    """True when `text` ends in the same unit (with a letter or digit in it) `repeats` times running.

    Why: at temperature 0, small models fall into loops ("전처리 전처리 전처리 …") and would spend
    the whole answer budget on them. Verbatim 4-fold repetition of a ≥ 12-character span is not
    something a real answer does; separator runs ("|---|---|") have no letters and do not count.
    """
    for unit in range(1, max_unit + 1):
        span = unit * repeats
        if span > len(text):
            break
        if span < min_chars:
            continue
        piece = text[-unit:]
        if any(c.isalnum() for c in piece) and text.endswith(piece * repeats):
            return True
    return False


# llama.cpp logs through one process-wide callback. We keep warnings/errors (to explain load
# failures) and print nothing, instead of the default stream of load chatter on stderr.
_LOG: deque[str] = deque(maxlen=64)
_LOG_CB: Any = None
_LOG_LOCK = threading.Lock()


def _install_log_capture(llama_cpp: Any) -> None:
    global _LOG_CB
    with _LOG_LOCK:
        if _LOG_CB is not None:
            return
        state = {"keep": False}

        def cb(level: int, text: bytes, _user: ctypes.c_void_p) -> None:
            # ggml_log_level: 1 debug, 2 info, 3 warn, 4 error, 5 continuation of the previous line
            if level in (3, 4) or (level == 5 and state["keep"]):
                _LOG.append(text.decode("utf-8", "replace"))
                state["keep"] = True
            elif level != 5:
                state["keep"] = False

        _LOG_CB = llama_cpp.llama_log_callback(cb)
        llama_cpp.llama_log_set(_LOG_CB, ctypes.c_void_p(0))


def _load_reason(default: str) -> str:
    """The most telling llama.cpp error line logged during the failed load."""
    lines = [ln.strip() for ln in "".join(_LOG).splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "error loading model:" in ln:
            return ln.split("error loading model:", 1)[1].strip()
    errors = [ln for ln in lines if "error" in ln.lower() or "failed" in ln.lower()]
    return errors[-1] if errors else default


def _default_threads() -> int:
    # llama.cpp's own default (about the physical cores); more threads lose to contention, see gpu.py
    return max(1, (os.cpu_count() or 2) // 2)


class LocalLLM:
    """One loaded GGUF model. See module docstring for why it is built this way."""

    def __init__(
        self,
        model_path: str | Path,
        *,
        n_ctx: int = 4096,
        n_gpu_layers: int | str = "auto",
        chat_format: str | None = None,
        seed: int = 0,
        n_threads: int | None = None,
        prompt_lookup: bool | None = None,
    ) -> None:
        path = Path(model_path).expanduser()
        header = validate_gguf(path)  # missing / not GGUF / truncated -> SillokError naming the file
        if not header.architecture:
            raise SillokError(f"{path}: GGUF file has no general.architecture; it is not a language model")
        try:
            llama_cpp = import_llama_cpp()
        except ImportError as e:
            raise SillokError(
                f"llama-cpp-python is not installed or broken ({e}); reinstall Sillok"
            ) from None
        _install_log_capture(llama_cpp)
        self._lock = threading.Lock()
        self.seed = seed
        ctx_train = header.arch_int("context_length")
        n_ctx = min(n_ctx, ctx_train) if ctx_train > 0 else n_ctx
        backend = detect_backend()
        free = free_vram_bytes(backend) if backend != "cpu" and n_gpu_layers == "auto" else None
        layers, message = choose_gpu_layers(
            n_gpu_layers,
            backend,
            header.n_layers,
            header.file_size,
            free,
            n_ctx,
            kv_bytes_per_token=header.kv_bytes_per_token(),
        )
        threads = n_threads or _default_threads()
        batch_threads = n_threads or max(threads, (os.cpu_count() or 1))
        lookup = use_prompt_lookup(prompt_lookup, backend, layers)
        try:
            self._llama = self._load(path, header, n_ctx, layers, seed, (threads, batch_threads), lookup)
        except SillokError as e:
            if layers == 0:
                raise
            lookup = use_prompt_lookup(prompt_lookup, "cpu", 0)
            self._llama = self._load(path, header, n_ctx, 0, seed, (threads, batch_threads), lookup)
            message = f"GPU offload failed ({e}); running on CPU"
            layers = 0
        model = self._llama._model
        self._bos_text = model.token_get_text(model.token_bos()) if model.token_bos() >= 0 else ""
        self._eos_text = model.token_get_text(model.token_eos()) if model.token_eos() >= 0 else ""
        self._add_bos = bool(model.add_bos_token())
        self.format: ChatFormat = resolve_format(
            chat_format, header.chat_template, f"{header.name} {path.name}", self._bos_text, self._eos_text
        )
        self._stop = list(dict.fromkeys([*self.format.stop, *([self._eos_text] if self._eos_text else [])]))
        self.info = LLMInfo(
            str(path),
            header.name,
            backend if layers else "cpu",
            layers,
            header.n_layers,
            int(self._llama.n_ctx()),
            self.format.name,
            message,
            lookup,
        )
        self.last_timings: Timings | None = None
        self.name = path.stem

    # ---- the ChatModel contract (sillok.foundation.protocols) ---------------------------------

    @property
    def n_ctx(self) -> int:
        return int(self.info.n_ctx)

    def prompt_tokens(self, messages: Messages) -> int | None:
        return len(self.tokenize_prompt(self.render(messages)))

    def timings(self) -> Timings | None:
        return self.last_timings

    @staticmethod
    def _load(
        path: Path, header: GGUFInfo, n_ctx: int, layers: int, seed: int, threads: tuple[int, int],
        prompt_lookup: bool = False,
    ) -> Any:
        from llama_cpp import Llama

        _LOG.clear()
        draft: dict[str, Any] = {}
        if prompt_lookup:
            from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

            draft["draft_model"] = LlamaPromptLookupDecoding(num_pred_tokens=PROMPT_LOOKUP_TOKENS)
        try:
            return Llama(
                **draft,
                model_path=str(path),
                n_ctx=n_ctx,
                n_gpu_layers=layers,
                seed=seed,
                n_threads=threads[0],
                n_threads_batch=threads[1],
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as e:
            reason = _load_reason(str(e))
            if "unknown model architecture" in reason or _unknown_arch(header.architecture):
                reason = f"unsupported architecture '{header.architecture}' for this llama.cpp ({reason})"
            raise SillokError(f"could not load model {path}: {reason}") from None

    # ---- tokens -------------------------------------------------------------------------------

    def tokenize(self, text: str) -> list[int]:
        """Tokens of plain text (no BOS; special-token text stays text), e.g. to size document chunks."""
        return self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenize(text))

    def tokenize_prompt(self, prompt: str) -> list[int]:
        """The exact ids the model receives: specials parsed, BOS added only if the text lacks it."""
        add_bos = self._add_bos and not (self._bos_text and prompt.startswith(self._bos_text))
        return self._llama.tokenize(prompt.encode("utf-8"), add_bos=add_bos, special=True)

    # ---- generation ---------------------------------------------------------------------------

    def render(self, messages: Messages) -> str:
        """The exact prompt string for ``messages`` ([{"role": system|user|assistant, "content": ...}])."""
        for m in messages:
            if m.get("role") not in ("system", "user", "assistant") or not isinstance(m.get("content"), str):
                raise SillokError(f"bad chat message {m!r}: need role system/user/assistant and text content")
        return self.format.render(messages)

    def stream(
        self,
        messages: Messages,
        *,
        max_tokens: int = 512,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        """Yield answer text pieces as they are generated; stops early when ``cancel`` is set."""
        return self.stream_prompt(
            self.render(messages), max_tokens=max_tokens, temperature=temperature, stop=stop, cancel=cancel
        )

    def complete(self, messages: Messages, **kw: Any) -> str:
        return "".join(self.stream(messages, **kw))

    def stream_prompt(
        self,
        prompt: str,
        *,
        max_tokens: int = 512,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        """Stream a completion of an already rendered prompt (the template's stops always apply)."""
        tokens = self.tokenize_prompt(prompt)
        n_ctx = self.info.n_ctx
        if len(tokens) >= n_ctx:
            raise SillokError(
                f"the question and its context are {len(tokens)} tokens, but the model's context holds "
                f"{n_ctx}; use fewer or shorter passages, or raise n_ctx in settings"
            )
        stops = list(dict.fromkeys([*self._stop, *(stop or [])]))
        return self._generate(tokens, max_tokens, temperature, stops, cancel)

    def _generate(
        self,
        tokens: list[int],
        max_tokens: int,
        temperature: float,
        stops: list[str],
        cancel: CancelToken | None,
    ) -> Iterator[str]:
        with self._lock:
            llama = self._llama
            cached = llama._input_ids.tolist()
            common = 0
            for a, b in zip(cached, tokens, strict=False):
                if a != b:
                    break
                common += 1
            # llama-cpp-python re-evaluates one token when the whole prompt is cached (to refresh logits)
            reused = common - 1 if common == len(tokens) and common > 0 else common
            start = time.perf_counter()
            first: float | None = None
            cancelled = looped = False
            out = ""
            it = llama.create_completion(
                tokens,
                max_tokens=max_tokens,
                temperature=temperature,
                stop=stops,
                stream=True,
                seed=self.seed,
            )
            try:
                for chunk in it:
                    if cancel is not None and cancel.cancelled:
                        cancelled = True
                        break
                    text = chunk["choices"][0]["text"]
                    if text:
                        if first is None:
                            first = time.perf_counter()
                        yield text
                        out = (out + text)[-4 * 100:]
                        if looping(out):
                            looped = True
                            break
                    if cancel is not None and cancel.cancelled:
                        cancelled = True
                        break
            except RuntimeError as e:  # a failed llama_decode (e.g. out of memory) must not kill the app
                raise SillokError(f"generation failed with {Path(self.info.model_path).name}: {e}") from None
            finally:
                it.close()
                end = time.perf_counter()
                # the last sampled token (or the EOS) is never evaluated, hence +1 once anything came out
                n_gen = max(1, llama.n_tokens - len(tokens) + 1) if first is not None else 0
                gen_s = end - (first or end)
                self.last_timings = Timings(
                    prompt_tokens=len(tokens),
                    reused_tokens=reused,
                    completion_tokens=n_gen,
                    first_token_ms=((first or end) - start) * 1000,
                    total_ms=(end - start) * 1000,
                    tokens_per_s=(n_gen - 1) / gen_s if n_gen > 1 and gen_s > 0 else 0.0,
                    cancelled=cancelled,
                    looped=looped,
                )

    def forget(self) -> None:
        """Drop the cached prompt (token ids and KV cache): after a document is removed its text must
        not stay in memory either; the next generation then starts cold."""
        with self._lock:
            llama = self._llama
            llama.reset()
            llama.input_ids[:] = 0
            llama._ctx.kv_cache_clear()

    def close(self) -> None:
        """Free the model now instead of at garbage collection."""
        with self._lock:
            self._llama.close()


def _unknown_arch(arch: str) -> bool:
    try:
        from gguf import MODEL_ARCH_NAMES
    except ImportError:
        return False
    return arch not in set(MODEL_ARCH_NAMES.values())
