"""ClauseTable: the fast path (celfast) and the CEL library give the same results and errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.cel.conditions import ClauseTable
from penalty_engine.errors import EvaluationError
from penalty_engine.models.rules import FactSpec

FACTS = {
    "gain": FactSpec.model_validate({"type": "money", "label": {"zh": "违法所得", "en": "gain"}}),
    "prior": FactSpec.model_validate({"type": "int", "label": {"zh": "次数", "en": "prior"}}),
    "harm": FactSpec.model_validate(
        {"type": "enum", "values": ["none", "serious"], "label": {"zh": "危害", "en": "harm"}, "default": "none"}
    ),
    "serious": FactSpec.model_validate({"type": "bool", "label": {"zh": "严重", "en": "serious"}, "default": False}),
}
ORG = {"kind": "organization"}
MINOR = {"kind": "individual", "age": 15, "age_given": True}


def table(*clauses: str) -> ClauseTable:
    t = ClauseTable(FACTS, "test")
    for c in clauses:
        t.add(c, "test.yaml:1")
    t.seal()
    return t


def library_only(t: ClauseTable) -> ClauseTable:
    t._fast = None  # what run() does when a clause is outside the fast subset
    return t


def act(
    gain: float = 0.0, prior: int = 0, harm: str = "none", serious: bool = False, party: Any = None
) -> dict[str, Any]:
    return {"gain": gain, "prior": prior, "harm": harm, "serious": serious, "party": party or ORG}


SIMPLE = (
    "gain > 10000",
    "serious && gain <= 10000",
    "prior >= 2",
    'harm == "serious"',
    "!serious",
    'party.kind == "individual" && party.age < 18',
)


def test_shipped_pack_runs_every_version_on_the_fast_path() -> None:
    for rule in pe.Engine.load().rules():
        for v in rule.versions:
            assert v.table._fast is not None, (rule.id, v.key)


@pytest.mark.parametrize(
    "activation",
    [act(), act(10000.0, 2, "serious", True), act(10000.01, 1, party=MINOR), act(0.5, 3, "serious", False, MINOR)],
)
def test_fast_path_and_library_agree(activation: dict[str, Any]) -> None:
    fast = table(*SIMPLE)
    assert fast._fast is not None
    assert fast.run(activation, "case") == library_only(table(*SIMPLE)).run(activation, "case")


def test_a_clause_outside_the_subset_keeps_the_library_for_the_version() -> None:
    t = table("gain > 10000", "size(harm) > 4")
    assert t._fast is None
    assert t.run(act(20000.0, harm="serious"), "case") == [True, True]
    assert t.run(act(), "case") == [False, False]


def test_an_error_on_the_fast_path_gives_the_library_error_naming_the_clause() -> None:
    # fine on the typed samples (prior up to 100000), an int64 overflow for this case
    clauses = ("gain > 0", "prior * 92233720368547 > 0")
    fast, slow = table(*clauses), library_only(table(*clauses))
    assert fast._fast is not None
    with pytest.raises(EvaluationError) as got_fast:
        fast.run(act(prior=200000), "C-1")
    with pytest.raises(EvaluationError) as got_slow:
        slow.run(act(prior=200000), "C-1")
    assert got_fast.value.code == got_slow.value.code == "PE-E002"
    assert str(got_fast.value) == str(got_slow.value)
    assert "prior * 92233720368547 > 0" in str(got_fast.value)
    assert fast.run(act(prior=2), "C-1") == [False, True]


def test_error_absorbed_by_and_is_false_on_both_paths() -> None:
    clauses = ('party.kind == "individual" && party.age < 14',)
    assert table(*clauses).run(act(), "c") == library_only(table(*clauses)).run(act(), "c") == [False]


def test_money_reaches_conditions_as_a_double_and_compares_exactly_at_the_boundary() -> None:
    t = table("gain > 10000", "gain >= 10000.01")
    assert t.run(act(float(Decimal("10000.00"))), "c") == [False, False]
    assert t.run(act(float(Decimal("10000.01"))), "c") == [True, True]
