"""`python -m app` opens the desktop window (the CLI is `sillok`)."""

import sys

from sillok.app.desktop.main import main

sys.exit(main())
