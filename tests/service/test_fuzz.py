"""API fuzzing with Schemathesis against the app in process (ASGI): for every operation, requests
made from the OpenAPI document, valid ones and invalid ones, with a valid admin key. No answer is a
500 and none breaks its own schema (status, content type, headers, body): Schemathesis's checks.

Two of Schemathesis's checks do not fit a domain service and are left out where they cannot hold:
``positive_data_acceptance`` (a case valid by the schema may still name an unknown rule or give
dates out of order: a 422 problem) and, for the batch, ``negative_data_rejection`` (a batch answers
200 with each bad case's problem on its line, by design).

A small fixed budget, derandomized (the same examples every run): 25 per operation and mode.
Hypothesis drives the strategies directly (``as_strategy``): Schemathesis's pytest plugin does not
run on this pytest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

import penalty_engine as pe
from penalty_engine.service import Settings, create_app

from .conftest import Keys

OPERATIONS = [
    "POST /v1/evaluate",
    "POST /v1/evaluate/batch",
    "GET /v1/packs",
    "GET /v1/rules",
    "GET /v1/rules/{pack}/{rule}",
    "GET /v1/decisions/{record_id}",
    "GET /v1/decisions/{record_id}/document",
    "GET /healthz",
    "GET /readyz",
]


@pytest.fixture(scope="module")
def api_schema(settings: Settings, engine: pe.Engine) -> Iterator[Any]:
    app = create_app(settings, engine=engine)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.service.ledger.close()


def test_every_operation_is_fuzzed(api_schema: Any) -> None:
    found = {f"{r.ok().method.upper()} {r.ok().path}" for r in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("label", OPERATIONS)
def test_no_operation_answers_500_or_breaks_its_schema(
    api_schema: Any, keys: Keys, label: str, mode: GenerationMode
) -> None:
    operation = api_schema.find_operation_by_label(label)
    if mode is GenerationMode.NEGATIVE and label in ("GET /healthz", "GET /readyz"):
        pytest.skip("no parameter or body to make invalid")
    excluded: list[Any] = [positive_data_acceptance]
    if label == "POST /v1/evaluate/batch":
        excluded.append(negative_data_rejection)

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=keys.auth("admin"), excluded_checks=excluded)

    run()
