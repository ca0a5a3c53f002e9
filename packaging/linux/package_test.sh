#!/usr/bin/env bash
# Install the .deb on a clean Debian 12 root and run the installed app's self-test there.
#
#   sudo packaging/linux/package_test.sh [path/to/sillok_X_amd64.deb]   (default: newest build/sillok_*.deb)
#
# 1. A pristine minbase root is made once with debootstrap (cached in $BASE) and copied to $ROOT for
#    every run, so each run starts clean. The mirror is the one this machine's apt uses.
# 2. `dpkg -i` the package inside the root (it fails on the missing Qt system libraries, by design),
#    then `apt-get -f install` pulls the Depends from the mirror and finishes the configuration.
# 3. `chroot $ROOT /usr/bin/sillok --self-test` (JSON on stdout), then the window once on Qt's
#    offscreen platform (SILLOK_EXIT_AFTER_SHOW=1 prints the time to a visible window) — this checks
#    that Depends covers what the bundled Qt needs. SILLOK_TEST_WINDOW=0 skips that step.
# Without debootstrap it falls back to unpacking `apt-get download`ed runtime libraries and the .deb
# (dpkg -x) into an empty root: no dpkg/apt inside, so it checks the bundle, not the package's Depends.
# Exit status: that of the self-test (0 pass, 1 fail), 3 when only the window check failed, 4 when only the
# emulated older-CPU run failed, 2 set-up errors.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=${SILLOK_TEST_ROOT:-/tmp/sillok-root}
BASE=${SILLOK_TEST_BASE:-${ROOT}-base}
SUITE=${SILLOK_TEST_SUITE:-bookworm}
DEB=${1:-$(ls -t build/sillok_*_amd64.deb 2>/dev/null | head -1 || true)}
[ "$(id -u)" = 0 ] || { echo "package_test: needs root (chroot, mount)" >&2; exit 2; }
[ -n "$DEB" ] && [ -f "$DEB" ] || { echo "package_test: no .deb given and none in build/; run make package" >&2; exit 2; }
DEB=$(readlink -f "$DEB")

mirror() {  # the Debian mirror this machine's apt uses (deb822 .sources or one-line .list)
  local m
  m=$(grep -hsE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)
  [ -n "$m" ] || m=$(grep -hsE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | grep -i debian | grep -v security | awk '{for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' | head -1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}
MIRROR=${SILLOK_TEST_MIRROR:-$(mirror)}

MOUNTS=()
cleanup() {
  local i
  for ((i=${#MOUNTS[@]}-1; i>=0; i--)); do umount -l "${MOUNTS[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
mount_into() {
  mkdir -p "$ROOT/proc" "$ROOT/dev" "$ROOT/sys"
  mount -t proc proc "$ROOT/proc" && MOUNTS+=("$ROOT/proc")
  mount --rbind /dev "$ROOT/dev" && mount --make-rslave "$ROOT/dev" && MOUNTS+=("$ROOT/dev")
  mount --rbind /sys "$ROOT/sys" && mount --make-rslave "$ROOT/sys" && MOUNTS+=("$ROOT/sys")
}
in_root() { chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

MODE=debootstrap
if ! command -v debootstrap >/dev/null 2>&1; then
  MODE=extract
fi
echo "== package_test: $DEB on a clean $SUITE root ($MODE, mirror $MIRROR)"

if [ "$MODE" = debootstrap ]; then
  if [ ! -f "$BASE/.sillok-base-ok" ]; then
    rm -rf "$BASE"
    echo "-- debootstrap --variant=minbase $SUITE $BASE $MIRROR (once; cached)"
    debootstrap --variant=minbase "$SUITE" "$BASE" "$MIRROR" >"${BASE}.log" 2>&1 \
      || { tail -20 "${BASE}.log" >&2; echo "package_test: debootstrap failed (log ${BASE}.log)" >&2; exit 2; }
    touch "$BASE/.sillok-base-ok"
  fi
  rm -rf "$ROOT"
  cp -a "$BASE" "$ROOT"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  mount_into
  cp "$DEB" "$ROOT/tmp/sillok.deb"
  echo "-- dpkg -i (expected to stop on missing dependencies)"
  in_root dpkg -i /tmp/sillok.deb >/tmp/sillok-dpkg.log 2>&1 || grep -E "depends on|not installed" /tmp/sillok-dpkg.log | head -5 || true
  echo "-- apt-get -f install (the Depends from $MIRROR)"
  in_root apt-get update -qq >/dev/null
  in_root apt-get -f install -y -qq --no-install-recommends >/tmp/sillok-apt.log 2>&1 \
    || { tail -20 /tmp/sillok-apt.log >&2; echo "package_test: apt-get -f install failed" >&2; exit 2; }
  in_root dpkg-query -W -f='${Package} ${Version} ${Status}\n' sillok
  echo "-- extra packages pulled by Depends: $(grep -c '^Setting up' /tmp/sillok-apt.log || true)"
else
  echo "-- no debootstrap: building an unpacked root from apt-get download (runtime libs only)" >&2
  rm -rf "$ROOT"; mkdir -p "$ROOT/tmp" "$ROOT/debs"
  chmod 1777 "$ROOT/tmp"
  (cd "$ROOT/debs" && apt-get download libc6 libc-bin libgcc-s1 libstdc++6 zlib1g coreutils bash \
     libselinux1 libpcre2-8-0 libacl1 libattr1 libgmp10 libtinfo6 libcrypt1 >/dev/null)
  for d in "$ROOT"/debs/*.deb "$DEB"; do dpkg -x "$d" "$ROOT"; done
  rm -rf "$ROOT/debs"
  [ -e "$ROOT/bin" ] || ln -s usr/bin "$ROOT/bin"
  [ -e "$ROOT/lib" ] || ln -s usr/lib "$ROOT/lib"
  [ -e "$ROOT/lib64" ] || ln -s usr/lib64 "$ROOT/lib64"
  mount_into
  SILLOK_TEST_WINDOW=0  # no Qt system libraries in this root
fi

echo "-- unresolved shared libraries in /opt/sillok (ldd; informational)"
in_root sh -c 'find /opt/sillok -name "*.so*" -type f -exec ldd {} + 2>/dev/null | grep "not found" | sort | uniq -c | sort -rn | head -10' || true

echo "-- chroot $ROOT /usr/bin/sillok --self-test"
set +e
in_root /usr/bin/sillok --self-test
RC=$?
set -e
echo "-- self-test exit status: $RC"

# 4. The bundle on an older CPU: the installed app's self-test under `qemu-x86_64 -cpu Haswell`
#    (AVX2, no AVX-512), which raises SIGILL on any AVX-512 instruction. PyInstaller's onedir
#    bootloader re-executes itself once to set its environment, and qemu-user cannot follow an exec,
#    so the environment of that second process is given up front (_PYI_* below). The negative control
#    (the same run with the build machine's own llama.cpp first on the library path, when it has
#    AVX-512) must die: it proves the emulation bites. Exit status 4 when the bundle fails there.
#    SILLOK_TEST_OLD_CPU=0 skips it (a few minutes: everything is emulated).
if [ "${SILLOK_TEST_OLD_CPU:-1}" != 0 ] && command -v qemu-x86_64 >/dev/null 2>&1 && [ "$(uname -m)" = x86_64 ]; then
  APP="$ROOT/opt/sillok"
  QHOME=$(mktemp -d)
  old_cpu() {  # old_cpu LIBDIR_FIRST -- run the installed self-test on an emulated Haswell
    env HOME="$QHOME" _PYI_ARCHIVE_FILE="$APP/sillok" _PYI_PARENT_PROCESS_LEVEL=-1 _PYI_LINUX_PROCESS_NAME=sillok \
      LD_LIBRARY_PATH="${1:+$1:}$APP/_internal" ${1:+"LLAMA_CPP_LIB_PATH=$1"} \
      timeout 1800 qemu-x86_64 -cpu Haswell "$APP/sillok" --self-test 2>&1 | grep -v "TCG doesn't support" | tail -3
    return "${PIPESTATUS[0]}"
  }
  echo "-- self-test on an emulated CPU without AVX-512 (qemu-x86_64 -cpu Haswell)"
  set +e
  old_cpu ""
  QRC=$?
  set -e
  echo "-- emulated Haswell self-test exit status: $QRC"
  NATIVE=$(ls -d .venv/lib/python3*/site-packages/llama_cpp/lib 2>/dev/null | head -1 || true)
  if [ -n "$NATIVE" ] && [ "$(objdump -d --no-show-raw-insn "$NATIVE/libggml-cpu.so" 2>/dev/null | grep -c '%zmm' || true)" != 0 ]; then
    set +e
    old_cpu "$(readlink -f "$NATIVE")" >/dev/null
    NRC=$?
    set -e
    echo "-- control, the same with this machine's AVX-512 llama.cpp: exit status $NRC (must not be 0)"
    [ "$NRC" != 0 ] || { echo "package_test: the emulated CPU did not catch AVX-512; the check proves nothing" >&2; QRC=4; }
  fi
  rm -rf "$QHOME"
  [ "$QRC" = 0 ] || [ "$RC" != 0 ] || RC=4
fi

if [ "${SILLOK_TEST_WINDOW:-1}" != 0 ]; then
  echo "-- window on the offscreen platform (SILLOK_EXIT_AFTER_SHOW=1)"
  set +e
  in_root /usr/bin/env QT_QPA_PLATFORM=offscreen SILLOK_EXIT_AFTER_SHOW=1 XDG_RUNTIME_DIR=/tmp \
    timeout 120 /usr/bin/sillok --data-dir /tmp/sillok-window-home
  WRC=$?
  set -e
  echo "-- window exit status: $WRC"
  [ "$WRC" = 0 ] || [ "$RC" != 0 ] || RC=3
fi
exit "$RC"
