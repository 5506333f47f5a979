"""What starting ``penalty`` costs: the CEL library's shell is not imported, libyaml parses packs,
and a layer's base is parsed once per process (issue #15's cold start; CI time)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

from penalty_engine import yamlio
from penalty_engine.pack import loader


def _python(*lines: str) -> str:
    """What a fresh interpreter prints running ``lines`` (a cold start, as the command line's)."""
    code = "\n".join(lines) + "\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_the_cel_shell_is_not_imported_and_stays_importable() -> None:
    out = _python(
        "import sys, penalty_engine.cli",
        "print('prompt_toolkit' in sys.modules, 'cel.cli' in sys.modules)",
        "import cel.cli",
        "print(cel.cli.__name__, hasattr(cel.cli, 'main') or hasattr(cel.cli, 'app'))",
    )
    assert out.split() == ["False", "False", "cel.cli", "True"]


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


def test_evaluate_starts_without_replay_impact_ledger_checker_or_publisher() -> None:
    """``penalty evaluate`` imports what it uses: the other commands' modules load when they run."""
    heavy = ("replay", "impact", "ledger", "check", "publish")
    names = [f"penalty_engine.{m}" for m in heavy] + ["sqlite3"]
    out = _python("import sys, penalty_engine.cli.root", f"print(sorted(m for m in {names!r} if m in sys.modules))")
    assert out == "[]"


def _golden_by_pack() -> dict[str, list[Any]]:
    from pathlib import Path

    import penalty_engine as pe
    from penalty_engine.core import read_case_file

    found: dict[str, list[Any]] = {}
    for path in sorted((Path(__file__).resolve().parents[2] / "cases").rglob("*.yaml")):
        try:
            located = read_case_file(str(path))
        except pe.PenaltyEngineError:
            continue
        v = located.data.get("violation") if isinstance(located.data, dict) else None
        if isinstance(v, str) and "/" in v:
            found.setdefault(v.partition("/")[0], []).append(located)
    return found


def _outcome(engine: Any, located: Any) -> str:
    """The decision's JSON and Chinese text, or the error (a golden case may expect one)."""
    import penalty_engine as pe
    from penalty_engine.render import render_any

    try:
        result = engine.evaluate_any(located.data, source=located)
    except pe.PenaltyEngineError as exc:
        return f"{exc.code} {exc}"
    return str(result.model_dump_json()) + render_any(result, "text", "zh")


def test_load_for_loads_only_the_packs_the_cases_name_and_decides_the_same() -> None:
    """Every golden case decided by the engine of its own pack is the decision of every pack's engine,
    byte for byte (a pack's rules never read another's); the packs loaded are those named."""
    import penalty_engine as pe

    full = pe.Engine.load()
    checked = only = 0
    for pack, cases in _golden_by_pack().items():
        engine = pe.Engine.load_for([c.data for c in cases])
        alone = pe.Engine.load(pack)
        named = {c.data["violation"] for c in cases}
        # the pack alone, unless a golden case names a rule it does not have (an error case: every pack)
        ids = {r.id for r in alone.rules()}
        assert engine.packs() == ([pack] if named <= ids else full.packs())
        only += engine.packs() == [pack]
        for located in cases:
            assert _outcome(engine, located) == _outcome(full, located)
            checked += 1
    assert checked > 200 and only >= 3


@pytest.mark.parametrize(
    "violation",
    ["unlicensed-freight", "cn-transport/no-such-rule", "no-such-pack/unlicensed-freight", None],
)
def test_load_for_loads_every_pack_when_a_case_does_not_name_one_of_its_rules(violation: str | None) -> None:
    """A bare id, a rule its pack does not have, an unknown pack, no violation: every bundled pack, so
    that an error and its suggestions are what ``load()`` gives."""
    import penalty_engine as pe

    data = {"case_id": "x", "violation": violation} if violation else {"case_id": "x"}
    assert (
        pe.Engine.load_for([data, {"violation": "cn-transport/unlicensed-freight"}]).packs() == pe.Engine.load().packs()
    )


def test_load_for_a_case_with_several_violations() -> None:
    import penalty_engine as pe

    data = {
        "violations": [
            {"violation": "cn-transport/unlicensed-freight"},
            {"violation": "cn-zj-transport/unlicensed-freight"},
        ]
    }
    assert pe.Engine.load_for([data]).packs() == ["cn-transport", "cn-zj-transport"]
