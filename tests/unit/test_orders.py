"""Orders the law names (ADR 0017): each rule's orders with their basis, guardian orders, mandatory
mitigation of a penalty that is not a fine, and the penalty kinds' own names."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

import penalty_engine as pe
from penalty_engine.models import CORRECTIONS, Branch, OrderKind, PenaltyOut, Provision, RuleVersion, in_lang, localized
from penalty_engine.models.rules import PenaltyKind
from penalty_engine.render import render_decision
from penalty_engine.replay.names import names
from penalty_engine.text import words
from tests.conftest import AS_OF, case

ART28 = "行政处罚法 第二十八条"


def duties(d: pe.Decision) -> dict[str, list[str]]:
    return {x.kind: x.basis for x in d.duties}


@pytest.mark.parametrize(
    ("violation", "facts", "occurred", "expected"),
    [
        # 2023 text: the order is in Art. 63's opening words, quoted as the order's own basis
        ("unlicensed-freight", {}, "2026-03-02", {"order_stop_operation": ["道路运输条例 第六十三条", ART28]}),
        ("unlicensed-freight", {}, "2021-05-10", {"order_stop_operation": ["道路运输条例 第六十三条", ART28]}),
        (
            "unlicensed-passenger-station",
            {},
            "2026-03-02",
            {"order_stop_operation": ["道路运输条例 第六十五条第一款", ART28]},
        ),
        (
            "permit-transfer-lease",
            {},
            "2026-03-02",
            {
                "order_stop_violation": ["道路运输条例 第六十六条", ART28],
                "collect_certificates": ["道路运输条例 第六十六条"],
            },
        ),
        (
            "foreign-operator-no-nationality-mark",
            {},
            "2026-03-02",
            {"order_stop_transport": ["道路运输条例 第七十四条第二款", ART28]},
        ),
        ("highway-law-over-limit", {}, "2026-03-02", {"order_stop_violation": ["公路法 第七十六条", ART28]}),
        # the article's own 责令改正: cited first, with Art. 28
        ("unqualified-driver", {}, "2026-03-02", {"order_correction": ["道路运输条例 第六十四条", ART28]}),
        # 62号令 Art. 43 names no order: Art. 28 alone
        ("overload-gross-mass", {"excess_mass_kg": 3000}, "2026-03-02", {"order_correction": [ART28]}),
    ],
)
def test_each_rule_gives_the_orders_its_article_names_with_their_basis(
    engine: pe.Engine, violation: str, facts: dict[str, Any], occurred: str, expected: dict[str, list[str]]
) -> None:
    decided = "2021-08-10" if occurred < "2023" else "2026-04-10"
    d = engine.evaluate(case(f"cn-transport/{violation}", facts, occurred_on=occurred, decided_on=decided), as_of=AS_OF)
    assert d.outcome == "penalty"
    got = duties(d)
    orders = {k: v for k, v in got.items() if k in {o.value for o in OrderKind}}
    assert orders == expected
    assert list(got)[: len(expected)] == list(expected)  # the orders come first


def test_a_specific_correction_replaces_art28_and_a_measure_does_not() -> None:
    assert OrderKind.collect_certificates not in CORRECTIONS
    assert {
        OrderKind.order_stop_operation,
        OrderKind.order_stop_violation,
        OrderKind.order_stop_transport,
        OrderKind.order_stop_construction,
    } <= CORRECTIONS


@pytest.mark.parametrize(
    ("party", "facts", "order", "basis"),
    [
        ({"kind": "individual", "age": 13}, {}, "order_guardian_discipline", ["行政处罚法 第三十条"]),
        (
            {"kind": "individual", "age": 40},
            {"mental_capacity": "none"},
            "order_guardian_care",
            ["行政处罚法 第三十一条"],
        ),
    ],
)
def test_no_penalty_for_a_child_or_for_no_capacity_orders_the_guardian(
    engine: pe.Engine, party: dict[str, Any], facts: dict[str, Any], order: str, basis: list[str]
) -> None:
    d = engine.evaluate(case("cn-transport/unlicensed-freight", facts, party=party), as_of=AS_OF)
    assert d.outcome == "no_penalty" and d.penalties == []
    got = duties(d)
    assert list(got) == [order, "education"]
    assert got[order] == basis
    assert "order_stop_operation" not in got and "order_correction" not in got


def test_a_minor_with_only_a_revocation_gets_an_option_and_a_duty_to_decide(engine: pe.Engine) -> None:
    minor = case(
        "cn-transport/over-limit-repeat-vehicle", {"over_limit_count_12m": 4}, party={"kind": "individual", "age": 16}
    )
    adult = case(
        "cn-transport/over-limit-repeat-vehicle", {"over_limit_count_12m": 4}, party={"kind": "individual", "age": 30}
    )
    d, a = engine.evaluate(minor, as_of=AS_OF), engine.evaluate(adult, as_of=AS_OF)
    assert [p.kind for p in d.penalties] == [p.kind for p in a.penalties] == ["revocation"]
    assert [(o.kind, o.basis) for o in d.options] == [("mitigate_penalty", ["行政处罚法 第三十条"])]
    assert "吊销许可证件" in d.options[0].reason and "revocation" in in_lang(d.options[0].reason, "en")
    assert duties(d)["decide_mitigation"] == ["行政处罚法 第三十条"]
    assert any(s.code == "mitigation.decide" for s in d.trail)
    # the same revocation for an adult: nothing to mitigate, no option, no duty
    assert a.options == [] and "decide_mitigation" not in duties(a)


def test_a_warning_only_is_the_lightest_penalty_and_stays_with_its_reason(engine: pe.Engine) -> None:
    d = engine.evaluate(
        case("cn-transport/overload-gross-mass", {"excess_mass_kg": 800, "eliminated_harm": True}), as_of=AS_OF
    )
    assert [p.kind for p in d.penalties] == ["warning"] and d.options == []
    assert "decide_mitigation" not in duties(d)
    step = next(s for s in localized(d.trail, "zh") if s.code == "mitigation.lightest")
    assert "警告已是最轻的处罚种类" in step.message


def test_stop_for_rectification_prints_its_own_name_and_property_confiscation_is_translated(engine: pe.Engine) -> None:
    facts = {"serious": True, "items_found": True}
    d = engine.evaluate(case("cn-transport/repair-counterfeit-parts", facts), as_of=AS_OF)
    assert [p.kind for p in d.penalties] == ["fine", "confiscation_property", "suspension_for_rectification"]
    assert "hearing_notice" in duties(d)  # 停业整顿 is a 责令停产停业 (Art. 63 item 4)
    zh = render_decision(d, "text", "zh")
    listed = zh.split("处罚种类")[1].split("适用的裁量因素")[0]  # the penalties as the decision lists them
    assert "责令停业整顿" in listed and "没收非法财物" in listed
    assert "暂扣许可证件" not in listed and "/" not in listed
    for machine in ("suspension_for_rectification", "confiscation_property"):
        assert machine not in zh, machine  # nor in the trail
    en = render_decision(d, "text", "en")
    assert "order to suspend business for rectification" in en


def test_every_penalty_kind_and_order_has_one_name_in_each_language_and_a_reading_name() -> None:
    table = names()
    for lang in ("zh", "en"):
        w = words(lang)
        for kind in [*PenaltyKind, *OrderKind]:
            text = w(f"decision.{kind.value}")
            assert "/" not in text, (lang, kind, text)  # one kind, one name
            assert w.area("trail_value")[kind.value]
    zh = words("zh")
    assert zh("decision.suspension_for_rectification") == "责令停业整顿"
    assert zh("decision.permit_suspension") == "暂扣许可证件" and zh("decision.suspension") == "责令停产停业"
    for kind in OrderKind:
        assert table.value("duty", zh(f"decision.{kind.value}")) == kind.value
    assert table.value("penalty_kind", "停业整顿") == "suspension_for_rectification"
    assert table.value("penalty_kind", "暂扣") == "permit_suspension"


LAW = {"law": "道路运输条例", "article": 63, "text": "责令停止经营"}
VERSION: dict[str, Any] = {
    "effective_from": "2023-07-20",
    "basis": [LAW],
    "frame": [{"id": "base", "fine": {"min": 1000, "max": 2000}}],
}


@pytest.mark.parametrize(
    ("orders", "message"),
    [
        ([{"kind": "order_guardian_care", "basis": [LAW]}], "general part"),
        ([{"kind": "order_stop_operation", "basis": [LAW]}] * 2, "each order kind once"),
        ([{"kind": "order_stop_operation", "basis": []}], "at least 1"),
        ([{"kind": "order_to_pay", "basis": [LAW]}], "order_stop_operation"),
    ],
)
def test_a_rule_version_with_a_wrong_order_is_refused(orders: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RuleVersion.model_validate({**VERSION, "orders": orders})


def test_a_branch_may_add_an_order_and_a_rule_without_orders_dumps_as_before() -> None:
    branch = Branch.model_validate(
        {"id": "b", "fine": {"min": 1, "max": 2}, "orders": [{"kind": "collect_certificates", "basis": [LAW]}]}
    )
    assert branch.orders[0].kind is OrderKind.collect_certificates
    assert "orders" not in RuleVersion.model_validate(VERSION).model_dump(mode="json")  # fingerprints unchanged


def test_a_general_provision_orders_a_guardian_only_and_only_with_no_penalty() -> None:
    base = {
        "id": "p",
        "when": "party.age < 14",
        "label": {"zh": "未成年人", "en": "minor"},
        "basis": [LAW],
    }
    ok = Provision.model_validate(
        {**base, "effect": "no_penalty", "orders": [{"kind": "order_guardian_discipline", "basis": [LAW]}]}
    )
    assert ok.orders[0].kind is OrderKind.order_guardian_discipline
    with pytest.raises(ValidationError, match="no-penalty effect only"):
        Provision.model_validate(
            {**base, "effect": "mitigate", "orders": [{"kind": "order_guardian_discipline", "basis": [LAW]}]}
        )
    with pytest.raises(ValidationError, match="guardian only"):
        Provision.model_validate(
            {**base, "effect": "no_penalty", "orders": [{"kind": "order_stop_operation", "basis": [LAW]}]}
        )


def test_penalty_out_still_takes_any_kind_so_older_decisions_are_read() -> None:
    assert PenaltyOut(kind="suspension").kind == "suspension"


def test_an_optional_mitigation_of_a_revocation_is_offered_without_a_duty(engine: pe.Engine) -> None:
    # Art. 31 sentence 3 (capacity not wholly lost): 可以从轻或者减轻 — an option, no duty
    facts = {"over_limit_count_12m": 4, "mental_capacity": "limited"}
    d = engine.evaluate(
        case("cn-transport/over-limit-repeat-vehicle", facts, party={"kind": "individual"}), as_of=AS_OF
    )
    assert [(o.kind, o.basis) for o in d.options] == [("mitigate_penalty", ["行政处罚法 第三十一条"])]
    assert "可以从轻或者减轻" in d.options[0].reason and "allows" in in_lang(d.options[0].reason, "en")
    assert "decide_mitigation" not in duties(d)
    assert not any(s.code.startswith("mitigation.") for s in d.trail)
