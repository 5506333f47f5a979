"""What ``rules check`` finds in a weighted table (ADR 0020; issue #17): sums that cannot reach the cap
or pass it, a lowest sum below the statutory minimum, a level no case chooses; each kind on a table made
to show it, and none on the shipped environment pack's own defects (it has one intended warning)."""

from __future__ import annotations

from typing import Any

from penalty_engine.check import check_pack
from penalty_engine.check.findings import KINDS
from penalty_engine.check.weights import WEIGHT_KINDS
from tests.unit.test_weighted import PACK, RULE


def kinds(write_pack: Any, rule: str) -> list[tuple[str, str]]:
    report = check_pack(write_pack(rule, PACK, name="w.yaml"))
    return sorted((f.kind, f.message) for f in report.findings if f.kind in WEIGHT_KINDS)


def test_the_test_table_passes_the_cap_and_falls_below_the_minimum(write_pack: Any) -> None:
    # start 5% + highest 70% + 60% = 135% > 100%; lowest 5% + 1% + 2% = 8% < 100000 / 1000000 = 10%
    found = kinds(write_pack, RULE.replace("FLOOR", ""))
    assert [k for k, _ in found] == ["weighted_below_minimum", "weights_over"]
    assert "135%" in found[1][1] and "8%" in found[0][1] and "10%" in found[0][1]


def test_a_floor_at_the_minimum_clears_the_finding_and_short_weights_are_found(write_pack: Any) -> None:
    # floor 10% = the minimum's share; highest 5% + 20% + 60% = 85% < 100%: the maximum is never reached
    rule = RULE.replace("FLOOR", "floor: 10/100\n      floor_basis: [{benchmark: 不足10%的，按10%计算}]")
    rule = rule.replace("weight: 70/100", "weight: 20/100")
    found = kinds(write_pack, rule)
    assert [k for k, _ in found] == ["weights_short"] and "85%" in found[0][1]


def test_a_level_an_earlier_one_shadows_is_never_chosen(write_pack: Any) -> None:
    # `once` (2%) made to hold for every known value of `times`: `often` (60%), listed after it, never holds
    # first; the lowest level stays reachable (a factor not established counts at it)
    rule = RULE.replace('when: times == "once"}', 'when: times != "unknown"}').replace("FLOOR", "")
    found = kinds(write_pack, rule)
    unreachable = [m for k, m in found if k == "weight_level_unreachable"]
    expected = "version 2020-01-01: level 'often' of factor 'times' is never chosen (an earlier level takes every case)"
    assert unreachable == [expected]


def test_a_level_without_a_condition_that_is_not_the_lowest_is_never_chosen(write_pack: Any) -> None:
    rule = RULE.replace(', when: times == "often"}', "}").replace("FLOOR", "")
    found = kinds(write_pack, rule)
    expected = "version 2020-01-01: level 'often' of factor 'times' is never chosen (it has no condition)"
    assert ("weight_level_unreachable", expected) in found


def test_the_kinds_are_warnings_and_the_shipped_pack_has_only_its_clamp() -> None:
    assert {KINDS[k] for k in WEIGHT_KINDS} == {"warning"}
    report = check_pack("cn-gd-environment")
    found = [(f.kind, f.rule) for f in report.findings]
    # 水法 Art. 83 item 2: the table's lowest 7% × 100万 is below the 10万 minimum (the pack's clamp assumption)
    assert found == [("weighted_below_minimum", "cn-gd-environment/water-over-limit")]
