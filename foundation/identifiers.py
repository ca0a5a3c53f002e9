"""Personal identifiers found in text and masked character for character (`mask_identifiers`).

Why: a clinic's or law office's documents hold resident registration numbers, phone numbers, card and
account numbers; what Sillok shows, keeps or gives the model should not. Masking replaces the
identifying characters with `*` one for one (`850314-1234567` → `850314-1******`,
`010-1234-5678` → `010-****-5678`), so a masked text has the same length as the original and every
character offset (a hit's or a quote's start/end in its page) still points at the same place. Masking
is idempotent: a masked identifier no longer matches any pattern.

What is found (`KINDS`; each with a validator so dates, prices and article numbers stay):
- 주민등록번호 / 외국인등록번호: six digits that are a real date (YYMMDD), a gender/century digit 1–8,
  six more digits (no checksum required: numbers issued since October 2020 carry none); a
  법인등록번호 of the same shape, named as such, is a public register number and stays;
- 운전면허번호 (NN-NN-NNNNNN-NN), passport numbers after "여권번호"/"passport";
- phone numbers, Korean and international: Google's libphonenumber (the `phonenumbers` package) finds
  Korean local numbers and every `+`-prefixed number; North American local numbers ("(415) 555-0132")
  are matched by a strict pattern and validated by the same library; representative numbers
  (1588-…, toll-free) are not personal and stay;
- e-mail addresses; card numbers (13–19 digits, a card-issuer prefix and the Luhn check); IBANs
  (mod-97); US SSNs (area/group/serial rules);
- bank account numbers, health-insurance and patient numbers: only right after a word that says so
  ("계좌번호", "신한은행", "account no.", "건강보험증번호", "환자번호", "MRN", …), because a bare
  number of that shape is as often an invoice or a case number;
- office patterns: `identifier_patterns` in settings and an office-wide JSON file for IT
  (`identifier_patterns_file`, by default `identifiers.json` beside the machine-wide settings file),
  each `{"name": "regex"}`; a named group `id` marks the part to mask (else the whole match).

Why regular expressions and not a PII library (Presidio, scrubadub): those need spaCy models from a
hub, know no Korean identifiers, and return entity spans to be replaced by labels, which would move
every offset; the checks here are short and each is tested with true and false positives. Luhn and
mod-97 are a few lines each, not worth a dependency.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sillok.foundation.errors import SillokError

MASK = "*"
PATTERNS_FILE = "identifiers.json"  # the office-wide file's default name, beside the machine-wide settings


@dataclass(frozen=True)
class Span:
    """One identifier: text[start:end], its kind, and its masked form (same length)."""

    start: int
    end: int
    kind: str
    masked: str


def _mask_alnum(s: str, keep_head: int = 0, keep_tail: int = 0) -> str:
    """`s` with its letters and digits masked, except the first `keep_head` and last `keep_tail` of them."""
    idx = [i for i, ch in enumerate(s) if ch.isalnum()]
    if keep_head + keep_tail >= len(idx):  # too short to keep anything: mask all but the tail
        keep_head, keep_tail = 0, min(keep_tail, max(0, len(idx) - 4))
    hide = set(idx[keep_head: len(idx) - keep_tail])
    return "".join(MASK if i in hide else ch for i, ch in enumerate(s))


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


# -- resident registration numbers (Korean and foreign) ------------------------------------------
RRN_RE = re.compile(r"(?<![\dA-Za-z-])(\d{2})(\d{2})(\d{2})(?:[ \t]?[-–‐][ \t]?)?([0-9])(\d{6})(?![\dA-Za-z])")
_CENTURY = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000}


def _rrn(text: str) -> Iterator[Span]:
    for m in RRN_RE.finditer(text):
        yy, mm, dd, g = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
        if g not in _CENTURY or "법인" in text[max(0, m.start() - 12):m.start()]:  # 법인등록번호: a public register
            continue
        try:
            date(_CENTURY[g] + yy, mm, dd)
        except ValueError:
            continue
        kind = "foreigner_rrn" if g in "5678" else "rrn"
        yield Span(m.start(), m.end(), kind, _mask_alnum(m.group(0), keep_head=7))


DRIVER_RE = re.compile(r"(?<![\d-])(?:1[1-9]|2[0-8])-\d{2}-\d{6}-\d{2}(?![\d-])")


def _driver(text: str) -> Iterator[Span]:
    for m in DRIVER_RE.finditer(text):
        yield Span(m.start(), m.end(), "driver_license", _mask_alnum(m.group(0), keep_head=2))


# -- cards, IBAN, SSN --------------------------------------------------------------------------------
CARD_RE = re.compile(
    r"(?<![\d-])(?:\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{3})?"  # 4-4-4-4(-3), 4-4-4-1..3
    r"|\d{4}([ -])\d{6}\2\d{4,5}"  # Amex 4-6-5, Diners 4-6-4
    r"|\d{13,19})(?![\d-])")
CARD_PREFIX_RE = re.compile(r"4|5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)|3[47]|3(?:0[0-5]|[68])|35(?:2[89]|[3-8])"
                            r"|6(?:011|4[4-9]|5|2)|9")


def _card(text: str) -> Iterator[Span]:
    for m in CARD_RE.finditer(text):
        d = _digits(m.group(0))
        if 13 <= len(d) <= 19 and CARD_PREFIX_RE.match(d) and luhn_ok(d):
            yield Span(m.start(), m.end(), "card", _mask_alnum(m.group(0), keep_tail=4))


IBAN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])")


def _iban(text: str) -> Iterator[Span]:
    for m in IBAN_RE.finditer(text):
        s = m.group(0).replace(" ", "")
        if not 15 <= len(s) <= 34:
            continue
        moved = s[4:] + s[:4]
        if int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1:
            yield Span(m.start(), m.end(), "iban", _mask_alnum(m.group(0), keep_head=4, keep_tail=4))


SSN_RE = re.compile(r"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])"
                    r"|(?i:(?<![A-Za-z])SSN|social\s+security(?:\s+(?:no\.?|number))?)[^\S\n]*[:#]?[^\S\n]*"
                    r"(?P<id>(\d{3})[ ]?(\d{2})[ ]?(\d{4}))(?![\d-])")


def _ssn(text: str) -> Iterator[Span]:
    for m in SSN_RE.finditer(text):
        area, group, serial = (m.group(1), m.group(2), m.group(3)) if m.group(1) else m.group(5, 6, 7)
        if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
            continue
        start, end = (m.start(), m.end()) if m.group(1) else m.span("id")
        yield Span(start, end, "ssn", _mask_alnum(text[start:end], keep_tail=4))


# -- phones ----------------------------------------------------------------------------------------------
# North American local numbers: "(415) 555-0132", "415-555-0132", "415.555.0132" (one separator kind).
NANP_RE = re.compile(r"(?<![A-Za-z0-9+(.-])(?:\((\d{3})\)[ ]?(\d{3})[-. ]|(\d{3})([-.])(\d{3})\4)(\d{4})(?![A-Za-z0-9-])")
# "95% CI: 0.61-1.47" reads as a valid Korean number to libphonenumber; no phone number has a decimal point
# after a lone 0 or two decimals joined by a dash.
DECIMALS_RE = re.compile(r"(?<!\d)0\.\d|\d\.\d+\s*[-–]\s*\d+\.\d")
_NOT_PERSONAL = {3, 4, 5, 9}
PLUS_OR_ZERO_RE = re.compile(r"\+[\s(]*\d|(?<!\d)\(?0\d")  # phonenumbers.PhoneNumberType TOLL_FREE, PREMIUM_RATE, SHARED_COST, UAN


def _mask_phone(raw: str) -> str:
    """Keep the first group (area or carrier code; after a "+", country and area code) and the last four digits."""
    digits = [i for i, ch in enumerate(raw) if ch.isdigit()]
    first = re.match(r"\+\d+[\s.-]*\(?\d+|[(\s]*\d+", raw)
    head = sum(ch.isdigit() for ch in first.group(0)) if first else 0
    if head == len(digits):  # no separators at all: keep a carrier-sized prefix
        head = 3
    if head + 4 >= len(digits):
        head = max(0, len(digits) - 4 - 2)
    return _mask_alnum(raw, keep_head=head, keep_tail=4)


def _phone(text: str) -> Iterator[Span]:
    # Korean numbers dialled at home start with 0, others with "+": the (slow) matcher runs only on those.
    korean = PLUS_OR_ZERO_RE.search(text) is not None
    nanp = list(NANP_RE.finditer(text))
    if not (korean or nanp):
        return
    import phonenumbers

    for m in phonenumbers.PhoneNumberMatcher(text, "KR", leniency=phonenumbers.Leniency.VALID) if korean else ():
        if phonenumbers.number_type(m.number) in _NOT_PERSONAL or DECIMALS_RE.search(m.raw_string):
            continue
        yield Span(m.start, m.end, "phone", _mask_phone(m.raw_string))
    for m in nanp:
        number = _digits(m.group(0))
        try:
            parsed = phonenumbers.parse("+1" + number)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) not in _NOT_PERSONAL:
            yield Span(m.start(), m.end(), "phone", _mask_phone(m.group(0)))


EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*)@"
                      r"([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                      r"\.[A-Za-z]{2,})(?![A-Za-z0-9-])")


def _email(text: str) -> Iterator[Span]:
    for m in EMAIL_RE.finditer(text):
        local = m.group(1)
        masked = local[0] + MASK * (len(local) - 1) + text[m.end(1):m.end()]
        yield Span(m.start(), m.end(), "email", masked)


# -- identifiers named by the words before them ----------------------------------------------------
_GAP = r"[^\S\n]*(?:\([^)\n]{0,20}\))?[^\d\n]{0,20}?"  # "계좌번호(신한): ", " no.: ", " with Chase: "
_AMOUNT_AFTER = r"(?!\d|[,.]\d|\s?(?:원|만|억|천|달러|%|won\b|krw\b|usd\b))"
CONTEXT_PATTERNS: dict[str, str] = {
    "account": (r"(?i:계좌\s*(?:번호)?|[가-힣]{0,6}은행|농협|수협|신협|새마을금고|우체국|카카오뱅크|토스뱅크|케이뱅크"
                r"|bank\s+account|account\s*(?:no\.?|number|#)|acct\.?\s*(?:no\.?|#)?|routing\s*(?:no\.?|number))"
                + _GAP + r"(?P<id>\d(?:[\d -]{6,22})\d)" + _AMOUNT_AFTER),
    "health_insurance": (r"(?i:건강\s*보험증?\s*(?:번호)?|보험증\s*번호|피보험자\s*번호|요양\s*기관\s*번호"
                         r"|health\s+insurance\s*(?:no\.?|number|id)|insurance\s*(?:id|no\.?|number)"
                         r"|member\s*id|policy\s*(?:no\.?|number))"
                         + _GAP + r"(?P<id>[A-Z]{0,4}-?\d[\d-]{4,18}\d)" + _AMOUNT_AFTER),
    "patient_id": (r"(?i:환자\s*(?:번호|ID)|(?<!사업자)(?<!주민)(?<!외국인)(?<!법인)(?<!자동차)등록\s*번호|병록\s*번호"
                   r"|차트\s*(?:번호|no\.?)|진료\s*번호|외래\s*번호|입원\s*번호|patient\s*(?:id|no\.?|number|#)"
                   r"|(?<![A-Za-z])MRN(?![A-Za-z])|medical\s+record\s*(?:no\.?|number|#)|chart\s*(?:no\.?|number|#))"
                   + _GAP + r"(?P<id>[A-Z]{0,4}-?\d[\d-]{3,16}\d)" + _AMOUNT_AFTER),
    "passport": r"(?i:여권\s*번호|passport\s*(?:no\.?|number|#)?)" + _GAP + r"(?P<id>[A-Z]{1,2}\d{3}[A-Z0-9]\d{3,4})(?![A-Za-z0-9])",
}
_MIN_DIGITS = {"account": 8, "health_insurance": 6, "patient_id": 5}


@dataclass(frozen=True)
class Pattern:
    """A keyword-led or office pattern: mask group `id` (or the whole match) entirely."""

    kind: str
    regex: re.Pattern[str]

    def find(self, text: str) -> Iterator[Span]:
        for m in self.regex.finditer(text):
            start, end = m.span("id") if "id" in self.regex.groupindex else m.span()
            part = text[start:end]
            if end <= start or len(_digits(part)) < _MIN_DIGITS.get(self.kind, 1):
                continue
            if self.kind == "account" and _is_date(part):
                continue
            keep = 1 if self.kind == "passport" else 0
            tail = 4 if self.kind == "account" else 0
            yield Span(start, end, self.kind, _mask_alnum(part, keep_head=keep, keep_tail=tail))


def _is_date(part: str) -> bool:
    d = _digits(part)
    if len(d) != 8:
        return False
    try:
        date(int(d[:4]), int(d[4:6]), int(d[6:]))
    except ValueError:
        return False
    return True


BUILTIN_CONTEXT = [Pattern(kind, re.compile(rx)) for kind, rx in CONTEXT_PATTERNS.items()]
# Earlier kinds win where spans overlap (an RRN is not also read as a card or a phone number).
_DETECTORS = [("email", _email), ("rrn", _rrn), ("driver_license", _driver), ("card", _card), ("iban", _iban),
              ("ssn", _ssn), ("phone", _phone)]
KINDS = ("rrn", "foreigner_rrn", "driver_license", "passport", "phone", "email", "card", "iban", "ssn",
         "account", "health_insurance", "patient_id")


@dataclass
class Masker:
    """Finds identifiers (`find`) and masks them (`mask`, a no-op when `enabled` is off)."""

    enabled: bool = True
    extra: list[Pattern] = field(default_factory=list)

    def find(self, text: str) -> list[Span]:
        """Non-overlapping identifier spans of `text`, in text order (found whether or not enabled)."""
        if not text:
            return []
        candidates: list[tuple[int, Span]] = []
        for rank, (_name, detect) in enumerate(_DETECTORS):
            candidates += [(rank, s) for s in detect(text)]
        for rank, pat in enumerate([*BUILTIN_CONTEXT, *self.extra], start=len(_DETECTORS)):
            candidates += [(rank, s) for s in pat.find(text)]
        taken: list[Span] = []
        for _rank, s in sorted(candidates, key=lambda c: (c[0], c[1].start, -(c[1].end - c[1].start))):
            if all(s.end <= t.start or s.start >= t.end for t in taken):
                taken.append(s)
        return sorted(taken, key=lambda s: s.start)

    def mask(self, text: str) -> str:
        """`text` with every identifier masked, same length; unchanged when masking is off."""
        if not self.enabled or not text:
            return text
        spans = self.find(text)
        if not spans:
            return text
        out, at = [], 0
        for s in spans:
            out += [text[at:s.start], s.masked]
            at = s.end
        out.append(text[at:])
        return "".join(out)

    def holds_identifiers(self, text: str) -> bool:
        """Whether masking would change `text` (the window offers Reveal only then)."""
        return self.enabled and bool(self.find(text))


def compile_patterns(patterns: Mapping[str, str], where: str) -> list[Pattern]:
    """Office patterns as Pattern objects; a bad one is a SillokError naming `where` and the pattern."""
    out = []
    for name, rx in patterns.items():
        if not isinstance(rx, str) or not rx.strip():
            raise SillokError(f"{where}: identifier pattern {name!r} must be a non-empty regular expression")
        try:
            compiled = re.compile(rx)
        except re.error as exc:
            raise SillokError(f"{where}: identifier pattern {name!r} is not a valid regular expression ({exc})") from exc
        if compiled.match(""):
            raise SillokError(f"{where}: identifier pattern {name!r} matches empty text; it would mask nothing")
        out.append(Pattern(str(name), compiled))
    return out


def load_patterns_file(path: Path) -> dict[str, str]:
    """The office-wide file: a JSON object {"name": "regex", …}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SillokError(f"identifier patterns file {path} does not exist (setting identifier_patterns_file); "
                          "ask IT for it or clear the setting") from None
    except (OSError, ValueError) as exc:
        raise SillokError(f"identifier patterns file {path} is not readable JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise SillokError(f"identifier patterns file {path} must hold a JSON object of name → regular expression")
    return {str(k): v for k, v in data.items()}


def default_patterns_file() -> Path:
    from sillok.foundation.settings import machine_settings_file

    return machine_settings_file().parent / PATTERNS_FILE


def masker_from_settings(settings: Any) -> Masker:
    """The Masker the settings ask for: on/off, office file (explicit, or the default one when present), own patterns."""
    extra: list[Pattern] = []
    file = getattr(settings, "identifier_patterns_file", None)
    path = Path(file).expanduser() if file else default_patterns_file()
    if file or path.is_file():
        extra += compile_patterns(load_patterns_file(path), str(path))
    own = getattr(settings, "identifier_patterns", None) or {}
    extra += compile_patterns(own, "setting identifier_patterns")
    return Masker(bool(getattr(settings, "mask_identifiers", True)), extra)


class StreamMasker:
    """Masks text that arrives in pieces (streamed answer tokens) before passing it on.

    An identifier may be split across pieces ("010-12" + "34-5678"), so the tail that could still
    grow into one (a trailing run of digits, letters and separators) is held back until a piece ends
    it; Korean prose passes at once, ASCII words are held only to their end. `flush` sends the rest.
    """

    CONTEXT = 64  # already-sent characters kept so keyword-led patterns ("계좌번호 …") still see the keyword
    HOLD = 48

    def __init__(self, masker: Masker, out: Any) -> None:
        self.masker, self.out = masker, out
        self._raw = ""
        self._sent = 0  # characters of _raw already passed on
        self._lock = threading.Lock()

    def __call__(self, piece: str) -> None:
        with self._lock:
            self._raw += piece
            self._emit(final=False)

    def flush(self) -> None:
        with self._lock:
            self._emit(final=True)

    def _emit(self, final: bool) -> None:
        if not self.masker.enabled:
            text, self._sent = self._raw[self._sent:], len(self._raw)
            if text:
                self.out(text)
            return
        base = max(0, self._sent - self.CONTEXT)
        window = self._raw[base:]
        spans = self.masker.find(window)
        end = len(window) if final else self._safe_end(window)
        for s in spans:
            if s.start < end < s.end:
                end = s.start
        if end <= self._sent - base:
            return
        masked = self.masker.mask(window)
        self.out(masked[self._sent - base:end])
        self._sent = base + end
        if self._sent > 4 * self.CONTEXT:  # keep the buffer short
            drop = self._sent - self.CONTEXT
            self._raw, self._sent = self._raw[drop:], self._sent - drop

    def _safe_end(self, window: str) -> int:
        pos = len(window)
        while pos > 0:
            ch = window[pos - 1]
            if ch.isascii() and (ch.isalnum() or ch in "+-().@_%*#:/"):
                pos -= 1
            elif ch in " \t" and pos >= 2 and window[pos - 2].isdigit() and (pos == len(window) or window[pos].isdigit()):
                pos -= 1
            else:
                break
        return max(pos, len(window) - self.HOLD) if len(window) - pos > self.HOLD else pos
