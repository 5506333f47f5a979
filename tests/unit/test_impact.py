"""``penalty impact`` as a library: two versions of the Gansu layer that differ in one level's band
report exactly the cases of that level as changed, with amounts computed here by hand; identical
packs report no change; every row is counted once; duty thresholds are crossed both ways.

The two pack versions are built in a temporary folder from ``rules/cn-gs-transport``. The Gansu
table (row 1.1, 道路运输条例 Art. 63 as in force 2019-03-02 – 2023-07-19) has three levels; the
"after" version changes the bands of 较重 (grave) only:

    gain-20000-or-more: 4–7 × gain  →  4–9 × gain
    base:               50000–70000 →  60000–100000

Every case is an organization (较大数额 for organizations: 100000 yuan, the national pack's), decided
in 2022 under the 2019 text, so the layer's levels apply; the layer starts at the middle of the
band (start 1/2) and keeps the national factors (±1/4 each).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from penalty_engine.core import to_case
from penalty_engine.impact import Outputs, Settings, impact
from penalty_engine.impact.compare import retarget
from tests.conftest import ROOT

LAYER = ROOT / "rules" / "cn-gs-transport"
RULE_FILE = Path("road-transport") / "unlicensed-passenger.yaml"
GRAVE_GAIN = "gain-20000-or-more: {min_times: 4, max_times: 7}"
GRAVE_BASE = "base: {min: 50000, max: 70000}"


def copy_layer(dest: Path, replace: dict[str, str] | None = None) -> Path:
    """A copy of the Gansu layer in ``dest`` with each text of ``replace`` replaced exactly once."""
    shutil.copytree(LAYER, dest)
    path = dest / RULE_FILE
    text = path.read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert text.count(old) == 1, old  # the change must hit the one level meant
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    # The shipped 较大数额 for organizations (20,000, ADR 0018) is below every 较重 amount on both sides;
    # the copies set 100,000 (as the pack did before) so that a revision can cross the threshold.
    with (dest / "pack.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            "\ngeneral:\n  hearing:\n    - party: organization\n      amount: 100000\n"
            "      effective_from: 2000-01-01\n      assumption: 测试：法人或者其他组织的较大数额按10万元以上计\n"
        )
    return dest


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("packs")
    return {
        "before": copy_layer(root / "before"),
        "same": copy_layer(root / "same"),
        "after": copy_layer(
            root / "after",
            {
                GRAVE_GAIN: "gain-20000-or-more: {min_times: 4, max_times: 9}",
                GRAVE_BASE: "base: {min: 60000, max: 100000}",
            },
        ),
    }


def gs(case_id: str, decided: str = "2022-07-15", occurred: str = "2022-06-01", **facts: Any) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "violation": "cn-gs-transport/unlicensed-passenger",
        "occurred_on": occurred,
        "decided_on": decided,
        "party": {"kind": "organization"},
        "facts": facts,
    }


CASES = [
    # 一般 (2 months): base 30000–50000 → 40000; with a gain of 30000: 2–4 × = 60000–120000 → 90000
    gs("GEN-BASE", operation_months=2),
    gs("GEN-GAIN", operation_months=2, illegal_gain="30000"),
    # 较重 (more than 3 months and refused to correct): the level whose bands change
    gs("GRAVE-BASE", operation_months=5, refused_to_correct=True),
    gs("GRAVE-AGG", operation_months=5, refused_to_correct=True, several_vehicles=True, harm="serious"),
    gs("GRAVE-GAIN", operation_months=5, refused_to_correct=True, illegal_gain="25000"),
    gs("GRAVE-CORR", operation_months=5, refused_to_correct=True, corrected_in_time=True),
    # 严重 (at a hub): base 70000–100000 → 85000
    gs("SERIOUS-BASE", operation_months=5, at_hub_long_term=True),
    # the 2023 text: the national tiers, not the table (first finding: lighter, 10000–40000 → 25000)
    gs("V2023", decided="2023-08-01", occurred="2023-07-25", operation_months=5, refused_to_correct=True),
    # another rule of the national pack, inherited by the layer unchanged
    {
        "case_id": "FREIGHT",
        "violation": "cn-transport/unlicensed-freight",
        "occurred_on": "2026-03-02",
        "decided_on": "2026-04-10",
        "party": {"kind": "organization"},
        "facts": {"illegal_gain": "12000", "prior_12m": 1},
    },
]

# Hand computation of the 较重 cases (position = start 1/2, +1/4 per aggravating, -1/4 per mitigating
# factor; amount = band min + position × width, rounded half up to 100 and kept inside the band):
EXPECTED = {
    # no factor, position 1/2. before 50000 + 1/2 × 20000 = 60000; after 60000 + 1/2 × 40000 = 80000
    "GRAVE-BASE": ("60000", "80000", "20000"),
    # several vehicles + serious harm: 1/2 + 1/4 + 1/4 = 1. before 50000 + 20000 = 70000;
    # after 60000 + 40000 = 100000 (≥ 100000: the hearing notice and the legal review follow)
    "GRAVE-AGG": ("70000", "100000", "30000"),
    # gain 25000 ≥ 20000: before 4–7 × 25000 = 100000–175000, 100000 + 1/2 × 75000 = 137500;
    # after 4–9 × 25000 = 100000–225000, 100000 + 1/2 × 125000 = 162500
    "GRAVE-GAIN": ("137500", "162500", "25000"),
    # corrected in time: 1/2 - 1/4 = 1/4. before 50000 + 1/4 × 20000 = 55000; after 60000 + 1/4 × 40000 = 70000
    "GRAVE-CORR": ("55000", "70000", "15000"),
}
BANDS = {
    "GRAVE-BASE": (("50000", "70000"), ("60000", "100000")),
    "GRAVE-AGG": (("50000", "70000"), ("60000", "100000")),
    "GRAVE-GAIN": (("100000", "175000"), ("100000", "225000")),
    "GRAVE-CORR": (("50000", "70000"), ("60000", "100000")),
}


def write_cases(path: Path, cases: list[dict[str, Any]], extra: str = "") -> Path:
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases) + extra, encoding="utf-8")
    return path


def run(tmp_path: Path, before: Path, after: Path, cases: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    src = write_cases(tmp_path / "cases.jsonl", cases, kw.pop("extra", ""))
    out = tmp_path / "impact.json"
    impact([src], Settings(before=(str(before),), after=(str(after),), **kw), Outputs(json=out))
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_a_changed_band_changes_exactly_the_cases_of_that_level(packs: dict[str, Path], tmp_path: Path) -> None:
    data = run(tmp_path, packs["before"], packs["after"], CASES)
    assert data["schema"] == "penalty-engine/impact@1"
    changes = {c["case_id"]: c for c in data["changes"]}
    assert set(changes) == set(EXPECTED)  # the 较重 cases, no other
    for cid, (before, after, delta) in EXPECTED.items():
        c = changes[cid]
        assert (c["before"]["amount"], c["after"]["amount"], c["change"]) == (before, after, delta), cid
        assert (Decimal(after) - Decimal(before)) == Decimal(delta)
        (b_lo, b_hi), (a_lo, a_hi) = BANDS[cid]
        assert c["before"]["band"] == {"min": b_lo, "max": b_hi}
        assert c["after"]["band"] == {"min": a_lo, "max": a_hi}
        assert c["before"]["level"]["id"] == c["after"]["level"]["id"] == "grave"
        assert c["before"]["level"]["name"]["zh"] == "较重"
        assert c["changed"][:2] == ["band", "amount"]  # same outcome, level and tier
    assert changes["GRAVE-AGG"]["changed"] == ["band", "amount", "duties"]
    s = data["summary"]
    assert s == {
        "input": 9,
        "compared": 9,
        "changed": 4,
        "unchanged": 5,
        "error_before_only": 0,
        "error_after_only": 0,
        "rejected": 0,
        "lines": 9,
    }
    by_level = {
        (r["before"]["id"], r["after"]["id"]): r for r in data["by_level"] if r["violation"] == "unlicensed-passenger"
    }
    grave = by_level[("grave", "grave")]
    # 60000 + 70000 + 137500 + 55000 = 322500; 80000 + 100000 + 162500 + 70000 = 412500
    assert (grave["decisions"], grave["changed"], grave["increased"]) == (4, 4, 4)
    assert (grave["total_before"], grave["total_after"]) == ("322500", "412500")
    assert all(r["changed"] == 0 for k, r in by_level.items() if k != ("grave", "grave"))
    assert by_level[("general", "general")]["total_before"] == "130000"  # 40000 + 90000
    assert by_level[("serious", "serious")]["total_after"] == "85000"  # 70000 + 1/2 × 30000
    # the amounts: increases 20000 + 30000 + 25000 + 15000 = 90000, no decrease
    assert (data["amounts"]["increased_total"], data["amounts"]["decreased_total"]) == ("90000", "0")
    # GRAVE-AGG reaches 100000: the hearing notice and, with it, the legal review (the national pack)
    thresholds = {t["duty"]: (t["newly"], t["no_longer"]) for t in data["thresholds"]}
    assert thresholds == {"hearing_notice": (1, 0), "legal_review": (1, 0), "collective_discussion": (0, 0)}
    assert {(c["case_id"], c["duty"], c["direction"]) for c in data["crossings"]} == {
        ("GRAVE-AGG", "hearing_notice", "newly"),
        ("GRAVE-AGG", "legal_review", "newly"),
    }
    # the largest changes first, each with both trails (messages in Chinese by default)
    assert [e["case_id"] for e in data["largest"]] == ["GRAVE-AGG", "GRAVE-GAIN", "GRAVE-BASE", "GRAVE-CORR"]
    top = data["largest"][0]
    band_steps = [s for s in top["after"]["trail"] if s["code"] == "level.band.amount"]
    assert band_steps and "60000" in band_steps[0]["message"] and "100000" in band_steps[0]["message"]
    assert any("较重" in s["message"] for s in top["before"]["trail"])


def test_identical_packs_report_no_change(packs: dict[str, Path], tmp_path: Path) -> None:
    data = run(tmp_path, packs["before"], packs["same"], CASES)
    assert data["changes"] == [] and data["largest"] == [] and data["crossings"] == []
    assert data["summary"]["changed"] == 0 and data["summary"]["unchanged"] == data["summary"]["input"] == 9
    assert data["decisions"]["changed"] == 0
    assert all(r["total_before"] == r["total_after"] for r in data["by_rule"])
    assert all(b["before"] == b["after"] for b in data["amounts"]["bins"])


def test_swapped_sides_stop_crossing_the_threshold(packs: dict[str, Path], tmp_path: Path) -> None:
    data = run(tmp_path, packs["after"], packs["before"], CASES)
    thresholds = {t["duty"]: (t["newly"], t["no_longer"]) for t in data["thresholds"]}
    assert thresholds["hearing_notice"] == (0, 1) and thresholds["legal_review"] == (0, 1)
    changes = {c["case_id"]: c["change"] for c in data["changes"]}
    assert changes == {cid: f"-{d}" for cid, (_, _, d) in EXPECTED.items()}
    assert data["amounts"]["decreased_total"] == "90000"


def test_every_row_is_counted_once(packs: dict[str, Path], tmp_path: Path) -> None:
    """A layer that does not apply a rule refuses its cases on one side only (reported with the
    error); a broken line and a case both sides refuse are rejected; a duplicate id is rejected."""
    not_applied = copy_layer(tmp_path / "not-applied")
    with (not_applied / "pack.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            "\nnot_applied:\n  unlicensed-freight:\n"
            "    reason: {zh: 测试用：本省不适用, en: test only}\n"
            "    basis:\n      - benchmark: 测试用\n"
        )
    bad_fact = gs("BAD-FACT", operation_months=-1)  # below the fact's minimum (a bound, PE-C005) on both sides
    dup = gs("GEN-BASE", operation_months=1)
    data = run(tmp_path, packs["before"], not_applied, [*CASES, bad_fact, dup], extra="{not json\n")
    s = data["summary"]
    assert s["input"] == 12
    assert (s["compared"], s["error_after_only"], s["error_before_only"], s["rejected"]) == (8, 1, 0, 3)
    assert s["input"] == s["compared"] + s["error_before_only"] + s["error_after_only"] + s["rejected"]
    (one,) = data["one_sided"]
    assert one["case_id"] == "FREIGHT" and one["failed"] == "after" and one["error"].startswith("PE-C010")
    assert one["decided"][0]["amount"] == "36000"  # what the other side decided
    rejects = {r["case_id"]: r["error"][:7] for r in data["rejects"]}
    assert rejects == {"BAD-FACT": "PE-C005", "GEN-BASE": "PE-C003", None: "PE-C001"}


def test_rows_dated_after_the_run_are_rejected(packs: dict[str, Path], tmp_path: Path) -> None:
    data = run(tmp_path, packs["before"], packs["same"], CASES, run_date=dt.date(2026, 1, 1))
    (rej,) = data["rejects"]
    assert rej["case_id"] == "FREIGHT" and rej["error"].startswith("PE-C005")


def test_workers_do_not_change_the_output(packs: dict[str, Path], tmp_path: Path) -> None:
    src = write_cases(tmp_path / "cases.jsonl", CASES * 1)
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"impact-{workers}.json"
        settings = Settings(before=(str(packs["before"]),), after=(str(packs["after"]),))
        impact([src], settings, Outputs(json=out), workers=workers)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_a_national_rule_id_is_read_by_the_layer_under_its_own_pack() -> None:
    """A ledger export of the national pack names ``cn-transport/...``; a side that loads only the
    layer looks it up by the rule id, which the layer's rule shares."""
    case = to_case(dict(gs("X"), violation="cn-transport/unlicensed-passenger"))
    assert retarget(case, frozenset({"cn-gs-transport"})).violation == "unlicensed-passenger"
    assert retarget(case, frozenset({"cn-transport"})) is case


def national(case_id: str, **facts: Any) -> dict[str, Any]:
    return dict(gs(case_id, **facts), violation="cn-transport/unlicensed-passenger")


def test_the_national_pack_against_its_provincial_layer(tmp_path: Path) -> None:
    """An archive of the national pack (``cn-transport/...``) under the Gansu layer. The national
    version of 2019 has tiers by findings within a year (first: lighter, the range's first third;
    third or more: heavier, its last third; inner edges rounded to 100, the position taken in the
    rounded band); the layer has the table's levels. The circumstances only the layer declares are
    left out on the national side, and counted."""
    cases = [
        # base 30000–100000. national lighter 30000 – 30000 + 70000/3 = 53333.33 → 53300; 30000 + 1/2 × 23300
        # = 41650 → 41700. Gansu 一般 30000–50000 → 40000. Change -1700.
        national("N-1", operation_months=2),
        # gain 30000: range 60000–300000. national lighter 60000 – 60000 + 240000/3 = 140000, middle 100000
        # Gansu 一般 2–4 × = 60000–120000 → 90000 (both ≥ 20000, the organizations' 较大数额: notice on both sides).
        national("N-2", operation_months=2, illegal_gain="30000"),
        # third finding (prior_12m 2): national heavier 30000 + 2 × 70000/3 = 76666.67 → 76700 – 100000,
        # 76700 + 1/2 × 23300 = 88350 → 88400. Gansu 较重 50000–70000 → 60000. Change -28400.
        national("N-3", operation_months=5, refused_to_correct=True, prior_12m=2),
        # gain 25000 at a hub: range 50000–250000. national lighter 50000 – 116666.67 → 116700,
        # 50000 + 1/2 × 66700 = 83350 → 83400. Gansu 严重 7–10 × = 175000–250000 → 212500 (hearing notice).
        national("N-4", operation_months=8, at_hub_long_term=True, illegal_gain="25000"),
    ]
    data = run(tmp_path, Path("cn-transport"), LAYER, cases)
    got = {c["case_id"]: (c["before"]["amount"], c["after"]["amount"], c["change"]) for c in data["changes"]}
    assert got == {
        "N-1": ("41700", "40000", "-1700"),
        "N-2": ("100000", "90000", "-10000"),
        "N-3": ("88400", "60000", "-28400"),
        "N-4": ("83400", "212500", "129100"),
    }
    levels = {
        c["case_id"]: (c["before"]["tier"], c["before"]["level"], c["after"]["level"]["id"]) for c in data["changes"]
    }
    assert levels == {
        "N-1": ("lighter", None, "general"),
        "N-2": ("lighter", None, "general"),
        "N-3": ("heavier", None, "grave"),
        "N-4": ("lighter", None, "serious"),
    }
    crossings = {(c["case_id"], c["duty"], c["direction"]) for c in data["crossings"] if c["duty"] == "hearing_notice"}
    assert crossings == set()  # every amount is ≥ 20000 (ADR 0018) on both sides: the notice either way
    assert data["ignored_facts"] == [
        {"side": "before", "fact": "at_hub_long_term", "rows": 1},
        {"side": "before", "fact": "operation_months", "rows": 4},
        {"side": "before", "fact": "refused_to_correct", "rows": 1},
    ]
    # a fact neither side knows is still refused by both
    data = run(tmp_path, Path("cn-transport"), LAYER, [national("N-5", operation_months=2, no_such_fact=True)])
    assert data["summary"]["rejected"] == 1 and data["rejects"][0]["error"].startswith("PE-C003")


def test_a_killed_run_leaves_no_spill_folder_behind(tmp_path: Path) -> None:
    from penalty_engine.impact.job import remove_stale_workdirs

    gone, mine = tmp_path / "penalty-impact-999999999-abc", tmp_path / f"penalty-impact-{os.getpid()}-abc"
    gone.mkdir()
    mine.mkdir()
    assert remove_stale_workdirs(tmp_path) == [gone]  # the folder of a process that no longer runs
    assert mine.exists() and not gone.exists()
