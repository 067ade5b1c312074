"""Allow ``python -m regal_desktop``."""

from regal_desktop.cli import main

raise SystemExit(main())
