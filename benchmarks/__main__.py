"""``make bench``: run every benchmark and print one table (Markdown)."""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time

from benchmarks.common import Result

MODULES = (
    "bench_window",
    "bench_validation",
    "bench_outbox",
    "bench_delivery",
    "bench_shared_rate",
    "bench_segment",
    "bench_import",
    "bench_directory",
    "bench_events",
    "bench_reconcile",
    "bench_team_store",
    "bench_baseline",
)


def _table(results: list[Result]) -> str:
    lines = [
        "| benchmark | figure | baseline (same run) | ratio | peak MiB | note |",
        "|---|---:|---|---:|---:|---|",
    ]
    for r in results:
        peak = f"{r.peak_mib:.1f}" if r.peak_mib is not None else ""
        lines.append(
            f"| {r.name} | {r.value:,.2f} {r.unit} | {r.baseline_name}: {r.baseline:,.2f} "
            f"{r.unit} | {r.ratio:.2f}× | {peak} | {r.note} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmark modules (all by default)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("only", nargs="*", help=f"modules to run (default: {', '.join(MODULES)})")
    options = parser.parse_args(argv)
    results: list[Result] = []
    started = time.monotonic()
    for name in options.only or MODULES:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results.extend(module.run())
    print(
        f"Regal Desktop benchmarks, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"Python {platform.python_version()}, {time.monotonic() - started:.0f} s\n"
    )
    print(_table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
