"""Chinese first for errors (issue #12): every error message exists in Chinese.

Three guards over the code, by its syntax tree, and behaviour tests:

* every ``msg("…")`` of ``penalty_engine/`` has its Chinese in ``text/errors-zh.yaml``, with the
  same ``{fields}`` (the Chinese may add one the call gives, never drop one), and every Chinese
  template is used;
* no raise site of the error classes (and of the problems that feed them) passes a plain text or
  an f-string as its message: the allow-list of such sites is empty;
* no Chinese text of the catalog has an English word, identifiers of the file formats aside (a key
  of a rule or case file is named as it is written: ``when``, ``effective_to``).

The behaviour tests read a wrong value in a case file (the field, what was expected, what came in,
file:line, all in Chinese), keep the English of ``str(error)`` as it was, and check the mechanics of
``Msg`` (joining, pickling, the fallback of a message that is no ``Msg``).
"""

from __future__ import annotations

import ast
import functools
import importlib
import pickle
import pkgutil
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import penalty_engine as pe
from penalty_engine import models
from penalty_engine.core import read_case_file, to_case
from penalty_engine.errors import CODES, EMPTY, Msg, NoChinese, joined, msg, suggest, text_zh
from penalty_engine.impact.compare import Comparer
from penalty_engine.impact.compare import Rejected as ImpactRejected
from penalty_engine.impact.compare import Settings as ImpactSettings
from penalty_engine.replay.readers import read_rows
from penalty_engine.replay.run import Evaluator, Settings
from penalty_engine.text import error_texts
from penalty_engine.values import ValueProblem, read_amount

from .test_chinese_first import english_in_zh

PKG = Path(pe.__file__).resolve().parent
_FIELDS = string.Formatter()
_CJK = re.compile(r"[\u3400-\u9fff]")
_CODE = re.compile(r"PE-[A-Z]\d{3}")
#: the one technical term a Chinese message names as it is: the encoding to save a file in
_TERMS = ("UTF-8",)
#: raise sites whose message may be a plain text (none: each would be English only)
ALLOWED_PLAIN: set[str] = set()
#: the classes whose message argument must be a ``Msg``, and the index of that argument
RAISED = {
    "CaseError": 1,
    "RuleError": 1,
    "EvaluationError": 1,
    "LedgerError": 1,
    "PenaltyEngineError": 1,
    "_DateError": 2,
    "YamlProblem": 1,
    "ValueProblem": 0,
    "FactProblem": 1,
    "Limit": 1,
    "DecodeError": 0,
    "_BadEncoding": 0,
}


def _calls() -> Iterator[tuple[str, ast.Call]]:
    for path in sorted(PKG.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                yield f"{path.relative_to(PKG)}:{node.lineno}", node


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _templates() -> dict[str, list[tuple[str, set[str] | None]]]:
    """Each ``msg("…")`` template → (where, the keywords the call gives; None for ``**fields``)."""
    out: dict[str, list[tuple[str, set[str] | None]]] = {}
    for where, call in _calls():
        if _name(call) == "msg" and call.args and isinstance(call.args[0], ast.Constant):
            given = {k.arg for k in call.keywords if k.arg is not None}
            spread = any(k.arg is None for k in call.keywords)
            out.setdefault(str(call.args[0].value), []).append((where, None if spread else given))
    return out


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in _FIELDS.parse(template) if name}


@functools.cache
def _format_keys() -> set[str]:
    """The keys of the rule and case files (every field of the models) and the values of their
    closed sets (``may_no_penalty``): named in a Chinese message as they are written."""
    keys: set[str] = set()
    modules = [
        models,
        *(importlib.import_module(f"penalty_engine.models.{m.name}") for m in pkgutil.iter_modules(models.__path__)),
    ]
    for module in modules:
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel):
                keys |= set(obj.model_fields)
    keys |= {e.value for e in models.Effect}
    return keys


def _english(zh: str) -> list[str]:
    """English words of a Chinese template: its fields, the error codes, the technical terms and
    the keys of the file formats aside."""
    text = _CODE.sub("", re.sub(r"\{[^{}]*\}", "", zh))
    for term in _TERMS:
        text = text.replace(term, "")
    keys = _format_keys()
    text = re.sub(r"[A-Za-z_][A-Za-z_.\-]*", lambda m: "" if {p for p in m[0].split(".") if p} <= keys else m[0], text)
    return english_in_zh(text, "")


# ---------------------------------------------------------------------------------- the catalog


def test_every_message_of_the_code_has_its_chinese_with_the_same_fields() -> None:
    texts = error_texts()
    templates = _templates()
    assert len(templates) > 250  # the walk finds the messages (a broken walk would pass vacuously)
    problems = []
    for template, calls in templates.items():
        zh = texts.get(f"errors.{template}")
        if zh is None:
            problems.append(f"{calls[0][0]}: no Chinese for {template!r}")
            continue
        en_fields, zh_fields = _fields(template), _fields(zh)
        if not en_fields <= zh_fields:
            problems.append(f"{calls[0][0]}: the Chinese of {template!r} drops {sorted(en_fields - zh_fields)}")
        for where, given in calls:
            extra = zh_fields - en_fields
            if extra and (given is None or not extra <= given):
                problems.append(f"{where}: the Chinese of {template!r} needs {sorted(extra)}, not given")
    assert problems == []


def test_every_chinese_message_is_used() -> None:
    used = {f"errors.{t}" for t in _templates()}
    stale = sorted(k for k in error_texts() if k.startswith("errors.") and k not in used)
    assert stale == []


def test_every_code_has_its_chinese_description() -> None:
    texts = error_texts()
    assert {k.removeprefix("codes.") for k in texts if k.startswith("codes.")} == set(CODES)
    assert all(_CJK.search(texts[f"codes.{c}"]) for c in CODES)


def test_no_chinese_text_of_the_catalog_has_an_english_word() -> None:
    bad = [f"{key}: {_english(zh)}" for key, zh in error_texts().items() if _english(zh)]
    assert bad == []


def test_the_english_check_can_fail() -> None:
    assert _english("应为{expected}，收到 {got}") == []
    assert _english("情形没有条件（when），且 effective_to 早于 PE-C004") == []
    assert _english("应为 JSON 对象") != []
    assert _english("cannot read the file") != []


# ---------------------------------------------------------------------------------- raise sites


def _plain(node: ast.expr) -> bool:
    """A message that is no ``Msg`` for sure: a text, an f-string, ``str()``, or a sum with one."""
    if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return True
    if isinstance(node, ast.BinOp):
        return _plain(node.left) or _plain(node.right)
    return isinstance(node, ast.Call) and _name(node) in ("str", "repr", "format")


def test_no_raise_site_passes_a_plain_text_as_its_message() -> None:
    sites = [(where, call) for where, call in _calls() if _name(call) in RAISED]
    checked = [(w, c) for w, c in sites if len(c.args) > RAISED[_name(c)]]
    assert len(checked) > 150
    plain = {w for w, c in checked if _plain(c.args[RAISED[_name(c)]])}
    assert plain == ALLOWED_PLAIN, sorted(plain - ALLOWED_PLAIN)


def test_models_validators_raise_messages() -> None:
    """The models' own checks reach people as PE-R004 and PE-C004: their ValueErrors carry a ``Msg``."""
    plain = [
        w for w, c in _calls() if w.startswith("models/") and _name(c) == "ValueError" and c.args and _plain(c.args[0])
    ]
    assert plain == []


# ---------------------------------------------------------------------------------- behaviour


CASE = """\
case_id: BAD-1
violation: cn-transport/unlicensed-freight
occurred_on: 2026-03-02
decided_on: 2026-04-10
party: {{kind: {kind}}}
facts:
  illegal_gain: {gain}
"""


def _error(tmp_path: Path, engine: pe.Engine, **values: str) -> pe.PenaltyEngineError:
    path = tmp_path / "c.yaml"
    path.write_text(CASE.format(**{"kind": "organization", "gain": "15600", **values}), encoding="utf-8")
    located = read_case_file(str(path))
    with pytest.raises(pe.PenaltyEngineError) as info:
        engine.evaluate(located.data, source=located)
    return info.value


def test_a_wrong_fact_in_a_case_file_says_in_chinese_the_field_what_was_expected_and_what_came_in(
    tmp_path: Path, engine: pe.Engine
) -> None:
    e = _error(tmp_path, engine, gain="abc")
    assert e.code == "PE-C004"
    assert str(e) == (  # the English as it was
        f"PE-C004 {tmp_path / 'c.yaml'}:7, case BAD-1: facts.illegal_gain: expected an amount with at most two "
        "decimals (元) of at least 0, written as 52000, 52,000, 52000元 or 5.2万, got 'abc'"
    )
    assert e.where_zh == f"{tmp_path / 'c.yaml'}:7，案件 BAD-1"
    assert e.message_zh == (
        "facts.illegal_gain（违法所得）：应为最多两位小数的金额（元），不小于 0，"
        "可写作 52000、52,000、52000元 或 5.2万，收到 'abc'"
    )
    assert e.text("zh") == f"PE-C004 {e.where_zh}: {e.message_zh}"
    assert english_in_zh(e.message_zh.replace("facts.illegal_gain", "").replace("'abc'", ""), "") == []


def test_a_wrong_party_kind_and_a_value_out_of_bounds(tmp_path: Path, engine: pe.Engine) -> None:
    kind = _error(tmp_path, engine, kind="robot")
    assert kind.code == "PE-C004" and kind.where.endswith("c.yaml:5, case BAD-1")
    assert kind.message_zh == "party.kind（当事人类型）：应为当事人类型：个人或单位，收到 'robot'"
    negative = _error(tmp_path, engine, gain="'-5'")
    assert negative.code == "PE-C005"
    assert negative.message_zh.startswith("facts.illegal_gain（违法所得）：应为最多两位小数的金额（元），不小于 0，")
    assert negative.message_zh.endswith("收到 '-5'")


def test_a_schema_error_of_a_case_is_said_in_chinese_by_its_type() -> None:
    data: dict[str, Any] = {"case_id": "X", "violation": "v", "occurred_on": "2026-01-01"}
    with pytest.raises(pe.CaseError) as bound:
        to_case({**data, "party": {"kind": "individual", "age": 200}})
    assert str(bound.value) == "PE-C005 case X: party.age: Input should be less than or equal to 150 (got 200)"
    assert bound.value.text("zh") == "PE-C005 案件 X: party.age（当事人年龄）：应不大于 150（收到 200）"
    with pytest.raises(pe.CaseError) as order:
        to_case({**data, "party": {"kind": "individual"}, "decided_on": "2025-12-31"})
    assert order.value.message == "(case): Value error, 'decided_on' is before 'occurred_on'"
    assert order.value.message_zh == "案件：决定日期早于违法行为发生日期"
    with pytest.raises(pe.CaseError) as missing:
        to_case({"case_id": "X", "violation": "v", "party": {"kind": "individual"}, "occured_on": "2026-01-01"})
    assert missing.value.code == "PE-C003"
    assert missing.value.message_zh == (
        "occured_on：未知字段；是否应为“occurred_on”？（另有：occurred_on（违法行为发生日期）：缺少此项）"
    )


def test_an_unknown_rule_and_a_missing_fact(engine: pe.Engine) -> None:
    base = {"case_id": "B", "occurred_on": "2026-03-02", "decided_on": "2026-04-10", "party": {"kind": "organization"}}
    with pytest.raises(pe.CaseError) as unknown:
        engine.evaluate({**base, "violation": "unlicensed-frieght"})
    assert (
        unknown.value.message_zh
        == "violation（违法行为）：未知的违法行为“unlicensed-frieght”；是否应为“unlicensed-freight”？"
    )
    with pytest.raises(pe.CaseError) as missing:
        engine.evaluate({**base, "violation": "cn-transport/overload-gross-mass", "facts": {}})
    assert missing.value.code == "PE-C002"
    assert (
        "缺少必填的事实" in missing.value.message_zh and "（车货总质量超过限定标准的质量）" in missing.value.message_zh
    )


def test_a_rejected_row_of_a_replay_carries_its_chinese(tmp_path: Path, engine: pe.Engine) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"case_id": "R1", "violation": "nope", "occurred_on": "2026-03-02"}\n{oops\n', encoding="utf-8")
    evaluator = Evaluator(Settings(), engine)
    first, second = (evaluator.row(r) for r in read_rows(path))
    assert first.error.startswith("PE-C002 case R1: party: required field missing")  # type: ignore[union-attr]
    assert first.error_zh == "PE-C002 案件 R1: party（当事人）：缺少必填字段"  # type: ignore[union-attr]
    assert second.error.startswith("PE-C001 JSON error: Expecting property name")  # type: ignore[union-attr]
    assert second.error_zh == "PE-C001 数据格式错误（第 2 列）：此处应为双引号括起的键名（最后一项后多了逗号？）"  # type: ignore[union-attr]


def test_a_row_an_impact_comparison_refuses_carries_its_chinese(tmp_path: Path, engine: pe.Engine) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"case_id": "I1", "violation": "nope", "occurred_on": "2026-03-02"}\n', encoding="utf-8")
    (row,) = list(read_rows(path))
    out = Comparer(ImpactSettings((), ()), engine, engine).row(row)
    assert isinstance(out, ImpactRejected) and out.error_after is None  # both sides said the same
    assert out.error == "PE-C002 case I1: party: required field missing"
    assert out.error_zh == "PE-C002 案件 I1: party（当事人）：缺少必填字段"


def test_a_row_that_cannot_be_read_says_so_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("case_id,violation\nA,x,extra\n", encoding="utf-8")
    (row,) = list(read_rows(path))
    assert row.error == "PE-C001 3 cells for 2 columns"
    assert isinstance(row.error, Msg) and row.error.zh == "PE-C001 3 个单元格，但有 2 列"


# ---------------------------------------------------------------------------------- Msg itself


def test_a_msg_is_its_english_and_knows_its_chinese() -> None:
    m = msg("{field}: required field missing", field="occurred_on")
    assert m == "occurred_on: required field missing" and isinstance(m, str)
    assert m.zh == "occurred_on：缺少必填字段" and m.text("en") == str(m) and m.text("zh") == m.zh
    both = m + suggest("occured", ["occurred"])
    assert isinstance(both, Msg)
    assert both == "occurred_on: required field missing; did you mean 'occurred'?"
    assert both.zh == "occurred_on：缺少必填字段；是否应为“occurred”？"
    assert suggest("zzz", ["occurred"]) is EMPTY and EMPTY.zh == ""
    plain = m + " (plain)"
    assert type(plain) is str  # a plain text joined on is no Msg: the tests above find such sites
    listed = joined([msg("true"), "n"], "; ", "；")
    assert listed == "true; n" and listed.zh == "是；n"


def test_a_msg_survives_pickling_for_the_worker_processes() -> None:
    m = msg("line {n}: {problem}", n=3, problem=msg("empty row"))
    back = pickle.loads(pickle.dumps(m))
    assert back == m and back.zh == "第 3 行：空行"


def test_a_message_that_is_no_msg_falls_back_to_the_code_in_chinese() -> None:
    e = pe.CaseError("PE-C004", "something English")
    assert e.message_zh == "值的类型或格式不对（something English）"
    with pytest.raises(NoChinese):
        _ = msg("a template nobody translated {x}", x=1).zh
    assert (
        text_zh(msg("a template nobody translated"), "PE-C001")
        == "案件文件无法读取或解析（a template nobody translated）"
    )


def test_value_problems_and_their_detail() -> None:
    with pytest.raises(ValueProblem) as big:
        read_amount("1e30")
    assert big.value.code == "PE-C005"
    assert big.value.message.zh == (
        "应为金额，如 52000、52,000、52000元 或 5.2万，收到 '1e30'：超出引擎的上限 10^15（1000000000000000）"
    )
