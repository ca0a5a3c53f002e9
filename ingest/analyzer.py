"""Turn text into keyword terms: Kiwi morphology for Korean, lower-cased words for everything else.

The keyword index stores these analysed terms (space-separated) in SQLite FTS5, whose `porter`
tokenizer then stems the English ones. Korean needs morphology because particles glue onto nouns
(법원은, 법원의, 법원에 → 법원); a whitespace or n-gram tokenizer would miss or blur those matches.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
WORD_RE = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+(?:['’][a-z]+)?|[\u3131-\u318e\uac00-\ud7a3]+|[\u4e00-\u9fff]+")
# Content morphemes: nouns, numerals, foreign words, roots, verb/adjective stems, hanja, adverbs.
KEEP_TAGS = ("NNG", "NNP", "NR", "SL", "SH", "SN", "XR", "VV", "VA", "MAG", "NNB")
ENGLISH_STOP = frozenset(
    """a an and are as at be been but by can could did do does for from had has have how i if in into is it
    its may might must no nor not of on or our shall should so such than that the their them then there
    these they this those to under upon us was we were what when where which while who whom why will with
    would you your any all each other""".split()
)

_local = threading.local()


def _kiwi() -> Any:
    # One Kiwi per thread: analysis is not documented as thread-safe and model load is cheap (~0.5 s).
    kiwi = getattr(_local, "kiwi", None)
    if kiwi is None:
        from kiwipiepy import Kiwi

        # Without the multi-word and typo dictionaries Kiwi takes 330 MB instead of 520 MB; the
        # keyword index measured the same on the Korean statutes (recall@5 0.781 both ways).
        kiwi = Kiwi(num_workers=-1, load_multi_dict=False, load_typo_dict=False)  # in the calling thread
        _local.kiwi = kiwi
    return kiwi


def analyse(text: str) -> list[str]:
    """Terms of `text` in order. Korean spans go through Kiwi; other words are lower-cased."""
    terms: list[str] = []
    if HANGUL_RE.search(text):
        for tok in _kiwi().tokenize(text):
            # Single-syllable Hangul morphemes (갑, 을, 법, 받) match everywhere and carry little.
            if tok.tag.startswith(KEEP_TAGS) and (len(tok.form) > 1 or tok.tag in ("SN", "SL")):
                form = tok.form.lower()
                if tok.tag in ("SL",) and form in ENGLISH_STOP:
                    continue
                terms.append(form)
        return terms
    for word in WORD_RE.findall(text):
        w = word.lower()
        if w not in ENGLISH_STOP and (len(w) > 1 or w.isdigit()):
            terms.append(w)
    return terms


SENTENCE_END_RE = re.compile(r"(?<=[.?!;。？])\s+|\n+")


@lru_cache(maxsize=512)
def analyse_query(text: str) -> tuple[str, ...]:
    """Query terms, each once, plus the terms of the final sentence a second time.

    Long questions often carry a background ("갑은 … 하였다.") before the actual question, or a
    preamble ("Consider the Franchise Agreement;") before it; the final sentence states what is asked,
    so its terms count double (FTS5's bm25 sums over query phrases, so a repeated phrase weighs twice).
    """
    terms = list(dict.fromkeys(analyse(text)))
    parts = [p for p in SENTENCE_END_RE.split(text.strip()) if p.strip()]
    if len(parts) > 1:
        terms += list(dict.fromkeys(analyse(parts[-1])))
    return tuple(terms)
