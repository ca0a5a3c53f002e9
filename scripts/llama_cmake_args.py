#!/usr/bin/env python3
"""Print CMAKE_ARGS for building llama-cpp-python here, e.g.

    CMAKE_ARGS="$(python scripts/llama_cmake_args.py)" pip install llama-cpp-python==0.3.36 --no-binary :all:

Why: a default (native) build crashes on VMs whose CPU reports AMX the kernel does not allow;
see models/build_flags.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sillok.models.build_flags import this_machine_args  # noqa: E402


def main() -> None:
    print(" ".join(this_machine_args()))


if __name__ == "__main__":
    main()
