"""Smoke-test the built .deb: the packaged program, not the source.

``python packaging/smoke.py dist/regal-desktop_<version>_amd64.deb`` extracts the package
with ``dpkg-deb -x`` into a temporary folder and checks, failing on the first problem:

- the layout: /usr/bin/regal-desktop links to the program, the .desktop file and icons;
- the keyring backends' entry points and modules made it into the bundle;
- ``--version`` prints the version; ``--smoke`` starts the application and its window is
  built, shown and painted, offscreen and on a real X server (``xvfb-run -a``);
- the domain loads: the window paints before the domain (pydantic, phonenumbers,
  email-validator) is imported, so ``--smoke`` alone no longer proves it is in the
  bundle. ``validate --print`` of a small valid payload (written here) must exit 0 and
  print the body with the phone number turned into E.164 by phonenumbers and the
  e-mail's domain lower-cased by email-validator, exactly as the source install does;
- ``validate --print`` says exactly what the source install says, and ``send --wait``
  delivers through the built-in sandbox (httpx, SQLite, pydantic, phone metadata);
- every run exits 0 and writes nothing unexpected on stderr (any line at all for
  ``--version`` and ``--smoke``; for the commands, the source install's own lines);
- the .deb is at most 60 MB and the installed tree at most 170 MB.

It prints both sizes and the ``--smoke`` start-up time of the packaged program against
the source install's (best of ``--runs``), measured in this same run. Each run gets its
own ``REGAL_DESKTOP_HOME`` so nothing touches the user's data.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGE = "regal-desktop"
PAYLOAD = REPOSITORY / "tests" / "data" / "payloads" / "update-primary.json"
MAX_DEB_BYTES = 60_000_000
MAX_INSTALLED_BYTES = 170_000_000
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)

#: A valid payload whose body only the whole domain can write: pydantic checks it,
#: phonenumbers turns the national number into E.164, email-validator lower-cases the
#: domain. The opt-ins are complete, so the only findings are those two rewrites.
_CONSENT = {
    "subscribed": True,
    "text": "I agree to receive messages from Example",
    "ip": "203.0.113.7",
    "timestamp": "2026-11-25T09:12:28-05:00",
}
DOMAIN_PAYLOAD = {
    "userId": "smoke-1",
    "traits": {
        "firstName": "Jane",
        "phones": {"(954) 555-0123": {"isPrimary": True, "smsOptIn": _CONSENT}},
        "emails": {"Jane.Doe@Example.COM": {"isPrimary": True, "emailOptIn": _CONSENT}},
    },
}
DOMAIN_PHONES = ["+19545550123"]
DOMAIN_EMAILS = ["Jane.Doe@example.com"]


class SmokeError(Exception):
    """A check on the package failed; the message says which and what was seen."""


class Run:
    """One program run in a fresh ``REGAL_DESKTOP_HOME``, with its output and duration."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], scratch: Path) -> None:
        home = Path(tempfile.mkdtemp(prefix="home-", dir=scratch))
        started = time.perf_counter()
        result = subprocess.run(
            list(argv),
            env={**env, "REGAL_DESKTOP_HOME": str(home)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.seconds = time.perf_counter() - started
        self.argv = list(argv)
        self.code = result.returncode
        self.out = result.stdout
        self.err = result.stderr

    def expect(self, code: int = 0, err: str | None = "") -> Run:
        """Fail unless the run exited with code and wrote exactly err on stderr (any
        stderr when err is None)."""
        if self.code != code or (err is not None and self.err != err):
            raise SmokeError(
                f"{' '.join(self.argv)} exited {self.code} (expected {code});"
                f" unexpected stderr:\n{self.err or '(none)'}\nexpected stderr:\n{err or '(none)'}"
            )
        return self


def _environment(platform: str | None) -> dict[str, str]:
    """The caller's environment with QT_QPA_PLATFORM set (or removed for a real X server)."""
    env = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    return env


def check_layout(root: Path) -> Path:
    """Check the files a desktop needs are where they belong; returns the program."""
    program = root / "opt" / PACKAGE / PACKAGE
    link = root / "usr" / "bin" / PACKAGE
    if not link.is_symlink() or os.readlink(link) != f"/opt/{PACKAGE}/{PACKAGE}":
        raise SmokeError(f"{link} should be a link to /opt/{PACKAGE}/{PACKAGE}")
    if not os.access(program, os.X_OK):
        raise SmokeError(f"{program} is missing or not executable")
    share = root / "usr" / "share"
    wanted = [
        share / "applications" / f"{PACKAGE}.desktop",
        share / "icons" / "hicolor" / "scalable" / "apps" / f"{PACKAGE}.svg",
        *(share / "icons" / "hicolor" / f"{n}x{n}" / "apps" / f"{PACKAGE}.png" for n in PNG_SIZES),
        share / "doc" / PACKAGE / "copyright",
        share / "man" / "man1" / f"{PACKAGE}.1.gz",
    ]
    missing = [str(path.relative_to(root)) for path in wanted if not path.is_file()]
    if missing:
        raise SmokeError(f"the package lacks {', '.join(missing)}")
    return program


def check_keyring(program: Path, archive_viewer: Path) -> None:
    """Fail unless every keyring backend named by an entry point is in the bundle.

    keyring finds its backends through entry points, which PyInstaller cannot see: a
    bundle without them silently has no keychain at all.
    """
    internal = program.parent / "_internal"
    entry_files = list(internal.glob("keyring-*.dist-info/entry_points.txt"))
    if not entry_files:
        raise SmokeError(f"no keyring-*.dist-info/entry_points.txt in {internal}")
    section = entry_files[0].read_text(encoding="utf-8").split("[keyring.backends]")[-1]
    backends = re.findall(r"^\w+\s*=\s*([\w.]+)", section.split("\n[")[0], flags=re.MULTILINE)
    listing = subprocess.run(
        [str(archive_viewer), "-r", "-b", str(program)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    modules = {line.strip() for line in listing.splitlines()}
    wanted = {*backends, "secretstorage", "jeepney"}  # what the Secret Service backend uses
    missing = sorted(wanted - modules)
    if not backends or missing:
        raise SmokeError(f"keyring backends missing from the bundle: {missing or 'all'}")


def tree_bytes(root: Path) -> int:
    """Bytes of the regular files under root (links counted as nothing)."""
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def check_domain(program: Path, source: Path, scratch: Path) -> None:
    """Fail unless ``program validate --print`` of ``DOMAIN_PAYLOAD`` exits 0, prints
    the body the domain alone can write and says what the source install says."""
    payload = scratch / "domain-check.json"
    payload.write_text(json.dumps(DOMAIN_PAYLOAD, indent=2), encoding="utf-8")
    command = ["validate", "--print", str(payload)]
    env = _environment("offscreen")
    reference = Run([str(source), *command], env, scratch).expect(0, None)
    packaged = Run([str(program), *command], env, scratch).expect(0, reference.err)
    try:
        traits = json.loads(packaged.out)["traits"]
        phones, emails = list(traits["phones"]), list(traits["emails"])
    except (ValueError, KeyError, TypeError) as exc:
        problem = f"validate --print wrote no payload body ({exc}):\n{packaged.out}"
        raise SmokeError(problem) from exc
    if phones != DOMAIN_PHONES or emails != DOMAIN_EMAILS:
        raise SmokeError(
            f"validate --print sent phones {phones} and e-mails {emails}; expected "
            f"{DOMAIN_PHONES} (phonenumbers) and {DOMAIN_EMAILS} (email-validator)"
        )
    if packaged.out != reference.out:
        raise SmokeError("validate --print of the domain check: the output differs from source")


def best_smoke(program: str, runs: int, scratch: Path) -> float:
    """The fastest of ``runs`` offscreen ``--smoke`` starts, in seconds."""
    env = _environment("offscreen")
    return min(Run([program, "--smoke"], env, scratch).expect().seconds for _ in range(runs))


def smoke(deb: Path, source: Path, archive_viewer: Path, runs: int) -> None:
    """Every check in the module docstring, in order; raises SmokeError."""
    version = re.fullmatch(rf"{PACKAGE}_(.+)_amd64\.deb", deb.name)
    if not version:
        raise SmokeError(f"{deb.name} is not named {PACKAGE}_<version>_amd64.deb")
    with tempfile.TemporaryDirectory(prefix="regal-smoke-") as folder:
        scratch = Path(folder)
        root = scratch / "root"
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        program = check_layout(root)
        check_keyring(program, archive_viewer)
        offscreen, x11 = _environment("offscreen"), _environment(None)
        wanted = f"{PACKAGE} {version.group(1)}\n"
        shown = Run([str(program), "--version"], offscreen, scratch).expect().out
        if shown != wanted:
            raise SmokeError(f"--version printed {shown!r}, expected {wanted!r}")
        Run([str(program), "--smoke"], offscreen, scratch).expect()
        Run(["xvfb-run", "-a", str(program), "--smoke"], x11, scratch).expect()
        check_domain(program, source, scratch)
        for command in (["validate", "--print", str(PAYLOAD)], ["send", "--wait", str(PAYLOAD)]):
            reference = Run([str(source), *command], offscreen, scratch)
            packaged = Run([str(program), *command], offscreen, scratch)
            packaged.expect(reference.code, reference.err)
            if packaged.out != reference.out:
                raise SmokeError(f"{' '.join(command)}: the packaged output differs from source")
        deb_bytes, installed = deb.stat().st_size, tree_bytes(root)
        packaged_s = best_smoke(str(program), runs, scratch)
        source_s = best_smoke(str(source), runs, scratch)
    print(f"package:    {deb} ({deb_bytes / 1e6:.1f} MB, limit {MAX_DEB_BYTES / 1e6:.0f} MB)")
    print(f"installed:  {installed / 1e6:.1f} MB (limit {MAX_INSTALLED_BYTES / 1e6:.0f} MB)")
    print(f"--smoke:    packaged {packaged_s:.2f} s, source {source_s:.2f} s (best of {runs})")
    if deb_bytes > MAX_DEB_BYTES or installed > MAX_INSTALLED_BYTES:
        raise SmokeError("the package is over its size limit")


def main(argv: Sequence[str]) -> int:
    """Run the smoke test; 0 when the package passes, 1 with the reason when it does not."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("deb", type=Path, help="the .deb to test")
    parser.add_argument("--source", type=Path, default=REPOSITORY / ".venv/bin/regal-desktop")
    parser.add_argument(
        "--archive-viewer", type=Path, default=REPOSITORY / ".venv/bin/pyi-archive_viewer"
    )
    parser.add_argument("--runs", type=int, default=5, help="start-up timings to take the best of")
    options = parser.parse_args(argv)
    try:
        smoke(options.deb, options.source, options.archive_viewer, options.runs)
    except (SmokeError, subprocess.SubprocessError, OSError) as exc:
        print(f"smoke test of {options.deb} failed: {exc}", file=sys.stderr)
        return 1
    print(f"smoke test of {options.deb} passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
