"""Regal Desktop: edit Regal contacts and their consent, send them, keep the evidence."""

__version__ = "0.1.0"
