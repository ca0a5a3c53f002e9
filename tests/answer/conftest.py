"""A small real collection (pubmedqa abstracts + one Korean statute) ingested once for the answer tests.

Real Chroma, real embedding model, real SmolLM2 (the bundled default), temperature 0. Answers are
kept short (max_answer_tokens) and sources few (top_k) so the whole directory runs in about a minute.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.corpus import PUBMED, STATUTE
from tests.support.paths import EVAL


@pytest.fixture(scope="session")
def docs() -> list[Path]:
    files = [EVAL / "pubmedqa" / "docs" / f"pmid-{p}.txt" for p in PUBMED]
    files.append(EVAL / "ko-statutes" / "docs" / STATUTE)
    missing = [f for f in files if not f.is_file()]
    if missing:
        pytest.skip(f"evaluation documents not found beside the repo ({missing[0]})")
    return files


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory, docs: list[Path]) -> Path:
    from sillok.service.facade import Sillok

    home = tmp_path_factory.mktemp("answer-home")
    report = Sillok(home=home).ingest(docs)
    assert not report.failed, report.failed
    return home


@pytest.fixture(scope="session")
def make_svc() -> Callable[..., object]:
    """make_svc(home, **overrides): a Sillok on `home` with the short answers and few sources above."""
    from sillok.service.facade import Sillok

    def make(home: Path, **overrides: object) -> Sillok:
        # Sources are the matched passages alone (window_tokens 0): the checks below pin what SmolLM2 says
        # on them, and a 135M model's wording shifts with any change of prompt. Windows reach the prompt
        # in test_answer.py's test_windows_reach_the_prompt; over 40 dev questions they left SmolLM2's
        # verified answers as they were (25/40 -> 25/40; docs/retrieval.md).
        return Sillok(home=home, **{"top_k": 3, "max_answer_tokens": 48, "window_tokens": 0, **overrides})

    return make


@pytest.fixture(scope="session")
def svc(home: Path, make_svc: Callable[..., object]):
    """Shared instance: SmolLM2 is loaded once by its holder and reused by every test."""
    return make_svc(home)
