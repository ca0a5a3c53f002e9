"""The answerability gate, quote ranking and citation grounding on real text (Kiwi for Korean).

Unit tests of the pure parts: document frequencies are given as a table here (the index's own
`term_doc_freq` is tested against a real collection in test_grounded.py).
"""

from __future__ import annotations

from sillok.foundation.types import Hit
from sillok.service.gate import AnswerGate, term_weights, weighted_terms
from sillok.service.grounding import ground, strip_labels, supports
from sillok.service.quotes import rank_quotes, sentence_spans

CONTRACT = (
    "Section 16.04 Governing Law. This Agreement shall be governed by the laws of the State of New York, "
    "without giving effect to its principles of conflicts of law. The parties submit to the courts of New York "
    "County. Section 16.05 Notices. All notices shall be in writing and delivered to Freedom Mortgage Corp. at "
    "its principal office."
)
STATUTE = (
    "제2조(정의) 이 법에서 사용하는 용어의 뜻은 다음과 같다.\n"
    "6. \"평균임금\"이란 이를 산정하여야 할 사유가 발생한 날 이전 3개월 동안에 그 근로자에게 지급된 임금의 총액을 "
    "그 기간의 총일수로 나눈 금액을 말한다.\n"
    "제56조(연장·야간 및 휴일 근로)\n① 사용자는 연장근로에 대하여는 통상임금의 100분의 50 이상을 가산하여 "
    "근로자에게 지급하여야 한다.② 사용자는 야간근로에 대하여는 통상임금의 100분의 50 이상을 가산하여 지급하여야 한다."
)


def hit(text: str, n: int = 0, title: str = "", source: str = "doc.txt", similarity: float | None = None) -> Hit:
    return Hit(chunk_id=f"c{n}", source=source, text=text, score=0.03, page=1, start=100, end=100 + len(text),
               title=title, ranks={"keyword": n + 1}, similarity=similarity)


def table(df: dict[str, int], n: int = 1000):
    def doc_freq(terms):
        return {t: df.get(t, 0) for t in terms}, n

    return doc_freq


COMMON = table({"law": 400, "laws": 400, "state": 300, "agreement": 900, "point": 50, "governs": 20,
                "governed": 20, "new": 300, "york": 30, "평균": 40, "임금": 200, "근로": 500, "근로기준법": 30})


def test_a_shared_common_word_does_not_open_the_gate() -> None:
    gate = AnswerGate(floors={})
    hits = [hit(CONTRACT + " The price point is fixed.")]
    v = gate.judge("What is the boiling point of tungsten in kelvin?", hits, COMMON)
    assert not v.answerable and v.coverage < 0.3
    assert set(v.missing[:3]) == {"boiling", "tungsten", "kelvin"}


def test_a_question_the_passage_answers_passes() -> None:
    gate = AnswerGate(floors={})
    v = gate.judge("Which state's law governs the agreement?", [hit(CONTRACT)], COMMON)
    assert v.answerable and v.coverage > 0.9, v  # "governs" meets "governed": stemmed like the index


def test_korean_question_words_weigh_little_and_background_less() -> None:
    w = weighted_terms("갑은 회사에서 3년 동안 일하였다.\n근로기준법에서 평균임금이란 무엇인가?")
    assert w["평균"] == 1.0 and w["임금"] == 1.0
    assert w["회사"] < 0.5  # the background narrative
    assert term_weights("무엇이 필요한가?", COMMON).get("필요", 0) < 1.0  # a question word, a tenth
    gate = AnswerGate(floors={})
    assert gate.judge("근로기준법에서 평균임금이란 무엇인가?", [hit(STATUTE, title="근로기준법")], COMMON).answerable
    off = gate.judge("텅스텐의 끓는점은 몇 켈빈인가?", [hit(STATUTE, title="근로기준법")], COMMON)
    assert not off.answerable and "텅스텐" in off.missing


def test_dense_floors_per_model() -> None:
    gate = AnswerGate(floors={"multilingual-e5-small": (0.8, 0.84)})
    e5 = "multilingual-e5-small"
    covered = "Which state's law governs the agreement?"  # every term in the passage
    assert not gate.judge(covered, [hit(CONTRACT, similarity=0.7)], COMMON, e5).answerable
    assert gate.judge(covered, [hit(CONTRACT, similarity=0.81)], COMMON, e5).answerable  # low floor
    assert gate.judge(covered, [hit(CONTRACT, similarity=0.7)], COMMON, "some-other-model").answerable  # none known
    # A question with a rare term the passage never names needs the high floor.
    partial = "Which state's law governs the agreement after a merger?"
    v = gate.judge(partial, [hit(CONTRACT, similarity=0.83)], COMMON, e5)
    assert not v.answerable and v.floor == 0.84 and v.coverage < gate.strong_coverage
    assert gate.judge(partial, [hit(CONTRACT, similarity=0.86)], COMMON, e5).answerable
    # Nothing of the question in the passages: refused however close the vectors.
    assert not gate.judge("Who painted the Mona Lisa?", [hit(CONTRACT, similarity=0.95)], COMMON, e5).answerable
    assert not gate.judge(covered, [], COMMON).answerable


def test_sentences_split_at_endings_and_clause_markers() -> None:
    spans = [STATUTE[a:b] for a, b in sentence_spans(STATUTE)]
    assert spans[0] == "제2조(정의) 이 법에서 사용하는 용어의 뜻은 다음과 같다."
    assert any(s.startswith("6. \"평균임금\"이란") and s.endswith("금액을 말한다.") for s in spans)
    assert any(s.startswith("① 사용자는 연장근로") for s in spans) and any(s.startswith("② 사용자는") for s in spans)
    en = [CONTRACT[a:b] for a, b in sentence_spans(CONTRACT)]
    assert "All notices shall be in writing and delivered to Freedom Mortgage Corp. at its principal office." in en


def test_quotes_are_verbatim_with_offsets_best_first() -> None:
    hits = [hit(STATUTE, 0, "근로기준법"), hit(CONTRACT, 1)]
    quotes = rank_quotes(term_weights("근로기준법에서 평균임금이란 무엇인가?", COMMON), hits)
    assert quotes and quotes[0].text.startswith("6. \"평균임금\"이란")
    for q in quotes:
        h = next(h for h in hits if h.chunk_id == q.chunk_id)
        assert h.text[q.start:q.end] == q.text
    en = rank_quotes(term_weights("Which state's law governs the agreement?", COMMON), hits)
    assert en[0].text.startswith("This Agreement shall be governed by the laws of the State of New York")
    assert CONTRACT[en[0].start:en[0].end] == en[0].text and en[0].chunk_id == "c1"


def test_citations_are_verified_against_the_passage() -> None:
    shown = [hit(CONTRACT, 0, source="alliance.pdf"), hit("Patients were intubated in 25.9 seconds in flight.", 1)]
    good = ground("The agreement is governed by New York law [1].", shown)
    assert good.found and [c.n for c in good.citations] == [1]
    c = good.citations[0]
    assert c.quote.startswith("This Agreement shall be governed") and c.start == 100 + CONTRACT.index("This Agreement")
    wrong = ground("The boiling point of tungsten is 5,828 kelvin [2].", shown)
    assert not wrong.found and wrong.rejected == [2] and "[2]" not in wrong.text
    filler = ground("The answer is [2]. The source number is [1].", shown)
    assert not filler.found
    assert not supports(shown[0], "The answer is")


def test_copied_labels_are_stripped() -> None:
    shown = [hit(CONTRACT, 0, source="alliance.pdf")]
    g = ground("New York law governs the agreement [1] (alliance.pdf, p. 2).", shown)
    assert g.found and g.text == "New York law governs the agreement [1]."
    assert strip_labels("See (CONSULTING AGREEMENT.pdf, p. 2) here.") == "See here."
    assert strip_labels("It is (in part) true.") == "It is (in part) true."


def test_a_quote_names_the_article_it_stands_under() -> None:
    h = hit(STATUTE, 0, "근로기준법")  # a hit merged over two articles, labelled with none
    quotes = rank_quotes(term_weights("연장근로에 대하여 통상임금의 얼마를 가산하여야 하는가?", COMMON), [h])
    assert quotes[0].text.startswith("① 사용자는 연장근로") and quotes[0].article == "제56조(연장·야간 및 휴일 근로)"
    assert all(not q.text.startswith("제56조(") for q in quotes)  # a bare heading is no quote


def test_a_quote_opening_with_its_heading_names_that_article() -> None:
    """A window holds the matched article and the one before: the quote that opens with "제625조(…)" is
    cited to 제625조, not to 제624조, whose heading is the last one before it (`sillok ask` did that)."""
    text = ("제624조(임대인의 보존행위, 인용의무) 임대인이 임대물의 보존에 필요한 행위를 하는 때에는 임차인은 이를 "
            "거절하지 못한다.\n제625조(임차인의 의사에 반하는 보존행위와 해지권) 임대인이 임차인의 의사에 반하여 "
            "보존행위를 하는 경우에 임차인이 이로 인하여 임차의 목적을 달성할 수 없는 때에는 계약을 해지할 수 있다.")
    h = hit(text, 0, "민법")
    h.article, h.core = "제624조(임대인의 보존행위, 인용의무)", (0, text.index("\n"))
    quotes = rank_quotes(term_weights("임차인은 보존행위로 임차의 목적을 달성할 수 없을 때 계약을 해지할 수 있는가?",
                                      COMMON), [h])
    by_text = {q.text[:6]: q.article for q in quotes}
    assert by_text["제625조("] == "제625조(임차인의 의사에 반하는 보존행위와 해지권)", by_text
    assert by_text.get("제624조(", "제624조(임대인의 보존행위, 인용의무)").startswith("제624조")


def test_a_contract_section_heading_is_no_quote() -> None:
    """"16.04 Governing Law." names a section and says nothing: `sillok ask` showed it as one of the
    four sentences that answer "Which state's law governs …?"."""
    text = ("16.04 Governing Law.\nThis Agreement shall be construed under the internal Laws of the State of "
            "Connecticut.\n10 days notice of any governing law dispute is required.")
    quotes = rank_quotes(term_weights("Which state's law governs the agreement?", COMMON), [hit(text)])
    said = [q.text for q in quotes]
    assert "16.04 Governing Law." not in said, said
    assert any(q.startswith("This Agreement shall be construed") for q in said)
    assert "10 days notice of any governing law dispute is required." in said  # a number, then a sentence
