#!/usr/bin/env bash
# Build build/sillok_<version>_amd64.deb from the PyInstaller onedir output (build/dist/sillok).
#
#   packaging/linux/build_deb.sh [DIST_DIR]        (default build/dist/sillok; run `make package` first)
#
# Layout: /opt/sillok (the bundle), /usr/bin/sillok -> /opt/sillok/sillok, a .desktop entry
# (Name[ko]=실록) and hicolor icons. Depends lists the system libraries the bundled Qt loads from the
# OS (GL/EGL, xkbcommon, fontconfig, D-Bus, xcb-cursor …); everything else ships inside the bundle.
# Environment: SILLOK_VERSION (default: pyproject's version), DEB_COMPRESS (zstd|xz|gzip, default zstd;
# dpkg on Debian 12 / Ubuntu 22.04 and later reads zstd).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
DIST=${1:-build/dist/sillok}
[ -x "$DIST/sillok" ] || { echo "build_deb: $DIST/sillok not found; run make package (PyInstaller) first" >&2; exit 2; }
VERSION=${SILLOK_VERSION:-$(sed -n 's/^version *= *"\(.*\)"/\1/p' pyproject.toml | head -1)}
ARCH=amd64
OUT=build/sillok_${VERSION}_${ARCH}.deb
STAGE=build/deb-root
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/icons/hicolor/256x256/apps" "$STAGE/usr/share/icons/hicolor/scalable/apps" \
  "$STAGE/usr/share/doc/sillok"
# cp -a keeps the bundle's own symlinks (libraries) and permissions; hard links would tie the staged
# tree to build/dist.
cp -a "$DIST" "$STAGE/opt/sillok"
ln -s /opt/sillok/sillok "$STAGE/usr/bin/sillok"
install -m 0644 packaging/linux/sillok.desktop "$STAGE/usr/share/applications/sillok.desktop"
install -m 0644 packaging/icons/sillok-256.png "$STAGE/usr/share/icons/hicolor/256x256/apps/sillok.png"
install -m 0644 packaging/icons/sillok.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/sillok.svg"
cat > "$STAGE/usr/share/doc/sillok/copyright" <<'TXT'
Sillok (실록) — Apache-2.0. Bundled third-party components keep their own licences (Python, Qt/PySide6
LGPL-3.0, PyTorch BSD, llama.cpp MIT, Chroma Apache-2.0, Kiwi LGPL-2.1, all-MiniLM-L6-v2 Apache-2.0,
SmolLM2 Apache-2.0); their licence files are inside /opt/sillok/_internal.
TXT
SIZE_KB=$(du -sk --apparent-size "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<TXT
Package: sillok
Version: ${VERSION}
Architecture: ${ARCH}
Maintainer: Sillok maintainers <sillok@localhost>
Installed-Size: ${SIZE_KB}
Depends: libc6 (>= 2.36), libstdc++6, libgcc-s1, zlib1g, libgl1, libglx0, libglvnd0, libegl1, libopengl0, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, libfreetype6, libdbus-1-3, libglib2.0-0, libx11-6, libx11-xcb1, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render-util0, libxcb-render0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-shape0, libxcb-xfixes0, libxcb-xkb1, libxrender1, libxext6, libxi6, libwayland-client0, libwayland-cursor0, libwayland-egl1, libgomp1, tesseract-ocr, tesseract-ocr-kor, tesseract-ocr-eng
Recommends: fonts-noto-cjk | fonts-nanum
Section: utils
Priority: optional
Homepage: https://localhost/sillok
Description: 실록 Sillok — answers from your own documents, offline
 A private desktop assistant that answers questions over an office's own
 documents (PDF, DOCX, HWP, HWPX, HTML, text) entirely on this computer:
 no cloud service, no telemetry. Includes the default embedding model and a
 small local language model. Run "sillok --self-test" to check an install.
TXT
cat > "$STAGE/DEBIAN/postinst" <<'TXT'
#!/bin/sh
set -e
# Menus and icon caches pick up the new entry; both tools are optional on minimal systems.
if [ "$1" = "configure" ]; then
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -f /usr/share/icons/hicolor || true
fi
exit 0
TXT
cat > "$STAGE/DEBIAN/prerm" <<'TXT'
#!/bin/sh
set -e
# Nothing to stop: Sillok runs no service. User data (~/.local/share/Sillok) and the machine-wide
# settings (/etc/sillok/settings.json, written by IT) are left alone on remove and purge.
exit 0
TXT
chmod 0755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/prerm"
COMP=${DEB_COMPRESS:-zstd}
dpkg-deb --root-owner-group -Z"$COMP" --build "$STAGE" "$OUT" >/dev/null
rm -rf "$STAGE"
echo "built $REPO/$OUT ($(du -h "$OUT" | cut -f1), installed size $((SIZE_KB / 1024)) MiB)"
