"""Telemetry and tracing of every dependency off, in code, before anything heavy is imported.

Why here and not in the user's environment: a developer's shell (or an office machine set up for some
other tool) may carry `LANGCHAIN_TRACING_V2=true` or an OpenTelemetry endpoint, and LangChain would
then send every prompt — patient and client text included — to a tracing server. `apply()` is called
from `Sillok.__init__`, so every entry point (window, CLI, benchmarks, tests) gets it; it only sets
environment variables and clears one cache, so it costs microseconds and imports nothing heavy.

What each dependency does, checked against the pinned versions:
- chromadb 1.5.9: product telemetry (`chromadb.telemetry.product.posthog`) is a no-op in this
  version, and `sillok.ingest.vector_index` passes `anonymized_telemetry=False` anyway; its OpenTelemetry
  export runs only when `CHROMA_OTEL_COLLECTION_ENDPOINT` is set — cleared here.
- langsmith / langchain-core: tracing is on when `LANGSMITH_TRACING[_V2]` / `LANGCHAIN_TRACING[_V2]`
  is "true" — all forced to "false"; langsmith caches those reads (`get_env_var` is lru_cached), so
  the cache is cleared when langsmith is already loaded.
- huggingface_hub / transformers / sentence-transformers: `HF_HUB_DISABLE_TELEMETRY=1`, and hub
  access off (`HF_HUB_OFFLINE`, `TRANSFORMERS_OFFLINE`) unless the person allowed downloads.
- OpenTelemetry SDK (pulled in by chromadb): `OTEL_SDK_DISABLED=true`.
- `DO_NOT_TRACK=1`, the cross-tool convention (honoured by huggingface_hub and others).
- torch, llama-cpp-python, kiwipiepy, pypdf, python-docx, lxml, bs4: no network code on our paths.
"""

from __future__ import annotations

import os
import sys

#: Values forced whatever the environment says.
FORCED: dict[str, str] = {
    "ANONYMIZED_TELEMETRY": "False",  # chromadb Settings default, read from the environment
    "CHROMA_OTEL_COLLECTION_ENDPOINT": "",
    "LANGCHAIN_TRACING_V2": "false",
    "LANGCHAIN_TRACING": "false",
    "LANGSMITH_TRACING": "false",
    "LANGSMITH_TRACING_V2": "false",
    "LANGSMITH_OTEL_ENABLED": "false",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "OTEL_SDK_DISABLED": "true",
    "DO_NOT_TRACK": "1",
}
#: Also forced unless hub downloads are allowed.
OFFLINE: dict[str, str] = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def apply(allow_hub_download: bool = False) -> dict[str, str]:
    """Switch off every dependency's telemetry and tracing; returns the variables it set."""
    values = dict(FORCED)
    if not allow_hub_download:
        values.update(OFFLINE)
    os.environ.update(values)
    utils = sys.modules.get("langsmith.utils")
    cached = getattr(utils, "get_env_var", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()  # langsmith read the environment before us: make it read again
    return values


def tracing_enabled() -> bool:
    """Whether LangSmith tracing would run now (for `sillok doctor` and the privacy test)."""
    from langsmith.utils import tracing_is_enabled

    return bool(tracing_is_enabled())
