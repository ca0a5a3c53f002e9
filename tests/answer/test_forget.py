"""Removing a document also drops it from memory: follow-up sessions that showed it, and the model's
prompt cache (the on-disk side is tests/trust)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.corpus import PUBMED
from tests.support.paths import EVAL


def test_remove_forgets_sessions_and_the_prompt_cache(tmp_path: Path) -> None:
    from sillok.service.facade import Sillok

    docs = tmp_path / "docs"
    docs.mkdir()
    for p in PUBMED[:3]:
        shutil.copy(EVAL / "pubmedqa" / "docs" / f"pmid-{p}.txt", docs)
    svc = Sillok(home=tmp_path / "home", top_k=2, max_answer_tokens=16)
    svc.ingest([docs])
    answer = svc.ask("What was the mean time required for in-flight intubation?")
    gold = str((docs / "pmid-10135926.txt").resolve())
    assert any(h.source == gold for h in answer.hits)
    assert answer.conversation_id in svc.sessions
    llm = svc.llm.llm
    assert llm._llama.n_tokens > 0
    svc.remove(gold)
    assert answer.conversation_id not in svc.sessions
    assert llm._llama.n_tokens == 0 and not llm._llama.input_ids.any()
    # the conversation goes on, cold, without the removed document
    follow = svc.ask("And in the control setting?", conversation_id=answer.conversation_id)
    assert all(h.source != gold for h in follow.hits)
    # nothing of the first turn's prompt (which held the removed text) came from the cache: only the
    # rewrite call's system + history prefix, evaluated afresh for this turn
    assert follow.timings["reused_tokens"] < answer.timings["prompt_tokens"]
