"""Decisions are assembled without validation (``decision_model.built``); each must equal what
pydantic makes of the same data, down to the types of its values."""

from __future__ import annotations

from hypothesis import given

from penalty_engine.models.decision import Decision

from .strategies import Example, engine, examples


@given(ex=examples())
def test_a_decision_equals_its_own_revalidation(ex: Example) -> None:
    decision = engine().evaluate(ex.case, as_of=ex.as_of)
    again = Decision.model_validate(decision.model_dump(by_alias=True))
    assert again == decision
    assert repr(again) == repr(decision)  # repr tells Decimal('5') from 5 and a date from its text
    assert again.model_fields_set == decision.model_fields_set
    assert again.model_dump_json() == decision.model_dump_json()
