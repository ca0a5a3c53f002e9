"""The window starts on a real X server (Xvfb, not offscreen), and a missing system library of Qt's
platform plugin is one line naming it and the command that installs it, never a Qt abort."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sillok.app.desktop import platform_check as pc

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def xvfb():
    """A private X server; its display name (":N")."""
    exe = shutil.which("Xvfb")
    if exe is None:
        pytest.skip("Xvfb is not installed (apt-get install -y xvfb); the offscreen tests cannot catch a "
                    "missing xcb library")
    r, w = os.pipe()
    proc = subprocess.Popen([exe, "-displayfd", str(w), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as f:
        number = f.readline().strip()
    assert number.isdigit(), "Xvfb did not report its display"
    yield f":{number}"
    proc.terminate()
    proc.wait(10)


def _desktop_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY",
                                                             "QT_QPA_PLATFORM_PLUGIN_PATH")}
    return {**env, **extra}


def test_the_real_window_shows_on_an_x_server(xvfb, tmp_path):
    """What `make run` does on a desktop: no QT_QPA_PLATFORM, Qt's own choice (xcb) on a real display."""
    problem = pc.prepare(_desktop_env(DISPLAY=xvfb))
    assert problem is None, f"run `bash scripts/system_libs.sh` (make setup): {problem}"
    env = _desktop_env(DISPLAY=xvfb, SILLOK_EXIT_AFTER_SHOW="1")
    out = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "home")], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    line = json.loads(out.stdout.strip().splitlines()[-1])
    assert line["platform"] == "xcb" and line["visible_s"] > 0


def _plugin_needing(tmp_path: Path, soname: str) -> Path:
    """A real ELF shared object named like Qt's xcb plugin whose DT_NEEDED ``soname`` is absent."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build an ELF with an absent dependency")
    build = tmp_path / "build"
    build.mkdir()
    (build / "dep.c").write_text("int sillok_dep(void) { return 1; }\n")
    (build / "plugin.c").write_text("int sillok_dep(void);\nint plugin(void) { return sillok_dep(); }\n")
    dep = build / soname
    subprocess.run([cc, "-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", str(dep), str(build / "dep.c")],
                   check=True)
    plugins = tmp_path / "platforms"
    plugins.mkdir()
    plugin = plugins / "libqxcb.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(plugin), str(build / "plugin.c"), str(dep)], check=True)
    shutil.rmtree(build)  # the dependency is gone: what a fresh machine looks like to the loader
    return plugin


def test_missing_plugin_library_is_one_line_with_the_fix(tmp_path):
    plugin = _plugin_needing(tmp_path, "libxcb-sillok-test.so.0")
    assert pc.missing_libraries(plugin) == ["libxcb-sillok-test.so.0"]
    env = _desktop_env(DISPLAY=":0", QT_QPA_PLATFORM="xcb", QT_QPA_PLATFORM_PLUGIN_PATH=str(plugin.parent))
    out = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "home")], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr  # one line, no Qt abort text
    assert "libxcb-sillok-test.so.0" in lines[0] and "Sillok cannot open its window" in lines[0]
    assert "Aborted" not in out.stderr and "could not load the Qt platform plugin" not in out.stderr.lower()


def test_known_libraries_name_their_debian_packages(monkeypatch):
    monkeypatch.setattr(pc.shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None)
    cmd = pc.fix_command(["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    assert cmd.endswith("apt-get install -y libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1")


def test_every_library_of_the_installed_plugins_is_known_and_in_the_deb():
    """`ldd` of PySide6's xcb and wayland plugins: every OS library they load has a package in
    platform_check.PACKAGES, and the .deb depends on each of those packages."""
    if shutil.which("ldd") is None:
        pytest.skip("no ldd")
    deb = (REPO / "packaging" / "linux" / "build_deb.sh").read_text(encoding="utf-8")
    depends = set(re.search(r"^Depends: (.*)$", deb, re.M).group(1).replace(",", " ").split())
    for platform in pc.PLUGIN_FILES:
        plugin = pc.find_plugin(platform, {})
        assert plugin is not None
        out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True).stdout
        sonames = {line.split("=>")[0].strip() for line in out.splitlines() if "=>" in line}
        ours = {s for s in sonames if re.match(r"lib(xcb|X11|xkbcommon|wayland|GL|EGL|OpenGL|fontconfig|dbus)", s)}
        assert ours - set(pc.PACKAGES) == set(), platform
        assert {pc.PACKAGES[s] for s in ours} - depends == set()


def test_a_wayland_session_tries_wayland_then_x11():
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ""}
    pc.prepare(env)
    assert env["QT_QPA_PLATFORM"] == "wayland;xcb"
    env = {"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "offscreen"}
    assert pc.prepare(env) is None and env["QT_QPA_PLATFORM"] == "offscreen"  # the person's choice stays


def test_no_display_is_one_clear_line():
    problem = pc.prepare({"QT_QPA_PLATFORM": "xcb", "QT_QPA_PLATFORM_PLUGIN_PATH": "/nonexistent"})
    if problem and "Fix:" in problem:
        pytest.skip("this machine lacks the xcb libraries (covered above)")
    assert problem is not None and "DISPLAY is not set" in problem
