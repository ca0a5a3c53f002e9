"""Grounded or nothing (issue 13) on the real answer collection: refusals with the closest passages,
unverified model text kept apart, quotes verbatim, the quotes as the answer when the model cannot write
the question's language, and `sillok ask --json --batch`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sillok.service.answering import ask
from sillok.service.prompting import NOT_FOUND
from tests.support.corpus import GOLD, QUESTION
from tests.support.scripted import ScriptedModel

KO_QUESTION = "후순위권리자는 언제 담보목적부동산의 경매를 청구할 수 있는가?"


def _hit_of(answer, chunk_id):
    return next(h for h in answer.hits if h.chunk_id == chunk_id)


def test_off_topic_question_is_refused_with_closest_passages(home: Path, make_svc) -> None:
    svc = make_svc(home)
    answer = svc.ask("What is the boiling point of tungsten in kelvin?")
    assert answer.found is False and answer.citations == [] and answer.quotes == []
    assert answer.text == NOT_FOUND["en"] and answer.closest and not answer.unverified_text
    assert not svc.llm.loaded  # refused before the model


def test_term_doc_freq_reads_the_index(svc) -> None:
    df, n = svc.index().reader().term_doc_freq(["intubation", "tungsten", "경매"])
    assert n >= 6 and df["intubation"] >= 1 and df["tungsten"] == 0 and df["경매"] >= 1


def test_answer_without_verified_citation_is_not_found(home: Path, make_svc) -> None:
    svc = make_svc(home, quotes_when_unverified=False)  # strict: no quotes standing in for the model
    guess = "The boiling point of tungsten is 5,828 kelvin [1]."
    answer = ask(svc, QUESTION, chat_model=ScriptedModel(guess))
    assert answer.found is False and answer.citations == []
    assert answer.text == NOT_FOUND["en"] and answer.unverified_text == guess
    assert answer.closest and Path(answer.closest[0].source).name == GOLD
    assert answer.quotes  # the documents' own sentences still come first
    uncited = ask(svc, QUESTION, chat_model=ScriptedModel("It took about half a minute."))
    assert uncited.found is False and uncited.unverified_text == "It took about half a minute."


def test_verified_citation_highlights_the_supporting_sentence(svc) -> None:
    model = ScriptedModel("In flight, intubation took 25.9 seconds [1] (pmid-10135926.txt, p. 1).")
    answer = ask(svc, QUESTION, chat_model=model)
    assert answer.found and answer.text == "In flight, intubation took 25.9 seconds [1]."  # label stripped
    c = answer.citations[0]
    h = answer.hits[0]
    assert Path(c.source).name == GOLD and "25.9" in c.quote
    assert "25.9" in h.text[c.start - h.start:c.end - h.start]  # the highlight is that sentence


def test_quotes_come_first_and_are_verbatim(svc) -> None:
    answer = ask(svc, QUESTION, chat_model=ScriptedModel("Intubation took 25.9 seconds in flight [1]."))
    assert answer.quotes and Path(answer.quotes[0].source).name == GOLD
    assert any("25.9" in q.text for q in answer.quotes[:2])
    for q in answer.quotes:
        assert _hit_of(answer, q.chunk_id).text[q.start:q.end] == q.text


def test_korean_question_with_english_only_model_answers_with_quotes(home: Path, make_svc) -> None:
    svc = make_svc(home)  # the bundled SmolLM2: English only
    assert svc.model_languages()[0] == frozenset({"en"})
    answer = svc.ask(KO_QUESTION)
    assert not svc.llm.loaded  # nothing generated
    assert answer.found and answer.quotes and answer.citations
    assert "SmolLM2" in answer.notice and "설정 → 다운로드" in answer.notice
    assert svc.recommended_model("ko") in answer.notice
    for q in answer.quotes:
        assert _hit_of(answer, q.chunk_id).text[q.start:q.end] == q.text
        assert f"“{' '.join(q.text.split())}”" in answer.text  # the quotes are the answer
    assert "경매를 청구할 수 있다" in answer.quotes[0].text
    for c in answer.citations:
        assert answer.hits[c.n - 1].chunk_id == c.chunk_id


def test_catalogue_languages_reach_the_facade(home: Path, make_svc, tmp_path: Path) -> None:
    from sillok.models.registry import ModelRegistry

    exaone = make_svc(home, llm_model=str(tmp_path / "EXAONE-3.5-2.4B-Instruct-Q4_K_M.gguf"))
    assert exaone.model_languages() == (frozenset({"ko", "en"}), "EXAONE-3.5-2.4B-Instruct")
    own = make_svc(home, llm_model=str(tmp_path / "my-model.gguf"))
    assert own.model_languages()[0] is None  # unknown: treated as able
    default = [e for e in ModelRegistry(tmp_path).list() if e.source == "default"]
    assert default and default[0].languages == "en"


def test_cli_json_has_quotes_closest_and_batch(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from sillok.app.cli import main

    monkeypatch.setenv("SILLOK_TOP_K", "3")
    monkeypatch.setenv("SILLOK_MAX_ANSWER_TOKENS", "48")
    assert main(["ask", "What is the boiling point of tungsten in kelvin?", "--json", "--data-dir", str(home)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["found"] is False and out["citations"] == [] and out["quotes"] == []
    assert out["closest"] and set(out["closest"][0]) == {"source", "page", "article", "text"}
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join([
        json.dumps({"id": "q1", "question": KO_QUESTION}, ensure_ascii=False),
        '{"id": "q2", "question": ',  # malformed
        json.dumps({"id": "q3", "question": "Who painted the Mona Lisa?"}),
        json.dumps({"id": "q4"}),
    ]) + "\n", encoding="utf-8")
    assert main(["ask", "--json", "--batch", str(batch), "--data-dir", str(home)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x.get("id") for x in lines] == ["q1", None, "q3", None]
    assert lines[0]["found"] is True and lines[0]["quotes"] and lines[0]["citations"] and lines[0]["notice"]
    assert set(lines[0]) >= {"id", "answer", "found", "quotes", "citations", "timings"}
    assert set(lines[0]["quotes"][0]) == {"source", "page", "article", "text", "start", "end"}
    assert lines[1]["error"].startswith("line 2: ") and lines[3]["error"].startswith("line 4: ")
    assert lines[2]["found"] is False and lines[2]["citations"] == []


def test_cli_plain_prints_quotes_then_refusal(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sillok.app.cli import main

    assert main(["ask", KO_QUESTION, "--data-dir", str(home)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("“") and "가등기담보" in captured.out
    assert "설정 → 다운로드" in captured.err
    assert main(["ask", "Who painted the Mona Lisa?", "--data-dir", str(home)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(NOT_FOUND["en"]) and "closest passages:" in out


def test_quotes_can_stand_in_for_an_unchecked_answer(home: Path, make_svc) -> None:
    from sillok.service.prompting import UNCHECKED

    svc = make_svc(home, quotes_when_unverified=True)
    guess = "The boiling point of tungsten is 5,828 kelvin [1]."
    answer = ask(svc, QUESTION, chat_model=ScriptedModel(guess))
    assert answer.found and answer.notice == UNCHECKED["en"] and answer.unverified_text == guess
    assert answer.quotes and answer.citations and "tungsten" not in answer.text
    assert answer.text.startswith("“") and answer.timings["total_ms"] > 0
