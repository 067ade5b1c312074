"""Entry point of the frozen application: the same ``main`` as the console script."""

import multiprocessing

from regal_desktop.cli import main

# A big import is checked in worker processes (``services.bulk_import``); in a frozen
# build each worker starts this executable, which must run the worker, not the window.
multiprocessing.freeze_support()
raise SystemExit(main())
