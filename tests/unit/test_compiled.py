"""The compiled evaluator and its lazy decisions (issue #15, ADR 0026).

The comparison set in small (every golden case with and without ``as_of``, generated cases, cases
with errors injected): the compiled evaluator and the interpreter give the same bytes. Then what a
lazy decision promises: the fields decided are there without expanding it; anything else (a field,
the JSON, ``==``, ``repr``, pickle, a copy, a model that holds it) gives the interpreter's decision.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

import penalty_engine as pe
from bench.compare_evaluators import compare, generated_items, golden_items
from penalty_engine.core import _fast
from penalty_engine.core import compiled as compiled_mod
from penalty_engine.core.lazy import DECIDED, LazyDecision
from penalty_engine.models import Decision, Decisions
from tests.conftest import AS_OF, case


@pytest.fixture(scope="module")
def reference() -> pe.Engine:
    return pe.Engine.load(evaluator="interpreter")


@pytest.fixture(scope="module")
def engine() -> pe.Engine:
    """The compiled evaluator (opt-in: the default engine is the interpreter)."""
    return pe.Engine.load(evaluator="compiled")


def freight(**facts: Any) -> dict[str, Any]:
    return case("cn-transport/unlicensed-freight", {"illegal_gain": "50000", **facts}, occurred_on="2026-03-01")


def test_golden_cases_are_the_same_bytes(engine: pe.Engine, reference: pe.Engine) -> None:
    counts, differences = compare(golden_items(), engine, reference)
    assert differences == []
    assert counts["compiled"] > counts["decisions"] / 2  # most golden cases are decided by the compiled path


def test_generated_and_broken_cases_are_the_same_bytes(engine: pe.Engine, reference: pe.Engine) -> None:
    counts, differences = compare(generated_items(engine, 400, 300, seed=15), engine, reference)
    assert differences == []
    assert counts["errors"] > 100 and counts["compiled"] > 250  # both paths were exercised


def test_the_comparison_sees_a_wrong_band(
    engine: pe.Engine, reference: pe.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison can fail: a compiled evaluator whose band is one yuan too wide differs."""
    fast = _fast
    wide = SimpleNamespace(band=lambda lo, hi, *rest: fast.band(lo, hi + 1, *rest), amount=fast.amount)
    monkeypatch.setattr(compiled_mod, "_fast", wide)  # the compiled evaluator's only, not the interpreter's
    wrong = pe.Engine.load(evaluator="compiled")
    _, differences = compare(generated_items(wrong, 60, 0, seed=3), wrong, reference)
    assert differences


def test_decided_fields_are_read_without_expanding(engine: pe.Engine, reference: pe.Engine) -> None:
    d = engine.evaluate(freight(), as_of=AS_OF)
    ref = reference.evaluate(freight(), as_of=AS_OF)
    assert type(d) is LazyDecision and isinstance(d, Decision)
    for name in DECIDED:
        assert repr(getattr(d, name)) == repr(getattr(ref, name))
    assert type(d) is LazyDecision  # still: nothing else was made
    assert d.recommended_fine == ref.recommended_fine and d.band == ref.band and d.outcome == "penalty"


@pytest.mark.parametrize(
    "read",
    [
        lambda d: d.trail,
        lambda d: d.fingerprint,
        lambda d: d.duties,
        lambda d: d.model_dump(mode="json"),
        lambda d: d.model_dump_json(),
        lambda d: repr(d),
        lambda d: copy.deepcopy(d),
        lambda d: copy.copy(d),
        lambda d: pickle.loads(pickle.dumps(d)),
        lambda d: TypeAdapter(Decision).dump_json(d),
        lambda d: Decisions(case_id="x", same_act=False, decisions=[d], combined=_combined()).model_dump_json(),
        lambda d: d.model_copy(),
    ],
)
def test_anything_else_gives_the_interpreters_decision(engine: pe.Engine, reference: pe.Engine, read: Any) -> None:
    d = engine.evaluate(freight(), as_of=AS_OF)
    ref = reference.evaluate(freight(), as_of=AS_OF)
    assert type(d) is LazyDecision
    read(d)
    assert type(d) is Decision  # expanded for good
    assert d == ref and repr(d) == repr(ref) and d.model_dump_json() == ref.model_dump_json()
    assert d.model_fields_set == ref.model_fields_set


def _combined() -> Any:
    from penalty_engine.models import Combined

    return Combined(fines=[], applied=None, basis=[], reason="-")


def test_equality_and_pickle_of_a_lazy_decision(engine: pe.Engine, reference: pe.Engine) -> None:
    ref = reference.evaluate(freight(), as_of=AS_OF)
    assert engine.evaluate(freight(), as_of=AS_OF) == ref
    assert ref == engine.evaluate(freight(), as_of=AS_OF)
    back = pickle.loads(pickle.dumps(engine.evaluate(freight(), as_of=AS_OF)))
    assert type(back) is Decision and back == ref


def test_a_model_holding_a_lazy_decision_serialises_it_whole(engine: pe.Engine, reference: pe.Engine) -> None:
    class Holder(BaseModel):
        decision: Decision

    ref = reference.evaluate(freight(), as_of=AS_OF)
    held = Holder(decision=engine.evaluate(freight(), as_of=AS_OF))
    assert held.model_dump_json() == Holder(decision=ref).model_dump_json()


def test_the_case_is_read_when_evaluated_not_when_expanded(engine: pe.Engine, reference: pe.Engine) -> None:
    given = freight()
    d = engine.evaluate(given, as_of=AS_OF)
    given["facts"]["illegal_gain"] = "1"  # the caller reuses its dict
    given["case_id"] = "changed"
    assert d.model_dump_json() == reference.evaluate(freight(), as_of=AS_OF).model_dump_json()


def test_errors_come_from_the_interpreter(engine: pe.Engine, reference: pe.Engine) -> None:
    bad = freight(illegal_gain="lots")
    with pytest.raises(pe.CaseError) as mine:
        engine.evaluate(bad, as_of=AS_OF)
    with pytest.raises(pe.CaseError) as theirs:
        reference.evaluate(bad, as_of=AS_OF)
    assert str(mine.value) == str(theirs.value) and mine.value.code == theirs.value.code


def test_coverage_says_which_versions_are_compiled(engine: pe.Engine, reference: pe.Engine) -> None:
    cover = engine.coverage()
    assert all(c for _, c in cover["cn-transport/unlicensed-freight"])
    # a version with levels (ADR 0010) or a per-day fine (ADR 0023) runs on the interpreter
    assert not any(c for _, c in cover["cn-gd-environment/water-refusal-per-day"])
    assert not any(c for _, c in cover["cn-gd-environment/water-over-limit"])
    assert not any(c for versions in reference.coverage().values() for _, c in versions)


def test_an_uncovered_form_runs_on_the_interpreter(engine: pe.Engine) -> None:
    rule = engine.rule("cn-gd-environment/water-over-limit")
    version = rule.versions[0].version
    day = version.effective_from + dt.timedelta(days=30)
    facts = {n: s.default for n, s in rule.facts.items() if s.default is not None}
    for name in rule.required:
        facts[name] = "1000" if rule.facts[name].type.value in ("money", "number") else 1
    c = case(rule.id, facts, occurred_on=day.isoformat())
    try:
        d = engine.evaluate(c, as_of=day + dt.timedelta(days=10))
    except pe.PenaltyEngineError:
        return  # an error is the interpreter's in any case
    assert type(d) is Decision


def test_a_field_the_evaluator_does_not_know_sends_the_version_to_the_interpreter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A form added later (a band mode, an adjustment after the amount) is never decided wrongly."""
    monkeypatch.setitem(compiled_mod.KNOWN, "Tier", frozenset({"tier", "label", "band", "basis"}))  # not "when"
    engine = pe.Engine.load("cn-transport")
    cover = engine.coverage()
    assert not all(c for versions in cover.values() for _, c in versions)
    d = engine.evaluate(freight(), as_of=AS_OF)
    assert type(d) is Decision
    monkeypatch.delitem(compiled_mod.KNOWN, "RuleVersion")  # a model it does not know at all
    assert not any(c for versions in pe.Engine.load("cn-transport").coverage().values() for _, c in versions)


def test_unknown_evaluator_is_refused() -> None:
    with pytest.raises(ValueError, match="evaluator"):
        pe.Engine.load("cn-transport", evaluator="fast")  # type: ignore[arg-type]


def test_the_quick_plain_check_says_what_the_full_walk_says() -> None:
    """``plain_problem`` answers the usual case dicts without walking them (ADR 0026); on hostile
    ones it gives exactly the full walk's answer."""
    import random

    from penalty_engine.yamlio import plain_problem, walk_problem
    from tests.fuzz.mutate import hostile, mutate_case, seed_cases

    rnd = random.Random(26)
    seeds = seed_cases()
    checked = problems = 0
    for _ in range(3000):
        data, _as_of = mutate_case(rnd, rnd.choice(seeds))
        if rnd.random() < 0.3:
            data[rnd.choice(["facts", "party", "note"])] = {"x": [hostile(rnd), {"y": hostile(rnd)}]}
        assert plain_problem(data) == walk_problem(data)
        checked += 1
        problems += walk_problem(data) is not None
    assert checked == 3000 and problems > 50
    deep: dict[str, object] = {}
    node = deep
    for _ in range(60):
        node["d"] = node = {}
    assert plain_problem(deep) == walk_problem(deep) is not None
