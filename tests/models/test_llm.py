"""LocalLLM: loading, errors a person can act on, streaming, cancel, prefix reuse, locking."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.models.llm import LocalLLM, Timings
from sillok.models.tiny_gguf import write_tiny_llama_gguf

USER = [{"role": "user", "content": "Hello"}]


def test_import_is_cheap() -> None:
    import subprocess
    import sys

    code = "import sys, sillok.models.llm; print('llama_cpp' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_tiny_loads_with_info(tiny_llm: LocalLLM, tiny_gguf: Path) -> None:
    info = tiny_llm.info
    assert info.model_path == str(tiny_gguf) and info.model_name == "tiny-llama-test"
    assert (info.backend, info.n_gpu_layers, info.n_layers, info.n_ctx) == ("cpu", 0, 2, 512)
    assert info.chat_format == "chatml"  # no template in the file, name gives no hint
    assert tiny_llm.count_tokens("abc") == 6  # byte-level SPM: "▁" is 3 byte tokens, no BOS
    assert tiny_llm.tokenize("abc")[0] != 1


def test_tiny_gguf_template_is_used(tiny_chatml_gguf: Path) -> None:
    llm = LocalLLM(tiny_chatml_gguf, n_ctx=256, n_threads=1)
    assert llm.info.chat_format == "gguf"
    assert llm.render(USER) == "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n"
    assert "<|im_end|>" in llm._stop and "</s>" in llm._stop  # template end-of-turn + model EOS
    named = LocalLLM(tiny_chatml_gguf, n_ctx=256, chat_format="koalpaca", n_threads=1)
    assert named.render(USER) == "### 질문: Hello\n\n### 답변:"


def test_tiny_streams_and_records_timings(tiny_llm: LocalLLM) -> None:
    pieces = list(tiny_llm.stream(USER, max_tokens=12))
    assert all(isinstance(p, str) for p in pieces)
    t = tiny_llm.last_timings
    assert isinstance(t, Timings) and t.prompt_tokens == len(tiny_llm.tokenize_prompt(tiny_llm.render(USER)))
    assert 0 < t.completion_tokens <= 12 and t.total_ms >= t.first_token_ms >= 0
    again = "".join(tiny_llm.stream(USER, max_tokens=12))
    assert again == "".join(pieces), "greedy decoding is deterministic"


def test_prefix_is_reused_across_turns(tiny_llm: LocalLLM) -> None:
    first = [{"role": "system", "content": "long system prompt " * 10}, *USER]
    answer = tiny_llm.complete(first, max_tokens=8)
    n_first = tiny_llm.last_timings.prompt_tokens
    second = [*first, {"role": "assistant", "content": answer}, {"role": "user", "content": "More"}]
    tiny_llm.complete(second, max_tokens=8)
    t = tiny_llm.last_timings
    assert t.prompt_tokens > n_first
    assert t.reused_tokens >= n_first - 1, "the KV cache of the first prompt must be reused"


def test_cancel_stops_mid_stream(tiny_llm: LocalLLM) -> None:
    cancel = CancelToken()
    got = []
    for piece in tiny_llm.stream_prompt(
        "<s>" + "x" * 10, max_tokens=100, cancel=cancel, stop=["\x00\x00never"]
    ):
        got.append(piece)
        if len(got) == 3:
            cancel.cancel()
    assert len(got) == 3
    assert tiny_llm.last_timings.cancelled
    pre = CancelToken()
    pre.cancel()
    assert list(tiny_llm.stream(USER, cancel=pre)) == []


def test_prompt_longer_than_context_is_a_clear_error(tiny_llm: LocalLLM) -> None:
    with pytest.raises(SillokError, match="context holds 512"):
        list(tiny_llm.stream([{"role": "user", "content": "가" * 400}]))


def test_bad_message_role(tiny_llm: LocalLLM) -> None:
    with pytest.raises(SillokError, match="bad chat message"):
        tiny_llm.render([{"role": "tool", "content": "x"}])


def test_generations_are_serialised(tiny_llm: LocalLLM) -> None:
    expected = tiny_llm.complete(USER, max_tokens=10)
    results: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(tiny_llm.complete(USER, max_tokens=10))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and results == [expected] * 4


# ---- bad model files: each error names the file; the app keeps working afterwards --------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SillokError, match="missing.gguf: model file not found"):
        LocalLLM(tmp_path / "missing.gguf")


def test_text_file_renamed_gguf(tmp_path: Path) -> None:
    bad = tmp_path / "notes.gguf"
    bad.write_text("이것은 모델이 아닙니다\n", encoding="utf-8")
    with pytest.raises(SillokError, match=r"notes\.gguf: not a GGUF"):
        LocalLLM(bad)


def test_truncated_copy(tmp_path: Path, tiny_gguf: Path) -> None:
    data = tiny_gguf.read_bytes()
    for cut, what in ((len(data) // 2, "truncated GGUF file"), (200, "truncated or corrupt GGUF header")):
        bad = tmp_path / f"cut{cut}.gguf"
        bad.write_bytes(data[:cut])
        with pytest.raises(SillokError, match=what) as err:
            LocalLLM(bad)
        assert bad.name in str(err.value)


def test_unknown_architecture(tmp_path: Path) -> None:
    bad = write_tiny_llama_gguf(tmp_path / "weird.gguf", architecture="nonexistent-arch")
    with pytest.raises(SillokError) as err:
        LocalLLM(bad)
    msg = str(err.value)
    assert msg.startswith(f"could not load model {bad}") and "nonexistent-arch" in msg


def test_good_model_loads_after_bad_ones(tmp_path: Path, tiny_gguf: Path) -> None:
    bad = write_tiny_llama_gguf(tmp_path / "weird.gguf", architecture="nonexistent-arch")
    for _ in range(2):
        with pytest.raises(SillokError):
            LocalLLM(bad)
    ok = LocalLLM(shutil.copy(tiny_gguf, tmp_path / "ok.gguf"), n_ctx=128, n_threads=1)
    assert ok.complete(USER, max_tokens=4) is not None


def test_gpu_failure_falls_back_to_cpu(monkeypatch: pytest.MonkeyPatch, tiny_gguf: Path) -> None:
    import sillok.models.llm as llm_mod

    monkeypatch.setattr(llm_mod, "detect_backend", lambda: "cuda")
    monkeypatch.setattr(llm_mod, "free_vram_bytes", lambda backend=None: None)
    real_load = LocalLLM._load
    calls: list[tuple[int, bool]] = []

    def flaky(path, header, n_ctx, layers, seed, threads, lookup=False):
        calls.append((layers, lookup))
        if layers:
            raise SillokError(f"could not load model {path}: CUDA error: out of memory")
        return real_load(path, header, n_ctx, layers, seed, threads, lookup)

    monkeypatch.setattr(LocalLLM, "_load", staticmethod(flaky))
    llm = LocalLLM(tiny_gguf, n_ctx=128, n_threads=1)
    assert calls == [(3, True), (0, False)]  # prompt lookup follows the backend actually used
    assert llm.info.backend == "cpu" and llm.info.n_gpu_layers == 0 and not llm.info.prompt_lookup
    assert llm.info.message.startswith("GPU offload failed (") and llm.info.message.endswith("running on CPU")


# ---- the real default model ------------------------------------------------------------------


def test_smollm2_streams_an_answer(smollm: LocalLLM) -> None:
    msgs = [
        {"role": "system", "content": "Answer in one sentence."},
        {"role": "user", "content": "What is the capital of France?"},
    ]
    pieces = list(smollm.stream(msgs, max_tokens=48))
    text = "".join(pieces)
    assert len(pieces) > 3 and "Paris" in text
    t = smollm.last_timings
    assert t.completion_tokens > 3 and t.tokens_per_s > 0 and not t.cancelled


def test_smollm2_cancel_mid_stream(smollm: LocalLLM) -> None:
    cancel = CancelToken()
    n = 0
    for _ in smollm.stream(
        [{"role": "user", "content": "Write a long story about a dragon."}], max_tokens=200, cancel=cancel
    ):
        n += 1
        if n == 5:
            cancel.cancel()
    assert n == 5
    assert smollm.last_timings.cancelled and smollm.last_timings.completion_tokens < 200


def test_looping_detects_verbatim_repetition_only() -> None:
    from sillok.models.llm import looping

    assert looping("Answer: " + "전처리 " * 16)
    assert looping("The result " + "chest pain, " * 4)
    assert not looping("chest pain, " * 3)  # three times is not yet a loop
    assert not looping("| a | b |\n" + "|---" * 20)  # separators have no letters
    assert not looping("Yes. " * 4)  # too short to call a loop (20 characters)
    assert not looping("Either party may terminate by notice [1]. The vendor returns records [2].")


def test_smollm2_stops_a_loop_instead_of_spending_the_budget(smollm: LocalLLM) -> None:
    out = "".join(smollm.stream_prompt("The patient record says: " + "chest pain, " * 12, max_tokens=200))
    t = smollm.last_timings
    assert t.looped and t.completion_tokens < 60, (out, t)


def test_prompt_lookup_is_on_where_a_gpu_holds_the_model() -> None:
    from sillok.models.llm import use_prompt_lookup

    assert use_prompt_lookup(None, "cuda", 33) and use_prompt_lookup(None, "metal", 1)
    assert not use_prompt_lookup(None, "cpu", 0) and not use_prompt_lookup(None, "cuda", 0)
    assert use_prompt_lookup(True, "cpu", 0) and not use_prompt_lookup(False, "cuda", 33)


def test_prompt_lookup_decoding_keeps_the_greedy_text(tiny_gguf: Path, tiny_llm: LocalLLM) -> None:
    msgs = [{"role": "user", "content": "abc abc abc abc abc abc"}]
    plain = "".join(tiny_llm.stream(msgs, max_tokens=24))
    spec = LocalLLM(tiny_gguf, n_ctx=512, n_threads=1, prompt_lookup=True)
    try:
        assert spec.info.prompt_lookup and not tiny_llm.info.prompt_lookup
        assert "".join(spec.stream(msgs, max_tokens=24)) == plain
        assert spec.last_timings.completion_tokens > 0
    finally:
        spec.close()
