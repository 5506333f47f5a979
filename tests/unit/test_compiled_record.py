# ruff: noqa: F811 (the fixtures ``engine`` and ``reference`` are test_compiled's, named as parameters)
"""What a lazy decision tells without expanding: duty kinds and similar-case parts (#15, ADR 0026).

Replay reads two things of each decision besides its decided fields: the kinds of its duties (when
an export gives the duties done) and what makes the case alike others (its similarity key). A lazy
decision of the compiled evaluator gives both from its record (``core/record.py``); these tests say
they are the interpreter's, that reading them expands nothing, that the comparison set sees a
record that lies, and that replay over the compiled evaluator gives the same files byte for byte
while running the interpreter only for the rows it flags.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

import penalty_engine as pe
from bench.compare_evaluators import compare, generated_items
from bench.gen_decisions import write
from penalty_engine.core import duty_kinds, evaluation, penalty_kinds
from penalty_engine.core.lazy import LazyDecision
from penalty_engine.core.record import Explainer
from penalty_engine.replay import Outputs, Settings, replay
from penalty_engine.replay.classify import similarity, view_of
from penalty_engine.replay.readers import Row
from penalty_engine.replay.run import Evaluator
from tests.conftest import AS_OF, case
from tests.unit.test_compiled import engine, reference  # noqa: F401 (the two engines, as fixtures: see the top)

FREIGHT = "cn-transport/unlicensed-freight"


def freight(gain: str, **facts: Any) -> dict[str, Any]:
    return case(FREIGHT, {"illegal_gain": gain, **facts}, occurred_on="2026-03-01")


@pytest.mark.parametrize(
    ("facts", "party"),
    [
        ({}, {"kind": "organization"}),  # a fine below the hearing threshold: correction only
        ({"prior_12m": 3, "several_vehicles": True}, {"kind": "organization"}),  # heavier, with factors
        ({}, {"kind": "individual", "age": 15}),  # Art. 30: a minor, less than the adult's
        ({}, {"kind": "individual", "age": 12}),  # Art. 30: under 14, not punished, guardian ordered
    ],
)
def test_record_says_what_the_expanded_decision_says(
    engine: pe.Engine, reference: pe.Engine, facts: dict[str, Any], party: dict[str, Any]
) -> None:
    c = freight("150000", **facts) | {"party": party}
    d = engine.evaluate(c, as_of=AS_OF)
    ref = reference.evaluate(c, as_of=AS_OF)
    assert type(d) is LazyDecision
    kinds, penalties = duty_kinds(d), penalty_kinds(d)
    parts = similarity(d) if d.band is not None else None
    assert type(d) is LazyDecision  # reading them expanded nothing
    assert kinds == tuple(x.kind for x in ref.duties) and penalties == tuple(p.kind for p in ref.penalties)
    assert parts == (similarity(ref) if ref.band is not None else None)
    if ref.band is not None:
        assert parts is not None and "illegal_gain" in parts["facts"]  # the branch's multiple reads it


def test_hearing_notice_from_the_record(engine: pe.Engine, reference: pe.Engine) -> None:
    """A fine over the pack's hearing threshold: the record gives the hearing notice (and what the
    pack adds to it) as the interpreter does."""
    c = freight("900000", prior_12m=3)
    d = engine.evaluate(c, as_of=AS_OF)
    assert isinstance(d, LazyDecision)
    kinds = duty_kinds(d)
    ref = [x.kind for x in reference.evaluate(c, as_of=AS_OF).duties]
    assert kinds is not None and "hearing_notice" in kinds and list(kinds) == ref


def test_an_expanded_decision_answers_from_its_trail(engine: pe.Engine, reference: pe.Engine) -> None:
    d = engine.evaluate(freight("150000"), as_of=AS_OF)
    assert isinstance(d, LazyDecision)
    d.expand()
    assert type(d) is not LazyDecision  # the record is gone: replay reads the duties and the trail
    ref = reference.evaluate(freight("150000"), as_of=AS_OF)
    assert duty_kinds(d) == tuple(x.kind for x in ref.duties) and similarity(d) == similarity(ref)


def test_the_comparison_sees_a_record_that_lies(
    engine: pe.Engine, reference: pe.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison can fail: a record that drops a duty, or a fact of the similar-case parts, differs."""
    items = list(generated_items(engine, 120, 0, seed=5))
    _, clean = compare(iter(items), engine, reference)
    assert clean == []
    kinds = Explainer.duty_kinds
    monkeypatch.setattr(Explainer, "duty_kinds", lambda self, *a: kinds(self, *a)[:-1])
    _, wrong = compare(iter(items), engine, reference)
    assert wrong
    monkeypatch.undo()
    alike = Explainer.alike
    monkeypatch.setattr(Explainer, "alike", lambda self, *a: alike(self, *a)._replace(facts={}))
    _, wrong = compare(iter(items), engine, reference)
    assert wrong


def test_a_consistent_row_never_runs_the_interpreter(reference: pe.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replay on the compiled evaluator: a row whose fine lies in the band and whose duties were all
    done is classified, grouped and written without the interpreter; a flagged row is expanded (the
    report shows its trail)."""
    rows = []
    for i, gain in enumerate(("15000", "150000", "900000")):
        c = freight(gain, prior_12m=i) | {"case_id": f"C-{i}"}
        d = reference.evaluate(c, as_of=AS_OF)
        kinds = [x.kind for x in d.duties]
        c["actual"] = {"outcome": "penalty", "fine": str(d.recommended_fine), "duties": kinds}
        rows.append(Row(f"rows.jsonl:{i + 1}", json.dumps(c)))
    ev = Evaluator(Settings(as_of=AS_OF))
    runs: list[str] = []
    run = evaluation.Evaluation.run

    def counted(self: evaluation.Evaluation) -> Any:
        runs.append(self.case.case_id)
        return run(self)

    monkeypatch.setattr(evaluation.Evaluation, "run", counted)
    out = ev.rows(rows)
    assert [o.status for o in out] == ["consistent"] * 3 and runs == []  # type: ignore[union-attr]
    flagged = json.loads(str(rows[1].data))
    flagged["actual"]["duties"] = ["order_correction"][:0]  # nothing done: missing duties
    flagged["actual"]["fine"] = "1"
    out = ev.rows([Row("rows.jsonl:9", json.dumps(flagged))])
    assert out[0].status == "outside_statutory_range" and runs == ["C-1"]  # type: ignore[union-attr]
    assert out[0].flagged and '"trail"' in out[0].flagged  # type: ignore[union-attr]


def test_view_of_a_lazy_decision_asks_its_duties_only_when_compared(engine: pe.Engine) -> None:
    d = engine.evaluate(freight("150000"), as_of=AS_OF)
    view = view_of(d)
    assert view.duties is None and type(d) is LazyDecision
    assert "order_stop_operation" in view.duty_kinds() and type(d) is LazyDecision  # 责令停止经营


def test_replay_on_either_evaluator_writes_the_same_files(tmp_path: Path) -> None:
    data = tmp_path / "past.jsonl"
    write(data, 1500, 29, 0.05, 0.03, 0.02)
    written = {}
    for kind in ("compiled", "interpreter"):
        out = tmp_path / kind
        out.mkdir()
        outputs = Outputs(json=out / "s.json", results=out / "r.jsonl", rejects=out / "x.jsonl")
        outputs = dataclasses.replace(outputs, markdown=out / "s.md", html=out / "r.html")
        replay([data], Settings(evaluator=kind), outputs, workers=1)
        written[kind] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert written["compiled"].keys() == {"s.json", "r.jsonl", "x.jsonl", "s.md", "r.html"}
    for name, content in written["compiled"].items():
        assert content == written["interpreter"][name], name
    summary = json.loads(written["compiled"]["s.json"])
    assert summary["flagged"] and summary["similar_groups"]  # the comparison covered flagged rows and groups


def test_impact_on_either_evaluator_writes_the_same_files(tmp_path: Path) -> None:
    """Impact compares each side's duty and penalty kinds: from the compiled record, as from the
    interpreter's decision; the national pack against the Gansu layer over generated rows."""
    from penalty_engine.impact import Outputs as ImpactOutputs
    from penalty_engine.impact import Settings as ImpactSettings
    from penalty_engine.impact import impact

    data = tmp_path / "past.jsonl"
    write(data, 1200, 31, 0.05, 0.03, 0.02)
    written = {}
    for kind in ("compiled", "interpreter"):
        out = tmp_path / f"impact-{kind}"
        out.mkdir()
        settings = ImpactSettings(before=("cn-transport",), after=("cn-gs-transport",), evaluator=kind)
        impact([data], settings, ImpactOutputs(json=out / "i.json", html=out / "i.html"), workers=1)
        written[kind] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert written["compiled"] == written["interpreter"]
    summary = json.loads(written["compiled"]["i.json"])
    assert summary["changes"] and summary["summary"]["rejected"] > 0  # changes compared, other packs' rows refused
