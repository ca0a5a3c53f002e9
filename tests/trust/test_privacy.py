"""Private by construction: ingest, search and ask never reach another machine.

In process, `sillok.foundation.netguard.no_network()` refuses and records every non-loopback socket call while a
real ingest (pubmedqa abstracts + a Korean Markdown file), search and ask (real SmolLM2) run; the test
asserts that nothing even tried and that no warning or log line talks about the network or telemetry.
The guard sees Python sockets only, so the CLI is also run inside a network namespace with no network
at all (`unshare -n`, Linux as root), from a clean environment (no HF_HUB_OFFLINE set by anyone but
Sillok itself).
"""

from __future__ import annotations

import inspect
import logging
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
import warnings
from pathlib import Path

import pytest

from sillok.foundation import privacy
from sillok.foundation.netguard import is_loopback_host, no_network
from tests.support.paths import REPO, shared_path

PUBMED = ["10135926", "10158597", "10173769"]
NETWORDS = ("network", "telemetry", "connection", "connect", "offline", "http", "posthog", "tracing",
            "langsmith", "huggingface.co", "socket", "dns", "resolve")
KOREAN = """# 개인정보 처리 지침

## 제1조(목적)
이 지침은 환자 진료기록과 의뢰인 자료를 사무실 밖으로 내보내지 않도록 처리 절차를 정한다.

## 제2조(보관)
진료기록은 잠금 장치가 있는 캐비닛에 보관하고, 전자 파일은 암호화된 저장장치에만 둔다.
보관 기간은 10년으로 한다.
"""


def _docs(tmp_path: Path) -> list[Path]:
    src = shared_path("eval", "pubmedqa", "docs")
    files = [src / f"pmid-{p}.txt" for p in PUBMED]
    ko = tmp_path / "docs" / "개인정보_지침.md"
    ko.parent.mkdir()
    ko.write_text(KOREAN, encoding="utf-8")
    return [*files, ko]


def _noisy(messages: list[str]) -> list[str]:
    return [m for m in messages if any(w in m.lower() for w in NETWORDS)]


@pytest.fixture
def privacy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let monkeypatch restore every variable privacy.apply() touches."""
    for key in {**privacy.FORCED, **privacy.OFFLINE}:
        monkeypatch.setenv(key, os.environ.get(key, "")) if key in os.environ else monkeypatch.delenv(key, raising=False)


# -- the guard itself ----------------------------------------------------------------------------------
def test_guard_refuses_and_records_remote_but_allows_loopback() -> None:
    original = socket.socket.connect
    with no_network() as guard:
        with pytest.raises(OSError):
            urllib.request.urlopen("http://example.com/", timeout=2)
        with pytest.raises(OSError):
            socket.create_connection(("10.255.255.1", 443), timeout=1)
        with pytest.raises(OSError):
            socket.getaddrinfo("huggingface.co", 443)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, pytest.raises(OSError):
            udp.sendto(b"x", ("8.8.8.8", 53))
        with socket.socket() as raw, pytest.raises(OSError):
            raw.connect_ex(("1.1.1.1", 80))
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        socket.create_connection(("localhost", port), timeout=2).close()
        with socket.socket(socket.AF_INET6) as six:
            try:
                six.connect_ex(("::1", port))  # refused by the OS (nobody listens on ::1), not by the guard
            except OSError:
                pass
        server.close()
    calls = [a.call for a in guard.attempts]
    assert calls == ["create_connection", "create_connection", "getaddrinfo", "sendto", "connect_ex"], guard.attempts
    assert socket.socket.connect is original and "connect" not in vars(socket.socket)


def test_guard_catches_http_clients_of_our_dependencies() -> None:
    """requests (langsmith, huggingface_hub) and httpx (chromadb) go through the patched calls."""
    import httpx
    import requests

    with no_network() as guard:
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get("https://api.smith.langchain.com/info", timeout=2)
        with pytest.raises(httpx.ConnectError):
            httpx.get("https://us.i.posthog.com/capture", timeout=2)
    assert len(guard.attempts) >= 2


@pytest.mark.parametrize("host, local", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("::ffff:127.0.0.1", True),
    ("localhost", True), (None, True), ("10.0.0.1", False), ("0.0.0.0", False), ("example.com", False),
    ("::ffff:8.8.8.8", False), ("fe80::1%eth0", False),
])
def test_loopback_rule(host: str | None, local: bool) -> None:
    assert is_loopback_host(host) is local


# -- the product ---------------------------------------------------------------------------------------
def test_ingest_search_ask_make_no_network_attempt(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                   privacy_env: None) -> None:
    from sillok.service.facade import Sillok

    files = _docs(tmp_path)
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings(record=True) as caught, no_network() as guard:
        warnings.simplefilter("always")
        svc = Sillok(home=tmp_path / "home", top_k=2, max_answer_tokens=32)
        report = svc.ingest(files)
        assert not report.failed, report.failed
        hits = svc.search("in-flight intubation helicopter flight nurses")
        ko_hits = svc.search("진료기록 보관 기간")
        answer = svc.ask("Does the in-flight environment impair intubation by flight nurses?")
        not_found = svc.ask("화성 탐사선의 연료 효율은?")
    assert hits and Path(hits[0].source).name == "pmid-10135926.txt"
    assert ko_hits and ko_hits[0].source.endswith("개인정보_지침.md")
    assert answer.found and answer.text and not not_found.found
    assert guard.attempts == [], f"outbound attempts: {guard.attempts}"
    assert _noisy([str(w.message) for w in caught]) == []
    assert _noisy([r.getMessage() for r in caplog.records]) == []


def test_apply_turns_every_dependency_telemetry_and_tracing_off(monkeypatch: pytest.MonkeyPatch,
                                                                privacy_env: None) -> None:
    for key in privacy.FORCED:  # earlier Sillok() calls in this process already applied the settings
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LANGCHAIN_TRACING_V2", "true")
    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    monkeypatch.setenv("LANGSMITH_API_KEY", "not-a-real-key")
    monkeypatch.setenv("CHROMA_OTEL_COLLECTION_ENDPOINT", "http://collector.example:4317")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    from langsmith.utils import get_env_var

    get_env_var.cache_clear()  # as in a fresh process (langsmith caches what it read)
    assert privacy.tracing_enabled()  # the environment alone would send every prompt to LangSmith
    privacy.apply()
    assert not privacy.tracing_enabled()
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["HF_HUB_DISABLE_TELEMETRY"] == "1"
    assert os.environ["CHROMA_OTEL_COLLECTION_ENDPOINT"] == ""
    from chromadb.config import Settings as ChromaSettings

    chroma = ChromaSettings(anonymized_telemetry=False)
    assert chroma.anonymized_telemetry is False and not chroma.chroma_otel_collection_endpoint
    privacy.apply(allow_hub_download=True)
    assert os.environ["HF_HUB_DISABLE_TELEMETRY"] == "1"
    monkeypatch.undo()
    get_env_var.cache_clear()  # leave langsmith reading the restored environment


def test_vector_index_and_embedder_switch_telemetry_off_in_code() -> None:
    import sillok.ingest.vector_index
    import sillok.models.embedding

    assert "anonymized_telemetry=False" in inspect.getsource(sillok.ingest.vector_index.VectorIndex)
    src = inspect.getsource(sillok.models.embedding.Embedder._load)
    assert 'HF_HUB_OFFLINE"] = "1"' in src and "HF_HUB_DISABLE_TELEMETRY" in src


def test_sillok_applies_privacy_on_construction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                privacy_env: None) -> None:
    from sillok.service.facade import Sillok

    if "privacy" not in inspect.getsource(Sillok.__init__):
        pytest.skip("sillok.foundation.privacy.apply() is not called from Sillok.__init__ yet (patch in the trust report)")
    monkeypatch.setenv("LANGCHAIN_TRACING_V2", "true")
    monkeypatch.setenv("LANGSMITH_API_KEY", "not-a-real-key")
    Sillok(home=tmp_path / "home")
    assert not privacy.tracing_enabled()


# -- the CLI with no network at all --------------------------------------------------------------------
def _unshare_ok() -> str | None:
    if not sys.platform.startswith("linux"):
        return "network namespaces are Linux only"
    if shutil.which("unshare") is None:
        return "unshare(1) not installed"
    try:
        done = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unshare -n failed: {exc}"
    if done.returncode != 0:
        return f"unshare -n not permitted here (needs root or user namespaces): {done.stderr.decode().strip()}"
    return None


def test_cli_in_a_namespace_without_network(tmp_path: Path) -> None:
    why = _unshare_ok()
    if why:
        pytest.skip(why)
    sillok = REPO / ".venv" / "bin" / "sillok"
    if not sillok.exists():
        pytest.skip(f"{sillok} not installed (make setup)")
    files = [str(f) for f in _docs(tmp_path)]
    # A clean environment: nothing but Sillok itself may switch the hub off.
    env = {k: v for k, v in os.environ.items()
           if k in ("PATH", "LANG", "LC_ALL", "TMPDIR", "USER", "LOGNAME")}
    env.update(HOME=str(tmp_path / "user"), SILLOK_HOME=str(tmp_path / "home"), SILLOK_MAX_ANSWER_TOKENS="16",
               SILLOK_TOP_K="2",
               # every warning shown, except llama_cpp/_utils.py's two module-level /dev/null handles
               # (ResourceWarning at exit, nothing to do with the network)
               PYTHONWARNINGS="always,ignore::ResourceWarning")
    script = (f"{sillok} ingest --quiet " + " ".join(f"'{f}'" for f in files)
              + f" && {sillok} search --json '진료기록 보관 기간'"
              + f" && {sillok} ask --json 'Does the in-flight environment impair intubation by flight nurses?'")
    done = subprocess.run(["unshare", "-n", "sh", "-c", script], capture_output=True, text=True, env=env,
                          timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "개인정보_지침.md" in done.stdout and '"found": true' in done.stdout
    noisy = [line for line in done.stderr.splitlines() if line.strip()]
    assert noisy == [], noisy
