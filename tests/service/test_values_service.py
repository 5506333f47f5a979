"""The HTTP service reads a case in Chinese values like a case file (ADR 0016): the same decision
JSON as the machine values, and a value that does not read is a problem naming the field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import SAMPLE, Keys


def test_a_case_in_chinese_values_gives_the_decision_of_the_machine_values(client: TestClient, keys: Keys) -> None:
    chinese = {
        **SAMPLE,
        "occurred_on": "2026年3月2日",
        "discovered_on": "2026/3/5",
        "decided_on": "２０２６年４月１０日",
        "party": {"kind": "单位"},
        "facts": {"illegal_gain": "1.56万元", "prior_12m": "1次", "several_vehicles": "是"},
    }
    zh = client.post("/v1/evaluate", json=chinese, headers=keys.auth())
    machine = client.post("/v1/evaluate", json=SAMPLE, headers=keys.auth())
    assert zh.status_code == 200 and machine.status_code == 200, zh.text
    assert zh.json() == machine.json()
    bad = client.post("/v1/evaluate", json={**chinese, "party": {"kind": "个体户"}}, headers=keys.auth())
    assert bad.status_code == 422, bad.text
    problem = bad.json()
    assert problem["code"] == "PE-C004" and "party.kind: expected a party kind" in problem["detail"]
