"""Render resources/icons/regal-desktop.svg to the PNG sizes desktops and installers use.

Run from the repository root: ``QT_QPA_PLATFORM=offscreen .venv/bin/python
packaging/make_icons.py``. It writes ``resources/icons/regal-desktop-<N>.png`` for every N in
SIZES (the .deb installs them as hicolor/NxN/apps/regal-desktop.png; the macOS workflow
feeds them to iconutil) and, with ``--ico PATH``, a Windows .ico holding them all. The PNGs
are committed, so building a package does not need this script.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "regal-desktop.svg"
#: The hicolor sizes freedesktop.org desktops look for, 16 to 512 pixels.
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
#: What a Windows .ico holds (256 is the largest the format describes).
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int, target: Path) -> bytes:
    """Draw the SVG into a transparent size x size square, save it as PNG at target and
    return the file's bytes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    if not image.save(str(target)):  # the .png suffix picks the format
        raise RuntimeError(f"Qt could not write the {size}px icon to {target}")
    return target.read_bytes()


def ico(images: dict[int, bytes]) -> bytes:
    """A Windows .ico with PNG-compressed entries (Windows Vista and later read these)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, payload = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in the ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        payload += png
    return header + entries + payload


def main(argv: list[str]) -> int:
    """Write the PNGs (and the .ico when asked); returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ico", type=Path, help="also write a Windows icon file here")
    options = parser.parse_args(argv)
    app = QGuiApplication.instance() or QGuiApplication(["make_icons"])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"make_icons: {SOURCE} is not an SVG Qt can draw", file=sys.stderr)
        return 1
    images = {size: render(renderer, size, ICONS / f"regal-desktop-{size}.png") for size in SIZES}
    if options.ico:
        options.ico.parent.mkdir(parents=True, exist_ok=True)
        options.ico.write_bytes(ico({size: images[size] for size in ICO_SIZES if size in images}))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
