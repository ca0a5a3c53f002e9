"""Each template renders the exact prompt string; SmolLM2 receives the exact token ids."""

from __future__ import annotations

import pytest

from sillok.foundation.errors import SillokError
from sillok.models.chat_formats import FORMATS, gguf_format, guess_format, resolve_format

SYS_USER = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi?"}]
MULTI = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hi?"},
    {"role": "assistant", "content": "Hello."},
    {"role": "user", "content": "계약 해지 조건은?"},
]

EXPECTED = {
    "chatml": (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi?<|im_end|>\n<|im_start|>assistant\n",
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi?<|im_end|>\n"
        "<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\n계약 해지 조건은?<|im_end|>\n"
        "<|im_start|>assistant\n",
    ),
    "llama2": (
        "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi? [/INST]",
        "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi? [/INST] Hello. </s><s>[INST] 계약 해지 조건은? [/INST]",
    ),
    "llama3": (
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHi?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHi?<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\n계약 해지 조건은?<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
    ),
    "gemma": (
        "<bos><start_of_turn>user\nBe brief.\n\nHi?<end_of_turn>\n<start_of_turn>model\n",
        "<bos><start_of_turn>user\nBe brief.\n\nHi?<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n"
        "<start_of_turn>user\n계약 해지 조건은?<end_of_turn>\n<start_of_turn>model\n",
    ),
    "alpaca": (
        "Be brief.\n\n### Instruction:\nHi?\n\n### Response:\n",
        "Be brief.\n\n### Instruction:\nHi?\n\n### Response:\nHello.\n\n### Instruction:\n계약 해지 조건은?\n\n### Response:\n",
    ),
    "koalpaca": (
        "Be brief.\n\n### 질문: Hi?\n\n### 답변:",
        "Be brief.\n\n### 질문: Hi?\n\n### 답변: Hello.\n\n### 질문: 계약 해지 조건은?\n\n### 답변:",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_render(name: str) -> None:
    fmt = FORMATS[name]
    single, multi = EXPECTED[name]
    assert fmt.render(SYS_USER) == single
    assert fmt.render(MULTI) == multi
    assert fmt.stop, "every format needs an end-of-turn stop string"


def test_no_system_variants() -> None:
    user = [{"role": "user", "content": "질문"}]
    assert FORMATS["koalpaca"].render(user) == "### 질문: 질문\n\n### 답변:"
    assert FORMATS["llama2"].render(user) == "<s>[INST] 질문 [/INST]"
    assert (
        FORMATS["gemma"].render(user) == "<bos><start_of_turn>user\n질문<end_of_turn>\n<start_of_turn>model\n"
    )
    assert FORMATS["alpaca"].render(user).startswith("Below is an instruction")


def test_gguf_template_matches_chatml() -> None:
    template = (
        "{{ bos_token }}{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>\n' }}"
        "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
    )
    fmt = gguf_format(template, bos_token="<s>", eos_token="</s>")
    assert fmt.render(MULTI) == "<s>" + EXPECTED["chatml"][1]
    assert fmt.stop == ["<|im_end|>", "</s>"] and fmt.bos_in_text


def test_gguf_template_is_sandboxed_and_errors_are_sillok() -> None:
    with pytest.raises(SillokError):
        gguf_format("{{ raise_exception('no system role') }}").render(SYS_USER)
    evil = gguf_format("{{ messages.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SillokError):
        evil.render(SYS_USER)
    with pytest.raises(SillokError):
        gguf_format("{% for %}")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("KoAlpaca-Polyglot-5.8B.Q4_K_M.gguf", "koalpaca"),
        ("llama-2-7b-chat.Q4_K_M.gguf", "llama2"),
        ("Meta-Llama-3.1-8B-Instruct-Q4_K_M", "llama3"),
        ("gemma-2-2b-it-Q4_K_M.gguf", "gemma"),
        ("qwen2.5-7b-instruct-q4_k_m.gguf", "chatml"),
        ("something-else.gguf", "chatml"),
    ],
)
def test_guess_format(name: str, fmt: str) -> None:
    assert guess_format(name) == fmt


def test_resolve_order() -> None:
    tmpl = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    assert resolve_format(None, tmpl, "gemma-2b").name == "gguf"  # GGUF template wins
    assert resolve_format("auto", None, "gemma-2b").name == "gemma"  # then the name
    assert resolve_format("koalpaca", tmpl, "x").name == "koalpaca"  # an explicit setting wins
    with pytest.raises(SillokError, match="unknown chat format"):
        resolve_format("vicuna9", None, "x")
    with pytest.raises(SillokError, match="no chat template"):
        resolve_format("gguf", None, "x")


def test_smollm2_exact_tokens(smollm) -> None:
    """SmolLM2 uses its GGUF template; specials are single ids and there is exactly one BOS-like start."""
    assert smollm.info.chat_format == "gguf"
    prompt = smollm.render(SYS_USER)
    assert prompt == EXPECTED["chatml"][0]
    ids = smollm.tokenize_prompt(prompt)
    im_start, im_end, nl = 1, 2, 198  # SmolLM2: <|im_start|> is also its BOS, <|im_end|> its EOS
    assert ids == [
        im_start,
        9690,
        nl,
        6077,
        5453,
        30,
        im_end,
        nl,  # system \n Be brief.
        im_start,
        4093,
        nl,
        26843,
        47,
        im_end,
        nl,  # user \n Hi?
        im_start,
        520,
        9531,
        nl,  # ass istant \n
    ]
    assert smollm._llama.detokenize(ids, special=True).decode() == prompt


def test_tiny_bos_added_once(tiny_llm) -> None:
    """The tiny model adds BOS (<s>=1); a prompt that already starts with <s> must not get a second one."""
    plain = tiny_llm.tokenize_prompt("hi")
    assert plain[0] == 1 and plain.count(1) == 1
    with_bos = tiny_llm.tokenize_prompt("<s>hi")
    assert with_bos[0] == 1 and with_bos.count(1) == 1
    assert tiny_llm.tokenize_prompt("<|im_start|>user")[1] == 259  # control token parsed as one id
