"""Identifier patterns (sillok.foundation.identifiers): each kind found and masked in real-shaped text,
and what must stay (dates, prices, article and case numbers, business numbers) left alone.

The identifiers are made up but shaped like real ones: RRNs with a real birth date, phone numbers that
libphonenumber accepts, card numbers that pass Luhn, an IBAN that passes mod-97.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sillok.foundation.errors import SillokError
from sillok.foundation.identifiers import Masker, StreamMasker, luhn_ok, masker_from_settings
from sillok.foundation.settings import Settings

M = Masker()

# (text, the identifier inside it, kind, how it must look masked)
TRUE_POSITIVES = [
    ("주민등록번호: 850314-1234567입니다", "850314-1234567", "rrn", "850314-1******"),
    ("주민번호 850314 - 2234567", "850314 - 2234567", "rrn", "850314 - 2******"),
    ("생년 030101-4123456 (2003년생)", "030101-4123456", "rrn", "030101-4******"),
    ("붙여 쓴 번호 8503141234567 도", "8503141234567", "rrn", "8503141******"),
    ("외국인등록번호 900101-5123456", "900101-5123456", "foreigner_rrn", "900101-5******"),
    ("휴대폰 010-1234-5678로 연락", "010-1234-5678", "phone", "010-****-5678"),
    ("휴대폰 01098765432 로", "01098765432", "phone", "010****5432"),
    ("자택 02-123-4567", "02-123-4567", "phone", "02-***-4567"),
    ("사무실 (031) 987-6543", "(031) 987-6543", "phone", "(031) ***-6543"),
    ("해외 +82 10-2345-6789 로", "+82 10-2345-6789", "phone", "+82 10-****-6789"),
    ("Tenant phone (415) 555-0132.", "(415) 555-0132", "phone", "(415) ***-0132"),
    ("Cell 415-555-0199, or", "415-555-0199", "phone", "415-***-0199"),
    ("London +44 20 7946 0958.", "+44 20 7946 0958", "phone", "+44 20 **** 0958"),
    ("US +1 212-555-0187 office", "+1 212-555-0187", "phone", "+1 212-***-0187"),
    ("e-mail hong.gildong@hanmail.net으로", "hong.gildong@hanmail.net", "email", "h***********@hanmail.net"),
    ("Email: j.smith+lease@example.co.uk.", "j.smith+lease@example.co.uk", "email", "j************@example.co.uk"),
    ("Visa 4111 1111 1111 1111 exp", "4111 1111 1111 1111", "card", "**** **** **** 1111"),
    ("MC 5500-0000-0000-0004.", "5500-0000-0000-0004", "card", "****-****-****-0004"),
    ("Amex 3782 822463 10005", "3782 822463 10005", "card", "**** ****** *0005"),
    ("카드 4012888888881881 결제", "4012888888881881", "card", "************1881"),
    ("SSN 123-45-6789.", "123-45-6789", "ssn", "***-**-6789"),
    ("Social Security No. 078051120", "078051120", "ssn", "*****1120"),
    ("입금 계좌: 신한은행 110-123-456789", "110-123-456789", "account", "***-***-**6789"),
    ("계좌번호(국민) 123456-01-234567", "123456-01-234567", "account", "******-**-**4567"),
    ("Account No. 000123456789 at Chase", "000123456789", "account", "********6789"),
    ("IBAN DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00", "iban", "DE89 **** **** **** **30 00"),
    ("건강보험증번호 1-2345678901", "1-2345678901", "health_insurance", "*-**********"),
    ("Insurance ID: XYZ-88231457", "XYZ-88231457", "health_insurance", "***-********"),
    ("환자번호: 20240001234,", "20240001234", "patient_id", "***********"),
    ("등록번호 00123456 외래", "00123456", "patient_id", "********"),
    ("MRN: AB-1234567", "AB-1234567", "patient_id", "**-*******"),
    ("여권번호 M12345678", "M12345678", "passport", "M********"),
    ("운전면허 11-22-333333-44", "11-22-333333-44", "driver_license", "11-**-******-**"),
]

FALSE_POSITIVES = [
    "계약일 2024-03-15, 2024.03.15, 2024. 3. 15., 20240315, 2024년 3월 15일, 03/15/2024, 15.03.2024",
    "시각 14:30:00, 2024-03-15T14:30:00Z",
    "보증금 1,250,000원, 월세 850,000원, ₩12,500,000, 3,500만원, 12345678원, $2,450.00, USD 1,234,567.89",
    "근로기준법 제56조 제1항 제2호, 민법 제750조, 제3조의2, 부칙 제1조, 법률 제17326호",
    "Section 12.3(b), Article 5(2), § 1983, Rule 10b-5, 42 U.S.C. § 1983",
    "사건 2023가합12345, 2019다12345, 서울중앙지방법원 2022고단1234",
    "사업자등록번호 123-45-67890, 법인등록번호 110111-1234567",  # 법인 numbers are public registers
    "대표번호 1588-1234, 1577-1000, 080-123-4567 (toll-free)",
    "95% CI: 0.61-1.47, OR 0.95 (0.84-1.83), P=0.003, n=1234",
    "ISBN 978-89-7635-123-4, ZIP 94110, 우편번호 06236, version 1.2.3.4",
    "invoice 2024-0315-77, order #123456, page 12 of 40, 3/4 cups",
    "계좌로 입금할 금액 12345678원, 은행 영업시간 09:00-16:00",
    "주민등록번호 850399-1234567 (no such day), 851314-1234567 (month 13)",
    "card-like 4111 1111 1111 1112 fails Luhn; 1234 5678 9012 3456 is no issuer",
    "SSN 000-12-3456 and 666-12-3456 and 900-12-3456 are never issued",
]


@pytest.mark.parametrize(("text", "ident", "kind", "masked"), TRUE_POSITIVES,
                         ids=[f"{k}:{i}" for _, i, k, _ in TRUE_POSITIVES])
def test_found_and_masked(text: str, ident: str, kind: str, masked: str) -> None:
    spans = M.find(text)
    assert [(text[s.start:s.end], s.kind) for s in spans] == [(ident, kind)]
    out = M.mask(text)
    assert out == text.replace(ident, masked)
    assert len(out) == len(text)  # character for character: offsets keep their meaning
    assert ident not in out
    assert M.mask(out) == out and M.find(out) == []  # idempotent: a masked identifier is not found again


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_left_alone(text: str) -> None:
    assert M.find(text) == [], [(text[s.start:s.end], s.kind) for s in M.find(text)]
    assert M.mask(text) == text


def test_every_kind_has_a_true_positive() -> None:
    from sillok.foundation.identifiers import KINDS

    assert set(KINDS) == {k for _, _, k, _ in TRUE_POSITIVES}


def test_offsets_point_at_the_same_characters_in_a_patient_note() -> None:
    note = ("진료기록 — 환자 김민지 (여, 850314-2345678), 연락처 010-2345-6789, 이메일 minji.kim@naver.com.\n"
            "보험: 건강보험증번호 5-1234567890. 2024-03-15 내원, 진료비 45,000원.\n")
    masked = M.mask(note)
    assert len(masked) == len(note)
    for word in ("김민지", "2024-03-15", "45,000원", "내원"):  # names, dates, prices stay
        assert masked.index(word) == note.index(word)
    for ident in ("850314-2345678", "010-2345-6789", "minji.kim@naver.com", "5-1234567890"):
        assert ident not in masked
    assert "850314-2******" in masked and "010-****-6789" in masked


def test_luhn() -> None:
    assert luhn_ok("4111111111111111") and luhn_ok("378282246310005")
    assert not luhn_ok("4111111111111112")


def test_disabled_masker_masks_nothing_but_still_finds() -> None:
    off = Masker(enabled=False)
    text = "010-1234-5678"
    assert off.mask(text) == text and off.find(text) and not off.holds_identifiers(text)


def test_office_patterns_from_settings_and_file(tmp_path: Path) -> None:
    office = tmp_path / "identifiers.json"
    office.write_text(json.dumps({"chart": r"차트\s*(?P<id>C\d{6})"}), encoding="utf-8")
    s = Settings(home=tmp_path, identifier_patterns_file=office,
                 identifier_patterns={"employee": r"EMP-\d{5}"})
    m = masker_from_settings(s)
    text = "차트 C123456, 사번 EMP-12345, 날짜 2024-03-15"
    assert m.mask(text) == "차트 *******, 사번 ***-*****, 날짜 2024-03-15"
    assert {s.kind for s in m.find(text)} == {"chart", "employee"}
    assert masker_from_settings(Settings(home=tmp_path, mask_identifiers=False)).mask(text) == text


@pytest.mark.parametrize(("patterns", "message"), [
    ({"broken": "(["}, "not a valid regular expression"),
    ({"empty": ""}, "non-empty"),
    ({"everything": ".*"}, "matches empty text"),
])
def test_bad_office_pattern_is_named(tmp_path: Path, patterns: dict[str, str], message: str) -> None:
    with pytest.raises(SillokError, match=re.escape(message)) as e:
        masker_from_settings(Settings(home=tmp_path, identifier_patterns=patterns))
    assert "identifier_patterns" in str(e.value) and next(iter(patterns)) in str(e.value)


def test_missing_or_bad_office_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SillokError, match="does not exist"):
        masker_from_settings(Settings(home=tmp_path, identifier_patterns_file=tmp_path / "none.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(SillokError, match="JSON object"):
        masker_from_settings(Settings(home=tmp_path, identifier_patterns_file=bad))


def test_default_office_file_beside_machine_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "identifiers.json").write_text(json.dumps({"ward": r"병동번호 (?P<id>\d{4})"}), encoding="utf-8")
    monkeypatch.setattr("sillok.foundation.settings.machine_settings_file", lambda: tmp_path / "settings.json")
    assert masker_from_settings(Settings(home=tmp_path / "h")).mask("병동번호 1234") == "병동번호 ****"


def _streamed(text: str, sizes: list[int]) -> str:
    got: list[str] = []
    sm = StreamMasker(M, got.append)
    at, i = 0, 0
    while at < len(text):
        n = sizes[i % len(sizes)]
        sm(text[at:at + n])
        at, i = at + n, i + 1
    sm.flush()
    return "".join(got)


@pytest.mark.parametrize("sizes", [[1], [2, 3], [5], [7, 1, 4], [1000]])
def test_stream_masker_matches_whole_text_masking(sizes: list[int]) -> None:
    text = ("환자 연락처는 010-1234-5678 이고 카드는 4111 1111 1111 1111 입니다. The tenant's SSN is 123-45-6789 "
            "and e-mail j.smith@example.com; 계좌번호 110-123-456789 로 입금. 주민번호 850314-1234567.")
    assert _streamed(text, sizes) == M.mask(text)


def test_stream_masker_passes_korean_prose_without_delay() -> None:
    got: list[str] = []
    sm = StreamMasker(M, got.append)
    sm("근로자는 연장근로에 대하여 가산임금을 받는다. ")
    assert "".join(got) == "근로자는 연장근로에 대하여 가산임금을 받는다. "
    sm("전화 010-")
    assert "010" not in "".join(got)  # held: it may grow into a number
