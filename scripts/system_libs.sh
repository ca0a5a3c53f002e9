#!/usr/bin/env bash
# The system libraries the desktop window needs and pip cannot bring: the ones Qt's xcb/wayland
# platform plugins load from the OS (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1 … on a fresh
# Debian/Ubuntu), found with ldd by sillok.app.desktop.platform_check, plus a Korean font, plus
# Tesseract's Korean and English data for OCR of scans.
# Installs them as root or through password-less sudo; otherwise prints the one command to run.
# Never fails `make setup`: the command line works without them.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${1:-.venv/bin/python}
case "$(uname -s)" in Linux) ;; *) exit 0 ;; esac
command -v apt-get >/dev/null 2>&1 || {
  missing=$("$PY" -m sillok.app.desktop.platform_check 2>/dev/null | grep -v "can start" || true)
  [ -n "$missing" ] && echo "note: $missing"
  exit 0
}
PKGS=$("$PY" -m sillok.app.desktop.platform_check --apt-packages 2>/dev/null || true)
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ko 2>/dev/null | head -1)" ]; then
  PKGS="$PKGS fonts-noto-cjk"  # Korean text in the window would be boxes without a CJK font
fi
# OCR of scans (ingest/ocr.py): Tesseract's Korean and English data (tesserocr brings the library).
if ! "$PY" -c "import sys; from sillok.ingest.ocr import tessdata_dir as t; d = t(); sys.exit(0 if d and (d / 'kor.traineddata').is_file() and (d / 'eng.traineddata').is_file() else 1)" 2>/dev/null; then
  PKGS="$PKGS tesseract-ocr tesseract-ocr-kor tesseract-ocr-eng"
fi
PKGS=$(echo $PKGS)
[ -z "$PKGS" ] && { echo "system libraries for the window and OCR: all present"; exit 0; }
echo "the window and OCR need these system packages: $PKGS"
if [ "$(id -u)" = 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"
else
  echo "run this once (needs an administrator), then make run:"
  echo "    sudo apt-get install -y $PKGS"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$SUDO apt-get install -y -q $PKGS || { $SUDO apt-get update -q && $SUDO apt-get install -y -q $PKGS; } || {
  echo "could not install them; run: sudo apt-get install -y $PKGS"; exit 0; }
"$PY" -m sillok.app.desktop.platform_check --apt-packages | grep -q . && \
  echo "still missing after install: $("$PY" -m sillok.app.desktop.platform_check --apt-packages)" || true
