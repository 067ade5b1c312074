"""Every CSV the product writes goes through ``services.csv_output`` (formula-safe cells)."""

from __future__ import annotations

import ast
from pathlib import Path

import regal_desktop

PACKAGE = Path(regal_desktop.__file__).parent


def test_no_module_but_csv_output_makes_a_csv_writer() -> None:
    writers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "csv_output.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("writer", "DictWriter")
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                writers.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert writers == [], f"write CSV through services.csv_output.csv_writer: {writers}"
