#!/usr/bin/env bash
# Build llama-cpp-python's native libraries for ANY x86-64 PC made since ~2013 (x86-64-v3: AVX2, FMA,
# F16C, BMI2; no AVX-512, no AMX) and leave them in $OUT/lib for `SILLOK_LLAMA_LIB_DIR`.
#
# Why: the venv's llama.cpp is built for the build machine's CPU (scripts/setup.sh picks its ISA flags),
# which here includes AVX-512; bundled into an installer it would die with "illegal instruction" on a
# laptop without AVX-512. A package must carry a build every staff PC can run.
# --no-cache-dir matters: pip's wheel cache would otherwise hand back the per-machine wheel of the
# same version.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
OUT=${1:-build/llama-portable}
VERSION=$("$PY" -c "import importlib.metadata as m; print(m.version('llama-cpp-python'))")
ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
ARGS="$ARGS -DGGML_AVX512=OFF -DGGML_AVX_VNNI=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF"
rm -rf "$OUT/wheel" "$OUT/lib" "$OUT/unpacked"
mkdir -p "$OUT/wheel"
echo "building llama-cpp-python $VERSION with CMAKE_ARGS=$ARGS"
CMAKE_ARGS="$ARGS" "$PY" -m pip wheel -q --no-deps --no-cache-dir --no-binary llama-cpp-python \
  "llama-cpp-python==$VERSION" -w "$OUT/wheel"
"$PY" - "$OUT" <<'PY'
import sys, zipfile, pathlib
out = pathlib.Path(sys.argv[1])
wheel = next((out / "wheel").glob("llama_cpp_python-*.whl"))
with zipfile.ZipFile(wheel) as z:
    z.extractall(out / "unpacked")
(out / "unpacked" / "llama_cpp" / "lib").rename(out / "lib")
PY
# Prove it: no AVX-512 (zmm registers / k-mask ops) and no AMX (tile) instruction in any library.
if command -v objdump >/dev/null; then
  bad=$(for f in "$OUT"/lib/*.so*; do objdump -d --no-show-raw-insn "$f" | grep -cE '%zmm|%k[1-7]|tilezero|tdpb' || true; done | paste -sd+ | bc)
  if [ "$bad" != "0" ]; then echo "portable build still holds $bad AVX-512/AMX instructions" >&2; exit 1; fi
  echo "checked: no AVX-512/AMX instructions in $OUT/lib"
fi
ls -la "$OUT/lib"
