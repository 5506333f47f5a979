"""The guided case builder and the case template, driven by scripted answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.newcase import build_case, case_yaml, fact_details, parse_fact, template_yaml
from penalty_engine.yamlio import parse_yaml
from tests.conftest import AS_OF


class Script:
    """Answers questions from a list and records every prompt and message."""

    def __init__(self, answers: list[str]) -> None:
        self._answers: Iterator[str] = iter(answers)
        self.prompts: list[str] = []
        self.messages: list[str] = []

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        try:
            return next(self._answers)
        except StopIteration:
            raise EOFError from None

    def say(self, message: str) -> None:
        self.messages.append(message)


def common_defaults(engine: pe.Engine, rule: str) -> list[str]:
    return [""] * len(engine.rule(rule).pack.common_facts)


def test_scripted_answers_with_invalid_ones_give_a_case_that_evaluates(engine: pe.Engine) -> None:
    rule = engine.rule("unlicensed-freight")
    own = list(rule.rule.facts)
    answers = {"illegal_gain": ["lots", "12,000"], "prior_12m": ["1.5", "1"]}
    script = Script(
        ["", "UF-NEW-1", "2026-02-30", "2026-03-02", "", "", "robot", "organization"]
        + [a for name in own for a in answers.get(name, [""])]
        + common_defaults(engine, "unlicensed-freight")
    )
    data = build_case(rule, script.ask, script.say, "en")
    # every refusal says why, and the same question comes again
    refusals = [m for m in script.messages if "✗" in m]
    assert len(refusals) == 5
    assert "an answer is required" in refusals[0] and "'2026-02-30'" in refusals[1]
    assert "individual or organization" in refusals[2] and "'lots'" in refusals[3] and "whole number" in refusals[4]
    date_prompts = [p for p in script.prompts if p.startswith("Date of the act")]
    assert len(date_prompts) == 2
    gain_prompt = next(p for p in script.prompts if "(illegal_gain)" in p)
    assert gain_prompt == "illegal gain (illegal_gain) [amount, 元, at least 0, default 0]"
    assert data["facts"] == {"illegal_gain": "12000", "prior_12m": 1}
    text = case_yaml(rule, data, "en")
    assert "illegal_gain: '12000'" in text and "occurred_on: 2026-03-02" in text
    parsed = parse_yaml(text, "new.yaml").data
    decision = engine.evaluate(parsed, as_of=AS_OF)
    assert decision.case_id == "UF-NEW-1" and decision.recommended_fine == Decimal("36000")


def test_individual_age_required_fact_and_date_outside_every_version(engine: pe.Engine) -> None:
    rule = engine.rule("overload-gross-mass")
    script = Script(
        [
            "OV-1",
            "2010-01-01",
            "2026-03-02",
            "",
            "",
            "个人",
            "abc",
            "",
            "",
            "0",
            "2500",
            *common_defaults(engine, "overload-gross-mass"),
        ]
    )
    data = build_case(rule, script.ask, script.say, "zh")
    refusals = [m for m in script.messages if "✗" in m]
    assert "没有施行中的版本" in refusals[0] and "2016-09-21" in refusals[0]
    assert "0 至 150" in refusals[1]
    assert "必须填写" in refusals[2] and "'0'" in refusals[3]  # required fact: Enter is refused; 0 is below its min
    assert data["party"] == {"kind": "individual"} and data["facts"] == {"excess_mass_kg": 2500}
    decision = engine.evaluate(parse_yaml(case_yaml(rule, data), "x").data, as_of=AS_OF)
    assert decision.tier == "fixed" and decision.recommended_fine == Decimal("1000")


def test_common_facts_can_be_answered_and_bool_accepts_y(engine: pe.Engine) -> None:
    rule = engine.rule("unqualified-driver")
    own = [""] * len(rule.rule.facts)
    common = {name: "" for name in rule.pack.common_facts}
    common["harm"] = "serious"
    common["corrected_in_time"] = "y"
    script = Script(["UD-1", "2026-03-02", "", "", "individual", "40", *own, *common.values()])
    data = build_case(rule, script.ask, script.say, "en")
    assert data["party"] == {"kind": "individual", "age": 40}
    assert data["facts"] == {"harm": "serious", "corrected_in_time": True}
    assert any("Enter keeps the default" in m for m in script.messages)
    assert engine.evaluate(data, as_of=AS_OF).outcome == "penalty"


def test_input_ending_early_raises_eof(engine: pe.Engine) -> None:
    script = Script(["X-1", "2026-03-02"])
    with pytest.raises(EOFError):
        build_case(engine.rule("unqualified-driver"), script.ask, script.say)


def test_fact_parsing_uses_the_fact_schema(engine: pe.Engine) -> None:
    facts = engine.rule("unlicensed-freight").facts
    assert parse_fact(facts["illegal_gain"], "") == (False, None)
    assert parse_fact(facts["illegal_gain"], "1,500.50") == (True, Decimal("1500.50"))
    assert parse_fact(facts["serious"], "是") == (True, True)
    assert parse_fact(facts["harm"], "minor") == (True, "minor")
    with pytest.raises(ValueError, match=r"two decimals|amount"):
        parse_fact(facts["illegal_gain"], "1.234", "en")
    with pytest.raises(ValueError, match="one of"):
        parse_fact(facts["harm"], "huge", "en")
    with pytest.raises(ValueError, match=r"^应为以下之一：无、轻微、严重，收到 'huge'$"):  # the refusal in Chinese
        parse_fact(facts["harm"], "huge")
    assert fact_details(facts["prior_12m"], "zh") == "整数, 次, 0–100, 默认 0"
    assert fact_details(facts["harm"], "en") == "one of: none / minor / serious, default none"


@pytest.mark.parametrize("rule_id", ["unqualified-driver", "overload-gross-mass", "unlicensed-freight"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_parses_comments_every_fact_and_evaluates_once_filled(
    engine: pe.Engine, rule_id: str, lang: str
) -> None:
    rule = engine.rule(rule_id)
    text = template_yaml(rule, lang)
    data: dict[str, Any] = parse_yaml(text, "template.yaml").data
    assert data["violation"] == rule.id and data["case_id"] is None and data["occurred_on"] is None
    lines = text.splitlines()
    for name, spec in rule.facts.items():
        i = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{name}:"))
        comment = next(line for line in reversed(lines[:i]) if not line.strip().startswith("#   "))
        assert comment.strip().startswith("#") and spec.label.get(lang) in comment
        if spec.required:
            assert ("必填" if lang == "zh" else "required") in comment
        else:
            assert ("默认" if lang == "zh" else "default") in comment
        if spec.unit:
            assert spec.unit in comment
        if not spec.required:
            assert data["facts"][name] is not None
    with pytest.raises(pe.CaseError):  # empty required fields are refused, not guessed
        engine.evaluate(data, as_of=AS_OF)
    data.update(case_id="T-1", occurred_on="2026-03-02", party={"kind": "organization"})
    for name in rule.required:
        data["facts"][name] = 2500
    decision = engine.evaluate(data, as_of=AS_OF)
    assert decision.outcome == "penalty"
    money = [n for n, s in rule.facts.items() if s.type.value == "money"]
    for name in money:  # amounts are written as quoted strings
        assert isinstance(data["facts"][name], str)


def test_chinese_answers_dates_and_age_at_the_act_give_a_case_that_evaluates(engine: pe.Engine) -> None:
    # issue #12: new-case asks the dates of discovery and decision and the age at the date of the
    # act, and reads Chinese answers with the reader case files use (ADR 0016)
    rule = engine.rule("unqualified-driver")
    own = {name: "" for name in rule.rule.facts} | {"prior_12m": "２次", "passenger_vehicle": "是"}
    common = {name: "" for name in rule.pack.common_facts} | {"harm": "严重", "mental_capacity": "完全"}
    script = Script(
        [
            "UD-ZH",
            "2026年3月2日",
            "2026/3/1",  # discovered before the act: refused
            "2026.3.5",
            "2026年3月4日",  # decided before the discovery: refused
            "２０２６年４月１０日",
            "自然人",
            "十六",  # not figures: refused
            "16周岁",
            *own.values(),
            *common.values(),
        ]
    )
    data = build_case(rule, script.ask, script.say, "zh")
    refusals = [m for m in script.messages if "✗" in m]
    assert len(refusals) == 3
    assert "不能早于违法行为发生日（2026-03-02）" in refusals[0]
    assert "不能早于发现日（2026-03-05）" in refusals[1]
    assert "'十六'" in refusals[2] and "0 至 150" in refusals[2]
    assert script.prompts[1:6] == [
        "违法行为发生日（持续的，为终了日；例如 2026年5月10日 或 2026-05-10）",
        "发现日（选填；回车 = 不填）",
        "发现日（选填；回车 = 不填）",
        "决定日（选填；回车 = 计算时使用 --as-of 或当天）",
        "决定日（选填；回车 = 计算时使用 --as-of 或当天）",
    ]
    assert "当事人年龄（违法行为发生时" in script.prompts[7]
    assert data["occurred_on"] == dt.date(2026, 3, 2)
    assert data["discovered_on"] == dt.date(2026, 3, 5) and data["decided_on"] == dt.date(2026, 4, 10)
    assert data["party"] == {"kind": "individual", "age": 16}
    assert data["facts"] == {"prior_12m": 2, "passenger_vehicle": True, "harm": "serious", "mental_capacity": "full"}
    text = case_yaml(rule, data)
    assert "discovered_on: 2026-03-05" in text and "decided_on: 2026-04-10" in text
    # the file written holds machine values, and evaluates on its own decision date (no --as-of)
    decision = engine.evaluate(parse_yaml(text, "x").data)
    assert decision.dates.decided_on == dt.date(2026, 4, 10)
    assert decision.dates.discovered_on == dt.date(2026, 3, 5)


def test_optional_dates_left_empty_are_not_written(engine: pe.Engine) -> None:
    rule = engine.rule("unqualified-driver")
    defaults = [""] * (len(rule.rule.facts) + len(rule.pack.common_facts))
    data = build_case(rule, *_ask_say(["UD-2", "2026-03-02", "", "", "单位", *defaults]), "zh")
    assert "discovered_on" not in data and "decided_on" not in data
    assert data["party"] == {"kind": "organization"}  # no age question for an organization


def _ask_say(answers: list[str]) -> tuple[Any, Any]:
    script = Script(answers)
    return script.ask, script.say
