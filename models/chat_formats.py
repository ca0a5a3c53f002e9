"""Chat prompt templates: turn a list of {"role", "content"} messages into the exact prompt string.

Why our own instead of llama-cpp-python's chat handlers: the app must show (and test) the exact
string the model receives, stream it through one code path (``create_completion``), and keep the
prompt prefix stable across turns so llama.cpp's KV-cache prefix reuse works.

Rule: the GGUF's own Jinja template (``tokenizer.chat_template``) wins; else a named format from
settings; else a guess from the model name; else ChatML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sillok.foundation.errors import SillokError

Messages = list[dict[str, str]]


@dataclass(frozen=True)
class ChatFormat:
    """``render`` returns the prompt ending where the assistant's answer starts.

    ``bos_in_text`` says the rendered text already starts with the BOS token text, so the
    tokenizer must not add another one (LocalLLM checks the rendered text too).
    """

    name: str
    render: Callable[[Messages], str]
    stop: list[str] = field(default_factory=list)
    bos_in_text: bool = False


def _split_system(messages: Messages) -> tuple[str, Messages]:
    """Join leading/any system messages into one string; return it and the other turns."""
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    return system, [m for m in messages if m["role"] != "system"]


def _chatml(messages: Messages) -> str:
    parts = [f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages]
    return "".join(parts) + "<|im_start|>assistant\n"


def _llama2(messages: Messages) -> str:
    system, turns = _split_system(messages)
    out, first = "", True
    for m in turns:
        if m["role"] == "user":
            content = m["content"].strip()
            if first and system:
                content = f"<<SYS>>\n{system.strip()}\n<</SYS>>\n\n{content}"
            out += f"<s>[INST] {content} [/INST]"
            first = False
        else:
            out += f" {m['content'].strip()} </s>"
    return out


def _llama3(messages: Messages) -> str:
    out = "<|begin_of_text|>"
    for m in messages:
        out += f"<|start_header_id|>{m['role']}<|end_header_id|>\n\n{m['content'].strip()}<|eot_id|>"
    return out + "<|start_header_id|>assistant<|end_header_id|>\n\n"


def _gemma(messages: Messages) -> str:
    system, turns = _split_system(messages)
    out = "<bos>"
    for i, m in enumerate(turns):
        content = m["content"].strip()
        if i == 0 and system and m["role"] == "user":
            content = f"{system.strip()}\n\n{content}"
        role = "model" if m["role"] == "assistant" else "user"
        out += f"<start_of_turn>{role}\n{content}<end_of_turn>\n"
    return out + "<start_of_turn>model\n"


ALPACA_SYSTEM = "Below is an instruction that describes a task. Write a response that appropriately completes the request."


def _alpaca(messages: Messages) -> str:
    system, turns = _split_system(messages)
    out = f"{system or ALPACA_SYSTEM}\n\n"
    for m in turns:
        if m["role"] == "user":
            out += f"### Instruction:\n{m['content']}\n\n### Response:\n"
        else:
            out += f"{m['content']}\n\n"
    return out


def _koalpaca(messages: Messages) -> str:
    """beomi/KoAlpaca: ``### 질문: {q}\\n\\n### 답변:`` (system text, if any, goes first as plain text)."""
    system, turns = _split_system(messages)
    out = f"{system}\n\n" if system else ""
    for m in turns:
        if m["role"] == "user":
            out += f"### 질문: {m['content']}\n\n### 답변:"
        else:
            out += f" {m['content']}\n\n"
    return out


FORMATS: dict[str, ChatFormat] = {
    "chatml": ChatFormat("chatml", _chatml, ["<|im_end|>"]),
    "llama2": ChatFormat("llama2", _llama2, ["</s>", "[INST]"], bos_in_text=True),
    "llama3": ChatFormat("llama3", _llama3, ["<|eot_id|>", "<|end_of_text|>"], bos_in_text=True),
    "gemma": ChatFormat("gemma", _gemma, ["<end_of_turn>"], bos_in_text=True),
    "alpaca": ChatFormat("alpaca", _alpaca, ["### Instruction:"]),
    "koalpaca": ChatFormat("koalpaca", _koalpaca, ["### 질문:"]),
}

# End-of-turn markers of common templates; those present in a GGUF template become stop strings.
_KNOWN_EOT = [
    "<|im_end|>",
    "<|eot_id|>",
    "<|end_of_text|>",
    "<end_of_turn>",
    "[|endofturn|]",
    "<|endoftext|>",
    "</s>",
]


def gguf_format(template: str, bos_token: str = "", eos_token: str = "") -> ChatFormat:
    """Render the model's own Jinja chat template in a sandbox, like transformers does."""
    from jinja2 import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)

    def raise_exception(msg: str) -> None:
        raise TemplateError(msg)

    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    try:
        compiled = env.from_string(template)
    except TemplateError as e:
        raise SillokError(f"the model's chat template does not compile: {e}") from None

    def render(messages: Messages) -> str:
        try:
            return compiled.render(
                messages=messages, add_generation_prompt=True, bos_token=bos_token, eos_token=eos_token
            )
        except TemplateError as e:
            raise SillokError(f"the model's chat template failed: {e}") from None

    stop = [s for s in _KNOWN_EOT if s in template]
    if eos_token and eos_token not in stop:
        stop.append(eos_token)
    return ChatFormat("gguf", render, stop, bos_in_text=bool(bos_token) and "bos_token" in template)


def guess_format(model_name: str) -> str:
    """Pick a named format from a model's name or file name."""
    n = model_name.lower().replace("_", "-")
    if "koalpaca" in n:
        return "koalpaca"
    if "llama-2" in n or "llama2" in n:
        return "llama2"
    if "llama-3" in n or "llama3" in n:
        return "llama3"
    if "gemma" in n:
        return "gemma"
    return "chatml"  # qwen, smollm and most recent instruct models speak ChatML


def resolve_format(
    requested: str | None, template: str | None, model_name: str, bos_token: str = "", eos_token: str = ""
) -> ChatFormat:
    """Settings name (if not None/"auto") > GGUF template > name guess > ChatML."""
    if requested and requested != "auto":
        if requested == "gguf":
            if not template:
                raise SillokError(f"chat format 'gguf' asked for, but {model_name} has no chat template")
            return gguf_format(template, bos_token, eos_token)
        if requested not in FORMATS:
            names = ", ".join(["auto", "gguf", *FORMATS])
            raise SillokError(f"unknown chat format {requested!r}; use one of: {names}")
        return FORMATS[requested]
    if template:
        return gguf_format(template, bos_token, eos_token)
    return FORMATS[guess_format(model_name)]
