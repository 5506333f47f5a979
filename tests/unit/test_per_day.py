"""Per-day continuous fines (按日连续处罚, ADR 0023): the counting setting, the errors a case can
make, and the contract left unchanged for every other penalty. Amounts by hand in the comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import penalty_engine as pe
from penalty_engine.errors import CaseError, RuleErrors
from penalty_engine.models import PenaltyOut
from penalty_engine.models.trail import render_message

ROOT = Path(__file__).resolve().parents[2]
CASE: dict[str, Any] = {
    "case_id": "PD-1",
    "violation": "cn-gd-environment/water-refusal-per-day",
    "occurred_on": "2025-08-15",
    "decided_on": "2025-10-20",
    "party": {"kind": "organization"},
    "facts": {"original_fine": "150000"},
    "correction": {
        "ordered_on": "2025-09-01",
        "served_on": "2025-09-02",
        "reinspections": [{"date": "2025-09-30", "continuing": True}],
    },
}


def _pack_copy(tmp_path: Path, count_from: str) -> Path:
    """The environment pack with the counting setting changed (everything else as shipped)."""
    src = ROOT / "rules" / "cn-gd-environment"
    dst = tmp_path / "cn-gd-environment"
    for f in src.rglob("*.yaml"):
        target = dst / f.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = f.read_text(encoding="utf-8")
        if f.name == "pack.yaml":
            assert "    value: served\n" in text
            text = text.replace("    value: served\n", f"    value: {count_from}\n", 1)
        target.write_text(text, encoding="utf-8")
    return dst


def _steps(d: pe.Decision, code: str) -> list[Any]:
    return [s for s in d.trail if s.code == code]


def test_served_setting_counts_from_the_day_after_service(engine: pe.Engine) -> None:
    d = engine.evaluate(CASE)
    # 2025-09-03 … 2025-09-30 = 28 days; 150000 × 28 = 4200000
    assert d.penalties == [PenaltyOut(kind="fine", amount=4200000, days=28, daily=150000)]
    assert d.recommended_fine == 4200000
    (amount,) = _steps(d, "per_day.amount")
    zh = render_message(amount.code, amount.inputs, amount.result, "zh")
    assert "150000 元 × 计罚日数 28 日 = 4200000 元" in zh


def test_ordered_setting_counts_one_day_more(tmp_path: Path) -> None:
    engine = pe.Engine.load(_pack_copy(tmp_path, "ordered"))
    d = engine.evaluate(CASE)
    # from the day after the order (2025-09-01): 2025-09-02 … 2025-09-30 = 29 days; 150000 × 29 = 4350000
    assert d.recommended_fine == 4350000
    assert d.penalties[0].days == 29


def test_invalid_setting_does_not_load(tmp_path: Path) -> None:
    with pytest.raises(RuleErrors, match="ordered"):
        pe.Engine.load(_pack_copy(tmp_path, "noticed"))


def test_ordered_setting_needs_no_service_date(tmp_path: Path) -> None:
    engine = pe.Engine.load(_pack_copy(tmp_path, "ordered"))
    corr = {k: v for k, v in CASE["correction"].items() if k != "served_on"}
    assert engine.evaluate({**CASE, "correction": corr}).penalties[0].days == 29


def test_served_setting_needs_the_service_date(engine: pe.Engine) -> None:
    corr = {k: v for k, v in CASE["correction"].items() if k != "served_on"}
    with pytest.raises(CaseError) as exc:
        engine.evaluate({**CASE, "correction": corr})
    assert exc.value.code == "PE-C002" and "served_on" in str(exc.value)


def test_correction_is_required(engine: pe.Engine) -> None:
    with pytest.raises(CaseError) as exc:
        engine.evaluate({k: v for k, v in CASE.items() if k != "correction"})
    assert exc.value.code == "PE-C002" and "correction" in str(exc.value)


def test_reinspection_after_the_decision_is_refused(engine: pe.Engine) -> None:
    with pytest.raises(CaseError) as exc:
        engine.evaluate({**CASE, "decided_on": "2025-09-20"})
    assert exc.value.code == "PE-C004"


@pytest.mark.parametrize(
    "reinspections",
    [
        [{"date": "2025-09-02", "continuing": True}],  # on the day of service
        [{"date": "2025-09-20", "continuing": True}, {"date": "2025-09-10", "continuing": True}],  # out of order
    ],
)
def test_reinspection_dates_are_checked(engine: pe.Engine, reinspections: list[dict[str, Any]]) -> None:
    with pytest.raises(CaseError):
        engine.evaluate({**CASE, "correction": {**CASE["correction"], "reinspections": reinspections}})


def test_changing_a_reinspection_changes_the_fingerprint(engine: pe.Engine) -> None:
    other = {**CASE["correction"], "reinspections": [{"date": "2025-09-29", "continuing": True}]}
    a, b = engine.evaluate(CASE), engine.evaluate({**CASE, "correction": other})
    assert b.penalties[0].days == 27 and a.fingerprint != b.fingerprint


def test_other_penalties_keep_their_json(engine: pe.Engine) -> None:
    d = engine.evaluate(
        {
            "case_id": "W-1",
            "violation": "cn-gd-environment/water-over-limit",
            "occurred_on": "2025-05-06",
            "decided_on": "2025-07-01",
            "party": {"kind": "organization"},
        }
    )
    assert d.model_dump(mode="json")["penalties"] == [{"kind": "fine", "amount": "100000"}]
    assert pe.Decision.model_validate(d.model_dump(mode="json")) == d


def test_per_day_decision_round_trips(engine: pe.Engine) -> None:
    d = engine.evaluate(CASE)
    data = d.model_dump(mode="json")
    assert data["penalties"] == [{"kind": "fine", "amount": "4200000", "days": 28, "daily": "150000"}]
    assert pe.Decision.model_validate(data) == d


def test_new_case_asks_for_the_order_and_the_reinspections(engine: pe.Engine) -> None:
    from penalty_engine.newcase import build_case, template_yaml

    rule = engine.rule("cn-gd-environment/water-refusal-per-day")
    case_part = iter(["PD-9", "2025-02-20", "", "2025-04-15", "单位", "200000"])
    correction = iter(["2025-03-03", "2025-03-05", "2025-03-20", "是", "2025-03-25", "否", ""])
    asked: list[str] = []

    def answer(prompt: str) -> str:
        # the case's own questions first; then every fact at its default until the order is asked for
        # (the number of facts follows the pack and its general part), then the correction's questions
        if prompt.startswith("责令改正之日") or (asked and asked[-1] == "correction"):
            asked.append("correction")
            return next(correction)
        return next(case_part, "")

    data = build_case(rule, answer, lambda _text: None)
    # 2025-03-06 … 2025-03-20 = 15 days, then corrected: 200000 × 15 = 3000000
    assert engine.evaluate(data).penalties[0].days == 15
    assert "correction:" in template_yaml(rule) and "correction:" not in template_yaml(
        engine.rule("cn-gd-environment/water-over-limit")
    )


def test_rules_without_per_day_dump_as_before(engine: pe.Engine) -> None:
    """The new keys are left out of a version's dump while unset: its content hash (and every
    fingerprint made from it) stays as it was for rules written before them."""
    for rule in engine.rules():
        for cv in rule.versions:
            if cv.version.per_day is None:
                dump = cv.version.model_dump(mode="json")
                assert "per_day" not in dump and all("per_day" not in b for b in dump["frame"])


def test_the_penalty_line_shows_the_daily_amount_and_the_days(engine: pe.Engine) -> None:
    """What an officer files: the fine with its daily amount and days, in text, Markdown and the .docx."""
    import io

    import docx

    from penalty_engine.render import render_any
    from penalty_engine.render.document import render_document
    from penalty_engine.yamlio import parse_yaml

    path = Path(__file__).parents[2] / "cases/cn-gd-environment/water-refusal-per-day/01-one-reinspection-20-days.yaml"
    data = dict(parse_yaml(path.read_text(encoding="utf-8")).data)
    data.pop("expect", None)
    d = engine.evaluate(data)
    # 20 days (2025-03-06 … 2025-03-25) × the original fine 200,000 = 4,000,000
    zh = "罚款: 4,000,000元（按日连续处罚：每日 200,000元 × 20 日）"
    assert zh in render_any(d, "text", "zh") and zh in render_any(d, "markdown", "zh")
    assert "fine: CNY 4,000,000 (per day: CNY 200,000 a day × 20 days)" in render_any(d, "text", "en")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(render_document(d, "docx", "zh"))).paragraphs]
    assert any("4,000,000元（按日连续处罚：每日 200,000元 × 20 日）" in p for p in paragraphs)


def test_an_article_that_says_may_offers_not_fining_per_day(engine: pe.Engine) -> None:
    # 大气污染防治法 第一百二十三条 "可以…按日连续处罚": the same dates as CASE, 2025-09-03 … 09-30 = 28 days,
    # 150000 × 28 = 4200000, with the option not to fine per day citing the article; the water rule (not
    # marked optional) offers none
    air = engine.evaluate({**CASE, "violation": "cn-gd-environment/air-refusal-per-day"})
    assert air.recommended_fine == 4200000
    (option,) = air.options
    assert option.kind == "not_per_day" and option.basis[0] == "大气污染防治法 第一百二十三条第（二）项"
    assert "“可以”按日连续处罚" in option.reason
    assert engine.evaluate(CASE).options == []


def test_optional_is_left_out_of_a_dump_while_false(engine: pe.Engine) -> None:
    # the water rule's per-day part dumps as before the field existed (its hash and fingerprints unchanged)
    water = engine.rule("cn-gd-environment/water-refusal-per-day").versions[0].version.per_day
    air = engine.rule("cn-gd-environment/air-refusal-per-day").versions[0].version.per_day
    assert water is not None and air is not None
    assert "optional" not in water.model_dump() and air.model_dump()["optional"] is True
