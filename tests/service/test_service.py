"""The HTTP service in process (TestClient): every endpoint, every error status, the ledger record
an evaluation makes, a batch with a bad case in the middle, the OpenAPI schemas, the keys file."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

import penalty_engine as pe
from penalty_engine.render import render_any
from penalty_engine.service import Settings, create_app, read_keys

from .conftest import SAMPLE, Keys

PROBLEM = "application/problem+json"


def _problem(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM)
    p: dict[str, Any] = resp.json()
    assert p["status"] == status and p["code"] == code
    assert {"type", "title", "detail", "instance"} <= set(p)
    assert p["message"]["zh"] and p["message"]["en"]  # never an empty language
    return p


def test_evaluate_returns_the_decision_json_of_the_cli_and_records_it(
    client: TestClient, keys: Keys, engine: pe.Engine
) -> None:
    resp = client.post("/v1/evaluate", json=SAMPLE, headers=keys.auth())
    assert resp.status_code == 200, resp.text
    # the body is what `penalty evaluate --format json` prints: 52000 fine, 15600 confiscated
    assert resp.json() == json.loads(render_any(engine.evaluate(SAMPLE), "json", "en"))
    assert resp.json()["recommended_fine"] == "52000"
    rid = resp.headers["Ledger-Id"]
    assert rid.startswith("dec_") and resp.headers["Location"] == f"/v1/decisions/{rid}"
    got = client.get(f"/v1/decisions/{rid}", headers=keys.auth("read"))
    assert got.status_code == 200, got.text
    rec = got.json()
    assert rec["decision"] == resp.json()
    assert rec["case"]["facts"] == SAMPLE["facts"]
    assert rec["caller"] == read_keys(keys.file)[0].id  # the evaluate key's id, never its secret
    assert rec["fingerprint"] == resp.json()["fingerprint"]
    assert (rec["pack_id"], rec["engine"]) == ("cn-transport", f"penalty-engine {pe.__version__}")


def test_evaluate_in_chinese_gives_chinese_trail_messages(client: TestClient, keys: Keys, engine: pe.Engine) -> None:
    resp = client.post("/v1/evaluate?lang=zh", json=SAMPLE, headers=keys.auth())
    assert resp.json() == json.loads(render_any(engine.evaluate(SAMPLE), "json", "zh"))
    assert (
        resp.json()["trail"][0]["message"]
        != client.post("/v1/evaluate", json=SAMPLE, headers=keys.auth()).json()["trail"][0]["message"]
    )


def test_a_case_with_several_violations_gives_decisions(client: TestClient, keys: Keys) -> None:
    item = {"violation": SAMPLE["violation"], "facts": SAMPLE["facts"]}
    case = {k: v for k, v in SAMPLE.items() if k not in ("violation", "facts")}
    resp = client.post("/v1/evaluate", json={**case, "violations": [item, item], "same_act": True}, headers=keys.auth())
    assert resp.status_code == 200, resp.text
    assert resp.json()["schema"] == "penalty-engine/decisions@2" and len(resp.json()["decisions"]) == 2


def test_x_api_key_header_is_accepted(client: TestClient, keys: Keys) -> None:
    assert client.post("/v1/evaluate", json=SAMPLE, headers={"X-API-Key": keys.evaluate}).status_code == 200


def test_no_key_is_401_and_a_wrong_key_is_401(client: TestClient, keys: Keys) -> None:
    p = _problem(client.post("/v1/evaluate", json=SAMPLE), 401, "PE-S401")
    assert "Authorization" in p["message"]["en"]
    resp = client.post("/v1/evaluate", json=SAMPLE, headers={"Authorization": keys.evaluate.replace("_", "-") + "x"})
    _problem(resp, 401, "PE-S401")
    wrong_secret = keys.evaluate[:-3] + "abc"
    _problem(client.get("/v1/packs", headers={"Authorization": f"Bearer {wrong_secret}"}), 401, "PE-S401")


def test_a_key_without_the_role_is_403(client: TestClient, keys: Keys) -> None:
    p = _problem(client.post("/v1/evaluate", json=SAMPLE, headers=keys.auth("read")), 403, "PE-S403")
    assert "evaluate" in p["message"]["en"] and "evaluate" in p["message"]["zh"]
    assert client.post("/v1/evaluate", json=SAMPLE, headers=keys.auth("admin")).status_code == 200


def test_unknown_field_is_422_naming_the_field(client: TestClient, keys: Keys) -> None:
    resp = client.post("/v1/evaluate", json={**SAMPLE, "violatoin": "x"}, headers=keys.auth())
    p = _problem(resp, 422, "PE-C003")
    assert p["field"] == "violatoin" and "did you mean 'violation'" in p["detail"]
    facts = {**SAMPLE["facts"], "ilegal_gain": 1}
    p = _problem(client.post("/v1/evaluate", json={**SAMPLE, "facts": facts}, headers=keys.auth()), 422, "PE-C003")
    assert p["field"] == "facts.ilegal_gain"


def test_an_unknown_violation_is_422_and_nothing_is_recorded(client: TestClient, keys: Keys) -> None:
    resp = client.post("/v1/evaluate", json={**SAMPLE, "violation": "cn-transport/nope"}, headers=keys.auth())
    assert "Ledger-Id" not in resp.headers
    assert _problem(resp, 422, "PE-C006")["field"] == "violation"


def test_an_error_answers_its_message_in_chinese_and_english(client: TestClient, keys: Keys) -> None:
    facts = {**SAMPLE["facts"], "illegal_gain": "lots"}
    p = _problem(client.post("/v1/evaluate", json={**SAMPLE, "facts": facts}, headers=keys.auth()), 422, "PE-C004")
    assert p["field"] == "facts.illegal_gain" and p["detail"] == p["message"]["en"]
    assert p["message"]["en"].startswith("facts.illegal_gain: expected an amount with at most two decimals (元)")
    assert p["message"]["zh"] == (
        "facts.illegal_gain（违法所得）：应为最多两位小数的金额（元），不小于 0，"
        "可写作 52000、52,000、52000元 或 5.2万，收到 'lots'"
    )
    p = _problem(client.post("/v1/evaluate", content=b'{"case_id": ', headers=keys.auth()), 400, "PE-C001")
    assert p["message"]["zh"] == "请求体语法错误：此处应有一个值"


def test_malformed_json_is_400(client: TestClient, keys: Keys) -> None:
    resp = client.post("/v1/evaluate", content=b'{"case_id": ', headers=keys.auth())
    assert "JSON" in _problem(resp, 400, "PE-C001")["detail"]
    _problem(client.post("/v1/evaluate", content=b"\xff\xfe", headers=keys.auth()), 400, "PE-C001")
    _problem(client.post("/v1/evaluate", content=b"[1, 2]", headers=keys.auth()), 400, "PE-C001")


def test_a_body_over_the_limit_is_413(client: TestClient, keys: Keys) -> None:
    big = {**SAMPLE, "case_id": "x" * (70 * 1024)}  # the test app allows 64 KiB
    resp = client.post("/v1/evaluate", json=big, headers=keys.auth())
    _problem(resp, 413, "PE-S413")
    assert "Ledger-Id" not in resp.headers  # refused before anything is evaluated or recorded

    def chunks() -> Any:  # no Content-Length: counted while it streams in
        yield b'{"case_id": "'
        for _ in range(80):
            yield b"x" * 1024
        yield b'"}'

    streamed = client.post("/v1/evaluate", content=chunks(), headers=keys.auth())
    _problem(streamed, 413, "PE-S413")
    assert "Ledger-Id" not in streamed.headers


def test_a_bad_query_parameter_is_422_naming_it(client: TestClient, keys: Keys) -> None:
    p = _problem(client.post("/v1/evaluate?lang=fr", json=SAMPLE, headers=keys.auth()), 422, "PE-S422")
    assert p["field"] == "lang"
    p = _problem(client.get("/v1/rules?search=a&search=b", headers=keys.auth()), 422, "PE-S422")
    assert p["field"] == "search"


def test_batch_answers_each_case_in_order_and_a_bad_case_fails_alone(client: TestClient, keys: Keys) -> None:
    bad = {**SAMPLE, "case_id": "BAD", "facts": {**SAMPLE["facts"], "prior_12m": "many"}}
    cases = [SAMPLE, bad, {**SAMPLE, "case_id": "THIRD"}, 7]
    resp = client.post("/v1/evaluate/batch", json=cases, headers=keys.auth())
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(x) for x in resp.text.splitlines()]
    assert [x["index"] for x in lines] == [0, 1, 2, 3]
    assert lines[0]["decision"]["case_id"] == "SAMPLE-2026-0001" and lines[2]["decision"]["case_id"] == "THIRD"
    assert lines[1]["problem"]["code"] == "PE-C004" and lines[1]["problem"]["field"] == "facts.prior_12m"
    assert lines[3]["problem"]["code"] == "PE-C001"
    for line in (lines[0], lines[2]):  # each good case is recorded with its own id
        rec = client.get(f"/v1/decisions/{line['ledger_id']}", headers=keys.auth("read")).json()
        assert rec["decision"] == line["decision"]


def test_batch_over_the_size_limit_is_413_and_not_an_array_is_422(client: TestClient, keys: Keys) -> None:
    service = client.app.state.service  # type: ignore[attr-defined]
    before = len(list(service.ledger.records()))
    _problem(client.post("/v1/evaluate/batch", json=[SAMPLE] * 6, headers=keys.auth()), 413, "PE-S413")
    _problem(client.post("/v1/evaluate/batch", json=SAMPLE, headers=keys.auth()), 422, "PE-S422")
    assert len(list(service.ledger.records())) == before  # neither refused batch recorded any case


def test_packs_and_rules_describe_what_a_form_needs(client: TestClient, keys: Keys) -> None:
    packs = client.get("/v1/packs", headers=keys.auth("read")).json()
    assert "cn-transport" in [p["id"] for p in packs]
    rules = client.get("/v1/rules?search=freight", headers=keys.auth("read")).json()
    assert "cn-transport/unlicensed-freight" in [r["id"] for r in rules]
    rule = client.get("/v1/rules/cn-transport/unlicensed-freight", headers=keys.auth("read")).json()
    facts = {f["name"]: f for f in rule["facts"]}
    gain = facts["illegal_gain"]
    assert gain["label"]["zh"] and gain["label"]["en"] and gain["type"] == "money"
    assert isinstance(gain["required"], bool) and all(isinstance(f["common"], bool) for f in facts.values())
    assert rule["definition"]["id"] == "cn-transport/unlicensed-freight"


def test_an_unknown_rule_or_decision_is_404(client: TestClient, keys: Keys) -> None:
    p = _problem(client.get("/v1/rules/cn-transport/unlicensed-freigt", headers=keys.auth()), 404, "PE-C006")
    assert "unlicensed-freight" in p["detail"]  # the nearest name
    _problem(client.get("/v1/decisions/dec_nope", headers=keys.auth("read")), 404, "PE-S404")
    _problem(client.get("/v1/nowhere", headers=keys.auth()), 404, "PE-S404")


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and "cn-transport" in ready.json()["packs"] and ready.json()["ledger"]


def test_not_ready_when_the_ledger_does_not_answer(settings: Settings, engine: pe.Engine) -> None:
    app = create_app(settings, engine=engine)
    app.state.service.ledger.close()
    with TestClient(app) as c:
        p = _problem(c.get("/readyz"), 503, "PE-S503")
        assert "ledger" in p["message"]["en"] and "账本" in p["message"]["zh"]
        assert c.get("/healthz").status_code == 200  # the process is up; only readiness fails


def test_an_unexpected_error_is_a_500_problem_with_a_reference_not_a_traceback(
    settings: Settings, engine: pe.Engine, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, engine=engine)

    def broken(*args: Any) -> Any:
        raise RuntimeError("disk on fire")

    app.state.service.decide = broken
    with TestClient(app, raise_server_exceptions=False) as c:
        resp = c.post("/v1/evaluate", json=SAMPLE, headers=keys.auth())
    p = _problem(resp, 500, "PE-S500")
    assert "disk on fire" not in resp.text and "Traceback" not in resp.text
    assert p["reference"] in caplog.text and "disk on fire" in caplog.text
    assert keys.evaluate not in caplog.text


def test_openapi_has_the_real_request_and_response_schemas(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert {"Case", "Decision", "Decisions", "Problem", "BatchLine", "RuleOut", "RecordOut"} <= set(schemas)
    assert "facts" in schemas["Case"]["properties"] and "recommended_fine" in schemas["Decision"]["properties"]
    ev = doc["paths"]["/v1/evaluate"]["post"]
    assert ev["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Case"}
    ok = ev["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/Decision"} in ok["anyOf"]
    assert ev["responses"]["422"]["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert (
        doc["paths"]["/v1/evaluate/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]["maxItems"]
        == 5
    )


def test_the_keys_file_stores_no_secret(keys: Keys) -> None:
    text = keys.file.read_text(encoding="utf-8")
    for secret in (keys.evaluate, keys.read, keys.admin):
        assert secret not in text and secret.split("_", 2)[2] not in text  # pek_<id>_<secret>
    assert all(k.hash.startswith("scrypt$") for k in read_keys(keys.file))
