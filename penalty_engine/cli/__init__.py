"""The command line: ``penalty``. Thin: each command parses its options, calls the library and renders.

One module per command group, joined in ``root``: ``evaluate``, ``rules``, ``newcase`` (``new-case``)
``replay`` and ``impact``; ``common`` holds the shared options and helpers (ADR 0004). ``lang`` is
the command line's language (PENALTY_LANG, else the locale, else Chinese) and its texts, the
catalog's ``cli`` area; ``help`` puts typer's help and words in that language.
"""

from __future__ import annotations

from .root import app, main

__all__ = ["app", "main"]
