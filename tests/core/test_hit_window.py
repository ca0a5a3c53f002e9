"""Hit windows: each hit is its matched chunk grown with the chunks around it on its page, up to a
token budget (service/retrieval.py _widen), and no chunk is shown twice. Real index, real embedder."""

from __future__ import annotations

from pathlib import Path

from sillok.service.retrieval import approx_tokens
from tests.support.pdf import write_pdf

CRIMES = [
    (297, "강간", "폭행 또는 협박으로 사람을 강간한 자는 3년 이상의 유기징역에 처한다."),
    (298, "강제추행", "폭행 또는 협박으로 사람에 대하여 추행을 한 자는 10년 이하의 징역 또는 1천500만원 이하의 벌금에 처한다."),
    (299, "준강간, 준강제추행", "사람의 심신상실 또는 항거불능의 상태를 이용하여 간음 또는 추행을 한 자는 "
                          "제297조, 제297조의2 및 제298조의 예에 의한다."),
    (300, "미수범", "제297조, 제297조의2, 제298조 및 제299조의 미수범은 처벌한다."),
    (301, "강간등 상해·치상", "제297조부터 제300조까지의 죄를 범한 자가 사람을 상해하거나 상해에 이르게 한 때에는 "
                        "무기 또는 5년 이상의 징역에 처한다."),
    (329, "절도", "타인의 재물을 절취한 자는 6년 이하의 징역 또는 1천만원 이하의 벌금에 처한다."),
    (347, "사기", "사람을 기망하여 재물의 교부를 받거나 재산상의 이익을 취득한 자는 10년 이하의 징역 또는 2천만원 "
                "이하의 벌금에 처한다."),
]
QUESTION = "술에 취해 심신상실 상태인 사람을 이용하여 추행한 경우 어떤 처벌을 받는가?"


def _ingest(svc, folder: Path) -> None:
    folder.mkdir()
    text = "# 형법\n\n" + "\n\n".join(f"제{n}조({t}) {body}" for n, t, body in CRIMES)
    (folder / "형법.md").write_text(text, encoding="utf-8")
    (folder / "민법.md").write_text("# 민법\n\n제618조(임대차의 의의) 임대차는 당사자 일방이 상대방에게 목적물을 "
                                  "사용, 수익하게 할 것을 약정하고 상대방이 이에 대하여 차임을 지급할 것을 약정함으로써 "
                                  "그 효력이 생긴다.", encoding="utf-8")
    report = svc.ingest([str(folder)])
    assert not report.failed


def test_a_hit_shows_the_articles_around_its_match(svc, tmp_path: Path) -> None:
    _ingest(svc, tmp_path / "laws")
    hits = svc.search(QUESTION, k=3)
    top = hits[0]
    assert top.article and top.article.startswith("제299조"), [h.article for h in hits]
    a, b = top.core
    assert top.text[a:b].startswith("제299조(준강간, 준강제추행)")
    # The attempt article after it (the answer to "시도했다면?") comes with it, though the question
    # shares no word with it; so does the article before, within the budget.
    assert "제300조(미수범)" in top.text and "제298조(강제추행)" in top.text
    assert approx_tokens(top.text) <= svc.settings.window_tokens
    ordinals = [int(c.rsplit("-", 1)[1]) for c in top.chunk_ids]
    assert ordinals == list(range(top.ordinal, top.last_ordinal + 1)) and len(ordinals) > 1
    # No chunk is shown twice: what an earlier window holds is not a later hit.
    shown = [c for h in hits for c in h.chunk_ids]
    assert len(shown) == len(set(shown))


def test_previews_show_the_match_not_the_window_start(svc, tmp_path: Path, capsys) -> None:
    """The CLI's preview (like the window's list and source pane) starts at what matched: cut from the
    window's start it showed 제298조 under the label 제299조."""
    from sillok.app.cli import main

    _ingest(svc, tmp_path / "laws")
    top = svc.search(QUESTION, k=1)[0]
    assert top.match == top.text[top.core[0]:top.core[1]] and top.match.startswith("제299조")
    assert top.core[0] > 0 and "제298조" in top.text[:top.core[0]]  # the window starts before the match
    assert main(["search", QUESTION, "-k", "1", "--data-dir", str(svc.settings.home)]) == 0
    preview = capsys.readouterr().out.splitlines()[1].strip()
    assert preview.startswith("제299조(준강간, 준강제추행)"), preview


def test_the_window_keeps_to_its_budget(tmp_path: Path) -> None:
    from sillok.service.facade import Sillok

    small = Sillok(home=tmp_path / "small", window_tokens=60, merge_neighbours=False)
    _ingest(small, tmp_path / "laws")
    top = small.search(QUESTION, k=1)[0]
    assert approx_tokens(top.text) <= 60 < approx_tokens(top.text) + 60  # grew, but no further
    assert top.text.count("제") >= 2

    alone = Sillok(home=tmp_path / "small", window_tokens=0, merge_neighbours=False)
    top = alone.search(QUESTION, k=1)[0]
    assert top.chunk_ids == [top.chunk_id] and top.core is None
    assert top.text.startswith("제299조") and "제300조(미수범)" not in top.text


def test_a_window_does_not_cross_a_page(svc, tmp_path: Path) -> None:
    folder = tmp_path / "pdf"
    folder.mkdir()
    write_pdf(folder / "rules.pdf", [
        ["Article 1. Deposits", "The tenant pays a deposit of two months' rent before moving in."],
        ["Article 2. Pets", "Pets are allowed only with the landlord's written consent."],
    ])
    assert not svc.ingest([str(folder)]).failed
    top = svc.search("How much deposit does the tenant pay?", k=1)[0]
    assert top.page == 1 and "deposit" in top.text and "Pets" not in top.text


def test_approx_tokens_weighs_scripts_alike() -> None:
    # Korean runs ~1.3 syllables a token, English ~4 letters: the same budget holds a like amount of text.
    assert 20 <= approx_tokens("임대차는 당사자 일방이 상대방에게 목적물을 사용하게 할 것을 약정한다.") <= 35
    assert 10 <= approx_tokens("The tenant pays a deposit of two months' rent before moving in.") <= 20
    assert approx_tokens("") == 0
