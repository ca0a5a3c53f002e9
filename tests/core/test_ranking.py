"""Ranking: scenario questions are searched whole and by their actual question (service/retrieval.py
focus_of), each routed by the documents it names itself. Real index, real embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from sillok.service.retrieval import focus_of

SCENARIO = ("갑은 근로기준법에 따라 주식회사 을에 고용되어 일하고 있다. 갑은 회사 근처의 주택을 임차하여 "
            "이사하였다.\n임차인이 주택의 인도와 주민등록을 마친 경우 제3자에 대하여 효력이 생기는 시점은 언제인가?")


@pytest.mark.parametrize(("question", "focus"), [
    (SCENARIO, "임차인이 주택의 인도와 주민등록을 마친 경우 제3자에 대하여 효력이 생기는 시점은 언제인가?"),
    ("The tenant paid rent late three times in 2024. The landlord sent a notice by e-mail. "
     "Can the landlord end the lease?", "Can the landlord end the lease?"),
    # one sentence before the question is a title, not facts
    ("Multidisciplinary breast cancer clinics. Do they work?", ""),
    # "Consider the X; …" names a document (routing handles it)
    ("Consider the MASTER FRANCHISE AGREEMENT; Is there a minimum order size? This includes a commitment.", ""),
    ("근로기준법에서 평균임금이란 무엇인가?", ""),
    ("What is the notice period?", ""),
    ("짧은 배경.\n질문은?", ""),  # background too short to be facts
])
def test_focus_of(question: str, focus: str) -> None:
    assert focus_of(question) == focus


def _statutes(folder: Path) -> Path:
    folder.mkdir()
    labour = ["# 근로기준법"] + [
        f"제{n}조({t}) {body}" for n, t, body in [
            (50, "근로시간", "1주 간의 근로시간은 휴게시간을 제외하고 40시간을 초과할 수 없다."),
            (53, "연장 근로의 제한", "당사자 간에 합의하면 1주 간에 12시간을 한도로 근로시간을 연장할 수 있다."),
            (54, "휴게", "사용자는 근로시간이 4시간인 경우에는 30분 이상의 휴게시간을 근로시간 도중에 주어야 한다."),
            (55, "휴일", "사용자는 근로자에게 1주에 평균 1회 이상의 유급휴일을 보장하여야 한다."),
            (56, "연장·야간 및 휴일 근로", "사용자는 연장근로에 대하여는 통상임금의 100분의 50 이상을 가산하여 지급하여야 한다."),
            (60, "연차 유급휴가", "사용자는 1년간 80퍼센트 이상 출근한 근로자에게 15일의 유급휴가를 주어야 한다."),
            (2, "정의", "근로자란 직업의 종류와 관계없이 임금을 목적으로 사업이나 사업장에 근로를 제공하는 사람을 말한다."),
        ]]
    (folder / "근로기준법.md").write_text("\n\n".join(labour), encoding="utf-8")
    lease = ["# 주택임대차보호법",
             "제3조(대항력 등) 임대차는 그 등기가 없는 경우에도 임차인이 주택의 인도와 주민등록을 마친 때에는 "
             "그 다음 날부터 제삼자에 대하여 효력이 생긴다.",
             "제4조(임대차기간 등) 기간을 정하지 아니하거나 2년 미만으로 정한 임대차는 그 기간을 2년으로 본다."]
    (folder / "주택임대차보호법.md").write_text("\n\n".join(lease), encoding="utf-8")
    return folder


def test_scenario_question_is_not_confined_by_a_law_named_among_its_facts(svc, tmp_path: Path) -> None:
    svc.ingest([str(_statutes(tmp_path / "laws"))])
    hits = svc.search(SCENARIO, k=5)
    assert any(Path(h.source).name == "주택임대차보호법.md" for h in hits), [h.source for h in hits]
    assert "제3조" in next(h.article or "" for h in hits if Path(h.source).name == "주택임대차보호법.md")
    # the same search without the focus is routed to the law the facts name, and misses the answer
    plain = svc.retriever()
    plain.focus = False
    index = svc.index("default")
    missed = plain.search(index, SCENARIO, 5, dense_embedder=svc.dense_embedder(index))
    assert all(Path(h.source).name == "근로기준법.md" for h in missed)
