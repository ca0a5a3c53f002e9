"""Model files and formats as the window and the CLI manage them: the recommended catalogue, the
installed models, downloads, first-run advice, the bundled defaults, the GPU backend, and the file types
Sillok reads.

Why a module beside the facade rather than facade methods: these act on model files and this machine,
not on a data folder, so they need none of a `Sillok`'s state (collections, sessions, audit). `app/`
talks to the service layer only (tests/test_layers.py); this is the door for what is not per folder.
"""

from __future__ import annotations

from sillok.ingest.loaders import SUPPORTED_SUFFIXES
from sillok.models.catalogue import RECOMMENDED, RecommendedModel, recommended_as_dicts
from sillok.models.defaults import default_embedding_path, default_llm_path
from sillok.models.download import download
from sillok.models.gpu import detect_backend
from sillok.models.recommend import Advice, bundled, noncommercial, recommend, total_memory_gb
from sillok.models.registry import ModelRegistry

__all__ = [
    "RECOMMENDED", "SUPPORTED_SUFFIXES", "Advice", "ModelRegistry", "RecommendedModel", "bundled",
    "default_embedding_path", "default_llm_path", "detect_backend", "download", "noncommercial",
    "recommend", "recommended_as_dicts", "total_memory_gb",
]
