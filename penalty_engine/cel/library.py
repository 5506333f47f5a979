"""The CEL library (``common-expression-language``), imported without its command-line tool.

The package's ``__init__`` imports ``cel.cli`` (an interactive shell built on prompt_toolkit and
rich) before its Rust extension: about a tenth of a second at every start of ``penalty``, for a
tool the engine never uses. The submodule is stood in for while the package is imported and
removed afterwards, so a later ``import cel.cli`` in the same process imports the real one.
"""

from __future__ import annotations

import sys
import types


def _import_without_cli() -> types.ModuleType:
    loaded = sys.modules.get("cel")
    if loaded is not None:
        return loaded
    stand_in = types.ModuleType("cel.cli")
    sys.modules.setdefault("cel.cli", stand_in)
    try:
        import cel as library
    finally:
        if sys.modules.get("cel.cli") is stand_in:
            del sys.modules["cel.cli"]
    if "cel" in sys.modules and getattr(library, "cli", None) is stand_in:
        delattr(library, "cli")
    return library


cel = _import_without_cli()

__all__ = ["cel"]
