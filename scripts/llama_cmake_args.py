#!/usr/bin/env python3
"""Print CMAKE_ARGS for building llama-cpp-python here, e.g.

    CMAKE_ARGS="$(python scripts/llama_cmake_args.py)" pip install llama-cpp-python==0.3.36 --no-binary :all:

Why: a default (native) build crashes on VMs whose CPU reports AMX the kernel does not allow;
see models/build_flags.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

# Loaded by file path: this runs before `sillok` is installed (scripts/setup.sh builds llama-cpp-python
# first), and build_flags.py imports only the standard library.
_FLAGS = Path(__file__).resolve().parent.parent / "models" / "build_flags.py"
_spec = importlib.util.spec_from_file_location("sillok_build_flags", _FLAGS)
assert _spec and _spec.loader
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
this_machine_args = _module.this_machine_args


def main() -> None:
    print(" ".join(this_machine_args()))


if __name__ == "__main__":
    main()
