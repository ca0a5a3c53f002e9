"""The packaged app's one entry point (PyInstaller `sillok` / `Sillok` executables).

    sillok --self-test          installation check (sillok.app.selftest), JSON on stdout, exit 0/1
    sillok <command> ...        the command line (sillok.app.cli): ingest, search, ask, doctor, ...
    sillok -h | --help          command-line help
    sillok [--data-dir D] ...   anything else opens the desktop window (sillok.app.desktop.main)

Why one entry and not one executable per tool: one bundle, one set of native libraries and models
on disk; the dispatch costs nothing (no heavy import happens before the branch is chosen).
"""

from __future__ import annotations

import multiprocessing
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--self-test"]:
        from sillok.app.selftest import main as selftest

        return selftest(args[1:])
    if args and (not args[0].startswith("-") or args[0] in ("-h", "--help")):
        from sillok.app.cli import main as cli

        return cli(args)
    try:
        from sillok.app.desktop.main import main as desktop
    except ImportError as exc:
        print(f"sillok: the desktop window is not part of this build ({exc}); "
              "use the command line (`sillok --help`)", file=sys.stderr)
        return 2
    return desktop(args)


if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not re-run the app
    sys.exit(main())
