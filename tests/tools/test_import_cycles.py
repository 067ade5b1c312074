"""tools/import_cycles.py, run by `make lint`, on tiny packages written to tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.import_cycles import main, strongly_connected


def write_package(root: Path, name: str, modules: dict[str, str]) -> None:
    """The package ``name`` under ``root``, with one file per module (dotted names nest)."""
    for module, source in {"__init__": "", **modules}.items():
        path = root / name / (module.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in path.relative_to(root / name).parents:
            (root / name / folder / "__init__.py").touch()
        path.write_text(source, encoding="utf-8")


@pytest.fixture
def packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path for the test's packages (grimp finds them, nothing imports them)."""
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_a_cycle_through_a_type_checking_import_is_printed_as_a_chain_and_fails(
    packages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_package(
        packages,
        "cyclic_sample",
        {
            "shell.window": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n"
                "    from cyclic_sample.outbox.controller import SendController\n"
            ),
            "outbox.controller": "from cyclic_sample.shell.window import MainWindow\n",
            "domain": "import json\n",
            "outbox.panel": "from cyclic_sample import domain\n",
        },
    )

    assert main(["cyclic_sample"]) == 1

    out = capsys.readouterr().out
    assert (
        "cyclic_sample.outbox.controller -> cyclic_sample.shell.window"
        " -> cyclic_sample.outbox.controller"
    ) in out
    assert "cyclic_sample.shell.window:3:" in out  # the line under `if TYPE_CHECKING:`
    assert "domain ->" not in out and "panel" not in out


def test_a_package_without_cycles_passes(
    packages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_package(
        packages,
        "acyclic_sample",
        {
            "ui.window": (
                "from acyclic_sample.services import run\nfrom acyclic_sample import domain\n"
            ),
            "services": "from acyclic_sample.domain import check\n",
            "domain": "import json\ndef check() -> None: ...\n",
        },
    )

    assert main(["acyclic_sample"]) == 0

    assert capsys.readouterr().out.startswith("No import cycles in acyclic_sample")


def test_every_module_of_a_longer_cycle_is_on_a_printed_chain(
    packages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_package(
        packages,
        "ring_sample",
        {
            "a": "from ring_sample import b\n",
            "b": "from ring_sample import c\n",
            "c": "def later() -> None:\n    from ring_sample import a, d\n",
            "d": "from ring_sample import b\n",
        },
    )

    assert main(["ring_sample"]) == 1

    out = capsys.readouterr().out
    assert "Import cycle among 4 modules" in out
    assert "ring_sample.a -> ring_sample.b -> ring_sample.c -> ring_sample.a" in out
    assert "ring_sample.d -> ring_sample.b -> ring_sample.c -> ring_sample.d" in out


def test_components_are_found_without_recursion_on_a_long_chain() -> None:
    length = 5_000  # far past Python's default recursion limit
    edges = {f"m{i}": {f"m{i + 1}"} for i in range(length)}
    edges[f"m{length}"] = {"m0"}
    edges["self"] = {"self"}
    edges["alone"] = {"m0"}

    components = strongly_connected(edges)

    assert [len(component) for component in components] == [length + 1, 1]
    assert components[1] == ["self"]
