"""Fuzzing every loader with hypothesis: mutated bytes of small valid seeds may only give a Document or
LoadError, each within 5 s, and never reach the loaders' last-resort guard (a library bug turned into
"unreadable file").

Three kinds of input per format: raw byte mutations of the whole file (flips, overwrites with boundary
integers, cuts, inserts, deletes, duplicated slices), structure-aware mutations of the XML part inside a
still-valid zip (DOCX, HWPX), and mutations of an HWP body's decompressed record stream fed to the
hand-written record parser. The normal suite runs ~50 examples per target, derandomised (same inputs
every run); `make fuzz` runs the `slow` variant with 2,000 random examples per target. A crash found
becomes a regression test below, with its bytes inline.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sillok.foundation.errors import LoadError
from sillok.ingest.loaders import load
from tests.support.hwpx import HWPX_NS, hwpx_para, hwpx_table
from tests.support.paths import SAMPLES
from tests.support.pdf import build_pdf

HWP_SEED = SAMPLES / "hwp" / "changing-paragraph-text.hwp"
PER_CALL_S = 5.0
NORMAL = settings(max_examples=50, deadline=2000, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=2000, deadline=5000, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BOUNDARY = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]
TRIED: dict[str, int] = {}


# -- seeds ------------------------------------------------------------------------------------------
def _docx_seed() -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = "계약서"
    d.add_heading("제1조(목적)", 1)
    d.add_paragraph("이 계약은 용역의 범위를 정한다. The contract sets the scope.")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(1, 1).text = "갑", "을"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


HWPX_SECTION = (f"<hs:sec {HWPX_NS}>{hwpx_para('제1조(목적) 본문')}"
                f"{hwpx_table([['갑', '을'], ['1', '2']])}</hs:sec>").encode()
HWPX_HPF = (b'<opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:metadata><opf:title>t</opf:title>'
            b'</opf:metadata><opf:manifest><opf:item id="s0" href="Contents/section0.xml"/></opf:manifest>'
            b'<opf:spine><opf:itemref idref="s0"/></opf:spine></opf:package>')


def _hwpx_parts(section: bytes = HWPX_SECTION) -> dict[str, bytes]:
    return {"mimetype": b"application/hwp+zip", "Contents/content.hpf": HWPX_HPF,
            "Contents/section0.xml": section}


def _docx_with(document_xml: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(DOCX_SEED))
    return _zip({n: (document_xml if n == "word/document.xml" else src.read(n)) for n in src.namelist()})


DOCX_SEED = _docx_seed()
DOCX_XML = zipfile.ZipFile(io.BytesIO(DOCX_SEED)).read("word/document.xml")
SEEDS: dict[str, bytes] = {
    ".pdf": build_pdf(["Page one text (Art. 1)", None, "Page three"], title="T", image_pages=(1,)),
    ".docx": DOCX_SEED,
    ".hwpx": _zip(_hwpx_parts()),
    ".html": ("<html><head><meta charset='utf-8'><title>t</title></head><body><h1>제목</h1><p>본문 "
              "<b>굵게</b></p><ul><li>a</li></ul><table><tr><td>c</td><td>d</td></tr></table></body></html>"
              ).encode(),
    ".txt": "제1조(목적) 이 법은 목적으로 한다.\n제2조 정의\n".encode("cp949") * 3,
    ".md": "# 제목\n\n## 제1조(목적)\n본문 text.\n\n| a | b |\n".encode(),
}
if HWP_SEED.is_file():
    SEEDS[".hwp"] = HWP_SEED.read_bytes()


# -- mutation ---------------------------------------------------------------------------------------
@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            data += draw(st.binary(min_size=1, max_size=32))
            continue
        i = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "set", "int", "cut", "insert", "delete", "dup"]))
        if op == "flip":
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            data[i] = draw(st.integers(0, 255))
        elif op == "int":  # sizes, counts and offsets in binary headers
            width = draw(st.sampled_from([1, 2, 4]))
            data[i:i + width] = draw(st.sampled_from(BOUNDARY)).to_bytes(4, "little")[:width]
        elif op == "cut":
            del data[max(i, 1):]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=64))
        elif op == "delete":
            del data[i:i + draw(st.integers(1, 256))]
        else:
            j = draw(st.integers(0, len(data) - 1))
            data[i:i] = data[j:j + draw(st.integers(1, 512))] * draw(st.integers(1, 4))
    return bytes(data)


# -- running one input ------------------------------------------------------------------------------
class _Hang(Exception):
    pass


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Abort a hung call (POSIX main thread); elsewhere the elapsed-time assertion still catches slowness."""
    if not hasattr(signal, "setitimer") or os.name != "posix":
        yield
        return

    def fire(_sig: int, _frame: object) -> None:
        raise _Hang(f"loader still running after {seconds:.0f}s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class _GuardHits(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("unexpected error loading"):
            self.messages.append(f"{record.getMessage()}: {record.exc_info[1]!r}" if record.exc_info else "")


def check_load(path: Path, data: bytes, target: str) -> None:
    """Write `data` to `path` and load it: Document or LoadError, in time, without the last guard."""
    path.write_bytes(data)
    TRIED[target] = TRIED.get(target, 0) + 1
    hits = _GuardHits()
    logger = logging.getLogger("sillok.ingest.loaders")
    logger.addHandler(hits)
    t0 = time.perf_counter()
    try:
        with _alarm(PER_CALL_S * 2):
            try:
                doc = load(path)
            except LoadError as exc:
                assert exc.reason and exc.status in ("failed", "needs_ocr")
            else:
                assert doc.pages and any(p.text.strip() for p in doc.pages)
    finally:
        logger.removeHandler(hits)
    took = time.perf_counter() - t0
    assert took < PER_CALL_S, f"{target}: {took:.1f}s for {len(data)} bytes {data[:64]!r}…"
    assert not hits.messages, f"{target}: reached the last-resort guard: {hits.messages}"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("fuzz")
    for suffix, seed in SEEDS.items():  # warm imports so the first example is not charged for them
        (d / f"seed{suffix}").write_bytes(seed)
        load(d / f"seed{suffix}")
    yield d
    if TRIED:
        print(f"\nfuzz inputs tried: {sum(TRIED.values())} {dict(sorted(TRIED.items()))}")


def _targets() -> list[str]:
    return sorted(SEEDS)


def _run_raw(work: Path, suffix: str, config: settings) -> None:
    @config
    @given(data=mutated(SEEDS[suffix]))
    def run(data: bytes) -> None:
        check_load(work / f"fuzz{suffix}", data, f"raw{suffix}")

    run()


def _run_member(work: Path, suffix: str, config: settings) -> None:
    seed_xml, rebuild = ((DOCX_XML, _docx_with) if suffix == ".docx"
                         else (HWPX_SECTION, lambda x: _zip(_hwpx_parts(x))))

    @config
    @given(xml=mutated(seed_xml))
    def run(xml: bytes) -> None:
        check_load(work / f"member{suffix}", rebuild(xml), f"xml{suffix}")

    run()


def _hwp_body() -> bytes:
    import olefile

    with olefile.OleFileIO(io.BytesIO(SEEDS[".hwp"])) as ole:
        raw = ole.openstream("BodyText/Section0").read()
    return zlib.decompress(raw, -15)


def _run_hwp_records(config: settings) -> None:
    from sillok.ingest.loaders.hwp import _section_blocks, iter_records

    body = _hwp_body()

    @config
    @given(data=mutated(body))
    def run(data: bytes) -> None:
        TRIED["records.hwp"] = TRIED.get("records.hwp", 0) + 1
        t0 = time.perf_counter()
        with _alarm(PER_CALL_S * 2):
            blocks = _section_blocks(iter_records(data), [0])
        assert all(isinstance(b, str) for b in blocks)
        assert time.perf_counter() - t0 < PER_CALL_S

    run()


# -- the suite ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", _targets())
def test_fuzz_raw_bytes(work: Path, suffix: str) -> None:
    _run_raw(work, suffix, NORMAL)


@pytest.mark.parametrize("suffix", [".docx", ".hwpx"])
def test_fuzz_zip_member_xml(work: Path, suffix: str) -> None:
    _run_member(work, suffix, NORMAL)


def test_fuzz_hwp_records(work: Path) -> None:
    if ".hwp" not in SEEDS:
        pytest.skip(f"{HWP_SEED} not present (../shared/samples)")
    _run_hwp_records(NORMAL)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", _targets())
def test_fuzz_raw_bytes_long(work: Path, suffix: str) -> None:
    _run_raw(work, suffix, SLOW)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".docx", ".hwpx"])
def test_fuzz_zip_member_xml_long(work: Path, suffix: str) -> None:
    _run_member(work, suffix, SLOW)


@pytest.mark.slow
def test_fuzz_hwp_records_long(work: Path) -> None:
    if ".hwp" not in SEEDS:
        pytest.skip(f"{HWP_SEED} not present (../shared/samples)")
    _run_hwp_records(SLOW)


# -- regressions found by the fuzzer ------------------------------------------------------------------
# None yet: 500 inputs per normal run and 20,000 in one `make fuzz` run (2,000 per target) all gave a
# Document or LoadError in time. Add each future crash here as a test with its bytes inline, e.g.
#     def test_fuzz_regression_<what>(work): check_load(work / "r.hwp", bytes.fromhex("d0cf11e0…"), "r")
