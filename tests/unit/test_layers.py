"""The house by phase (docs/architecture.md): no phase imports one above it, and a phase is reached
through its package's public names, not through its modules."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import types
from pathlib import Path

import pytest

import penalty_engine

PKG = Path(penalty_engine.__file__).resolve().parent

#: Phases from the bottom up. A module may import from its own phase and from phases below it.
LAYERS: list[set[str]] = [
    {"__about__", "errors", "money", "yamlio", "text", "values"},
    {"models"},
    {"cel"},
    {"pack"},
    {"core"},
    {"render"},
    {"check"},
    {"publish"},
    {"newcase"},
    {"replay"},
    {"impact"},
    {"distributed"},
    {"ledger"},
    {"service"},
    {"cli"},
    {"__init__"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}
SUBPACKAGES = sorted(p.name for p in PKG.iterdir() if (p / "__init__.py").is_file())

#: Modules another phase may reach into directly, with the reason.
REACH_IN = {
    "check.invariants": "imported lazily by check.run: Hypothesis loads only when a search runs",
}


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py"))


def _phase(parts: tuple[str, ...]) -> str:
    return parts[0] if parts else "__init__"


def _imports(path: Path) -> list[tuple[int, tuple[str, ...]]]:
    return _imports_of(path.read_text(encoding="utf-8"), path.relative_to(PKG).with_suffix("").parts)


def _imports_of(source: str, rel: tuple[str, ...]) -> list[tuple[int, tuple[str, ...]]]:
    """(line, target module parts relative to the package) of every package-internal import of the
    module at ``rel`` (e.g. ``("core", "engine")``) whose text is ``source``."""
    here = rel[:-1]  # the package the module is in
    out: list[tuple[int, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                target = (*base, *(node.module.split(".") if node.module else ()))
            elif node.module and node.module.split(".")[0] == "penalty_engine":
                target = tuple(node.module.split(".")[1:])
            else:
                continue
            if not node.module:  # ``from . import x``: x is a module of ``target``
                out.extend((node.lineno, (*target, a.name)) for a in node.names)
            else:
                out.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "penalty_engine":
                    out.append((node.lineno, tuple(a.name.split(".")[1:])))
    return out


def test_every_phase_has_a_layer() -> None:
    top = {p.stem for p in PKG.glob("*.py")} | set(SUBPACKAGES)
    assert top - set(RANK) == set(), "add the new phase to LAYERS (and to docs/architecture.md)"


def test_no_phase_imports_a_phase_above_it() -> None:
    wrong = []
    for path in _modules():
        rel = path.relative_to(PKG).with_suffix("").parts
        mine = _phase(rel if rel != ("__init__",) else ())
        for line, target in _imports(path):
            theirs = _phase(target)
            if RANK[theirs] > RANK[mine]:
                wrong.append(f"{path.relative_to(PKG)}:{line} ({mine}) imports {'.'.join(target)} ({theirs})")
    assert wrong == []


def test_other_phases_are_reached_through_their_package() -> None:
    wrong = []
    for path in _modules():
        rel = path.relative_to(PKG).with_suffix("").parts
        mine = _phase(rel if rel != ("__init__",) else ())
        for line, target in _imports(path):
            crosses = target and target[0] != mine and target[0] in SUBPACKAGES and len(target) > 1
            if crosses and ".".join(target) not in REACH_IN:
                wrong.append(f"{path.relative_to(PKG)}:{line} reaches into {'.'.join(target)}")
    assert wrong == []


def test_the_layering_test_sees_upward_and_reaching_imports() -> None:
    # the checker itself can fail: a core module importing the CLI, or reaching into a module
    found = _imports_of("from ..cli import app\nfrom ..pack.loader import x\nfrom .general import y\n", ("core", "m"))
    assert found == [(1, ("cli",)), (2, ("pack", "loader")), (3, ("core", "general"))]
    assert RANK["cli"] > RANK["core"]


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_package_names_its_public_surface_once(name: str) -> None:
    mod = importlib.import_module(f"penalty_engine.{name}")
    assert hasattr(mod, "__all__"), f"penalty_engine.{name} has no __all__"
    submodules = {m.name for m in pkgutil.iter_modules(mod.__path__)}
    public = {
        n
        for n in dir(mod)
        if not n.startswith("_") and n not in submodules and not isinstance(getattr(mod, n), types.ModuleType)
    }
    assert set(mod.__all__) == public - {"annotations"}
