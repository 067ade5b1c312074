"""One way to run long work off the GUI thread: delivery, import planning.

A :class:`Worker` runs one job on its own thread. The job reports progress through the
function it is given and looks at the other to know whether it should stop; its result,
or a sentence saying why it failed, comes back through queued signals. An error the job
expects (bad file, locked store) is shown as its own message; anything else is logged
with its traceback and described in one sentence, and the window goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from regal_desktop.delivery.keys import scrub

log = logging.getLogger(__name__)

#: A job: ``job(report, should_stop)`` returns its result (None when it stopped early).
Job = Callable[[Callable[[Any], None], Callable[[], bool]], Any]


class Worker(QThread):
    """Runs ``job`` once on a thread of its own."""

    progressed = Signal(object)
    done = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        job: Job,
        failure: Callable[[Exception], str],
        expected: tuple[type[Exception], ...] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._job, self._failure, self._expected = job, failure, expected
        self._stop = threading.Event()

    def run(self) -> None:
        try:
            result = self._job(self.progressed.emit, self._stop.is_set)
        except self._expected as exc:
            self.failed.emit(scrub(str(exc)))
        except Exception as exc:  # told in words; the traceback goes to the log
            log.exception("background work failed")  # the log file's formatter scrubs it
            self.failed.emit(scrub(self._failure(exc)))
        else:
            self.done.emit(result)

    def request_stop(self) -> None:
        """Ask the job to stop at its next look (safe from any thread)."""
        self._stop.set()
