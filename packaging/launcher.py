"""Entry point of the frozen application: the same ``main`` as the console script."""

from regal_desktop.cli import main

raise SystemExit(main())
