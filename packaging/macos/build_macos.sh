#!/usr/bin/env bash
# Build Sillok.app and a .dmg on macOS (Apple silicon; macos-14 GitHub runner or a Mac):
#     bash packaging/macos/build_macos.sh
# Output: build/dist/Sillok.app and build/Sillok-<version>.dmg.
#
# - scripts/setup.sh builds llama-cpp-python with CMAKE_ARGS="-DGGML_METAL=ON" on Apple silicon
#   (models/build_flags.py); this script makes that explicit in case a CPU build is cached.
# - The .app comes from the same packaging/sillok.spec (BUNDLE); Contents/MacOS/sillok-desktop is the
#   window, Contents/MacOS/sillok the command line (`--self-test`).
# - PyInstaller signs ad hoc, which runs locally. For other Macs, sign with a Developer ID and notarize:
#     codesign --deep --force --options runtime --timestamp -s "Developer ID Application: …" build/dist/Sillok.app
#     xcrun notarytool submit build/Sillok-X.dmg --keychain-profile … --wait && xcrun stapler staple build/Sillok-X.dmg
# - OCR of scans: the Korean, English and orientation data are bundled from Homebrew's tessdata
#   (`brew install tesseract tesseract-lang`; packaging/sillok.spec copies kor/eng/osd.traineddata).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f /opt/homebrew/share/tessdata/kor.traineddata ] && [ -z "${TESSDATA_PREFIX:-}" ] && command -v brew >/dev/null; then
  brew install tesseract tesseract-lang  # Korean OCR data (tesseract-lang holds kor.traineddata)
fi
[ "$(uname -s)" = Darwin ] || { echo "build_macos: run on macOS" >&2; exit 2; }
VERSION=${SILLOK_VERSION:-$(sed -n 's/^version *= *"\(.*\)"/\1/p' pyproject.toml | head -1)}
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  if [ "$(uname -m)" = arm64 ]; then
    CMAKE_ARGS="-DGGML_METAL=ON" .venv/bin/python -m pip install -q --no-binary llama-cpp-python "llama-cpp-python==0.3.36"
  fi
fi
bash scripts/setup.sh
.venv/bin/python -m pip install -q "pyinstaller==6.22.3"
(cd packaging && SILLOK_VERSION="$VERSION" ../.venv/bin/pyinstaller sillok.spec --noconfirm \
   --distpath ../build/dist --workpath ../build/work)
APP=build/dist/Sillok.app
"$APP/Contents/MacOS/sillok" --self-test
STAGE=build/dmg-root
rm -rf "$STAGE"; mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG=build/Sillok-${VERSION}.dmg
rm -f "$DMG"
hdiutil create -volname "Sillok ${VERSION}" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
rm -rf "$STAGE"
# Check the image the way a person would use it: mount, run the self-test from it, detach.
MNT=$(mktemp -d)
hdiutil attach -nobrowse -readonly -mountpoint "$MNT" "$DMG" >/dev/null
"$MNT/Sillok.app/Contents/MacOS/sillok" --self-test >/dev/null
hdiutil detach "$MNT" >/dev/null
echo "built $DMG ($(du -h "$DMG" | cut -f1))"
