"""Where the repository and the shared evaluation data are.

The data (../shared beside the repository root) is read in place, never copied into the repo. The
path is kept as it is reached (it may be a symbolic link); compare with `Path.resolve()` on both sides
where the product stores resolved paths.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SILLOK_SHARED") or REPO.parent / "shared")  # a worktree elsewhere names it
EVAL = SHARED / "eval"
SAMPLES = SHARED / "samples"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test (with the path named) where it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (the ../shared folder beside the repo)")
    return path
