"""Mutators for the fuzz tests and the kept fuzz run (bench/fuzz_run.py): hostile values, cases,
case files and rule files, each drawn from a ``random.Random`` so a seed replays a run (issue #16).

Plain functions, no Hypothesis: the tests draw the ``Random`` from Hypothesis, the run seeds it.
The outcome every caller checks: a decision or a ``PenaltyEngineError`` (library), exit 0 or 1 with
no traceback (command line), within the time bound.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from penalty_engine.yamlio import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "cases" / "cn-transport"
RULES = ROOT / "rules" / "cn-transport"


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def _cycle() -> Any:
    d: dict[str, Any] = {}
    d["self"] = d
    return d


#: Values a careless exporter or an attacker puts in a field (built fresh each time: some are large).
HOSTILE: tuple[Any, ...] = (
    lambda: "1e30",
    lambda: "1e27",
    lambda: "1e1000000",
    lambda: "-1e1000000",
    lambda: "1e-1000000",
    lambda: "9" * 5000,
    lambda: 10**5000,
    lambda: 2**63,
    lambda: -(2**63) - 1,
    lambda: Decimal("1e1000000"),
    lambda: Decimal("NaN"),
    lambda: Decimal("-Infinity"),
    lambda: Decimal("0.000000000000000000001"),
    lambda: float("nan"),
    lambda: float("inf"),
    lambda: 1e308,
    lambda: 0.1,
    lambda: -1,
    lambda: 0,
    lambda: True,
    lambda: None,
    lambda: "",
    lambda: " ",
    lambda: "\ud800",
    lambda: "a\udfffb",
    lambda: "是",
    lambda: "1,500.50",
    lambda: "0x10",
    lambda: "١٢٣",
    lambda: "\x00",
    lambda: "a" * 100_000,
    lambda: [],
    lambda: {},
    lambda: _deep(60),
    lambda: _deep(5000),
    lambda: _cycle(),
    lambda: "2023-02-29",
    lambda: dt.date(1, 1, 1),
    lambda: dt.date(9999, 12, 31),
    lambda: "9998-06-01",
    lambda: dt.datetime(2026, 4, 10, 12, 0),
    lambda: b"bytes",
    lambda: Fraction(1, 3),
    lambda: complex(1, 2),
    lambda: {1, 2},
    lambda: object(),
)


#: Plausible values at the edges (so that many mutated cases still get a decision).
MILD: tuple[Any, ...] = (
    "0",
    "0.01",
    "999999999999999",
    "1000000000000000",
    "1000000000000000.01",
    "12000",
    "1,500.50",
    1,
    3,
    100,
    "3",
    "true",
    "否",
    True,
    False,
    "minor",
    "serious",
    "individual",
    "organization",
    "2026-02-28",
)


def hostile(rnd: random.Random) -> Any:
    """One hostile value (or, two times in five, a plausible value at an edge)."""
    if rnd.random() < 0.4:
        return rnd.choice(MILD)
    return rnd.choice(HOSTILE)()


def seed_cases() -> list[dict[str, Any]]:
    """The shipped golden cases as plain dicts, ``expect`` removed: valid starting points."""
    out = []
    for path in sorted(CASES.glob("*/*.yaml")):
        data = parse_yaml(path.read_text(encoding="utf-8"), str(path)).data
        if isinstance(data, dict) and "case_id" in data:
            data.pop("expect", None)
            out.append(data)
    return out


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if len(at) >= 6:  # a hostile value put in earlier (deep, cyclic) is not walked into
        return out
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*at, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*at, i)))
    return out


def _set(root: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        root = root[part]
    root[path[-1]] = value


def mutate_case(rnd: random.Random, case: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """A mutated copy of ``case`` and an ``as_of`` (a date, mostly): 0 to 3 of replace a value, drop a
    key, add a key, break the violation id, replace every fact."""
    out = copy.deepcopy(case)
    for _ in range(rnd.choice((0, 1, 1, 1, 2, 3))):
        kind = rnd.randrange(6)
        paths = [p for p in _paths(out) if p]
        if kind <= 1 and paths:
            _set(out, rnd.choice(paths), hostile(rnd))
        elif kind == 2 and paths:
            path = rnd.choice(paths)
            parent: Any = out
            for part in path[:-1]:
                parent = parent[part]
            del parent[path[-1]]
        elif kind == 3:
            out[rnd.choice(["note", "facts", "party", "violations", "same_act", "\ud800"])] = hostile(rnd)
        elif kind == 4:
            was = out.get("violation")
            was = was if isinstance(was, str) else ""
            out["violation"] = rnd.choice(["", "x/y", "cn-transport/", "/", was + "x", was.upper()])
        elif isinstance(out.get("facts"), dict):
            out["facts"] = {k: hostile(rnd) for k in out["facts"]}
    as_of = dt.date(2026, 4, 10) if rnd.random() < 0.8 else hostile(rnd)
    return out, as_of


# ---------------------------------------------------------------- text (case files and rule files)

_DEEP = "[" * 5000 + "]" * 5000
_BOMB = "\n".join(
    ['b0: &b0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    + [f"b{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 10) + "]" for i in range(1, 9)]
)
#: YAML values a broken export or an attacker writes.
YAML_VALUES: tuple[str, ...] = (
    "1e30",
    "1e1000000",
    "9" * 5000,
    "-5",
    "0",
    "0.001",
    "2023-02-29",
    "0000-01-01",
    "2026-13-01",
    "9999-12-31",
    "0001-01-01",
    "2026-04-10T25:00:00",
    '"\\ud800"',
    "&a [*a]",
    "*undefined",
    "!!python/object/apply:os.system [ls]",
    "!custom x",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "[" * 300,
    "{a: " * 60 + "1" + "}" * 60,
    _DEEP,
    ".nan",
    ".inf",
    "0x1F",
    "0o17",
    "1_000",
    "190:20:30",
    "~",
    "[]",
    "{}",
    "|\n  text",
    '"a\\x00b"',
    "是",
    "'" + "a" * 10000 + "'",
    "yes",
)
_MILD_YAML = ("0", "1", "3", "12000", '"5000"', "true", "false", "minor", "2026-03-02", "{kind: individual, age: 15}")
_CHARS = ":-[]{},&*!\"'\t#|>%@`\n \\?\ud7ff0123456789.e"


def mutate_text(rnd: random.Random, text: str, extra: tuple[str, ...] = ()) -> str:
    """A mutated copy of a YAML or JSON text: 0 to 3 of replace a value, insert a line, drop or
    repeat a line, change a few characters, truncate, prepend an alias bomb, append deep nesting."""
    pool = YAML_VALUES + extra + _MILD_YAML
    for _ in range(rnd.choice((0, 1, 1, 1, 2, 3))):
        lines = text.split("\n")
        kind = rnd.randrange(9)
        i = rnd.randrange(len(lines))
        if kind <= 2 and ": " in lines[i]:
            head = lines[i].split(": ", 1)[0]
            lines[i] = f"{head}: {rnd.choice(pool)}"
        elif kind == 3:
            lines.insert(i, rnd.choice(["x", "  x", "- x", "facts", "a"]) + ": " + rnd.choice(pool))
        elif kind == 4 and len(lines) > 1:
            del lines[i]
        elif kind == 5:
            lines.insert(i, lines[i])
        elif kind == 6:
            chars = list(text)
            for _ in range(rnd.randint(1, 5)):
                pos = rnd.randrange(len(chars) + 1)
                op = rnd.randrange(3)
                if op == 0:
                    chars.insert(pos, rnd.choice(_CHARS))
                elif pos < len(chars):
                    chars[pos : pos + 1] = [] if op == 1 else [rnd.choice(_CHARS)]
            lines = "".join(chars).split("\n")
        elif kind == 7:
            return text[: rnd.randrange(len(text) + 1)]
        else:
            lines = [_BOMB, *lines] if rnd.random() < 0.5 else [*lines, "z: " + _DEEP]
        text = "\n".join(lines)
    return text


def case_text(rnd: random.Random, case: dict[str, Any]) -> tuple[str, str]:
    """A case as YAML or JSON text with its file suffix."""
    if rnd.random() < 0.3:
        return json.dumps(case, ensure_ascii=rnd.random() < 0.5, default=str, indent=2), ".json"
    lines = []
    for k, v in case.items():
        lines.append(f"{k}: {json.dumps(v, ensure_ascii=False, default=str)}")
    return "\n".join(lines) + "\n", ".yaml"


#: CEL conditions and rule numbers that broke, or could break, the engine.
CEL_VALUES: tuple[str, ...] = (
    "n >= 2 // comment",
    "'" + "(" * 3000 + "n >= 2" + ")" * 3000 + "'",
    "'n in [" + ", ".join(map(str, range(3000))) + "]'",
    "'[1, 2, 3].map(n, [1, 2, 3].map(m, [1, 2, 3].map(k, k))).size() > 0'",
    "'[1, 2, 3].all(x, x > 0)'",
    "1 / 0 > n",
    "n / 0 > 1",
    "n > 9223372036854775807",
    "n * 9223372036854775807 > 1",
    "'int(\"x\") > n'",
    '\'"a".matches("(a+)+$")\'',
    "has(party.age)",
    "party.age > 1",
    "n",
    "'n >= 2 ? true : 1'",
    '\'"\\ud800" == "x"\'',
    '\'r"//" == "//" || n > 1\'',
    "max: 1e30",
    "{min: 1, max: 1e30}",
    "{per: n, unit: 0.000000000000000001, rate: 1e15}",
    "{times: n, min: 1, max: 1e20}",
    "5",
    "[1, 2]",
)

MINI_PACK = (
    "id: mini\ntitle: {zh: 测试, en: Test}\njurisdiction: CN\nauthority: {zh: 测试机关, en: Test authority}\n"
    'currency: CNY\nversion: "1"\nrounding: {unit: 100, mode: half_up, assumption: 罚款取整至百元}\n'
    "boundaries: {assumption: 以上、以下包含本数}\nfactor_start_assumption: 从区间中点起算\n"
    "tier_scheme:\n  lighter: {lower: 0, upper: 1/3}\n  standard: {lower: 1/3, upper: 2/3}\n"
    "  heavier: {lower: 2/3, upper: 1}\n  assumption: 三等分\n"
)
MINI_RULE = (
    "id: r1\ntitle: {zh: 规则一, en: Rule one}\nfacts:\n"
    "  n: {type: int, min: 0, default: 0, direction: aggravating, label: {zh: 次数, en: count}}\n"
    "  g: {type: money, default: 0, label: {zh: 违法所得, en: gain}}\n"
    "versions:\n  - effective_from: 2020-01-01\n    basis:\n"
    "      - {law: 测试法, article: 1, text: 处1000元以上4000元以下的罚款}\n    frame:\n"
    "      - id: base\n        when: n < 50\n        fine: {min: 1000, max: 4000}\n"
    "      - id: gain\n        fine: {times: g, min: 1, max: 5}\n"
    "    tiers:\n      - {tier: heavier, when: n >= 2}\n      - {tier: standard}\n"
)


def rule_texts() -> list[tuple[str, str]]:
    """Starting points for rule mutations: (pack.yaml text, rule text), the mini pack and one
    shipped rule file under the shipped pack.yaml (without its fine groups)."""
    shipped = (RULES / "over-limit" / "overload-gross-mass.yaml").read_text(encoding="utf-8")
    pack = (RULES / "pack.yaml").read_text(encoding="utf-8")
    pack = pack[: pack.index("\nfine_groups:")] + "\n"  # its groups name rules not in a one-rule pack
    return [(MINI_PACK, MINI_RULE), (pack, shipped)]


def write_pack(folder: Path, pack_text: str, rule_text: str) -> Path:
    """Write a pack folder of one rule file; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(pack_text, encoding="utf-8", errors="surrogatepass")
    (folder / "r1.yaml").write_text(rule_text, encoding="utf-8", errors="surrogatepass")
    return folder
