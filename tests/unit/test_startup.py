"""What starting ``penalty`` costs: the CEL library's shell is not imported, libyaml parses packs,
and a layer's base is parsed once per process (issue #15's cold start; CI time)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest

from penalty_engine import yamlio
from penalty_engine.pack import loader


def test_the_cel_shell_is_not_imported_and_stays_importable() -> None:
    code = (
        "import sys, penalty_engine.cli\n"
        "print('prompt_toolkit' in sys.modules, 'cel.cli' in sys.modules)\n"
        "import cel.cli\n"
        "print(cel.cli.__name__, hasattr(cel.cli, 'main') or hasattr(cel.cli, 'app'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "cel.cli", "True"]


def test_the_c_parser_is_used_when_pyyaml_has_it() -> None:
    import yaml

    assert (yamlio.CParser is not None) == bool(yaml.__with_libyaml__)
    located = yamlio.parse_yaml("a:\n  - 1.5\n  - b: x\n")
    assert located.data == {"a": [Decimal("1.5"), {"b": "x"}]}
    assert located.lines[("a", 1, "b")] == 3


def test_a_layers_base_is_parsed_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import penalty_engine as pe

    monkeypatch.setattr(loader, "_PARSED", {})
    calls: list[str] = []
    real = yamlio.parse_yaml

    def counting(text: str, path: str = "<string>") -> yamlio.Located:
        calls.append(path)
        return real(text, path)

    monkeypatch.setattr(loader, "parse_yaml", counting)
    pe.Engine.load()
    assert calls and len(calls) == len(set(calls)), "every file of the bundled packs parsed once"
