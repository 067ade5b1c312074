"""The window: start-up against a bare PySide6 window, preview latency, memory.

Start-up runs ``regal-desktop --smoke`` and a bare QMainWindow (both shown and painted,
then exit) as fresh processes, best of five each. The preview figure is the time from one
keystroke in the first-name field to the preview showing the new body, for a contact with
500 phones and 100 e-mails, against ``json.dumps(body, indent=2)`` of the same body.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_validation import big_contact
from benchmarks.common import Result, best_of

_ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def _time_process(args: list[str], env: dict[str, str]) -> float:
    def once() -> None:
        subprocess.run(args, env=env, check=True, capture_output=True)

    once()  # warm the file cache so both sides start from the same state
    return best_of(once, repeat=5)


def _startup(home: str) -> list[Result]:
    env = {**_ENV, "REGAL_DESKTOP_HOME": home}
    bare = _time_process([sys.executable, "-m", "benchmarks.window_probe", "bare"], env)
    ours = _time_process([sys.executable, "-m", "regal_desktop", "--smoke"], env)
    return [
        Result(
            "start-up (--smoke)",
            ours * 1e3,
            "ms",
            "bare PySide6 window",
            bare * 1e3,
            note="goal ≤ 1.3×",
        )
    ]


def _memory(home: str) -> list[Result]:
    env = {**_ENV, "REGAL_DESKTOP_HOME": home}

    def rss(mode: str) -> float:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.window_probe", mode],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return int(out.split()[-1]) / 1024

    return [
        Result(
            "memory with 500-phone contact open",
            rss("memory-ours"),
            "MiB",
            "bare PySide6 window",
            rss("memory-bare"),
            note="resident set size",
        )
    ]


def _preview(home: str) -> list[Result]:
    os.environ.update({"REGAL_DESKTOP_HOME": home, "QT_QPA_PLATFORM": "offscreen"})
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from regal_desktop.app import build_main_window

    app = QApplication.instance() or QApplication([])
    window = build_main_window([])
    raw = big_contact(500, 100)
    window.document.from_raw(raw)
    window.show()
    app.processEvents()
    edit = window.findChild(QLineEdit, "firstNameEdit")
    preview = window.review.preview.findChild(object, "jsonPreview") or window.findChild(
        object, "jsonPreview"
    )
    samples = []
    for i in range(30):
        letter = "abcdefghij"[i % 10]
        before = window.checked.text
        start = time.perf_counter()
        QTest.keyClick(edit, letter)
        while window.checked.text == before:
            app.processEvents()
        app.processEvents()
        samples.append(time.perf_counter() - start)
    QTest.keyClick(edit, Qt.Key.Key_A)
    body = window.checked.body
    assert preview is not None and preview.toPlainText() == window.checked.text
    baseline = best_of(lambda: json.dumps(body, indent=2), repeat=10)
    samples.sort()
    window.document.undo_stack.setClean()
    window.close()
    return [
        Result(
            "preview after a keystroke, 500 phones + 100 e-mails",
            samples[len(samples) // 2] * 1e3,
            "ms",
            "json.dumps(indent=2)",
            baseline * 1e3,
            note=f"median of 30; {len(window.checked.text) / 1024:.0f} KiB body; goal < 16 ms",
        )
    ]


def run() -> list[Result]:
    """Start-up, preview latency and memory."""
    with tempfile.TemporaryDirectory() as home:
        Path(home).mkdir(exist_ok=True)
        return _startup(home) + _preview(home) + _memory(home)
