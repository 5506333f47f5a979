"""The command line: ``penalty``. Thin: each command parses its options, calls the library and renders."""

from __future__ import annotations

from .root import app, main

__all__ = ["app", "main"]
