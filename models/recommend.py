"""Which recommended model suits this person and this computer, and what each one can do.

Why: the bundled SmolLM2-135M answers in English only and weakly; a Korean office needs to be told so on
the first day and pointed at a model that reads Korean and fits the machine's memory, with the licence
said up front (EXAONE is non-commercial). Facts come from sillok.models.catalogue.RECOMMENDED.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from sillok.models.catalogue import RECOMMENDED, RecommendedModel


def languages(spec: RecommendedModel) -> set[str]:
    """Language codes a model handles well ("ko (unofficial)" and "(ko usable)" do not count as ko…
    except "usable"/"good", which the catalogue uses for a second language that works)."""
    text = spec.languages.lower()
    out = set(re.findall(r"\b([a-z]{2})\b", re.sub(r"\((?:[^)]*unofficial[^)]*)\)", "", text)))
    if "multilingual" in text:
        out.add("*")
    return out


def handles(spec: RecommendedModel, language: str) -> bool:
    langs = languages(spec)
    return language in langs or "*" in langs


def strength(spec: RecommendedModel, language: str) -> int:
    """2: the language is one the model is made for; 1: only "usable"/"good" in brackets; 0: not handled."""
    if not handles(spec, language):
        return 0
    plain = re.sub(r"\([^)]*\)", "", spec.languages.lower())
    return 2 if re.search(rf"\b{language}\b", plain) or "multilingual" in plain else 1


def noncommercial(spec: RecommendedModel) -> bool:
    """True for licences that forbid commercial use (a law or medical office needs to check first)."""
    text = spec.license.lower()
    return "non-commercial" in text or bool(re.search(r"\bnc\b", text)) or "research" in text


def total_memory_gb() -> float | None:
    """Physical memory of this computer, or None where it cannot be read."""
    if sys.platform == "win32":
        import ctypes

        class _Status(ctypes.Structure):
            _fields_ = [("length", ctypes.c_ulong), ("load", ctypes.c_ulong), ("total", ctypes.c_ulonglong),
                        ("avail", ctypes.c_ulonglong), ("page_total", ctypes.c_ulonglong),
                        ("page_avail", ctypes.c_ulonglong), ("virtual_total", ctypes.c_ulonglong),
                        ("virtual_avail", ctypes.c_ulonglong), ("extended", ctypes.c_ulonglong)]

        st = _Status()
        st.length = ctypes.sizeof(_Status)
        return st.total / 2**30 if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(st)) else None  # type: ignore[attr-defined]
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    except (ValueError, OSError, AttributeError):
        return None


@dataclass(frozen=True)
class Advice:
    model: RecommendedModel
    fits: bool  # fits this computer's memory with room for the rest (≤ half of it)
    why: str


def recommend(language: str, memory_gb: float | None, gpu: str = "cpu",
              models: list[RecommendedModel] | None = None) -> list[Advice]:
    """Downloadable models for ``language``, best first: those that handle the language, then those
    that fit half the memory (the index, the embedding model and the office's other programs need the
    rest), then the larger (better answers) among them; a GPU lets larger ones run at a usable speed."""
    pool = [m for m in (RECOMMENDED if models is None else models) if m.filename and not m.bundled]
    budget = memory_gb / 2 if memory_gb else 4.0
    if gpu == "cpu":
        budget = min(budget, 8.0)  # on CPU alone a 7-8B model is slow but usable; larger is not

    def score(m: RecommendedModel) -> tuple[bool, bool, int, float]:
        fits = m.ram_gb <= budget
        return (handles(m, language), fits, strength(m, language), m.ram_gb if fits else -m.ram_gb)

    out = []
    for m in sorted(pool, key=score, reverse=True):
        fits = m.ram_gb <= budget
        bits = [f"{m.size_gb:.1f} GB", f"~{m.ram_gb:.0f} GB memory", m.languages, m.license]
        out.append(Advice(m, fits, "; ".join(bits)))
    return out


def bundled() -> RecommendedModel:
    return next(m for m in RECOMMENDED if m.bundled)


def spec_for_file(path: str | Path) -> RecommendedModel | None:
    """The catalogue entry of an installed model file (by file name), if it is one of ours."""
    name = Path(path).name.lower()
    return next((m for m in RECOMMENDED if m.filename and m.filename.lower() == name), None)
