"""The fingerprint's fast canonical-JSON writer gives exactly the bytes of the generic encoder."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from penalty_engine.core.evaluation import Evaluation

from .strategies import Example, engine, examples


@given(ex=examples(), case_id=st.text(min_size=1, max_size=12), name=st.none() | st.text(max_size=12))
def test_fast_fingerprint_equals_the_generic_encoder(ex: Example, case_id: str, name: str | None) -> None:
    case: dict[str, Any] = {**ex.case, "case_id": case_id, "party": {**ex.case["party"], "name": name}}
    fast = engine().evaluate(case, as_of=ex.as_of).fingerprint
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Evaluation, "_fingerprint", Evaluation._fingerprint_generic)
        generic = engine().evaluate(case, as_of=ex.as_of).fingerprint
    assert fast == generic
