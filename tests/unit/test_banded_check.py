"""What ``rules check`` finds in a band table (幅度罚款模式, ADR 0024): rows that overlap, a combination
no row covers, a band outside the statutory range, levels not lowest first; each on the synthetic
table of ``test_banded`` changed to show it, none on that table or on the shipped §3.14 table."""

from __future__ import annotations

from typing import Any

from penalty_engine.check import check_pack
from penalty_engine.check.banded import BANDED_KINDS
from penalty_engine.check.findings import KINDS
from tests.unit.test_banded import PACK, rule_text


def found(write_pack: Any, rule: str) -> list[tuple[str, str]]:
    report = check_pack(write_pack(rule, PACK, name="b.yaml"))
    return sorted((f.kind, f.message) for f in report.findings if f.kind in BANDED_KINDS)


def test_the_test_table_is_clean(write_pack: Any) -> None:
    assert found(write_pack, rule_text()) == []


def test_rows_that_overlap(write_pack: Any) -> None:
    # row 2 widened to both levels of `a`: a2 × z2 is covered by rows 2 and 4; the first, 3000–5000, then
    # puts a2 × z2 below a2 × z1 (row 3, 5000–8000), so the order of z's levels is questioned too
    rule = rule_text().replace("{levels: {a: a1, z: z2}", "{levels: {a: [a1, a2], z: z2}")
    kinds = found(write_pack, rule)
    overlap = "version 2020-01-01: rows 2, 4 all cover a=a2, z=z2: the first is taken"
    assert [k for k, _ in kinds] == ["banded_order", "banded_overlap"] and kinds[1][1] == overlap


def test_a_combination_no_row_covers(write_pack: Any) -> None:
    rule = "\n".join(line for line in rule_text().splitlines() if "{a: a2, z: z1}" not in line) + "\n"
    assert found(write_pack, rule) == [
        ("banded_hole", "version 2020-01-01: no row covers a=a2, z=z1: a case there cannot be decided")
    ]


def test_a_band_outside_the_statutory_range(write_pack: Any) -> None:
    rule = rule_text().replace("{fixed: 10000}", "{fixed: 12000}")
    kinds = found(write_pack, rule)
    assert [k for k, _ in kinds] == ["banded_outside_range"]
    assert "row 4's band 12000–12000 passes the statutory range 1000–10000" in kinds[0][1]


def test_levels_not_lowest_first(write_pack: Any) -> None:
    # z2 listed before z1: z1 gives the lower band with a1 (row 1 below row 2): a factor not established
    # would count at z2, not at the lowest level
    text = rule_text()
    z1 = '            - {id: z1, label: {zh: 一般区域, en: ordinary}, when: z == "z1"}\n'
    z2 = '            - {id: z2, label: {zh: 敏感区, en: sensitive}, when: z == "z2"}\n'
    assert z1 + z2 in text
    kinds = found(write_pack, text.replace(z1 + z2, z2 + z1))
    assert [k for k, _ in kinds] == ["banded_order"]
    assert "level 'z1' of factor 'z' gives a lower band (row 1) than the earlier level 'z2' (row 2)" in kinds[0][1]


def test_severities_and_the_shipped_table() -> None:
    assert {k: KINDS[k] for k in BANDED_KINDS} == {
        "banded_overlap": "error",
        "banded_hole": "error",
        "banded_outside_range": "error",
        "banded_order": "warning",
    }
    report = check_pack("cn-gd-environment")
    assert [f for f in report.findings if f.rule == "cn-gd-environment/vocs-not-enclosed"] == []
