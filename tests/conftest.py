"""Shared fixtures: real files, real Chroma on tmp dirs, the real bundled embedding model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (the ../shared folder beside the repo)")
    return path


@pytest.fixture
def svc(tmp_path: Path):
    from core.service import Sillok

    return Sillok(home=tmp_path / "home")
