"""The built-in loopback receiver that answers as Regal would."""

from regal_desktop.sandbox.server import Faults, Received, Sandbox, serve_forever

__all__ = ["Faults", "Received", "Sandbox", "serve_forever"]
