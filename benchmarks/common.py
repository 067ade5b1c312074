"""Timing helpers and the result row every benchmark returns."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Result:
    """One line of the table: a figure, its baseline, and what the ratio means."""

    name: str
    value: float
    unit: str
    baseline_name: str
    baseline: float
    note: str = ""
    peak_mib: float | None = None

    @property
    def ratio(self) -> float:
        """value / baseline (how many baselines the figure is)."""
        return self.value / self.baseline if self.baseline else float("nan")


def best_of(func: Callable[[], Any], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds (least disturbed by the machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory(func: Callable[[], Any]) -> float:
    """Peak Python memory allocated while ``func`` runs, in MiB."""
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
