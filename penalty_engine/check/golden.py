"""Golden cases: case files with an ``expect:`` block, run like tests.

``expect`` holds any subset of the decision's fields: ``outcome``, ``tier``,
``recommended_fine``, ``statutory_range``, ``band``, ``penalties`` (``[{kind, amount?}]``),
``duties``, ``options`` and ``factors`` (lists of kinds or ids). Amounts compare as numbers, so
``"36000"`` and ``36000.00`` agree. Used by ``penalty rules test`` and by the test suite.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..core import Engine, read_case_file
from ..errors import PenaltyEngineError
from ..models import Decisions
from ..pack import resolve_pack

EXPECT_KEYS = {
    "outcome",
    "tier",
    "recommended_fine",
    "statutory_range",
    "band",
    "penalties",
    "duties",
    "options",
    "factors",
    "error",
}


@dataclass
class GoldenResult:
    path: str
    case_id: str
    differences: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.differences


def cases_dir(pack: str | Path) -> Path:
    """Where a pack's golden cases live: ``<pack>/cases``, else the shipped ``cases/<pack-id>``."""
    root = resolve_pack(pack)
    own = root / "cases"
    if own.is_dir():
        return own
    package = Path(__file__).resolve().parents[1]
    for base in (package / "cases", package.parent / "cases"):  # installed wheel, then source tree
        if (base / root.name).is_dir():
            return base / root.name
    shipped = package.parent / "cases" / root.name
    return shipped


def golden_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in {".yaml", ".yml", ".json"} and p.is_file())


def _amount(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _same(expected: Any, actual: Any) -> bool:
    e, a = _amount(expected), _amount(actual)
    if e is not None and a is not None:
        return e == a
    return bool(str(expected) == str(actual)) if expected is not None and actual is not None else expected == actual


def compare(expect: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Differences between an ``expect`` block and a decision's JSON, one line each."""
    diffs: list[str] = []
    for key in sorted(set(expect) - EXPECT_KEYS):
        diffs.append(f"expect.{key}: not a decision field ({', '.join(sorted(EXPECT_KEYS))})")
    if "error" in expect:
        diffs.append(f"error: expected {expect['error']!r}, got a decision")
    for key in ("outcome", "tier", "recommended_fine"):
        if key in expect and not _same(expect[key], got.get(key)):
            diffs.append(f"{key}: expected {expect[key]!r}, got {got.get(key)!r}")
    for key in ("statutory_range", "band"):
        if key not in expect:
            continue
        want, have = expect[key], got.get(key)
        if want is None or have is None:
            if want != have:
                diffs.append(f"{key}: expected {want!r}, got {have!r}")
            continue
        for end in ("min", "max"):
            if not _same(want.get(end), have.get(end)):
                diffs.append(f"{key}.{end}: expected {want.get(end)!r}, got {have.get(end)!r}")
    if "penalties" in expect:
        want_p = sorted((p["kind"], _amount(p.get("amount"))) for p in expect["penalties"])
        with_amount = {w["kind"] for w in expect["penalties"] if "amount" in w}
        have_p = sorted(
            (p["kind"], _amount(p.get("amount")) if p["kind"] in with_amount else None) for p in got["penalties"]
        )
        if want_p != have_p:
            diffs.append(f"penalties: expected {_fmt(want_p)}, got {_fmt(have_p)}")
        for key in ("days", "daily"):  # a per-day fine's days and daily amount (ADR 0023), when expected
            want_d = sorted(str(p[key]) for p in expect["penalties"] if key in p)
            have_d = sorted(str(p[key]) for p in got["penalties"] if key in p and want_d)
            if want_d != have_d:
                diffs.append(f"penalties.{key}: expected {want_d}, got {have_d}")
    for key, attr in (("duties", "kind"), ("options", "kind"), ("factors", "id")):
        if key in expect:
            want_k = sorted(str(x) for x in expect[key])
            have_k = sorted(str(x[attr]) for x in got[key])
            if want_k != have_k:
                diffs.append(f"{key}: expected {want_k}, got {have_k}")
    return diffs


def _fmt(items: list[tuple[str, Decimal | None]]) -> str:
    return "[" + ", ".join(k if a is None else f"{k} {a}" for k, a in items) + "]"


def run_file(engine: Engine, path: Path, as_of: dt.date | None = None) -> GoldenResult:
    """Evaluate one golden case file and compare it with its ``expect`` block."""
    try:
        located = read_case_file(str(path))
    except PenaltyEngineError as exc:
        return GoldenResult(str(path), "?", [str(exc)])
    data = located.data if isinstance(located.data, dict) else {}
    case_id = str(data.get("case_id", "?"))
    expect = data.get("expect")
    if not isinstance(expect, dict) or not expect:
        return GoldenResult(str(path), case_id, ["no 'expect:' block: a golden case must say what it expects"])
    try:
        result = engine.evaluate_any(data, as_of=as_of, source=located)
    except PenaltyEngineError as exc:
        if expect.get("error") and str(exc).startswith(str(expect["error"])):
            return GoldenResult(str(path), case_id)
        return GoldenResult(str(path), case_id, [f"error: {exc}"])
    if isinstance(result, Decisions):
        return GoldenResult(str(path), case_id, compare_many(expect, result.model_dump(mode="json")))
    return GoldenResult(str(path), case_id, compare(expect, result.model_dump(mode="json")))


def compare_many(expect: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """``expect`` of a several-violation case: ``decisions`` (one expect each) and ``combined``."""
    diffs = [
        f"expect.{k}: a several-violation case expects 'decisions' and 'combined'"
        for k in sorted(set(expect) - {"decisions", "combined"})
    ]
    for i, (want, have) in enumerate(zip(expect.get("decisions", []), got["decisions"], strict=False), start=1):
        diffs += [f"decisions[{i}].{d}" for d in compare(want, have)]
    if len(expect.get("decisions", got["decisions"])) != len(got["decisions"]):
        diffs.append(f"decisions: expected {len(expect['decisions'])}, got {len(got['decisions'])}")
    combined = expect.get("combined", {})
    if "applied" in combined and combined["applied"] != got["combined"]["applied"]:
        diffs.append(f"combined.applied: expected {combined['applied']!r}, got {got['combined']['applied']!r}")
    if "fines" in combined:
        want_f = sorted((f["violation"], _amount(f["amount"])) for f in combined["fines"])
        have_f = sorted((f["violation"], _amount(f["amount"])) for f in got["combined"]["fines"])
        if want_f != have_f:
            diffs.append(f"combined.fines: expected {want_f}, got {have_f}")
    return diffs


def run_pack(engine: Engine, pack: str | Path) -> list[GoldenResult]:
    """Run every golden case of a pack."""
    return [run_file(engine, p) for p in golden_files(cases_dir(pack))]
