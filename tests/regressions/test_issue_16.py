"""Issue #16: hostile cases, case files and rule files end in a project error, within bounded time.

One test per defect the tester found; each failed on the code before the fix (an internal error, a
traceback, or minutes of CPU). The limits are documented in docs/error-codes.md ("Limits").
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import penalty_engine as pe
from penalty_engine.cli import app
from penalty_engine.errors import CaseError, PenaltyEngineError, RuleError
from tests.conftest import AS_OF, MINI_RULE, case

GAIN_RULE = "cn-transport/foreign-operator-domestic-transport"


def gain_case(**facts: Any) -> dict[str, Any]:
    return case(GAIN_RULE, {"illegal_gain": "10000", "prior_12m": 1, **facts}, decided_on="2026-04-10")


def load_error(root: Path) -> RuleError:
    with pytest.raises(RuleError) as info:
        pe.Engine.load(root)
    return info.value


def cli(*args: str) -> Any:
    # the wording checked below is the English one (the command line's language: PENALTY_LANG)
    result = CliRunner().invoke(app, list(args), env={"PENALTY_LANG": "en"})
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not an internal error
    assert "Traceback" not in result.output
    return result


def bounded(seconds: float) -> Any:
    """A context that fails when its body takes longer than ``seconds`` (hangs were the defect)."""

    class _Bound:
        def __enter__(self) -> None:
            self.start = time.perf_counter()

        def __exit__(self, *exc: object) -> None:
            assert time.perf_counter() - self.start < seconds

    return _Bound()


def test_an_illegal_gain_of_1e30_is_a_case_error_naming_the_bound(engine: pe.Engine) -> None:
    with pytest.raises(CaseError) as info:
        engine.evaluate(gain_case(illegal_gain="1e30"))
    assert info.value.code == "PE-C005"
    assert "10^15" in info.value.message


def test_a_statutory_maximum_beyond_what_the_engine_computes_is_refused_at_load(write_pack: Any) -> None:
    err = load_error(write_pack(MINI_RULE.replace("max: 4000", "max: 1e30")))
    assert err.code == "PE-R020"
    assert err.where.endswith("r1.yaml:11")
    assert "10^15" in err.message


def test_a_lone_surrogate_in_any_string_field_is_a_case_error(engine: pe.Engine) -> None:
    for bad in (
        gain_case(party={"kind": "organization", "name": "\ud800"}),
        gain_case(note="x") | {"facts": {"illegal_gain": "10000", "prior_12m": 1, "\ud800": 1}},
        gain_case() | {"expect": {"note": ["\udfff"]}},
    ):
        with pytest.raises(CaseError) as info:
            engine.evaluate(bad)
        assert info.value.code == "PE-C004"
        assert "Unicode" in info.value.message
        str(info.value).encode("utf-8")  # the message itself can be printed


def test_an_as_of_that_is_not_a_date_is_a_case_error(engine: pe.Engine) -> None:
    undated = {k: v for k, v in gain_case().items() if k != "decided_on"}
    for as_of in ("2026-04-10", 20260410, dt.datetime(2026, 4, 10, 12, 0)):
        with pytest.raises(CaseError) as info:
            engine.evaluate(undated, as_of=as_of)  # type: ignore[arg-type]
        assert info.value.code == "PE-C004"
        assert "as_of" in info.value.message


def test_a_whole_number_fact_of_1e1000000_is_refused_before_it_is_converted(engine: pe.Engine) -> None:
    with bounded(0.5), pytest.raises(CaseError) as info:
        engine.evaluate(gain_case(prior_12m="1e1000000"))
    assert info.value.code == "PE-C005"
    with bounded(0.5), pytest.raises(CaseError):
        engine.evaluate(gain_case(prior_12m=10**100000))


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path, write_pack: Any) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    bomb = "\n".join(lines) + "\n"
    (tmp_path / "bomb.yaml").write_text(bomb, encoding="utf-8")
    with bounded(5):
        result = cli("evaluate", str(tmp_path / "bomb.yaml"))
    assert "PE-C011" in result.output and "bomb.yaml:" in result.output
    with bounded(5):
        assert load_error(write_pack(MINI_RULE + bomb)).code == "PE-R019"
    chain = "c0: &c0 [1]\n" + "".join(f"c{i}: &c{i} [*c{i - 1}]\n" for i in range(1, 600))  # deep only once expanded
    (tmp_path / "chain.yaml").write_text(chain, encoding="utf-8")
    assert "PE-C011" in cli("evaluate", str(tmp_path / "chain.yaml")).output


def test_a_file_beyond_the_size_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "comments.yaml"
    path.write_text("# a comment\n" * 200_000, encoding="utf-8")  # 2.4 MB, above the 1 MiB limit
    # the bound is relative to a small case's run: both load the bundled packs (a second or two of
    # YAML on a slow machine); only the refused file must add almost nothing (parsing it would not)
    small = tmp_path / "small.yaml"
    small.write_text("# a comment\n", encoding="utf-8")
    start = time.perf_counter()
    cli("evaluate", str(small))
    baseline = time.perf_counter() - start
    with bounded(baseline + 2):
        result = cli("evaluate", str(path))
    assert "PE-C011" in result.output and "1048576 bytes" in result.output


def test_nesting_deeper_than_the_limit_is_a_clear_error(tmp_path: Path, engine: pe.Engine) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    for name, text in (("deep.yaml", "a: " + deep), ("deep.json", deep)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert "PE-C011" in cli("evaluate", str(tmp_path / name)).output
    nested: Any = 1
    for _ in range(2000):
        nested = [nested]
    with pytest.raises(CaseError) as info:
        engine.evaluate(gain_case() | {"expect": {"deep": nested}})
    assert info.value.code == "PE-C011"


def test_an_integer_of_more_than_4300_digits_is_a_clear_error(tmp_path: Path) -> None:
    for name, text in (
        ("big.yaml", "case_id: B\nfacts: {prior_12m: " + "9" * 5000 + "}\n"),
        ("big.json", '{"case_id": "B", "facts": {"prior_12m": ' + "9" * 5000 + "}}"),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = cli("evaluate", str(tmp_path / name))
        assert "PE-C011" in result.output and "5000 characters" in result.output


def test_an_unquoted_invalid_date_is_an_error_with_its_line(tmp_path: Path, write_pack: Any) -> None:
    for day in ("2023-02-29", "0000-01-01"):
        path = tmp_path / "c.yaml"
        path.write_text(f"case_id: D\nviolation: {GAIN_RULE}\noccurred_on: {day}\n", encoding="utf-8")
        result = cli("evaluate", str(path))
        assert f"PE-C001 {path}:3" in result.output and day in result.output
        err = load_error(write_pack(MINI_RULE.replace("2020-01-01", day)))
        assert err.code == "PE-R001" and err.where.endswith("r1.yaml:6")


def test_dates_near_the_end_of_the_calendar_are_bounds_errors_not_overflows(engine: pe.Engine, write_pack: Any) -> None:
    late = gain_case() | {"occurred_on": "9998-06-01", "decided_on": "9999-12-31"}
    with pytest.raises(CaseError) as info:
        engine.evaluate(late)  # the limitation period counted from it overflowed datetime.date
    assert info.value.code == "PE-C005" and "9899-12-31" in info.value.message
    undated = {k: v for k, v in gain_case().items() if k != "decided_on"}
    with pytest.raises(CaseError) as info:
        engine.evaluate(undated, as_of=dt.date(9999, 12, 31))
    assert info.value.code == "PE-C005"
    err = load_error(write_pack(MINI_RULE.replace("2020-01-01", "9999-12-31")))  # rules check overflowed
    assert err.code == "PE-R020" and err.where.endswith("r1.yaml:6")


def test_a_fine_given_as_a_scalar_is_a_schema_error_with_its_line(write_pack: Any) -> None:
    root = write_pack(MINI_RULE.replace("fine: {min: 1000, max: 4000}", "fine: 5"))
    err = load_error(root)
    assert err.code == "PE-R004" and err.where.endswith("r1.yaml:11")
    assert "versions.0.frame.0.fine" in err.message
    assert "PE-R004" in cli("rules", "validate", str(root)).output


def test_a_comment_in_a_cel_condition_is_refused_at_load(write_pack: Any) -> None:
    err = load_error(write_pack(MINI_RULE.replace("when: n >= 2", "when: n >= 2 // two or more")))
    assert err.code == "PE-R005" and err.where.endswith("r1.yaml:13")
    assert "comment" in err.message


def test_a_hundred_thousand_nested_parentheses_in_cel_are_refused_before_the_library(write_pack: Any) -> None:
    deep = "(" * 100_000 + "n >= 2" + ")" * 100_000
    err = load_error(write_pack(MINI_RULE.replace("when: n >= 2", f"when: '{deep}'")))
    assert err.code == "PE-R021"
    err = load_error(write_pack(MINI_RULE.replace("when: n >= 2", "when: '" + "(" * 30 + "n >= 2" + ")" * 30 + "'")))
    assert err.code == "PE-R021" and "nested deeper" in err.message


def test_a_panic_of_the_cel_library_is_caught_as_a_last_resort(write_pack: Any, monkeypatch: Any) -> None:
    import cel

    class PanicException(BaseException):  # as pyo3 defines it: not an Exception
        pass

    def panic(source: str) -> Any:
        raise PanicException("Formatting argument out of range")

    monkeypatch.setattr(cel, "compile", panic)
    err = load_error(write_pack())
    assert err.code == "PE-R005" and "Formatting argument" in err.message


def test_expensive_cel_comprehensions_and_long_lists_are_refused_at_load(write_pack: Any) -> None:
    items = "[1, 2, 3, 4, 5, 6, 7, 8]"
    nested = f"{items}.map(n, {items}.map(m, {items}.map(k, {items}.map(j, j)))).size() > 0"
    long_list = "n in [" + ", ".join(map(str, range(100_000))) + "]"
    with bounded(5):
        for condition in (nested, long_list, "n in [" + ", ".join(map(str, range(300))) + "]"):
            err = load_error(write_pack(MINI_RULE.replace("when: n >= 2", f"when: '{condition}'")))
            assert err.code == "PE-R021", err


def test_every_limit_error_is_a_project_error_with_a_documented_code() -> None:
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "error-codes.md").read_text(encoding="utf-8")
    limits = text[text.index("## Limits") :]
    for code in ("PE-R019", "PE-R020", "PE-R021", "PE-C011"):
        assert code in limits
    assert issubclass(CaseError, PenaltyEngineError)
    assert AS_OF  # the shared decision date stays the one the suite uses
