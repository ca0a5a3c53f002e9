"""Before QApplication exists: can Qt's platform plugin load here? If not, say why in one line.

Why this module: when a system library of Qt's xcb plugin is missing (libxcb-cursor0, libxcb-icccm4,
libxcb-keysyms1 … on a fresh Debian/Ubuntu), Qt prints a screenful and aborts the process. Nothing of
that names the package to install. So the entry point asks `ldd` which libraries the plugin (and the Qt
libraries it pulls in) cannot find, and prints what is missing and the command that installs it.
No Qt import here: this runs before Qt can be trusted to load. `make setup` (scripts/setup.sh) runs
`python -m sillok.app.desktop.platform_check --apt-packages` to install the same list.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path

# soname → Debian/Ubuntu package, for the libraries Qt's xcb and wayland plugins load from the OS
# (from `ldd libqxcb.so` / `ldd libqwayland.so` of PySide6 6.11; packaging/linux/build_deb.sh depends on them).
PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0", "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxcb-util.so.1": "libxcb-util1", "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1", "libxcb-render.so.0": "libxcb-render0", "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6", "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libGL.so.1": "libgl1", "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0", "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0", "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3", "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
    "libwayland-client.so.0": "libwayland-client0", "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}
PLUGIN_FILES = {"xcb": "libqxcb.so", "wayland": "libqwayland.so"}
NEEDS_NO_DISPLAY = {"offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay"}


def plugin_dirs(env: Mapping[str, str]) -> list[Path]:
    """Where Qt looks for platform plugins: QT_QPA_PLATFORM_PLUGIN_PATH first, then PySide6's own."""
    out = [Path(p) for p in env.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep) if p]
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.submodule_search_locations:
        out += [Path(p) / "Qt" / "plugins" / "platforms" for p in spec.submodule_search_locations]
    return out


def find_plugin(platform: str, env: Mapping[str, str]) -> Path | None:
    name = PLUGIN_FILES.get(platform)
    return next((d / name for d in plugin_dirs(env) if name and (d / name).is_file()), None)


def missing_libraries(plugin: Path) -> list[str]:
    """Sonames the dynamic loader cannot find for ``plugin`` (transitively), in ldd's order.

    Where ``ldd`` is absent, loading the plugin with ctypes names the first missing library."""
    ldd = shutil.which("ldd")
    if ldd:
        try:
            out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        missing = [line.split("=>")[0].strip() for line in out.splitlines() if "not found" in line]
        return list(dict.fromkeys(missing))
    try:
        ctypes.CDLL(str(plugin))
    except OSError as e:  # "libxcb-icccm.so.4: cannot open shared object file: No such file or directory"
        first = str(e).split(":", 1)[0].strip()
        return [first] if first and first != str(plugin) else [str(e)]
    return []


def apt_packages(sonames: list[str]) -> list[str]:
    return list(dict.fromkeys(PACKAGES[s] for s in sonames if s in PACKAGES))


def fix_command(sonames: list[str]) -> str:
    """The one command that installs the packages providing ``sonames`` (Debian/Ubuntu), or a hint."""
    packages = apt_packages(sonames)
    unknown = [s for s in sonames if s not in PACKAGES]
    if packages and shutil.which("apt-get"):
        cmd = ("" if os.geteuid() == 0 else "sudo ") + "apt-get install -y " + " ".join(packages)
        return cmd + (f" (and the package providing {', '.join(unknown)})" if unknown else "")
    return "install the system package(s) providing " + ", ".join(sonames) + (
        f" (Debian/Ubuntu: {' '.join(packages)})" if packages else "")


def _x_display_opens(display: str) -> bool:
    """True when an X server answers on ``display`` (libxcb's own connect, no Qt)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True  # reported as a missing library instead
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode(), None)
    try:
        return conn is not None and xcb.xcb_connection_has_error(conn) == 0
    finally:
        if conn:
            xcb.xcb_disconnect(conn)


def _problem(platform: str, env: Mapping[str, str]) -> tuple[list[str], str]:
    """(missing libraries, other reason) why ``platform`` cannot start here; ([], "") when it can
    (as far as can be told without Qt)."""
    if platform in NEEDS_NO_DISPLAY:
        return [], ""
    if platform == "wayland" and not env.get("WAYLAND_DISPLAY"):
        return [], "no Wayland display (WAYLAND_DISPLAY is not set)"
    plugin = find_plugin(platform, env)
    missing = missing_libraries(plugin) if plugin is not None else []
    if missing:
        return missing, ""
    if platform == "xcb":
        display = env.get("DISPLAY", "")
        if not display:
            return [], ("no display (DISPLAY is not set): start Sillok inside a desktop session, "
                        "or use the command line (`sillok --help`)")
        if not _x_display_opens(display):
            return [], f"the X display {display} does not answer (is the desktop session running?)"
    return [], ""


def prepare(env: MutableMapping[str, str] | None = None) -> str | None:
    """Choose the platform (Wayland first on a Wayland session, X11 as fallback) and check it.

    Returns None when the window can start, else one line: what is missing and the command that fixes
    it. Only Linux is checked; elsewhere Qt's own plugins ship complete."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return None
    if "QT_QPA_PLATFORM" not in env and env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "wayland;xcb"  # Qt tries them in order; X11 (XWayland) if Wayland fails
    wanted = [p.split(":", 1)[0].strip() for p in env.get("QT_QPA_PLATFORM", "xcb").split(";") if p.strip()]
    missing: dict[str, list[str]] = {}
    reasons: list[str] = []
    for platform in wanted or ["xcb"]:
        libs, reason = _problem(platform, env)
        if not libs and not reason:
            return None
        if libs:
            missing[platform] = libs
        reasons.append(reason)
    head = "Sillok cannot open its window: "
    if missing:  # one command that fixes every platform tried
        libs = list(dict.fromkeys(x for v in missing.values() for x in v))
        return (f"{head}Qt's {' and '.join(missing)} platform plugin needs {', '.join(libs)}, which this "
                f"system lacks. Fix: {fix_command(libs)}")
    return head + next(r for r in reasons if r)


def main(argv: list[str] | None = None) -> int:
    """`python -m sillok.app.desktop.platform_check [--apt-packages]`: what the window lacks here."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--apt-packages", action="store_true",
                   help="print the Debian packages missing for the xcb and wayland plugins (for setup.sh)")
    args = p.parse_args(argv)
    if args.apt_packages:
        missing: list[str] = []
        for platform in PLUGIN_FILES:
            plugin = find_plugin(platform, os.environ)
            missing += missing_libraries(plugin) if plugin else []
        print(" ".join(apt_packages(missing)))
        return 0
    problem = prepare(dict(os.environ))
    print(problem or "the window can start here")
    return 1 if problem else 0


if __name__ == "__main__":
    sys.exit(main())
