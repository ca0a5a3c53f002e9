"""`python -m app` opens the desktop window (the CLI is `sillok`)."""

import sys

from app.desktop.main import main

sys.exit(main())
