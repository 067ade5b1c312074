"""Test isolation for every test: an in-memory keychain and a private application home.

No test may read or write the real keychain, the user's data folders or take a key or an
endpoint from the developer's environment.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keychain that lives in a dict, for tests."""

    priority = 1  # type: ignore[assignment]  # keyring declares it as a class property

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    @property
    def name(self) -> str:  # type: ignore[override]
        """Shown by ``KeyStore.backend_name()``."""
        return "in-memory (tests)"

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.secrets[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(f"no password for {username}") from None


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MemoryKeyring]:
    """Install the in-memory keychain, point REGAL_DESKTOP_HOME at tmp, drop REGAL_* keys."""
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    monkeypatch.setenv("REGAL_DESKTOP_HOME", str(tmp_path / "regal-home"))
    monkeypatch.delenv("REGAL_API_KEY", raising=False)
    monkeypatch.delenv("REGAL_ENDPOINT", raising=False)
    monkeypatch.delenv("REGAL_DESKTOP_DATABASE", raising=False)  # the SQLite file, not a team's
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(isolated_environment: MemoryKeyring) -> MemoryKeyring:
    """The in-memory keychain installed for this test."""
    return isolated_environment


def _say_seed(config: pytest.Config, where: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and config.pluginmanager.hasplugin("randomly"):
        seed = config.getoption("randomly_seed")
        reporter.write_line(
            f"Tests {where} in random order: --randomly-seed={seed} repeats it,"
            " -p no:randomly keeps file order."
        )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Name pytest-randomly's seed first, so a run that aborts (a Qt crash) still shows it.

    `pytest -q` (make test) hides the header where pytest-randomly prints it.
    """
    _say_seed(session.config, "run")


def pytest_terminal_summary(config: pytest.Config) -> None:
    """Name the seed again at the end, next to the failures."""
    _say_seed(config, "ran")
