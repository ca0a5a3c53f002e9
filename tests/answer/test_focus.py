"""`focus`: a follow-up's new source cut to its best run of sentences (pure, word-count tokenizer)."""

from __future__ import annotations

from sillok.foundation.types import Hit
from sillok.service.prompting import focus, followup_messages

PAGE = ("Intro line that says nothing.\n"
        "The study enrolled 120 patients. Mean age was 54 years. "
        "In the control group, intubation took 31.2 seconds on average. "
        "In the treatment group, it took 25.9 seconds. Adverse events were rare. "
        "Funding came from a national grant. The authors declare no conflicts.")


def words(text: str) -> int:
    return len(text.split())


def hit_at(offset: int = 40) -> Hit:
    return Hit("c1", "a.txt", PAGE, 1.0, page=2, start=offset, end=offset + len(PAGE))


def test_picks_the_sentences_holding_the_terms_and_keeps_offsets() -> None:
    page_text = " " * 40 + PAGE
    out = focus(hit_at(), ["control", "intubation"], 14, words)
    assert "control group, intubation took 31.2" in out.text
    assert words(out.text) <= 14
    assert page_text[out.start:out.end] == out.text  # still a substring of the page: quotes map
    assert out.page == 2 and out.chunk_id == "c1"


def test_a_hit_that_fits_is_unchanged() -> None:
    h = hit_at()
    assert focus(h, ["control"], 1000, words) is h


def test_one_sentence_longer_than_the_budget_falls_back_to_a_prefix() -> None:
    h = Hit("c2", "b.txt", "word " * 300, 1.0, start=0, end=1500)
    out = focus(h, ["word"], 50, words)
    assert 0 < words(out.text) <= 50 and h.text.startswith(out.text)


def test_followup_bounds_new_source_tokens() -> None:
    session = [{"role": "system", "content": "sys"}, {"role": "user", "content": "q1"},
               {"role": "assistant", "content": "a1 [1]"}]
    new = [hit_at(), Hit("c3", "c.txt", "control " * 100, 0.5)]
    msgs, used = followup_messages(session, "And the control group?", new, 2, n_ctx=4096,
                                   max_answer_tokens=100, count=words, new_source_tokens=40,
                                   terms=["control"])
    assert msgs[:3] == session  # the earlier conversation is an identical prefix
    added = msgs[-1]["content"]
    assert "[2] (a.txt, p. 2)" in added and "31.2 seconds" in added
    assert sum(words(h.text) for h in used) <= 40
    unbounded, _ = followup_messages(session, "And the control group?", new, 2, n_ctx=4096,
                                     max_answer_tokens=100, count=words)
    assert words(unbounded[-1]["content"]) > words(added) + 50


def test_weak_vector_only_neighbours_do_not_reach_the_prompt() -> None:
    from sillok.service.answering import DEFAULT_GATE

    q = "What was the mean time required for in-flight intubation?"
    hits = [Hit("a", "pmid.txt", "Mean intubation time was 25.9 s.", 0.02, ranks={"dense": 1, "keyword": 1}),
            Hit("b", "other.txt", "Unrelated survey of nurses.", 0.01, ranks={"dense": 2}),
            Hit("c", "contract.pdf", "Either party may terminate.", 0.008, ranks={"dense": 3}),
            Hit("d", "memo.md", "의뢰인은 계약 해지 통지를 받았다.", 0.007, ranks={"dense": 8}),
            Hit("e", "notes.txt", "Time to intubation in flight.", 0.007, ranks={"dense": 9})]
    kept = [h.chunk_id for h in DEFAULT_GATE.sources(q, hits)]
    assert kept == ["a", "b", "e"]  # top-2 dense, and a term-sharing one; not the weak strangers
    assert [h.chunk_id for h in DEFAULT_GATE.sources(q, hits[3:4])] == ["d"]  # the best always stays
